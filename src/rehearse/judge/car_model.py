"""The learned Challenge / Action / Result reader: clause probabilities and answer coverage.

Each clause is described by linguistic features (who acts, "I" or "we", past-tense action verbs,
modality and hypotheticals, numbers, outcome, lesson and feedback words, the old rule scores, where
the clause sits in the answer and what the rest of the answer says), by a learned lexical block (its
lower-cased words and word pairs, any number folded into one "<num>" tag so prose and recognizer text
read alike: a vocabulary of a few thousand terms with one weight per part) and, optionally, a sentence
embedding (the mean of WordLlama's static 256-dim token embeddings, read from the `wordllama`
wheel; nothing is fetched). Stage one, a logistic regression per component, turns these into each
clause's probability. Stage two, another logistic regression per component, reads the answer's
profile of clause probabilities (`answer_profile`: the best three, how many clauses pass 0.5 and
0.3, where the best one sits, the other parts' probabilities) and gives the probability that the
answer covers the part; it was trained on out-of-fold clause probabilities, so one stray clause
does not cover a part the way a run of them does.

The weights live in `car_model.npz` beside this module (rebuilt by `training/train_car.py`); they
are loaded once per process, on first use. Cross-validation chose the features and the lexical block
(the embedding did not add to them), so inference needs numpy only; a model that uses the embedding
also needs the `train` extra (wordllama's files, read with tokenizers).
"""

from __future__ import annotations

import importlib.util
import json
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rehearse.errors import RehearseError
from rehearse.judge.clause_rules import score_clause
from rehearse.judge.vocabulary import (
    ACTION_PHRASES,
    CHALLENGE_RE,
    FEEDBACK,
    FIRST_PL,
    FIRST_SG,
    GOAL_CONTEXT,
    HABIT,
    HYPOTHETICAL,
    I_DID,
    I_DO,
    INTENT,
    LESSON,
    LESSON_VERB,
    LEXICAL_NUMBER_WORDS,
    MEASURE,
    NEGATION,
    OPINION,
    OUTCOME,
    PAST_BE,
    PAST_ED,
    PRESENT_BE,
    PROBLEM,
    RELATIVE,
    RESULT_RE,
    SECOND,
    STORY_OPENERS,
    WE_DID,
    weighted_hits,
)

MODEL_PATH = Path(__file__).resolve().parent / "car_model.npz"
COMPONENTS = ("challenge", "action", "result")
EMBED_DIM = 256
# A clause is evidence for a component (and takes it as its label) from this probability on.
EVIDENCE_MIN_P = 0.5


class CarModelError(RehearseError):
    """The C/A/R model or the embeddings it needs cannot be loaded."""


# The self-check: fixed answers whose clause and answer probabilities the model file stores when it is
# built. The loader computes them again and refuses a file that disagrees by more than
# SELF_CHECK_TOLERANCE: a feature, word list or reading step changed under the shipped weights would
# otherwise change every verdict without an error. Between them the answers give every feature but
# the constant one more than one value (tests/test_car_model.py checks it), so a change to any
# feature shows. (The file keeps its own copy of the texts.)
SELF_CHECK_ANSWERS = (
    ("one time at my last job our orders were always late and customers complained about the problem",
     "my task was to fix it before the busy season, so i decided to find out why and we needed to move fast",
     "i usually check the orders every morning, but you could see nobody owned the packing",
     "i rewrote the packing list myself and trained two new people",
     "now i explain the list to every new starter",
     "we moved the deliveries to the afternoon, and i didn't wait for approval",
     "if it happened again i would ask for help sooner",
     "as a result late orders dropped by 40% and the manager thanked me",
     "i learned to ask early, and since then i always write the steps down",
     "i think i am a calm person and a hard worker",
     "the shop where i worked was a happier place"),
    ("our warehouse kept losing parcels",
     "we checked every shelf and we labelled the bins",
     "the losses stopped within a month"),
    ("the printer jammed the night before the exam",
     "i fixed the tray and printed the papers in time"),
)
SELF_CHECK_TOLERANCE = 1e-6


# --- linguistic features ---------------------------------------------------------------------


FEATURE_NAMES = (
    "bias_like", "i_did", "we_did", "i_do", "action_phrase", "hypothetical", "plan", "goal_context", "lesson",
    "feedback", "outcome", "measure", "habit", "opinion", "problem", "negation", "first_sg", "first_pl",
    "second", "past_ed", "present_be", "past_be", "opener", "rule_challenge", "rule_result",
    "position", "position_sq", "is_first", "is_last", "words", "we_without_i",
    "answer_has_i_did", "answer_has_we_did", "answer_i_share", "answer_clauses",
    "prev_i_did", "next_i_did",
    # interactions a linear model cannot build itself
    "i_did_not_hypothetical", "we_did_with_i_elsewhere", "we_did_alone", "late_outcome", "late_measure",
    "early_problem", "prev_problem", "next_outcome", "prev_lesson", "late_lesson",
    # the hand-written rules' clause scores (position-weighted) and their strong readings
    "rules_challenge", "rules_action", "rules_result", "rules_strong_challenge", "rules_strong_action",
    "rules_strong_result",
)


def _clause_flags(text: str) -> dict[str, float]:
    t = text.lower()
    acting = RELATIVE.sub("", t)  # "the shop where i worked" is a setting, not an action
    acting = LESSON_VERB.sub("", acting)  # "i learned to ..." is a lesson, not an action
    n = max(len(t.split()), 1)
    i_did = bool(I_DID.search(acting))
    first_sg = bool(FIRST_SG.search(t))
    first_pl = bool(FIRST_PL.search(t))
    return {
        "bias_like": 1.0,
        "i_did": float(i_did),
        "we_did": float(bool(WE_DID.search(acting))),
        "i_do": float(bool(I_DO.search(acting))),
        "action_phrase": float(bool(ACTION_PHRASES.search(t))),
        "hypothetical": float(bool(HYPOTHETICAL.search(t))),
        "plan": float(bool(INTENT.search(t))),
        "goal_context": float(bool(GOAL_CONTEXT.search(t))),
        "lesson": float(bool(LESSON.search(t))),
        "feedback": float(bool(FEEDBACK.search(t))),
        "outcome": min(len(OUTCOME.findall(t)), 3) / 3,
        "measure": float(bool(MEASURE.search(t))),
        "habit": float(bool(HABIT.search(t))),
        "opinion": float(bool(OPINION.search(t))),
        "problem": min(len(PROBLEM.findall(t)), 3) / 3,
        "negation": float(bool(NEGATION.search(t))),
        "first_sg": float(first_sg),
        "first_pl": float(first_pl),
        "second": float(bool(SECOND.search(t))),
        "past_ed": min(len(PAST_ED.findall(t)) / n * 5, 1.0),
        "present_be": float(bool(PRESENT_BE.search(t))),
        "past_be": float(bool(PAST_BE.search(t))),
        "opener": float(bool(STORY_OPENERS.search(t))),
        "rule_challenge": min(weighted_hits(t, CHALLENGE_RE), 6.0) / 6,
        "rule_result": min(weighted_hits(t, RESULT_RE), 6.0) / 6,
        "words": min(n, 40) / 40,
        "we_without_i": float(first_pl and not first_sg),
    }


def clause_features(texts: list[str]) -> np.ndarray:
    """The linguistic features of an answer's clauses, in order (one row per clause); position and
    answer-level context (does the speaker ever say "I did") are part of each row."""
    n = len(texts)
    flags = [_clause_flags(t) for t in texts]
    has_i_did = float(any(f["i_did"] or f["i_do"] for f in flags))
    has_we_did = float(any(f["we_did"] for f in flags))
    i_share = sum(f["first_sg"] for f in flags) / n if n else 0.0
    rows = np.zeros((n, len(FEATURE_NAMES)), dtype=np.float32)
    for k, f in enumerate(flags):
        pos = (k + 0.5) / n
        f = dict(f)
        f.update(position=pos, position_sq=pos * pos, is_first=float(k == 0), is_last=float(k == n - 1),
                 answer_has_i_did=has_i_did, answer_has_we_did=has_we_did, answer_i_share=i_share,
                 answer_clauses=min(n, 40) / 40,
                 prev_i_did=flags[k - 1]["i_did"] if k > 0 else 0.0,
                 next_i_did=flags[k + 1]["i_did"] if k + 1 < n else 0.0,
                 i_did_not_hypothetical=f["i_did"] * (1.0 - f["hypothetical"]),
                 we_did_with_i_elsewhere=f["we_did"] * has_i_did,
                 we_did_alone=f["we_did"] * (1.0 - has_i_did),
                 late_outcome=f["outcome"] * pos, late_measure=f["measure"] * pos,
                 early_problem=f["problem"] * (1.0 - pos),
                 prev_problem=flags[k - 1]["problem"] if k > 0 else 0.0,
                 next_outcome=flags[k + 1]["outcome"] if k + 1 < n else 0.0,
                 prev_lesson=flags[k - 1]["lesson"] if k > 0 else 0.0,
                 late_lesson=f["lesson"] * pos)
        rules = score_clause(texts[k], pos)
        for name in ("challenge", "action", "result"):
            f[f"rules_{name}"] = min(rules[name], 6.0) / 6
            f[f"rules_strong_{name}"] = float(rules[name] >= 1.0)
        rows[k] = [f[name] for name in FEATURE_NAMES]
    return rows


# --- the learned lexical block: words and word pairs ------------------------------------------

LEXICAL_TOKEN = re.compile(r"[a-z0-9']+|%")


def lexical_tokens(text: str) -> list[str]:
    """A clause's words, lower case, apostrophes kept; any run of numbers (digits or number words) is
    one "<num>", and "%" is "percent", so prose and recognizer text give the same tokens."""
    out: list[str] = []
    for t in LEXICAL_TOKEN.findall(text.lower().replace("\u2019", "'")):
        if t == "%":
            t = "percent"
        if t[0].isdigit() or t in LEXICAL_NUMBER_WORDS:
            if out and out[-1] == "<num>":
                continue
            t = "<num>"
        out.append(t)
    return out


def lexical_terms(text: str) -> set[str]:
    """The unigrams and bigrams of a clause (with "<s>" and "</s>" marking its ends): the lexical
    block's vocabulary is drawn from these."""
    tokens = lexical_tokens(text)
    edged = ["<s>", *tokens, "</s>"]
    return set(tokens) | {f"{a} {b}" for a, b in zip(edged, edged[1:])}


# --- the text representation: WordLlama's static token embeddings ------------------------------


class Embedder:
    """Mean of WordLlama's 256-dim token embeddings over a text, L2-normalised. Reads the tokenizer
    and the safetensors file straight from the installed `wordllama` package (memory-mapped, so
    only the rows used are read); never touches the network."""

    TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
    WEIGHTS = "weights/l2_supercat_256.safetensors"

    def __init__(self, package_dir: Path | None = None):
        if package_dir is None:
            spec = importlib.util.find_spec("wordllama")  # locates the package without importing it
            if spec is None or not spec.submodule_search_locations:
                raise CarModelError("the C/A/R model needs the 'wordllama' package: pip install wordllama")
            package_dir = Path(next(iter(spec.submodule_search_locations)))
        try:
            from tokenizers import Tokenizer

            self.tokenizer = Tokenizer.from_file(str(package_dir / self.TOKENIZER))
            self.tokenizer.no_padding()
            self.tokenizer.no_truncation()
            self.vectors = _read_safetensor(package_dir / self.WEIGHTS)
        except (ImportError, OSError, ValueError, KeyError, Exception) as e:  # tokenizers raises plain Exception
            raise CarModelError(f"cannot load the WordLlama embeddings from {package_dir}: {e}") from e

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.vectors.shape[1]), dtype=np.float32)
        if not texts:
            return out
        for k, enc in enumerate(self.tokenizer.encode_batch(texts, add_special_tokens=False)):
            ids = np.clip(np.asarray(enc.ids, dtype=np.int64), 0, self.vectors.shape[0] - 1)
            if len(ids):
                v = self.vectors[ids].astype(np.float32).mean(axis=0)
                norm = float(np.linalg.norm(v))
                out[k] = v / norm if norm > 0 else v
        return out


def _read_safetensor(path: Path) -> np.ndarray:
    """The one float16 tensor of a safetensors file, memory-mapped (the format is an 8-byte header
    length, a JSON header, then raw little-endian data)."""
    with open(path, "rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(size))
    (name,) = [k for k in header if k != "__metadata__"]
    meta = header[name]
    if meta["dtype"] != "F16":
        raise ValueError(f"unexpected tensor type {meta['dtype']}")
    start, _ = meta["data_offsets"]
    rows, dim = meta["shape"]
    return np.memmap(path, dtype="<f2", mode="r", offset=8 + size + start, shape=(rows, dim))


# --- the model -------------------------------------------------------------------------------


ANSWER_FEATURE_NAMES = (
    "top1", "top2", "top3", "clauses_over_half", "clauses_over_0_3", "share_over_half", "top_position",
    "log_clauses", "top_where_likeliest", "others_at_top", "evidence_mass", "other_top_a", "other_top_b",
)


def _logit(p: np.ndarray | float) -> np.ndarray:
    q = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(q / (1 - q))


def answer_profile(probs: np.ndarray) -> np.ndarray:
    """(3, len(ANSWER_FEATURE_NAMES)): for each component, the shape of the answer's clause
    probabilities (the best three as logits, how many clauses pass 0.5 and 0.3, where the best
    clause sits, how likely the other parts are there and at that clause). A second stage reads
    covered/missing from it, so one stray clause weighs less than a run of them."""
    n = len(probs)
    out = np.zeros((3, len(ANSWER_FEATURE_NAMES)))
    if n == 0:
        return out
    likeliest = probs.argmax(axis=1)
    for j in range(3):
        p = probs[:, j]
        top = np.sort(p)[::-1]
        best = int(p.argmax())
        others = [o for o in range(3) if o != j]
        own = p[likeliest == j]
        out[j] = [
            _logit(top[0]), _logit(top[1] if n > 1 else 0.0), _logit(top[2] if n > 2 else 0.0),
            (p > 0.5).sum() / 3, (p > 0.3).sum() / 5, (p > 0.5).mean(), (best + 0.5) / n, np.log(n),
            _logit(own.max() if len(own) else 0.0), probs[best, others].max(),
            -np.log(np.clip(1 - p, 1e-4, 1)).sum() / 3, probs[:, others[0]].max(), probs[:, others[1]].max(),
        ]
    return out


@dataclass
class CarModel:
    """Trained weights. Stage one: per component a logistic regression over [standardised features,
    embedding] plus the weights of the clause's lexical terms gives each clause's probability. Stage
    two: per component a logistic regression over the answer's probability profile
    (`answer_profile`) gives the probability that the answer covers it; covered from `thresholds` on."""

    mean: np.ndarray  # (n_features,)
    scale: np.ndarray  # (n_features,)
    use_features: bool
    use_embedding: bool
    embed_weight: float
    embed_mean: np.ndarray  # (256,)
    projection: np.ndarray  # (256, k): whitened principal components of the clause embeddings
    coef: np.ndarray  # (3, n_inputs)
    intercept: np.ndarray  # (3,)
    answer_mean: np.ndarray  # (3, n_answer_features)
    answer_scale: np.ndarray  # (3, n_answer_features)
    answer_coef: np.ndarray  # (3, n_answer_features)
    answer_intercept: np.ndarray  # (3,)
    thresholds: np.ndarray  # (3,) on the answer-level probability
    vocabulary: dict[str, int] | None = None  # lexical term -> column of lexical_coef
    lexical_coef: np.ndarray | None = None  # (3, n_terms): each term's weight, added when a clause has it
    embedder: Embedder | None = None

    def inputs(self, texts: list[str]) -> np.ndarray:
        parts = []
        if self.use_features:
            parts.append((clause_features(texts) - self.mean) / self.scale)
        if self.use_embedding:
            if self.embedder is None:
                self.embedder = Embedder()
            parts.append((self.embedder.embed(texts) - self.embed_mean) @ self.projection * self.embed_weight)
        return np.hstack(parts) if parts else np.zeros((len(texts), 0), dtype=np.float32)

    def clause_probabilities(self, texts: list[str]) -> np.ndarray:
        """(n_clauses, 3) probabilities that each clause shows challenge, action, result."""
        if not texts:
            return np.zeros((0, 3), dtype=np.float32)
        z = self.inputs(texts) @ self.coef.T + self.intercept
        if self.vocabulary:
            for k, text in enumerate(texts):
                # sorted: a set's order changes from process to process, and so would the float sum
                cols = sorted(self.vocabulary[t] for t in lexical_terms(text) if t in self.vocabulary)
                if cols:
                    z[k] += self.lexical_coef[:, cols].sum(axis=1)
        return 1.0 / (1.0 + np.exp(-z))

    def answer_probabilities(self, probs: np.ndarray) -> np.ndarray:
        """(3,) probabilities that the answer covers challenge, action, result, from its clause
        probabilities (0 for an empty answer)."""
        if len(probs) == 0:
            return np.zeros(3)
        x = (answer_profile(probs) - self.answer_mean) / self.answer_scale
        z = (x * self.answer_coef).sum(axis=1) + self.answer_intercept
        return 1.0 / (1.0 + np.exp(-z))

    def coverage(self, probs: np.ndarray) -> dict[str, bool]:
        """Whether the answer covers each component, from its clause probabilities."""
        if len(probs) == 0:
            return {k: False for k in COMPONENTS}
        scores = self.answer_probabilities(probs)
        return {k: bool(scores[j] >= self.thresholds[j]) for j, k in enumerate(COMPONENTS)}


def save_model(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write an .npz byte for byte reproducibly (numpy's own savez stamps the current time)."""
    import io

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue())


def self_check(model: CarModel, answers=SELF_CHECK_ANSWERS) -> dict[str, np.ndarray]:
    """The arrays a model file stores for its self-check: the answers' clause texts (one string, a
    clause a line, a blank line between answers), every clause's probabilities, and each answer's."""
    clause_rows, answer_rows = [], []
    for clauses in answers:
        probs = model.clause_probabilities(list(clauses))  # float32 into the second stage, as analysis does
        clause_rows.append(probs.astype(np.float64))
        answer_rows.append(np.asarray(model.answer_probabilities(probs), dtype=np.float64))
    return {"check_texts": np.array("\n\n".join("\n".join(a) for a in answers)),
            "check_probabilities": np.vstack(clause_rows), "check_answer": np.vstack(answer_rows)}


def read_model(path: Path = MODEL_PATH, verify: bool = True) -> CarModel:
    """Load trained weights from an .npz written by `save_model`; unless `verify` is False, refuse a
    file whose stored self-check probabilities this code does not reproduce."""
    try:
        with np.load(path, allow_pickle=False) as z:
            a = {k: z[k] for k in z.files}
    except (OSError, ValueError, zipfile.BadZipFile) as e:
        raise CarModelError(f"cannot read the C/A/R model {path}: {e}") from e
    if tuple(str(n) for n in a["feature_names"]) != FEATURE_NAMES or "answer_coef" not in a or \
            tuple(str(n) for n in a["answer_feature_names"]) != ANSWER_FEATURE_NAMES:
        raise CarModelError(f"{path} was trained with other features: rebuild it with training/train_car.py")
    model = _model_from(a)
    if verify:
        _verify(model, a, path)
    return model


def _verify(model: CarModel, arrays: dict[str, np.ndarray], path: Path) -> None:
    """Refuse (one line naming the file) a model whose self-check this code does not reproduce."""
    if "check_probabilities" not in arrays:
        raise CarModelError(f"the C/A/R model {path} has no self-check (a build fault): "
                            "rebuild it with training/train_car.py")
    answers = [a.split("\n") for a in str(arrays["check_texts"]).split("\n\n")]
    if model.use_embedding and model.embedder is None:
        model.embedder = Embedder()
    now = self_check(model, answers)
    if any(now[k].shape != arrays[k].shape for k in ("check_probabilities", "check_answer")):
        off = float("inf")
    else:
        off = max(float(np.abs(now[k] - arrays[k]).max(initial=0.0)) for k in ("check_probabilities", "check_answer"))
    if not off <= SELF_CHECK_TOLERANCE:  # NaN fails too
        raise CarModelError(f"the C/A/R model {path} fails its self-check (probabilities off by {off:.1e}, "
                            f"more than {SELF_CHECK_TOLERANCE:g}): this code reads answers differently from "
                            "the code that built it (a build fault); rebuild it with training/train_car.py")


def _model_from(a: dict[str, np.ndarray]) -> CarModel:
    return CarModel(
        mean=a["mean"], scale=a["scale"], use_features=bool(a["use_features"]), use_embedding=bool(a["use_embedding"]),
        embed_weight=float(a["embed_weight"]), embed_mean=a["embed_mean"], projection=a["projection"], coef=a["coef"], intercept=a["intercept"],
        answer_mean=a["answer_mean"], answer_scale=a["answer_scale"], answer_coef=a["answer_coef"],
        answer_intercept=a["answer_intercept"], thresholds=a["thresholds"],
        vocabulary=_vocabulary(a), lexical_coef=a.get("lexical_coef"),
    )


def _vocabulary(arrays: dict[str, np.ndarray]) -> dict[str, int] | None:
    """The lexical terms stored as one newline-joined string (smaller than an array of strings)."""
    if "lexical_terms" not in arrays:
        return None
    text = str(arrays["lexical_terms"])
    return {t: k for k, t in enumerate(text.split("\n"))} if text else {}


_MODEL: CarModel | None = None


def get_model() -> CarModel:
    """The shipped model, loaded on first use and kept for the life of the process."""
    global _MODEL
    if _MODEL is None:
        model = read_model(MODEL_PATH)
        if model.use_embedding and model.embedder is None:
            model.embedder = Embedder()
        _MODEL = model
    return _MODEL
