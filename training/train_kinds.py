"""Train the learned per-kind checks and the question-kind reader; write src/rehearse/judge/kind_checks.npz.

    .venv/bin/python training/train_kinds.py              # cross-validate, choose, write the shipped model
    .venv/bin/python training/train_kinds.py --out F.npz  # write elsewhere
    .venv/bin/python training/train_kinds.py --check      # rebuild into a temporary file: same bytes as shipped?
    .venv/bin/python training/train_kinds.py --data DIR --out F.npz   # every subfolder of DIR one writer

Training data (tests/data/blind/README.md says which may train): the team's per-kind answers and questions
(tests/data/dev/w_kinds, w_plain, w_spoken) and the blind voices c_* and d_*. The b_* voices are never read
here: they are for evaluation only (benchmarks/kind_checks.py). Every answer trains in both forms, as
written and as a recogniser prints it (lower case, no punctuation, numbers as words).

Per check, a logistic regression over the answer's dense inputs (kind_checks.dense_names) and its words and
word pairs (vocabulary chosen inside each training fold: terms in at least MIN_DF answers of the rubric).
Settings (clause block or not, C, the word block's C) are chosen by cross-validation with one writer or voice
left out at a time; the figures that decide learned-or-rule are nested (the settings chosen again inside each
outer fold without the left-out voice), and a check keeps its rule unless its learned model's left-out macro-F1
beats the rule's by MARGIN on the voices the rules' authors never saw (c_*, d_*; the dev writers' answers
were read while the rules were written, so the rules look better there than they are). Questions: one-vs-rest logistic regressions for the kind and for the rubric over
the question's words and the wording rules' hits, the settings chosen the same way; the built-in bank's
questions are never trained on.

Numpy only, deterministic: the same data and code give the same bytes.
"""

from __future__ import annotations

import argparse
import filecmp
import functools
import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# One BLAS thread: the matrices are small (threads only fight over the two cores), and the sums then run
# in one fixed order, so a rebuild gives the same bytes.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))  # training/

from rehearse.judge import kind_checks, yardsticks  # noqa: E402
from rehearse.judge.analysis import analyze, words_from_text  # noqa: E402
from rehearse.judge.car_model import save_model  # noqa: E402
from training.car_data import recognizer_form  # noqa: E402

DEV_DIR = REPO / "tests" / "data" / "dev"
BLIND_DIR = REPO / "tests" / "data" / "blind"
DEV_WRITERS = ("w_kinds", "w_plain", "w_spoken", "w_motives")
TRAINING_VOICE_PREFIXES = ("c_", "d_")  # b_* voices: evaluation only, never read by training
EVALUATION_VOICE_PREFIX = "b_"
FORMS = ("prose", "asr")
RUBRICS = ("about-yourself", "why-here", "why-leaving", "five-years", "objection", "closing")
STORY_LABELS = ("", "car", "behavioural", "behavioral", "second-interview")  # writers name C/A/R by its kinds

# The grid: (clause block, C of the dense inputs, C of the word block or None for no words, the check's own
# rule verdict free of the penalty). Small data (about sixty answers per rubric): a strong L2 on the rest.
GRID = (
    (False, 0.1, None, False), (False, 0.1, 0.03, False), (False, 0.1, 0.3, False), (False, 1.0, 0.3, False),
    (True, 0.1, 0.3, False), (False, 0.1, None, True), (False, 0.1, 0.3, True),
)
# (C of the cues, C of the words). A first grid of six (C 0.3 or 3.0, words 0.1, 0.3 or 1.0) chose (0.3, 1.0)
# on all the data; cut to these three to keep the nested cross-validation of the benchmark within minutes.
QUESTION_GRID = ((0.3, 0.3), (0.3, 1.0), (3.0, 1.0))
MIN_DF = 2  # a term needs this many training answers (or questions) of its own to get a weight
FREE_RIDGE = 1e-3
MARGIN = 0.01  # a learned check must beat its rule's left-out macro-F1 by this much to replace it
NEWTON_STEPS = 30

# The self-check's fixed inputs: written here for it, one answer per rubric and one question.
SELF_CHECK_ANSWERS = {
    "about-yourself": "I'm a dispatcher at a parcel depot. Last year I rebuilt our routes and late deliveries fell "
                      "by a third. I want to lead a team now, and this role lets me do that.",
    "why-here": "You opened a repair workshop in every store last spring, and I spent six years fixing bikes, "
                "so I would like to help you run it.",
    "why-leaving": "My manager never listens, so I want to move into planning, where I can use what I have learned.",
    "five-years": "In five years I would like to run a small site team here, and I am taking a supervisor course "
                  "to get there.",
    "objection": "That's fair, I haven't led a team. Last winter I trained four new starters myself, and I would "
                 "ask for a mentor in my first month.",
    "closing": "What does a typical week look like for the team, and is there training for new starters? Could I "
               "see the warehouse?",
}
SELF_CHECK_QUESTION = "Looking back over your last job, what would your old manager say you should work on?"


# --- data ------------------------------------------------------------------------------------------


def read_jsonl(path: Path) -> list[dict]:
    """The JSON objects of a file, one a line (blank lines skipped)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def training_dirs(dev: Path = DEV_DIR, blind: Path = BLIND_DIR) -> dict[str, Path]:
    """Writer or voice -> folder, for every set that may train."""
    dirs = {w: dev / w for w in DEV_WRITERS if (dev / w).is_dir()}
    if blind.is_dir():
        dirs.update({d.name: d for d in sorted(blind.iterdir())
                     if d.is_dir() and d.name.startswith(TRAINING_VOICE_PREFIXES)})
    return dirs


def evaluation_dirs(blind: Path = BLIND_DIR) -> dict[str, Path]:
    """The evaluation-only voices (b_*): never fitted, tuned or chosen on."""
    return {d.name: d for d in sorted(blind.iterdir()) if d.is_dir() and d.name.startswith(EVALUATION_VOICE_PREFIX)}


def answers_of(dirs: dict[str, Path]) -> list[dict]:
    """Every labelled per-kind answer of these sets, each with its `group` (the writer or voice)."""
    rows = []
    for group, d in dirs.items():
        if (d / "kinds.jsonl").exists():
            for r in read_jsonl(d / "kinds.jsonl"):
                if r.get("rubric") in RUBRICS and r.get("checks"):
                    rows.append({**r, "group": group})
    return rows


def questions_of(dirs: dict[str, Path]) -> list[dict]:
    """Every labelled question of these sets, with `group`, and its kind and rubric in the tool's names."""
    rows = []
    for group, d in dirs.items():
        if (d / "questions.jsonl").exists():
            for r in read_jsonl(d / "questions.jsonl"):
                kind = {"behavioral": "behavioural"}.get(r.get("kind"), r.get("kind"))
                rubric = "car" if (r.get("rubric") or "") in STORY_LABELS else r["rubric"]
                if r.get("question") and kind in kind_checks.KIND_CLASSES and rubric in kind_checks.RUBRIC_CLASSES:
                    rows.append({"question": r["question"], "kind": kind, "rubric": rubric, "group": group})
    return rows


def in_form(text: str, form: str) -> str:
    """An answer as written, or as a recogniser prints it."""
    return text if form == "prose" else recognizer_form(text)


@dataclass
class CheckData:
    """One check's training rows: an answer in one form each."""

    rubric: str
    name: str
    checks: tuple[str, ...]
    ids: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    y: list[float] = field(default_factory=list)
    rule: list[float] = field(default_factory=list)
    dense: dict[bool, list[np.ndarray]] = field(default_factory=lambda: {False: [], True: []})
    terms: list[set[str]] = field(default_factory=list)
    _done: tuple | None = None

    def arrays(self):
        """(y, rule verdicts, groups, answer ids, forms) as arrays."""
        return (np.array(self.y), np.array(self.rule), np.array(self.groups), np.array(self.ids),
                np.array(self.forms))

    def design(self) -> tuple[dict[bool, np.ndarray], Terms]:
        """The dense matrices (without and with the clause block) and the term matrix, built once."""
        if self._done is None:
            self._done = ({b: np.array(v) for b, v in self.dense.items()}, Terms(self.terms, np.array(self.ids)))
        return self._done


def check_data(rows: list[dict], log=print) -> dict[tuple[str, str], CheckData]:
    """Every labelled check of every answer, in both forms, with its inputs."""
    out: dict[tuple[str, str], CheckData] = {}
    for n, r in enumerate(rows):
        rubric = r["rubric"]
        names = yardsticks.check_names(rubric)
        for form in FORMS:
            clauses = analyze(words_from_text(in_form(r["text"], form))).clauses
            rules = yardsticks.answer_inputs(rubric, clauses).rules
            for name in names:
                if name not in r["checks"]:
                    continue
                d = out.setdefault((rubric, name), CheckData(rubric, name, names))
                x = yardsticks.answer_inputs(rubric, yardsticks.learned_clauses(name, clauses))
                d.ids.append(r["id"])
                d.groups.append(r["group"])
                d.forms.append(form)
                d.y.append(float(bool(r["checks"][name])))
                d.rule.append(rules[name])
                for block in (False, True):
                    d.dense[block].append(kind_checks.dense_inputs(x, names, block))
                d.terms.append(kind_checks.answer_terms(x.texts))
        if log and (n + 1) % 100 == 0:
            log(f"  read {n + 1}/{len(rows)} answers")
    return out


# --- the regression --------------------------------------------------------------------------------


def newton(x: np.ndarray, y: np.ndarray, ridge: np.ndarray) -> np.ndarray:
    """L2-regularised logistic regression by Newton's method: the loss summed over rows plus
    sum(ridge * w^2) / 2 (the last column of `x` the ones of the intercept, its ridge tiny). Each step is
    solved in the smaller of the two spaces (Woodbury when there are more columns than rows)."""
    n, d = x.shape
    w = np.zeros(d)
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        g = x.T @ (p - y) + ridge * w
        s = np.clip(p * (1 - p), 1e-10, None)
        if d <= n:
            step = np.linalg.solve((x * s[:, None]).T @ x + np.diag(ridge), g)
        else:  # (X'SX + R)^-1 g = R^-1 g - R^-1 X' (S^-1 + X R^-1 X')^-1 X R^-1 g
            rg = g / ridge
            xr = x / ridge
            step = rg - xr.T @ np.linalg.solve(np.diag(1.0 / s) + xr @ x.T, x @ rg)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    return w


class Terms:
    """The term sets of a list of rows as one 0/1 matrix over every term (sorted), and per text id (an
    answer in both forms is one id) which terms it has, for choosing a fold's vocabulary."""

    def __init__(self, terms: list[set[str]], ids: np.ndarray):
        self.names = sorted(set().union(*terms)) if terms else []
        col = {t: k for k, t in enumerate(self.names)}
        self.matrix = np.zeros((len(terms), len(self.names)))
        for r, ts in enumerate(terms):
            self.matrix[r, [col[t] for t in ts]] = 1.0
        self.ids = ids
        self._cache: dict[bytes, np.ndarray] = {}

    def vocabulary(self, rows: np.ndarray) -> np.ndarray:
        """Columns of the terms found in at least MIN_DF distinct ids among `rows` (cached per row set)."""
        key = rows.tobytes()
        if key not in self._cache:
            ids = self.ids[rows]
            by_id = np.array([self.matrix[rows[ids == i]].max(axis=0) for i in np.unique(ids)])
            self._cache[key] = np.flatnonzero(by_id.sum(axis=0) >= MIN_DF) if len(by_id) else np.zeros(0, int)
        return self._cache[key]


@dataclass
class Fitted:
    """A fitted regression, one row per class: the weights kind_checks.Linear reads."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    vocab: list[str]
    lexical: np.ndarray
    cols: np.ndarray  # the vocabulary's columns in the Terms it was fitted on

    def z(self, dense: np.ndarray, lex: np.ndarray) -> np.ndarray:
        """(rows, classes) logits."""
        return ((dense - self.mean) / self.scale) @ self.coef.T + self.intercept + lex @ self.lexical.T


def fit(dense: np.ndarray, terms: Terms, rows: np.ndarray, targets: np.ndarray, c: float,
        c_lex: float | None, free: tuple[int, ...] = ()) -> Fitted:
    """One regression per column of `targets` (rows × classes) on the training `rows`; the dense columns
    `free` (the check's own rule verdict) are hardly penalised, so the model may trust them fully and the
    rest of the inputs correct them where the data says so."""
    d = dense[rows]
    mean = d.mean(axis=0)
    scale = d.std(axis=0)
    scale[scale < 1e-6] = 1.0
    cols = terms.vocabulary(rows) if c_lex is not None else np.zeros(0, dtype=int)
    x = np.hstack([(d - mean) / scale, terms.matrix[np.ix_(rows, cols)], np.ones((len(rows), 1))])
    ridge = np.concatenate([np.full(d.shape[1], 1.0 / c), np.full(len(cols), 1.0 / (c_lex or 1.0)), [1e-8]])
    ridge[list(free)] = FREE_RIDGE
    ws = np.array([newton(x, targets[rows, k], ridge) for k in range(targets.shape[1])])
    nd = d.shape[1]
    return Fitted(mean, scale, ws[:, :nd], ws[:, -1], [terms.names[k] for k in cols], ws[:, nd:nd + len(cols)],
                  cols)


def predict(f: Fitted, dense: np.ndarray, terms: Terms, rows: np.ndarray) -> np.ndarray:
    """(len(rows), classes) probabilities of rows of the same Terms the model was fitted on."""
    return 1.0 / (1.0 + np.exp(-f.z(dense[rows], terms.matrix[np.ix_(rows, f.cols)])))


def macro_f1(truth: np.ndarray, pred: np.ndarray) -> float:
    """Mean of F1(passed) and F1(failed) (a class absent from both counts as 1)."""
    def f1(t, p):
        tp = np.sum(t & p)
        denom = 2 * tp + np.sum(~t & p) + np.sum(t & ~p)
        return 1.0 if denom == 0 else 2 * tp / denom
    t, p = truth.astype(bool), pred.astype(bool)
    return float((f1(t, p) + f1(~t, ~p)) / 2)


# --- cross-validation ------------------------------------------------------------------------------


def _check_probs(d: CheckData, config, rows: np.ndarray, test: np.ndarray) -> np.ndarray:
    block, c, c_lex, free = config
    y = np.array(d.y)
    dense, terms = d.design()
    f = fit(dense[block], terms, rows, y[:, None], c, c_lex, own_rule(d) if free else ())
    return predict(f, dense[block], terms, test)[:, 0]


def own_rule(d: CheckData) -> tuple[int, ...]:
    """The dense column of the check's own rule verdict (dense_names puts the rubric's rules first)."""
    return (d.checks.index(d.name),)


def unseen_by_rules(groups: np.ndarray) -> np.ndarray:
    """Rows of voices the rules' authors never saw (c_*, d_*): where learned and rule are compared fairly
    (the rules were written looking at the dev writers)."""
    return np.array([g.startswith(TRAINING_VOICE_PREFIXES) for g in groups], dtype=bool)


def choose_config(d: CheckData, rows: np.ndarray) -> tuple[tuple, float]:
    """The grid's setting with the best pooled macro-F1 over leave-one-group-out folds within `rows`
    (the first of equals: the grid runs from the simplest)."""
    y, _, groups, _, _ = d.arrays()
    best = None
    for config in GRID:
        pred = np.zeros(len(y))
        for g in sorted(set(groups[rows])):
            test = rows[groups[rows] == g]
            train = rows[groups[rows] != g]
            pred[test] = _check_probs(d, config, train, test)
        score = macro_f1(y[rows] > 0.5, pred[rows] >= kind_checks.PASS_P)
        if best is None or score > best[1] + 1e-12:
            best = (config, score)
    return best


def nested_check(d: CheckData, log=print) -> dict:
    """Left-out-voice predictions of the learned check (settings chosen without that voice) beside the rule's."""
    y, rule, groups, _, _ = d.arrays()
    everything = np.arange(len(y))
    learned = np.zeros(len(y))
    chosen = {}
    for g in sorted(set(groups)):
        test = everything[groups == g]
        train = everything[groups != g]
        config, _ = choose_config(d, train)
        chosen[g] = config
        learned[test] = _check_probs(d, config, train, test)
    return {"learned": learned, "rule": rule, "y": y, "groups": groups, "chosen": chosen}


@functools.lru_cache(maxsize=None)
def _question_inputs(question: str) -> tuple[np.ndarray, frozenset]:
    cues = yardsticks.question_cues(question)
    dense = np.array([cues.get(c, 0.0) for c in kind_checks.QUESTION_CUE_NAMES], dtype=np.float64)
    return dense, frozenset(kind_checks.question_terms(question))


def question_arrays(rows: list[dict]):
    """Dense cue rows, term sets, kind and rubric one-hot targets, groups, ids of questions."""
    dense = np.array([_question_inputs(r["question"])[0] for r in rows]).reshape(
        len(rows), len(kind_checks.QUESTION_CUE_NAMES))
    terms = [set(_question_inputs(r["question"])[1]) for r in rows]
    kinds = np.array([[float(r["kind"] == k) for k in kind_checks.KIND_CLASSES] for r in rows])
    rubrics = np.array([[float(r["rubric"] == k) for k in kind_checks.RUBRIC_CLASSES] for r in rows])
    groups = np.array([r["group"] for r in rows])
    ids = np.array([f"{r['group']}:{i}" for i, r in enumerate(rows)])
    return dense, terms, kinds, rubrics, groups, ids


def question_predictions(rows: list[dict], train_rows: list[dict] | None = None, config=None) -> dict:
    """Kind and rubric for each question: out-of-group when `train_rows` is None (leave one group out,
    settings chosen inside each fold), else from a fit on `train_rows`."""
    if train_rows is not None:
        model = fit_questions(train_rows, config)
        return {"kind": [_predict_question(model, r["question"])[0] for r in rows],
                "rubric": [_predict_question(model, r["question"])[1] for r in rows]}
    groups = np.array([r["group"] for r in rows])
    out = {"kind": [None] * len(rows), "rubric": [None] * len(rows), "chosen": {}}
    for g in sorted(set(groups)):
        train = [r for r in rows if r["group"] != g]
        cfg = choose_question_config(train)
        out["chosen"][g] = cfg
        model = fit_questions(train, cfg)
        for i, r in enumerate(rows):
            if r["group"] == g:
                out["kind"][i], out["rubric"][i] = _predict_question(model, r["question"])
    return out


def fit_questions(rows: list[dict], config) -> tuple[Fitted, Fitted]:
    """The kind and rubric regressions on these questions."""
    c, c_lex = config
    dense, terms, kinds, rubrics, _, ids = question_arrays(rows)
    every = np.arange(len(rows))
    table = Terms(terms, ids)
    return fit(dense, table, every, kinds, c, c_lex), fit(dense, table, every, rubrics, c, c_lex)


def _predict_question(model: tuple[Fitted, Fitted], question: str) -> tuple[str, str]:
    kp, rp = (_apply(f, question) for f in model)
    kind = kind_checks.decide_kind(kp, yardsticks.question_cues(question),
                                   kind_checks.known_words(question, set(model[0].vocab)))
    allowed = kind_checks.KIND_RUBRICS[kind]
    return kind, max(allowed, key=lambda r: rp[kind_checks.RUBRIC_CLASSES.index(r)])


def _apply(f: Fitted, question: str) -> np.ndarray:
    """A fitted question model's probabilities for a new question, as kind_checks.Linear computes them."""
    dense, terms = _question_inputs(question)
    lex = np.array([float(t in terms) for t in f.vocab])
    return 1.0 / (1.0 + np.exp(-(f.coef @ ((dense - f.mean) / f.scale) + f.intercept + f.lexical @ lex)))


def choose_question_config(rows: list[dict]):
    """The question grid's setting with the most kinds and rubrics right, one group left out at a time."""
    groups = sorted({r["group"] for r in rows})
    best = None
    for config in QUESTION_GRID:
        right = 0
        for g in groups:
            model = fit_questions([r for r in rows if r["group"] != g], config)
            for r in rows:
                if r["group"] == g:
                    kind, rubric = _predict_question(model, r["question"])
                    right += (kind == r["kind"]) + (rubric == r["rubric"])
        if best is None or right > best[1]:
            best = (config, right)
    return best[0]


# --- training and writing --------------------------------------------------------------------------


def _linear_arrays(prefix: str, f: Fitted) -> dict[str, np.ndarray]:
    return {f"{prefix}.mean": f.mean, f"{prefix}.scale": f.scale, f"{prefix}.coef": f.coef,
            f"{prefix}.intercept": f.intercept, f"{prefix}.terms": np.array("\n".join(f.vocab)),
            f"{prefix}.lexical": f.lexical}


def train(answer_rows: list[dict], question_rows: list[dict], out: Path | None, log=print,
          nested: bool = True, learned_everywhere: bool = False) -> dict:
    """Cross-validate every check (nested, by left-out group), decide learned or rule, fit the chosen
    settings on every row and write the model to `out`. Returns the cross-validated figures."""
    data = check_data(answer_rows, log)
    arrays: dict[str, np.ndarray] = {
        "cue_names": np.array("\n".join(kind_checks.CUE_NAMES)),
        "question_cue_names": np.array("\n".join(kind_checks.QUESTION_CUE_NAMES)),
        "check_keys": np.array("\n".join(f"{r}/{n}" for r, n in sorted(data))),
        "data_sha256": np.array(data_digest(answer_rows, question_rows)),
    }
    figures = {}
    for rubric in sorted({r for r, _ in data}):
        arrays[f"rubric_checks.{rubric}"] = np.array("\n".join(yardsticks.check_names(rubric)))
    for (rubric, name), d in sorted(data.items()):
        y, rule, groups, ids, _ = d.arrays()
        if nested and len(set(groups)) > 2:
            cv = nested_check(d, log)
            fair = unseen_by_rules(groups)
            if not fair.any():
                fair[:] = True
            f_learned = macro_f1(y[fair] > 0.5, cv["learned"][fair] >= kind_checks.PASS_P)
            f_rule = macro_f1(y[fair] > 0.5, rule[fair] > 0.5)
        else:
            cv, f_learned, f_rule = None, 1.0, 0.0
        use = learned_everywhere or f_learned >= f_rule + MARGIN
        config, _ = choose_config(d, np.arange(len(y))) if len(set(groups)) > 1 else (GRID[0], 0.0)
        figures[(rubric, name)] = {"cv": cv, "learned_f1": f_learned, "rule_f1": f_rule, "use": use,
                                   "config": config, "data": d}
        log(f"  {rubric}/{name}: rule {f_rule:.3f}, learned {f_learned:.3f} (left-out c_*/d_* voices) -> "
            f"{'learned' if use else 'rule'}; settings {config}")
        prefix = f"check.{rubric}/{name}"
        arrays[f"{prefix}.use"] = np.array(use)
        arrays[f"{prefix}.clause_block"] = np.array(config[0])
        if use:
            block, c, c_lex, free = config
            dense, terms = d.design()
            fitted = fit(dense[block], terms, np.arange(len(y)), y[:, None], c, c_lex, own_rule(d) if free else ())
            arrays.update(_linear_arrays(prefix, fitted))
    q_config = choose_question_config(question_rows) if len({r["group"] for r in question_rows}) > 1 \
        else QUESTION_GRID[0]
    kind_fit, rubric_fit = fit_questions(question_rows, q_config)
    arrays.update(_linear_arrays("question.kind", kind_fit))
    arrays.update(_linear_arrays("question.rubric", rubric_fit))
    log(f"  questions: settings {q_config}")
    figures["questions"] = {"config": q_config}
    # The self-check: the probabilities this model gives the fixed inputs, computed through the same
    # code the loader runs.
    rubrics = [r for r in SELF_CHECK_ANSWERS if any(k[0] == r for k in data)]
    arrays["self_check.rubrics"] = np.array(rubrics)
    arrays["self_check.answers"] = np.array([SELF_CHECK_ANSWERS[r] for r in rubrics])
    arrays["self_check.question"] = np.array(SELF_CHECK_QUESTION)
    arrays["self_check.probabilities"] = np.zeros(0)
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / "draft.npz"
        save_model(draft, arrays)
        model = kind_checks.read_model(draft)
        arrays["self_check.probabilities"] = kind_checks.self_check_probabilities(
            model, yardsticks._self_check_inputs, yardsticks.question_cues)
    if out is not None:
        save_model(out, arrays)
        yardsticks.kind_model(out)  # loads and passes its own self-check
    return figures


def data_digest(answers: list[dict], questions: list[dict]) -> str:
    """A fingerprint of the training data, stored in the model."""
    h = hashlib.sha256()
    for r in answers:
        h.update(json.dumps([r["group"], r["id"], r["rubric"], r["text"], r["checks"]], sort_keys=True).encode())
    for r in questions:
        h.update(json.dumps([r["group"], r["question"], r["kind"], r["rubric"]]).encode())
    return h.hexdigest()


def main(argv: list[str] | None = None) -> int:
    """Train on the sets that may train and write the model; --check compares a rebuild with the shipped file."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=kind_checks.MODEL_PATH)
    ap.add_argument("--check", action="store_true", help="rebuild into a temporary file and compare its bytes")
    ap.add_argument("--data", type=Path, help="train on every subfolder of this folder instead (a test fixture)")
    ap.add_argument("--learned-everywhere", action="store_true",
                    help="ship every check's learned model, beaten or not (tests the whole path on a fixture)")
    args = ap.parse_args(argv)
    dirs = {d.name: d for d in sorted(args.data.iterdir()) if d.is_dir()} if args.data else training_dirs()
    answers, questions = answers_of(dirs), questions_of(dirs)
    print(f"training on {', '.join(dirs)}: {len(answers)} answers, {len(questions)} questions")
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "kind_checks.npz"
            train(answers, questions, out)
            same = filecmp.cmp(out, kind_checks.MODEL_PATH, shallow=False)
        print("rebuilt bit for bit" if same else f"differs from {kind_checks.MODEL_PATH}")
        return 0 if same else 1
    train(answers, questions, args.out, learned_everywhere=args.learned_everywhere)
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
