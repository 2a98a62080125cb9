"""Which blocks of a web page are its article: a block scorer learned from pages with gold text.

The page is cut into its visible blocks (`text_runs`), and each block is described by numbers: its text
(length, sentences, punctuation, the shapes the rules know: bylines, date lines, credits, appeals), its
links, its tag and the tags and class words around it, the text density of its parent and grandparent,
its position, and the opinions of the page's other readings (trafilatura's defaults, readability-lxml,
the copied-text reader, narrate's own rules) on it and on its neighbours. Small gradient-boosted trees,
trained by `benchmarks/train_reader.py` on the corpus and shipped as `narrate/data/reader_model.npz`,
turn those numbers into the chance that the block is article, in two stages: the second sees the first's
scores again around the block, in its boxes and over the page (`context_features`). Inference is plain
numpy: the same page gives the same blocks every time.

Whatever the model says: a sentence already read is never read again, the user's `clean.keep` and
`clean.drop` patterns win, and when the model keeps nothing the rules' reading (or a peer's) is used.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from narrate.article.clean import CAPTION_MAX_WORDS, REPEATED_ROW_REASON, CleanOptions, says_image_text
from narrate.article.patterns import (
    BUTTON_START,
    BYLINE,
    CAPTION_TOGGLE,
    COMMENTER_LINE,
    COMMENTS_START,
    CREDIT_TAIL,
    DATELINE,
    DESCRIBES_PHOTO,
    FURNITURE,
    LABELLED_CREDIT_END,
    MOVED_ON,
    PLACES_PEOPLE,
    READ_MORE,
    REPLY_LINE,
    SENTENCE_END,
    TEASER_LINE,
    TIME_AGO,
    is_call_to_action,
    is_credit,
    is_legal_notice,
    is_prose,
    is_quotation,
    is_title_case,
    squash,
    word_count,
)
from narrate.models import Block, Draft, Dropped

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "reader_model.npz"
CONTEXT_PREFIX = "context_"  # the second stage's arrays in the weights file
SKIPPED = ("script", "style", "noscript", "template", "svg", "iframe", "button", "select", "head", "textarea",
           "option", "input")
CONTROLS = ("button", "select", "textarea", "option")  # form controls: skipped, unless they hold paragraphs
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# The blocks the scorer sees: those of the page's plain reading, and the boxes that reading skips whole
# (navigation, footers, asides, figures, forms), so the model, not a rule, decides on them.
BLOCK_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "dd", "dt",
                        "div", "section", "article", "header", "main", "ul", "ol", "table", "tr", "tbody", "center",
                        "nav", "footer", "aside", "figure", "figcaption", "form", "address", "dl"})
ANCESTOR_REACH = 6  # class and id words count from the block up to this many containers above it
# Class and id words, grouped by what they say of a box; matched as parts of a word ("post-body").
CLASS_WORDS = {
    "content": r"content|article|body|post|entry|story|text|main|prose|rich",
    "comment": r"comments?|replies|reply|disqus|respond",
    "related": r"related|recommend\w*|more|popular|trending|recirc|teaser|promo\w*|outbrain|taboola|read-?next",
    "share": r"share|sharing|social|follow|tweet|facebook",
    "navigation": r"nav\w*|menu|breadcrumbs?|pagination|pager|tabs?",
    "footer": r"footer|foot|bottom|copyright|legal",
    "header": r"header|masthead|banner|top|topbar",
    "sidebar": r"sidebar|side|rail|widget|aside",
    "advert": r"ad|ads|advert\w*|sponsor\w*|dfp|gpt",
    "signup": r"newsletter|subscribe|subscription|signup|sign-up|paywall|donate|cta",
    "caption": r"caption|credit|figure|photo|image|gallery|media|video",
    "meta": r"byline|author|meta|date|time|published|dateline|info",
    "tags": r"tags?|categor\w*|topics?|keywords?",
    "hidden": r"hidden|hide|sr-only|visually-hidden|screen-reader\w*|print-only|noprint|modal|popup",
}
_CLASS_PATTERNS = {name: re.compile(rf"(^|[-_\s]|(?<=[a-z])(?=[A-Z]))({words})($|[-_\s0-9]|(?=[A-Z]))", re.IGNORECASE)
                   for name, words in CLASS_WORDS.items()}
ANCESTOR_TAGS = ("article", "main", "nav", "footer", "aside", "header", "form", "figure", "table", "a", "li")
BLOCK_KINDS = ("p", "h1", "h2", "h3", "li", "blockquote", "td", "pre", "div", "figcaption", "other")
RULE_REASONS = {
    "furniture": r"furniture",
    "byline": r"byline|author",
    "date": r"date line",
    "caption": r"caption|credit",
    "repeat": r"repeat|pull quote|read once",
    "appeal": r"call to action",
    "teaser": r"another story|other stories|links to|related",
    "outside": r"outside the article|after the article|before the article|filled in|between the|title",
    "legal": r"legal",
}
READINGS = ("trafilatura", "readability", "copied_text", "narrate_draft", "narrate_rules", "narrate_agreed")
_SENTENCE = re.compile(r"(?<=[.!?…。])[\"'”’)\]]*\s+(?=[\"'“‘(\[«]?[A-Z0-9À-ÖØ-ÞΑ-ΩА-ЯЁ])")
MIN_SENTENCE_CHARS = 12
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
# What a page's markup says of its own parts: schema.org properties and types, and ARIA landmarks.
_ITEMPROP_BODY = re.compile(r"articleBody|reviewBody|text", re.IGNORECASE)
_ITEMPROP_META = re.compile(r"author|creator|datePublished|dateModified|publisher|keywords|about", re.IGNORECASE)
_COMMENT_MARKUP = re.compile(r"comment", re.IGNORECASE)
_LANDMARK = re.compile(r"^(navigation|complementary|contentinfo|banner|search|dialog|menu\w*)$", re.IGNORECASE)
_MAIN_ROLE = re.compile(r"^(main|article)$", re.IGNORECASE)
_LD_JSON = re.compile(r"<script[^>]*application/ld\+json[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)
_ARTICLE_TYPE = re.compile(r"Article|BlogPosting|Report|Review")
_OG_TYPE = re.compile(r"<meta[^>]*og:type[^>]*>", re.IGNORECASE)


def feature_names() -> list[str]:
    """The model's inputs, in order; the training script and the shipped weights share this list."""
    names = ["log_chars", "log_words", "sentences", "mean_sentence_words", "ends_sentence", "is_prose", "title_case",
             "digit_share", "commas_per_word", "starts_quoted", "link_share", "links_per_word",
             "byline", "dateline", "furniture_line", "legal", "teaser_line", "appeal", "credit",
             "depth", "hidden", "parent_log_chars", "parent_link_share", "grandparent_log_chars",
             "grandparent_link_share", "ancestor3_log_chars", "share_of_parent", "parent_paragraphs",
             "position", "char_position", "page_log_chars", "page_blocks_log",
             "repeat_before", "repeat_contained", "is_title", "is_h1"]
    names += [f"kind_{kind}" for kind in BLOCK_KINDS]
    names += [f"in_{tag}" for tag in ANCESTOR_TAGS]
    names += [f"class_{name}" for name in CLASS_WORDS]
    names += [f"own_class_{name}" for name in CLASS_WORDS]
    names += [f"held_{name}" for name in READINGS]
    names += ["held_count", "held_count_prev", "held_count_next", "held_window_5", "held_window_15"]
    names += ["between_agreed", "agreed_distance", "agreed_char_distance", "before_first_agreed", "after_last_agreed"]
    names += [f"rule_{name}" for name in RULE_REASONS] + ["rule_kept"]
    names += ["markup_body", "markup_meta", "markup_comment", "landmark", "main_role", "held_embedded",
              "page_has_embedded", "page_is_article", "own_class_repeats", "parent_class_repeats",
              "blocks_since_heading", "blocks_to_heading", "prose_run", "prose_run_chars", "capital_share",
              "same_tag_siblings", "in_time_or_address"]
    names += ["since_comments_label", "since_moved_on_label", "agreed_since_label", "thread_marks_around",
              "credit_tail", "in_page_links", "names_a_heading", "action_line"]
    return names


@dataclass(frozen=True)
class PageMarkup:
    """What a page says of itself outside its visible text: the article body its JSON-LD carries (squashed), and
    whether it declares itself an article (schema.org type or og:type)."""

    body: str = ""
    is_article: bool = False


def page_markup(html: str) -> PageMarkup:
    """The page's JSON-LD article bodies and its declared kind: a block the page's own data holds is article."""
    bodies: list[str] = []
    is_article = any("article" in tag.lower() for tag in _OG_TYPE.findall(html))

    def walk(node) -> None:
        nonlocal is_article
        if isinstance(node, dict):
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            is_article = is_article or any(isinstance(k, str) and _ARTICLE_TYPE.search(k) for k in kinds)
            if isinstance(node.get("articleBody"), str):
                bodies.append(node["articleBody"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for script in _LD_JSON.findall(html):
        try:
            walk(json.loads(script, strict=False))
        except ValueError:  # a page's broken JSON-LD says nothing
            continue
    return PageMarkup(squash("\n".join(bodies)), is_article)


@dataclass(frozen=True)
class PageBlock:
    """A block of the page as the scorer sees it: its text, what it will be read as, and its numbers."""

    text: str
    kind: str  # paragraph | heading | item | quote | row | caption
    level: int = 0


@dataclass(frozen=True)
class PageOpinions:
    """What the page's readings hold, each as one squashed string, and the reasons narrate's rules gave."""

    readings: dict[str, str]
    reasons: dict[str, str]  # squashed text of a block the rules dropped -> the reason
    title: str | None = None


def sentence_keys(text: str) -> list[str]:
    """The squashed sentences of a text that are long enough to count (as the gold's scorer counts them)."""
    return [k for k in (squash(s) for s in _SENTENCE.split(" ".join(text.split()))) if len(k) >= MIN_SENTENCE_CHARS]


def held_share(text: str, reading: str) -> float:
    """How much of a block (by the length of its sentences) a reading holds."""
    keys = sentence_keys(text) or [k for k in (squash(text),) if k]
    total = sum(len(k) for k in keys)
    return sum(len(k) for k in keys if k in reading) / total if total else 0.0


def cut_page(html: str):
    """The page's blocks and, for each, the element it stands in; the lxml root is returned too."""
    import lxml.html

    from narrate.article.read import table_row, text_runs

    try:  # lxml refuses a text that declares its encoding (XHTML's "<?xml ... encoding=...?>"): it is decoded
        root = lxml.html.fromstring(_XML_DECLARATION.sub("", html, count=1))
    except (ValueError, lxml.etree.ParserError):
        return [], []
    for element in list(root.iter(*SKIPPED)):
        if element.getparent() is None:
            continue
        if element.tag in CONTROLS and element.find(".//p") is not None:
            element.drop_tag()  # a control left open swallows the page after it: its paragraphs are the page's
        else:
            element.drop_tree()
    rows = _data_table_rows(root)
    blocks, elements = [], []
    for text, element in text_runs(root, BLOCK_TAGS):
        row = rows.get(element)
        if row is not None and elements and elements[-1] is row:  # the row's next cell: one block per row
            blocks[-1] = PageBlock(table_row([blocks[-1].text, text]), "row", 0)
            continue
        blocks.append(PageBlock(text, *_kind(element)))
        elements.append(row if row is not None else element)
    return blocks, elements


# A data table's cells are short and hold no paragraph, list, heading or table of their own; a table with a
# cell like that, or a cell this long, is layout, and its cells are read as the paragraphs they hold.
DATA_CELL_MAX_CHARS = 200
LAYOUT_IN_CELL = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "blockquote", "pre",
                            "table", "section", "article", "figure", "form"})


def _data_table_rows(root) -> dict:
    """Each element inside a data table's cell, the cell included, mapped to its row (`<tr>`): such a row is
    one block, read as a row, as the gold and the other readers take it; a layout table's cells stay blocks."""
    rows = {}
    for table in root.iter("table"):
        cells = list(table.iter("td", "th"))
        if not cells or any(cell.getparent().tag != "tr" or next(cell.iterancestors("table")) is not table
                            for cell in cells):
            continue  # no cells, cells outside rows, or a table nested in this one: layout
        if len({cell.getparent() for cell in cells}) < 2:
            continue
        if any(len(" ".join(cell.text_content().split())) > DATA_CELL_MAX_CHARS
               or any(inner.tag in LAYOUT_IN_CELL for inner in cell.iterdescendants() if isinstance(inner.tag, str))
               for cell in cells):
            continue
        for cell in cells:
            rows.update((inner, cell.getparent()) for inner in cell.iter())
    return rows


def _kind(element) -> tuple[str, int]:
    tag = element.tag
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return "heading", int(tag[1])
    if tag in ("li", "dd", "dt"):
        return "item", 0
    if tag == "blockquote":
        return "quote", 0
    if tag in ("td", "th", "tr"):
        return "row", 0
    if tag == "figcaption":
        return "caption", 0
    return "paragraph", 0


class _Densities:
    """Text and link length of elements, each measured once."""

    def __init__(self):
        self.seen: dict[object, tuple[int, int]] = {}

    def of(self, element) -> tuple[int, int]:
        if element is None:
            return 0, 0
        if element not in self.seen:
            text = len(" ".join(element.text_content().split()))
            links = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
            self.seen[element] = (text, min(links, text))
        return self.seen[element]


def _class_words(element) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}".strip()


def _text_features(text: str) -> list[float]:
    words = text.split()
    count = max(1, len(words))
    sentences = sentence_keys(text)
    letters = max(1, sum(ch.isalnum() for ch in text))
    lines = [line for line in text.split("\n") if line.strip()] or [text]
    return [math.log1p(len(text)), math.log1p(len(words)), len(sentences), len(words) / max(1, len(sentences)),
            float(bool(SENTENCE_END.search(text))), float(is_prose(text)), float(is_title_case(text)),
            sum(ch.isdigit() for ch in text) / letters, text.count(",") / count,
            float(text[:1] in "\"'“‘«"),
            ]


def _shape_features(text: str) -> list[float]:
    short = word_count(text) <= 80
    return [float(bool(BYLINE.match(text)) and word_count(text) <= 20), float(bool(DATELINE.match(text))),
            float(bool(FURNITURE.match(text.strip()))), float(is_legal_notice(text)),
            float(bool(TEASER_LINE.match(text)) and short), float(short and is_call_to_action(text)),
            float(word_count(text) <= 15 and is_credit(text))]


def page_features(blocks: list[PageBlock], elements: list, opinions: PageOpinions,
                  markup: PageMarkup = PageMarkup()) -> np.ndarray:
    """One row of numbers per block, in `feature_names()` order."""
    if not blocks:
        return np.zeros((0, len(feature_names())))
    densities = _Densities()
    keys = [squash(b.text) for b in blocks]
    lengths = [len(b.text) for b in blocks]
    total_chars = max(1, sum(lengths))
    starts = np.cumsum([0, *lengths[:-1]])
    stream = "".join(keys)
    separated = "\x00".join(keys)
    offsets = np.cumsum([0, *[len(k) for k in keys[:-1]]])
    title_key = squash(opinions.title or "")
    held = np.array([[held_share(b.text, opinions.readings.get(name, "")) for name in READINGS] for b in blocks])
    votes = (held[:, :4] >= 0.5).sum(axis=1).astype(float)  # the four readings that are not narrate's own stages
    agreed = [i for i, b in enumerate(blocks) if votes[i] >= 3 and len(keys[i]) >= 20]
    rows = []
    n = len(blocks)
    for index, (block, element) in enumerate(zip(blocks, elements)):
        text, key = block.text, keys[index]
        row = _text_features(text)
        linked = densities.of(element)
        own_links = _run_links(element, text) if element is not None else 0
        row += [own_links / max(1, len(text)), len(list(element.iter("a"))) / max(1, word_count(text))
                if element.tag in ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "dd", "dt") else 0.0]
        row += _shape_features(text)
        ancestors = list(element.iterancestors())
        parent = element.getparent()
        grandparent = parent.getparent() if parent is not None else None
        third = grandparent.getparent() if grandparent is not None else None
        hidden = any(box.get("hidden") is not None or box.get("aria-hidden") == "true"
                     or _HIDDEN_STYLE.search(box.get("style") or "") for box in (element, *ancestors))
        p_text, p_links = densities.of(parent)
        g_text, g_links = densities.of(grandparent)
        row += [len(ancestors), float(hidden), math.log1p(p_text), p_links / max(1, p_text), math.log1p(g_text),
                g_links / max(1, g_text), math.log1p(densities.of(third)[0]), linked[0] / max(1, p_text),
                len(parent.findall("p")) if parent is not None else 0]
        row += [index / n, starts[index] / total_chars, math.log1p(total_chars), math.log1p(n)]
        before = stream.find(key, 0, offsets[index]) >= 0 if len(key) >= 20 else False
        contained = len(key) >= 20 and separated.count(key) >= 2  # said again elsewhere, alone or in a longer block
        row += [float(before), float(contained), float(bool(title_key) and key == title_key),
                float(element.tag == "h1")]
        kind = element.tag if element.tag in BLOCK_KINDS else ("h3" if element.tag in ("h4", "h5", "h6") else
                                                                "td" if element.tag in ("th", "tr") else
                                                                "li" if element.tag in ("dd", "dt") else
                                                                "div" if element.tag in ("section", "article", "main",
                                                                                          "center") else "other")
        row += [float(kind == k) for k in BLOCK_KINDS]
        tags = {box.tag for box in (element, *ancestors)}
        row += [float(tag in tags) for tag in ANCESTOR_TAGS]
        around = " ".join(_class_words(box) for box in [element, *ancestors][:ANCESTOR_REACH])
        own = _class_words(element) + " " + (_class_words(parent) if parent is not None else "")
        row += [float(bool(pattern.search(around))) for pattern in _CLASS_PATTERNS.values()]
        row += [float(bool(pattern.search(own))) for pattern in _CLASS_PATTERNS.values()]
        row += list(held[index])
        window = lambda reach: float(votes[max(0, index - reach):index + reach + 1].mean())  # noqa: E731
        row += [votes[index], votes[index - 1] if index else 0.0, votes[index + 1] if index + 1 < n else 0.0,
                window(5), window(15)]
        if agreed:
            nearest = min(agreed, key=lambda a: abs(a - index))
            row += [float(agreed[0] <= index <= agreed[-1]), math.log1p(abs(nearest - index)),
                    math.log1p(abs(starts[nearest] - starts[index])), float(index < agreed[0]),
                    float(index > agreed[-1])]
        else:
            row += [0.0, math.log1p(n), math.log1p(total_chars), 0.0, 0.0]
        reason = opinions.reasons.get(key, "")
        row += [float(bool(reason) and bool(re.search(pattern, reason))) for pattern in RULE_REASONS.values()]
        row += [held[index][READINGS.index("narrate_agreed")]]
        rows.append(row)
    return np.hstack([np.array(rows, dtype=np.float64), structure_features(blocks, elements, markup),
                      section_features(blocks, agreed), link_kind_features(blocks, elements)])


def structure_features(blocks: list[PageBlock], elements: list, markup: PageMarkup) -> np.ndarray:
    """The last columns of `page_features`: what the markup says of the block (schema.org, ARIA, JSON-LD), how
    often its box's class repeats on the page (a card in a list of teasers, not the one article box), where it
    stands between headings, how long a run of prose it belongs to, and its words' shape."""
    n = len(blocks)
    if not n:
        return np.zeros((0, 17))
    root = elements[0].getroottree().getroot()
    signatures: dict[tuple[str, str], int] = {}
    for element in root.iter():
        if isinstance(element.tag, str) and element.get("class"):
            key = (element.tag, element.get("class"))
            signatures[key] = signatures.get(key, 0) + 1

    def repeats(element) -> float:
        if element is None or not element.get("class"):
            return 0.0
        return math.log1p(signatures.get((element.tag, element.get("class")), 0))

    heading = [b.kind == "heading" for b in blocks]
    since, last = [0.0] * n, None
    for index in range(n):
        since[index] = math.log1p(index - last) if last is not None else -1.0
        if heading[index]:
            last = index
    until, following = [0.0] * n, None
    for index in range(n - 1, -1, -1):
        until[index] = math.log1p(following - index) if following is not None else -1.0
        if heading[index]:
            following = index
    prose = [bool(sentence_keys(b.text)) for b in blocks]
    run, run_chars = [0.0] * n, [0.0] * n
    start = 0
    for index in range(n + 1):
        if index == n or not prose[index]:
            letters = sum(len(blocks[i].text) for i in range(start, index))
            for inside in range(start, index):
                run[inside], run_chars[inside] = math.log1p(index - start), math.log1p(letters)
            start = index + 1
    rows = []
    for index, (block, element) in enumerate(zip(blocks, elements)):
        boxes = [element, *element.iterancestors()]
        props = " ".join(f"{box.get('itemprop') or ''} {box.get('itemtype') or ''}" for box in boxes)
        near_props = " ".join(box.get("itemprop") or "" for box in boxes[:3])
        roles = [box.get("role") or "" for box in boxes]
        parent = element.getparent()
        siblings = [child.tag for child in parent if isinstance(child.tag, str)] if parent is not None else []
        words = block.text.split()
        rows.append([
            float(bool(_ITEMPROP_BODY.search(" ".join(box.get("itemprop") or "" for box in boxes)))),
            float(bool(_ITEMPROP_META.search(near_props))), float(bool(_COMMENT_MARKUP.search(props))),
            float(any(_LANDMARK.match(role) for role in roles)), float(any(_MAIN_ROLE.match(role) for role in roles)),
            held_share(block.text, markup.body) if markup.body and len(squash(block.text)) >= MIN_SENTENCE_CHARS else 0.0, float(bool(markup.body)),
            float(markup.is_article), repeats(element), repeats(parent), since[index], until[index],
            run[index], run_chars[index], sum(w[:1].isupper() for w in words) / max(1, len(words)),
            siblings.count(element.tag) / max(1, len(siblings)),
            float(any(box.tag in ("time", "address") for box in boxes) or element.find(".//time") is not None),
        ])
    return np.array(rows, dtype=np.float64)


LABEL_MAX_WORDS = 12  # a line that names the section below it ("3 Comments", "Related stories") is short
THREAD_REACH = 10  # blocks either side in which a comment thread's marks are counted


def section_features(blocks: list[PageBlock], agreed: list[int]) -> np.ndarray:
    """The last columns of `page_features`: where the page says it has moved on from the article. A short line
    that opens a comment thread ("12 Comments", "Leave a Reply") or another section ("Related stories", "You
    might also like", "About the author") stands above whole runs of comments and teasers that look like prose;
    the blocks since such a line, and how many blocks the readings agree on lie between it and the block (none,
    when the article has not come back), say which side of it the block is. The marks of a thread around the
    block ("Reply", "2 hours ago", "Ann says:") tell a comment from a paragraph without any class word, and a
    photo's credit at its end tells a caption from the paragraph it resembles."""
    n = len(blocks)
    if not n:
        return np.zeros((0, 5))
    texts = [" ".join(b.text.split()) for b in blocks]
    short = [word_count(t) <= LABEL_MAX_WORDS for t in texts]
    comments = [s and bool(COMMENTS_START.match(t)) for s, t in zip(short, texts)]
    moved_on = [s and bool(MOVED_ON.match(t) or READ_MORE.match(t)) for s, t in zip(short, texts)]
    marks = np.array([bool(REPLY_LINE.match(t) or TIME_AGO.match(t) or COMMENTER_LINE.search(t)) for t in texts],
                     dtype=float)
    marks_sum = np.concatenate([[0.0], np.cumsum(marks)])
    agreed_sum = np.concatenate([[0], np.cumsum(np.isin(np.arange(n), agreed))])
    rows, last_comments, last_moved_on = [], None, None
    for index in range(n):
        if comments[index]:
            last_comments = index
        if moved_on[index] or comments[index]:
            last_moved_on = index
        low, high = max(0, index - THREAD_REACH), min(n, index + THREAD_REACH + 1)
        rows.append([
            math.log1p(index - last_comments) if last_comments is not None else -1.0,
            math.log1p(index - last_moved_on) if last_moved_on is not None else -1.0,
            math.log1p(agreed_sum[index] - agreed_sum[last_moved_on + 1]) if last_moved_on is not None
            and index > last_moved_on else -1.0 if last_moved_on is None else 0.0,
            (marks_sum[high] - marks_sum[low]) / (high - low), float(bool(CREDIT_TAIL.search(texts[index]))),
        ])
    return np.array(rows, dtype=np.float64)


ACTION_LINE_WORDS = 8  # "Read our full review", "Shop the sale now": a button's words, not a sentence's


def link_kind_features(blocks: list[PageBlock], elements: list) -> np.ndarray:
    """The closing columns of `page_features`: links that say what a line is. A table of contents links to the
    page's own headings ("#section"), so its items repeat them; a short linked line that starts with a verb is
    a button ("Read our full review", "Shop now"), whatever box it stands in."""
    n = len(blocks)
    if not n:
        return np.zeros((0, 3))
    headings = {}
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            headings.setdefault(squash(block.text), []).append(index)
    rows = []
    for index, (block, element) in enumerate(zip(blocks, elements)):
        boxes = [element, *element.iterancestors()]
        anchors = [box for box in boxes[:3] if box.tag == "a"] + list(element.iter("a"))
        hrefs = [(anchor.get("href") or "").strip() for anchor in anchors]
        key = squash(block.text)
        linked = any(box.tag == "a" for box in boxes[:3]) or bool(_run_links(element, block.text))
        rows.append([
            sum(href.startswith("#") and len(href) > 1 for href in hrefs) / max(1, len(hrefs)),
            float(len(key) >= 4 and any(other != index for other in headings.get(key, []))),
            float(linked and word_count(block.text) <= ACTION_LINE_WORDS and bool(BUTTON_START.match(block.text.strip()))),
        ])
    return np.array(rows, dtype=np.float64)


def block_ancestry(elements: list) -> list[tuple[int, ...]]:
    """Each block's boxes, from its own element up to the page's root, as numbers the blocks of one box share:
    what the second stage needs of the page's structure."""
    numbers: dict[object, int] = {}
    return [tuple(numbers.setdefault(box, len(numbers)) for box in (element, *element.iterancestors()))
            for element in elements]


def context_feature_names() -> list[str]:
    """The second stage's own inputs (after the first stage's): the first stage's scores around the block, in
    its boxes and on the page, and how much the page's readings agree."""
    return ["first_score", "first_score_prev", "first_score_next", "first_window_3", "first_window_10",
            "first_window_min_3", "box_score", "parent_score", "grandparent_score", "ancestor3_score",
            "parent_score_max", "page_score_max", "score_to_page_max", "page_kept_share", "chars_rank",
            "chars_to_page_median", "in_root", "below_root", "root_share", "root_kept_share", "kept_distance",
            "kept_char_distance", "before_first_kept", "after_last_kept", "sibling_run", "sibling_run_score",
            "trafilatura_page_share", "readability_page_share", "readings_agree"]


def context_features(first: np.ndarray, features: np.ndarray, ancestry: list[tuple[int, ...]],
                     lengths: list[int]) -> np.ndarray:
    """One row per block, in `context_feature_names()` order, from the first stage's probabilities `first`.

    The "root" is the box whose blocks weigh most for the article (each block's letters, counted for it when
    the first stage thinks it article and against it otherwise): readability's top candidate, from scores.
    """
    n = len(first)
    if not n:
        return np.zeros((0, len(context_feature_names())))
    chars = np.maximum(1, np.array(lengths, dtype=float))
    weight: dict[int, float] = {}
    mass: dict[int, float] = {}
    gain: dict[int, float] = {}
    top: dict[int, float] = {}
    for boxes, score, letters in zip(ancestry, first.tolist(), chars.tolist()):
        for box in boxes:
            weight[box] = weight.get(box, 0.0) + letters
            mass[box] = mass.get(box, 0.0) + score * letters
            gain[box] = gain.get(box, 0.0) + (2 * score - 1) * letters
            top[box] = max(top.get(box, 0.0), score)
    root = max(gain, key=lambda box: (gain[box], -weight[box]))
    kept = first >= 0.5
    kept_chars = float(chars[kept].sum())
    in_root = np.array([root in boxes for boxes in ancestry])
    root_share = mass[root] / max(1e-9, float((first * chars).sum()))
    root_kept_share = float(chars[kept & in_root].sum()) / kept_chars if kept_chars else 0.0
    live = np.flatnonzero(kept)
    starts = np.cumsum([0.0, *chars[:-1]])
    order = np.argsort(-chars, kind="stable")
    rank = np.empty(n)
    rank[order] = np.arange(n) / n
    median = float(np.median(chars))
    names = feature_names()
    held = {name: features[:, names.index(f"held_{name}")] for name in ("trafilatura", "readability")}
    shares = {name: float((column * chars).sum() / chars.sum()) for name, column in held.items()}
    agree = min(shares.values()) / max(shares.values()) if max(shares.values()) > 0 else 0.0
    parents = [boxes[1] if len(boxes) > 1 else -1 for boxes in ancestry]
    run_start = [0] * n
    for index in range(1, n):
        run_start[index] = run_start[index - 1] if parents[index] == parents[index - 1] else index
    run_end = [n - 1] * n
    for index in range(n - 2, -1, -1):
        run_end[index] = run_end[index + 1] if parents[index] == parents[index + 1] else index
    def box_mean(boxes: tuple[int, ...], level: int) -> float:
        return mass[boxes[level]] / weight[boxes[level]] if len(boxes) > level else 0.0

    scores, letters, starts = first.tolist(), chars.tolist(), starts.tolist()
    running = np.concatenate([[0.0], np.cumsum(first)]).tolist()
    mean_of = lambda low, high: (running[high] - running[low]) / (high - low)  # noqa: E731
    live = live.tolist()
    page_max, page_chars = max(scores), float(chars.sum())
    rows = []
    for index, boxes in enumerate(ancestry):
        low, high = max(0, index - 3), min(n, index + 4)
        row = [scores[index], scores[index - 1] if index else 0.0, scores[index + 1] if index + 1 < n else 0.0,
               mean_of(low, high), mean_of(max(0, index - 10), min(n, index + 11)), min(scores[low:high])]
        row += [box_mean(boxes, level) for level in range(4)]
        row += [top[boxes[1]] if len(boxes) > 1 else scores[index], page_max, scores[index] / max(1e-9, page_max),
                kept_chars / page_chars, rank[index], math.log(letters[index] / median)]
        row += [float(in_root[index]), math.log1p(boxes.index(root)) if in_root[index] else -1.0, root_share,
                root_kept_share]
        if live:
            at = bisect.bisect_left(live, index)
            nearest = min(live[max(0, at - 1):at + 1], key=lambda i: abs(i - index))
            row += [math.log1p(abs(nearest - index)), math.log1p(abs(starts[nearest] - starts[index])),
                    float(index < live[0]), float(index > live[-1])]
        else:
            row += [math.log1p(n), math.log1p(page_chars), 0.0, 0.0]
        row += [math.log1p(run_end[index] - run_start[index] + 1), mean_of(run_start[index], run_end[index] + 1),
                shares["trafilatura"], shares["readability"], agree]
        rows.append(row)
    return np.array(rows, dtype=np.float64)


def _run_links(element, text: str) -> int:
    """Letters of the block's text that are link text: its own links and its children's (for a run of text in
    a container, the links set into the run, not those of the container's other blocks)."""
    letters = len(text)
    links = 0
    for anchor in (*element.findall("a"), *element.findall("*/a")) if element.tag != "a" else (element,):
        linked = " ".join(anchor.text_content().split())
        if linked and linked in text:
            links += len(linked)
    return min(links, letters)


@dataclass(frozen=True)
class Trees:
    """Gradient-boosted trees as flat arrays: node -> feature, threshold, children and value."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    roots: np.ndarray
    names: tuple[str, ...]
    threshold_probability: float
    base: float

    def raw(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The log-odds of every row and each feature's share of it (the change in the trees' values at
        the splits on that feature along the row's path, summed over trees). Every tree is walked at once,
        a level at a time, so the cost grows with the trees' depth rather than their number."""
        count, width = len(features), len(self.names)
        row = np.repeat(np.arange(count), len(self.roots))
        node = np.tile(self.roots, count)
        score = np.full(count, self.base + self.value[self.roots].sum())
        contributions = np.zeros(count * width)
        while len(node):
            inner = self.feature[node] >= 0
            row, node = row[inner], node[inner]
            split = self.feature[node]
            child = np.where(features[row, split] <= self.threshold[node], self.left[node], self.right[node])
            delta = self.value[child] - self.value[node]
            contributions += np.bincount(row * width + split, weights=delta, minlength=count * width)
            score += np.bincount(row, weights=delta, minlength=count)
            node = child
        return score, contributions.reshape(count, width)


@lru_cache(maxsize=4)
def load_model(path: str = str(MODEL_PATH), names: tuple[str, ...] | None = None, prefix: str = "") -> Trees:
    """The trees in a weights file, checked against the features this version computes (`names`, by
    default those of the HTML scorer). A file may hold a second model, its arrays named with a `prefix`."""
    with np.load(path, allow_pickle=False) as data:
        if f"{prefix}names" not in data:
            raise ValueError(f"{path}: no {prefix or 'first '}model in it; it was written by another version")
        found = tuple(str(n) for n in data[f"{prefix}names"])
        if found != (names or tuple(feature_names())):
            raise ValueError(f"{path}: trained on other features than this version of narrate computes")
        return Trees(**{key: data[prefix + key] for key in ("feature", "threshold", "left", "right", "value", "roots")},
                     names=found, threshold_probability=float(data[f"{prefix}threshold_probability"]),
                     base=float(data[f"{prefix}base"]))


def score_blocks(features: np.ndarray, ancestry: list[tuple[int, ...]], lengths: list[int],
                 path: str = str(MODEL_PATH)) -> tuple[Trees, np.ndarray, np.ndarray]:
    """The second stage's model, its probability for every block and each feature's share of it.

    The first stage scores each block from its own numbers; the second sees those scores again, around
    the block, in its boxes and over the page, so a paragraph among article paragraphs is read with them.
    """
    first = load_model(path)
    second = load_model(path, tuple(feature_names() + context_feature_names()), CONTEXT_PREFIX)
    first_probability, _ = probabilities(first, features)
    context = context_features(first_probability, features, ancestry, lengths)
    probability, contributions = probabilities(second, np.hstack([features, context]))
    return second, probability, contributions


def probabilities(model: Trees, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    score, contributions = model.raw(features)
    return 1.0 / (1.0 + np.exp(-score)), contributions


# How the strongest reasons against a block read in `narrate script`: a feature and whether it was high.
_SAYS = {
    "held_trafilatura": "trafilatura leaves it out", "held_readability": "readability leaves it out",
    "held_copied_text": "the copied-text reader leaves it out", "held_narrate_draft": "the extractor leaves it out",
    "held_narrate_rules": "narrate's rules drop it", "held_narrate_agreed": "the readings' vote drops it",
    "rule_kept": "the readings' vote drops it", "held_count": "few readings hold it",
    "held_window_5": "few readings hold the blocks around it", "held_window_15": "few readings hold this part of the page",
    "held_count_prev": "the block before it is not article", "held_count_next": "the block after it is not article",
    "between_agreed": "outside the stretch the readings agree on", "agreed_distance": "far from the agreed article",
    "agreed_char_distance": "far from the agreed article", "after_last_agreed": "after the article",
    "before_first_agreed": "before the article", "link_share": "mostly link text", "links_per_word": "many links",
    "parent_link_share": "in a box of links", "grandparent_link_share": "in a box of links",
    "log_chars": "short", "log_words": "short", "sentences": "few sentences", "is_prose": "not a paragraph of prose",
    "ends_sentence": "ends no sentence", "repeat_before": "already read", "repeat_contained": "repeats a longer block",
    "hidden": "hidden on the page", "position": "where it stands on the page", "char_position": "where it stands on the page",
    "is_title": "repeats the title", "is_h1": "the page's headline", "parent_log_chars": "in a small box",
    "grandparent_log_chars": "in a small box", "ancestor3_log_chars": "in a small part of the page",
    "share_of_parent": "a small part of its box", "parent_paragraphs": "few paragraphs beside it",
    "depth": "how deep it sits in the page", "title_case": "written like a headline", "digit_share": "mostly figures",
    "mean_sentence_words": "short sentences", "commas_per_word": "few commas", "starts_quoted": "a quotation",
    "page_log_chars": "the page's size", "page_blocks_log": "the page's size", "byline": "a byline", "dateline": "a date line", "furniture_line": "page furniture",
    "legal": "legal notice", "teaser_line": "a link to another story", "appeal": "a call to action", "credit": "a credit",
    "first_score": "its own numbers say it is not article", "first_score_prev": "the block before it is not article",
    "first_score_next": "the block after it is not article", "first_window_3": "the blocks around it are not article",
    "first_window_min_3": "the blocks around it are not article", "first_window_10": "this part of the page is not article",
    "box_score": "its box is not article", "parent_score": "its box is not article",
    "grandparent_score": "its box is not article", "ancestor3_score": "this part of the page is not article",
    "parent_score_max": "nothing in its box is article", "page_score_max": "how clear the page's article is",
    "score_to_page_max": "weaker than the page's article", "page_kept_share": "how much of the page is article",
    "chars_rank": "short for this page", "chars_to_page_median": "short for this page",
    "in_root": "outside the box that holds the article", "below_root": "outside the box that holds the article",
    "root_share": "how much of the article one box holds", "root_kept_share": "how much of the article one box holds",
    "kept_distance": "far from the article", "kept_char_distance": "far from the article",
    "before_first_kept": "before the article", "after_last_kept": "after the article",
    "sibling_run": "few blocks like it in a row", "sibling_run_score": "the blocks in a row with it are not article",
    "trafilatura_page_share": "how much the readings agree on this page",
    "readability_page_share": "how much the readings agree on this page",
    "readings_agree": "how much the readings agree on this page",
    "markup_body": "outside the page's marked article body", "markup_meta": "marked as the article's details",
    "markup_comment": "marked as a comment", "landmark": "in a navigation or side landmark",
    "main_role": "outside the page's main landmark", "held_embedded": "not in the page's own article data",
    "page_has_embedded": "the page's data", "page_is_article": "the kind of page",
    "own_class_repeats": "one of many boxes alike", "parent_class_repeats": "in one of many boxes alike",
    "blocks_since_heading": "where it stands after a heading", "blocks_to_heading": "where it stands before a heading",
    "prose_run": "not in a run of prose", "prose_run_chars": "not in a run of prose",
    "capital_share": "many capitalised words", "same_tag_siblings": "unlike the blocks beside it",
    "in_time_or_address": "a date or an address",
    "since_comments_label": "under the comments' heading", "since_moved_on_label": "under a heading of other things",
    "agreed_since_label": "the article does not come back after a heading of other things",
    "thread_marks_around": "among a comment thread's replies and times", "credit_tail": "ends with a photo credit",
    "in_page_links": "links within the page (a table of contents)", "names_a_heading": "repeats a heading of the page",
    "action_line": "a button's words",
}


def explain(name: str) -> str:
    if name in _SAYS:
        return _SAYS[name]
    for prefix, say in (("rule_", "narrate's rules: {}"), ("class_", "in a box marked {}"),
                        ("own_class_", "marked {}"), ("in_", "inside <{}>"), ("kind_", "a <{}> block")):
        if name.startswith(prefix):
            return say.format(name[len(prefix):].replace("_", " "))
    return name.replace("_", " ")


def reasons_against(model: Trees, contributions: np.ndarray, probability: float, strongest: int = 3,
                    scorer: str = "block scorer", words=explain) -> str:
    """The model's verdict on a dropped block in words: its score and the features that weighed most against it."""
    said: list[str] = []
    for feature in np.argsort(contributions, kind="stable"):
        if contributions[feature] >= 0 or len(said) >= strongest:
            break
        reason = words(model.names[feature])
        if reason not in said:
            said.append(reason)
    return f"not article by the {scorer} ({probability:.2f}): " + ", ".join(said or ["low score"])


def opinions_of(draft: Draft, rules: Draft, rules_dropped: tuple[Dropped, ...], agreed: Draft,
                agreed_dropped: tuple[Dropped, ...], readings) -> PageOpinions:
    """The page's readings as the features read them: the three peers, and narrate's extraction, rules and vote."""
    joined = lambda d: squash("\n".join(b.text for b in d.blocks))  # noqa: E731
    reasons = {squash(d.text): d.reason for d in (*rules_dropped, *agreed_dropped)}
    return PageOpinions(
        readings={"trafilatura": readings.extractor, "readability": readings.readability,
                  "copied_text": readings.copied_text, "narrate_draft": joined(draft), "narrate_rules": joined(rules),
                  "narrate_agreed": joined(agreed)},
        reasons=reasons, title=agreed.title or rules.title or draft.title)


# A line in capitals this long that is one link, set among the paragraphs: a headline of another story.
TEASER_CAPITALS_WORDS = 4
LINKED_SHARE = 0.95  # a block is one link when links hold this share of its letters


def says_it_is_a_caption(text: str) -> bool:
    """A caption by its own words, on any site: it ends in a labelled credit ("(Image: Getty)"), places people
    in the photo ("Ann Lee, left, and ..."), describes the photo ("This 2017 file photo shows ...") or ends in
    an expanding caption's toggle ("... less"). A paragraph that quotes someone is never one."""
    return (word_count(text) <= CAPTION_MAX_WORDS and not is_quotation(text)
            and bool(LABELLED_CREDIT_END.search(text) or PLACES_PEOPLE.search(text) or DESCRIBES_PHOTO.search(text)
                     or CAPTION_TOGGLE.search(text)))


def marked_not_article(blocks: list[PageBlock], elements: list, image_texts: frozenset[str],
                       keep_captions: bool) -> dict[int, str]:
    """The blocks whose markup or words say what they are, whatever the model's score: an image's caption (set
    in a `<figcaption>` and no paragraph of prose, saying just what an image's alt text says, or a caption by
    its own words, `says_it_is_a_caption`) and another story's headline (a line in capitals that is wholly a
    link), which the gold texts hardly ever read as article. Bylines, date lines and "Read more" lines are
    not among them: the golds the model learned from keep those on some sites and not on others, so the model
    weighs them (docs/cleaning.md).
    """
    marked: dict[int, str] = {}
    for index, (block, element) in enumerate(zip(blocks, elements)):
        if block.kind in ("heading", "item", "row"):
            continue  # a product's name over its review, a list of names: the article's own
        text = block.text
        in_caption = element.tag == "figcaption" or any(box.tag == "figcaption" for box in element.iterancestors())
        if not keep_captions and ((in_caption and not is_prose(text)) or says_image_text(text, image_texts)
                                  or says_it_is_a_caption(text)):
            marked[index] = "image caption"
        elif (word_count(text) >= TEASER_CAPITALS_WORDS and text == text.upper() and text != text.lower()
              and (element.tag == "a" or any(box.tag == "a" for box in element.iterancestors())
                   or _run_links(element, text) >= LINKED_SHARE * len(text))):
            marked[index] = "link to another story"
    return marked


def decide(blocks: list[PageBlock], probability: np.ndarray, threshold: float, title: str | None,
           options: CleanOptions, marked: dict[int, str] | None = None) -> tuple[list[int], dict[int, str | None]]:
    """Which blocks are read (indexes, page order) and why each other one is not (None: the model's verdict).

    The user's `keep` patterns win over everything, then `drop` patterns; a block that repeats the title is
    not read twice; captions are read when the user asks for them; a block the model would read but whose
    markup says it is a caption or another story's headline (`marked`, see `marked_not_article`) is not.
    """
    marked = marked or {}
    keep = [re.compile(p, re.IGNORECASE) for p in options.keep]
    drop = [(p, re.compile(p, re.IGNORECASE)) for p in options.drop]
    title_key = squash(title or "")
    kept: list[int] = []
    left_out: dict[int, str | None] = {}
    for index, block in enumerate(blocks):
        dropping = next((p for p, pattern in drop if pattern.search(block.text)), None)
        if any(p.search(block.text) for p in keep):
            kept.append(index)
        elif dropping is not None:
            left_out[index] = f"matches clean.drop pattern {dropping!r}"
        elif title_key and squash(block.text) == title_key:
            left_out[index] = "repeats the title"
        elif index in marked and probability[index] >= threshold:
            left_out[index] = marked[index]
        elif probability[index] >= threshold or (options.keep_captions and block.kind == "caption"):
            kept.append(index)
        else:
            left_out[index] = None
    return kept, left_out


def fallback(blocks: list[PageBlock], features: np.ndarray) -> list[int]:
    """When the model keeps nothing: the blocks narrate's vote or a peer extractor holds, so the reader
    never reads less than a peer found."""
    names = feature_names()
    for name in ("narrate_agreed", "trafilatura", "readability"):
        column = names.index(f"held_{name}")
        chosen = [i for i in range(len(blocks)) if features[i, column] >= 0.5 and sentence_keys(blocks[i].text)]
        if chosen:  # blocks with a sentence: a short line ("Weather") may be held as a word of the body
            return chosen
    return []


def unanimous(blocks: list[PageBlock], features: np.ndarray) -> np.ndarray:
    """The blocks of prose that all four peer readings hold, on a page where they hold the same blocks of prose:
    read whatever the model says. Such a page (a feed's full text, a bare blog post of two paragraphs) leaves
    nothing to decide, and a page that small is far from those the model learned on."""
    if not blocks:
        return np.zeros(0, dtype=bool)
    names = feature_names()
    votes = features[:, [names.index(f"held_{name}") for name in READINGS[:4]]] >= 0.5
    prose = np.array([bool(sentence_keys(b.text)) for b in blocks])
    every, none = votes.all(axis=1), ~votes.any(axis=1)
    return prose & every if (every | none)[prose].all() else np.zeros(len(blocks), dtype=bool)


def assemble(blocks: list[PageBlock], probability: np.ndarray, threshold: float, title: str | None,
             options: CleanOptions, fallback: list[int], marked: dict[int, str] | None = None,
             ) -> tuple[list[Block], dict[int, str | None], list[Dropped]]:
    """The blocks read, in page order and each sentence once; why each other block is not (None: the model's
    verdict); and the copies left out because their sentences were read already. When the model keeps no
    sentence, the `fallback` blocks are read (another reading's choice), so nothing is never the answer."""
    kept, left_out = decide(blocks, probability, threshold, title, options, marked)
    if not any(sentence_keys(blocks[i].text) for i in kept):
        kept = fallback or kept
        left_out = {i: reason for i, reason in left_out.items() if i not in kept}
    chosen, repeated = read_once([Block(blocks[i].text, blocks[i].kind, blocks[i].level) for i in kept])
    return chosen, left_out, repeated


def read_with_model(html: str, opinions: PageOpinions, draft: Draft, options: CleanOptions,
                    model_path: str | None = None) -> tuple[Draft, tuple[Dropped, ...]]:
    """The page's article as the block scorer reads it, with every block left out and the model's reasons."""
    blocks, elements = cut_page(html)
    features = page_features(blocks, elements, opinions, page_markup(html))
    model, probability, contributions = score_blocks(features, block_ancestry(elements), [len(b.text) for b in blocks],
                                                     model_path or str(MODEL_PATH))
    probability = np.where(unanimous(blocks, features), np.maximum(probability, model.threshold_probability),
                           probability)
    chosen, left_out, repeated = assemble(blocks, probability, model.threshold_probability, draft.title, options,
                                          fallback(blocks, features),
                                          marked_not_article(blocks, elements, draft.image_texts, options.keep_captions))
    dropped = [Dropped(blocks[i].text, reason or reasons_against(model, contributions[i], probability[i]))
               for i, reason in sorted(left_out.items())]
    return replace(draft, blocks=tuple(chosen)), (*dropped, *repeated)


def read_once(blocks: list[Block]) -> tuple[list[Block], list[Dropped]]:
    """Every sentence once: a block whose sentences were all read before goes; a block that repeats some
    of them (a copy of the body glued to new text) is read without them.

    A table row said before goes too, however short. A long sentence also counts as read when it was read
    inside a longer one; and a long block whose runs of words were nearly all read already goes whole: a copy
    of the body in other markup ("# Title _Disclaimer: ..._ First [sentence](https://...)") cuts and decorates
    its sentences differently. A short paragraph that says an earlier one again in other words ("To get it,
    go to ...") and a table's row that shares most words with the rows above (a training plan's weeks) are
    the article's own, and are read.
    """
    said: list[str] = []  # the sentences read, and all of them joined
    stream = ""
    runs: set[tuple[str, ...]] = set()  # every COPY_RUN words in a row that were read
    rows_said: set[str] = set()  # a table row is short: read once whatever its length (a header repeated)
    kept: list[Block] = []
    gone: list[Dropped] = []
    for block in blocks:
        if block.kind == "row":
            if squash(block.text) in rows_said:
                gone.append(Dropped(block.text, REPEATED_ROW_REASON))
                continue
            rows_said.add(squash(block.text))
        parts = _SENTENCE.split(" ".join(block.text.split()))
        keys = [squash(part) for part in parts]
        counted = [k for k in keys if len(k) >= MIN_SENTENCE_CHARS]
        repeated = [len(k) >= MIN_SENTENCE_CHARS and _already_read(k, said, stream) for k in keys]
        own_runs = _word_runs(block.text)
        copied = (block.kind != "row" and len(own_runs) >= COPY_MIN_RUNS
                  and len(own_runs & runs) >= COPY_SHARE * len(own_runs))
        if counted and (all(r for k, r in zip(keys, repeated) if len(k) >= MIN_SENTENCE_CHARS) or copied):
            gone.append(Dropped(block.text, "already read (every sentence of it was read before)"))
            continue
        if any(repeated):
            block = Block(" ".join(part for part, again in zip(parts, repeated) if not again), block.kind, block.level)
        said += [k for k, again in zip(keys, repeated) if len(k) >= MIN_SENTENCE_CHARS and not again]
        stream += "\x00" + "\x00".join(counted)
        runs |= own_runs
        kept.append(block)
    return kept, gone


# A sentence read inside a longer one counts as read only when it is this long: a short one ("Not so much.")
# may well stand again in another sentence of the article.
PIECED_SENTENCE_CHARS = 40
# A block of COPY_MIN_RUNS runs of COPY_RUN words or more (about 55 words: longer than most single paragraphs
# an article says twice in other words), COPY_SHARE of them read already, is a copy.
COPY_RUN = 5
COPY_MIN_RUNS = 50
COPY_SHARE = 0.6


def _already_read(key: str, said: list[str], stream: str) -> bool:
    return key in said or (len(key) >= PIECED_SENTENCE_CHARS and key in stream)


def _word_runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[^\W_]+", text.lower())
    return {tuple(words[i:i + COPY_RUN]) for i in range(len(words) - COPY_RUN + 1)}


def repeated_sentences(texts: list[str]) -> list[str]:
    """The sentences that stand more than once in the texts (the invariant `read_once` keeps)."""
    seen: set[str] = set()
    twice = []
    for text in texts:
        for key in sentence_keys(text):
            if key in seen:
                twice.append(key)
            seen.add(key)
    return twice
