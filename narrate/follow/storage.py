"""Where a show is published: a local folder, or any fsspec URL (s3://, sftp://, file://, ...).

A remote show is built in a local staging folder (kept between runs, keyed by the target, like the
ledger) with the same publishing code as a local one, then pushed: each episode's files first, the
cover and page next, `feed.xml` last, so a subscriber never sees an item whose audio is not there.
A manifest of what was pushed (content hashes) makes a second push of an unchanged show upload
nothing, and a push cut short is completed by the next one.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from narrate.errors import ConfigError, OutputError
from narrate.podcast.files import digest

MANIFEST = ".narrate-pushed.json"
LAST_FILES = ("index.html", "feed.xml")  # in this order, after everything else
# Files pulled into a fresh staging folder: what rebuilding the feed and the page needs to read.
PULLED_SUFFIXES = (".chapters.json", ".vtt")
# narrate's own extras for the filesystems it is tested against; others name fsspec's backend package.
EXTRAS = {"s3": "s3", "s3a": "s3", "sftp": "sftp", "ssh": "sftp"}


def is_remote(target: str) -> bool:
    """An fsspec URL (file:// included: staged and pushed like any other), not a plain folder path."""
    return bool(re.match(r"^[a-z][a-z0-9+.-]*://", target))


def target_key(target: str) -> str:
    return hashlib.sha256(target.rstrip("/").encode()).hexdigest()[:16]


class RemoteShow:
    """A show on remote storage, mirrored in a local staging folder."""

    def __init__(self, target: str, staging: Path, storage_options: dict):
        self.target = target.rstrip("/")
        self.staging = staging
        self.fs, self.root = open_target(target, storage_options)

    def _remote(self, relative: str) -> str:
        return f"{self.root.rstrip('/')}/{relative}"

    def pull(self) -> None:
        """On a machine that has no staging copy yet, fetch the feed and what regenerating it reads."""
        if (self.staging / "feed.xml").exists():
            return
        self.staging.mkdir(parents=True, exist_ok=True)
        try:
            found = self.fs.find(self.root, detail=False) if self.fs.exists(self.root) else []
        except OSError as exc:
            raise OutputError(f"{self.target}: cannot list the show ({exc})") from None
        manifest = {}
        for remote in found:
            relative = remote[len(self.root.rstrip("/")) + 1:] if remote.startswith(self.root.rstrip("/")) else None
            if not relative or relative.split("/")[-1].startswith("."):
                continue
            if relative == "feed.xml" or relative.endswith(PULLED_SUFFIXES) or relative.startswith("cover."):
                local = self.staging / relative
                local.parent.mkdir(parents=True, exist_ok=True)
                self.fs.get_file(remote, str(local))
                manifest[relative] = digest(local)
            else:
                manifest[relative] = None  # there already; not needed here
        _write_manifest(self.staging, manifest)

    def push(self) -> list[str]:
        """Upload what changed since the last push: episodes first, the feed last. Returns what was sent."""
        manifest = _read_manifest(self.staging)
        files = [p.relative_to(self.staging).as_posix() for p in self.staging.rglob("*") if p.is_file()]
        last = {name: rank for rank, name in enumerate(LAST_FILES, start=1)}
        sent = []
        for relative in sorted((f for f in files if not any(part.startswith(".") for part in f.split("/"))),
                               key=lambda f: (last.get(f, 0), f)):
            path = self.staging / relative
            content = digest(path)
            if manifest.get(relative) == content:
                continue
            remote = self._remote(relative)
            try:
                parent = remote.rsplit("/", 1)[0]
                if parent and not self.fs.exists(parent):
                    self.fs.makedirs(parent, exist_ok=True)
                self.fs.put_file(str(path), remote)  # pipelined where the protocol has it (SFTP, S3)
            except OSError as exc:
                _write_manifest(self.staging, manifest)
                raise OutputError(f"{self.target}: upload of {relative} failed ({exc})") from None
            manifest[relative] = content
            sent.append(relative)
        for relative in [r for r in manifest if not (self.staging / r).exists() and manifest[r] is not None]:
            try:
                self.fs.rm_file(self._remote(relative))  # an episode removed from the show
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise OutputError(f"{self.target}: cannot remove {relative} ({exc})") from None
            del manifest[relative]
        _write_manifest(self.staging, manifest)
        return sent


    def sweep(self, referenced: set[str]) -> list[str]:
        """Remove the episode files on the target that the pushed feed no longer names: earlier versions
        of edited episodes, and files a Dask worker uploaded straight to the target for a build that never
        reached the feed (the manifest knows neither). Only names narrate gives (stem, version, suffix)."""
        from narrate.podcast.feed import MEDIA_DIR
        from narrate.podcast.publish import VERSIONED_NAME

        folder = self._remote(MEDIA_DIR)
        try:
            found = self.fs.ls(folder, detail=False) if self.fs.exists(folder) else []
        except OSError as exc:
            raise OutputError(f"{self.target}: cannot list {MEDIA_DIR} ({exc})") from None
        removed = []
        for remote in found:
            name = remote.rstrip("/").rsplit("/", 1)[-1]
            if VERSIONED_NAME.search(name) and name not in referenced:
                try:
                    self.fs.rm_file(remote)
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    raise OutputError(f"{self.target}: cannot remove {MEDIA_DIR}/{name} ({exc})") from None
                removed.append(name)
        return removed


def open_target(target: str, storage_options: dict):
    """The fsspec filesystem and root path of a target URL (one line naming the extra when it is missing)."""
    scheme = target.split("://", 1)[0].lower()
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise ConfigError(f"{target}: remote targets need fsspec: pip install fsspec") from None
    try:
        return url_to_fs(target, **storage_options)
    except ImportError as exc:
        extra = EXTRAS.get(scheme)
        hint = f"pip install 'narrate-podcast[{extra}]'" if extra else str(exc).splitlines()[0]
        raise ConfigError(f"{target}: {scheme}:// needs an extra: {hint}") from None
    except ValueError as exc:
        raise ConfigError(f"{target}: {exc}") from None


def _read_manifest(staging: Path) -> dict:
    try:
        return json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_manifest(staging: Path, manifest: dict) -> None:
    from narrate.podcast.files import write_atomically

    write_atomically(staging / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))
