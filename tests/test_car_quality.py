"""C/A/R detection measured on answers the model never trained on: tests/data/car_holdout.jsonl, written
for this test by a writer who is in no training set (a nervous home-care worker, a voice unlike the dev
writers'), labelled by the README's rules, and kept out of training by the training code's own list
(car_data.HELD_OUT_SETS / HELD_OUT_WRITERS). Scored as benchmarks/car.py and the training corpus are:
each answer plus one variant per covered part with that part's sentences removed, as written and as a
recognizer prints it; per part, the macro-F1 of covered/missing. A drop below a floor is a regression."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from training.car_data import (
    COMPONENTS,
    FORMS,
    HELD_OUT_SETS,
    HELD_OUT_WRITERS,
    cases,
    load_held_out,
    load_own_sets,
    macro_f1,
)
from training.car_train import train

from rehearse.judge.analysis import analyze, words_from_text

REPO = Path(__file__).resolve().parents[1]

# Measured with the shipped model (ANALYSIS_VERSION 4) the first time it read these answers, before
# anything was changed: 22 answers, 79 cases (55 with a challenge, 51 with an action, 51 with a result).
MEASURED = {
    ("prose", "challenge"): 0.820, ("prose", "action"): 0.931, ("prose", "result"): 0.849,
    ("asr", "challenge"): 0.850, ("asr", "action"): 0.930, ("asr", "result"): 0.742,
}
# Each floor is the measured figure less this margin: about three of the 79 cases read differently.
MARGIN = 0.05
FLOORS = {key: round(value - MARGIN, 3) for key, value in MEASURED.items()}


@pytest.fixture(scope="module")
def held_out():
    return load_held_out(REPO)


@pytest.fixture(scope="module")
def predictions(held_out):
    out = {}
    for form in FORMS:
        pairs = []
        for case in cases(held_out):
            a = analyze(words_from_text(case.text(form)))
            pairs.append((case.covered(), {k: a.car[k]["covered"] for k in COMPONENTS}))
        out[form] = pairs
    return out


@pytest.mark.parametrize(("form", "part"), list(FLOORS))
def test_macro_f1_on_a_writer_never_trained_on(predictions, form, part):
    got = macro_f1(predictions[form], part)
    print(f"{form} {part}: {got:.3f} (measured {MEASURED[(form, part)]:.3f}, floor {FLOORS[(form, part)]:.3f})")
    assert got >= FLOORS[(form, part)], (form, part, round(got, 3))


def test_held_out_set_measures_both_classes(held_out):
    assert len(held_out) >= 20 and {a.group for a in held_out} == set(HELD_OUT_WRITERS)
    every = cases(held_out)
    for k in COMPONENTS:  # some answers lack each part, so "missing" is measured on whole answers too
        assert any(not a.covered()[k] for a in held_out), k
        assert 0.2 < sum(c.covered()[k] for c in every) / len(every) < 0.9, k


def test_held_out_answers_never_train(held_out, tmp_path):
    own = load_own_sets(REPO)
    assert own and not {a.id for a in own} & {a.id for a in held_out}
    assert not {a.group for a in own} & HELD_OUT_WRITERS
    # moved or copied among the writers' sets, the held-out file is still left out ...
    writer_dir = tmp_path / "tests" / "data" / "dev" / "h_carer"
    writer_dir.mkdir(parents=True)
    (writer_dir / "car.jsonl").write_text((REPO / HELD_OUT_SETS[0]).read_text(encoding="utf-8"), encoding="utf-8")
    assert load_own_sets(tmp_path) == []
    # ... and handed to the trainer as data, it is refused
    with pytest.raises(ValueError, match="held out"):
        train(held_out, [], None, log=lambda *a, **k: None)


def test_held_out_file_is_labelled_by_the_rules():
    """One JSON object a line, the labels C/A/R/O; `team_action` only on an O sentence."""
    for line in (REPO / HELD_OUT_SETS[0]).read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        assert obj["writer"] in HELD_OUT_WRITERS and obj["question"]
        for s in obj["sentences"]:
            assert s["label"] in "CARO" and len(s["label"]) == 1 and s["text"].strip()
            assert not s.get("team_action") or s["label"] == "O"
