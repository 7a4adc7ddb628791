"""Learned per-kind checks and the kind of a question from its wording. Pure, numpy only.

Each check of a rubric (about-yourself/present, why-here/specific, …) is a logistic regression over
the answer: what the hand-written rules say of it (every check of its rubric, passed or not), how often
the rubrics' cues occur (generic praise, criticism, a plan, a question form, …), the C/A/R reader's
clause probabilities, optionally the linguistic features of its clauses (their largest and mean values),
and a learned word block: the answer's lower-cased words and word pairs, numbers folded into one "<num>"
tag, so prose and recogniser text read alike. Where cross-validation by left-out voices found that the
learned check did not beat its rule, the model file says so and the rule stays (`uses_model`).

A question's kind and rubric are two more such models (one logistic regression per class) over its words
and the old wording rules' hits; they never see the built-in questions, which carry their own kind.

The caller (the rubrics module, which owns the rules and cue patterns) turns an answer into
`AnswerInputs` and a question into its cue values; this module only multiplies. The weights live in
`kind_checks.npz` beside it, rebuilt bit for bit by `training/train_kinds.py`; on loading, the stored
probabilities of a fixed answer per rubric and a fixed question are recomputed (`KindModel.verify`), so a
model that does not match this code is refused with one line naming its file.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rehearse.errors import RehearseError
from rehearse.judge.car_model import FEATURE_NAMES, clause_features, lexical_terms, lexical_tokens
from rehearse.judge.vocabulary import FUNCTION_WORDS

MODEL_PATH = Path(__file__).resolve().parent / "kind_checks.npz"
PASS_P = 0.5  # a learned check passes from this probability on (not tuned)
SELF_CHECK_TOLERANCE = 1e-6

# Cue names the caller fills in (`AnswerInputs.cues`): counts of each pattern in the answer, capped at 3,
# over 3. Their order is the model's column order.
CUE_NAMES = (
    "generic_praise", "self_praise", "specific", "specific_loose", "own_experience", "forward", "present_role",
    "achieved", "criticism", "ambition", "vague_ambition", "connected", "growth", "cliche", "question_form",
    "acknowledge", "plan", "past_event", "measure", "denial", "concedes", "refer_back",
)
CAR_NAMES = ("car_max_challenge", "car_max_action", "car_max_result", "car_mean_challenge", "car_mean_action",
             "car_mean_result")
SIZE_NAMES = ("log_words", "clauses", "has_number")
CLAUSE_BLOCK_NAMES = tuple(f"max_{n}" for n in FEATURE_NAMES) + tuple(f"mean_{n}" for n in FEATURE_NAMES)

# Question cues the caller fills in: the old wording rules' hits and their verdicts.
KIND_CLASSES = ("behavioural", "second-interview", "objection", "motivation", "closing")
RUBRIC_CLASSES = ("car", "about-yourself", "why-here", "why-leaving", "five-years", "objection", "closing")
QUESTION_CUE_NAMES = (
    ("q_closing", "q_second", "q_behavioural", "q_objection", "q_doubt", "q_about", "q_leaving", "q_five", "q_why",
     "q_sentences", "q_ends_with_question")
    + tuple(f"rule_kind:{k}" for k in KIND_CLASSES) + tuple(f"rule_rubric:{r}" for r in RUBRIC_CLASSES)
)
WORDING_CUES = ("q_closing", "q_second", "q_behavioural", "q_objection", "q_doubt", "q_about", "q_leaving", "q_five",
                "q_why")
# The rubrics a question of each kind may be judged by.
KIND_RUBRICS = {
    "behavioural": ("car",),
    "second-interview": ("car", "about-yourself", "why-here", "why-leaving", "five-years", "objection"),
    "objection": ("objection",),
    "motivation": ("about-yourself", "why-here", "why-leaving", "five-years"),
    "closing": ("closing",),
}


class KindModelError(RehearseError):
    """The per-kind check model cannot be loaded or does not match this code."""


@dataclass
class AnswerInputs:
    """An answer (or one clause of it) as the learned checks read it."""

    texts: list[str]  # its clauses' texts
    car: np.ndarray  # (n_clauses, 3): the C/A/R reader's probabilities per clause
    rules: dict[str, float]  # each check of the rubric: 1.0 when the hand-written rule passes it
    cues: dict[str, float]  # CUE_NAMES -> value


def dense_names(checks: tuple[str, ...], clause_block: bool) -> tuple[str, ...]:
    """The dense input columns of a check model of a rubric with these `checks`."""
    return (tuple(f"rule:{c}" for c in checks) + tuple(f"cue:{c}" for c in CUE_NAMES) + CAR_NAMES + SIZE_NAMES
            + (CLAUSE_BLOCK_NAMES if clause_block else ()))


def dense_inputs(x: AnswerInputs, checks: tuple[str, ...], clause_block: bool) -> np.ndarray:
    """The dense input row of an answer, in `dense_names` order."""
    car = np.asarray(x.car, dtype=np.float64).reshape(-1, 3)
    words = sum(len(t.split()) for t in x.texts)
    row = [x.rules.get(c, 0.0) for c in checks] + [x.cues.get(c, 0.0) for c in CUE_NAMES]
    row += list(car.max(axis=0)) + list(car.mean(axis=0)) if len(car) else [0.0] * 6
    row += [np.log1p(words) / 5, min(len(x.texts), 20) / 20,
            float(any("<num>" in lexical_tokens(t) for t in x.texts))]
    if clause_block:
        f = clause_features(x.texts).astype(np.float64) if x.texts else np.zeros((1, len(FEATURE_NAMES)))
        row += list(f.max(axis=0)) + list(f.mean(axis=0))
    return np.array(row, dtype=np.float64)


def answer_terms(texts: list[str]) -> set[str]:
    """The words and word pairs of an answer's clauses (numbers folded into "<num>")."""
    out: set[str] = set()
    for t in texts:
        out |= lexical_terms(t)
    return out


def question_terms(text: str) -> set[str]:
    """The words and word pairs of a question."""
    return lexical_terms(text)


@dataclass
class Linear:
    """A logistic regression over standardised dense inputs plus one weight per known term, for one or
    several classes (rows of `coef`)."""

    mean: np.ndarray  # (d,)
    scale: np.ndarray  # (d,)
    coef: np.ndarray  # (k, d)
    intercept: np.ndarray  # (k,)
    vocabulary: dict[str, int]
    lexical: np.ndarray  # (k, n_terms)

    def probabilities(self, dense: np.ndarray, terms: set[str]) -> np.ndarray:
        """(k,) probabilities."""
        z = self.coef @ ((dense - self.mean) / self.scale) + self.intercept
        cols = sorted(self.vocabulary[t] for t in terms if t in self.vocabulary)
        if cols:
            z = z + self.lexical[:, cols].sum(axis=1)
        return 1.0 / (1.0 + np.exp(-z))


@dataclass
class CheckModel:
    """One rubric's check: learned, or left to its rule (`use` False)."""

    rubric: str
    name: str
    checks: tuple[str, ...]  # the rubric's checks, as the rule inputs are ordered
    use: bool
    clause_block: bool
    linear: Linear | None

    def probability(self, x: AnswerInputs) -> float:
        """The probability that the answer passes this check."""
        if self.linear is None:
            raise KindModelError(f"no learned weights for {self.rubric}/{self.name}")
        return float(self.linear.probabilities(dense_inputs(x, self.checks, self.clause_block),
                                               answer_terms(x.texts))[0])


@dataclass
class KindModel:
    """The shipped per-kind check models and the question kind and rubric models."""

    path: Path
    checks: dict[tuple[str, str], CheckModel]
    kind: Linear
    rubric: Linear
    self_check: dict

    def uses_model(self, rubric: str, name: str) -> bool:
        """Whether `rubric`'s check `name` is judged by its learned model (else by its rule)."""
        m = self.checks.get((rubric, name))
        return bool(m and m.use and m.linear is not None)

    def check_probability(self, rubric: str, name: str, x: AnswerInputs) -> float:
        """The learned probability that an answer passes `rubric`'s check `name`."""
        return self.checks[(rubric, name)].probability(x)

    def question_probabilities(self, text: str, cues: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """(kind probabilities in KIND_CLASSES order, rubric probabilities in RUBRIC_CLASSES order)."""
        dense = np.array([cues.get(c, 0.0) for c in QUESTION_CUE_NAMES], dtype=np.float64)
        terms = question_terms(text)
        return self.kind.probabilities(dense, terms), self.rubric.probabilities(dense, terms)

    def question_kind(self, text: str, cues: dict[str, float]) -> str:
        """The likeliest kind of a question from its wording (see `decide_kind`)."""
        return decide_kind(self.question_probabilities(text, cues)[0], cues, known_words(text, self.kind.vocabulary))

    def question_rubric(self, text: str, cues: dict[str, float], kind: str) -> str:
        """The likeliest rubric among those a question of `kind` may have."""
        allowed = KIND_RUBRICS[kind]
        if len(allowed) == 1:
            return allowed[0]
        probs = self.question_probabilities(text, cues)[1]
        return max(allowed, key=lambda r: probs[RUBRIC_CLASSES.index(r)])

    def verify(self, answer_inputs: Callable[[str, str, str], AnswerInputs],
               question_cues: Callable[[str], dict[str, float]]) -> None:
        """Recompute the stored probabilities of the fixed answers and question through the caller's
        inputs (`answer_inputs(rubric, check, text)`); refuse the model when any differs by more than
        SELF_CHECK_TOLERANCE."""
        got = self_check_probabilities(self, answer_inputs, question_cues)
        want = self.self_check["probabilities"]
        if got.shape != want.shape or np.abs(got - want).max() > SELF_CHECK_TOLERANCE:
            raise KindModelError(f"the per-kind check model {self.path} does not match this version of rehearse "
                                 "(its self-check gives other probabilities): rebuild it with training/train_kinds.py")

    def rubric_checks(self, rubric: str) -> tuple[str, ...]:
        """The checks of `rubric` that the model file knows, in order."""
        return next((m.checks for (r, _), m in self.checks.items() if r == rubric), ())


def self_check_probabilities(model: KindModel, answer_inputs: Callable[[str, str, str], AnswerInputs],
                             question_cues: Callable[[str], dict[str, float]]) -> np.ndarray:
    """The probabilities the self-check compares: every learned check of each fixed answer's rubric, then
    the fixed question's kind and rubric probabilities."""
    got = []
    for rubric, text in zip(model.self_check["rubrics"], model.self_check["answers"]):
        for name in model.rubric_checks(rubric):
            if model.checks[(rubric, name)].linear is not None:
                got.append(model.check_probability(rubric, name, answer_inputs(rubric, name, text)))
    q = model.self_check["question"]
    kinds, rubrics = model.question_probabilities(q, question_cues(q))
    return np.concatenate([np.array(got, dtype=np.float64), kinds, rubrics])


def known_words(text: str, vocabulary) -> list[str]:
    """The question's content words (not function words) that the reader has a weight for."""
    return sorted(t for t in question_terms(text) if " " not in t and t != "<num>" and t not in FUNCTION_WORDS
                  and t in vocabulary)


def decide_kind(kind_probs: np.ndarray, cues: dict[str, float], known: list[str]) -> str:
    """The likeliest kind; but a question that gives nothing to go on (no wording rule's cue and no content
    word the reader knows: "What is your favourite colour?") is behavioural, the default it always had."""
    if not known and not any(cues.get(c, 0.0) for c in WORDING_CUES):
        return "behavioural"
    return KIND_CLASSES[int(np.argmax(kind_probs))]


# --- reading the file ----------------------------------------------------------------------------


def _text(arrays: dict, key: str) -> str:
    return str(arrays[key])


def _linear(a: dict, prefix: str) -> Linear:
    terms = _text(a, f"{prefix}.terms")
    return Linear(mean=a[f"{prefix}.mean"].astype(np.float64), scale=a[f"{prefix}.scale"].astype(np.float64),
                  coef=a[f"{prefix}.coef"].astype(np.float64), intercept=a[f"{prefix}.intercept"].astype(np.float64),
                  vocabulary={t: k for k, t in enumerate(terms.split("\n"))} if terms else {},
                  lexical=a[f"{prefix}.lexical"].astype(np.float64))


def read_model(path: Path = MODEL_PATH) -> KindModel:
    """Load the weights written by training/train_kinds.py (not yet self-checked: see `verify`)."""
    try:
        with np.load(path, allow_pickle=False) as z:
            a = {k: z[k] for k in z.files}
    except (OSError, ValueError, zipfile.BadZipFile) as e:
        raise KindModelError(f"cannot read the per-kind check model {path}: {e}") from e
    try:
        if tuple(_text(a, "cue_names").split("\n")) != CUE_NAMES or \
                tuple(_text(a, "question_cue_names").split("\n")) != QUESTION_CUE_NAMES:
            raise KindModelError(f"{path} was trained with other inputs: rebuild it with training/train_kinds.py")
        checks = {}
        for key in _text(a, "check_keys").split("\n"):
            rubric, name = key.split("/")
            prefix = f"check.{key}"
            use = bool(a[f"{prefix}.use"])
            clause_block = bool(a[f"{prefix}.clause_block"])
            rubric_checks = tuple(_text(a, f"rubric_checks.{rubric}").split("\n"))
            linear = _linear(a, prefix) if f"{prefix}.coef" in a else None
            if linear is not None and linear.coef.shape[1] != len(dense_names(rubric_checks, clause_block)):
                raise KindModelError(f"{path}: {key} has {linear.coef.shape[1]} inputs, this code makes "
                                     f"{len(dense_names(rubric_checks, clause_block))}: rebuild it")
            checks[(rubric, name)] = CheckModel(rubric, name, rubric_checks, use, clause_block, linear)
        self_check = {"rubrics": [str(r) for r in a["self_check.rubrics"]],
                      "answers": [str(t) for t in a["self_check.answers"]],
                      "question": _text(a, "self_check.question"),
                      "probabilities": a["self_check.probabilities"].astype(np.float64)}
        return KindModel(path, checks, _linear(a, "question.kind"), _linear(a, "question.rubric"), self_check)
    except KeyError as e:
        raise KindModelError(f"{path} lacks {e}: rebuild it with training/train_kinds.py") from None
