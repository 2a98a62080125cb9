"""Files beside the MP3: Podcasting 2.0 chapters JSON, and the transcript as WebVTT and SRT."""

from __future__ import annotations

import json

from narrate.models import EpisodeMeta, Timeline

CHAPTERS_VERSION = "1.2.0"


def chapters_json(timeline: Timeline, meta: EpisodeMeta) -> str:
    chapters = [{"startTime": c.start_ms / 1000, "endTime": c.end_ms / 1000, "title": c.title}
                for c in timeline.chapters]
    document = {"version": CHAPTERS_VERSION, "title": meta.title, "podcastName": meta.show, "chapters": chapters}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _clock(ms: int, separator: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def _cue_text(text: str) -> str:
    # A blank line would end a cue early and "-->" would read as timing; neither belongs in a line.
    return " ".join(text.split()).replace("-->", "→")


def webvtt(timeline: Timeline) -> str:
    lines = ["WEBVTT", ""]
    for number, cue in enumerate(timeline.cues, start=1):
        text = _cue_text(cue.text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        lines += [str(number), f"{_clock(cue.start_ms, '.')} --> {_clock(cue.end_ms, '.')}", text, ""]
    return "\n".join(lines)


def srt(timeline: Timeline) -> str:
    lines = []
    for number, cue in enumerate(timeline.cues, start=1):
        lines += [str(number), f"{_clock(cue.start_ms, ',')} --> {_clock(cue.end_ms, ',')}", _cue_text(cue.text), ""]
    return "\n".join(lines)
