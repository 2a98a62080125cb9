"""Sections and sentences: how the article is cut into chapters and into pieces for the engine."""

from __future__ import annotations

import re
from functools import lru_cache

from narrate.models import Article, Block, Draft, Dropped, Section

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


# Words that may stand inside a title's phrase but never open or close it ("Bank of England"), and the
# vague quantities that say nothing of a section ("a little bit", "thousands of people").
_FUNCTION_WORDS = (_STOPWORDS - {"new", "year", "years", "time", "one", "two"}) | frozenset("""
since rather though although yet whether unless upon within without among across around toward towards via per
onto despite else ever never always often perhaps quite really already almost enough instead however thus
therefore upward downward later earlier soon least less well back away get got make made
little plus minus bit bits lot lots thing things stuff kind sort plenty dozens hundreds thousands millions""".split())
# The commonest English verbs, which open a clause, not a noun phrase ("Take days", "Stand tall"): a
# title's phrase never starts with one, though one may name a thing inside it ("Music Stand").
_COMMON_VERBS = frozenset("""
take takes give gives go goes come comes see sees know knows think thinks tell tells find finds want wants
look looks use uses work works call calls try tries ask asks need needs feel feels become becomes leave leaves
put puts mean means keep keeps let lets begin begins seem seems help helps talk talks turn turns start starts
show shows hear hears play plays run runs move moves live lives believe believes hold holds bring brings
happen happens write writes sit sits stand stands lose loses pay pays meet meets include includes continue
continues set sets learn learns change changes lead leads understand understands watch watches follow follows
stop stops create creates speak speaks read reads allow allows add adds spend spends grow grows open opens
walk walks win wins offer offers remember remembers love loves consider considers appear appears buy buys
wait waits serve serves die dies send sends expect expects build builds stay stays fall falls cut cuts
reach reaches remain remains describe describes suggest suggests raise raises pass passes sell sells
decide decides return returns explain explains hope hopes develop develops carry carries break breaks
receive receives agree agrees support supports hit hits produce produces eat eats cover covers catch catches
draw draws choose chooses""".split())
_PHRASE_BREAK = re.compile(r"[.,;:!?()\[\]\"“”«»—–]|\s-\s|['’]s\b|(?<!\w)['‘’]|['‘’](?!\w)")
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*|\d[\d,.]*")
TITLE_MIN_WORDS, TITLE_MAX_WORDS = 2, 6


# The only small words a title's phrase may hold inside it: those of noun phrases ("Bank of England").
_INNER_WORDS = frozenset({"of", "the", "a", "an", "in", "for", "on", "de", "la", "von", "van"})


def _likely_not_noun(word: str) -> bool:
    """Without a tagger: a lowercase word ending like a verb form or an adverb ("retired", "personally"),
    or a contraction ("can't", "they're")."""
    return bool(_CONTRACTION.search(word.lower())) or word.islower() and (
        word.endswith(("ed", "ing")) or (len(word) > 4 and word.endswith("ly")))


_CONTRACTION = re.compile(r"n['’]t$|['’](re|ve|ll|d|m)$")


def _phrases(text: str) -> list[list[str]]:
    """Candidate phrases: noun-like runs of 2 to 6 words inside a clause, opening and closing with content
    words, with nothing but the small words of noun phrases between."""
    found = []
    for clause in _PHRASE_BREAK.split(text):
        words = _TOKEN.findall(clause)

        def edge(index: int) -> bool:  # a phrase stops where a clause does, or a small word or verb stands
            return not 0 <= index < len(words) or words[index].lower() in _FUNCTION_WORDS \
                or _likely_not_noun(words[index]) or not words[index][0].isalpha()

        for start in range(len(words)):
            first = words[start]
            verb = first.lower() in _COMMON_VERBS and (first.islower() or start == 0)  # mid-clause "Open": a name
            if first.lower() in _FUNCTION_WORDS or verb or not first[0].isalpha() or _likely_not_noun(first) \
                    or not edge(start - 1):
                continue
            for end in range(start + 1, min(start + TITLE_MAX_WORDS, len(words))):
                word = words[end]
                if (word.lower() in _FUNCTION_WORDS and word.lower() not in _INNER_WORDS) or _likely_not_noun(word):
                    break
                if word.lower() == words[end - 1].lower():
                    break  # "Wyze Wyze Sense": a list's heading run into its first item
                if end + 1 - start >= TITLE_MIN_WORDS and word.lower() not in _FUNCTION_WORDS \
                        and word[0].isalpha() and edge(end + 1):
                    found.append(words[start:end + 1])
    return found


def topic_title(paragraphs: list[str], elsewhere: list[str]) -> str | None:
    """A short phrase that says what a section is about, for its chapter title (after YAKE and TF-IDF).

    A phrase scores by how often its content words recur in the section and how rarely in the rest of
    the article, so the title names what sets the section apart; phrases that recur whole, and the
    section's opening, are preferred. None when no phrase of two words or more recurs or stands out.
    """
    text = " ".join(paragraphs)
    here = _content_words(text)
    there = _content_words(" ".join(elsewhere))
    if not here:
        return None
    opening = " ".join(paragraphs[0].split()[:60]).lower()
    counts: dict[str, int] = {}
    forms: dict[str, str] = {}
    for phrase in _phrases(text):
        key = " ".join(w.lower() for w in phrase)
        counts[key] = counts.get(key, 0) + 1
        forms.setdefault(key, " ".join(phrase))

    def weight(word: str) -> float:
        return here.get(word, 0) / (1 + there.get(word, 0))

    def score(key: str) -> float:
        words = [w for w in key.split() if w not in _FUNCTION_WORDS]
        if not words or any(here.get(w, 0) == 0 for w in words if len(w) > 2):
            return 0.0
        distinct = sum(weight(w) for w in set(words)) / len(set(words)) ** 0.5
        named = all(w[0].isupper() for w in forms[key].split() if w.lower() not in _INNER_WORDS)
        return (distinct * (1 + 0.5 * (counts[key] - 1)) * (1.25 if key in opening else 1.0)
                * (1.3 if named else 1.0) / (1 + 0.15 * max(0, len(key.split()) - 3)))

    ranked = sorted(counts, key=lambda k: (-score(k), -len(k.split()), k))
    best = next((k for k in ranked if score(k) > 0), None)
    if best is None or (counts[best] == 1 and max(here.get(w, 0) for w in best.split()) < 2):
        return None
    title = forms[best]
    return title[0].upper() + title[1:]


def section_title(paragraphs: list[str], elsewhere: list[str]) -> str:
    """A chapter title for a section without a heading: its key phrase, else the opening words of its first
    paragraph that says something (a date or a time line says nothing of the section: "Nov 18, 2019 at")."""
    found = topic_title(paragraphs, elsewhere)
    if found:
        return found
    for paragraph in paragraphs:
        words = paragraph.split()
        dated = 0
        while dated < len(words) and _DATE_WORD.match(words[dated].strip(",.;:()[]|-–—·•")):
            dated += 1
        if any(re.search(r"\d", word) for word in words[:dated]):  # "May I say" opens with no date
            words = words[dated:]
        if words:
            return opening_phrase(" ".join(words))
    return opening_phrase(paragraphs[0])


# The words of a date or a time line ("Nov 18, 2019 at 3:04 pm", "Updated: Monday 12/05"), stripped from the
# front of a paragraph before its opening words name a chapter.
_DATE_WORD = re.compile(r"^((jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*|(mon|tue|wed|thu|fri|sat|sun)"
                        r"[a-z]*|\d[\d,:/.h-]*(st|nd|rd|th)?|at|on|am|pm|a\.m|p\.m|updated|published|posted|"
                        r"utc|gmt|[ecmp][sd]t|bst|cet|)$", re.IGNORECASE)


def opening_phrase(paragraph: str) -> str:
    """The opening words, cut where a phrase ends rather than mid-phrase, with no function word last."""
    first = (split_sentences(paragraph)[0] if paragraph.strip() else paragraph).strip().rstrip(".!?:;,")
    first = first.lstrip("—–-•·*\"“‘«' ") or first  # a line of dialogue opens with a dash or a quote mark
    clause = _PHRASE_BREAK.split(first)[0].strip() or first
    words = clause.split()[:TITLE_MAX_WORDS]
    while len(words) > 1 and words[-1].lower().strip("'’") in _FUNCTION_WORDS:
        words.pop()
    return " ".join(words)


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

    The first section is named after the article; later ones by a key phrase of their own.
    """
    if sum(_words(p) for p in paragraphs) <= SINGLE_SECTION_WORDS:
        return (Section(title, tuple(paragraphs), has_heading=False),)
    edges = [0, *topic_breaks(paragraphs), len(paragraphs)]
    groups = [paragraphs[start:end] for start, end in zip(edges, edges[1:]) if end > start]
    return tuple(Section(title if i == 0 else section_title(group, [p for other in groups if other is not group
                                                                     for p in other]),
                         tuple(group), has_heading=False)
                 for i, group in enumerate(groups))


def without_closing_headings(blocks: list[Block]) -> tuple[list[Block], list[Dropped]]:
    """The blocks without the headings that end them: on a page, a heading over nothing read is a box's label
    ("Popular on ...", "Similar Projects:"), whose links were left out, so saying it would announce nothing."""
    blocks = list(blocks)
    labels: list[Dropped] = []
    while len(blocks) > 1 and blocks[-1].kind == "heading":
        labels.insert(0, Dropped(blocks.pop().text, "heading with nothing under it"))
    return blocks, labels


def build_article(draft: Draft, dropped: tuple[Dropped, ...] = ()) -> Article:
    """Sections from the draft's headings, or from topic shifts when it has none."""
    blocks = list(draft.blocks)
    if draft.has_markup:  # in copied text a last short line is only guessed to be a heading: it may close the article
        blocks, labels = without_closing_headings(blocks)
        dropped = (*dropped, *labels)
    title = draft.title
    if not title:
        first = next((b for b in blocks if b.kind == "heading"), blocks[0] if blocks else None)
        if len(blocks) == 1 and first.kind != "heading":  # a text of one paragraph is all article
            title = chapter_title(first.text)
        elif first is not None and _words(first.text) <= 25:
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
                   description=draft.description, dropped=dropped, language=draft.language)
