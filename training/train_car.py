"""Rebuilds src/rehearse/judge/car_model.npz, the learned C/A/R reader, from labelled answers.

    pip install -e '.[train]'
    python training/train_car.py --data /path/to/answers.jsonl [--own-root .] [--writers-root .] [--out src/rehearse/judge/car_model.npz]

--data is the public corpus of labelled answers (JSON lines, grouped by their "source"); the
project's own sets (tests/data/car_dev.txt, tests/data/car_check.txt, tests/data/dev/*/car.jsonl
under --own-root, grouped by writer) are added. The held-out answers (car_data.HELD_OUT_SETS and
HELD_OUT_WRITERS: tests/data/car_holdout.jsonl) are never added: tests/test_car_quality.py measures
the model on them. Cross-validation grouped by source and by writer
(nested: the answer-level second stage never sees the fold it is scored on) picks the inputs and the
regularisation; both stages are then fitted on everything.
The seed is fixed and the file carries no time stamp, so the same data gives the same bytes.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# One BLAS thread and one kernel family, set before numpy loads: the same data then gives the same bytes
# (with two threads OpenBLAS splits some sums differently; its kernels differ between processors).
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ.setdefault("OPENBLAS_CORETYPE", "Haswell")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))  # training/

from training.car_data import COMPONENTS, FORMS, load_jsonl, load_own_sets
from training.car_train import train


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="labelled answers, JSON lines")
    ap.add_argument("--own-root", type=Path, default=REPO, help="checkout holding tests/data (default: this one)")
    ap.add_argument("--writers-root", type=Path, default=None,
                    help="checkout holding tests/data/dev/*/car.jsonl (default: --own-root)")
    ap.add_argument("--no-own", action="store_true", help="train on --data alone")
    ap.add_argument("--out", type=Path, default=REPO / "src" / "rehearse" / "judge" / "car_model.npz")
    ap.add_argument("--quick", action="store_true",
                    help="try one configuration only (features alone, C=1): for smoke tests")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    corpus = load_jsonl(args.data)
    own = [] if args.no_own else load_own_sets(args.own_root, args.writers_root)
    log = (lambda *a, **k: None) if args.quiet else print
    log(f"{len(corpus)} answers from {args.data}, {len(own)} of the project's own")
    grid = {"input_sets": ("features",), "c_grid": (1.0,)} if args.quick else {}
    try:
        result = train(corpus, own, args.out, log=log, **grid)
    except ValueError as e:  # held-out answers given as training data
        sys.exit(f"error: {e}")
    figures = result["figures"]
    for block in sorted({b for b, _, _ in figures}, key=lambda b: (b != "corpus", b)):
        log(f"  {block:10s} " + "  ".join(
            f"{form} " + "/".join(f"{figures[(block, form, k)]:.2f}" for k in COMPONENTS) for form in FORMS))
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
