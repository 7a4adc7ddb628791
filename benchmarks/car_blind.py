"""Prints the shipped C/A/R reader's macro-F1 (covered/missing) on the blind story sets, per voice and
form: tests/data/blind/*/car.jsonl, written by writers who never saw the rules and kept out of training.

    .venv/bin/python benchmarks/car_blind.py

Cases as in the corpus README: each answer, plus one variant per covered component with its sentences
removed; two forms, "prose" and "asr" (lower case, no punctuation, numbers as words).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))  # training/

from training.car_data import COMPONENTS, FORMS, cases, load_jsonl, macro_f1

from rehearse.judge.analysis import analyze, words_from_text


def main() -> None:
    root = REPO / "tests" / "data" / "blind"
    pairs: dict = {}
    for path in sorted(root.glob("*/car.jsonl")):
        voice = path.parent.name
        answers = load_jsonl(path, group_key="writer")
        for case in cases(answers):
            for form in FORMS:
                car = analyze(words_from_text(case.text(form))).car
                pred = {k: car[k]["covered"] for k in COMPONENTS}
                pairs.setdefault((voice, form), []).append((case.covered(), pred))
    print(f"{'voice':14s} {'form':6s} " + " ".join(f"{k:>9s}" for k in COMPONENTS) + "   cases")
    for form in FORMS:
        for (voice, f), v in sorted(pairs.items()):
            if f == form:
                print(f"{voice:14s} {f:6s} " + " ".join(f"{macro_f1(v, k):9.2f}" for k in COMPONENTS) + f"   {len(v)}")
        every = [p for (voice, f), v in pairs.items() if f == form for p in v]
        print(f"{'all':14s} {form:6s} " + " ".join(f"{macro_f1(every, k):9.2f}" for k in COMPONENTS)
              + f"   {len(every)}  (mean {statistics.mean(macro_f1(every, k) for k in COMPONENTS):.3f})")


if __name__ == "__main__":
    main()
