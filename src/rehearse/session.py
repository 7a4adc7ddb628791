"""One mock interview: ask → listen → transcribe → score → store. No Click, no printing.

The caller passes in the parts (speaker, player, microphone or file, recognizer, store) and an
`events` callback that is told what happens; the same loop serves `interview` at a microphone
and `demo` with a recorded answer played in real time.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rehearse.analysis import TARGET_S, fmt_minutes
from rehearse.errors import AudioDeviceError, RehearseError
from rehearse.audio import SAMPLE_RATE_HZ, AudioSource, FileSource, Player, WavWriter, read_all, write_wav
from rehearse.followup import extras
from rehearse.questions import Question
from rehearse.scoring import Heard, Score, answer_span, hear, score_heard
from rehearse.speech import Engine
from rehearse.tts import Speaker
from rehearse.store import Store
from rehearse.transcript import Word
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
            **self.extra,
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
        round: int = 1,
        previous: dict | None = None,
        remind: bool = False,
    ):
        self.store, self.speaker, self.player = store, speaker, player
        self.open_source, self.engine, self.settings = open_source, engine, settings
        self.events, self.enter_pressed, self.kind = events, enter_pressed, kind
        self.round = round
        self.previous = previous or {}  # question text -> round-1 score, for round-2 feedback
        self.remind = remind
        self.session_id: int | None = None

    def _presynthesize(self, questions: list[Question]) -> None:
        """Synthesize the later questions in the background, so each is ready when its turn comes."""
        import threading

        def work():
            for q in questions:
                try:
                    self.speaker.to_wav(q.text)
                except Exception:
                    return  # asked again in the foreground, where an error is reported

        threading.Thread(target=work, daemon=True).start()

    def say(self, text: str) -> None:
        samples, rate = read_all(self.speaker.to_wav(text))
        self.player.play(samples, rate)

    def run(self, questions: list[Question]) -> list[TurnResult]:
        results = []
        if any(self.store.answers_dir.glob("recording-*.partial.wav")):
            self.recover(self.engine())
        self._presynthesize(questions[1:])
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
        before = self.previous.get(question.text)
        if self.remind and before and before.get("transcript"):
            words = before["transcript"].split()
            self.events("reminder", question=question, text=" ".join(words[:30]))
            self.say("In your first interview you said: " + " ".join(words[:30]))
        self.say(question.text)
        self.player.play(cue_tone(), SAMPLE_RATE_HZ)
        engine = self.engine()  # loaded in the background while the question was spoken
        if self.session_id is None:
            self.session_id = self.store.start_session(self.kind, engine.name, engine.model, self.round)
        return self.listen(question, engine)

    def listen(self, question: Question, engine: Engine) -> TurnResult:
        s = self.settings
        partial = self.store.answers_dir / f"recording-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.partial.wav"
        sidecar = partial.with_suffix(".json")
        write_private(sidecar, json.dumps(
            {"question": question.text, "kind": question.kind, "session_id": self.session_id}))
        writer = WavWriter(partial)
        levels = LevelTrack()
        detector = TurnDetector(s.think_s, s.silence_s, s.max_s)
        decoding = engine.stream()
        ended_by = None
        device_error = None
        try:
            with self.open_source() as source:
                heard = after_echo(source.chunks(), s.echo_tail_s, lambda: self.events("turn", question=question))
                for block in heard:
                    try:
                        writer.write(block)
                    except OSError as exc:  # a full disk: keep what was written, end the answer
                        device_error = RehearseError(f"recording stopped: {exc.strerror or exc}")
                        ended_by = "interrupted"
                        break
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
        except AudioDeviceError as exc:  # the microphone vanished: keep what it gave, then stop
            device_error = exc
            ended_by = "interrupted"
        detected_at = time.perf_counter()
        try:
            words = decoding.finish()
        finally:
            try:
                writer.close()
            except OSError:
                pass
        interrupted = ended_by == "interrupted"
        if detector.speech_start_s is None:
            partial.unlink(missing_ok=True)
            sidecar.unlink(missing_ok=True)
            result = TurnResult(question, "silence" if ended_by == "no_speech" else ended_by, interrupted=interrupted)
            self.events("no_answer", result=result)
            if device_error:
                raise device_error
            return result
        end = writer.duration_s
        if ended_by == "silence":
            end = min(end, detector.last_voice_s + POST_ROLL_S)
        result = self._keep(question, engine, partial, words, levels.levels,
                            max(0.0, detector.speech_start_s - PRE_ROLL_S), end, ended_by, detected_at)
        result.interrupted = interrupted
        if device_error:
            raise type(device_error)(f"{device_error}; the answer so far was kept as #{result.answer_id}")
        if self.settings.speak_feedback and not interrupted:
            self.say(feedback_sentence(result.score))
            self.events("feedback_spoken", result=result)
        return result

    def _keep(self, question, engine, partial: Path, words, levels: np.ndarray, start: float, end: float,
              ended_by: str, detected_at: float) -> TurnResult:
        """Cut the recording to the answer, score it, store it, then drop the raw recording."""
        repair_wav(partial)  # its header may lag behind the data when writing stopped early
        samples, _ = read_all(partial)
        clip = samples[int(start * SAMPLE_RATE_HZ) : int(end * SAMPLE_RATE_HZ)]
        final = self.store.new_audio_path("answer")
        try:
            write_wav(final, clip)
        except OSError:  # no room for a trimmed copy (a full disk): keep the whole recording instead
            final.unlink(missing_ok=True)
            os.replace(partial, final)
            clip, start, end = samples, 0.0, len(samples) / SAMPLE_RATE_HZ
            self.events("warning", message="the disk is full; the recording was kept untrimmed")
        duration_s = len(clip) / SAMPLE_RATE_HZ
        shifted = [Word(w.word, max(0.0, w.start - start), min(duration_s, w.end - start))
                   for w in words if w.end > start and w.start < end]
        lv = levels[int(start / FRAME_S) : int(end / FRAME_S)]
        heard = Heard(shifted, voiced_spans(lv), duration_s, 0.0)
        score = score_heard(heard, engine, duration_s, self.settings.target_s, file=str(final))
        data = score.to_json()
        more = extras(question.kind, data, self.previous.get(question.text))
        if more:
            data.update(more)
            score.analysis.tips[:] = ([t for v in more.values() for t in v["tips"]] + score.analysis.tips)[:3]
            data["tips"] = score.analysis.tips
        latency = time.perf_counter() - detected_at
        answer_id = self.store.add_answer(
            self.session_id, question.text, data, str(final), ended_by, latency, question.kind, self.round
        )
        partial.unlink(missing_ok=True)
        partial.with_suffix(".json").unlink(missing_ok=True)
        result = TurnResult(question, ended_by, answer_id, str(final), score, latency, extra=more)
        self.events("answer", result=result)
        return result

    def recover(self, engine: Engine) -> list[TurnResult]:
        """Find recordings a crash left unfinished, repair them, score and store them."""
        results = []
        for partial in sorted(self.store.answers_dir.glob("recording-*.partial.wav")):
            meta = {}
            sidecar = partial.with_suffix(".json")
            try:
                meta = json.loads(sidecar.read_text())
            except (OSError, ValueError):
                pass
            if not repair_wav(partial):
                partial.unlink(missing_ok=True)
                sidecar.unlink(missing_ok=True)
                continue
            self.session_id = meta.get("session_id") if isinstance(meta.get("session_id"), int) else None
            heard = hear(FileSource(partial), engine)
            span = answer_span(heard.spans, heard.words)
            question = Question(str(meta.get("question") or "(unknown question)"), str(meta.get("kind") or "behavioural"))
            if span is None:
                partial.unlink(missing_ok=True)
                sidecar.unlink(missing_ok=True)
                continue
            start = max(0.0, span.start - PRE_ROLL_S)
            end = min(heard.heard_s, span.end + POST_ROLL_S)
            self.events("recovered", path=str(partial), question=question)
            results.append(self._keep(question, engine, partial, heard.words, heard.levels, start, end,
                                      "interrupted", time.perf_counter()))
        self.session_id = None
        return results


def after_echo(chunks, echo_tail_s: float, on_listen=None):
    """The blocks of a source once `echo_tail_s` have passed: the echo tail of our own voice is never
    the candidate. `on_listen` is called once, when the first block after it arrives."""
    skip = int(echo_tail_s * SAMPLE_RATE_HZ)
    for block in chunks:
        if skip > 0:
            cut = min(skip, len(block))
            skip -= cut
            block = block[cut:]
            if not len(block):
                continue
        if on_listen is not None:
            on_listen()
            on_listen = None
        yield block


def write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def repair_wav(path: Path) -> bool:
    """Make a WAV cut short by a crash whole again: the header's sizes are set from the file's
    real length. Returns False when nothing usable is left."""
    import struct

    try:
        size = path.stat().st_size
        if size <= 44:
            return False
        data_bytes = (size - 44) // 2 * 2
        with open(path, "r+b") as f:
            head = f.read(44)
            if head[:4] != b"RIFF" or head[8:12] != b"WAVE" or head[36:40] != b"data":
                return False
            f.seek(4)
            f.write(struct.pack("<I", 36 + data_bytes))
            f.seek(40)
            f.write(struct.pack("<I", data_bytes))
            f.truncate(44 + data_bytes)
        return True
    except OSError:
        return False


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


def recall_text(store: Store, question: Question, text: str) -> int:
    """Keep a first-interview answer given as text, as round 1; returns its answer number."""
    from rehearse.analysis import analyze, words_from_text

    a = analyze(words_from_text(text))
    data = {"file": None, "engine": None, "transcript": a.transcript, "words": [], "car": a.car_json(),
            "tips": a.tips, "answer_s": None, "wpm": None, "length": None, "delivery": a.delivery.to_json()}
    sid = store.start_session("recall", round=1)
    answer_id = store.add_answer(sid, question.text, data, None, "text", None, question.kind, round=1)
    store.end_session(sid)
    return answer_id
