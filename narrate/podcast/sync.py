"""`narrate sync`: follow sources, publish what is new or changed, remember everything in the ledger.

Each run reads the sources (conditionally), decides per article (new, edited, failed and due for
another try, or nothing to do), builds and publishes what needs it (side by side in worker
processes), and, for a remote show, pushes the episodes and then the feed. An unchanged article
costs nothing: no fetch, no synthesis, no upload. A failing article is recorded with its error and
tried again on later runs, waiting longer each time; the others are published regardless.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from narrate.config import Config
from narrate.errors import NarrateError
from narrate.podcast.ledger import Ledger
from narrate.podcast.sources import Entry, Validators, is_url, read_source

Say = Callable[[str], None]


@dataclass
class Job:
    url: str
    guid: str | None
    source: str | None
    title: str | None
    updated: str | None
    why: str  # new | changed | retry


@dataclass
class SyncResult:
    built: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    skipped: int = 0
    pushed: list[str] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)


def ledger_path(config: Config, target: str) -> Path:
    from platformdirs import user_data_dir

    from narrate.podcast.storage import target_key

    if config.sync.ledger:
        return config.path(config.sync.ledger)
    return Path(user_data_dir("narrate")) / "ledgers" / f"{target_key(target)}.sqlite"


def staging_path(target: str) -> Path:
    from platformdirs import user_cache_dir

    from narrate.podcast.storage import target_key

    return Path(user_cache_dir("narrate")) / "staging" / target_key(target)


def _rebuild(ledger: Ledger, feed_dir: Path) -> int:
    """A lost ledger is rebuilt from the published feed: each episode names the article it came from."""
    from narrate.podcast.feed import FEED_FILE, read_items

    count = 0
    for item in read_items(feed_dir / FEED_FILE):
        if item.source_url:
            ledger.upsert(item.source_url, guid=None, source=None, title=item.title, updated=None, status="built",
                          episode=item.guid)
            count += 1
    return count


def _mark_removed(ledger: Ledger, feed_dir: Path) -> None:
    """An episode taken out of the feed (`narrate feed remove`) stays out: it is not built again."""
    from narrate.podcast.feed import FEED_FILE, read_items

    published = {item.guid for item in read_items(feed_dir / FEED_FILE)}
    for item in ledger.items():
        if item.status == "built" and item.episode and item.episode not in published:
            ledger.set_status(item.url, "removed")


def plan_jobs(ledger: Ledger, sources: list[str], timeout: float, say: Say, now: float,
              dry_run: bool = False) -> tuple[list[Job], int]:
    """What to build this run, and how many listed articles need nothing.

    What a source answered is remembered (for the next conditional request) only outside a dry run;
    the caller records every job as pending, so an article seen but not built yet (--limit, a run cut
    short) is built on a later run even when its source then answers 304.
    """
    entries: dict[str, tuple[Entry, str]] = {}
    for source in sources:
        previous = Validators(*ledger.validators(source)) if is_url(source) else Validators()
        reading = read_source(source, previous, timeout=timeout)
        if reading.unchanged:
            say(f"{source}: unchanged since the last run")
        elif is_url(source) and not dry_run:
            ledger.remember_source(source, reading.validators.etag, reading.validators.last_modified)
        for entry in reading.entries:
            entries.setdefault(entry.url, (entry, source))
    jobs: list[Job] = []
    skipped = 0
    for url, (entry, source) in entries.items():
        known = ledger.item(url)
        if known is None:
            jobs.append(Job(url, entry.key, source, entry.title, entry.updated, "new"))
        elif known.status == "removed":
            skipped += 1
        elif known.status == "built" and known.updated is None and entry.updated is not None:
            ledger.set_status(url, "built", updated=entry.updated)  # rebuilt ledger: the published one is current
            skipped += 1
        elif known.status == "built" and entry.updated is not None and entry.updated != known.updated:
            jobs.append(Job(url, entry.key, source, entry.title, entry.updated, "changed"))
        elif known.status in ("pending", "failed") and (known.next_try is None or known.next_try <= now):
            jobs.append(Job(url, entry.key, source, entry.title, entry.updated, "retry"))
        else:
            skipped += 1
    for item in ledger.items():  # pending or failed articles whose source no longer lists them (or answered 304)
        if item.url in entries:
            continue
        if item.status == "pending" or (item.status == "failed" and item.next_try is not None and item.next_try <= now):
            jobs.append(Job(item.url, item.guid, item.source, item.title, item.updated,
                            "retry" if item.status == "failed" else "new"))
    return jobs, skipped


def publish_one(url: str, config: Config, feed_dir: str, base_url: str | None) -> tuple[str, str | None, str | None]:
    """Build and publish one article (in a worker process): (url, episode guid, error).

    The episode is keyed by the address the source gave (not a canonical link the page may name), so
    a lost ledger is rebuilt from the feed's links exactly.
    """
    from dataclasses import replace

    from narrate.pipeline import read_article
    from narrate.podcast.publish import publish

    try:
        article = read_article(url, config)
        if is_url(url):
            article = replace(article, source_url=url)
        item = publish(url, config, Path(feed_dir), base_url=base_url, article=article)
    except NarrateError as error:
        return url, None, str(error)
    except Exception as error:  # noqa: BLE001 - one article's failure is recorded, never the run's end
        return url, None, f"{type(error).__name__}: {error}"
    return url, item.guid, None


def run_jobs(jobs: list[Job], config: Config, feed_dir: Path, base_url: str | None, workers: int,
             on_done: Callable[[Job, str | None, str | None], None]) -> None:
    """Build side by side in a process pool (spawn; each build single-threaded, one worker per core)."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            _, guid, error = publish_one(job.url, config, str(feed_dir), base_url)
            on_done(job, guid, error)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    single = config.model_copy(update={"workers": 1, "piper": config.piper.model_copy(update={"threads": 1})})
    by_url = {job.url: job for job in jobs}
    remaining = list(jobs)
    tries: dict[str, int] = {}
    while remaining:
        context = multiprocessing.get_context("spawn")
        broken: list[Job] = []
        with ProcessPoolExecutor(max_workers=min(workers, len(remaining)), mp_context=context) as pool:
            futures = {pool.submit(publish_one, job.url, single, str(feed_dir), base_url): job for job in remaining}
            for future in as_completed(futures):
                job = futures[future]
                try:
                    url, guid, error = future.result()
                except BrokenProcessPool:  # a worker died (killed, out of memory): its article is tried again
                    broken.append(job)
                    continue
                on_done(by_url[url], guid, error)
        remaining = []
        for job in broken:
            tries[job.url] = tries.get(job.url, 0) + 1
            if tries[job.url] >= MAX_WORKER_DEATHS:
                on_done(job, None, "the worker building it died (tried twice)")
            else:
                remaining.append(job)


MAX_WORKER_DEATHS = 2


def sync(sources: list[str], config: Config, target: str, *, workers: int = 0, limit: int | None = None,
         dry_run: bool = False, say: Say = lambda message: None) -> SyncResult:
    from narrate.podcast.publish import require_show
    from narrate.podcast.storage import RemoteShow, is_remote

    base_url = require_show(config, None)
    remote = RemoteShow(target, staging_path(target), dict(config.podcast.storage_options)) \
        if is_remote(target) else None
    feed_dir = remote.staging if remote else Path(target)
    if remote:
        remote.pull()
    result = SyncResult()
    with Ledger(ledger_path(config, target)) as ledger:
        if ledger.is_empty() and (feed_dir / "feed.xml").exists():
            say(f"ledger rebuilt from the published feed: {_rebuild(ledger, feed_dir)} episodes")
        _mark_removed(ledger, feed_dir)
        jobs, result.skipped = plan_jobs(ledger, sources, config.fetch.timeout, say, time.time(), dry_run)
        if dry_run:
            result.jobs = jobs[:limit] if limit is not None else jobs
            return result
        for job in jobs:  # a run killed mid-build, or cut by --limit, leaves these pending: a later run builds them
            known = ledger.item(job.url)
            ledger.upsert(job.url, guid=job.guid, source=job.source, title=job.title, updated=None,
                          status="failed" if known and known.status == "failed" else "pending")
        jobs = jobs[:limit] if limit is not None else jobs
        result.jobs = jobs

        def done(job: Job, guid: str | None, error: str | None) -> None:
            if error is None:
                ledger.built(job.url, job.updated, guid)
                result.built.append(job.url)
                say(f"published ({job.why}): {job.title or job.url}")
            else:
                ledger.failed(job.url, error)
                result.failed[job.url] = error
                say(f"failed: {job.url}: {error}")

        run_jobs(jobs, config, feed_dir, base_url, workers or os.cpu_count() or 1, done)
        if remote:
            result.pushed = remote.push()
    return result
