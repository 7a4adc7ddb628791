"""C/A/R detection measured on the project's first labelled sets; floors set a little under what was measured
(benchmarks/car.py prints the full figures). A drop below a floor is a regression."""

from __future__ import annotations

import pytest

from devset import CHECK_SET, DEV_SET, load

from rehearse.analysis import analyze, words_from_text

COMPONENTS = ("challenge", "action", "result")

# (set, form) -> minimum macro F1 of covered/missing per component, for the learned model (which was
# trained on these sets too, with the corpus: benchmarks/car.py prints the cross-validated figures).
# Measured C/A/R with the answer-level second stage (ANALYSIS_VERSION 3): dev 0.72/0.97/0.89 punctuated,
# 0.63/0.97/0.86 unpunctuated; check 0.81/1.00/0.92 and 0.70/1.00/0.79. Challenge is the lowest: the
# second stage learns from out-of-fold clause probabilities, so on these whole answers (few lack a
# challenge) it scores about what it scores unseen. The max-probability rule before it read 0.78-1.00
# here because its thresholds were fitted on these sets; held out, the same whole answers gave it
# 0.58 on Challenge against 0.67 for the second stage.
FLOORS = {
    ("dev", "punctuated"): 0.70,
    ("dev", "unpunctuated"): 0.60,
    ("check", "punctuated"): 0.78,
    ("check", "unpunctuated"): 0.68,
}


def macro_f1(pairs, k):
    def f1(cls):
        tp = sum(1 for t, p in pairs if t[k] == cls and p[k] == cls)
        fp = sum(1 for t, p in pairs if t[k] != cls and p[k] == cls)
        fn = sum(1 for t, p in pairs if t[k] == cls and p[k] != cls)
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    return (f1(True) + f1(False)) / 2


@pytest.mark.parametrize("which,form", list(FLOORS))
def test_macro_f1_floor(which, form):
    answers = load(DEV_SET if which == "dev" else CHECK_SET)
    pairs = []
    for a in answers:
        text = a.prose() if form == "punctuated" else a.recognizer_form()
        an = analyze(words_from_text(text))
        pairs.append((a.covered(), {k: an.car[k]["covered"] for k in COMPONENTS}))
    for k in COMPONENTS:
        assert macro_f1(pairs, k) >= FLOORS[(which, form)], (which, form, k)


def test_dev_set_is_varied_and_large_enough():
    answers = load(DEV_SET)
    assert len(answers) >= 60
    tags = {t for a in answers for t in a.tags}
    for needed in ("strong", "rambling", "no-result", "no-challenge", "we-only", "numbers-as-words",
                   "very-short", "long"):
        assert needed in tags
    for k in COMPONENTS:  # both classes present for every component, so "missing" is measured
        assert any(a.covered()[k] for a in answers) and any(not a.covered()[k] for a in answers)
