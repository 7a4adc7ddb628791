"""Prints how well Challenge / Action / Result are found on the labelled development set.

    .venv/bin/python benchmarks/car.py [--errors]

For each component: precision, recall and F1 of "covered" and of "missing" (answer level), and
their macro average, on the punctuated answers and on their lowercase unpunctuated forms; then
the analysis time per answer (and per two-minute answer). --errors lists the answers it gets wrong.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests"))

from devset import CHECK_SET, DEV_SET, load  # noqa: E402

from rehearse.analysis import analyze, words_from_text  # noqa: E402

COMPONENTS = ("challenge", "action", "result")


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(pairs: list[tuple[dict, dict]]) -> dict[str, dict]:
    """pairs of (truth, predicted) coverage dicts -> per component scores."""
    out = {}
    for k in COMPONENTS:
        row = {}
        for cls in (True, False):
            tp = sum(1 for t, p in pairs if t[k] == cls and p[k] == cls)
            fp = sum(1 for t, p in pairs if t[k] != cls and p[k] == cls)
            fn = sum(1 for t, p in pairs if t[k] == cls and p[k] != cls)
            row["covered" if cls else "missing"] = prf(tp, fp, fn)
        row["macro_f1"] = (row["covered"][2] + row["missing"][2]) / 2
        out[k] = row
    return out


def predict(text: str) -> dict:
    a = analyze(words_from_text(text))
    return {k: a.car[k]["covered"] for k in COMPONENTS}


def report(name: str, answers, show_errors: bool) -> None:
    print(f"\n## {name}: {len(answers)} answers, {sum(len(a.sentences) for a in answers)} labelled sentences")
    for form in ("punctuated", "unpunctuated"):
        pairs = []
        for a in answers:
            text = a.prose() if form == "punctuated" else a.recognizer_form()
            pred = predict(text)
            pairs.append((a.covered(), pred))
            if show_errors and pred != a.covered():
                wrong = [k for k in COMPONENTS if pred[k] != a.covered()[k]]
                print(f"  {form} {a.id}: wrong on {', '.join(f'{k} (said {pred[k]})' for k in wrong)}")
        scores = evaluate(pairs)
        print(f"\n{form}")
        print(f"  {'component':10s} {'covered P/R/F1':>22s} {'missing P/R/F1':>22s} {'macro F1':>9s}")
        for k in COMPONENTS:
            c, m = scores[k]["covered"], scores[k]["missing"]
            print(f"  {k:10s} {c[0]:6.2f} {c[1]:6.2f} {c[2]:6.2f}   {m[0]:6.2f} {m[1]:6.2f} {m[2]:6.2f}   "
                  f"{scores[k]['macro_f1']:7.3f}")
        print(f"  mean macro F1: {statistics.mean(scores[k]['macro_f1'] for k in COMPONENTS):.3f}")


def main() -> None:
    show_errors = "--errors" in sys.argv
    answers = load(DEV_SET)
    report("development set (tests/data/car_dev.txt, the rules were tuned on it)", answers, show_errors)
    report("check set (tests/data/car_check.txt, never tuned on)", load(CHECK_SET), show_errors)
    # speed: every answer, and a two-minute answer (about 300 words) in recognizer form
    texts = [a.recognizer_form() for a in answers]
    t0 = time.perf_counter()
    for t in texts:
        analyze(words_from_text(t))
    per = (time.perf_counter() - t0) / len(texts)
    long_text = " ".join(texts)[:1800]
    t0 = time.perf_counter()
    for _ in range(20):
        analyze(words_from_text(long_text))
    two_min = (time.perf_counter() - t0) / 20
    print(f"\nanalysis time: {per * 1000:.2f} ms per answer, {two_min * 1000:.2f} ms per two-minute answer "
          f"({len(long_text.split())} words)")


if __name__ == "__main__":
    main()
