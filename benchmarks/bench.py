"""Speed and memory of `narrate build`, as ratios against the raw Piper engine in the same run.

The engine is the floor: synthesising the same sentences with the same voice and threads,
nothing else. Everything above it (parsing, trimming, loudness, encoding, tagging, Python
start-up) is narrate's overhead. Builds run as separate processes so peak memory is theirs.

Usage: scripts/bench [ARTICLE ...]   (default: the bundled example and benchmarks/long-read.txt)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ARTICLES = [ROOT / "examples" / "keepers-of-the-light.md", ROOT / "benchmarks" / "long-read.txt"]
NARRATE = [sys.executable, "-m", "narrate"]

_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
elapsed = time.perf_counter() - start
print(proc.returncode, elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one command run in its own process."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, *command], env=env, stdout=subprocess.PIPE, text=True,
                         check=True).stdout.split()
    if out[0] != "0":
        raise SystemExit(f"bench: {' '.join(command)} failed")
    return float(out[1]), int(out[2]) / 1024


def engine_floor(article: Path) -> tuple[float, float, int]:
    """Seconds the raw engine takes for the build's sentences, the audio length, and the word count."""
    from narrate.config import Config
    from narrate.engines import load_engine
    from narrate.ingest import parse, read_source
    from narrate.segment import plan_speech

    config = Config()
    plan = plan_speech(parse(read_source(str(article))), config)
    engine = load_engine(config)
    engine.synthesize("Warm up.")  # the network loads on first use; a build pays that too, once
    start = time.perf_counter()
    samples = sum(len(engine.synthesize(u.spoken)) for u in plan)
    words = sum(len(u.written.split()) for u in plan)
    return time.perf_counter() - start, samples / engine.sample_rate, words


def main() -> None:
    articles = [Path(a) for a in sys.argv[1:]] or DEFAULT_ARTICLES
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NARRATE_CACHE_DIR=str(Path(tmp) / "cache"))
        help_seconds = min(timed([*NARRATE, "--help"], env)[0] for _ in range(5))
        for article in articles:
            floor, audio_seconds, words = engine_floor(article)
            out = Path(tmp) / f"{article.stem}.mp3"
            cold, cold_rss = timed([*NARRATE, "build", str(article), "-o", str(out), "-q"], env)
            warm, warm_rss = timed([*NARRATE, "build", str(article), "-o", str(out), "-q"], env)
            rows.append({"article": article.name, "words": words, "audio_s": round(audio_seconds, 1),
                         "engine_s": round(floor, 2), "cold_s": round(cold, 2), "cold_vs_engine": round(cold / floor, 2),
                         "warm_s": round(warm, 2), "warm_vs_cold": round(warm / cold, 2),
                         "peak_rss_mb": round(max(cold_rss, warm_rss))})
    print(f"{'article':<28}{'words':>6}{'audio s':>9}{'engine s':>10}{'cold s':>8}{'cold/engine':>12}"
          f"{'warm s':>8}{'warm/cold':>10}{'peak MB':>9}")
    for r in rows:
        print(f"{r['article']:<28}{r['words']:>6}{r['audio_s']:>9}{r['engine_s']:>10}{r['cold_s']:>8}"
              f"{r['cold_vs_engine']:>12}{r['warm_s']:>8}{r['warm_vs_cold']:>10}{r['peak_rss_mb']:>9}")
    print(f"narrate --help: {help_seconds:.2f} s")
    print(json.dumps({"rows": rows, "help_s": round(help_seconds, 3), "cores": os.cpu_count()}))


if __name__ == "__main__":
    main()
