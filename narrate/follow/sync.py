"""`narrate sync`: follow sources, publish what is new or changed, remember everything in the ledger.

Each run reads the sources (conditionally), decides per article (new, edited, failed and due for
another try, or nothing to do), builds and publishes what needs it (side by side in worker
processes), and, for a remote show, pushes the episodes and then the feed. An unchanged article
costs nothing: no fetch, no synthesis, no upload. A failing article is recorded with its error and
tried again on later runs, waiting longer each time; the others are published regardless.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from narrate.config import Config
from narrate.errors import NarrateError
from narrate.follow.database import SyncDatabase
from narrate.follow.sources import Entry, Validators, is_url, read_source

Say = Callable[[str], None]


@dataclass
class Job:
    url: str
    guid: str | None
    source: str | None
    title: str | None
    updated: str | None
    why: str  # new | changed | retry
    item: Entry | None = None  # what the source said of it this run (a full-text feed's article included)


@dataclass
class SyncResult:
    built: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    failed_sources: dict[str, str] = field(default_factory=dict)
    skipped: int = 0
    pushed: list[str] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)


def ledger_path(config: Config, target: str) -> Path:
    from platformdirs import user_data_dir

    from narrate.follow.storage import target_key

    if config.sync.ledger:
        return config.path(config.sync.ledger)
    return Path(user_data_dir("narrate")) / "ledgers" / f"{target_key(target)}.sqlite"


def staging_path(target: str) -> Path:
    from platformdirs import user_cache_dir

    from narrate.follow.storage import target_key

    return Path(user_cache_dir("narrate")) / "staging" / target_key(target)


def _rebuild(ledger: SyncDatabase, feed_dir: Path) -> int:
    """A lost ledger is rebuilt from the published feed: each episode names the article it came from."""
    from narrate.podcast.feed import FEED_FILE, read_items

    count = 0
    for item in read_items(feed_dir / FEED_FILE):
        if item.source_url:
            ledger.upsert(item.source_url, guid=None, source=None, title=item.title, updated=None, status="built",
                          episode=item.guid)
            count += 1
    return count


def _mark_removed(ledger: SyncDatabase, feed_dir: Path) -> None:
    """An episode taken out of the feed (`narrate feed remove`) stays out: it is not built again."""
    from narrate.podcast.feed import FEED_FILE, read_items

    published = {item.guid for item in read_items(feed_dir / FEED_FILE)}
    for item in ledger.items():
        if item.status == "built" and item.episode and item.episode not in published:
            ledger.set_status(item.url, "removed")


def plan_jobs(ledger: SyncDatabase, sources: list[str], timeout: float, say: Say, now: float,
              unreadable: dict[str, NarrateError]) -> tuple[list[Job], int]:
    """What to build this run, and how many listed articles need nothing.

    A source that cannot be read (down, moved, not a feed) goes into `unreadable` and the others are
    followed as usual.

    What a source answered is remembered for the next conditional request; the caller records every job
    as pending, so an article seen but not built yet (--limit, a run cut short) is built on a later run
    even when its source then answers 304.
    """
    entries: dict[str, tuple[Entry, str]] = {}
    for source in sources:
        previous = Validators(*ledger.validators(source)) if is_url(source) else Validators()
        try:
            reading = read_source(source, previous, timeout=timeout)
        except NarrateError as error:
            unreadable[source] = error
            continue
        if reading.unchanged:
            say(f"{source}: unchanged since the last run")
        elif is_url(source):
            ledger.remember_source(source, reading.validators.etag, reading.validators.last_modified)
        for entry in reading.entries:
            entries.setdefault(entry.url, (entry, source))
    jobs: list[Job] = []
    skipped = 0
    for url, (entry, source) in entries.items():
        known = ledger.item(url)
        if known is None:
            jobs.append(Job(url, entry.key, source, entry.title, entry.updated, "new", entry))
        elif known.status == "removed":
            skipped += 1
        elif known.status == "built" and known.updated is None and entry.updated is not None:
            ledger.set_status(url, "built", updated=entry.updated)  # rebuilt ledger: the published one is current
            skipped += 1
        elif known.status == "built" and entry.updated is not None and entry.updated != known.updated:
            jobs.append(Job(url, entry.key, source, entry.title, entry.updated, "changed", entry))
        elif known.status in ("pending", "failed") and (known.next_try is None or known.next_try <= now):
            jobs.append(Job(url, entry.key, source, entry.title, entry.updated, "retry", entry))
        else:
            skipped += 1
    for item in ledger.items():  # pending or failed articles whose source no longer lists them (or answered 304)
        if item.url in entries:
            continue
        if item.status == "pending" or (item.status == "failed" and item.next_try is not None and item.next_try <= now):
            jobs.append(Job(item.url, item.guid, item.source, item.title, item.updated,
                            "retry" if item.status == "failed" else "new"))
    return jobs, skipped


OnBuilt = Callable[["Job", object, dict, "str | None"], None]
"""Called as each article's build ends: (job, the built episode or None, its small sidecars, error)."""
MAX_WORKER_DEATHS = 2


# A feed's text is taken for an excerpt, and the page read as well, when it is this short or ends by
# sending the reader on; the page's article is read instead when it has this many times the words.
EXCERPT_WORDS = 200
CLEARLY_MORE = 1.2
_SENDS_ON = re.compile(r"(read more|continue reading|keep reading|read the (full|rest|whole)\b.*|"
                       r"\[?(\.\.\.|…)\]?)\W*$", re.IGNORECASE)


def _words(article) -> int:
    return sum(len(text.split()) for section in article.sections for text in section.paragraphs)


def read_item(url: str, item: Entry | None, config: Config):
    """The article to narrate for one listed address: from the feed item that carries it, or from its page
    (`sync.read_from`). In `auto`, the feed's text is read unless it looks like an excerpt (short, or ending
    in "Read more" or an ellipsis) and the page, fetched then, gives clearly more of the article; a page that
    cannot be had (paywalled, forbidden, down) leaves the feed's text, unless that was visibly cut short."""
    from dataclasses import replace

    from narrate.pipeline import read_article, read_html

    if item is None or item.content is None or config.sync.read_from == "page":
        return read_article(url, config)
    import html

    title = html.escape(item.title or "")
    page = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body><article>'
            f"<h1>{title}</h1>{item.content}</article></body></html>")
    from_feed = read_html(page, f"{url} (from the feed)", config, url=url if is_url(url) else None)
    from_feed = replace(from_feed, title=item.title or from_feed.title, author=item.author or from_feed.author,
                        date=item.published or from_feed.date)
    if config.sync.read_from == "feed":
        return from_feed
    tail = html.unescape(re.sub(r"<[^>]+>", " ", item.content)).strip()
    cut = bool(_SENDS_ON.search(tail[-80:]))
    if not cut and _words(from_feed) >= EXCERPT_WORDS:
        return from_feed
    try:
        from_page = read_article(url, config)
    except NarrateError:
        if cut:
            raise
        return from_feed
    return from_page if _words(from_page) >= CLEARLY_MORE * _words(from_feed) else from_feed


def build_one(url: str, config: Config, target: str | None, storage_options: dict, item: Entry | None = None):
    """Build one article's episode files (in a worker): into the show's episodes folder when `target`
    is None (a local pool), else in a temporary folder, uploaded straight to `target` (a Dask worker).

    Returns (url, built, sidecars, error); the sidecars (chapters and transcript, small) come along so
    the process writing the feed needs nothing fetched back. The episode is keyed by the address the
    source gave (not a canonical link the page may name), so a lost ledger is rebuilt exactly.
    """
    import tempfile
    from dataclasses import replace

    from narrate.podcast.feed import MEDIA_DIR
    from narrate.podcast.publish import build_files
    from narrate.follow.storage import open_target

    try:
        article = read_item(url, item, config)
        if is_url(url):
            article = replace(article, source_url=url)
        if target is None:
            return url, build_files(url, config, Path(storage_options["media"]), article=article), {}, None
        with tempfile.TemporaryDirectory(prefix="narrate-build-") as scratch:
            built = build_files(url, config, Path(scratch), article=article)
            fs, root = open_target(target, storage_options)
            folder = f"{root.rstrip('/')}/{MEDIA_DIR}"
            fs.makedirs(folder, exist_ok=True)
            for name in built.names.values():  # named by content: a file already there is this one
                remote = f"{folder}/{name}"
                if not fs.exists(remote):
                    fs.put_file(str(Path(scratch) / name), remote)
            sidecars = {name: (Path(scratch) / name).read_bytes() for kind, name in built.names.items()
                        if kind in ("chapters", "vtt")}
    except NarrateError as error:
        return url, None, {}, str(error)
    except Exception as error:  # noqa: BLE001 - one article's failure is recorded, never the run's end
        return url, None, {}, f"{type(error).__name__}: {error}"
    return url, built, sidecars, None


def _single_threaded(config: Config) -> Config:
    """Each worker builds one article with one thread: one worker per core, no pool inside a pool."""
    return config.model_copy(update={"workers": 1, "piper": config.piper.model_copy(update={"threads": 1}),
                                     "hibari": config.hibari.model_copy(update={"threads": 1})})


def run_pool(jobs: list[Job], config: Config, media: Path, workers: int, on_built: OnBuilt) -> None:
    """Build side by side in a process pool (spawn); a worker that dies is replaced, its article retried once."""
    options = {"media": str(media)}
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            on_built(job, *build_one(job.url, config, None, options, job.item)[1:])
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    single = _single_threaded(config)
    remaining = list(jobs)
    deaths: dict[str, int] = {}
    while remaining:
        broken: list[Job] = []
        with ProcessPoolExecutor(max_workers=min(workers, len(remaining)),
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {pool.submit(build_one, job.url, single, None, options, job.item): job for job in remaining}
            for future in as_completed(futures):
                try:
                    on_built(futures[future], *future.result()[1:])
                except BrokenProcessPool:  # killed, or out of memory
                    broken.append(futures[future])
        remaining = []
        for job in broken:
            deaths[job.url] = deaths.get(job.url, 0) + 1
            if deaths[job.url] >= MAX_WORKER_DEATHS:
                on_built(job, None, {}, "the worker building it died (tried twice)")
            else:
                remaining.append(job)


def run_dask(jobs: list[Job], config: Config, target: str, address: str, workers: int, on_built: OnBuilt) -> None:
    """The same jobs on a Dask cluster: `local` starts a LocalCluster here, else `tcp://scheduler:8786`.

    Workers build in a local temporary folder and upload the episode's files straight to the target; a
    worker that dies mid-article has its task rescheduled by Dask, and the feed gets the article once.
    """
    from narrate.errors import ConfigError

    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ConfigError("--dask needs an extra: pip install 'narrate-podcast[dask]'") from None
    single = _single_threaded(config)
    destination = target if "://" in target else Path(target).resolve().as_uri()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None) if address == "local" else None
    try:
        with Client(cluster or address, timeout="30s") as client:
            futures = {client.submit(build_one, job.url, single, destination, dict(config.podcast.storage_options),
                                     job.item, pure=False): job for job in jobs}
            for future in as_completed(futures):
                try:
                    outcome = future.result()[1:]
                except Exception as exc:  # noqa: BLE001 - a task Dask gave up on (its workers kept dying)
                    outcome = (None, {}, f"the cluster could not build it ({type(exc).__name__})")
                on_built(futures[future], *outcome)
    except OSError as exc:
        raise ConfigError(f"--dask {address}: cannot reach the cluster ({exc})") from None
    finally:
        if cluster is not None:
            cluster.close()


class InOrder:
    """Writes results into the feed in the jobs' order, whatever order the builds end in, so episode
    numbers do not depend on which worker was quicker (a pool and a cluster give the same feed)."""

    def __init__(self, jobs: list[Job], commit: Callable[[Job, object, dict, str | None], None]):
        self.jobs, self.commit = jobs, commit
        self.ready: dict[str, tuple] = {}
        self.next = 0

    def __call__(self, job: Job, built, sidecars: dict, error: str | None) -> None:
        self.ready[job.url] = (built, sidecars, error)
        while self.next < len(self.jobs) and self.jobs[self.next].url in self.ready:
            current = self.jobs[self.next]
            self.commit(current, *self.ready.pop(current.url))
            self.next += 1


def sync(sources: list[str], config: Config, target: str, *, workers: int = 0, limit: int | None = None,
         dry_run: bool = False, dask: str | None = None, say: Say = lambda message: None,
         complain: Say = lambda message: None) -> SyncResult:
    """One run. `say` hears what happens (progress), `complain` what went wrong (an article or a source).

    A dry run changes nothing anywhere: it reads the ledger from a copy in memory, and a remote show
    with no staging copy here is read into a temporary folder that goes with the run."""
    import tempfile
    from contextlib import ExitStack

    from narrate.podcast.publish import require_show
    from narrate.follow.storage import RemoteShow, is_remote

    base_url = require_show(config, None)
    with ExitStack() as stack:
        staging = staging_path(target)
        if dry_run and not (staging / "feed.xml").exists():
            staging = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="narrate-dry-run-")))
        remote = RemoteShow(target, staging, dict(config.podcast.storage_options)) if is_remote(target) else None
        if remote:
            remote.pull()
        kept = ledger_path(config, target)
        ledger = stack.enter_context(SyncDatabase.in_memory_copy(kept) if dry_run else SyncDatabase(kept))
        return _run(sources, config, target, ledger, remote.staging if remote else Path(target), remote, base_url,
                    workers=workers, limit=limit, dry_run=dry_run, dask=dask, say=say, complain=complain)


def _run(sources: list[str], config: Config, target: str, ledger: SyncDatabase, feed_dir: Path, remote,
         base_url: str, *, workers: int, limit: int | None, dry_run: bool, dask: str | None, say: Say,
         complain: Say) -> SyncResult:
    result = SyncResult()
    if ledger.is_empty() and (feed_dir / "feed.xml").exists():
        say(f"ledger rebuilt from the published feed: {_rebuild(ledger, feed_dir)} episodes")
    _mark_removed(ledger, feed_dir)
    unreadable: dict[str, NarrateError] = {}
    jobs, result.skipped = plan_jobs(ledger, sources, config.fetch.timeout, say, time.time(), unreadable)
    if len(unreadable) == len(sources):
        raise next(iter(unreadable.values()))  # nothing to follow: the run's one error
    for error in unreadable.values():
        complain(f"failed: {error}")
    result.failed_sources = {source: str(error) for source, error in unreadable.items()}
    if dry_run:
        result.jobs = jobs[:limit] if limit is not None else jobs
        return result
    for job in jobs:  # a run killed mid-build, or cut by --limit, leaves these pending: a later run builds them
        known = ledger.item(job.url)
        ledger.upsert(job.url, guid=job.guid, source=job.source, title=job.title, updated=None,
                      status="failed" if known and known.status == "failed" else "pending")
    jobs = jobs[:limit] if limit is not None else jobs
    result.jobs = jobs

    from narrate.podcast.feed import MEDIA_DIR
    from narrate.podcast.files import write_atomically
    from narrate.podcast.publish import add_to_feed

    def commit(job: Job, built, sidecars: dict, error: str | None) -> None:
        if error is None:
            try:
                for name, data in sidecars.items():
                    write_atomically(feed_dir / MEDIA_DIR / name, data)
                guid = add_to_feed(built, config, feed_dir, base_url).guid
            except NarrateError as failure:
                error = str(failure)
        if error is None:
            ledger.built(job.url, job.updated, guid)
            result.built.append(job.url)
            say(f"published ({job.why}): {built.title}")
        else:
            ledger.failed(job.url, error)
            result.failed[job.url] = error
            complain(f"failed: {job.url}: {error}")

    (feed_dir / MEDIA_DIR).mkdir(parents=True, exist_ok=True)
    in_order = InOrder(jobs, commit)
    count = workers or os.cpu_count() or 1
    if dask:
        run_dask(jobs, config, target, dask, count, in_order)
    else:
        run_pool(jobs, config, feed_dir / MEDIA_DIR, count, in_order)
    if remote:
        result.pushed = remote.push()
        from narrate.podcast.feed import FEED_FILE, read_items
        from narrate.podcast.publish import episode_files

        remote.sweep({name for item in read_items(feed_dir / FEED_FILE) for name in episode_files(item)})
    return result
