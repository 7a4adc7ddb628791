"""A practice home written by an earlier version, read back through every command that reads it
(issue 20: the upgrade path is where the report crash came from).

tests/data/home_v4 was written by main at 6767dcf (schema 4, checker version 4) with
scripts/make_test_home.py: one spoken answer to a question of every rubric and a second-interview
question, a story with its follow-up and the reply, two typed recalls (one of a motivation question,
which that version judged as a story), and a round-2 answer that retells the recalled one. Its
recordings are named where they were made; a home moved elsewhere finds them in its own answers/.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from rehearse.cli import cli
from rehearse.services import App

DATA = Path(__file__).parent / "data"
HOMES = ["home_v4"]
# question → (kind, rubric) it must be judged by, whatever the version that stored it did
EXPECTED = {
    "Tell me about a time you solved a difficult problem at work.": ("behavioural", "car"),
    "Tell me about a time you worked with a much larger team than you have now.": ("second-interview", "car"),
    "Tell me about yourself.": ("motivation", "about-yourself"),
    "Why do you want to work here?": ("motivation", "why-here"),
    "Why are you leaving your current job?": ("motivation", "why-leaving"),
    "Where do you see yourself in five years?": ("motivation", "five-years"),
    "You have never managed a team.": ("objection", "objection"),
    "Do you have any questions for us?": ("closing", "closing"),
    "Tell me about a difficult project.": ("behavioural", "car"),
}
NO_STORY = re.compile(r"(?i:challenge|story|C/A/R)|\b[CAR]:(yes|no)\b|MISSING|\bCAR\b")


class StandIn:
    """A player that plays nothing and counts what it was given."""

    def __init__(self):
        self.played: list[float] = []

    def play(self, samples, rate_hz):
        self.played.append(len(samples) / rate_hz)


class _App(App):
    def __init__(self):
        super().__init__(lambda message: None)
        self.speaker = StandIn()

    def player(self, output_device):
        return self.speaker


@pytest.fixture(params=HOMES)
def home(request, tmp_path, monkeypatch):
    """A copy of the stored home in a new place, as the user's home; its rows read with SQLite alone."""
    copy = tmp_path / "moved" / request.param
    shutil.copytree(DATA / request.param, copy)
    monkeypatch.setenv("REHEARSE_HOME", str(copy))
    db = sqlite3.connect(copy / "rehearse.db")
    rows = db.execute("SELECT a.id, q.text, a.parent_id, a.audio_path, a.ended_by, a.session_id FROM answers a "
                      "LEFT JOIN questions q ON q.id = a.question_id ORDER BY a.id").fetchall()
    db.close()
    return copy, rows


def run(args, app=None):
    r = CliRunner().invoke(cli, args, obj=app or _App(), catch_exceptions=False)
    assert r.exit_code == 0, (args, r.output)
    assert "unexpected failure" not in r.output and "Traceback" not in r.output
    return r


def test_the_stored_home_is_what_the_script_wrote(home):
    copy, rows = home
    assert set(EXPECTED) == {q for _, q, parent, *_ in rows if parent is None}
    assert sum(1 for r in rows if r[2] is not None) == 1  # the follow-up's reply
    assert sum(1 for r in rows if r[4] == "text") == 2  # the typed recalls
    assert not (copy / "rehearse.db-wal").exists()
    wavs = list((copy / "answers").glob("*.wav"))
    assert len(wavs) == len(rows) - 2 and sum(p.stat().st_size for p in wavs) < 2_000_000


def test_history_lists_every_answer_by_its_own_yardstick(home):
    _, rows = home
    listed = run(["history"]).output.split("\nProgress per question")[0].strip().splitlines()
    top = [r for r in rows if r[2] is None]
    # a follow-up reply is listed under its answer as N.1 (ISSUE-NOTES), not as an answer of its own
    lines = [line for line in listed if not line.startswith("  #")]
    assert len(lines) == len(top)
    reply = next(r for r in rows if r[2] is not None)
    at = next(i for i, line in enumerate(listed) if line.startswith(f"#{reply[2]} "))
    assert listed[at + 1].split()[0] == f"#{reply[2]}.1" and "follow-up reply" in listed[at + 1]
    for line in lines:
        ident = int(line.split()[0].lstrip("#"))
        question = next(r[1] for r in rows if r[0] == ident)
        kind, rubric = EXPECTED[question]
        assert question in line
        if rubric == "car":
            assert re.search(r"C:(yes|no) A:(yes|no) R:(yes|no)", line), line
        else:
            assert re.search(r"\d/\d checks", line) and not NO_STORY.search(line), line
        typed = next(r[4] for r in rows if r[0] == ident) == "text"
        assert (" typed " in line) == typed, line
    # the round-2 answer retells the recalled one; its tip says so, as an answer's, not a story's
    progress = run(["history"]).output.split("\nProgress per question")[1]
    assert "This retells your first-interview answer" in progress and "story" not in progress


def test_history_json_names_kind_and_rubric_and_nests_the_reply(home):
    _, rows = home
    objects = [json.loads(line) for line in run(["history", "--json"]).output.splitlines()]
    assert len(objects) == sum(1 for r in rows if r[2] is None)
    for o in objects:
        kind, rubric = EXPECTED[o["question"]]
        assert (o["kind"], o["rubric"]) == (kind, rubric), o["question"]
        assert (o["car"] is None) == (rubric != "car")
        if rubric != "car":
            assert [c["name"] for c in o["checks"]] and not any("story" in t.lower() for t in o["tips"])
        if o["ended_by"] == "text":
            assert o["answer_s"] is None and o["length"] is None
    story = next(o for o in objects if o.get("follow_up"))
    assert story["question"] == "Tell me about a time you solved a difficult problem at work."
    assert story["follow_up"]["answer"]["transcript"] and story["story_car"]["result"]["covered"]
    assert story["story_car"]["result"]["told_in"] == "follow_up"


def test_stats_count_what_is_there(home):
    _, rows = home
    top = [r for r in rows if r[2] is None]
    out = run(["stats"]).output
    sessions = len({r[5] for r in top})
    assert f"Answers      {len(top)} answers to {len(EXPECTED)} questions in {sessions} sessions" in out
    figures = json.loads(run(["stats", "--json"]).output)
    assert figures["answers"] == len(top) and figures["questions"] == len(EXPECTED)
    assert figures["practice_s"] > 20


def test_report_of_everything(home, tmp_path):
    copy, rows = home
    out = tmp_path / "all.html"
    assert run(["report", "--all", "-o", str(out)]).output.strip() == str(out)
    page = out.read_text()
    for ident, question, parent, audio, ended_by, _ in rows:
        if parent is not None:
            continue
        section = page.split(f'id="answer-{ident}"')[1].split("</section>")[0]
        if EXPECTED[question][1] != "car":
            assert not NO_STORY.search(section), (ident, question, NO_STORY.search(section).group(0))
        assert ("data:audio/wav;base64," in section) == (ended_by != "text"), ident
    reply = next(r for r in rows if r[2] is not None)
    under = page.split(f'id="answer-{reply[2]}"')[1]
    assert "Follow-up:" in under.split('<section class="answer" id=')[0]
    assert page.count("data:audio/wav;base64,") == len(rows) - 2  # every recording, the reply's too
    table = page.split("Progress as a table")[1].split("</table>")[0]
    assert table.count("<td>typed</td>") == 2


def test_replay_of_every_answer(home, monkeypatch):
    monkeypatch.setattr("rehearse.practice.time.sleep", lambda s: None)  # the words come at once
    _, rows = home
    for ident, question, parent, audio, ended_by, _ in rows:
        app = _App()
        out = run(["replay", str(ident)], app).output
        # a follow-up reply is found by its own row number too, and named as its answer's N.1
        assert (f"Follow-up #{parent}.1 to answer #{parent}" if parent else f"Answer #{ident}") in out
        if ended_by == "text":
            assert "typed; there is no recording" in out and not app.speaker.played
        else:
            assert len(app.speaker.played) == 1 and app.speaker.played[0] > 0.5
        if EXPECTED.get(question, ("", "car"))[1] != "car":
            assert not NO_STORY.search(out), (ident, out)
