"""Read an input (file or stdin) and turn it into an `Article`: title, metadata, sections.

Markdown headings become sections; plain text becomes paragraphs that `segment` groups into
sections. Each format is one function from decoded text to Article, picked by `parse`.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from narrate.errors import IngestError
from narrate.models import Article, Section

MAX_INPUT_BYTES = 20 * 1024 * 1024
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}
TEXT_SUFFIXES = {".txt", ".text", ""}


@dataclass(frozen=True)
class Source:
    """Decoded input text and what we know of its kind."""

    text: str
    name: str
    kind: str  # "markdown" or "text"


def read_source(source: str) -> Source:
    """Read a path, or stdin for `-`, as UTF-8 text; refuse binary and oversized input clearly."""
    if source == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        name = "stdin"
        suffix = ""
    else:
        path = Path(source)
        name = str(path)
        suffix = path.suffix.lower()
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
    if b"\x00" in data:
        raise IngestError(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{name}: not valid UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    if suffix in MARKDOWN_SUFFIXES:
        kind = "markdown"
    elif suffix in TEXT_SUFFIXES or source == "-":
        kind = "markdown" if _looks_like_markdown(text) else "text"
    else:
        kind = "text"
    return Source(text=text.replace("\r\n", "\n").replace("\r", "\n"), name=name, kind=kind)


def _looks_like_markdown(text: str) -> bool:
    return bool(re.search(r"^(#{1,6} \S|---\n)", text, re.MULTILINE)) or text.startswith("---\n")


def parse(source: Source) -> Article:
    """Turn decoded input into an Article; raise if there is nothing to read."""
    parser = {"markdown": parse_markdown, "text": parse_text}[source.kind]
    article = parser(source.text)
    if not any(re.search(r"\w", p) for section in article.sections for p in section.paragraphs):
        raise IngestError(f"{source.name}: no words to read")
    return article


def _normalise_space(text: str) -> str:
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
            return str(value).strip()
    return None


def _inline_text(token) -> str:
    """The readable text of an inline token: link text kept, images and raw HTML left out."""
    parts = []
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
    return _normalise_space("".join(parts))


def parse_markdown(text: str) -> Article:
    """Headings of level 2 and below (or any level after the title) start sections."""
    from markdown_it import MarkdownIt

    meta, body = _front_matter(text)
    title = _meta_str(meta, "title")
    tokens = MarkdownIt("commonmark").enable("table").parse(body)

    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    heading_level = 0
    skip_until = None
    for index, token in enumerate(tokens):
        if skip_until is not None:
            if token.type == skip_until:
                skip_until = None
            continue
        if token.type == "table_open":
            skip_until = "table_close"
        elif token.type == "heading_open":
            heading_level = int(token.tag[1])
        elif token.type == "inline" and heading_level:
            heading = _inline_text(token)
            if heading_level == 1 and title is None and not any(p for _, p in sections):
                title = heading
            elif heading:
                sections.append((heading, []))
            heading_level = 0
        elif token.type == "inline":
            paragraph = _inline_text(token)
            if paragraph:
                sections[-1][1].append(paragraph)
    return _article_from_parts(title, sections, meta)


def parse_text(text: str) -> Article:
    """Plain text: the first line is the title, blank lines separate paragraphs.

    When the text has no blank lines at all, each line is taken as a paragraph, which is how
    most copied text arrives.
    """
    lines = text.strip().split("\n")
    title = _normalise_space(lines[0]) if lines else ""
    rest = "\n".join(lines[1:])
    if re.search(r"\n\s*\n", rest):
        blocks = re.split(r"\n\s*\n", rest)
    else:
        blocks = rest.split("\n")
    paragraphs = [p for p in (_normalise_space(b) for b in blocks) if p]
    return _article_from_parts(title or None, [(None, paragraphs)], {})


def _article_from_parts(title: str | None, parts: list[tuple[str | None, list[str]]], meta: dict) -> Article:
    from narrate.segment import group_paragraphs

    if title is None:
        first = next((p for _, paragraphs in parts for p in paragraphs), "")
        title = " ".join(first.split()[:8]) or "Untitled"
    parts = [(heading, paragraphs) for heading, paragraphs in parts if paragraphs or heading]
    if len(parts) == 1 and parts[0][0] is None:
        sections = group_paragraphs(title, parts[0][1])
    else:
        sections = tuple(Section(heading or title, tuple(paragraphs), has_heading=heading is not None)
                         for heading, paragraphs in parts)
    return Article(
        title=title,
        sections=sections,
        author=_meta_str(meta, "author", "authors", "byline"),
        date=_meta_str(meta, "date", "published"),
        source_url=_meta_str(meta, "url", "source", "canonical_url"),
    )
