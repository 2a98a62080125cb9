"""The podcast feed: RSS 2.0 with the itunes, Podcasting 2.0, atom and content namespaces.

The feed file is the catalogue: every fact about an episode that narrate needs later lives in its
item, so there is no second store that could drift from what subscribers see. It is read back with
a strict XML parser and written whole, to a temporary file renamed over the old one.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from narrate.config import PodcastOptions
from narrate.errors import NarrateError

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
# Podlove Simple Chapters: the chapters gPodder, AntennaPod and other older clients read from the feed.
PSC = "http://podlove.org/simple-chapters"
NAMESPACES = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM, "content": CONTENT, "psc": PSC}
# The Podcast Index namespace's own UUIDv5 namespace for podcast:guid.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
FEED_FILE = "feed.xml"
MEDIA_DIR = "episodes"
GENERATOR = "narrate"

for _prefix, _uri in NAMESPACES.items():
    ET.register_namespace(_prefix, _uri)


class FeedError(NarrateError):
    """The feed file cannot be read or written."""


@dataclass(frozen=True)
class Chapter:
    start: float
    title: str


@dataclass(frozen=True)
class Item:
    """One episode in the feed; file names are relative to the feed's episodes/ folder.

    `published` is when the episode first entered the feed (apps sort and announce by it);
    `article_date` is the article's own date, told in the description.
    """

    guid: str
    title: str
    summary: str
    published: datetime
    number: int
    audio: str
    audio_bytes: int
    duration: int
    chapters_file: str | None = None
    vtt_file: str | None = None
    srt_file: str | None = None
    author: str | None = None
    source_url: str | None = None
    article_date: date | None = None
    chapters: tuple[Chapter, ...] = field(default=(), compare=False)


def podcast_guid(feed_url: str) -> str:
    """UUIDv5 of the feed URL without its scheme and trailing slashes, per the namespace spec."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def npt(seconds: float) -> str:
    """Normal Play Time as Podlove Simple Chapters writes it: HH:MM:SS.mmm."""
    millis = round(seconds * 1000)
    return f"{millis // 3_600_000:02d}:{millis // 60_000 % 60:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}"


def site_of(url: str | None) -> str | None:
    from urllib.parse import urlparse

    host = urlparse(url or "").hostname
    return host.removeprefix("www.") if host else None


def first_published(item: Item) -> str | None:
    """"First published 25 November 2026 on example.com.", from the article's date and address."""
    if item.article_date is None:
        return None
    site = site_of(item.source_url)
    day = f"{item.article_date.day} {item.article_date:%B %Y}"
    return f"First published {day}" + (f" on {site}" if site else "") + "."


_FIRST_PUBLISHED = re.compile(r"<p>First published (\d{1,2} [A-Z][a-z]+ \d{4})")


def _article_date(description: str | None) -> date | None:
    """Read back from the description: the feed is the catalogue, so the date is kept only there."""
    found = _FIRST_PUBLISHED.findall(description or "")
    if not found:
        return None  # the summary comes first, so the last such paragraph is narrate's own
    try:
        return datetime.strptime(found[-1], "%d %B %Y").date()
    except ValueError:
        return None


def _q(prefix: str, name: str) -> str:
    return f"{{{NAMESPACES[prefix]}}}{name}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def description_html(item: Item) -> str:
    """The summary and the chapter list with timestamps (Spotify and others read chapters from here)."""
    from html import escape

    parts = [f"<p>{escape(item.summary)}</p>"] if item.summary else []
    origin = first_published(item)
    if origin:
        parts.append(f"<p>{escape(origin)}</p>")
    if item.chapters:
        lines = "<br>".join(f"{clock(c.start)} {escape(c.title)}" for c in item.chapters)
        parts.append(f"<p>Chapters:<br>{lines}</p>")
    if item.source_url:
        parts.append(f'<p>Read the original: <a href="{escape(item.source_url)}">{escape(item.source_url)}</a></p>')
    return "".join(parts)


def render(items: list[Item], show: PodcastOptions, base_url: str, cover: str, built: datetime) -> bytes:
    feed_url = base_url + FEED_FILE
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", show.title)
    _sub(channel, "link", base_url)
    _sub(channel, "description", show.description or show.title)
    _sub(channel, "language", show.language)
    _sub(channel, _q("atom", "link"), href=feed_url, rel="self", type="application/rss+xml")
    _sub(channel, _q("itunes", "image"), href=base_url + cover)
    category = ET.SubElement(channel, _q("itunes", "category"), {"text": show.category or "News"})
    if show.subcategory:
        ET.SubElement(category, _q("itunes", "category"), {"text": show.subcategory})
    _sub(channel, _q("itunes", "explicit"), "true" if show.explicit else "false")
    _sub(channel, _q("itunes", "author"), show.author or show.owner.name or show.title)
    if show.owner.name or show.owner.email:
        owner = _sub(channel, _q("itunes", "owner"))
        if show.owner.name:
            _sub(owner, _q("itunes", "name"), show.owner.name)
        if show.owner.email:
            _sub(owner, _q("itunes", "email"), show.owner.email)
    _sub(channel, _q("itunes", "type"), show.type)
    if show.copyright:
        _sub(channel, "copyright", show.copyright)
    _sub(channel, _q("podcast", "guid"), podcast_guid(feed_url))
    locked = {"owner": show.owner.email} if show.owner.email else {}
    _sub(channel, _q("podcast", "locked"), "yes" if show.locked else "no", **locked)
    if show.funding:
        _sub(channel, _q("podcast", "funding"), show.funding.text, url=show.funding.url)
    _sub(channel, "generator", GENERATOR)
    _sub(channel, "lastBuildDate", format_datetime(built))
    media = base_url + MEDIA_DIR + "/"
    for item in sorted(items, key=lambda i: (i.published, i.number), reverse=True):
        entry = _sub(channel, "item")
        _sub(entry, "title", item.title)
        html = description_html(item)
        _sub(entry, "description", html)
        _sub(entry, _q("content", "encoded"), html)
        _sub(entry, _q("itunes", "summary"), item.summary)
        _sub(entry, "guid", item.guid, isPermaLink="false")
        _sub(entry, "pubDate", format_datetime(item.published))
        if item.source_url:
            _sub(entry, "link", item.source_url)
        if item.author:
            _sub(entry, _q("itunes", "author"), item.author)
        _sub(entry, "enclosure", url=media + item.audio, length=str(item.audio_bytes), type="audio/mpeg")
        _sub(entry, _q("itunes", "duration"), str(item.duration))
        _sub(entry, _q("itunes", "episode"), str(item.number))
        _sub(entry, _q("itunes", "episodeType"), "full")
        _sub(entry, _q("itunes", "explicit"), "true" if show.explicit else "false")
        _sub(entry, _q("itunes", "image"), href=base_url + cover)
        if item.chapters_file:
            _sub(entry, _q("podcast", "chapters"), url=media + item.chapters_file, type="application/json+chapters")
        if item.chapters:
            simple = _sub(entry, _q("psc", "chapters"), version="1.2")
            for chapter in item.chapters:
                _sub(simple, _q("psc", "chapter"), start=npt(chapter.start), title=chapter.title)
        if item.vtt_file:
            _sub(entry, _q("podcast", "transcript"), url=media + item.vtt_file, type="text/vtt",
                 language=show.language, rel="captions")
        if item.srt_file:
            _sub(entry, _q("podcast", "transcript"), url=media + item.srt_file, type="application/x-subrip",
                 language=show.language, rel="captions")
    ET.indent(rss, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="utf-8") + b"\n"


def _text(element: ET.Element, path: str) -> str | None:
    found = element.find(path, NAMESPACES)
    return found.text if found is not None and found.text is not None else None


def _file(url: str | None) -> str | None:
    return url.rsplit("/", 1)[-1] if url else None


def read_items(feed: Path) -> list[Item]:
    """The episodes in a feed narrate wrote; an absent feed has none."""
    if not feed.exists():
        return []
    try:
        root = ET.parse(feed).getroot()
    except (ET.ParseError, OSError) as exc:
        raise FeedError(f"{feed}: cannot read the feed ({exc})") from None
    items = []
    for entry in root.iterfind("channel/item"):
        enclosure = entry.find("enclosure")
        guid, title, published = _text(entry, "guid"), _text(entry, "title"), _text(entry, "pubDate")
        if enclosure is None or not guid or not title or not published:
            raise FeedError(f"{feed}: an item lacks its guid, title, pubDate or enclosure")
        transcripts = {t.get("type"): t.get("url") for t in entry.iterfind("podcast:transcript", NAMESPACES)}
        chapters = entry.find("podcast:chapters", NAMESPACES)
        items.append(Item(
            guid=guid, title=title, summary=_text(entry, "itunes:summary") or "",
            published=parsedate_to_datetime(published), number=int(_text(entry, "itunes:episode") or 0),
            audio=_file(enclosure.get("url")), audio_bytes=int(enclosure.get("length") or 0),
            duration=int(float(_text(entry, "itunes:duration") or 0)),
            chapters_file=_file(chapters.get("url")) if chapters is not None else None,
            vtt_file=_file(transcripts.get("text/vtt")), srt_file=_file(transcripts.get("application/x-subrip")),
            author=_text(entry, "itunes:author"), source_url=_text(entry, "link"),
            article_date=_article_date(_text(entry, "description")),
        ))
    return items


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)
