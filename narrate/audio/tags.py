"""ID3v2.3 tags and chapters (CHAP + a top-level, ordered CTOC), written with mutagen.

v2.3 because it has the widest player support, and Apple Podcasts has shown long chapter
titles badly from v2.4 tags.
"""

from __future__ import annotations

from pathlib import Path

from narrate.errors import OutputError
from narrate.models import EpisodeMeta, Timeline

TOC_ID = "toc"
# A CTOC frame lists at most 255 children.
MAX_CHAPTERS = 255


def _image_mime(path: Path) -> str:
    head = path.read_bytes()[:8]
    if head.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG"):
        return "image/png"
    raise OutputError(f"{path}: cover art must be a JPEG or PNG image")


def write_tags(mp3: Path, meta: EpisodeMeta, timeline: Timeline) -> None:
    from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TLEN, TPE1, WOAS, CTOCFlags

    if len(timeline.chapters) > MAX_CHAPTERS:
        raise OutputError(f"{len(timeline.chapters)} chapters; ID3 allows at most {MAX_CHAPTERS}")
    tags = ID3()
    tags.add(TIT2(encoding=3, text=[meta.title]))
    if meta.author:
        tags.add(TPE1(encoding=3, text=[meta.author]))
    tags.add(TALB(encoding=3, text=[meta.show]))
    if meta.date:
        tags.add(TDRC(encoding=3, text=[meta.date]))
    tags.add(TCON(encoding=3, text=["Podcast"]))
    if meta.description:
        tags.add(COMM(encoding=3, lang="eng", desc="", text=[meta.description]))
    if meta.source_url:
        tags.add(WOAS(url=meta.source_url))
    tags.add(TLEN(encoding=3, text=[str(timeline.duration_ms)]))
    if meta.image:
        try:
            data = meta.image.read_bytes()
        except OSError as exc:
            raise OutputError(f"{meta.image}: cannot read cover art ({exc.strerror or exc})") from None
        tags.add(APIC(encoding=3, mime=_image_mime(meta.image), type=3, desc="Cover", data=data))

    ids = [f"chp{number}" for number in range(len(timeline.chapters))]
    for element_id, chapter in zip(ids, timeline.chapters):
        tags.add(CHAP(element_id=element_id, start_time=chapter.start_ms, end_time=chapter.end_ms,
                      start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF,
                      sub_frames=[TIT2(encoding=3, text=[chapter.title])]))
    tags.add(CTOC(element_id=TOC_ID, flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                  child_element_ids=ids, sub_frames=[TIT2(encoding=3, text=["Chapters"])]))
    try:
        tags.save(str(mp3), v2_version=3)
    except OSError as exc:
        raise OutputError(f"{mp3}: cannot write tags ({exc.strerror or exc})") from None
