"""Publishing: the feed parses strictly and with feedparser, survives concurrency and crashes."""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

import feedparser
import podcastparser
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from PIL import Image

from conftest import FIXTURES, run_cli

SHOW = """podcast:
  title: "Long Reads & <Aloud> \u201cquoted\u201d \U0001F3A7"
  author: Jane Doe
  description: Articles read aloud.
  base_url: https://pod.example.com/show/
  owner: {name: Jane Doe, email: jane@example.com}
  category: News
  subcategory: Politics
  funding: {url: "https://example.com/support?a=1&b=2", text: Support us}
"""
TRICKY_TITLE = "Caf\u00e9 & <Bar>: \u201cquotes\u201d, 'apostrophes' \U0001F600 \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627"


@pytest.fixture
def show(tmp_path):
    config = tmp_path / "narrate.yaml"
    config.write_text(SHOW, encoding="utf-8")
    return config


def article(tmp_path, name, title, body="The tide came in slowly. Gulls followed the boats home."):
    path = tmp_path / f"{name}.md"
    path.write_text(f"---\ntitle: {json.dumps(title)}\nauthor: Sam Reed\ndate: 2026-03-01\n---\n\n{body}\n\n"
                    "## Second part\n\nThe harbour lights came on one by one.\n", encoding="utf-8")
    return path


def publish(source, show, feed, *extra):
    result = run_cli("publish", source, "--feed", feed, "-c", show, "-q", *extra)
    assert result.exit_code == 0, result.output
    return result


def items(feed):
    parsed = feedparser.parse(str(feed / "feed.xml"))
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def test_published_feed_has_every_required_tag_with_real_values(tmp_path, show):
    feed = tmp_path / "feed"
    publish(article(tmp_path, "a", TRICKY_TITLE), show, feed)
    ET.parse(feed / "feed.xml")  # strict XML parser
    parsed = items(feed)
    channel = parsed.feed
    assert channel.title == "Long Reads & <Aloud> \u201cquoted\u201d \U0001F3A7"
    assert channel.language == "en" and channel.link == "https://pod.example.com/show/"
    assert channel.image.href == "https://pod.example.com/show/cover.jpg"
    assert channel.tags[0].term == "News"
    raw = (feed / "feed.xml").read_text(encoding="utf-8")
    assert '<itunes:category text="News"><itunes:category text="Politics" /></itunes:category>' in raw.replace("\n", "").replace("  ", "")
    expected_guid = str(uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "pod.example.com/show/feed.xml"))
    assert f"<podcast:guid>{expected_guid}</podcast:guid>" in raw
    assert "<itunes:explicit>false</itunes:explicit>" in raw
    assert '<podcast:locked owner="jane@example.com">yes</podcast:locked>' in raw
    (entry,) = parsed.entries
    assert entry.title == TRICKY_TITLE
    mp3 = next((feed / "episodes").glob("*.mp3"))
    (enclosure,) = entry.enclosures
    assert enclosure.href == f"https://pod.example.com/show/episodes/{mp3.name}"
    assert int(enclosure.length) == mp3.stat().st_size and enclosure.type == "audio/mpeg"
    assert int(entry.itunes_duration) == round(MP3(mp3).info.length)
    assert entry.itunes_episode == "1"
    # pubDate is when the episode entered the feed; the article's own date is told, and tagged.
    published = datetime(*entry.published_parsed[:6], tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - published).total_seconds()) < 600
    assert "First published 1 March 2026 on " not in entry.description  # no address, no "on"
    assert "<p>First published 1 March 2026.</p>" in entry.content[0].value
    assert str(ID3(mp3)["TDRC"]) == "2026-03-01"
    assert "00:00:00 " in entry.content[0].value and "Second part" in entry.content[0].value
    assert mp3.stem.endswith("-" + hashlib.sha256(mp3.read_bytes()).hexdigest()[:10])  # named by its content
    assert f'podcast:chapters url="https://pod.example.com/show/episodes/{mp3.stem}.chapters.json"' in raw
    assert 'type="text/vtt"' in raw and 'type="application/x-subrip"' in raw
    for name in (f"{mp3.stem}.chapters.json", f"{mp3.stem}.vtt", f"{mp3.stem}.srt"):
        assert (feed / "episodes" / name).is_file()
    assert str(ID3(mp3)["TIT2"]) == TRICKY_TITLE
    check = run_cli("feed", "check", feed)
    assert check.exit_code == 0 and "ok: no problems found" in check.stdout


def test_generated_cover_meets_apple_rules(tmp_path, show):
    feed = tmp_path / "feed"
    publish(article(tmp_path, "a", "Cover test"), show, feed)
    cover = feed / "cover.jpg"
    with Image.open(cover) as image:
        assert image.format == "JPEG" and image.size == (1400, 1400) and image.mode == "RGB"
    assert cover.stat().st_size < 512 * 1024


def test_the_drawn_cover_is_drawn_again_only_for_a_new_show_title(tmp_path, show):
    """A sync writes the feed after every episode: the cover and its icon are made once, not each time."""
    feed = tmp_path / "feed"
    publish(article(tmp_path, "a", "First"), show, feed)
    made = {name: (feed / name).stat().st_mtime_ns for name in ("cover.jpg", "favicon.png")}
    publish(article(tmp_path, "b", "Second"), show, feed)
    assert {name: (feed / name).stat().st_mtime_ns for name in made} == made
    show.write_text(SHOW.replace("Long Reads", "Short Reads"), encoding="utf-8")
    publish(article(tmp_path, "c", "Third"), show, feed)
    assert all((feed / name).stat().st_mtime_ns > made[name] for name in made)
    with Image.open(feed / "cover.jpg") as image:
        assert b"Short Reads" in image.info["comment"]


def test_bad_configured_cover_is_refused(tmp_path, show):
    Image.new("RGB", (800, 600)).save(tmp_path / "wide.png")
    show.write_text(SHOW + "  image: wide.png\n", encoding="utf-8")
    result = run_cli("publish", article(tmp_path, "a", "x"), "--feed", tmp_path / "feed", "-c", show, "-q")
    assert result.exit_code == 2 and "not square" in result.stderr


def test_republish_updates_remove_and_publish_again(tmp_path, show):
    feed = tmp_path / "feed"
    first = article(tmp_path, "a", "Harbour Notes")
    publish(first, show, feed)
    publish(article(tmp_path, "b", "Second Story"), show, feed)
    guid = next(e.id for e in items(feed).entries if e.title == "Harbour Notes")
    publish(first, show, feed)  # the same article again: the same item, not a new one
    entries = items(feed).entries
    assert len(entries) == 2 and {e.itunes_episode for e in entries} == {"1", "2"}
    listed = run_cli("feed", "list", feed)
    assert guid in listed.stdout and "Second Story" in listed.stdout
    removed = run_cli("feed", "remove", guid, "--feed", feed, "-c", show)
    assert removed.exit_code == 0
    assert [e.title for e in items(feed).entries] == ["Second Story"]
    assert not any(p.name.startswith("harbour-notes") for p in (feed / "episodes").iterdir())
    publish(first, show, feed)
    entries = items(feed).entries
    assert sorted(e.title for e in entries) == ["Harbour Notes", "Second Story"]
    assert next(e for e in entries if e.title == "Harbour Notes").id == guid
    assert run_cli("feed", "check", feed).exit_code == 0


def test_an_edited_article_gets_new_file_names_under_the_same_guid_and_the_old_files_go(tmp_path, show):
    feed = tmp_path / "feed"
    source = article(tmp_path, "a", "Harbour Notes")
    publish(source, show, feed)
    (before,) = items(feed).entries
    old_files = sorted(p.name for p in (feed / "episodes").iterdir())
    source.write_text(source.read_text(encoding="utf-8") + "\n\nA paragraph added after the first edition went out.\n",
                      encoding="utf-8")
    publish(source, show, feed)
    (after,) = items(feed).entries
    assert after.id == before.id and after.itunes_episode == before.itunes_episode
    assert after.enclosures[0].href != before.enclosures[0].href  # apps that kept the old audio fetch the new
    new_files = sorted(p.name for p in (feed / "episodes").iterdir())
    assert len(new_files) == 4 and not set(old_files) & set(new_files)
    assert run_cli("feed", "check", feed).exit_code == 0


def test_publish_an_episode_built_before(tmp_path, show):
    built = tmp_path / "built.mp3"
    assert run_cli("build", FIXTURES / "short.md", "-o", built, "-q").exit_code == 0
    feed = tmp_path / "feed"
    publish(built, show, feed)
    (entry,) = items(feed).entries
    assert entry.title == "Tides & Time: a <short> test"
    assert sorted(p.suffix for p in (feed / "episodes").iterdir()) == [".json", ".mp3", ".srt", ".vtt"]
    assert run_cli("feed", "check", feed).exit_code == 0


def test_publish_needs_a_base_url_and_a_show_title(tmp_path):
    result = run_cli("publish", article(tmp_path, "a", "x"), "--feed", tmp_path / "feed", "-q")
    assert result.exit_code == 2 and "podcast.base_url" in result.stderr
    assert not (tmp_path / "feed" / "feed.xml").exists()


def _publish_process(source, show, feed):
    return subprocess.Popen([sys.executable, "-m", "narrate", "publish", str(source), "--feed", str(feed),
                             "-c", str(show), "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "NARRATE_CACHE_DIR": os.environ["NARRATE_CACHE_DIR"]})


def test_two_publishers_at_once_keep_both_episodes(tmp_path, show):
    feed = tmp_path / "feed"
    first = _publish_process(article(tmp_path, "a", "Concurrent One", "One fish swam east."), show, feed)
    second = _publish_process(article(tmp_path, "b", "Concurrent Two", "Two fish swam west."), show, feed)
    for process in (first, second):
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
    assert sorted(e.title for e in items(feed).entries) == ["Concurrent One", "Concurrent Two"]
    assert run_cli("feed", "check", feed).exit_code == 0


def test_killed_publish_leaves_the_previous_feed_intact(tmp_path, show):
    feed = tmp_path / "feed"
    publish(article(tmp_path, "a", "Already There"), show, feed)
    before = (feed / "feed.xml").read_bytes(), (feed / "index.html").read_bytes()
    long_body = " ".join(f"Sentence number {n} about the long voyage north, written only for this test."
                         for n in range(60))
    process = _publish_process(article(tmp_path, "b", "Never Finished", long_body), show, feed)
    time.sleep(4)
    assert process.poll() is None, "the publish finished before it could be interrupted"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert ((feed / "feed.xml").read_bytes(), (feed / "index.html").read_bytes()) == before
    assert [e.title for e in items(feed).entries] == ["Already There"]
    assert run_cli("feed", "check", feed).exit_code == 0


def test_feed_check_reports_each_problem(tmp_path, show):
    feed = tmp_path / "feed"
    publish(article(tmp_path, "a", "Checked"), show, feed)
    raw = (feed / "feed.xml").read_text(encoding="utf-8")
    item = raw[raw.index("<item>"):raw.index("</item>") + len("</item>")]
    broken = (raw.replace('text="News"', 'text="Newsy"')
              .replace("<pubDate>", "<pubDate>sometime ", 1)
              .replace('length="', 'length="1', 1)
              .replace("</channel>", item + "</channel>"))
    (feed / "feed.xml").write_text(broken, encoding="utf-8")
    result = run_cli("feed", "check", feed)
    assert result.exit_code == 1
    out = result.stdout
    assert "'Newsy' is not one of Apple's categories" in out
    assert "is not an RFC 2822 date" in out
    assert "enclosure length 1" in out
    assert "is used by another item" in out
    (feed / "feed.xml").write_text("<rss><channel><title>x</title>", encoding="utf-8")
    result = run_cli("feed", "check", feed)
    assert result.exit_code == 1 and "not well-formed XML" in result.stdout


def dated_article(tmp_path, name, title, day, url):
    path = tmp_path / f"{name}.md"
    path.write_text(f"---\ntitle: {title}\ndate: {day}\nurl: {url}\n---\n\nA short story about {title}.\n",
                    encoding="utf-8")
    return path


def test_pub_date_follows_publishing_order_and_survives_a_republish(tmp_path, show):
    feed = tmp_path / "feed"
    newer = dated_article(tmp_path, "newer", "Written Last", "2026-11-30", "https://www.example.com/last")
    older = dated_article(tmp_path, "older", "Written First", "2026-11-25", "https://example.org/first")
    publish(newer, show, feed)
    time.sleep(1.1)  # pubDate has whole seconds
    publish(older, show, feed)
    entries = items(feed).entries
    assert [e.title for e in entries] == ["Written First", "Written Last"]  # the newest episode on top
    first, last = entries[0].published_parsed, entries[1].published_parsed
    assert first > last
    assert "First published 25 November 2026 on example.org." in entries[0].content[0].value
    assert "First published 30 November 2026 on example.com." in entries[1].content[0].value
    time.sleep(1.1)
    publish(newer, show, feed)  # republished: same place, same pubDate, date still told
    again = items(feed).entries
    assert [(e.title, e.published_parsed) for e in again] == [(e.title, e.published_parsed) for e in entries]
    assert "First published 30 November 2026 on example.com." in again[1].content[0].value


def test_gpodder_parser_sees_the_chapters(tmp_path, show):
    feed = tmp_path / "feed"
    publish(article(tmp_path, "a", "Chaptered"), show, feed)
    with (feed / "feed.xml").open("rb") as stream:
        parsed = podcastparser.parse("https://pod.example.com/show/feed.xml", stream)
    (episode,) = parsed["episodes"]
    chapters_file = next((feed / "episodes").glob("*.chapters.json"))
    expected = json.loads(chapters_file.read_text())["chapters"]
    assert [c["title"] for c in episode["chapters"]] == ["Chaptered", "Second part"]
    assert [c["start"] for c in episode["chapters"]] == [int(c["startTime"]) for c in expected]
    assert expected[1]["startTime"] > 1
    raw = (feed / "feed.xml").read_text(encoding="utf-8")
    assert '<psc:chapters version="1.2">' in raw and 'start="00:00:00.000" title="Chaptered"' in raw


def test_feed_check_compares_simple_chapters_with_the_chapters_file(tmp_path, show):
    feed = tmp_path / "feed"
    publish(article(tmp_path, "a", "Checked Chapters"), show, feed)
    raw = (feed / "feed.xml").read_text(encoding="utf-8")
    (feed / "feed.xml").write_text(raw.replace('title="Second part"', 'title="Part two"'), encoding="utf-8")
    result = run_cli("feed", "check", feed)
    assert result.exit_code == 1 and "psc:chapter 'Part two'" in result.stdout
    start = raw.split('<psc:chapter start="')[2].split('"')[0]
    (feed / "feed.xml").write_text(raw.replace(f'start="{start}"', 'start="soon"'), encoding="utf-8")
    result = run_cli("feed", "check", feed)
    assert result.exit_code == 1 and "psc:chapter start 'soon' is not HH:MM:SS.mmm" in result.stdout


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_published_files_have_the_mode_cp_would_give_them(tmp_path, show, umask, mode):
    feed = tmp_path / "feed"
    built = tmp_path / "built.mp3"
    previous = os.umask(umask)
    try:
        publish(article(tmp_path, "a", "Readable By The Web Server"), show, feed)
        assert run_cli("build", FIXTURES / "short.md", "-o", built, "-q").exit_code == 0
        publish(built, show, feed)  # copied in, not built in place
    finally:
        os.umask(previous)
    published = [p for p in feed.rglob("*") if p.is_file() and not p.name.startswith(".")]
    names = {p.name for p in published}
    assert {"feed.xml", "index.html", "cover.jpg", "favicon.png"} <= names
    assert len([n for n in names if n.endswith(".mp3")]) == 2
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in published} == {p.name: oct(mode) for p in published}


PARTYTIME = Path(sys.prefix) / "node" / "node_modules" / "podcast-partytime"
READ_WITH_PARTYTIME = """
const {parseFeed} = require(process.argv[1]);
const feed = parseFeed(require("fs").readFileSync(process.argv[2], "utf8"));
console.log(JSON.stringify(feed));
"""


@pytest.mark.skipif(not (shutil.which("node") and PARTYTIME.is_dir()),
                    reason="needs node and npm's podcast-partytime (scripts/test installs it when node is here)")
def test_podcast_index_parser_reads_every_episode_fact(tmp_path, show):
    feed = tmp_path / "feed"
    publish(article(tmp_path, "a", "Partytime One"), show, feed)
    publish(article(tmp_path, "b", "Partytime Two"), show, feed)
    result = subprocess.run(["node", "-e", READ_WITH_PARTYTIME, str(PARTYTIME), str(feed / "feed.xml")],
                            capture_output=True, text=True, timeout=60, check=True)
    parsed = json.loads(result.stdout)
    assert parsed["title"].startswith("Long Reads") and parsed["podcastFunding"][0]["message"] == "Support us"
    assert [i["title"] for i in parsed["items"]] == ["Partytime Two", "Partytime One"]
    for item in parsed["items"]:
        mp3 = feed / "episodes" / item["enclosure"]["url"].rsplit("/", 1)[1]
        assert item["enclosure"]["length"] == mp3.stat().st_size
        assert item["podcastChapters"]["url"].endswith(".chapters.json")
        assert {t["type"] for t in item["podcastTranscripts"]} >= {"text/vtt"}
