"""Decide what a careful human reader would read aloud: the article, every sentence once.

The rules, in the order they run:
1. the user's `clean.drop` patterns (unless a `clean.keep` pattern matches);
2. page furniture: navigation, share and follow buttons, "Advertisement", bylines and date lines,
   and teasers for other stories that end in "Read more";
3. for text copied from a page (no markup to lean on): find the article, the run of prose from
   its first to its last real paragraph, and its title, the headline over its byline; then the
   boxes of links to other stories set inside it;
4. the author's profile card (a name with a handle or a "View Profile" link, over a short bio);
   image credits, and the captions they sit under (kept if `clean.captions` is true);
5. repeats: a block contained in a longer one (a pull quote) is dropped and the longer one kept;
   a block repeated elsewhere is read once, unless the repeat is a banner (donation, newsletter),
   in which case every copy goes, however its lines were broken;
6. calls to action: newsletter sign-ups, donation appeals, cookie notices.

The design rule: a sentence of the article that is not read is the worst failure, so every rule
needs positive evidence to drop a block and, when unsure, keeps it. Every dropped block is
reported with its reason (`narrate script`), so a user can see it and override it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from narrate.article.copied_text import drop_link_boxes, find_article
from narrate.article.omissions import CALL_TO_ACTION_REASON, Omissions
from narrate.article.patterns import (
    BYLINE,
    CAPTION_TOGGLE,
    CONTACT,
    DATELINE,
    DESCRIBES_PHOTO,
    FURNITURE,
    GLUED_CREDIT,
    JOB_PREFIX,
    JOB_WORD,
    MOVED_ON,
    NAME,
    NAME_CREDIT,
    NAME_LINE,
    NAME_WITH_JOB,
    OTHER_STORIES,
    PLACES_PEOPLE,
    PROFILE_LINK,
    READ_MORE,
    SENTENCE_END,
    STORY_LABEL,
    TEASER_LINE,
    byline_name,
    is_call_to_action,
    is_credit,
    is_headline,
    is_legal_notice,
    is_prose,
    is_quotation,
    recurring_labels,
    squash,
    word_count,
)
from narrate.models import Block, Draft, Dropped

CTA_MAX_WORDS = 80
CAPTION_MAX_WORDS = 45
TEASER_MAX_WORDS = 60
CAPTION_LABEL = re.compile(r"^(image|media|photo) caption:?$", re.IGNORECASE)
# "Image: Jose Mourinho, left, has replaced ...": a screen reader's label before a caption; a credit after
# such a label ("Photo: Ann Lee for the Courier") is shorter than CAPTION_AFTER_LABEL words.
LABELLED_CAPTION = re.compile(r"^(?i:image|photo|picture)\s*:\s*(?P<caption>.+)$")
CAPTION_AFTER_LABEL = 8
# "Media captionWho is Julian Assange?": the label a screen reader hears, glued to the caption it labels.
GLUED_CAPTION_LABEL = re.compile(r"^(?i:image|media|photo|video) caption(?=[A-Z\"“‘])")
# A caption that ends in its source: "(Photo: Ann Lee)", "(AFP)", "(onmeth.com)".
CAPTION_CREDITED = re.compile(r"\(((photo|image|credit)[^)]*|afp|ap|epa|reuters|getty images|[\w-]+\.[a-z]{2,})\)\s*$",
                              re.IGNORECASE)
MIN_REPEAT_CHARS = 24
TEASER_BLOCKS = 2
LEGAL_REASON = "legal notice (copyright, trademarks, disclaimers)"
FURNITURE_REASON = "page furniture (navigation, sharing, advertising)"


@dataclass(frozen=True)
class CleanOptions:
    keep_captions: bool = False
    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()


@dataclass
class Verdicts:
    """What the rules make of a draft: its blocks (lines of furniture taken out) with the ledger of which are
    read and why the others are not, the lines dropped from inside blocks, and the title and author found."""

    ledger: Omissions
    dropped_lines: list[Dropped]
    title: str | None
    author: str | None


def clean(draft: Draft, options: CleanOptions = CleanOptions()) -> tuple[Draft, tuple[Dropped, ...]]:
    """The draft with only what should be read, and every dropped block with its reason."""
    verdicts = judge(draft, options)
    blocks, ledger = verdicts.ledger.blocks, verdicts.ledger
    kept = tuple(blocks[i] for i in ledger.live())
    reported = verdicts.dropped_lines + [Dropped(blocks[i].text, reason) for i, reason in sorted(ledger.reasons.items())]
    return replace(draft, blocks=kept, title=verdicts.title, author=tidy_author(verdicts.author)), tuple(reported)


def judge(draft: Draft, options: CleanOptions = CleanOptions()) -> Verdicts:
    """Run the rules over the draft: every block's verdict and reason (see `clean`)."""
    dropped_lines: list[Dropped] = []
    blocks: list[Block] = []
    furniture: dict[int, str] = {}  # whole blocks of furniture stay in place: they mark where the article ends
    for block in draft.blocks:
        lines = block.text.split("\n")
        reasons = [None if any(re.search(p, line, re.IGNORECASE) for p in options.keep)
                   else _line_reason(line, heading=block.kind == "heading") for line in lines]
        if not options.keep_captions:  # "Image caption" labels the line after it
            for number in range(1, len(lines)):
                if CAPTION_LABEL.match(lines[number - 1].strip()) and not reasons[number] \
                        and word_count(lines[number]) <= CAPTION_MAX_WORDS:
                    reasons[number] = "image caption"
        if all(reasons):
            furniture[len(blocks)] = reasons[0]
            blocks.append(replace(block, text=" ".join(lines)))
            continue
        dropped_lines += [Dropped(line, reason) for line, reason in zip(lines, reasons) if reason]
        blocks.append(replace(block, text=" ".join(line for line, reason in zip(lines, reasons) if not reason)))
    ledger = Omissions(blocks, options.keep)
    for index, reason in furniture.items():
        ledger.drop(index, reason)
    for pattern in options.drop:
        compiled = re.compile(pattern, re.IGNORECASE)
        for index, block in enumerate(blocks):
            if compiled.search(block.text):
                ledger.drop(index, f"matches clean.drop pattern {pattern!r}")

    title, author = _strip_site_name(draft.title, draft.site_name), draft.author
    if draft.has_markup:
        _drop_trailing_sections(ledger)
    bylines: dict[int, str] = {}
    for index, block in enumerate(blocks):
        if word_count(block.text) <= 20 and BYLINE.match(block.text):
            bylines[index] = byline_name(block.text)
            ledger.drop(index, "byline")
        elif word_count(block.text) <= 12 and (named := NAME_WITH_JOB.match(block.text)):
            bylines[index] = named.group("name")
            ledger.drop(index, "byline")
    _drop_read_more_teasers(ledger)
    _drop_teaser_lines(ledger)
    if not draft.has_markup:
        title, author = find_article(ledger, title, author, bylines)
        drop_link_boxes(ledger)
    author = author or next(iter(bylines.values()), None)
    _drop_author_boxes(ledger, author)
    _drop_credits_and_captions(ledger, options.keep_captions, draft.image_texts)
    _drop_repeats(ledger, title)
    _drop_calls_to_action(ledger)
    return Verdicts(ledger, dropped_lines, title, author)


_DATE_WORD = re.compile(r"^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|"
                        r"june|july|august|september|october|november|december|updated|published|on|at)$", re.IGNORECASE)
# "Rachael Link, MS, RD (CA)": degrees after the name.
_CREDENTIAL = re.compile(r"^\(?([A-Z]{2,5}|Ph\.?D\.?|M\.?[DS]\.?|R\.?D\.?|[BM]\.?Sc\.?|Jr\.?|Sr\.?)\)?$")
# Not a person: "City Desk", "Editorial", "Staff", "Newsroom".
_NO_PERSON = re.compile(r"(^|\s)(desk|team|staff|bureau|newsroom|editorial|editors|admin|wire)$", re.IGNORECASE)


def tidy_author(raw: str | None) -> str | None:
    """The author as it is read after "By": "Jeff Foust Monday; November" is "Jeff Foust", "Ben Silverman
    Games Editor" is "Ben Silverman", and "Stella Kim; Jennifer Jett" is "Stella Kim and Jennifer Jett".

    Metadata and bylines carry dates, job titles and desks along with names; only the names are read.
    """
    names: list[str] = []
    raw = re.sub(r"(?<=[a-z])(?=(Mon|Tues?|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b)",
                 " ", raw or "")  # "Jeff FoustMonday, November 18": a date glued on
    for part in re.split(r"\s*(?:[;|\n,&]|\band\b)\s*", raw):
        words = [w for w in part.strip(" .-–—·•").split() if not w.startswith("@")]
        while words and (_DATE_WORD.match(words[-1]) or re.search(r"\d", words[-1])):
            words.pop()  # "Jeff Foust Monday", "Laura June Topolsky July": a date cut from the byline
        if len(words) > 2 and JOB_WORD.match(words[-1]):  # a name of two words may be "A. Writer"
            words.pop()
            while len(words) > 2 and JOB_PREFIX.match(words[-1]):
                words.pop()
        name = " ".join(words)
        if words and not _NO_PERSON.search(name) and not all(JOB_PREFIX.match(w) or JOB_WORD.match(w) for w in words) \
                and not (names and all(_CREDENTIAL.match(w) for w in words)) \
                and name.lower() not in (n.lower() for n in names):
            names.append(name)
    if not names:
        return None
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _strip_site_name(title: str | None, site: str | None) -> str | None:
    """ "Best gadgets of 2019 | ZDNet" is read as "Best gadgets of 2019": the site is not the title. A
    site named in parts ("... - Remember 80/90 - Memorabilia anni 80/90") loses every part; the title
    keeps its own dashes ("Our Research Shows – A Mix of ...")."""
    stripped = False
    while title:
        separators = list(re.finditer(r"\s+[|–—]\s+|\s+-\s+(?=[^-]+$)", title))
        if not separators:
            break
        tail = title[separators[-1].end():].strip()
        named = bool(site) and (squash(tail) in squash(site) or squash(site) in squash(tail))
        if not (named or (len(tail.split()) <= 2 and not stripped)):
            break
        title, stripped = title[:separators[-1].start()].strip(), True
    return title


def _drop_trailing_sections(ledger: Omissions) -> None:
    """After the article, extractors sometimes keep "You Might Also Like" and what follows: drop from there.

    Only a short block that announces such a section, in the last third of the page, counts, even when
    it went as furniture already ("Recommended Stories" is furniture anywhere, and it still ends the article).
    """
    blocks = ledger.blocks
    live = ledger.live()
    position = 0  # live blocks before this one
    for index, block in enumerate(blocks):
        text = block.text
        label = ledger.alive[index] or (ledger.reasons.get(index) == FURNITURE_REASON
                                        and bool(OTHER_STORIES.match(text.strip())))
        if label and position >= len(live) * 2 // 3 and word_count(text) <= 6 and MOVED_ON.search(text) \
                and not SENTENCE_END.search(text):
            for later in live[position:]:
                ledger.drop(later, "after the article (related links)")
            return
        position += ledger.alive[index]


def _drop_author_boxes(ledger: Omissions, author: str | None) -> None:
    """The author's profile card in the last third of the page: "By Ann Lee @annlee" over "Ann has
    covered the city since 2012...", or a name and a bio with "View Profile" under them.

    A plain note about the authors at the end ("Ann Lee is a reporter based in Leeds.") is part of
    the article and stays: only the marks of a card (a handle, a byline's "By", a profile link) count.
    """
    blocks = ledger.blocks
    live = ledger.live()
    for index in live[len(live) * 2 // 3:]:
        name_line = blocks[index - 1].text if index > 0 else ""
        if not (BYLINE.match(name_line) or NAME_LINE.match(name_line)) \
                or word_count(blocks[index].text) > CTA_MAX_WORDS:
            continue
        name = byline_name(name_line).strip()
        card = "@" in name_line or BYLINE.match(name_line) or _profile_link_follows(blocks, index)
        if card and blocks[index].text.startswith((name + " ", name.split()[0] + " ")):
            ledger.drop(index - 1, "about the author")
            ledger.drop(index, "about the author")
    for index in ledger.live()[len(live) * 2 // 3:]:  # a card without its name line: "Ann Lee has..." / "View Profile"
        text = blocks[index].text
        if _profile_link_follows(blocks, index) and word_count(text) <= CTA_MAX_WORDS \
                and re.match(NAME + r"\s(is|was|has|had|arrives|covers|writes|joined|lives|reports)\b", text):
            ledger.drop(index, "about the author")
    if author:  # "More Ann Lee.", "More by Ann Lee": a link to the author's page
        for index in ledger.live():
            found = re.match(r"(?i:more)\s((?i:by|from)\s)?(.{3,80}?)\.?$", blocks[index].text)
            if found and squash(found.group(2)) == squash(author):
                ledger.drop(index, "about the author")


def _profile_link_follows(blocks: list[Block], index: int) -> bool:
    return index + 1 < len(blocks) and bool(PROFILE_LINK.match(blocks[index + 1].text))


def _drop_read_more_teasers(ledger: Omissions) -> None:
    """A headline, maybe a few words of its story, then "Read more": a link to another story.

    Only short blocks that are not full paragraphs, starting with a headline, count.
    """
    blocks = ledger.blocks
    for marker, block in enumerate(blocks):
        if not READ_MORE.match(block.text):
            continue
        teaser = [i for i in ledger.live() if i < marker][-TEASER_BLOCKS:]
        while teaser and (is_prose(blocks[teaser[0]].text) or word_count(blocks[teaser[0]].text) > 25
                          or not is_headline(blocks[teaser[0]].text)):
            teaser = teaser[1:]  # the teaser starts at its headline
        if teaser and not any(is_prose(blocks[i].text) or blocks[i].kind == "heading" for i in teaser):
            for index in teaser + ([marker] if ledger.alive[marker] else []):
                ledger.drop(index, "link to another story")


def _drop_teaser_lines(ledger: Omissions) -> None:
    """ "READ MORE: Another headline", or headlines labelled [VIDEO] and [INSIGHT]: other stories; and a
    reporter's e-mail and phone number alone on a line."""
    for index in ledger.live():
        text = ledger.blocks[index].text
        if ledger.blocks[index].kind == "heading" or word_count(text) > TEASER_MAX_WORDS:
            continue
        labels = STORY_LABEL.findall(text)
        if TEASER_LINE.match(text) or len(labels) >= 2 or (labels and text.endswith(labels[-1])
                                                            and word_count(text) <= 25):
            ledger.drop(index, "link to another story")
        elif word_count(text) <= 12 and CONTACT.search(text) and not SENTENCE_END.search(text):
            ledger.drop(index, "contact details")


def block_reason(text: str) -> str | None:
    """Why a block, standing alone, is not read by the rules that need no neighbours: furniture, a
    date line, small print, a link to another story, an appeal to the reader. The vote asks this of
    the page's paragraphs it adds back, which never went through the rules."""
    reasons = [_line_reason(line) for line in text.split("\n") if line.strip()]
    if reasons and all(reasons):
        return reasons[0]
    if word_count(text) <= TEASER_MAX_WORDS and TEASER_LINE.match(text):
        return "link to another story"
    if word_count(text) <= CTA_MAX_WORDS and is_call_to_action(text):
        return CALL_TO_ACTION_REASON
    return None


def _line_reason(line: str, heading: bool = False) -> str | None:
    """Why a line is page furniture, if it is. A heading that is a date ("## March 3, 2019") heads a
    section of a timeline, so it stays."""
    stripped = line.strip()
    if not stripped:
        return None
    if FURNITURE.match(stripped):
        return FURNITURE_REASON
    if DATELINE.match(stripped) and not heading:
        return "date line"
    if is_legal_notice(stripped):
        return LEGAL_REASON
    return None


def says_image_text(text: str, image_texts: frozenset[str]) -> bool:
    """A line that says what an image's alt text says and ends no sentence is the image's caption (a page's
    summary is often the alt text of its lead image too, and that is read)."""
    return squash(text) in image_texts and word_count(text) <= CAPTION_MAX_WORDS and not SENTENCE_END.search(text)


def _drop_credits_and_captions(ledger: Omissions, keep_captions: bool,
                               image_texts: frozenset[str] = frozenset()) -> None:
    blocks = ledger.blocks
    live = ledger.live()
    for position, index in enumerate(live):
        text = blocks[index].text
        if says_image_text(text, image_texts):
            if not keep_captions:
                ledger.drop(index, "image caption")
        elif word_count(text) <= CAPTION_MAX_WORDS + 10 and GLUED_CREDIT.search(text):
            if not keep_captions:  # its caption is glued to it: the block before is not a caption
                ledger.drop(index, "image caption")
        elif (label := LABELLED_CAPTION.match(text)) and word_count(label.group("caption")) >= CAPTION_AFTER_LABEL:
            if not keep_captions:  # "Image: Ann Lee, left, at the vote": a caption with its label, no credit
                ledger.drop(index, "image caption")
        elif word_count(text) <= 15 and is_credit(text):
            ledger.drop(index, "image credit")
            if keep_captions or position == 0:
                continue
            previous = live[position - 1]
            if (blocks[previous].kind not in ("heading", "quote") and not is_quotation(blocks[previous].text)
                    and word_count(blocks[previous].text) <= CAPTION_MAX_WORDS):
                ledger.drop(previous, "image caption")
        elif NAME_CREDIT.match(text):
            ledger.drop(index, "image credit")
        elif (blocks[index].kind == "caption" or (index > 0 and CAPTION_LABEL.match(blocks[index - 1].text))) \
                and not keep_captions:
            ledger.drop(index, "image caption")
        elif word_count(text) <= CAPTION_MAX_WORDS and (CAPTION_CREDITED.search(text) or GLUED_CAPTION_LABEL.match(text)
                                                    or DESCRIBES_PHOTO.search(text) or PLACES_PEOPLE.search(text)
                                                    or CAPTION_TOGGLE.search(text)):
            if not keep_captions:
                ledger.drop(index, "image caption")


# Why a table row said before is left out, on the rules' path and on the block scorer's alike.
REPEATED_ROW_REASON = "repeated table row (read once)"


def _drop_repeats(ledger: Omissions, title: str | None) -> None:
    blocks = ledger.blocks
    live = ledger.live()
    squashed = {i: squash(blocks[i].text) for i in live}
    title_key = squash(title) if title else ""
    for index in live:
        if title_key and squashed[index] == title_key:
            ledger.drop(index, "repeats the title")

    # A table row said before (a header repeated over each part of a table, or the table given twice,
    # once for narrow screens): rows are short, so this holds whatever their length.
    said_rows: set[str] = set()
    for index in live:
        if blocks[index].kind == "row" and ledger.alive[index]:
            if squashed[index] in said_rows:
                ledger.drop(index, REPEATED_ROW_REASON)
            said_rows.add(squashed[index])

    # Pull quotes: a block found inside a longer block is the copy; the longer one is the body.
    live = ledger.live()
    for index in live:
        key = squashed[index]
        if len(key) < MIN_REPEAT_CHARS or blocks[index].kind == "heading":
            continue
        for other in live:
            if other != index and ledger.alive[other] and len(squashed[other]) > len(key) and key in squashed[other]:
                ledger.drop(index, "pull quote (repeats a sentence of the body)")
                break

    # Repeats that may straddle blocks (a banner whose lines were broken differently each time).
    live = ledger.live()
    stream, starts = "", {}
    for index in live:
        starts[index] = len(stream)
        stream += squashed[index]
    repeated = {i for i in live if len(squashed[i]) >= MIN_REPEAT_CHARS and stream.count(squashed[i]) >= 2}
    runs: list[list[int]] = []
    for index in live:
        if index in repeated:
            if runs and runs[-1][-1] == live[live.index(index) - 1]:
                runs[-1].append(index)
            else:
                runs.append([index])
    recurring = {live[p] for p in recurring_labels([blocks[i].text for i in live])}
    for run in runs:
        if all(i in recurring for i in run):
            continue
        text = " ".join(blocks[i].text for i in run)
        neighbours = [live[p] for p in (live.index(run[0]) - 1, live.index(run[-1]) + 1) if 0 <= p < len(live)]
        banner = is_call_to_action(text) or any(
            is_call_to_action(blocks[n].text) and word_count(blocks[n].text) <= CTA_MAX_WORDS for n in neighbours)
        for index in run:
            if banner:
                ledger.drop(index, "banner repeated on the page")
            elif stream.find(squashed[index], 0, starts[index]) >= 0:  # said in full before this block
                ledger.drop(index, "repeated paragraph (read once)")


def _drop_calls_to_action(ledger: Omissions) -> None:
    blocks = ledger.blocks
    live = ledger.live()
    for position, index in enumerate(live):
        text = blocks[index].text
        if word_count(text) <= CTA_MAX_WORDS and is_call_to_action(text):
            ledger.drop(index, CALL_TO_ACTION_REASON)
            if position > 0:
                previous = live[position - 1]
                if ledger.alive[previous] and word_count(blocks[previous].text) <= 10 and not is_prose(blocks[previous].text) \
                        and re.search(r"sign|subscri|newsletter|digest|donat|support|join|inbox|campaign",
                                      blocks[previous].text, re.IGNORECASE):
                    ledger.drop(previous, "call to action (heading)")
