from narrate.audio.sidecars import chapters_json, srt, webvtt
from narrate.models import Chapter, Cue, EpisodeMeta, Timeline

TIMELINE = Timeline(
    chapters=(Chapter("Intro", 0, 61_500), Chapter("Part <2> & more", 61_500, 3_723_004)),
    cues=(Cue(0, 1_250, "Hello --> world"), Cue(3_600_000, 3_723_004, "Line\nbreak & <tag>")),
    duration_ms=3_723_004,
)
META = EpisodeMeta(title="Ep", author=None, show="Show", date=None, description=None)


def test_webvtt():
    assert webvtt(TIMELINE) == (
        "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.250\nHello → world\n\n"
        "2\n01:00:00.000 --> 01:02:03.004\nLine break &amp; &lt;tag&gt;\n")


def test_srt():
    assert srt(TIMELINE) == (
        "1\n00:00:00,000 --> 00:00:01,250\nHello → world\n\n"
        "2\n01:00:00,000 --> 01:02:03,004\nLine break & <tag>\n")


def test_chapters_json():
    import json

    document = json.loads(chapters_json(TIMELINE, META))
    assert document == {"version": "1.2.0", "title": "Ep", "podcastName": "Show", "chapters": [
        {"startTime": 0.0, "endTime": 61.5, "title": "Intro"},
        {"startTime": 61.5, "endTime": 3723.004, "title": "Part <2> & more"},
    ]}
