"""Question banks: the built-in one and the user's own TOML files."""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rehearse.errors import RehearseError

KINDS = ("behavioural", "second-interview", "objection", "motivation", "closing")
# Other spellings users write for a kind; each maps to its name in KINDS.
KIND_SPELLINGS = {"behavioral": "behavioural", "second_interview": "second-interview"}
BUILTIN = "builtin"
# The yardsticks a bank may name for a question (`rubric = "why-here"`); see yardsticks.RUBRICS.
RUBRIC_NAMES = ("car", "about-yourself", "why-here", "why-leaving", "five-years", "objection", "closing")


class BankError(RehearseError):
    """A question bank that cannot be read or makes no sense."""


def normalize_kind(name: str) -> str | None:
    """The kind's name in KINDS (`behavioral` and `Behavioural` give `behavioural`), or None when unknown."""
    key = " ".join(str(name).split()).lower()
    key = KIND_SPELLINGS.get(key, key)
    return key if key in KINDS else None


@dataclass(frozen=True)
class Question:
    """An interview question, its kind, and the yardstick it is judged by when one was named
    (else its kind and wording choose; see `yardsticks.rubric_of`)."""

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
