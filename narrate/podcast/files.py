"""Writing published files: whole or not at all, and readable by the web server that serves them.

A temporary file from `mkstemp` is private (mode 600); renamed into place as it is, nginx or Apache
running as another user answers 403 for it. Every published file therefore gets the mode a plain
`cp` would give it under the user's umask (644 under umask 022) before it is renamed into place.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def _umask() -> int:
    # os.umask can only be read by setting it; setting it back at once leaves it as it was.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def publishable_mode() -> int:
    return 0o666 & ~_umask()


def write_with(path: Path, write: Callable[[Path], None], *, sync: bool = False) -> None:
    """Let `write` fill a temporary file beside `path`, then give it its mode and rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=path.suffix)
    os.close(fd)
    try:
        write(Path(tmp))
        if sync:
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
        os.chmod(tmp, publishable_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    write_with(path, lambda tmp: tmp.write_bytes(data), sync=True)


def copy_atomically(source: Path, target: Path) -> None:
    write_with(target, lambda tmp: shutil.copyfile(source, tmp))


def move_into_place(source: Path, target: Path) -> None:
    """Rename a finished file (on the same filesystem) to its published name, with the published mode."""
    os.chmod(source, publishable_mode())
    os.replace(source, target)


def digest(path: Path) -> str:
    """SHA-256 of a file's content, read a megabyte at a time."""
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()
