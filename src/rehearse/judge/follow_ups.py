"""An interviewer's follow-up: one spoken probe chosen from what an answer lacks. Pure functions.

After an answer, `choose` picks at most one follow-up question. For a story (behavioural and
second-interview questions) the gaps are tried in a fixed order: no result, no action of the
speaker's own (only "we"), no challenge, a result without a measure, an answer shorter than its
target. Each gap is asked about only when the analysis is confident it is really missing, because
a probe about a result the candidate did state is worse than no probe at all. Objection and
second-interview answers may instead be challenged on the experience they claim, in their own
words. Other kinds follow up on the checks of their own rubric that failed.

`story_car` then judges the story across the answer and its follow-up together, saying which part
told each of Challenge, Action and Result; `story_judgement` gives that story's checks and tips,
the reply having no verdict of its own.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from rehearse.judge.analysis import (
    COMPONENTS,
    LABEL_MIN,
    ON_TARGET_LOW,
    TARGET_S,
    Analysis,
    Clause,
    analyze,
    fmt_minutes,
    model_scores,
    split_clauses,
    tips_for,
    words_from_text,
)
from rehearse.judge.vocabulary import (
    ACTION_PHRASES,
    CLAIM_COUNT,
    CLAIM_TEAM,
    CLAIM_YEARS,
    COMMON_VERBS,
    EVENT,
    FILLER_RUNS,
    FUNCTION_WORDS,
    GENERAL_TALK,
    I_DID,
    I_DO,
    LEAD_VERB_PARTICIPLES,
    MEASURE,
    NO_OUTCOME,
    NUMBER_WORDS,
    OTHER_SUBJECT,
    PLACE_WORDS,
    PREPOSITIONS,
    PURPOSE,
    RELATIVE,
    SAY_BACK_DETERMINERS,
    VAGUE_HEADS,
    WE_DID,
    WE_DO,
    WOULD_DO,
    number_value,
    number_words,
)
from rehearse.transcript import Span, Word

# --- reasons and phrasings ------------------------------------------------------------------

MISSING_RESULT = "missing_result"
MISSING_ACTION = "missing_action"
MISSING_CHALLENGE = "missing_challenge"
NO_MEASURE = "no_measure"
TOO_SHORT = "too_short"
CHALLENGE_EXPERIENCE = "challenge_experience"
GAP_REASONS = (MISSING_RESULT, MISSING_ACTION, MISSING_CHALLENGE, NO_MEASURE, TOO_SHORT)

STORY_KINDS = ("behavioural", "behavioral", "second-interview")
CHALLENGING_KINDS = ("objection", "second-interview")

PHRASINGS: dict[str, tuple[str, ...]] = {
    MISSING_RESULT: (
        "And how did it turn out in the end?",
        "What was the outcome?",
        "So what happened as a result?",
        "Where did things stand once you were done?",
    ),
    MISSING_ACTION: (
        "You said \"we\" a lot. What did you do yourself?",
        "What was your own part in that, personally?",
        "If I asked your team, what would they say you did?",
        "Which of those steps did you take yourself?",
    ),
    MISSING_CHALLENGE: (
        "What made that hard?",
        "What was the difficult part of that situation?",
        "What was at stake if it went wrong?",
        "Why wasn't that straightforward?",
    ),
    NO_MEASURE: (
        "How did you know it had worked?",
        "How would you measure that improvement?",
        "Can you put a number on the difference it made?",
        "What told you it was a success?",
    ),
    TOO_SHORT: (
        "Tell me more about {np}.",
        "Can you go into a bit more detail on {np}?",
        "You mentioned {np}. Can you tell me more about that?",
        "I'd like to hear more about {np}.",
    ),
    CHALLENGE_EXPERIENCE: (
        "You've {claim}; why would you manage {bigger}?",
        "It's a big step from having {claim} to {bigger}. What makes you think you're ready?",
        "So far you've {claim}. How would you cope with {bigger}?",
        "You've {claim}. What would you do differently with {bigger}?",
    ),
}
# The same, over years of experience claimed ("three years"), against more years ("ten").
CHALLENGE_YEARS = (
    "You have {claim} of experience; others here have {bigger}. Why you?",
    "{claim} isn't long. What have you done in that time that someone with {bigger} hasn't?",
    "With {claim} behind you, how would you hold your own next to people with {bigger}?",
)
# When a short answer names nothing concrete to ask about.
TOO_SHORT_PLAIN = (
    "Can you take me through that in a bit more detail?",
    "Could you say more about that?",
    "Tell me more: what exactly happened?",
)

# Phrasings for the failed checks of the other kinds' rubrics (about-yourself, why-here,
# why-leaving, five-years, objection). A failed check without phrasings here gets no follow-up.
CHECK_PHRASINGS: dict[str, tuple[str, ...]] = {
    # about yourself
    "present": (
        "And what are you doing today?",
        "Where are you now, in your current role?",
        "Bring me up to date: what is your job at the moment?",
    ),
    "highlight": (
        "What's one thing you've done that you're most proud of?",
        "Which achievement would you pick out for a role like this?",
        "Give me one highlight from your career so far.",
    ),
    "why_now": (
        "And why this role, and why now?",
        "What brings you to apply for this job at this point?",
        "How does this role fit where you want to go next?",
    ),
    # why here
    "specific": (
        "What is it about us in particular?",
        "Is there something about our company you couldn't get elsewhere?",
        "Which part of what we do caught your attention?",
    ),
    "own_experience": (
        "What have you done before that makes this a good fit?",
        "How does your own experience connect to this role?",
        "What would you bring here from your current job?",
    ),
    "forward": (
        "What would you hope to do or learn here?",
        "What do you want to get out of working here?",
        "Where would you like this job to take you?",
    ),
    # why leaving
    "looks_forward": (
        "What are you looking for in your next role?",
        "What would the right next job give you?",
        "And what are you moving towards?",
    ),
    "no_criticism": (
        "Setting the problems aside, what did you value about that job?",
        "What would your current manager say about why you're leaving?",
        "What did you learn there that you'd take with you?",
    ),
    # five years
    "ambition": (
        "What role would you like to be in by then?",
        "What would you like to be responsible for in five years?",
        "If it all goes well, what job are you doing in five years?",
    ),
    "growth": (
        "What skills do you want to build to get there?",
        "How do you plan to grow in the meantime?",
        "What will you need to learn along the way?",
    ),
    # objection
    "acknowledged": (
        "So do you accept that's a gap?",
        "Would you agree it's a fair concern?",
        "Is that a fair point, do you think?",
    ),
    "example": (
        "Can you give me an example of when you've done something like that?",
        "Is there a time you've already faced something similar?",
        "What have you actually done that shows that?",
    ),
    "plan": (
        "So what would you do in your first few months to close that gap?",
        "How exactly would you get up to speed?",
        "What's your plan for that, concretely?",
    ),
}

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
        n += sum(1 for w in _WORD.findall(t) if w not in _FUNCTION and len(w) > 2)
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
class _View:
    clauses: list[Clause]
    car: dict  # component -> {"covered", "evidence": [Clause], "probability"?, "share"}
    transcript: str
    answer_s: float | None
    low_s: float | None


def _view(answer) -> _View:
    if isinstance(answer, Analysis):
        low = answer.length.low_s if answer.length else None
        return _View(answer.clauses, answer.car, answer.transcript, answer.answer_s, low)
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
    return _View(clauses, car, " ".join(c.text for c in clauses), answer_s or None, length.get("low_s"))


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
    v = _view(answer)
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

MAX_NP_WORDS = 4
NP_WORDS_PREFERRED = {2: 3.0, 3: 2.5, 1: 1.0, 4: 1.0}  # two words are concrete and still easy to say back
# what the speaker worked on is the most natural thing to ask about, then what went wrong
NP_LABEL_PREFERRED = {"action": 1.5, "challenge": 0.5}
_FUNCTION = FUNCTION_WORDS | COMMON_VERBS


@dataclass(frozen=True)
class NounPhrase:
    """A concrete thing an answer named, ready to say back: "the deployment scripts"."""

    text: str
    words: int
    clause_label: str


def _tokens(text: str) -> list[str]:
    toks = re.findall(r"[a-z0-9][a-z0-9'-]*", text.lower())
    out, i = [], 0
    while i < len(toks):
        for run in FILLER_RUNS:
            if tuple(toks[i : i + len(run)]) == run and not (run == ("like",) and i and toks[i - 1] in ("would", "i'd")):
                i += len(run)
                break
        else:
            out.append(toks[i])
            i += 1
    return out


def _content(word: str) -> bool:
    return word not in FUNCTION_WORDS and word not in COMMON_VERBS and not word.endswith("ly") and len(word) > 1


def noun_phrases(clauses: list[Clause]) -> list[NounPhrase]:
    """Determiner or possessive + adjectives + noun(s), from every clause: two-word phrases from the
    speaker's actions first.

    A deliberately simple chunker that needs no tagger: after a determiner it takes the following
    content words (not function words, fillers, common verbs or -ly adverbs), drops trailing
    -ed/-ing words (they were verbs: "the shift lead asked"), and keeps the phrase when its head
    is not too vague to ask about. Possessives are turned round for the interviewer ("my" → "your",
    "our" → "the")."""
    found: dict[str, NounPhrase] = {}
    for c in clauses:
        toks = _tokens(c.text)
        for i, t in enumerate(toks):
            if t not in SAY_BACK_DETERMINERS:
                continue
            run = []
            for w in toks[i + 1 : i + 1 + MAX_NP_WORDS]:
                inner = bool(run)
                if not _content(w) or "n't" in w or (inner and (w in NUMBER_WORDS or w.isdigit() or w in PLACE_WORDS
                                                               or w.endswith("ed") or w.endswith("ing"))):
                    break
                run.append(w)
            while run and (run[-1].endswith("ed") or run[-1].endswith("ing")):
                run.pop()
            if not run or run[-1] in VAGUE_HEADS or run[-1] in NUMBER_WORDS or run[-1].isdigit():
                continue
            if len(run) == 1 and len(run[0]) < 4:
                continue
            text = f"{SAY_BACK_DETERMINERS[t]} {' '.join(run)}"
            if text not in found:
                found[text] = NounPhrase(text, len(run), c.label)
    order = list(found)
    ranked = sorted(found.values(), key=lambda p: (-NP_WORDS_PREFERRED[p.words] - NP_LABEL_PREFERRED.get(p.clause_label, 0.0),
                                                   order.index(p.text)))
    return ranked


# --- claims for "you have led a team of two; why would you manage ten?" ---------------------


def _bigger(n: int) -> int:
    """A size the role might ask for, several times what was claimed: two → ten, five → twenty."""
    if n <= 2:
        return 10
    if n <= 5:
        return 20
    if n <= 20:
        return 50
    return n * 3 if n < 100 else n * 2


@dataclass(frozen=True)
class Claim:
    """Experience an answer claims, in its own words: "led a team of two"."""

    done: str  # "led a team of two", said as "You've led a team of two"; for years, "three years"
    bigger: str  # "a team of ten"; for years, "ten years"
    number: int
    kind: str = "team"  # team | years


def find_claim(text: str) -> Claim | None:
    """The first team size, head count or years of experience an answer claims, if any."""
    t = " ".join(_tokens(text)).replace("i've ", "i have ")
    m = CLAIM_TEAM.search(t)
    if m and (n := number_value(m["n"])):
        verb = LEAD_VERB_PARTICIPLES.get(m["verb"] or "", "led" if m["verb"] is None else m["verb"])
        who = f" {m['who']}" if m["who"] else ""
        return Claim(f"{verb} a {m['noun']} of {m['n']}{who}", f"a {m['noun']} of {number_words(_bigger(n))}{who}", n)
    m = CLAIM_COUNT.search(t)
    if m and (n := number_value(m["n"])):
        verb = LEAD_VERB_PARTICIPLES.get(m["verb"], m["verb"])
        return Claim(f"{verb} {m['n']} {m['who']}", f"{number_words(_bigger(n))} {m['who']}", n)
    m = CLAIM_YEARS.search(t)
    if m and (n := number_value(m["n"])):
        years = "year" if n == 1 else "years"
        return Claim(f"{m['n']} {years}", f"{number_words(max(_bigger(n), 10))} years", n, "years")
    return None


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
    v = _view(analysis_or_feedback)
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


def _too_short(v: _View, rng: random.Random, history) -> FollowUp:
    phrases = noun_phrases(v.clauses)
    if phrases:
        question, pid = _pick(TOO_SHORT, PHRASINGS[TOO_SHORT], rng, history, np=phrases[0].text)
        return FollowUp(question, TOO_SHORT, pid, phrases[0].text)
    question, pid = _pick(TOO_SHORT + "_plain", TOO_SHORT_PLAIN, rng, history)
    return FollowUp(question, TOO_SHORT, pid)


# --- the story told across the answer and its follow-up --------------------------------------

ANSWER, FOLLOW_UP = "answer", "follow_up"


def _weight_s(v: _View) -> float:
    if v.answer_s:
        return v.answer_s
    return float(sum(len(c.text.split()) for c in v.clauses)) or 1.0


def _at(clause: Clause, offset: float | str | None) -> str | None:
    if isinstance(offset, str):
        return offset
    if clause.start is None:
        return None
    return fmt_minutes(clause.start + (offset or 0.0))


STORY_GAP_S = 2.0  # the silence put between an answer and its follow-up when they are read as one story


def _timed_words(part) -> list[Word] | None:
    """The timed words of an Analysis or a feedback dict, or None when they are not timed."""
    if isinstance(part, Analysis):
        words = part.words
    elif isinstance(part, dict):
        words = [Word(w["word"], w["start"], w["end"], w.get("conf")) for w in part.get("words") or []]
    else:
        return None
    return words if words and all(w.start >= 0 for w in words) else None


@dataclass
class _Joined:
    """An answer and its follow-up reply read as one stretch of speech: the reply's words are moved
    `shift` seconds later, to start STORY_GAP_S after the answer's last word; `boundary` is where the
    reply begins on the joined clock."""

    analysis: Analysis
    shift: float
    boundary: float

    def in_reply(self, clause: Clause) -> bool:
        return clause.start is not None and clause.start >= self.boundary


def _join(answer, follow_up) -> _Joined | None:
    """The answer and its follow-up read as ONE story (a reply read alone lacks its context: "as a
    result …" at the start of an answer is no result). None when not both timed."""
    first, second = _timed_words(answer), _timed_words(follow_up)
    if not first or not second:
        return None
    shift = first[-1].end + STORY_GAP_S - second[0].start
    joined = first + [Word(w.word, w.start + shift, w.end + shift, w.conf) for w in second]
    a = analyze(joined, Span(joined[0].start, joined[-1].end), from_speech=True)
    return _Joined(a, shift, first[-1].end + STORY_GAP_S / 2)


def _joined_story(answer, follow_up, offset_label, joined: _Joined | None = None) -> dict | None:
    """C/A/R over the answer and its follow-up read as one story, in the shape of `story_car`."""
    joined = joined or _join(answer, follow_up)
    if joined is None:
        return None
    a, shift = joined.analysis, joined.shift
    story = {}
    for k in COMPONENTS:
        entry = a.car[k]
        evidence = []
        for c in entry["evidence"]:
            part = FOLLOW_UP if joined.in_reply(c) else ANSWER
            if part == FOLLOW_UP:
                shown = Clause(c.text, c.start - shift, c.end - shift, c.position, c.label, c.scores)
                at = _at(shown, offset_label)
            else:
                shown, at = c, _at(c, None)
            evidence.append({**shown.evidence(), "part": part, "at": at})
        told = [e["part"] for e in evidence]
        told_in = (ANSWER if ANSWER in told else FOLLOW_UP) if entry["covered"] and told else None
        story[k] = {"covered": bool(entry["covered"]), "share": entry.get("share", 0.0), "evidence": evidence,
                    "told_in": told_in}
    return story


def story_car(answer_analysis, follow_up_analysis=None, follow_up_offset_label: float | str | None = None) -> dict:
    """C/A/R over an answer and its follow-up together, in the shape of `car`, each evidence item
    carrying `part` ("answer" or "follow_up") and `at` (its time, m:ss), and each component `told_in`:
    the part that first told it, or null.

    `follow_up_offset_label`: a number is added to the follow-up's own times in `at` (the follow-up
    answer's start on the answer's clock); a string is used as the follow-up's `at` as it stands;
    None keeps the follow-up recording's own times."""
    if follow_up_analysis is not None:
        joined = _joined_story(answer_analysis, follow_up_analysis, follow_up_offset_label)
        if joined is not None:
            return joined
    parts = [(ANSWER, _view(answer_analysis), None)]
    if follow_up_analysis is not None:
        parts.append((FOLLOW_UP, _view(follow_up_analysis), follow_up_offset_label))
    total = sum(_weight_s(v) for _, v, _ in parts)
    story = {}
    for k in COMPONENTS:
        covered, evidence, share, told_in = False, [], 0.0, None
        for part, v, offset in parts:
            entry = v.car[k]
            share += float(entry.get("share", 0.0)) * _weight_s(v) / total
            if entry["covered"]:
                covered = True
                told_in = told_in or part
                for c in entry["evidence"]:
                    evidence.append({**c.evidence(), "part": part,
                                     "at": _at(c, offset if part == FOLLOW_UP else None)})
        story[k] = {"covered": covered, "share": round(share, 3), "evidence": evidence, "told_in": told_in}
    return story


def story_lines(story: dict) -> list[str]:
    """The card's lines for a story told over two parts: "Result: told in the follow-up at 0:12"."""
    lines = []
    for k in COMPONENTS:
        entry = story[k]
        if not entry["covered"]:
            lines.append(f"{k.capitalize()}: not told")
            continue
        first = next(e for e in entry["evidence"] if e["part"] == entry["told_in"])
        where = "in the answer" if entry["told_in"] == ANSWER else "in the follow-up"
        lines.append(f"{k.capitalize()}: told {where}" + (f" at {first['at']}" if first.get("at") else ""))
    return lines


def story_checks(answer_checks, follow_up_checks=None) -> list[dict]:
    """A rubric's checks over an answer and its follow-up together: a check passes when either part
    passed it. Each check is a dict or an object with `name`, `passed`, `evidence` (list) and `tip`;
    evidence items gain `part`. Returns [{"name", "passed", "evidence", "tip", "told_in"}]."""

    def rows(checks):
        out = {}
        for c in checks or ():
            d = c if isinstance(c, dict) else (c.to_json() if hasattr(c, "to_json") else vars(c))
            out[d["name"]] = d
        return out

    first, second = rows(answer_checks), rows(follow_up_checks)
    merged = []
    for name in list(first) + [n for n in second if n not in first]:
        a, f = first.get(name), second.get(name)
        passed_a, passed_f = bool(a and a.get("passed")), bool(f and f.get("passed"))
        evidence = [{**e, "part": ANSWER} for e in (a or {}).get("evidence", []) if isinstance(e, dict)]
        evidence += [{**e, "part": FOLLOW_UP} for e in (f or {}).get("evidence", []) if isinstance(e, dict)]
        passed = passed_a or passed_f
        merged.append({"name": name, "passed": passed, "evidence": evidence,
                       "tip": None if passed else (a or f).get("tip"),
                       "told_in": ANSWER if passed_a else FOLLOW_UP if passed_f else None})
    return merged


def _analysis_of(data: dict) -> Analysis | None:
    """A stored spoken answer read again as its card read it: its timed words over its span, against
    its own length target, at its own pace. None when it has no timed words."""
    words = _timed_words(data)
    if not words:
        return None
    start, end = data.get("answer_start_s"), data.get("answer_end_s")
    span = Span(start, end) if start is not None and end is not None else Span(words[0].start, words[-1].end)
    target_s = (data.get("length") or {}).get("target_s") or TARGET_S
    return analyze(words, span, target_s, from_speech=True, wpm=data.get("wpm"))


def story_judgement(answer: dict, reply: dict) -> dict:
    """An answer and its follow-up reply judged as ONE answer; the reply has no verdict of its own.

    `answer` and `reply` are feedback dicts (as kept). Returns `story_car` (an answer judged by
    C/A/R) or `story_checks` (its rubric's checks, the reply read by the answer's own rubric), the
    `tips` that story calls for (a part or check the reply supplied is no longer asked for; length
    and delivery stay the main answer's), and `reply_clauses`: the reply's clauses as the story reads
    them, on the reply's own clock (None when the two could not be read as one)."""
    from rehearse.judge.yardsticks import CAR, Check, judge, rubric_for

    rubric = answer.get("rubric") or (CAR if answer.get("car") else
                                      rubric_for(answer.get("question_kind") or "behavioural", answer.get("question")))
    main = _analysis_of(answer)
    joined = _join(answer, reply)
    tips = list(answer.get("tips") or [])
    if rubric == CAR:
        story = _joined_story(answer, reply, None, joined) if joined else story_car(answer, reply)
        reply_clauses = None
        if joined is not None:
            j = joined.analysis
            if main is not None:
                tips = tips_for(j.clauses, j.car, main.length, main.answer_s, main.wpm,
                                Span(j.words[0].start, j.words[-1].end), main.delivery)
            reply_clauses = [{**Clause(c.text, c.start - joined.shift, c.end - joined.shift, c.position).evidence(),
                              "label": c.label} for c in j.clauses if joined.in_reply(c)]
        return {"story_car": story, "tips": tips, "reply_clauses": reply_clauses}
    heard = _analysis_of(reply)
    if heard is None and reply.get("transcript"):
        heard = analyze(words_from_text(reply["transcript"]))
    merged = story_checks(answer.get("checks"), judge(rubric, heard).checks if heard is not None else None)
    if main is not None:
        ln = answer.get("length") or {}
        target = (ln["target_s"], ln["low_s"], ln["high_s"]) if ln.get("target_s") else None
        checks = [Check(c["name"], c["passed"], c["evidence"], c["tip"]) for c in merged]
        tips = judge(rubric, main, target, checks=checks).tips
    return {"story_checks": merged, "tips": tips, "reply_clauses": None}
