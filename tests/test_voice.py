"""Voiced spans from frame levels: where speech starts and ends, independent of any recognizer."""

from __future__ import annotations

import numpy as np
import pytest

from rehearse.turns import LevelTrack, voiced_spans

RATE = 16_000


def burst(seconds: float, amp: float = 0.3, hz: float = 220.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (amp * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def quiet(seconds: float, amp: float = 0.0005, seed: int = 0) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(int(seconds * RATE)) * amp).astype(np.float32)


def spans_of(x: np.ndarray, block: int = 1600):
    track = LevelTrack()
    for i in range(0, len(x), block):
        track.add(x[i : i + block])
    return voiced_spans(track.levels)


def test_finds_start_and_end_in_noise():
    spans = spans_of(np.concatenate([quiet(2.0), burst(1.5), quiet(0.6, seed=1), burst(1.0), quiet(3.0, seed=2)]))
    assert len(spans) == 2
    assert spans[0].start == pytest.approx(2.0, abs=0.02)
    assert spans[-1].end == pytest.approx(5.1, abs=0.02)


def test_bridges_short_gaps_and_drops_clicks():
    x = np.concatenate([quiet(1.0), burst(0.5), quiet(0.1, seed=3), burst(0.5), quiet(1.0, seed=4),
                        burst(0.03), quiet(1.0, seed=5)])
    spans = spans_of(x)
    assert len(spans) == 1
    assert spans[0].length == pytest.approx(1.1, abs=0.03)


def test_silence_has_no_spans():
    assert spans_of(np.zeros(RATE * 2, dtype=np.float32)) == []
    assert spans_of(quiet(2.0)) == []


def test_block_size_does_not_matter():
    x = np.concatenate([quiet(1.0), burst(0.7), quiet(1.0, seed=6)])
    assert spans_of(x, block=333) == spans_of(x, block=16000)
