"""Each kind of question judged by its own yardstick. Pure functions.

A behavioural question asks for a story, so it is judged by Challenge / Action / Result and a
two-minute target. "Where do you see yourself in five years?" asks for no story: it is judged on
an ambition tied to the role and a way of growing into it, in under a minute. A question's kind
picks a *rubric* (the yardstick): a few named checks, each passed or not with the words that
show it (or the words that broke it), a tip when not, and a length target.

The checks read `analysis.analyze(...)` clauses, so they work on punctuated prose and on
lowercase, unpunctuated recognizer output alike, and their evidence carries clause times.
Cues are short regular expressions over the lowercased answer; each rubric is data (a table of
checks), and `judge` runs any of them the same way. A check that a learned model judges better
on voices nobody here wrote (kind_checks.py: the rules' verdicts, the cues, the C/A/R reading and
the words, trained in training/train_kinds.py) is judged by it; the rules stay its inputs, and its
evidence is a clause that carries the check. A question's kind and rubric come from the built-in
bank for its own questions, else from a learned reader of the wording.

    kind                          rubric          checks                                      target
    behavioural, second-interview car             challenge, action, result                   2:00 (1:30-2:30)
    motivation "about yourself"(*)about-yourself  present, highlight, why_now                 1:15 (1:00-1:30)
    motivation "why here" (**)    why-here        specific, own_experience, forward           1:00 (0:45-1:30)
    motivation "why leaving"      why-leaving     looks_forward, no_criticism                 0:40 (0:20-1:00)
    motivation "five years"       five-years      ambition, growth                            0:45 (0:30-1:00)
    objection                     objection       acknowledged, example, plan                 1:15 (1:00-1:30)
    closing                       closing         compensation_and_benefits, tour,            1:00 (0:30-1:30)
                                                  training_and_development, growth, team_and_culture
    (*) and questions about what drives the person ("What kind of work makes you lose track of time?"):
        the work that absorbs them, shown by an example with its outcome, and why this role gives more of it
    (**) and any motivation question the wording does not place
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rehearse.errors import RehearseError
from rehearse.judge import kind_checks, second_round
from rehearse.judge.analysis import (
    ON_TARGET_HIGH,
    ON_TARGET_LOW,
    TARGET_S,
    Analysis,
    Clause,
    Length,
    delivery_tips,
    fmt_minutes,
)
from rehearse.judge.vocabulary import ACTION_PHRASES, I_DID, MEASURE, RESULT_RE, WE_DID
from rehearse.questions import KINDS, RUBRIC_NAMES, normalize_kind

RUBRICS = RUBRIC_NAMES
CAR, ABOUT_YOURSELF, WHY_HERE, WHY_LEAVING, FIVE_YEARS, OBJECTION, CLOSING = RUBRICS
MOTIVATION_RUBRICS = (ABOUT_YOURSELF, WHY_HERE, WHY_LEAVING, FIVE_YEARS)

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


# --- kinds and rubrics from a question's wording ------------------------------------------

_Q_CLOSING = re.compile(
    r"\b((any|some|other|more|few) questions? (for|to ask|you('d| would)? (like|want)|before)|"
    r"questions? for (us|me|the (team|panel))|(like|want|wish|hoping|hope) to (ask|know|find out)|"
    r"(anything|something|what) (else )?(that )?you('re| are) (curious|wondering)|your turn|"
    r"anything (else )?(that )?we (have not|haven'?t|didn'?t|did not) (asked|ask|covered|cover)|"
    r"ask (me|us) (anything|something)|what can i (tell|answer)|questions (do|would) you have|"
    r"(do|did) you have (any )?questions|(have you )?got any questions|any questions\??$)\b"
)
# Referring back to an earlier conversation. "The last time you had to …" is a story prompt, not this.
_Q_SECOND = re.compile(
    r"\b((our|the|your) (first|last|previous|earlier|other) (conversation|interview|meeting|round|talk|call|chat)|"
    r"in our (first|last|previous|earlier)|(since|when) we (last )?(spoke|met|talked)|we (talked|spoke) about|"
    r"last time (we|you (told|said|mentioned|talked|spoke|gave|described))|"
    r"(told|said|mentioned|gave|talked about|spoke about|described)\b[^.?!]{0,60}\b(last time|earlier|before|"
    r"previously)|you (told|said to|mentioned to) (us|me|my colleague|the panel|them)|"
    r"(my|our) colleagues? (told|said|mentioned)|told (me|us) (that )?you|we asked (this|you)|following up on|"
    r"coming back to|(ask|tell me) again|different example|"
    r"(your|the) first (few |couple of )?([\w,]+ ){0,4}(days?|weeks?|months?)( here| in (this|the) (role|job))?$|"
    r"in (your|the) first (few |couple of )?([\w,]+ ){0,4}(days|weeks|months))\b"
)
_Q_BEHAVIOURAL = re.compile(
    r"\b((a|an|one|the last|the first|the most recent) (time|moment|situation|occasion|day|shift|week|case|project|"
    r"customer|client|mistake|decision|problem|conflict) (when|where|that|you|in which|in your)|"
    r"think of (a|an|one|the)|talk (me|us) through (it|a|an|the|one)|has there ever|have you ever|"
    r"(give|share) (me |us )?(an?|one|your|some) (example|for.instance|instance)|(an )?example (of|where|when)|"
    r"for.instance|tell (me|us) about (a|an|the|one) (?!typical)|describe (a|an|the|one) (?!typical)|"
    r"walk (me|us) through (a|an|the|one) |can you think of|recall|when (have|did) you|how did you (handle|deal)|"
    r"tell me about the accomplishment)"
)
_Q_OBJECTION = re.compile(
    r"\b(you (have not|haven'?t|do not have|don'?t have|lack|never|seem|'ve never|have never|have only|'ve only|"
    r"only have|have changed|'ve changed|changed jobs|have led|have been out|were out|are (too|over|under|not|a bit)|"
    r"'re (too|over|under|not|a bit))|your (experience|background|résumé|resume|cv|degree|profile|salary "
    r"expectations?|last \w+ jobs?|jobs?|career) (is|isn'?t|doesn'?t|seems?|looks?|does not|is not|jumps?|each|"
    r"lasted|has)|(there is|there's|i see) a gap|other (candidates|applicants)|over.?qualified|under.?qualified|"
    r"why should we (consider|hire|take|choose|believe|trust)|not (exactly )?what we (need|are looking for|want)|"
    r"how (do|can) we (know|be sure|trust)|won'?t you|(i'?m|i am|we'?re|we are) (a bit |a little |slightly )?"
    r"(worried|concerned)|(my|our|the) (worry|concern)|concern|help me understand|(might|would|could|will|may) "
    r"say (that )?you|i'?ll be (straight|honest|frank)|to be (straight|honest|frank) with you|"
    r"take a chance on|we usually (hire|look for|want)|out of work|(can you )?explain (that|this|the gap)|you don'?t|you do not|you can'?t|you cannot)\b"
)
# "yourself", but "see yourself in five years" belongs to the five-year question.
_Q_ABOUT = re.compile(
    r"\b(who are you|(?<!see )(?<!picture )(?<!imagine )yourself|(walk|take|talk) (me|us) through (your|you) "
    r"(career|cv|résumé|resume|background|experience|story|journey)|your (career|background|story) so far|"
    r"(tell|talk) (me|us) about (you|your (background|career|story))\b(?! (time|a time))|in a nutshell)"
)
_Q_LEAVING = re.compile(
    r"\b(leav(e|ing)|(you|why) left|quit\w*|move on|moving on|looking for (a new|something new|another|"
    r"something else)|(why|what'?s got you|what has got you|what makes you) (are you )?looking|"
    r"(change|changing|move|moving|switch\w*) (jobs|employers?|companies|(away )?from)|want a change|resign\w*|"
    r"why now)\b"
)
_Q_FIVE = re.compile(
    r"\b((five|ten|three|two|\d+|few|couple of) years?( from now| time| down the (line|road))|in (five|ten|three|"
    r"two|\d+) years|see yourself|long.?term|career (goals?|plans?|aims?|ambitions?)|(plans?|goals?|aims?) for "
    r"(your|the) (career|future)|ambitions?|where do you want to be|(like|want|hope) to be doing|fast.forward|"
    r"future|next step in your career)\b"
)
_Q_WHY = re.compile(
    r"\b(why (do|would|did) you (want|apply|choose|like|pick)|why (here|us|this|our|the company|join|apply)|"
    r"what (do you know|interests? you|attract\w* you|appeals?|excites? you|drew you|draws you|motivates?|"
    r"drives? you|makes? you (want|interested))|interested in (this|the|our)|rather than|"
    r"(made|makes) you (apply|choose|pick|want|decide|go for|interested)|out of all the|"
    r"interested in (working|joining|us|this|our)|(work|working|be) here\b|join us|"
    r"passionate|enjoy (most|about)|why (this|that) (role|job|position|"
    r"company|team))\b"
)

# Built-in questions carry their kind and rubric in the bank: the wording cannot tell every
# second-interview question ("Tell me about a time you worked with a much larger team") from a
# first-round one, and no wording rule is written for one question's text.
_BUILTIN: dict[str, tuple[str, str | None]] | None = None


def _key(question_text: str) -> str:
    return " ".join(re.findall(r"[\w']+", question_text.lower()))


def _builtin(question_text: str) -> tuple[str, str | None] | None:
    """(kind, rubric) of a built-in question with this text, else None."""
    global _BUILTIN
    if _BUILTIN is None:
        from rehearse.questions import load_bank

        _BUILTIN = {_key(q.text): (q.kind, q.rubric) for q in load_bank()}
    return _BUILTIN.get(_key(question_text))


def _builtin_kind(question_text: str) -> str | None:
    found = _builtin(question_text)
    return found[0] if found else None


_LIMITING = re.compile(r"\b(only|never|not|no|under|less|too|a bit|gap|jump\w*|lack\w*|short|little|few|without|"
                       r"senior|junior|young|overqualified|worry|worried|concern\w*|hard|difficult|out of work|"
                       r"unemployed|fired|dismissed|let go|redundan\w*)\b")


def _question(text: str) -> str:
    """Lowercase, one space between words, straight apostrophes, no closing punctuation."""
    return " ".join(text.lower().split()).replace("’", "'").rstrip("?.!… ")


def _states_a_doubt(t: str) -> bool:
    """A statement (not a question) about the candidate with a limit in it: "you've only worked in …"."""
    for sentence in re.split(r"(?<=[.!:;])\s+", t):
        if not sentence.rstrip().endswith("?") and re.search(r"\b(you|your|you're|you've)\b", sentence) \
                and _LIMITING.search(sentence):
            return True
    return False


def kind_from_wording(question_text: str) -> str:
    """The kind a question's wording suggests, without looking it up in the built-in bank: the learned
    reader of its words and of the wording rules' hits (kind_checks.py)."""
    return kind_model().question_kind(question_text, question_cues(question_text))


def _rule_kind(question_text: str) -> str:
    """The kind the hand-written wording rules give (an input of the learned reader)."""
    t = _question(question_text)
    if _Q_CLOSING.search(t):
        return "closing"
    if _Q_SECOND.search(t):
        return "second-interview"
    if _Q_BEHAVIOURAL.search(t):
        return "behavioural"
    if _Q_OBJECTION.search(t) or _states_a_doubt(" ".join(question_text.lower().split())):
        return "objection"
    if _Q_ABOUT.search(t) or _Q_LEAVING.search(t) or _Q_FIVE.search(t) or _Q_WHY.search(t):
        return "motivation"
    return "behavioural"


def motivation_rubric(question_text: str | None) -> str:
    """Which motivation yardstick a question needs, read from its wording by the learned reader; "why
    here" when there is no wording."""
    if not question_text or not question_text.strip():
        return WHY_HERE
    return kind_model().question_rubric(question_text, question_cues(question_text), "motivation")


def _rule_motivation_rubric(question_text: str | None) -> str:
    """The motivation yardstick the hand-written wording rules give ("why here" when they say nothing)."""
    t = _question(question_text or "")
    if _Q_ABOUT.search(t):
        return ABOUT_YOURSELF
    if _Q_LEAVING.search(t):
        return WHY_LEAVING
    if _Q_FIVE.search(t):
        return FIVE_YEARS
    return WHY_HERE


def rubric_for(kind: str, question_text: str | None = None, use_bank: bool = True) -> str:
    """The rubric for a question of `kind` (either spelling): a built-in question's own (unless
    `use_bank` is off); else motivation questions are told apart by their wording."""
    k = normalize_kind(kind)
    if k is None:
        raise KindError(f"unknown question kind {kind!r}; use one of {', '.join(KINDS)}")
    found = _builtin(question_text) if question_text and use_bank else None
    if found and found[0] == k:
        return found[1] or (WHY_HERE if k == "motivation" else _KIND_DEFAULT[k])
    if k == "second-interview" and question_text and question_text.strip():
        # a second interview may come back to any first-round question: its wording says which
        return kind_model().question_rubric(question_text, question_cues(question_text), k)
    if k in ("behavioural", "second-interview"):
        return CAR
    if k == "motivation":
        return motivation_rubric(question_text)
    return OBJECTION if k == "objection" else CLOSING


def rubric_of(question) -> str:
    """The rubric a `Question` is judged by: the one named with it, else its kind's and wording's."""
    return question.rubric or rubric_for(question.kind, question.text)


def kind_of_rubric(rubric: str | None) -> str:
    """The question kind a rubric judges (a story's is behavioural; second-interview shares it)."""
    if rubric in MOTIVATION_RUBRICS:
        return "motivation"
    return rubric if rubric in (OBJECTION, CLOSING) else "behavioural"


def kind_and_rubric(name: str | None, question_text: str | None = None) -> tuple[str, str]:
    """(kind, rubric) for `--kind NAME` (a kind or a rubric's own name) and `--question`: a rubric
    named is used as it is; a motivation question is placed by its wording, so `motivation` needs
    the question; with no name, the kind is the question's (behavioural when there is none)."""
    if name is None:
        return infer_kind(question_text) if question_text else ("behavioural", CAR)
    key = " ".join(str(name).split()).lower()
    if key in RUBRICS:
        kind = kind_of_rubric(key)
        if question_text and kind == "behavioural" and infer_kind(question_text)[0] == "second-interview":
            kind = "second-interview"
        return kind, key
    kind = normalize_kind(key)
    if kind is None:
        raise KindError(f"unknown question kind {name!r}; use a kind ({', '.join(KINDS)}) or a yardstick "
                        f"({', '.join(RUBRICS)})")
    if kind == "motivation" and not question_text:
        raise KindError("--kind motivation needs --question to tell which yardstick applies; or name it: "
                        + ", ".join(MOTIVATION_RUBRICS))
    return kind, rubric_for(kind, question_text)


_KIND_DEFAULT = {"behavioural": CAR, "second-interview": CAR, "objection": OBJECTION, "closing": CLOSING}


def infer_kind(question_text: str) -> tuple[str, str]:
    """(kind, rubric) for a question: the built-in bank's kind when it is one of its questions,
    else from the wording; a question the wording does not place is behavioural."""
    kind = _builtin_kind(question_text) or kind_from_wording(question_text)
    return kind, rubric_for(kind, question_text)


def target_for(rubric: str) -> tuple[float, float, float]:
    """(target_s, low_s, high_s): the answer length a rubric wants."""
    if rubric not in TARGETS_S:
        raise KindError(f"unknown rubric {rubric!r}; use one of {', '.join(RUBRICS)}")
    return TARGETS_S[rubric]


# --- results --------------------------------------------------------------------------------


@dataclass
class Check:
    """One thing the yardstick looks for: passed or not, the words that show it, a tip when not."""

    name: str
    passed: bool
    evidence: list[dict] = field(default_factory=list)  # {"text", "start", "end"}, like car evidence
    tip: str | None = None

    def to_json(self) -> dict:
        return {"name": self.name, "passed": self.passed, "evidence": self.evidence, "tip": self.tip}


@dataclass
class Coaching:
    """An answer judged by its question's yardstick: the checks, the tips (most useful first,
    at most three) and the length against the rubric's target."""

    rubric: str
    checks: list[Check]
    tips: list[str]
    target: tuple[float, float, float]
    length: Length | None = None

    def check(self, name: str) -> Check:
        """The check called `name`."""
        return next(c for c in self.checks if c.name == name)

    def to_json(self) -> dict:
        return {
            "rubric": self.rubric,
            "checks": [c.to_json() for c in self.checks],
            "tips": self.tips,
            "target": {"target_s": self.target[0], "low_s": self.target[1], "high_s": self.target[2]},
            "length": self.length.to_json() if self.length else None,
        }


# --- finding cues in an answer ----------------------------------------------------------------


class _Answer:
    """An answer's clauses joined into one lowercase text, so a cue may run across a clause
    boundary (recognizer output cuts clauses at pauses) and still name the clauses it covers."""

    def __init__(self, clauses: list[Clause]):
        self.clauses = clauses
        self.spans: list[tuple[int, int]] = []
        parts, pos = [], 0
        for c in clauses:
            t = c.text.lower().replace("’", "'")
            parts.append(t)
            self.spans.append((pos, pos + len(t)))
            pos += len(t) + 1
        self.text = " ".join(parts)

    def find(self, pattern: re.Pattern) -> list[tuple[re.Match, list[Clause]]]:
        """Every match of `pattern`, with the clauses it touches."""
        return [(m, self.clauses_at(m.start(), m.end())) for m in pattern.finditer(self.text)]

    def clauses_at(self, start: int, end: int) -> list[Clause]:
        return [c for c, (a, b) in zip(self.clauses, self.spans) if a < max(end, start + 1) and b > start]

    def each(self) -> list[tuple[Clause, str]]:
        return [(c, self.text[a:b]) for c, (a, b) in zip(self.clauses, self.spans)]


def _evidence(clauses: list[Clause], most: int = 3) -> list[dict]:
    seen, out = set(), []
    for c in clauses:
        if id(c) not in seen:
            seen.add(id(c))
            out.append(c.evidence())
    return out[:most]


def _hits(answer: _Answer, pattern: re.Pattern) -> list[Clause]:
    return [c for _, cs in answer.find(pattern) for c in cs]


# Not-quite-praise that fits every employer: named back to the speaker.
GENERIC_PRAISE = re.compile(
    r"\b((great|good|amazing|fantastic|excellent|positive|strong|nice|friendly|awesome|wonderful|supportive|"
    r"healthy|open|inclusive|collaborative|welcoming|fun|lovely|brilliant) (company )?(culture|company|reputation|"
    r"place to work|work(ing)? environment|environment|atmosphere|benefits|values|brand|name|people|team|employer|"
    r"opportunit\w*|products?|services?)|"
    r"(growth|career|development|learning|exciting) opportunit\w*|opportunit\w* (for|to) (grow\w*|develop\w*|learn\w*|"
    r"advance\w*)|room (for|to) grow\w*|(industry|market) leader|leader in (the|your|its|this) (industry|field|market|"
    r"sector|space)|well.known|big names?|fast.paced|dynamic|innovative|cutting.edge|forward.thinking|"
    r"(heard|hear) (great|good|lots of good|a lot of good|amazing) things|great things about|prestigious|"
    r"work.life balance|(good|great|competitive) (salary|pay)|(i|i'?ve) always wanted to work (here|for you)|"
    r"(the|your) (culture|values|mission|vision|reputation)|(you'?re|you are|it'?s|it is) a (great|good|big|"
    r"successful|growing) (company|place|firm|business|organi[sz]ation)|(growing|successful|stable) company|"
    r"passionate about (what you do|your work|the company)|leading (names?|compan\w+|firms?|players?|brands?|"
    r"provider\w*)|one of the (best|biggest|leading|top|largest)|growing (fast|quickly|so fast)|"
    r"(it'?s|is) the future|(is|sounds|seems|looks) (perfect|ideal|great|interesting|exciting|amazing|like a (good|"
    r"great|perfect) (fit|match)))\b"
)
_GENERIC_ONLY_WORDS = re.compile(r"\b(culture|values|mission|vision|reputation|opportunit\w*|environment|people)\b")
# Something only this employer or this role has: what they did, made, run, or what the ad says.
SPECIFIC = re.compile(
    r"\b(you (recently |just |have |'ve |also |now )?(launched|opened|released|announced|moved|started|built|won|"
    r"acquired|expanded|published|shipped|switched|introduced|rolled out|partnered|raised|redesigned|merged|"
    r"make|build|run|sell|serve|supply|design|develop|produce|publish|offer|use|operate|manufacture|specialise|"
    r"specialize|focus on|work with|cover|treat|teach|ship|host)|"
    r"your (new |recent |latest |own )?(\w+ )?(app|apps|platform|tool|clinic|clinics|store|"
    r"stores|shop|shops|branch|branches|site|plant|factory|warehouse|lab|program|programme|project|report|blog|"
    r"podcast|talk|paper|api|library|course|line|range|menu|module|patients|"
    r"students|pupils|members|fleet|hotel|restaurant|school|hospital|ward|network|campaign|launch|move|decision|"
    r"work on|commitment to|expansion|merger|contract|partnership|award|research)|"
    r"(the|this|your) (job|role|position|vacancy) (ad|advert|advertisement|posting|description|listing|spec)|"
    r"(the|this) (ad|advert|posting|listing|job description) (says|said|mentions|mentioned|asks|lists|talks)|"
    r"(this|the) (role|job|position) (involves|includes|is about|means|would mean|owns|covers|needs|requires|asks|"
    r"combines|sits|focuses|reports|works)|"
    r"i (read|saw|noticed|watched|listened|used|use|tried|visited|followed|attended|met|spoke|talked|came across|"
    r"looked at|have used|'ve used|bought|shop|shopped|ordered)\b(?! (great|good) things)|"
    r"in the news|on your (website|site|blog|careers page|linkedin)|your (ceo|founder|director|head of)|annual report)\b"
)
# Looser cues ("you have …", "your …"): specific unless what follows is praise any employer gets.
_PLAIN_NOUNS = (
    "company|team|firm|business|organi[sz]ation|culture|values|mission|vision|reputation|people|brand|growth|"
    "success|environment|industry|job|role|position|website|site|work|opportunit\\w*|staff|employees|benefits|offer|"
    "interview|time|question|great|good|amazing|fantastic|excellent|strong|nice|friendly|awesome|wonderful|"
    "supportive|innovative|dynamic|successful|growing|big|lovely|brilliant|fast|well|own|career|salary|pay|way|"
    "products?|services?|style|approach|ethos|customers|clients|history|story|brand|name|products|field|sector|"
    "market|vibe|atmosphere|offices?|workplace|employer|commitment|passion|attitude|focus|goals?|standards|quality"
)
SPECIFIC_LOOSE = re.compile(
    rf"\b(you('ve| have)? got|you have|you do|you('re| are) (doing|building|opening|moving|running|launching|rolling|"
    rf"hiring)|i know (that )?you|your (?!({_PLAIN_NOUNS})\b)\w+|"
    rf"(the|this|your) (role|job|position|firm|company|team|business|shop|restaurant|practice|agency)('s| is| does| "
    rf"involves| includes| combines| has| needs| requires| covers| owns| means| makes| builds| runs| sells| uses| "
    rf"works| specialises| specializes| won| opened| launched)|(nobody|no one|hardly anyone|almost nobody) else|"
    rf"the only (one|firm|company|place|team|shop|practice|\w+ that))"
)
OWN_EXPERIENCE = re.compile(
    r"\b(in my (current|last|previous|old|first|present) (job|role|team|company|position|work|practice|school|"
    r"workplace|employer)|my (experience|background|years|time|work) (in|at|as|with|on)|at my (current|last|"
    r"previous) (job|company|employer|workplace)|i('ve| have) (been|spent|worked|led|run|managed|built|done|"
    r"taught|trained|handled|used|volunteered)|i (spent|worked|led|ran|managed|built|taught|trained|handled|"
    r"studied|did|set up|started|volunteer|volunteered|work|run|manage|lead|teach|handle)|for (the (past|last) )?"
    r"(\w+ )?(years|months)|as a (former )?\w+ (i|myself))\b"
)
FORWARD = re.compile(
    r"\b(i( would|'d| will|'ll) (like|love|want|be|bring|enjoy|get|help|grow|learn|use|take|build|contribute|apply|"
    r"lead|add|make|have|work|focus|start|do|welcome|need)|i want|i hope|i'?m hoping|i am hoping|i could|"
    r"i can (bring|help|contribute|add|offer|use|apply|do|build|make|learn|grow|take)|"
    r"(i'?m|i am) (now )?(looking|keen|eager|excited|ready|hoping|aiming|interested in (taking|moving|growing|"
    r"doing|working|leading|building))|looking forward|excited (to|about|by)|keen to|eager to|ready (to|for)|"
    r"next step|want to|wants to|would (let|allow|give|mean) me|a chance to|the chance to|the opportunity to|"
    r"going forward|in (the )?future|grow into|move into|step (up|into)|take on|that'?s what i want|"
    r"what i'?m after|where i want|(look|looking|search|searching) for (a|an|the|something|somewhere)|"
    r"(where|somewhere|so) i can|a (role|job|position|place|team) (where|with|that) i)\b"
)
PRESENT_ROLE = re.compile(
    r"\b((i'?m|i am) (currently |now |still )?(a|an|the|working|employed|responsible|in charge|head|lead|senior|"
    r"junior|part of|in my|on the|at|with)|currently|right now|at the moment|at present|these days|today i|"
    r"i (currently |now |still )?(work|lead|manage|run|teach|look after|handle|oversee|coordinate|support|"
    r"design|build|sell|nurse|care|drive|own|plan|am in charge)|i'?ve been (working|a|an|at|in|leading|running|"
    r"managing|teaching|with|the)|i have been (working|a|an|at|in|leading|running|managing|teaching|with|the)|"
    r"my (current|present) (job|role|position)|my (job|role|work) (is|involves)|"
    r"(for|over) the (last|past) (\w+ )?((\w+ )?(years?|months?|decade) )?i'?ve|(i'?m|i am) still (there|here)|"
    r"i'?ve been (a |an |the )?\w+ (\w+ )?(at|for|with) (a|an|the|my|our)\b|i'?ve (worked|been) (\w+ ){0,5}(since|"
    r"for the (last|past)))\b"
)
# A past achievement: something the speaker did, or was given for what they did.
ACHIEVED = re.compile(
    r"\b(i (was|got) (promoted|chosen|picked|asked|named|given|made)|i won|i (\w+ )?(led|built|launched|created|"
    r"designed|introduced|set up|started|founded|grew|doubled|cut|saved|turned|redesigned|rewrote|raised|"
    r"delivered|opened|ran|managed|trained|took|organi[sz]ed))\b"
)
STRONG_RESULT_MIN = 1.2
# Qualities claimed rather than shown: named back to the speaker when no example shows them.
SELF_PRAISE = re.compile(
    r"\b(hard.?work(er|ing)|team player|people person|perfectionist|(fast|quick) learner|go.getter|self.starter|"
    r"(a )?hundred and ten percent|110 ?%|really (motivated|passionate|caring|reliable)|very (motivated|passionate|"
    r"reliable|organi[sz]ed)|detail.oriented|results.driven|(i'?m|i am) (a )?(really |very )?(reliable|motivated|"
    r"organi[sz]ed|passionate|patient|friendly|loyal|honest|flexible|adaptable|ambitious|caring))\b"
)
_NOT_DONE = re.compile(r"\b(grew up|started (my career|out|school|university)|studied \w+)\b")
CRITICISM = re.compile(
    r"\b(terrible|awful|horrible|toxic|incompetent|useless|clueless|lazy|rude|unfair|unprofessional|hopeless|"
    r"micro.?manag\w*|a mess|chaotic|unpleasant|shouts?|shouting|shouted|yell\w*|screams?|screaming|rubbish|crap|a nightmare|favou?r(s|ed|ing)? (her|his|their) (mates|friends)|"
    r"(get|got|getting) out of (there|that place)|(i'?m|i am) (just )?done with (it|them|that place)|"
    r"(can'?t|cannot) wait to (leave|get out)|(i'?ve|i have) had enough|nobody knows what|"
    r"(don'?t|doesn'?t) know what (they'?re|he'?s|she'?s) doing|keep changing (their|his|her) minds?|chaos|disorgani[sz]ed|the worst|stupid|idiot\w*|a joke|bully\w*|"
    r"(i|we) (hate|can'?t stand|cannot stand)|fed up|sick of|(does|do|did)(n'?t| not) (really |even |ever |always )?(listen|care|appreciate|"
    r"value|respect|know what|support|trust|recogni[sz]e|help|let)|never (listens|listen|listened|appreciates|"
    r"appreciate|gives|give|lets|let|supports|support|cares|care|says thank)|no (respect|support|recognition|"
    r"appreciation)|(underpaid|undervalued|unappreciated|overworked)|(the )?pay is (bad|terrible|awful|low|"
    r"poor|a joke)|(boss|manager|management|company|employer|supervisor|team lead|leadership|director|owners?|ceo) "
    r"(is|are|was|were) (bad|terrible|awful|poor|a nightmare|impossible|difficult|horrible|the problem|"
    r"always|never|so|really|just|completely|totally)|(bad|poor|weak|terrible|awful|horrible|difficult) "
    r"(boss|manager|management|leadership|company|employer|supervisor|culture|environment|atmosphere)|"
    r"takes? credit|blames?|played favou?rites|(make|made|makes) (my|our) (life|lives|work) (hell|miserable|"
    r"difficult)|dead.end|going nowhere|nothing ever changes|nobody (cares|listens))\b"
)
AMBITION = re.compile(
    r"\b(i( would|'d) (like|love|want|hope) to (be|have|lead|become|run|manage|own|take|head|see myself|grow into|"
    r"move into|step into|build|make|reach|specialise|specialize|get)|i (want|hope|plan|aim|intend|expect|"
    r"see myself|picture myself) (to )?(be|have|lead|become|run|manage|own|take|head|being|leading|running|"
    r"managing|owning|grow into|move into|step into|build|reach|specialise|specialize|get)|i see myself|"
    r"(my|the) (goal|ambition|aim|plan|dream) (is|would be|in \w+ years)|(that'?s|that is|is) what i('d)? (want|like|"
    r"love|aim for|see myself doing)|that'?s (the|my) (dream|goal|plan|aim)|"
    r"i( want|'d like| would like|'d love| would love| hope to have| plan to have) (my own|to own|to open|to start|"
    r"to set up)|i('ll| will) (be|have|lead|run|manage|"
    r"own|head)|i('m| am) aiming|hopefully (as|being|running|leading|managing|heading|in charge|a|an|the) |in (five|ten|three|two|\d+) years(' time)? (i|i'?d|i'?ll|i'?m))\b"
)
_VAGUE_AMBITION = re.compile(
    r"\b(bought a house|buy a house|house|travel\w*|married|kids|children|family|retire\w*|"
    r"successful|happy|comfortable|settled|doing well|in a good place|somewhere good|better (job|position)|"
    r"higher position|more money|earning more)\b"
)
CONNECTED = re.compile(
    r"\b(here|this (role|team|company|job|position|field|area|department|organi[sz]ation|kind of|type of|ward|"
    r"school|firm|line)|your (company|team|firm|organi[sz]ation|business)|with you|(in|on|of|lead(ing)?|run(ning)?|"
    r"manag(e|ing)) (the|a|this|your) (\w+ )?(team|department|group|unit|ward|practice|function|region|site|"
    r"store|office|kitchen|lab|line|product)|(senior|lead|principal|head|chief|staff|manager|director|"
    r"specialist|expert|architect|consultant|supervisor|partner)\b)"
)
GROWTH = re.compile(
    r"\b(learn(ing|t|ed|s)?|grow(ing|n|s)?|develop(ing|s)?|"
    r"(get|getting|become|becoming) (\w+ )?(good|better|skilled|fluent|confident|qualified|expert|stronger) (at|in|with)|"
    r"(finish|complete|pass|do|get|take) (my|the|a|an) (\w+ ){0,3}(level|qualification|exam|degree|diploma|licen[cs]e|"
    r"certificate|course|programme|program|apprenticeship)|"
    r"build(ing)? (up|my|on)|get(ting)? better|improv\w* my|step by step|take on (more|bigger|larger|new)|taking on|"
    r"mentor\w*|course\w*|certif\w*|qualif\w*|train\w*|master\w*|deepen\w*|broaden\w*|"
    r"(leadership|management|development) (course|programme|program|training)|"
    r"by (taking|learning|getting|leading|working|doing|building|shadowing)|get (there|to that point)|"
    r"first .{0,60} then|(more|extra) responsibilit\w*|stretch|studying|study|degree|experience (in|with|of))\b"
)
# Self-praise that sounds like growth but names none: masked before GROWTH is looked for.
CLICHE = re.compile(
    r"\b((fast|quick|eager|keen|lifelong|good|great) learner|(continuous|constant|personal|professional|self) "
    r"(development|improvement|learning|growth) is \w+( \w+)?|always (looking|eager|keen|happy|willing) to "
    r"(learn|grow|improve|develop)( and (better|improve|develop|challenge) myself)?|better myself|"
    r"(willing|happy|open) to learn)\b"
)
QUESTION_FORM = re.compile(
    r"\b(what|how|when|where|who|which|why|is there|are there|is it|do you|does (the|it|this|your)|could (i|you|we)|"
    r"can (i|you|we)|would (i|you|it)|will (i|there)|i('?d| would) (like|love) to (know|hear|ask|see|meet|understand)|"
    r"i('m| am) (curious|wondering)|i wonder|tell me (more )?about|i was wondering|may i)\b"
)


# An acknowledgement said the other way round ("I don't think that's true") is not one.
_NEGATED_BEFORE = re.compile(r"(n't|\bnot|\bnever)\W+(\w+\W+){0,2}$")
_CONCEDES = re.compile(r"^(yes|yeah|yep|that'?s (right|correct|true)|correct|true|fair enough|absolutely|no,? but|"
                       r"no,? i (haven'?t|have not|don'?t|do not|didn'?t))\b(?! well)")
DENIAL = re.compile(r"\b((that|it)'?s not|(that|it) is not|isn'?t) (really |exactly |quite |entirely )?(fair|true|right|"
                    r"correct)|i (don'?t|do not) (really )?(think|agree|accept)|not true|(none|not) of (that|it) was my fault")
# "I'd pick it up quickly" is a claim about oneself, not a plan.
_CLAIM_AFTER = re.compile(r"^\W*(really |just |definitely |probably )?(pick (it|things) up|be (fine|good|great|ok|okay|"
                          r"able to|a good|the right)|fit (in|right in)|learn (it |things )?(quick|fast|really)|"
                          r"get (used|bored)|say|think|guess)")
# A past event told with a time ("last month three guests wrote ...") or at a named former job.
PAST_EVENT = re.compile(
    r"\b(last (year|month|week|summer|winter|spring|autumn|quarter|time)|(\w+|\d+) (years?|months?|weeks?) ago|"
    r"in (19|20)\d\d|in my (last|previous|current|old|first) (\w+ )?(jobs?|roles?|teams?|compan\w+|positions?)|"
    r"at my (last|previous|"
    r"current|old) (job|company|employer|workplace)|when i (was|worked)|every (day|week|shift))\b"
)


# Things done that answer no doubt: applying, choosing, leaving, time out.
_NOT_AN_EXAMPLE = re.compile(r"\bi (applied|chose|decided|left|quit|resigned|took (\w+ ){0,3}(out|off))\b")


# --- the checks ---------------------------------------------------------------------------------


Finder = Callable[[_Answer], Check]


def _simple(name: str, pattern: re.Pattern, tip: str) -> Finder:
    def find(a: _Answer) -> Check:
        hits = _affirmed(a, pattern)
        return Check(name, bool(hits), _evidence(hits), None if hits else tip)
    return find


# "I'm a hard worker", "I'm a people person": a quality, not the job one does now.
_NOT_A_ROLE = re.compile(r"\b(person|someone|worker|player|learner|individual|guy|girl|type|kind of|fan|lover|"
                         r"perfectionist|character|team player)\b")


def _present(a: _Answer) -> Check:
    hits = []
    for m, cs in a.find(PRESENT_ROLE):
        window = a.text[m.start():m.end() + 30]
        if re.match(r"(i'?m|i am) (a|an) ", window) and (SELF_PRAISE.search(window) or _NOT_A_ROLE.search(
                window, len(m.group(0)) - 2, len(m.group(0)) + 16)):
            continue
        hits += cs
    tip = "Start with now: what you do today, in a sentence (\"I'm a … at …, where I …\")."
    return Check("present", bool(hits), _evidence(hits), None if hits else tip)


# "The thing I'm proudest of is cutting …": an achievement named as one, told without "I did".
_PROUD_OF = re.compile(r"\b(proud(est)? of|most proud|(biggest|best|greatest|main) (achievement|win|success)|"
                       r"achievement (was|is|has been))\b")
# A change told with its measure ("cutting errors from five percent to one") is an outcome in its own right.
_CHANGED = re.compile(r"\b(cut(ting)?|reduc\w+|rais(ed|ing)|increas\w+|doubl\w+|halv\w+|tripl\w+|grew|growing|"
                      r"dropp\w+|improv\w+|sav(ed|ing)|lower\w*|boost\w*|brought|bringing)\b")


def _highlight(a: _Answer) -> Check:
    """A past achievement and what came of it, in the same clause or one of the next two; an achievement
    with a measured outcome is a highlight however it is told."""
    pairs = [(c, _NOT_DONE.sub("", t)) for c, t in a.each()]
    did = [i for i, (c, t) in enumerate(pairs) if ACHIEVED.search(t) or I_DID.search(t) or WE_DID.search(t)
           or ACTION_PHRASES.search(t) or (PAST_EVENT.search(t) and re.search(r"\b(i|we)\b", t))
           or _PROUD_OF.search(t)]
    for i in did:
        for j in (i, i + 1, i + 2):
            if j < len(pairs):
                t = pairs[j][1]
                strong = sum(w for w, p in RESULT_RE if w >= STRONG_RESULT_MIN and p.search(t))
                if strong or (MEASURE.search(t) and (j != i or ACHIEVED.search(t) or _CHANGED.search(t))):
                    return Check("highlight", True, _evidence([pairs[i][0], pairs[j][0]]))
    if did:
        return Check("highlight", False, _evidence([pairs[did[0]][0]]),
                     "Your highlight has no result: say what changed because of it, with a number if you can.")
    tip = "Add one highlight from your past that fits this role, with its result (\"I led …, and sign-ups doubled\")."
    claims = _hits(a, SELF_PRAISE)
    if claims:
        tip = f"'{SELF_PRAISE.search(claims[0].text).group(0)}' is a claim: show it instead. " + tip
    return Check("highlight", False, _evidence(claims), tip)


_PRAISE_NEXT = re.compile(r"\s*(a |an |such a |so |really |very )*(great|good|amazing|fantastic|excellent|nice|lovely|"
                          r"brilliant|wonderful|awesome|strong|positive|fun|friendly)\b")


def _praise_only(text: str) -> bool:
    """A clause whose only praise, of the employer or of oneself, is stock ("great culture", "passionate
    about what you do", "team player"), with nothing specific or counted beside it."""
    if not (GENERIC_PRAISE.search(text) or SELF_PRAISE.search(text)):
        return False
    rest = SELF_PRAISE.sub(" ", GENERIC_PRAISE.sub(" ", text))
    return not (SPECIFIC.search(rest) or re.search(r"\d", rest))


def _praise_tip(phrase: str) -> str:
    return (f"'{phrase}' says nothing about us: name what you saw (a product, a project, something in the job ad) "
            "and why it matters to you.")


def _specific(a: _Answer) -> Check:
    # Generic praise never makes an answer specific: its clauses are judged as if unsaid.
    praise = [c for c, t in a.each() if _praise_only(t)]
    if praise:
        kept = [c for c in a.clauses if all(c is not p for p in praise)]
        check = _specific(_Answer(kept)) if kept else Check("specific", False)
        if check.passed:
            return check
        said = next(t for c, t in a.each() if c is praise[0])
        phrase = (GENERIC_PRAISE.search(said) or SELF_PRAISE.search(said)).group(0)
        return Check("specific", False, _evidence(praise), _praise_tip(phrase))
    generic = [(m.group(0), cs) for m, cs in a.find(GENERIC_PRAISE)]
    specific = []
    for m, cs in a.find(SPECIFIC):
        specific += cs
    for m, cs in a.find(SPECIFIC_LOOSE):
        # "you have a great …" is praise coming, not a fact about them (spoken, it may be cut off there)
        if not GENERIC_PRAISE.search(a.text[m.start():m.end() + 40]) and not _PRAISE_NEXT.match(a.text, m.end()):
            specific += cs
    # a number in a clause that is not praise: "your forty stores", "since 2019"
    for c, t in a.each():
        if re.search(r"\d", t) and not GENERIC_PRAISE.search(t) and c not in specific:
            specific.append(c)
    if specific:
        return Check("specific", True, _evidence(specific))
    if generic:
        phrase = generic[0][0]
        return Check("specific", False, _evidence([c for _, cs in generic for c in cs]), _praise_tip(phrase))
    return Check("specific", False, [], "Say something only this company or role has: a product, a project, a "
                                         "fact you found, a line from the job ad.")


def _no_criticism(a: _Answer) -> Check:
    hits = _hits(a, CRITICISM)
    if hits:
        quote = hits[0].text
        return Check("no_criticism", False, _evidence(hits),
                     f"Leave out the criticism (\"{_short(quote)}\"): it makes the interviewer wonder what you "
                     "will say about them. Say what you are moving toward instead.")
    return Check("no_criticism", True, [])


def _affirmed(a: _Answer, pattern: re.Pattern) -> list[Clause]:
    """Clauses where `pattern` occurs without a negation just before it ("I don't want to …")."""
    return [c for m, cs in a.find(pattern) for c in cs
            if not _NEGATED_BEFORE.search(a.text[max(0, m.start() - 30):m.start()])]


def _words(clauses: list[Clause]) -> int:
    return sum(len(c.text.split()) for c in {id(c): c for c in clauses}.values())


def _looks_forward(a: _Answer) -> Check:
    ahead = _affirmed(a, FORWARD)
    against = _hits(a, CRITICISM)
    # An answer that is mostly grievance does not look forward, whatever it says at the end.
    if ahead and _words(against) <= 2 * _words(ahead):
        return Check("looks_forward", True, _evidence(ahead))
    tip = ("Say what you are moving toward (the work you want to do next, and why this role gives it to you) "
           "rather than what you are leaving.")
    return Check("looks_forward", False, _evidence(against), tip)


def _ambition(a: _Answer) -> Check:
    aims = [(m, cs) for m, cs in a.find(AMBITION)]
    if not aims:
        return Check("ambition", False, [], "Name an ambition tied to this role: the job you want to grow into "
                                            "here (\"leading a small team in this department\").")
    clauses = [c for _, cs in aims for c in cs]
    if not all(_VAGUE_AMBITION.search(c.text) and not CONNECTED.search(c.text) for c in clauses):
        return Check("ambition", True, _evidence(clauses))
    return Check("ambition", False, _evidence(clauses),
                 f"\"{_short(clauses[0].text)}\" could be said anywhere: tie your ambition to this role or team.")


def _growth(a: _Answer) -> Check:
    hits = [c for c, t in a.each() if GROWTH.search(CLICHE.sub(" ", t))]
    if hits:
        return Check("growth", True, _evidence(hits))
    cliche = _hits(a, CLICHE)
    tip = "Say how you will grow into it: what you will learn or take on, step by step."
    if cliche:
        tip = f"\"{_short(CLICHE.search(cliche[0].text).group(0))}\" names no step: " + tip[0].lower() + tip[1:]
    return Check("growth", False, _evidence(cliche), tip)


def _objection(name: str) -> Finder:
    def find(a: _Answer) -> Check:
        if name == "acknowledged":
            hits = [c for m, cs in a.find(second_round.ACKNOWLEDGE) for c in cs
                    if not _NEGATED_BEFORE.search(a.text[max(0, m.start() - 30):m.start()])]
            if not hits and a.clauses and _CONCEDES.search(a.text) and not DENIAL.search(a.text):
                hits = a.clauses[:1]
            tip = "Acknowledge the concern first (\"That's a fair point, I haven't …\"), then answer it."
        elif name == "plan":
            hits = [c for m, cs in a.find(second_round.PLAN) for c in cs
                    if not _CLAIM_AFTER.search(a.text[m.end():m.end() + 40])]
            tip = "Say what you would do about it: a plan for your first weeks (\"I would start by …\")."
        else:
            told = [(c, _NOT_AN_EXAMPLE.sub(" ", t)) for c, t in a.each()]
            hits = [c for c, t in told if second_round.is_example(t)
                    or (PAST_EVENT.search(t) and re.search(r"\b(i|we|my|our)\b", t))]
            tip = "Answer the concern with a concrete example of something you did that shows it will not matter."
            claims = _hits(a, SELF_PRAISE)
            if not hits and claims:
                tip = f"'{SELF_PRAISE.search(claims[0].text).group(0)}' is a claim, not an answer. " + tip
                hits_for_evidence = claims
                return Check(name, False, _evidence(hits_for_evidence), tip)
        return Check(name, bool(hits), _evidence(hits), None if hits else tip)
    return find


def _topic(name: str, topic: str) -> Finder:
    pattern = second_round.TOPIC_PATTERNS[topic]

    def find(a: _Answer) -> Check:
        hits = [c for c, t in a.each() if pattern.search(t) and (QUESTION_FORM.search(t) or "?" in c.text)]
        if not hits:  # recognizer output runs question words and topics into separate clauses
            hits = [c for m, cs in a.find(pattern) for c in cs
                    if QUESTION_FORM.search(a.text[max(0, m.start() - 60):m.end()])]
        return Check(name, bool(hits), _evidence(hits), None if hits else f"Ask about {topic}.")
    return find


@dataclass(frozen=True)
class Rubric:
    """A yardstick: its checks, in the order they are shown."""

    name: str
    checks: tuple[tuple[str, Finder], ...]


_RUBRICS: dict[str, Rubric] = {
    ABOUT_YOURSELF: Rubric(ABOUT_YOURSELF, (
        ("present", _present),
        ("highlight", _highlight),
        ("why_now", _simple("why_now", re.compile(
            FORWARD.pattern + r"|\b(this (role|position|job|team|opportunity|opening)|why i applied|i applied|"
                              r"that'?s (why|what)|which is why|here)\b"),
            "End with why this role, now: what it lets you do next that fits what you have done.")),
    )),
    WHY_HERE: Rubric(WHY_HERE, (
        ("specific", _specific),
        ("own_experience", _simple("own_experience", OWN_EXPERIENCE,
                                   "Tie it to your own experience: what you have done that makes this a fit "
                                   "(\"In my current job I …\").")),
        ("forward", _simple("forward", FORWARD,
                            "Add a reason looking forward: what you want to do or learn here.")),
    )),
    WHY_LEAVING: Rubric(WHY_LEAVING, (
        ("looks_forward", _looks_forward),
        ("no_criticism", _no_criticism),
    )),
    FIVE_YEARS: Rubric(FIVE_YEARS, (
        ("ambition", _ambition),
        ("growth", _growth),
    )),
    OBJECTION: Rubric(OBJECTION, tuple((n, _objection(n)) for n in ("acknowledged", "example", "plan"))),
    CLOSING: Rubric(CLOSING, tuple((n, _topic(n, t)) for n, t in second_round.TOPIC_CHECKS.items())),
}


def _short(text: str, most: int = 60) -> str:
    return text if len(text) <= most else text[: most - 1].rsplit(" ", 1)[0] + " …"


# --- judging ------------------------------------------------------------------------------------


def _length(answer_s: float | None, target: tuple[float, float, float]) -> Length | None:
    if answer_s is None:
        return None
    t, low, high = target
    verdict = "short" if answer_s < low else "long" if answer_s > high else "on_target"
    return Length(t, low, high, verdict)


def _car_checks(analysis: Analysis) -> list[Check]:
    tips = {"challenge": "Open with the challenge: one or two sentences on the situation and what was at stake.",
            "action": "Say what you did: the steps you took yourself, told as 'I …'.",
            "result": "No result stated: end with what changed because of what you did, ideally with a number."}
    return [Check(k, bool(v["covered"]), [c.evidence() for c in v["evidence"]][:3], None if v["covered"] else tips[k])
            for k, v in analysis.car.items()]


def judge(rubric: str, analysis: Analysis, target: tuple[float, float, float] | None = None,
          checks: list[Check] | None = None) -> Coaching:
    """Judge an analyzed answer by `rubric`. The C/A/R rubric keeps the analysis's own tips and
    length (its target is the caller's); every other rubric gives tips from its own checks, then
    its length target (`target` overrides the rubric's), then delivery, and never a C/A/R tip.
    `checks`, when given, are the rubric's checks already found (over an answer and its follow-up
    reply together), used in place of the analysis's own."""
    target = target or target_for(rubric)
    if rubric == CAR:
        length = analysis.length
        if length is not None:
            target = (length.target_s, length.low_s, length.high_s)
        return Coaching(CAR, _car_checks(analysis), list(analysis.tips), target, length)
    answer = _Answer(analysis.clauses)
    if checks is None:
        checks = _learned([find(answer) for _, find in _RUBRICS[rubric].checks], rubric, answer)
    length = _length(analysis.answer_s, target)
    if not analysis.clauses:
        return Coaching(rubric, checks, ["No words were recognized: check the microphone and speak a full answer."],
                        target, length)
    tips: list[tuple[int, str]] = []
    failed = [c for c in checks if not c.passed]
    if rubric == CLOSING:
        # one tip for all the topics left out, as a list: five separate tips would crowd out the rest
        if len(failed) == len(checks):
            tips.append((0, ("Ask two or three questions of your own: about the team, training, growth, pay and "
                             "benefits, or to see where you would work.")))
        elif failed:
            names = [second_round.TOPIC_CHECKS[c.name] for c in failed]
            listed = ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]
            tips.append((1, f"You did not ask about {listed}."))
    else:
        tips += [(i, c.tip) for i, c in enumerate(failed) if c.tip]
    if rubric == FIVE_YEARS and checks[0].passed and not CONNECTED.search(answer.text):
        # an aim elsewhere ("my own restaurant") makes an interviewer wonder how long you would stay
        tips.append((5, "Say how this role is a step toward your aim, so it is clear why you would stay and grow here."))
    if rubric == WHY_HERE and checks[0].passed and (generic := GENERIC_PRAISE.search(answer.text)):
        # specific enough, but the stock phrase still costs attention: name it back
        tips.append((5, f"'{generic.group(0)}' says nothing about us: keep the specific part and drop it."))
    if length is not None and length.verdict != "on_target":
        word = "cut" if length.verdict == "long" else "add to"
        tips.append((4, (f"The answer ran {fmt_minutes(analysis.answer_s)}: {word} it, aim for "
                         f"{fmt_minutes(target[1])}-{fmt_minutes(target[2])}.")))
    tips += delivery_tips(analysis.wpm, analysis.answer_s, analysis.delivery)
    tips.sort(key=lambda t: t[0])
    return Coaching(rubric, checks, [t for _, t in tips[:3]], target, length)


def check_names(rubric: str) -> tuple[str, ...]:
    """The names of a rubric's checks, in order."""
    if rubric == CAR:
        return ("challenge", "action", "result")
    if rubric not in _RUBRICS:
        raise KindError(f"unknown rubric {rubric!r}; use one of {', '.join(RUBRICS)}")
    return tuple(n for n, _ in _RUBRICS[rubric].checks)


def coaching_json(analysis: Analysis, rubric: str, target_s: float | None = None) -> dict:
    """The fields an answer's JSON gets from its yardstick: `rubric`, `checks`, `tips`, `length`,
    and `car` only when the rubric is C/A/R. `target_s` (the user's own) overrides every rubric's."""
    target = None if target_s is None else (target_s, target_s * ON_TARGET_LOW, target_s * ON_TARGET_HIGH)
    coaching = judge(rubric, analysis, target)
    out = {"rubric": rubric, "checks": [c.to_json() for c in coaching.checks], "tips": coaching.tips,
           "length": coaching.length.to_json() if coaching.length else None}
    out["car"] = analysis.car_json() if rubric == CAR else None
    return out


def unsure_tip(rubric: str | None, reason: str | None) -> str:
    """The one tip for a transcript too unsure to judge: a story's, or any other answer's."""
    why = reason or "the transcript is too unsure"
    if rubric in (None, CAR):
        return f"The story could not be judged reliably: {why}"
    return f"The transcript was too unsure to judge the answer: {why}"


def target_s_for(rubric: str, override_s: float | None) -> float:
    """The target length an analysis should use: the user's own, else the rubric's."""
    return override_s if override_s is not None else target_for(rubric)[0]


# --- the learned checks and the question-kind reader (kind_checks.py) ---------------------------

# The cue patterns the learned checks count in an answer (kind_checks.CUE_NAMES).
_CUES = {
    "generic_praise": GENERIC_PRAISE, "self_praise": SELF_PRAISE, "specific": SPECIFIC, "specific_loose": SPECIFIC_LOOSE,
    "own_experience": OWN_EXPERIENCE, "forward": FORWARD, "present_role": PRESENT_ROLE, "achieved": ACHIEVED,
    "criticism": CRITICISM, "ambition": AMBITION, "vague_ambition": _VAGUE_AMBITION, "connected": CONNECTED,
    "growth": GROWTH, "cliche": CLICHE, "question_form": QUESTION_FORM, "acknowledge": second_round.ACKNOWLEDGE,
    "plan": second_round.PLAN, "past_event": PAST_EVENT, "measure": MEASURE, "denial": DENIAL,
    "concedes": _CONCEDES, "refer_back": second_round.REFER_BACK,
}
_CRITICISM_TIP = ("Leave out the criticism (\"{quote}\"): it makes the interviewer wonder what you will say about "
                  "them. Say what you are moving toward instead.")


def answer_inputs(rubric: str, clauses: list[Clause]) -> kind_checks.AnswerInputs:
    """An answer's clauses as the learned checks read them: the rules' verdicts on every check of
    `rubric`, the cue counts, the C/A/R probabilities the analysis gave each clause."""
    a = _Answer(clauses)
    rules = {name: float(find(a).passed) for name, find in _RUBRICS[rubric].checks}
    cues = {k: min(len(p.findall(a.text)), 3) / 3 for k, p in _CUES.items()}
    car = np.array([[float(c.scores.get(k, 0.0)) for k in ("challenge", "action", "result")] for c in clauses],
                   dtype=np.float64).reshape(-1, 3)
    return kind_checks.AnswerInputs([c.text for c in clauses], car, rules, cues)


def learned_clauses(name: str, clauses: list[Clause]) -> list[Clause]:
    """The clauses a learned check reads: all, but for `specific` none that is only stock praise."""
    if name != "specific":
        return clauses
    a = _Answer(clauses)
    return [c for c, t in a.each() if not _praise_only(t)]


def _carriers(model: kind_checks.KindModel, rubric: str, name: str, clauses: list[Clause],
              passing: bool) -> list[Clause]:
    """The clauses that carry a learned verdict: each clause read alone, those over PASS_P (the likeliest
    first) when it passed, under it (the least likely first) when it failed; else the single likeliest."""
    probs = [model.check_probability(rubric, name, answer_inputs(rubric, [c])) for c in clauses]
    order = sorted(range(len(clauses)), key=lambda i: -probs[i] if passing else probs[i])
    chosen = [i for i in order if (probs[i] >= kind_checks.PASS_P) == passing]
    return [clauses[i] for i in (chosen or order[:1])]


def _learned(checks: list[Check], rubric: str, answer: _Answer) -> list[Check]:
    """The rules' checks, with each check that has a learned model judged by it instead. When both agree
    the rule's check stands (its evidence and tip); a learned pass quotes the clauses that carry it."""
    if not answer.clauses:
        return checks
    model = kind_model()
    out = []
    for check, (name, find) in zip(checks, _RUBRICS[rubric].checks):
        if not model.uses_model(rubric, name):
            out.append(check)
            continue
        clauses = learned_clauses(name, answer.clauses)
        passed = bool(clauses) and model.check_probability(
            rubric, name, answer_inputs(rubric, clauses)) >= kind_checks.PASS_P
        if passed == check.passed:
            out.append(check)
        elif passed:
            out.append(Check(name, True, _evidence(_carriers(model, rubric, name, clauses, True))))
        elif name == "no_criticism":
            said = _carriers(model, rubric, name, clauses, False)
            out.append(Check(name, False, _evidence(said), _CRITICISM_TIP.format(quote=_short(said[0].text))))
        else:
            out.append(Check(name, False, [], find(_Answer([])).tip))
    return out


def question_cues(question_text: str) -> dict[str, float]:
    """The wording rules' hits on a question and their verdicts (kind_checks.QUESTION_CUE_NAMES)."""
    t = _question(question_text)
    raw = " ".join(question_text.lower().split())
    kind = _rule_kind(question_text)
    rubric = _rule_motivation_rubric(question_text) if kind == "motivation" else _KIND_DEFAULT[kind]
    cues = {"q_closing": _Q_CLOSING, "q_second": _Q_SECOND, "q_behavioural": _Q_BEHAVIOURAL,
            "q_objection": _Q_OBJECTION, "q_about": _Q_ABOUT, "q_leaving": _Q_LEAVING, "q_five": _Q_FIVE,
            "q_why": _Q_WHY}
    out = {k: float(bool(p.search(t))) for k, p in cues.items()}
    out["q_doubt"] = float(_states_a_doubt(raw))
    out["q_sentences"] = min(len(re.findall(r"[.?!]+(?=\s|$)", raw)) or 1, 3) / 3
    out["q_ends_with_question"] = float(raw.rstrip().endswith("?"))
    out[f"rule_kind:{kind}"] = 1.0
    out[f"rule_rubric:{rubric}"] = 1.0
    return out


_KIND_MODEL: kind_checks.KindModel | None = None


def _self_check_inputs(rubric: str, name: str, text: str) -> kind_checks.AnswerInputs:
    from rehearse.judge.analysis import analyze, words_from_text

    return answer_inputs(rubric, learned_clauses(name, analyze(words_from_text(text)).clauses))


def kind_model(path: Path | None = None) -> kind_checks.KindModel:
    """The shipped per-kind check and question-kind model, loaded and self-checked on first use."""
    global _KIND_MODEL
    if path is not None:
        model = kind_checks.read_model(path)
        model.verify(_self_check_inputs, question_cues)
        return model
    if _KIND_MODEL is None:
        model = kind_checks.read_model(kind_checks.MODEL_PATH)
        model.verify(_self_check_inputs, question_cues)
        _KIND_MODEL = model
    return _KIND_MODEL
