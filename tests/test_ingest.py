import io
import sys

import pytest

from narrate.article.clean import clean
from narrate.article.read import Source, parse, parse_markdown, parse_text, read_source
from narrate.article.sections import build_article
from narrate.errors import IngestError


def article_of(text: str, kind: str = "markdown"):
    draft, dropped = clean(parse(Source(text=text, name="t", kind=kind)))
    return build_article(draft, dropped)


def test_markdown_front_matter_headings_and_sections():
    article = article_of(
        "---\ntitle: Front Title\nauthor: [A. Writer, B. Editor]\ndate: 2025-01-02\n"
        "url: https://example.com/a\n---\n\nOpening words here.\n\n## First\n\nBody one.\n\n### Sub\n\nBody two.\n")
    assert article.title == "Front Title"
    assert article.author == "A. Writer and B. Editor"
    assert article.date == "2025-01-02"
    assert article.source_url == "https://example.com/a"
    assert [(s.title, s.paragraphs, s.has_heading) for s in article.sections] == [
        ("Front Title", ("Opening words here.",), False),
        ("First", ("Body one.",), True),
        ("Sub", ("Body two.",), True),
    ]


MARKDOWN = ("# The *Real* Title\n\nSee [the docs](https://x.example) and `narrate`.\n"
            "![a chart](chart.png)\n\n- first item\n- second item\n\n"
            "```python\nprint('code is not read aloud')\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
            "<div>raw html</div>\n\n> A quoted line.\n")


def test_markdown_h1_is_the_title_and_inline_markup_is_read_as_text():
    draft = parse_markdown(MARKDOWN, tables="skip")
    assert draft.title == "The Real Title"
    assert [(b.kind, b.text) for b in draft.blocks] == [
        ("paragraph", "See the docs and narrate."), ("item", "first item"), ("item", "second item"),
        ("quote", "A quoted line.")]


def test_markdown_tables_are_read_row_by_row_by_default():
    draft = parse_markdown(MARKDOWN)
    assert [(b.kind, b.text) for b in draft.blocks if b.kind == "row"] == [("row", "a, b"), ("row", "1, 2")]


def test_markdown_code_and_tables_can_be_announced():
    draft = parse_markdown(MARKDOWN, code="announce", tables="announce")
    notes = [b.text for b in draft.blocks if b.kind == "note"]
    assert notes == ["A code sample is skipped here.", "A table is skipped here."]
    assert not [b for b in draft.blocks if b.kind == "row"]


RESULTS_PAGE = """<html><head><title>Verstappen wins in Brazil</title></head><body>
<nav><a href="/">Home</a> <a href="/f1">F1</a></nav><article><h1>Verstappen wins in Brazil</h1>
<p>Max Verstappen won the Brazilian Grand Prix on Sunday after a late safety car bunched the field together.</p>
<p>Lewis Hamilton finished second, ahead of his team-mate, in a race decided by the final restart.</p>
<h2>Final classification</h2>
<table><thead><tr><th>Pos</th><th>Driver</th><th>Team</th><th>Time</th></tr></thead>
<tbody><tr><td>1</td><td>Max Verstappen</td><td>Red Bull</td><td>1:33:14.678</td></tr>
<tr><td>2</td><td>Lewis Hamilton</td><td>Mercedes</td><td>+1.020</td></tr></tbody></table>
<p>For narrow screens:</p>
<table><thead><tr><th>Pos</th><th>Driver</th><th>Team</th><th>Time</th></tr></thead>
<tbody><tr><td>1</td><td>Max Verstappen</td><td>Red Bull</td><td>1:33:14.678</td></tr>
<tr><td>2</td><td>Lewis Hamilton</td><td>Mercedes</td><td>+1.020</td></tr></tbody></table>
<p>The championship resumes in Abu Dhabi in two weeks, where the final points of the season are decided.</p>
</article><footer>About us</footer></body></html>"""


def test_an_html_data_table_is_read_row_by_row_and_a_repeated_table_once():
    article = article_of(RESULTS_PAGE, "html")
    results = next(s for s in article.sections if s.title == "Final classification")
    assert results.paragraphs[:3] == ("Pos, Driver, Team, Time", "1, Max Verstappen, Red Bull, 1:33:14.678",
                                      "2, Lewis Hamilton, Mercedes, +1.020")
    spoken = [p for s in article.sections for p in s.paragraphs]
    assert spoken.count("2, Lewis Hamilton, Mercedes, +1.020") == 1
    assert [d.reason for d in article.dropped].count("repeated table row (read once)") == 3


def test_an_html_data_table_can_be_skipped_or_announced():
    source = Source(text=RESULTS_PAGE, name="t", kind="html")
    assert not [b for b in parse(source, tables="skip").blocks if b.kind in ("row", "note")]
    assert [b.text for b in parse(source, tables="announce").blocks if b.kind == "note"] == [
        "A table is skipped here."] * 2


def test_plain_text_blocks_keep_their_lines_for_the_cleaner():
    draft = parse_text("My Title\n\nFirst para\nwraps here.\n\n\nSecond para.\n")
    assert draft.has_markup is False
    assert [b.text for b in draft.blocks] == ["My Title", "First para\nwraps here.", "Second para."]


def test_plain_text_title_and_paragraphs():
    article = article_of("My Title\n\nFirst para\nwraps here.\n\n\nSecond para.\n", "text")
    assert article.title == "My Title"
    assert article.sections[0].paragraphs == ("First para wraps here.", "Second para.")


def test_plain_text_without_blank_lines_reads_each_line_as_a_paragraph():
    article = article_of("Title\nOne line of the story.\nAnother line of it.\n", "text")
    assert article.title == "Title"
    assert article.sections[0].paragraphs == ("One line of the story.", "Another line of it.")


def test_long_text_without_headings_is_cut_into_sections_at_topic_shifts():
    topics = [("river", "water flows downstream past the mill and the bridge"),
              ("orchard", "apples ripen on branches while bees visit blossoms"),
              ("harbour", "ships unload cargo beside cranes on the quay")]
    paragraphs = []
    for name, words in topics:
        for n in range(4):
            paragraphs.append(f"The {name} story, part {n}: " + " ".join([words] * 12) + ".")
    article = article_of("Three Places\n\n" + "\n\n".join(paragraphs), "text")
    assert [len(s.paragraphs) for s in article.sections] == [4, 4, 4]
    assert article.sections[0].title == "Three Places"
    # A later section is titled by what sets it apart, in a few whole words, never cut with "…".
    second = article.sections[1].title.lower().split()
    assert 2 <= len(second) <= 6 and "…" not in article.sections[1].title
    assert set(second) <= set("apples ripen on branches while bees visit blossoms orchard story".split())
    assert set(article.sections[2].title.lower().split()) <= set("ships unload cargo beside cranes on the quay "
                                                                 "harbour story".split())
    flat = [p for s in article.sections for p in s.paragraphs]
    assert flat == paragraphs


def test_read_source_detects_markdown_on_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"# Piped\n\nHello there.\n")))
    source = read_source("-")
    assert source.kind == "markdown" and source.name == "stdin"
    assert parse(source).title == "Piped"


def test_read_source_detects_html_on_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"<!DOCTYPE html><html><body><p>x</p></body></html>")))
    assert read_source("-").kind == "html"


def test_read_source_strips_bom_and_windows_newlines(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbfTitle\r\n\r\nBody text.\r\n")
    assert read_source(str(path)).text == "Title\n\nBody text.\n"


def test_read_source_repairs_mojibake(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Title\n\nThe rocket didn’t fly.".encode("utf-8").decode("latin-1"), encoding="utf-8")
    assert read_source(str(path)).text.endswith("The rocket didn’t fly.")


def test_html_file_with_layout_tables_and_latin1_charset(tmp_path):
    page = ("<html><head><meta charset='iso-8859-1'><title>Caf\xe9 news</title></head><body>"
            "<table><tr><td><h1>Caf\xe9 opens</h1><p>" + "The caf\xe9 on the corner opened its doors today. " * 4 +
            "</p><p>" + "Neighbours queued for coffee and pastries all morning long. " * 4 + "</p></td></tr></table>"
            "</body></html>")
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("latin-1"))
    draft = parse(read_source(str(path)))
    text = " ".join(b.text for b in draft.blocks)
    assert "The café on the corner opened its doors today." in text
    assert "Neighbours queued" in text


@pytest.mark.parametrize("title", ["<title>Harbour news</titlevalue -->", "<title>Harbour news\nvar size = 12;"])
def test_a_page_whose_title_is_never_closed_is_still_read(tmp_path, title):
    from narrate.config import Config
    from narrate.pipeline import read_article

    path = tmp_path / "page.html"
    path.write_text(f"<html><head>{title}</head><body><h1>Harbour wall finished</h1>{HARBOUR}</body></html>",
                    encoding="utf-8")
    article = read_article(str(path), Config())
    text = " ".join(p for section in article.sections for p in section.paragraphs)
    assert text.count("The harbour wall was finished a week ahead of the winter storms.") == 1
    assert "lighthouse" in text and "titlevalue" not in text and "var size" not in article.title


def test_no_words_is_an_error(tmp_path):
    from narrate.config import Config
    from narrate.pipeline import read_article

    path = tmp_path / "x.md"
    path.write_text("# \n\n---\n", encoding="utf-8")
    with pytest.raises(IngestError, match="no words"):
        read_article(str(path), Config())


# Three paragraphs of an article page, each a sentence said three times: enough for the extractor.
HARBOUR = "".join(f"<p>{sentence} " * 3 + "</p>" for sentence in (
    "The harbour wall was finished a week ahead of the winter storms.",
    "Fishermen said the new wall had already saved two boats from the swell.",
    "The council will now turn to the lighthouse, which needs a new lamp."))


def test_author_notes_the_extractor_cut_after_the_article_are_read():
    page = ("<html><head><title>Harbour wall finished</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>Harbour wall finished</h1>{HARBOUR}</article>"
            "<div class='bio'><p>Ana Ruiz is a reporter for the Courier, based in Dover.</p>"
            "<p>Tom Lee contributed reporting.</p><p>Subscribe to our newsletter for more.</p></div></body></html>")
    text = " ".join(b.text for b in parse(Source(text=page, name="t", kind="html")).blocks)
    assert "which needs a new lamp." in text
    assert "Ana Ruiz is a reporter for the Courier" in text and "Tom Lee contributed reporting." in text
    assert "newsletter" not in text


def test_paragraphs_the_extractor_skipped_come_back_but_a_charts_lead_in_does_not():
    from narrate.article.read import _fill_gaps, html_text_blocks
    from narrate.models import Block

    body = ["The harbour wall was finished a week ahead of the winter storms, the council said on Monday.",
            "Fishermen said the new wall had already saved two boats from the swell during the first gale.",
            "The council will now turn to the lighthouse, which needs a new lamp before the spring."]
    lead_in = "Wave heights at the harbour mouth have risen every winter since records began, as the chart shows."
    page = (f"<html><body><article><p>{body[0]}</p><section class='interactive-embedded'><header>"
            f"<p class='interactive-leadin'>{lead_in}</p></header></section><p>{body[1]}</p>"
            f"<p>{body[2]}</p></article></body></html>")
    for shell in ("<body>", "<body class='has-newsletter-modal'>"):  # the page's own class words mark no box
        text = html_text_blocks(page.replace("<body>", shell))
        restored = [b.text for b in _fill_gaps([Block(body[0]), Block(body[2])], text.blocks, text.boxed)]
        assert restored == body


def test_a_post_embedded_in_the_article_is_read_as_a_quotation():
    post = "The new wall held through the first gale of the winter. Proud of everyone who built it."
    page = ("<html><head><title>Harbour wall finished</title></head><body><article><h1>Harbour wall finished</h1>"
            + HARBOUR.replace("</p>", "</p><div class='article-widget'><blockquote class='twitter-tweet'>"
                              f"<p>{post}</p>— Harbour Office (@harbour) March 3, 2024</blockquote></div>", 1)
            + "</article></body></html>")
    blocks = parse(Source(text=page, name="t", kind="html")).blocks
    quoted = [b for b in blocks if post in b.text]
    assert [b.kind for b in quoted] == ["quote"]
    texts = [b.text for b in blocks]
    assert texts.index(quoted[0].text) < next(i for i, t in enumerate(texts) if "Fishermen said" in t)


def test_an_html_page_without_a_title_is_named_by_the_h1_over_its_article_not_a_menu_heading():
    page = ("<html><head><title></title></head><body><nav><div class='menu'><h2 class='panel-title'>Take your next "
            f"trip with the Courier!</h2></div></nav><article><h1>Harbour Wall Finished Ahead of the Storms</h1>"
            f"{HARBOUR}</article><footer><h1>See Fewer Ads</h1></footer></body></html>")
    draft = parse(Source(text=page, name="t", kind="html"))
    assert draft.title == "Harbour Wall Finished Ahead of the Storms"


def test_an_html_page_whose_h1_is_the_sites_logo_is_named_by_its_title():
    page = ("<html><head><title>Harbour Wall Finished Ahead of the Storms - Courier</title></head><body>"
            "<h1 id='site-title'><a href='/'>The Courier</a></h1><div class='story'>"
            f"<p class='headline'>Harbour Wall Finished Ahead of the Storms</p>{HARBOUR}</div></body></html>")
    draft = parse(Source(text=page, name="t", kind="html"))
    assert draft.title == "Harbour Wall Finished Ahead of the Storms - Courier"  # the site's name goes in cleaning


def test_a_whole_page_converted_to_markdown_is_cleaned_like_copied_text_but_a_list_of_links_post_is_not():
    menu = [f"* [{name}](https://courier.example/{name.lower()})" for name in (
        "News", "Sport", "Weather", "Towns", "Rivers", "Bridges", "Ferries", "Opinion", "Letters", "Puzzles")]
    related = [f"* [{headline}](https://courier.example/{n})" for n, headline in enumerate((
        "Ferry Company Plans a Faster Crossing", "Mayor Opens the New Library Wing Herself",
        "These Are the Towns Where Bridges Cost Most", "Dangers of Cycling: Facts About City Roads"))]
    body = ["The council voted on Tuesday to rebuild the old stone bridge over the river, ending a debate that had "
            "run for years.",
            "Engineers had warned that the bridge could not carry modern lorries, and that repairs would only buy a "
            "few more winters."]
    page = "\n\n".join(["[Skip to content](#main)", "\n".join(menu), "# Bridge Vote Passes", "By Ann Lee", *body,
                        "## Related", "\n".join(related), "Share"])
    article = article_of(page)
    assert article.title == "Bridge Vote Passes"
    assert [p for s in article.sections for p in s.paragraphs] == body
    roundup = "\n\n".join(["# Links of the Week", "Ten things worth reading about rivers and the towns along them, "
                           "picked by the desk this week.", "\n".join(menu)])
    article = article_of(roundup)
    assert [p for s in article.sections for p in s.paragraphs][1:] == [m.split("[")[1].split("]")[0] for m in menu]


def test_a_converted_page_is_known_by_its_lines_of_links_and_its_teasers_linked_headings():
    menus = [" ".join(f"[{name}](https://courier.example/{name.lower()})" for name in names) for names in (
        ("News", "Sport", "Weather", "Towns"), ("Rivers", "Bridges", "Ferries"), ("Opinion", "Letters", "Puzzles"))]
    teasers = [f"### [{headline}](https://courier.example/{n})" for n, headline in enumerate((
        "Ferry Company Plans a Faster Crossing", "Mayor Opens the New Library Wing Herself",
        "These Are the Towns Where Bridges Cost Most", "Dangers of Cycling: Facts About City Roads",
        "Harbour Wall Finished Ahead of Storms", "Lighthouse Gets a New Lamp at Last",
        "Night Buses Return to the Coast Road"))]
    body = ["The council voted on Tuesday to rebuild the old stone bridge over the river, ending a debate that had "
            "run for years.",
            "Engineers had warned that the bridge could not carry modern lorries, and that repairs would only buy a "
            "few more winters.",
            "Residents packed the hall for the vote. Many had crossed the bridge every day of their lives and wanted "
            "it kept as it was."]
    page = "\n\n".join([*menus, "# Bridge Vote Passes", *body, "Share", "## More from the Courier", *teasers])
    article = article_of(page)
    assert [p for s in article.sections for p in s.paragraphs] == body
    assert not any("Ferry Company" in s.title for s in article.sections)


def test_a_line_that_repeats_an_images_alt_text_is_its_caption_but_a_summary_that_does_is_read():
    summary = "The council voted to rebuild the old stone bridge, ending years of argument over the crossing."
    page = f"""<html><head><title>Bridge vote</title></head><body><article><h1>Bridge vote</h1>
<img src="lead.jpg" alt="{summary}"><p>{summary}</p>
<p>The council voted on Tuesday to rebuild the old stone bridge over the river, ending a debate that had run for years.</p>
<div class="article-img"><img src="b.jpg" alt="The old bridge from the north bank at dawn"></div>
<p>The old bridge from the north bank at dawn</p>
<p>Engineers had warned that the bridge could not carry modern lorries, and that repairs would only buy a few more
winters. Residents packed the hall for the vote, and many of them spoke.</p></article></body></html>"""
    article = article_of(page, "html")
    spoken = [p for s in article.sections for p in s.paragraphs]
    assert summary in spoken
    assert "The old bridge from the north bank at dawn" not in spoken
    assert ("The old bridge from the north bank at dawn", "image caption") in [(d.text, d.reason) for d in article.dropped]


def test_the_pages_text_keeps_paragraphs_set_straight_into_a_container_between_line_breaks():
    from narrate.article.read import html_text_blocks

    body = ["The harbour wall was finished a week ahead of the winter storms, the council said on Monday.",
            "Fishermen said the new wall had already saved two boats from the swell during the first gale.",
            "The council will now turn to the lighthouse, which needs a new lamp before the spring."]
    page = (f"<html><body><div class='article'><span>{body[0]}<br></span><br><div class='img'>"
            f"<img src='a.jpg' alt='The wall'></div><br><br>{body[1][:20]}<a href='#'>{body[1][20:40]}</a>"
            f"{body[1][40:]}<br><br><h2>The lighthouse</h2><br>{body[2]}<br><br></div></body></html>")
    assert html_text_blocks(page).blocks == [body[0], body[1], "The lighthouse", body[2]]
