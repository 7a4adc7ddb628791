"""A hands-free drill: question after question, steered by voice commands alone.

Built on the interview's parts (speaking, listening, keeping answers). While the candidate may
speak, each stretch of speech between pauses is offered to a command spotter; a short stretch
said on its own that is a command steers the drill, anything else is the answer.
"""

from __future__ import annotations

import time

import numpy as np

from rehearse.audio import SAMPLE_RATE_HZ, WavWriter, read_all
from rehearse.voice_commands import Segmenter
from rehearse.errors import AudioDeviceError
from rehearse.questions import Question
from rehearse.session import Interview, TurnResult, after_echo, feedback_sentence
from rehearse.voice import LevelTrack, TurnDetector

# What a command does before an answer has started, while answering, and after the feedback.
ENDS_ANSWER = {"done", "stop", "next", "skip"}


class Drill(Interview):
    """An interview with no keyboard: commands instead of Enter, feedback always spoken."""

    def __init__(self, *args, spotter_for=None, **kwargs):
        super().__init__(*args, kind="drill", **kwargs)
        self._spotter_for = spotter_for
        self.spotter = None
        self.last_answer: TurnResult | None = None

    def run(self, questions: list[Question]) -> list[TurnResult]:
        results: list[TurnResult] = []
        engine = None
        i, ask = 0, True
        try:
            while i < len(questions):
                q = questions[i]
                if engine is None:  # before the first question, so listening starts at once after it
                    engine = self.engine()
                    self.spotter = self._spotter_for(engine)
                    self.session_id = self.store.start_session(self.kind, engine.name, engine.model)
                if ask:
                    self.say(q.text)
                    self.player.play(_cue(), SAMPLE_RATE_HZ)
                announce = (lambda q=q, n=i + 1: self.events("question", question=q, number=n, total=len(questions))) \
                    if ask else None
                command, result = self.turn(q, engine, announce)
                ask = True
                if result is not None:
                    results.append(result)
                    self.last_answer = result
                    if result.interrupted:
                        break
                    self.say(feedback_sentence(result.score))
                    spoken = lambda r=result: self.events("feedback_spoken", result=r)  # noqa: E731
                    if command is None:
                        command = self.wait_command(engine, spoken)
                    else:
                        spoken()
                if command == "stop":
                    break
                if command in ("repeat", "again"):
                    continue  # the same question, asked again
                if command == "replay":
                    self._replay()
                    ask = False
                    continue
                if command == "pause":
                    self._paused(engine)
                    ask = False
                    continue
                if result is None and command is None:
                    self.events("no_answer", result=TurnResult(q, "silence"))
                i += 1
        finally:
            if self.session_id is not None:
                self.store.end_session(self.session_id)
            self.events("end", results=results)
        return results

    def _replay(self) -> None:
        if self.last_answer and self.last_answer.audio_path:
            samples, rate = read_all(self.last_answer.audio_path)
            self.player.play(samples, rate)
        else:
            self.say("There is no answer to replay yet.")

    def _stream(self, engine, seconds: float, on_listen=None):
        """Listen for up to `seconds` of audio; yields (block, [segments]) as they come.
        `on_listen` is called once the echo tail is past: from then on, the candidate is heard."""
        seg = Segmenter()
        got = 0
        with self.open_source() as source:
            for block in after_echo(source.chunks(), self.settings.echo_tail_s, on_listen):
                got += len(block)
                yield block, seg.add(block)
                if got >= seconds * SAMPLE_RATE_HZ:
                    return

    def _command_in(self, segments) -> str | None:
        for s in segments:
            c = self.spotter.spot(s.audio)
            if c:
                self.events("command", command=c)
                return c
        return None

    def wait_command(self, engine, on_listen=None) -> str | None:
        """After the feedback: wait for what to do next; silence for the think time moves on."""
        for _block, segments in self._stream(engine, self.settings.think_s, on_listen):
            c = self._command_in(segments)
            if c in ("next", "skip", "again", "repeat", "replay", "stop", "pause"):
                return c
        return None

    def _paused(self, engine) -> None:
        """Wait, as long as it takes, for `resume` (or `stop`)."""
        while True:
            for _block, segments in self._stream(engine, 60.0):
                c = self._command_in(segments)
                if c in ("resume", "stop"):
                    return

    def turn(self, question: Question, engine, announce=None) -> tuple[str | None, TurnResult | None]:
        """Listen for the answer; a command said on its own before or during it steers instead."""
        s = self.settings
        partial = self.store.answers_dir / f"recording-{time.strftime('%Y%m%d-%H%M%S')}-drill.partial.wav"
        writer = WavWriter(partial)
        levels = LevelTrack()
        detector = TurnDetector(s.think_s, s.silence_s, s.max_s)
        decoding = engine.stream()
        command = ended_by = None
        cut_at: float | None = None
        try:
            for block, segments in self._stream(engine, s.max_s + s.think_s, announce):
                writer.write(block)
                decoding.accept(block)
                levels.add(block)
                ended_by = detector.add(block)
                self.events("live", detector=detector)
                c = self._command_in(segments)
                if c:
                    seg_start = next(x.start_s for x in segments)
                    answering = detector.speech_start_s is not None and detector.speech_start_s < seg_start - 0.3
                    if not answering:
                        command = c
                        break
                    if c in ENDS_ANSWER:
                        command, ended_by, cut_at = c, "command", seg_start
                        break
                    if c == "pause":
                        self._paused(engine)
                if ended_by:
                    break
        except KeyboardInterrupt:
            ended_by = "interrupted"
        except AudioDeviceError:
            ended_by = "interrupted"
        detected_at = time.perf_counter()
        words = decoding.finish()
        writer.close()
        if command and ended_by != "command" or detector.speech_start_s is None:
            partial.unlink(missing_ok=True)
            return command, None
        end = writer.duration_s
        if cut_at is not None:
            end = max(detector.speech_start_s + 0.1, cut_at - 0.1)
            words = [w for w in words if w.start < cut_at - 0.05]
        elif ended_by == "silence":
            end = min(end, detector.last_voice_s + 0.25)
        result = self._keep(question, engine, partial, words, levels.levels,
                            max(0.0, detector.speech_start_s - 0.25), end, ended_by, detected_at)
        result.interrupted = ended_by == "interrupted"
        return (None if command == "done" else command), result


def _cue() -> np.ndarray:
    from rehearse.session import cue_tone

    return cue_tone()
