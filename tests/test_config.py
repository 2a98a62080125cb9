import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from narrate.config import Config, load_config, template
from narrate.errors import ConfigError

from conftest import run_cli


def test_template_holds_exactly_the_defaults(tmp_path):
    path = tmp_path / "narrate.yaml"
    path.write_text(template(), encoding="utf-8")
    loaded = load_config(path)
    assert loaded.model_dump() == Config().model_dump()
    # Every key of the model appears in the template, so `narrate init` documents everything.
    assert set(yaml.safe_load(template())) == set(Config.model_fields) - {"base_dir"}


def test_init_writes_the_template_and_refuses_to_overwrite(tmp_path):
    path = tmp_path / "narrate.yaml"
    assert run_cli("init", path).exit_code == 0
    assert path.read_text(encoding="utf-8") == template()
    again = run_cli("init", path)
    assert again.exit_code == 1 and "--force" in again.stderr
    assert run_cli("init", path, "--force").exit_code == 0


@pytest.mark.parametrize("text, fragments", [
    ("spede: 1.2\n", ["spede", "unknown key"]),
    ("speed: fast\n", ["speed", "fast"]),
    ("speed: 3\n", ["speed", "2"]),
    ("pauses:\n  sentence: -1\n", ["pauses.sentence", "0"]),
    ("audio:\n  bitrate: 65\n", ["audio.bitrate", "64"]),
    ("engine: espeak\n", ["engine", "espeak", "piper"]),
    ("piper: joe\n", ["piper"]),
    ("- a list\n", ["mapping"]),
    ("speed: [1\n", ["line"]),
    ("podcast:\n  type: weekly\n", ["podcast.type", "episodic"]),
    ("base_dir: /tmp\n", ["base_dir", "unknown key"]),
])
def test_errors_name_the_file_and_the_key(tmp_path, text, fragments):
    path = tmp_path / "narrate.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message


def test_precedence_flag_over_file_over_default(tmp_path):
    path = tmp_path / "narrate.yaml"
    path.write_text("speed: 1.3\npiper:\n  threads: 1\n", encoding="utf-8")
    assert load_config(path).speed == 1.3
    assert load_config(path).piper.threads == 1
    assert load_config(path).pauses.sentence == 0.3
    flagged = load_config(path, {"speed": 0.8, "piper.voice": None})
    assert flagged.speed == 0.8 and flagged.piper.voice == "joe"


def test_relative_paths_resolve_against_the_config_file(tmp_path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "narrate.yaml"
    path.write_text("audio:\n  intro: jingle.mp3\n", encoding="utf-8")
    config = load_config(path)
    assert config.path(config.audio.intro) == tmp_path / "sub" / "jingle.mp3"


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.yaml")


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
keys = st.sampled_from(["engine", "speed", "piper", "gtts", "pauses", "audio", "podcast", "episode", "x"])


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(keys, yaml_values, max_size=4))
def test_any_yaml_gives_a_config_or_a_clear_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "narrate.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    try:
        load_config(path)
    except ConfigError as error:
        assert str(error).startswith(str(path)) and "\n" not in str(error)


def test_version_and_help():
    from narrate import __version__

    assert run_cli("--version").stdout.strip() == f"narrate {__version__}"
    help_text = run_cli("--help").stdout
    for command in ("build", "script", "say", "init", "voices", "publish", "serve", "cache", "feed"):
        assert command in help_text
