"""The `narrate` command. Parses flags, loads config, calls the pipeline, turns errors into one line.

Heavy libraries are imported inside the commands so `narrate --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import typer

from narrate.errors import NarrateError

app = typer.Typer(
    help="Turn a written article into a podcast-ready episode.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
cache_app = typer.Typer(help="Inspect or clear the cache of synthesised speech.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")
feed_app = typer.Typer(help="List, remove or check the episodes of a podcast feed.", no_args_is_help=True)
app.add_typer(feed_app, name="feed")

def _version(value: bool) -> None:
    if value:
        from narrate import __version__

        typer.echo(f"narrate {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Turn a written article into a podcast-ready episode."""


ConfigOption = typer.Option(None, "--config", "-c", help="Config file (default: ./narrate.yaml if present).",
                            dir_okay=False)
EngineOption = typer.Option(None, "--engine", "-e",
                            help="Speech engine: piper (the default, offline), hibari (offline) or gtts (Google, online).")
VoiceOption = typer.Option(None, "--voice",
                           help="Voice: a hibari voice (heart, fenrir, ...), a Piper voice's name (joe, "
                                "en_GB-alan-medium, ...) or a .onnx path.")


def _fail(error: NarrateError) -> None:
    if os.environ.get("NARRATE_DEBUG"):
        raise error
    typer.echo(f"narrate: error: {error}", err=True)
    raise typer.Exit(error.exit_code)


def _one_input(source: Optional[str], script: Optional[Path], what: str = "an article") -> None:
    if (source is None) == (script is None):
        typer.echo(f"narrate: error: give {what} (URL, file or -) or --script FILE, not both", err=True)
        raise typer.Exit(2)


class _Bar:
    """A rich progress bar with ETA on stderr, shown while speech is synthesised.

    It also holds Ctrl-C: Python drops a KeyboardInterrupt that lands while a finaliser runs (a
    closed file's, a wave reader's), so an interrupt seen once is raised again at the next report.
    """

    def __init__(self, quiet: bool):
        self.progress = None  # --quiet: no bar, and rich (a tenth of a second) is not imported
        if not quiet:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

            self.progress = Progress(TextColumn("{task.description:<9}"), BarColumn(),
                                     TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
                                     TextColumn("ETA"), TimeRemainingColumn(),
                                     console=Console(stderr=True), transient=False)
        self.tasks: dict[str, int] = {}
        self.interrupted = False
        self.previous_handler = None

    def _interrupt(self, signum, frame) -> None:
        self.interrupted = True
        raise KeyboardInterrupt

    def __enter__(self):
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            self.previous_handler = signal.signal(signal.SIGINT, self._interrupt)
        if self.progress is not None:
            self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        import signal

        if self.previous_handler is not None:
            signal.signal(signal.SIGINT, self.previous_handler)
        return self.progress.__exit__(*exc) if self.progress is not None else False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.interrupted:
            raise KeyboardInterrupt
        if self.progress is None:
            return
        if stage != "done":
            if stage not in self.tasks:
                self.tasks[stage] = self.progress.add_task(stage.capitalize(), total=max(total, 1))
            self.progress.update(self.tasks[stage], completed=done, total=max(total, 1))
        for name, task in self.tasks.items():
            if name != stage:
                self.progress.update(task, completed=self.progress.tasks[task].total)


def _configured_cache(settings):
    """The cache the settings name (or NARRATE_CACHE_DIR)."""
    from narrate.cache import Cache, cache_dir

    return Cache(cache_dir(settings.path(settings.cache.dir)))


@dataclass(frozen=True)
class BuildRequest:
    """What `narrate build` was asked for: run once, or again on every change with `--watch`."""

    source: Optional[str] = None
    script: Optional[Path] = None
    output: Optional[Path] = None
    config: Optional[Path] = None
    flags: dict = field(default_factory=dict)  # the config keys set on the command line
    title: Optional[str] = None
    author: Optional[str] = None
    date: Optional[str] = None
    use_cache: bool = True

    def run(self, voices=None, progress=None):
        """Read the config and the article as they are now and build: (the episode, the settings)."""
        from narrate.config import load_config
        from narrate.pipeline import MetaOverrides, default_output, load_script, read_article
        from narrate.pipeline import build as build_episode
        from narrate.speech.engines import engine_for_voice

        settings = load_config(self.config, self.flags, voice_owner=engine_for_voice)
        if self.date is not None:
            _check_date(self.date)
        if self.script is not None:
            article = load_script(self.script)
        else:
            article = read_article(self.source, settings,
                                   cache=_configured_cache(settings) if self.use_cache else None)
        overrides = MetaOverrides(title=self.title, author=self.author, date=self.date)
        target = self.output if self.output is not None else default_output(article, settings, overrides)
        if target.suffix.lower() != ".mp3":
            target = target.with_name(target.name + ".mp3")
        episode = build_episode(article, settings, target, overrides=overrides, use_cache=self.use_cache,
                                progress=progress, voices=voices)
        return episode, settings

    def rehearse(self, settings) -> None:
        """Read and plan the article again without the cache, and import the audio end, keeping nothing:
        a build that found everything in the cache imported none of what an edit needs, and the first
        edit would pay for it (1.5-2 s more on a busy machine, with hibari)."""
        import concurrent.futures.thread  # noqa: F401 - where the voice speaks beside the encoder

        import soxr  # noqa: F401 - the limiter's oversampling

        import narrate.audio.encode  # noqa: F401 - the encoder, its limiter and meter
        import narrate.audio.limiter  # noqa: F401
        import narrate.audio.pieces  # noqa: F401
        from narrate.audio.ffmpeg import ffmpeg_exe
        from narrate.pipeline import load_script, plan_speech, read_article, with_article_language

        ffmpeg_exe()  # found once per process

        try:
            article = load_script(self.script) if self.script is not None else read_article(self.source, settings)
            plan_speech(article, with_article_language(article, settings))
        except NarrateError:
            pass  # the build that comes with the next change will say what is wrong

    def watched(self, settings=None) -> list[Path]:
        """The files whose change means a rebuild: the article (or script), the config file and, with the
        `settings` read from it, the files they name that a build reads (see `Config.files_read`)."""
        from narrate.config import DEFAULT_CONFIG_NAME

        article = self.script if self.script is not None else Path(self.source)
        named = settings.files_read() if settings is not None else []
        files = [article, Path(self.config or DEFAULT_CONFIG_NAME), *named]
        return list(dict.fromkeys(path.resolve() for path in files))


def _summary(episode) -> str:
    minutes, seconds = divmod(round(episode.timeline.duration_ms / 1000), 60)
    chapters = len(episode.timeline.chapters)
    return (f"{chapters} chapter{'' if chapters == 1 else 's'}, {minutes}:{seconds:02d}, "
            f"{episode.loudness_lufs:.1f} LUFS, true peak {episode.true_peak_dbtp:.1f} dBTP")


@app.command()
def build(
    source: Optional[str] = typer.Argument(None, help="Article: a URL, a file (.html, .md, .txt) or - for stdin."),
    script: Optional[Path] = typer.Option(None, "--script", help="Speak this script (from `narrate script "
                                          "--format json`, perhaps edited) instead of an article.", dir_okay=False),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="MP3 to write (default: OUTPUT_DIR/<slug>.mp3).",
                                          dir_okay=False),
    config: Optional[Path] = ConfigOption,
    engine: Optional[str] = EngineOption,
    voice: Optional[str] = VoiceOption,
    speed: Optional[float] = typer.Option(None, "--speed", help="Speaking rate, 0.5 to 2.0."),
    language: Optional[str] = typer.Option(None, "--language", "-l", help="The article's language (en, ru, ...), "
                                           "instead of the one detected."),
    title: Optional[str] = typer.Option(None, "--title", help="Episode title (default: the article's)."),
    author: Optional[str] = typer.Option(None, "--author", help="Episode author (default: the article's)."),
    date: Optional[str] = typer.Option(None, "--date", help="Episode date, YYYY-MM-DD."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Synthesise everything afresh; keep nothing."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar; print only the output paths."),
    watch: bool = typer.Option(False, "--watch", "-w", help="Build, then build again whenever the article, the "
                                                            "config file or a file it names changes, with the "
                                                            "voice kept loaded; Ctrl-C stops."),
) -> None:
    """Narrate an article into an MP3 with chapters, a transcript and chapters JSON.

    With --watch the command stays after the first build and builds again each time the article (or
    script), the config file or a file the config names (pronunciations, jingles, cover image, a voice
    file) is saved, with the voice kept loaded: an edit costs about the sentences it changed. Each
    rebuild prints one line (what changed, the seconds, the MP3); an edit that cannot be
    built prints its one-line error and the watch goes on; Ctrl-C stops it (exit 0). A URL or standard
    input cannot be watched.
    """
    _one_input(source, script)
    request = BuildRequest(source=source, script=script, output=output, config=config,
                           flags={"engine": engine, "voice": voice, "speed": speed, "speech.language": language},
                           title=title, author=author, date=date, use_cache=not no_cache)
    if watch:
        if source is not None:
            from narrate.article.fetch import is_url

            if source == "-" or is_url(source):
                typer.echo("narrate: error: --watch needs a local file (the article to watch), not "
                           + ("standard input" if source == "-" else "a URL"), err=True)
                raise typer.Exit(2)
        from narrate.speech.engines import Voices

        with Voices() as voices:
            watch_builds(request, voices, quiet)
        return
    try:
        with _Bar(quiet) as bar:
            episode, _ = request.run(progress=bar)
    except NarrateError as error:
        _fail(error)
    except KeyboardInterrupt:
        typer.echo("narrate: interrupted; synthesised speech is cached, run again to resume", err=True)
        raise typer.Exit(130)
    if not quiet:
        typer.echo(_summary(episode), err=True)
    for path in (episode.mp3, episode.chapters_json, episode.vtt, episode.srt):
        typer.echo(str(path))


# How often the watch wakes when nothing changes: the first wake says it is listening, and each one
# lets a `stop` event be seen.
WATCH_WAKE_MS = 200


def watch_builds(request: BuildRequest, voices, quiet: bool = False, stop=None) -> None:
    """`narrate build --watch`: build, then again on each change of the watched files, until Ctrl-C (or
    `stop`, an event, is set). Each build is the one-shot build, given `voices` so the voice (and its
    workers) stays loaded; a build that fails says why in one line and the watch goes on. The files
    watched are the article, the config file and what the config names (read again after each build:
    a config that names a new pronunciation file has it watched from then on)."""
    from narrate.cache import file_stamps

    def build_once(bar) -> tuple:
        try:
            episode, settings = request.run(voices, bar)
        except NarrateError as error:
            typer.echo(f"narrate: error: {error}", err=True)
            return None, None
        voices.warm(settings)  # a first build that spoke nothing loaded no voice: load it before the edit
        return episode, settings

    try:
        watched = request.watched()
        before = file_stamps(watched)
        with _Bar(quiet) as bar:
            episode, settings = build_once(bar)
        if settings is not None:
            request.rehearse(settings)
            watched, before = _restamped(request.watched(settings), before)
        if episode is not None:
            if not quiet:
                typer.echo(_summary(episode), err=True)
            for path in (episode.mp3, episode.chapters_json, episode.vtt, episode.srt):
                typer.echo(str(path))
        while watched:
            watched, before = _watch_until_changed(watched, before, request, build_once, stop)
    except KeyboardInterrupt:
        pass  # during a build too: the build has tidied its work away, and what it had written is whole
    typer.echo("stopped watching", err=True)


def _watch_until_changed(watched: list[Path], before: list, request: BuildRequest, build_once, stop) -> tuple:
    """Watch `watched` (whose stamps before the last build were `before`) and build on each change, until
    a build's settings name other files: then the files to watch now and their stamps (an empty list when
    `stop` was set). A change made while no watch was in place is seen at the first wake."""
    import time

    from watchfiles import watch  # here: `narrate --help` does not pay for it

    from narrate.cache import file_stamps

    # Folders are watched, not the files: an editor that saves by writing a new file and renaming it
    # over the old one replaces what a watch on the file itself would follow.
    folders = sorted({str(path.parent) for path in watched if path.parent.is_dir()})
    wanted = set(watched)
    listening = False
    for changes in watch(*folders, watch_filter=lambda change, path: Path(path) in wanted, recursive=False,
                         stop_event=stop, rust_timeout=WATCH_WAKE_MS, yield_on_timeout=True):
        changed = {Path(path).name for _, path in changes}
        if not listening:
            listening = True
            changed |= {path.name for path, old, new in zip(watched, before, file_stamps(watched)) if old != new}
            typer.echo(f"watching {', '.join(_shown(path) for path in watched)} for changes (Ctrl-C stops)",
                       err=True)
        if not changed:
            continue
        before = file_stamps(watched)
        began = time.perf_counter()
        with _Bar(True) as bar:
            episode, settings = build_once(bar)
        if episode is not None:
            typer.echo(f"rebuilt in {time.perf_counter() - began:.2f} s ({', '.join(sorted(changed))} changed): "
                       f"{episode.mp3}, {_summary(episode)}", err=True)
        now = request.watched(settings) if settings is not None else watched
        if now != watched:
            return _restamped(now, before)
    return [], []


def _restamped(watched: list[Path], before: list) -> tuple[list[Path], list]:
    """`watched` with each file's stamp from `before` (taken before the last build), or from now for a
    file that was not watched then."""
    from narrate.cache import file_stamps

    known = {stamp[0]: stamp for stamp in before}
    return watched, [known.get(str(path)) or file_stamps([path])[0] for path in watched]


def _shown(path: Path) -> str:
    """A path as short as it can be said: relative to here when it is below here."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@app.command("script")
def script_command(
    source: str = typer.Argument(..., help="Article: a URL, a file (.html, .md, .txt) or - for stdin."),
    output_format: str = typer.Option("md", "--format", "-f", help="md (to read) or json (to edit and build)."),
    config: Optional[Path] = ConfigOption,
) -> None:
    """Print what would be spoken, and what was left out and why, without synthesising."""
    from narrate.article.script import to_json, to_markdown
    from narrate.config import load_config
    from narrate.pipeline import read_article

    if output_format not in ("md", "json"):
        typer.echo(f"narrate: error: --format: expected md or json (got {output_format!r})", err=True)
        raise typer.Exit(2)
    try:
        article = read_article(source, load_config(config))
    except NarrateError as error:
        _fail(error)
    typer.echo(to_json(article) if output_format == "json" else to_markdown(article), nl=False)


@app.command()
def say(
    text: str = typer.Argument(..., help="The words to speak."),
    output: Path = typer.Option(Path("say.wav"), "--output", "-o", help="WAV file to write.", dir_okay=False),
    config: Optional[Path] = ConfigOption,
    engine: Optional[str] = EngineOption,
    voice: Optional[str] = VoiceOption,
    speed: Optional[float] = typer.Option(None, "--speed", help="Speaking rate, 0.5 to 2.0."),
    language: Optional[str] = typer.Option(None, "--language", "-l", help="The article's language (en, ru, ...), "
                                           "instead of the one detected."),
) -> None:
    """Speak one line to a WAV and print what the engine was given, and its phonemes: for trying pronunciations."""
    import os
    import tempfile
    import wave

    from narrate.config import load_config
    from narrate.errors import OutputError
    from narrate.pipeline import check_language, speech_options
    from narrate.speech.engines import engine_for_voice, load_engine
    from narrate.speech.normalize import normalize

    try:
        settings = load_config(config, {"engine": engine, "voice": voice, "speed": speed,
                                           "speech.language": language},
                               voice_owner=engine_for_voice)
        spoken = normalize(text, speech_options(settings))
        if not spoken.strip():
            raise OutputError("nothing to say once the text is normalised")
        speaker = load_engine(settings)
        check_language(settings, {"body": speaker})
        phonemes = speaker.phonemes(spoken) if hasattr(speaker, "phonemes") else None
        samples = speaker.synthesize(spoken)
        target = output if output.suffix.lower() == ".wav" else output.with_name(output.name + ".wav")
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".say-", suffix=".wav")
        with os.fdopen(fd, "wb") as raw, wave.open(raw, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(speaker.sample_rate)
            wav.writeframes(samples.tobytes())
        os.replace(tmp, target)
    except NarrateError as error:
        _fail(error)
    except OSError as exc:
        typer.echo(f"narrate: error: {output}: cannot write ({exc.strerror or exc})", err=True)
        raise typer.Exit(1)
    typer.echo(spoken)
    if phonemes is not None:
        typer.echo(f"phonemes: {phonemes}")
    typer.echo(str(target), err=True)


def _check_date(value: str) -> None:
    import datetime

    from narrate.errors import ConfigError

    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--date: expected YYYY-MM-DD (got {value!r})") from None


@app.command()
def init(
    path: Path = typer.Argument(Path("narrate.yaml"), help="Where to write the config.", dir_okay=False),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write a commented config file with every key at its default."""
    from narrate.config import template

    if path.exists() and not force:
        typer.echo(f"narrate: error: {path} exists; use --force to overwrite it", err=True)
        raise typer.Exit(1)
    try:
        path.write_text(template(), encoding="utf-8")
    except OSError as exc:
        typer.echo(f"narrate: error: {path}: cannot write ({exc.strerror or exc})", err=True)
        raise typer.Exit(1)
    typer.echo(str(path))


@app.command()
def voices(config: Optional[Path] = ConfigOption) -> None:
    """List the engines and the voices each can use."""
    from narrate.config import engine_names, load_config
    from narrate.speech.engines import engine_class

    try:
        settings = load_config(config)
        for name in engine_names():
            infos = engine_class(name).voices(settings)
            if name == "gtts":
                typer.echo(f"gtts (online): {len(infos)} languages: {', '.join(i.name for i in infos)}")
                continue
            typer.echo(f"{name} (offline):")
            for info in infos:
                speakers = f", {len(info.speakers)} speakers" if len(info.speakers) > 1 else ""
                typer.echo(f"  {info.name:<20} {info.language:<8} {info.quality:<8} {info.sample_rate} Hz"
                           f"{speakers}  {info.location}")
    except NarrateError as error:
        _fail(error)


FeedOption = typer.Option(None, "--feed", help="Feed folder (default: OUTPUT_DIR/feed).", file_okay=False)
BaseUrlOption = typer.Option(None, "--base-url", help="Where the feed folder is served (default: podcast.base_url).")


def _target(settings, feed: Optional[str]) -> str:
    """The show's folder or fsspec URL: --feed (a folder relative to here), else podcast.feed (relative to
    the config file), else OUTPUT_DIR/feed."""
    from narrate.follow.storage import is_remote

    chosen = feed or settings.podcast.feed
    if chosen and is_remote(chosen):
        return chosen
    if feed:
        return feed
    return str(settings.path(chosen) if chosen else settings.path(settings.output_dir) / "feed")


def _feed_dir(settings, feed: Optional[Path]) -> Path:
    """The show's folder, for the commands that work on a local one."""
    from narrate.errors import ConfigError
    from narrate.follow.storage import is_remote

    target = _target(settings, str(feed) if feed is not None else None)
    if is_remote(target):
        raise ConfigError(f"podcast.feed: {target} is remote; `narrate sync` publishes there "
                          "(this command needs --feed FOLDER)")
    return Path(target)


@app.command()
def publish(
    source: Optional[str] = typer.Argument(None, help="Article (URL, .html, .md, .txt) or an episode .mp3 built by narrate."),
    script: Optional[Path] = typer.Option(None, "--script", help="Publish this script instead of an article.",
                                          dir_okay=False),
    feed: Optional[Path] = FeedOption,
    config: Optional[Path] = ConfigOption,
    base_url: Optional[str] = BaseUrlOption,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Build (or reuse) an episode and add it to the show's feed folder."""
    from narrate.config import load_config
    from narrate.pipeline import load_script
    from narrate.podcast.publish import publish as publish_episode

    _one_input(source, script, "an article or episode")
    try:
        settings = load_config(config, {"podcast.base_url": base_url})
        folder = _feed_dir(settings, feed)
        article = load_script(script) if script is not None else None
        with _Bar(quiet) as bar:
            item = publish_episode(source or "", settings, folder, article=article, progress=bar)
    except NarrateError as error:
        _fail(error)
    except KeyboardInterrupt:
        typer.echo("narrate: interrupted; the feed is as it was", err=True)
        raise typer.Exit(130)
    typer.echo(f"episode {item.number}: {item.title} ({item.guid})", err=True)
    typer.echo(str(folder / "feed.xml"))


@app.command()
def sync(
    sources: Optional[list[str]] = typer.Argument(
        None, help="Feeds (RSS, Atom, JSON Feed), sitemaps, OPML lists, files of URLs or folders of articles."),
    config: Optional[Path] = ConfigOption,
    feed: Optional[str] = typer.Option(None, "--feed", help="Folder or fsspec URL (s3://, sftp://, file://) of "
                                                            "the show (default: podcast.feed, else OUTPUT_DIR/feed)."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Articles built side by side "
                                                                         "(default: sync.workers, else one per core)."),
    dask: Optional[str] = typer.Option(None, "--dask", help="Build on a Dask cluster: tcp://scheduler:8786, or local "
                                       "for a LocalCluster here (pip install 'narrate-podcast[dask]')."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Build at most this many articles this run."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Say what would be built; build and upload nothing."),
    status: bool = typer.Option(False, "--status", help="List every article the ledger knows, and where it stands."),
    json_output: bool = typer.Option(False, "--json", help="With --status: one JSON object per article."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors (for cron)."),
) -> None:
    """Follow sources: publish every new or changed article, retry failed ones, skip the rest."""
    from narrate.config import load_config
    from narrate.follow.sync import sync as run_sync

    try:
        settings = load_config(config)
        target = _target(settings, feed)
        if status:
            _sync_status(settings, target, json_output)
            return
        if not sources:
            raise typer.BadParameter("give at least one source (or --status)")
        def complain(message: str) -> None:  # even with --quiet
            typer.echo(message, err=True)

        say = (lambda message: None) if quiet else (lambda message: typer.echo(message, err=True))
        result = run_sync(list(sources), settings, target, workers=workers or settings.sync.workers,
                          limit=limit, dry_run=dry_run, dask=dask, say=say, complain=complain)
    except NarrateError as error:
        _fail(error)
    except KeyboardInterrupt:
        typer.echo("narrate: interrupted; what was published stays, run again to go on", err=True)
        raise typer.Exit(130)
    if dry_run:
        for job in result.jobs:
            typer.echo(f"would build ({job.why}): {job.url}")
        if not quiet:
            typer.echo(f"{len(result.jobs)} to build, {result.skipped} unchanged", err=True)
        return
    if not quiet:
        typer.echo(f"{len(result.built)} published, {len(result.failed)} failed, {result.skipped} unchanged"
                   + (f", {len(result.pushed)} files uploaded" if result.pushed else "")
                   + (f", {len(result.failed_sources)} sources unreadable" if result.failed_sources else ""),
                   err=True)
    if result.failed or result.failed_sources:
        raise typer.Exit(1)


def _sync_status(settings, target: str, json_output: bool) -> None:
    import json
    from datetime import datetime, timezone

    from narrate.follow.database import SyncDatabase
    from narrate.follow.sync import ledger_path

    path = ledger_path(settings, target)
    if not path.exists():
        typer.echo(f"no sync has run for {target} yet", err=True)
        return
    with SyncDatabase(path) as ledger:
        items = ledger.items()
    for item in items:
        next_try = (datetime.fromtimestamp(item.next_try, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
                    if item.next_try else None)
        if json_output:
            typer.echo(json.dumps({"url": item.url, "status": item.status, "title": item.title,
                                   "episode": item.episode, "attempts": item.attempts,
                                   "last_error": item.last_error, "next_try": next_try}))
        else:
            detail = f" ({item.attempts} tries, next {next_try}): {item.last_error}" if item.status == "failed" else ""
            typer.echo(f"{item.status:<8} {item.title or item.url}{detail}")


@feed_app.command("list")
def feed_list(feed: Optional[Path] = typer.Argument(None, help="Feed folder (default: OUTPUT_DIR/feed)."),
              config: Optional[Path] = ConfigOption) -> None:
    """The episodes in a feed folder, newest first: number, date, duration, guid, title."""
    from narrate.config import load_config
    from narrate.podcast.feed import FEED_FILE, clock, read_items

    try:
        folder = _feed_dir(load_config(config), feed)
        items = read_items(folder / FEED_FILE)
    except NarrateError as error:
        _fail(error)
    for item in sorted(items, key=lambda i: (i.published, i.number), reverse=True):
        typer.echo(f"{item.number:>4}  {item.published:%Y-%m-%d}  {clock(item.duration)}  {item.guid}  {item.title}")


@feed_app.command("remove")
def feed_remove(guid: str = typer.Argument(..., help="The episode's guid (see `narrate feed list`)."),
                feed: Optional[Path] = FeedOption, config: Optional[Path] = ConfigOption,
                base_url: Optional[str] = BaseUrlOption) -> None:
    """Take an episode out of the feed and delete its files."""
    from narrate.config import load_config
    from narrate.podcast.publish import remove

    try:
        settings = load_config(config, {"podcast.base_url": base_url})
        gone = remove(guid, settings, _feed_dir(settings, feed))
    except NarrateError as error:
        _fail(error)
    typer.echo(f"removed episode {gone.number}: {gone.title}")


@feed_app.command("check")
def feed_check(target: str = typer.Argument(..., help="feed.xml, its folder, or a feed URL.")) -> None:
    """Check a feed against Apple's and Podcasting 2.0's rules; exit 1 on any error."""
    from narrate.podcast.feed_check import check_feed

    try:
        problems = check_feed(target)
    except NarrateError as error:
        _fail(error)
    for problem in problems:
        typer.echo(str(problem))
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    typer.echo(f"{errors} errors, {warnings} warnings" if problems else "ok: no problems found")
    if errors:
        raise typer.Exit(1)


@app.command()
def serve(folder: Path = typer.Argument(Path("output/feed"), help="The feed folder to serve.", file_okay=False),
          port: int = typer.Option(8000, "--port", "-p"),
          host: str = typer.Option("0.0.0.0", "--host", help="Address to listen on (0.0.0.0: the whole LAN).")) -> None:
    """Serve a feed folder (with byte ranges, for seeking) so a phone on the LAN can subscribe."""
    import socket

    from narrate.podcast.serve import make_server

    if not (folder / "feed.xml").is_file():
        typer.echo(f"narrate: error: {folder}: no feed.xml here; run `narrate publish` first", err=True)
        raise typer.Exit(1)
    try:
        server = make_server(folder, host, port)
    except OSError as exc:
        typer.echo(f"narrate: error: cannot listen on {host}:{port} ({exc.strerror or exc})", err=True)
        raise typer.Exit(1)
    shown = host if host not in ("0.0.0.0", "") else socket.gethostbyname(socket.gethostname())
    typer.echo(f"serving {folder} at http://{shown}:{port}/ (feed: http://{shown}:{port}/feed.xml); Ctrl-C stops")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _cache(config: Optional[Path]):
    from narrate.config import load_config

    try:
        settings = load_config(config)
    except NarrateError as error:
        _fail(error)
    return _configured_cache(settings), settings


@cache_app.command("info")
def cache_info(config: Optional[Path] = ConfigOption) -> None:
    """Where the cache is, what it holds and its size limit."""
    cache, settings = _cache(config)
    files, size = cache.usage()
    clips = len(list((cache.root / "clips").glob("*/*.wav"))) if cache.root.exists() else 0
    typer.echo(f"{cache.root}\n{clips} clips, {files} files, {size / 1_048_576:.1f} MB of {settings.cache.max_mb} MB")


@cache_app.command("clear")
def cache_clear(config: Optional[Path] = ConfigOption) -> None:
    """Delete everything in the cache."""
    cache, _ = _cache(config)
    cache.clear()
    typer.echo(f"cleared {cache.root}")


def main() -> None:
    try:
        app()
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(1)
    except Exception as exc:  # a bug of ours: still one line, with the way to see the details
        if os.environ.get("NARRATE_DEBUG"):
            raise
        print(f"narrate: internal error: {type(exc).__name__}: {exc} (set NARRATE_DEBUG=1 for details)",
              file=sys.stderr)
        sys.exit(70)
