"""How a follow-up is said: the interviewer's phrasings for each gap and check, the concrete noun phrase an
answer named ("tell me more about the deployment scripts"), and a claim worth probing ("a team of two"). Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rehearse.judge.analysis import Clause
from rehearse.judge.vocabulary import (
    CLAIM_COUNT,
    CLAIM_TEAM,
    CLAIM_YEARS,
    COMMON_VERBS,
    FILLER_RUNS,
    FUNCTION_WORDS,
    LEAD_VERB_PARTICIPLES,
    NUMBER_WORDS,
    PLACE_WORDS,
    SAY_BACK_DETERMINERS,
    VAGUE_HEADS,
    number_value,
    number_words,
)

MISSING_RESULT = "missing_result"


MISSING_ACTION = "missing_action"


MISSING_CHALLENGE = "missing_challenge"


NO_MEASURE = "no_measure"


TOO_SHORT = "too_short"


CHALLENGE_EXPERIENCE = "challenge_experience"


GAP_REASONS = (MISSING_RESULT, MISSING_ACTION, MISSING_CHALLENGE, NO_MEASURE, TOO_SHORT)


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


MAX_NP_WORDS = 4


NP_WORDS_PREFERRED = {2: 3.0, 3: 2.5, 1: 1.0, 4: 1.0}  # two words are concrete and still easy to say back


# what the speaker worked on is the most natural thing to ask about, then what went wrong
NP_LABEL_PREFERRED = {"action": 1.5, "challenge": 0.5}


NOT_CONTENT = FUNCTION_WORDS | COMMON_VERBS


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
