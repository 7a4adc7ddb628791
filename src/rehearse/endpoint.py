"""When an answer is over: how much silence ends it now, read from what was said and how.

A fixed silence (`--silence`, 4 s) lets a speaker think mid-answer but makes the feedback wait
4 s after every answer. The smart endpoint keeps that wait while the answer is unfinished and
shortens it once the answer is complete:

- the transcript so far (`read_transcript`): the question kind's checks all pass (Challenge,
  Action and Result for a story), a closing phrase ("so that's how ...", "and that's it"),
  versus a dangling last word ("and", "so", "because", "the");
- the prosody of the last voiced second (`read_prosody`): pitch and energy falling, as at the
  end of a statement, versus level or rising, as before more to come;
- the speaker's habits (`habit_pause_s`): the long end of their own within-answer pauses.

`required_silence_s` combines them. An incomplete answer, or one whose last word dangles, always
requires the full `silence_s`; so a thinking pause before the result never ends an answer.
Pure functions and numpy only; `SmartEndpoint` caches its readings so the live loop pays for
them once per pause, not once per frame.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from rehearse.audio import SAMPLE_RATE_HZ
from rehearse.transcript import Word

PITCH_FRAME_S = 0.03
PITCH_MIN_HZ = 60.0
PITCH_MAX_HZ = 400.0
VOICED_MIN_CORR = 0.45  # normalized autocorrelation peak: below it a frame is noise or unvoiced
VOICED_BELOW_PEAK_DB = 30.0  # frames this far under the tail's loudest frame are not read for pitch

PROSODY_TAIL_S = 0.8  # the last stretch of voice whose pitch and energy are read
MIN_VOICED_FRAMES = 5
FALLING_ST_PER_S = -4.0  # pitch slope (semitones a second) under which the end falls
FALLING_DB_PER_S = -10.0  # energy slope under which the end fades

FLOOR_S = 0.9  # the least silence that ends an answer, however sure the cues
COMPLETE_WAIT_S = 1.8  # a complete answer with no other cue waits this long (before habits)
HABIT_MARGIN_S = 0.3
HABIT_PERCENTILE = 90
HABIT_MIN_PAUSE_S = 0.3  # shorter gaps are between words, not pauses

# How much each cue moves a complete answer from COMPLETE_WAIT_S toward FLOOR_S (sum capped at 1).
# Prosody weighs least: on flite voices a falling end was as common at a thinking pause as at the
# end of an answer (falling pitch 11 of 24 pause points, 7 of 24 answer ends; see the benchmark).
CLOSING_WEIGHT = 0.6
RESULT_LAST_WEIGHT = 0.45
FALLING_PITCH_WEIGHT = 0.2
FADING_ENERGY_WEIGHT = 0.1
RESULT_LAST_CLAUSES = 2  # the result "just landed" when one of the last clauses states it

# A last word after which more must come: conjunctions, articles, prepositions, subject pronouns,
# auxiliaries and fillers. "so that's how we did it" ends on "it"; "... and" does not end.
# Not "to", "for" or "you": a result's last number ("from nine seconds to two") is often heard as
# "to", and "four" as "for"; "thank you" ends answers.
DANGLING = frozenset("""
and so but because or then also plus the a an of with by from into about at in on as than
that which who whom whose where when while if although though until unless since after before
my our your their his her its we i they he she was were is are be been had has have did do
does will would could should can um uh er ah erm like
""".split())

CLOSING = re.compile(
    r"\b(that'?s|that is|this is|and that was|which is|that was) (basically |really |pretty much |kind of )?"
    r"(it|all|how|why|what|the story|the result|the outcome)\b"
    r"|\b(and|so) (yeah|that'?s it|that'?s all)\b"
    r"|\b(looking back|in hindsight|the lesson|i learned|i'?m (really )?proud|since then|to this day|ever since)\b"
    r"|\b(to sum up|in short|all in all|overall)\b"
)
CLOSING_LAST_WORDS = 12  # a closing phrase counts when it falls in the last words said
CLOSING_END_WORDS = 6  # ... and when in the last few, the last word no longer dangles
CLOSING_START = re.compile(r"\b(and|so) (yeah |yep )?that'?s\b")


# --- pitch ----------------------------------------------------------------------------------


def _frames(samples: np.ndarray, frame_len: int) -> np.ndarray:
    n = len(samples) // frame_len
    return samples[: n * frame_len].reshape(n, frame_len).astype(np.float64)


def pitch_track(samples: np.ndarray, rate_hz: int = SAMPLE_RATE_HZ, frame_s: float = PITCH_FRAME_S) -> np.ndarray:
    """The pitch (Hz) of each `frame_s` frame by autocorrelation, 0 where a frame is unvoiced.

    Each frame's autocorrelation (through the FFT, so a second of audio costs well under a
    millisecond) is normalized by its energy; the highest peak between 1/400 s and 1/60 s of lag
    is the period when it reaches VOICED_MIN_CORR. The biased estimate (no correction for the
    shrinking overlap) favours the shorter lag, which keeps octave-down errors rare.
    """
    frame_len = int(rate_hz * frame_s)
    frames = _frames(np.asarray(samples, dtype=np.float64), frame_len)
    if len(frames) == 0:
        return np.zeros(0)
    frames = frames - frames.mean(axis=1, keepdims=True)
    spec = np.fft.rfft(frames, n=2 * frame_len, axis=1)
    ac = np.fft.irfft(spec * np.conj(spec), axis=1)[:, :frame_len]
    energy = ac[:, 0]
    lo = max(2, int(rate_hz / PITCH_MAX_HZ))
    hi = min(frame_len - 2, int(rate_hz / PITCH_MIN_HZ))
    band = ac[:, lo : hi + 1]
    k = np.argmax(band, axis=1)
    peak = band[np.arange(len(frames)), k]
    corr = np.where(energy > 0, peak / np.maximum(energy, 1e-12), 0.0)
    # parabolic interpolation around the peak for a lag finer than one sample
    lag = (k + lo).astype(np.float64)
    inner = (k > 0) & (k < band.shape[1] - 1)
    idx = np.flatnonzero(inner)
    if len(idx):
        a = band[idx, k[idx] - 1]
        b = band[idx, k[idx]]
        c = band[idx, k[idx] + 1]
        den = a - 2 * b + c
        shift = np.where(np.abs(den) > 1e-12, 0.5 * (a - c) / np.where(den == 0, 1, den), 0.0)
        lag[idx] += np.clip(shift, -0.5, 0.5)
    level = 10 * np.log10(np.maximum(energy / frame_len, 1e-12))
    voiced = (corr >= VOICED_MIN_CORR) & (level > level.max() - VOICED_BELOW_PEAK_DB)
    return np.where(voiced, rate_hz / lag, 0.0)


# --- prosody --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prosody:
    """How the last stretch of voice moved: pitch and energy slopes over its voiced frames."""

    pitch_slope_st_per_s: float | None  # None when too few frames were voiced to tell
    energy_slope_db_per_s: float | None
    voiced_frames: int

    @property
    def falling_pitch(self) -> bool:
        return self.pitch_slope_st_per_s is not None and self.pitch_slope_st_per_s <= FALLING_ST_PER_S

    @property
    def fading_energy(self) -> bool:
        return self.energy_slope_db_per_s is not None and self.energy_slope_db_per_s <= FALLING_DB_PER_S


def _slope(t: np.ndarray, y: np.ndarray) -> float:
    t = t - t.mean()
    den = float(np.dot(t, t))
    return float(np.dot(t, y - y.mean()) / den) if den > 0 else 0.0


def read_prosody(tail: np.ndarray, rate_hz: int = SAMPLE_RATE_HZ, tail_s: float = PROSODY_TAIL_S) -> Prosody:
    """Read the pitch and energy slopes of the last `tail_s` of voice in `tail` (audio that ends
    where the voice ended). Slopes are fitted over voiced frames only, pitch in semitones."""
    frame_len = int(rate_hz * PITCH_FRAME_S)
    tail = np.asarray(tail)[-int(tail_s * rate_hz) // frame_len * frame_len :] if len(tail) else tail
    pitch = pitch_track(tail, rate_hz)
    frames = _frames(np.asarray(tail, dtype=np.float64), frame_len)
    if len(frames) == 0:
        return Prosody(None, None, 0)
    level = 10 * np.log10(np.maximum(np.mean(frames * frames, axis=1), 1e-12))
    voiced = pitch > 0
    n = int(voiced.sum())
    if n < MIN_VOICED_FRAMES:
        return Prosody(None, None, n)
    t = np.flatnonzero(voiced) * PITCH_FRAME_S
    semitones = 12 * np.log2(pitch[voiced] / np.median(pitch[voiced]))
    # an octave jump is a tracking error, not intonation: clip each frame to within 7 semitones
    semitones = np.clip(semitones, -7.0, 7.0)
    return Prosody(round(_slope(t, semitones), 2), round(_slope(t, level[voiced]), 2), n)


# --- transcript -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TranscriptReading:
    """What the words so far say about the answer being over."""

    complete: bool  # the question kind's checks all pass
    result_last: bool  # one of the last clauses states the result (a story that has just landed)
    closing: bool  # a closing phrase among the last words
    dangling: bool  # the last word needs more after it
    last_word: str


def story_complete(words: Sequence[Word]) -> tuple[bool, bool]:
    """(Challenge, Action and Result all covered, one of the last two clauses tells the Result), read
    by the same C/A/R reader as the card."""
    from rehearse.analysis import COMPONENTS, read_car, split_clauses

    clauses = split_clauses(list(words))
    car = read_car(clauses)
    last = clauses[-RESULT_LAST_CLAUSES:]
    return all(car[k]["covered"] for k in COMPONENTS), any(c in last for c in car["result"]["evidence"])


def story_landed(words: Sequence[Word]) -> tuple[bool, bool]:
    """A lenient reading of a story: Action and Result covered (a Challenge the recognizer garbled
    does not hold the answer open). Not the default: "complete" is the card's own C, A and R."""
    from rehearse.analysis import read_car, split_clauses

    clauses = split_clauses(list(words))
    car = read_car(clauses)
    landed = car["result"]["covered"] and car["action"]["covered"]
    return landed, any(c in clauses[-RESULT_LAST_CLAUSES:] for c in car["result"]["evidence"])


def _checks_complete(rubric: str) -> Callable[[Sequence[Word]], tuple[bool, bool]]:
    """Completeness for a question judged by its own checks (objection, closing, motivation)."""

    def complete(words: Sequence[Word]) -> tuple[bool, bool]:
        from rehearse.analysis import analyze
        from rehearse.yardsticks import judge

        checks = {c.name: c.passed for c in judge(rubric, analyze(list(words))).checks}
        if rubric == "objection":  # an objection is answered by an example or by a plan
            return checks["acknowledged"] and (checks["example"] or checks["plan"]), False
        return all(checks.values()), False

    return complete


def completeness_for(kind: str, lenient: bool = False, rubric: str | None = None
                     ) -> Callable[[Sequence[Word]], tuple[bool, bool]]:
    """The completeness check of a question kind: its feedback's checks all passing (for a story,
    `lenient` asks only for the Action and the Result). `rubric` names the yardstick when the
    kind alone does not (a motivation question's)."""
    from rehearse.yardsticks import rubric_for

    rubric = rubric or rubric_for(kind)
    if rubric == "car":
        return story_landed if lenient else story_complete
    return _checks_complete(rubric)


def read_transcript(words: Sequence[Word], complete: Callable[[Sequence[Word]], tuple[bool, bool]] = story_complete
                    ) -> TranscriptReading:
    """Read the words so far: complete per the kind's checks, closing phrase, dangling last word."""
    spoken = [w.word.lower() for w in words if w.word and w.word not in ".!?;:,"]
    if not spoken:
        return TranscriptReading(False, False, False, False, "")
    done, result_last = complete(words)
    last = spoken[-1]
    closing = bool(CLOSING.search(" ".join(spoken[-CLOSING_LAST_WORDS:])))
    # "... that's what i'm proud of", or "and that's it" heard as "and that's a": a closing phrase
    # in the last few words outweighs a last word that would otherwise dangle
    closing_end = bool(CLOSING.search(" ".join(spoken[-CLOSING_END_WORDS:])) or CLOSING_START.search(
        " ".join(spoken[-CLOSING_END_WORDS:])))
    return TranscriptReading(done, result_last, closing, last in DANGLING and not closing_end, last)


# --- habits ---------------------------------------------------------------------------------


def within_answer_pauses(words: Sequence[Word], min_pause_s: float = HABIT_MIN_PAUSE_S) -> list[float]:
    """The pauses between consecutive timed words of one answer (the history the habits read)."""
    timed = [w for w in words if w.start >= 0 and w.end >= 0]
    gaps = [b.start - a.end for a, b in pairwise(timed)]
    return [round(g, 3) for g in gaps if g >= min_pause_s]


def habit_pause_s(pauses_s: Sequence[float], percentile: float = HABIT_PERCENTILE) -> float | None:
    """The long end (90th percentile) of a speaker's within-answer pauses, None with too few."""
    p = [x for x in pauses_s if x >= HABIT_MIN_PAUSE_S]
    if len(p) < 5:
        return None
    return float(np.percentile(p, percentile))


# --- the decision ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """How much silence ends the answer now, and why."""

    required_s: float
    reason: str  # incomplete | dangling | pending | complete
    confidence: float  # 0..1: how sure the cues are that the answer is over


def decide(reading: TranscriptReading | None, prosody: Prosody | None, silence_s: float,
           habit_s: float | None = None, floor_s: float = FLOOR_S) -> Decision:
    """Combine the cues into the silence that ends the answer now, between `floor_s` and `silence_s`.

    Not complete (or no words yet): `silence_s`. A dangling last word: `silence_s`. Complete:
    start from COMPLETE_WAIT_S (or the speaker's own long pause plus a margin, when longer) and
    move toward the floor for a closing phrase, a result in the last clause, falling pitch and
    fading energy.
    """
    floor_s = min(floor_s, silence_s)
    if reading is None:
        return Decision(silence_s, "pending", 0.0)
    if not reading.complete:
        return Decision(silence_s, "incomplete", 0.0)
    if reading.dangling:
        return Decision(silence_s, "dangling", 0.0)
    wait = COMPLETE_WAIT_S if habit_s is None else max(COMPLETE_WAIT_S, habit_s + HABIT_MARGIN_S)
    wait = min(max(wait, floor_s), silence_s)
    confidence = 0.0
    if reading.closing:
        confidence += CLOSING_WEIGHT
    if reading.result_last:
        confidence += RESULT_LAST_WEIGHT
    if prosody is not None:
        confidence += FALLING_PITCH_WEIGHT * prosody.falling_pitch + FADING_ENERGY_WEIGHT * prosody.fading_energy
    confidence = min(confidence, 1.0)
    return Decision(round(wait - confidence * (wait - floor_s), 3), "complete", round(confidence, 3))


def required_silence_s(words: Sequence[Word], tail: np.ndarray, silence_s: float,
                       pauses_s: Sequence[float] = (), kind: str = "behavioural",
                       rate_hz: int = SAMPLE_RATE_HZ, floor_s: float = FLOOR_S) -> float:
    """How much silence ends the answer now: the whole reading in one call (no caching)."""
    reading = read_transcript(words, completeness_for(kind)) if words else None
    if reading is not None and not reading.complete:
        return silence_s
    return decide(reading, read_prosody(tail, rate_hz), silence_s, habit_pause_s(pauses_s), floor_s).required_s


class SmartEndpoint:
    """The smart end of answer for `TurnDetector`: reads the words of a live decoding and the
    tail of the voice, caching each reading until the words or the pause change.

    `words_so_far` returns the words decoded so far; `pending` (optional) says whether the
    decoding still holds audio not yet turned into words (PocketSphinx between the last voice and
    its endpointer closing the utterance), during which the full silence is required.
    """

    def __init__(self, words_so_far: Callable[[], list[Word]], kind: str = "behavioural",
                 pauses_s: Sequence[float] = (), pending: Callable[[], bool] | None = None,
                 floor_s: float = FLOOR_S, rate_hz: int = SAMPLE_RATE_HZ, lenient: bool = False,
                 rubric: str | None = None):
        import rehearse.analysis  # noqa: F401  (imported now, not during the first pause)

        self.words_so_far = words_so_far
        self.pending = pending or (lambda: False)
        self.complete = completeness_for(kind, lenient, rubric)
        self.habit_s = habit_pause_s(pauses_s)
        self.floor_s = floor_s
        self.rate_hz = rate_hz
        self._words_key: tuple | None = None
        self._reading: TranscriptReading | None = None
        self._tail_key: float | None = None
        self._prosody: Prosody | None = None
        self.last: Decision | None = None

    @classmethod
    def for_decoding(cls, decoding, kind: str = "behavioural", pauses_s: Sequence[float] = (),
                     floor_s: float = FLOOR_S, lenient: bool = False, rubric: str | None = None) -> SmartEndpoint:
        """The endpoint reading a live decoding (`words_so_far()` and, when it has one, `pending`)."""
        pending = (lambda: decoding.pending) if hasattr(decoding, "pending") else None
        return cls(decoding.words_so_far, kind, pauses_s, pending, floor_s, lenient=lenient, rubric=rubric)

    @property
    def min_silence_s(self) -> float:
        """No silence shorter than this ever ends an answer: the detector need not ask before."""
        return self.floor_s

    def required_silence_s(self, tail: np.ndarray, voice_end_s: float, silence_s: float) -> float:
        """The silence that ends the answer now; `tail` is the audio up to `voice_end_s`."""
        if self.pending():
            self.last = Decision(silence_s, "pending", 0.0)
            return silence_s
        words = self.words_so_far()
        key = (len(words), words[-1] if words else None)
        if key != self._words_key:
            self._words_key = key
            self._reading = read_transcript(words, self.complete) if words else None
        if self._reading is not None and self._reading.complete and not self._reading.dangling:
            if voice_end_s != self._tail_key:  # prosody only matters once the words are complete
                self._tail_key, self._prosody = voice_end_s, read_prosody(tail, self.rate_hz)
            prosody = self._prosody
        else:
            prosody = None
        self.last = decide(self._reading, prosody, silence_s, self.habit_s, self.floor_s)
        return self.last.required_s
