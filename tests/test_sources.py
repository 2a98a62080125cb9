"""Every kind of source `narrate sync` follows, read into the articles it lists."""

import json

import pytest

from narrate.errors import IngestError
from narrate.follow.sources import parse_source, read_source

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Courier</title><link>https://news.example/</link>
<item><title>Bridge vote</title><link>https://news.example/bridge</link><guid>bridge-1</guid>
<pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate></item>
<item><title>Harbour</title><link>/harbour</link></item></channel></rss>"""
ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Courier</title>
<entry><title>Bridge vote</title><id>tag:news.example,2026:1</id><link rel="alternate" href="https://news.example/bridge"/>
<updated>2026-11-30T10:00:00Z</updated></entry></feed>"""
SITEMAP = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://news.example/bridge</loc><lastmod>2026-11-30</lastmod></url>
<url><loc> https://news.example/harbour </loc></url></urlset>"""


def test_rss_items_with_their_guids_dates_and_addresses_made_absolute():
    bridge, harbour = parse_source(RSS, "https://news.example/feed.xml")
    assert (bridge.key, bridge.url, bridge.title) == ("bridge-1", "https://news.example/bridge", "Bridge vote")
    assert bridge.updated == "Mon, 30 Nov 2026 10:00:00 GMT"
    assert harbour.url == "https://news.example/harbour" and harbour.key == harbour.url and harbour.updated is None


def test_atom_and_json_feed_entries():
    (entry,) = parse_source(ATOM, "atom.xml")
    assert (entry.key, entry.url, entry.updated) == ("tag:news.example,2026:1", "https://news.example/bridge",
                                                     "2026-11-30T10:00:00Z")
    feed = {"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": "7", "url": "https://news.example/seven", "date_modified": "2026-11-29T08:00:00Z", "title": "Seven"},
        {"id": "8", "content_text": "no address: nothing to narrate"}]}
    (item,) = parse_source(json.dumps(feed).encode(), "feed.json")
    assert (item.key, item.url, item.updated, item.title) == ("7", "https://news.example/seven",
                                                               "2026-11-29T08:00:00Z", "Seven")


def test_sitemaps_and_sitemap_indexes(tmp_path):
    bridge, harbour = parse_source(SITEMAP, "sitemap.xml")
    assert (bridge.url, bridge.updated) == ("https://news.example/bridge", "2026-11-30")
    assert harbour.url == "https://news.example/harbour" and harbour.updated is None
    (tmp_path / "part.xml").write_bytes(SITEMAP)
    index = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>'
             + str(tmp_path / "part.xml").encode() + b"</loc></sitemap></sitemapindex>")
    assert [e.url for e in parse_source(index, "index.xml")] == [bridge.url, harbour.url]


def test_an_opml_list_of_feeds(tmp_path):
    (tmp_path / "courier.xml").write_bytes(RSS)
    (tmp_path / "atom.xml").write_bytes(ATOM)
    opml = (f'<opml version="2.0"><body><outline text="News"><outline type="rss" xmlUrl="{tmp_path / "courier.xml"}"/>'
            f'<outline type="rss" xmlUrl="{tmp_path / "atom.xml"}"/></outline></body></opml>').encode()
    assert [e.key for e in parse_source(opml, "subscriptions.opml")] == ["bridge-1", "https://news.example/harbour",
                                                                         "tag:news.example,2026:1"]


def test_a_file_of_urls_with_comments():
    text = b"# my reading list\nhttps://news.example/bridge\n\nhttps://news.example/harbour  # read this one\n"
    assert [e.url for e in parse_source(text, "list.txt")] == ["https://news.example/bridge",
                                                                "https://news.example/harbour"]
    with pytest.raises(IngestError, match="line 2 is not an http"):
        parse_source(b"https://news.example/a\nnot a url\n", "list.txt")


def test_a_folder_of_articles_changes_when_a_file_does(tmp_path):
    (tmp_path / "one.md").write_text("# One\n\nText.\n")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / ".draft.md").write_text("# Draft\n")
    (entry,) = read_source(str(tmp_path)).entries
    assert entry.url == str(tmp_path / "one.md") and entry.updated.startswith("sha256:")
    (tmp_path / "one.md").write_text("# One\n\nText, edited.\n")
    assert read_source(str(tmp_path)).entries[0].updated != entry.updated


@pytest.mark.parametrize("data, message", [
    (b"<html><body>hi</body></html>", "not a feed, sitemap or OPML"),
    (b'{"items": []}', "not a JSON Feed"),
    (b"<rss><channel>", "not well-formed XML"),
])
def test_what_is_no_source_is_said_in_one_line(data, message):
    with pytest.raises(IngestError, match=message):
        parse_source(data, "thing")


def test_the_article_a_full_text_feed_carries_and_never_its_summary():
    rss = (b'<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
           b"<channel><title>Courier</title><item><title>Bridge</title><link>https://news.example/bridge</link>"
           b"<author>ann@news.example (Ann Lee)</author><pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate>"
           b"<description>A teaser.</description><content:encoded><![CDATA[<p>The council voted.</p>"
           b"<script>alert(1)</script>]]></content:encoded></item>"
           b"<item><title>Harbour</title><link>https://news.example/harbour</link>"
           b"<description>Only a summary here.</description></item></channel></rss>")
    bridge, harbour = parse_source(rss, "https://news.example/feed.xml")
    assert bridge.content == "<p>The council voted.</p>" and bridge.published == "2026-11-30"
    assert "Ann Lee" in bridge.author
    assert harbour.content is None
    atom = ATOM.replace(b"</updated>", b'</updated><summary>Short.</summary><content type="text">One.\n\nTwo &amp; three.'
                        b"</content>")
    (entry,) = parse_source(atom, "atom.xml")
    assert entry.content == "<p>One.</p><p>Two &amp; three.</p>"
    feed = {"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": "1", "url": "https://news.example/1", "content_html": "<p>Whole.</p>", "authors": [{"name": "Bo"}],
         "date_published": "2026-11-29T08:00:00Z"},
        {"id": "2", "url": "https://news.example/2", "content_text": "Plain <text>.", "summary": "no"}]}
    first, second = parse_source(json.dumps(feed).encode(), "feed.json")
    assert (first.content, first.author, first.published) == ("<p>Whole.</p>", "Bo", "2026-11-29")
    assert second.content == "<p>Plain &lt;text&gt;.</p>"
