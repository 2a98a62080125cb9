"""hibari's voice: a real episode, its phonemes, and mixed sample rates joined exactly."""

import wave

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from narrate.config import Config
from narrate.speech.engines.hibari import HibariEngine, misaki

from conftest import FIXTURES, decode, loudness, make_tone, read_chapters_json, run_cli


def _cue_seconds(vtt_path):
    def seconds(stamp):
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    return [tuple(seconds(t) for t in line.split(" --> "))
            for line in vtt_path.read_text(encoding="utf-8").splitlines() if "-->" in line]


@pytest.fixture(scope="module")
def episode(tmp_path_factory):
    out = tmp_path_factory.mktemp("hibari") / "tides.mp3"
    result = run_cli("build", FIXTURES / "short.md", "-o", out, "-q", "--engine", "hibari")
    assert result.exit_code == 0, result.output
    return out


def test_a_hibari_episode_is_podcast_ready(episode):
    samples, rate, channels = decode(episode)
    assert rate == 44100 and channels == 1
    assert len(samples) / rate > 5 and float(abs(samples).max()) > 0.1
    lufs, true_peak = loudness(episode)
    assert -17.0 <= lufs <= -15.0 and true_peak <= -1.0
    chaps = sorted(ID3(episode).getall("CHAP"), key=lambda c: c.start_time)
    assert [str(c.sub_frames["TIT2"]) for c in chaps] == [
        "Tides & Time: a <short> test", "Why the moon matters", "What sailors do"]
    assert chaps[0].start_time == 0
    assert all(a.end_time == b.start_time for a, b in zip(chaps, chaps[1:]))
    assert abs(chaps[-1].end_time / 1000 - len(samples) / rate) < 0.06
    cues = _cue_seconds(episode.with_suffix(".vtt"))
    assert len(cues) == 9
    assert "Dr. Smith measured it for years." in episode.with_suffix(".vtt").read_text(encoding="utf-8")
    # Each chapter after the first starts where its heading's cue does.
    starts = [c["startTime"] for c in read_chapters_json(episode.with_suffix(".chapters.json"))["chapters"]]
    assert all(any(abs(s - cue[0]) < 0.002 for cue in cues) for s in starts[1:])


def test_hibari_speaks_heart_and_its_speech_is_keyed_by_voice_and_model():
    engine = HibariEngine.from_config(Config())
    assert (engine.name, engine.voice, engine.sample_rate, engine.language) == ("hibari", "heart", 24000, "en")
    identity = engine.identity()
    assert identity["model"] == "hibari.onnx" and len(identity["sha256"]) == 64
    faster = HibariEngine.from_config(Config(speed=1.3)).identity()
    assert faster != identity and faster["speed"] == 1.3


def test_speed_and_clause_pauses_change_the_speech():
    text = "When the tide turned at last, the boats came slowly home; the gulls followed them in."
    short = HibariEngine.from_config(Config.model_validate({"pauses": {"clause": 0.15}}))
    long = HibariEngine.from_config(Config.model_validate({"pauses": {"clause": 0.6}}))
    fast = HibariEngine.from_config(Config.model_validate({"pauses": {"clause": 0.15}, "speed": 1.5}))
    base, paused = short.synthesize(text), long.synthesize(text)
    assert len(paused) > len(base) + 2 * 0.4 * 24000  # two clause pauses, 0.45 s longer each
    silent = "".join("1" if abs(int(s)) < 200 else "0" for s in paused)
    assert max(len(run) for run in silent.split("0")) >= 0.6 * 24000
    assert len(fast.synthesize(text)) < 0.8 * len(base)


def test_ipa_lexicon_entries_reach_hibari_and_piper_as_phonemes(tmp_path):
    config = tmp_path / "narrate.yaml"
    config.write_text('pronunciations:\n  Nguyen: {ipa: "ŋwˈɪən"}\n  Haley: {ipa: "ˈheɪli", say: Hailey}\n',
                      encoding="utf-8")
    for engine in ("hibari", "piper"):
        out = tmp_path / f"{engine}.wav"
        result = run_cli("say", "Doctor Nguyen met Haley.", "-e", engine, "-c", config, "-o", out)
        assert result.exit_code == 0, result.output
        spoken, phonemes = result.stdout.splitlines()
        assert spoken == "Doctor [[ ŋwˈɪən ]] met [[ ˈheɪli ]]."
        assert "ŋwˈɪən" in phonemes
        # hibari's alphabet writes the diphthong as one letter; Piper takes the IPA as given.
        assert ("ˈhAli" if engine == "hibari" else "ˈheɪli") in phonemes
        with wave.open(str(out)) as wav:
            assert wav.getnframes() / wav.getframerate() > 1.0
    # Without the lexicon, hibari guesses the name otherwise.
    plain = run_cli("say", "Doctor Nguyen met Haley.", "-e", "hibari", "-o", tmp_path / "plain.wav")
    assert "ŋwˈɪən" not in plain.stdout


def test_ipa_to_hibari_alphabet():
    assert misaki("ˈheɪli") == "ˈhAli"
    assert misaki("dʒɔɪ tʃaɪm") == "ʤY ʧIm"
    assert misaki("ˈroʊz") == "ˈɹOz"


def test_older_phonemes_key_still_works(tmp_path):
    config = tmp_path / "narrate.yaml"
    config.write_text('pronunciations:\n  Nguyen: {phonemes: "ŋwˈɪən"}\n', encoding="utf-8")
    result = run_cli("say", "Nguyen", "-e", "hibari", "-c", config, "-o", tmp_path / "x.wav")
    assert result.exit_code == 0 and result.stdout.startswith("[[ ŋwˈɪən ]]")


def test_mixed_sample_rates_join_without_drift(tmp_path):
    """A 24 kHz body, a 22.05 kHz Piper voice for the title and headings, and a 44.1 kHz intro."""
    make_tone(tmp_path / "intro.wav", 1.0)
    config = tmp_path / "narrate.yaml"
    config.write_text("engine: hibari\naudio:\n  intro: intro.wav\nroles:\n  title: {voice: joe}\n",
                      encoding="utf-8")
    out = tmp_path / "mixed.mp3"
    result = run_cli("build", FIXTURES / "short.md", "-o", out, "-c", config, "-q")
    assert result.exit_code == 0, result.output
    samples, rate, _ = decode(out)
    chapters = read_chapters_json(out.with_suffix(".chapters.json"))["chapters"]
    assert abs(len(samples) / rate - chapters[-1]["endTime"]) < 0.06
    assert abs(MP3(out).info.length - chapters[-1]["endTime"]) < 0.1
    cues = _cue_seconds(out.with_suffix(".vtt"))
    assert abs(cues[0][0] - 1.0) < 0.002  # the title starts when the one-second intro ends
    # Every cue sits on speech, every gap between cues is (near) silence, to the end of the episode:
    # a clip placed a little late or early would show its speech in a gap.
    for (start, stop), (next_start, _) in zip(cues, cues[1:]):
        speech = abs(samples[int(start * rate):int(stop * rate)]).mean()
        gap = samples[int(stop * rate) + 900:int(next_start * rate) - 900]
        assert speech > 0.01 and (len(gap) == 0 or abs(gap).max() < 0.02), (start, stop)
    # No click where a clip meets silence: each clip starts and ends in the quiet its engine left there.
    edge = int(0.005 * rate)
    for start, stop in cues:
        for at in (int(start * rate), int(stop * rate)):
            assert abs(samples[max(0, at - edge):at + edge]).max() < 0.05, at / rate


def test_the_voice_starts_from_its_optimised_graph_saved_once(tmp_path):
    import numpy as np

    text = "The keepers of the light kept the lamp burning through every storm of the winter."
    engine = HibariEngine.from_config(Config(engine="hibari"))
    engine.optimized_dir = tmp_path / "optimized"
    first = engine.synthesize(text)
    (saved,) = engine.optimized_dir.glob("*.onnx")
    assert saved.name.startswith(engine.model.stem) and not list(engine.optimized_dir.glob(".tmp-*"))
    assert engine._tts.model_path == str(saved)
    stamp = saved.stat().st_mtime_ns
    again = HibariEngine.from_config(Config(engine="hibari"))
    again.optimized_dir = engine.optimized_dir
    second = again.synthesize(text)
    assert saved.stat().st_mtime_ns == stamp  # loaded, not optimised again
    level = lambda samples: np.sqrt(np.mean(samples.astype(float) ** 2))  # noqa: E731
    assert abs(len(second) - len(first)) < 0.1 * len(first)
    assert abs(20 * np.log10(level(second) / level(first))) < 1.5
    saved.write_bytes(b"not a network")  # a damaged copy is discarded, and the voice itself still speaks
    third = HibariEngine.from_config(Config(engine="hibari"))
    third.optimized_dir = engine.optimized_dir
    assert len(third.synthesize(text)) > 0.5 * len(first) and not saved.exists()
    assert third._tts.model_path == str(third.model)
    # The optimised graph is the same network: with the same noise it speaks the same samples.
    ids = engine._tts.ids(engine._tts.phonemize(text)[0])
    optimised = engine._tts.from_ids(ids, rng=np.random.default_rng(7))
    assert np.allclose(optimised, third._tts.from_ids(ids, rng=np.random.default_rng(7)), atol=1e-4)


def test_a_long_encode_after_the_last_new_sentence_frees_the_voice_and_the_next_build_loads_it_again(
        tmp_path, monkeypatch):
    """Ten minutes of cached speech after the last new sentence: the voice's network is let go before
    that encode (its memory is most of a build's); after a short one it stays loaded for the next build."""
    from itertools import combinations

    from narrate.config import load_config
    from narrate.speech.engines import load_role_engines
    from narrate.speech.speak import UNLOAD_BEFORE_CHARS

    monkeypatch.setenv("NARRATE_CACHE_DIR", str(tmp_path / "cache"))
    source, out, config = tmp_path / "a.md", tmp_path / "a.mp3", tmp_path / "narrate.yaml"
    config.write_text("workers: 1\n", encoding="utf-8")  # spoken in this process, as a long episode is

    def build(paragraphs: list[str]) -> None:
        source.write_text("# Tides\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
        result = run_cli("build", source, "-c", config, "--engine", "hibari", "--language", "en", "-o", out, "-q")
        assert result.exit_code == 0

    def voice_loaded() -> bool:  # the engine those builds used: the process keeps it for its next build
        engine = load_role_engines(load_config(config, {"engine": "hibari", "speech.language": "en"}))["body"]
        return engine._tts is not None

    sentences = [f"Boat number {word} came home." for word in
                 ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")]
    build(sentences)
    assert voice_loaded()
    # Every sentence is known but the first: all the text after it goes to the encoder once it is spoken.
    triples = [" ".join(three) for three in combinations(sentences, 3)]  # no two alike: all are read
    assert sum(map(len, triples)) > UNLOAD_BEFORE_CHARS
    build(["The first boat was late."] + triples)
    assert not voice_loaded()
    assert MP3(out).info.length > 10 * 60 * 0.8  # the whole programme was encoded
    build(["A new sentence is spoken now."])
    assert voice_loaded()


def test_the_phonemiser_is_read_from_a_copy_saved_once(tmp_path):
    import numpy as np

    text = ("Dr. Okonkwo paid $9.99 at 7:30 p.m. on the 3rd of March; the Zorbulaks' lighthouse, "
            "lit in 1848, read [[ˈheɪ.li]] Hailey.")
    fresh = HibariEngine.from_config(Config(engine="hibari"))
    fresh.optimized_dir = None  # hibari builds its phonemiser from its own files
    expected = fresh.phonemes(text)
    folder = tmp_path / "models"
    saving = HibariEngine.from_config(Config(engine="hibari"))
    saving.optimized_dir = folder
    assert saving.phonemes(text) == expected
    (saved,) = folder.glob("hibari-*.pickle")
    assert not list(folder.glob(".tmp-*"))
    stamp = saved.stat().st_mtime_ns
    reading = HibariEngine.from_config(Config(engine="hibari"))
    reading.optimized_dir = folder
    assert reading.phonemes(text) == expected and saved.stat().st_mtime_ns == stamp  # read, not saved again
    ids = reading._tts.ids(expected.split(" | ")[0])
    assert np.array_equal(reading._tts.from_ids(ids, rng=np.random.default_rng(3)),
                          fresh._tts.from_ids(ids, rng=np.random.default_rng(3)))
    saved.write_bytes(saved.read_bytes()[:1000])  # a torn copy is discarded, and the phonemiser built again
    torn = HibariEngine.from_config(Config(engine="hibari"))
    torn.optimized_dir = folder
    assert torn.phonemes(text) == expected
    assert saved.is_file() and saved.stat().st_size > 1000  # saved whole again


def test_a_new_article_starts_its_workers_while_the_plan_is_made_and_each_sentence_is_spoken_once(tmp_path):
    """The workers start when the plan holds as many unspoken sentences as `speak` gives them, speak
    every sentence once, and end with the build; a plan whose sentences are all cached starts nothing."""
    import multiprocessing

    from narrate.cache import Cache
    from narrate.config import load_config
    from narrate.models import Article, Section
    from narrate.pipeline import plan_speech
    from narrate.speech.engines import load_role_engines
    from narrate.speech.speak import MIN_PARALLEL_CLIPS, HeadStart, speak, worker_count

    things = ["lamp", "stair", "wick", "lens", "bell", "chart", "rope", "flag", "clock", "door", "log", "map",
              "oar", "net"]
    paragraphs = tuple(f"The keeper counted the {thing} number {n} before the tide turned." for n, thing in
                       enumerate(things, 1))
    article = Article(title="The keeper's count", sections=(Section("The keeper's count", paragraphs, False),))
    config = load_config(None, {"engine": "hibari"})
    engines, cache = load_role_engines(config), Cache(tmp_path / "cache")
    workers = worker_count(0, MIN_PARALLEL_CLIPS, engines)
    if workers < 2:
        pytest.skip("one core: every sentence is spoken in this process")

    def plan_with(head: HeadStart) -> tuple[list, list[bool]]:
        started = []

        def planned(utterance) -> None:
            head.planned(utterance)
            started.append(head.pool is not None)

        return plan_speech(article, config, on_planned=planned), started

    with HeadStart(engines, cache, 0) as head:
        plan, started = plan_with(head)
        assert len(plan) == len(things) + 1  # the title, then each sentence
        assert started.index(True) == MIN_PARALLEL_CLIPS - 1  # at the twelfth unspoken sentence, mid-plan
        assert len(multiprocessing.active_children()) == workers  # started before anything is spoken
        clips = speak(plan, engines, cache, head_start=head)
    assert not multiprocessing.active_children()  # ended with the build
    assert len({clip.path for clip in clips}) == len(plan) and all(clip.path.is_file() for clip in clips)
    assert len(list((tmp_path / "cache").rglob("*.wav"))) == len(plan)  # each sentence spoken once
    with HeadStart(engines, cache, 0) as head:
        plan_with(head)  # a plan of what the cache holds: a rebuild
        assert not head.started and not multiprocessing.active_children()
