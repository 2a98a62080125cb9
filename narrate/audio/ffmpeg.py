"""The single place narrate runs ffmpeg: the binary from imageio-ffmpeg, errors as one line."""

from __future__ import annotations

import logging
import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from narrate.errors import AudioToolError

log = logging.getLogger(__name__)


@cache
def ffmpeg_exe() -> str:
    """ffmpeg shipped in the imageio-ffmpeg wheel (IMAGEIO_FFMPEG_EXE overrides it)."""
    import imageio_ffmpeg

    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise AudioToolError(f"ffmpeg not found: {exc}") from None


def run_ffmpeg(args: list[str], *, input_bytes: bytes | None = None, what: str = "ffmpeg") -> subprocess.CompletedProcess:
    """Run ffmpeg quietly; on failure raise with its last meaningful stderr line."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *args]
    if input_bytes is not None:
        command.remove("-nostdin")
    log.debug("running %s", command)
    try:
        proc = subprocess.run(command, input=input_bytes, capture_output=True, check=False)
    except OSError as exc:
        raise AudioToolError(f"{what}: cannot run ffmpeg ({exc})") from None
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
        detail = lines[-1] if lines else f"exit status {proc.returncode}"
        raise AudioToolError(f"{what}: {detail}")
    return proc


def file_arg(path: Path) -> str:
    """Paths go to ffmpeg with a `file:` prefix so a name like `-x.mp3` or `a:b` is never misread."""
    return f"file:{path}"


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float


_INTEGRATED = re.compile(r"I:\s+(-?[\d.]+|-inf) LUFS")
_PEAK = re.compile(r"Peak:\s+(-?[\d.]+|-inf) dBFS")


def measure_loudness(input_args: list[str], *, peak: str | None = "true", before: str = "") -> Loudness:
    """Integrated loudness and peak (ITU-R BS.1770) of an input, streamed through ebur128.

    `peak="true"` oversamples to find true peaks; `"sample"` costs a third; None skips peaks
    (reported as -inf). `before` is a filter chain applied ahead of the meter.
    """
    meter = "ebur128" if peak is None else f"ebur128=peak={peak}"
    chain = f"{before},{meter}" if before else meter
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", *input_args,
               "-af", chain, "-f", "null", "-"]
    proc = subprocess.run(command, capture_output=True, check=False)
    stderr = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        lines = [line for line in stderr.splitlines() if line.strip()]
        raise AudioToolError(f"loudness measurement: {lines[-1] if lines else proc.returncode}")
    summary = stderr[stderr.rfind("Summary:"):]
    integrated = _INTEGRATED.search(summary)
    peak_match = _PEAK.search(summary)
    if not integrated or (peak is not None and not peak_match):
        raise AudioToolError("loudness measurement: ffmpeg printed no ebur128 summary")
    return Loudness(float(integrated.group(1)), float(peak_match.group(1)) if peak_match else float("-inf"))
