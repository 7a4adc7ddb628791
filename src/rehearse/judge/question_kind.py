"""The kind of a question and the yardstick it needs, from its wording: the learned question reader
(kind_checks.npz) over its words and the wording rules' hits. Pure: the question bank is never read here; a
caller that knows a built-in question's own kind and rubric passes them as `known` (questions.py does)."""

from __future__ import annotations

from rehearse.judge.kinds import (
    CAR,
    CLOSING,
    DEFAULT_RUBRIC,
    KINDS,
    MOTIVATION_RUBRICS,
    OBJECTION,
    RUBRICS,
    WHY_HERE,
    KindError,
    kind_of_rubric,
    normalize_kind,
)
from rehearse.judge.wording import question_cues
from rehearse.judge.yardsticks import kind_model

# A built-in question's own (kind, rubric), as the bank gives it (rubric None: its kind's default).
Known = tuple[str, "str | None"]


def kind_from_wording(question_text: str) -> str:
    """The kind a question's wording suggests, without looking it up in the built-in bank: the learned
    reader of its words and of the wording rules' hits (kind_checks.py)."""
    return kind_model().question_kind(question_text, question_cues(question_text))


def motivation_rubric(question_text: str | None) -> str:
    """Which motivation yardstick a question needs, read from its wording by the learned reader; "why
    here" when there is no wording."""
    if not question_text or not question_text.strip():
        return WHY_HERE
    return kind_model().question_rubric(question_text, question_cues(question_text), "motivation")


def rubric_for(kind: str, question_text: str | None = None, known: Known | None = None) -> str:
    """The rubric for a question of `kind` (either spelling): `known`'s (a built-in question's own) when it
    is of this kind; else motivation questions are told apart by their wording."""
    k = normalize_kind(kind)
    if k is None:
        raise KindError(f"unknown question kind {kind!r}; use one of {', '.join(KINDS)}")
    found = known if question_text else None
    if found and found[0] == k:
        return found[1] or (WHY_HERE if k == "motivation" else DEFAULT_RUBRIC[k])
    if k == "second-interview" and question_text and question_text.strip():
        # a second interview may come back to any first-round question: its wording says which
        return kind_model().question_rubric(question_text, question_cues(question_text), k)
    if k in ("behavioural", "second-interview"):
        return CAR
    if k == "motivation":
        return motivation_rubric(question_text)
    return OBJECTION if k == "objection" else CLOSING


def kind_and_rubric(name: str | None, question_text: str | None = None, known: Known | None = None
                    ) -> tuple[str, str]:
    """(kind, rubric) for `--kind NAME` (a kind or a rubric's own name) and `--question`: a rubric
    named is used as it is; a motivation question is placed by its wording, so `motivation` needs
    the question; with no name, the kind is the question's (behavioural when there is none)."""
    if name is None:
        return infer_kind(question_text, known) if question_text else ("behavioural", CAR)
    key = " ".join(str(name).split()).lower()
    if key in RUBRICS:
        kind = kind_of_rubric(key)
        if question_text and kind == "behavioural" and infer_kind(question_text, known)[0] == "second-interview":
            kind = "second-interview"
        return kind, key
    kind = normalize_kind(key)
    if kind is None:
        raise KindError(f"unknown question kind {name!r}; use a kind ({', '.join(KINDS)}) or a yardstick "
                        f"({', '.join(RUBRICS)})")
    if kind == "motivation" and not question_text:
        raise KindError("--kind motivation needs --question to tell which yardstick applies; or name it: "
                        + ", ".join(MOTIVATION_RUBRICS))
    return kind, rubric_for(kind, question_text, known)


def infer_kind(question_text: str, known: Known | None = None) -> tuple[str, str]:
    """(kind, rubric) for a question: `known`'s kind (a built-in question's own) when given, else from the
    wording; a question the wording does not place is behavioural."""
    kind = known[0] if known else kind_from_wording(question_text)
    return kind, rubric_for(kind, question_text, known)
