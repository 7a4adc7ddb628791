"""The learned C/A/R reader: the shipped model loads offline, reads answers written here as the
labelling rules say, and the training script rebuilds a loadable model from a tiny fixture."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from training.car_data import recognizer_form

from rehearse.judge import car_model
from rehearse.judge.analysis import analyze, words_from_text

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
    cmd = [sys.executable, str(REPO / "training" / "train_car.py"), "--data", str(REPO / "tests/data/car_tiny.jsonl"),
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


# --- the self-check: the file stores the probabilities it gives for a fixed answer ----------------


def _copy_of_model(tmp_path, name="model.npz", **changes):
    import numpy as np

    with np.load(car_model.MODEL_PATH, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    for key, change in changes.items():
        if change is None:
            del arrays[key]
        else:
            arrays[key] = change(arrays[key])
    path = tmp_path / name
    car_model.save_model(path, arrays)
    return path


def test_shipped_model_passes_its_self_check():
    import numpy as np

    with np.load(car_model.MODEL_PATH, allow_pickle=False) as z:
        answers = tuple(tuple(a.split("\n")) for a in str(z["check_texts"]).split("\n\n"))
        stored, per_answer = z["check_probabilities"], z["check_answer"]
    assert answers == car_model.SELF_CHECK_ANSWERS
    assert stored.shape == (sum(len(a) for a in answers), 3) and per_answer.shape == (len(answers), 3)
    car_model.read_model(car_model.MODEL_PATH)  # refuses when the probabilities differ


def test_the_self_check_sees_every_feature():
    """Every feature takes more than one value over the self-check's clauses, so a change to any of
    them changes the probabilities the file stores (the lexical block: most clauses hit several terms)."""
    import numpy as np

    rows = np.vstack([car_model.clause_features(list(a)) for a in car_model.SELF_CHECK_ANSWERS])
    constant = [n for j, n in enumerate(car_model.FEATURE_NAMES) if np.all(rows[:, j] == rows[0, j])]
    assert constant == ["bias_like"]
    model = car_model.get_model()
    hits = [sum(t in model.vocabulary for t in car_model.lexical_terms(c)) for a in car_model.SELF_CHECK_ANSWERS
            for c in a]
    assert min(hits) >= 3


def test_a_model_whose_probabilities_differ_is_refused_in_one_line_naming_it(tmp_path):
    off = _copy_of_model(tmp_path, "off.npz", check_probabilities=lambda p: p + 2e-6)
    with pytest.raises(car_model.CarModelError) as e:
        car_model.read_model(off)
    message = str(e.value)
    assert str(off) in message and "self-check" in message and "\n" not in message
    assert "rebuild it with training/train_car.py" in message
    # within the tolerance (float rounding on another machine) it loads
    car_model.read_model(_copy_of_model(tmp_path, "near.npz", check_probabilities=lambda p: p + 2e-7))
    answer_off = _copy_of_model(tmp_path, "answer.npz", check_answer=lambda p: p - 1e-5)
    with pytest.raises(car_model.CarModelError, match="self-check"):
        car_model.read_model(answer_off)
    with pytest.raises(car_model.CarModelError, match="has no self-check"):
        car_model.read_model(_copy_of_model(tmp_path, "none.npz", check_probabilities=None))


def test_a_changed_feature_breaks_the_self_check_of_the_shipped_model(monkeypatch):
    """What the check is for: a feature changed under the shipped weights changes every verdict
    silently; with the check, the shipped model is refused instead."""
    import re

    monkeypatch.setattr(car_model, "OUTCOME", re.compile(r"\b(result\w*|outcome)\b"))
    with pytest.raises(car_model.CarModelError, match="fails its self-check"):
        car_model.read_model(car_model.MODEL_PATH)


def test_the_tool_says_a_broken_model_in_one_error_line(tmp_path, monkeypatch, capsys):
    from rehearse import cli

    broken = _copy_of_model(tmp_path, "broken.npz", check_answer=lambda p: p + 0.01)
    monkeypatch.setattr(car_model, "MODEL_PATH", broken)
    monkeypatch.setattr(car_model, "_MODEL", None)
    answer = tmp_path / "answer.txt"
    answer.write_text(" ".join(t for _, t in FULL), encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["rehearse", "analyze", str(answer)])
    umask = os.umask(0o077)  # main() sets the process's umask: put it back afterwards
    try:
        with pytest.raises(SystemExit) as e:
            cli.main()
    finally:
        os.umask(umask)
    out, err = capsys.readouterr()
    assert e.value.code == 1 and out == ""
    assert err.startswith("Error: the C/A/R model ") and str(broken) in err and err.count("\n") == 1, err
    assert "unexpected failure" not in err
