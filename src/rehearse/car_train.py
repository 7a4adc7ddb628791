"""Training and cross-validating the C/A/R model (numpy only).

Training units are the clauses that `analysis.split_clauses` cuts from each answer and from each
evaluation variant (a component's sentences removed), in both forms (prose and recognizer form),
each labelled from the sentences its words come from. Cross-validation is grouped by source (the
corpus) and by writer (the project's own sets); it picks the inputs (features, embedding or both),
the regularisation, the answer-level pooling and the per-component thresholds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import numpy as np

from rehearse.analysis import split_clauses, words_from_text
from rehearse.car_data import COMPONENTS, FORMS, LabelledAnswer, cases, recognizer_form
from rehearse.car_model import (
    FEATURE_NAMES,
    Embedder,
    clause_features,
    pool,
    save_model,
)

SEED = 0  # orders the corpus sources into folds
C_GRID = (0.3, 1.0)
INPUT_SETS = ("features", "both")  # the embedding alone was far behind (0.66 against 0.75)
POOLINGS = ("max", "noisy_or", "top2")
THRESHOLDS = np.round(np.arange(0.20, 0.96, 0.025), 3)
EMBED_WEIGHT = 1.0  # the projected embedding is whitened, on the scale of the standardised features
EMBED_COMPONENTS = 64  # principal components of the embedding kept (the whole 256 did no better)
CORPUS_FOLDS = 5


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


def logistic_regression(x: np.ndarray, y: np.ndarray, c: float, iterations: int = 15) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (the loss summed over rows plus
    ||w||^2 / 2C, intercept not penalised; the same objective as scikit-learn's C). Deterministic,
    and a few seconds where lbfgs took tens on this data."""
    n, d = x.shape
    xa = np.hstack([x, np.ones((n, 1))]).astype(np.float64)
    w = np.zeros(d + 1)
    ridge = np.full(d + 1, 1.0 / c)
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


def fit(inputs: Inputs, units: list[Unit], idx: list[int], which: str, c: float):
    """Three logistic regressions (one per component) on the clauses of units `idx`."""
    mean, scale = standardiser(inputs, idx)
    x = inputs.matrix(idx, which, mean, scale)
    y = np.vstack([units[i].targets for i in idx]).astype(np.float64)
    coef, intercept = [], []
    for j in range(3):
        w, b = logistic_regression(x, y[:, j], c)
        coef.append(w)
        intercept.append(b)
    return mean, scale, np.array(coef, dtype=np.float32), np.array(intercept, dtype=np.float32)


def predict_units(inputs: Inputs, idx: list[int], which: str, params) -> list[np.ndarray]:
    """Each unit's probability of `which` under a fitted model."""
    mean, scale, coef, intercept = params
    out = []
    for i in idx:
        x = inputs.matrix([i], which, mean, scale)
        out.append(1.0 / (1.0 + np.exp(-(x @ coef.T + intercept))))
    return out


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


def _blocks(units: list[Unit], idx: list[int]) -> list[tuple[str, str]]:
    return [("corpus" if units[i].origin == "corpus" else units[i].group, units[i].form) for i in idx]


def _macro(truth: np.ndarray, pred: np.ndarray) -> float:
    """Mean of F1(covered) and F1(missing) for boolean vectors."""
    def f1(t, p):
        tp = np.sum(t & p)
        return 2 * tp / (2 * tp + np.sum(~t & p) + np.sum(t & ~p)) if tp else 0.0
    return (f1(truth, pred) + f1(~truth, ~pred)) / 2


def score_blocks(units: list[Unit], probs: dict[int, np.ndarray], pooling: str, thresholds) -> dict:
    """Macro-F1 per (origin or writer, form, component) for given clause probabilities."""
    idx = sorted(probs)
    scores = np.array([pool(probs[i], pooling) for i in idx])
    truth = np.array([[units[i].truth[k] for k in COMPONENTS] for i in idx])
    blocks = _blocks(units, idx)
    out = {}
    for b in sorted(set(blocks)):
        rows = np.array([x == b for x in blocks])
        for j, k in enumerate(COMPONENTS):
            out[(b[0], b[1], k)] = _macro(truth[rows, j], scores[rows, j] >= thresholds[j])
    return out


def choose(units: list[Unit], oof: dict, log=print) -> tuple[str, float, str, np.ndarray, dict]:
    """The inputs, C, pooling and thresholds with the best mean macro-F1 over cross-validation:
    corpus and own writers weigh equally, and so do both forms."""
    best = None
    for (which, c), probs in oof.items():
        idx = sorted(probs)
        truth = np.array([[units[i].truth[k] for k in COMPONENTS] for i in idx])
        blocks = _blocks(units, idx)
        masks = {b: np.array([x == b for x in blocks]) for b in sorted(set(blocks))}
        for how in POOLINGS:
            scores = np.array([pool(probs[i], how) for i in idx])

            def objective(j: int, t: float, truth=truth, scores=scores, masks=masks) -> float:
                per = {b: _macro(truth[m, j], scores[m, j] >= t) for b, m in masks.items()}
                corpus = [v for b, v in per.items() if b[0] == "corpus"]
                own = [v for b, v in per.items() if b[0] != "corpus"]
                parts = [np.mean(x) for x in (corpus, own) if x]
                return float(np.mean(parts))

            thresholds = [float(THRESHOLDS[int(np.argmax([objective(j, t) for t in THRESHOLDS]))]) for j in range(3)]
            s = score_blocks(units, probs, how, thresholds)
            corpus = np.mean([v for (b, _, _), v in s.items() if b == "corpus"])
            own = [v for (b, _, _), v in s.items() if b != "corpus"]
            total = (corpus + np.mean(own)) / 2 if own else corpus
            log(f"  {which:9s} C={c:<4} {how:8s} thresholds={thresholds} corpus={corpus:.3f} "
                f"own={np.mean(own) if own else float('nan'):.3f} -> {total:.3f}")
            if best is None or total > best[0] + 1e-9:
                best = (total, which, c, how, np.array(thresholds, dtype=np.float32), s)
    _, which, c, how, thresholds, s = best
    return which, c, how, thresholds, s


def train(corpus: list[LabelledAnswer], own: list[LabelledAnswer], out: Path | None, log=print,
          input_sets=INPUT_SETS, c_grid=C_GRID) -> dict:
    """Cross-validate, pick the configuration, fit on everything and write the model to `out`.
    Returns the chosen configuration and its cross-validated figures."""
    units = build_units(corpus, "corpus") + build_units(own, "own")
    # Train on the answers as written; the variants (a part removed) are evaluation cases only.
    trainable = {i for i, u in enumerate(units) if not u.is_variant}
    embedder = Embedder() if any(w != "features" for w in input_sets) else None
    inputs = Inputs(units, embedder)
    log(f"{len(units)} case-forms, {sum(len(u.texts) for u in units)} clauses")
    oof: dict = {}
    splits = folds(units)
    for which, c in product(input_sets, c_grid):
        probs: dict[int, np.ndarray] = {}
        for train_idx, test_idx in splits:
            params = fit(inputs, units, [i for i in train_idx if i in trainable], which, c)
            for i, p in zip(test_idx, predict_units(inputs, test_idx, which, params)):
                probs[i] = p
        oof[(which, c)] = probs
        log(f"  cross-validated inputs={which} C={c}")
    which, c, how, thresholds, figures = choose(units, oof, log)
    log(f"chosen: inputs={which} C={c} pooling={how} thresholds={thresholds.tolist()}")
    result = {"inputs": which, "C": c, "pooling": how, "thresholds": thresholds, "figures": figures,
              "oof": oof[(which, c)], "units": units}
    if out is not None:
        everything = sorted(trainable)
        mean, scale, coef, intercept = fit(inputs, units, everything, which, c)
        save_model(out, {
            "feature_names": np.array(FEATURE_NAMES), "mean": mean, "scale": scale,
            "use_features": np.array(which in ("features", "both")),
            "use_embedding": np.array(which in ("embedding", "both")),
            "embed_weight": np.array(EMBED_WEIGHT, dtype=np.float32), "embed_mean": inputs.embed_mean,
            "projection": inputs.projection, "coef": coef, "intercept": intercept,
            "pooling": np.array(how), "thresholds": thresholds, "C": np.array(c),
            "data_sha256": np.array(data_digest(corpus + own)),
        })
    return result


def data_digest(answers: list[LabelledAnswer]) -> str:
    """A fingerprint of the training data, stored in the model so a rebuild can be checked."""
    h = hashlib.sha256()
    for a in answers:
        h.update(f"{a.id}\t{a.group}\n".encode())
        for s in a.sentences:
            h.update(f"{s.label}\t{','.join(sorted(s.carries))}\t{s.text}\n".encode())
    return h.hexdigest()

