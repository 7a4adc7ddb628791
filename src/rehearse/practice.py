"""Practice: mock interviews, hands-free drills, recalling a first interview. No Click, no printing.

A `Coach` holds the services (store, speaker, player, microphone or file, recognizer) and does
what every kind of practice shares: say a question, listen through the one loop in `take`, score
and keep the answer, speak feedback. `Interview` and `Drill` use a coach; they differ only in how
they move from question to question. An `events` callback is told what happens, for the CLI to show.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rehearse.audio import SAMPLE_RATE_HZ, FileSource, Player, read_all, write_wav
from rehearse.errors import RehearseError
from rehearse.feedback import Feedback, no_answer_json, with_follow_up
from rehearse.judge.analysis import too_short_to_judge
from rehearse.questions import Question, choose, load_bank
from rehearse.recording import Recording, forget, pending
from rehearse.speech import Engine
from rehearse.store import Store
from rehearse.take import Command, ListenSettings, OpenSource, Take, listen_for_command, record
from rehearse.transcript import Word
from rehearse.tts import Speaker
from rehearse.turns import FRAME_S, voiced_spans

PRE_ROLL_S = 0.25  # kept before the first voiced frame, so the first word's onset is whole
POST_ROLL_S = 0.25
CUE_TONE_S = 0.12


@dataclass
class Settings:
    """How a practice session listens and coaches."""

    target_s: float | None = None  # the user's own target; None: each question kind's own
    think_s: float = 30.0
    silence_s: float = 4.0
    max_s: float = 240.0
    echo_tail_s: float = 0.5  # input ignored after the tool stops speaking
    speak_feedback: bool = False
    follow_ups: int = 1  # at most one follow-up question per answer; 0 asks none
    endpoint: str = "smart"  # smart: end sooner once the answer is complete; fixed: after silence_s

    def listen(self) -> ListenSettings:
        return ListenSettings(self.think_s, self.silence_s, self.max_s, self.echo_tail_s)


@dataclass
class Services:
    """The parts a practice session talks to; tests pass their own."""

    store: Store
    speaker: Speaker
    player: Player
    open_source: OpenSource
    engine: Callable[[], Engine]  # may still be loading in the background
    spotter_for: Callable[[Engine], object] | None = None
    enter_pressed: Callable[[], bool] = lambda: False


@dataclass
class Turn:
    """How one question went: feedback on a kept answer, or no answer at all."""

    question: Question
    ended_by: str
    feedback: Feedback | None = None
    command: str | None = None
    error: RehearseError | None = None  # what stopped the recording (a full disk, a lost microphone)

    @property
    def interrupted(self) -> bool:
        return self.ended_by == "interrupted"

    @property
    def answer_id(self) -> int | None:
        return self.feedback.answer_id if self.feedback else None

    def to_json(self) -> dict:
        return self.feedback.to_json() if self.feedback else no_answer_json(self.question, self.ended_by)


def cue_tone() -> np.ndarray:
    """Two rising notes: your turn."""
    t = np.arange(int(SAMPLE_RATE_HZ * CUE_TONE_S)) / SAMPLE_RATE_HZ
    fade = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.01)
    notes = [0.2 * np.sin(2 * np.pi * hz * t) * fade for hz in (660.0, 880.0)]
    return np.concatenate(notes).astype(np.float32)


def spoken_time(seconds: float) -> str:
    """A length as it is said aloud: "1 minute 20 seconds"."""
    m, s = divmod(int(round(seconds)), 60)
    if m == 0:
        return f"{s} seconds"
    return f"{m} minute{'s' if m > 1 else ''} {s} seconds" if s else f"{m} minute{'s' if m > 1 else ''}"


def feedback_sentence(fb: Feedback) -> str:
    """What is said aloud after an answer: length, what was missing, one tip."""
    if not fb.words and not fb.transcript:
        return "I did not hear an answer."
    if fb.too_short:
        return "That was too short to judge. Take your time and give a full answer."
    parts = [f"That ran {spoken_time(fb.answer_s)}, {(fb.verdict or '').replace('_', ' ')}." if fb.verdict
             else "You typed that answer." if fb.typed else f"That ran {spoken_time(fb.answer_s)}."]
    if not fb.reliable:
        parts.append("I could not hear that clearly enough to judge the " + ("story." if fb.car else "answer."))
    elif fb.car:
        missing = fb.missing
        parts.append("Missing: " + " and ".join(missing) + "." if missing
                     else "You covered the challenge, your actions and the result.")
    if fb.tips:
        parts.append(fb.tips[0].split(":")[0] + ".")
    return " ".join(parts)


def own_pauses_s(answers: list[Feedback]) -> list[float]:
    """The pauses between words inside a person's earlier spoken answers (their thinking habits)."""
    pauses = []
    for fb in answers:
        words = fb.words
        pauses += [b.start - a.end for a, b in zip(words, words[1:]) if b.start - a.end > 0.3]
    return pauses


def is_answer(take: Take, main: bool = True) -> bool:
    """A stretch too short to judge (under about 2 s with fewer than 4 words: a cough, a misheard
    command) is no main answer; a reply to a follow-up of any length is an answer."""
    if take.speech_start_s is None:
        return False
    if not main:
        return bool(take.words) or take.recorded_s > 0
    spoken_s = (take.last_voice_s or take.recorded_s) - take.speech_start_s
    return not too_short_to_judge(spoken_s, len(take.words))


def _command_name(command: Command | None) -> str | None:
    """The command to act on: "unclear" for one heard without enough confidence ("unclear stop"
    when the best guess was "stop", so the reply can say how to end the drill for sure)."""
    if command is None:
        return None
    if command.confident:
        return command.command
    return "unclear stop" if command.command == "stop" else "unclear"


class Coach:
    """What every kind of practice shares: ask, listen, keep, give feedback."""

    def __init__(self, services: Services, settings: Settings, events: Callable[..., None] = lambda *a, **k: None,
                 practice: str = "interview", round: int = 1, previous: dict | None = None):
        self.services, self.settings, self.events = services, settings, events
        self.store = services.store
        self.practice, self.round = practice, round
        self.previous = previous or {}  # question text -> round-1 feedback JSON, for round-2 feedback
        self.session_id: int | None = None
        self._engine: Engine | None = None
        self.rng = random.Random()
        self.phrasings: list[str] = []  # follow-up phrasings used this session, so they vary

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = self.services.engine()
        return self._engine

    def start(self) -> None:
        """Open the session (once the recognizer is known)."""
        if self.session_id is None:
            self.session_id = self.store.start_session(self.practice, self.engine.name, self.engine.model, self.round)

    def end(self) -> None:
        if self.session_id is not None:
            self.store.end_session(self.session_id)

    def say(self, text: str) -> None:
        """Speak `text` now: from the cache, else synthesized at once with espeak-ng (pyttsx3 fills the
        cache in the background, see `presynthesize`)."""
        samples, rate = read_all(self.services.speaker.quick_wav(text))
        self.services.player.play(samples, rate)

    def cue(self) -> None:
        self.services.player.play(cue_tone(), SAMPLE_RATE_HZ)

    def endpoint_for(self, question: Question):
        """The smart end of answer for a question (None with `--endpoint fixed`): it reads the live
        decoding, the question's kind and this speaker's own pauses in earlier answers."""
        if self.settings.endpoint != "smart":
            return None
        from rehearse.endpoint import SmartEndpoint
        from rehearse.questions import rubric_of

        if not hasattr(self, "_pauses_s"):
            self._pauses_s = own_pauses_s(self.store.answers()[:20])
        rubric = rubric_of(question)
        return lambda decoding: SmartEndpoint.for_decoding(decoding, question.kind, self._pauses_s, rubric=rubric)

    def presynthesize(self, questions: list[str], quick: list[str] = ()) -> None:
        """Synthesize later questions (pyttsx3) and short fixed sentences (espeak-ng, a tenth of a second
        each) in the background, so each is ready when its turn comes."""
        import threading

        speaker = self.services.speaker

        def work():
            for text, make in [(t, speaker.to_wav) for t in questions] + [(t, speaker.quick_wav) for t in quick]:
                try:
                    make(text)
                except Exception:
                    return  # asked again in the foreground, where an error is reported

        threading.Thread(target=work, daemon=True).start()

    def answer(self, question: Question, spot=None, on_turn=None) -> Turn:
        """Listen to an answer, follow it up once when it has a confident gap, then show the feedback."""
        take, turn = self.listen(question, spot=spot, on_turn=on_turn)
        if turn.feedback is not None:
            if not turn.interrupted and turn.command is None and turn.error is None:
                reply = self.follow_up(turn, spot, take.detected_at)
                if reply is not None and reply.command is not None:
                    turn.command = None if reply.command in ("skip", "next", "done") else reply.command
                if reply is not None and reply.interrupted:
                    turn.ended_by = "interrupted"
                if reply is not None and reply.error is not None:
                    turn.error = reply.error
            self.events("answer", turn=turn)
        if turn.error is not None:
            raise turn.error  # after the answer was kept and shown
        return turn

    def follow_up(self, turn: Turn, spot=None, detected_at: float | None = None) -> Turn | None:
        """Ask at most one follow-up about the answer's most important confident gap, record the
        reply through the same loop, keep it linked, and judge the story over both (the reply is
        part of its answer, with no verdict of its own)."""
        from rehearse.judge.follow_ups import choose

        fb = turn.feedback
        if self.settings.follow_ups <= 0:
            return None
        ln = fb.length
        target = (ln["target_s"], ln["low_s"], ln["high_s"]) if ln else None
        failed = [c for c in fb.checks if not c.get("passed") and not fb.car]
        fu = choose(fb.to_json(), fb.kind, target=target, transcript_reliable=fb.reliable,
                    failed_checks=failed or None, rng=self.rng, history_of_phrasings=self.phrasings)
        if fu is None:
            return None
        self.phrasings.append(fu.phrasing)
        samples, rate = read_all(self.services.speaker.quick_wav(fu.question))
        # from the end of the answer being detected to the follow-up starting to play
        latency_s = round(time.perf_counter() - detected_at, 4) if detected_at else None
        self.events("follow_up", question=fu.question, reason=fu.reason)
        self.services.player.play(samples, rate)
        q = Question(fu.question, fb.kind)
        _take, reply = self.listen(q, spot=spot, main=False, parent=fb)
        # the reply is part of the answer: the story is judged over both, the reply never alone
        data = with_follow_up(fb.to_json(), {**fu.to_json(), "latency_s": latency_s},
                              reply.feedback.to_json() if reply.feedback else None)
        turn.feedback = Feedback.from_json(data)
        self.store.update_answer(turn.feedback)
        return reply

    def listen(self, question: Question, spot=None, on_turn=None, main: bool = True,
               parent: Feedback | None = None) -> tuple[Take, Turn]:
        """Record one answer through the one loop, then keep it (or say that none came).
        `on_turn` is called when listening starts (the echo of the question is past)."""
        engine = self.engine
        self.start()
        recording = Recording(self.store.answers_dir, question, self.session_id, self.practice, self.round)

        def events(event, **data):
            if event == "turn" and on_turn is not None:
                on_turn()
            self.events(event, question=question, **data)

        take = record(self.services.open_source, engine, self.settings.listen(), recording, spot=spot,
                      enter_pressed=self.services.enter_pressed, events=events,
                      endpoint=self.endpoint_for(question) if main else None)
        if not is_answer(take, main):
            recording.discard()
            turn = Turn(question, "silence" if take.ended_by in ("no_speech", "silence") else take.ended_by,
                        command=_command_name(take.command))
            if take.command is None and main and spot is not None and take.heard_speech and not take.interrupted:
                # a short stretch that was neither an answer nor a command (a command not recognised
                # at all, a cough): say so and wait again, never move on silently
                heard = " ".join(w.word for w in take.words) or None
                turn.command = "unclear"
                self.events("not_understood", command=Command("", confident=False, heard=heard))
            elif take.command is None and main:
                self.events("no_answer", turn=turn)
            turn.error = take.error
            return take, turn
        start = max(0.0, take.speech_start_s - PRE_ROLL_S)
        end = take.recorded_s
        if take.cut_at_s is not None:
            end = max(take.speech_start_s + 0.1, take.cut_at_s - 0.1)
        elif take.ended_by == "silence" and take.last_voice_s is not None:
            end = min(end, take.last_voice_s + POST_ROLL_S)
        turn = self.keep(question, recording.path, take.words, take.levels, start, end, take.ended_by,
                         take.detected_at, parent, take.high_levels, take.syllable_features, take)
        turn.command = _command_name(take.command)
        if take.error:
            turn.error = type(take.error)(f"{take.error}; the answer so far was kept as #{turn.answer_id}")
        return take, turn

    def keep(self, question: Question, partial: Path, words: list[Word], levels: np.ndarray, start: float,
             end: float, ended_by: str, detected_at: float, parent: Feedback | None = None,
             high_levels: np.ndarray | None = None, syllables: np.ndarray | None = None,
             take: Take | None = None) -> Turn:
        """Cut the recording to the answer, score it, store it, then drop the raw recording. `take` brings
        the accurate pass's measures when its words are Whisper's."""
        import os

        from rehearse.judge.second_round import round_two
        from rehearse.questions import rubric_of
        from rehearse.scoring import Heard, score_heard, stretch_measures

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
        shifted = [Word(w.word, max(0.0, w.start - start), min(duration_s, w.end - start), w.conf)
                   for w in words if w.end > start and w.start < end]
        lv = levels[int(start / FRAME_S) : int(end / FRAME_S)]
        hv = high_levels[int(start / FRAME_S) : int(end / FRAME_S)] if high_levels is not None else None
        sv = syllables[int(start / FRAME_S) : int(end / FRAME_S)] if syllables is not None else None
        accurate = take is not None and take.accurate is not None
        heard = Heard(shifted, voiced_spans(lv), duration_s, 0.0, lv, hv, sv, take.accurate_name if accurate else None,
                      stretch_measures(take.accurate, start, end) if accurate else None)
        score = score_heard(heard, self.engine, duration_s, self.settings.target_s, file=str(final),
                            rubric=rubric_of(question), kind=question.kind, reply=parent is not None)
        data = score.to_json()
        r2 = round_two(data, self.previous.get(question.text), question.text, self.round1_answers(question))
        if r2 is not None:
            data["round2"] = r2
            data["tips"] = (r2["tips"] + data["tips"])[:3]
        data.update({"question": question.text, "question_kind": question.kind, "audio_path": str(final),
                     "ended_by": ended_by, "round": self.round, "session_id": self.session_id,
                     "parent_id": parent.answer_id if parent else None})
        data["feedback_latency_s"] = round(time.perf_counter() - detected_at, 4)
        fb = self.store.add_answer(Feedback.from_json(data))
        forget(partial)
        return Turn(question, ended_by, fb)

    def round1_answers(self, question: Question) -> list[dict] | None:
        """In round 2, for a question that asks for a different example: every round-1 answer it
        might retell (the recalled ones and the stories told in round-1 practice), else None."""
        from rehearse.judge.second_round import asks_for_new_example

        if self.round != 2 or not asks_for_new_example(question.text):
            return None
        if getattr(self, "_round1", None) is None:
            found = {fb.get("answer_id"): fb for fb in self.previous.values()}
            for fb in self.store.answers():
                if fb.round == 1 and fb.car and fb.answer_id not in found:
                    found[fb.answer_id] = fb.to_json()
            self._round1 = list(found.values())
        return self._round1

    def recover(self) -> list[Turn]:
        """Find recordings a crash left unfinished, score them and keep them under their question."""
        from rehearse.scoring import answer_span
        turns = []
        found = pending(self.store.answers_dir)
        if not found:
            return turns
        saved = (self.session_id, self.round, self.practice)
        try:
            for p in found:
                source = FileSource(p.path)
                take = record(lambda s=source: _Opened(s), self.engine, None)
                span = answer_span(voiced_spans(take.levels), take.words)
                if span is None:
                    forget(p.path)
                    continue
                self.session_id, self.round, self.practice = p.session_id, p.round, p.practice
                start = max(0.0, span.start - PRE_ROLL_S)
                end = min(take.recorded_s, span.end + POST_ROLL_S)
                self.events("recovered", path=str(p.path), question=p.question)
                turn = self.keep(p.question, p.path, take.words, take.levels, start, end, "interrupted",
                                 time.perf_counter(), high_levels=take.high_levels,
                                 syllables=take.syllable_features, take=take)
                self.events("answer", turn=turn)
                turns.append(turn)
        finally:
            self.session_id, self.round, self.practice = saved
        return turns

    def speak_feedback(self, turn: Turn) -> None:
        self.say(feedback_sentence(turn.feedback))
        self.events("feedback_spoken", turn=turn)


class _Opened:
    """A source that needs no opening, as a context manager."""

    def __init__(self, source):
        self.source = source

    def __enter__(self):
        return self.source

    def __exit__(self, *exc):
        return False


class Interview:
    """Questions one after another; every answer is kept and gets its card."""

    def __init__(self, coach: Coach, remind: bool = False):
        self.coach = coach
        self.remind = remind

    def run(self, questions: list[Question]) -> list[Turn]:
        coach = self.coach
        turns: list[Turn] = []
        if pending(coach.store.answers_dir):
            coach.recover()
        try:
            for i, q in enumerate(questions, 1):
                coach.events("question", question=q, number=i, total=len(questions))
                ahead = (lambda: ([q.text for q in questions[1:]], fixed_sentences())) if i == 1 else None
                turn = self.ask(q, ahead)
                turns.append(turn)
                if turn.interrupted:
                    break
        finally:
            coach.end()
        return turns

    def ask(self, question: Question, ahead: Callable[[], tuple] | None = None) -> Turn:
        """Speak one question, record and score the answer, store it. `ahead` is what to synthesize
        in the background once the question has been spoken (not before: it would delay it)."""
        coach = self.coach
        before = coach.previous.get(question.text)
        if self.remind and before:
            quoted, said = reminder(before)
            if said:
                coach.events("reminder", question=question, text=quoted, said=said)
                coach.say(said)
        coach.say(question.text)
        if ahead:
            coach.presynthesize(*ahead())
        coach.cue()
        turn = coach.answer(question)
        if turn.feedback is not None and coach.settings.speak_feedback and not turn.interrupted:
            coach.speak_feedback(turn)
        return turn


REMIND_MAX_WORDS = 30  # a reminder is a cue, not a replay: at most this much of the first sentence


def first_sentence(text: str, max_words: int = REMIND_MAX_WORDS) -> str:
    """The first sentence of `text` (up to its . ! or ?), at most `max_words` words."""
    import re

    sentence = re.split(r"(?<=[.!?])\s+", " ".join(text.split()), maxsplit=1)[0]
    words = sentence.split()
    return " ".join(words[:max_words]) + (" …" if len(words) > max_words else "")


def reminder(before: dict) -> tuple[str | None, str | None]:
    """What `--remind` says before a recalled question: (the words quoted, the sentence said).

    A typed recall is quoted (its first sentence, as written); a spoken one only when its transcript
    was judged reliable, since a misheard one read aloud ("i am aware by so the regime supervisor")
    confuses more than it reminds; otherwise only when it was answered, and how long it ran."""
    from rehearse.judge.analysis import fmt_minutes

    typed = before.get("ended_by") == "text"
    text = (before.get("text") or before.get("transcript") or "") if typed else before.get("transcript") or ""
    if text.strip() and (typed or before.get("reliable") is True):
        quoted = first_sentence(text)
        return quoted, f"In your first interview you said: {quoted}"
    if typed:
        return None, None
    took = f" ({fmt_minutes(before['answer_s'])})" if before.get("answer_s") else ""
    return None, f"You answered this in round 1{took}."


# What a drill does with each command, once an answer (if any) is over; said before it is done,
# so a mishearing is noticed at once.
DRILL_AGAIN = {"repeat", "again"}
SAID_BEFORE = {
    "next": "Next question.", "skip": "Skipping this one.", "repeat": "Here is the question again.",
    "again": "Answer it again.", "replay": "Here is your answer.", "back": "Going back to the previous question.",
    "stop": "Stopping the drill.", "unclear": "Sorry, I did not catch that. Nothing was done.",
    # "stop" alone is one short syllable, so it is often heard without enough confidence to end
    # a drill on; the longer phrase is heard far more surely (benchmarks/commands.py)
    "unclear stop": "Sorry, I did not catch that. Nothing was done. To end the drill, say: stop the drill.",
}
UNCLEAR = {"unclear", "unclear stop"}
AFTER_FEEDBACK = {"next", "skip", "again", "repeat", "replay", "stop", "back", "help", "done", "unclear"}


class Drill:
    """A hands-free drill: voice commands instead of a keyboard, feedback always spoken."""

    def __init__(self, coach: Coach, spotter_for: Callable[[Engine], object]):
        self.coach = coach
        self.spotter_for = spotter_for
        self.spotter = None
        self.last_turn: Turn | None = None

    @property
    def lead_s(self) -> float:
        """The audio before each stretch's start that the spotter reads (take's segmenter adds it)."""
        return float(getattr(self.spotter, "lead_s", 0.0) or 0.0)

    def spot(self, audio: np.ndarray) -> Command | None:
        """The spotter's verdict on one stretch of speech, as a `Command`."""
        found = self.spotter.spot(audio)
        if found is None:
            return None
        if isinstance(found, str):
            return Command(found)
        return Command(found.command, bool(getattr(found, "confident", True)), getattr(found, "heard", None))

    def run(self, questions: list[Question]) -> list[Turn]:
        coach = self.coach
        turns: list[Turn] = []
        i, ask = 0, True
        coach.presynthesize([q.text for q in questions[1:]], fixed_sentences())
        try:
            self.spotter = self.spotter_for(coach.engine)
            coach.start()
            while i < len(questions):
                q = questions[i]
                announce = None
                if ask:
                    coach.say(q.text)
                    coach.cue()
                    announce = lambda q=q, n=i + 1: coach.events("question", question=q, number=n,  # noqa: E731
                                                                total=len(questions))
                ask = True
                turn = coach.answer(q, spot=self.spot, on_turn=announce)
                command = turn.command
                if turn.feedback is not None:
                    turns.append(turn)
                    self.last_turn = turn
                    if turn.interrupted:
                        break
                    coach.say(feedback_sentence(turn.feedback))
                    spoken = lambda t=turn: coach.events("feedback_spoken", turn=t)  # noqa: E731
                    if command is None or command == "done":
                        command = self.wait_command(on_listen=spoken)  # said once the mic listens
                    else:
                        spoken()
                elif turn.interrupted:
                    break
                while command in UNCLEAR:  # say so, do nothing, and listen again
                    coach.say(SAID_BEFORE[command])
                    command = self.wait_command() if turn.feedback is not None else "listen"
                if command in SAID_BEFORE:
                    coach.say(SAID_BEFORE[command])
                if command == "stop":
                    break
                if command in DRILL_AGAIN:
                    continue  # the same question, asked again
                if command in ("replay", "help", "listen"):
                    if command == "replay":
                        self.replay()
                    elif command == "help":
                        self.help()
                    ask = False
                    continue
                if command == "back":
                    i = max(0, i - 1)
                    continue
                i += 1
        finally:
            coach.end()
            coach.events("end", turns=turns)
        return turns

    def wait_command(self, on_listen=None) -> str | None:
        """After the feedback: wait for what to do next; silence for the think time moves on.
        `on_listen` is called once the microphone is listening (the echo of the feedback past)."""
        coach = self.coach
        found = listen_for_command(coach.services.open_source, self.spot, coach.settings.think_s,
                                   coach.settings.echo_tail_s, AFTER_FEEDBACK, events=coach.events,
                                   on_listen=on_listen)
        return _command_name(found)

    def replay(self) -> None:
        if self.last_turn and self.last_turn.feedback and self.last_turn.feedback.audio_path:
            samples, rate = read_all(self.last_turn.feedback.audio_path)
            self.coach.services.player.play(samples, rate)
        else:
            self.coach.say("There is no answer to replay yet.")

    def help(self) -> None:
        from rehearse.voice_commands import help_text

        self.coach.say(help_text())
        self.coach.events("help_spoken")


def fixed_sentences() -> list[str]:
    """What the tool may say whatever the answer: follow-up phrasings and the drill's replies, so each
    is ready in the cache before it is needed."""
    from rehearse.judge.phrasing import CHECK_PHRASINGS, PHRASINGS

    said = [p for group in (*PHRASINGS.values(), *CHECK_PHRASINGS.values()) for p in group if "{" not in p]
    return said + list(SAID_BEFORE.values())


def replay(fb: Feedback, player: Player, on_word: Callable[[Word], None]) -> None:
    """Play a stored answer, calling `on_word` as each word is reached."""
    import threading

    if not fb.audio_path or not Path(fb.audio_path).is_file():
        raise RehearseError(f"the recording of answer #{fb.number} is missing ({fb.audio_path})")
    samples, rate = read_all(fb.audio_path)
    failure: list[Exception] = []

    def play():
        try:
            player.play(samples, rate)
        except Exception as exc:  # reported below, in the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=play, daemon=True)
    t0 = time.monotonic()
    thread.start()
    for w in fb.words:
        delay = w.start - (time.monotonic() - t0)
        if delay > 0:
            time.sleep(delay)
        on_word(w)
    thread.join()
    if failure:
        err = failure[0]
        raise err if isinstance(err, RehearseError) else RehearseError(str(err))


def recall_text(store: Store, question: Question, text: str) -> int:
    """Keep a first-interview answer given as text, as round 1, judged by its question's yardstick;
    returns its answer number."""
    from rehearse.judge.analysis import ANALYSIS_VERSION, analyze, words_from_text
    from rehearse.judge.yardsticks import coaching_json
    from rehearse.questions import rubric_of

    a = analyze(words_from_text(text))
    data = {"file": None, "engine": None, "transcript": a.transcript, "text": text, "words": [],
            "answer_s": None, "wpm": None, "delivery": a.delivery.to_json()}
    data.update(coaching_json(a, rubric_of(question)))
    data.update({"length": None, "analysis_version": ANALYSIS_VERSION, "question": question.text,
                 "question_kind": question.kind, "ended_by": "text", "audio_path": None, "round": 1})
    sid = store.start_session("recall", round=1)
    data["session_id"] = sid
    fb = store.add_answer(Feedback.from_json(data))
    store.end_session(sid)
    return fb.answer_id


def recall_by_voice(coach: Coach, question: Question) -> Turn:
    """Keep a first-interview answer said out loud now, as round 1."""
    turn = coach.listen(question)[1]
    if turn.feedback is not None:
        coach.events("answer", turn=turn)
    if turn.error is not None:
        raise turn.error
    coach.end()
    if turn.feedback is None:
        raise RehearseError("no answer was heard; nothing was kept")
    return turn


def round_two_questions(store: Store, bank: str | None, count: int, rng: random.Random) -> tuple[list[Question], dict]:
    """Round 2: the recalled first-interview questions first, then second-interview questions.
    Returns the questions and the round-1 feedback JSON by question text."""
    recalled = store.round1()
    if not recalled:
        raise RehearseError("nothing recalled from a first interview yet; run `rehearse recall` first")
    previous = {q: fb.to_json() for q, fb in recalled.items()}
    first = [Question(q, fb.kind, fb.rubric) for q, fb in recalled.items()]
    more = [q for q in load_bank(bank or "second-interview") if q.text not in previous]
    chosen = first + choose(more, count, store.practice_counts(), rng)
    return chosen[: max(count, len(first))], previous


def first_round_questions(store: Store, bank: str | None, count: int, rng: random.Random) -> list[Question]:
    """Questions for a first interview or a drill: second-interview questions only when chosen."""
    questions = load_bank(bank)
    if not bank:
        questions = [q for q in questions if q.kind != "second-interview"]
    return choose(questions, count, store.practice_counts(), rng)


@dataclass
class SessionPlan:
    """What `interview` and `drill` need to start: questions and round-1 answers."""

    questions: list[Question]
    previous: dict = field(default_factory=dict)
