"""An interviewer's follow-up: one spoken probe chosen from what an answer lacks. Pure functions.

After an answer, `choose` picks at most one follow-up question. For a story (behavioural and
second-interview questions) the gaps are tried in a fixed order: no result, no action of the
speaker's own (only "we"), no challenge, a result without a measure, an answer shorter than its
target. Each gap is asked about only when the analysis is confident it is really missing, because
a probe about a result the candidate did state is worse than no probe at all. Objection and
second-interview answers may instead be challenged on the experience they claim, in their own
words. Other kinds follow up on the checks of their own rubric that failed.

How each follow-up is said is phrasing.py's; the story told across the answer and its reply,
judged as one, is story.py's.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from rehearse.judge.analysis import (
    COMPONENTS,
    LABEL_MIN,
    ON_TARGET_LOW,
    Analysis,
    Clause,
    model_scores,
    split_clauses,
    words_from_text,
)
from rehearse.judge.phrasing import (
    CHALLENGE_EXPERIENCE,
    CHALLENGE_YEARS,
    CHECK_PHRASINGS,
    MISSING_ACTION,
    MISSING_CHALLENGE,
    MISSING_RESULT,
    NO_MEASURE,
    NOT_CONTENT,
    PHRASINGS,
    TOO_SHORT,
    TOO_SHORT_PLAIN,
    find_claim,
    noun_phrases,
)
from rehearse.judge.vocabulary import (
    ACTION_PHRASES,
    EVENT,
    GENERAL_TALK,
    I_DID,
    I_DO,
    MEASURE,
    NO_OUTCOME,
    OTHER_SUBJECT,
    PREPOSITIONS,
    PURPOSE,
    RELATIVE,
    WE_DID,
    WE_DO,
    WOULD_DO,
)

STORY_KINDS = ("behavioural", "behavioral", "second-interview")
CHALLENGING_KINDS = ("objection", "second-interview")


# --- cues to the story's shape ----------------------------------------------------------

# Content words a stretch of story needs before its shape counts as telling a part, and how much
# that shape lowers the certainty that the part is missing.
SHAPE_WORDS_MIN = 2
SHAPE_DOUBT = 0.4
# a measure told elsewhere in the answer than its result may be the result's measure after all
NO_MEASURE_ELSEWHERE = 0.6
_WORD = re.compile(r"[a-z][a-z']+")


# --- confidence -----------------------------------------------------------------------------

# How sure the analysis must be that a part is missing before the interviewer asks about it (0 to 1).
GAP_CONFIDENCE_MIN = 0.5


def gap_confidence(entry: dict, clauses: list[Clause], component: str) -> float:
    """How sure the analysis is that `component` is missing from an answer, 0 to 1.

    With a learned classifier's `entry["probability"]` (the chance the part is present) this is
    one minus it. With the rules it is the margin by which the strongest clause's score for the
    part falls short of the score a label needs (1 when no clause says anything of the kind, 0 when
    some clause nearly reads as it), lowered when the story's shape says the part is there in words
    the cue lists do not know: the story goes on after its last action (a result), or sets a scene
    before its first one (a challenge). This is the one place to retarget when the detector changes.
    """
    probability = entry.get("probability")
    if probability is not None:
        return max(0.0, min(1.0, 1.0 - float(probability)))
    if entry.get("covered"):
        return 0.0
    # "then I would write it up" is no outcome, however outcome-like its words
    real = [c for c in clauses if component != "result" or not WOULD_DO.search(c.text.lower())]
    best = max((c.scores.get(component, 0.0) for c in real), default=0.0)
    sure = max(0.0, min(1.0, (LABEL_MIN - best) / LABEL_MIN))
    actions = _action_indexes(clauses)
    if actions and component == "result":
        last = clauses[actions[-1]].text.lower()
        # recognizer output runs "... drove it back he left a five star review" into one clause
        rest = next((last[m.start():] for m in OTHER_SUBJECT.finditer(last)
                     if m.start() > 0 and last[: m.start()].split()[-1] not in PREPOSITIONS), "")
        tail = clauses[actions[-1] + 1 :] + ([Clause(rest, None, None, 1.0)] if rest else [])
        if _told(tail, events_only=True) >= SHAPE_WORDS_MIN:
            sure *= SHAPE_DOUBT
    if actions and component == "challenge" and _told(clauses[: actions[0]]) >= SHAPE_WORDS_MIN:
        sure *= SHAPE_DOUBT
    return sure


def _told(clauses: list[Clause], events_only: bool = False) -> int:
    """Content words in a stretch of an answer, leaving out opinions, fillers, purposes and
    hypotheticals; with `events_only`, only clauses where something happened (a verb in the past
    that is not "was" or "had") or that carry a measure."""
    n = 0
    for c in clauses:
        t = c.text.lower()
        if GENERAL_TALK.search(t) or WOULD_DO.search(t) or NO_OUTCOME.search(t) or PURPOSE.match(t):
            continue
        if events_only and not (EVENT.search(RELATIVE.sub("", t)) or MEASURE.search(t)):
            continue
        n += sum(1 for w in _WORD.findall(t) if w not in NOT_CONTENT and len(w) > 2)
    return n


def _action_indexes(clauses: list[Clause]) -> list[int]:
    """Where the speaker's own actions are told (else any action, for a story told as "we")."""
    acted = [i for i, c in enumerate(clauses) if c.label == "action" and not WOULD_DO.search(c.text.lower())]
    own = [i for i in acted if _is_own(clauses[i].text)]
    return own or acted


def _is_own(text: str) -> bool:
    t = RELATIVE.sub("", text.lower())
    return bool(I_DID.search(t) or I_DO.search(t) or ACTION_PHRASES.search(t))


# --- what choose returns --------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """One follow-up question, why it is asked, and which phrasing said it (for variety)."""

    question: str
    reason: str
    phrasing: str = ""  # "reason:index", to keep in the history so drills do not repeat themselves
    detail: str | None = None  # the noun phrase or the claim the question was built on

    def to_json(self, answer: dict | None = None) -> dict:
        """The `follow_up` object of an answer's JSON; `answer` is the follow-up answer's own JSON."""
        return {"question": self.question, "reason": self.reason, "answer": answer}


def follow_up_json(follow_up: FollowUp | None, answer: dict | None = None) -> dict | None:
    """`follow_up` for an answer's JSON: null when none was asked."""
    return None if follow_up is None else follow_up.to_json(answer)


# --- reading an Analysis or a stored feedback dict alike ------------------------------------


@dataclass
class AnswerView:
    """An answer as the follow-up choice reads it: from an Analysis or from a stored feedback dict alike."""

    clauses: list[Clause]
    car: dict  # component -> {"covered", "evidence": [Clause], "probability"?, "share"}
    transcript: str
    answer_s: float | None
    low_s: float | None


def answer_view(answer) -> AnswerView:
    """`answer` (an Analysis, or a feedback dict as kept) read the one way the choice and the story need."""
    if isinstance(answer, Analysis):
        low = answer.length.low_s if answer.length else None
        return AnswerView(answer.clauses, answer.car, answer.transcript, answer.answer_s, low)
    if not isinstance(answer, dict):
        raise TypeError(f"expected an Analysis or a feedback dict, not {type(answer).__name__}")
    rows = answer.get("clauses")
    if rows is None:
        clauses = split_clauses(words_from_text(answer.get("transcript", "")))
    else:
        n = len(rows)
        clauses = [Clause(r["text"], r.get("start"), r.get("end"), (i + 0.5) / n, r.get("label", "other"))
                   for i, r in enumerate(rows)]
    if clauses:
        model_scores(clauses)  # stored JSON keeps labels, not scores: read them again as the card did
    by_text = {c.text: c for c in clauses}
    car = {}
    for k in COMPONENTS:
        stored = (answer.get("car") or {}).get(k, {})
        evidence = [by_text.get(e["text"]) or Clause(e["text"], e.get("start"), e.get("end"), 0.5)
                    for e in stored.get("evidence", [])]
        car[k] = {**stored, "covered": bool(stored.get("covered")), "evidence": evidence}
    length = answer.get("length") or {}
    answer_s = answer.get("answer_s")
    return AnswerView(clauses, car, " ".join(c.text for c in clauses), answer_s or None, length.get("low_s"))


# --- the gaps -------------------------------------------------------------------------------


def _own_actions(clauses: list[Clause]) -> tuple[int, int]:
    """Clauses telling an action of the speaker's own, and clauses telling one only as "we"."""
    own = we = 0
    for c in clauses:
        t = RELATIVE.sub("", c.text.lower())
        if _is_own(t):
            own += 1
        elif WE_DID.search(t) or WE_DO.search(t):
            we += 1
    return own, we


def _has_measure(clauses: list[Clause]) -> bool:
    return any(MEASURE.search(c.text.lower()) for c in clauses)


def gaps(answer, target=None) -> list[tuple[str, float]]:
    """Every gap the analysis finds in a story, in the order they are asked about, each with how
    sure it is (0 to 1). `answer` is an Analysis or a stored feedback dict."""
    v = answer_view(answer)
    if not v.clauses:
        return []
    found = []
    result = dict(v.car["result"])
    stated = [c for c in result["evidence"] if not WOULD_DO.search(c.text.lower())]
    if result["covered"] and not stated:
        result = {**result, "covered": False}  # "then I would talk to the teacher" is no outcome
    result_gap = gap_confidence(result, v.clauses, "result")
    unknown = next((i for i, c in enumerate(v.clauses) if NO_OUTCOME.search(c.text.lower())), None)
    if unknown is not None and not any(v.clauses.index(c) < unknown for c in stated if c in v.clauses):
        result, result_gap = {**result, "covered": False}, max(result_gap, 0.9)  # "I don't know what happened"
    if not result["covered"] or result_gap > 0:
        found.append((MISSING_RESULT, result_gap))
    own, we = _own_actions(v.clauses)
    if own == 0 and we > 0:
        # no "I" action at all, and "we" did things: sure in proportion to how much "we" there is
        found.append((MISSING_ACTION, min(1.0, 0.5 + 0.25 * we)))
    challenge_gap = gap_confidence(v.car["challenge"], v.clauses, "challenge")
    if not v.car["challenge"]["covered"] or challenge_gap > 0:
        found.append((MISSING_CHALLENGE, challenge_gap))
    if result["covered"] and result_gap < GAP_CONFIDENCE_MIN:
        # where is the result told? in the result clauses and what follows the last action (only a
        # result the detector found: asking for the measure of a result it only guessed at misfires)
        actions = _action_indexes(v.clauses)
        after = actions[-1] + 1 if actions else len(v.clauses)
        # a result's measure is often told just before its cue ("in ten minutes ... and in the end he was fine")
        # (or at the end of the clause before, when speech without punctuation ran the two together)
        before = []
        for i in (v.clauses.index(c) for c in stated if c in v.clauses):
            if i > 0:
                prev = v.clauses[i - 1]
                before.append(prev if not _is_own(prev.text) else Clause(" ".join(prev.text.split()[-4:]), None, None, 1.0))
        if not _has_measure(stated + before + v.clauses[after:]):
            found.append((NO_MEASURE, 1.0 if not _has_measure(v.clauses) else NO_MEASURE_ELSEWHERE))
    low_s = _low_s(target, v.low_s)
    if v.answer_s is not None and low_s is not None and v.answer_s < low_s:
        found.append((TOO_SHORT, 1.0))
    return found


def _low_s(target, low_s: float | None) -> float | None:
    """The low bound of an answer's target: from `target` (seconds, a (target, low, high) tuple or a
    Length) when given, else the analysis's own."""
    if target is None:
        return low_s
    if isinstance(target, (int, float)):
        return float(target) * ON_TARGET_LOW
    if isinstance(target, (tuple, list)):
        return float(target[1])
    return getattr(target, "low_s", low_s)


# --- noun phrases for "tell me more about ..." ----------------------------------------------


# --- claims for "you have led a team of two; why would you manage ten?" ---------------------


# --- choosing -------------------------------------------------------------------------------


def _pick(reason: str, options: tuple[str, ...], rng: random.Random, history, **slots) -> tuple[str, str]:
    """One phrasing not used before when there is one; returns (question, phrasing id)."""
    used = set(history or ())
    ids = [f"{reason}:{i}" for i in range(len(options))]
    fresh = [i for i, pid in enumerate(ids) if pid not in used and options[i] not in used]
    i = rng.choice(fresh or list(range(len(options))))
    text = options[i].format(**slots)
    return text[0].upper() + text[1:], ids[i]


def _check_name_tip(check) -> tuple[str, str | None, float | None]:
    if isinstance(check, str):
        return check, None, None
    if isinstance(check, dict):
        return check["name"], check.get("tip"), check.get("probability")
    if isinstance(check, (tuple, list)):
        return check[0], (check[1] if len(check) > 1 else None), None
    return check.name, getattr(check, "tip", None), getattr(check, "probability", None)


def choose(
    analysis_or_feedback,
    kind: str,
    target=None,
    transcript_reliable: bool = True,
    failed_checks=None,
    rng: random.Random | None = None,
    history_of_phrasings=None,
) -> FollowUp | None:
    """At most one follow-up for an answer, or None.

    `analysis_or_feedback` is an Analysis or an answer's stored JSON; `kind` its question's kind;
    `target` its length target (seconds, a (target, low, high) tuple or a Length; None: the
    analysis's own); `failed_checks` the failed checks of the kind's rubric, in order, each a name,
    a (name, tip) pair, a dict or an object with `name` (and optionally `tip`, `probability`);
    `history_of_phrasings` the phrasing ids (or question texts) already asked, so drills vary.
    Nothing is asked when the transcript was judged unreliable or the answer has no words.
    """
    if not transcript_reliable:
        return None
    rng = rng or random.Random()
    v = answer_view(analysis_or_feedback)
    if not v.clauses:
        return None
    if kind in STORY_KINDS:
        for reason, sure in gaps(analysis_or_feedback, target):
            if sure < GAP_CONFIDENCE_MIN:
                continue
            if reason == TOO_SHORT:
                return _too_short(v, rng, history_of_phrasings)
            question, pid = _pick(reason, PHRASINGS[reason], rng, history_of_phrasings)
            return FollowUp(question, reason, pid)
    # a closing answer is the person's own questions: no phrasing probes one it did not ask, and the
    # names of its checks are not theirs alone ("growth" is a five-years check: "What skills do you
    # want to build to get there?" after "Do you have any questions for us?")
    for check in (failed_checks or ()) if kind != "closing" else ():
        name, _tip, probability = _check_name_tip(check)
        if name not in CHECK_PHRASINGS:
            continue
        if probability is not None and 1.0 - probability < GAP_CONFIDENCE_MIN:
            continue  # the check only just failed
        question, pid = _pick(name, CHECK_PHRASINGS[name], rng, history_of_phrasings)
        return FollowUp(question, name, pid)
    if kind in CHALLENGING_KINDS:
        claim = find_claim(v.transcript)
        if claim is not None:
            name, options = ((CHALLENGE_EXPERIENCE, PHRASINGS[CHALLENGE_EXPERIENCE]) if claim.kind == "team"
                             else (CHALLENGE_EXPERIENCE + "_years", CHALLENGE_YEARS))
            question, pid = _pick(name, options, rng, history_of_phrasings, claim=claim.done, bigger=claim.bigger)
            return FollowUp(question, CHALLENGE_EXPERIENCE, pid, claim.done)
    if kind not in STORY_KINDS and kind != "closing":
        low_s = _low_s(target, v.low_s)
        if v.answer_s is not None and low_s is not None and v.answer_s < low_s:
            return _too_short(v, rng, history_of_phrasings)
    return None


def _too_short(v: AnswerView, rng: random.Random, history) -> FollowUp:
    phrases = noun_phrases(v.clauses)
    if phrases:
        question, pid = _pick(TOO_SHORT, PHRASINGS[TOO_SHORT], rng, history, np=phrases[0].text)
        return FollowUp(question, TOO_SHORT, pid, phrases[0].text)
    question, pid = _pick(TOO_SHORT + "_plain", TOO_SHORT_PLAIN, rng, history)
    return FollowUp(question, TOO_SHORT, pid)


# --- the story told across the answer and its follow-up --------------------------------------

ANSWER, FOLLOW_UP = "answer", "follow_up"


