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
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from itertools import takewhile

from narrate.models import Block, Draft, Dropped

# Lines that are page furniture wherever they appear; matched against the whole line.
_FURNITURE = re.compile(r"""^[|•·]?\s*(
    skip\ to\ (main\ )?(content|navigation)|view\ (featured\ )?image|jump\ to\ .{0,30}|
    (main\ )?menu|search|close|home|toggle\ navigation|
    share(\ (this|the))?(\ (story|article|post|page))?(\ (on|via)\ \w+)?|tweet|pin\ it|e-?mail|print|
    (facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|instagram|flipboard|copy\ link)(\ ?/?\ ?(facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|email))*|
    ((share|tweet|pin(\ it)?|e-?mail|print|save|facebook|twitter|linkedin|whatsapp|reddit|flipboard)\ ?){2,8}|
    (follow|like)\ us(\ on\ .{0,30})?|
    advertisement|advert|ad|sponsored(\ content)?|promoted|story\ continues(\ below)?(\ advertisement)?|
    continue\ reading(\ below)?|read\ more|see\ more|show\ more|load\ more|more\ stories|more\ from\ .{0,40}|
    related(\ (articles?|stories|posts|content|coverage|reading|topics))?|recommended(\ (for\ you|stories|reading))?|
    (most\ )?(popular|read|viewed|shared)(\ (stories|articles|now))?|trending(\ now)?|you\ may\ also\ like|
    (leave\ a\ )?comments?|(new,\ )?\d+\ comments?|log\ ?in|sign\ ?in|sign\ ?up|register|subscribe(\ now)?|
    listen(\ to\ (this|the)\ (article|story))?|\d+\ min(ute)?s?\ read|
    (back\ to\ )?top|previous(\ (article|post))?|next(\ (article|post))?|
    filed\ (to|under):?.{0,60}|tags?:.{0,80}|topics?:.{0,80}|categor(y|ies):.{0,80}|
    about\ the\ author|(also|see\ also):\ see\ .{0,100}|(reader|user)\ comments|\d+\ with\ \d+\ posters\ participating|
    view\ this\ (image|video|photo|gallery)(\ ›)?|view\ (full\ )?profile|(share\ )?all\ sharing\ options(\ for:.{0,200})?|
    (show|hide)\ more\ sharing\ options|in\ this\ (article|story):.{0,200}|get\ (more\ )?news\ ?on(\ .{0,30})?|
    .{0,80}\bsee\ (the\ )?full\ gallery|\d+\ ?-\ ?\d+\ of\ \d+|
    learn\ more|see\ all|view\ all|(view|show|hide)\ comments|
    [•·|\-–—*]+|\d+(\.\d+)?[km]?
)$""", re.IGNORECASE | re.VERBOSE)
# "Ann Lee", "Mark di Stefano", "Richard (R.J.) Eskow": two to four capitalised words.
_NAME = r"\(?[A-Z][\w.'’-]+\)?(\s((de|di|da|van|von|der|le|la|du|del|bin|al|el)\s)?\(?[A-Z][\w.'’-]+\)?){1,3}"
_BYLINE_PREFIX = r"^(?i:by|words by|written by|story by|reporting by)\s+"
# "By Ann Lee", and "By Ann Lee On 11/13/19 at 4:00 PM EST", "By R. Lawler, 2h ago": a byline may carry its date.
_BYLINE_DATE = r"(,|\s(?i:on|at|updated|published)|\s[|•·–—-]+)\s.{0,50}\d.{0,60}$"
_BYLINE_HANDLE = r",?\s*@\w+"  # "By Devindra Hardawar @devindra"
# Names only, each of capitalised words (or one word: "By Reuters"), so "By then, nobody cared." is no byline.
_BYLINE_NAMES = rf"(?P<names>({_NAME}|[A-Z][\w.'’-]+)((,|\s(and|&))?\s+({_NAME}|\(?[A-Z][\w.'’-]+\)?)){{0,5}})"
_BYLINE = re.compile(_BYLINE_PREFIX + _BYLINE_NAMES + "(" + _BYLINE_HANDLE + r"(\s.{0,50}\d.{0,60})?)?("
                     + _BYLINE_DATE + r"|(\s|(?<=[a-z]))(?=(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|"
                     r"wed|thu|fri|sat|sun)[a-z]*\.?,? .{0,40}\d{4}.{0,30}$)|,?\s*$)")  # "...Topolsky July 10, 2015"
_WEEKDAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)"
_DATELINE = re.compile(
    # "Dan Goodin - Apr 16, 2015 8:02 pm UTC", or glued: "Yahoo FinanceOctober 13, 2016": a source before the date
    # or "Sarah Gooding March 9, 2017": a person's name right before it
    r"^[|•·]?\s*([A-Z][\w.'’ -]{1,40}(\s[-–—|•]\s|(?-i:(?<=[a-z])(?=[A-Z])))|(?-i:[A-Z][\w.'’-]+( [A-Z][\w.'’-]+){1,3}) )?"
    r"((published|updated|posted|last updated)( on)?:?\s.{0,50}|"
    rf"({_WEEKDAY}|yesterday|today)\s+\d{{1,2}}:\d{{2}}\s*[ap]\.?m\.?|"
    r"\d{1,2}:\d{2}\s*[ap]\.?m\.?(\s+\w{2,4})?|"
    rf"({_WEEKDAY},?\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{{1,2}},?\s+\d{{4}}"
    r"(,?\s+\d{1,2}:\d{2}.{0,12}|\s+\d{1,4})?|"  # a time, or a bare count of comments: "March 9, 2017 13"
    # "Mon 18 Nov 2019 18.54 GMT Last modified on Mon 18 Nov 2019 18.56 GMT"
    rf"({_WEEKDAY},?\s+)?\d{{1,2}}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{{4}}"
    r"(,?\s+\d{1,2}[:.]\d{2}(\s?[ap]\.?m\.?)?(\s+[A-Z]{2,4})?)?(\s+last (modified|updated)( on)?\s.{0,40})?|"
    r"\d{4}-\d{2}-\d{2}|"
    r"\d{1,2}[./]\d{1,2}[./]\d{2,4}(\s+in\s+[\w &]{1,30})?|"  # "11.03.17 in Gadgetry"
    r"(updated\s)?\d{1,2}\s?(h|m|d|mins?|hrs?|hours?|days?|weeks?)(\sago)?)"  # "8h", "updated 15M ago"
    # "November 20, 2019 / 1:07 AM / CBS News": a date with its time and source after slashes or bars,
    # or "November 18, 2019 -- 19:14 GMT": a time after a dash
    r"(\s*[/|·•]\s*[^/|·•]{1,40}){0,3}(\s+(--?|–|—)\s+\d{1,2}:\d{2}.{0,30})?$",
    re.IGNORECASE)
_CREDIT = re.compile(
    r"(^(photo|photograph|image|illustration|graphic|video|picture)s?\s*(:|by\b|credit)|"
    r"^(credit|source|courtesy)\s*:|getty images|\bap photo\b|shutterstock|\(reuters\)|\bphoto:|"
    r"/\s*(getty|afp|reuters|ap|epa)\b|\bvia getty\b|\((photo )?credit:|\bvia (ap|afp|reuters)$|\|\s*source:)",
    re.IGNORECASE)
# Phrases that ask something of the reader; an article's own sentences almost never use them.
_CALL_TO_ACTION = re.compile(  # whole words only: "your digestive tract" is no "our digest"
    r"\b(sign[ -]?up (for|to)\b.{0,40}\b(newsletter|digest|e-?mails?|updates|list|alerts)|"
    r"subscribe (to|for)\b.{0,30}\b(newsletter|digest|channel|podcast|mailing|updates)|"
    r"enter your e-?mail|your e-?mail address|(delivered|straight|directly) to your inbox|"
    r"donate (now|today|here)|keep independent (media|journalism) alive|"
    r"we use cookies|accept (all )?cookies|(click|tap) here to|download our app|check out more (articles|stories|news)|"
    r"^contact\b.{0,60}\bat \S+@\S+|"
    r"views (and|or) opinions expressed|(are|is) (solely )?(those|the opinions?) of the author|"
    r"moderat\w+ (all )?comments|comments (are|have been) (closed|moderated))\b",
    re.IGNORECASE)
# Phrases a promotion uses, and an article about newsletters, privacy or charity may use too: they mark
# a call to action only in a short block, or one that speaks to the reader.
_PROMOTION = re.compile(
    r"\b((our|daily|weekly|free) (e-?mail )?(newsletter|digest)|online donations|"
    r"make a (tax[- ]deductible )?(donation|gift|contribution)|(fundraising|membership) (campaign|drive)|"
    r"support (our|independent) (journalism|media|reporting|work)|become a (member|subscriber|patron)|"
    r"cookie (policy|settings)|privacy policy|terms of (use|service)|all rights reserved|download the app)\b",
    re.IGNORECASE)
_TO_THE_READER = re.compile(r"\b(you|your|sign up|subscribe|donate|join us|click|tap|please|support us|help us)\b",
                            re.IGNORECASE)
_MOVED_ON = re.compile(
    r"^(related|recommended|read (this )?(more|next)|next up|up next|what to read next|keep reading|more\b.{0,20}\b(in|from|on|stories|news|articles|videos)|trending|most (popular|read)|"
    r"editors?'?s?'? picks|you (may|might) (also )?like|comments?|\d+ comments|leave a (comment|reply)|"
    r"about the author|share|in this article|additional reporting|contributed|first published|"
    r"(latest|recent|popular|featured) (news|stories|posts|galleries|videos|slide ?shows)|sponsored|advertisement)\b",
    re.IGNORECASE)
# What closes an author's profile card.
_PROFILE_LINK = re.compile(r"^(view (full )?profile|follow( \w+){0,3}|more (by|from) .{0,40}|(see|view) (all )?(stories|articles|"
                           r"posts) by .{0,40}|@\w+)$", re.IGNORECASE)
# The link that closes a teaser for another story: "Headline / first words of it... / Read more".
_READ_MORE = re.compile(r"^((read|see) (more|the (full )?(story|article))|(continue|keep) reading|full (story|article))"
                        r"[\s.…:›»>→-]*$", re.IGNORECASE)
TEASER_BLOCKS = 2
# Where a page's comment section begins: nothing after it is the article.
_COMMENTS_START = re.compile(
    r"^((\d+\s)?(reader|user|visitor)?\s?comments?|\d+ with \d+ posters participating|(leave|post|add|write) a (comment|reply)|"
    r"join the (conversation|discussion)|you must (log ?in|sign ?in|be logged in).{0,40}\bcomment\.?)$",
    re.IGNORECASE)
_SHORT_SENTENCE = re.compile(r"^[\"'“‘(A-Z0-9].*[.!…][\"'”’)\]]*$")
# "Jason Cipriani/ZDNet": a photographer and an outlet, alone on a line.
_NAME_CREDIT = re.compile(r"^[A-Z][\w.'’-]+( [A-Z][\w.'’-]+){1,3}\s?/\s?[A-Z][\w.&]+( [A-Z][\w.&]+){0,2}$")
# A caption copied with its credit glued on: "...hours later.Ezra Acayan / Getty Images".
_GLUED_CREDIT = re.compile(r"[.!?”\"’)]\s?((Credit)+|(Photo|Image):?\s?)?[A-Z][\w.'’ -]{1,40}\s?/\s?[\w.& ]{2,30}"
                           r"(,? via [\w ]{2,30})?$|"
                           # "...legalized for recreational use. Statista": an agency named after the caption
                           r"[.!?]\s(Statista|Getty Images|Reuters|AP|AFP|EPA|Shutterstock|Alamy|iStock(photo)?)$")
# "This March 28, 2017, file photo shows ...", "In this photo taken ...": a caption, whatever its length.
_DESCRIBES_PHOTO = re.compile(
    r"^(in )?this\b.{0,80}\b(file )?(photo|image|picture|photograph)\b.{0,120}\b(shows?|taken|provided)\b|"
    r"^an? (stock |file |handout )?(image|photo|picture|photograph) (of|shows?)\b",
    re.IGNORECASE)
# Words of a page's buttons and labels, never of a person's name: "View All", "Get The Magazine".
_NOT_NAMES = frozenset("""the a an all more most now next read view share sign log up in on of for to with us our your
    my new top best latest news home subscribe newsletter magazine menu search video watch live tip send pin it
    services stories articles posts comments edition today paper follow""".split())
# "Kevin Johnson and Kevin McCoy", "Devindra Hardawar, @devindra": a byline without its "By".
_NAME_LINE = re.compile(rf"^{_NAME}((,|\sand|\s&)\s{_NAME}){{0,3}}(,?\s?@\w+)?$")
_HEADLINE_END = re.compile(r"[.:;,]$")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
_PROSE_END = re.compile(r"[.!?…:][\"'”’)\]]*$")
_CUT_SHORT = re.compile(r"\w(…|\.\.\.)$")  # a teaser cut short: "...and what…"

PROSE_WORDS = 15
SHORT_BLOCK_COST = 8
LEAD_REACH = 12
LEAD_WORDS = 20
LABEL_WORDS = 3
LABEL_RUN = 3
CTA_MAX_WORDS = 80
SHORT_PROMOTION_WORDS = 8
SUBHEADING_WORDS = 14
CAPTION_MAX_WORDS = 45
LINK_BOX_RUN = 3
MIN_REPEAT_CHARS = 24


@dataclass(frozen=True)
class CleanOptions:
    keep_captions: bool = False
    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()


def squash(text: str) -> str:
    """Text reduced to lowercase letters and digits: the same words in any typography match."""
    return re.sub(r"[^0-9a-z]+", "", unicodedata.normalize("NFKD", text).lower())


def _words(text: str) -> int:
    return len(text.split())


def is_prose(text: str) -> bool:
    """A real paragraph: enough words, and it ends a sentence (teasers and link text often don't,
    or are cut short mid-sentence)."""
    return _words(text) >= PROSE_WORDS and bool(_PROSE_END.search(text)) and not _CUT_SHORT.search(text)


def _byline_name(text: str) -> str:
    match = _BYLINE.match(text)
    name = match.group("names") if match else re.sub(_BYLINE_PREFIX, "", text)
    return re.sub(_BYLINE_HANDLE + ".*$", "", name)


def is_headline(text: str) -> bool:
    words = _words(text)
    return 3 <= words <= 25 and not _HEADLINE_END.search(text) and "\n" not in text


def is_teaser(text: str) -> bool:
    """A headline in title case ("Meet Alden Ehrenreich: The New Han Solo"): a link to another story.

    Dates and numbers make a list item (tour dates, scores), so a block with digits is never one."""
    return not re.search(r"\d", text) and _is_title_case_headline(text)


def _is_title_case_headline(text: str) -> bool:
    return is_headline(text) and _words(text) >= 5 and _is_title_case(text)


def _is_title_case(text: str) -> bool:
    long_words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", text) if len(w) > 3]
    return len(long_words) >= 2 and sum(w[0].isupper() for w in long_words) >= 0.8 * len(long_words)


class _Ledger:
    """The blocks still in play, and why each dropped one went."""

    def __init__(self, blocks: list[Block], keep: tuple[str, ...]):
        self.blocks = blocks
        self.alive = [True] * len(blocks)
        self.reasons: dict[int, str] = {}
        self.keep = [re.compile(p, re.IGNORECASE) for p in keep]

    def drop(self, index: int, reason: str) -> None:
        if self.alive[index] and not any(p.search(self.blocks[index].text) for p in self.keep):
            self.alive[index] = False
            self.reasons[index] = reason

    def restore(self, index: int) -> None:
        self.alive[index] = True
        self.reasons.pop(index, None)

    def live(self) -> list[int]:
        return [i for i, ok in enumerate(self.alive) if ok]


def clean(draft: Draft, options: CleanOptions = CleanOptions()) -> tuple[Draft, tuple[Dropped, ...]]:
    """The draft with only what should be read, and every dropped block with its reason."""
    dropped_lines: list[Dropped] = []
    blocks: list[Block] = []
    furniture: dict[int, str] = {}  # whole blocks of furniture stay in place: they mark where the article ends
    for block in draft.blocks:
        lines = block.text.split("\n")
        reasons = [None if any(re.search(p, line, re.IGNORECASE) for p in options.keep)
                   else _line_reason(line, heading=block.kind == "heading") for line in lines]
        if all(reasons):
            furniture[len(blocks)] = reasons[0]
            blocks.append(replace(block, text=" ".join(lines)))
            continue
        dropped_lines += [Dropped(line, reason) for line, reason in zip(lines, reasons) if reason]
        blocks.append(replace(block, text=" ".join(line for line, reason in zip(lines, reasons) if not reason)))
    ledger = _Ledger(blocks, options.keep)
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
        if _words(block.text) <= 20 and _BYLINE.match(block.text):
            bylines[index] = _byline_name(block.text)
            ledger.drop(index, "byline")
    _drop_read_more_teasers(ledger)
    if not draft.has_markup:
        title, author = _find_article(ledger, title, author, bylines)
        _drop_link_boxes(ledger)
    author = author or next(iter(bylines.values()), None)
    _drop_author_boxes(ledger, author)
    _drop_credits_and_captions(ledger, options.keep_captions)
    _drop_repeats(ledger, title)
    _drop_calls_to_action(ledger)

    kept = tuple(blocks[i] for i in ledger.live())
    reported = dropped_lines + [Dropped(blocks[i].text, reason) for i, reason in sorted(ledger.reasons.items())]
    return replace(draft, blocks=kept, title=title, author=tidy_author(author)), tuple(reported)


_DATE_WORD = re.compile(r"^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|"
                        r"june|july|august|september|october|november|december|updated|published|on|at)$", re.IGNORECASE)
_JOB = re.compile(r"^(editor|writer|reporter|correspondent|contributor|columnist|producer|critic|photographer)s?$",
                  re.IGNORECASE)
# Words before a job title that are part of it: "Senior Games Editor", "Staff Writer".
_JOB_PREFIX = re.compile(r"^(staff|senior|contributing|executive|managing|deputy|associate|chief|games|tech|news|"
                         r"politics|sports|science|health|business|features|opinion|culture|music)$", re.IGNORECASE)
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
        if len(words) > 2 and _JOB.match(words[-1]):  # a name of two words may be "A. Writer"
            words.pop()
            while len(words) > 2 and _JOB_PREFIX.match(words[-1]):
                words.pop()
        name = " ".join(words)
        if words and not _NO_PERSON.search(name) and not all(_JOB_PREFIX.match(w) or _JOB.match(w) for w in words) \
                and not all(_CREDENTIAL.match(w) for w in words) \
                and name.lower() not in (n.lower() for n in names):
            names.append(name)
    if not names:
        return None
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _strip_site_name(title: str | None, site: str | None) -> str | None:
    """ "Best gadgets of 2019 | ZDNet" is read as "Best gadgets of 2019": the site is not the title."""
    if not title:
        return title
    parts = re.split(r"\s+[|–—]\s+|\s+-\s+(?=[^-]+$)", title)
    if len(parts) > 1:
        tail = parts[-1].strip()
        if (site and squash(tail) in squash(site) or squash(site) in squash(tail)) or len(tail.split()) <= 2:
            return " | ".join(parts[:-1]).strip()
    return title


def _drop_trailing_sections(ledger: _Ledger) -> None:
    """After the article, extractors sometimes keep "You Might Also Like" and what follows: drop from there.

    Only a short block that announces such a section, in the last third of the page, counts.
    """
    blocks = ledger.blocks
    live = ledger.live()
    for position, index in enumerate(live):
        text = blocks[index].text
        if position >= len(live) * 2 // 3 and _words(text) <= 6 and _MOVED_ON.search(text) \
                and not _SENTENCE_END.search(text):
            for later in live[position:]:
                ledger.drop(later, "after the article (related links)")
            return


def _is_link_text(text: str) -> bool:
    """A headline-length line that does not end a sentence: how a link to another story reads."""
    return _words(text) <= 20 and not _PROSE_END.search(text)


def _drop_link_boxes(ledger: _Ledger) -> None:
    """A box of links set inside the article ("More in Politics" and the headlines around it).

    Only a run of LINK_BOX_RUN link-like lines next to a label such as "More in ...", the
    title-case headlines right under such a label (even one dropped as furniture), or a run of
    LINK_BOX_RUN title-case headlines count: a list of the article's own has none of these.
    """
    from bisect import bisect_left
    from itertools import groupby

    blocks = ledger.blocks
    live = ledger.live()
    for label, block in enumerate(blocks):  # a label may already be dropped as furniture ("Related")
        if not (_words(block.text) <= 6 and _MOVED_ON.search(block.text) and not _SENTENCE_END.search(block.text)):
            continue
        position = bisect_left(live, label)
        after = list(takewhile(lambda i: _is_link_text(blocks[i].text), live[position + (label in live):]))
        before = list(takewhile(lambda i: _is_link_text(blocks[i].text), reversed(live[:position])))
        if (label in live and len(before) + len(after) >= LINK_BOX_RUN) \
                or (any(is_teaser(blocks[i].text) for i in after)
                    and all(_is_title_case_headline(blocks[i].text) for i in after)):
            for member in [label, *before, *after]:
                ledger.drop(member, "links to other stories")
    for teasers, run in groupby(live, key=lambda i: is_teaser(blocks[i].text)):
        run = list(run)
        if teasers and len(run) >= LINK_BOX_RUN:
            for member in run:
                ledger.drop(member, "links to other stories")


def _drop_author_boxes(ledger: _Ledger, author: str | None) -> None:
    """The author's profile card in the last third of the page: "By Ann Lee @annlee" over "Ann has
    covered the city since 2012...", or a name and a bio with "View Profile" under them.

    A plain note about the authors at the end ("Ann Lee is a reporter based in Leeds.") is part of
    the article and stays: only the marks of a card (a handle, a byline's "By", a profile link) count.
    """
    blocks = ledger.blocks
    live = ledger.live()
    for index in live[len(live) * 2 // 3:]:
        name_line = blocks[index - 1].text if index > 0 else ""
        if not (_BYLINE.match(name_line) or _NAME_LINE.match(name_line)) or _words(blocks[index].text) > CTA_MAX_WORDS:
            continue
        name = _byline_name(name_line).strip()
        card = "@" in name_line or _BYLINE.match(name_line) or _profile_link_follows(blocks, index)
        if card and blocks[index].text.startswith((name + " ", name.split()[0] + " ")):
            ledger.drop(index - 1, "about the author")
            ledger.drop(index, "about the author")
    for index in ledger.live()[len(live) * 2 // 3:]:  # a card without its name line: "Ann Lee has..." / "View Profile"
        text = blocks[index].text
        if _profile_link_follows(blocks, index) and _words(text) <= CTA_MAX_WORDS and re.match(_NAME + r"\s(is|was|has|had|arrives|covers|writes|joined|lives|reports)\b", text):
            ledger.drop(index, "about the author")
    if author:  # "More Ann Lee.", "More by Ann Lee": a link to the author's page
        for index in ledger.live():
            found = re.match(r"(?i:more)\s((?i:by|from)\s)?(.{3,80}?)\.?$", blocks[index].text)
            if found and squash(found.group(2)) == squash(author):
                ledger.drop(index, "about the author")


def _profile_link_follows(blocks: list[Block], index: int) -> bool:
    return index + 1 < len(blocks) and bool(_PROFILE_LINK.match(blocks[index + 1].text))


def _drop_read_more_teasers(ledger: _Ledger) -> None:
    """A headline, maybe a few words of its story, then "Read more": a link to another story.

    Only short blocks that are not full paragraphs, starting with a headline, count.
    """
    blocks = ledger.blocks
    for marker, block in enumerate(blocks):
        if not _READ_MORE.match(block.text):
            continue
        teaser = [i for i in ledger.live() if i < marker][-TEASER_BLOCKS:]
        while teaser and (is_prose(blocks[teaser[0]].text) or _words(blocks[teaser[0]].text) > 25
                          or not is_headline(blocks[teaser[0]].text)):
            teaser = teaser[1:]  # the teaser starts at its headline
        if teaser and not any(is_prose(blocks[i].text) or blocks[i].kind == "heading" for i in teaser):
            for index in teaser + ([marker] if ledger.alive[marker] else []):
                ledger.drop(index, "link to another story")


def _line_reason(line: str, heading: bool = False) -> str | None:
    """Why a line is page furniture, if it is. A heading that is a date ("## March 3, 2019") heads a
    section of a timeline, so it stays."""
    stripped = line.strip()
    if not stripped:
        return None
    if _FURNITURE.match(stripped):
        return "page furniture (navigation, sharing, advertising)"
    if _DATELINE.match(stripped) and not heading:
        return "date line"
    return None


def _find_article(ledger: _Ledger, title: str | None, author: str | None,
                  bylines: dict[int, str]) -> tuple[str | None, str | None]:
    """Copied text: keep the article's run of paragraphs, find its headline and the byline under it
    (not one of another story's further down), drop the rest of the page."""
    blocks = ledger.blocks
    labels = _label_runs(blocks, ledger.live())
    live = [i for i in ledger.live() if i not in labels]
    if not any(is_prose(blocks[i].text) for i in live):
        if title is None and ledger.live():
            opening = ledger.live()[0]
            title = blocks[opening].text
            ledger.drop(opening, "title (read first)")
        return title, author
    # Bylines count against a run as any short line does: another story's byline ends the article's run.
    first, last = _densest_run(blocks, sorted([*live, *(i for i in bylines if i not in labels)]))
    last = _continuation(blocks, live, last, set(ledger.reasons))
    for index in range(first + 1, last):  # a date right between two paragraphs heads a part of a timeline: read it
        if ledger.reasons.get(index) == "date line" and index - 1 in live and index + 1 in live \
                and is_prose(blocks[index - 1].text) and is_prose(blocks[index + 1].text):
            ledger.restore(index)
    first = _lead(blocks, live, first)
    title_index = _title_index(blocks, [i for i in ledger.live() if i < first]) if title is None else None
    # The byline or date line under the headline: what follows it, up to the article, is no standfirst.
    header = [i for i in range(title_index or 0, first) if _is_header_line(blocks[i].text)
              or (title_index is not None and i - title_index <= 3 and _is_person_line(blocks[i].text))]
    header_ends = header[-1] if header else None
    start = title_index if title_index is not None else first
    author = author or next((bylines[i] for i in sorted(bylines) if start <= i < first), None) \
        or _unmarked_byline(blocks, start)
    for index in ledger.live():
        text = blocks[index].text
        if index == title_index:
            title = text
            ledger.drop(index, "title (read first)")
        elif _BYLINE.match(text):
            ledger.drop(index, "byline")
        elif index in labels:
            ledger.drop(index, "menu or chart labels")
        elif index > last:
            ledger.drop(index, "after the article (links, footer)")
        elif index < first and (title_index is None or index < title_index or _is_credit(text)):
            ledger.drop(index, "before the article (navigation, links)")
        elif index < first and (_is_tag_line(text) or _NAME_LINE.match(text)
                                or (_words(text) <= LABEL_WORDS and not _SENTENCE_END.search(text))):
            ledger.drop(index, "tags, names or labels between the headline and the article")
        elif index < first and header_ends is not None and index > header_ends and not _SENTENCE_END.search(text) \
                and (is_teaser(text) or any(header_ends < j < index for j in labels)):
            ledger.drop(index, "between the byline and the article (labels, promotions)")
        # otherwise, between the headline and the first paragraph: a standfirst, kept
    _mark_subheadings(ledger, first, last)
    return title, author


def _mark_subheadings(ledger: _Ledger, first: int, last: int) -> None:
    """A short unpunctuated line right between two paragraphs of the article is a subheading: it
    starts a section (a chapter), as an h2 would on the page."""
    blocks = ledger.blocks
    live = ledger.live()
    for before_it, index, after_it in zip(live, live[1:], live[2:]):
        text = blocks[index].text
        quoted = re.match(r"^[\"'“‘].*[\"'”’]$", text)  # a pull quote set alone, not a heading
        if first < index < last and 2 <= _words(text) <= SUBHEADING_WORDS and not _HEADLINE_END.search(text) \
                and not _SENTENCE_END.search(text) and not quoted and not _NAME_LINE.match(text) \
                and is_prose(blocks[before_it].text) and is_prose(blocks[after_it].text):
            blocks[index] = replace(blocks[index], kind="heading", level=2)


def _is_tag_line(text: str) -> bool:
    """ "Health Marijuana Cannabis Weed": capitalised words and nothing else, a page's topic tags."""
    words = text.split()
    return 2 <= len(words) <= 6 and all(w[0].isupper() or w == "&" for w in words) and not _SENTENCE_END.search(text)


def _lead(blocks: list[Block], live: list[int], first: int) -> int:
    """Reach back from the article's run to a lead paragraph that a gallery or a spec box cut off.

    Only a full paragraph counts, a few blocks up and below the headline's byline or date line, if
    there is one: teasers and link text end without a full stop, and promotions sit above the header.
    """
    header = [i for i in range(first) if _BYLINE.match(blocks[i].text) or _DATELINE.match(blocks[i].text)]
    before = [i for i in live if (header[-1] if header else -1) < i < first][-LEAD_REACH:]
    for index in before:
        text = blocks[index].text
        if is_prose(text) and _words(text) >= LEAD_WORDS and not _is_call_to_action(text):
            return index
    return first


def _unmarked_byline(blocks: list[Block], title_index: int) -> str | None:
    """The author's name a few lines under the headline, without "By" before it: alone on its line
    ("Ann Lee"), after a lone "By", or before a date ("Dan Goodin - Apr 16, 2015 8:02 pm UTC")."""
    for index in range(title_index + 1, min(title_index + 8, len(blocks))):
        text = blocks[index].text
        named = index + 1 < len(blocks) and text.lower() == "by" and _is_person_line(blocks[index + 1].text)
        if named or (index <= title_index + 4 and _is_person_line(text)):
            return _byline_name(blocks[index + 1].text if named else text)
        dated = _DATELINE.match(text)
        if dated and dated.group(1) and _is_person_line(dated.group(1).strip(" -–—|•")):
            return dated.group(1).strip(" -–—|•")
    return None


def _is_metadata(text: str) -> bool:
    """A date, or a comment count, maybe broken over lines ("New," "15" "comments"): it may stand between
    a headline and its dek."""
    return bool(_DATELINE.match(text) or re.match(r"(?i)((new,? )?\d+ comments?|new,?|\d+|comments?)$", text))


def _is_header_line(text: str) -> bool:
    """A byline or a date line: what sits under a headline. "By" may stand alone, its name on the next line,
    and an editorial is signed by its desk."""
    return bool(re.match(r"(?i:by|words by|written by)(\s+[A-Z]|$)", text) or _DATELINE.match(text)
                or re.match(r"(?i)(the )?(editorial( board)?|editors|editorial staff)$", text))


def _is_person_line(text: str) -> bool:
    """ "Richard (R.J.) Eskow", "Ann Lee and Sam Wright": names alone on a line, a byline without "By"."""
    words = [re.sub(r"['’]s$", "", w.strip("(),")).lower() for w in text.split()]
    return bool(_NAME_LINE.match(text)) and not any(w in _NOT_NAMES or re.fullmatch(_WEEKDAY, w) for w in words)


def _is_handle_line(text: str) -> bool:
    """ "Devindra Hardawar, @devindra": an author and their handle, a byline without "By"."""
    return "@" in text and bool(_NAME_LINE.match(text))


def _title_index(blocks: list[Block], before: list[int]) -> int | None:
    """The headline just above the article: one with its byline or date under it, else one with
    its author's name right under it (or under its dek), else the nearest headline-like block of
    three words or more, or failing that the block right above the first paragraph when it is
    short and unpunctuated. A shorter headline right over the one found makes that one its dek."""
    candidates = [i for i in reversed(before) if not (_DATELINE.match(blocks[i].text) or _is_credit(blocks[i].text)
                                                      or _COMMENTS_START.match(blocks[i].text.strip()))]
    headlines = [i for i in candidates[:30] if is_headline(blocks[i].text) and not _BYLINE.match(blocks[i].text)
                 and not _is_handle_line(blocks[i].text)
                 and not (_is_person_line(blocks[i].text) and re.search(r",|\band\b|&", blocks[i].text))]
    found = next((i for i in headlines if any(_is_header_line(b.text) or _is_handle_line(b.text)
                                              for b in blocks[i + 1:i + 4])), None)
    if found is None:
        found = next((i for i in headlines if any(_is_person_line(b.text) for b in blocks[i + 1:i + 3])), None)
    if found is not None:
        above_index = max((i for i in before if i < found and not _is_metadata(blocks[i].text)), default=None)
        between = blocks[above_index + 1:found] if above_index is not None else []
        above = blocks[above_index].text if above_index in candidates and all(_is_metadata(b.text) for b in between) \
            else ""
        under = blocks[found + 1].text if found + 1 < len(blocks) else ""
        if not (_is_header_line(under) or _is_person_line(under) or _is_handle_line(under)):
            above = ""  # a dek sits right over the byline: this one has something else under it
        if is_headline(above) and LABEL_WORDS < _words(above) <= _words(blocks[found].text) \
                and not _is_title_case(blocks[found].text):
            return above_index  # a shorter headline right over a sentence-case line: that line is its dek
        return found
    for index in candidates[:15]:
        if is_headline(blocks[index].text) and not _BYLINE.match(blocks[index].text):
            return index
    for index in candidates[:3]:
        text = blocks[index].text
        if _words(text) <= 25 and not _HEADLINE_END.search(text) and not _BYLINE.match(text):
            return index
    return None


def _densest_run(blocks: list[Block], live: list[int]) -> tuple[int, int]:
    """The stretch of blocks with the most prose, net of the short blocks inside it.

    Prose counts for its words; every short or unfinished block (link, teaser, label) costs its
    words and a little more. The best-scoring contiguous stretch (Kadane's maximum subarray) is
    the article; menus before it and teaser lists after it cost more than they add.
    """
    # A comment section's heading (dropped as furniture or not) is a wall: no run crosses it.
    walls = {i for i, block in enumerate(blocks) if _COMMENTS_START.match(block.text.strip())}
    seen = Counter(squash(blocks[i].text) for i in live)
    best, best_span = float("-inf"), (live[0], live[-1])
    total, start, previous = 0.0, live[0], -1
    for index in live:
        if any(previous < wall <= index for wall in walls):
            total = 0.0
        previous = index
        if index in walls:
            continue
        if total <= 0:
            total, start = 0.0, index
        total += _block_score(blocks[index].text, repeated=seen[squash(blocks[index].text)] > 1)
        if total > best:
            best, best_span = total, (start, index)
    return best_span


def _block_score(text: str, repeated: bool = False) -> float:
    """Prose earns its words; a short sentence (dialogue, a one-line paragraph) half, unless the
    page shows it twice ("Don't miss a thing."): then it is chrome; the rest costs."""
    words = _words(text)
    if is_prose(text):
        return words
    if words >= 4 and _SHORT_SENTENCE.search(text) and not repeated:
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
            if index in furniture or _MOVED_ON.search(blocks[index].text):
                break
            continue
        text = blocks[index].text
        if is_prose(text) or _MOVED_ON.search(text) or _is_call_to_action(text) or _is_credit(text) \
                or _DATELINE.match(text) or _BYLINE.match(text) or _COMMENTS_START.match(text.strip()) \
                or squash(text) in seen \
                or (is_teaser(text) and index in following and is_teaser(blocks[following[index]].text)):
            # a line the page already showed is its chrome, and a run of headlines is other stories
            break
        seen.add(squash(text))
        end = index
    return end


def _label_runs(blocks: list[Block], live: list[int]) -> set[int]:
    """Runs of one- to three-word blocks: menus and chart labels, not prose."""
    found: set[int] = set()
    run: list[int] = []
    for index in [*live, None]:
        if index is not None and _words(blocks[index].text) <= LABEL_WORDS:
            run.append(index)
            continue
        if len(run) >= LABEL_RUN:
            found.update(run)
        run = []
    return found


def _drop_credits_and_captions(ledger: _Ledger, keep_captions: bool) -> None:
    blocks = ledger.blocks
    live = ledger.live()
    for position, index in enumerate(live):
        text = blocks[index].text
        if _words(text) <= CAPTION_MAX_WORDS + 10 and _GLUED_CREDIT.search(text):
            if not keep_captions:  # its caption is glued to it: the block before is not a caption
                ledger.drop(index, "image caption")
        elif _words(text) <= 15 and _is_credit(text):
            ledger.drop(index, "image credit")
            if keep_captions or position == 0:
                continue
            previous = live[position - 1]
            if blocks[previous].kind != "heading" and _words(blocks[previous].text) <= CAPTION_MAX_WORDS:
                ledger.drop(previous, "image caption")
        elif _NAME_CREDIT.match(text):
            ledger.drop(index, "image credit")
        elif blocks[index].kind == "caption" and not keep_captions:
            ledger.drop(index, "image caption")
        elif _words(text) <= CAPTION_MAX_WORDS and (re.search(r"\((photo|image|credit)[^)]*\)\s*$", text, re.I)
                                                    or _DESCRIBES_PHOTO.search(text)):
            if not keep_captions:
                ledger.drop(index, "image caption")


def _is_credit(text: str) -> bool:
    """ "Photo: Ann Lee", "Getty Images": a credit names its source and is no sentence, so "LONDON
    (Reuters) - Shares fell on Monday." and "The photo was sold to Getty Images." are read."""
    found = _CREDIT.search(text)
    return bool(found) and (found.start() == 0 or not _SENTENCE_END.search(text))


def _drop_repeats(ledger: _Ledger, title: str | None) -> None:
    blocks = ledger.blocks
    live = ledger.live()
    squashed = {i: squash(blocks[i].text) for i in live}
    title_key = squash(title) if title else ""
    for index in live:
        if title_key and squashed[index] == title_key:
            ledger.drop(index, "repeats the title")

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
    for run in runs:
        text = " ".join(blocks[i].text for i in run)
        neighbours = [live[p] for p in (live.index(run[0]) - 1, live.index(run[-1]) + 1) if 0 <= p < len(live)]
        banner = _is_call_to_action(text) or any(
            _is_call_to_action(blocks[n].text) and _words(blocks[n].text) <= CTA_MAX_WORDS for n in neighbours)
        for index in run:
            if banner:
                ledger.drop(index, "banner repeated on the page")
            elif stream.find(squashed[index], 0, starts[index]) >= 0:  # said in full before this block
                ledger.drop(index, "repeated paragraph (read once)")


def _is_call_to_action(text: str) -> bool:
    """A newsletter sign-up, a donation appeal, a cookie notice: what asks something of the reader."""
    return bool(_CALL_TO_ACTION.search(text) or _PROMOTION.search(text)
                and (_words(text) <= SHORT_PROMOTION_WORDS or _TO_THE_READER.search(text)))


def _drop_calls_to_action(ledger: _Ledger) -> None:
    blocks = ledger.blocks
    live = ledger.live()
    for position, index in enumerate(live):
        text = blocks[index].text
        if _words(text) <= CTA_MAX_WORDS and _is_call_to_action(text):
            ledger.drop(index, "call to action (newsletter, donation, subscription, cookies)")
            if position > 0:
                previous = live[position - 1]
                if ledger.alive[previous] and _words(blocks[previous].text) <= 10 and not is_prose(blocks[previous].text) \
                        and re.search(r"sign|subscri|newsletter|digest|donat|support|join|inbox|campaign",
                                      blocks[previous].text, re.IGNORECASE):
                    ledger.drop(previous, "call to action (heading)")
