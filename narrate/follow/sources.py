"""Where a show's articles come from: feeds, sitemaps, OPML lists, lists of URLs, folders of files.

Each source is read into entries: an article's address, the source's own id for it, the date
the source says it last changed, and, from a full-text feed, the article itself. A source fetched
over HTTP is asked conditionally (ETag and Last-Modified from the last run), so an unchanged feed
costs one request answered 304.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from narrate.errors import IngestError

ARTICLE_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm")
MAX_SOURCE_BYTES = 20 * 1024 * 1024
MAX_NESTING = 3  # an OPML list of feeds, or a sitemap index of sitemaps, inside one another
_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass(frozen=True)
class Entry:
    """One article a source lists: `key` is the source's own id for it (a feed's guid, else its address)."""

    key: str
    url: str
    updated: str | None = None
    title: str | None = None
    content: str | None = None
    """The article as HTML, when a feed item carries it (RSS content:encoded, Atom content, JSON Feed
    content_html or content_text); a summary or description is not the article and is left out."""
    author: str | None = None
    published: str | None = None
    """YYYY-MM-DD, when the feed says."""


@dataclass(frozen=True)
class Validators:
    """What an HTTP source answered last time, to ask it again conditionally."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass
class SourceReading:
    """A source's entries now, or `unchanged` when it answered 304, and what to ask next time."""

    entries: list[Entry] = field(default_factory=list)
    unchanged: bool = False
    validators: Validators = Validators()


def is_url(text: str) -> bool:
    return bool(re.match(r"https?://", text, re.IGNORECASE))


def read_source(source: str, previous: Validators = Validators(), *, timeout: float = 20.0,
                depth: int = 0) -> SourceReading:
    """The entries of one source: a URL or file of a feed, sitemap, OPML or URL list, or a folder."""
    if not is_url(source):
        path = Path(source)
        if path.is_dir():
            return SourceReading(entries=_folder_entries(path))
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(f"{source}: cannot read ({exc.strerror or exc})") from None
        return SourceReading(entries=parse_source(data, str(path.resolve()), timeout=timeout, depth=depth))
    data, validators, unchanged = _fetch(source, previous, timeout)
    if unchanged:
        return SourceReading(unchanged=True, validators=previous)
    return SourceReading(entries=parse_source(data, source, timeout=timeout, depth=depth), validators=validators)


def _fetch(url: str, previous: Validators, timeout: float) -> tuple[bytes, Validators, bool]:
    import requests

    headers = {"User-Agent": "narrate (podcast sync)"}
    if previous.etag:
        headers["If-None-Match"] = previous.etag
    if previous.last_modified:
        headers["If-Modified-Since"] = previous.last_modified
    try:
        with requests.get(url, headers=headers, timeout=timeout, stream=True) as response:
            if response.status_code == 304:
                return b"", previous, True
            if response.status_code >= 400:
                raise IngestError(f"{url}: HTTP {response.status_code} {response.reason}")
            data = b""
            for chunk in response.iter_content(65536):
                data += chunk
                if len(data) > MAX_SOURCE_BYTES:
                    raise IngestError(f"{url}: larger than {MAX_SOURCE_BYTES // 1_000_000} MB")
            return data, Validators(response.headers.get("ETag"), response.headers.get("Last-Modified")), False
    except requests.RequestException as exc:
        raise IngestError(f"{url}: cannot fetch ({type(exc).__name__})") from None


def parse_source(data: bytes, name: str, *, timeout: float = 20.0, depth: int = 0) -> list[Entry]:
    """Tell the kind of a source by its content, not its name, and list its entries."""
    text = data.decode("utf-8-sig", errors="replace").lstrip()
    if text.startswith("{"):
        return _json_feed(text, name)
    if text.startswith("<"):
        try:
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            raise IngestError(f"{name}: not well-formed XML ({exc})") from None
        tag = root.tag.rsplit("}", 1)[-1].lower()
        if tag == "urlset":
            return _sitemap_urls(root, name)
        if tag == "sitemapindex":
            return _nested(name, [loc.text.strip() for loc in root.iter(f"{_SITEMAP}loc") if loc.text],
                           timeout, depth)
        if tag == "opml":
            feeds = [o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")]
            return _nested(name, feeds, timeout, depth)
        if tag in ("rss", "feed", "rdf"):
            return _feed_entries(data, name)
        raise IngestError(f"{name}: not a feed, sitemap or OPML list (<{tag}>)")
    return _url_list(text, name)


def _nested(name: str, sources: list[str], timeout: float, depth: int) -> list[Entry]:
    if depth >= MAX_NESTING:
        raise IngestError(f"{name}: lists nested more than {MAX_NESTING} deep")
    entries: list[Entry] = []
    for source in sources:
        entries += read_source(urljoin(name, source) if is_url(name) else source, timeout=timeout,
                               depth=depth + 1).entries
    return entries


def _feed_entries(data: bytes, name: str) -> list[Entry]:
    import feedparser

    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise IngestError(f"{name}: not a readable feed ({parsed.get('bozo_exception')})")
    entries = []
    base = name if is_url(name) else parsed.feed.get("link") or ""  # a saved feed: its own site's address
    for item in parsed.entries:
        link = item.get("link") or next((l.get("href") for l in item.get("links", []) if l.get("href")), None)
        if not link:
            continue
        link = urljoin(base, link) if base else link
        # dict.get: feedparser's own get() maps a missing "updated" to "published" with a warning
        updated = dict.get(item, "updated") or dict.get(item, "published")
        published = dict.get(item, "published_parsed") or dict.get(item, "updated_parsed")
        entries.append(Entry(key=item.get("id") or link, url=link, updated=updated, title=item.get("title"),
                             content=_feed_content(item.get("content") or []), author=item.get("author") or None,
                             published=time.strftime("%Y-%m-%d", published) if published else None))
    return entries


def _feed_content(contents: list) -> str | None:
    """The article an RSS or Atom item carries, as HTML: feedparser lists content:encoded and Atom's
    <content> here (never the summary), already sanitised."""
    for content in contents:
        value = (content.get("value") or "").strip()
        if not value:
            continue
        if content.get("type") in ("text/html", "application/xhtml+xml"):
            return value
        return text_as_html(value)
    return None


def text_as_html(text: str) -> str:
    """Plain text as HTML paragraphs, one per blank-line-separated block."""
    return "".join(f"<p>{html.escape(' '.join(block.split()))}</p>" for block in re.split(r"\n\s*\n", text)
                   if block.strip())


def _json_feed(text: str, name: str) -> list[Entry]:
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise IngestError(f"{name}: not valid JSON ({exc})") from None
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith("https://jsonfeed.org/"):
        raise IngestError(f"{name}: JSON, but not a JSON Feed (no jsonfeed.org version)")
    entries = []
    for item in document.get("items") or []:
        if not isinstance(item, dict):
            continue
        url = item.get("url") or item.get("external_url")
        if not url:
            continue
        url = urljoin(name, url) if is_url(name) else url
        content = item.get("content_html") or (text_as_html(item["content_text"]) if isinstance(
            item.get("content_text"), str) and item["content_text"].strip() else None)
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        author = next((a.get("name") for a in authors if isinstance(a, dict) and a.get("name")), None)
        published = item.get("date_published")
        entries.append(Entry(key=str(item.get("id") or url), url=url,
                             updated=item.get("date_modified") or item.get("date_published"), title=item.get("title"),
                             content=content if isinstance(content, str) and content.strip() else None, author=author,
                             published=published[:10] if isinstance(published, str) and
                             re.match(r"\d{4}-\d\d-\d\d", published) else None))
    return entries


def _sitemap_urls(root: ET.Element, name: str) -> list[Entry]:
    entries = []
    for url in root.iter(f"{_SITEMAP}url"):
        loc, lastmod = url.find(f"{_SITEMAP}loc"), url.find(f"{_SITEMAP}lastmod")
        if loc is not None and loc.text and loc.text.strip():
            address = loc.text.strip()
            entries.append(Entry(key=address, url=address, updated=lastmod.text.strip() if lastmod is not None
                                 and lastmod.text else None))
    return entries


def _url_list(text: str, name: str) -> list[Entry]:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue  # a blank line or a comment; a comment after an address follows a space
        line = words[0]
        if not is_url(line):
            raise IngestError(f"{name}: line {number} is not an http(s) URL: {line[:60]}")
        entries.append(Entry(key=line, url=line))
    return entries


def _folder_entries(folder: Path) -> list[Entry]:
    """Article files in a folder: each one's address is its path, and its content hash says when it changed."""
    entries = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
                       and not p.name.startswith(".")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        address = path.resolve().as_uri()
        entries.append(Entry(key=address, url=str(path.resolve()), updated=f"sha256:{digest}", title=path.stem))
    return entries
