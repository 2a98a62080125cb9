"""Lay clips and pauses end to end on disk, and record where every sentence and chapter lands.

Positions are counted in samples, so chapter and transcript times are exact, not estimated.
"""

from __future__ import annotations

from pathlib import Path

from narrate.cache import read_clip_samples
from narrate.errors import OutputError
from narrate.models import Article, Chapter, Clip, Cue, Timeline, Utterance


def resample(samples, source_rate: int, target_rate: int):
    """16-bit PCM from one rate to another with soxr (high quality, and fast on clip-sized arrays)."""
    import numpy as np
    import soxr

    converted = soxr.resample(samples.astype(np.float32) / 32768, source_rate, target_rate)
    return (np.clip(converted, -1.0, 1.0) * 32767).astype(np.int16)


def _ms(samples: int, rate: int) -> int:
    return round(samples * 1000 / rate)


def assemble(article: Article, plan: list[Utterance], clips: list[Clip], sample_rate: int,
             raw_path: Path, intro: bytes = b"", outro: bytes = b"") -> Timeline:
    """Write the episode as raw 16-bit mono PCM to `raw_path`, one clip at a time."""
    cues: list[Cue] = []
    section_starts: dict[int, int] = {}
    position = 0
    try:
        with raw_path.open("wb") as out:
            out.write(intro)
            position += len(intro) // 2
            for utterance, clip in zip(plan, clips, strict=True):
                section_starts.setdefault(utterance.section, position)
                samples = read_clip_samples(clip.path)
                if clip.sample_rate != sample_rate:  # a role's voice at another rate than the main one
                    samples = resample(samples, clip.sample_rate, sample_rate)
                out.write(samples.tobytes())
                cues.append(Cue(_ms(position, sample_rate), _ms(position + len(samples), sample_rate),
                                utterance.written))
                position += len(samples)
                pause = round(utterance.pause_after * sample_rate)
                out.write(bytes(2 * pause))
                position += pause
            out.write(outro)
            position += len(outro) // 2
    except OSError as exc:
        raise OutputError(f"{raw_path.parent}: cannot write audio ({exc.strerror or exc})") from None

    duration_ms = _ms(position, sample_rate)
    starts = sorted(section_starts.items())
    chapters = []
    for number, (section, start) in enumerate(starts):
        begin = 0 if number == 0 else _ms(start, sample_rate)
        end = _ms(starts[number + 1][1], sample_rate) if number + 1 < len(starts) else duration_ms
        chapters.append(Chapter(article.sections[section].title, begin, end))
    return Timeline(chapters=tuple(chapters), cues=tuple(cues), duration_ms=duration_ms)
