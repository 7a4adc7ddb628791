"""What a new user tripped over (issue 16), each held by a test where a test can hold it."""

from __future__ import annotations

import json
import random

from click.testing import CliRunner

from rehearse.cli import cli
from rehearse.questions import load_bank
from rehearse.store import Store


def test_drill_help_does_not_contradict_itself():
    out = CliRunner().invoke(cli, ["drill", "--help"], catch_exceptions=False).output
    assert "--speak-feedback" not in out and "feedback spoken" in out


def test_no_second_interview_question_in_a_first_interview_unless_chosen(tmp_path):
    from rehearse.practice import first_round_questions

    store = Store(tmp_path)
    chosen = first_round_questions(store, None, 100, random.Random(1))
    assert chosen and all(q.kind != "second-interview" for q in chosen)
    asked = first_round_questions(store, "second-interview", 3, random.Random(1))
    assert asked and all(q.kind == "second-interview" for q in asked)  # when chosen, they come


def test_both_spellings_and_the_same_banks_everywhere():
    assert load_bank("behavioral") == load_bank("behavioural")
    out = CliRunner().invoke(cli, ["questions", "list", "--bank", "nonsense"])
    assert out.exit_code == 1
    listed = out.output.split("(")[-1]
    help_text = CliRunner().invoke(cli, ["interview", "--help"]).output
    for kind in ("behavioural", "second-interview", "objection", "motivation", "closing"):
        assert kind in listed and kind in " ".join(help_text.split())


def test_typed_text_shows_the_delivery_its_json_counts():
    text = "Um, so basically I think the queue was, um, kind of slow. I rewrote it and waits fell by half."
    runner = CliRunner()
    data = json.loads(runner.invoke(cli, ["analyze", "--json", "-"], input=text, catch_exceptions=False).output)
    card = runner.invoke(cli, ["analyze", "-"], input=text, catch_exceptions=False).output
    line = next(x for x in card.splitlines() if x.strip().startswith("Delivery"))
    assert data["delivery"]["fillers"] >= 2 and f"{data['delivery']['fillers']} fillers" in line
    assert f"{data['delivery']['hedges']} hedge" in line


def test_a_five_year_answer_is_not_coached_as_a_story():
    text = ("In five years I would like to be leading an operations team. I plan to take the team lead "
            "course next year and learn budgeting from my manager.")
    out = CliRunner().invoke(cli, ["analyze", "--question", "Where do you see yourself in five years?", "-"],
                             input=text, catch_exceptions=False).output
    assert "Challenge" not in out and "Result" not in out and "Say what you did" not in out
    assert "Ambition" in out and "Growth" in out


def test_an_unknown_kind_is_refused_in_one_line():
    out = CliRunner().invoke(cli, ["analyze", "--kind", "stories", "-"], input="I did it.")
    assert out.exit_code == 1 and out.output.startswith("Error: unknown question kind 'stories'")
