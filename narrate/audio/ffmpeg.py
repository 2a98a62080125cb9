"""The single place narrate runs ffmpeg: the binary from imageio-ffmpeg, errors as one line."""

from __future__ import annotations

import logging
import subprocess
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
