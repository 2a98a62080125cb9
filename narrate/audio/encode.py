"""Loudness-normalise and encode: one gain, a true-peak limiter, MP3 pieces joined, and the check.

The programme's loudness (ITU-R BS.1770) is measured in this process while it is assembled. It is
encoded in pieces (`pieces`), each limited and encoded once and metered as ffmpeg decodes it back,
so the finished MP3 is checked from its pieces' figures, without a second pass. If the check finds
the target missed (-16 ±0.4 LUFS aimed at, the -1 dBTP ceiling), the episode is encoded again from
what the miss taught; otherwise the pieces are joined into one file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from narrate.audio.lame import read_raw
from narrate.audio.loudness import pcm_floats
from narrate.config import AudioOptions
from narrate.errors import AudioToolError
from narrate.models import Loudness

FIRST_MARGIN_DB = 0.8
# Loudness the encoder takes away (its low-pass removes high frequencies that K-weighting favours).
ENCODER_LOSS_LU = 0.4
# The excerpt on which the limiter's loudness cost is learnt when nothing is known of the voice.
EXCERPT_SECONDS = 90
CALIBRATION_STEPS = 4
MAX_ATTEMPTS = 4
LOUDNESS_TOLERANCE_LU = 0.4
SPEC_TOLERANCE_LU = 1.0
KEEP_GAIN_LU = 0.2
PEAK_ATTEMPTS = 3  # a piece over the true-peak limit is encoded again alone, under a lower ceiling, this often
PEAK_MARGIN_DB = 0.2


def hinted_gain(whole_lufs: float, options: AudioOptions, hint: dict) -> tuple[float, float]:
    """Gain and limiter ceiling from what worked last time for this voice.

    The last build's own gain is kept while it would still land within KEEP_GAIN_LU of where the
    limiter's known cost puts this programme: an edit then changes only the pieces it touches,
    where a new gain, however slight, would change every piece.
    """
    ceiling = min(options.true_peak - FIRST_MARGIN_DB, float(hint.get("ceiling", options.true_peak - FIRST_MARGIN_DB)))
    gain = options.loudness - whole_lufs + float(hint["cost"])
    if "gain" in hint and abs(float(hint["gain"]) - gain) <= KEEP_GAIN_LU:
        return float(hint["gain"]), ceiling
    return gain, ceiling


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
    excerpt = pcm_floats(b"".join(read_raw(raw, (total - length) // 2, length)))
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


def _peaks_lowered(encoded: list, bounds: list[tuple[int, int]], raw: Path, sample_rate: int, gain: float,
                   ceiling: float, options: AudioOptions, cache) -> list:
    """The pieces whose true peak is over the limit encoded again alone, each under a ceiling lowered by its
    own overshoot. A peak belongs to one piece: lowering the whole programme's ceiling instead would
    encode every piece again, and an edit that lands one sentence a little hotter would cost a full
    encode. The loudness barely moves (the limiter touches a few peaks), and is checked after."""
    from narrate.audio.pieces import Pieces

    if len(encoded) != len(bounds):
        return encoded
    encoded, ceilings = list(encoded), [ceiling] * len(encoded)
    for attempt in range(PEAK_ATTEMPTS):
        over = [index for index, item in enumerate(encoded) if item.peak_dbtp > options.true_peak]
        if not over:
            break
        for index in over:  # the margin doubles: an encoder's overshoot does not always fall with the ceiling
            ceilings[index] -= encoded[index].peak_dbtp - options.true_peak + PEAK_MARGIN_DB * 2 ** attempt
            encoder = Pieces(raw, sample_rate, gain, ceilings[index], options.bitrate, cache)
            try:
                encoder.cut(*bounds[index])
                encoded[index] = encoder.finish()[0]
            except BaseException:
                encoder.abandon()
                raise
    return encoded


def encode(raw: Path, sample_rate: int, mp3: Path, options: AudioOptions, whole_lufs: float | None,
           hint: dict | None = None, streamed=None, bounds: list[tuple[int, int]] | None = None,
           cache=None) -> tuple[Loudness, dict, list[Path]]:
    """Encode `raw` PCM to a CBR MP3 at the target loudness under the true-peak ceiling.

    The programme is encoded in pieces (`bounds`, in samples; the whole of it when not given) kept in
    `cache` (a temporary one when not given), then joined. `whole_lufs` is the programme's loudness,
    measured as it was assembled (None with `streamed`, whose pieces measure it). `streamed` is a
    `pieces.Pieces` already fed the whole programme while it was synthesised (with a gain from
    `hint`); its MP3 is kept when it meets the target.
    `hint` is what worked last time for this voice: the gain beyond the plain loudness difference
    that the limiter and encoder cost ("cost"), the gain itself ("gain") and the limiter ceiling
    ("ceiling"); starting there skips calibration. Returns the MP3's measured loudness, what worked
    this time (the next hint) and the pieces' files in the cache.
    """
    import tempfile

    from narrate.audio.join import join
    from narrate.audio.pieces import Pieces, combined, source_loudness
    from narrate.cache import Cache

    first = streamed.finish() if streamed is not None else None
    if first is not None:
        whole_lufs = source_loudness(first)
    if whole_lufs < -70:
        raise AudioToolError("loudness: the narration is silent; check the voice")
    if streamed is not None:
        gain, ceiling = streamed.gain, streamed.ceiling
    elif hint:  # what worked for this voice last time; the check of the MP3 below confirms it
        gain, ceiling = hinted_gain(whole_lufs, options, hint)
    else:
        ceiling = options.true_peak - FIRST_MARGIN_DB
        gain = _calibrated_gain(raw, sample_rate, whole_lufs, options.loudness + ENCODER_LOSS_LU, ceiling)
    kept = bool(hint) and "gain" in hint and gain == float(hint["gain"])  # the last build's gain, kept
    bounds = bounds or [(0, raw.stat().st_size // 2)]
    with tempfile.TemporaryDirectory(prefix=".pieces-", dir=mp3.parent) as scratch:
        cache = cache or Cache(Path(scratch))
        tried: list[tuple[float, float]] = []
        best = None  # (miss, loudness, gain, pieces, ceiling)
        for attempt in range(MAX_ATTEMPTS):
            if attempt == 0 and first is not None:
                encoded = first
            else:
                encoder = Pieces(raw, sample_rate, gain, ceiling, options.bitrate, cache)
                try:
                    for start, length in bounds:
                        encoder.cut(start, length)
                    encoded = encoder.finish()
                except BaseException:
                    encoder.abandon()
                    raise
            encoded = _peaks_lowered(encoded, bounds, raw, sample_rate, gain, ceiling, options, cache)
            result = combined(encoded)
            miss = abs(result.integrated_lufs - options.loudness)
            peak_ok = result.true_peak_dbtp <= options.true_peak
            if peak_ok and (best is None or miss < best[0]):
                best = (miss, result, gain, encoded, ceiling)
            if peak_ok and miss <= LOUDNESS_TOLERANCE_LU + (KEEP_GAIN_LU if attempt == 0 and kept else 0.0):
                break  # a kept gain may land KEEP_GAIN_LU further off: that is what keeping it allows
            tried.append((gain, result.integrated_lufs))
            if not peak_ok:
                ceiling -= result.true_peak_dbtp - options.true_peak + PEAK_MARGIN_DB
                tried = tried[-1:]  # a new ceiling changes the curve: earlier points no longer apply
            gain = _secant(tried, options.loudness)
        # Aim for the target within 0.4 LU; accept the spec's 1 LU rather than fail after several tries.
        if best is None or best[0] > SPEC_TOLERANCE_LU:
            raise AudioToolError(
                f"loudness: could not reach {options.loudness} LUFS under {options.true_peak} dBTP "
                f"(got {result.integrated_lufs:.1f} LUFS, {result.true_peak_dbtp:.1f} dBTP)")
        _, loudness, gain, encoded, used_ceiling = best
        join([item.piece for item in encoded], mp3)
    return loudness, {"cost": round(gain - (options.loudness - whole_lufs), 3), "gain": gain,
                      "ceiling": used_ceiling, "typical_lufs": round(whole_lufs, 2)}, \
        [path for item in encoded for path in (item.piece.mp3, item.piece.mp3.with_suffix(".json"))]
