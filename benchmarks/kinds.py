"""Prints how well each kind of question is judged by its own yardstick, and how well a question's
kind is told from its wording.

    .venv/bin/python benchmarks/kinds.py [--errors] [--spoken] [--blind]

Reads the labelled answers in tests/data/dev/*/kinds.jsonl and the questions in
tests/data/dev/*/questions.jsonl (one folder per writer); run from a git worktree, it also reads
/work/main/tests/data/dev when that exists (a writer found in both is read from the larger file).

1. Per check: agreement of `passed` with the writer's label, per writer and over all writers,
   with how many answers it saw; --spoken also scores each answer as a recognizer would print it
   (lowercase, no punctuation).
2. Whether any motivation or closing answer got a C/A/R tip (it must never).
3. Kind and rubric inference: on every built-in question (from the wording alone, and as
   `infer_kind` does it, with the bank's own kind for its own questions), and on each writer's
   questions.
--errors lists every disagreement. --blind reads the blind sets in tests/data/blind/ instead (writers who
never saw the rules; kept apart from tuning).
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from rehearse.judge.analysis import analyze, words_from_text
from rehearse.judge.kinds import CLOSING, MOTIVATION_RUBRICS, KindError
from rehearse.judge.question_kind import kind_from_wording
from rehearse.judge.yardsticks import check_names, judge
from rehearse.questions import infer_kind, load_bank, rubric_for

MAIN_DEV = Path("/work/main/tests/data/dev")
# Writers name the C/A/R yardstick after its kinds.
STORY_RUBRIC_LABELS = (None, "", "car", "behavioural", "behavioral", "second-interview")
CAR_TIP_WORDS = re.compile(r"(?i)\b(challenge|no result stated|say what you did|your result has no measure|"
                           r"before your first action|told as 'we')")


def writer_dirs() -> dict[str, Path]:
    """One folder per writer: this repository's, then /work/main's for writers it lacks or has more of."""
    dirs: dict[str, Path] = {}
    roots = (REPO / "tests" / "data" / "blind",) if "--blind" in sys.argv else (REPO / "tests" / "data" / "dev", MAIN_DEV)
    for root in roots:
        if not root.is_dir():
            continue
        for d in sorted(p for p in root.iterdir() if p.is_dir()):
            size = sum(f.stat().st_size for f in d.glob("*.jsonl"))
            old = dirs.get(d.name)
            if old is None or size > sum(f.stat().st_size for f in old.glob("*.jsonl")):
                dirs[d.name] = d
    return dirs


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    if path.exists():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    print(f"  (skipped {path}:{n}: not JSON, a file still being written?)")
    return rows


def spoken(text: str) -> str:
    """As a recognizer prints it: lowercase, no punctuation."""
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower().replace("%", " percent")).split())


def pct(a: int, n: int) -> str:
    return f"{100 * a / n:5.1f} % ({a}/{n})" if n else "   -"


def main() -> None:
    show = "--errors" in sys.argv
    forms = [("written", lambda t: t)] + ([("spoken", spoken)] if "--spoken" in sys.argv else [])
    dirs = writer_dirs()
    answers = {w: read_jsonl(d / "kinds.jsonl") for w, d in dirs.items()}
    print("Writers:", ", ".join(f"{w} ({len(a)} answers, {d})" for (w, d), a in zip(dirs.items(), answers.values())))
    car_tips = 0
    for form, fn in forms:
        agree = defaultdict(lambda: defaultdict(lambda: [0, 0]))  # (rubric, check) -> writer -> [agree, n]
        wrong = []
        for writer, rows in answers.items():
            for r in rows:
                rubric, labels = r.get("rubric"), r.get("checks") or {}
                try:
                    names = check_names(rubric)
                except KindError:
                    print(f"  (skipped {writer} {r.get('id')}: rubric {rubric!r})")
                    continue
                coaching = judge(rubric, analyze(words_from_text(fn(r["text"]))))
                if rubric in MOTIVATION_RUBRICS + (CLOSING,):
                    car_tips += sum(1 for t in coaching.tips if CAR_TIP_WORDS.search(t))
                for name in names:
                    if name not in labels:
                        continue
                    got = coaching.check(name).passed
                    cell = agree[(rubric, name)][writer]
                    cell[0] += got == bool(labels[name])
                    cell[1] += 1
                    if got != bool(labels[name]):
                        wrong.append((writer, r.get("id"), rubric, name, bool(labels[name]), r["text"],
                                      coaching.check(name).evidence))
        writers = list(answers)
        print(f"\nPer-check agreement with the labels ({form} form)")
        print(f"{'rubric/check':36s}" + "".join(f"{w:>22s}" for w in writers) + f"{'all':>22s}")
        tot = defaultdict(lambda: [0, 0])
        for (rubric, name), by in sorted(agree.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            a = sum(v[0] for v in by.values())
            n = sum(v[1] for v in by.values())
            print(f"{rubric + '/' + name:36s}" + "".join(f"{pct(*by[w]) if w in by else '-':>22s}" for w in writers)
                  + f"{pct(a, n):>22s}")
            for w, v in by.items():
                tot[w][0] += v[0]
                tot[w][1] += v[1]
        print(f"{'all checks':36s}" + "".join(f"{pct(*tot[w]):>22s}" for w in writers)
              + f"{pct(sum(v[0] for v in tot.values()), sum(v[1] for v in tot.values())):>22s}")
        if show:
            for writer, rid, rubric, name, label, text, ev in wrong:
                print(f"\n  [{form}] {writer} {rid} {rubric}/{name}: label {label}, judged {not label}\n    {text}"
                      + (f"\n    evidence: {[e['text'] for e in ev]}" if ev else ""))
    # Stress: every story answer the writers wrote for C/A/R (car.jsonl), judged by each rubric
    # that must never give a C/A/R tip.
    stories = [r for d in dirs.values() for r in read_jsonl(d / "car.jsonl")]
    stress = 0
    for r in stories:
        text = r.get("text") or " ".join(s["text"] for s in r.get("sentences", []))
        analysis = analyze(words_from_text(text))
        for rubric in MOTIVATION_RUBRICS + (CLOSING,):
            stress += sum(1 for t in judge(rubric, analysis).tips if CAR_TIP_WORDS.search(t))
    print(f"\nC/A/R tips given to motivation or closing answers: {car_tips} "
          f"(and {stress} on {len(stories)} story answers judged by each of those rubrics)")

    builtin = load_bank()
    by_words = sum(kind_from_wording(q.text) == q.kind for q in builtin)
    by_rubric_words = sum(rubric_for(kind_from_wording(q.text), q.text, use_bank=False) == rubric_for(q.kind, q.text)
                          for q in builtin)
    with_bank = sum(infer_kind(q.text)[0] == q.kind for q in builtin)
    print(f"\nKind inference on the {len(builtin)} built-in questions:")
    print(f"  from the wording alone: kind {pct(by_words, len(builtin))}, yardstick {pct(by_rubric_words, len(builtin))}")
    print(f"  infer_kind (bank lookup first): kind {pct(with_bank, len(builtin))}")
    if show:
        for q in builtin:
            if kind_from_wording(q.text) != q.kind:
                print(f"    wording says {kind_from_wording(q.text)}, bank {q.kind}: {q.text}")
    print("Kind and rubric inference on the writers' questions:")
    ka = kn = ra = 0
    for writer, d in dirs.items():
        qs = [q for q in read_jsonl(d / "questions.jsonl") if q.get("question")]
        k = r = 0
        for q in qs:
            kind, rubric = infer_kind(q["question"])
            k += kind == q.get("kind") or (kind == "behavioural" and q.get("kind") == "behavioral")
            r += rubric == q.get("rubric") or (q.get("rubric") in STORY_RUBRIC_LABELS and rubric == "car")
            if show and (kind != q.get("kind") or rubric != q.get("rubric")) and not (
                    kind == q.get("kind") and rubric == "car" and q.get("rubric") in STORY_RUBRIC_LABELS):
                print(f"    {writer}: got {kind}/{rubric}, label {q.get('kind')}/{q.get('rubric')}: {q['question']}")
        ka, kn, ra = ka + k, kn + len(qs), ra + r
        print(f"  {writer:12s} kind {pct(k, len(qs))}   rubric {pct(r, len(qs))}")
    print(f"  {'all':12s} kind {pct(ka, kn)}   rubric {pct(ra, kn)}")


if __name__ == "__main__":
    main()
