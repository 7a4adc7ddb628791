"""What a recognizer heard: words with their times, and helpers to read them."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Word:
    """One recognized word and when it was said, in seconds from the start of the audio."""

    word: str
    start: float
    end: float
    conf: float | None = None  # the recognizer's confidence in this word, 0-1, when it gives one

    def to_json(self) -> dict:
        data = {"word": self.word, "start": round(self.start, 3), "end": round(self.end, 3)}
        if self.conf is not None:
            data["conf"] = round(self.conf, 3)
        return data


@dataclass(frozen=True)
class Span:
    """A stretch of audio in seconds, such as one run of voiced frames."""

    start: float
    end: float

    @property
    def length(self) -> float:
        return self.end - self.start

    def to_json(self) -> dict:
        return {k: round(v, 3) for k, v in asdict(self).items()}


def text_of(words: list[Word]) -> str:
    """The words joined as one line of text."""
    return " ".join(w.word for w in words)


_SPELLINGS = {"mr": "mister", "mrs": "missus", "dr": "doctor", "ok": "okay"}


def normalize(text: str) -> list[str]:
    """Lowercase words without punctuation, common abbreviations spelled out, for comparison."""
    import re

    words = re.findall(r"[\w']+", text.lower())
    return [_SPELLINGS.get(w, w) for w in words]


def word_error_rate(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edit distance in words, reference length): sum both over a set, then divide."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1], len(ref)
