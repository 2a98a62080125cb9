"""Voices fetched on request: once, into the user's cache, checked against the hash their publisher gives.

Only a voice the user named is ever fetched (the bundled default never is), and never by `narrate
voices`. A file is written under a temporary name and renamed only once its hash matched, so an
interrupted or tampered download leaves nothing that could be mistaken for a voice.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from narrate.errors import EngineError

TIMEOUT_S = 30
CHUNK_BYTES = 1 << 16


def voices_dir(configured_cache: Path | None) -> Path:
    """Where downloaded voices live: beside the clip cache, but out of reach of `narrate cache clear`."""
    from narrate.cache import cache_dir

    return cache_dir(configured_cache) / "voices"


def _progress(what: str):
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    console = Console(stderr=True)
    return Progress(TextColumn(f"Downloading {what}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                    console=console, transient=True, disable=not console.is_terminal)


def fetch(url: str, target: Path, digest: str, algorithm: str, what: str, offline_hint: str) -> Path:
    """Download `url` to `target` (unless it is there already), with a progress bar on stderr.

    `digest` is the file's published `algorithm` hash (hex); `offline_hint` says what to do without a
    network, and ends the one-line error when the host cannot be reached.
    """
    import requests

    if target.is_file():
        return target
    host = urlsplit(url).netloc or url
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise EngineError(f"{what}: cannot write to {target.parent} ({exc.strerror or exc})") from None
    hasher = hashlib.new(algorithm)
    try:
        with os.fdopen(fd, "wb") as out, requests.get(url, stream=True, timeout=TIMEOUT_S) as response:
            response.raise_for_status()
            total = int(response.headers.get("content-length") or 0)
            with _progress(what) as bar:
                task = bar.add_task("download", total=total or None)
                for chunk in response.iter_content(CHUNK_BYTES):
                    out.write(chunk)
                    hasher.update(chunk)
                    bar.advance(task, len(chunk))
        got = hasher.hexdigest()
        if got != digest.lower():
            raise EngineError(f"{what}: the file from {host} does not match its published {algorithm} "
                              f"({got[:12]}... instead of {digest[:12]}...); nothing was kept, try again later")
        os.replace(tmp, target)
    except (requests.ConnectionError, requests.Timeout):
        raise EngineError(f"{what} is not downloaded yet and {host} cannot be reached; {offline_hint}") from None
    except requests.HTTPError as exc:
        raise EngineError(f"{what}: {host} answered {exc.response.status_code} for {url}") from None
    except OSError as exc:
        raise EngineError(f"{what}: cannot write to {target.parent} ({exc.strerror or exc})") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


def fetch_text(url: str, what: str, offline_hint: str) -> str:
    """A small index file (a voice list) with no hash of its own: the hashes it lists check the voices."""
    import requests

    host = urlsplit(url).netloc or url
    try:
        response = requests.get(url, timeout=TIMEOUT_S)
        response.raise_for_status()
    except (requests.ConnectionError, requests.Timeout):
        raise EngineError(f"{what} is not downloaded yet and {host} cannot be reached; {offline_hint}") from None
    except requests.HTTPError as exc:
        raise EngineError(f"{what}: {host} answered {exc.response.status_code} for {url}") from None
    return response.text
