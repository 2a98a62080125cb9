"""Intro and outro music: any file ffmpeg reads, resampled to the episode and faded with pydub.

pydub is used only on single clips. The episode itself is streamed to disk and to the encoder,
never concatenated in memory, so a two-hour episode costs no more memory than a two-minute one.
"""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path

from narrate.errors import AudioToolError

FADE_MS = 400


@cache
def _audio_segment():
    from narrate.audio.ffmpeg import ffmpeg_exe

    with warnings.catch_warnings():
        # pydub looks for ffmpeg on PATH at import; narrate points it at imageio-ffmpeg's binary.
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)  # audioop, on Python 3.12
        from pydub import AudioSegment
    AudioSegment.converter = ffmpeg_exe()
    return AudioSegment


def load_jingle(path: Path, sample_rate: int, fade_in: bool, fade_out: bool) -> bytes:
    """An intro or outro file of any format ffmpeg reads, as 16-bit mono PCM at the episode's rate."""
    from narrate.audio.ffmpeg import file_arg, run_ffmpeg

    if not path.is_file():
        raise AudioToolError(f"{path}: intro/outro audio file not found")
    pcm = run_ffmpeg(["-i", file_arg(path), "-vn", "-ac", "1", "-ar", str(sample_rate),
                      "-f", "s16le", "pipe:1"], what=f"reading {path.name}").stdout
    if not pcm:
        raise AudioToolError(f"{path}: no audio in the intro/outro file")
    segment = _audio_segment()(data=pcm, sample_width=2, frame_rate=sample_rate, channels=1)
    fade = min(FADE_MS, len(segment) // 4)
    if fade_in:
        segment = segment.fade_in(fade)
    if fade_out:
        segment = segment.fade_out(fade)
    return segment.raw_data
