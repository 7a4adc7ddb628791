"""What an answer did: length, pace and Challenge / Action / Result coverage. Pure functions.

Works on punctuated prose and on lowercase, unpunctuated recognizer output alike: the text is cut
into clauses at punctuation, at pauses in the word timings and before discourse markers
("so", "and then", "as a result", "in the end"), and each clause is labelled from what it says and
where it sits in the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rehearse.transcript import Span, Word

TARGET_S = 120.0
ON_TARGET_LOW = 0.75
ON_TARGET_HIGH = 1.25
CLAUSE_PAUSE_S = 0.35
MIN_CLAUSE_WORDS = 3
PACE_SLOW_WPM = 100
PACE_FAST_WPM = 180
SETUP_TOO_LONG_SHARE = 0.5
COMPONENTS = ("challenge", "action", "result")

# --- lexicons -------------------------------------------------------------------------------

NUMBER_WORDS = set(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand million billion half double doubled triple tripled percent "
    "percentage dozen dozens".split()
)

# Markers that open a new clause when they follow at least MIN_CLAUSE_WORDS words.
MARKERS = [
    "as a result", "in the end", "at the end", "and then", "after that", "in the meantime",
    "which meant", "the result", "the outcome", "so i", "so we", "but", "however", "because",
    "eventually", "finally", "ultimately", "afterwards", "since then", "by the end",
    "that meant", "this meant", "the problem", "the challenge", "the issue", "what i did",
    "my role", "my job", "thanks to", "overall", "in total", "and i", "and we", "and our",
    "i also", "based on",
]
_MARKER_SEQS = sorted((m.split() for m in MARKERS), key=len, reverse=True)
# Words that open a clause only when a subject follows ("then i called", not "the next promotion").
SUBJECT_OPENERS = {"then", "next", "first", "second", "third", "later", "so", "and"}
SUBJECTS = {"i", "we", "they", "he", "she", "our", "my", "the", "it", "that", "this"}

CHALLENGE_CUES = [
    r"problem", r"issues?\b", r"challeng", r"difficult", r"struggl", r"deadline", r"behind schedule",
    r"conflict", r"complain", r"broke\b", r"broken", r"failing", r"fail(ed|ure)", r"crash",
    r"outage", r"\brisks?\b", r"losing", r"\blost\b", r"\blate\b", r"over budget", r"pressure",
    r"\btight\b", r"couldn'?t", r"could not", r"wasn'?t working", r"bottleneck", r"backlog",
    r"\berrors?\b", r"\bbugs?\b", r"unhappy", r"angry", r"frustrat", r"escalat", r"churn",
    r"declin", r"shortage", r"understaffed", r"short staffed", r"situation", r"tasked",
    r"was asked to", r"were asked to", r"had to", r"needed to", r"\bgoal\b", r"constraint",
    r"only had", r"nobody", r"no one", r"too (slow|many|much|long)", r"\bmess", r"stuck",
    r"blocked", r"urgent", r"critical", r"threat", r"complex", r"disagree", r"tension",
    r"inherited", r"quit\b", r"left the (company|team)", r"falling", r"slipping", r"delay",
    r"overwhelm", r"chaos", r"missing", r"weren'?t", r"didn'?t (work|have|know)", r"at stake",
    r"expir", r"down for", r"kept (breaking|failing|crashing)", r"at the time",
]
RESULT_CUES = [
    r"as a result", r"\bresult", r"outcome", r"in the end", r"eventually", r"ended up",
    r"\bsaved\b", r"\bsaving", r"reduc", r"increas", r"improv", r"\bcut\b.*\bby\b", r"\bgrew\b",
    r"dropped", r"\bfell\b", r"percent", r"%", r"on time", r"ahead of schedule", r"delivered",
    r"launched", r"shipped", r"\bwon\b", r"promot", r"award", r"feedback (was|from)", r"learn",
    r"lesson", r"since then", r"still (use|uses|used|in use)", r"adopted", r"praised", r"thanked",
    r"succe", r"achiev", r"met (the|our|every) (deadline|target|goal)", r"hit (the|our)", r"fewer", r"faster", r"doubled",
    r"tripled", r"halved", r"recogni[sz]ed", r"renewed", r"retained", r"signed", r"went live",
    r"back on track", r"by the end", r"which meant", r"that meant", r"this meant", r"\bnow\b",
    r"became", r"no longer", r"zero", r"record", r"best", r"highest", r"lowest", r"grateful",
    r"happy with", r"satisfied", r"rating", r"score", r"revenue", r"profit",
]
ACTION_VERBS = (
    r"\w+ed|built|wrote|rewrote|led|met|took|made|ran|set|began|brought|sat|spoke|went|drew|"
    r"gave|got|found|chose|taught|thought|told|put|sent|kept|held|dug|broke|split|cut|did|"
    r"paired|sought|pulled|stepped|reached|called|asked|tried|focused|created|decided|"
    r"started|worked|talked|proposed|organi[sz]ed|designed|introduced|suggested|built|"
    r"reviewed|analy[sz]ed|wrote|trained|negotiated|coached|mapped|moved|rebuilt|fixed|"
    r"stayed|sketched|shadowed|volunteered|spent|pushed|let|read|sold|won|bought|hired|"
    r"fought|handed|knew|saw|heard|dealt|lent|meant|paid|ate|laid"
)
_I_DID = re.compile(rf"\b(i|i'?ve|myself)\s+(\w+ly\s+|then\s+|also\s+|first\s+|had\s+|would\s+)?({ACTION_VERBS})\b")
_WE_DID = re.compile(rf"\b(we|our team|the team)\s+(\w+ly\s+|then\s+|also\s+|first\s+|had\s+)?({ACTION_VERBS})\b")
_VERB_ONLY = re.compile(rf"({ACTION_VERBS})")
_ACTION_PHRASES = re.compile(
    r"\b(what i did|my (approach|plan|solution|idea|first step)|i (decided|chose) to|"
    r"i (started|began) by|i made sure|i worked with|i took (the lead|ownership|charge)|"
    r"i set up|i reached out|i sat down|i went to|i put together|i came up with|i suggested|"
    r"i proposed|i volunteered|step one|the first thing i)\b"
)
_MEASURE = re.compile(r"\d|%|\b(" + "|".join(sorted(NUMBER_WORDS)) + r")\b")
_CHALLENGE = re.compile("|".join(f"(?:{c})" for c in CHALLENGE_CUES))
_RESULT = re.compile("|".join(f"(?:{c})" for c in RESULT_CUES))
_NEG_RESULT_CONTEXT = re.compile(r"\b(needed to|had to|wanted to|goal was to|asked to|trying to)\b")
_TOKEN = re.compile(r"[\w'%$]+|[.!?;:,]")


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
    """Cut a word list into clauses at punctuation, pauses and discourse markers."""
    groups: list[list[Word]] = []
    current: list[Word] = []

    def close():
        if any(w.word not in ".!?;:," for w in current):
            groups.append([w for w in current if w.word not in ".!?;:,"])
        current.clear()

    tokens = [w for w in words if w.word]
    lowered = [w.word.lower() for w in tokens]
    opened_by = 0  # length of the marker that opened the current clause
    for i, w in enumerate(tokens):
        if w.word in ".!?;":
            close()
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
        current.append(w)
    close()
    n = len(groups)
    clauses = []
    for k, g in enumerate(groups):
        start = g[0].start if g[0].start >= 0 else None
        end = g[-1].end if g[-1].end >= 0 else None
        clauses.append(Clause(" ".join(w.word for w in g), start, end, (k + 0.5) / n if n else 0.0))
    return clauses


def _marker_at(lowered: list[str], i: int) -> int:
    """How many words of a clause opener stand at word i (0 for none): a discourse marker, or a
    new subject with its verb."""
    for seq in _MARKER_SEQS:
        if lowered[i : i + len(seq)] == seq:
            return len(seq)
    nxt = lowered[i + 1] if i + 1 < len(lowered) else ""
    if lowered[i] in SUBJECT_OPENERS and nxt in SUBJECTS:
        return 2
    # "... losing orders i traced the crashes": a first-person subject and a past-tense verb
    new_subject = lowered[i] in ("i", "we") and bool(_VERB_ONLY.fullmatch(nxt)) and i > 0 and lowered[i - 1] not in (
        "that", "what", "when", "which", "so", "and", "then", "as", "because", "if", "until", "after", "before")
    return 2 if new_subject else 0


# --- labelling ------------------------------------------------------------------------------


def score_clause(text: str, position: float) -> dict[str, float]:
    """How strongly a clause reads as challenge, action and result."""
    t = text.lower()
    challenge = 1.0 * len(_CHALLENGE.findall(t))
    result = 1.0 * len(_RESULT.findall(t))
    action = 0.0
    if _I_DID.search(t):
        action += 1.5
    if _WE_DID.search(t):
        action += 1.0
    if _ACTION_PHRASES.search(t):
        action += 1.5
    if _MEASURE.search(t) and result:
        result += 1.0
    if _NEG_RESULT_CONTEXT.search(t):
        result *= 0.3  # "we needed to cut costs" states a goal, not an outcome
    # Where a clause sits matters: setups come first and outcomes last.
    challenge *= 1.3 if position < 0.4 else (0.7 if position > 0.7 else 1.0)
    result *= 1.3 if position > 0.6 else (0.6 if position < 0.3 else 1.0)
    return {"challenge": challenge, "action": action, "result": result}


def label_clauses(clauses: list[Clause]) -> list[Clause]:
    for c in clauses:
        c.scores = score_clause(c.text, c.position)
        best = max(COMPONENTS, key=lambda k: c.scores[k])
        c.label = best if c.scores[best] >= 1.0 else "other"
    return clauses


# --- the whole answer -----------------------------------------------------------------------


@dataclass
class Length:
    target_s: float
    low_s: float
    high_s: float
    verdict: str  # short | on_target | long

    def to_json(self) -> dict:
        return {"target_s": self.target_s, "low_s": self.low_s, "high_s": self.high_s, "verdict": self.verdict}


def length_verdict(answer_s: float, target_s: float = TARGET_S) -> Length:
    """Short, on target (75 % to 125 % of the target) or long."""
    low, high = round(target_s * ON_TARGET_LOW, 3), round(target_s * ON_TARGET_HIGH, 3)
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

    def car_json(self) -> dict:
        return {
            k: {"covered": v["covered"], "evidence": [c.evidence() for c in v["evidence"]]}
            for k, v in self.car.items()
        }


def fmt_minutes(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def analyze(
    words: list[Word],
    answer: Span | None = None,
    target_s: float = TARGET_S,
) -> Analysis:
    """Analyze an answer's words; `answer` is its first-to-last speech span when audio was heard."""
    clauses = label_clauses(split_clauses(words))
    car = {k: {"covered": False, "evidence": []} for k in COMPONENTS}
    for c in clauses:
        if c.label in car:
            car[c.label]["covered"] = True
            car[c.label]["evidence"].append(c)
    spoken = [w for w in words if w.word not in ".!?;:,"]
    answer_s = answer.length if answer else None
    wpm = round(len(spoken) / answer_s * 60.0, 1) if answer_s else None
    length = length_verdict(answer_s, target_s) if answer_s is not None else None
    return Analysis(
        transcript=" ".join(w.word for w in spoken),
        words=spoken,
        clauses=clauses,
        car=car,
        wpm=wpm,
        length=length,
        answer_s=answer_s,
        tips=tips_for(clauses, car, length, answer_s, wpm, answer),
    )


def tips_for(clauses, car, length, answer_s, wpm, answer) -> list[str]:
    """The two or three most useful things to change, most useful first."""
    tips: list[str] = []
    if not clauses:
        return ["No words were recognized: check the microphone and speak a full answer."]
    if not car["result"]["covered"]:
        tips.append("No result stated: end with what changed because of what you did, ideally with a number.")
    elif not any(_MEASURE.search(c.text) for c in car["result"]["evidence"]):
        tips.append("Your result has no measure: add a number (time or money saved, a percentage, people helped).")
    if not car["action"]["covered"]:
        tips.append("Say what you did: the steps you took yourself, told as 'I …'.")
    else:
        acts = " ".join(c.text for c in car["action"]["evidence"]).lower()
        if _WE_DID.search(acts) and not _I_DID.search(acts) and not _ACTION_PHRASES.search(acts):
            tips.append("Your actions are all told as 'we': say what you did yourself.")
    if not car["challenge"]["covered"]:
        tips.append("Open with the challenge: one or two sentences on the situation and what was at stake.")
    if length is not None and length.verdict == "long":
        tips.append(f"The answer ran {fmt_minutes(answer_s)}: cut the setup and aim for about {fmt_minutes(length.target_s)}.")
    elif length is not None and length.verdict == "short":
        tips.append(f"The answer ran {fmt_minutes(answer_s)}: add detail to your actions and the result, aim for about {fmt_minutes(length.target_s)}.")
    first_action = next((c for c in clauses if c.label == "action"), None)
    if first_action is not None and answer and first_action.start is not None and answer.length > 0:
        share = (first_action.start - answer.start) / answer.length
        if share > SETUP_TOO_LONG_SHARE:
            tips.append(f"The setup ran {share:.0%} of the answer before your first action: get to what you did sooner.")
    elif first_action is not None and first_action.position > SETUP_TOO_LONG_SHARE + 0.1:
        tips.append("The setup takes most of the answer before your first action: get to what you did sooner.")
    if wpm is not None and wpm > PACE_FAST_WPM:
        tips.append(f"You spoke fast ({wpm:.0f} words a minute): slow down and pause between the parts.")
    elif wpm is not None and wpm < PACE_SLOW_WPM and answer_s and answer_s > 20:
        tips.append(f"You spoke slowly ({wpm:.0f} words a minute): keep the story moving.")
    return tips[:3]
