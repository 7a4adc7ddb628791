"""How fast an answer was spoken, from the recognizer's words and from the audio's own syllables.

A recognizer's word count is a shaky measure of pace: PocketSphinx inserts short words on breath
and noise and drops others, so its words a minute run several per cent high or low. The audio
itself says how many syllables were spoken: each syllable has a vowel at its core, a peak of
voiced energy in the vowel band (de Jong & Wempe's syllable nuclei). Counting those peaks gives a
syllable rate that no recognizer error touches, and the words a minute follow from the syllables
per word of what was said.

`SyllableTrack` is fed the audio block by block as it streams (two numbers per 10 ms frame: the
vowel-band level and the voicing strength), `count_nuclei()` counts the peaks of a finished
track, and `robust_wpm()` weighs the two estimates. All pure apart from the extractor's state.

A listening loop feeds `SyllableTrack.add(block)` with exactly the blocks it gives the level
track, so feature row k lines up with level frame k, and hands `.features` to
`scoring.Heard(syllable_features=...)`; cutting an answer out of a longer recording cuts the rows
like the levels, `features[int(start / FRAME_S) : int(end / FRAME_S)]`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rehearse.audio import SAMPLE_RATE_HZ
from rehearse.transcript import Word

FRAME_S = 0.01  # one feature row per 10 ms, aligned with the level track's frames
WINDOW_S = 0.032  # long enough for two periods of a 65 Hz voice
BAND_LOW_HZ = 300.0  # vowels carry their first two formants here; fricatives and hum do not
BAND_HIGH_HZ = 2500.0
PITCH_MIN_HZ = 75.0
PITCH_MAX_HZ = 400.0
SILENT_DB = -120.0

# counting (see benchmarks/pace.py for how these were chosen)
SMOOTH_S = 0.05  # the envelope is smoothed over about a quarter of a syllable
FLOOR_PERCENTILE = 10
ABOVE_FLOOR_DB = 10.0  # a nucleus stands this far above the recording's quiet level ...
BELOW_PEAK_DB = 20.0  # ... and within this of its loudest vowels
MIN_DIP_DB = 2.0  # two peaks are two syllables only when the level dips this much between them
MIN_GAP_S = 0.07  # no one speaks more than about 14 syllables a second
VOICING_MIN = 0.55  # normalized autocorrelation at the pitch period: a vowel is voiced

# words and syllables
NUCLEI_PER_SYLLABLE = 1.01  # nuclei counted per spelled syllable: benchmarks/pace.py fits 1.00-1.03
SYLLABLES_PER_WORD = 1.4  # spelled, plain spoken English (1.24-1.44 on the benchmark's answers); a prior
PRIOR_WORDS = 20  # the prior weighs as much as this many recognized words
MIN_WORD_S = 0.06  # recognizer words shorter than this are mostly insertions on noise
AGREE_SHARE = 0.10  # within this, the recognizer's count and the syllables agree


class SyllableTrack:
    """Per-10-ms features for counting syllables, computed block by block as audio streams.

    Each row is (vowel-band level in dB, voicing strength 0-1) of the 32 ms window that ends at
    that frame's end, so row k lines up with level frame k of `LevelTrack`.
    """

    def __init__(self, rate_hz: int = SAMPLE_RATE_HZ):
        self.hop = round(rate_hz * FRAME_S)
        self.win = round(rate_hz * WINDOW_S)
        self.nfft = 1 << (2 * self.win - 1).bit_length()  # room for the autocorrelation
        self._buf = np.zeros(self.win - self.hop, dtype=np.float32)
        self._window = np.hanning(self.win).astype(np.float32)
        freqs = np.fft.rfftfreq(self.nfft, 1.0 / rate_hz)
        self._band = (freqs >= BAND_LOW_HZ) & (freqs <= BAND_HIGH_HZ)
        self._lags = slice(int(rate_hz / PITCH_MAX_HZ), int(rate_hz / PITCH_MIN_HZ) + 1)
        w_ac = np.fft.irfft(np.abs(np.fft.rfft(self._window, self.nfft)) ** 2, self.nfft)[: self.win]
        self._window_ac = (w_ac / w_ac[0])[self._lags]
        self._rows: list[np.ndarray] = []

    def add(self, block: np.ndarray) -> np.ndarray:
        """Take a block of samples; return the feature rows of the frames it completed."""
        data = np.concatenate([self._buf, np.asarray(block, dtype=np.float32)])
        n = (len(data) - (self.win - self.hop)) // self.hop
        if n <= 0:
            self._buf = data
            return np.zeros((0, 2), dtype=np.float32)
        frames = np.lib.stride_tricks.sliding_window_view(data, self.win)[:: self.hop][:n]
        self._buf = data[n * self.hop :].copy()
        spectrum = np.fft.rfft(frames * self._window, self.nfft, axis=1)
        power = spectrum.real**2 + spectrum.imag**2
        band = power[:, self._band].sum(axis=1) * 2.0 / (self.nfft * np.sum(self._window**2))
        band_db = np.maximum(10.0 * np.log10(np.maximum(band, 1e-12)), SILENT_DB)
        ac = np.fft.irfft(power, self.nfft, axis=1)[:, : self.win]
        energy = ac[:, :1]
        with np.errstate(invalid="ignore", divide="ignore"):
            norm = np.where(energy > 1e-10, ac[:, self._lags] / energy, 0.0) / self._window_ac
        voicing = np.clip(np.nan_to_num(norm.max(axis=1)), 0.0, 1.0)
        rows = np.stack([band_db, voicing], axis=1).astype(np.float32)
        self._rows.append(rows)
        return rows

    @property
    def features(self) -> np.ndarray:
        """Every row so far, shape (frames, 2)."""
        if not self._rows:
            return np.zeros((0, 2), dtype=np.float32)
        if len(self._rows) > 1:
            self._rows = [np.concatenate(self._rows)]
        return self._rows[0]


def features_of(samples: np.ndarray, rate_hz: int = SAMPLE_RATE_HZ) -> np.ndarray:
    """The feature rows of a whole signal at once."""
    track = SyllableTrack(rate_hz)
    track.add(samples)
    return track.features


def _smooth(x: np.ndarray, frames: int) -> np.ndarray:
    if frames <= 1 or len(x) < 3:
        return x
    kernel = np.hanning(frames + 2)[1:-1]
    kernel /= kernel.sum()
    padded = np.pad(x, (frames, frames), mode="edge")
    return np.convolve(padded, kernel, mode="same")[frames:-frames]


def count_nuclei(
    features: np.ndarray,
    start_s: float | None = None,
    end_s: float | None = None,
    frame_s: float = FRAME_S,
) -> np.ndarray:
    """The times (s) of the syllable nuclei between start_s and end_s: peaks of the smoothed
    vowel-band level that stand clear of the floor, dip at least MIN_DIP_DB from their
    neighbours, lie MIN_GAP_S apart, and are voiced."""
    if len(features) == 0:
        return np.zeros(0)
    lo = 0 if start_s is None else max(int(start_s / frame_s), 0)
    hi = len(features) if end_s is None else min(int(np.ceil(end_s / frame_s)), len(features))
    if hi - lo < 3:
        return np.zeros(0)
    level = _smooth(features[lo:hi, 0].astype(np.float64), max(round(SMOOTH_S / frame_s), 1))
    voicing = features[lo:hi, 1]
    floor = float(np.percentile(level, FLOOR_PERCENTILE))
    peak = float(np.percentile(level, 99))
    threshold = max(floor + ABOVE_FLOOR_DB, peak - BELOW_PEAK_DB)
    rising = np.diff(level, prepend=level[0]) > 0
    falling = np.diff(level, append=level[-1]) <= 0
    candidates = np.flatnonzero(rising & falling & (level > threshold))
    min_gap = max(round(MIN_GAP_S / frame_s), 1)
    kept: list[int] = []
    for c in candidates:
        if kept:
            p = kept[-1]
            dip = float(level[p : c + 1].min())
            if c - p < min_gap or min(level[p], level[c]) - dip < MIN_DIP_DB:
                if level[c] > level[p]:
                    kept[-1] = c  # one syllable: keep its higher peak
                continue
        kept.append(int(c))
    voiced = [c for c in kept if voicing[max(c - 2, 0) : c + 3].max() >= VOICING_MIN]
    return (np.asarray(voiced, dtype=np.float64) + lo + 0.5) * frame_s


_VOWELS = re.compile(r"[aeiouy]+")


def syllables_in_word(word: str) -> int:
    """Syllables in an English word by spelling: vowel groups, less a silent final e (not
    "-le"), less "-ed" after anything but t or d; at least one."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    n = len(_VOWELS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and n > 1 or w.endswith("ed") and len(w) > 3 and w[-3] not in "td" and w[-3] not in "aeiouy" and n > 1:
        n -= 1
    elif w.endswith("es") and len(w) > 3 and w[-3] not in "sxzhcg" and w[-3] not in "aeiouy" and n > 1:
        n -= 1  # "makes", "lines": silent e before s
    return max(n, 1)


def syllables_per_word(words: list[Word], prior: float = SYLLABLES_PER_WORD) -> float:
    """Spelled syllables per word of what was recognized, drawn toward `prior` when words are few.

    A recognizer that mishears a word mostly puts one of similar length in its place, so its words
    tell how long this speaker's words are even when they are wrong; an answer full of
    "infrastructure" needs more syllables per word than one full of "I told them".
    """
    n = len(words)
    total = sum(syllables_in_word(w.word) for w in words)
    return (total + PRIOR_WORDS * prior) / (n + PRIOR_WORDS)


@dataclass
class Pace:
    """Words a minute, the robust figure and what it was built from."""

    wpm: float | None  # the figure to show
    words_wpm: float | None  # the recognizer's words (insertions dropped) a minute
    syllables_per_min: float | None  # syllable nuclei heard in the audio a minute
    method: str  # mean (both agreed) | words (they disagreed, or no syllables) | syllables (no words) | none
    syllables: int | None = None  # nuclei counted in the answer
    words: int = 0  # recognizer words counted
    dropped_words: int = 0  # words too short to be real
    syllables_per_word: float | None = None  # nuclei expected per word of this answer

    def to_json(self) -> dict:
        return {
            "wpm": self.wpm,
            "words_wpm": self.words_wpm,
            "syllables_per_min": self.syllables_per_min,
            "method": self.method,
        }


def robust_wpm(
    words: list[Word],
    answer_s: float | None,
    syllables: int | None,
    nuclei_per_syllable: float = NUCLEI_PER_SYLLABLE,
    agree_share: float = AGREE_SHARE,
) -> tuple[float | None, Pace]:
    """Words a minute from the recognizer's words checked against the audio's syllable count.

    Words shorter than MIN_WORD_S are dropped as likely insertions. The syllable estimate divides
    the nuclei a minute by the nuclei expected per word (the spelled syllables per recognized
    word times `nuclei_per_syllable`). When the two agree within `agree_share`, two independent
    measures are better than one and their mean is the figure (`mean`). When they disagree, one
    of them has failed, and on the benchmark the recognizer's count was the more often right
    (the syllables-to-words step needs the words' length, which a badly heard transcript gets
    wrong), so the word rate stands (`words`). With no words, the syllables alone (`syllables`).
    """
    spoken = [w for w in words if w.word not in ".!?;:,"]
    kept = [w for w in spoken if not (w.start >= 0 and w.end >= 0 and w.end - w.start < MIN_WORD_S)]
    dropped = len(spoken) - len(kept)
    if not answer_s or answer_s <= 0:
        return None, Pace(None, None, None, "none", syllables, len(kept), dropped)
    minutes = float(answer_s) / 60.0
    words_wpm = round(len(kept) / minutes, 1) if kept else None
    if syllables is None:
        method = "words" if kept else "none"
        return words_wpm, Pace(words_wpm, words_wpm, None, method, None, len(kept), dropped)
    syl_per_min = round(syllables / minutes, 1)
    per_word = nuclei_per_syllable * syllables_per_word(kept)
    syl_wpm = syl_per_min / per_word
    if not words_wpm:
        wpm, method = syl_wpm, "syllables"
    elif abs(words_wpm - syl_wpm) <= agree_share * syl_wpm:
        wpm, method = (words_wpm + syl_wpm) / 2.0, "mean"
    else:
        wpm, method = words_wpm, "words"
    wpm = round(float(wpm), 1)
    return wpm, Pace(wpm, words_wpm, syl_per_min, method, syllables, len(kept), dropped, round(per_word, 3))
