"""Trimming the silence an engine leaves around a clip, so the configured pauses are the real ones."""

from __future__ import annotations

import warnings
from functools import cache

# Keep this much of the silence Piper puts around a sentence, so soft consonants are not cut.
EDGE_MARGIN_MS = 40
SILENCE_THRESHOLD_DBFS = -50.0


@cache
def _pydub():
    """pydub, imported once: it is used on every clip, and its import-time warnings are not ours."""
    with warnings.catch_warnings():
        # pydub warns at import when ffmpeg is not on PATH; trimming raw samples never runs it.
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)  # audioop, on Python 3.12
        from pydub import AudioSegment
        from pydub.silence import detect_leading_silence
    return AudioSegment, detect_leading_silence


def trim_silence(samples, sample_rate: int):
    """Drop the engine's leading and trailing silence (16-bit mono samples in, the same out)."""
    import numpy as np

    AudioSegment, detect_leading_silence = _pydub()
    segment = AudioSegment(data=samples.tobytes(), sample_width=2, frame_rate=sample_rate, channels=1)
    lead = detect_leading_silence(segment, silence_threshold=SILENCE_THRESHOLD_DBFS)
    tail = detect_leading_silence(segment.reverse(), silence_threshold=SILENCE_THRESHOLD_DBFS)
    if lead + tail >= len(segment):
        return samples
    start = max(0, lead - EDGE_MARGIN_MS) * sample_rate // 1000
    end = len(samples) - max(0, tail - EDGE_MARGIN_MS) * sample_rate // 1000
    return np.ascontiguousarray(samples[start:end])
