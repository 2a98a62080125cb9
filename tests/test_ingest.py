import io
import sys

import pytest

from narrate.errors import IngestError
from narrate.ingest import Source, parse, parse_markdown, parse_text, read_source


def test_markdown_front_matter_headings_and_sections():
    article = parse_markdown(
        "---\ntitle: Front Title\nauthor: [A. Writer, B. Editor]\ndate: 2025-01-02\n"
        "url: https://example.com/a\n---\n\nOpening words here.\n\n## First\n\nBody one.\n\n### Sub\n\nBody two.\n")
    assert article.title == "Front Title"
    assert article.author == "A. Writer, B. Editor"
    assert article.date == "2025-01-02"
    assert article.source_url == "https://example.com/a"
    assert [(s.title, s.paragraphs, s.has_heading) for s in article.sections] == [
        ("Front Title", ("Opening words here.",), False),
        ("First", ("Body one.",), True),
        ("Sub", ("Body two.",), True),
    ]


def test_markdown_h1_is_the_title_and_inline_markup_is_read_as_text():
    article = parse_markdown(
        "# The *Real* Title\n\nSee [the docs](https://x.example) and `narrate`.\n"
        "![a chart](chart.png)\n\n- first item\n- second item\n\n"
        "```python\nprint('code is not read aloud')\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "<div>raw html</div>\n\n> A quoted line.\n")
    assert article.title == "The Real Title"
    paragraphs = article.sections[0].paragraphs
    assert paragraphs == ("See the docs and narrate.", "first item", "second item", "A quoted line.")


def test_plain_text_title_and_paragraphs():
    article = parse_text("My Title\n\nFirst para\nwraps here.\n\n\nSecond para.\n")
    assert article.title == "My Title"
    assert article.sections[0].paragraphs == ("First para wraps here.", "Second para.")
    assert article.sections[0].has_heading is False


def test_plain_text_without_blank_lines_reads_each_line_as_a_paragraph():
    article = parse_text("Title\nOne line.\nAnother line.\n")
    assert article.sections[0].paragraphs == ("One line.", "Another line.")


def test_long_text_without_headings_is_cut_into_sections():
    paragraphs = [f"Paragraph {i} talks about topic {i}. " + "word " * 120 for i in range(12)]
    article = parse_text("Long Read\n\n" + "\n\n".join(paragraphs))
    assert len(article.sections) >= 3
    assert article.sections[0].title == "Long Read"
    assert article.sections[1].title.startswith("Paragraph ")
    # Every paragraph is kept, in order, exactly once.
    flat = [p for s in article.sections for p in s.paragraphs]
    assert flat == [" ".join(p.split()) for p in paragraphs]


def test_read_source_detects_markdown_on_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"# Piped\n\nHello there.\n")))
    source = read_source("-")
    assert source.kind == "markdown" and source.name == "stdin"
    assert parse(source).title == "Piped"


def test_read_source_strips_bom_and_windows_newlines(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbfTitle\r\n\r\nBody text.\r\n")
    source = read_source(str(path))
    assert source.text == "Title\n\nBody text.\n"


def test_no_words_is_an_error():
    with pytest.raises(IngestError, match="no words"):
        parse(Source(text="# \n\n---\n", name="x.md", kind="markdown"))
