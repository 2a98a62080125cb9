"""Cache, resume and crash-proofing: behaviour checked through files, never through timings."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from conftest import run_cli


def audio_frames(mp3: Path) -> bytes:
    """The MP3 without its ID3 tag: what a metadata-only change must leave untouched."""
    data = mp3.read_bytes()
    size = ID3(mp3).size
    return data[size:]


def clip_files(cache: Path) -> dict[Path, bytes]:
    """Finished clips (a write cut short by a kill leaves only a hidden temporary file)."""
    if not (cache / "clips").exists():
        return {}
    return {p: p.read_bytes() for p in (cache / "clips").glob("*/*.wav") if not p.name.startswith(".")}


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("NARRATE_CACHE_DIR", str(cache))
    return cache


def write_article(path: Path, paragraphs: list[str], title: str = "Cache Test") -> Path:
    path.write_text(f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


PARAGRAPHS = ["The first paragraph talks about boats. It has two sentences.",
              "The second paragraph talks about nets. It also has two sentences.",
              "The third paragraph talks about fish. It ends here."]


def modules_a_build_imports(args: list, watched: tuple[str, ...], cache: Path) -> list[str]:
    """Run narrate with `args` in a fresh interpreter (so nothing is imported yet) and say which of the
    `watched` modules it imported."""
    probe = ("import runpy, sys\n"
             f"sys.argv = ['narrate', *{[str(a) for a in args]!r}]\n"
             "try:\n    runpy.run_module('narrate', run_name='__main__')\n"
             "except SystemExit as exit:\n    assert not exit.code, exit.code\n"
             f"print(' '.join(m for m in {watched!r} if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", probe], env={**os.environ, "NARRATE_CACHE_DIR": str(cache)},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1].split()


def test_metadata_only_rebuild_reuses_the_encoded_audio(tmp_path, own_cache):
    source = write_article(tmp_path / "a.md", PARAGRAPHS)
    first, second = tmp_path / "first.mp3", tmp_path / "second.mp3"
    assert run_cli("build", source, "-o", first, "-q").exit_code == 0
    before = clip_files(own_cache)
    renditions = sorted((own_cache / "renditions").iterdir())
    result = run_cli("build", source, "-o", second, "-q", "--title", "Another Title", "--author", "Someone Else")
    assert result.exit_code == 0, result.output
    assert audio_frames(second) == audio_frames(first)
    assert str(ID3(second)["TIT2"]) == "Another Title" and str(ID3(second)["TPE1"]) == "Someone Else"
    assert clip_files(own_cache) == before
    assert sorted((own_cache / "renditions").iterdir()) == renditions


def test_editing_one_paragraph_synthesises_only_its_sentences(tmp_path, own_cache):
    source = write_article(tmp_path / "a.md", PARAGRAPHS)
    assert run_cli("build", source, "-o", tmp_path / "a.mp3", "-q").exit_code == 0
    before = clip_files(own_cache)
    edited = PARAGRAPHS[:1] + ["The second paragraph now talks about ropes. It also has two sentences."] + PARAGRAPHS[2:]
    write_article(source, edited)
    assert run_cli("build", source, "-o", tmp_path / "b.mp3", "-q").exit_code == 0
    after = clip_files(own_cache)
    assert {p: after[p] for p in before} == before  # every earlier clip reused, byte for byte
    assert len(set(after) - set(before)) == 1  # "The second paragraph now talks about ropes."


def test_killed_build_resumes_without_synthesising_anything_twice(tmp_path, own_cache):
    sentences = [f"Sentence {n} of a long story about the northern coast and its lighthouses." for n in range(40)]
    source = write_article(tmp_path / "long.md", [" ".join(sentences[i:i + 4]) for i in range(0, 40, 4)])
    out = tmp_path / "long.mp3"
    process = subprocess.Popen([sys.executable, "-m", "narrate", "build", str(source), "-o", str(out), "-q"],
                               env={**os.environ, "NARRATE_CACHE_DIR": str(own_cache)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(clip_files(own_cache)) < 8 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    assert process.poll() is None, "the build ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    before = clip_files(own_cache)
    assert 8 <= len(before) < 41
    assert not out.exists()  # the episode never appears half-written
    result = run_cli("build", source, "-o", out, "-q")
    assert result.exit_code == 0, result.output
    assert not list(tmp_path.glob(".narrate-*"))  # the killed build's work folder is gone too
    after = clip_files(own_cache)
    assert {p: after[p] for p in before} == before
    assert len(after) == 41  # the title and forty sentences, each synthesised once


def test_interrupted_build_says_so_and_leaves_no_episode(tmp_path, own_cache):
    sentences = [f"Line {n} of a story that takes a while to read aloud, about rivers." for n in range(40)]
    source = write_article(tmp_path / "long.md", [" ".join(sentences)])
    out = tmp_path / "out" / "long.mp3"
    process = subprocess.Popen([sys.executable, "-m", "narrate", "build", str(source), "-o", str(out), "-q"],
                               env={**os.environ, "NARRATE_CACHE_DIR": str(own_cache)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(clip_files(own_cache)) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted" in err.decode() and "Traceback" not in err.decode()
    assert not out.exists() and list(out.parent.iterdir()) == []
    assert len(clip_files(own_cache)) >= 3


def _worker_pids(parent: int) -> list[int]:
    """The speech workers `parent` has spawned (from /proc: their command line names the spawn)."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent and b"spawn_main" in command:
            pids.append(int(entry.name))
    return pids


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the processes from /proc")
def test_ctrl_c_while_the_workers_start_is_one_line(tmp_path, own_cache):
    """A terminal's Ctrl-C reaches every process of the build, the workers too, and it may come while a
    worker's interpreter is still starting: the build still says one line and the workers leave none."""
    sentences = [f"Line {n} of a story that the workers will never read, about tides." for n in range(30)]
    source = write_article(tmp_path / "long.md", sentences)
    process = subprocess.Popen([sys.executable, "-m", "narrate", "build", str(source), "-e", "hibari", "-q",
                                "-o", str(tmp_path / "long.mp3")], env={**os.environ, "NARRATE_CACHE_DIR": str(own_cache)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not _worker_pids(process.pid) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.005)
    assert process.poll() is None, "the build ended before its workers started"
    os.killpg(process.pid, signal.SIGINT)  # as a terminal sends it: to the whole group
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.decode().splitlines() == ["narrate: interrupted; synthesised speech is cached, run again to resume"]


def test_cache_limit_evicts_the_least_recently_used_and_keeps_this_build(tmp_path, own_cache):
    stale = own_cache / "clips" / "00"
    stale.mkdir(parents=True)
    for n in range(3):
        old = stale / f"{n:064d}.wav"
        old.write_bytes(b"\0" * 1_000_000)
        os.utime(old, (1_000_000_000, 1_000_000_000))
    downloaded = own_cache / "voices" / "someone" / "voice.onnx"
    start_up_copy = own_cache / "models" / "graph.onnx"
    for kept_apart in (downloaded, start_up_copy):
        kept_apart.parent.mkdir(parents=True, exist_ok=True)
        kept_apart.write_bytes(b"\0" * 2_000_000)
        os.utime(kept_apart, (1_000_000_000, 1_000_000_000))
    config = tmp_path / "narrate.yaml"
    config.write_text("cache:\n  max_mb: 1\n", encoding="utf-8")
    source = write_article(tmp_path / "a.md", PARAGRAPHS)
    first = tmp_path / "first.mp3"
    assert run_cli("build", source, "-o", first, "-c", config, "-q").exit_code == 0
    assert not any(stale.iterdir())
    assert downloaded.exists() and start_up_copy.exists()  # neither counted nor evicted
    kept = clip_files(own_cache)
    assert len(kept) == 7  # title + six sentences, all still there
    again = tmp_path / "again.mp3"
    assert run_cli("build", source, "-o", again, "-c", config, "-q").exit_code == 0
    assert again.read_bytes() == first.read_bytes()


def test_two_builds_of_the_same_article_at_once(tmp_path, own_cache):
    source = write_article(tmp_path / "a.md", PARAGRAPHS)
    out = tmp_path / "same.mp3"
    command = [sys.executable, "-m", "narrate", "build", str(source), "-o", str(out), "-q"]
    env = {**os.environ, "NARRATE_CACHE_DIR": str(own_cache)}
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
    assert ID3(out)["TIT2"].text == ["Cache Test"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("same")) == [
        "same.chapters.json", "same.mp3", "same.srt", "same.vtt"]
    assert not list(own_cache.rglob(".tmp-*"))
    assert run_cli("build", source, "-o", tmp_path / "third.mp3", "-q").exit_code == 0
    assert (tmp_path / "third.mp3").read_bytes()[ID3(out).size:] == out.read_bytes()[ID3(out).size:]


def test_cache_location_precedence_and_commands(tmp_path, monkeypatch):
    config = tmp_path / "narrate.yaml"
    config.write_text("cache:\n  dir: from-config\n", encoding="utf-8")
    monkeypatch.delenv("NARRATE_CACHE_DIR")
    info = run_cli("cache", "info", "-c", config)
    assert info.stdout.splitlines()[0] == str(tmp_path / "from-config")
    monkeypatch.setenv("NARRATE_CACHE_DIR", str(tmp_path / "from-env"))
    assert run_cli("cache", "info", "-c", config).stdout.splitlines()[0] == str(tmp_path / "from-env")
    source = write_article(tmp_path / "a.md", PARAGRAPHS[:1])
    assert run_cli("build", source, "-o", tmp_path / "a.mp3", "-q").exit_code == 0
    assert "3 clips" in run_cli("cache", "info").stdout
    assert run_cli("cache", "clear").exit_code == 0
    assert "0 clips" in run_cli("cache", "info").stdout


def test_a_build_from_cached_speech_loads_no_voice_and_no_web_page_reader(tmp_path, own_cache):
    source = write_article(tmp_path / "a.md", PARAGRAPHS)
    assert run_cli("build", source, "-o", tmp_path / "first.mp3", "-q").exit_code == 0
    # Longer pauses: the encoded audio must be made anew, but every sentence is in the cache.
    config = tmp_path / "narrate.yaml"
    config.write_text("pauses:\n  sentence: 0.9\n", encoding="utf-8")
    out = tmp_path / "second.mp3"
    imported = modules_a_build_imports(["build", source, "-o", out, "-c", config, "-q"],
                                       ("onnxruntime", "piper", "trafilatura", "ftfy", "emoji", "rich"), own_cache)
    assert imported == []  # nor, for a quiet build of ASCII text, the mojibake mender, emoji or the progress bar
    assert MP3(out).info.length > MP3(tmp_path / "first.mp3").info.length + 1  # the new pauses are in it


@pytest.mark.parametrize("engine", ["piper", "hibari"])
def test_a_title_changed_rebuild_imports_no_detector_no_numpy_and_no_voice(tmp_path, own_cache, engine):
    """Start-up is most of a metadata-only rebuild: the article's reading, speech plan and language come
    from the cache, and the voice's registry is read without importing its runtime; with no config file,
    no YAML reader either."""
    source = write_article(tmp_path / "a.md", PARAGRAPHS)
    first = tmp_path / "first.mp3"
    assert run_cli("build", source, "--engine", engine, "-o", first, "-q").exit_code == 0
    out = tmp_path / "renamed.mp3"
    imported = modules_a_build_imports(["build", source, "--engine", engine, "--title", "Renamed", "-o", out, "-q"],
                                       ("numpy", "py3langid", "onnxruntime", "piper", "hibari", "yaml",
                                        "narrate.article.read", "narrate.article.clean", "markdown_it", "ftfy",
                                        "narrate.speech.normalize", "num2words", "pysbd", "rich"), own_cache)
    assert imported == []
    assert str(ID3(out)["TIT2"]) == "Renamed"
    assert out.read_bytes()[ID3(out).size:] == first.read_bytes()[ID3(first).size:]  # the same audio, re-tagged


def test_a_changed_file_is_read_again_and_its_reading_replaces_nothing(tmp_path, own_cache):
    """The reading kept in the cache is keyed by the file's bytes: an edit is read (and heard) at once,
    and going back to the first text finds the first reading again."""
    source = write_article(tmp_path / "a.md", PARAGRAPHS)
    out = tmp_path / "a.mp3"
    assert run_cli("build", source, "-o", out, "-q").exit_code == 0
    write_article(source, PARAGRAPHS[:2] + ["The third paragraph talks about whales now. It ends here."])
    assert run_cli("build", source, "-o", out, "-q").exit_code == 0
    assert "whales" in out.with_suffix(".vtt").read_text(encoding="utf-8")
    write_article(source, PARAGRAPHS)
    assert run_cli("build", source, "-o", out, "-q").exit_code == 0
    transcript = out.with_suffix(".vtt").read_text(encoding="utf-8")
    assert "whales" not in transcript and "fish" in transcript
    # two readings, two speech plans and the spoken forms of the last plan
    assert len(list((own_cache / "readings").glob("*.json"))) == 5


def test_an_article_record_round_trips_every_field():
    from narrate.models import Article, Dropped, Section

    article = Article(title="T", sections=(Section("T", ("One. Two.",), has_heading=False), Section("H", ("Three.",))),
                      author="A", date="2024-01-02", source_url="https://example.org/a", site_name="S",
                      image_url="https://example.org/i.png", description="D", dropped=(Dropped("menu", "menu"),),
                      language="en")
    assert Article.from_record(article.to_record()) == article
