"""The narration script: what will be spoken, as Markdown to read or JSON to edit and build from."""

from __future__ import annotations

import json
from typing import Any

from narrate.article.sections import opening_phrase
from narrate.errors import IngestError
from narrate.models import Article, Dropped, Section

SCRIPT_KEYS = {"title", "author", "date", "source_url", "sections", "dropped"}


def to_json(article: Article) -> str:
    document = {
        "title": article.title,
        "author": article.author,
        "date": article.date,
        "source_url": article.source_url,
        # "title" is a heading read aloud (null when the section has none); "chapter" names the chapter.
        "sections": [{"title": s.title if s.has_heading else None, "chapter": s.title,
                      "paragraphs": list(s.paragraphs)} for s in article.sections],
        "dropped": [{"text": d.text, "reason": d.reason} for d in article.dropped],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_markdown(article: Article) -> str:
    lines = [f"# {article.title}", ""]
    byline = " · ".join(x for x in (article.author and f"By {article.author}", article.date, article.source_url) if x)
    if byline:
        lines += [f"*{byline}*", ""]
    for section in article.sections:
        marker = "" if section.has_heading else " (chapter title, not read)"
        lines += [f"## {section.title}{marker}", ""]
        for paragraph in section.paragraphs:
            lines += [paragraph, ""]
    if article.dropped:
        lines += ["---", "", f"Not read ({len(article.dropped)} blocks):", ""]
        for item in article.dropped:
            text = item.text if len(item.text) <= 100 else item.text[:97] + "..."
            lines.append(f"- [{item.reason}] {' '.join(text.split())}")
        lines.append("")
    return "\n".join(lines)


def _text(value: Any, where: str, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise IngestError(f"script: {where} must be {'a non-empty' if required else 'a'} string")
    return value


def from_json(text: str, name: str) -> Article:
    """Load a script written by `narrate script --format json`, perhaps edited by hand."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(f"{name}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(document, dict):
        raise IngestError(f"{name}: a script is a JSON object with title and sections")
    unknown = set(document) - SCRIPT_KEYS
    if unknown:
        raise IngestError(f"{name}: unknown key {sorted(unknown)[0]!r}; a script has {', '.join(sorted(SCRIPT_KEYS))}")
    title = _text(document.get("title"), "title", required=True)
    sections = document.get("sections")
    if not isinstance(sections, list) or not sections:
        raise IngestError(f"{name}: sections must be a non-empty list")
    built = []
    for number, section in enumerate(sections, start=1):
        if not isinstance(section, dict):
            raise IngestError(f"{name}: sections[{number}] must be an object with title and paragraphs")
        heading = _text(section.get("title"), f"sections[{number}].title")
        chapter = _text(section.get("chapter"), f"sections[{number}].chapter")
        paragraphs = section.get("paragraphs", [])
        if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
            raise IngestError(f"{name}: sections[{number}].paragraphs must be a list of strings")
        paragraphs = [p for p in paragraphs if p.strip()]
        if not (heading and heading.strip()) and not paragraphs:
            raise IngestError(f"{name}: sections[{number}] has neither a title nor paragraphs")
        has_heading = bool(heading and heading.strip())
        section_title = (heading if has_heading else None) or chapter or (
            title if number == 1 else opening_phrase(paragraphs[0]))
        built.append(Section(section_title, tuple(paragraphs), has_heading=has_heading))
    dropped = tuple(Dropped(str(d.get("text", "")), str(d.get("reason", "")))
                    for d in document.get("dropped") or [] if isinstance(d, dict))
    return Article(title=title, sections=tuple(built), author=_text(document.get("author"), "author"),
                   date=_text(document.get("date"), "date"), source_url=_text(document.get("source_url"), "source_url"),
                   dropped=dropped)
