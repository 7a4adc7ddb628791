"""Pace from syllable nuclei: the counter on made-up signals, the robust figure, one real voice."""

from __future__ import annotations

import subprocess

import numpy as np
from conftest import require

from rehearse import pace
from rehearse.audio import SAMPLE_RATE_HZ, FileSource
from rehearse.pace import SyllableTrack, count_nuclei, features_of, robust_wpm, syllables_in_word
from rehearse.scoring import hear, score_heard
from rehearse.speech import PocketSphinxEngine
from rehearse.transcript import Word

RATE = SAMPLE_RATE_HZ


def vowel(seconds: float, f0_hz: float = 140.0) -> np.ndarray:
    """A voiced vowel-like tone: harmonics of f0 shaped by two formants, with a smooth swell."""
    t = np.arange(int(seconds * RATE)) / RATE
    x = np.zeros_like(t)
    for k in range(1, int(3500 / f0_hz)):
        f = k * f0_hz
        gain = np.exp(-((f - 700) / 250) ** 2) + 0.6 * np.exp(-((f - 1200) / 300) ** 2) + 0.05
        x += gain * np.sin(2 * np.pi * f * t)
    return (x / np.max(np.abs(x)) * np.hanning(len(t)) * 0.3).astype(np.float32)


def bursts(n: int, on_s: float = 0.14, off_s: float = 0.09, noise: float = 0.002, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    gap = np.zeros(int(off_s * RATE), dtype=np.float32)
    pieces = [np.zeros(int(0.5 * RATE), dtype=np.float32)]
    for k in range(n):
        pieces += [vowel(on_s, 110.0 + 8 * (k % 5)), gap]
    pieces.append(np.zeros(int(0.5 * RATE), dtype=np.float32))
    x = np.concatenate(pieces)
    return x + noise * rng.standard_normal(len(x)).astype(np.float32)


def test_counts_each_voiced_burst_once():
    for n, on_s, off_s in ((7, 0.14, 0.09), (12, 0.10, 0.06), (20, 0.20, 0.15)):
        x = bursts(n, on_s, off_s)
        assert len(count_nuclei(features_of(x))) == n, (n, on_s, off_s)


def test_nuclei_fall_inside_the_bursts():
    x = bursts(5, 0.14, 0.09)
    times = count_nuclei(features_of(x))
    starts = 0.5 + np.arange(5) * 0.23
    assert np.all((times > starts) & (times < starts + 0.14 + 0.03))


def test_unvoiced_noise_bursts_are_not_syllables():
    rng = np.random.default_rng(3)
    quiet = np.zeros(int(0.1 * RATE), dtype=np.float32)
    hiss = [np.concatenate([quiet, 0.2 * np.hanning(2400) * rng.standard_normal(2400)]) for _ in range(10)]
    x = np.concatenate(hiss + [quiet]).astype(np.float32)
    assert len(count_nuclei(features_of(x))) == 0
    mixed = np.concatenate([x, bursts(4)])
    assert len(count_nuclei(features_of(mixed))) == 4


def test_streaming_in_odd_blocks_gives_the_same_features():
    x = bursts(6)
    track = SyllableTrack()
    got = []
    for k in range(0, len(x), 777):
        got.append(track.add(x[k : k + 777]))
    assert np.allclose(np.concatenate(got), features_of(x), atol=1e-3)
    assert len(track.features) == len(x) // 160


def test_only_the_span_asked_for_is_counted():
    x = bursts(10, 0.14, 0.09)
    feats = features_of(x)
    assert len(count_nuclei(feats, 0.5, 0.5 + 5 * 0.23)) == 5


def test_orthographic_syllables():
    cases = {"the": 1, "table": 2, "walked": 1, "wanted": 2, "customer": 3, "make": 1, "makes": 1,
             "boxes": 2, "reduced": 2, "every": 3, "automatically": 6, "i": 1, "": 0}
    assert {w: syllables_in_word(w) for w in cases} == cases


def timed_words(n: int, seconds: float, length_s: float = 0.3) -> list[Word]:
    step = seconds / n
    return [Word("word", k * step, k * step + length_s) for k in range(n)]


def test_short_inserted_words_do_not_count():
    words = timed_words(150, 60.0)
    inserted = [Word("a", 0.05 + k * 3.0, 0.09 + k * 3.0) for k in range(20)]
    wpm, details = robust_wpm(sorted(words + inserted, key=lambda w: w.start), 60.0, None)
    assert wpm == 150.0 and details.words_wpm == 150.0 and details.dropped_words == 20
    assert details.method == "words"


def test_agreeing_estimates_are_averaged_and_a_disagreeing_one_is_set_aside():
    per_word = pace.NUCLEI_PER_SYLLABLE * pace.syllables_per_word(timed_words(150, 60.0))
    nuclei = round(150 * per_word)  # the audio holds 150 words' worth of syllables
    close, agreeing = robust_wpm(timed_words(156, 60.0), 60.0, nuclei)
    assert agreeing.method == "mean" and 151.0 < close < 155.0
    far, disagreeing = robust_wpm(timed_words(190, 60.0), 60.0, nuclei)
    assert disagreeing.method == "words" and far == 190.0
    assert disagreeing.to_json() == {"wpm": 190.0, "words_wpm": 190.0,
                                     "syllables_per_min": disagreeing.syllables_per_min, "method": "words"}
    assert abs(disagreeing.syllables_per_min - nuclei) < 0.1
    alone, only = robust_wpm([], 60.0, nuclei)
    assert only.method == "syllables" and abs(alone - 150.0 * per_word / (pace.NUCLEI_PER_SYLLABLE * 1.4)) < 1.0


def test_long_words_need_more_syllables_per_word():
    short = [Word(w, k, k + 0.3) for k, w in enumerate(["i", "told", "them"] * 20)]
    long = [Word(w, k, k + 0.3) for k, w in enumerate(["infrastructure", "reconciliation", "team"] * 20)]
    assert pace.syllables_per_word(short) < 1.2
    assert pace.syllables_per_word(long) > 2.5
    assert pace.syllables_per_word([]) == pace.SYLLABLES_PER_WORD


def test_no_answer_has_no_pace():
    assert robust_wpm([], 0.0, 0)[0] is None
    assert robust_wpm([], 30.0, None)[0] is None


ANSWER = ("Our support queue had grown to nine hundred open tickets, and two large customers were ready "
          "to leave. I read every ticket from the past fortnight myself, wrote short answers for the "
          "twenty most common questions, and put them at the top of the help page. Six weeks later the "
          "queue was under one hundred and both customers renewed.")


def test_a_real_voice_within_ten_percent(tmp_path):
    raw = tmp_path / "raw.wav"
    subprocess.run([require("flite"), "-voice", "slt", "--setf", "duration_stretch=1.3", "-t", ANSWER,
                    "-o", str(raw)], check=True)
    engine = PocketSphinxEngine()
    source = FileSource(raw)
    score = score_heard(hear(source, engine), engine, source.duration_s)
    truth = len(ANSWER.split()) / score.answer.length * 60.0
    assert score.pace is not None and score.pace.syllables_per_min
    assert abs(score.analysis.wpm / truth - 1.0) <= 0.10, (score.analysis.wpm, truth, score.pace)
    assert score.to_json()["wpm"] == score.analysis.wpm
    assert score.to_json()["pace"]["words_wpm"] == score.pace.words_wpm
