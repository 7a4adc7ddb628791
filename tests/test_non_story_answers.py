"""Answers to questions that ask for no story (motivation, closing, objection) through the views that
read a story: the report, round two and its crash recovery (issue 20, blockers 1-3)."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import flite

from rehearse.audio import PacedFileSource
from rehearse.cli import cli
from rehearse.practice import Coach, Interview, Services, Settings, round_two_questions
from rehearse.questions import Question
from rehearse.recording import pending
from rehearse.report import write_report
from rehearse.speech import PocketSphinxEngine
from rehearse.store import Store
from rehearse.tts import Speaker

SPEED = 8.0
ABOUT = Question("Tell me about yourself.", "motivation")
CLOSING = Question("Do you have any questions for us?", "closing")
ABOUT_REPLY = ("I am a warehouse supervisor at a food wholesaler. Last year I cut our picking errors "
               "in half. Now I want to lead a larger site, which is why I applied.")


class _Player:
    def play(self, samples, rate_hz):
        pass


class _Said:
    def __init__(self, path):
        self.file = PacedFileSource(path, speed=SPEED)

    def chunks(self):
        import time

        for _ in range(10):
            time.sleep(0.1 / SPEED)
            yield np.zeros(1600, dtype=np.float32)
        yield from self.file.chunks()
        while True:
            time.sleep(0.1 / SPEED)
            yield np.zeros(1600, dtype=np.float32)


@pytest.fixture(scope="module")
def engine():
    return PocketSphinxEngine()


@pytest.fixture(scope="module")
def about_wav(tmp_path_factory):
    return flite(ABOUT_REPLY, tmp_path_factory.mktemp("about") / "about.wav")


def _run(args, **kw):
    return CliRunner().invoke(cli, args, **kw)


@pytest.mark.parametrize("question, kind", [
    ("Do you have any questions for us?", "closing"),
    ("Why do you want to work here?", "motivation"),
    ("You have never managed a team.", "objection"),
])
def test_report_over_an_answer_without_a_story(question, kind):
    """Blocker 1: a closing, motivation or objection answer in the history broke every report."""
    r = _run(["recall", "--question", question, "--kind", kind, "--text",
              "What does a normal week look like for the team, and how do you train new people?"])
    assert r.exit_code == 0, r.output
    for args in (["report", "--all"], ["report"], ["report", "last"]):
        r = _run(args)
        assert r.exit_code == 0, (args, r.output)
        assert "unexpected failure" not in r.output
        assert "Report:" in r.output or "report" in r.output.lower()


def test_report_page_shows_no_story_letters_for_a_closing_answer(tmp_path, engine, about_wav):
    store = Store(tmp_path / "home")
    services = Services(store, Speaker(tmp_path / "speech"), _Player(),
                        lambda: contextlib.nullcontext(_Said(about_wav)), lambda: engine)
    coach = Coach(services, Settings(think_s=6.0, silence_s=2.0, follow_ups=0), lambda e, **d: None, "interview")
    turns = Interview(coach).run([CLOSING])
    assert turns[0].feedback is not None and not turns[0].feedback.car
    page = write_report(store, all_answers=True, output=tmp_path / "r.html").read_text()
    assert "Progress as a table" in page
    # the progress table gives the closing answer its checks, not a C/A/R triple
    row = page.split("Progress as a table")[1].split("</table>")[0]
    assert "C–" not in row and "–––" not in row and "/5" in row


def _round_two_coach(tmp_path, engine, source):
    store = Store(tmp_path / "home")
    from rehearse.practice import recall_text

    recall_text(store, ABOUT, ABOUT_REPLY)
    questions, previous = round_two_questions(store, None, 1, __import__("random").Random(1))
    assert questions[0].text == ABOUT.text
    services = Services(store, Speaker(tmp_path / "speech"), _Player(), source, lambda: engine)
    coach = Coach(services, Settings(think_s=6.0, silence_s=2.0, follow_ups=0), lambda e, **d: None,
                  "interview", 2, previous)
    return coach, questions


def test_round_two_over_a_recalled_tell_me_about_yourself(tmp_path, engine, about_wav):
    """Blocker 2: a recalled motivation question crashed round 2 after its answer."""
    coach, questions = _round_two_coach(tmp_path, engine, lambda: contextlib.nullcontext(_Said(about_wav)))
    turns = Interview(coach).run(questions[:1])
    fb = turns[0].feedback
    assert fb is not None and fb.round == 2
    assert fb.data["round2"]["retold"]  # the same words as round 1
    assert not fb.car


def test_round_two_recovers_an_unfinished_motivation_answer(tmp_path, engine, about_wav):
    """Blocker 2: the recording a crash left was recovered at every start, and crashed every start."""
    class Crash(Exception):
        pass

    class Crashing:
        def chunks(self):
            for i, block in enumerate(PacedFileSource(about_wav, speed=SPEED).chunks()):
                if i == 60:
                    raise Crash
                yield block

    coach, questions = _round_two_coach(tmp_path, engine, lambda: contextlib.nullcontext(Crashing()))
    with pytest.raises(Crash):
        Interview(coach).run(questions[:1])
    assert pending(coach.store.answers_dir)
    coach2, _ = _round_two_coach(tmp_path, engine, lambda: contextlib.nullcontext(_Said(about_wav)))
    recovered = coach2.recover()
    assert len(recovered) == 1 and recovered[0].feedback.question == ABOUT.text
    assert recovered[0].feedback.ended_by == "interrupted"
    assert not pending(coach2.store.answers_dir)


def test_a_follow_ups_setting_out_of_range_is_one_clear_line(tmp_path, monkeypatch):
    """Blocker 3: `follow_ups = 2` gave "unexpected failure" (a TypeError building the message)."""
    home = tmp_path / "rehearse-home"
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("follow_ups = 2\n")
    monkeypatch.setenv("REHEARSE_HOME", str(home))
    r = _run(["stats"])
    assert r.exit_code != 0
    assert r.output.strip().splitlines()[-1].startswith("Error: ")
    assert "follow_ups must be one of 0, 1" in r.output
    assert "unexpected" not in r.output
