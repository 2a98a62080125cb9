"""The cache: synthesised clips, finished renditions and loudness hints, with a size limit.

Piper samples noise, so the same sentence never synthesises to the same bytes twice: reusing a
cached clip is what makes a rebuild fast and its output byte-identical, and what lets a build that
was killed resume where it stopped. Keys hash the spoken text with every setting that changes the
sound, so a change of voice, speaker, speed or noise never reuses the wrong audio.

Layout: clips/ab/<key>.wav (16-bit mono), renditions/<key>.mp3 with <key>.json (an encoded episode
before its tags, so a rebuild that changes only metadata re-tags instead of re-encoding),
pieces/ab/<key>.mp3 with <key>.json (a stretch of an episode encoded on its own, and its decoded
loudness per frame, so a rebuild after an edit encodes only the stretch that changed), and
hints/<key>.json (facts learnt once: how much gain the limiter costs for a voice, the language an
article's text was detected in), and readings/<key>.json (an article file as the reader left it, so a
rebuild of an unchanged file does not clean it again, the speech plan made from it, and the last
plan's sentences and spoken forms for its settings, which an edited article's plan reuses). Every file
is written to a temporary name and renamed, so a crash never leaves a torn entry; access times drive
least-recently-used eviction.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
import wave
from pathlib import Path
from typing import Any, Callable

from narrate.errors import OutputError
from narrate.models import Clip

ENV_VAR = "NARRATE_CACHE_DIR"
STALE_SECONDS = 3600
# What one build leaves: counted against `cache.max_mb`, evicted oldest first, emptied by `cache clear`.
ENTRY_FOLDERS = ("clips", "renditions", "pieces", "hints", "readings")


def cache_dir(configured: Path | None = None) -> Path:
    """NARRATE_CACHE_DIR, else the config's `cache.dir`, else the user cache folder of the OS."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    if configured is not None:
        return configured
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("narrate"))


def content_key(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def clip_key(identity: dict[str, Any], spoken: str) -> str:
    return content_key({"voice": identity, "text": spoken})


def read_clip_samples(path: Path):
    """The 16-bit samples of a clip as a numpy array."""
    import numpy as np

    with wave.open(str(path), "rb") as wav:
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)


def file_stamps(paths) -> list:
    """Each file's path, size and modification time (size and time None when it is not there): what a
    save changes."""
    stamps = []
    for path in paths:
        try:
            stat = path.stat()
            stamps.append((str(path), stat.st_size, stat.st_mtime_ns))
        except OSError:
            stamps.append((str(path), None, None))
    return stamps


def saved_once(target: Path, write: Callable[[Path], None]) -> Path | None:
    """`target`, made by `write` under a temporary name and renamed the first time, so a crash never
    leaves half a file; None when it cannot be made (the caller then loads what it would have anyway)."""
    if target.is_file():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=target.parent)
        os.close(fd)
    except OSError:
        return None
    try:
        write(Path(temporary))
        os.replace(temporary, target)
    except Exception:  # onnxruntime's own errors for a bad model, pickle's, or a full disk: the caller decides
        return None
    finally:
        Path(temporary).unlink(missing_ok=True)
    return target


def discard(copy: Path | None) -> None:
    """Forget a saved copy that would not load (a torn or damaged file): it is made again next time."""
    if copy is not None:
        copy.unlink(missing_ok=True)


def _atomic(target: Path, write, keep_existing: bool = False) -> None:
    """Write to a temporary file, then move it into place (or, with `keep_existing`, link it only
    if the target is still absent: an atomic create-if-missing)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cache: cannot write {target.parent} ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        if keep_existing:
            try:
                os.link(tmp, target)
            except FileExistsError:
                pass
            except OSError:  # a file system without hard links
                os.replace(tmp, target)
            Path(tmp).unlink(missing_ok=True)
        else:
            os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cache: cannot write {target.parent} ({exc.strerror or exc})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Cache:
    def __init__(self, root: Path):
        self.root = root

    # -- clips ------------------------------------------------------------------------------------

    def _clip_path(self, key: str) -> Path:
        return self.root / "clips" / key[:2] / f"{key}.wav"

    def get(self, key: str) -> Clip | None:
        path = self._clip_path(key)
        try:
            with wave.open(str(path), "rb") as wav:
                clip = Clip(path=path, samples=wav.getnframes(), sample_rate=wav.getframerate())
        except (FileNotFoundError, EOFError, wave.Error):
            return None
        _touch(path)
        return clip

    def put(self, key: str, samples, sample_rate: int) -> Clip:
        """Store a clip, unless another build stored one for the same key first: then that one is used.

        First writer wins, so two builds of one article at once end up speaking the same clips, and
        the cache never holds a mix of their takes.
        """
        path = self._clip_path(key)

        def write(handle):
            with wave.open(handle, "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(sample_rate)
                wav.writeframes(samples.tobytes())

        _atomic(path, write, keep_existing=True)
        existing = self.get(key)
        return existing if existing is not None else Clip(path=path, samples=len(samples), sample_rate=sample_rate)

    # -- renditions and hints -----------------------------------------------------------------------

    def rendition(self, key: str) -> tuple[Path, dict] | None:
        mp3, facts = self.root / "renditions" / f"{key}.mp3", self.root / "renditions" / f"{key}.json"
        try:
            data = json.loads(facts.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not mp3.is_file():
            return None
        _touch(mp3)
        _touch(facts)
        return mp3, data

    def put_rendition(self, key: str, mp3: Path, facts: dict) -> None:
        def copy(handle):  # in pieces: a two-hour episode is 60 MB, which the build's memory should not hold
            with mp3.open("rb") as source:
                shutil.copyfileobj(source, handle)

        _atomic(self.root / "renditions" / f"{key}.mp3", copy)
        _atomic(self.root / "renditions" / f"{key}.json", lambda handle: handle.write(json.dumps(facts).encode()))

    def _piece_path(self, key: str) -> Path:
        return self.root / "pieces" / key[:2] / f"{key}.mp3"

    def piece(self, key: str) -> tuple[Path, dict] | None:
        """An encoded piece and its facts, or None (the facts are written last: their presence means whole)."""
        mp3 = self._piece_path(key)
        facts = self._record(f"pieces/{key[:2]}", key)
        if facts is None or not mp3.is_file():
            return None
        _touch(mp3)
        return mp3, facts

    def piece_target(self, key: str) -> Path:
        """Where an encoder may write a piece before `put_piece` files it (a name no other build uses)."""
        folder = self._piece_path(key).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cache: cannot write {folder} ({exc.strerror or exc})") from None
        return folder / f".tmp-{key}-{os.getpid()}-{threading.get_ident()}.mp3"

    def put_piece(self, key: str, written: Path, facts: dict) -> Path:
        target = self._piece_path(key)
        try:
            os.replace(written, target)
        except OSError as exc:
            written.unlink(missing_ok=True)
            raise OutputError(f"cache: cannot write {target.parent} ({exc.strerror or exc})") from None
        self._put_record(f"pieces/{key[:2]}", key, facts)
        return target

    def hint(self, key: str) -> dict | None:
        return self._record("hints", key)

    def put_hint(self, key: str, value: dict) -> None:
        self._put_record("hints", key, value)

    def reading(self, key: str) -> dict | None:
        """An article as the reader left it (see `pipeline.read_article`), or None."""
        return self._record("readings", key)

    def put_reading(self, key: str, record: dict) -> None:
        self._put_record("readings", key, record)

    def _record(self, folder: str, key: str) -> dict | None:
        path = self.root / folder / f"{key}.json"
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        _touch(path)
        return value

    def _put_record(self, folder: str, key: str, value: dict) -> None:
        _atomic(self.root / folder / f"{key}.json",
                lambda handle: handle.write(json.dumps(value, ensure_ascii=False).encode("utf-8")))

    # -- size ---------------------------------------------------------------------------------------

    def files(self) -> list[Path]:
        """The build's own entries, which `cache.max_mb` counts and eviction may delete.

        Downloaded voices and the start-up copies in `models/` are left out: evicting them would only
        mean downloading or making them again on the next build.
        """
        return [p for folder in ENTRY_FOLDERS if (self.root / folder).is_dir()
                for p in (self.root / folder).rglob("*") if p.is_file() and not p.name.startswith(".tmp-")]

    def usage(self) -> tuple[int, int]:
        files = self.files()
        return len(files), sum(_size(p) for p in files)

    def evict(self, max_bytes: int, keep: set[Path] = frozenset()) -> int:
        """Delete least-recently-used entries until the cache fits; `keep` (this build's files) stay.

        Temporary files a killed build left behind (over an hour old) go too.
        """
        if self.root.is_dir():
            for leftover in self.root.rglob(".tmp-*"):
                if time.time() - _mtime(leftover) > STALE_SECONDS:
                    leftover.unlink(missing_ok=True)
        entries = [(p, _size(p), _mtime(p)) for p in self.files()]
        total = sum(size for _, size, _ in entries)
        removed = 0
        for path, size, _ in sorted(entries, key=lambda e: e[2]):
            if total <= max_bytes:
                break
            if path in keep:
                continue
            path.unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed

    def clear(self) -> None:
        for folder in ENTRY_FOLDERS:
            shutil.rmtree(self.root / folder, ignore_errors=True)


def _touch(path: Path) -> None:
    try:
        now = time.time()
        os.utime(path, (now, now))
    except OSError:
        pass


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
