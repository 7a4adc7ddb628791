"""Question banks: the built-in one and the user's own TOML files."""

from __future__ import annotations

import random
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rehearse.errors import RehearseError
from rehearse.judge.kinds import KINDS, RUBRIC_NAMES, normalize_kind

BUILTIN = "builtin"


class BankError(RehearseError):
    """A question bank that cannot be read or makes no sense."""


@dataclass(frozen=True)
class Question:
    """An interview question, its kind, and the yardstick it is judged by when one was named
    (else its kind and wording choose; see `rubric_of`)."""

    text: str
    kind: str = "behavioural"
    rubric: str | None = None


def parse_bank(text: str, origin: str) -> list[Question]:
    """Questions from TOML text: `[[question]]` tables with `text`, an optional `kind` and `rubric`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BankError(f"{origin} is not valid TOML ({exc})") from None
    items = data.get("question")
    if not isinstance(items, list) or not items:
        raise BankError(f"{origin} has no [[question]] entries")
    questions = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
            raise BankError(f"{origin}: question {i} needs a non-empty text = \"...\"")
        given = item.get("kind", "behavioural")
        kind = normalize_kind(given) if isinstance(given, str) else None
        if kind is None:
            raise BankError(f"{origin}: question {i} has kind {given!r}; use one of {', '.join(KINDS)}")
        rubric = item.get("rubric")
        if rubric is not None and rubric not in RUBRIC_NAMES:
            raise BankError(f"{origin}: question {i} has rubric {rubric!r}; use one of {', '.join(RUBRIC_NAMES)}")
        questions.append(Question(" ".join(item["text"].split()), kind, rubric))
    return questions


def load_bank(name: str | None = None) -> list[Question]:
    """The built-in bank, one kind of it (`objection`, …), or a TOML file by path."""
    kind = normalize_kind(name) if name else None
    if not name or name == BUILTIN or kind:
        text = resources.files("rehearse").joinpath("questions.toml").read_text(encoding="utf-8")
        questions = parse_bank(text, "the built-in bank")
        return [q for q in questions if q.kind == kind] if kind else questions
    path = Path(name).expanduser()
    if not path.exists():
        raise BankError(
            f"no question bank {name!r}: give a TOML file or one of {BUILTIN}, {', '.join(KINDS)}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BankError(f"cannot read {path} ({exc})") from None
    return parse_bank(text, str(path))


def choose(questions: list[Question], count: int, practised: dict[str, int], rng: random.Random) -> list[Question]:
    """`count` questions without repeats, the least practised first, ties in random order."""
    unique = list({q.text: q for q in questions}.values())
    rng.shuffle(unique)
    unique.sort(key=lambda q: practised.get(q.text, 0))
    return unique[:count]


# --- a question's kind and yardstick: the bank's own for its questions, else the wording's ----------

# Built-in questions carry their kind and rubric in the bank: the wording cannot tell every
# second-interview question ("Tell me about a time you worked with a much larger team") from a
# first-round one, and no wording rule is written for one question's text.
_BUILTIN: dict[str, tuple[str, str | None]] | None = None


def _key(question_text: str) -> str:
    return " ".join(re.findall(r"[\w']+", question_text.lower()))


def builtin_entry(question_text: str | None) -> tuple[str, str | None] | None:
    """(kind, rubric) of the built-in question with this text, else None."""
    global _BUILTIN
    if not question_text:
        return None
    if _BUILTIN is None:
        _BUILTIN = {_key(q.text): (q.kind, q.rubric) for q in load_bank()}
    return _BUILTIN.get(_key(question_text))


def rubric_for(kind: str, question_text: str | None = None) -> str:
    """The yardstick for a question of `kind`: a built-in question's own, else read from its wording."""
    from rehearse.judge import question_kind

    return question_kind.rubric_for(kind, question_text, builtin_entry(question_text))


def rubric_of(question: Question) -> str:
    """The yardstick a `Question` is judged by: the one named with it, else its kind's and wording's."""
    return question.rubric or rubric_for(question.kind, question.text)


def infer_kind(question_text: str) -> tuple[str, str]:
    """(kind, rubric) of a question: the bank's for a built-in one, else from its wording."""
    from rehearse.judge import question_kind

    return question_kind.infer_kind(question_text, builtin_entry(question_text))


def kind_and_rubric(name: str | None, question_text: str | None = None) -> tuple[str, str]:
    """(kind, rubric) for `--kind NAME` (a kind or a yardstick's own name) and `--question`."""
    from rehearse.judge import question_kind

    return question_kind.kind_and_rubric(name, question_text, builtin_entry(question_text))
