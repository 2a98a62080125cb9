import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from narrate.audio.ffmpeg import ffmpeg_exe
from narrate.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
# Four paragraphs of a plain article, for the cleaning tests to surround with page furniture.
BODY = [
    "The council voted on Tuesday to rebuild the old stone bridge over the river, ending a debate that had run for years.",
    "Engineers had warned that the bridge could not carry modern lorries, and that repairs would only buy a few more winters.",
    "Residents packed the hall for the vote. Many had crossed the bridge every day of their lives and wanted it kept as it was.",
    "Work will start in the spring and should take two years, during which a temporary crossing will carry foot traffic.",
]


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory):
    """The test session gets its own clip cache, never the user's."""
    root = tmp_path_factory.getbasetemp() / "cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NARRATE_CACHE_DIR", str(root))
        patch.delenv("NARRATE_DEBUG", raising=False)
        yield root


def run_cli(*args, input=None):
    """Run the real `narrate` command in-process, as a user would from the shell."""
    return CliRunner().invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.fixture
def cli():
    return run_cli


def decode(mp3: Path) -> tuple[np.ndarray, int, int]:
    """Decode an MP3 with ffmpeg: samples (float), sample rate and channel count as ffmpeg reports."""
    probe = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(mp3)], capture_output=True, text=True)
    stream = re.search(r"Audio: mp3.*?, (\d+) Hz, (mono|stereo)", probe.stderr)
    assert stream, probe.stderr
    pcm = subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(mp3), "-f", "f32le", "-"],
                         capture_output=True, check=True).stdout
    channels = 1 if stream.group(2) == "mono" else 2
    return np.frombuffer(pcm, dtype=np.float32), int(stream.group(1)), channels


def loudness(mp3: Path) -> tuple[float, float]:
    """Integrated loudness and true peak, measured independently of narrate's own code path."""
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(mp3), "-af", "ebur128=peak=true",
                           "-f", "null", "-"], capture_output=True, text=True, check=True)
    summary = proc.stderr[proc.stderr.rfind("Summary:"):]
    lufs = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1))
    return lufs, peak


def read_chapters_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def make_tone(path: Path, seconds: float, freq: int = 440) -> Path:
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"sine=frequency={freq}:duration={seconds}:sample_rate=44100", "-ac", "2", str(path)], check=True)
    return path
