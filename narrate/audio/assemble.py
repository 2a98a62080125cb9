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


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def layout(article: Article, plan: list[Utterance], clips: list[Clip], rate: int,
           intro_samples: int = 0, outro_samples: int = 0) -> Timeline:
    """Where every sentence and chapter lands, counting each piece's padding to whole MP3 frames
    (the programme is cut as `PcmStream` cuts it, see `pieces`)."""
    from narrate.audio.pieces import cut_here, padding_seconds, split_pause

    cues: list[Cue] = []
    section_starts: dict[int, float] = {}
    position = intro_samples  # samples of the voice's rate, padding left out
    padded = 0.0  # seconds of padding before `position`
    piece_start = 0
    for number, (utterance, clip) in enumerate(zip(plan, clips, strict=True)):
        section_starts.setdefault(utterance.section, position / rate + padded)
        length = clip_length(clip, rate)
        cues.append(Cue(_ms(position / rate + padded), _ms((position + length) / rate + padded), utterance.written))
        pause = round(utterance.pause_after * rate)
        position += length + pause
        if number + 1 < len(plan) and cut_here(pause, position - piece_start, rate):
            before, _ = split_pause(pause)
            padded += padding_seconds(position - pause + before - piece_start, rate)
            piece_start = position - pause + before
    position += outro_samples
    padded += padding_seconds(position - piece_start, rate)
    duration_ms = _ms(position / rate + padded)
    starts = sorted(section_starts.items())
    chapters = []
    for number, (section, start) in enumerate(starts):
        begin = 0 if number == 0 else _ms(start)
        end = _ms(starts[number + 1][1]) if number + 1 < len(starts) else duration_ms
        chapters.append(Chapter(article.sections[section].title, begin, end))
    return Timeline(chapters=tuple(chapters), cues=tuple(cues), duration_ms=duration_ms)


class PcmStream:
    """Writes the episode's PCM in plan order as clips become ready, to a file, measuring its loudness
    as it goes, and tells `pieces` (a `pieces.Pieces`, when given) of every piece as soon as it is whole.

    Clips may arrive out of order (cached ones at once, synthesised ones as workers finish); each is
    written as soon as every clip before it has been, so the encoder can run while speech is synthesised.
    `bounds` lists the pieces as (first sample, length). Without `pieces`, the programme's loudness
    is measured here; with them, each piece's encoder measures its own.
    """

    def __init__(self, plan: list[Utterance], rate: int, raw_path: Path, intro: bytes = b"", pieces=None):
        from narrate.audio.loudness import LoudnessMeter

        self.plan, self.rate, self.pieces = plan, rate, pieces
        self.meter = LoudnessMeter(rate) if pieces is None else None
        self.pending: dict[int, Clip] = {}
        self.next = 0
        self.written = 0
        self.bounds: list[tuple[int, int]] = []
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
        self.written += len(data) // 2
        if self.meter is not None:
            self.meter.add_pcm(data)

    def _start(self) -> int:
        return self.bounds[-1][0] + self.bounds[-1][1] if self.bounds else 0

    def _cut(self) -> None:
        start = self._start()
        self.bounds.append((start, self.written - start))
        if self.pieces is not None:
            try:
                self.file.flush()  # the piece is read back from the file
            except OSError as exc:
                raise OutputError(f"{self.path.parent}: cannot write audio ({exc.strerror or exc})") from None
            self.pieces.cut(start, self.written - start)

    def ready(self, position: int, clip: Clip) -> None:
        from narrate.audio.pieces import cut_here, split_pause

        self.pending[position] = clip
        while self.next in self.pending:
            clip = self.pending.pop(self.next)
            samples = read_clip_samples(clip.path)
            if clip.sample_rate != self.rate:
                samples = resample(samples, clip.sample_rate, self.rate, clip_length(clip, self.rate))
            pause = round(self.plan[self.next].pause_after * self.rate)
            since_cut = self.written + len(samples) + pause - self._start()
            if self.next + 1 < len(self.plan) and cut_here(pause, since_cut, self.rate):
                before, after = split_pause(pause)
                self._write(samples.tobytes() + bytes(2 * before))
                self._cut()
                self._write(bytes(2 * after))
            else:
                self._write(samples.tobytes() + bytes(2 * pause))
            self.next += 1

    def close(self, outro: bytes = b"") -> float | None:
        """Write the outro, end the last piece and close; the whole programme's integrated loudness (LUFS),
        when measured here."""
        self._write(outro)
        self._cut()
        self.file.close()
        return self.meter.integrated_lufs() if self.meter is not None else None

    def abandon(self) -> None:
        self.file.close()
