"""One answer's feedback, live or stored: the object every view renders and the store keeps.

Its JSON is the contract of `score --json`, `interview --json`, drill answer events and
`history --json`. Stored answers are re-analysed from their timed words with the current checker
(analysis is cheap), so history, stats and the report never mix two versions of the checker.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rehearse.errors import RehearseError
from rehearse.transcript import Span, Word

COMPONENTS = ("challenge", "action", "result")
STORY_KINDS = ("behavioural", "second-interview")
ENDED_BY_WORDS = {
    "silence": "you paused",
    "enter": "you pressed Enter",
    "max": "time limit",
    "command": "voice command",
    "interrupted": "stopped",
    "text": "typed",
    "no_speech": "no answer",
    None: "",
}


@dataclass
class Feedback:
    """The feedback on one answer. `data` is its JSON; the properties read it with its defaults."""

    data: dict = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict) -> Feedback:
        """Feedback from its JSON (as printed or stored)."""
        if not isinstance(data, dict):
            raise ValueError("feedback JSON must be an object")
        return cls(dict(data))

    def to_json(self) -> dict:
        """The JSON printed and stored: every field, with the question's `kind` beside its `rubric`."""
        return {**self.data, "kind": self.kind}

    # --- who and when ---
    @property
    def answer_id(self) -> int | None:
        return self.data.get("answer_id")

    @property
    def id(self) -> int | None:  # the store's name for it
        return self.answer_id

    @property
    def question(self) -> str | None:
        return self.data.get("question")

    @property
    def kind(self) -> str:
        """The question's kind: the question's own, else the one scored with, else its rubric's."""
        known = self.data.get("question_kind") or self.data.get("kind")
        if known:
            return known
        from rehearse.judge.kinds import kind_of_rubric

        return kind_of_rubric(self.data.get("rubric"))

    @property
    def session_id(self) -> int | None:
        return self.data.get("session_id")

    @property
    def round(self) -> int:
        return self.data.get("round") or 1

    @property
    def created_at(self) -> float:
        return self.data.get("created_at") or 0.0

    @property
    def ended_by(self) -> str | None:
        return self.data.get("ended_by")

    @property
    def ended_by_words(self) -> str:
        """How the answer ended, said plainly."""
        return ENDED_BY_WORDS.get(self.ended_by, self.ended_by or "")

    @property
    def audio_path(self) -> str | None:
        return self.data.get("audio_path")

    @property
    def engine(self) -> str | None:
        return self.data.get("engine")

    @property
    def model(self) -> str | None:
        return self.data.get("model")

    # --- the answer ---
    @property
    def answer_s(self) -> float:
        return self.data.get("answer_s") or 0.0

    @property
    def spoken(self) -> bool:
        """Has this answer a length (heard, or typed with the time it took)?"""
        return self.data.get("answer_s") is not None

    @property
    def typed(self) -> bool:
        """Was this answer written (`analyze`, a typed recall) rather than heard from a recording?"""
        return self.ended_by == "text" or not (self.engine or self.audio_path)

    @property
    def judged(self) -> bool:
        """False for a recording too short to judge (it has no verdict at all)."""
        return self.data.get("judged", True) is not False

    @property
    def too_short(self) -> bool:
        return not self.judged and self.data.get("reason") == "too_short"

    @property
    def rejudged(self) -> bool | None:
        """Judged again by the current checker (True), scored by an older one that could not judge it
        again (False: its verdict is the older checker's), or neither (None)."""
        return self.data.get("rejudged")

    @property
    def analysis_version(self) -> int:
        return self.data.get("analysis_version") or 0

    @property
    def wpm(self) -> float | None:
        return self.data.get("wpm")

    @property
    def length(self) -> dict:
        return self.data.get("length") or {}

    @property
    def verdict(self) -> str | None:
        return self.length.get("verdict")

    @property
    def transcript(self) -> str:
        return self.data.get("transcript") or ""

    @property
    def words(self) -> list[Word]:
        return [Word(w["word"], w["start"], w["end"], w.get("conf")) for w in self.data.get("words") or []]

    @property
    def asks_story(self) -> bool:
        """Does its question ask for a story (judged by C/A/R)? By its rubric, else by its kind."""
        rubric = self.data.get("rubric")
        return rubric == "car" if rubric else self.kind in STORY_KINDS

    @property
    def car(self) -> dict:
        """C/A/R, for a question that asks for a story only (an older checker read every answer so)."""
        return (self.data.get("car") or {}) if self.asks_story else {}

    @property
    def story(self) -> dict:
        """C/A/R over the answer and its follow-up together (the answer alone when none was asked)."""
        return (self.data.get("story_car") or self.car) if self.asks_story else {}

    def covered(self, component: str) -> bool:
        return bool(self.story.get(component, {}).get("covered"))

    @property
    def missing(self) -> list[str]:
        """The story's parts not told (only for questions judged by C/A/R)."""
        return [k for k in COMPONENTS if self.car and not self.covered(k)]

    @property
    def follow_up(self) -> dict | None:
        """The follow-up question asked after this answer, its reason, and the reply's JSON."""
        return self.data.get("follow_up")

    @property
    def reply(self) -> Feedback | None:
        """The reply to this answer's follow-up, as a reply is shown (no verdict of its own)."""
        reply = (self.follow_up or {}).get("answer")
        if not reply:
            return None
        # its clauses as the story reads them (none when it was kept with a reading of its own)
        clauses = None if reply_judged_alone(self.data) else reply.get("clauses")
        return Feedback.from_json({**reply_json(reply, clauses), "parent_id": self.answer_id})

    @property
    def parent_id(self) -> int | None:
        """For a follow-up reply: the number of the answer it belongs to."""
        return self.data.get("parent_id")

    @property
    def number(self) -> str:
        """The number a person uses for it: "7", or "7.1" for the reply to answer 7's follow-up."""
        if self.parent_id:
            return reply_number(self.parent_id)
        return str(self.answer_id) if self.answer_id is not None else ""

    @property
    def checks(self) -> list[dict]:
        return self.data.get("story_checks") or self.data.get("checks") or []

    @property
    def rubric(self) -> str | None:
        return self.data.get("rubric")

    @property
    def tips(self) -> list[str]:
        if not self.data.get("rubric") and not self.asks_story:
            return []  # an older checker's story tips, for a question that asks for no story
        return self.data.get("tips") or []

    @property
    def delivery(self) -> dict:
        return self.data.get("delivery") or {}

    @property
    def reliable(self) -> bool:
        return self.data.get("reliable", True) is not False

    @property
    def reliable_reason(self) -> str | None:
        return self.data.get("reliable_reason")

    @property
    def extras(self) -> dict:
        """Second-interview, objection and own-question feedback, when the question has it."""
        return {k: self.data[k] for k in ("round2", "objection", "topics") if self.data.get(k)}

    @property
    def feedback_latency_s(self) -> float | None:
        return self.data.get("feedback_latency_s")

    def answer_span(self) -> Span | None:
        start, end = self.data.get("answer_start_s"), self.data.get("answer_end_s")
        return Span(start, end) if start is not None and end is not None else None


# What a follow-up reply does not have: it is judged as part of its answer's story, never alone.
REPLY_VERDICT_KEYS = ("car", "checks", "length", "tips", "rubric", "story_car", "story_checks", "follow_up",
                      "round2", "objection", "topics", "clauses")


def reply_number(parent_id: int) -> str:
    """A follow-up reply's number: its answer's, then ".1" (an answer has at most one follow-up)."""
    return f"{parent_id}.1"


def reply_json(reply: dict, clauses: list[dict] | None = None) -> dict:
    """A follow-up reply as it is kept and shown: its words, times and delivery, with no `car`,
    `checks`, `length` or `tips` of its own. `clauses` are its clauses as the story reads them."""
    out = {k: v for k, v in reply.items() if k not in REPLY_VERDICT_KEYS}
    if clauses is not None:
        out["clauses"] = clauses
    return out


def with_follow_up(answer: dict, follow_up: dict, reply: dict | None) -> dict:
    """An answer's JSON once its follow-up was asked: `follow_up` {`question`, `reason`, `answer`:
    the reply with no verdict of its own, or null, …}, and the story over both (`story_car` or
    `story_checks`) with the tips that story calls for."""
    from rehearse.judge.story import story_judgement

    data = {k: v for k, v in answer.items() if k not in ("story_car", "story_checks")}
    data["follow_up"] = {**follow_up, "answer": None}
    if not reply:
        return data
    judged = story_judgement(data, reply)
    data["follow_up"]["answer"] = reply_json(reply, judged["reply_clauses"])
    for key in ("story_car", "story_checks"):
        if key in judged:
            data[key] = judged[key]
    if data.get("reliable", True) is not False:  # else the tip says why the story was not judged
        tips = judged["tips"]
        if data.get("round2"):
            tips = (data["round2"].get("tips", []) + tips)[:3]
        data["tips"] = tips
    return data


def reply_judged_alone(data: dict) -> bool:
    """Whether an answer's follow-up reply was kept with a verdict of its own (before a reply was
    judged only as part of its answer's story): such an answer is judged again when read."""
    reply = (data.get("follow_up") or {}).get("answer") or {}
    return any(k in reply for k in REPLY_VERDICT_KEYS if k != "clauses")


def no_answer_json(question, ended_by: str) -> dict:
    """The JSON of a question that got no answer."""
    return {"question": question.text, "question_kind": question.kind, "kind": question.kind, "answer_id": None,
            "audio_path": None, "ended_by": ended_by, "feedback_latency_s": None}


def practice_stats(answers: list[Feedback], sessions: int) -> dict:
    """Practice in numbers: answers, time spent answering, share on target, what is most often missing
    (in each question's own yardstick: a story's parts, or the checks its kind is judged by)."""
    from collections import Counter

    spoken = [a for a in answers if a.answer_s]
    timed = [a for a in spoken if a.judged]  # a recording too short to judge has no length verdict
    verdicts = Counter(a.verdict for a in timed)
    missing: Counter = Counter()
    for a in answers:
        if not a.reliable:  # nothing was judged from a transcript too unsure to read
            continue
        if a.car:
            missing.update(a.missing)
        missing.update(c["name"] for c in a.checks if not c.get("passed") and c["name"] not in COMPONENTS)
    judged = [a for a in answers if a.car and a.reliable]
    complete = sum(1 for a in judged if not a.missing)
    return {
        "answers": len(answers),
        "sessions": sessions,
        "questions": len({a.question for a in answers}),
        "practice_s": round(sum(a.answer_s for a in spoken), 1),
        "on_target_share": round(verdicts["on_target"] / len(timed), 3) if timed else None,
        "complete_car_share": round(complete / len(judged), 3) if judged else None,
        "most_missing": missing.most_common(1)[0][0] if missing else None,
        "missing_counts": dict(missing),
    }


def text_feedback(text: str, name: str | None, duration_s: float | None, target_s: float | None,
                  rubric: str = "car", kind: str | None = None) -> Feedback:
    """Feedback on a written or transcribed answer (`rehearse analyze`), judged by `rubric`."""
    from rehearse.judge.analysis import ANALYSIS_VERSION, analyze, words_from_text
    from rehearse.judge.kinds import kind_of_rubric, target_s_for
    from rehearse.judge.yardsticks import coaching_json

    a = analyze(words_from_text(text), Span(0.0, duration_s) if duration_s else None,
                target_s_for(rubric, target_s))
    data = {"file": name, "transcript": a.transcript, "car": a.car_json(), "tips": a.tips,
            "delivery": a.delivery.to_json()}
    if duration_s:
        data.update({"duration_s": duration_s, "answer_s": duration_s, "answer_start_s": 0.0,
                     "answer_end_s": duration_s, "wpm": a.wpm})
    data.update(coaching_json(a, rubric, target_s))
    data.update({"kind": kind or kind_of_rubric(rubric), "analysis_version": ANALYSIS_VERSION})
    if not duration_s:
        data.pop("length", None)  # no length without a duration (the JSON has no such field)
    return Feedback.from_json(data)


def needs_rejudging(data: dict) -> bool:
    """Was this stored answer judged by another checker than the current one, or before answers
    kept their kind (a typed recall was then judged as a story whatever its question, and an unsure
    transcript or a retold answer was called a story)? A follow-up's reply is judged with its
    answer, and a recording too short to judge has nothing to judge again."""
    from rehearse.judge.analysis import ANALYSIS_VERSION

    if data.get("parent_id") or data.get("judged") is False:
        return False
    # stored before an answer kept its kind beside its rubric: judged once more, by its kind's yardstick
    return data.get("analysis_version") != ANALYSIS_VERSION or not data.get("rubric") or not data.get("kind")


def reanalysed(fb: Feedback) -> Feedback:
    """A stored answer judged by the current checker: its timed words (or typed text) analysed again
    when it was scored by another version (or without its yardstick), so figures never mix two
    checkers. The stored record keeps the version it was scored with; this copy says
    `reanalysed_from` and `rejudged: true`. When the current checker fails on it, the copy keeps the
    older verdict and says so: `rejudged: false`, `rejudge_error`, and its own `analysis_version`."""
    from rehearse.judge.analysis import ANALYSIS_VERSION, analyze, words_from_text
    from rehearse.judge.kinds import target_for
    from rehearse.judge.yardsticks import coaching_json, unsure_tip
    from rehearse.questions import rubric_for

    data = fb.data
    if not needs_rejudging(data):
        if reply_judged_alone(data):
            return Feedback.from_json(with_follow_up(data, data["follow_up"], data["follow_up"]["answer"]))
        return fb
    words = fb.words
    try:
        rubric = data.get("rubric") or rubric_for(fb.kind, fb.question)
        target_s = fb.length.get("target_s")
        own_s = target_for(rubric)[0]
        override_s = target_s if target_s and abs(target_s - own_s) > 0.01 else None  # the user's own target
        if words:
            a = analyze(words, fb.answer_span(), override_s or own_s, from_speech=True, wpm=fb.wpm)
        elif data.get("text") or fb.transcript:
            a = analyze(words_from_text(data.get("text") or fb.transcript), None, override_s or own_s)
        else:
            return fb
        new = {**data, "car": a.car_json(), "tips": a.tips,
               "clauses": [{**c.evidence(), "label": c.label} for c in a.clauses],
               "delivery": a.delivery.to_json() if a.delivery else data.get("delivery"),
               "reanalysed_from": data.get("analysis_version", 0), "analysis_version": ANALYSIS_VERSION,
               "rejudged": True}
        coaching = coaching_json(a, rubric, override_s)
    except (RehearseError, KeyError, TypeError, ValueError) as exc:
        # the older verdict is all there is: shown as such, never as the current checker's
        why = str(exc) if isinstance(exc, RehearseError) else f"{type(exc).__name__}: {exc}"
        return Feedback.from_json({**data, "rejudged": False, "rejudge_error": why,
                                   "analysis_version": data.get("analysis_version", 0)})
    if not fb.spoken:
        coaching["length"] = None
    elif coaching["length"] is None:
        coaching["length"] = data.get("length")
    new.update(coaching)
    if new["car"] is not None:
        new["car"] = {**new["car"], "reliable": fb.reliable, "reason": fb.reliable_reason}
    if not fb.reliable:
        new["tips"] = [unsure_tip(rubric, fb.reliable_reason)]
    elif data.get("round2"):
        from rehearse.judge.second_round import round2_tips

        r2 = data["round2"]
        told = round2_tips(r2.get("similarity") or 0.0, bool(r2.get("refers_back")), rubric == "car",
                           r2.get("compared_with"))
        new["round2"] = {**r2, "tips": told}
        new["tips"] = (told + new["tips"])[:3]
    if (data.get("follow_up") or {}).get("answer"):  # the story over both, read by this checker too
        new = with_follow_up(new, data["follow_up"], data["follow_up"]["answer"])
    return Feedback.from_json(new)
