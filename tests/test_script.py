"""`narrate script` shows what will be spoken; `narrate build --script` speaks an edited one."""

import json

from mutagen.id3 import ID3

from conftest import FIXTURES, run_cli

SCRAPED = "\n\n".join([
    "Skip to content",
    "Bridge Vote Settles Old Fight",
    "The council voted on Tuesday to rebuild the old stone bridge over the river, ending a debate that had run for years.",
    "Residents packed the hall for the vote. Many had crossed the bridge every day of their lives.",
    "Many had crossed the bridge every day of their lives.",
    "Work will start in the spring and should take two years, with a temporary crossing for foot traffic.",
    "Sign Up To Our Daily Digest",
    "Sign up for our daily email digest so you never miss a story from the valley.",
])


def test_script_markdown_lists_what_is_read_and_what_is_not(tmp_path):
    source = tmp_path / "scraped.txt"
    source.write_text(SCRAPED, encoding="utf-8")
    result = run_cli("script", source)
    assert result.exit_code == 0, result.output
    spoken, _, dropped = result.stdout.partition("Not read")
    assert spoken.startswith("# Bridge Vote Settles Old Fight")
    assert spoken.count("Many had crossed the bridge") == 1
    assert "Skip to content" not in spoken and "Digest" not in spoken
    assert "[pull quote" in dropped and "[call to action" in dropped and "[page furniture" in dropped


def test_script_json_round_trips_into_a_build(tmp_path):
    source = tmp_path / "scraped.txt"
    source.write_text(SCRAPED, encoding="utf-8")
    result = run_cli("script", source, "--format", "json")
    script = json.loads(result.stdout)
    assert set(script) == {"title", "author", "date", "source_url", "sections", "dropped"}
    assert all({"text", "reason"} == set(d) for d in script["dropped"])
    script["title"] = "An Edited Title"
    script["sections"][0]["paragraphs"] = script["sections"][0]["paragraphs"][:1]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(script), encoding="utf-8")
    out = tmp_path / "edited.mp3"
    built = run_cli("build", "--script", edited, "-o", out, "-q")
    assert built.exit_code == 0, built.output
    assert str(ID3(out)["TIT2"]) == "An Edited Title"
    cues = [line for line in out.with_suffix(".vtt").read_text().splitlines()
            if line and "-->" not in line and not line.isdigit() and line != "WEBVTT"]
    assert cues == ["An Edited Title",
                    "The council voted on Tuesday to rebuild the old stone bridge over the river, "
                    "ending a debate that had run for years."]


def test_bad_script_is_one_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"title": "x", "sections": [{"title": "s", "paragraphs": [1]}]}', encoding="utf-8")
    result = run_cli("build", "--script", bad, "-o", tmp_path / "x.mp3")
    assert result.exit_code == 1
    assert "sections[1].paragraphs must be a list of strings" in result.stderr
    assert not (tmp_path / "x.mp3").exists()


def test_build_needs_exactly_one_input(tmp_path):
    assert run_cli("build").exit_code == 2
    assert run_cli("build", FIXTURES / "plain.txt", "--script", tmp_path / "s.json").exit_code == 2
