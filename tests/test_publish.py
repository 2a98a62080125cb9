"""Publishing: the feed parses strictly and with feedparser, survives concurrency and crashes."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET

import feedparser
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
    assert entry.published.startswith("Sun, 01 Mar 2026")
    assert "00:00:00 " in entry.content[0].value and "Second part" in entry.content[0].value
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
