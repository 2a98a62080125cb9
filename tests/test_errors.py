"""Bad input: one line on stderr, a non-zero exit, no traceback, nothing half-written."""

import pytest

from conftest import FIXTURES, run_cli


def _one_line_error(result, *fragments):
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("narrate: error: ")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def test_missing_file(tmp_path):
    result = run_cli("build", tmp_path / "nope.md", "-o", tmp_path / "x.mp3")
    _one_line_error(result, "nope.md", "no such file")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content, message", [
    (b"", "no words to read"),
    (b"   \n\n  \t\n", "no words to read"),
    (b"--- ... !!!\n\n***\n", "no words to read"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"caf\xe9 au lait, latin-1 text", "not valid UTF-8"),
])
def test_unreadable_or_empty_input(tmp_path, content, message):
    source = tmp_path / "article.txt"
    source.write_bytes(content)
    out = tmp_path / "out" / "x.mp3"
    _one_line_error(run_cli("build", source, "-o", out), message)
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


def test_folder_as_input(tmp_path):
    _one_line_error(run_cli("build", tmp_path, "-o", tmp_path / "x.mp3"), "is a folder")


def test_bad_config_exits_2_and_names_file_and_key(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("speed: 9\n", encoding="utf-8")
    result = run_cli("build", FIXTURES / "plain.txt", "-c", config, "-o", tmp_path / "x.mp3")
    assert result.exit_code == 2
    line = _one_line_error(result, str(config), "speed")
    assert "2" in line  # the allowed bound is named


def test_bad_flag_value_is_a_config_error(tmp_path):
    result = run_cli("build", FIXTURES / "plain.txt", "--speed", "0", "-o", tmp_path / "x.mp3")
    assert result.exit_code == 2
    _one_line_error(result, "speed")


def test_bad_date_flag(tmp_path):
    result = run_cli("build", FIXTURES / "plain.txt", "--date", "last tuesday", "-o", tmp_path / "x.mp3")
    _one_line_error(result, "--date", "YYYY-MM-DD")


def test_unknown_voice(tmp_path):
    result = run_cli("build", FIXTURES / "plain.txt", "--voice", "nobody", "-o", tmp_path / "x.mp3")
    _one_line_error(result, "piper.voice", "nobody", "joe")
    result = run_cli("build", FIXTURES / "plain.txt", "-e", "hibari", "--voice", "nobody", "-o", tmp_path / "x.mp3")
    _one_line_error(result, "hibari.voice", "nobody", "heart")


def test_output_where_a_file_blocks_the_folder(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    _one_line_error(run_cli("build", FIXTURES / "plain.txt", "-o", blocker / "x.mp3", "-q"), "blocker")
    assert blocker.read_text() == "a file, not a folder"


def test_missing_intro_file_leaves_nothing_behind(tmp_path):
    config = tmp_path / "narrate.yaml"
    config.write_text("audio:\n  intro: missing.wav\n", encoding="utf-8")
    out = tmp_path / "out" / "x.mp3"
    _one_line_error(run_cli("build", FIXTURES / "plain.txt", "-c", config, "-o", out, "-q"), "missing.wav")
    assert list(out.parent.iterdir()) == []


def test_failed_rebuild_keeps_the_previous_episode(tmp_path):
    out = tmp_path / "ep.mp3"
    assert run_cli("build", FIXTURES / "plain.txt", "-o", out, "-q").exit_code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    config = tmp_path / "narrate.yaml"
    config.write_text("audio:\n  outro: gone.mp3\n", encoding="utf-8")
    _one_line_error(run_cli("build", FIXTURES / "plain.txt", "-c", config, "-o", out, "-q"), "gone.mp3")
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name != "narrate.yaml"}
    assert after == before


def test_an_article_and_a_script_together_or_neither_is_a_usage_error(tmp_path):
    script = tmp_path / "script.json"
    script.write_text("{}", encoding="utf-8")
    _one_line_error(run_cli("build", FIXTURES / "short.md", "--script", script), "give an article", "not both")
    _one_line_error(run_cli("publish", "--feed", tmp_path / "feed"), "give an article or episode", "not both")
