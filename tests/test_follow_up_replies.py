"""A follow-up reply is part of its answer (issue 20, items 6, 7 and 12): it is shown under its
answer as 7.1, with no length target, C/A/R, checks or tips of its own, and the answer's tips agree
with the story told over both. In process, on answers kept as an interview keeps them (no audio is
heard: the words and times are written here), both as today's interview keeps them and as an
earlier version did (the reply with a verdict of its own), which must read back the same way."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from click.testing import CliRunner

from rehearse import render
from rehearse.audio import write_wav
from rehearse.cli import cli
from rehearse.feedback import Feedback
from rehearse.judge.analysis import analyze, fmt_minutes
from rehearse.judge.kinds import target_s_for
from rehearse.questions import rubric_for
from rehearse.scoring import Score
from rehearse.services import App
from rehearse.store import Store
from rehearse.transcript import Span, Word

STORY_Q = "Tell me about a time you fixed something that was broken."
NO_RESULT = ("Our warehouse kept shipping the wrong parcels and customers were complaining every week. "
             "I walked the packing line with the shift lead and I rewrote the packing checklist. "
             "I also trained the night shift on the new scanners.")
OUTCOME_Q = "So what happened as a result?"
# the result comes a few seconds into the reply, so its time in the reply is not 0:00
OUTCOME = ("It took a few weeks of steady work with the whole team. "
           "In the end wrong parcels fell from about thirty a week to two.")

WHY_HERE_Q = "Why do you want to work here?"
GENERIC = ("I really like your company and it seems like a great place to work. "
           "I want to learn and grow here and be part of a good team.")
EXPERIENCE_Q = "What have you done before that makes this a good fit?"
EXPERIENCE = ("In my current job I built the billing system for a small shop, "
              "so I know payments well and that is what your team does.")

VERDICT_KEYS = {"car", "checks", "length", "tips", "story_car", "story_checks", "rubric"}


def words_of(text: str, start_s: float, word_s: float) -> list[Word]:
    """A recognizer's words: lower case, no punctuation, one every `word_s` seconds."""
    plain = re.sub(r"[^\w\s']", " ", text.lower()).split()
    return [Word(w, start_s + i * word_s, start_s + i * word_s + word_s * 0.8) for i, w in enumerate(plain)]


def heard(text: str, question: str, kind: str, audio, word_s: float = 0.4) -> dict:
    """An answer's JSON as an interview keeps it, for words heard from 0.3 s into its recording."""
    words = words_of(text, 0.3, word_s)
    span = Span(words[0].start, words[-1].end)
    rubric = rubric_for(kind, question)
    a = analyze(words, span, target_s_for(rubric, None), from_speech=True)
    score = Score(str(audio), "pocketsphinx", "test", span.end + 0.3, span, span.length, a, None, rubric)
    write_wav(audio, np.zeros(int((span.end + 0.3) * 16_000), dtype=np.float32))
    return {**score.to_json(), "question": question, "question_kind": kind, "audio_path": str(audio),
            "ended_by": "silence", "round": 1, "feedback_latency_s": 0.01}


def keep(store: Store, shape: str, answer: dict, fu_question: str, reason: str, reply: dict) -> int:
    """Keep an answer, its follow-up and the reply linked to it, as an interview does (`now`) or as
    an earlier version did (`before`: the reply nested whole, with its own C/A/R, length and tips, and
    the answer's tips its own)."""
    sid = store.start_session("interview")
    fb = store.add_answer(Feedback.from_json({**answer, "session_id": sid}))
    kept = store.add_answer(Feedback.from_json({**reply, "session_id": sid, "question": fu_question,
                                                "parent_id": fb.answer_id}))
    follow_up = {"question": fu_question, "reason": reason, "latency_s": 0.3}
    if shape == "now":
        from rehearse.feedback import with_follow_up

        data = with_follow_up(fb.to_json(), follow_up, kept.to_json())
    else:
        from rehearse.judge.story import story_car, story_checks

        data = {**fb.to_json(), "follow_up": {**follow_up, "answer": kept.to_json()}}
        if fb.car:
            data["story_car"] = story_car(fb.to_json(), kept.to_json())
        else:
            data["story_checks"] = story_checks(fb.checks, kept.checks)
    store.update_answer(Feedback.from_json(data))
    store.end_session(sid)
    return fb.answer_id


@pytest.fixture(params=["now", "before"])
def story_home(request, tmp_path):
    """A behavioural answer without its result, and the reply that tells it (answer 1, reply 1.1)."""
    store = Store()  # $REHEARSE_HOME, as the command line finds it
    answer = heard(NO_RESULT, STORY_Q, "behavioural", tmp_path / "a.wav")
    reply = heard(OUTCOME, OUTCOME_Q, "behavioural", tmp_path / "r.wav")
    assert not answer["car"]["result"]["covered"]  # the answer alone has no result ...
    assert reply["length"]["verdict"] == "short" and reply["tips"]  # ... and the reply alone had a verdict
    keep(store, request.param, answer, OUTCOME_Q, "missing_result", reply)
    return store


class Player:
    """A stand-in speaker: notes how long each sound it was given lasts."""

    def __init__(self):
        self.played: list[float] = []

    def play(self, samples, rate_hz):
        self.played.append(len(samples) / rate_hz)


class Home(App):
    def __init__(self, player):
        super().__init__(lambda message: None)
        self._player = player

    def player(self, output_device):
        return self._player


def run(*args, obj=None):
    return CliRunner().invoke(cli, list(args), obj=obj, catch_exceptions=False)


# --- item 6: a reply is not judged as a story of its own ------------------------------------------


def test_the_replys_card_has_no_target_story_checks_or_tips_of_its_own(story_home):
    for number in ("1.1", 2):  # by the number history shows, and by the reply's own row
        fb = story_home.answer(number)
        card = render.card(fb, title=render.answer_title(fb))
        lines = card.splitlines()
        assert lines[0] == "Follow-up #1.1 (you paused)", card
        assert re.search(r"^  Length   0:\d\d$", card, re.M), card  # its length, with no target or verdict
        for verdict in ("target", "short", "MISSING", "Challenge", "Action", "Result", "Next time",
                        "Open with the challenge", "No result stated", "Story"):
            assert verdict not in card, (verdict, card)
        assert "Part of answer #1" in card


def test_the_report_shows_the_reply_under_its_answer_with_no_target_bar_or_verdict(story_home, tmp_path):
    from rehearse.report import write_report

    page = write_report(story_home, output=tmp_path / "page.html").read_text()
    main_at = page.index('id="answer-1"')
    reply_at = page.index('<section class="answer follow-up" id="answer-1.1">')
    assert main_at < reply_at
    reply = page[reply_at:page.index("</section>", reply_at)]
    assert OUTCOME_Q in reply and 'data-s="' in reply  # its question and its words
    assert 'class="target"' not in reply and "end on target" not in reply and "target" not in reply
    for verdict in ("Covered", "missing", "Time spent", "Next time", "short", "Open with the challenge"):
        assert verdict not in reply, verdict
    assert "Judged with its answer above" in reply
    main = page[main_at:reply_at]
    assert 'class="target"' in main and "target 2:00" in main  # the answer keeps its own


# --- item 7: the tips agree with the story over answer and reply --------------------------------


def test_tips_and_times_agree_with_the_story_over_answer_and_reply(story_home, tmp_path):
    fb = story_home.answers()[0]
    assert fb.story["result"]["covered"] and fb.story["result"]["told_in"] == "follow_up"
    assert not any(t.startswith("No result stated") for t in fb.tips), fb.tips
    assert fb.tips  # the story still has things to work on (its length: 0:12 of 2:00)
    card = render.card(fb, title=render.answer_title(fb))
    assert "No result stated" not in card
    # "at" is the time in the reply where the result is told, not 0:00
    said = re.search(r'Result    yes in the follow-up at (\d:\d\d): "(.+?)"', card)
    assert said, card
    first_word = said.group(2).split()[0]
    reply_words = fb.follow_up["answer"]["words"]
    at = next(w["start"] for w in reply_words if w["word"] == first_word)
    assert said.group(1) == fmt_minutes(at) != "0:00"
    from rehearse.report import write_report

    page = write_report(story_home, output=tmp_path / "page.html").read_text()
    assert "Covered <b>Challenge, Action, Result</b>" in page
    assert "No result stated" not in page


def test_a_non_story_answer_and_its_reply_are_judged_by_its_own_checks_together(tmp_path):
    store = Store()
    answer = heard(GENERIC, WHY_HERE_Q, "motivation", tmp_path / "a.wav")
    reply = heard(EXPERIENCE, EXPERIENCE_Q, "motivation", tmp_path / "r.wav")
    failed = [c["name"] for c in answer["checks"] if not c["passed"]]
    assert "own_experience" in failed and any(t.startswith("Tie it to your own experience") for t in answer["tips"])
    keep(store, "before", answer, EXPERIENCE_Q, "own_experience", reply)
    fb = store.answers()[0]
    assert [c["name"] for c in fb.checks] == ["specific", "own_experience", "forward"]
    assert all(c["passed"] for c in fb.checks), fb.checks
    assert not any(t.startswith("Tie it to your own experience") for t in fb.tips), fb.tips
    card = render.card(store.answer("1.1"))
    assert "Own experience" not in card and "Specific" not in card and "target" not in card, card


# --- item 12: a reply is found by its number ----------------------------------------------------


def test_history_lists_the_reply_under_its_answer_as_7_1(story_home):
    out = run("history").output.splitlines()
    at = next(i for i, line in enumerate(out) if line.startswith("#1 "))
    reply = out[at + 1]
    assert reply.startswith("  #1.1 ") and OUTCOME_Q in reply, out
    assert "C:" not in reply and "short" not in reply and "checks" not in reply
    card = render.card(story_home.answers()[0])
    assert re.search(r'Follow-up "So what happened as a result\?" \(no result yet\): reply #1\.1, 0:\d\d', card), card


@pytest.mark.parametrize("shape", ["now", "before"])
def test_replay_plays_a_reply_by_its_number(shape, tmp_path):
    # quick words, so showing them in time takes half a second
    store = Store(tmp_path / "quick")
    answer = heard(NO_RESULT, STORY_Q, "behavioural", tmp_path / "qa.wav", word_s=0.02)
    reply = heard(OUTCOME, OUTCOME_Q, "behavioural", tmp_path / "qr.wav", word_s=0.02)
    keep(store, shape, answer, OUTCOME_Q, "missing_result", reply)
    player = Player()
    home = Home(player)
    home._store = store
    r = run("replay", "1.1", obj=home)
    assert r.exit_code == 0
    assert "Follow-up #1.1 to answer #1: So what happened as a result?" in r.output
    assert "it took a few weeks" in r.output and "Follow-up #1.1 (you paused)" in r.output
    assert "target" not in r.output and "MISSING" not in r.output and "Next time" not in r.output
    assert player.played == [pytest.approx(reply["duration_s"], abs=0.01)]  # the reply's own recording
    missing = CliRunner().invoke(cli, ["replay", "1.2"], obj=home)
    assert missing.exit_code == 1 and missing.output == "Error: no answer number 1.2\n"


def test_json_nests_the_reply_with_no_verdict_of_its_own(story_home):
    rows = [json.loads(line) for line in run("history", "--json").output.splitlines()]
    assert len(rows) == 1  # the reply is no answer of its own ...
    fu = rows[0]["follow_up"]
    assert {"question", "reason", "answer"} <= set(fu) and fu["question"] == OUTCOME_Q
    reply = fu["answer"]  # ... but nested in its answer
    assert {"transcript", "words", "duration_s", "answer_s", "audio_path", "answer_id"} <= set(reply)
    assert not VERDICT_KEYS & set(reply) and "follow_up" not in reply, sorted(reply)
    assert "parcels" in reply["transcript"]
    assert rows[0]["story_car"]["result"]["told_in"] == "follow_up"
    # its clauses, when kept, are read as part of the story (a result, not an opening)
    labels = {c["label"] for c in reply.get("clauses", [])}
    assert labels <= {"result", "action", "challenge", "other"}


def test_stats_count_the_answer_not_its_reply(story_home):
    out = story_home.stats()
    assert out["answers"] == 1 and out["questions"] == 1 and out["sessions"] == 1
    assert json.loads(run("stats", "--json").output)["answers"] == 1
    assert story_home.practice_counts().get(OUTCOME_Q, 0) == 0
