"""Cover art for the show: the configured image, checked against Apple's rules, or one drawn here."""

from __future__ import annotations

import textwrap
from pathlib import Path

from narrate.errors import ConfigError

SIZE = 1400
MAX_BYTES = 512 * 1024
BACKGROUND = (24, 44, 72)
FOREGROUND = (246, 241, 231)
ACCENT = (226, 149, 61)
DRAWING_VERSION = 1  # bump when draw_cover draws differently, so feeds get the new drawing


def check_image(path: Path) -> str | None:
    """Why an image is not usable as podcast artwork, or None when it is."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            kind, (width, height), mode = image.format, image.size, image.mode
    except (OSError, UnidentifiedImageError):
        return "not a readable image"
    if kind not in ("JPEG", "PNG"):
        return f"{kind} image; Apple needs JPEG or PNG"
    if width != height:
        return f"{width}x{height} is not square"
    if not 1400 <= width <= 3000:
        return f"{width}x{height}; Apple needs 1400 to 3000 pixels a side"
    if mode not in ("RGB", "P", "L") and not (kind == "PNG" and mode == "RGBA"):
        return f"colour mode {mode}; use RGB"
    return None


def draw_cover(title: str, destination: Path) -> None:
    """A plain, legible square: the show's title on a dark field, as a JPEG well under 512 KB."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 1180, SIZE - 120, 1196), fill=ACCENT)
    lines = textwrap.wrap(title, width=16)[:5] or [title[:16]]
    size = 150 if len(lines) <= 3 else 120
    font = ImageFont.load_default(size=size)
    y = 1140 - len(lines) * (size + 20)
    for line in lines:
        draw.text((120, y), line, font=font, fill=FOREGROUND)
        y += size + 20
    small = ImageFont.load_default(size=60)
    draw.text((120, 1230), "narrated", font=small, fill=ACCENT)
    image.save(destination, "JPEG", quality=88, optimize=True, comment=_drawn_mark(title))


def _drawn_mark(title: str) -> bytes:
    """What a drawn cover carries in its JPEG comment: the title it shows, so it is drawn once per title."""
    return f"narrate cover {DRAWING_VERSION}: {title}".encode("utf-8")


def _drawn_for(path: Path, title: str) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:  # reads the header only
            return image.info.get("comment") == _drawn_mark(title)
    except (OSError, UnidentifiedImageError):
        return False


def _same_file(source: Path, copy: Path) -> bool:
    try:
        return copy.stat().st_size == source.stat().st_size and copy.read_bytes() == source.read_bytes()
    except OSError:
        return False


def place_cover(configured: Path | None, title: str, feed_dir: Path) -> str:
    """Put the show's cover in the feed folder and return its file name."""
    from narrate.podcast.files import copy_atomically, write_with

    if configured is not None:
        problem = check_image(configured) if configured.is_file() else "no such file"
        if problem:
            raise ConfigError(f"podcast.image: {configured}: {problem}")
        if configured.stat().st_size > MAX_BYTES:
            raise ConfigError(f"podcast.image: {configured} is over 512 KB; Apple recommends smaller art")
        name = "cover" + configured.suffix.lower().replace(".jpeg", ".jpg")
        if not _same_file(configured, feed_dir / name):
            copy_atomically(configured, feed_dir / name)
    else:
        name = "cover.jpg"
        # The feed is written again for every episode a sync adds: drawing the cover each time cost more
        # than the rest of the feed.
        if not _drawn_for(feed_dir / name, title):
            write_with(feed_dir / name, lambda tmp: draw_cover(title, tmp))
    return name


FAVICON = "favicon.png"
FAVICON_SIZE = 64


def place_favicon(cover: Path, feed_dir: Path) -> str:
    """The cover, small, as the page's icon in browser tabs and bookmarks."""
    from PIL import Image

    from narrate.podcast.files import write_with

    def draw(tmp: Path) -> None:
        with Image.open(cover) as image:
            icon = image.convert("RGB").resize((FAVICON_SIZE, FAVICON_SIZE), Image.Resampling.LANCZOS)
        icon.save(tmp, "PNG", optimize=True)

    try:
        current = (feed_dir / FAVICON).stat().st_mtime_ns >= cover.stat().st_mtime_ns
    except OSError:
        current = False
    if not current:  # made after the cover it shows
        write_with(feed_dir / FAVICON, draw)
    return FAVICON
