"""Lay clips and pauses end to end, and know where every sentence and chapter lands.

Positions are counted in samples, so chapter and transcript times are exact, not estimated. The
layout is computed from clip lengths alone, so a rebuild that reuses a finished rendition knows its
timeline without touching the audio; the PCM is streamed to disk one clip at a time, and metered for
loudness on its way there.
"""

from __future__ import annotations

from pathlib import Path

from narrate.cache import read_clip_samples
from narrate.errors import OutputError
from narrate.models import Article, Chapter, Clip, Cue, Timeline, Utterance


def resample(samples, source_rate: int, target_rate: int, length: int):
    """16-bit PCM to another rate with soxr, cut or padded to exactly `length` samples."""
    import numpy as np
    import soxr

    converted = soxr.resample(samples.astype(np.float32) / 32768, source_rate, target_rate)
    converted = np.pad(converted[:length], (0, max(0, length - len(converted))))
    return (np.clip(converted, -1.0, 1.0) * 32767).astype(np.int16)


def clip_length(clip: Clip, rate: int) -> int:
    """Samples a clip takes in the episode: a role's voice at another rate is resampled to the main one."""
    return clip.samples if clip.sample_rate == rate else round(clip.samples * rate / clip.sample_rate)


def _ms(samples: int, rate: int) -> int:
    return round(samples * 1000 / rate)


def layout(article: Article, plan: list[Utterance], clips: list[Clip], rate: int,
           intro_samples: int = 0, outro_samples: int = 0) -> Timeline:
    cues: list[Cue] = []
    section_starts: dict[int, int] = {}
    position = intro_samples
    for utterance, clip in zip(plan, clips, strict=True):
        section_starts.setdefault(utterance.section, position)
        length = clip_length(clip, rate)
        cues.append(Cue(_ms(position, rate), _ms(position + length, rate), utterance.written))
        position += length + round(utterance.pause_after * rate)
    position += outro_samples
    duration_ms = _ms(position, rate)
    starts = sorted(section_starts.items())
    chapters = []
    for number, (section, start) in enumerate(starts):
        begin = 0 if number == 0 else _ms(start, rate)
        end = _ms(starts[number + 1][1], rate) if number + 1 < len(starts) else duration_ms
        chapters.append(Chapter(article.sections[section].title, begin, end))
    return Timeline(chapters=tuple(chapters), cues=tuple(cues), duration_ms=duration_ms)


class PcmStream:
    """Writes the episode's PCM in plan order as clips become ready, to a file and optionally an encoder,
    measuring its loudness as it goes.

    Clips may arrive out of order (cached ones at once, synthesised ones as workers finish); each is
    written as soon as every clip before it has been, so the encoder can run while speech is synthesised.
    """

    def __init__(self, plan: list[Utterance], rate: int, raw_path: Path, intro: bytes = b"", encoder=None):
        from narrate.audio.loudness import LoudnessMeter

        self.plan, self.rate, self.encoder = plan, rate, encoder
        self.meter = LoudnessMeter(rate)
        self.pending: dict[int, Clip] = {}
        self.next = 0
        try:
            self.file = raw_path.open("wb")
        except OSError as exc:
            raise OutputError(f"{raw_path.parent}: cannot write audio ({exc.strerror or exc})") from None
        self.path = raw_path
        self._write(intro)

    def _write(self, data: bytes) -> None:
        try:
            self.file.write(data)
        except OSError as exc:
            raise OutputError(f"{self.path.parent}: cannot write audio ({exc.strerror or exc})") from None
        if self.encoder is not None:
            self.encoder.feed(data)
        self.meter.add_pcm(data)

    def ready(self, position: int, clip: Clip) -> None:
        self.pending[position] = clip
        while self.next in self.pending:
            clip = self.pending.pop(self.next)
            samples = read_clip_samples(clip.path)
            if clip.sample_rate != self.rate:
                samples = resample(samples, clip.sample_rate, self.rate, clip_length(clip, self.rate))
            self._write(samples.tobytes() + bytes(2 * round(self.plan[self.next].pause_after * self.rate)))
            self.next += 1

    def close(self, outro: bytes = b"") -> float:
        """Write the outro and close; the whole programme's integrated loudness (LUFS)."""
        self._write(outro)
        self.file.close()
        return self.meter.integrated_lufs()

    def abandon(self) -> None:
        self.file.close()


def write_pcm(plan: list[Utterance], clips: list[Clip], rate: int, raw_path: Path,
              intro: bytes = b"", outro: bytes = b"") -> float:
    """Write the episode as raw 16-bit mono PCM to `raw_path`, one clip at a time; its loudness (LUFS)."""
    stream = PcmStream(plan, rate, raw_path, intro)
    for position, clip in enumerate(clips):
        stream.ready(position, clip)
    return stream.close(outro)
