"""Is the transcript good enough to judge Challenge / Action / Result? Pure functions.

A recognizer that cannot follow the audio still prints words: PocketSphinx turns a phone call or
a noisy room into fluent nonsense ("only one richmond from five although i'm a major theme"), and
the C/A/R verdicts built on it are then worth nothing. Two kinds of evidence are weighed:

- the recognizer's own: how sure it was of each word (`Word.conf`), how many words it found in
  each second of voice, and how much of the voice it left without any word;
- the recording's: how loud the voice is, how far it stands above the room's noise, and whether
  anything is left above 4 kHz (a phone line or a distant microphone keeps nothing there).

The recognizer's evidence decides whether the transcript is trusted; the recording's evidence
names the likely cause, so the advice is something a person can act on. Thresholds were set on
synthetic recordings under clean, noisy, mumbled, phone-band and reverberant conditions
(`benchmarks/reliability.py` prints them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rehearse.judge.vocabulary import (
    FUNCTION_WORDS,
    UNKNOWN_WORDS,
)
from rehearse.transcript import Span, Word

# --- the recognizer's evidence ---------------------------------------------------------------
LOW_CONF = 0.5  # a word below this is one the recognizer was unsure of
# Median word confidence and share of unsure words. PocketSphinx, measured: transcripts with a word
# error rate up to 0.36 had a median of 0.52-0.89 and 10-48 % unsure words; those above 0.6 had
# 0.03-0.37 and 62-95 %. Vosk's confidences are word posteriors, near 1 for words it heard well.
MIN_MEDIAN_CONF = {"pocketsphinx": 0.45, "vosk": 0.6}
MAX_LOW_CONF_SHARE = {"pocketsphinx": 0.55, "vosk": 0.4}
MIN_WORDS_PER_VOICED_S = 1.2  # fluent speech gives 2-3.5 words a second of voice
MIN_WORDS_TO_JUDGE = 15  # confidences of fewer words are too noisy to weigh (a clean 7-word flite clip had median 0.41)
MIN_VOICED_S = 2.0  # less voice than this: nothing to doubt
MAX_UNKNOWN_SHARE = 0.2  # Vosk's [unk]: a word outside its vocabulary

# --- the accurate pass's own evidence (Whisper), per answer over the stretches it decoded ---------------
# Fitted on benchmarks/reliability.py's recordings (`--accurate --refit`, leave-one-voice-out; so far 16
# labelled 14 s crops, 6 bad: every bad one flagged and every good one kept, held out and fitted alike).
WHISPER_MIN_LOGPROB = -0.575  # duration-weighted mean token log-probability of the stretches
WHISPER_MAX_COMPRESSION = 2.4  # a decode stuck in a loop (faster-whisper's own rule)
WHISPER_MAX_UNWORDED = 0.55  # share of the voiced time with no accurate word near it


def whisper_figures(words: list[Word], spans: list[Span] | None, stretches: list[dict]) -> dict:
    """Whisper's own measures over an answer: the stretches' duration-weighted log-probability, their largest
    no-speech probability and compression ratio, the mean word probability, and the share of voiced time
    with no word near it (what Whisper left out or dropped as noise)."""
    durations = [max(1e-3, s["end"] - s["start"]) for s in stretches]
    total = sum(durations)
    figures = {
        "avg_logprob": _r(sum(s["avg_logprob"] * d for s, d in zip(stretches, durations)) / total) if total else None,
        "no_speech_max": _r(max((s["no_speech_prob"] for s in stretches), default=0.0)) if stretches else None,
        "compression_max": _r(max((s["compression_ratio"] for s in stretches if s["words"]), default=0.0))
        if stretches else None,
        "mean_word_prob": _r(float(np.mean([w.conf for w in words if w.conf is not None])))
        if any(w.conf is not None for w in words) else None,
        "unworded_share": None,
    }
    if spans:
        voiced = sum(s.length for s in spans)
        near = 0.3
        covered = sum(s.length for s in spans if any(w.start < s.end + near and w.end > s.start - near for w in words))
        figures["unworded_share"] = _r(1.0 - covered / voiced) if voiced else None
    return figures


# --- the recording's evidence ------------------------------------------------------------------
QUIET_SPEECH_DB = -42.0  # median voiced level, dBFS; a near microphone gives -30 to -15
NOISY_SNR_DB = 24.0  # voice over the room's floor: 31-43 dB in the clean recordings measured, 18-20 at 20 dB noise
DROWNED_SNR_DB = 8.0  # voice hardly above the noise: no recognizer here follows it
# PocketSphinx lost the words in every recording measured with its voice under 15 dB above the
# floor (room noise at 10 dB, reverberation: word error rate 0.62-0.93) and kept most of them at
# 18-20 dB (0.08-0.58); some of those losses came with confident words, so this is a doubt of its own.
ENGINE_SNR_DB = {"pocketsphinx": 15.0}
# level above 4 kHz against the whole voice: -15 to -30 from a microphone, -70 on a phone line
BAND_LIMITED_DB = -40.0

INSTALL_HINT = "install the English Vosk model for better transcripts (`rehearse model install en-us-small`)"
REASONS = {
    "quiet": "the speech was too quiet for the recognizer: speak closer to the microphone or turn its level up",
    "noisy": "the room is noisy or echoing: the recognizer could not follow; try a quieter room or a headset",
    "band": "the recording sounds like a phone line or a distant microphone: speak closer to a good microphone",
    "unclear": "the recognizer could not follow the words (unclear, hurried or far-off speech): "
    "speak a little slower and closer to the microphone",
}


@dataclass(frozen=True)
class Reliability:
    """Whether C/A/R can be judged from this transcript, why not, and the figures behind it."""

    reliable: bool
    reason: str | None
    figures: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"reliable": self.reliable, "reason": self.reason, "figures": self.figures}


@dataclass(frozen=True)
class SignalFigures:
    """What the recording itself says: voice level, its distance from the noise, its bandwidth."""

    speech_db: float | None  # median level of the voiced frames, dBFS
    snr_db: float | None  # voiced median over the noise floor (10th percentile of all frames), dB
    high_band_db: float | None  # energy above 4 kHz against the whole, over the voiced frames, dB


def signal_figures(
    levels: np.ndarray | None,
    spans: list[Span] | None,
    high_levels: np.ndarray | None = None,
    words: list[Word] | None = None,
    frame_s: float = 0.01,
) -> SignalFigures:
    """Level, signal-to-noise and high-band share of a recording from its 10 ms frame levels.

    The voice is taken from the voiced spans; when the noise is so loud that no span stands out
    of it, from the stretches the recognizer put words on.
    """
    if levels is None or len(levels) == 0:
        return SignalFigures(None, None, None)
    stretches = spans or [Span(w.start, w.end) for w in words or []]
    voiced = np.zeros(len(levels), dtype=bool)
    for s in stretches:
        voiced[int(s.start / frame_s) : int(np.ceil(s.end / frame_s))] = True
    if not voiced.any():
        return SignalFigures(None, None, None)
    speech_db = float(np.median(levels[voiced]))
    floor_db = float(np.percentile(levels, 10))
    snr_db = speech_db - floor_db
    high_db = None
    if high_levels is not None and len(high_levels) >= len(levels) // 2:
        n = min(len(levels), len(high_levels))
        v = voiced[:n]
        total = np.sum(10.0 ** (levels[:n][v] / 10.0))
        high = np.sum(10.0 ** (high_levels[:n][v] / 10.0))
        high_db = float(10.0 * np.log10(max(high, 1e-12) / max(total, 1e-12)))
    return SignalFigures(speech_db, snr_db, high_db)


def judge(
    words: list[Word],
    levels: np.ndarray | None = None,
    spans: list[Span] | None = None,
    engine_name: str = "",
    high_levels: np.ndarray | None = None,
    signal: SignalFigures | None = None,
    stretches: list[dict] | None = None,
) -> Reliability:
    """Decide whether a transcript can be trusted for C/A/R, and if not, say why in plain words.

    `words` carry the recognizer's confidences (`Word.conf`, None when it gives none); `levels`
    and `high_levels` are the 10 ms frame levels (dBFS) of the whole recording and of its part
    above 4 kHz, `spans` its voiced stretches. Any of the audio evidence may be missing (a typed
    answer, a recording cut out of a longer one): the judgement then rests on what is there.
    `stretches` are the accurate pass's own measures per stretch it decoded ({start, end, avg_logprob,
    no_speech_prob, compression_ratio, words, kept}); with them, `engine_name` is the Whisper model's.
    """
    sig = signal or signal_figures(levels, spans, high_levels, words)
    voiced_s = sum(s.length for s in spans) if spans else None
    confs = [w.conf for w in words if w.conf is not None]
    figures = {
        "words": len(words),
        "voiced_s": _r(voiced_s),
        "words_per_voiced_s": _r(len(words) / voiced_s) if voiced_s else None,
        "median_conf": _r(float(np.median(confs))) if confs else None,
        "mean_conf": _r(float(np.mean(confs))) if confs else None,
        "unknown_share": _r(float(np.mean([w.word in UNKNOWN_WORDS for w in words]))) if words else None,
        "function_share": _r(float(np.mean([w.word in FUNCTION_WORDS for w in words]))) if words else None,
        "low_conf_share": _r(float(np.mean([c < LOW_CONF for c in confs]))) if confs else None,
        "speech_db": _r(sig.speech_db),
        "snr_db": _r(sig.snr_db),
        "high_band_db": _r(sig.high_band_db),
    }
    doubts = _doubts(figures, engine_name)
    if stretches is not None:
        figures.update(whisper_figures(words, spans, stretches))
        doubts = _whisper_doubts(figures)
    if not doubts:
        return Reliability(True, None, figures)
    figures["doubts"] = doubts
    return Reliability(False, _reason(sig, engine_name), figures)


def _doubts(f: dict, engine_name: str) -> list[str]:
    """What in the recognizer's own output says it lost track of the speech."""
    doubts = []
    if f["words"] and f["snr_db"] is not None and f["snr_db"] < ENGINE_SNR_DB.get(engine_name, DROWNED_SNR_DB):
        doubts.append("voice too close to the noise")
    voiced_s = f["voiced_s"]
    if voiced_s is not None and voiced_s >= MIN_VOICED_S and f["words_per_voiced_s"] < MIN_WORDS_PER_VOICED_S:
        doubts.append("few words for the speech heard")
    if f["words"] < MIN_WORDS_TO_JUDGE:
        return doubts
    if f["median_conf"] is not None and f["median_conf"] < MIN_MEDIAN_CONF.get(engine_name, 0.6):
        doubts.append("low confidence")
    if f["low_conf_share"] is not None and f["low_conf_share"] > MAX_LOW_CONF_SHARE.get(engine_name, 0.4):
        doubts.append("many unsure words")
    if f["unknown_share"] > MAX_UNKNOWN_SHARE:
        doubts.append("many words outside the recognizer's vocabulary")
    return doubts


def _whisper_doubts(f: dict) -> list[str]:
    """What in Whisper's own measures says it lost track of the speech."""
    doubts = []
    if f["words"] and f["snr_db"] is not None and f["snr_db"] < DROWNED_SNR_DB:
        doubts.append("voice too close to the noise")
    if f["avg_logprob"] is not None and f["words"] and f["avg_logprob"] < WHISPER_MIN_LOGPROB:
        doubts.append("low confidence")
    if f["compression_max"] is not None and f["compression_max"] > WHISPER_MAX_COMPRESSION:
        doubts.append("the decoding repeated itself")
    voiced_s = f["voiced_s"]
    if voiced_s is not None and voiced_s >= MIN_VOICED_S and f["unworded_share"] is not None \
            and f["unworded_share"] > WHISPER_MAX_UNWORDED:
        doubts.append("few words for the speech heard")
    return doubts


def _reason(sig: SignalFigures, engine_name: str) -> str:
    """The likely cause, most actionable first, with the model hint when the fallback recognizer ran."""
    if sig.speech_db is not None and sig.speech_db < QUIET_SPEECH_DB:
        cause = "quiet"
    elif sig.high_band_db is not None and sig.high_band_db < BAND_LIMITED_DB:
        cause = "band"  # before noise: a phone line's hiss is part of the same problem
    elif sig.snr_db is not None and sig.snr_db < NOISY_SNR_DB:
        cause = "noisy"
    else:
        cause = "unclear"
    reason = REASONS[cause]
    if engine_name == "pocketsphinx":
        reason += "; or " + INSTALL_HINT
    return reason


def _r(x: float | None, nd: int = 3) -> float | None:
    return None if x is None else round(float(x), nd)
