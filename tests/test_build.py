"""End to end: the real CLI, the real Piper voice, and the MP3 decoded and measured afterwards."""

import subprocess

import pytest
from mutagen.id3 import ID3, CTOCFlags
from mutagen.mp3 import MP3, BitrateMode

from narrate.audio.ffmpeg import ffmpeg_exe

from conftest import FIXTURES, decode, loudness, make_tone, read_chapters_json, run_cli


@pytest.fixture(scope="module")
def episode(tmp_path_factory):
    out = tmp_path_factory.mktemp("episode") / "tides.mp3"
    result = run_cli("build", FIXTURES / "short.md", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    return out, result


def test_build_prints_every_output_path(episode):
    out, result = episode
    printed = result.stdout.split()
    assert printed == [str(out), str(out.with_suffix(".chapters.json")), str(out.with_suffix(".vtt")),
                       str(out.with_suffix(".srt"))]
    for path in printed:
        assert (out.parent / path.split("/")[-1]).is_file()
    # Nothing else is left beside the episode: no temp files, no working folders.
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(p.split("/")[-1] for p in printed)


def test_mp3_format_is_podcast_ready(episode):
    out, _ = episode
    samples, rate, channels = decode(out)
    info = MP3(out).info
    assert rate == 44100 and channels == 1
    assert info.version == 1 and info.layer == 3
    assert info.bitrate == 64000
    assert info.bitrate_mode == BitrateMode.CBR  # read from the LAME "Info" header
    with out.open("rb") as handle:
        head = handle.read(20000)
    assert b"Info" in head or b"Xing" in head
    # Several seconds of real speech, not silence.
    assert len(samples) / rate > 5
    assert float(abs(samples).max()) > 0.1


def test_duration_matches_the_synthesised_timeline(episode):
    out, _ = episode
    samples, rate, _ = decode(out)
    chapters = read_chapters_json(out.with_suffix(".chapters.json"))["chapters"]
    timeline_end = chapters[-1]["endTime"]
    assert abs(len(samples) / rate - timeline_end) < 0.06
    assert abs(MP3(out).info.length - timeline_end) < 0.1


def test_loudness_is_measured_on_target(episode):
    out, _ = episode
    lufs, true_peak = loudness(out)
    assert -17.0 <= lufs <= -15.0
    assert true_peak <= -1.0


def test_id3_tags_and_chapters(episode):
    out, _ = episode
    tags = ID3(out)
    assert tags.version[:2] == (2, 3)
    assert str(tags["TIT2"]) == "Tides & Time: a <short> test"
    assert str(tags["TPE1"]) == "Ada Lovelace"
    assert str(tags["TALB"]) == "Narrated articles"
    assert str(tags["TCON"]) == "Podcast"
    assert str(tags.getall("TDRC")[0]).startswith("2026")
    assert "sea rises" in str(tags.getall("COMM")[0])
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [str(c.sub_frames["TIT2"]) for c in chaps] == [
        "Tides & Time: a <short> test", "Why the moon matters", "What sailors do"]
    assert chaps[0].start_time == 0
    for before, after in zip(chaps, chaps[1:]):
        assert before.end_time == after.start_time
        assert before.start_time < before.end_time
    assert abs(chaps[-1].end_time / 1000 - MP3(out).info.length) < 0.1
    (toc,) = tags.getall("CTOC")
    assert toc.flags & CTOCFlags.TOP_LEVEL and toc.flags & CTOCFlags.ORDERED
    assert toc.child_element_ids == [c.element_id for c in chaps]


def test_sidecars_agree_with_the_id3_chapters(episode):
    out, _ = episode
    document = read_chapters_json(out.with_suffix(".chapters.json"))
    assert document["version"] == "1.2.0"
    chaps = sorted(ID3(out).getall("CHAP"), key=lambda c: c.start_time)
    assert [c["title"] for c in document["chapters"]] == [str(c.sub_frames["TIT2"]) for c in chaps]
    assert [round(c["startTime"] * 1000) for c in document["chapters"]] == [c.start_time for c in chaps]


def test_transcript_cues_follow_the_audio(episode):
    out, _ = episode
    vtt = out.with_suffix(".vtt").read_text(encoding="utf-8")
    srt = out.with_suffix(".srt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n")
    assert "Dr. Smith measured it for years." in vtt
    assert "Tides &amp; Time: a &lt;short&gt; test" in vtt  # escaped for WebVTT
    assert "Tides & Time: a <short> test" in srt
    times = [line for line in vtt.splitlines() if "-->" in line]
    # One cue per sentence: title, byline, 2 + heading + 2 + heading + 1 sentences.
    assert len(times) == 9
    assert len([line for line in srt.splitlines() if "-->" in line]) == 9

    def seconds(stamp):
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    spans = [tuple(seconds(t) for t in line.split(" --> ")) for line in times]
    end = read_chapters_json(out.with_suffix(".chapters.json"))["chapters"][-1]["endTime"]
    for (start, stop), (next_start, _) in zip(spans, spans[1:] + [(end, end)]):
        assert start < stop <= next_start <= end
    # Cues sit on speech: the audio inside a cue is louder than the pause after it.
    samples, rate, _ = decode(out)
    first_start, first_stop = spans[0]
    second_start = spans[1][0]
    speech = abs(samples[int(first_start * rate):int(first_stop * rate)]).mean()
    pause = abs(samples[int(first_stop * rate) + 2000:int(second_start * rate) - 2000]).mean()
    assert speech > 20 * pause


def test_rebuild_from_cache_is_byte_identical(episode, tmp_path):
    out, _ = episode
    again = tmp_path / "again.mp3"
    result = run_cli("build", FIXTURES / "short.md", "-o", again, "-q")
    assert result.exit_code == 0, result.output
    assert again.read_bytes() == out.read_bytes()
    for suffix in (".chapters.json", ".vtt", ".srt"):
        assert again.with_suffix(suffix).read_bytes() == out.with_suffix(suffix).read_bytes()


def test_stdin_with_title_flag_and_default_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = "Ignored first line\n\nA sentence read from standard input. And another one."
    result = run_cli("build", "-", "--title", "Piped In", "-q", input=text)
    assert result.exit_code == 0, result.output
    out = tmp_path / "output" / "piped-in.mp3"
    assert result.stdout.split()[0] == str(out.relative_to(tmp_path))
    assert str(ID3(out)["TIT2"]) == "Piped In"


def test_intro_outro_and_cover_art(tmp_path):
    make_tone(tmp_path / "intro.wav", 2.0)
    make_tone(tmp_path / "outro.ogg", 1.5, 660)
    cover = tmp_path / "cover.png"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i", "color=c=navy:s=64x64",
                    "-frames:v", "1", str(cover)], check=True)
    config = tmp_path / "narrate.yaml"
    config.write_text("audio:\n  intro: intro.wav\n  outro: outro.ogg\npodcast:\n  title: The Test Show\n"
                      "  image: cover.png\nepisode:\n  read_author: false\n", encoding="utf-8")
    plain = tmp_path / "plain.mp3"
    with_jingles = tmp_path / "jingles.mp3"
    assert run_cli("build", FIXTURES / "plain.txt", "-o", plain, "-q").exit_code == 0
    result = run_cli("build", FIXTURES / "plain.txt", "-o", with_jingles, "-c", config, "-q")
    assert result.exit_code == 0, result.output
    added = MP3(with_jingles).info.length - MP3(plain).info.length
    assert abs(added - 3.5) < 0.1
    tags = ID3(with_jingles)
    assert str(tags["TALB"]) == "The Test Show"
    (picture,) = tags.getall("APIC")
    assert picture.mime == "image/png" and picture.data == cover.read_bytes()
    # The first cue (the title) comes after the two-second intro.
    first_cue = with_jingles.with_suffix(".vtt").read_text().splitlines()[3]
    assert first_cue.startswith("00:00:02.0")


def test_speed_flag_makes_speech_shorter(tmp_path):
    normal = tmp_path / "normal.mp3"
    fast = tmp_path / "fast.mp3"
    assert run_cli("build", FIXTURES / "plain.txt", "-o", normal, "-q").exit_code == 0
    assert run_cli("build", FIXTURES / "plain.txt", "-o", fast, "--speed", "1.5", "-q").exit_code == 0
    speech = lambda path: sum(  # noqa: E731 - total cue time, pauses excluded
        _span(line) for line in path.with_suffix(".vtt").read_text().splitlines() if "-->" in line)
    assert speech(fast) < 0.8 * speech(normal)


def _span(line: str) -> float:
    def seconds(stamp):
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    start, end = line.split(" --> ")
    return seconds(end) - seconds(start)


def test_no_cache_leaves_the_cache_untouched(tmp_path, isolated_cache):
    before = sorted(isolated_cache.rglob("*.wav")) if isolated_cache.exists() else []
    text = tmp_path / "fresh.txt"
    text.write_text("Fresh words\n\nA sentence nobody has cached before, about violet herons.", encoding="utf-8")
    result = run_cli("build", text, "-o", tmp_path / "fresh.mp3", "--no-cache", "-q")
    assert result.exit_code == 0, result.output
    after = sorted(isolated_cache.rglob("*.wav")) if isolated_cache.exists() else []
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["fresh.txt", "fresh.mp3", "fresh.chapters.json", "fresh.vtt", "fresh.srt"])


def test_an_edit_built_by_a_new_process_speaks_its_new_sentence_and_keeps_the_rest(tmp_path):
    """A new `narrate build` of an edited article loads the voice beside the plan (it is an edit of an
    article planned before): the new sentence is spoken, the old ones come from the cache."""
    import os
    import sys

    env = dict(os.environ, NARRATE_CACHE_DIR=str(tmp_path / "cache"))
    paragraphs = ["The lighthouse stood on the point.", "Its keeper climbed the stairs each night.",
                  "Ships passed safely in the dark."]
    source, out = tmp_path / "light.md", tmp_path / "light.mp3"

    def build() -> float:
        subprocess.run([sys.executable, "-m", "narrate", "build", str(source), "-o", str(out), "-q"], env=env,
                       check=True, capture_output=True, timeout=300)
        samples, rate, _ = decode(out)
        return len(samples) / rate

    source.write_text("# Light\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    before = build()
    clips = set((tmp_path / "cache" / "clips").rglob("*.wav"))
    paragraphs[1] += " He trimmed the wick and wound the clockwork that turned the lens."
    source.write_text("# Light\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    assert build() > before + 2
    assert len(set((tmp_path / "cache" / "clips").rglob("*.wav")) - clips) == 1  # the new sentence alone
    assert "clockwork" in out.with_suffix(".vtt").read_text(encoding="utf-8")
    lufs, peak = loudness(out)
    assert -17.0 <= lufs <= -15.0 and peak <= -1.0
