"""One answer's audio → words, voiced spans → analysis. Shared by `score` and the live interview."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from rehearse.analysis import Analysis, analyze, TARGET_S
from rehearse.audio import SAMPLE_RATE_HZ, AudioSource
from rehearse.pace import Pace, SyllableTrack, count_nuclei, robust_wpm
from rehearse.speech import Engine
from rehearse.transcript import Span, Word
from rehearse.voice import LevelTrack, voiced_spans

WORD_OVERLAP_S = 0.3


@dataclass
class Heard:
    """What listening to one answer produced."""

    words: list[Word]
    spans: list[Span]  # voiced stretches
    heard_s: float  # audio consumed, at 16 kHz
    finish_s: float  # how long the recognizer took to give its last words after the audio ended
    levels: np.ndarray | None = None  # level of every 10 ms frame, dBFS
    syllable_features: np.ndarray | None = None  # pace.SyllableTrack rows, one per 10 ms frame


def hear(source: AudioSource, engine: Engine) -> Heard:
    """Stream a source through a recognizer and a level track at once."""
    decoding = engine.stream()
    levels = LevelTrack()
    syllables = SyllableTrack()
    samples = 0
    for block in source.chunks():
        samples += len(block)
        decoding.accept(block)
        levels.add(block)
        syllables.add(block)
    t0 = time.perf_counter()
    words = decoding.finish()
    finish_s = time.perf_counter() - t0
    return Heard(words, voiced_spans(levels.levels), samples / SAMPLE_RATE_HZ, finish_s, levels.levels,
                 syllables.features)


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
    pace: Pace | None = None  # how `analysis.wpm` was reached

    def to_json(self) -> dict:
        a = self.analysis
        length = a.length.to_json() if a.length else None
        return {
            "file": self.file,
            "engine": self.engine,
            "model": self.model,
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
            "car": a.car_json(),
            "tips": a.tips,
            "delivery": a.delivery.to_json() if a.delivery else None,
            "clauses": [{**c.evidence(), "label": c.label} for c in a.clauses],
        }


def score_heard(
    heard: Heard, engine: Engine, duration_s: float, target_s: float = TARGET_S, file: str | None = None
) -> Score:
    """Analyze what was heard of one answer."""
    span = answer_span(heard.spans, heard.words)
    speech_s = sum(s.length for s in heard.spans if span and s.end > span.start and s.start < span.end)
    syllables = None
    if heard.syllable_features is not None and span:
        syllables = len(count_nuclei(heard.syllable_features, span.start, span.end))
    # the recognizer's word count, checked against the audio's syllables (recognizers insert words)
    wpm, pace = robust_wpm(heard.words, span.length if span else None, syllables)
    analysis = analyze(heard.words, span or Span(0.0, 0.0), target_s, from_speech=True, wpm=wpm)
    return Score(file, engine.name, engine.model, duration_s, span, speech_s, analysis, pace)
