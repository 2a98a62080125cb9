"""One gain and a look-ahead true-peak limiter, applied in this process as samples stream by.

The limiter looks at the signal 4x oversampled (soxr), so peaks between samples count, and
works out for every sample the gain that keeps it under the ceiling. That gain is taken from
SMOOTH_SECONDS before a peak (the look-ahead), held for HOLD_SECONDS after it (speech peaks come in
bursts, one per pitch period), and smoothed over SMOOTH_SECONDS either side; since the smoothing
reaches no further than the look-ahead and the hold, the smoothed gain is never above what any
sample needs. The output is delayed by nothing: every sample keeps its
place, so chapter and transcript times stay exact.
"""

from __future__ import annotations

import numpy as np

SMOOTH_SECONDS = 0.005
HOLD_SECONDS = 0.04
OVERSAMPLING = 4


def sliding_min(values: np.ndarray, width: int) -> np.ndarray:
    """min(values[i:i + width]) for every i where the window fits (van Herk / Gil-Werman, O(n))."""
    count = len(values) - width + 1
    if count <= 0:
        return np.zeros(0, dtype=values.dtype)
    padded = np.concatenate((values, np.full((-len(values)) % width, np.inf, dtype=values.dtype)))
    blocks = padded.reshape(-1, width)
    prefix = np.minimum.accumulate(blocks, axis=1).ravel()
    suffix = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(suffix[:count], prefix[width - 1:width - 1 + count])


def box_mean(values: np.ndarray, width: int) -> np.ndarray:
    """Means of every `width` consecutive values (the windows that fit)."""
    sums = np.concatenate(([0.0], np.cumsum(values, dtype=np.float64)))
    return (sums[width:] - sums[:-width]) / width


class Limiter:
    """Feed float samples in any chunks to `process`; each call returns the samples it can finish."""

    def __init__(self, rate: int, gain_db: float, ceiling_db: float):
        import soxr

        self.gain = 10 ** (gain_db / 20)
        self.ceiling = 10 ** (ceiling_db / 20)
        self.smooth = 2 * max(1, round(SMOOTH_SECONDS * rate / 2))  # even: the two boxes stay centred
        self.hold = max(1, round(HOLD_SECONDS * rate))
        self.oversampler = soxr.ResampleStream(rate, OVERSAMPLING * rate, 1, dtype="float32", quality="HQ")
        self.samples = np.zeros(0, dtype=np.float32)  # input not yet returned, from sample `done`
        self.done = 0
        # The gain each sample needs, from sample `done - smooth - hold` on (1.0 before the start).
        self.needed = np.ones(self.smooth + self.hold, dtype=np.float32)
        self.oversampled = np.zeros(0, dtype=np.float32)
        self.last_peak = 0.0
        self.received = 0

    def _need(self, oversampled: np.ndarray) -> None:
        """The gain the samples need, from the peaks of their oversampled neighbourhood."""
        oversampled = np.concatenate((self.oversampled, oversampled))
        whole = len(oversampled) // OVERSAMPLING * OVERSAMPLING
        self.oversampled = oversampled[whole:]
        if not whole:
            return
        # Around sample n, the curve runs through oversampled points 4n-3 .. 4n+3.
        magnitude = np.abs(oversampled[:whole])
        after = magnitude[0::OVERSAMPLING]
        for phase in range(1, OVERSAMPLING):  # faster than max(axis=1) over rows of four
            after = np.maximum(after, magnitude[phase::OVERSAMPLING])
        around = np.maximum(after, np.concatenate(([self.last_peak], after[:-1])))
        self.last_peak = float(after[-1])
        with np.errstate(divide="ignore"):
            needed = np.minimum(1.0, self.ceiling / (self.gain * around)).astype(np.float32)
        self.needed = np.concatenate((self.needed, needed))

    def _release(self, until: int) -> np.ndarray:
        """Limited samples from `done` up to `until` (the gains they need are known that far ahead)."""
        count = until - self.done
        if count <= 0:
            return np.zeros(0, dtype=np.float32)
        reach = count + 3 * self.smooth + self.hold
        held = sliding_min(self.needed[:reach], self.hold + self.smooth + 1)
        smoothed = box_mean(box_mean(held, self.smooth + 1), self.smooth + 1)
        out = (self.samples[:count] * (self.gain * smoothed)).astype(np.float32)
        self.samples = self.samples[count:]
        self.needed = self.needed[count:]
        self.done = until
        return out

    def process(self, samples: np.ndarray) -> np.ndarray:
        samples = samples.astype(np.float32)
        self.samples = np.concatenate((self.samples, samples))
        self.received += len(samples)
        self._need(self.oversampler.resample_chunk(samples))
        known = self.done - self.smooth - self.hold + len(self.needed)
        return self._release(known - 2 * self.smooth)

    def finish(self) -> np.ndarray:
        """The last samples, taking the signal to be silent after them."""
        self._need(self.oversampler.resample_chunk(np.zeros(0, dtype=np.float32), last=True))
        self._need(np.zeros(OVERSAMPLING - len(self.oversampled) if len(self.oversampled) else 0, np.float32))
        known = self.done - self.smooth - self.hold + len(self.needed)
        pad = self.received + 2 * self.smooth - known
        if pad > 0:
            self.needed = np.concatenate((self.needed, np.ones(pad, dtype=np.float32)))
        return self._release(self.received)

