"""One answer's audio → words, voiced spans → analysis. Shared by `score` and the live interview."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rehearse.audio import AudioSource
from rehearse.judge.analysis import ANALYSIS_VERSION, Analysis, analyze, too_short_to_judge
from rehearse.judge.reliability import Reliability, judge
from rehearse.pace import Pace, count_nuclei, robust_wpm
from rehearse.speech import Engine
from rehearse.transcript import Span, Word
from rehearse.turns import voiced_spans

WORD_OVERLAP_S = 0.3


@dataclass
class Heard:
    """What listening to one answer produced."""

    words: list[Word]
    spans: list[Span]  # voiced stretches
    heard_s: float  # audio consumed, at 16 kHz
    finish_s: float  # how long the recognizer took to give its last words after the audio ended
    levels: np.ndarray | None = None  # level of every 10 ms frame, dBFS
    high_levels: np.ndarray | None = None  # level above 4 kHz of every 10 ms frame, dBFS
    syllable_features: np.ndarray | None = None  # pace.SyllableTrack rows, one per 10 ms frame
    accurate: str | None = None  # the Whisper model whose words these are (None: the streaming pass's)
    stretches: list[dict] | None = None  # Whisper's own measures per stretch decoded (see `stretch_measures`)
    # the streaming pass's words: where the answer is when the accurate pass wrote nothing (a half-second "yes")
    stream_words: list[Word] | None = None


def stretch_measures(results, start_s: float = 0.0, end_s: float | None = None) -> list[dict]:
    """Whisper's own measures of each stretch inside [start_s, end_s], as plain numbers for the judge,
    times shifted to start_s."""
    from rehearse.accurate import kept

    out = []
    for r in results or []:
        a, b = r.offset_s, r.offset_s + r.duration_s
        if b <= start_s or (end_s is not None and a >= end_s):
            continue
        out.append({"start": round(a - start_s, 3), "end": round(b - start_s, 3), "avg_logprob": r.avg_logprob,
                    "no_speech_prob": r.no_speech_prob, "compression_ratio": r.compression_ratio,
                    "words": len(r.words), "kept": kept(r)})
    return out


def hear(source: AudioSource, engine: Engine) -> Heard:
    """Stream a source to its end through the one listening loop, with no turn detection."""
    from contextlib import nullcontext

    from rehearse.take import record

    take = record(lambda: nullcontext(source), engine, None)
    if take.error:
        raise take.error
    return Heard(take.words, voiced_spans(take.levels), take.recorded_s, take.finish_s, take.levels,
                 take.high_levels, take.syllable_features, take.accurate_name, stretch_measures(take.accurate)
                 if take.accurate is not None else None, take.stream_words)


def answer_span(spans: list[Span], words: list[Word]) -> Span | None:
    """First to last speech. Voiced spans the recognizer found no word in (a cough, a knock) are
    left out when there are words at all."""
    if words:
        kept = [
            s
            for s in spans
            if any(w.start < s.end + WORD_OVERLAP_S and w.end > s.start - WORD_OVERLAP_S for w in words)
        ]
        if kept:
            return Span(kept[0].start, kept[-1].end)
        return Span(words[0].start, words[-1].end)
    if spans:
        return Span(spans[0].start, spans[-1].end)
    return None


@dataclass
class Score:
    """The full result for one answer: the facts of the audio plus the analysis."""

    file: str | None
    engine: str
    model: str
    duration_s: float
    answer: Span | None
    speech_s: float
    analysis: Analysis
    reliability: Reliability | None = None  # None: not judged (treated as reliable)
    rubric: str = "car"
    target_override_s: float | None = None

    @property
    def reliable(self) -> bool:
        """Whether the transcript is good enough to judge C/A/R from."""
        return self.reliability is None or self.reliability.reliable

    @property
    def reliable_reason(self) -> str | None:
        """Why it is not, in words for the person practising (None when it is)."""
        return None if self.reliability is None else self.reliability.reason
    pace: Pace | None = None  # how `analysis.wpm` was reached
    kind: str | None = None  # the question's kind (None: the rubric's own)
    reply: bool = False  # a follow-up's reply: judged with its answer, so never too short
    accurate: str | None = None  # the accurate pass (a Whisper model) whose transcript this is

    @property
    def too_short(self) -> bool:
        """Some speech, but too little to judge (under about 2 s with fewer than four words)."""
        return (not self.reply and self.answer is not None
                and too_short_to_judge(self.answer.length, len(self.analysis.words)))

    def to_json(self) -> dict:
        from rehearse.judge.kinds import kind_of_rubric
        from rehearse.judge.yardsticks import coaching_json, unsure_tip

        a = self.analysis
        length = a.length.to_json() if a.length else None
        out = {
            "file": self.file,
            "engine": self.engine,
            "model": self.model,
            "accurate": self.accurate,
            "duration_s": round(self.duration_s, 3),
            "answer_start_s": round(self.answer.start, 3) if self.answer else None,
            "answer_end_s": round(self.answer.end, 3) if self.answer else None,
            "answer_s": round(self.answer.length, 3) if self.answer else 0.0,
            "speech_s": round(self.speech_s, 3),
            "transcript": a.transcript,
            "words": [w.to_json() for w in a.words],
            "wpm": a.wpm,
            "pace": self.pace.to_json() if self.pace else None,
            "length": length,
            "reliable": self.reliable,
            "reliable_reason": self.reliable_reason,
            "reliability_figures": self.reliability.figures if self.reliability else None,
            "car": {**a.car_json(), "reliable": self.reliable, "reason": self.reliable_reason},
            "tips": a.tips,
            "delivery": a.delivery.to_json() if a.delivery else None,
            "clauses": [{**c.evidence(), "label": c.label} for c in a.clauses],
        }
        out.update(coaching_json(a, self.rubric, self.target_override_s))
        out["kind"] = self.kind or kind_of_rubric(self.rubric)
        out["judged"], out["reason"] = not self.too_short, "too_short" if self.too_short else None
        out["analysis_version"] = ANALYSIS_VERSION
        if out["length"] is None and length is not None:
            out["length"] = length
        if out["car"] is not None:
            out["car"] = {**out["car"], "reliable": self.reliable, "reason": self.reliable_reason}
        if self.too_short:  # a result of its own: the facts of the audio, and no verdict at all
            out.update({"car": None, "checks": [], "tips": [], "length": None, "wpm": None, "pace": None,
                        "clauses": []})
        elif not self.reliable:  # a transcript too poor to judge: say why instead of coaching on it
            out["tips"] = [unsure_tip(self.rubric, self.reliable_reason)]
        return out


def score_heard(
    heard: Heard, engine: Engine, duration_s: float, target_s: float | None = None, file: str | None = None,
    rubric: str = "car", kind: str | None = None, reply: bool = False,
) -> Score:
    """Analyze what was heard of one answer, judged by its question's yardstick (`rubric`);
    `target_s` is the user's own target (None: the rubric's). A follow-up's `reply` is never too short."""
    from rehearse.judge.kinds import target_s_for

    span = answer_span(heard.spans, heard.words or heard.stream_words or [])
    speech_s = sum(s.length for s in heard.spans if span and s.end > span.start and s.start < span.end)
    syllables = None
    if heard.syllable_features is not None and span:
        syllables = len(count_nuclei(heard.syllable_features, span.start, span.end))
    # the recognizer's word count, checked against the audio's syllables (recognizers insert words)
    wpm, pace = robust_wpm(heard.words, span.length if span else None, syllables)
    analysis = analyze(heard.words, span or Span(0.0, 0.0), target_s_for(rubric, target_s), from_speech=True,
                       wpm=wpm)
    reliability = judge(heard.words, heard.levels, heard.spans, heard.accurate or engine.name, heard.high_levels,
                        stretches=heard.stretches)
    return Score(file, engine.name, engine.model, duration_s, span, speech_s, analysis, reliability, rubric,
                 target_s, pace, kind, reply, heard.accurate)
