"""`narrate feed check`: a podcast feed (ours or anyone's) against Apple's and Podcasting 2.0's rules."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlparse

from narrate.config import apple_categories
from narrate.podcast.feed import NAMESPACES, podcast_guid

DESCRIPTION_MAX_BYTES = 4000
TEXT_MAX_CHARS = 255
DURATION_TOLERANCE_S = 1.0


@dataclass(frozen=True)
class Problem:
    level: str  # "error" or "warning"
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message}"


class _Checker:
    def __init__(self, local_root: Path | None, base_url: str | None):
        self.problems: list[Problem] = []
        self.local_root = local_root
        self.base_url = base_url

    def error(self, where: str, message: str) -> None:
        self.problems.append(Problem("error", where, message))

    def warning(self, where: str, message: str) -> None:
        self.problems.append(Problem("warning", where, message))

    def local(self, url: str | None) -> Path | None:
        """The file behind a URL, when the feed was given as a folder's feed.xml and the URL points into it."""
        if not url or self.local_root is None or not self.base_url or not url.startswith(self.base_url):
            return None
        return self.local_root / url[len(self.base_url):]


def _text(element: ET.Element, path: str) -> str | None:
    found = element.find(path, NAMESPACES)
    return found.text.strip() if found is not None and found.text else None


def _absolute(url: str | None) -> bool:
    parsed = urlparse(url or "")
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def _seconds(duration: str) -> float | None:
    if re.fullmatch(r"\d+(\.\d+)?", duration):
        return float(duration)
    match = re.fullmatch(r"(?:(\d+):)?(\d{1,2}):(\d{2})", duration)
    if match:
        hours, minutes, seconds = (int(x or 0) for x in match.groups())
        return hours * 3600 + minutes * 60 + seconds
    return None


def check_feed_bytes(data: bytes, local_root: Path | None = None) -> list[Problem]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return [Problem("error", "feed", f"not well-formed XML ({exc})")]
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        return [Problem("error", "feed", "not an RSS 2.0 feed (no <rss><channel>)")]
    self_link = next((l.get("href") for l in channel.iterfind("atom:link", NAMESPACES) if l.get("rel") == "self"), None)
    base = self_link.rsplit("/", 1)[0] + "/" if self_link else None
    check = _Checker(local_root, base)
    _check_channel(check, channel, self_link)
    guids: set[str] = set()
    for number, item in enumerate(channel.iterfind("item"), start=1):
        _check_item(check, item, f"item {number} ({(_text(item, 'title') or '?')[:40]})", guids)
    if not channel.findall("item"):
        check.warning("channel", "no episodes yet; Apple needs at least one to accept a show")
    return check.problems


def _check_channel(check: _Checker, channel: ET.Element, self_link: str | None) -> None:
    where = "channel"
    for tag in ("title", "description", "link", "language"):
        if not _text(channel, tag):
            check.error(where, f"<{tag}> is missing")
    title = _text(channel, "title") or ""
    if len(title) > TEXT_MAX_CHARS:
        check.warning(where, f"title is {len(title)} characters; keep it under {TEXT_MAX_CHARS}")
    description = _text(channel, "description") or ""
    if len(description.encode("utf-8")) > DESCRIPTION_MAX_BYTES:
        check.error(where, f"description is over {DESCRIPTION_MAX_BYTES} bytes")
    image = channel.find("itunes:image", NAMESPACES)
    href = image.get("href") if image is not None else None
    if not href:
        check.error(where, "<itunes:image href> is missing (square JPEG or PNG, 1400-3000 px)")
    else:
        if not _absolute(href):
            check.error(where, f"itunes:image href is not an absolute URL: {href}")
        if not href.lower().endswith((".jpg", ".jpeg", ".png")):
            check.warning(where, f"itunes:image should be a .jpg or .png: {href}")
        path = check.local(href)
        if path is not None:
            from narrate.podcast.cover import check_image

            problem = check_image(path) if path.is_file() else "file not found beside the feed"
            if problem:
                check.error(where, f"itunes:image {path.name}: {problem}")
            elif path.stat().st_size > 512 * 1024:
                check.warning(where, f"itunes:image {path.name} is over 512 KB")
    categories = channel.findall("itunes:category", NAMESPACES)
    if not categories:
        check.error(where, "<itunes:category> is missing")
    for category in categories:
        name = category.get("text")
        if name not in apple_categories():
            check.error(where, f"itunes:category {name!r} is not one of Apple's categories")
            continue
        for sub in category.findall("itunes:category", NAMESPACES):
            if sub.get("text") not in apple_categories()[name]:
                check.error(where, f"itunes:category {sub.get('text')!r} is not a subcategory of {name!r}")
    explicit = _text(channel, "itunes:explicit")
    if explicit is None:
        check.error(where, "<itunes:explicit> is missing (true or false)")
    elif explicit.lower() not in ("true", "false"):
        check.warning(where, f"itunes:explicit is {explicit!r}; Apple now expects true or false")
    if not _text(channel, "itunes:author"):
        check.warning(where, "<itunes:author> is missing")
    if not _text(channel, "itunes:owner/itunes:email"):
        check.warning(where, "<itunes:owner><itunes:email> is missing (Apple uses it to verify ownership)")
    kind = _text(channel, "itunes:type")
    if kind is not None and kind not in ("episodic", "serial"):
        check.error(where, f"itunes:type is {kind!r}; use episodic or serial")
    if not self_link:
        check.warning(where, '<atom:link rel="self"> is missing')
    guid = _text(channel, "podcast:guid")
    if guid is None:
        check.warning(where, "<podcast:guid> is missing")
    elif self_link and guid != podcast_guid(self_link):
        check.warning(where, f"podcast:guid {guid} is not the UUIDv5 of the feed URL ({podcast_guid(self_link)}); "
                             "fine only if the feed has moved")
    locked = _text(channel, "podcast:locked")
    if locked is not None and locked not in ("yes", "no"):
        check.error(where, f"podcast:locked is {locked!r}; use yes or no")


def _check_item(check: _Checker, item: ET.Element, where: str, guids: set[str]) -> None:
    if not _text(item, "title"):
        check.error(where, "<title> is missing")
    guid = _text(item, "guid")
    if not guid:
        check.error(where, "<guid> is missing")
    elif guid in guids:
        check.error(where, f"guid {guid} is used by another item")
    else:
        guids.add(guid)
    published = _text(item, "pubDate")
    if not published:
        check.error(where, "<pubDate> is missing")
    else:
        try:
            parsedate_to_datetime(published)
        except (TypeError, ValueError):
            check.error(where, f"pubDate {published!r} is not an RFC 2822 date")
    enclosure = item.find("enclosure")
    if enclosure is None:
        check.error(where, "<enclosure> is missing")
        return
    url, length, kind = enclosure.get("url"), enclosure.get("length"), enclosure.get("type")
    if not _absolute(url):
        check.error(where, f"enclosure url is not an absolute URL: {url}")
    if not (length or "").isdigit() or int(length) <= 0:
        check.error(where, f"enclosure length {length!r} is not a byte count")
    if not (kind or "").startswith(("audio/", "video/")):
        check.error(where, f"enclosure type {kind!r} is not an audio type")
    duration_text = _text(item, "itunes:duration")
    duration = _seconds(duration_text) if duration_text else None
    if duration_text is None:
        check.warning(where, "<itunes:duration> is missing")
    elif duration is None:
        check.error(where, f"itunes:duration {duration_text!r} is neither seconds nor HH:MM:SS")
    path = check.local(url)
    if path is not None:
        if not path.is_file():
            check.error(where, f"enclosure file {path.name} is not beside the feed")
        else:
            if (length or "").isdigit() and int(length) != path.stat().st_size:
                check.error(where, f"enclosure length {length} but {path.name} is {path.stat().st_size} bytes")
            if duration is not None:
                from mutagen import MutagenError
                from mutagen.mp3 import MP3

                try:
                    real = MP3(path).info.length
                except MutagenError:
                    check.error(where, f"{path.name} is not a readable MP3")
                else:
                    if abs(real - duration) > DURATION_TOLERANCE_S:
                        check.error(where, f"itunes:duration {duration_text} but the audio lasts {real:.1f} s")
    chapters = item.find("podcast:chapters", NAMESPACES)
    if chapters is not None:
        if chapters.get("type") != "application/json+chapters":
            check.error(where, "podcast:chapters type must be application/json+chapters")
        local = check.local(chapters.get("url"))
        if local is not None and not local.is_file():
            check.error(where, f"chapters file {local.name} is not beside the feed")
        simple = item.find("psc:chapters", NAMESPACES)
        if simple is None:
            check.warning(where, "no psc:chapters: gPodder and other clients that read Podlove Simple Chapters "
                                 "will show none")
        else:
            _check_simple_chapters(check, where, simple, _json_chapters(local))
    for transcript in item.iterfind("podcast:transcript", NAMESPACES):
        local = check.local(transcript.get("url"))
        if not transcript.get("type"):
            check.error(where, "podcast:transcript has no type")
        if local is not None and not local.is_file():
            check.error(where, f"transcript file {local.name} is not beside the feed")


_NPT = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})(?:\.(\d{1,3}))?")
# Simple Chapters gives milliseconds; the JSON chapters may carry finer starts.
CHAPTER_TOLERANCE_S = 0.0015


def _npt_seconds(text: str) -> float | None:
    match = _NPT.fullmatch(text)
    if not match:
        return None
    hours, minutes, seconds = (int(x or 0) for x in match.groups()[:3])
    return hours * 3600 + minutes * 60 + seconds + int((match.group(4) or "0").ljust(3, "0")) / 1000


def _json_chapters(path: Path | None) -> list[tuple[float, str]] | None:
    """(start, title) of a local Podcasting 2.0 chapters file, or None when there is none to compare."""
    import json

    if path is None or not path.is_file():
        return None
    try:
        return [(float(c["startTime"]), str(c.get("title", ""))) for c in json.loads(path.read_bytes())["chapters"]]
    except (ValueError, KeyError, TypeError):
        return None


def _check_simple_chapters(check: _Checker, where: str, simple: ET.Element,
                           expected: list[tuple[float, str]] | None) -> None:
    """Podlove Simple Chapters 1.2: ordered NPT starts with titles, the same as the JSON chapters."""
    if simple.get("version") != "1.2":
        check.warning(where, f"psc:chapters version is {simple.get('version')!r}; narrate writes 1.2")
    found: list[tuple[float, str]] = []
    for chapter in simple.iterfind("psc:chapter", NAMESPACES):
        start, title = chapter.get("start") or "", chapter.get("title") or ""
        seconds = _npt_seconds(start)
        if seconds is None:
            check.error(where, f"psc:chapter start {start!r} is not HH:MM:SS.mmm")
            return
        if not title.strip():
            check.error(where, f"psc:chapter at {start} has no title")
        found.append((seconds, title))
    if not found:
        check.error(where, "psc:chapters lists no chapter")
        return
    if any(b[0] <= a[0] for a, b in zip(found, found[1:])):
        check.error(where, "psc:chapter starts are not in increasing order")
    if expected is None:
        return
    if len(found) != len(expected):
        check.error(where, f"psc:chapters lists {len(found)} chapters but the chapters file {len(expected)}")
        return
    for (start, title), (json_start, json_title) in zip(found, expected):
        if title != json_title or abs(start - json_start) > CHAPTER_TOLERANCE_S:
            check.error(where, f"psc:chapter {title!r} at {start:.3f} s differs from the chapters file "
                               f"({json_title!r} at {json_start:.3f} s)")
            return


def check_feed(target: str) -> list[Problem]:
    """Check a feed given as a file, a folder holding feed.xml, or a URL."""
    from narrate.errors import IngestError

    if re.match(r"https?://", target):
        import requests

        try:
            response = requests.get(target, timeout=20)
            response.raise_for_status()
        except requests.RequestException as exc:
            raise IngestError(f"{target}: cannot fetch the feed ({exc})") from None
        return check_feed_bytes(response.content)
    path = Path(target)
    if path.is_dir():
        path = path / "feed.xml"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot read the feed ({exc.strerror or exc})") from None
    return check_feed_bytes(data, local_root=path.parent)
