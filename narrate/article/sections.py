"""Sections and sentences: how the article is cut into chapters and into pieces for the engine."""

from __future__ import annotations

import re
from functools import lru_cache

from narrate.models import Article, Draft, Dropped, Section

# About three minutes of speech at a narrator's ~150 words a minute: long enough to be worth a
# chapter, short enough to find one's place again.
SECTION_TARGET_WORDS = 450
# An article shorter than this stays one chapter.
SINGLE_SECTION_WORDS = 600
CHAPTER_TITLE_WORDS = 7


@lru_cache(maxsize=4)
def _segmenter(language: str):
    import pysbd

    try:
        return pysbd.Segmenter(language=language, clean=False)
    except ValueError:
        return pysbd.Segmenter(language="en", clean=False)


def split_sentences(paragraph: str, language: str = "en") -> list[str]:
    """Sentences of a paragraph, each stripped; abbreviations like "Dr." do not end a sentence."""
    sentences = [s.strip() for s in _segmenter(language).segment(paragraph)]
    return [s for s in sentences if s]


def _words(text: str) -> int:
    return len(text.split())


def chapter_title(paragraph: str) -> str:
    """A short title from a section's opening words, for sections that have no heading."""
    first = split_sentences(paragraph)[0] if paragraph.strip() else paragraph
    first = first.strip().rstrip(".!?:;,")
    words = first.split()
    if len(words) <= CHAPTER_TITLE_WORDS:
        return first
    cut = " ".join(words[:CHAPTER_TITLE_WORDS])
    return re.sub(r"[,;:\-–—]+$", "", cut) + "…"


_STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having
he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
nor not now of off on once only or other our ours ourselves out over own same she should so some such than
that the their theirs them themselves then there these they this those through to too under until up very
was we were what when where which while who whom why will with would you your yours yourself yourselves
said says one two many much even still like may might must us new year years time
""".split())


def _content_words(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for word in re.findall(r"[a-z][a-z'’-]{2,}", text.lower()):
        if word not in _STOPWORDS:
            counts[word] = counts.get(word, 0) + 1
    return counts


def _cohesion(left: list[str], right: list[str]) -> float:
    """Cosine similarity of the vocabulary either side of a paragraph break (after TextTiling)."""
    a, b = _content_words(" ".join(left)), _content_words(" ".join(right))
    dot = sum(count * b.get(word, 0) for word, count in a.items())
    norm = (sum(v * v for v in a.values()) * sum(v * v for v in b.values())) ** 0.5
    return dot / norm if norm else 0.0


def topic_breaks(paragraphs: list[str], target_words: int = SECTION_TARGET_WORDS) -> list[int]:
    """Where to cut paragraphs into sections of about `target_words`, at the weakest topical links.

    Lexical cohesion in the manner of Hearst's TextTiling: compare the words of the two paragraphs
    before each break with the two after it; around each ideal cut, pick the break where they share
    the least vocabulary.
    """
    sizes = [_words(p) for p in paragraphs]
    total = sum(sizes)
    count = max(1, round(total / target_words))
    if count == 1 or len(paragraphs) < 2:
        return []
    cumulative = [sum(sizes[:i]) for i in range(len(paragraphs) + 1)]
    scores = {i: _cohesion(paragraphs[max(0, i - 2):i], paragraphs[i:i + 2]) for i in range(1, len(paragraphs))}
    breaks: list[int] = []
    for n in range(1, count):
        ideal = total * n / count
        window = [i for i in scores if abs(cumulative[i] - ideal) <= 0.35 * target_words
                  and (not breaks or i > breaks[-1])]
        if not window:
            window = [min((i for i in scores if not breaks or i > breaks[-1]),
                          key=lambda i: abs(cumulative[i] - ideal), default=None)]
            if window == [None]:
                break
        breaks.append(min(window, key=lambda i: (scores[i], abs(cumulative[i] - ideal))))
    return breaks


def group_paragraphs(title: str, paragraphs: list[str]) -> tuple[Section, ...]:
    """Cut an article without headings into sections of a few minutes each, at topic shifts.

    The first section is named after the article; later ones after their opening words.
    """
    if sum(_words(p) for p in paragraphs) <= SINGLE_SECTION_WORDS:
        return (Section(title, tuple(paragraphs), has_heading=False),)
    edges = [0, *topic_breaks(paragraphs), len(paragraphs)]
    groups = [paragraphs[start:end] for start, end in zip(edges, edges[1:]) if end > start]
    return tuple(Section(title if i == 0 else chapter_title(group[0]), tuple(group), has_heading=False)
                 for i, group in enumerate(groups))


def build_article(draft: Draft, dropped: tuple[Dropped, ...] = ()) -> Article:
    """Sections from the draft's headings, or from topic shifts when it has none."""
    blocks = list(draft.blocks)
    title = draft.title
    if not title:
        first = next((b for b in blocks if b.kind == "heading"), blocks[0] if blocks else None)
        if first is not None and _words(first.text) <= 25:
            title = first.text
            blocks.remove(first)
        else:  # an untitled text is announced by its opening sentence, or its first words
            title = chapter_title(first.text) if first else "Untitled"
    parts: list[tuple[str | None, list[str]]] = [(None, [])]
    for block in blocks:
        if block.kind == "heading":
            parts.append((block.text, []))
        else:
            parts[-1][1].append(block.text)
    parts = [(heading, paragraphs) for heading, paragraphs in parts if paragraphs or heading]
    if not parts:
        sections: tuple[Section, ...] = ()
    elif len(parts) == 1 and parts[0][0] is None:
        sections = group_paragraphs(title, parts[0][1])
    else:
        sections = tuple(Section(heading or title, tuple(paragraphs), has_heading=heading is not None)
                         for heading, paragraphs in parts)
    return Article(title=title, sections=sections, author=draft.author, date=draft.date,
                   source_url=draft.source_url, site_name=draft.site_name, image_url=draft.image_url,
                   description=draft.description, dropped=dropped)
