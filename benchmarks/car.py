"""Prints how well Challenge / Action / Result are found: the hand-written rules (before) against the
learned model (after), and the model's load time, analysis time and memory.

    python benchmarks/car.py --data /path/to/answers.jsonl [--writers-root DIR] [--no-cv | --quick-cv]

Cases follow the corpus README: each answer, plus one variant per covered component with that
component's sentences removed; each case in two forms, "prose" and "asr" (lower case, no
punctuation, numbers as words). Per component: macro-F1 = mean of F1(covered) and F1(missing).
"After" figures are cross-validated end to end (split_clauses, clause classifier, answer-level second
stage): the corpus grouped by source (5 folds of sources; the project's own sets always train), and each
of the project's writers left out in turn (trained on the corpus and the other writers), so a writer's
figure never saw that writer. The cross-validation is nested: the second stage of a fold learns from
clause probabilities that the held-out answers never shaped, and its threshold (0.5) is not tuned. Only
the choice of inputs and regularisation (the features' C, the lexical block and its C_LEX, each from two
or three values) was made on these same folds, so the figures are at most slightly optimistic. The
shipped model is trained on all of it. --quick-cv skips the nesting (ten times quicker; on the features
alone it gave 0.792 where the nested run gave 0.795, so it is not optimistic in practice).

Measured (macro-F1 C/A/R, prose then asr, nested as above):
  features alone (before, 5 writers):  corpus 0.73/0.75/0.73, 0.77/0.76/0.76; writers' means 0.80-0.85
      (the writers w_esl and w_sales, added after it shipped, read by it unseen: means 0.78 and 0.84)
  + lexical block (shipped, 7 writers): corpus 0.81/0.75/0.77, 0.82/0.77/0.77; writers' means
      grad 0.86, plain 0.87, office 0.87, trades 0.89, esl 0.89, sales 0.91, spoken 0.91
  Lowest cells: Action on the corpus (0.75-0.77) and Result for w_office (0.76), w_grad (0.79-0.80).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))  # training/

from training.car_data import COMPONENTS, FORMS, cases, load_jsonl, load_own_sets, macro_f1

from rehearse.judge.analysis import analyze, rule_car, split_clauses, words_from_text
from rehearse.judge.car_model import MODEL_PATH
from rehearse.judge.vocabulary import weighted_hits
from rehearse.transcript import Word

DEFAULT_DATA = Path("/work/shared/train/car/answers.jsonl")


def rule_figures(answers, block_of) -> dict:
    pairs: dict = {}
    for case in cases(answers):
        for form in FORMS:
            pred = rule_car(split_clauses(words_from_text(case.text(form))))
            pairs.setdefault((block_of(case), form), []).append((case.covered(), pred))
    return {(b, f, k): macro_f1(v, k) for (b, f), v in pairs.items() for k in COMPONENTS}


def print_table(title: str, before: dict, after: dict | None) -> None:
    print(f"\n## {title}")
    blocks = sorted({b for b, _, _ in before}, key=lambda b: (b != "corpus", b))
    print(f"  {'data':12s} {'form':6s} " + " ".join(f"{k:>17s}" for k in COMPONENTS) + "   (before -> after)")
    for b in blocks:
        for f in FORMS:
            cells = []
            for k in COMPONENTS:
                a = after.get((b, f, k)) if after else None
                cells.append(f"{before[(b, f, k)]:.2f} -> {a:.2f}" if a is not None else f"{before[(b, f, k)]:.2f}")
            print(f"  {b:12s} {f:6s} " + " ".join(f"{c:>17s}" for c in cells))


def two_minute_words(text: str, n_words: int = 300) -> list[Word]:
    """About two minutes of recognizer words (150 a minute) with a pause between sentences."""
    words, t = [], 0.0
    for sentence in text.split(". "):
        for w in sentence.lower().replace(",", "").split():
            words.append(Word(w, t, t + 0.3))
            t += 0.4
        t += 0.6
    return words[:n_words]


MEMORY_PROBE = r"""
import os, sys, time
sys.path.insert(0, sys.argv[1])
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
from rehearse.judge import analysis, cli  # what the CLI imports anyway
from rehearse.judge.analysis import analyze, words_from_text
before = rss()
t0 = time.perf_counter()
from rehearse.judge.car_model import get_model
get_model()
load = time.perf_counter() - t0
analyze(words_from_text(sys.argv[2]))
print(f"{load:.3f} {rss() - before:.1f} {before:.1f}")
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--writers-root", type=Path, default=REPO)
    ap.add_argument("--no-cv", action="store_true", help="skip the (slow) cross-validation of the model")
    ap.add_argument("--quick-cv", action="store_true",
                    help="cross-validate without the nested second stage (ten times quicker, slightly optimistic)")
    args = ap.parse_args()

    own = load_own_sets(REPO, args.writers_root)
    corpus = load_jsonl(args.data) if args.data.exists() else []
    print(f"corpus: {len(corpus)} answers ({args.data}); own sets: {len(own)} answers by "
          f"{', '.join(sorted({a.group for a in own}))}")
    before = rule_figures(corpus, lambda c: "corpus") if corpus else {}
    before.update(rule_figures(own, lambda c: c.group))
    after = None
    if not args.no_cv and corpus:
        import numpy as np
        from training.car_train import train

        # The configuration the training script chose (by the same cross-validation over a grid) and shipped.
        with np.load(MODEL_PATH) as z:
            which = "both" if z["use_features"] and z["use_embedding"] else "features" if z["use_features"] else "embedding"
            c = float(z["C"])
            lexical = "lexical_terms" in z.files
        t0 = time.perf_counter()
        result = train(corpus, own, None, log=lambda *a: None, input_sets=(which,), c_grid=(c,), lexical=lexical,
                       nested=not args.quick_cv)
        after = result["figures"]
        print(f"cross-validation ({'not nested' if args.quick_cv else 'nested'}): {time.perf_counter() - t0:.0f} s; "
              f"inputs={result['inputs']}{' + lexical block' if lexical else ''} C={result['C']}, "
              f"second stage on the answer's clause-probability profile, covered from 0.5")
    print_table("macro-F1 covered/missing per component: rules (before) -> learned model, cross-validated (after)",
                before, after)
    for name, fig in (("before", before), ("after", after)):
        if fig:
            for b in sorted({b for b, _, _ in fig}):
                vals = [v for (bb, _, _), v in fig.items() if bb == b]
                print(f"  mean {name:6s} {b:12s} {statistics.mean(vals):.3f}")

    # speed and memory
    sample = " ".join(a.text("asr") + "." for a in own[:12])
    words = two_minute_words(sample)
    probe = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(REPO / "src"), sample],
                           capture_output=True, text=True, check=False)
    if probe.returncode:
        sys.exit(f"memory probe failed: {probe.stderr}")
    load_s, added_mb, base_mb = map(float, probe.stdout.split())
    analyze(words)  # loads the model in this process
    runs = []
    for _ in range(20):
        weighted_hits.cache_clear()  # a new answer's clauses: nothing read before
        t0 = time.perf_counter()
        analyze(words)
        runs.append(time.perf_counter() - t0)
    rules = []
    for _ in range(20):
        t0 = time.perf_counter()
        rule_car(split_clauses(words))
        rules.append(time.perf_counter() - t0)
    print(f"\nmodel file {MODEL_PATH.name}: {os.path.getsize(MODEL_PATH) / 1024:.1f} KB")
    print(f"model load (first use, fresh process): {load_s * 1000:.0f} ms")
    print(f"memory added by the model: {added_mb:.1f} MB (process before: {base_mb:.0f} MB)")
    print(f"analysis of a two-minute answer ({len(words)} timed words): median {statistics.median(runs) * 1000:.1f} ms, "
          f"worst {max(runs) * 1000:.1f} ms (the rules' clauses and labels alone, same run: "
          f"{statistics.median(rules) * 1000:.1f} ms; machine load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
