"""Interview and drill in-process, through the one listening loop, on recorded speech fed faster than
real time (the end-to-end versions on PulseAudio devices are in test_live.py and test_drill.py)."""

from __future__ import annotations

import contextlib
import json

import numpy as np
import pytest
from conftest import espeak, flite

from rehearse.audio import SAMPLE_RATE_HZ, PacedFileSource
from rehearse.practice import Coach, Drill, Interview, Services, Settings
from rehearse.questions import Question
from rehearse.recording import Recording, pending
from rehearse.speech import PocketSphinxEngine
from rehearse.store import Store
from rehearse.take import Command, ListenSettings, record
from rehearse.tts import Speaker

ANSWER = ("Our deployment scripts kept failing every week. I rewrote them myself and added tests. "
          "As a result, releases took ten minutes instead of two hours.")
Q1 = Question("Tell me about a time you fixed something that was broken.")
Q2 = Question("Tell me about a time you had to meet a tight deadline.")
SPEED = 8.0  # audio time runs eight times faster than the clock: decisions are made in audio time


class Heard:
    """A player that plays nothing and notes what it was given (a stand-in for the speaker)."""

    def __init__(self):
        self.played: list[float] = []

    def play(self, samples, rate_hz):
        self.played.append(len(samples) / rate_hz)


class Script:
    """A person at the microphone: each time the microphone is opened, the next recording is said,
    then the room is quiet. A recording given as (path, seconds) is said after that many seconds
    of quiet (one second otherwise)."""

    def __init__(self, *paths):
        self.paths = list(paths)
        self.opened = 0

    def __call__(self):
        self.opened += 1
        path = self.paths.pop(0) if self.paths else None
        if path is None:
            return contextlib.nullcontext(_Quiet())
        path, quiet_s = path if isinstance(path, tuple) else (path, 1.0)
        return contextlib.nullcontext(_Said(path, quiet_s))


class _Quiet:
    def chunks(self):
        import time

        block = np.zeros(1600, dtype=np.float32)
        while True:
            time.sleep(0.1 / SPEED)
            yield block


class _Said:
    """A second of quiet (the person draws breath after the cue), then the recording, then quiet."""

    def __init__(self, path, quiet_s: float = 1.0):
        self.file = PacedFileSource(path, speed=SPEED)
        self.quiet_s = quiet_s

    def chunks(self):
        import time

        for _ in range(round(self.quiet_s * 10)):
            time.sleep(0.1 / SPEED)
            yield np.zeros(1600, dtype=np.float32)
        yield from self.file.chunks()


@pytest.fixture(scope="module")
def engine():
    return PocketSphinxEngine()


@pytest.fixture(scope="module")
def answer_wav(tmp_path_factory):
    return flite(ANSWER, tmp_path_factory.mktemp("a") / "answer.wav")


def coach_for(tmp_path, engine, source, practice="interview", events=None, **settings):
    store = Store(tmp_path / "home")
    services = Services(store, Speaker(tmp_path / "speech"), Heard(), source, lambda: engine)
    got = [] if events is None else events
    s = Settings(**{"think_s": 6.0, "silence_s": 2.0, "follow_ups": 0, **settings})
    return Coach(services, s, lambda event, **data: got.append((event, data)), practice), got


def test_interview_keeps_a_scored_answer_with_its_question(tmp_path, engine, answer_wav):
    coach, events = coach_for(tmp_path, engine, Script(answer_wav))
    turns = Interview(coach).run([Q1])
    fb = turns[0].feedback
    assert fb.ended_by == "silence" and fb.question == Q1.text
    assert "releases" in fb.transcript and fb.covered("result")
    stored = coach.store.answers()
    assert [s.answer_id for s in stored] == [fb.answer_id]
    assert stored[0].to_json()["transcript"] == fb.transcript
    assert [e for e, _ in events].count("answer") == 1
    assert not pending(coach.store.answers_dir)  # the raw recording is gone once the answer is kept


def test_silence_is_no_answer_and_nothing_is_kept(tmp_path, engine):
    coach, events = coach_for(tmp_path, engine, Script(), think_s=1.0)
    turns = Interview(coach).run([Q1])
    assert turns[0].feedback is None and turns[0].ended_by == "silence"
    assert coach.store.answers() == []
    assert "no_answer" in [e for e, _ in events]


def test_a_short_noise_is_not_an_answer(tmp_path, engine):
    """Under about 2 s and fewer than 4 words: not stored, not counted (issue 16.11)."""
    blip = tmp_path / "blip.wav"
    flite("but ah", blip)
    coach, _ = coach_for(tmp_path, engine, Script(blip), think_s=3.0)
    turns = Interview(coach).run([Q1])
    assert turns[0].feedback is None
    assert coach.store.answers() == []


def test_a_drill_answer_cut_by_a_crash_comes_back_with_its_question(tmp_path, engine, answer_wav):
    class Crash(Exception):
        pass

    class Crashing:
        def chunks(self):
            for i, block in enumerate(PacedFileSource(answer_wav, speed=SPEED).chunks()):
                if i == 40:  # four seconds into the answer, the process dies
                    raise Crash
                yield block

    store = Store(tmp_path / "home")
    recording = Recording(store.answers_dir, Q2, None, "drill")
    with pytest.raises(Crash):
        record(lambda: contextlib.nullcontext(Crashing()), engine, ListenSettings(silence_s=2.0), recording)
    left = pending(store.answers_dir)
    assert [p.question.text for p in left] == [Q2.text] and left[0].practice == "drill"

    coach, events = coach_for(tmp_path, engine, Script(), think_s=1.0)
    Interview(coach).run([Q1])
    recovered = [fb for fb in coach.store.answers() if fb.ended_by == "interrupted"]
    assert [fb.question for fb in recovered] == [Q2.text]
    assert "recovered" in [e for e, _ in events]


def _joined(path, *parts):
    """Recordings said one after another with a second of quiet between them."""
    import soundfile

    xs, rate = [], None
    for p in parts:
        x, rate = soundfile.read(str(p), dtype="float32")
        xs += [x, np.zeros(rate, dtype=np.float32)]
    soundfile.write(str(path), np.concatenate(xs), rate)
    return path


def test_pause_keeps_nothing_said_while_paused(tmp_path, engine, answer_wav):
    """`pause` closes the source; what is said before `resume` never enters the answer."""
    pause = flite("pause", tmp_path / "pause.wav")
    resume = flite("resume", tmp_path / "resume.wav")
    secret = flite("my secret password is banana", tmp_path / "secret.wav")
    script = Script(_joined(tmp_path / "1.wav", answer_wav, pause), _joined(tmp_path / "2.wav", secret, resume),
                    answer_wav)
    store = Store(tmp_path / "home")
    recording = Recording(store.answers_dir, Q1, None)

    def rule(audio):  # a stand-in spotter: the short stretches are the commands, in script order
        if len(audio) > 0.9 * SAMPLE_RATE_HZ:
            return None
        return Command("pause") if script.opened == 1 else Command("resume")

    events = []
    take = record(script, engine, ListenSettings(silence_s=2.0, think_s=6.0), recording, spot=rule,
                  events=lambda e, **d: events.append(e))
    assert script.opened == 3  # closed on pause, opened to hear "resume", opened again for the answer
    assert "paused" in events and "resumed" in events
    words = " ".join(w.word for w in take.words)
    assert "banana" not in words and "password" not in words and "secret" not in words
    assert words.count("releases") == 2, words  # both halves of the answer are in it
    assert take.ended_by == "silence"


def test_drill_steered_by_commands(tmp_path, engine, answer_wav):
    """repeat → the same question again; an answer; next → the next question; stop ends the drill."""
    repeat = flite("repeat", tmp_path / "repeat.wav")
    nxt = flite("next", tmp_path / "next.wav")
    stop = flite("stop the drill", tmp_path / "stop.wav")  # "stop" alone ends too much to act on unsure
    script = Script(repeat, answer_wav, nxt, stop)
    coach, events = coach_for(tmp_path, engine, script, practice="drill", think_s=8.0)
    from rehearse.voice_commands import spotter_for

    drill = Drill(coach, lambda eng: spotter_for(eng, "en-us"))
    turns = drill.run([Q1, Q2, Question("Why do you want this job?", "motivation")])
    names = [e for e, _ in events if e in ("question", "command", "answer", "feedback_spoken", "end")]
    assert names == ["question", "command", "question", "answer", "feedback_spoken", "command", "question",
                     "command", "end"], names
    asked = [d["question"].text for e, d in events if e == "question"]
    assert asked == [Q1.text, Q1.text, Q2.text]
    assert [d["command"] for e, d in events if e == "command"] == ["repeat", "next", "stop"]
    assert len(turns) == 1 and turns[0].feedback.question == Q1.text
    json.dumps(turns[0].to_json())


# --- the JSON and text contract: what scripts and the report rely on -----------------------------

ANSWER_KEYS = {"file", "engine", "model", "duration_s", "answer_start_s", "answer_end_s", "answer_s", "speech_s",
               "transcript", "words", "wpm", "length", "car", "tips", "delivery", "clauses", "question",
               "question_kind", "answer_id", "audio_path", "ended_by", "feedback_latency_s", "rubric", "checks",
               "reliable", "reliable_reason", "pace", "kind", "judged", "reason"}
NO_ANSWER_KEYS = {"question", "question_kind", "kind", "answer_id", "audio_path", "ended_by", "feedback_latency_s"}
HISTORY_EXTRA = {"created_at", "session_id", "round"}
REPLY_VERDICT_KEYS = {"car", "checks", "length", "tips", "story_car", "story_checks", "rubric"}


def test_interview_json_history_json_and_card_keep_their_shape(tmp_path, engine, answer_wav):
    from click.testing import CliRunner

    from rehearse import render
    from rehearse.cli import cli

    coach, _ = coach_for(tmp_path, engine, Script(answer_wav), think_s=3.0)
    turns = Interview(coach).run([Q1, Q2])
    answered, silent = turns[0].to_json(), turns[1].to_json()
    assert ANSWER_KEYS <= set(answered)
    assert set(silent) == NO_ANSWER_KEYS and silent["answer_id"] is None and silent["ended_by"] == "silence"
    assert {"challenge", "action", "result", "reliable", "reason"} == set(answered["car"])
    assert all({"covered", "share", "evidence"} <= set(answered["car"][k]) for k in ("challenge", "action", "result"))
    assert answered["rubric"] == "car" and [c["name"] for c in answered["checks"]] == ["challenge", "action", "result"]
    assert all(set(c) == {"name", "passed", "evidence", "tip"} for c in answered["checks"])
    assert {"word", "start", "end"} <= set(answered["words"][0]) <= {"word", "start", "end", "conf"}

    import os

    os.environ["REHEARSE_HOME"] = str(tmp_path / "home")  # the autouse fixture restores it after the test
    out = CliRunner().invoke(cli, ["history", "--json"], catch_exceptions=False).output
    rows = [json.loads(line) for line in out.strip().splitlines()]
    assert len(rows) == 1 and ANSWER_KEYS | HISTORY_EXTRA <= set(rows[0])
    assert rows[0]["transcript"] == answered["transcript"] and rows[0]["answer_id"] == answered["answer_id"]

    card = render.card(turns[0].feedback, title=render.answer_title(turns[0].feedback)).splitlines()
    assert card[0] == f"Answer #{answered['answer_id']} (you paused)"
    heads = [line.split()[0] for line in card[1:] if line.startswith("  ") and not line.startswith("   ")]
    assert heads[:7] == ["Heard", "Length", "Pace", "Challenge", "Action", "Result", "Delivery"], card
    assert "comfortable: 120-160" in card[3]


def test_drill_events_keep_their_shape(tmp_path, engine, answer_wav):
    from rehearse.console import DrillConsole

    stop = flite("stop the drill", tmp_path / "stop.wav")  # "stop" alone ends too much to act on unsure
    coach, _ = coach_for(tmp_path, engine, Script(answer_wav, stop), practice="drill", think_s=6.0)
    lines = []
    console = DrillConsole(True, 120.0)
    console.out = lines.append  # what would go to stdout, one JSON object per line
    coach.events = console
    from rehearse.voice_commands import spotter_for

    Drill(coach, lambda eng: spotter_for(eng, "en-us")).run([Q1, Q2])
    events = [json.loads(line) for line in lines]
    kinds = [e["event"] for e in events]
    assert kinds == ["question", "answer", "feedback_spoken", "command", "end"], kinds
    assert set(events[0]) == {"event", "text", "number"}
    assert ANSWER_KEYS <= set(events[1]) - {"event"}
    assert events[2] == {"event": "feedback_spoken", "answer_id": events[1]["answer_id"]}
    assert events[3] == {"event": "command", "command": "stop"}
    assert events[4] == {"event": "end", "answers": [events[1]["answer_id"]]}


class Words:
    """A speaker that notes what it is asked to say and answers with a short silence."""

    def __init__(self, folder):
        from rehearse.audio import write_wav

        self.said: list[str] = []
        self.path = folder / "quiet.wav"
        write_wav(self.path, np.zeros(1600, dtype=np.float32))

    def to_wav(self, text):
        return self.path  # filling the cache ahead: nothing is said

    def quick_wav(self, text):
        import threading

        if threading.current_thread() is threading.main_thread():  # not the cache filling ahead
            self.said.append(text)
        return self.path


class InOrder:
    """A stand-in spotter: each short stretch of speech is the next command in the list."""

    def __init__(self, commands):
        self.commands = list(commands)

    def spot(self, audio):
        if len(audio) > 1.0 * SAMPLE_RATE_HZ or not self.commands:
            return None
        return self.commands.pop(0)


def test_an_unclear_command_is_said_to_be_unclear_and_go_back_returns(tmp_path, engine, answer_wav):
    word = flite("next", tmp_path / "word.wav")
    script = Script(word, answer_wav, word, word, word)
    store = Store(tmp_path / "home")
    speaker = Words(tmp_path)
    events = []
    services = Services(store, speaker, Heard(), script, lambda: engine)
    coach = Coach(services, Settings(think_s=6.0, silence_s=2.0, follow_ups=0), lambda e, **d: events.append((e, d)),
                  "drill")
    spotted = InOrder([Command("next", confident=False), Command("next"), Command("back"), Command("stop")])
    turns = Drill(coach, lambda eng: spotted).run([Q1, Q2])
    said = speaker.said
    # an unclear "next" changes nothing: the tool says so and keeps listening for the answer
    assert said.index("Sorry, I did not catch that. Nothing was done.") == 1
    assert said[0] == Q1.text and Q1.text not in said[1:3]
    assert len(turns) == 1 and turns[0].feedback.question == Q1.text  # the answer came after it
    # what was heard is said before it is done, then "go back" asks the first question again
    i = said.index("Next question.")
    assert said[i + 1] == Q2.text
    j = said.index("Going back to the previous question.")
    assert j > i and said[j + 1] == Q1.text
    assert said[-1] == "Stopping the drill."
    assert [d["command"] for e, d in events if e == "command"] == ["next", "back", "stop"]


def test_an_answer_without_its_result_gets_an_outcome_follow_up(tmp_path, engine):
    """The follow-up is asked, its reply kept linked, and the story judged over both."""
    no_result = flite("Our support queue kept growing every week and customers were angry. "
                      "I sorted the tickets myself and wrote answers for the ten most common problems.",
                      tmp_path / "no-result.wav")
    reply = flite("As a result the queue fell by half within a month.", tmp_path / "reply.wav")
    coach, events = coach_for(tmp_path, engine, Script(no_result, reply), follow_ups=1)
    speaker = coach.services.speaker
    turn = Interview(coach).run([Q1])[0]
    fb = turn.feedback
    assert fb.follow_up["reason"] == "missing_result", fb.follow_up
    assert 0 < fb.follow_up["latency_s"] < 2.0
    print(f"follow-up {fb.follow_up['question']!r} playing {fb.follow_up['latency_s']:.3f} s after the end was detected")
    assert not fb.car["result"]["covered"] and fb.data["story_car"]["result"]["covered"]
    assert fb.data["story_car"]["result"]["told_in"] == "follow_up"
    assert "queue" in fb.follow_up["answer"]["transcript"]
    assert speaker.cached(fb.follow_up["question"]) is not None  # it was spoken
    stored = coach.store.answers()
    assert [s.answer_id for s in stored] == [fb.answer_id]  # the reply is not a separate answer
    assert stored[0].follow_up["answer"]["answer_id"] == coach.store.answer(fb.answer_id + 1).answer_id
    assert coach.store.answer(fb.answer_id + 1).data["parent_id"] == fb.answer_id
    answer_events = [d["turn"] for e, d in events if e == "answer"]
    assert len(answer_events) == 1 and answer_events[0].feedback.follow_up is not None
    # the reply is part of the answer (what `interview --json` prints): nested, with no verdict of its own
    reply = turn.to_json()["follow_up"]["answer"]
    assert "queue" in reply["transcript"] and reply["words"] and reply["duration_s"] > 0
    assert not REPLY_VERDICT_KEYS & set(reply), sorted(reply)
    # the tips agree with the story over both: its result was told in the reply
    assert not any(t.startswith("No result stated") for t in fb.tips), fb.tips
    from rehearse import render

    card = render.card(fb, title=render.answer_title(fb))
    assert f"reply #{fb.answer_id}.1, 0:0" in card and "No result stated" not in card, card
    shown = render.card(coach.store.answer(f"{fb.answer_id}.1"))
    assert "target" not in shown and "MISSING" not in shown and "Next time" not in shown, shown
    from rehearse.report import write_report

    page = write_report(coach.store, output=tmp_path / "page.html").read_text()
    main_at = page.index(f'id="answer-{fb.answer_id}"')
    follow_at = page.index('class="answer follow-up"')
    assert main_at < follow_at and fb.follow_up["question"] in page[follow_at:]  # under its answer
    assert "queue fell" in page[follow_at:] or "queue" in page[follow_at:]


def test_drill_events_nest_a_follow_up_reply_in_its_answer(tmp_path, engine):
    """A drill's answer event carries its follow-up reply nested, with no verdict of its own."""
    from rehearse.console import DrillConsole
    from rehearse.voice_commands import spotter_for

    no_result = flite("Our support queue kept growing every week and customers were angry. "
                      "I sorted the tickets myself and wrote answers for the ten most common problems.",
                      tmp_path / "no-result.wav")
    reply = flite("As a result the queue fell by half within a month.", tmp_path / "reply.wav")
    stop = flite("stop the drill", tmp_path / "stop.wav")
    coach, _ = coach_for(tmp_path, engine, Script(no_result, reply, stop), practice="drill", follow_ups=1)
    lines = []
    console = DrillConsole(True, 120.0)
    console.out = lines.append
    coach.events = console
    Drill(coach, lambda eng: spotter_for(eng, "en-us")).run([Q1])
    events = [json.loads(line) for line in lines]
    kinds = [e["event"] for e in events]
    assert kinds[:3] == ["question", "follow_up", "answer"], kinds
    answer = events[2]
    assert answer["follow_up"]["question"] == events[1]["question"]
    reply_json = answer["follow_up"]["answer"]
    assert "queue" in reply_json["transcript"] and not REPLY_VERDICT_KEYS & set(reply_json), sorted(reply_json)
    assert events[-1]["answers"] == [answer["answer_id"]]  # the reply is no answer of its own


def test_no_follow_up_when_turned_off(tmp_path, engine):
    no_result = flite("Our support queue kept growing and customers were angry. I sorted the tickets myself.",
                      tmp_path / "no-result.wav")
    coach, events = coach_for(tmp_path, engine, Script(no_result), follow_ups=0)
    fb = Interview(coach).run([Q1])[0].feedback
    assert fb.follow_up is None and "follow_up" not in [e for e, _ in events]


def test_an_unsure_stop_ends_nothing_and_says_how_to_end_the_drill(tmp_path, engine):
    """"stop" alone is often heard without confidence: the drill goes on, and says the phrase that
    ends it surely; the phrase, heard, ends it."""
    word = flite("stop", tmp_path / "word.wav")
    store = Store(tmp_path / "home")
    speaker = Words(tmp_path)
    services = Services(store, speaker, Heard(), Script(word, word), lambda: engine)
    coach = Coach(services, Settings(think_s=6.0, silence_s=2.0, follow_ups=0), lambda e, **d: None, "drill")
    spotted = InOrder([Command("stop", confident=False), Command("stop")])
    turns = Drill(coach, lambda eng: spotted).run([Q1, Q2])
    said = speaker.said
    assert said[0] == Q1.text and turns == []
    assert said[1] == "Sorry, I did not catch that. Nothing was done. To end the drill, say: stop the drill."
    assert said[-1] == "Stopping the drill." and Q2.text not in said


class Spotted:
    """The real spotter, noting each verdict (to check what a test's audio was heard as)."""

    def __init__(self, engine):
        from rehearse.voice_commands import spotter_for

        self.spotter = spotter_for(engine, "en-us")
        self.verdicts = []

    def spot(self, audio):
        found = self.spotter.spot(audio)
        self.verdicts.append(found)
        return found


def _status_lines(err: str) -> list[str]:
    """The status lines a live console drew on stderr (each redrawn after a carriage return) and its
    other lines, in order (click drops the erase-line code when stderr is not a terminal)."""
    import re

    return [part.strip() for part in re.split(r"[\r\n]", err.replace("\x1b[2K", "")) if part.strip()]


def test_after_resume_the_person_gets_the_whole_think_time_again(tmp_path, engine, answer_wav, capsys):
    """Issue 20.4: "pause" before answering, then "resume": the drill waits the whole think time again
    for the answer to the same question (here 5 of 6 s, far beyond the 2 s of silence that end an
    answer), counting it down on the status line, and never gives up with `no_answer`."""
    from rehearse.console import DrillConsole

    pause = flite("pause", tmp_path / "pause.wav")
    resume = flite("resume", tmp_path / "resume.wav")
    stop = flite("stop the drill", tmp_path / "stop.wav")
    script = Script(pause, resume, (answer_wav, 5.0), stop)
    speaker = Words(tmp_path)
    events = []
    console = DrillConsole(False, 120.0, think_s=6.0)
    console.live = True  # as on a terminal: the status line is drawn

    def seen(event, **data):
        events.append(event)
        console(event, **data)

    services = Services(Store(tmp_path / "home"), speaker, Heard(), script, lambda: engine)
    coach = Coach(services, Settings(think_s=6.0, silence_s=2.0, follow_ups=0), seen, "drill")
    turns = Drill(coach, lambda eng: Spotted(eng)).run([Q1, Q2])
    names = [e for e in events if e in ("command", "paused", "resumed", "no_answer", "answer", "question")]
    assert names == ["question", "command", "paused", "command", "resumed", "answer", "command"], names
    assert len(turns) == 1 and turns[0].feedback.question == Q1.text
    assert "releases" in turns[0].feedback.transcript
    assert Q2.text not in speaker.said
    lines = _status_lines(capsys.readouterr().err)
    after = lines[lines.index("Resumed.") + 1:]
    waiting = [line for line in after if "s left" in line]
    assert waiting and waiting[0].endswith(("6 s left", "5 s left")), after[:3]
    # it counts down to the answer: about 5 s of waiting shown, never "listening" to a finished answer
    assert len({line.split()[-3] for line in waiting}) >= 3, waiting


def _drill_saying(tmp_path, engine, *recordings):
    """A drill over Q1 and Q2 where the person says `recordings`, then "stop the drill": its turns, what
    the tool said, its events and the spotter's verdicts."""
    stop = flite("stop the drill", tmp_path / "stop.wav")
    speaker = Words(tmp_path)
    events = []
    services = Services(Store(tmp_path / "home"), speaker, Heard(), Script(*recordings, stop), lambda: engine)
    coach = Coach(services, Settings(think_s=6.0, silence_s=2.0, follow_ups=0), lambda e, **d: events.append(e),
                  "drill")
    spotter = Spotted(engine)
    turns = Drill(coach, lambda eng: spotter).run([Q1, Q2])
    return turns, speaker, events, spotter


def test_a_stretch_neither_answer_nor_command_is_said_to_be_unclear(tmp_path, engine, answer_wav):
    """Issue 20.5: "repeat" in espeak-ng's en-gb voice is heard as no command at all, and it is too short
    to be an answer: the drill says it did not catch that and keeps waiting on the same question."""
    said_repeat = espeak("repeat", tmp_path / "repeat.wav", "en-gb")
    turns, speaker, events, spotter = _drill_saying(tmp_path, engine, said_repeat, answer_wav)
    assert spotter.verdicts[0] is None, f"the spotter now hears {spotter.verdicts[0]}: use another stretch"
    said = speaker.said
    assert said[:2] == [Q1.text, "Sorry, I did not catch that. Nothing was done."], said
    assert "no_answer" not in events and "not_understood" in events
    assert len(turns) == 1 and turns[0].feedback.question == Q1.text  # the answer came after it
    assert Q2.text not in said and said[-1] == "Stopping the drill."


def test_after_the_feedback_a_stretch_that_is_no_command_is_said_to_be_unclear(tmp_path, engine, answer_wav):
    """Issue 20.5, after the feedback: the unrecognised "repeat" is not ignored until the think time
    runs out and the drill moves on; the drill says it did not catch that and listens again."""
    said_repeat = espeak("repeat", tmp_path / "repeat.wav", "en-gb")
    turns, speaker, events, spotter = _drill_saying(tmp_path, engine, answer_wav, said_repeat)
    assert spotter.verdicts[1] is None, f"the spotter now hears {spotter.verdicts[1]}: use another stretch"
    said = speaker.said
    assert said[0] == Q1.text and said[1].startswith("That ran"), said
    assert said[2:] == ["Sorry, I did not catch that. Nothing was done.", "Stopping the drill."], said
    assert len(turns) == 1 and "not_understood" in events


def test_paused_mid_answer_the_answer_waits_the_think_time_after_resume(tmp_path, engine, answer_wav):
    """Issue 20.4 in the middle of an answer: after "resume" the person may think for the whole think
    time before going on (5 of 6 s here; 2 s of silence end an answer); both halves are one answer."""
    first = flite("Our deployment scripts kept failing every week, and", tmp_path / "first.wav")
    rest = flite("I rewrote them myself and added tests. As a result, releases took ten minutes instead of two "
                 "hours.", tmp_path / "rest.wav")
    pause = flite("pause", tmp_path / "pause.wav")
    resume = flite("resume", tmp_path / "resume.wav")
    stop = flite("stop the drill", tmp_path / "stop.wav")
    script = Script(_joined(tmp_path / "1.wav", first, pause), resume, (rest, 5.0), stop)
    speaker = Words(tmp_path)
    events = []
    services = Services(Store(tmp_path / "home"), speaker, Heard(), script, lambda: engine)
    coach = Coach(services, Settings(think_s=6.0, silence_s=2.0, follow_ups=0), lambda e, **d: events.append(e),
                  "drill")
    turns = Drill(coach, lambda eng: Spotted(eng)).run([Q1, Q2])
    assert "paused" in events and "resumed" in events
    assert len(turns) == 1 and turns[0].feedback.question == Q1.text
    heard = turns[0].feedback.transcript
    assert "week" in heard and "releases" in heard and "pause" not in heard, heard
    assert speaker.said[-1] == "Stopping the drill." and Q2.text not in speaker.said


def _noisy(path, clean, snr_db: float = 0.0):
    """A recording drowned in a steady hiss, as in a loud room (the recognizer loses the words)."""
    import soundfile

    x, rate = soundfile.read(str(clean), dtype="float32")
    rms = float(np.sqrt(np.mean(x**2)))
    noise = np.random.default_rng(3).standard_normal(len(x)).astype(np.float32) * rms / 10 ** (snr_db / 20)
    soundfile.write(str(path), np.clip(x + noise, -1, 1), rate)
    return path


def test_remind_quotes_only_what_the_person_wrote_or_was_heard_reliably(tmp_path, engine, answer_wav):
    """Issue 20.14: --remind says a typed recall's first sentence, a spoken recall's first sentence only
    when its transcript was judged reliable, and else when it was answered, never the misheard words."""
    import random

    from rehearse.practice import recall_by_voice, recall_text, round_two_questions

    q_noisy = Question("Tell me about a time you had to meet a tight deadline.")
    q_typed = Question("Tell me about a time you led a team through a change.")
    noisy = _noisy(tmp_path / "noisy.wav", answer_wav)
    coach, _ = coach_for(tmp_path, engine, Script(noisy, answer_wav), practice="recall")
    unreliable = recall_by_voice(coach, q_noisy).feedback
    coach.session_id = None
    reliable = recall_by_voice(coach, Q1).feedback
    assert not unreliable.reliable and reliable.reliable, (unreliable.transcript, reliable.transcript)
    recall_text(coach.store, q_typed, "I led the move to a new billing system! It took six months and "
                                      "everyone was nervous.")
    questions, previous = round_two_questions(coach.store, None, 3, random.Random(0))
    speaker = Words(tmp_path)
    events = []
    services = Services(coach.store, speaker, Heard(), Script(), lambda: engine)
    round2 = Coach(services, Settings(think_s=1.0, silence_s=2.0, follow_ups=0),
                   lambda e, **d: events.append((e, d)), "interview", round=2, previous=previous)
    Interview(round2, remind=True).run(questions)
    said = speaker.said
    shown = {d["question"].text: d for e, d in events if e == "reminder"}
    assert set(shown) == {q_noisy.text, q_typed.text, Q1.text}
    m, s = divmod(round(unreliable.answer_s), 60)
    assert f"You answered this in round 1 ({m}:{s:02d})." in said
    assert shown[q_noisy.text]["text"] is None  # nothing quoted, on screen either
    assert not any(w in " ".join(said) for w in unreliable.transcript.split() if len(w) > 3 and w not in
                   "answered round")
    assert "In your first interview you said: I led the move to a new billing system!" in said
    assert not any("six months" in line for line in said)
    assert f"In your first interview you said: {' '.join(reliable.transcript.split()[:30])}" in said
    assert said.index(f"You answered this in round 1 ({m}:{s:02d}).") == said.index(q_noisy.text) - 1


NEW_EXAMPLE = Question("I know we asked this last time, but tell me again about a difficult problem you solved. "
                       "Choose a different example.", "second-interview")
OTHER_STORY = ("Our warehouse shipped the wrong items in one order out of fifty. I introduced barcode scanning at "
               "packing and retrained forty people. Wrong shipments fell to one in five hundred.")


@pytest.mark.parametrize("told_in", ["recalled", "practice"])
def test_round_two_warns_when_the_different_example_is_the_round_one_story_again(tmp_path, engine, answer_wav,
                                                                                  told_in):
    """Issue 20.10: a question that asks for a different example is compared with every round-1 answer
    (a recalled one, or a story told in round-1 practice), not only with its own recalled answer."""
    import random

    from rehearse import render
    from rehearse.practice import recall_text, round_two_questions

    coach, _ = coach_for(tmp_path, engine, Script(answer_wav))
    difficult = Question("Tell me about a time you solved a difficult problem at work.")
    if told_in == "recalled":
        recall_text(coach.store, difficult, ANSWER)
    else:
        Interview(coach).run([difficult])
        recall_text(coach.store, Question("Why do you want this job?", "motivation"), "I like building tools.")
    _, previous = round_two_questions(coach.store, None, 1, random.Random(0))
    other = flite(OTHER_STORY, tmp_path / "other.wav")
    for said, retold in ((answer_wav, True), (other, False)):
        services = Services(coach.store, Words(tmp_path), Heard(), Script(said), lambda: engine)
        round2 = Coach(services, Settings(think_s=6.0, silence_s=2.0, follow_ups=0), lambda e, **d: None,
                       "interview", round=2, previous=previous)
        fb = Interview(round2).run([NEW_EXAMPLE])[0].feedback
        r2 = fb.data["round2"]
        assert r2["retold"] is retold, (r2["similarity"], fb.transcript)
        warned = [t for t in fb.tips if "different example" in t]
        card = render.card(fb, title="")
        if retold:
            assert r2["compared_with"]["question"] == difficult.text
            assert warned and difficult.text in warned[0], fb.tips
            assert "(a retold story)" in card
        else:
            assert not warned and "(a retold story)" not in card and r2["similarity"] < 0.2


def test_a_command_after_resume_is_placed_in_the_answer_it_ends(tmp_path, engine):
    """After a pause mid-answer, "next" ends the answer and keeps both halves: the command's place is
    reckoned from the start of the answer, not from the start of the listening after "resume"; the
    commands are not part of the transcript."""
    first = flite("Our deployment scripts kept failing every week, and", tmp_path / "first.wav")
    rest = flite("I rewrote them myself and added tests. As a result, releases took ten minutes instead of two "
                 "hours.", tmp_path / "rest.wav")
    pause = flite("pause", tmp_path / "pause.wav")
    resume = flite("resume", tmp_path / "resume.wav")
    nxt = flite("next", tmp_path / "next.wav")
    stop = flite("stop the drill", tmp_path / "stop.wav")
    script = Script(_joined(tmp_path / "1.wav", first, pause), resume, _joined(tmp_path / "2.wav", rest, nxt), stop)
    speaker = Words(tmp_path)
    events = []
    services = Services(Store(tmp_path / "home"), speaker, Heard(), script, lambda: engine)
    coach = Coach(services, Settings(think_s=6.0, silence_s=4.0, follow_ups=0, endpoint="fixed"),
                  lambda e, **d: events.append((e, d)), "drill")
    turns = Drill(coach, lambda eng: Spotted(eng)).run([Q1, Q2])
    assert [d["command"] for e, d in events if e == "command"] == ["pause", "resume", "next", "stop"]
    assert len(turns) == 1 and turns[0].feedback.ended_by == "command" and turns[0].feedback.question == Q1.text
    heard = turns[0].feedback.transcript
    assert "week" in heard and "releases" in heard, heard
    assert "pause" not in heard and "next" not in heard, heard
