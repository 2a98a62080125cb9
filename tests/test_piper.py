import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from narrate.speech.clauses import clause_parts
from narrate.speech.engines.piper import MAX_CALL_CHARS

LONG = ("Of everyone who answered the survey in those years, just over half were women, three in four were "
        "older than twenty six, and most lived in towns; the rest, who lived on farms or on islands far from "
        "any road, answered by post, which took weeks, because the boat came only once a fortnight in winter.")

# One clause with no comma, of about 260 characters (13 s of speech).
KEEPER = ("The keeper climbed the long stair of the old tower every evening and lit the great lamp that guided "
          "the fishing boats along the rocky coast through storms and calm nights alike while the village slept "
          "below the cliffs and the gulls waited on the ledges for the morning tide to turn.")


def test_a_long_sentence_is_cut_at_its_clauses_and_nothing_is_lost():
    parts = clause_parts(LONG, MAX_CALL_CHARS)
    assert len(parts) >= 2
    assert all(len(p) <= MAX_CALL_CHARS for p in parts)
    assert " ".join(parts) == LONG
    assert parts[0].endswith(("towns;", ",")), parts  # a clause break, not the middle of a phrase


def test_a_sentence_end_inside_a_quote_is_the_first_choice():
    text = ("She told the paper: \"the lamp was lit every night for a hundred and twelve years without a "
            "single miss. Nobody else on this coast can say that, and nobody will again, I think, not ever.\"")
    assert clause_parts(text, limit=120)[0].endswith("miss.")


def test_short_sentences_and_lexicon_phonemes_are_never_cut():
    assert clause_parts("A short sentence, with a comma.", MAX_CALL_CHARS) == ["A short sentence, with a comma."]
    phonemes = "[[" + "a b c d e f g h " * 20 + "]]"
    text = f"The word {phonemes} is said as written, and then the sentence goes on for quite a while more."
    for part in clause_parts(text, limit=80):
        assert part.count("[[") == part.count("]]")


@given(st.text(st.sampled_from("abc ,;."), min_size=1, max_size=600))
def test_parts_rebuild_the_text(text):
    parts = clause_parts(text, MAX_CALL_CHARS)
    assert " ".join(parts).split() == text.split()


def test_a_long_clause_is_spoken_in_bounded_memory():
    """Piper needs about 0.8 MB per character spoken in one call, and this clause with no comma is 197:
    160 MB in one piece, about 80 MB in parts of at most MAX_CALL_CHARS."""
    clause = ("The keeper climbed the long stair of the tower every evening and lit the great lamp that guided "
              "the fishing boats along the rocky coast through storms and calm nights alike while the village slept.")
    script = f"""
import resource
from narrate.config import Config
from narrate.speech.engines.piper import PiperEngine
engine = PiperEngine.from_config(Config())
engine.synthesize("Warm up.")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
audio = engine.synthesize({clause!r})
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(len(audio) / engine.sample_rate, grown // 1024)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    seconds, grown_mb = map(float, out.split())
    assert seconds > 8  # all of it was spoken
    assert grown_mb < 115, f"peak memory grew by {grown_mb} MB for one clause"


def test_clauses_are_cut_at_commas_semicolons_colons_and_dashes_never_into_tiny_pieces():
    from narrate.speech.clauses import clauses

    assert clauses("When the tide turned, the boats came home; the gulls followed them — as always.") == [
        "When the tide turned,", "the boats came home;", "the gulls followed them", "— as always."]
    assert clauses("Yes, he said, it was.") == ["Yes, he said, it was."]  # no piece under 12 characters alone
    assert clauses("Say [[ a, b ]] twice, then stop here.") == ["Say [[ a, b ]] twice,", "then stop here."]


def test_a_clause_pause_adds_silence_inside_the_sentence_and_keys_the_cache():
    from narrate.config import Config
    from narrate.speech.engines.piper import PiperEngine

    text = "When the tide turned at last, the boats came slowly home; the gulls followed them in."
    plain = PiperEngine.from_config(Config.model_validate({"pauses": {"clause": 0}}))
    paused = PiperEngine.from_config(Config.model_validate({"pauses": {"clause": 0.6}}))
    assert "clause_pause" not in plain.identity() and paused.identity()["clause_pause"] == 0.6
    gap = paused.synthesize(text)
    silent = (abs(gap.astype(int)) < 200)
    longest = max(len(run) for run in "".join("1" if s else "0" for s in silent).split("0"))
    assert longest >= 0.55 * paused.sample_rate  # two clause pauses of 0.6 s are really there
    # Piper's own comma pause (about 0.3 s) is trimmed and the configured one put in its place.
    assert len(gap) > len(plain.synthesize(text)) + 0.4 * paused.sample_rate


def test_the_optimised_graph_is_saved_once_and_speaks_like_the_voice(tmp_path):
    import numpy as np

    from narrate.config import Config
    from narrate.speech.engines.piper import PiperEngine

    text = "The keepers of the light kept the lamp burning through every storm of the winter."
    config = Config.model_validate({"cache": {"dir": str(tmp_path)}})
    engine = PiperEngine.from_config(config)
    engine.optimized_dir = tmp_path / "optimized"
    first = engine.synthesize(text)
    (saved,) = engine.optimized_dir.glob("*.onnx")
    assert saved.name.startswith(engine.model.stem) and not list(engine.optimized_dir.glob(".tmp-*"))
    stamp = saved.stat().st_mtime_ns
    again = PiperEngine.from_config(config)
    again.optimized_dir = engine.optimized_dir
    second = again.synthesize(text)
    assert saved.stat().st_mtime_ns == stamp  # loaded, not optimised again
    # Piper samples noise, so the two differ in detail, not in length or level.
    assert abs(len(second) - len(first)) < 0.1 * len(first)
    level = lambda samples: np.sqrt(np.mean(samples.astype(float) ** 2))  # noqa: E731
    assert abs(20 * np.log10(level(second) / level(first))) < 1.5
    # A damaged copy is discarded (made again next time), and the voice still speaks.
    saved.write_bytes(b"not a network")
    third = PiperEngine.from_config(config)
    third.optimized_dir = engine.optimized_dir
    assert len(third.synthesize(text)) > 0.5 * len(first)
    assert not saved.exists()


def test_a_clause_longer_than_one_call_is_one_cue_with_every_word_on_its_speech(tmp_path):
    """A clause with no comma, longer than Piper may speak in one call, is spoken in parts joined by a short
    pause; the listener and the transcript still get one sentence, every word once, its cue on its audio."""
    from conftest import decode, run_cli

    parts = clause_parts(KEEPER, MAX_CALL_CHARS)
    assert len(parts) >= 2 and "," not in KEEPER
    source = tmp_path / "keeper.md"
    source.write_text(f"# The keeper\n\n{KEEPER} The lamp is out now.\n", encoding="utf-8")
    out = tmp_path / "keeper.mp3"
    assert run_cli("build", source, "-o", out, "-q").exit_code == 0
    cues = [cue.split("\n") for cue in out.with_suffix(".vtt").read_text(encoding="utf-8").strip().split("\n\n")[1:]]
    assert [" ".join(cue[2:]) for cue in cues[-2:]] == [KEEPER, "The lamp is out now."]  # number, times, text

    def seconds(stamp):
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    start, stop = (seconds(t) for t in cues[-2][1].split(" --> "))
    next_start = seconds(cues[-1][1].split(" --> ")[0])
    samples, rate, _ = decode(out)
    level = lambda a, b: abs(samples[int(a * rate):int(b * rate)]).mean()  # noqa: E731
    # Speech right at both ends of the cue, near silence in the pause after it.
    assert min(level(start, start + 0.25), level(stop - 0.25, stop)) > 10 * level(stop + 0.05, next_start - 0.05)
    # Inside it, the joins: a silence of at least 0.1 s for each cut (the clause pause, 0.15 s by default).
    window = int(0.01 * rate)
    frames = abs(samples[int(start * rate):int(stop * rate)])
    quiet = [frames[i:i + window].mean() < 0.005 for i in range(0, len(frames) - window, window)]
    runs = [len(run) for run in "".join("1" if q else "0" for q in quiet).split("0")]
    assert sum(run >= 10 for run in runs) >= len(parts) - 1
