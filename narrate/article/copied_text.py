"""Find the article in text copied from a page, where no markup says where it starts or ends.

The article is the densest run of prose on the page (a maximum-scoring stretch where paragraphs
count for their words and short link-like blocks against), reaching back for a lead paragraph a
gallery cut off and forward over a closing list until the page visibly moves on; its headline is
the one over its byline. Inside it, boxes of links to other stories are dropped and short lines
between paragraphs become subheadings.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import replace
from itertools import groupby, takewhile

from narrate.article.omissions import CALL_TO_ACTION_REASON, Omissions
from narrate.article.patterns import (
    BYLINE,
    BYLINE_LABEL,
    COMMENTS_START,
    CUT_SHORT,
    DATELINE,
    HEADLINE_END,
    ICON_NAME,
    MOVED_ON,
    NAME_LINE,
    NAME_WITH_JOB,
    OTHER_STORIES,
    REPLY_LINE,
    SENTENCE_END,
    SHORT_SENTENCE,
    TIME_AGO,
    byline_name,
    is_call_to_action,
    is_credit,
    is_cut_headline,
    is_handle_line,
    is_header_line,
    is_headline,
    is_job_title,
    is_legal_notice,
    is_link_text,
    is_metadata,
    is_person_line,
    is_prose,
    is_tag_line,
    is_teaser,
    is_title_case,
    is_title_case_headline,
    squash,
    word_count,
)
from narrate.models import Block

SHORT_BLOCK_COST = 8
CREDIT_MARK = re.compile(r"^(copyright\b|\(c\)|©)(?!.*\ball rights? reserved\b)", re.IGNORECASE)
INTERVIEW_LINE = re.compile(r"^[QA]\s?[:.]\s+\S")
LIST_MARK = re.compile(r"^([-–*•·▪►✓✔]|\d{1,2}[.)])\s")  # "• Lift the stones", "2) Number them": a list's item
LEAD_REACH = 12
LEAD_WORDS = 20
LABEL_WORDS = 3
LABEL_RUN = 3
SUBHEADING_WORDS = 14
LINK_BOX_RUN = 3
HEADLINE_LIST = 3  # digit-free headlines in a row after the article: other stories, not its closing list
COMMENT_TEXT_BLOCKS = 3  # paragraphs of one comment, above its "Reply" line
DATED_ITEMS = 2  # date lines between a list's items from which the list is other stories


def drop_link_boxes(ledger: Omissions) -> None:
    """A box of links set inside the article ("More in Politics" and the headlines around it).

    Only a run of LINK_BOX_RUN link-like lines next to a label such as "More in ...", a run of
    LINK_BOX_RUN headlines right under a label that names other stories ("More from UK", "Related
    stories"), the title-case headlines right under any such label (even one dropped as furniture),
    a run of LINK_BOX_RUN title-case headlines, or two headlines or more of which one is cut short by
    dots count: a list of the article's own has none of these. (Two sentence-case headlines stacked
    between paragraphs, with nothing else to mark them, were measured too: on clean articles they are
    as often the article's own heading over a line, or a two-item list, so they are read.)
    """
    blocks = ledger.blocks
    live = ledger.live()
    for label, block in enumerate(blocks):  # a label may already be dropped as furniture ("Related")
        if not (word_count(block.text) <= 6 and MOVED_ON.search(block.text) and not SENTENCE_END.search(block.text)):
            continue
        position = bisect_left(live, label)
        after = list(takewhile(lambda i: is_link_text(blocks[i].text), live[position + (label in live):]))
        before = list(takewhile(lambda i: is_link_text(blocks[i].text), reversed(live[:position])))
        headlines = list(takewhile(lambda i: is_headline(blocks[i].text), after))
        if (label in live and len(before) + len(after) >= LINK_BOX_RUN) \
                or (OTHER_STORIES.search(block.text) and len(headlines) >= LINK_BOX_RUN) \
                or (any(is_teaser(blocks[i].text) for i in after)
                    and all(is_title_case_headline(blocks[i].text) for i in after)):
            for member in [label, *before, *after]:
                ledger.drop(member, "links to other stories")
    for teasers, run in groupby(live, key=lambda i: is_teaser(blocks[i].text)):
        run = list(run)
        if teasers and len(run) >= LINK_BOX_RUN:
            for member in run:
                ledger.drop(member, "links to other stories")
    for position, index in enumerate(live):
        run = list(takewhile(lambda i: _stacked_headline(blocks[i].text), live[position:]))
        if (position and _stacked_headline(blocks[live[position - 1]].text)) or len(run) < 2:
            continue
        if any(is_cut_headline(blocks[i].text) for i in run):
            for member in run:
                ledger.drop(member, "links to other stories")


def _stacked_headline(text: str) -> bool:
    """A line that reads as another story's headline when two or more stand together: five words or more
    that end no sentence, or a headline cut short, and no name (an author under a heading)."""
    return (is_cut_headline(text) or (is_headline(text) and word_count(text) >= 5 and not SENTENCE_END.search(text))) \
        and not is_person_line(text) and not NAME_WITH_JOB.match(text) and not INTERVIEW_LINE.match(text) \
        and not LIST_MARK.match(text)


def find_article(ledger: Omissions, title: str | None, author: str | None,
                  bylines: dict[int, str]) -> tuple[str | None, str | None]:
    """Copied text: keep the article's run of paragraphs, find its headline and the byline under it
    (not one of another story's further down), drop the rest of the page."""
    blocks = ledger.blocks
    lists = _lists_inside(blocks, ledger.live())
    labels = _label_runs(blocks, ledger.live()) - lists
    live = [i for i in ledger.live() if i not in labels]
    if not any(is_prose(blocks[i].text) for i in live):
        # Short text with no long paragraph: its first line heads it, unless it is all there is.
        if title is None and len(ledger.live()) > 1:
            opening = ledger.live()[0]
            title = blocks[opening].text
            ledger.drop(opening, "title (read first)")
        return title, author
    thread = _comment_thread_start(blocks, live)
    if thread is not None:  # readers' comments below: never the article, however much prose they hold
        live = [i for i in live if i < thread]
    # Bylines, and every line the rules already dropped, count against a run as short lines do: another
    # story's byline ends the article's run, and a row of sharing buttons under it is no bridge to what follows.
    gone = set(ledger.reasons)
    first, last = _densest_run(blocks, sorted([*live, *(i for i in gone if i not in labels and
                                                         (thread is None or i < thread))]), lists, gone - set(bylines))
    next_story = _next_story(blocks, live, first, last, bylines)
    if next_story is not None:
        last = max(i for i in live if first <= i < next_story)
    else:
        last = _continuation(blocks, live, last, gone)
    _restore_timeline_dates(ledger, set(live), first, last)
    first = _lead(blocks, live, first)
    title_index = _title_index(blocks, [i for i in ledger.live() if i < first]) if title is None else None
    # The byline or date line under the headline: what follows it, up to the article, is no standfirst.
    header = [i for i in range(title_index or 0, first) if is_header_line(blocks[i].text)
              or (title_index is not None and i - title_index <= 3 and is_person_line(blocks[i].text))]
    header_ends = header[-1] if header else None
    start = title_index if title_index is not None else first
    author = author or next((bylines[i] for i in sorted(bylines) if start <= i < first), None) \
        or _unmarked_byline(blocks, start)
    for index in ledger.live():
        text = blocks[index].text
        if index == title_index:
            title = text
            ledger.drop(index, "title (read first)")
        elif BYLINE.match(text):
            ledger.drop(index, "byline")
        elif index in labels:
            ledger.drop(index, "menu or chart labels")
        elif is_call_to_action(text) and not first <= index <= last:
            ledger.drop(index, CALL_TO_ACTION_REASON)
        elif index > last:
            ledger.drop(index, "after the article (links, footer)")
        elif index < first and (title_index is None or index < title_index or is_credit(text)):
            ledger.drop(index, "before the article (navigation, links)")
        elif index < first and (is_tag_line(text) or NAME_LINE.match(text)
                                or (word_count(text) <= LABEL_WORDS and not SENTENCE_END.search(text))):
            ledger.drop(index, "tags, names or labels between the headline and the article")
        elif index < first and is_cut_headline(text):  # the article's own opening, cut to fit a box
            ledger.drop(index, "a teaser cut short between the headline and the article")
        elif index < first and header_ends is not None and index > header_ends and not SENTENCE_END.search(text) \
                and (is_teaser(text) or any(j in labels or OTHER_STORIES.search(blocks[j].text)
                                            for j in range(header_ends + 1, index))):
            ledger.drop(index, "between the byline and the article (labels, promotions)")
        # otherwise, between the headline and the first paragraph: a standfirst, kept
    _mark_subheadings(ledger, first, last)
    return title, author


def _comment_thread_start(blocks: list[Block], live: list[int]) -> int | None:
    """Where a thread of readers' comments starts: the first comment's name or time line, found by the
    "Reply" lines under two comments or more, provided some prose (the article) comes before it."""
    replies = [i for i in live if any(REPLY_LINE.match(line.strip()) for line in blocks[i].text.split("\n"))]
    if len(replies) < 2:
        return None
    position = live.index(replies[0])
    # The first comment's author or time line above its paragraphs; without one, the comment cannot be
    # told from the article's last paragraphs, and it is read rather than risk the article's ending.
    above = [p for p in range(position - 1, max(-1, position - 2 - COMMENT_TEXT_BLOCKS), -1)
             if _comment_meta(blocks[live[p]].text)]
    if not above or not all(is_prose(blocks[live[p]].text) for p in range(above[0] + 1, position)):
        start = position
    else:
        start = above[0] - 1 if above[0] > 0 and _comment_meta(blocks[live[above[0] - 1]].text) else above[0]
    if not any(is_prose(blocks[i].text) for i in live[:start]):
        return None
    return live[start]


def _comment_meta(text: str) -> bool:
    """A commenter's name, or when they wrote, or both on one block ("Mary Jones\nNovember 19, 2019 at 4:05 pm")."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return bool(lines) and len(lines) <= 3 and all(
        TIME_AGO.match(line) or DATELINE.match(line) or is_person_line(line) or is_handle_line(line)
        or (word_count(line) <= 4 and not SENTENCE_END.search(line)) for line in lines)


def _restore_timeline_dates(ledger: Omissions, live: set[int], first: int, last: int) -> None:
    """A date line right between two paragraphs of the article heads a part of a timeline: it is read."""
    blocks = ledger.blocks
    for index in range(first + 1, last):
        if ledger.reasons.get(index) == "date line" and index - 1 in live and index + 1 in live \
                and is_prose(blocks[index - 1].text) and is_prose(blocks[index + 1].text):
            ledger.restore(index)


def _mark_subheadings(ledger: Omissions, first: int, last: int) -> None:
    """A short unpunctuated line right between two paragraphs of the article is a subheading: it
    starts a section (a chapter), as an h2 would on the page."""
    blocks = ledger.blocks
    live = ledger.live()
    body = "\x00".join(squash(blocks[i].text) for i in live)
    for before_it, index, after_it in zip(live, live[1:], live[2:]):
        text = blocks[index].text
        # a pull quote, set alone in quotes or repeating words of the body, is no heading
        quoted = re.match(r"^[\"'“‘].*[\"'”’]$", text) or body.count(squash(text)) > 1
        if first < index < last and 2 <= word_count(text) <= SUBHEADING_WORDS and not HEADLINE_END.search(text) \
                and not SENTENCE_END.search(text) and not quoted and not NAME_LINE.match(text) \
                and is_prose(blocks[before_it].text) and is_prose(blocks[after_it].text):
            blocks[index] = replace(blocks[index], kind="heading", level=2)


def _lead(blocks: list[Block], live: list[int], first: int) -> int:
    """Reach back from the article's run to a lead paragraph that a gallery or a spec box cut off.

    Only a full paragraph counts, a few blocks up and below the headline's byline or date line, if
    there is one: teasers and link text end without a full stop, and promotions sit above the header.
    """
    header = [i for i in range(first) if BYLINE.match(blocks[i].text) or DATELINE.match(blocks[i].text)]
    before = [i for i in live if (header[-1] if header else -1) < i < first][-LEAD_REACH:]
    for index in before:
        text = blocks[index].text
        if is_prose(text) and word_count(text) >= LEAD_WORDS and not is_call_to_action(text):
            return index
    return first


def _unmarked_byline(blocks: list[Block], title_index: int) -> str | None:
    """The author's name a few lines under the headline, without "By" before it: alone on its line
    ("Ann Lee"), after a lone "By", or before a date ("Dan Goodin - Apr 16, 2015 8:02 pm UTC")."""
    for index in range(title_index + 1, min(title_index + 8, len(blocks))):
        text = blocks[index].text
        named = index + 1 < len(blocks) and text.lower() == "by" and is_person_line(blocks[index + 1].text)
        if named or (index <= title_index + 4 and is_person_line(text)):
            return byline_name(blocks[index + 1].text if named else text)
        dated = DATELINE.match(text)
        if dated and dated.group(1) and is_person_line(dated.group(1).strip(" -–—|•")):
            return dated.group(1).strip(" -–—|•")
    return None


def _never_a_headline(text: str) -> bool:
    """A date, a credit, a label over comments or other stories, an icon's name."""
    return bool(DATELINE.match(text) or is_credit(text) or COMMENTS_START.match(text.strip()) or MOVED_ON.match(text)
                or ICON_NAME.search(text))


def _title_index(blocks: list[Block], before: list[int]) -> int | None:
    """The headline just above the article: one with its byline or date under it, else one with
    its author's name right under it (or under its dek), else the nearest headline-like block of
    three words or more, or failing that the block right above the first paragraph when it is
    short and unpunctuated. A shorter headline right over the one found makes that one its dek."""
    candidates = [i for i in reversed(before) if not _never_a_headline(blocks[i].text)]
    headlines = [i for i in candidates[:30] if is_headline(blocks[i].text) and not BYLINE.match(blocks[i].text)
                 and not (i and BYLINE_LABEL.fullmatch(blocks[i - 1].text.strip()))  # the name after "Author:"
                 and not is_handle_line(blocks[i].text)
                 and not (is_person_line(blocks[i].text)
                          and (re.search(r",|\band\b|&", blocks[i].text) or _job_under(blocks, i)))]
    found = next((i for i in headlines if any(is_header_line(b.text) or is_handle_line(b.text)
                                              for b in blocks[i + 1:i + 4])), None)
    if found is None:
        found = next((i for i in headlines if any(is_person_line(b.text) for b in blocks[i + 1:i + 3])), None)
    if found is not None and is_person_line(blocks[found].text):
        # "Ann Lee Courier" over a date: the author's line, with the headline right above it
        found = next((i for i in headlines if found - 2 <= i < found and word_count(blocks[i].text) > LABEL_WORDS
                      and not is_person_line(blocks[i].text)), found)
    if found is not None:
        above_index = max((i for i in before if i < found and not is_metadata(blocks[i].text)), default=None)
        between = blocks[above_index + 1:found] if above_index is not None else []
        above = blocks[above_index].text if above_index in candidates and all(is_metadata(b.text) for b in between) \
            else ""
        under = blocks[found + 1].text if found + 1 < len(blocks) else ""
        if not (is_header_line(under) or is_person_line(under) or is_handle_line(under)):
            above = ""  # a dek sits right over the byline: this one has something else under it
        if is_headline(above) and LABEL_WORDS < word_count(above) <= word_count(blocks[found].text) \
                and not is_title_case(blocks[found].text):
            return above_index  # a shorter headline right over a sentence-case line: that line is its dek
        return found
    for index in candidates[:15]:
        if is_headline(blocks[index].text) and not BYLINE.match(blocks[index].text) \
                and not is_person_line(blocks[index].text):
            return index
    for index in candidates[:3]:
        text = blocks[index].text
        if word_count(text) <= 25 and not HEADLINE_END.search(text) and not BYLINE.match(text):
            return index
    return None


def _next_story(blocks: list[Block], live: list[int], first: int, last: int, bylines: dict[int, str]) -> int | None:
    """Where another story's header stands inside the run: a headline with a byline right under it,
    after the article has begun (the next story of an endless page, or a card with its author).

    Only when the part before holds at least as much prose as the part after, so a page whose
    article comes second is read whole rather than lost.
    """
    for byline in sorted(b for b in bylines if first < b <= last):
        above = [i for i in live if first < i < byline][-1:]
        if not above or byline - above[0] > 2 or not is_headline(blocks[above[0]].text) \
                or SENTENCE_END.search(blocks[above[0]].text):
            continue
        header = above[0]
        before = sum(word_count(blocks[i].text) for i in live if first <= i < header and is_prose(blocks[i].text))
        after = sum(word_count(blocks[i].text) for i in live if byline < i <= last and is_prose(blocks[i].text))
        if before and before >= after:
            return header
    return None


def _job_under(blocks: list[Block], index: int) -> bool:
    """A job title ("Senior Contributor") under the line: that line is an author's name."""
    return index + 1 < len(blocks) and is_job_title(blocks[index + 1].text)


def _densest_run(blocks: list[Block], live: list[int], lists: set[int], chrome: set[int]) -> tuple[int, int]:
    """The stretch of blocks with the most prose, net of the short blocks inside it.

    Prose counts for its words; every short or unfinished block (link, teaser, label) costs its
    words and a little more, except the items of a list set between two paragraphs, which cost
    nothing, and an appeal to the reader (a newsletter box) or a line the rules dropped (`chrome`: sharing
    buttons, "Like this story? Share it!", a caption) costs as a short block and starts no run. The best-scoring
    contiguous stretch (Kadane's maximum subarray) is the article; menus before it and teaser lists after
    it cost more than they add.
    """
    # A comment section's heading (dropped as furniture or not) is a wall: no run crosses it, and so is
    # the page's small print, where its footer starts (but not a bare "© Name", a photo's credit).
    walls = {i for i, block in enumerate(blocks) if COMMENTS_START.match(block.text.strip())
             or (is_legal_notice(block.text) and not CREDIT_MARK.match(block.text.strip()))}
    seen = Counter(squash(blocks[i].text) for i in live)
    best, best_span = float("-inf"), (live[0], live[-1])
    total, start, previous = 0.0, live[0], -1
    for index in live:
        if any(previous < wall <= index for wall in walls):
            total = 0.0
        previous = index
        if index in walls:
            continue
        appeal = index in chrome or is_call_to_action(blocks[index].text)
        if total <= 0:
            if appeal:
                continue
            total, start = 0.0, index
        if appeal:
            total -= SHORT_BLOCK_COST
        elif index not in lists:
            total += _block_score(blocks[index], repeated=seen[squash(blocks[index].text)] > 1)
        if total > best:
            best, best_span = total, (start, index)
    return best_span


def _block_score(block: Block, repeated: bool = False) -> float:
    """Prose earns its words; a short sentence (dialogue, a one-line paragraph) or a table's row half,
    unless the page shows it twice ("Don't miss a thing."): then it is chrome; the rest costs."""
    text = block.text
    words = word_count(text)
    if block.kind == "row" and not repeated:
        return words / 2
    if is_prose(text) or INTERVIEW_LINE.match(text):  # an interview's short questions and answers are its prose
        return words
    if words >= 4 and SHORT_SENTENCE.search(text) and not repeated and not CUT_SHORT.search(text):
        return words / 2
    return -(SHORT_BLOCK_COST + words)


def _continuation(blocks: list[Block], live: list[int], last: int, furniture: set[int]) -> int:
    """Extend the article past its last paragraph over short blocks (a closing list, tour dates),
    up to the first sign that the page has moved on: a paragraph of something else, a heading
    such as "Related" or "Comments", a call to action, a credit, a date line, a line the page
    already showed, or a run of other stories' headlines.
    """
    end = last
    alive = set(live)
    seen = {squash(blocks[i].text) for i in live if i <= last}
    following = {a: b for a, b in zip(live, live[1:])}
    for index in range(last + 1, len(blocks)):
        if index not in alive:  # furniture, or a menu's labels: a "Related" label still ends the article
            if index in furniture or MOVED_ON.search(blocks[index].text):
                break
            continue
        text = blocks[index].text
        if is_prose(text) or MOVED_ON.search(text) or is_call_to_action(text) or is_credit(text) \
                or DATELINE.match(text) or BYLINE.match(text) or COMMENTS_START.match(text.strip()) \
                or squash(text) in seen \
                or is_cut_headline(text) \
                or (is_teaser(text) and index in following and is_teaser(blocks[following[index]].text)) \
                or _headline_list(blocks, index, following):
            # a line the page already showed is its chrome, and a run of headlines is other stories
            break
        seen.add(squash(text))
        end = index
    return end


def _headline_list(blocks: list[Block], index: int, following: dict[int, int]) -> bool:
    """HEADLINE_LIST lines in a row, from `index`, that read as headlines and hold no digit: after the
    article, a list of other stories. A closing list of the article's own (tour dates, a numbered
    reading list, a meal plan) carries dates, numbers or quantities, or ends its items' sentences."""
    run = [index]
    while len(run) < HEADLINE_LIST and run[-1] in following:
        run.append(following[run[-1]])
    return len(run) == HEADLINE_LIST and all(is_headline(blocks[i].text) and not re.search(r"\d", blocks[i].text)
                                             for i in run)


def _lists_inside(blocks: list[Block], live: list[int]) -> set[int]:
    """Short items right between two paragraphs: a list of the article's own (ingredients, steps, key
    points), which the article runs through. Not a chart's axis (mostly numbers), nor a box of
    links (other stories' headlines, a "Related" label, or headlines each with its time), nor bylines, dates,
    credits or appeals."""
    found: set[int] = set()
    run: list[int] = []
    for position, index in enumerate(live):
        text = blocks[index].text
        if not is_prose(text):
            run.append(index)
            continue
        before = blocks[live[position - len(run) - 1]].text if position > len(run) else ""
        if len(run) >= 2 and is_prose(before) and not is_call_to_action(before) and not is_call_to_action(text) \
                and not _dated_items(blocks, run):
            items = [blocks[i].text for i in run]
            numbers = sum(not re.search(r"[^\W\d_]{2}", item) for item in items)
            if numbers <= len(items) // 5 and not any(
                    is_teaser(item) or MOVED_ON.search(item) or is_call_to_action(item) or is_credit(item)
                    or BYLINE.match(item) or DATELINE.match(item) or word_count(item) > 25 for item in items):
                found.update(run)
        run = []
    return found


def _dated_items(blocks: list[Block], run: list[int]) -> bool:
    """Items with a date line between them, two or more: a list of other stories, each with its time
    ("Headline / 2 hours ago / Headline / 5 hours ago"), not a list of the article's own."""
    return sum(bool(DATELINE.match(blocks[i].text.strip()) or TIME_AGO.match(blocks[i].text.strip()))
               for i in range(run[0] + 1, run[-1])) >= DATED_ITEMS


def _label_runs(blocks: list[Block], live: list[int]) -> set[int]:
    """Runs of one- to three-word blocks: menus and chart labels, not prose (nor an interview's "Q: Why?",
    nor a table's rows)."""
    found: set[int] = set()
    run: list[int] = []
    for index in [*live, None]:
        if index is not None and word_count(blocks[index].text) <= LABEL_WORDS \
                and not INTERVIEW_LINE.match(blocks[index].text) and blocks[index].kind != "row":
            run.append(index)
            continue
        if len(run) >= LABEL_RUN:
            found.update(run)
        run = []
    return found
