"""The programme as pieces, each encoded on its own and kept, so a rebuild encodes only what changed.

The programme is cut in the middle of long pauses (a paragraph's or a section's), where the audio
is digital silence for 0.3 s or more either side: the limiter is at rest there, and neither LAME's
frames nor the resampler reach across. A piece holds at least MIN_PIECE_SECONDS, so an ffmpeg
process starts per paragraph or so, not per heading. Each piece is padded with silence to a whole
number of 1152-sample frames at 44.1 kHz, so the pieces' frames join into one gapless stream (see
`join`) and the timeline, padding included, stays exact.

Whether a pause is cut depends only on the audio since the last cut, so after an edit the cuts fall
where they fell before from the first cut past the edit on (with paragraphs longer than the minimum,
the very next one): the edit changes its own piece, and the pieces after it, shifted in time but not
in content, are found again in the cache. A piece is keyed by its exact samples (before gain) with
the gain, ceiling and encoder settings, which decide its MP3.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from narrate.audio.join import FRAME_SAMPLES, OUTPUT_RATE, Piece
from narrate.cache import Cache
from narrate.models import Loudness, Utterance

if TYPE_CHECKING:
    import numpy as np

MIN_CUT_SECONDS = 0.6
MIN_PIECE_SECONDS = 15
PIECE_VERSION = 2  # bump when cutting or encoding pieces changes: older pieces and renditions are not reused
# Pieces encoded at once, even beside a speaking voice: with one at a time, a fast voice (hibari, 9 min of
# audio spoken in 11-17 s on a loaded machine) left 2.3-3.4 s of pieces to encode after its last sentence;
# with two, 0.4-0.6 s (cold builds 16.2 s against 18.2 s, medians of 3 interleaved).
PARALLEL_PIECES = 2


def cut_here(pause: int, since_cut: int, rate: int) -> bool:
    """Whether to cut in a pause of `pause` samples that ends `since_cut` samples after the last cut."""
    return pause >= MIN_CUT_SECONDS * rate and since_cut >= MIN_PIECE_SECONDS * rate


def split_pause(samples: int) -> tuple[int, int]:
    """A cut pause's samples before and after the cut."""
    return samples // 2, samples - samples // 2


def frames_for(samples: int, rate: int) -> int:
    """Whole 44.1 kHz MP3 frames that hold `samples` at `rate`."""
    return max(1, -(-samples * OUTPUT_RATE // (rate * FRAME_SAMPLES)))


def padding_seconds(samples: int, rate: int) -> float:
    """The silence a piece of `samples` gets at its end to fill its last frame."""
    return frames_for(samples, rate) * FRAME_SAMPLES / OUTPUT_RATE - samples / rate


@dataclass(frozen=True)
class Encoded:
    """A piece's MP3 in the cache and what its decoded audio measured."""

    piece: Piece
    energies: np.ndarray  # mean square of the K-weighted decoded audio, per frame
    peak_dbtp: float
    source: np.ndarray  # mean square of the K-weighted piece before gain, per 100 ms from its start


def source_loudness(encoded: list[Encoded]) -> float:
    """The programme's loudness before gain, from its pieces' figures.

    Each piece's 100 ms steps start at the piece; the grid slips by less than a step at each cut, in
    silence, which moves the gating by far less than the 0.1 dB the result is used to.
    """
    import numpy as np

    from narrate.audio.loudness import gated_loudness

    return gated_loudness(np.concatenate([item.source for item in encoded]))


def combined(encoded: list[Encoded]) -> Loudness:
    """The whole file's loudness and true peak from its pieces' figures.

    The pieces meet in silence, so the file's K-weighted energy per frame is theirs laid end to end,
    and its true peak is their highest.
    """
    import numpy as np

    from narrate.audio.loudness import gated_loudness, regrid

    energies = np.concatenate([item.energies for item in encoded])
    return Loudness(gated_loudness(regrid(energies, FRAME_SAMPLES, OUTPUT_RATE)),
                    max(item.peak_dbtp for item in encoded))


class Pieces:
    """Encodes the programme's pieces as they are cut, reusing the cache's.

    `cut(start, length)` names a finished stretch of the raw PCM file (in samples); the piece is
    read back from the file, so nothing of it is held here. PARALLEL_PIECES are encoded at once.
    """

    def __init__(self, raw: Path, rate: int, gain_db: float, ceiling_db: float, bitrate: int, cache: Cache):
        from concurrent.futures import ThreadPoolExecutor

        self.raw, self.rate, self.gain, self.ceiling, self.bitrate = raw, rate, gain_db, ceiling_db, bitrate
        self.cache = cache
        self.pool = ThreadPoolExecutor(max_workers=PARALLEL_PIECES, thread_name_prefix="piece")
        self.futures = []
        self.stopped = False

    def cut(self, start: int, length: int) -> None:
        self.futures.append(self.pool.submit(self._encoded, start, length))

    def _key(self, start: int, length: int, frames: int) -> str:
        from narrate.audio.lame import LAME_QUALITY, read_raw

        digest = hashlib.sha256(json.dumps({
            "version": PIECE_VERSION, "rate": self.rate, "gain": self.gain, "ceiling": self.ceiling,
            "bitrate": self.bitrate, "quality": LAME_QUALITY, "frames": frames}).encode())
        for data in read_raw(self.raw, start, length):
            digest.update(data)
        return digest.hexdigest()

    def _encoded(self, start: int, length: int) -> Encoded:
        import numpy as np

        from narrate.audio.lame import Encoder, read_raw

        frames = frames_for(length, self.rate)
        key = self._key(start, length, frames)
        found = self.cache.piece(key)
        if found is not None:
            mp3, facts = found
            return Encoded(Piece(mp3, frames), np.asarray(facts["energies"], dtype=np.float64), facts["peak_dbtp"],
                           np.asarray(facts["source"], dtype=np.float64))
        if self.stopped:
            raise RuntimeError("stopped")
        target = self.cache.piece_target(key)
        encoder = Encoder(self.rate, target, self.gain, self.ceiling, self.bitrate, frames)
        try:
            for data in read_raw(self.raw, start, length):
                encoder.feed(data)
            energies, peak, source = encoder.finish()
        except BaseException:
            encoder.abandon()
            target.unlink(missing_ok=True)
            raise
        mp3 = self.cache.put_piece(key, target, {"energies": energies.tolist(), "peak_dbtp": peak,
                                                 "source": source.tolist()})
        return Encoded(Piece(mp3, frames), energies, peak, source)

    def finish(self) -> list[Encoded]:
        try:
            return [future.result() for future in self.futures]
        finally:
            self.pool.shutdown(wait=True)

    def abandon(self) -> None:
        self.stopped = True
        for future in self.futures:
            future.cancel()
        self.pool.shutdown(wait=True)
