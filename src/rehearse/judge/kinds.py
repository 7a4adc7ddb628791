"""The kinds of interview question and the yardsticks (rubrics) that judge them: names, the answer length each
wants, and which kind a rubric belongs to. Pure data; the wording of a question is read in question_kind.py."""

from __future__ import annotations

from rehearse.errors import RehearseError
from rehearse.judge.analysis import ON_TARGET_HIGH, ON_TARGET_LOW, TARGET_S

KINDS = ("behavioural", "second-interview", "objection", "motivation", "closing")
# Other spellings users write for a kind; each maps to its name in KINDS.
KIND_SPELLINGS = {"behavioral": "behavioural", "second_interview": "second-interview"}
# The yardsticks (a bank may name one for a question: `rubric = "why-here"`).
RUBRIC_NAMES = ("car", "about-yourself", "why-here", "why-leaving", "five-years", "objection", "closing")
RUBRICS = RUBRIC_NAMES
CAR, ABOUT_YOURSELF, WHY_HERE, WHY_LEAVING, FIVE_YEARS, OBJECTION, CLOSING = RUBRICS
MOTIVATION_RUBRICS = (ABOUT_YOURSELF, WHY_HERE, WHY_LEAVING, FIVE_YEARS)
# The rubric of a kind whose questions all share one (motivation's comes from the wording).
DEFAULT_RUBRIC = {"behavioural": CAR, "second-interview": CAR, "objection": OBJECTION, "closing": CLOSING}

# (target, low, high) in seconds. C/A/R stories: two minutes, 75-125 %. The rest from what coaches
# advise: an introduction 60-90 s; "why here" 45-90 s; "why leaving" short and forward (20-60 s:
# the longer it runs the more it sounds like a grievance); "five years" 30-60 s (an aim and a
# path, not a life plan); an objection 60-90 s; one's own questions 30-90 s (two or three
# questions, each a sentence or two).
TARGETS_S: dict[str, tuple[float, float, float]] = {
    CAR: (TARGET_S, TARGET_S * ON_TARGET_LOW, TARGET_S * ON_TARGET_HIGH),
    ABOUT_YOURSELF: (75.0, 60.0, 90.0),
    WHY_HERE: (60.0, 45.0, 90.0),
    WHY_LEAVING: (40.0, 20.0, 60.0),
    FIVE_YEARS: (45.0, 30.0, 60.0),
    OBJECTION: (75.0, 60.0, 90.0),
    CLOSING: (60.0, 30.0, 90.0),
}


class KindError(RehearseError):
    """A question kind or rubric that does not exist."""


def kind_of_rubric(rubric: str | None) -> str:
    """The question kind a rubric judges (a story's is behavioural; second-interview shares it)."""
    if rubric in MOTIVATION_RUBRICS:
        return "motivation"
    return rubric if rubric in (OBJECTION, CLOSING) else "behavioural"


def target_for(rubric: str) -> tuple[float, float, float]:
    """(target_s, low_s, high_s): the answer length a rubric wants."""
    if rubric not in TARGETS_S:
        raise KindError(f"unknown rubric {rubric!r}; use one of {', '.join(RUBRICS)}")
    return TARGETS_S[rubric]


def target_s_for(rubric: str, override_s: float | None) -> float:
    """The target length an analysis should use: the user's own, else the rubric's."""
    return override_s if override_s is not None else target_for(rubric)[0]


def normalize_kind(name: str) -> str | None:
    """The kind's name in KINDS (`behavioral` and `Behavioural` give `behavioural`), or None when unknown."""
    key = " ".join(str(name).split()).lower()
    key = KIND_SPELLINGS.get(key, key)
    return key if key in KINDS else None
