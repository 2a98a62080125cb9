"""The small, frozen values passed from one pipeline stage to the next."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Block:
    """One block of an input before cleaning: a paragraph, heading, list item, quote, caption or table row."""

    text: str
    kind: str = "paragraph"  # paragraph | heading | item | quote | caption | row | note | filled
    level: int = 0  # heading level, 1 to 6


@dataclass(frozen=True)
class Draft:
    """An input parsed into blocks, with whatever metadata the format carried."""

    blocks: tuple[Block, ...]
    title: str | None = None
    author: str | None = None
    date: str | None = None
    source_url: str | None = None
    site_name: str | None = None
    image_url: str | None = None
    description: str | None = None
    has_markup: bool = True
    """False for text copied from a page: no structure to trust, so cleaning must find the article."""
    page_blocks: tuple[str, ...] = ()
    """For a web page, every block of text it shows, in order: read once, for the second opinions."""
    image_texts: frozenset[str] = frozenset()
    """For a web page, its images' alt texts (squashed): a line that repeats one is the image's caption."""
    language: str | None = None
    """The language the input declares for itself (a page's `lang` or `og:locale`, front matter's `lang:`)."""


@dataclass(frozen=True)
class Section:
    """A part of the article under one heading; it becomes one chapter."""

    title: str
    paragraphs: tuple[str, ...]
    has_heading: bool = True
    """False when the title was made up (from the article title or the opening words): not read aloud."""


@dataclass(frozen=True)
class Dropped:
    """A block of the input that will not be read, and why (shown by `narrate script`)."""

    text: str
    reason: str


@dataclass(frozen=True)
class Article:
    """What will be read: the article's written text, before any speech normalisation."""

    title: str
    sections: tuple[Section, ...]
    author: str | None = None
    date: str | None = None
    source_url: str | None = None
    site_name: str | None = None
    image_url: str | None = None
    description: str | None = None
    dropped: tuple[Dropped, ...] = ()
    language: str | None = None
    """The language the input declared (ISO 639-1); the text's own is detected when it is spoken."""

    def to_record(self) -> dict:
        """Every field as plain JSON values: what the cache keeps of a reading."""
        from dataclasses import asdict

        return asdict(self)

    @classmethod
    def from_record(cls, record: dict) -> Article:
        """The article `to_record` saved, exactly."""
        sections = tuple(Section(s["title"], tuple(s["paragraphs"]), s["has_heading"]) for s in record["sections"])
        dropped = tuple(Dropped(d["text"], d["reason"]) for d in record["dropped"])
        return cls(**{**record, "sections": sections, "dropped": dropped})


@dataclass(frozen=True)
class Utterance:
    """One piece of text sent to the engine, with the silence that follows it."""

    written: str
    spoken: str
    section: int
    pause_after: float
    role: str = "body"  # body | title (title, byline, headings) | quote


@dataclass(frozen=True)
class Clip:
    """Synthesised audio for one utterance: a WAV file of 16-bit mono PCM."""

    path: Path
    samples: int
    sample_rate: int


@dataclass(frozen=True)
class Cue:
    """A transcript line with its place in the episode, in milliseconds."""

    start_ms: int
    end_ms: int
    text: str


@dataclass(frozen=True)
class Chapter:
    title: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Timeline:
    """Where everything landed in the assembled audio."""

    chapters: tuple[Chapter, ...]
    cues: tuple[Cue, ...]
    duration_ms: int


@dataclass(frozen=True)
class EpisodeMeta:
    """Tags for one episode: from the article, the config's show settings and the flags."""

    title: str
    author: str | None
    show: str
    date: str | None
    description: str | None
    image: Path | None = None
    source_url: str | None = None


@dataclass(frozen=True)
class Loudness:
    """Integrated loudness (ITU-R BS.1770) and true peak of a programme."""

    integrated_lufs: float
    true_peak_dbtp: float


@dataclass(frozen=True)
class Episode:
    """A finished episode: the MP3 and its sidecar files."""

    mp3: Path
    chapters_json: Path
    vtt: Path
    srt: Path
    meta: EpisodeMeta
    timeline: Timeline
    loudness_lufs: float
    true_peak_dbtp: float


@dataclass(frozen=True)
class LexiconEntry:
    """How the user wants one word or phrase said: substitute text, spelled out, or IPA phonemes.

    Config builds these and the speech room reads them, so the type lives with neither.
    """

    word: str
    say: str | None = None
    spell: bool = False
    phonemes: str | None = None
    ignore_case: bool = False
