"""The learned C/A/R reader: the shipped model loads offline, reads answers written here as the
labelling rules say, and the training script rebuilds a loadable model from a tiny fixture."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from rehearse import car_model
from rehearse.analysis import analyze, words_from_text
from rehearse.car_data import recognizer_form

REPO = Path(__file__).resolve().parents[1]

FULL = [
    ("challenge", "Last winter the heating in our community hall failed a week before the children's play."),
    ("challenge", "The council said a repair would take a month and we had sold two hundred tickets."),
    ("action", "I borrowed four heaters from the school and asked a retired electrician to check the wiring."),
    ("action", "I also moved the rehearsals to the afternoons, when the hall was warmest."),
    ("result", "The play went ahead on the night with every seat taken."),
    ("result", "We raised nine hundred pounds, enough to fix the boiler in the spring."),
]


def covered(text: str, form: str = "prose") -> dict[str, bool]:
    t = text if form == "prose" else recognizer_form(text)
    a = analyze(words_from_text(t))
    return {k: v["covered"] for k, v in a.car.items()}


@pytest.fixture(scope="module", autouse=True)
def no_network():
    """The model and its embeddings load with the network refused."""
    real = socket.socket.connect

    def refuse(*_a, **_k):
        raise OSError("network disabled in this test")

    socket.socket.connect = refuse
    car_model._MODEL = None
    try:
        yield
    finally:
        socket.socket.connect = real


def test_model_file_ships_in_the_package_and_loads():
    assert car_model.MODEL_PATH.exists() and car_model.MODEL_PATH.stat().st_size < 200_000
    model = car_model.get_model()
    assert model is car_model.get_model()  # loaded once per process
    probs = model.clause_probabilities(["i rewrote the report", "sales rose by a third"])
    assert probs.shape == (2, 3) and ((probs > 0) & (probs < 1)).all()


@pytest.mark.parametrize("form", ["prose", "asr"])
def test_full_answer_covers_all_three(form):
    assert covered(" ".join(t for _, t in FULL), form) == {"challenge": True, "action": True, "result": True}


@pytest.mark.parametrize("form", ["prose", "asr"])
@pytest.mark.parametrize("part", ["challenge", "action", "result"])
def test_a_removed_part_is_reported_missing(part, form):
    got = covered(" ".join(t for k, t in FULL if k != part), form)
    assert got[part] is False
    assert all(got[k] for k in got if k != part)


def test_we_only_answer_has_no_action_and_says_so():
    text = ("Our shop's online orders were arriving days late and customers were cancelling. "
            "We changed courier and we packed the orders every evening instead of every morning. "
            "Late deliveries dropped from one in five to almost none.")
    a = analyze(words_from_text(text))
    assert not a.car["action"]["covered"]
    assert a.car["challenge"]["covered"] and a.car["result"]["covered"]
    assert any("'we'" in t for t in a.tips)


def test_the_same_story_with_my_own_part_has_an_action():
    text = ("Our shop's online orders were arriving days late and customers were cancelling. "
            "I compared four couriers and switched us to the cheapest reliable one, and I packed the orders "
            "every evening myself. Late deliveries dropped from one in five to almost none.")
    assert covered(text)["action"]


def test_hypothetical_steps_are_not_actions():
    text = ("Sometimes two colleagues on a team do not get along. "
            "If that happened on my team, I would talk to each of them separately. "
            "Then I would bring them together and agree on some ground rules.")
    a = analyze(words_from_text(text))
    assert not a.car["action"]["covered"]
    assert not any(c.label == "action" for c in a.clauses)
    assert any("would do" in t for t in a.tips)


def test_a_lesson_is_a_result():
    text = ("I promised a customer a delivery date without checking the stock. "
            "I called the supplier and paid for express shipping. "
            "I learned to check the stock before I promise any date.")
    a = analyze(words_from_text(text))
    assert a.car["result"]["covered"]
    assert any("learned" in c.text for c in a.car["result"]["evidence"])


def test_evidence_and_shares_follow_the_labels():
    a = analyze(words_from_text(" ".join(t for _, t in FULL)))
    for k in ("challenge", "action", "result"):
        assert a.car[k]["evidence"] and all(c.scores[k] >= 0.5 for c in a.car[k]["evidence"])
        labelled = [c for c in a.clauses if c.label == k]
        assert labelled and all(c in a.car[k]["evidence"] for c in labelled)
        assert a.car[k]["share"] > 0
    assert sum(a.car[k]["share"] for k in a.car) <= 1.002
    assert any("borrowed" in c.text for c in a.car["action"]["evidence"])


def test_training_script_builds_a_loadable_model(tmp_path):
    out = tmp_path / "tiny.npz"
    cmd = [sys.executable, str(REPO / "scripts" / "train_car.py"), "--data", str(REPO / "tests/data/car_tiny.jsonl"),
           "--no-own", "--quick", "--quiet", "--out", str(out)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    model = car_model.read_model(out)
    assert model.coef.shape[0] == 3 and model.answer_coef.shape == (3, len(car_model.ANSWER_FEATURE_NAMES))
    first = out.read_bytes()
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    assert out.read_bytes() == first  # same data, same bytes


def test_lexical_terms_read_prose_and_recognizer_text_alike():
    prose = "Sales rose 40% in 2 months, and I cut costs by 1,200 pounds."
    assert car_model.lexical_terms(prose) == car_model.lexical_terms(recognizer_form(prose))
    assert "<num> percent" in car_model.lexical_terms(prose)
    assert "i cut" in car_model.lexical_terms(prose) and "<s> sales" in car_model.lexical_terms(prose)


def test_shipped_model_reads_words_as_well_as_features():
    model = car_model.get_model()
    assert model.vocabulary and model.lexical_coef.shape == (3, len(model.vocabulary))
