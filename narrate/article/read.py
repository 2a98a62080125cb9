"""Read an input (file, URL or stdin) and parse it into a `Draft`: blocks plus metadata.

Each format is one function from the input to a Draft; `clean` then decides what is read and
`sections` cuts it into sections. HTML goes through trafilatura, which finds the main content
and the page's metadata; Markdown through markdown-it; text copied from a page is split into
blocks at blank lines and left for the cleaner to sort out.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from narrate.article.fetch import MAX_INPUT_BYTES, is_url
from narrate.errors import IngestError
from narrate.article.language import declared_in_html, primary
from narrate.models import Block, Draft

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
ANNOUNCEMENTS = {"code": "A code sample is skipped here.", "table": "A table is skipped here."}


@dataclass(frozen=True)
class Source:
    """The input's bytes decoded (or, for HTML, kept as bytes) and what we know of its kind."""

    text: str
    name: str
    kind: str  # "markdown", "text" or "html"
    url: str | None = None
    raw: bytes = b""


_TITLE_START = re.compile(r"<title\b[^>]*>\s*", re.IGNORECASE)
_TITLE_END = re.compile(r"</title\s*>", re.IGNORECASE)


def html_source(text: str, name: str, *, url: str | None = None, raw: bytes = b"") -> Source:
    """A web page to read. A `<title>` never closed (an end tag misspelt, or a page cut short when it was
    saved) makes an HTML parser take the rest of the page as the title's text, leaving no body, as a
    browser would; such a title is closed where its first line or its first tag begins, so the page's
    text is read (the raw bytes are then dropped: they hold the broken title)."""
    start = _TITLE_START.search(text)
    if start is None or _TITLE_END.search(text, start.end()):
        return Source(text=text, name=name, kind="html", url=url, raw=raw)
    ends = [at for at in (text.find("\n", start.end()), text.find("<", start.end())) if at >= 0]
    end = min(ends) if ends else len(text)
    return Source(text=f"{text[:end]}</title>{text[end:]}", name=name, kind="html", url=url)


def read_source(source: str, *, fetch_timeout: float = 20.0) -> Source:
    """Read a URL, a path, or stdin for `-`; refuse binary, undecodable and oversized input clearly."""
    if is_url(source):
        from narrate.article.fetch import fetch

        page = fetch(source, timeout=fetch_timeout, max_bytes=MAX_INPUT_BYTES)
        return html_source(page.text, source, url=page.url, raw=page.body)
    if source == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        name, suffix = "stdin", ""
    else:
        path = Path(source)
        name, suffix = str(path), path.suffix.lower()
        if path.is_dir():
            raise IngestError(f"{path}: is a folder, not an article file")
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
        except FileNotFoundError:
            raise IngestError(f"{path}: no such file") from None
        except OSError as exc:
            raise IngestError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_INPUT_BYTES:
        raise IngestError(f"{name}: larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB; is this an article?")
    if b"\x00" in data[:65536]:
        raise IngestError(f"{name}: looks like a binary file, not text")
    looks_html = suffix in HTML_SUFFIXES or (suffix == "" and _looks_like_html(data))
    if looks_html:
        from narrate.article.fetch import decode_html

        return html_source(decode_html(data, None), name, raw=data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{name}: not valid UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    text = _repair(text.replace("\r\n", "\n").replace("\r", "\n"))
    if suffix in MARKDOWN_SUFFIXES or (suffix not in {".txt", ".text"} and _looks_like_markdown(text)):
        kind = "markdown"
    else:
        kind = "text"
    return Source(text=text, name=name, kind=kind)


def _repair(text: str) -> str:
    """Undo mojibake (UTF-8 read as Latin-1 somewhere upstream: "donât"), a common fate of copied text."""
    from narrate.article.mojibake import repair

    return repair(text)


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def _looks_like_markdown(text: str) -> bool:
    return text.startswith("---\n") or bool(re.search(r"^#{1,6} \S", text, re.MULTILINE))


def parse(source: Source, *, code: str = "skip", tables: str = "read") -> Draft:
    """Parse decoded input into a Draft. Code is skipped or announced; tables read row by row, skipped
    or announced ("skip", "announce", "read")."""
    if source.kind == "html":
        return parse_html(source.raw or source.text.encode("utf-8"), source.text, url=source.url,
                          code=code, tables=tables)
    if source.kind == "markdown":
        return parse_markdown(source.text, code=code, tables=tables)
    return parse_text(source.text, tables=tables)


def table_row(cells: list[str]) -> str:
    """A table's row as one line to speak: its cells in order, parted by commas (a pause each)."""
    return ", ".join(cell for cell in (normalise_space(c) for c in cells) if cell)


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _front_matter(text: str) -> tuple[dict, str]:
    """YAML front matter (`---` fenced at the top) gives title, author and date when present."""
    match = re.match(r"---\n(.*?)\n(---|\.\.\.)\n", text, re.DOTALL)
    if not match:
        return {}, text
    import yaml

    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}, text
    if not isinstance(meta, dict):
        return {}, text
    return meta, text[match.end():]


def _meta_str(meta: dict, *keys: str) -> str | None:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if value not in (None, ""):
            # YAML's "\ud83d\ude00" escapes give surrogate halves; joined, they are the character meant.
            return str(value).encode("utf-16", "surrogatepass").decode("utf-16", "replace").strip()
    return None


def _inline_text(token) -> str:
    """The readable text of an inline token: link text kept, images and raw HTML left out."""
    parts = []
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
    return normalise_space("".join(parts))


PAGE_LINK_BLOCKS = 10
PAGE_LINK_SHARE = 0.25
LINK_TEXT_SHARE = 0.8  # of a block's letters in links: the block is a link, or a line of them


def parse_markdown(text: str, *, code: str = "skip", tables: str = "read") -> Draft:
    """Headings, paragraphs, list items, quotes and table rows; code skipped (or announced)."""
    from markdown_it import MarkdownIt

    meta, body = _front_matter(text)
    tokens = MarkdownIt("commonmark").enable("table").parse(body)
    blocks: list[Block] = []
    context: list[str] = []  # open containers: "item", "quote"
    heading_level = 0
    in_table = False
    row: list[str] | None = None  # the cells of the table row being read
    link_only = 0  # blocks that are nearly all link text: a page's menus and teasers, converted to Markdown
    for token in tokens:
        if token.type == "table_open":
            in_table = True
            if tables == "announce":
                blocks.append(Block(ANNOUNCEMENTS["table"], "note"))
        elif token.type == "table_close":
            in_table = False
        elif in_table:
            if tables != "read":
                continue
            if token.type == "tr_open":
                row = []
            elif token.type == "inline" and row is not None:
                row.append(_inline_text(token))
            elif token.type == "tr_close" and row is not None:
                if text := table_row(row):
                    blocks.append(Block(text, "row"))
                row = None
        elif token.type in ("fence", "code_block") and code == "announce":
            blocks.append(Block(ANNOUNCEMENTS["code"], "note"))
        elif token.type == "list_item_open":
            context.append("item")
        elif token.type == "blockquote_open":
            context.append("quote")
        elif token.type in ("list_item_close", "blockquote_close"):
            context.pop()
        elif token.type == "heading_open":
            heading_level = int(token.tag[1])
        elif token.type == "inline":
            content = _inline_text(token)
            link_only += _mostly_link(token)  # a heading that is a link heads a teaser, not a section
            if heading_level:
                if content:
                    blocks.append(Block(content, "heading", heading_level))
                heading_level = 0
            elif content:
                blocks.append(Block(content, context[-1] if context else "paragraph"))
    converted = _converted_page(blocks, link_only)
    if converted:  # a converted page's tables are mostly its layout: its article is found as in copied text
        blocks = [block for block in blocks if block.kind != "row"]
    title = _meta_str(meta, "title")
    if title is None and blocks and blocks[0].kind == "heading" and blocks[0].level == 1:
        title, blocks = blocks[0].text, blocks[1:]
    return Draft(
        blocks=tuple(blocks), title=title,
        author=_meta_str(meta, "author", "authors", "byline"),
        date=_meta_str(meta, "date", "published"),
        source_url=_meta_str(meta, "url", "source", "canonical_url"),
        description=_meta_str(meta, "description", "summary", "dek"),
        has_markup=not converted,
        language=primary(declared) if (declared := _meta_str(meta, "lang", "language")) else None,
    )


def _mostly_link(inline) -> bool:
    """A block whose words are nearly all link text: a menu's line ("[News](/) [Sport](/sport)") or a
    teaser's headline, as a whole page converted to Markdown is full of."""
    inside, linked, total = False, 0, 0
    for child in inline.children or []:
        if child.type in ("link_open", "link_close"):
            inside = child.type == "link_open"
        elif child.type == "text":
            letters = len(child.content.strip())
            total += letters
            linked += letters if inside else 0
    return total > 0 and linked >= LINK_TEXT_SHARE * total


def _converted_page(blocks: list[Block], link_only: int) -> bool:
    """A whole web page converted to Markdown, menus and all: blocks that are nearly all link text make a
    quarter of it, and some are page furniture ("Skip to content", "Share"). Its article is found as in
    text copied from a page. A post of one's own, even a list of links, has no furniture."""
    from narrate.article.patterns import FURNITURE

    return link_only >= PAGE_LINK_BLOCKS and link_only >= len(blocks) * PAGE_LINK_SHARE \
        and any(FURNITURE.match(block.text.strip()) for block in blocks)


def parse_text(text: str, *, tables: str = "read") -> Draft:
    """Text: blocks at blank lines (or at every line when there are none); the cleaner finds the title.

    Lines inside a block stay separate (joined by newlines) so the cleaner can drop a navigation
    line that shares a block with another one. A table copied from a page comes one cell to a
    block; its cells are joined into rows again (see `_cell_tables`), then read, skipped or announced.
    """
    text = text.strip()
    raw_blocks = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else text.split("\n")
    blocks = []
    for raw in raw_blocks:
        lines = [normalise_space(line) for line in raw.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            blocks.append(Block(joined))
    for start, end, columns in reversed(_cell_tables([b.text for b in blocks])):
        if tables == "read":
            rows = [Block(table_row([b.text for b in blocks[i:i + columns]]), "row")
                    for i in range(start, end, columns)]
        else:
            rows = [Block(ANNOUNCEMENTS["table"], "note")] if tables == "announce" else []
        blocks[start:end] = rows
    return Draft(blocks=tuple(blocks), has_markup=False)


# A table copied as text: a cell is a short line; a number, a time or a score has a shape of its own.
TABLE_MIN_ROWS = 3
TABLE_MAX_COLUMNS = 12
_CELL_WORDS = 6
_NUMBER_CELL = re.compile(r"[+-]?\d+([.,:'’]\d+)*\s?(%|\.|s|m|km|kg|pts|laps?|min)?", re.IGNORECASE)


def _cell_shape(text: str) -> str | None:
    """ "number" (a position, a score, a lap time), "word", or None when the block is no table cell."""
    if "\n" in text or len(text.split()) > _CELL_WORDS:
        return None
    if _NUMBER_CELL.fullmatch(text):
        return "number"
    return None if re.search(r"[.!?:]$", text) else "word"


def _cell_tables(texts: list[str]) -> list[tuple[int, int, int]]:
    """The tables whose cells stand one to a block, in page order: (start, end, columns) each.

    Rows are found by their period: `columns` cells at a time, every data row with the same shape
    (each cell a number or a word, as in the first data row), TABLE_MIN_ROWS rows or more, and at
    least one column of numbers, which a menu has not. A header row of words right above the data
    joins the table.
    """
    shapes = [_cell_shape(t) for t in texts]
    found: list[tuple[int, int, int]] = []
    start = 0
    while start < len(texts):
        best = None
        for columns in range(2, TABLE_MAX_COLUMNS + 1):
            signature = shapes[start:start + columns]
            if len(signature) < columns or None in signature or "number" not in signature:
                continue
            rows = 1
            while shapes[start + rows * columns:start + (rows + 1) * columns] == signature:
                rows += 1
            if rows >= TABLE_MIN_ROWS and (best is None or rows * columns > best[1] - best[0]):
                best = (start, start + rows * columns, columns)
        if best is None:
            start += 1
            continue
        first, end, columns = best
        previous_end = found[-1][1] if found else 0
        if first - columns >= previous_end and shapes[first - columns:first] == ["word"] * columns:
            first -= columns  # the header row
        found.append((first, end, columns))
        start = end
    return found


_CONTAINERS = {"table", "row", "cell", "div", "section", "article", "main", "body"}


def _walk_trafilatura(element, blocks: list[Block], code: str, tables: str) -> None:
    """Blocks from trafilatura's XML body, descending into layout tables and containers."""
    for child in element:
        tag = child.tag
        if tag == "table" and child.find(".//p") is None and child.find(".//head") is None:
            if tables == "announce":
                blocks.append(Block(ANNOUNCEMENTS["table"], "note"))
            elif tables == "read":
                for row in child.iter("row"):
                    if text := table_row([" ".join(cell.itertext()) for cell in row.iter("cell")]):
                        blocks.append(Block(text, "row"))
        elif tag in _CONTAINERS:
            _walk_trafilatura(child, blocks, code, tables)
        elif tag == "list":
            for item in child.iter("item"):
                text = normalise_space(" ".join(item.itertext()))
                if text:
                    blocks.append(Block(text, "item"))
        elif tag == "code":
            if code == "announce":
                blocks.append(Block(ANNOUNCEMENTS["code"], "note"))
        else:
            text = normalise_space(" ".join(child.itertext()))
            if not text:
                continue
            if tag == "head":
                level = int((child.get("rend") or "h2").lstrip("h") or 2)
                blocks.append(Block(text, "heading", level))
            elif tag == "quote":
                blocks.append(Block(text, "quote"))
            else:
                blocks.append(Block(text))


_SKIPPED_HTML = ("script", "style", "noscript", "template", "svg", "iframe", "form", "button", "select",
                 "nav", "footer", "aside", "figcaption", "figure", "head")
_BLOCK_HTML = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "dd", "dt",
               "div", "section", "article", "header", "main", "ul", "ol", "table", "tr", "tbody", "center"}


# Class and id words of boxes set into an article that are not its prose: charts and their lead-ins,
# promotions, sharing and newsletter boxes. Matched as whole words of a class or id ("interactive-leadin").
_NOT_PROSE_BOX = re.compile(r"(^|[-_])(interactive|graphic|graphics|chart|promo|newsletter|related|recirc|"
                            r"sponsor|sponsored|outbrain|taboola)($|[-_])", re.IGNORECASE)
# A post embedded from a social network, by the class its publisher's embed code gives it: the article
# quotes it, and extractors often drop it with the widget it comes in.
_EMBEDDED_POST = re.compile(r"^(twitter-tweet|instagram-media|tiktok-embed|bluesky-embed|reddit-embed-bq)$")
# Containers whose class words describe the whole page ("has-newsletter-modal"), not a box in it.
_PAGE_CONTAINERS = frozenset({"html", "body", "main", "article"})
# An extracted title this short that the <title> does not name may be the site's logo, not a headline.
SITE_NAME_WORDS = 3
# Alt texts shorter than this ("photo", "Ann Lee") are too common to mark a line as a caption.
IMAGE_TEXT_WORDS = 3


@dataclass(frozen=True)
class PageText:
    """The page's own text, read once: its blocks, which of them sit in boxes, and its h1 headings."""

    blocks: list[str]
    boxed: set[int]  # indexes of blocks in a box whose class or id marks a chart, a promotion or the like
    headlines: list[str]
    image_texts: frozenset[str] = frozenset()  # alt texts of the page's images, squashed
    title: str | None = None  # the <title> element's text
    embedded: frozenset[int] = frozenset()  # indexes of blocks in a post embedded from a social network


def html_text_blocks(html: str) -> PageText:
    """Every block of visible text in page order (what select-all and copy would give, see `text_runs`),
    which of them sit in a box marked as a chart or a promotion, and the page's h1 headings."""
    import lxml.html

    from narrate.article.patterns import squash

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return PageText([], set(), [])
    headlines = [normalise_space(h1.text_content()) for h1 in root.iter("h1")]
    title = next((normalise_space(t.text_content()) for t in root.iter("title")), None) or None
    image_texts = frozenset(squash(alt) for image in root.iter("img")
                            if len((alt := image.get("alt") or "").split()) >= IMAGE_TEXT_WORDS)
    for element in list(root.iter(*_SKIPPED_HTML)):
        if element.getparent() is not None:
            element.drop_tree()
    found: list[str] = []
    boxed: set[int] = set()
    embedded: set[int] = set()
    for text, container in text_runs(root):
        boxes = [box for box in (container, *container.iterancestors()) if box.tag not in _PAGE_CONTAINERS]
        if any(_NOT_PROSE_BOX.search(word) for box in boxes
               for word in f"{box.get('class') or ''} {box.get('id') or ''}".split()):
            boxed.add(len(found))
        if any(box.tag == "blockquote" and any(_EMBEDDED_POST.match(word) for word in (box.get("class") or "").split())
               for box in boxes):
            embedded.add(len(found))
        found.append(text)
    return PageText(found, boxed, headlines, image_texts, title, frozenset(embedded))


def text_runs(root, block_tags: frozenset[str] | set[str] = _BLOCK_HTML) -> list[tuple[str, object]]:
    """Every block of visible text under `root` in page order, each with the element it stands in.

    A block is a leaf element's text, or a run of text set straight into a container between its
    child blocks, as pages that lay out their article with line breaks do; two or more line breaks
    in a row end a paragraph there. Shared by the page's plain reading and the block scorer.
    """
    found: list[tuple[str, object]] = []
    containers = {ancestor for element in root.iter(*block_tags) for ancestor in element.iterancestors()}

    def add(parts: list[str], container) -> None:
        text = normalise_space("".join(parts))
        if text:
            found.append((text, container))

    def walk(element) -> None:
        if element not in containers:
            if element.tag in block_tags:
                add([element.text_content()], element)
            return
        parts, breaks = [element.text or ""], 0
        for child in element:
            if not isinstance(child.tag, str):  # a comment or processing instruction: only its tail is text
                parts.append(child.tail or "")
                continue
            if child.tag == "br":
                breaks += 1
                parts.append(" ")
            elif child in containers or child.tag in block_tags:
                add(parts, element)
                walk(child)
                parts, breaks = [], 0
            else:
                content = child.text_content()
                if content.strip():
                    if breaks >= 2:
                        add(parts, element)
                        parts = []
                    breaks = 0
                parts.append(content)
            if child.tail and child.tail.strip():
                if breaks >= 2:
                    add(parts, element)
                    parts = []
                breaks = 0
            parts.append(child.tail or "")
        add(parts, element)

    walk(root)
    return found


def _fill_gaps(blocks: list[Block], page_blocks: list[str], boxed: set[int],
               embedded: frozenset[int] = frozenset()) -> list[Block]:
    """Add back paragraphs the extractor skipped inside the article (and its lead just above).

    The page's own blocks are lined up with the extractor's; prose found between two blocks the
    extractor kept was part of the article's run and is restored in place, unless it sits in a
    box marked as a chart or a promotion; a post embedded from a social network there is restored
    whole, as a quotation ("quote"), prose or not. Nothing is added past the article's last kept block,
    where comments and related stories live. Other added blocks are of kind "filled", so the second
    opinions can ask an extractor to agree with them.
    """
    from narrate.article.patterns import is_prose, squash

    keys = [squash(b.text) for b in blocks]
    stream = "".join(keys)
    placed: dict[int, int] = {}  # page block index -> extractor block index
    for j, text in enumerate(page_blocks):
        key = squash(text)
        if len(key) < 12:
            continue
        for i, own in enumerate(keys):
            if own and (key in own or (len(own) >= 24 and own in key)):
                placed[j] = i
                break
        else:
            if key in stream:
                placed[j] = -1
    anchors = sorted(j for j, i in placed.items() if i >= 0)
    if not anchors:
        return blocks
    inserts: dict[int, list[tuple[str, str]]] = {}  # extractor block index -> (text, kind) after it
    lead = []
    for j in range(anchors[0] - 1, max(-1, anchors[0] - 3), -1):
        if j in placed or not is_prose(page_blocks[j]):
            break
        lead.insert(0, page_blocks[j])
    if lead:
        inserts[-1] = [(text, "filled") for text in lead]
    previous = anchors[0]
    for j in range(anchors[0] + 1, anchors[-1]):
        if j in placed:
            if placed[j] >= 0:
                previous = j
            continue
        if j in embedded:
            inserts.setdefault(placed[previous], []).append((page_blocks[j], "quote"))
        elif is_prose(page_blocks[j]) and j not in boxed:
            inserts.setdefault(placed[previous], []).append((page_blocks[j], "filled"))
    if not inserts:
        return blocks
    merged = [Block(text, kind) for text, kind in inserts.get(-1, [])]
    for i, block in enumerate(blocks):
        merged.append(block)
        merged += [Block(text, kind) for text, kind in inserts.get(i, [])]
    return merged


# The note that closes many articles: who wrote it and who helped. Readers of the page see it, and
# extractors often cut it with the footer; it is short and names people, so it is read.
_AUTHOR_NOTE = re.compile(
    r"^[A-Z][\w.'’ -]{2,60}\s(is|was|are|were)\s(an?|the)\s.{0,100}\b(?i:reporter|editor|correspondent|producer|"
    r"writer|journalist|columnist|contributor|author|critic|host|freelancer|fellow|professor|analyst)s?\b|"
    r"^[A-Z][\w.'’ -]{2,60}\shas\s(covered|written|reported)\b|"
    r"^(additional\s)?reporting\sby\s[A-Z]|"
    r"^[A-Z][\w.'’ ,&-]{2,120}\scontributed(\sreporting|\sto\sthis\s(report|article|story))?\.?$")
AUTHOR_NOTES = 4


def _with_author_notes(blocks: list[Block], page_blocks: list[str]) -> list[Block]:
    """Add the author notes that follow the article's last paragraph on the page, if the extractor cut them."""
    from narrate.article.patterns import squash

    if not blocks:
        return blocks
    last = squash(blocks[-1].text)[-80:]
    ends = [j for j, text in enumerate(page_blocks) if last and last in squash(text)]
    if not ends:
        return blocks
    body = "".join(squash(b.text) for b in blocks)
    notes = []
    for text in page_blocks[ends[-1] + 1:ends[-1] + 1 + AUTHOR_NOTES]:
        if not _AUTHOR_NOTE.search(text) or len(text.split()) > 80:
            break
        if squash(text) not in body:
            notes.append(Block(text))
    return [*blocks, *notes]


def _with_standfirst(blocks: list[Block], description: str | None, page_blocks: list[str]) -> list[Block]:
    """The dek opens the episode when the page shows it above the article and the body lacks it.

    The meta description is often an SEO summary nobody sees; it counts as the standfirst only
    when it is a visible block of the page, placed before the article's first paragraph.
    """
    from narrate.article.patterns import squash

    if not description or not blocks:
        return blocks
    key = squash(description)
    body = "".join(squash(b.text) for b in blocks)
    if len(key) < 12 or key in body:
        return blocks
    first_body = squash(blocks[0].text)[:60]
    for text in page_blocks:
        page_key = squash(text)
        if first_body and first_body in page_key:
            return blocks  # reached the article without meeting the dek
        if page_key == key:
            return [Block(normalise_space(description)), *blocks]
    return blocks


def _headline(meta_title: str | None, page: PageText, blocks: list[Block]) -> str | None:
    """The page's h1 when the metadata names something else and the h1 heads the extracted article,
    or its <title> when the extractor took a short h1 the <title> does not name (a site's logo).

    Metadata titles are usually right, but a page may leave its <title> empty and the extractor then
    takes the first heading it meets, even one in a menu ("Take your next trip with Atlas Obscura!"),
    or the extractor may prefer an h1 that is only the site's name over the <title> that names the
    article; the <title> is trusted then when the page shows its headline, four words or more, as text.
    """
    from narrate.article.patterns import squash

    page_title = squash(page.title or "")
    if meta_title and page_title and len(meta_title.split()) <= SITE_NAME_WORDS \
            and squash(meta_title) not in page_title \
            and any(len(b.split()) >= 4 and squash(b) in page_title for b in page.blocks):
        return page.title
    if meta_title and any(squash(h) and (squash(h) in squash(meta_title) or squash(meta_title) in squash(h))
                          for h in page.headlines):
        return meta_title
    headings = {squash(b.text) for b in blocks if b.kind == "heading"}
    return next((h for h in page.headlines if len(h.split()) >= 4 and squash(h) in headings), meta_title)


def parse_html(data: bytes, text: str, *, url: str | None = None, code: str = "skip", tables: str = "read") -> Draft:
    """Main content and metadata with trafilatura, its gaps filled from the page's own text blocks (no
    blocks, and the page's headline, when trafilatura finds no article).

    `text` is the page already decoded (with the HTTP charset when there was one).
    """
    import trafilatura

    document = trafilatura.bare_extraction(
        data, url=url, favor_recall=True, include_comments=False, include_tables=True,
        include_images=False, include_links=False, include_formatting=False, with_metadata=True)
    page = html_text_blocks(text)
    if document is None or document.body is None:  # the extractor found nothing: the block scorer may
        return Draft(blocks=(), title=next((h for h in page.headlines if h), page.title), source_url=url,
                     page_blocks=tuple(page.blocks), image_texts=page.image_texts)
    blocks: list[Block] = []
    _walk_trafilatura(document.body, blocks, code, tables)
    blocks = _fill_gaps(blocks, page.blocks, page.boxed, page.embedded)
    blocks = _with_standfirst(blocks, document.description, page.blocks)
    blocks = _with_author_notes(blocks, page.blocks)
    return Draft(
        blocks=tuple(blocks), title=_headline(document.title, page, blocks), author=document.author,
        date=document.date,
        source_url=document.url or url, site_name=document.sitename, image_url=document.image,
        description=document.description, page_blocks=tuple(page.blocks), image_texts=page.image_texts,
        language=declared_in_html(text),
    )
