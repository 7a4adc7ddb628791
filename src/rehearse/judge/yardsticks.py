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

from rehearse.judge import kind_checks
from rehearse.judge.analysis import (
    ON_TARGET_HIGH,
    ON_TARGET_LOW,
    Analysis,
    Clause,
    Length,
    delivery_tips,
    fmt_minutes,
    length_verdict,
)
from rehearse.judge.kinds import (
    ABOUT_YOURSELF,
    CAR,
    CLOSING,
    FIVE_YEARS,
    OBJECTION,
    RUBRICS,
    WHY_HERE,
    WHY_LEAVING,
    KindError,
    target_for,
)
from rehearse.judge.vocabulary import (
    ACHIEVED,
    ACKNOWLEDGE,
    ACTION_PHRASES,
    AMBITION,
    CHANGED,
    CLAIM_AFTER,
    CLICHE,
    CONCEDES,
    CONNECTED,
    CRITICISM,
    DENIAL,
    FORWARD,
    FUTURE_PLAN,
    GENERIC_PRAISE,
    GROWTH,
    I_DID,
    MEASURE,
    NEGATED_BEFORE,
    NOT_A_ROLE,
    NOT_AN_EXAMPLE,
    NOT_DONE,
    OWN_EXPERIENCE,
    PAST_EVENT,
    PRAISE_NEXT,
    PRESENT_ROLE,
    PROUD_OF,
    QUESTION_FORM,
    REFER_BACK,
    RESULT_RE,
    SELF_PRAISE,
    SPECIFIC,
    SPECIFIC_LOOSE,
    TOPICS,
    VAGUE_AMBITION,
    WE_DID,
)
from rehearse.judge.wording import question_cues

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


STRONG_RESULT_MIN = 1.2


# --- the objection and closing rubrics' tables -----------------------------------------------------

# The topics of one's own questions (closing): each check's name and how the tip names it.
TOPIC_PATTERNS = {k: re.compile(v) for k, v in TOPICS.items()}
# The closing yardstick's check names for the topics above.
TOPIC_CHECKS = {
    "compensation_and_benefits": "compensation and benefits", "tour": "a tour",
    "training_and_development": "training and development", "growth": "growth", "team_and_culture": "team and culture",
}

def is_example(text: str) -> bool:
    """Does the text tell something the speaker did (a concrete example, not a claim)?"""
    t = text.lower()
    return bool(I_DID.search(t) or WE_DID.search(t)) and bool(MEASURE.search(t) or I_DID.search(t))



# --- the checks ---------------------------------------------------------------------------------


Finder = Callable[[_Answer], Check]


def _simple(name: str, pattern: re.Pattern, tip: str) -> Finder:
    def find(a: _Answer) -> Check:
        hits = _affirmed(a, pattern)
        return Check(name, bool(hits), _evidence(hits), None if hits else tip)
    return find


def _present(a: _Answer) -> Check:
    hits = []
    for m, cs in a.find(PRESENT_ROLE):
        window = a.text[m.start():m.end() + 30]
        if re.match(r"(i'?m|i am) (a|an) ", window) and (SELF_PRAISE.search(window) or NOT_A_ROLE.search(
                window, len(m.group(0)) - 2, len(m.group(0)) + 16)):
            continue
        hits += cs
    tip = "Start with now: what you do today, in a sentence (\"I'm a … at …, where I …\")."
    return Check("present", bool(hits), _evidence(hits), None if hits else tip)


def _highlight(a: _Answer) -> Check:
    """A past achievement and what came of it, in the same clause or one of the next two; an achievement
    with a measured outcome is a highlight however it is told."""
    pairs = [(c, NOT_DONE.sub("", t)) for c, t in a.each()]
    did = [i for i, (c, t) in enumerate(pairs) if ACHIEVED.search(t) or I_DID.search(t) or WE_DID.search(t)
           or ACTION_PHRASES.search(t) or (PAST_EVENT.search(t) and re.search(r"\b(i|we)\b", t))
           or PROUD_OF.search(t)]
    for i in did:
        for j in (i, i + 1, i + 2):
            if j < len(pairs):
                t = pairs[j][1]
                strong = sum(w for w, p in RESULT_RE if w >= STRONG_RESULT_MIN and p.search(t))
                if strong or (MEASURE.search(t) and (j != i or ACHIEVED.search(t) or CHANGED.search(t))):
                    return Check("highlight", True, _evidence([pairs[i][0], pairs[j][0]]))
    if did:
        return Check("highlight", False, _evidence([pairs[did[0]][0]]),
                     "Your highlight has no result: say what changed because of it, with a number if you can.")
    tip = "Add one highlight from your past that fits this role, with its result (\"I led …, and sign-ups doubled\")."
    claims = _hits(a, SELF_PRAISE)
    if claims:
        tip = f"'{SELF_PRAISE.search(claims[0].text).group(0)}' is a claim: show it instead. " + tip
    return Check("highlight", False, _evidence(claims), tip)


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
        if not GENERIC_PRAISE.search(a.text[m.start():m.end() + 40]) and not PRAISE_NEXT.match(a.text, m.end()):
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
            if not NEGATED_BEFORE.search(a.text[max(0, m.start() - 30):m.start()])]


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
    if not all(VAGUE_AMBITION.search(c.text) and not CONNECTED.search(c.text) for c in clauses):
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
            hits = [c for m, cs in a.find(ACKNOWLEDGE) for c in cs
                    if not NEGATED_BEFORE.search(a.text[max(0, m.start() - 30):m.start()])]
            if not hits and a.clauses and CONCEDES.search(a.text) and not DENIAL.search(a.text):
                hits = a.clauses[:1]
            tip = "Acknowledge the concern first (\"That's a fair point, I haven't …\"), then answer it."
        elif name == "plan":
            hits = [c for m, cs in a.find(FUTURE_PLAN) for c in cs
                    if not CLAIM_AFTER.search(a.text[m.end():m.end() + 40])]
            tip = "Say what you would do about it: a plan for your first weeks (\"I would start by …\")."
        else:
            told = [(c, NOT_AN_EXAMPLE.sub(" ", t)) for c, t in a.each()]
            hits = [c for c, t in told if is_example(t)
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
    pattern = TOPIC_PATTERNS[topic]

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
    CLOSING: Rubric(CLOSING, tuple((n, _topic(n, t)) for n, t in TOPIC_CHECKS.items())),
}


def _short(text: str, most: int = 60) -> str:
    return text if len(text) <= most else text[: most - 1].rsplit(" ", 1)[0] + " …"


# --- judging ------------------------------------------------------------------------------------


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
    length = None if analysis.answer_s is None else length_verdict(analysis.answer_s, target[0], target[1:])
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
            names = [TOPIC_CHECKS[c.name] for c in failed]
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


# --- the learned checks and the question-kind reader (kind_checks.py) ---------------------------

# The cue patterns the learned checks count in an answer (kind_checks.CUE_NAMES).
_CUES = {
    "generic_praise": GENERIC_PRAISE, "self_praise": SELF_PRAISE, "specific": SPECIFIC, "specific_loose": SPECIFIC_LOOSE,
    "own_experience": OWN_EXPERIENCE, "forward": FORWARD, "present_role": PRESENT_ROLE, "achieved": ACHIEVED,
    "criticism": CRITICISM, "ambition": AMBITION, "vague_ambition": VAGUE_AMBITION, "connected": CONNECTED,
    "growth": GROWTH, "cliche": CLICHE, "question_form": QUESTION_FORM, "acknowledge": ACKNOWLEDGE,
    "plan": FUTURE_PLAN, "past_event": PAST_EVENT, "measure": MEASURE, "denial": DENIAL,
    "concedes": CONCEDES, "refer_back": REFER_BACK,
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
