"""Sections and sentences: how the article is cut into chapters and into pieces for the engine."""

from __future__ import annotations

import re
from functools import lru_cache

from narrate.config import Config
from narrate.models import Article, Section, Utterance

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


def group_paragraphs(title: str, paragraphs: list[str]) -> tuple[Section, ...]:
    """Cut an article without headings into sections of a few minutes each, at paragraph ends.

    The first section is named after the article; later ones after their opening words.
    """
    if sum(_words(p) for p in paragraphs) <= SINGLE_SECTION_WORDS:
        return (Section(title, tuple(paragraphs), has_heading=False),)
    groups: list[list[str]] = [[]]
    count = 0
    for paragraph in paragraphs:
        if count >= SECTION_TARGET_WORDS:
            groups.append([])
            count = 0
        groups[-1].append(paragraph)
        count += _words(paragraph)
    # A short tail reads better as the end of the previous section than as its own chapter.
    if len(groups) > 1 and sum(_words(p) for p in groups[-1]) < SECTION_TARGET_WORDS // 3:
        groups[-2].extend(groups.pop())
    return tuple(Section(title if i == 0 else chapter_title(group[0]), tuple(group), has_heading=False)
                 for i, group in enumerate(groups))


def _ends_with_stop(text: str) -> str:
    """Headings and list items often lack a full stop; adding one gives the voice a falling close."""
    return text if re.search(r"[.!?…:;\"'”’)]$", text) else text + "."


def plan_speech(article: Article, config: Config) -> list[Utterance]:
    """Every piece of text the engine will speak, in order, with the pause after each.

    The title (and author) open the episode; a section that has its own heading starts by
    reading it. The written form is kept for the transcript; `spoken` is what the engine gets.
    """
    pauses = config.pauses
    language = config.podcast.language.split("-")[0]
    plan: list[Utterance] = []

    def add(text: str, section: int, pause: float) -> None:
        if not re.search(r"\w", text):
            return  # a lone dash or ornament has nothing to say
        plan.append(Utterance(written=text, spoken=_ends_with_stop(text), section=section, pause_after=pause))

    if config.episode.read_title:
        add(article.title, 0, pauses.paragraph if (article.author and config.episode.read_author) else pauses.section)
        if article.author and config.episode.read_author:
            add(f"By {article.author}", 0, pauses.section)
    for index, section in enumerate(article.sections):
        if section.has_heading:
            add(section.title, index, pauses.paragraph)
        for p_index, paragraph in enumerate(section.paragraphs):
            sentences = split_sentences(paragraph, language)
            for s_index, sentence in enumerate(sentences):
                last_sentence = s_index == len(sentences) - 1
                last_paragraph = p_index == len(section.paragraphs) - 1
                pause = pauses.sentence
                if last_sentence:
                    pause = pauses.section if last_paragraph else pauses.paragraph
                add(sentence, index, pause)
    if plan:
        last = plan[-1]
        plan[-1] = Utterance(last.written, last.spoken, last.section, pauses.paragraph)
    return plan
