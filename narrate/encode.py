"""Loudness-normalise and encode: measure, apply one gain and a true-peak limiter, verify.

One-pass `loudnorm` misses its target by a couple of LU on speech, and plain gain pushes Piper's
peaks over full scale, so narrate measures the whole programme first (ITU-R BS.1770, streamed by
ffmpeg's ebur128), encodes once with the exact gain and an oversampled limiter, then measures
the MP3 it wrote. If encoding overshoot broke the ceiling, it re-encodes with a lower one.
"""

from __future__ import annotations

from pathlib import Path

from narrate.config import AudioOptions
from narrate.errors import AudioToolError
from narrate.ffmpeg import Loudness, file_arg, measure_loudness, run_ffmpeg

OUTPUT_RATE = 44_100
# The limiter runs at 4x the output rate, where sample peaks are a close stand-in for true peaks.
OVERSAMPLED_RATE = 4 * OUTPUT_RATE
# Headroom under the ceiling for what MP3 encoding and resampling add back.
FIRST_MARGIN_DB = 0.5
MAX_ATTEMPTS = 4
LOUDNESS_TOLERANCE_LU = 0.5


def _raw_input(raw: Path, sample_rate: int) -> list[str]:
    return ["-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", file_arg(raw)]


def _encode_once(raw: Path, sample_rate: int, mp3: Path, gain_db: float, ceiling_db: float, bitrate: int) -> None:
    limit = 10 ** (ceiling_db / 20)
    chain = ",".join([
        f"volume={gain_db:.3f}dB",
        f"aresample={OVERSAMPLED_RATE}",
        # level=0: no automatic make-up gain; latency=1: keep every sample where it was, so
        # chapter and transcript times stay exact.
        f"alimiter=limit={limit:.5f}:attack=2:release=80:level=0:latency=1",
        f"aresample={OUTPUT_RATE}",
    ])
    run_ffmpeg(["-y", *_raw_input(raw, sample_rate), "-af", chain,
                "-c:a", "libmp3lame", "-b:a", f"{bitrate}k", "-ar", str(OUTPUT_RATE), "-ac", "1",
                # No ID3 from ffmpeg (narrate writes v2.3 itself); the Xing/Info header makes
                # duration and seeking exact; bitexact keeps version strings out for reproducible files.
                "-id3v2_version", "0", "-write_id3v1", "0", "-write_xing", "1",
                "-fflags", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1",
                "-f", "mp3", file_arg(mp3)], what="encoding MP3")


def encode(raw: Path, sample_rate: int, mp3: Path, options: AudioOptions) -> Loudness:
    """Encode `raw` PCM to a CBR MP3 at the target loudness under the true-peak ceiling."""
    source = measure_loudness(_raw_input(raw, sample_rate))
    if source.integrated_lufs == float("-inf") or source.integrated_lufs < -70:
        raise AudioToolError("loudness: the narration is silent; check the voice")
    gain = options.loudness - source.integrated_lufs
    ceiling = options.true_peak - FIRST_MARGIN_DB
    result = source
    for _ in range(MAX_ATTEMPTS):
        _encode_once(raw, sample_rate, mp3, gain, ceiling, options.bitrate)
        result = measure_loudness(["-i", file_arg(mp3)])
        loud_ok = abs(result.integrated_lufs - options.loudness) <= LOUDNESS_TOLERANCE_LU
        peak_ok = result.true_peak_dbtp <= options.true_peak
        if loud_ok and peak_ok:
            return result
        gain += options.loudness - result.integrated_lufs
        if not peak_ok:
            ceiling -= result.true_peak_dbtp - options.true_peak + 0.2
    raise AudioToolError(
        f"loudness: could not reach {options.loudness} LUFS under {options.true_peak} dBTP "
        f"(got {result.integrated_lufs:.1f} LUFS, {result.true_peak_dbtp:.1f} dBTP)")
