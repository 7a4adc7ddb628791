"""A question's wording read by hand-written rules: which kind and yardstick its words suggest, and the
rules' hits that the learned question reader takes as inputs (question_kind.py). Pure."""

from __future__ import annotations

import re

from rehearse.judge.kinds import ABOUT_YOURSELF, DEFAULT_RUBRIC, FIVE_YEARS, WHY_HERE, WHY_LEAVING
from rehearse.judge.vocabulary import (
    LIMITING,
    Q_ABOUT,
    Q_BEHAVIOURAL,
    Q_CLOSING,
    Q_FIVE,
    Q_LEAVING,
    Q_OBJECTION,
    Q_SECOND,
    Q_WHY,
)


def plain_question(text: str) -> str:
    """Lowercase, one space between words, straight apostrophes, no closing punctuation."""
    return " ".join(text.lower().split()).replace("’", "'").rstrip("?.!… ")


def states_a_doubt(t: str) -> bool:
    """A statement (not a question) about the candidate with a limit in it: "you've only worked in …"."""
    for sentence in re.split(r"(?<=[.!:;])\s+", t):
        if not sentence.rstrip().endswith("?") and re.search(r"\b(you|your|you're|you've)\b", sentence) \
                and LIMITING.search(sentence):
            return True
    return False


def rule_kind(question_text: str) -> str:
    """The kind the hand-written wording rules give (an input of the learned reader)."""
    t = plain_question(question_text)
    if Q_CLOSING.search(t):
        return "closing"
    if Q_SECOND.search(t):
        return "second-interview"
    if Q_BEHAVIOURAL.search(t):
        return "behavioural"
    if Q_OBJECTION.search(t) or states_a_doubt(" ".join(question_text.lower().split())):
        return "objection"
    if Q_ABOUT.search(t) or Q_LEAVING.search(t) or Q_FIVE.search(t) or Q_WHY.search(t):
        return "motivation"
    return "behavioural"


def rule_motivation_rubric(question_text: str | None) -> str:
    """The motivation yardstick the hand-written wording rules give ("why here" when they say nothing)."""
    t = plain_question(question_text or "")
    if Q_ABOUT.search(t):
        return ABOUT_YOURSELF
    if Q_LEAVING.search(t):
        return WHY_LEAVING
    if Q_FIVE.search(t):
        return FIVE_YEARS
    return WHY_HERE


def question_cues(question_text: str) -> dict[str, float]:
    """The wording rules' hits on a question and their verdicts (kind_checks.QUESTION_CUE_NAMES)."""
    t = plain_question(question_text)
    raw = " ".join(question_text.lower().split())
    kind = rule_kind(question_text)
    rubric = rule_motivation_rubric(question_text) if kind == "motivation" else DEFAULT_RUBRIC[kind]
    cues = {"q_closing": Q_CLOSING, "q_second": Q_SECOND, "q_behavioural": Q_BEHAVIOURAL,
            "q_objection": Q_OBJECTION, "q_about": Q_ABOUT, "q_leaving": Q_LEAVING, "q_five": Q_FIVE,
            "q_why": Q_WHY}
    out = {k: float(bool(p.search(t))) for k, p in cues.items()}
    out["q_doubt"] = float(states_a_doubt(raw))
    out["q_sentences"] = min(len(re.findall(r"[.?!]+(?=\s|$)", raw)) or 1, 3) / 3
    out["q_ends_with_question"] = float(raw.rstrip().endswith("?"))
    out[f"rule_kind:{kind}"] = 1.0
    out[f"rule_rubric:{rubric}"] = 1.0
    return out
