"""Loudness-normalise and encode: one gain, a true-peak limiter, one MP3 encode, and its check.

The programme's loudness (ITU-R BS.1770) is measured in this process while it is assembled; the
gain and the oversampled limiter are applied here too, as the samples go to ffmpeg, which only
encodes. The same ffmpeg decodes what its encoder wrote (a loopback decoder, on another thread)
and hands the samples back to be metered, so the finished MP3 is checked during its own encode,
without a second pass. If the check finds the target missed (-16 ±0.4 LUFS aimed at, the -1 dBTP
ceiling), the episode is encoded again from what the miss taught.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from narrate.audio.ffmpeg import file_arg
from narrate.audio.loudness import pcm_floats
from narrate.config import AudioOptions
from narrate.errors import AudioToolError
from narrate.models import Loudness

OUTPUT_RATE = 44_100
# Headroom under the ceiling for what MP3 encoding adds back. With noise shaping (LAME's default
# quality 5), quantisation put peaks up to 2.6 dB above the limiter's output on a 30-minute Piper
# episode; without it (quality 7) at most 0.3 dB, at a higher signal-to-noise ratio (24.9 against
# 21.8 dB on the same audio) and 25% less encoding time. Less headroom means less limiting.
LAME_QUALITY = 7
FIRST_MARGIN_DB = 0.8
# Loudness the encoder takes away (its low-pass removes high frequencies that K-weighting favours).
ENCODER_LOSS_LU = 0.4
# The excerpt on which the limiter's loudness cost is learnt when nothing is known of the voice.
EXCERPT_SECONDS = 90
CALIBRATION_STEPS = 4
MAX_ATTEMPTS = 4
LOUDNESS_TOLERANCE_LU = 0.4
SPEC_TOLERANCE_LU = 1.0
# Raw PCM is read back for a re-encode this many bytes at a time (memory stays flat).
READ_BYTES = 1 << 20
# The decoded MP3 comes back from ffmpeg this many bytes at a time (small pieces keep memory flat).
PIPE_BYTES = 1 << 16


def _output_args(mp3: Path, bitrate: int) -> list[str]:
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

    Fed 16-bit PCM as it becomes ready, so encoding can run while speech is still synthesised. A
    writer thread limits and hands the audio to ffmpeg from a bounded queue, so feeding never stalls
    synthesis (unless the encoder falls QUEUE_CHUNKS clips behind, which bounds the memory used: about two
    minutes of audio); a
    reader thread meters the decoded MP3. The MP3 is a file, so ffmpeg writes its Xing/LAME header.
    """

    QUEUE_CHUNKS = 32

    def __init__(self, sample_rate: int, mp3: Path, gain_db: float, ceiling_db: float, bitrate: int):
        import queue
        import subprocess
        import tempfile
        import threading

        from narrate.audio.ffmpeg import ffmpeg_exe
        from narrate.audio.limiter import Limiter
        from narrate.audio.loudness import LoudnessMeter

        self.mp3, self.gain, self.ceiling = mp3, gain_db, ceiling_db
        self.limiter = Limiter(sample_rate, gain_db, ceiling_db)
        self.meter = LoudnessMeter(OUTPUT_RATE, true_peak=True)
        self.errors = tempfile.TemporaryFile()
        command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                   "-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0", *_output_args(mp3, bitrate),
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
            self._send(self.limiter.process, pcm_floats(data))
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

    def finish(self) -> Loudness:
        """Wait for the MP3; its loudness and true peak, as decoded from what was written."""
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
        return Loudness(self.meter.integrated_lufs(), self.meter.true_peak_dbtp())

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


def _read_raw(raw: Path, start: int = 0, length: int | None = None):
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


def _encode_file(raw: Path, sample_rate: int, mp3: Path, gain_db: float, ceiling_db: float,
                 bitrate: int) -> Loudness:
    encoder = Encoder(sample_rate, mp3, gain_db, ceiling_db, bitrate)
    try:
        for data in _read_raw(raw):
            encoder.feed(data)
        return encoder.finish()
    except BaseException:
        encoder.abandon()
        raise


def hinted_gain(whole_lufs: float, options: AudioOptions, hint: dict) -> tuple[float, float]:
    """Gain and limiter ceiling from what worked last time for this voice."""
    ceiling = min(options.true_peak - FIRST_MARGIN_DB, float(hint.get("ceiling", options.true_peak - FIRST_MARGIN_DB)))
    return options.loudness - whole_lufs + float(hint["cost"]), ceiling


def _secant(tried: list[tuple[float, float]], target: float) -> float:
    """The next gain to try, from (gain, loudness) pairs: loudness grows slower than gain once limited."""
    gain, measured = tried[-1]
    if len(tried) >= 2:
        previous_gain, previous_measured = tried[-2]
        slope = (measured - previous_measured) / (gain - previous_gain) if gain != previous_gain else 0.0
        if 0.1 <= slope <= 1.5:
            return gain + (target - measured) / slope
    return gain + (target - measured)


def _limited_loudness(excerpt: np.ndarray, sample_rate: int, gain_db: float, ceiling_db: float) -> float:
    from narrate.audio.limiter import Limiter
    from narrate.audio.loudness import LoudnessMeter

    limiter, meter = Limiter(sample_rate, gain_db, ceiling_db), LoudnessMeter(sample_rate)
    meter.add(limiter.process(excerpt))
    meter.add(limiter.finish())
    return meter.integrated_lufs()


def _calibrated_gain(raw: Path, sample_rate: int, whole_lufs: float, target: float, ceiling: float) -> float:
    """Find the gain that reaches `target` after limiting, on an excerpt (cheap) instead of the episode.

    The limiter's loudness cost depends on the voice, not on where in the episode we are, so the
    cost learnt on a representative stretch carries over to the whole.
    """
    from narrate.audio.loudness import LoudnessMeter

    total = raw.stat().st_size // 2
    length = min(EXCERPT_SECONDS * sample_rate, total)
    excerpt = pcm_floats(b"".join(_read_raw(raw, (total - length) // 2, length)))
    meter = LoudnessMeter(sample_rate)
    meter.add(excerpt)
    excerpt_lufs = meter.integrated_lufs()
    gain = target - whole_lufs
    if excerpt_lufs < -70:
        return gain  # a silent stretch teaches nothing; the check after the encode corrects
    tried: list[tuple[float, float]] = []
    for _ in range(CALIBRATION_STEPS):
        cost = excerpt_lufs + gain - _limited_loudness(excerpt, sample_rate, gain, ceiling)
        predicted = whole_lufs + gain - cost
        if abs(predicted - target) < 0.1:
            break
        tried.append((gain, predicted))
        gain = _secant(tried, target)
    return gain


def encode(raw: Path, sample_rate: int, mp3: Path, options: AudioOptions, whole_lufs: float,
           hint: dict | None = None, streamed: Encoder | None = None) -> tuple[Loudness, dict]:
    """Encode `raw` PCM to a CBR MP3 at the target loudness under the true-peak ceiling.

    `whole_lufs` is the programme's loudness, measured as it was assembled. `streamed` is an
    encoder already fed the whole programme while it was synthesised (with a gain from `hint`);
    its MP3 is kept when it meets the target. `hint` is what worked last time for this voice: the
    gain beyond the plain loudness difference that the limiter and encoder cost ("cost"), and the
    limiter ceiling ("ceiling"); starting there skips calibration. Returns the MP3's measured
    loudness and what worked this time, the next hint.
    """
    if whole_lufs < -70:
        if streamed is not None:
            streamed.abandon()
        raise AudioToolError("loudness: the narration is silent; check the voice")
    if streamed is not None:
        gain, ceiling = streamed.gain, streamed.ceiling
    elif hint:  # what worked for this voice last time; the check of the MP3 below confirms it
        gain, ceiling = hinted_gain(whole_lufs, options, hint)
    else:
        ceiling = options.true_peak - FIRST_MARGIN_DB
        gain = _calibrated_gain(raw, sample_rate, whole_lufs, options.loudness + ENCODER_LOSS_LU, ceiling)
    tried: list[tuple[float, float]] = []
    best: tuple[float, Loudness, float, Path, float] | None = None  # (miss, loudness, gain, file, ceiling)
    for attempt in range(MAX_ATTEMPTS):
        if attempt == 0 and streamed is not None:
            candidate, result = streamed.mp3, streamed.finish()
        else:
            candidate = mp3.with_name(f"{mp3.stem}.try{attempt}.mp3")
            result = _encode_file(raw, sample_rate, candidate, gain, ceiling, options.bitrate)
        miss = abs(result.integrated_lufs - options.loudness)
        peak_ok = result.true_peak_dbtp <= options.true_peak
        if peak_ok and (best is None or miss < best[0]):
            if best is not None:
                best[3].unlink(missing_ok=True)
            best = (miss, result, gain, candidate, ceiling)
        else:
            candidate.unlink(missing_ok=True)
        if peak_ok and miss <= LOUDNESS_TOLERANCE_LU:
            break
        tried.append((gain, result.integrated_lufs))
        if not peak_ok:
            ceiling -= result.true_peak_dbtp - options.true_peak + 0.2
            tried = tried[-1:]  # a new ceiling changes the curve: earlier points no longer apply
        gain = _secant(tried, options.loudness)
    # Aim for the target within 0.4 LU; accept the spec's 1 LU rather than fail after several tries.
    if best is None or best[0] > SPEC_TOLERANCE_LU:
        raise AudioToolError(
            f"loudness: could not reach {options.loudness} LUFS under {options.true_peak} dBTP "
            f"(got {result.integrated_lufs:.1f} LUFS, {result.true_peak_dbtp:.1f} dBTP)")
    _, loudness, gain, chosen, used_ceiling = best
    if chosen != mp3:
        chosen.replace(mp3)
    return loudness, {"cost": round(gain - (options.loudness - whole_lufs), 3),
                      "ceiling": round(used_ceiling, 3), "typical_lufs": round(whole_lufs, 2)}
