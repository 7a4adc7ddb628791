"""What an answer did: length, pace and Challenge / Action / Result coverage. Pure functions.

Works on punctuated prose and on lowercase, unpunctuated recognizer output alike: the text is cut
into clauses at punctuation, at pauses in the word timings and before discourse markers
("so", "and then", "as a result", "in the end"), and each clause is read by the learned model in
car_model.py (linguistic features and word embeddings, trained on labelled answers); an answer
covers a part when its clauses' probabilities pass a cross-validated threshold. The hand-written
rules (`label_clauses`, `rule_car`) stay as the baseline the benchmark compares against.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from rehearse.judge.car_model import EVIDENCE_MIN_P, get_model
from rehearse.judge.clause_rules import score_clause
from rehearse.judge.delivery import FILLERS_HURT_PER_MIN, Delivery, measure
from rehearse.judge.vocabulary import (
    ADVERBS,
    AUXILIARIES,
    CLAUSE_DETERMINERS,
    HYPOTHETICAL,
    MARKERS,
    MEASURE,
    NO_BREAK_AFTER,
    NUMBER_WORDS,
    OUTCOME_VERBS,
    PRESENT_VERBS,
    PRONOUNS,
    SUBJECT_DETERMINERS,
    SUBJECT_OPENERS,
    SUBJECT_PRESENT,
    SUBJECTS,
    VERB_ONLY,
    WE_DID,
)
from rehearse.transcript import Span, Word

TARGET_S = 120.0
ON_TARGET_LOW = 0.75
ON_TARGET_HIGH = 1.25
CLAUSE_PAUSE_S = 0.35
MIN_CLAUSE_WORDS = 3
PACE_LOW_WPM = 120  # the comfortable band, shown on the card and used by the tips alike
PACE_HIGH_WPM = 160
PACE_TIP_MARGIN = 0.10  # a pace tip only when more than 10 % outside the band
PACE_SLOW_WPM = PACE_LOW_WPM * (1 - PACE_TIP_MARGIN)
PACE_FAST_WPM = PACE_HIGH_WPM * (1 + PACE_TIP_MARGIN)
ANALYSIS_VERSION = 5  # 1: hand-written rules; 2: the learned C/A/R reader; 3: its answer-level second stage; 4: its lexical block; 5: clauses cut at subjects and verbless pieces joined, evidence where its part is (stored answers are re-read)
SETUP_TOO_LONG_SHARE = 0.5
MIN_ANSWER_S = 2.0  # shorter than this with fewer than MIN_ANSWER_WORDS words is too short to judge
MIN_ANSWER_WORDS = 4
COMPONENTS = ("challenge", "action", "result")
LABEL_MIN = 1.0
SECONDARY_MIN = 2.5

# --- clause openers -------------------------------------------------------------------------

_MARKER_SEQS = sorted((m.split() for m in MARKERS), key=len, reverse=True)
_MARKERS_BY_FIRST: dict[str, list[list[str]]] = {}  # longest first, looked up by the word they start with
for _seq in _MARKER_SEQS:
    _MARKERS_BY_FIRST.setdefault(_seq[0], []).append(_seq)

# A number keeps its decimal point and thousands commas ("1.2", "40,000"): they end no clause.
_TOKEN = re.compile(r"\$?\d+(?:[.,]\d+)+%?|[\w'%$]+|[.!?;:,]")


@dataclass
class Clause:
    """A short run of words carrying one idea, with its time span when words were timed."""

    text: str
    start: float | None
    end: float | None
    position: float  # 0 at the answer's start, 1 at its end
    label: str = "other"
    scores: dict = field(default_factory=dict)

    def evidence(self) -> dict:
        return {
            "text": self.text,
            "start": None if self.start is None else round(self.start, 2),
            "end": None if self.end is None else round(self.end, 2),
        }


# --- clauses --------------------------------------------------------------------------------


def words_from_text(text: str) -> list[Word]:
    """Untimed words from prose; sentence punctuation is kept as its own token."""
    return [Word(t.lower(), -1.0, -1.0) for t in _TOKEN.findall(text)]


def split_clauses(words: list[Word]) -> list[Clause]:
    """Cut a word list into clauses at punctuation, pauses and discourse markers; a piece with no
    verb ("by the end of the quarter", "last spring") joins the clause before it in its sentence
    (or the one after, when it opens the sentence)."""
    groups: list[list[Word]] = []
    sentence_of: list[int] = []  # the sentence (between . ! ? ;) each group belongs to
    current: list[Word] = []
    sentence = 0

    def close():
        if any(w.word not in ".!?;:," for w in current):
            groups.append([w for w in current if w.word not in ".!?;:,"])
            sentence_of.append(sentence)
        current.clear()

    tokens = [w for w in words if w.word]
    lowered = [w.word.lower() for w in tokens]
    opened_by = 0  # length of the marker that opened the current clause
    for i, w in enumerate(tokens):
        if w.word in ".!?;":
            close()
            sentence += 1
            opened_by = 0
            continue
        content = [c for c in current if c.word not in ".!?;:,"]
        timed = w.start >= 0 and content and content[-1].end >= 0
        long_enough = len(content) >= opened_by + MIN_CLAUSE_WORDS
        marker = _marker_at(lowered, i)
        if timed and w.start - content[-1].end >= CLAUSE_PAUSE_S and len(content) >= MIN_CLAUSE_WORDS - 1:
            close()
            opened_by = marker
        elif marker and long_enough:
            # "... the contracts and | in the end": a dangling conjunction joins the new clause
            carry = [current.pop()] if current and current[-1].word.lower() in ("and", "but", "so") else []
            close()
            current.extend(carry)
            opened_by = marker + len(carry)
        elif not content and _discourse_marker_at(lowered, i):
            opened_by = marker  # "Within a month, errors fell": the opener is part of its clause
        current.append(w)
    close()
    groups, sentence_of = _join_fragments(groups, sentence_of)
    n = len(groups)
    clauses = []
    for k, g in enumerate(groups):
        start = g[0].start if g[0].start >= 0 else None
        end = g[-1].end if g[-1].end >= 0 else None
        clauses.append(Clause(" ".join(w.word for w in g), start, end, (k + 0.5) / n if n else 0.0))
    return clauses


def _has_verb(words: list[str]) -> bool:
    """Whether a piece of a sentence has a verb: a known verb form, or any word after a subject
    pronoun ("i go", "we fix it")."""
    for k, w in enumerate(words):
        if w in AUXILIARIES or w in OUTCOME_VERBS or w in PRESENT_VERBS or VERB_ONLY.fullmatch(w):
            return True
        if w in PRONOUNS | {"it", "you"} and k + 1 < len(words):
            return True
    return False


def _join_fragments(groups: list[list[Word]], sentence_of: list[int]) -> tuple[list[list[Word]], list[int]]:
    """A group without a verb joins its neighbour in the same sentence: the one before, or the one
    after when it opens the sentence. Timed speech has no sentences: a fragment after a long pause
    stays apart (the pause cut it)."""
    out: list[list[Word]] = []
    sent: list[int] = []
    pending: list[Word] = []  # a fragment opening a sentence, waiting for the group after it
    sent_pending = -1
    for g, s in zip(groups, sentence_of):
        if pending and sent_pending == s:
            g = pending + g
            pending = []
        elif pending:
            out.append(pending)
            sent.append(sent_pending)
            pending = []
        words = [w.word.lower() for w in g]
        paused = out and g[0].start >= 0 and out[-1][-1].end >= 0 and g[0].start - out[-1][-1].end >= CLAUSE_PAUSE_S
        if not _has_verb(words) and not paused:
            if out and sent[-1] == s:
                out[-1] = out[-1] + g
                continue
            pending, sent_pending = g, s
            continue
        out.append(g)
        sent.append(s)
    if pending:
        if out and sent[-1] == sent_pending:
            out[-1] = out[-1] + pending
        else:
            out.append(pending)
            sent.append(sent_pending)
    return out, sent


def _discourse_marker_at(lowered: list[str], i: int) -> int:
    """How many words of a discourse marker ("in the end", "as a result") stand at word i."""
    for seq in _MARKERS_BY_FIRST.get(lowered[i], ()):
        if lowered[i : i + len(seq)] == seq:
            return len(seq)
    return 0


def _marker_at(lowered: list[str], i: int) -> int:
    """How many words of a clause opener stand at word i (0 for none): a discourse marker, or a
    new subject with its verb."""
    for seq in _MARKERS_BY_FIRST.get(lowered[i], ()):
        if lowered[i : i + len(seq)] == seq:
            return len(seq)
    nxt = lowered[i + 1] if i + 1 < len(lowered) else ""
    if lowered[i] in SUBJECT_OPENERS and nxt in SUBJECTS:
        return 2
    if _is_number(lowered[i]) and lowered[i + 1 : i + 3] and lowered[i + 2 : i + 3] == ["later"]:
        return 3  # "six months later ..."
    # "... rewrote the cache and errors fell by half": a conjunction before a new subject and its outcome
    if lowered[i] in ("and", "so") and nxt not in NO_BREAK_AFTER:
        for k in (2, 3):
            if i + k < len(lowered) and lowered[i + k] in OUTCOME_VERBS and \
                    not any(w in NO_BREAK_AFTER or w in PRONOUNS for w in lowered[i + 1 : i + k]):
                return 1
    prev = lowered[i - 1] if i > 0 else ""
    if prev in NO_BREAK_AFTER:
        return 0
    # "... losing orders i traced the crashes": a pronoun subject and its verb open a new sentence
    # (a present form too: "... is very angry i go to the manager")
    if lowered[i] in PRONOUNS:
        verb = lowered[i + 2] if nxt in ADVERBS and i + 2 < len(lowered) else nxt
        if VERB_ONLY.fullmatch(verb) or verb in AUXILIARIES or verb in PRESENT_VERBS:
            return 2
    if lowered[i] == "it" and (VERB_ONLY.fullmatch(nxt) or nxt in AUXILIARIES):
        return 2  # "... the next year it started when": "it" and a past verb, not "made it work"
    # "... crashing my manager asked me", "the guest give us": a subject noun and its verb open one too
    if lowered[i] in SUBJECT_DETERMINERS:
        for k in (2, 3):
            verb = lowered[i + k] if i + k < len(lowered) else ""
            if (VERB_ONLY.fullmatch(verb) or verb in OUTCOME_VERBS or verb in SUBJECT_PRESENT) \
                    and not any(w in NO_BREAK_AFTER for w in lowered[i + 1 : i + k]):
                return k + 1
    # "... wrote short answers for each page load time dropped from": a noun phrase and an outcome verb
    for k in range(1, 4):
        if i + k < len(lowered) and lowered[i + k] in OUTCOME_VERBS:
            between = lowered[i : i + k]
            if between[0] in CLAUSE_DETERMINERS or (k == 2 and not any(w in NO_BREAK_AFTER or w in PRONOUNS for w in between)):
                return 1
            break
    return 0


def _is_number(word: str) -> bool:
    return word.isdigit() or word in NUMBER_WORDS or word in ("a", "one", "few", "several")


# --- labelling ------------------------------------------------------------------------------


def label_clauses(clauses: list[Clause]) -> list[Clause]:
    """Give each clause its strongest label; a label needs a score of at least 1."""
    for c in clauses:
        c.scores = score_clause(c.text, c.position)
        best = max(COMPONENTS, key=lambda k: c.scores[k])
        c.label = best if c.scores[best] >= LABEL_MIN else "other"
    return clauses


def covers(c: Clause, component: str) -> bool:
    """Rules: a clause shows a component when labelled so, or when that reading is strong in its own
    right (speech without punctuation often runs a setup and an action into one clause)."""
    return c.label == component or c.scores.get(component, 0.0) >= SECONDARY_MIN


def rule_car(clauses: list[Clause]) -> dict[str, bool]:
    """The hand-written rules' coverage (the baseline before the learned model)."""
    labelled = label_clauses(clauses)
    return {k: any(covers(c, k) for c in labelled) for k in COMPONENTS}


def model_scores(clauses: list[Clause]) -> np.ndarray:
    """The learned model's probabilities of challenge, action and result for each clause, (n, 3);
    each clause's `scores` is set to them (rounded), the reading the card shows."""
    probs = get_model().clause_probabilities([c.text for c in clauses])
    for c, p in zip(clauses, probs):
        c.scores = {k: round(float(p[j]), 3) for j, k in enumerate(COMPONENTS)}
    return probs


def read_car(clauses: list[Clause]) -> dict:
    """Label clauses with the learned model and say which parts the answer covers.

    Each clause gets the probabilities of the three parts as `scores`, and as `label` its likeliest
    covered part whose probability reaches EVIDENCE_MIN_P (else "other"). A covered part's evidence
    is the clauses labelled with it, the likeliest first: a clause that reads more as another part
    is that part's evidence, never this one's (a threat is not a result, however late it comes).
    When no clause is labelled with a covered part (several middling clauses cover it together),
    its evidence is its likeliest clause among those no other part holds."""
    car = {k: {"covered": False, "evidence": [], "share": 0.0} for k in COMPONENTS}
    if not clauses:
        return car
    probs = model_scores(clauses)
    covered = get_model().coverage(probs)
    for c, p in zip(clauses, probs):
        shown = [k for j, k in enumerate(COMPONENTS) if covered[k] and p[j] >= EVIDENCE_MIN_P]
        c.label = max(shown, key=lambda k: c.scores[k]) if shown else "other"
    for j, k in enumerate(COMPONENTS):
        car[k]["covered"] = covered[k]
        if not covered[k]:
            continue
        own = [i for i, c in enumerate(clauses) if c.label == k]
        if not own:
            free = [i for i, c in enumerate(clauses) if c.label == "other"] or list(range(len(clauses)))
            own = [max(free, key=lambda i: probs[i, j])]
        car[k]["evidence"] = [clauses[i] for i in sorted(own, key=lambda i: -probs[i, j])]
    return car


# --- the whole answer -----------------------------------------------------------------------


@dataclass
class Length:
    """How an answer's length compares with its target."""

    target_s: float
    low_s: float
    high_s: float
    verdict: str  # short | on_target | long

    def to_json(self) -> dict:
        return {"target_s": self.target_s, "low_s": self.low_s, "high_s": self.high_s, "verdict": self.verdict}


def length_verdict(answer_s: float, target_s: float = TARGET_S, band: tuple[float, float] | None = None) -> Length:
    """Short, on target or long: within `band` (low, high) when given (a yardstick's own), else 75 % to
    125 % of the target."""
    low, high = band or (round(target_s * ON_TARGET_LOW, 3), round(target_s * ON_TARGET_HIGH, 3))
    verdict = "short" if answer_s < low else "long" if answer_s > high else "on_target"
    return Length(target_s, low, high, verdict)


@dataclass
class Analysis:
    """Everything the feedback card says, ready to print or serialize."""

    transcript: str
    words: list[Word]
    clauses: list[Clause]
    car: dict
    wpm: float | None
    length: Length | None
    answer_s: float | None
    tips: list[str]
    delivery: Delivery | None = None

    def car_json(self) -> dict:
        return {
            k: {"covered": v["covered"], "share": v["share"], "evidence": [c.evidence() for c in v["evidence"]]}
            for k, v in self.car.items()
        }


def too_short_to_judge(answer_s: float, words: int) -> bool:
    """A stretch under about 2 s with fewer than four words (a cough, a "yes", a misheard command)
    is no answer to judge."""
    return answer_s < MIN_ANSWER_S and words < MIN_ANSWER_WORDS


def fmt_minutes(seconds: float) -> str:
    """Seconds as m:ss."""
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def _weight(c: Clause) -> float:
    """How much of the answer a clause takes: its time when timed, else its word count."""
    if c.start is not None and c.end is not None:
        return max(c.end - c.start, 0.0)
    return float(len(c.text.split()))


def analyze(
    words: list[Word],
    answer: Span | None = None,
    target_s: float = TARGET_S,
    from_speech: bool = False,
    wpm: float | None = None,
) -> Analysis:
    """Analyze an answer's words; `answer` is its first-to-last speech span when audio was heard.
    `wpm` overrides the pace counted from the words (scoring passes one checked against the audio)."""
    clauses = split_clauses(words)
    car = read_car(clauses)
    total = sum(_weight(c) for c in clauses) or 1.0
    for c in clauses:
        if c.label in car:
            car[c.label]["share"] += _weight(c) / total
    for k in COMPONENTS:
        car[k]["share"] = round(car[k]["share"], 3)
    spoken = [w for w in words if w.word not in ".!?;:,"]
    answer_s = answer.length if answer else None
    if wpm is None:
        wpm = round(len(spoken) / answer_s * 60.0, 1) if answer_s else None
    length = length_verdict(answer_s, target_s) if answer_s is not None else None
    delivery = measure(spoken, answer_s / 60.0 if answer_s else None,
                       [c.text for c in car["action"]["evidence"]], from_speech)
    return Analysis(
        transcript=" ".join(w.word for w in spoken),
        words=spoken,
        clauses=clauses,
        car=car,
        wpm=wpm,
        length=length,
        answer_s=answer_s,
        tips=tips_for(clauses, car, length, answer_s, wpm, answer, delivery),
        delivery=delivery,
    )


def tips_for(clauses, car, length, answer_s, wpm, answer, delivery: Delivery | None = None) -> list[str]:
    """The two or three most useful things to change, most useful first."""
    if not clauses:
        return ["No words were recognized: check the microphone and speak a full answer."]
    tips: list[tuple[int, str]] = []  # (priority, text): lower comes first
    if not car["result"]["covered"]:
        tips.append((0, "No result stated: end with what changed because of what you did (ideally a number), "
                        "the feedback you got, or what you learned."))
    elif not any(MEASURE.search(c.text) for c in car["result"]["evidence"]):
        tips.append((5, "Your result has no measure: add a number (time or money saved, a percentage, people helped)."))
    if not car["action"]["covered"]:
        told_as_we = any(WE_DID.search(c.text) for c in clauses)
        would = any(HYPOTHETICAL.search(c.text) for c in clauses)
        if told_as_we:
            tips.append((1, "Your actions are all told as 'we': say what you did yourself, as 'I …'."))
        elif would:
            tips.append((1, "You said what you would do: tell what you did, one real time, as 'I …'."))
        else:
            tips.append((1, "Say what you did: the steps you took yourself, told as 'I …'."))
    elif delivery is not None and delivery.we_count > 0 and delivery.i_count == 0:
        tips.append((3, "Your actions are all told as 'we': say what you did yourself."))
    if not car["challenge"]["covered"]:
        tips.append((2, "Open with the challenge: one or two sentences on the situation, what was at stake, "
                        "or the task you were given."))
    if length is not None and length.verdict == "long":
        tips.append((2, f"The answer ran {fmt_minutes(answer_s)}: cut the setup and aim for about {fmt_minutes(length.target_s)}."))
    elif length is not None and length.verdict == "short":
        tips.append((4, f"The answer ran {fmt_minutes(answer_s)}: add detail to your actions and the result, "
                        f"aim for about {fmt_minutes(length.target_s)}."))
    share = setup_share(clauses, answer)
    if share is not None and share > SETUP_TOO_LONG_SHARE:
        if answer and clauses[0].start is not None and answer.length > 0:
            tips.append((3, f"The setup ran {share:.0%} of the answer before your first action: get to what you did sooner."))
        else:
            tips.append((3, "The setup takes most of the answer before your first action: get to what you did sooner."))
    tips += delivery_tips(wpm, answer_s, delivery)
    tips.sort(key=lambda t: t[0])
    return [t for _, t in tips[:3]]


def setup_share(clauses: list[Clause], answer: Span | None) -> float | None:
    """How much of the answer the setup takes before the first action (None without an action): the
    time from the answer's start to the first action when words were timed, else the share of words
    before it; a result told first is no setup, so its clauses do not count."""
    first = next((k for k, c in enumerate(clauses) if c.label == "action"), None)
    if first is None:
        return None
    told_first = sum(_weight(c) for c in clauses[:first] if c.label == "result")
    if answer and clauses[first].start is not None and answer.length > 0:
        return max(clauses[first].start - answer.start - told_first, 0.0) / answer.length
    total = sum(_weight(c) for c in clauses) or 1.0
    return sum(_weight(c) for c in clauses[:first] if c.label != "result") / total


def delivery_tips(wpm, answer_s, delivery: Delivery | None) -> list[tuple[int, str]]:
    """(priority, tip) about fillers, pace and hedging, whatever kind of question was answered."""
    tips: list[tuple[int, str]] = []
    if delivery is not None and delivery.fillers_per_min is not None and delivery.fillers_per_min >= FILLERS_HURT_PER_MIN:
        common = Counter(f["text"] for f in delivery.fillers).most_common(2)
        tips.append((6, f"{delivery.fillers_per_min:.0f} filler words a minute ({', '.join(repr(w) for w, _ in common)}): "
                        "pause silently instead."))
    if wpm is not None and wpm > PACE_FAST_WPM:
        tips.append((6, f"You spoke fast ({wpm:.0f} words a minute): slow down and pause between the parts."))
    elif wpm is not None and wpm < PACE_SLOW_WPM and answer_s and answer_s > 20:
        tips.append((6, f"You spoke slowly ({wpm:.0f} words a minute): keep the answer moving."))
    if delivery is not None and len(delivery.hedges) >= 3:
        tips.append((7, f"You hedged {len(delivery.hedges)} times ('{delivery.hedges[0]['text']}'): say it plainly."))
    return tips
