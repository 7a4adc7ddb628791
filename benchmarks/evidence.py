"""Prints whether the C/A/R reader's evidence lies where the part is: for every part the reader says an
answer covers, is each evidence clause inside a sentence labelled with that part?

    .venv/bin/python benchmarks/evidence.py [--against /work/main]

Labelled sets (sentences carry C/A/R/O, and a `secondary` part when they carry two): the team's
(tests/data/car_dev.txt, car_check.txt, tests/data/dev/*/car.jsonl), the held-out writer
(tests/data/car_holdout.jsonl, never trained on), and the blind sets (tests/data/blind/): c_*/d_*
(which may train) and b_* (evaluation only) reported apart. Each answer as written ("prose") and as a
recogniser prints it ("asr": lower case, no punctuation, numbers as words; each sentence converted
with training.car_data.recognizer_form). A clause is inside a sentence labelled with a part when most
of its words come from sentences that carry that part.

Columns, per writer and form:
  parts     the (answer, part) pairs the reader says are covered
  all-in    the share of those whose every evidence clause is inside a sentence of that part
  quoted    the share whose quoted clause (the one the card shows) is inside
  true-all  `all-in` over the parts the labels say are covered too (a part wrongly said covered has
            no right evidence, so it counts against `all-in` and not here)
Target: all-in >= 95 % on every set.

--against DIR also runs this measure with another checkout's code (its src/ and training/, e.g. main
before a change) on this checkout's data, and prints both.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FORMS = ("prose", "asr")
QUOTE_MIN_WORDS = 5  # as render.QUOTE_MIN_WORDS: the card quotes the first evidence clause this long


def data_sets(root: Path) -> list[tuple[str, list]]:
    """(set name, answers) for every labelled set under `root`."""
    from training.car_data import load_jsonl, load_text_set

    team = []
    for rel in ("tests/data/car_dev.txt", "tests/data/car_check.txt"):
        if (root / rel).exists():
            team += load_text_set(root / rel)
    for path in sorted(root.glob("tests/data/dev/*/car.jsonl")):
        team += load_jsonl(path, group_key="writer")
    blind = root / "tests" / "data" / "blind"
    cd = [a for p in sorted(blind.glob("[cd]_*/car.jsonl")) for a in load_jsonl(p, group_key="writer")]
    b = [a for p in sorted(blind.glob("b_*/car.jsonl")) for a in load_jsonl(p, group_key="writer")]
    return [("team", team), ("holdout", load_jsonl(root / "tests/data/car_holdout.jsonl", group_key="writer")),
            ("blind c/d", cd), ("blind b (eval only)", b)]


def timed_words(answer, form: str):
    """The answer's words (sentence by sentence in `form`) and, per content word, its sentence."""
    from training.car_data import recognizer_form

    from rehearse.judge.analysis import words_from_text

    words, owner = [], []
    for i, s in enumerate(answer.sentences):
        ws = words_from_text(s.text if form == "prose" else recognizer_form(s.text))
        words += ws
        owner += [i] * len(ws)
    return words, [o for w, o in zip(words, owner) if w.word not in ".!?;:,"]


def inside(answer, clause_words: list[int], part: str) -> bool:
    """Whether most of a clause's words come from sentences carrying `part`."""
    carried = sum(part in answer.sentences[o].carries for o in clause_words)
    return carried * 2 > len(clause_words)


def measure(root: Path) -> dict:
    """{set: {writer: {form: [parts, all_in, quoted_in, true_parts, true_all_in]}}}"""
    from rehearse.judge.analysis import COMPONENTS, analyze

    out: dict = {}
    for name, answers in data_sets(root):
        for a in answers:
            truth = a.covered()
            for form in FORMS:
                words, owner = timed_words(a, form)
                result = analyze(words)
                # each clause's words, in order: clauses are cut from the content words without reordering
                spans, at = {}, 0
                for c in result.clauses:
                    n = len(c.text.split())
                    spans[id(c)] = owner[at: at + n]
                    at += n
                row = out.setdefault(name, {}).setdefault(a.group, {}).setdefault(form, [0, 0, 0, 0, 0])
                for k in COMPONENTS:
                    part = result.car[k]
                    if not part["covered"]:
                        continue
                    ev = part["evidence"]
                    all_in = all(inside(a, spans[id(c)], k) for c in ev)
                    quoted = next((c for c in ev if len(c.text.split()) >= QUOTE_MIN_WORDS),
                                  max(ev, key=lambda c: len(c.text.split())))
                    row[0] += 1
                    row[1] += all_in
                    row[2] += inside(a, spans[id(quoted)], k)
                    if truth[k]:
                        row[3] += 1
                        row[4] += all_in
    return out


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:5.1f}" if d else "    -"


def print_table(figures: dict, other: dict | None, label: str) -> None:
    print(f"{'set':20s} {'writer':14s} {'form':5s} {'parts':>5s} {'all-in %':>14s} {'quoted %':>14s} {'true-all %':>14s}"
          + (f"   ({label} -> this checkout)" if other else ""))

    def cell(row, orow, n, d):
        now = _pct(row[n], row[d])
        return f"{_pct(orow[n], orow[d])} -> {now}" if orow else now

    for name, writers in figures.items():
        for form in FORMS:
            total, ototal = [0] * 5, [0] * 5
            for w in sorted(writers):
                row = writers[w][form]
                orow = (other or {}).get(name, {}).get(w, {}).get(form)
                total = [x + y for x, y in zip(total, row)]
                if orow:
                    ototal = [x + y for x, y in zip(ototal, orow)]
                print(f"{name:20s} {w:14s} {form:5s} {row[0]:5d} {cell(row, orow, 1, 0):>14s} "
                      f"{cell(row, orow, 2, 0):>14s} {cell(row, orow, 4, 3):>14s}")
            o = ototal if other else None
            print(f"{name:20s} {'ALL':14s} {form:5s} {total[0]:5d} {cell(total, o, 1, 0):>14s} "
                  f"{cell(total, o, 2, 0):>14s} {cell(total, o, 4, 3):>14s}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", type=Path, help="another checkout whose code to measure too (e.g. /work/main)")
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one run's figures, for --against
    ap.add_argument("--code-root", type=Path, default=REPO, help=argparse.SUPPRESS)
    args = ap.parse_args()
    sys.path[:0] = [str(args.code_root / "src"), str(args.code_root)]
    if args.json:
        print(json.dumps(measure(REPO)))
        return
    other = None
    if args.against:
        run = subprocess.run([sys.executable, __file__, "--json", "--code-root", str(args.against)],
                             capture_output=True, text=True)
        if run.returncode:
            sys.exit(f"error: measuring {args.against} failed:\n{run.stderr}")
        other = json.loads(run.stdout)
    print_table(measure(REPO), other, str(args.against))


if __name__ == "__main__":
    main()
