"""Where the voice is: frame levels and voiced spans, computed as the audio streams by.

A 10 ms frame is voiced when it stands well above the recording's own noise floor (its quiet
percentile) and within reach of its loudest frames. Short gaps inside a word are bridged and
lone clicks dropped, so the first and last voiced frames mark where the answer starts and ends.
"""

from __future__ import annotations

import numpy as np

from rehearse.audio import SAMPLE_RATE_HZ
from rehearse.transcript import Span

FRAME_S = 0.01
FLOOR_PERCENTILE = 10
ABOVE_FLOOR_DB = 12.0
BELOW_PEAK_DB = 45.0
ABSOLUTE_MIN_DB = -65.0
SILENT_DB = -120.0
BRIDGE_GAP_S = 0.15
MIN_SPAN_S = 0.08


class LevelTrack:
    """Collects the level (dBFS) of every 10 ms frame of a 16 kHz stream."""

    def __init__(self, rate_hz: int = SAMPLE_RATE_HZ):
        self.frame_len = int(rate_hz * FRAME_S)
        self._rest = np.zeros(0, dtype=np.float32)
        self._levels: list[np.ndarray] = []

    def add(self, block: np.ndarray) -> np.ndarray:
        """Take a block; return the levels of the whole frames it completed."""
        data = np.concatenate([self._rest, block]) if len(self._rest) else block
        n = len(data) // self.frame_len
        self._rest = data[n * self.frame_len :].copy()
        if n == 0:
            return np.zeros(0, dtype=np.float32)
        frames = data[: n * self.frame_len].reshape(n, self.frame_len).astype(np.float64)
        rms = np.sqrt(np.mean(frames * frames, axis=1))
        levels = (20.0 * np.log10(np.maximum(rms, 1e-6))).astype(np.float32)
        levels = np.maximum(levels, SILENT_DB).astype(np.float32)
        self._levels.append(levels)
        return levels

    @property
    def levels(self) -> np.ndarray:
        if not self._levels:
            return np.zeros(0, dtype=np.float32)
        if len(self._levels) > 1:
            self._levels = [np.concatenate(self._levels)]
        return self._levels[0]


def threshold_db(levels: np.ndarray) -> float:
    """The level above which a frame counts as voice, from the recording's floor and peak."""
    if len(levels) == 0:
        return 0.0
    floor = float(np.percentile(levels, FLOOR_PERCENTILE))
    peak = float(np.percentile(levels, 99.5))
    return max(floor + ABOVE_FLOOR_DB, peak - BELOW_PEAK_DB, ABSOLUTE_MIN_DB)


def voiced_spans(levels: np.ndarray, frame_s: float = FRAME_S) -> list[Span]:
    """The voiced stretches of a track of frame levels, gaps bridged and clicks dropped."""
    if len(levels) == 0:
        return []
    voiced = levels > threshold_db(levels)
    if not voiced.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], voiced.astype(np.int8), [0]])))
    runs = list(zip(edges[::2], edges[1::2]))
    merged: list[list[int]] = []
    for start, end in runs:
        if merged and (start - merged[-1][1]) * frame_s <= BRIDGE_GAP_S:
            merged[-1][1] = end
        else:
            merged.append([int(start), int(end)])
    return [
        Span(start * frame_s, end * frame_s)
        for start, end in merged
        if (end - start) * frame_s >= MIN_SPAN_S
    ]
