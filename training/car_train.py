"""Training and cross-validating the C/A/R model (numpy only).

Training units are the clauses that `analysis.split_clauses` cuts from each answer and from each
evaluation variant (a component's sentences removed), in both forms (prose and recognizer form),
each labelled from the sentences its words come from. A second stage reads each evaluation case's
clause-probability profile (`car_model.answer_profile`) and says covered or missing; it is trained on
out-of-fold clause probabilities, so it sees the first stage's errors as they are on unseen answers.
Cross-validation is grouped by source (the corpus) and by writer (the project's own sets), and nested:
for each held-out fold, the second stage is trained on probabilities the first stage gave the other
folds without them or the held-out fold, so the figures it prints were never tuned on the answers
they score. It picks the inputs (features, embedding or both) and the regularisation.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import numpy as np

from rehearse.judge.analysis import split_clauses, words_from_text
from rehearse.judge.car_model import (
    ANSWER_FEATURE_NAMES,
    FEATURE_NAMES,
    Embedder,
    answer_profile,
    clause_features,
    lexical_terms,
    read_model,
    save_model,
    self_check,
)
from training.car_data import (
    COMPONENTS,
    EVAL_ONLY_PREFIX,
    FORMS,
    HELD_OUT_WRITERS,
    LabelledAnswer,
    cases,
    recognizer_form,
)

SEED = 0  # orders the corpus sources into folds
C_GRID = (1.0,)  # 0.3 was tried beside it and lost (cross-validated); the lexical block has its own C_LEX
# The embedding alone was far behind (0.66 against 0.75); with the second stage, features and embedding
# together did no better than the features alone (corpus 0.753 against 0.752, the writers 0.84 both),
# so the grid tries the features only and inference stays numpy without the embedding's files.
INPUT_SETS = ("features",)
ANSWER_C = 1.0  # the second stage's regularisation (0.1 and 10 did the same in cross-validation)
ANSWER_THRESHOLD = 0.5  # covered when the second stage's probability reaches this (not tuned)
EMBED_WEIGHT = 1.0  # the projected embedding is whitened, on the scale of the standardised features
EMBED_COMPONENTS = 64  # principal components of the embedding kept (the whole 256 did no better)
CORPUS_FOLDS = 5
# The lexical block: unigrams and bigrams (numbers folded into one tag) seen in at least LEXICAL_MIN_DF
# distinct clause texts of the fold's training data, under a stronger L2 than the features (C_LEX).
LEXICAL_MIN_DF = 3
LEXICAL_MAX_TERMS = 4000  # the most frequent, so the shipped file stays small (about 15,000 pass LEXICAL_MIN_DF)
C_LEX = 0.1
LEXICAL = True


@dataclass
class Unit:
    """One evaluation case in one form: its clause texts, their targets and the case's truth."""

    case_id: str
    group: str
    origin: str  # corpus | own
    form: str
    is_variant: bool
    texts: list[str]
    targets: np.ndarray  # (n_clauses, 3) 0/1
    truth: dict


def clause_units(answer: LabelledAnswer, form: str) -> tuple[list[str], np.ndarray]:
    """Clauses as `split_clauses` cuts them from the answer in `form`, each with the components of
    the sentence(s) most of its words come from."""
    words, owner = [], []
    for i, s in enumerate(answer.sentences):
        text = s.text if form == "prose" else recognizer_form(s.text)
        ws = words_from_text(text)
        words += ws
        owner += [i] * len(ws)
    content_owner = [o for w, o in zip(words, owner) if w.word not in ".!?;:,"]
    clauses = split_clauses(words)
    texts, targets, at = [], [], 0
    for c in clauses:
        n = len(c.text.split())
        owners = content_owner[at : at + n]
        at += n
        row = np.zeros(3, dtype=np.float32)
        if owners:
            for j, k in enumerate(COMPONENTS):
                row[j] = float(sum(k in answer.sentences[o].carries for o in owners) * 2 >= len(owners))
        texts.append(c.text)
        targets.append(row)
    return texts, np.array(targets, dtype=np.float32).reshape(-1, 3)


def build_units(answers: list[LabelledAnswer], origin: str) -> list[Unit]:
    """The clauses of every evaluation case of `answers`, each with its label."""
    units = []
    for case in cases(answers):
        for form in FORMS:
            texts, targets = clause_units(case, form)
            if texts:
                units.append(Unit(case.id, case.group, origin, form, "-no-" in case.id, texts, targets,
                                  case.covered()))
    return units


class Inputs:
    """Per-unit feature matrices and embeddings, computed once."""

    def __init__(self, units: list[Unit], embedder: Embedder | None):
        self.features = [clause_features(u.texts) for u in units]
        if embedder is None:  # features alone: no embedding to compute
            self.embed_mean = np.zeros(256, dtype=np.float32)
            self.projection = np.zeros((256, 0), dtype=np.float32)
            self.embeddings = [np.zeros((len(u.texts), 0), dtype=np.float32) for u in units]
            return
        unique = sorted({t for u in units for t in u.texts})
        vecs = embedder.embed(unique)
        # Principal components of the clause embeddings (unsupervised, over every clause text), whitened.
        self.embed_mean = vecs.mean(axis=0)
        if EMBED_COMPONENTS >= vecs.shape[1]:  # the whole embedding, centred and scaled as one
            self.projection = (np.eye(vecs.shape[1]) / np.sqrt(((vecs - self.embed_mean) ** 2).sum(axis=1).mean())
                               * np.sqrt(vecs.shape[1] / 16)).astype(np.float32)
        else:
            _, sv, vt = np.linalg.svd(vecs - self.embed_mean, full_matrices=False)
            spread = sv[:EMBED_COMPONENTS] / np.sqrt(len(vecs))
            self.projection = (vt[:EMBED_COMPONENTS].T / spread).astype(np.float32)
        projected = (vecs - self.embed_mean) @ self.projection
        index = {t: projected[k] for k, t in enumerate(unique)}
        self.embeddings = [np.array([index[t] for t in u.texts], dtype=np.float32).reshape(-1, self.projection.shape[1])
                           for u in units]

    def matrix(self, idx: list[int], which: str, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
        parts = []
        if which in ("features", "both"):
            parts.append((np.vstack([self.features[i] for i in idx]) - mean) / scale)
        if which in ("embedding", "both"):
            parts.append(np.vstack([self.embeddings[i] for i in idx]) * EMBED_WEIGHT)
        return np.hstack(parts)


def standardiser(inputs: Inputs, idx: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Mean and scale of the features of the units `idx`."""
    f = np.vstack([inputs.features[i] for i in idx])
    mean = f.mean(axis=0)
    scale = f.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return mean.astype(np.float32), scale.astype(np.float32)


def logistic_regression(x: np.ndarray, y: np.ndarray, c: float, iterations: int = 15,
                        start: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (the loss summed over rows plus
    ||w||^2 / 2C, intercept not penalised; the same objective as scikit-learn's C). Deterministic,
    and a few seconds where lbfgs took tens on this data. `x` may carry its column of ones already
    (then `x.shape[1]` counts it and the last weight is the intercept); `start` warm-starts it."""
    n, d = x.shape
    xa = np.hstack([x, np.ones((n, 1))]).astype(np.float64)
    return _newton(xa, y, c, iterations, start)


def _newton(xa: np.ndarray, y: np.ndarray, c: float, iterations: int, start: np.ndarray | None):
    d = xa.shape[1]
    w = np.zeros(d) if start is None else np.array(start, dtype=np.float64)
    ridge = np.full(d, 1.0 / c)
    ridge[-1] = 1e-8
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(xa @ w)))
        grad = xa.T @ (p - y) + ridge * w
        hess = (xa * (p * (1 - p))[:, None]).T @ xa + np.diag(ridge)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-4:
            break
    return w[:-1], float(w[-1])


class Lexicon:
    """The lexical terms of every clause row, as (row, term) pairs over one sorted list of terms; a
    fold's vocabulary is the terms found in at least LEXICAL_MIN_DF distinct clause texts of its rows
    (at most LEXICAL_MAX_TERMS of them, the most frequent)."""

    def __init__(self, units: list[Unit]):
        texts = sorted({t for u in units for t in u.texts})
        terms_of = [lexical_terms(t) for t in texts]
        self.terms = sorted(set().union(*terms_of)) if terms_of else []
        term_id = {g: k for k, g in enumerate(self.terms)}
        text_id = {t: k for k, t in enumerate(texts)}
        self.text_terms = [np.array(sorted(term_id[g] for g in gs), dtype=np.int64) for gs in terms_of]
        self.row_text = np.array([text_id[t] for u in units for t in u.texts], dtype=np.int64)
        counts = np.array([len(self.text_terms[i]) for i in self.row_text], dtype=np.int64)
        self.pair_row = np.repeat(np.arange(len(self.row_text)), counts)
        self.pair_term = (np.concatenate([self.text_terms[i] for i in self.row_text]) if len(self.row_text)
                          else np.zeros(0, dtype=np.int64))

    def select(self, rows: np.ndarray, min_df: int = LEXICAL_MIN_DF) -> np.ndarray:
        """Term ids (sorted) found in at least `min_df` distinct clause texts of `rows`."""
        texts = np.unique(self.row_text[rows])
        if not len(texts):
            return np.zeros(0, dtype=np.int64)
        df = np.bincount(np.concatenate([self.text_terms[t] for t in texts]), minlength=len(self.terms))
        chosen = np.flatnonzero(df >= min_df)
        if len(chosen) > LEXICAL_MAX_TERMS:  # a stable sort: ties keep the terms' alphabetical order
            chosen = np.sort(chosen[np.argsort(-df[chosen], kind="stable")[:LEXICAL_MAX_TERMS]])
        return chosen

    def pairs(self, rows: np.ndarray, selected: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in `rows`, position in `selected`) of every selected term of those rows."""
        position = np.full(len(self.row_text), -1, dtype=np.int64)
        position[rows] = np.arange(len(rows))
        column = np.full(len(self.terms), -1, dtype=np.int64)
        column[selected] = np.arange(len(selected))
        keep = (position[self.pair_row] >= 0) & (column[self.pair_term] >= 0)
        return position[self.pair_row[keep]], column[self.pair_term[keep]]


def _newton_cg(xd: np.ndarray, prow: np.ndarray, pcol: np.ndarray, n_terms: int, y: np.ndarray, c: float,
               c_lex: float, start: np.ndarray | None, iterations: int = 30) -> np.ndarray:
    """L2-regularised logistic regression over dense inputs `xd` (its last column the ones of the
    intercept) and binary sparse lexical columns ((row, column) pairs), by Newton's method with each
    step solved by preconditioned conjugate gradients: the lexical block is too wide for the dense
    Hessian. The loss summed over rows plus ||w||^2 / 2C (C_LEX for the lexical weights); numpy only,
    deterministic. Returns the weights, dense first."""
    n, d0 = xd.shape
    d = d0 + n_terms
    ridge = np.full(d, 1.0 / c)
    ridge[d0 - 1] = 1e-8
    ridge[d0:] = 1.0 / c_lex

    def times(w):
        return xd @ w[:d0] + np.bincount(prow, weights=w[d0:][pcol], minlength=n)

    def times_t(e):
        return np.concatenate([xd.T @ e, np.bincount(pcol, weights=e[prow], minlength=n_terms)])

    def loss(z, w):
        return float(np.logaddexp(0.0, z).sum() - y @ z + 0.5 * (ridge * w * w).sum())

    w = np.zeros(d) if start is None else np.array(start, dtype=np.float64)
    z = times(w)
    f = loss(z, w)
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-z))
        g = times_t(p - y) + ridge * w
        s = p * (1 - p)
        # Preconditioner: the dense block of the Hessian exactly (a few dozen columns), the lexical diagonal.
        dense_block = (xd * s[:, None]).T @ xd + np.diag(ridge[:d0])
        diag = np.bincount(pcol, weights=s[prow], minlength=n_terms) + ridge[d0:]

        def precondition(r, dense_block=dense_block, diag=diag):
            return np.concatenate([np.linalg.solve(dense_block, r[:d0]), r[d0:] / diag])
        # Inexact Newton: a loose solve far from the optimum, a tighter one near it.
        rtol = min(0.1, float(np.sqrt(np.linalg.norm(g) / n)))
        step = _pcg(lambda u: times_t(s * times(u)) + ridge * u, g, precondition, rtol=rtol)
        t, slope = 1.0, float(g @ step)
        while True:  # backtracking: a full Newton step almost always holds
            w_new = w - t * step
            z_new = times(w_new)
            f_new = loss(z_new, w_new)
            if f_new <= f - 1e-4 * t * slope or t < 1e-3:
                break
            t /= 2
        w, z, f = w_new, z_new, f_new
        if np.abs(t * step).max() < 1e-4:
            break
    return w


def _pcg(hess, g: np.ndarray, precondition, rtol: float, iterations: int = 100) -> np.ndarray:
    """Solve hess(x) = g by preconditioned conjugate gradients, to a residual of `rtol` |g|."""
    x = np.zeros_like(g)
    r = g.copy()
    zr = precondition(r)
    p = zr.copy()
    rz = float(r @ zr)
    goal = rtol * float(np.linalg.norm(g))
    for _ in range(iterations):
        hp = hess(p)
        alpha = rz / float(p @ hp)
        x += alpha * p
        r -= alpha * hp
        if float(np.linalg.norm(r)) <= goal:
            break
        zr = precondition(r)
        rz_new = float(r @ zr)
        p = zr + (rz_new / rz) * p
        rz = rz_new
    return x


class Design:
    """Every unit's clause inputs stacked once (standardised with the mean and scale of all units'
    features, which use no labels), with a column of ones, and the clause targets; a fold's fit
    takes its rows from here instead of stacking them again."""

    def __init__(self, inputs: Inputs, units: list[Unit], which: str, lexicon: Lexicon | None = None):
        self.which = which
        self.lexicon = lexicon
        self.mean, self.scale = standardiser(inputs, list(range(len(units))))
        x = inputs.matrix(list(range(len(units))), which, self.mean, self.scale)
        self.x = np.hstack([x, np.ones((len(x), 1))]).astype(np.float64)
        self.y = np.vstack([u.targets for u in units]).astype(np.float64)
        ends = np.cumsum([len(u.texts) for u in units])
        self.bounds = list(zip(np.concatenate([[0], ends[:-1]]), ends))
        self.full = None  # the fit on every unit: the start of every fold's fit

    def rows(self, idx: list[int]) -> np.ndarray:
        return np.concatenate([np.arange(*self.bounds[i]) for i in idx]) if idx else np.zeros(0, dtype=int)

    def fit(self, idx: list[int], c: float) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """The three regressions on units `idx`: (3, n_inputs + 1) dense weights, the intercept last;
        with a lexicon, also the term ids chosen from these units and their (3, n_terms) weights."""
        r = self.rows(idx)
        xa, y = self.x[r], self.y[r]
        if self.lexicon is None:
            out = []
            for j in range(3):
                start = None if self.full is None else self.full[0][j]
                w, b = _newton(xa, y[:, j], c, 15, start)
                out.append(np.append(w, b))
            return np.array(out), None, None
        terms = self.lexicon.select(r)
        prow, pcol = self.lexicon.pairs(r, terms)
        d0 = xa.shape[1]
        dense, lexical = [], []
        for j in range(3):
            start = None
            if self.full is not None:  # warm start from the fit on every unit, term by term
                start = np.concatenate([self.full[0][j], np.zeros(len(terms))])
                start[d0:] = self.full_by_term[j][terms]
            w = _newton_cg(xa, prow, pcol, len(terms), y[:, j], c, C_LEX, start)
            dense.append(w[:d0])
            lexical.append(w[d0:])
        return np.array(dense), terms, np.array(lexical).reshape(3, len(terms))

    def set_full(self, fitted) -> None:
        """Keep `fitted` (a fit on every unit) as the start of each fold's fit."""
        self.full = fitted
        if fitted[1] is not None:
            self.full_by_term = np.zeros((3, len(self.lexicon.terms)))
            self.full_by_term[:, fitted[1]] = fitted[2]

    def predict(self, idx: list[int], fitted) -> list[np.ndarray]:
        """Each unit's clause probabilities (n_clauses, 3) under `fitted` (from `fit`)."""
        weights, terms, lexical = fitted
        rows = self.rows(idx)
        z = self.x[rows] @ weights.T
        if terms is not None and len(terms):
            prow, pcol = self.lexicon.pairs(rows, terms)
            for j in range(3):
                z[:, j] += np.bincount(prow, weights=lexical[j][pcol], minlength=len(rows))
        p = 1.0 / (1.0 + np.exp(-z))
        ends = np.cumsum([self.bounds[i][1] - self.bounds[i][0] for i in idx])
        return np.split(p, ends[:-1]) if len(idx) else []


def folds(units: list[Unit]) -> list[tuple[list[int], list[int]]]:
    """Corpus sources in CORPUS_FOLDS groups (the own sets always train), then one fold per own writer
    (trained on the corpus and the other writers)."""
    corpus_groups = sorted({u.group for u in units if u.origin == "corpus"})
    rng = np.random.default_rng(SEED)
    order = list(rng.permutation(len(corpus_groups)))
    fold_of = {corpus_groups[g]: k % CORPUS_FOLDS for k, g in enumerate(order)}
    out = []
    for f in range(CORPUS_FOLDS):
        test = [i for i, u in enumerate(units) if u.origin == "corpus" and fold_of[u.group] == f]
        if test:
            out.append(([i for i in range(len(units)) if i not in set(test)], test))
    for w in sorted({u.group for u in units if u.origin == "own"}):
        test = [i for i, u in enumerate(units) if u.origin == "own" and u.group == w]
        out.append(([i for i, u in enumerate(units) if not (u.origin == "own" and u.group == w)], test))
    return out


def fit_answer_stage(units: list[Unit], probs: dict[int, np.ndarray], c: float = ANSWER_C):
    """Per component, a logistic regression from an evaluation case's clause-probability profile to
    whether the case covers the component; `probs` are out-of-fold clause probabilities."""
    idx = sorted(probs)
    x = np.array([answer_profile(probs[i]) for i in idx])  # (cases, 3, d)
    truth = np.array([[units[i].truth[k] for k in COMPONENTS] for i in idx], dtype=np.float64)
    mean, scale, coef, intercept = [], [], [], []
    for j in range(3):
        m = x[:, j].mean(axis=0)
        sd = x[:, j].std(axis=0)
        sd[sd < 1e-6] = 1.0
        w, b = logistic_regression((x[:, j] - m) / sd, truth[:, j], c)
        mean.append(m)
        scale.append(sd)
        coef.append(w)
        intercept.append(b)
    as32 = lambda v: np.array(v, dtype=np.float32)  # noqa: E731
    return as32(mean), as32(scale), as32(coef), as32(intercept)


def predict_answer(stage, probs: np.ndarray) -> np.ndarray:
    """(3,) probabilities that a case covers each component under a fitted second stage."""
    mean, scale, coef, intercept = stage
    x = (answer_profile(probs) - mean) / scale
    return 1.0 / (1.0 + np.exp(-((x * coef).sum(axis=1) + intercept)))


def nested_cv(design: Design, units: list[Unit], splits, trainable: set, c: float, log=print,
              nested: bool = True):
    """Out-of-fold clause probabilities of every unit, and honest answer-level probabilities: for
    each held-out fold the second stage learns from the other folds' probabilities under first
    stages that saw neither that fold nor the held-out one. With `nested` False (ten times quicker,
    for a fit whose configuration is already chosen) the second stage of a fold learns from the other
    folds' out-of-fold probabilities instead, whose first stages did see the held-out fold: the
    answer-level figures are then slightly optimistic."""
    design.set_full(design.fit(sorted(trainable), c))
    outer: dict[int, np.ndarray] = {}
    inner: dict[int, dict[int, np.ndarray]] = {f: {} for f in range(len(splits))}
    for f, (train_idx, test_idx) in enumerate(splits):
        weights = design.fit([i for i in train_idx if i in trainable], c)
        outer.update(zip(test_idx, design.predict(test_idx, weights)))
        if not nested:
            continue
        # The fit without folds f and g serves both: fold g's probabilities for f's second stage and
        # fold f's for g's (half the fits of a loop over every ordered pair, the same figures).
        for g in range(f + 1, len(splits)):
            other_idx = splits[g][1]
            out = set(test_idx) | set(other_idx)
            weights = design.fit([i for i in sorted(trainable) if i not in out], c)
            inner[f].update(zip(other_idx, design.predict(other_idx, weights)))
            inner[g].update(zip(test_idx, design.predict(test_idx, weights)))
        log(f"    fold {f + 1}/{len(splits)}")
    answer: dict[int, np.ndarray] = {}
    for f, (_, test_idx) in enumerate(splits):
        held = set(test_idx)
        stage = fit_answer_stage(units, inner[f] if nested else {i: p for i, p in outer.items() if i not in held})
        for i in test_idx:
            answer[i] = predict_answer(stage, outer[i])
    return outer, answer


def _blocks(units: list[Unit], idx: list[int]) -> list[tuple[str, str]]:
    return [("corpus" if units[i].origin == "corpus" else units[i].group, units[i].form) for i in idx]


def _macro(truth: np.ndarray, pred: np.ndarray) -> float:
    """Mean of F1(covered) and F1(missing) for boolean vectors."""
    def f1(t, p):
        tp = np.sum(t & p)
        return 2 * tp / (2 * tp + np.sum(~t & p) + np.sum(t & ~p)) if tp else 0.0
    return (f1(truth, pred) + f1(~truth, ~pred)) / 2


def score_blocks(units: list[Unit], answer: dict[int, np.ndarray], threshold: float = ANSWER_THRESHOLD) -> dict:
    """Macro-F1 per (corpus or writer, form, component) of answer-level probabilities."""
    idx = sorted(answer)
    pred = np.array([answer[i] for i in idx]) >= threshold
    truth = np.array([[units[i].truth[k] for k in COMPONENTS] for i in idx])
    blocks = _blocks(units, idx)
    out = {}
    for b in sorted(set(blocks)):
        rows = np.array([x == b for x in blocks])
        for j, k in enumerate(COMPONENTS):
            out[(b[0], b[1], k)] = _macro(truth[rows, j], pred[rows, j])
    return out


def objective(figures: dict) -> float:
    """Mean macro-F1 with the corpus and the project's writers weighing equally."""
    corpus = [v for (b, _, _), v in figures.items() if b == "corpus"]
    own = [v for (b, _, _), v in figures.items() if b != "corpus"]
    parts = [float(np.mean(x)) for x in (corpus, own) if x]
    return float(np.mean(parts))


def train(corpus: list[LabelledAnswer], own: list[LabelledAnswer], out: Path | None, log=print,
          input_sets=INPUT_SETS, c_grid=C_GRID, lexical: bool = LEXICAL, nested: bool | None = None) -> dict:
    """Cross-validate (grouped), pick the configuration, fit on everything and write the model to
    `out`. Returns the chosen configuration and its cross-validated figures. The cross-validation is
    nested unless `nested` is False; by default it is nested when there is a choice to make (several
    configurations) or no model to write, so the figures returned then are honest."""
    held_out = sorted({a.group for a in corpus + own
                       if a.group in HELD_OUT_WRITERS or a.group.startswith(EVAL_ONLY_PREFIX)})
    if held_out:
        raise ValueError(f"answers by {', '.join(held_out)} are held out (car_data.HELD_OUT_WRITERS, "
                         "or evaluation-only blind voices, b_*): they measure the model and never train it")
    if nested is None:
        nested = out is None or len(input_sets) * len(c_grid) > 1
    units = build_units(corpus, "corpus") + build_units(own, "own")
    # Both stages learn from every case, the variants (a part removed) too: the answer-level context
    # features then see answers that lack a part (cross-validated: better on the corpus and every writer).
    trainable = set(range(len(units)))
    embedder = Embedder() if any(w != "features" for w in input_sets) else None
    inputs = Inputs(units, embedder)
    log(f"{len(units)} case-forms, {sum(len(u.texts) for u in units)} clauses")
    splits = folds(units)
    lexicon = Lexicon(units) if lexical else None
    best = None
    designs = {}
    for which, c in product(input_sets, c_grid):
        if which not in designs:
            designs[which] = Design(inputs, units, which, lexicon)
        outer, answer = nested_cv(designs[which], units, splits, trainable, c, log=lambda *a: None, nested=nested)
        figures = score_blocks(units, answer)
        total = objective(figures)
        log(f"  inputs={which:9s} C={c:<4} cross-validated mean macro-F1 {total:.3f}")
        if best is None or total > best[0] + 1e-9:
            best = (total, which, c, outer, answer, figures)
    _, which, c, outer, answer, figures = best
    log(f"chosen: inputs={which} C={c}")
    result = {"inputs": which, "C": c, "figures": figures, "oof": outer, "answer": answer, "units": units}
    if out is not None:
        design = designs[which]
        design.full = None  # the shipped weights start from zero, whatever was tried last
        weights, terms, lexical_coef = design.fit(sorted(trainable), c)
        mean, scale = design.mean, design.scale
        coef, intercept = weights[:, :-1].astype(np.float32), weights[:, -1].astype(np.float32)
        a_mean, a_scale, a_coef, a_intercept = fit_answer_stage(units, outer)
        arrays = {
            "feature_names": np.array(FEATURE_NAMES), "mean": mean, "scale": scale,
            "use_features": np.array(which in ("features", "both")),
            "use_embedding": np.array(which in ("embedding", "both")),
            "embed_weight": np.array(EMBED_WEIGHT, dtype=np.float32), "embed_mean": inputs.embed_mean,
            "projection": inputs.projection, "coef": coef, "intercept": intercept,
            "answer_feature_names": np.array(ANSWER_FEATURE_NAMES), "answer_mean": a_mean,
            "answer_scale": a_scale, "answer_coef": a_coef, "answer_intercept": a_intercept,
            "thresholds": np.full(3, ANSWER_THRESHOLD, dtype=np.float32), "C": np.array(c),
            "data_sha256": np.array(data_digest(corpus + own)),
            **({} if terms is None else {
                "lexical_terms": np.array("\n".join(lexicon.terms[t] for t in terms)),
                "lexical_coef": lexical_coef.astype(np.float32)}),
        }
        # The self-check: the probabilities the file gives for a fixed answer, read back as the loader
        # reads it, so the loader can refuse the file when the code around it changes.
        save_model(out, arrays)
        save_model(out, {**arrays, **self_check(read_model(out, verify=False))})
    return result


def data_digest(answers: list[LabelledAnswer]) -> str:
    """A fingerprint of the training data, stored in the model so a rebuild can be checked."""
    h = hashlib.sha256()
    for a in answers:
        h.update(f"{a.id}\t{a.group}\n".encode())
        for s in a.sentences:
            h.update(f"{s.label}\t{','.join(sorted(s.carries))}\t{s.text}\n".encode())
    return h.hexdigest()

