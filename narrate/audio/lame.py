"""One piece of the programme through LAME: gain and limiter here, LAME in ffmpeg, and the MP3 metered
as the same ffmpeg decodes it back (a loopback decoder), so what was written is checked without a
second pass.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from narrate.audio.ffmpeg import file_arg
from narrate.audio.join import FRAME_SAMPLES, OUTPUT_RATE
from narrate.audio.loudness import pcm_floats
from narrate.errors import AudioToolError

# Headroom under the ceiling for what MP3 encoding adds back. With noise shaping (LAME's default
# quality 5), quantisation put peaks up to 2.6 dB above the limiter's output on a 30-minute Piper
# episode; without it (quality 7) at most 0.3 dB, at a higher signal-to-noise ratio (24.9 against
# 21.8 dB on the same audio) and 25% less encoding time. Less headroom means less limiting.
LAME_QUALITY = 7
# Raw PCM is read back this many bytes at a time (6 s at 22.05 kHz): the limiter works on each read
# oversampled four times, so a larger read costs memory (a whole 15 s piece at once: 30 MB more per encoder).
READ_BYTES = 1 << 18
# The decoded MP3 comes back from ffmpeg this many bytes at a time (small pieces keep memory flat).
PIPE_BYTES = 1 << 16


def output_args(mp3: Path, bitrate: int) -> list[str]:
    return ["-c:a", "libmp3lame", "-b:a", f"{bitrate}k", "-compression_level", str(LAME_QUALITY),
            "-ar", str(OUTPUT_RATE), "-ac", "1",
            # No ID3 from ffmpeg (narrate writes v2.3 itself); the Xing/Info header makes
            # duration and seeking exact; bitexact keeps version strings out for reproducible files.
            "-id3v2_version", "0", "-write_id3v1", "0", "-write_xing", "1",
            "-fflags", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1",
            "-f", "mp3", file_arg(mp3)]


def _pcm_bytes(samples: np.ndarray) -> bytes:
    """Float samples as 16-bit PCM: half the bytes of floats through the pipe, far below audibility."""
    return (np.clip(np.rint(samples * 32767), -32768, 32767)).astype(np.int16).tobytes()


class Encoder:
    """Gain and limiter here, LAME in ffmpeg, and the MP3 metered as ffmpeg decodes it back.

    Encodes one piece of the programme (see `pieces`): fed 16-bit PCM at the voice's rate, it
    writes an MP3 of exactly `frames` 1152-sample frames of audio at 44.1 kHz (silence pads the
    end), with ffmpeg's Info/LAME header. A writer thread meters the source, limits and hands the
    audio to ffmpeg from a bounded queue (QUEUE_CHUNKS reads, which bounds the memory used) while a
    reader thread meters the decoded MP3 per frame, so neither pipe ever waits on the other.
    """

    QUEUE_CHUNKS = 32

    def __init__(self, sample_rate: int, mp3: Path, gain_db: float, ceiling_db: float, bitrate: int, frames: int):
        import queue
        import subprocess
        import tempfile
        import threading

        from narrate.audio.ffmpeg import ffmpeg_exe
        from narrate.audio.limiter import Limiter
        from narrate.audio.loudness import LoudnessMeter

        self.mp3, self.gain, self.ceiling = mp3, gain_db, ceiling_db
        self.limiter = Limiter(sample_rate, gain_db, ceiling_db)
        self.meter = LoudnessMeter(OUTPUT_RATE, true_peak=True, step=FRAME_SAMPLES)
        self.source = LoudnessMeter(sample_rate)  # the piece before gain: the programme's own loudness
        self.errors = tempfile.TemporaryFile()
        length = frames * FRAME_SAMPLES
        command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                   "-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0",
                   "-af", f"aresample={OUTPUT_RATE},apad=whole_len={length},atrim=end_sample={length}",
                   *output_args(mp3, bitrate),
                   # The loopback decoder: the encoder's own packets, decoded for the check.
                   "-dec", "0:0", "-filter_complex", "[dec:0]anull[written]", "-map", "[written]",
                   "-f", "s16le", "-ac", "1", "pipe:1"]
        try:
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=self.errors)
        except OSError as exc:
            raise AudioToolError(f"encoding MP3: cannot run ffmpeg ({exc})") from None
        self.broken = False
        self.queue: queue.Queue[bytes | None] = queue.Queue(self.QUEUE_CHUNKS)
        self.writer = threading.Thread(target=self._write, daemon=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.writer.start()
        self.reader.start()

    def _send(self, limit, samples: np.ndarray | None) -> None:
        """Limit and pass on; after any failure, only keep the queue moving (finish() reports it)."""
        if self.broken:
            return
        try:
            self.process.stdin.write(_pcm_bytes(limit(samples)))
        except Exception:  # a closed pipe (ffmpeg stopped) or anything else: the encode has failed
            self.broken = True

    def _write(self) -> None:
        while (data := self.queue.get()) is not None:
            samples = pcm_floats(data)
            self.source.add(samples)
            self._send(self.limiter.process, samples)
        self._send(lambda _: self.limiter.finish(), None)
        try:
            self.process.stdin.close()
        except OSError:
            self.broken = True

    def _read(self) -> None:
        left_over = b""
        while chunk := self.process.stdout.read(PIPE_BYTES):
            if self.broken:
                continue  # keep reading, so ffmpeg never waits on a full pipe
            chunk = left_over + chunk
            whole = len(chunk) // 2 * 2
            try:
                self.meter.add_pcm(chunk[:whole])
            except Exception:
                self.broken = True
            left_over = chunk[whole:]

    def feed(self, data: bytes) -> None:
        if data:
            self.queue.put(data)

    def finish(self) -> tuple[np.ndarray, float, np.ndarray]:
        """Wait for the MP3; the mean square of its K-weighted decoded audio per frame and its true
        peak (dBTP), as decoded from what was written, and the source's mean squares per 100 ms."""
        self.queue.put(None)
        self.writer.join()
        self.reader.join()
        code = self.process.wait()
        if code != 0 or self.broken:
            self.errors.seek(0)
            said = self.errors.read().decode("utf-8", "replace")
            self.errors.close()
            if "Unrecognized option 'dec'" in said:
                raise AudioToolError("encoding MP3: this ffmpeg is older than 7.0, whose loopback decoder narrate "
                                     "needs; unset IMAGEIO_FFMPEG_EXE or point it at ffmpeg 7 or later")
            lines = [line for line in said.splitlines() if line.strip()]
            raise AudioToolError(f"encoding MP3: {lines[-1] if lines else f'exit status {code}'}")
        self.errors.close()
        return self.meter.step_energies(), self.meter.true_peak_dbtp(), self.source.step_energies()

    def abandon(self) -> None:
        import queue

        self.broken = True
        self.process.kill()
        self.process.wait()
        while True:  # let the writer see the end even if the queue is full
            try:
                self.queue.put_nowait(None)
                break
            except queue.Full:
                self.queue.get_nowait()
        # Daemon threads: should either still be busy with a last chunk, the build does not wait on it.
        self.writer.join(timeout=5)
        self.reader.join(timeout=5)
        self.errors.close()


def read_raw(raw: Path, start: int = 0, length: int | None = None):
    """The raw PCM's bytes from sample `start`, `length` samples (all when None), a piece at a time."""
    remaining = None if length is None else 2 * length
    with raw.open("rb") as handle:
        handle.seek(2 * start)
        while remaining is None or remaining > 0:
            data = handle.read(READ_BYTES if remaining is None else min(READ_BYTES, remaining))
            if not data:
                return
            if remaining is not None:
                remaining -= len(data)
            yield data
