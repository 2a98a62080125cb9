"""Turn the speech plan into clips, reusing cached audio wherever the text and voice match.

What is not cached is synthesised, in worker processes when there is enough of it: on two cores,
two Piper processes with one thread each synthesise about 20% faster than one process with two
threads (onnxruntime's intra-op threads do not scale perfectly on this network). Each clip is
cached the moment it arrives, so a build killed at any point resumes from there.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from narrate.cache import Cache, clip_key
from narrate.errors import EngineError
from narrate.models import Clip, Utterance
from narrate.speech.engines.base import Engine
from narrate.speech.silence import trim_silence

Progress = Callable[[int, int], None]
"""Called with (characters done, characters in all) as clips become ready."""

# Below this many clips to synthesise, starting worker processes costs more than it saves.
MIN_PARALLEL_CLIPS = 12
MAX_WORKERS = 4

_worker_engines: dict[str, Engine] = {}


def worker_count(setting: int, jobs: int, engines: dict[str, Engine]) -> int:
    if not all(getattr(engine, "parallel_safe", False) for engine in engines.values()):
        return 1
    if setting:
        return max(1, setting)
    if jobs < MIN_PARALLEL_CLIPS:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def _init_worker(engines: dict[str, Engine]) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    _worker_engines.update(engines)


def _synthesise_with(engine: Engine, text: str):
    samples = engine.synthesize(text)
    return trim_silence(samples, engine.sample_rate) if len(samples) else samples


def _synthesise(job: tuple[str, str]):
    """The worker's task: its own copy of the role's engine, loaded once per process."""
    role, text = job
    return _synthesise_with(_worker_engines[role], text)


def utterance_keys(plan: list[Utterance], engines: dict[str, Engine]) -> list[tuple[str, str]]:
    """(role, cache key) for each utterance: the role falls back to "body" when it has no voice of its own."""
    identities = {role: engine.identity() for role, engine in engines.items()}
    keys = []
    for utterance in plan:
        role = utterance.role if utterance.role in engines else "body"
        keys.append((role, clip_key(identities[role], utterance.spoken)))
    return keys


def speak(plan: list[Utterance], engines: dict[str, Engine], cache: Cache,
          progress: Progress | None = None, workers: int = 0,
          on_ready: Callable[[int, Clip], None] | None = None) -> list[Clip]:
    """One clip per utterance, in the voice of its role (`engines["body"]` when the role has none).

    `on_ready(position, clip)` is told of each clip as soon as it exists, in no particular order.
    """
    total = sum(len(u.spoken) for u in plan)
    done = 0
    clips: list[Clip | None] = [None] * len(plan)
    missing: dict[str, list[int]] = {}  # key -> positions in the plan (a sentence may repeat)
    jobs: list[tuple[str, str, str]] = []
    for position, (utterance, (role, key)) in enumerate(zip(plan, utterance_keys(plan, engines))):
        clip = cache.get(key) if key not in missing else None
        if clip is not None:
            clips[position] = clip
            done += len(utterance.spoken)
            if on_ready:
                on_ready(position, clip)
        else:
            if key not in missing:
                jobs.append((key, role, utterance.spoken))
            missing.setdefault(key, []).append(position)
    if progress:
        progress(done, total)

    def store(key: str, role: str, text: str, samples) -> None:
        nonlocal done
        if len(samples) == 0:
            raise EngineError(f"{engines[role].name}: produced no audio for {text[:60]!r}")
        clip = cache.put(key, samples, engines[role].sample_rate)
        for position in missing[key]:
            clips[position] = clip
            done += len(plan[position].spoken)
            if on_ready:
                on_ready(position, clip)
        if progress:
            progress(done, total)

    count = worker_count(workers, len(jobs), engines)
    if count <= 1:
        for key, role, text in jobs:
            store(key, role, text, _synthesise_with(engines[role], text))
        return clips  # type: ignore[return-value]

    import multiprocessing

    single_threaded = {role: engine.single_threaded() for role, engine in engines.items()}
    pool = multiprocessing.get_context("spawn").Pool(count, initializer=_init_worker, initargs=(single_threaded,))
    try:
        results = pool.imap(_synthesise, [(role, text) for _, role, text in jobs], chunksize=1)
        for (key, role, text), samples in zip(jobs, results):
            store(key, role, text, samples)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
    return clips  # type: ignore[return-value]
