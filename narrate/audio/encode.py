"""Loudness-normalise and encode: measure, apply one gain and a true-peak limiter, verify.

One-pass `loudnorm` misses its target by a couple of LU on speech, and plain gain pushes Piper's
peaks over full scale, so narrate measures the whole programme first (ITU-R BS.1770, streamed by
ffmpeg's ebur128), encodes once with the exact gain and an oversampled limiter, then measures
the MP3 it wrote. If encoding overshoot broke the ceiling, it re-encodes with a lower one.
"""

from __future__ import annotations

from pathlib import Path

from narrate.audio.ffmpeg import Loudness, file_arg, measure_loudness
from narrate.config import AudioOptions
from narrate.errors import AudioToolError

OUTPUT_RATE = 44_100
# The limiter runs at 4x the output rate, where sample peaks are a close stand-in for true peaks.
OVERSAMPLED_RATE = 4 * OUTPUT_RATE
# Headroom under the ceiling for what MP3 encoding adds back. With noise shaping (LAME's default
# quality 5), quantisation put peaks up to 2.6 dB above the limiter's output on a 30-minute Piper
# episode; without it (quality 7) at most 0.3 dB, at a higher signal-to-noise ratio (24.9 against
# 21.8 dB on the same audio) and 25% less encoding time. Less headroom means less limiting.
LAME_QUALITY = 7
FIRST_MARGIN_DB = 0.8
# Loudness the encoder takes away (its low-pass removes high frequencies that K-weighting favours).
ENCODER_LOSS_LU = 0.4
# The excerpt on which the limiter's loudness cost is learnt before the one full encode.
EXCERPT_SECONDS = 90
CALIBRATION_STEPS = 4
MAX_ATTEMPTS = 4
LOUDNESS_TOLERANCE_LU = 0.4
SPEC_TOLERANCE_LU = 1.0


def _raw_input(raw: Path, sample_rate: int, start: float = 0.0, length: float | None = None) -> list[str]:
    window = ["-ss", f"{start:.3f}"] + (["-t", f"{length:.3f}"] if length else [])
    return ["-f", "s16le", "-ar", str(sample_rate), "-ac", "1", *window, "-i", file_arg(raw)]


def _chain(gain_db: float, ceiling_db: float, sample_rate: int) -> str:
    limit = 10 ** (ceiling_db / 20)
    return ",".join([
        f"volume={gain_db:.3f}dB",
        f"aresample={OVERSAMPLED_RATE}",
        # level=0: no automatic make-up gain; latency=1: keep every sample where it was, so
        # chapter and transcript times stay exact.
        f"alimiter=limit={limit:.5f}:attack=5:release=100:level=0:latency=1",
        # The limiter's fast gain changes add harmonics above the voice's own band; left in, the
        # encoder's low-pass turns them into overshoot. The source's Nyquist frequency is a free cut.
        f"lowpass=f={sample_rate // 2}:poles=2",
        f"aresample={OUTPUT_RATE}",
    ])


def _output_args(mp3: Path, bitrate: int) -> list[str]:
    return ["-c:a", "libmp3lame", "-b:a", f"{bitrate}k", "-compression_level", str(LAME_QUALITY),
            "-ar", str(OUTPUT_RATE), "-ac", "1",
            # No ID3 from ffmpeg (narrate writes v2.3 itself); the Xing/Info header makes
            # duration and seeking exact; bitexact keeps version strings out for reproducible files.
            "-id3v2_version", "0", "-write_id3v1", "0", "-write_xing", "1",
            "-fflags", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1",
            "-f", "mp3", file_arg(mp3)]


def _start_encoder(input_args: list[str], stdin, gain_db: float, ceiling_db: float, sample_rate: int,
                   mp3: Path, bitrate: int, stderr) -> tuple:
    """Limiter and MP3 encoder as two piped ffmpeg processes, so they run on two cores at once.

    One ffmpeg would run them one after the other; split, an encode takes about 30% less time,
    which is what a rebuild from cached speech waits for. Float samples pass between them, so the
    split changes no sample.
    """
    import subprocess

    from narrate.audio.ffmpeg import ffmpeg_exe

    quiet = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error"]
    limiter = subprocess.Popen([*quiet, *input_args, "-af", _chain(gain_db, ceiling_db, sample_rate),
                                "-f", "f32le", "-ac", "1", "pipe:1"],
                               stdin=stdin, stdout=subprocess.PIPE, stderr=stderr)
    lame = subprocess.Popen([*quiet, "-nostdin", "-y", "-f", "f32le", "-ar", str(OUTPUT_RATE), "-ac", "1",
                             "-i", "pipe:0", *_output_args(mp3, bitrate)],
                            stdin=limiter.stdout, stdout=subprocess.DEVNULL, stderr=stderr)
    limiter.stdout.close()  # the encoder holds the pipe now; the limiter sees it close if the encoder dies
    return limiter, lame


def _encode_once(raw: Path, sample_rate: int, mp3: Path, gain_db: float, ceiling_db: float, bitrate: int) -> None:
    import subprocess

    try:
        processes = _start_encoder(["-nostdin", *_raw_input(raw, sample_rate)], subprocess.DEVNULL, gain_db,
                                   ceiling_db, sample_rate, mp3, bitrate, subprocess.PIPE)
    except OSError as exc:
        raise AudioToolError(f"encoding MP3: cannot run ffmpeg ({exc})") from None
    for process in processes:
        errors = process.stderr.read().decode("utf-8", "replace")
        if process.wait() != 0:
            lines = [line for line in errors.splitlines() if line.strip()]
            raise AudioToolError(f"encoding MP3: {lines[-1] if lines else f'exit status {process.returncode}'}")


class StreamingEncoder:
    """ffmpeg encoding PCM as it is fed, while speech is still being synthesised.

    Used when the gain is known in advance (a voice's hint): the encoder's work then overlaps the
    engine's instead of following it. The output is a file, so the Xing header is still written.
    A writer thread feeds ffmpeg from a bounded queue, so handing over audio never stalls synthesis
    (unless the encoder falls more than QUEUE_CHUNKS clips behind, which bounds the memory used).
    """

    QUEUE_CHUNKS = 256

    def __init__(self, sample_rate: int, mp3: Path, gain_db: float, ceiling_db: float, bitrate: int):
        import queue
        import subprocess
        import threading

        self.mp3, self.gain, self.ceiling = mp3, gain_db, ceiling_db
        self.processes = _start_encoder(["-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0"],
                                        subprocess.PIPE, gain_db, ceiling_db, sample_rate, mp3, bitrate,
                                        subprocess.DEVNULL)
        self.stdin = self.processes[0].stdin
        self.broken = False
        self.queue: queue.Queue[bytes | None] = queue.Queue(self.QUEUE_CHUNKS)
        self.writer = threading.Thread(target=self._write, daemon=True)
        self.writer.start()

    def _write(self) -> None:
        while (data := self.queue.get()) is not None:
            if self.broken:
                continue
            try:
                self.stdin.write(data)
            except (BrokenPipeError, OSError):
                self.broken = True  # reported by finish(); the PCM file still gets everything

    def feed(self, data: bytes) -> None:
        if data:
            self.queue.put(data)

    def finish(self) -> bool:
        """Close the input and wait; True when ffmpeg wrote the MP3."""
        self.queue.put(None)
        self.writer.join()
        try:
            self.stdin.close()
        except OSError:
            self.broken = True
        codes = [process.wait() for process in self.processes]
        return codes == [0, 0] and not self.broken

    def abandon(self) -> None:
        for process in self.processes:
            process.kill()
            process.wait()
        self.broken = True
        self.queue.put(None)
        self.writer.join(timeout=5)


def hinted_gain(whole_lufs: float, options: AudioOptions, hint: dict) -> tuple[float, float]:
    """Gain and limiter ceiling from what worked last time for this voice."""
    ceiling = min(options.true_peak - FIRST_MARGIN_DB, float(hint.get("ceiling", options.true_peak - FIRST_MARGIN_DB)))
    return options.loudness - whole_lufs + float(hint["cost"]), ceiling


def check_streamed(raw: Path, sample_rate: int, encoder: StreamingEncoder, options: AudioOptions
                   ) -> tuple[Loudness | None, Loudness | None, dict | None]:
    """Judge a streamed MP3: (its loudness if it meets the target as well as a second encode would,
    the source's loudness, and what to try next for this voice). Nones when the encoder failed."""
    if not encoder.finish():
        return None, None, None
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:  # two ffmpeg processes, one per core
        checking = pool.submit(measure_loudness, ["-i", file_arg(encoder.mp3)])
        source = pool.submit(measure_loudness, _raw_input(raw, sample_rate), peak=None)
        result, whole = checking.result(), source.result()
    cost = encoder.gain - (options.loudness - whole.integrated_lufs)
    learnt = {"cost": round(cost, 3), "ceiling": round(encoder.ceiling, 3), "typical_lufs": whole.integrated_lufs}
    if result.true_peak_dbtp > options.true_peak or abs(result.integrated_lufs - options.loudness) > LOUDNESS_TOLERANCE_LU:
        # The miss says how far off the guess was: the next encode starts corrected, not from scratch.
        excess = max(0.0, result.true_peak_dbtp - options.true_peak + 0.2)
        return None, whole, {**learnt, "cost": round(cost + options.loudness - result.integrated_lufs + excess / 2, 3),
                             "ceiling": round(encoder.ceiling - excess, 3)}
    return result, whole, learnt


def _secant(tried: list[tuple[float, float]], target: float) -> float:
    """The next gain to try, from (gain, loudness) pairs: loudness grows slower than gain once limited."""
    gain, measured = tried[-1]
    if len(tried) >= 2:
        previous_gain, previous_measured = tried[-2]
        slope = (measured - previous_measured) / (gain - previous_gain) if gain != previous_gain else 0.0
        if 0.1 <= slope <= 1.5:
            return gain + (target - measured) / slope
    return gain + (target - measured)


def _calibrated_gain(raw: Path, sample_rate: int, whole: Loudness, target: float, ceiling: float) -> float:
    """Find the gain that reaches `target` after limiting, on an excerpt (cheap) instead of the episode.

    The limiter's loudness cost depends on the voice, not on where in the episode we are, so the
    cost learnt on a representative stretch carries over to the whole.
    """
    duration = raw.stat().st_size / 2 / sample_rate
    length = min(EXCERPT_SECONDS, duration)
    excerpt = _raw_input(raw, sample_rate, start=max(0.0, (duration - length) / 2), length=length)
    excerpt_source = measure_loudness(excerpt, peak=None)
    gain = target - whole.integrated_lufs
    tried: list[tuple[float, float]] = []
    for _ in range(CALIBRATION_STEPS):
        limited = measure_loudness(excerpt, peak=None, before=_chain(gain, ceiling, sample_rate))
        cost = (excerpt_source.integrated_lufs + gain) - limited.integrated_lufs
        predicted = whole.integrated_lufs + gain - cost
        if abs(predicted - target) < 0.1:
            break
        tried.append((gain, predicted))
        gain = _secant(tried, target)
    return gain


def encode(raw: Path, sample_rate: int, mp3: Path, options: AudioOptions,
           hint: dict | None = None, whole: Loudness | None = None) -> tuple[Loudness, dict]:
    """Encode `raw` PCM to a CBR MP3 at the target loudness under the true-peak ceiling.

    `hint` is what worked last time for this voice: the gain beyond the plain loudness difference
    that the limiter and encoder cost ("cost"), and the limiter ceiling ("ceiling"). Starting there
    skips calibration. `whole` is the source's loudness when it is already known. Returns the MP3's
    measured loudness and what worked this time, the next hint.
    """
    whole = whole or measure_loudness(_raw_input(raw, sample_rate), peak=None)
    if whole.integrated_lufs == float("-inf") or whole.integrated_lufs < -70:
        raise AudioToolError("loudness: the narration is silent; check the voice")
    ceiling = options.true_peak - FIRST_MARGIN_DB
    if hint:  # what worked for this voice last time; the check of the MP3 below confirms it
        gain, ceiling = hinted_gain(whole.integrated_lufs, options, hint)
    else:
        gain = _calibrated_gain(raw, sample_rate, whole, options.loudness + ENCODER_LOSS_LU, ceiling)
    tried: list[tuple[float, float]] = []
    best: tuple[float, Loudness, float, Path, float] | None = None  # (miss, loudness, gain, file, ceiling)
    for attempt in range(MAX_ATTEMPTS):
        candidate = mp3.with_name(f"{mp3.stem}.try{attempt}.mp3")
        _encode_once(raw, sample_rate, candidate, gain, ceiling, options.bitrate)
        result = measure_loudness(["-i", file_arg(candidate)])
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
    chosen.replace(mp3)
    return loudness, {"cost": round(gain - (options.loudness - whole.integrated_lufs), 3),
                      "ceiling": round(used_ceiling, 3), "typical_lufs": whole.integrated_lufs}
