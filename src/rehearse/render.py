"""Every text view of the tool: the feedback card, history, summaries, stats, the microphone check.
Pure: each function returns text for the CLI to print."""

from __future__ import annotations

import datetime

from rehearse.feedback import COMPONENTS, Feedback
from rehearse.judge.analysis import (
    ANALYSIS_VERSION,
    MIN_ANSWER_S,
    MIN_ANSWER_WORDS,
    PACE_HIGH_WPM,
    PACE_LOW_WPM,
    fmt_minutes,
)

VERDICT_TEXT = {"short": "short", "on_target": "on target", "long": "long", None: "-"}
EVIDENCE_CHARS = 70
QUOTE_MIN_WORDS = 5  # a shorter evidence clause is quoted only when the part has no longer one
CHECK_NAMES = {
    "challenge": "Challenge", "action": "Action", "result": "Result",
}


REASON_WORDS = {
    "missing_result": "no result yet", "missing_action": "your own part was not told",
    "missing_challenge": "no challenge yet", "no_measure": "a result without a measure",
    "too_short": "the answer was short", "challenge_experience": "testing your experience",
}


def _quote(text: str, limit: int = EVIDENCE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quotable(evidence: list[dict]) -> dict:
    """The evidence to quote on the card: the first clause of QUOTE_MIN_WORDS or more, else the
    longest. A two- or three-word fragment ("last spring") rarely shows the part was told, and is
    where a recognizer's slips are plainest."""
    return next((e for e in evidence if len(e["text"].split()) >= QUOTE_MIN_WORDS),
                max(evidence, key=lambda e: len(e["text"].split())))


def _label(name: str) -> str:
    return CHECK_NAMES.get(name, name.replace("_", " ").capitalize())


def answer_title(fb: Feedback) -> str:
    """"Answer #3 (you paused)", or "Follow-up #3.1 (you paused)" for the reply to its follow-up:
    which answer, and how it ended, in words."""
    how = fb.ended_by_words
    name = "Follow-up" if fb.parent_id else "Answer"
    return f"{name} #{fb.number}" + (f" ({how})" if how else "")


def too_short_line(fb: Feedback) -> str:
    """The one line for a recording too short to judge: what was heard, and what an answer needs."""
    n = len(fb.words)
    heard = f"{fb.answer_s:.1f} s of speech, {n} word{'s' if n != 1 else ''}"
    return (f"Too short to judge ({heard}): an answer needs about {MIN_ANSWER_S:.0f} seconds "
            f"or {MIN_ANSWER_WORDS} words")


def _rejudge_line(fb: Feedback) -> str | None:
    """Said when the verdict shown is an older checker's because the current one failed on it."""
    if fb.rejudged is not False:
        return None
    why = fb.data.get("rejudge_error")
    return (f"  Checker  version {fb.analysis_version} (older): could not be re-judged by version "
            f"{ANALYSIS_VERSION}" + (f" ({why})" if why else ""))


def card(fb: Feedback, title: str | None = None) -> str:
    """The feedback card: length against target, pace, the question's checks with evidence, tips."""
    lines = [title or fb.data.get("file") or "answer"]
    if fb.too_short:
        return "\n".join(lines + ["  " + too_short_line(fb)])
    heard = fb.spoken and not fb.typed
    if heard and fb.engine:
        accurate = fb.data.get("accurate")
        lines.append(f"  Heard by  {fb.engine}: {fb.model}" + (f" as you spoke, then {accurate}" if accurate else ""))
    if heard and (not fb.words or fb.data.get("answer_start_s") is None):
        lines.append("  No speech was recognized in this recording.")
    rejudge = _rejudge_line(fb)
    if rejudge:
        lines.append(rejudge)
    if fb.length and fb.data.get("answer_start_s") is not None:
        ln = fb.length
        lines.append(
            f"  Length   {fmt_minutes(fb.answer_s)}  {VERDICT_TEXT.get(ln.get('verdict'), '-')} "
            f"(target {fmt_minutes(ln['target_s'])}, on target {fmt_minutes(ln['low_s'])}-{fmt_minutes(ln['high_s'])})"
        )
    elif fb.parent_id and fb.data.get("answer_start_s") is not None:  # a reply has no target of its own
        lines.append(f"  Length   {fmt_minutes(fb.answer_s)}")
    if fb.wpm is not None:
        lines.append(f"  Pace     {fb.wpm:.0f} words a minute (comfortable: {PACE_LOW_WPM}-{PACE_HIGH_WPM})")
    if fb.parent_id:
        pass  # a follow-up reply is judged as part of its answer's story, never alone
    elif not fb.reliable and fb.car:
        lines.append(f"  Story    not judged: {fb.reliable_reason or 'the transcript is too unsure'}")
    elif not fb.reliable:
        lines.append("  Not judged: the transcript was too unsure to judge the answer"
                     + (f" ({fb.reliable_reason})" if fb.reliable_reason else ""))
    elif fb.car:
        for key in COMPONENTS:
            part = fb.story.get(key, {})
            if part.get("covered") and part.get("evidence"):
                told = part.get("told_in") or "answer"
                first = _quotable([e for e in part["evidence"] if e.get("part", "answer") == told] or part["evidence"])
                at = f" at {fmt_minutes(first['start'])}" if first.get("start") is not None else ""
                where = " in the follow-up" if told == "follow_up" else ""
                lines.append(f"  {key.title():10s}yes{where}{at}: \"{_quote(first['text'])}\"")
            else:
                lines.append(f"  {key.title():10s}MISSING")
    if fb.reliable:
        shown = [c for c in fb.checks if not (c["name"] in COMPONENTS and fb.car)]
        width = max([10] + [len(_label(c["name"])) + 1 for c in shown])  # a label never runs into its value
        for check in shown:
            ev = check.get("evidence") or []
            said = f": \"{_quote(ev[0]['text'])}\"" if ev else ""
            lines.append(f"  {_label(check['name']):{width}s}{'yes' if check.get('passed') else 'no'}{said}")
    d = fb.delivery
    if d and (fb.words or fb.transcript):
        bits = []
        if d.get("fillers_per_min") is not None:
            bits.append(f"{d['fillers_per_min']:.0f} fillers a minute")
        else:
            bits.append(f"{d.get('fillers', 0)} filler{'s' if d.get('fillers', 0) != 1 else ''}")
        bits.append(f"{d.get('hedges', 0)} hedge{'s' if d.get('hedges', 0) != 1 else ''}")
        if heard:  # a typed answer has no recording, so no pauses
            bits.append(f"{len(d.get('long_pauses', []))} pauses over 2.5 s")
        if d.get("repeated"):
            bits.append("repeated: " + ", ".join(f"'{r['text']}' x{r['count']}" for r in d["repeated"][:2]))
        lines.append("  Delivery " + ", ".join(bits))
    fu = fb.follow_up
    if fu:
        reply = fb.reply
        said = f"reply #{reply.number}, {fmt_minutes(reply.answer_s)}" if reply else "no reply"
        lines.append(f"  Follow-up \"{fu['question']}\" ({REASON_WORDS.get(fu['reason'], fu['reason'])}): {said}")
    if fb.parent_id:
        lines.append(f"  Part of answer #{fb.parent_id}: its story is judged over the answer and this reply "
                     f"(rehearse replay {fb.parent_id})")
    extra = extras(fb)
    if extra:
        lines.append(extra)
    if fb.tips:
        lines.append("  Next time:")
        lines += [f"   {i}. {tip}" for i, tip in enumerate(fb.tips, 1)]
    return "\n".join(lines)


def extras(fb: Feedback) -> str:
    """Lines for second-interview, objection and own-question feedback."""
    extra = fb.extras
    lines = []
    r2 = extra.get("round2")
    if r2:
        back = f'yes ("{r2["refers_back"]}")' if r2["refers_back"] else "no"
        lines.append(f"  Round 2  referred back to the first interview: {back}")
        retold = " (a retold story)" if fb.car else " (retold)"
        same = f'{r2["similarity"]:.0%} the same words as round 1' + (retold if r2["retold"] else "")
        lines.append(f"           {same}")
        if r2["shared_phrases"]:
            lines.append("           said again: " + "; ".join(f'"{p}"' for p in r2["shared_phrases"][:3]))
        ch = r2["change"]
        if ch["answer_s"] is not None:
            lines.append(f"           length {ch['answer_s']:+.0f} s against round 1"
                         + (f"; now covers {', '.join(ch['newly_covered'])}" if ch["newly_covered"] else "")
                         + (f"; no longer covers {', '.join(ch['now_missing'])}" if ch["now_missing"] else ""))
    ob = extra.get("objection")
    if ob and not fb.checks:
        lines.append(f"  Objection acknowledged: {'yes' if ob['acknowledged'] else 'no'}; "
                     f"example: {'yes' if ob['concrete_example'] else 'no'}; plan: {'yes' if ob['plan'] else 'no'}")
    tp = extra.get("topics")
    if tp and not fb.checks:
        lines.append(f"  Your questions covered: {', '.join(tp['covered']) or 'none of the usual topics'}")
        if tp["missing"]:
            lines.append(f"  Not asked yet: {', '.join(tp['missing'])}")
    return "\n".join(lines)


def verdict_line(fb: Feedback) -> str:
    """One answer in a line: length, verdict, and what its yardstick found."""
    if fb.too_short:
        return f"{fmt_minutes(fb.answer_s)} {'too short':9s} not judged"
    if fb.car and fb.reliable:
        parts = " ".join(f"{k[0].upper()}:{'yes' if fb.covered(k) else 'no'}" for k in COMPONENTS)
    elif fb.checks and fb.reliable:
        passed = sum(1 for c in fb.checks if c.get("passed"))
        parts = f"{passed}/{len(fb.checks)} checks"
    else:
        parts = "not judged"
    verdict = VERDICT_TEXT.get(fb.verdict, "-") if fb.spoken else "typed"
    older = f" (version {fb.analysis_version}, not re-judged)" if fb.rejudged is False else ""
    return f"{fmt_minutes(fb.answer_s)} {verdict:9s} {parts}{older}"


def history(answers: list[Feedback]) -> str:
    """Answers newest first, then each repeated question's attempts, oldest first."""
    lines = []
    for fb in answers:
        when = datetime.datetime.fromtimestamp(fb.created_at).strftime("%Y-%m-%d %H:%M")
        lines.append(f"#{fb.answer_id:<4d} {when}  {verdict_line(fb)}  {fb.question or ''}")
        reply = fb.reply
        if reply is not None:  # under its answer, with no verdict of its own
            lines.append(f"  #{reply.number:<5s} {'':15s}{fmt_minutes(reply.answer_s)} follow-up reply to: "
                         f"{fb.follow_up['question']}")
    by_q: dict[str, list[Feedback]] = {}
    for fb in reversed(answers):
        by_q.setdefault(fb.question or "(no question)", []).append(fb)
    repeated = {q: fbs for q, fbs in by_q.items() if len(fbs) > 1}
    if repeated:
        lines.append("\nProgress per question (oldest attempt first)")
        for q, fbs in repeated.items():
            lines.append(q)
            for fb in fbs:
                lines.append(f"   #{fb.answer_id:<4d} {verdict_line(fb)}" + (f"  tip: {fb.tips[0]}" if fb.tips else ""))
    return "\n".join(lines)


def summary(turns) -> str:
    """One line per question for the end of a session."""
    lines = ["Session summary"]
    for i, t in enumerate(turns, 1):
        if t.feedback is None:
            lines.append(f"{i}. {t.question.text}\n   no answer")
        else:
            lines.append(f"{i}. {t.question.text}\n   #{t.feedback.answer_id}  {verdict_line(t.feedback)}")
    return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def stats(out: dict) -> str:
    """`rehearse stats` as text."""
    lines = [f"Answers      {_count(out['answers'], 'answer')} to {_count(out['questions'], 'question')} in "
             f"{_count(out['sessions'], 'session')}",
             f"Practice     {fmt_minutes(out['practice_s'])} of answering"]
    if out["on_target_share"] is not None:
        lines.append(f"On target    {out['on_target_share']:.0%} of spoken answers ran about the right length")
    if out["complete_car_share"] is not None:
        lines.append(f"Complete     {out['complete_car_share']:.0%} of stories told the challenge, action and result")
    if out["most_missing"]:
        lines.append(f"Most missing {_label(out['most_missing']).lower()} "
                     f"({_count(out['missing_counts'][out['most_missing']], 'answer')})")
    return "\n".join(lines)
