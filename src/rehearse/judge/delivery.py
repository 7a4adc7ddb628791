"""How an answer was delivered: fillers, hedges, long pauses, repeated words, "I" against "we".

Figures follow what speaking research and coaches use: fillers under about 5 a minute go
unnoticed while around 12 a minute hurt how a speaker is judged; pauses over 2.5 s read as lost
threads. Recognizers' language models often drop "um" and "uh", so filler counts from speech
are a lower bound, and the report says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rehearse.judge.vocabulary import (
    FILLER_PHRASES,
    FILLER_WORDS,
    HEDGES,
    LIKE_FILLER_AFTER,
    STOPWORDS,
)
from rehearse.transcript import Word

FILLERS_UNNOTICED_PER_MIN = 5.0
FILLERS_HURT_PER_MIN = 12.0
LONG_PAUSE_S = 2.5
_LIKE_NOT_BEFORE = {"to"}  # "would like to"


@dataclass
class Delivery:
    """How an answer was delivered: fillers, hedges, pauses, repeats, I and we."""

    fillers: list[dict] = field(default_factory=list)  # {"text", "start"}
    fillers_per_min: float | None = None
    hedges: list[dict] = field(default_factory=list)
    long_pauses: list[dict] = field(default_factory=list)  # {"start", "end", "length_s"}
    repeated: list[dict] = field(default_factory=list)  # {"text", "count"}
    i_count: int = 0  # in the action part
    we_count: int = 0
    note: str | None = None

    def to_json(self) -> dict:
        return {
            "fillers": len(self.fillers), "fillers_per_min": self.fillers_per_min,
            "filler_examples": [f["text"] for f in self.fillers[:10]],
            "filler_marks": [f for f in self.fillers if f["start"] is not None],
            "hedges": len(self.hedges), "hedge_examples": [h["text"] for h in self.hedges[:10]],
            "long_pauses": self.long_pauses, "repeated": self.repeated,
            "action_i": self.i_count, "action_we": self.we_count, "note": self.note,
        }


def _matches(tokens: list[str], phrases) -> list[tuple[int, str]]:
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for p in sorted(phrases, key=len, reverse=True):  # the longest phrase at a word wins
        by_first.setdefault(p[0], []).append(p)
    found = []
    i = 0
    while i < len(tokens):
        for p in by_first.get(tokens[i], ()):
            if tuple(tokens[i : i + len(p)]) == p:
                if p == ("like",) and not _like_is_filler(tokens, i):
                    continue
                found.append((i, " ".join(p)))
                i += len(p) - 1
                break
        i += 1
    return found


def _like_is_filler(tokens: list[str], i: int) -> bool:
    prev = tokens[i - 1] if i else ""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    return (i == 0 or prev in LIKE_FILLER_AFTER) and nxt not in _LIKE_NOT_BEFORE


def measure(words: list[Word], minutes: float | None, action_texts: list[str], from_speech: bool) -> Delivery:
    """Delivery figures for an answer's words; `minutes` of speaking when known."""
    tokens = [w.word.lower() for w in words]
    d = Delivery()
    for i, t in enumerate(tokens):
        if t in FILLER_WORDS:
            d.fillers.append({"text": t, "start": _start(words[i])})
    for i, text in _matches(tokens, FILLER_PHRASES):
        d.fillers.append({"text": text, "start": _start(words[i])})
    d.fillers.sort(key=lambda f: (f["start"] is None, f["start"] or 0))
    d.hedges = [{"text": text, "start": _start(words[i])} for i, text in _matches(tokens, HEDGES)]
    if minutes:
        d.fillers_per_min = round(len(d.fillers) / minutes, 1)
    timed = [w for w in words if w.start >= 0]
    for a, b in zip(timed, timed[1:]):
        if b.start - a.end > LONG_PAUSE_S:
            d.long_pauses.append({"start": round(a.end, 2), "end": round(b.start, 2), "length_s": round(b.start - a.end, 2)})
    content = [t for t in tokens if t.isalpha() and t not in STOPWORDS and len(t) > 2]
    counts = Counter(content)
    grams = Counter(" ".join(tokens[i : i + 3]) for i in range(len(tokens) - 2)
                    if not set(tokens[i : i + 3]) <= STOPWORDS and all(t.isalpha() or "'" in t for t in tokens[i : i + 3]))
    d.repeated = [{"text": g, "count": c} for g, c in grams.most_common(3) if c >= 3]
    d.repeated += [{"text": w, "count": c} for w, c in counts.most_common(5) if c >= max(4, len(content) // 25)]
    for text in action_texts:
        toks = text.lower().split()
        d.i_count += sum(1 for t in toks if t in ("i", "i'm", "i've", "i'd", "myself", "me"))
        d.we_count += sum(1 for t in toks if t in ("we", "we're", "we've", "we'd", "us"))
    if from_speech:
        d.note = ("Speech recognizers often leave out 'um' and 'uh', so the filler count is a lower bound.")
    return d


def _start(w: Word) -> float | None:
    return round(w.start, 2) if w.start >= 0 else None
