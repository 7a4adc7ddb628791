"""Every view over every shape of answer, in process (issue 20): the card, the history line, stats, the
report's section and progress, replay, the round-2 comparison and the spoken feedback, for an answer
to a question of every rubric (and a second-interview question) in every state an answer can be in:
its checks or C/A/R present, none passed, a transcript too unsure to judge, a typed recall, no speech
at all, too short to judge, and stored by an older checker (so the store judges it again). None may
raise, and no question that asks for no story may be shown a story's parts."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from rehearse import render
from rehearse.audio import write_wav
from rehearse.cli import cli
from rehearse.feedback import Feedback, practice_stats
from rehearse.judge.analysis import ANALYSIS_VERSION, analyze, words_from_text
from rehearse.judge.kinds import target_for, target_s_for
from rehearse.judge.reliability import Reliability
from rehearse.judge.second_round import second_round
from rehearse.judge.yardsticks import check_names
from rehearse.practice import feedback_sentence, recall_text
from rehearse.questions import Question
from rehearse.report import answer_section, progress_svg, write_report
from rehearse.scoring import Score
from rehearse.store import Store
from rehearse.transcript import Span, Word

# (rubric, question, kind, an answer that meets its yardstick, one that meets none of it)
QUESTIONS = [
    ("car", "Tell me about a time you solved a difficult problem at work.", "behavioural",
     "Our checkout page kept crashing during sales and we were losing orders. I traced the crashes to a slow "
     "query, rewrote it and added a cache. As a result the page has not crashed since and sales grew by twenty "
     "percent.",
     "I think I am quite good with people in general and I like a good team."),
    ("car", "Tell me about a time you worked with a much larger team than you have now.", "second-interview",
     "Last year our team of four joined a programme of sixty people and nobody knew who decided what. I set up "
     "a weekly call with the other leads and wrote down who owned each decision. In the end we shipped on time "
     "and the programme kept my decision log.",
     "Bigger teams are fine for me, I get on with most people."),
    ("about-yourself", "Tell me about yourself.", "motivation",
     "I am a warehouse supervisor at a food wholesaler. Last year I cut our picking errors in half. Now I want "
     "to lead a larger site, which is why I applied.",
     "Well, I like football and cooking."),
    ("why-here", "Why do you want to work here?", "motivation",
     "I use your route planner every week in my own job, and in my current role I built the depot schedule by "
     "hand. I want to help build the next version of it here.",
     "It seems like a nice place."),
    ("why-leaving", "Why are you leaving your current job?", "motivation",
     "I have learned a lot there, and now I want to lead a team of my own, which this role offers.",
     "My manager is useless and the company is a mess, honestly."),
    ("five-years", "Where do you see yourself in five years?", "motivation",
     "In five years I want to lead the planning team here, and I am studying logistics at night to get there.",
     "Not sure really, we will see."),
    ("objection", "You have never managed a team.", "objection",
     "That's true, I have not had the title. But last year I led the migration project with four colleagues, "
     "and I plan to take the management course in my first months.",
     "I would be fine with that, I pick things up."),
    ("closing", "Do you have any questions for us?", "closing",
     "What does a normal week look like for the team, how do you train new people, and could I see where I "
     "would be working?",
     "No, I think you covered everything."),
]
SHAPES = ("present", "none", "unreliable", "typed", "no_speech", "too_short", "older")
NO_STORY = re.compile(r"(?i:challenge|story|C/A/R)|\b[CAR]:(yes|no)\b|MISSING|\bCAR\b")


def timed(text: str, start: float = 0.6, step: float = 0.35) -> list[Word]:
    """The transcript a recognizer gives: lower case, no punctuation, timed word by word."""
    words = [w for w in words_from_text(text) if w.word not in ".!?;:,"]
    return [Word(w.word, round(start + i * step, 2), round(start + i * step + step * 0.8, 2), 0.9)
            for i, w in enumerate(words)]


def heard(text: str | None, rubric: str, kind: str, reliable: bool = True, words: list[Word] | None = None) -> dict:
    """A recorded answer's JSON as `score_heard` makes it, from its words (no audio needed)."""
    words = timed(text) if words is None else words
    span = Span(words[0].start - 0.1, words[-1].end + 0.1) if words else None
    a = analyze(words, span or Span(0.0, 0.0), target_s_for(rubric, None), from_speech=True)
    rel = Reliability(True, None) if reliable else Reliability(False, "the room is noisy or echoing: the "
                                                               "recognizer could not follow; try a quieter room")
    score = Score(None, "pocketsphinx", "pocketsphinx en-us (bundled)", (span.end if span else 3.0) + 0.3, span,
                  span.length if span else 0.0, a, rel, rubric, kind=kind)
    return score.to_json()


def older(data: dict, rubric: str) -> dict:
    """The same answer as an older checker stored it: another version, and (before yardsticks) C/A/R for
    every question, with no rubric or checks."""
    out = {**data, "analysis_version": ANALYSIS_VERSION - 1}
    if rubric != "car":
        a = analyze([Word(**w) for w in data["words"]], Span(data["answer_start_s"], data["answer_end_s"]),
                    from_speech=True)
        out.update({"car": a.car_json(), "tips": a.tips})
        for key in ("rubric", "checks", "kind", "judged", "reason"):
            out.pop(key, None)
    return out


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A store holding every shape of answer to every question, and the Feedback of each as it was made."""
    root = tmp_path_factory.mktemp("home")
    store = Store(root)
    sid = store.start_session("interview")
    made: dict[tuple[int, str], Feedback] = {}
    for i, (rubric, question, kind, good, bad) in enumerate(QUESTIONS):
        q = Question(question, kind)
        shapes = {
            "present": heard(good, rubric, kind),
            "none": heard(bad, rubric, kind),
            "unreliable": heard(good, rubric, kind, reliable=False),
            "no_speech": heard(None, rubric, kind, words=[]),
            "too_short": heard(None, rubric, kind, words=[Word("yes", 0.2, 0.45, 0.9), Word("so", 0.5, 0.7, 0.8)]),
        }
        shapes["older"] = older(shapes["present"], rubric)
        for shape, data in shapes.items():
            audio = store.new_audio_path(f"{i}-{shape}")
            write_wav(audio, np.zeros(1600, dtype=np.float32))
            data = {**data, "question": question, "question_kind": kind, "session_id": sid, "ended_by": "silence",
                    "audio_path": str(audio), "feedback_latency_s": 0.01}
            made[(i, shape)] = store.add_answer(Feedback.from_json(data))
        made[(i, "typed")] = store.answer(recall_text(store, q, good))
    store.end_session(sid)
    return store, made


def stored(home) -> dict[tuple[int, str], Feedback]:
    store, made = home
    by_id = {fb.answer_id: fb for fb in store.answers()}
    return {key: by_id[fb.answer_id] for key, fb in made.items()}


def each():
    return [pytest.param(i, shape, id=f"{QUESTIONS[i][0]}-{QUESTIONS[i][2]}-{shape}")
            for i in range(len(QUESTIONS)) for shape in SHAPES]


def _text_views(fb: Feedback, tmp_path: Path) -> dict[str, str]:
    """Every view of one answer as text (the report's as its HTML)."""
    return {
        "card": render.card(fb, title=render.answer_title(fb)),
        "history": render.history([fb]),
        "stats": render.stats(practice_stats([fb], 1)),
        "report section": answer_section(fb, tmp_path / "r.html", True),
        "progress": progress_svg([fb], fb.question or ""),
        "spoken feedback": feedback_sentence(fb),
    }


@pytest.mark.parametrize("i, shape", each())
def test_every_view_of_every_shape(home, tmp_path, i, shape):
    rubric, question, kind, good, bad = QUESTIONS[i]
    fresh = home[1][(i, shape)]
    kept = stored(home)[(i, shape)]
    for fb in (fresh, kept):
        views = _text_views(fb, tmp_path)
        if rubric != "car" or shape == "too_short":
            for name, text in views.items():
                assert not NO_STORY.search(text), (name, NO_STORY.search(text).group(0), text)
        assert fb.to_json()["kind"] == kind
    # what each shape must show, as the person reads it back
    card = render.card(kept, title=render.answer_title(kept))
    line = render.verdict_line(kept)
    assert kept.data["rubric"] == rubric and kept.data["analysis_version"] == ANALYSIS_VERSION
    if shape == "too_short":
        assert card.splitlines()[1].strip().startswith("Too short to judge") and len(card.splitlines()) == 2
        assert "too short" in line and kept.tips == [] and kept.checks == []
    elif shape == "unreliable":
        assert ("Story    not judged" if rubric == "car" else "too unsure to judge the answer") in card
        assert "not judged" in line
    elif shape == "typed":
        assert "typed" in line and "pauses over" not in card and "No speech" not in card
    elif shape == "no_speech":
        assert "No speech was recognized" in card
    elif shape == "older":
        assert kept.data["rejudged"] is True and kept.data["reanalysed_from"] == ANALYSIS_VERSION - 1
        # judged again against its own kind's band, not one made from the target as if the user set it
        assert (kept.length["low_s"], kept.length["high_s"]) == target_for(rubric)[1:]
    if rubric == "car" and shape in ("present", "none", "older", "typed", "no_speech"):
        # a story's parts, whatever the reader found (its quality is measured elsewhere)
        assert re.search(r"\n  Challenge (yes|MISSING).*\n  Action    (yes|MISSING).*\n  Result    (yes|MISSING)",
                         card), card
        assert re.search(r"C:(yes|no) A:(yes|no) R:(yes|no)", line), line
    if rubric != "car" and shape not in ("too_short", "unreliable"):
        assert [c["name"] for c in kept.checks] == list(check_names(rubric))
        assert f"/{len(check_names(rubric))} checks" in line
    if rubric != "car" and shape == "present":
        assert any(c["passed"] for c in kept.checks), kept.checks


@pytest.mark.parametrize("i", range(len(QUESTIONS)), ids=[f"{q[0]}-{q[2]}" for q in QUESTIONS])
def test_round_two_comparison_of_every_shape(home, i):
    """Each shape answered in round 2 against each shape recalled from round 1."""
    rubric = QUESTIONS[i][0]
    answers = {shape: fb for (j, shape), fb in stored(home).items() if j == i}
    for before in answers.values():
        for now in answers.values():
            r2 = second_round(now.data, before.data)
            fb = Feedback.from_json({**now.data, "round2": r2, "tips": (r2["tips"] + now.tips)[:3], "round": 2})
            text = "\n".join([render.card(fb), render.extras(fb), feedback_sentence(fb)])
            if rubric != "car":
                assert not NO_STORY.search(text), text
            if now is before and len(now.transcript.split()) > 5:
                assert r2["retold"] and "retold" in render.extras(fb)


def test_stats_and_report_over_every_shape_at_once(home, tmp_path):
    store, _ = home
    answers = store.answers()
    out = practice_stats(answers, len(store.sessions()))
    assert out["answers"] == len(QUESTIONS) * len(SHAPES)
    # the most missing part or check is named; stories count only where a story was judged
    text = render.stats(out)
    assert "Answers      56 answers to 8 questions in " in text
    page = write_report(store, all_answers=True, output=tmp_path / "all.html").read_text()
    for fb in answers:
        assert f'id="answer-{fb.answer_id}"' in page
        section = page.split(f'id="answer-{fb.answer_id}"')[1].split("</section>")[0]
        if fb.rubric != "car":
            assert not NO_STORY.search(section), (fb.answer_id, fb.question)
    table = page.split("Progress as a table")[1].split("</table>")[0]
    assert "typed" in table


class _Player:
    def __init__(self):
        self.played = 0

    def play(self, samples, rate_hz):
        self.played += 1


class _Obj:
    """What `replay` works with: the store, and a player that plays nothing."""

    def __init__(self, store):
        self._store, self.player_used = store, _Player()

    def store(self):
        return self._store

    def player(self, output_device):
        return self.player_used


@pytest.mark.parametrize("i", range(len(QUESTIONS)), ids=[f"{q[0]}-{q[2]}" for q in QUESTIONS])
def test_replay_of_every_shape(home, i, monkeypatch):
    monkeypatch.setattr("rehearse.practice.time.sleep", lambda s: None)  # the words come at once
    store, made = home
    rubric = QUESTIONS[i][0]
    for shape in SHAPES:
        fb = made[(i, shape)]
        obj = _Obj(store)
        r = CliRunner().invoke(cli, ["replay", str(fb.answer_id)], obj=obj, catch_exceptions=False)
        assert r.exit_code == 0, (shape, r.output)
        assert f"Answer #{fb.answer_id}" in r.output
        if shape == "typed":
            assert "typed; there is no recording" in r.output and obj.player_used.played == 0
            assert QUESTIONS[i][3].split()[0] in r.output
        else:
            assert obj.player_used.played == 1
        if rubric != "car":
            assert not NO_STORY.search(r.output), (shape, r.output)
