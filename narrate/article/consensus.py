"""Second opinions on a web page: which of the cleaned blocks the page's other readings agree are article.

One extractor's blind spots are not another's. narrate's own reading of an HTML page (trafilatura,
gaps filled, cleaned) is the spine: it keeps the paragraphs, their order, headings and kinds. Three
other readings of the same page vote on each of its blocks:

- trafilatura's plain `extract()`: the default settings, which weigh a page differently from the
  recall-first settings narrate reads with (but without readers' comments, which those defaults
  include: a comment is never the article, and its agreement would keep the ones gap filling found);
- readability-lxml: Arc90's Readability algorithm (the one behind Firefox's reader view, in its
  Python port), which scores containers by their text and links rather than by their markup;
- narrate's copied-text reader on the page's own visible text: no markup at all, only the shape of
  the prose, so it is blind where the others are misled by a page's tags.

The rule puts recall first, as the cleaner does. Every block up to the last one that three of the four
readings hold is kept, even where the readings disagree, with one exception: above the first agreed
block, a line that ends no sentence (a byline with a job title, a wire service's slug) and that no
other reading holds is dropped; a standfirst there is often narrate's alone, and it is kept. After the
last agreed block, where comments, related stories and newsletter boxes live, a block is kept only
when a reading that is not trafilatura holds it too, or when it is one of the quotations that follow the
article directly (embedded posts the article quotes, which no teaser box is set as): narrate reads
with trafilatura, so trafilatura's default extraction agreeing with it there is one algorithm's
opinion twice, and it is the one that runs on into the teasers after an article. A paragraph that
narrate's reading lacks is added in page order when both extractors hold it between two of narrate's
blocks, or all three readings hold it elsewhere
(the half of an article after an inline widget, where an extractor stopped), unless narrate's own
rules dropped it on purpose. A paragraph narrate's reading took from the page's own text to fill a gap
the extractor left (a block of kind "filled") stays only when trafilatura's defaults or readability-lxml
hold it too: the copied-text reader sees the same page text, so its agreement proves nothing there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from narrate.article.clean import block_reason
from narrate.article.patterns import SENTENCE_END, squash
from narrate.models import Block, Draft, Dropped

# Of the three other readings, how many must hold a block for it to count as agreed article.
AGREED = 2
# A reading holds a block when it contains this share of the block's sentences (by length).
HELD_SHARE = 0.5
# Blocks shorter than this (in letters) are too short to vote on: they stay where narrate put them.
MIN_VOTING_CHARS = 20
OUTSIDE_REASON = "outside the article the page's readings agree on"
FILLED_REASON = "filled in from the page's text, but neither extractor holds it"
# The readings that choose a page's article by its markup.
EXTRACTORS = frozenset({"extractor", "readability"})
# The readings that do not share narrate's own extractor.
INDEPENDENT = frozenset({"readability", "copied_text"})

_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])[\"'”’)\]]*\s+")


def _sentence_keys(text: str) -> list[str]:
    return [k for k in (squash(s) for s in _SENTENCE_END.split(text)) if k]


@dataclass(frozen=True)
class Readings:
    """The page's other readings, each reduced to one key string to look blocks up in."""

    extractor: str
    readability: str
    copied_text: str
    page_blocks: tuple[str, ...]

    def held_by(self, text: str) -> set[str]:
        """Which readings hold this text: those that contain half of its sentences or more (by length)."""
        sentences = _sentence_keys(text)
        total = sum(len(s) for s in sentences)
        if not total:
            return set()
        return {name for name in ("extractor", "readability", "copied_text")
                if sum(len(s) for s in sentences if s in getattr(self, name)) / total >= HELD_SHARE}

    def holders(self, text: str) -> int:
        """How many of the three readings hold this text."""
        return len(self.held_by(text))


def _readability_text(html: str) -> str:
    import lxml.html
    from readability import Document
    from readability.readability import Unparseable

    try:
        summary = Document(html).summary(html_partial=True)
        root = lxml.html.fromstring(summary)
    except (Unparseable, ValueError, lxml.etree.ParserError):
        return ""
    return "\n".join(root.itertext())


def _extractor_text(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def _copied_text(page_blocks: list[str]) -> str:
    from narrate.article.clean import clean
    from narrate.article.read import parse_text

    if not page_blocks:
        return ""
    cleaned, _ = clean(parse_text("\n\n".join(page_blocks)))
    return "\n".join(b.text for b in cleaned.blocks) + "\n" + (cleaned.title or "")


def read_opinions(html: str, page_blocks: tuple[str, ...]) -> Readings:
    """The three other readings of a page (about 40 ms on a typical page); `page_blocks` is the page's
    visible text as the HTML reader already found it."""
    return Readings(extractor=squash(_extractor_text(html)), readability=squash(_readability_text(html)),
                    copied_text=squash(_copied_text(list(page_blocks))), page_blocks=page_blocks)


def agree(draft: Draft, dropped: tuple[Dropped, ...], readings: Readings,
          keep: tuple[str, ...] = ()) -> tuple[Draft, tuple[Dropped, ...]]:
    """The cleaned draft, its blocks kept or dropped by the readings' vote, and agreed gaps filled.

    A block matching one of the user's `keep` patterns is never dropped.
    """
    blocks = list(draft.blocks)
    always = [re.compile(p, re.IGNORECASE) for p in keep]
    held = [readings.held_by(b.text) for b in blocks]  # once per block: the vote and the rules below read it
    votes = [len(h) if len(squash(b.text)) >= MIN_VOTING_CHARS else None for h, b in zip(held, blocks)]
    agreed = [i for i, v in enumerate(votes) if v is not None and v >= AGREED]
    if not agreed:
        return draft, dropped  # the readings share nothing: no grounds to overrule narrate's own
    first, last = agreed[0], agreed[-1]
    # The quotations right after the article (embedded posts it quotes) end where the first other block stands.
    quotes_end = next((i for i in range(last + 1, len(blocks)) if blocks[i].kind != "quote"), len(blocks))
    kept: list[Block] = []
    newly_dropped: list[Dropped] = []
    for index, block in enumerate(blocks):
        vote = votes[index]
        if any(p.search(block.text) for p in always):
            keep_it = True
        elif block.kind == "filled":  # filled in from the page's text: an extractor must agree
            keep_it = bool(held[index] & EXTRACTORS)
        elif vote is None:
            keep_it = True
        elif index < first:  # above the article: not a line that ends no sentence and no reading holds
            keep_it = vote >= 1 or block.kind == "heading" or bool(SENTENCE_END.search(block.text))
        elif index <= last:
            keep_it = True
        else:
            keep_it = bool(held[index] & INDEPENDENT) or index < quotes_end
        if keep_it:
            kept.append(block)
        else:
            newly_dropped.append(Dropped(block.text, FILLED_REASON if block.kind == "filled" else OUTSIDE_REASON))
    kept = _fill_agreed_gaps(kept, readings, {squash(d.text) for d in (*dropped, *newly_dropped)})
    return replace(draft, blocks=tuple(kept)), (*dropped, *newly_dropped)


def _fill_agreed_gaps(blocks: list[Block], readings: Readings, dropped_keys: set[str]) -> list[Block]:
    """Add the page's paragraphs that narrate's reading lacks and the other readings agree on.

    Between two of narrate's blocks, inside the article, a paragraph both extractors hold (trafilatura's
    defaults and readability-lxml) is added, whatever the copied-text reader says; before the first or
    after the last, all three readings must hold it. (One extractor alone, inside, was measured too: on
    the pages developed on it added no sentence of an article and cost half a point of precision.) Each
    goes after the nearest block before it on the page that narrate kept; a block narrate's rules
    dropped (a caption, a pull quote, a call to action) is never brought back, nor one the rules would
    drop standing alone (a link to another story, a line of furniture).
    """
    block_keys = [squash(b.text) for b in blocks]
    candidates: list[tuple[int, int, str]] = []  # (anchor block, page position, text)
    anchor, last_anchored = -1, -1
    for position, text in enumerate(readings.page_blocks):
        text_key = squash(text)
        if not text_key:
            continue
        holder = next((i for i, k in enumerate(block_keys) if text_key in k), None)
        if holder is not None:
            anchor, last_anchored = holder, position
        elif len(text_key) >= MIN_VOTING_CHARS and not any(text_key in d for d in dropped_keys):
            candidates.append((anchor, position, text))
    additions: dict[int, list[Block]] = {}
    added: set[str] = set()
    for anchor, position, text in candidates:
        inside = anchor >= 0 and position < last_anchored
        held = readings.held_by(text)
        if squash(text) not in added and (held == {"extractor", "readability", "copied_text"}
                                       or (inside and {"extractor", "readability"} <= held)) \
                and block_reason(text) is None:
            additions.setdefault(anchor, []).append(Block(text))
            added.add(squash(text))
    if not additions:
        return blocks
    result = list(additions.get(-1, []))
    for index, block in enumerate(blocks):
        result.append(block)
        result.extend(additions.get(index, []))
    return result
