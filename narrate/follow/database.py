"""The sync database (`sync.ledger`): what each source answered last, and where each article stands.

An embedded SQLite database (WAL mode), local to the machine that runs `narrate sync` and never
published. Only that process writes it. Losing it costs nothing but a rebuild: the published feed
names every episode and the article address it came from.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from narrate.errors import OutputError

SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    source TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, checked REAL
);
CREATE TABLE IF NOT EXISTS items (
    url TEXT PRIMARY KEY,          -- the article's address (or a file's path)
    guid TEXT,                     -- the source's own id for it
    source TEXT, title TEXT,
    updated TEXT,                  -- what the source said of its last change, or the file's hash
    status TEXT NOT NULL,          -- pending | built | failed | removed
    attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, next_try REAL,
    episode TEXT,                  -- the published episode's guid
    changed REAL
);
"""
# Waits between tries of a failing article: 15 minutes, doubling, at most a day.
FIRST_RETRY_S = 15 * 60
LONGEST_RETRY_S = 24 * 3600


@dataclass(frozen=True)
class Item:
    url: str
    guid: str | None
    source: str | None
    title: str | None
    updated: str | None
    status: str
    attempts: int
    last_error: str | None
    next_try: float | None
    episode: str | None


_COLUMNS = "url, guid, source, title, updated, status, attempts, last_error, next_try, episode"


def retry_delay(attempts: int) -> float:
    return min(LONGEST_RETRY_S, FIRST_RETRY_S * 2 ** max(0, attempts - 1))


class SyncDatabase:
    def __init__(self, path: Path | None):
        """The ledger at `path`, created if missing; None gives one in memory (a dry run leaves no file)."""
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path) if path is not None else ":memory:", timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise OutputError(f"{path}: cannot open the sync ledger ({exc})") from None
        self.path = path

    @classmethod
    def in_memory_copy(cls, path: Path) -> SyncDatabase:
        """What the ledger at `path` holds (nothing, when there is none), in memory: a dry run reads and
        writes this copy and leaves the file as it was."""
        import shutil
        import tempfile

        copy = cls(None)
        if path.exists():
            # Even a read-only connection writes beside a WAL database (its -shm index): read a copy of the files.
            with tempfile.TemporaryDirectory(prefix="narrate-ledger-") as scratch:
                try:
                    for suffix in ("", "-wal"):
                        if Path(f"{path}{suffix}").exists():
                            shutil.copyfile(f"{path}{suffix}", Path(scratch) / f"ledger{suffix}")
                    source = sqlite3.connect(str(Path(scratch) / "ledger"))
                    try:
                        source.backup(copy.db)
                    finally:
                        source.close()
                except (OSError, sqlite3.Error) as exc:
                    copy.close()
                    raise OutputError(f"{path}: cannot read the sync ledger ({exc})") from None
        return copy

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> SyncDatabase:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def is_empty(self) -> bool:
        return self.db.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 0

    def validators(self, source: str) -> tuple[str | None, str | None]:
        row = self.db.execute("SELECT etag, last_modified FROM sources WHERE source = ?", (source,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def remember_source(self, source: str, etag: str | None, last_modified: str | None) -> None:
        with self.db:
            self.db.execute("INSERT INTO sources VALUES (?, ?, ?, ?) ON CONFLICT(source) DO UPDATE SET "
                            "etag = excluded.etag, last_modified = excluded.last_modified, checked = excluded.checked",
                            (source, etag, last_modified, time.time()))

    def item(self, url: str) -> Item | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM items WHERE url = ?", (url,)).fetchone()
        return Item(*row) if row else None

    def items(self) -> list[Item]:
        return [Item(*row) for row in self.db.execute(f"SELECT {_COLUMNS} FROM items ORDER BY changed, url")]

    def upsert(self, url: str, *, guid: str | None, source: str | None, title: str | None, updated: str | None,
               status: str, episode: str | None = None) -> None:
        """Add an article, or set its status; what it was last built from (`updated`) is kept."""
        with self.db:
            self.db.execute(
                "INSERT INTO items (url, guid, source, title, updated, status, episode, changed) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET guid = COALESCE(excluded.guid, "
                "items.guid), source = COALESCE(excluded.source, items.source), title = COALESCE(excluded.title, "
                "items.title), status = excluded.status, episode = COALESCE(excluded.episode, items.episode), "
                "changed = excluded.changed",
                (url, guid, source, title, updated, status, episode, time.time()))

    def built(self, url: str, updated: str | None, episode: str) -> None:
        with self.db:
            self.db.execute("UPDATE items SET status = 'built', updated = ?, episode = ?, attempts = 0, "
                            "last_error = NULL, next_try = NULL, changed = ? WHERE url = ?",
                            (updated, episode, time.time(), url))

    def failed(self, url: str, error: str) -> float:
        """Record a failure; returns when the article will be tried again."""
        attempts = self.db.execute("SELECT attempts FROM items WHERE url = ?", (url,)).fetchone()[0] + 1
        next_try = time.time() + retry_delay(attempts)
        with self.db:
            self.db.execute("UPDATE items SET status = 'failed', attempts = ?, last_error = ?, next_try = ?, "
                            "changed = ? WHERE url = ?", (attempts, error, next_try, time.time(), url))
        return next_try

    def set_status(self, url: str, status: str, updated: str | None = None) -> None:
        with self.db:
            self.db.execute("UPDATE items SET status = ?, updated = COALESCE(?, updated), changed = ? WHERE url = ?",
                            (status, updated, time.time(), url))
