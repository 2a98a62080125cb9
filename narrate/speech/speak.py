"""Turn the speech plan into clips, reusing cached audio wherever the text and voice match.

What is not cached is synthesised, in worker processes when there is enough of it: on two cores,
two Piper processes with one thread each synthesise about 20% faster than one process with two
threads (onnxruntime's intra-op threads do not scale perfectly on this network). Each clip is
cached the moment it arrives, so a build killed at any point resumes from there. Synthesis starts
before the cached clips are handed on, so the few sentences an edit changed are spoken while the
encoder takes the audio before them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from narrate.cache import Cache, clip_key
from narrate.errors import EngineError
from narrate.models import Clip, Utterance
from narrate.speech.engines import Voices
from narrate.speech.engines.base import Engine
from narrate.speech.silence import trim_silence

Progress = Callable[[int, int], None]
"""Called with (characters done, characters in all) as clips become ready."""

# Below this many clips to synthesise, starting worker processes costs more than it saves.
MIN_PARALLEL_CLIPS = 12
MAX_WORKERS = 4
# Clips the voice may speak ahead of the build taking them (in-process synthesis).
SPEAK_AHEAD = 4
# When the text still to be handed on after the last sentence spoken is this long (about ten minutes of
# speech, all of it cached), the voice's network is unloaded first: it holds 250-350 MB that the long
# encode after it does not need. Shorter, and the voice stays loaded for the process's next build.
UNLOAD_BEFORE_CHARS = 9_000

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
    """Load the voices as the worker starts, not at its first sentence: a pool started while the plan is
    still being made has them ready when the sentences come. A voice that fails to load is loaded again
    by the sentence that needs it, which reports the engine's own error (a worker's initialiser must not
    raise: the pool would start new workers for ever)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    _worker_engines.update(engines)
    _load_quietly(engines)


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
    return [_role_and_key(utterance, identities) for utterance in plan]


def _role_and_key(utterance: Utterance, identities: dict[str, dict]) -> tuple[str, str]:
    role = utterance.role if utterance.role in identities else "body"
    return role, clip_key(identities[role], utterance.spoken)


def _ahead(executor, work: Callable, jobs: list) -> Iterator:
    """`work(job)` for each job, in order, run on `executor` at most SPEAK_AHEAD jobs ahead of the
    caller: when the encoder holds the caller back, clips do not pile up in memory."""
    from collections import deque

    pending = deque(executor.submit(work, job) for job in jobs[:SPEAK_AHEAD])
    for job in jobs[SPEAK_AHEAD:]:
        done = pending.popleft().result()
        pending.append(executor.submit(work, job))
        yield done
    while pending:
        yield pending.popleft().result()


@contextmanager
def _synthesis(jobs: list[tuple[str, str, str]], engines: dict[str, Engine], count: int,
               voices: Voices | None = None, loading=None, started=None) -> Iterator:
    """The jobs' samples, in job order, synthesised beside the caller (on a thread, or in `count` worker
    processes), so that meanwhile the caller can hand the cached clips on, to an encoder that runs
    while the voice speaks: an edited sentence is spoken while the episode before it is encoded.

    With `voices` (a process that builds again), the workers are kept for its next build. `started` is
    a pool of workers started for these engines while the plan was made (see `HeadStart`)."""
    if started is not None and (not jobs or count <= 1):
        started.terminate()  # another build spoke them meanwhile: ended now, not after the encode
        started = None
    if not jobs:
        yield iter(())
        return
    if count <= 1:
        from concurrent.futures import ThreadPoolExecutor

        executor = ThreadPoolExecutor(1, thread_name_prefix="narrate-speech")
        if loading is not None:
            executor.submit(loading.join)  # the voices are loading: the first sentence waits for them
        try:
            yield _ahead(executor, lambda job: _synthesise_with(engines[job[1]], job[2]), jobs)
        finally:
            executor.shutdown(wait=True, cancel_futures=True)  # at most the sentence being spoken finishes
        return
    tasks = [(role, text) for _, role, text in jobs]
    if voices is not None:
        pool = voices.pool(engines, lambda: _start_pool(engines, count))
        try:
            yield pool.imap(_synthesise, tasks, chunksize=1)
        except BaseException:
            voices.discard_pool(engines)  # its workers may still be speaking what nobody will take
            raise
        return
    pool = started or _start_pool(engines, count)
    try:
        yield pool.imap(_synthesise, tasks, chunksize=1)
    finally:
        # Every result is taken (or none will be): ended at once, the workers skip their interpreter's
        # orderly exit (freeing the voice and the phonemiser's tables), a quarter of a second or more.
        pool.terminate()
        pool.join()


def _start_pool(engines: dict[str, Engine], count: int):
    """A terminal's Ctrl-C reaches the workers too. They are started with its signal blocked, a mask they
    keep (so a worker's interpreter is never stopped mid-start, with a traceback), and one that comes
    meanwhile is held and raised here once they are started (cut short, a worker would find the
    instructions it reads from this process missing, and say so with a traceback)."""
    import multiprocessing
    import signal
    import threading

    single_threaded = {role: engine.single_threaded() for role, engine in engines.items()}
    context = multiprocessing.get_context("spawn")
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        return context.Pool(count, initializer=_init_worker, initargs=(single_threaded,))
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()  # first: starting, it unblocks the signal in this thread
    held: list[int] = []
    handler = signal.signal(signal.SIGINT, lambda number, frame: held.append(number))
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pool = context.Pool(count, initializer=_init_worker, initargs=(single_threaded,))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        signal.signal(signal.SIGINT, handler)
    if held:
        pool.terminate()
        pool.join()
        raise KeyboardInterrupt
    return pool


class HeadStart:
    """The voices started while the plan is still being made, for a build that will speak.

    Told of each planned utterance, it counts those the cache has no clip for: once there are as many as
    `speak` gives worker processes (MIN_PARALLEL_CLIPS), the workers are started at once, so that their
    start (the interpreter, the imports, the voice's load: about a second with hibari) runs beside the
    rest of the plan; an engine that speaks in this process has its voice loaded on a thread from the
    first one.
    What it started is ended with it (it is a context manager), used by `speak` or not."""

    def __init__(self, engines: dict[str, Engine], cache: Cache | None, workers: int):
        self.engines = engines
        self.cache = cache
        self.workers = workers
        self.identities = {role: engine.identity() for role, engine in engines.items()}
        self.missing: set[str] = set()
        self.pool = None
        self.loading = None  # the thread loading the voices in this process

    @property
    def started(self) -> bool:
        return self.pool is not None or self.loading is not None

    def load_beside(self) -> None:
        """Load the voices in this process now, on a thread (onnxruntime builds a session without holding
        Python's lock, so the plan goes on meanwhile)."""
        import threading

        if not self.started:
            self.loading = threading.Thread(target=_load_quietly, args=(self.engines,), name="narrate-voice",
                                            daemon=True)
            self.loading.start()

    def planned(self, utterance: Utterance) -> None:
        if self.started:
            return
        _, key = _role_and_key(utterance, self.identities)
        if key in self.missing or (self.cache is not None and self.cache.get(key) is not None):
            return
        self.missing.add(key)
        count = worker_count(self.workers, len(self.missing), self.engines)
        if count > 1:  # what `speak` chooses for this many sentences to speak, and for more
            self.pool = _start_pool(self.engines, count)
        elif worker_count(self.workers, MIN_PARALLEL_CLIPS, self.engines) <= 1:  # however many there will be
            self.load_beside()

    def __enter__(self) -> HeadStart:
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.terminate()  # a second time, after `speak` ended it, does nothing
            self.pool.join()
        if self.loading is not None:
            self.loading.join()


def _load_quietly(engines: dict[str, Engine]) -> None:
    """Load each voice's network now. A voice that fails to load is reported by the sentence that needs
    it, which loads it again."""
    from narrate.speech.engines import load_voices

    try:
        load_voices(engines)
    except Exception:  # the engines' own errors, raised again where a sentence needs the voice
        pass


def speak(plan: list[Utterance], engines: dict[str, Engine], cache: Cache,
          progress: Progress | None = None, workers: int = 0,
          on_ready: Callable[[int, Clip], None] | None = None, voices: Voices | None = None,
          head_start: HeadStart | None = None) -> list[Clip]:
    """One clip per utterance, in the voice of its role (`engines["body"]` when the role has none).

    `on_ready(position, clip)` is told of each clip as soon as it exists, in no particular order, always
    from the calling thread. `voices`, the owner of `engines` in a process that builds again, keeps
    them and their workers loaded for the next build. `head_start` holds what was started while the plan
    was made: its workers speak, or its thread loading the voices is waited for before this process
    speaks with them.
    """
    total = sum(len(u.spoken) for u in plan)
    done = 0
    clips: list[Clip | None] = [None] * len(plan)
    cached: list[int] = []
    missing: dict[str, list[int]] = {}  # key -> positions in the plan (a sentence may repeat)
    jobs: list[tuple[str, str, str]] = []
    for position, (utterance, (role, key)) in enumerate(zip(plan, utterance_keys(plan, engines))):
        clip = cache.get(key) if key not in missing else None
        if clip is not None:
            clips[position] = clip
            cached.append(position)
            done += len(utterance.spoken)
        else:
            if key not in missing:
                jobs.append((key, role, utterance.spoken))
            missing.setdefault(key, []).append(position)

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

    loading, started = (head_start.loading, head_start.pool) if head_start is not None else (None, None)
    with _synthesis(jobs, engines, worker_count(workers, len(jobs), engines), voices, loading, started) as results:
        if progress:
            progress(done, total)
        if on_ready:
            for position in cached:
                on_ready(position, clips[position])
        last = len(jobs) - 1
        for number, ((key, role, text), samples) in enumerate(zip(jobs, results)):
            if voices is None and number == last and _trailing_chars(plan, min(missing[key])) >= UNLOAD_BEFORE_CHARS:
                _unload(engines)
            store(key, role, text, samples)
    return clips  # type: ignore[return-value]


def _trailing_chars(plan: list[Utterance], first: int) -> int:
    """The text handed on at once when the clip at `first` is the last one missing: all of it to the end."""
    return sum(len(utterance.spoken) for utterance in plan[first:])


def _unload(engines: dict[str, Engine]) -> None:
    """Free each voice's network (an engine may offer `unload`; it loads again when next used)."""
    for engine in engines.values():
        unload = getattr(engine, "unload", None)
        if unload is not None:
            unload()
