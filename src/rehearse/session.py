"""One mock interview: ask → listen → transcribe → score → store. No Click, no printing.

The caller passes in the parts (speaker, player, microphone or file, recognizer, store) and an
`events` callback that is told what happens; the same loop serves `interview` at a microphone
and `demo` with a recorded answer played in real time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rehearse.analysis import TARGET_S, fmt_minutes
from rehearse.audio import SAMPLE_RATE_HZ, AudioSource, Player, WavWriter, read_all, write_wav
from rehearse.questions import Question
from rehearse.scoring import Heard, Score, score_heard
from rehearse.speech import Engine, Speaker
from rehearse.store import Store
from rehearse.voice import FRAME_S, LevelTrack, TurnDetector, voiced_spans

PRE_ROLL_S = 0.25  # kept before the first voiced frame, so the first word's onset is whole
POST_ROLL_S = 0.25
CUE_TONE_S = 0.12


@dataclass
class Settings:
    target_s: float = TARGET_S
    think_s: float = 30.0
    silence_s: float = 4.0
    max_s: float = 240.0
    echo_tail_s: float = 0.5  # input ignored after the tool stops speaking
    speak_feedback: bool = False


@dataclass
class TurnResult:
    """How one question went: a stored answer, or no answer at all."""

    question: Question
    ended_by: str
    answer_id: int | None = None
    audio_path: str | None = None
    score: Score | None = None
    feedback_latency_s: float | None = None
    interrupted: bool = False
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        base = self.score.to_json() if self.score else {}
        return {
            **base,
            "question": self.question.text,
            "question_kind": self.question.kind,
            "answer_id": self.answer_id,
            "audio_path": self.audio_path,
            "ended_by": self.ended_by,
            "feedback_latency_s": None if self.feedback_latency_s is None else round(self.feedback_latency_s, 4),
        }


def cue_tone() -> np.ndarray:
    """Two rising notes: your turn."""
    t = np.arange(int(SAMPLE_RATE_HZ * CUE_TONE_S)) / SAMPLE_RATE_HZ
    fade = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.01)
    notes = [0.2 * np.sin(2 * np.pi * hz * t) * fade for hz in (660.0, 880.0)]
    return np.concatenate(notes).astype(np.float32)


def feedback_sentence(score: Score) -> str:
    """What is said aloud after an answer: length, what was missing, one tip."""
    a = score.analysis
    if not a.words:
        return "I did not hear an answer."
    parts = [f"That ran {_spoken_time(a.answer_s)}, {a.length.verdict.replace('_', ' ')}."]
    missing = [k for k in ("challenge", "action", "result") if not a.car[k]["covered"]]
    if missing:
        parts.append("Missing: " + " and ".join(missing) + ".")
    else:
        parts.append("You covered the challenge, your actions and the result.")
    if a.tips:
        parts.append(a.tips[0].split(":")[0] + ".")
    return " ".join(parts)


def _spoken_time(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    if m == 0:
        return f"{s} seconds"
    return f"{m} minute{'s' if m > 1 else ''} {s} seconds" if s else f"{m} minute{'s' if m > 1 else ''}"


class Interview:
    """Runs questions one after another and keeps every answer."""

    def __init__(
        self,
        store: Store,
        speaker: Speaker,
        player: Player,
        open_source: Callable[[], AbstractContextManager[AudioSource]],
        engine: Callable[[], Engine],
        settings: Settings,
        events: Callable[..., None] = lambda *a, **k: None,
        enter_pressed: Callable[[], bool] = lambda: False,
        kind: str = "interview",
    ):
        self.store, self.speaker, self.player = store, speaker, player
        self.open_source, self.engine, self.settings = open_source, engine, settings
        self.events, self.enter_pressed, self.kind = events, enter_pressed, kind
        self.session_id: int | None = None

    def say(self, text: str) -> None:
        samples, rate = read_all(self.speaker.to_wav(text))
        self.player.play(samples, rate)

    def run(self, questions: list[Question]) -> list[TurnResult]:
        results = []
        try:
            for i, q in enumerate(questions, 1):
                self.events("question", question=q, number=i, total=len(questions))
                result = self.ask(q)
                results.append(result)
                if result.interrupted:
                    break
        finally:
            if self.session_id is not None:
                self.store.end_session(self.session_id)
        return results

    def ask(self, question: Question) -> TurnResult:
        """Speak one question, record and score the answer, store it."""
        self.say(question.text)
        self.player.play(cue_tone(), SAMPLE_RATE_HZ)
        engine = self.engine()  # loaded in the background while the question was spoken
        if self.session_id is None:
            self.session_id = self.store.start_session(self.kind, engine.name, engine.model)
        return self.listen(question, engine)

    def listen(self, question: Question, engine: Engine) -> TurnResult:
        s = self.settings
        partial = self.store.answers_dir / f"recording-{time.strftime('%Y%m%d-%H%M%S')}.partial.wav"
        writer = WavWriter(partial)
        levels = LevelTrack()
        detector = TurnDetector(s.think_s, s.silence_s, s.max_s)
        decoding = engine.stream()
        skip = int(s.echo_tail_s * SAMPLE_RATE_HZ)
        ended_by = None
        told = False
        try:
            with self.open_source() as source:
                for block in source.chunks():
                    if skip > 0:  # the echo tail of our own voice is never the answer
                        cut = min(skip, len(block))
                        skip -= cut
                        block = block[cut:]
                        if not len(block):
                            continue
                    if not told:
                        self.events("turn", question=question)
                        told = True
                    writer.write(block)
                    decoding.accept(block)
                    levels.add(block)
                    ended_by = detector.add(block)
                    self.events("live", detector=detector)
                    if ended_by is None and self.enter_pressed():
                        ended_by = "enter"
                    if ended_by:
                        break
        except KeyboardInterrupt:
            ended_by = "interrupted"
        detected_at = time.perf_counter()
        try:
            words = decoding.finish()
        finally:
            writer.close()
        interrupted = ended_by == "interrupted"
        if detector.speech_start_s is None:
            partial.unlink(missing_ok=True)
            result = TurnResult(question, "silence" if ended_by == "no_speech" else ended_by, interrupted=interrupted)
            self.events("no_answer", result=result)
            return result
        return self._keep(question, engine, partial, writer.duration_s, words, levels, detector,
                          ended_by, detected_at, interrupted)

    def _keep(self, question, engine, partial: Path, recorded_s, words, levels, detector,
              ended_by, detected_at, interrupted) -> TurnResult:
        """Trim the recording to the answer, score it, store it, then drop the raw recording."""
        start = max(0.0, detector.speech_start_s - PRE_ROLL_S)
        end = recorded_s
        if ended_by == "silence":
            end = min(recorded_s, detector.last_voice_s + POST_ROLL_S)
        samples, _ = read_all(partial)
        clip = samples[int(start * SAMPLE_RATE_HZ) : int(end * SAMPLE_RATE_HZ)]
        final = self.store.new_audio_path("answer")
        write_wav(final, clip)
        duration_s = len(clip) / SAMPLE_RATE_HZ
        shifted = [type(w)(w.word, w.start - start, w.end - start) for w in words
                   if w.end > start and w.start < end]
        shifted = [type(w)(w.word, max(0.0, w.start), min(duration_s, w.end)) for w in shifted]
        lv = levels.levels[int(start / FRAME_S) : int(end / FRAME_S)]
        heard = Heard(shifted, voiced_spans(lv), duration_s, 0.0)
        score = score_heard(heard, engine, duration_s, self.settings.target_s, file=str(final))
        latency = time.perf_counter() - detected_at
        answer_id = self.store.add_answer(
            self.session_id, question.text, score.to_json(), str(final), ended_by, latency, question.kind
        )
        partial.unlink(missing_ok=True)
        result = TurnResult(question, ended_by, answer_id, str(final), score, latency, interrupted)
        self.events("answer", result=result)
        if self.settings.speak_feedback and not interrupted:
            self.say(feedback_sentence(score))
            self.events("feedback_spoken", result=result)
        return result


def summary_lines(results: list[TurnResult]) -> list[str]:
    """One line per question for the end of a session."""
    lines = []
    for i, r in enumerate(results, 1):
        if r.score is None:
            lines.append(f"{i}. {r.question.text}\n   no answer")
            continue
        a = r.score.analysis
        car = " ".join(f"{k[0].upper()}:{'yes' if a.car[k]['covered'] else 'no'}" for k in ("challenge", "action", "result"))
        verdict = a.length.verdict.replace("_", " ") if a.length else "-"
        lines.append(f"{i}. {r.question.text}\n   #{r.answer_id}  {fmt_minutes(a.answer_s or 0)} {verdict}  {car}")
    return lines
