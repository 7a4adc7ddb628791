"""The learned per-kind checks and question-kind reader against the hand-written rules.

    .venv/bin/python benchmarks/kind_checks.py [--quick]

1. Per check (both forms pooled, then per form): base rate (share passed), macro-F1 (passed/failed) and agreement
   with the labels, for the rules and the learned model,
   a. cross-validated on the training voices (tests/data/dev w_kinds, w_plain, w_spoken and blind c_*, d_*),
      one writer or voice left out at a time, the settings chosen again without it (nested);
   b. on the evaluation voices b_* (never fitted, tuned or chosen on): the rules, the learned model fitted on
      every training voice, and what ships (the learned model where it beat the rule in (a), else the rule),
      through yardsticks.judge itself.
2. Per voice: agreement of the rules and of what ships, over all checks.
3. Kind and rubric of a question from its wording: the rules and the learned reader, left-out-voice on the
   training voices and on the b_* voices; and the built-in questions from their wording alone (never trained on).
--quick skips the nested cross-validation of (1a) (about a minute instead of several); --questions prints (3)
only; --errors lists the b_* and built-in questions whose kind is wrong.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "training"))

import train_kinds as T  # noqa: E402

from rehearse import questions as question_bank  # noqa: E402
from rehearse.judge import kind_checks, kinds, question_kind, wording, yardsticks  # noqa: E402
from rehearse.judge.analysis import analyze, words_from_text  # noqa: E402
from rehearse.questions import load_bank  # noqa: E402


def stats(y: np.ndarray, pred: np.ndarray) -> str:
    if not len(y):
        return f"{'-':>15s}"
    return f"{T.macro_f1(y > 0.5, pred > 0.5):5.2f} {100 * np.mean((y > 0.5) == (pred > 0.5)):5.1f} %"


def apply_fitted(f: T.Fitted, dense: np.ndarray, term_sets: list[set[str]]) -> np.ndarray:
    lex = np.array([[float(t in ts) for t in f.vocab] for ts in term_sets]).reshape(len(term_sets), len(f.vocab))
    return 1.0 / (1.0 + np.exp(-f.z(dense, lex)))[:, 0]


def main() -> None:
    quick = "--quick" in sys.argv
    train_dirs, eval_dirs = T.training_dirs(), T.evaluation_dirs()
    train_rows, eval_rows = T.answers_of(train_dirs), T.answers_of(eval_dirs)
    print(f"Training voices (cross-validated): {', '.join(train_dirs)} ({len(train_rows)} answers)")
    print(f"Evaluation voices (never fitted): {', '.join(eval_dirs)} ({len(eval_rows)} answers); both forms\n")
    train_data = T.check_data(train_rows, log=None)
    eval_data = T.check_data(eval_rows, log=None)
    model = yardsticks.kind_model()
    if "--questions" in sys.argv:
        questions(train_dirs, eval_dirs)
        return

    # What ships, through the real judging path, on every evaluation answer in both forms.
    shipped: dict[tuple[str, str, str], bool] = {}
    for r in eval_rows:
        for form in T.FORMS:
            coaching = yardsticks.judge(r["rubric"], analyze(words_from_text(T.in_form(r["text"], form))))
            for c in coaching.checks:
                shipped[(r["id"], form, c.name)] = c.passed

    head = f"{'check':34s}{'base':>6s} | {'CV rule':>13s} {'CV learned':>13s} | {'b_* rule':>13s} " \
           f"{'b_* learned':>13s} {'b_* shipped':>13s}  ships"
    print("Per check: macro-F1 and agreement (both forms)\n" + head)
    per_voice = defaultdict(lambda: defaultdict(lambda: [0, 0]))  # voice -> (rule|shipped) -> [agree, n]
    cv_total = defaultdict(list)
    b_total = defaultdict(list)
    for key in sorted(train_data):
        d, e = train_data[key], eval_data.get(key)
        y, rule, groups, _, forms = d.arrays()
        config, _ = T.choose_config(d, np.arange(len(y)))
        if quick:
            learned_cv = np.full(len(y), np.nan)
        else:
            cv = T.nested_check(d, log=None)
            learned_cv = cv["learned"]
        uses = model.uses_model(*key)
        block, c, c_lex, free = config
        dense, terms = d.design()
        f = T.fit(dense[block], terms, np.arange(len(y)), y[:, None], c, c_lex, T.own_rule(d) if free else ())
        cols = [f"{key[0]}/{key[1]}", f"{y.mean():6.2f}", stats(y, rule),
                stats(y, learned_cv) if not quick else f"{'-':>13s}"]
        if e is not None:
            ye, rule_e, groups_e, ids_e, forms_e = e.arrays()
            learned_e = apply_fitted(f, np.array(e.dense[block]), e.terms)
            ship_e = np.array([float(shipped[(i, fm, key[1])]) for i, fm in zip(ids_e, forms_e)])
            cols += [stats(ye, rule_e), stats(ye, learned_e), stats(ye, ship_e)]
            for g, yy, rr, ss in zip(groups_e, ye, rule_e, ship_e):
                for which, p in (("rule", rr), ("shipped", ss)):
                    per_voice[g][which][0] += (yy > 0.5) == (p > 0.5)
                    per_voice[g][which][1] += 1
            b_total["y"] += list(ye)
            b_total["rule"] += list(rule_e)
            b_total["learned"] += list(learned_e)
            b_total["shipped"] += list(ship_e)
        ship_cv = learned_cv if uses else rule
        for g, yy, rr, ss in zip(groups, y, rule, ship_cv):
            for which, p in (("rule", rr), ("shipped", ss)):
                if not np.isnan(p):
                    per_voice[g][which][0] += (yy > 0.5) == (p > 0.5)
                    per_voice[g][which][1] += 1
        cv_total["y"] += list(y)
        cv_total["rule"] += list(rule)
        cv_total["learned"] += list(learned_cv)
        print(f"{cols[0]:34s}{cols[1]} | {cols[2]:>13s} {cols[3]:>13s} | " + " ".join(f"{x:>13s}" for x in cols[4:])
              + f"  {'learned' if uses else 'rule'}")
    cy = np.array(cv_total["y"])
    by = np.array(b_total["y"])
    print(f"{'all checks':34s}{cy.mean():6.2f} | {stats(cy, np.array(cv_total['rule'])):>13s} "
          f"{stats(cy, np.array(cv_total['learned'])) if not quick else '-':>13s} | "
          + " ".join(f"{stats(by, np.array(b_total[k])):>13s}" for k in ("rule", "learned", "shipped")))

    print("\nPer form (b_* voices, all checks): agreement rule / shipped")
    for form in T.FORMS:
        a = [0, 0, 0]
        for key, e in eval_data.items():
            ye, rule_e, _, ids_e, forms_e = e.arrays()
            for yy, rr, i, fm in zip(ye, rule_e, ids_e, forms_e):
                if fm == form:
                    a[0] += (yy > 0.5) == (rr > 0.5)
                    a[1] += (yy > 0.5) == shipped[(i, fm, key[1])]
                    a[2] += 1
        print(f"  {form:6s} rule {100 * a[0] / a[2]:5.1f} %   shipped {100 * a[1] / a[2]:5.1f} %  ({a[2]} checks)")

    print("\nPer voice, all checks, both forms: agreement rule -> shipped"
          + ("" if not quick else " (training voices: --quick has no left-out figures)"))
    for g in list(train_dirs) + list(eval_dirs):
        v = per_voice[g]
        rule_a, ship_a = v["rule"], v["shipped"]
        role = "evaluation" if g in eval_dirs else "left out"
        ship = f"{100 * ship_a[0] / ship_a[1]:5.1f} %" if ship_a[1] else "   -"
        print(f"  {g:14s} {role:10s} {100 * rule_a[0] / max(rule_a[1], 1):5.1f} % -> {ship}  ({rule_a[1]} checks)")

    questions(train_dirs, eval_dirs)


def questions(train_dirs, eval_dirs) -> None:
    print("\nKind and rubric of a question from its wording")
    train_q, eval_q = T.questions_of(train_dirs), T.questions_of(eval_dirs)

    def rule_of(q):
        kind = wording.rule_kind(q)
        return kind, (wording.rule_motivation_rubric(q) if kind == "motivation" else kinds.DEFAULT_RUBRIC[kind])

    def report(label, rows, got):
        by = defaultdict(lambda: [0, 0, 0])
        for r, (k, ru) in zip(rows, got):
            by[r["group"]][0] += k == r["kind"]
            by[r["group"]][1] += ru == r["rubric"]
            by[r["group"]][2] += 1
        n = sum(v[2] for v in by.values())
        print(f"  {label:44s} kind {100 * sum(v[0] for v in by.values()) / n:5.1f} %  rubric "
              f"{100 * sum(v[1] for v in by.values()) / n:5.1f} %  of {n}   per voice (kind): "
              + ", ".join(f"{g} {100 * v[0] / v[2]:.0f}" for g, v in sorted(by.items())))

    report("rules, training voices", train_q, [rule_of(r["question"]) for r in train_q])
    cvq = T.question_predictions(train_q)
    report("learned, training voices (left out, nested)", train_q, list(zip(cvq["kind"], cvq["rubric"])))
    report("rules, b_* voices", eval_q, [rule_of(r["question"]) for r in eval_q])
    shipped_q = [(question_kind.kind_from_wording(r["question"]), None) for r in eval_q]
    shipped_q = [(k, question_kind.rubric_for(k, r["question"])) for (k, _), r in zip(shipped_q, eval_q)]
    report("shipped learned reader, b_* voices", eval_q, shipped_q)
    bank = load_bank()
    rows = [{"question": q.text, "kind": q.kind, "rubric": question_bank.rubric_for(q.kind, q.text), "group": "built-in"}
            for q in bank]
    report("rules, built-in questions (wording only)", rows, [rule_of(r["question"]) for r in rows])
    report("shipped, built-in questions (wording only)", rows,
           [(k, question_kind.rubric_for(k, r["question"]))
            for k, r in zip((question_kind.kind_from_wording(r["question"]) for r in rows), rows)])
    if "--errors" in sys.argv:
        for r, (k, ru) in zip(eval_q + rows, shipped_q + [(question_kind.kind_from_wording(r["question"]), None)
                                                           for r in rows]):
            if k != r["kind"]:
                print(f"    {r['group']}: {k} (label {r['kind']}/{r['rubric']}): {r['question']}")
    _ = kind_checks  # the model's own module: the shipped figures above ran through it


if __name__ == "__main__":
    main()
