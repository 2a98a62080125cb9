"""Add an episode to the show in a feed folder: files first, then the feed, atomically, under a lock.

A build that fails leaves the feed as it was; a publish killed at any point leaves either the old
feed or the new one, never half of one; two publishers at once take turns on the feed (a file lock),
so neither loses the other's episode.
"""

from __future__ import annotations

import json
import re
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from narrate.config import Config
from narrate.errors import ConfigError, NarrateError, OutputError
from narrate.models import Article
from narrate.podcast.feed import FEED_FILE, MEDIA_DIR, Chapter, Item, now, read_items, render
from narrate.podcast.files import copy_atomically, digest, move_into_place, write_atomically

LOCK_FILE = ".narrate.lock"
INDEX_FILE = "index.html"
LOCK_TIMEOUT = 600
VERSION_CHARS = 10  # hex digits of the MP3's SHA-256 in its published name
# An episode's file as `_place_versioned` names it: "<slug>-<guid, 8>-<version>" and its suffix.
VERSIONED_NAME = re.compile(rf"-[0-9a-f]{{8}}-[0-9a-f]{{{VERSION_CHARS}}}(\.mp3|\.chapters\.json|\.vtt|\.srt)$")


def episode_guid(source_url: str | None, title: str) -> str:
    """Stable per article: the same source (or, lacking one, the same title) is the same episode."""
    from narrate.pipeline import slugify

    return str(uuid.uuid5(uuid.NAMESPACE_URL, source_url or f"narrate:{slugify(title)}"))


def require_show(config: Config, base_url: str | None) -> str:
    base = base_url or config.podcast.base_url
    if not base:
        raise ConfigError("podcast.base_url: set the address the feed folder will be served from "
                          "(e.g. https://example.com/podcast/), or pass --base-url")
    if not config.podcast.title:
        raise ConfigError("podcast.title: a feed needs the show's title")
    return base if base.endswith("/") else base + "/"


def _lock(feed_dir: Path):
    from filelock import FileLock, Timeout

    lock = FileLock(str(feed_dir / LOCK_FILE), timeout=LOCK_TIMEOUT)
    try:
        lock.acquire()
    except Timeout:
        raise OutputError(f"{feed_dir}: another narrate is still publishing after {LOCK_TIMEOUT} s") from None
    return lock


def _chapters(path: Path) -> tuple[Chapter, ...]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return tuple(Chapter(float(c["startTime"]), str(c["title"])) for c in document.get("chapters", []))
    except (OSError, ValueError, KeyError, TypeError):
        return ()


def _with_chapters(items: list[Item], media: Path) -> list[Item]:
    return [replace(i, chapters=_chapters(media / i.chapters_file)) if i.chapters_file else i for i in items]


def regenerate(feed_dir: Path, items: list[Item], config: Config, base_url: str) -> None:
    """Write feed.xml and index.html for `items` (called with the lock held)."""
    from narrate.podcast.cover import place_cover, place_favicon
    from narrate.podcast.page import render_index

    show = config.podcast
    cover = place_cover(config.path(show.image), show.title, feed_dir)
    favicon = place_favicon(feed_dir / cover, feed_dir)
    items = _with_chapters(items, feed_dir / MEDIA_DIR)
    write_atomically(feed_dir / FEED_FILE, render(items, show, base_url, cover, now()))
    page = render_index(items, show.title, show.description or "", cover, feed_dir, funding=show.funding,
                        favicon=favicon)
    write_atomically(feed_dir / INDEX_FILE, page.encode("utf-8"))


def _article_date(text: str | None) -> date | None:
    """The article's own date (YYYY-MM-DD first): told in the description, never the pubDate."""
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _stage_mp3(mp3: Path, media: Path, stem: str) -> dict[str, str]:
    """Copy an already built episode (and its sidecars) into the feed's media folder."""
    from narrate.pipeline import sidecar_paths

    if not mp3.is_file():
        raise OutputError(f"{mp3}: no such episode")
    files = {kind: path for kind, path in zip(("audio", "chapters", "vtt", "srt"), (mp3, *sidecar_paths(mp3)))
             if path.is_file()}
    return _place_versioned(files, media, stem, copy_atomically)


def _place_versioned(files: dict[str, Path], media: Path, stem: str, place: Callable[[Path, Path], None]
                     ) -> dict[str, str]:
    """Give an episode's files their published names: its stem and a version taken from the MP3's content.

    A changed episode gets new names, so an app that downloaded the old audio fetches the new one (apps
    keep audio by its URL), the old files keep serving the old feed until the new feed replaces it, and
    an upload finds by name alone whether a file is already there.
    """
    version = digest(files["audio"])[:VERSION_CHARS]
    audio_stem = files["audio"].name[:-len(".mp3")]
    names = {}
    for kind, path in files.items():
        suffix = ".mp3" if kind == "audio" else path.name[len(audio_stem):]
        target = media / f"{stem}-{version}{suffix}"
        place(path, target)
        names[kind] = target.name
    return names


def _mp3_facts(mp3: Path) -> tuple[str, str | None, str | None, str | None, str]:
    """Title, author, source URL, date and summary from the tags narrate wrote."""
    from mutagen.id3 import ID3, ID3NoHeaderError

    try:
        tags = ID3(mp3)
    except (ID3NoHeaderError, OSError):
        raise OutputError(f"{mp3}: not an episode narrate built (no ID3 tags)") from None
    text = lambda key: str(tags[key]) if key in tags else None  # noqa: E731
    comments = tags.getall("COMM")
    urls = tags.getall("WOAS")
    return (text("TIT2") or mp3.stem, text("TPE1"), urls[0].url if urls else None,
            str(tags.getall("TDRC")[0]) if tags.getall("TDRC") else None, str(comments[0]) if comments else "")


@dataclass(frozen=True)
class Built:
    """An episode's files, built and named, and what its feed item needs to know of them."""

    guid: str
    title: str
    author: str | None
    source_url: str | None
    written_on: str | None
    summary: str
    names: dict[str, str]  # kind (audio, chapters, vtt, srt) -> file name in the episodes folder
    audio_bytes: int
    duration: int


def build_files(source: str, config: Config, media: Path, *, article: Article | None = None,
                progress: Callable[[str, int, int], None] | None = None) -> Built:
    """Build an episode (or take one built before) into `media`, named as the feed will name it."""
    from mutagen.mp3 import MP3

    from narrate.pipeline import MetaOverrides, build, read_article, slugify

    try:
        media.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{media}: cannot write here ({exc.strerror or exc})") from None
    if article is None and source.lower().endswith(".mp3") and Path(source).is_file():
        title, author, source_url, written_on, summary = _mp3_facts(Path(source))
        guid = episode_guid(source_url, title)
        names = _stage_mp3(Path(source), media, f"{slugify(title)}-{guid[:8]}")
    else:
        article = article or read_article(source, config)
        guid = episode_guid(article.source_url, article.title)
        stem = f"{slugify(article.title)}-{guid[:8]}"
        # Built beside the published files (a hidden folder, never served), then renamed into place.
        with tempfile.TemporaryDirectory(dir=media, prefix=".building-") as scratch:
            episode = build(article, config, Path(scratch) / f"{stem}.mp3", overrides=MetaOverrides(),
                            progress=progress)
            names = _place_versioned({"audio": episode.mp3, "chapters": episode.chapters_json, "vtt": episode.vtt,
                                      "srt": episode.srt}, media, stem, move_into_place)
        title, author, source_url = episode.meta.title, episode.meta.author, article.source_url
        written_on, summary = article.date, episode.meta.description or ""
    audio = media / names["audio"]
    return Built(guid, title, author, source_url, written_on, summary, names, audio.stat().st_size,
                 round(MP3(audio).info.length))


def add_to_feed(built: Built, config: Config, feed_dir: Path, base_url: str) -> Item:
    """Add (or update) the episode's item, under the folder's lock; its files are already in place."""
    lock = _lock(feed_dir)
    try:
        items = read_items(feed_dir / FEED_FILE)
        previous = next((i for i in items if i.guid == built.guid), None)
        names = built.names
        item = Item(
            guid=built.guid, title=built.title, summary=built.summary,
            # When the episode first entered the feed: apps list and announce episodes by pubDate, so an
            # older article published today is still today's episode, and a republish keeps its place.
            published=previous.published if previous else now(),
            number=previous.number if previous else max((i.number for i in items), default=0) + 1,
            audio=names["audio"], audio_bytes=built.audio_bytes, duration=built.duration,
            chapters_file=names.get("chapters"), vtt_file=names.get("vtt"), srt_file=names.get("srt"),
            author=built.author, source_url=built.source_url, article_date=_article_date(built.written_on),
        )
        regenerate(feed_dir, [i for i in items if i.guid != built.guid] + [item], config, base_url)
        if previous:
            _remove_files(feed_dir / MEDIA_DIR, previous, keep=item)
    except OSError as exc:
        raise OutputError(f"{feed_dir}: cannot write the feed ({exc.strerror or exc})") from None
    finally:
        lock.release()
    return item


def publish(source: str, config: Config, feed_dir: Path, *, base_url: str | None = None,
            article: Article | None = None, progress: Callable[[str, int, int], None] | None = None) -> Item:
    """Build (or take) an episode and add it to the show in `feed_dir`; return its feed item."""
    base = require_show(config, base_url)
    built = build_files(source, config, feed_dir / MEDIA_DIR, article=article, progress=progress)
    return add_to_feed(built, config, feed_dir, base)


def episode_files(item: Item) -> set[str]:
    return {n for n in (item.audio, item.chapters_file, item.vtt_file, item.srt_file) if n}


def _remove_files(media: Path, item: Item, keep: Item | None = None) -> None:
    for name in episode_files(item) - (episode_files(keep) if keep else set()):
        (media / name).unlink(missing_ok=True)


def remove(guid: str, config: Config, feed_dir: Path, *, base_url: str | None = None) -> Item:
    base = require_show(config, base_url)
    lock = _lock(feed_dir)
    try:
        items = read_items(feed_dir / FEED_FILE)
        gone = next((i for i in items if i.guid == guid), None)
        if gone is None:
            raise NarrateError(f"{feed_dir / FEED_FILE}: no episode with guid {guid}")
        regenerate(feed_dir, [i for i in items if i.guid != guid], config, base)
        _remove_files(feed_dir / MEDIA_DIR, gone)
    finally:
        lock.release()
    return gone
