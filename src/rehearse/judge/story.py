"""The story told across an answer and its follow-up reply, judged as one answer: the reply has no verdict
of its own; a part or check the reply supplies is no longer asked for. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from rehearse.judge.analysis import (
    COMPONENTS,
    TARGET_S,
    Analysis,
    Clause,
    analyze,
    fmt_minutes,
    tips_for,
    words_from_text,
)
from rehearse.judge.follow_ups import ANSWER, FOLLOW_UP, AnswerView, answer_view
from rehearse.transcript import Span, Word


def _weight_s(v: AnswerView) -> float:
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
    parts = [(ANSWER, answer_view(answer_analysis), None)]
    if follow_up_analysis is not None:
        parts.append((FOLLOW_UP, answer_view(follow_up_analysis), follow_up_offset_label))
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
    from rehearse.judge.kinds import CAR
    from rehearse.judge.question_kind import rubric_for
    from rehearse.judge.yardsticks import Check, judge

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
