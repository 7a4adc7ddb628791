"""Reads the labelled development set in tests/data/car_dev.txt (format described at its top)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DEV_SET = Path(__file__).resolve().parent / "data" / "car_dev.txt"
CHECK_SET = Path(__file__).resolve().parent / "data" / "car_check.txt"
LABELS = {"C": "challenge", "A": "action", "R": "result", "O": "other"}


@dataclass
class Answer:
    id: str
    tags: list[str]
    sentences: list[tuple[str, str]]  # (label, sentence)

    def covered(self) -> dict[str, bool]:
        present = {LABELS[label] for label, _ in self.sentences}
        return {k: k in present for k in ("challenge", "action", "result")}

    def prose(self) -> str:
        return " ".join(s for _, s in self.sentences)

    def recognizer_form(self) -> str:
        """As a recognizer prints it: lowercase, no punctuation, numbers as words."""
        text = self.prose().lower().replace("%", " percent")
        text = re.sub(r"[^\w\s']", " ", text)
        return " ".join(text.split())


def load(path: Path = DEV_SET) -> list[Answer]:
    answers: list[Answer] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("= "):
            ident, _, tags = line[2:].partition("|")
            answers.append(Answer(ident.strip(), tags.split(), []))
            continue
        label, sep, sentence = line.partition("|")
        if not sep or label not in LABELS or not answers:
            raise ValueError(f"bad line in {path}: {raw!r}")
        answers[-1].sentences.append((label, sentence.strip()))
    return answers
