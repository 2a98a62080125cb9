"""The gTTS engine, with only Google's HTTP endpoint faked (it cannot be reached from here)."""

import base64
import subprocess
import urllib.parse

import pytest
import requests
import responses

from narrate.audio.ffmpeg import ffmpeg_exe

from conftest import decode, run_cli

ENDPOINT = "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute"
CLIP_SECONDS = 0.8


@pytest.fixture(scope="module")
def google_mp3():
    """What Google sends back: a 24 kHz mono MP3 (here a tone, made locally)."""
    return subprocess.run(
        [ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i", f"sine=frequency=300:duration={CLIP_SECONDS}",
         "-ar", "24000", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "32k", "-f", "mp3", "-"],
        capture_output=True, check=True).stdout


def _reply(mp3: bytes) -> str:
    payload = base64.b64encode(mp3).decode("ascii")
    return ")]}'\n\n" + '[["wrb.fr","jQ1olc","[\\"' + payload + '\\"]",null,null,null,"generic"]]\n'


@responses.activate
def test_gtts_build_sends_each_sentence_and_decodes_the_reply(tmp_path, google_mp3):
    responses.add(responses.POST, ENDPOINT, body=_reply(google_mp3), status=200)
    article = tmp_path / "a.txt"
    article.write_text("Hello Google\n\nThe first sentence. The second sentence.", encoding="utf-8")
    config = tmp_path / "narrate.yaml"
    config.write_text("engine: gtts\ngtts:\n  lang: en\n  tld: com\npauses:\n  sentence: 0.5\n", encoding="utf-8")
    out = tmp_path / "g.mp3"
    result = run_cli("build", article, "-c", config, "-o", out, "-q", "--no-cache")
    assert result.exit_code == 0, result.output
    sent = [urllib.parse.unquote(call.request.body) for call in responses.calls]
    assert len(sent) == 3
    assert "Hello Google" in sent[0] and "The first sentence." in sent[1] and "The second sentence." in sent[2]
    assert '\\"en\\"' in sent[1]  # the language rides in Google's RPC payload
    samples, rate, channels = decode(out)
    assert rate == 44100 and channels == 1
    cues = [line for line in out.with_suffix(".vtt").read_text().splitlines() if "-->" in line]
    assert len(cues) == 3
    # Three tone clips with their pauses in between: the audio really came from the reply.
    assert 3 * CLIP_SECONDS < len(samples) / rate < 3 * CLIP_SECONDS + 3.5


@responses.activate
def test_gtts_offline_is_one_clear_line(tmp_path):
    responses.add(responses.POST, ENDPOINT, body=requests.exceptions.ConnectionError("no route to host"))
    article = tmp_path / "a.txt"
    article.write_text("Title\n\nSome words.", encoding="utf-8")
    out = tmp_path / "g.mp3"
    result = run_cli("build", article, "--engine", "gtts", "-o", out, "-q")
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("narrate: error: gtts:")
    assert "translate.google.com" in line and "network" in line
    assert list(tmp_path.iterdir()) == [article]


@responses.activate
def test_gtts_server_error_is_reported(tmp_path):
    responses.add(responses.POST, ENDPOINT, body="busy", status=503)
    article = tmp_path / "a.txt"
    article.write_text("Title\n\nSome words.", encoding="utf-8")
    result = run_cli("build", article, "--engine", "gtts", "-o", tmp_path / "g.mp3", "-q")
    assert result.exit_code == 1
    assert "503" in result.stderr and "gtts" in result.stderr


def test_gtts_unknown_language_is_a_config_error(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Title\n\nSome words.", encoding="utf-8")
    config = tmp_path / "narrate.yaml"
    config.write_text("engine: gtts\ngtts:\n  lang: klingon\n", encoding="utf-8")
    result = run_cli("build", article, "-c", config, "-o", tmp_path / "g.mp3")
    assert result.exit_code == 2
    assert "gtts.lang" in result.stderr and "klingon" in result.stderr
