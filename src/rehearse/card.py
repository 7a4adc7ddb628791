"""The feedback card: a score as a few lines a person reads in ten seconds."""

from __future__ import annotations

from rehearse.analysis import fmt_minutes
from rehearse.scoring import Score

VERDICT_TEXT = {"short": "short", "on_target": "on target", "long": "long"}
EVIDENCE_CHARS = 70


def render_card(score: Score, title: str | None = None) -> str:
    """Plain-text card: length against target, pace, C/A/R coverage with evidence, tips."""
    a = score.analysis
    lines = [title or (score.file or "answer")]
    if score.answer is None or not a.words:
        lines.append("  No speech was recognized in this recording.")
    if a.length is not None and score.answer is not None:
        lines.append(
            f"  Length   {fmt_minutes(a.answer_s)}  {VERDICT_TEXT[a.length.verdict]} "
            f"(target {fmt_minutes(a.length.target_s)}, on target "
            f"{fmt_minutes(a.length.low_s)}-{fmt_minutes(a.length.high_s)})"
        )
    if a.wpm is not None:
        lines.append(f"  Pace     {a.wpm:.0f} words a minute (comfortable: 120-160)")
    for key in ("challenge", "action", "result"):
        part = a.car[key]
        if part["covered"]:
            first = part["evidence"][0]
            at = f" at {fmt_minutes(first.start)}" if first.start is not None else ""
            text = first.text if len(first.text) <= EVIDENCE_CHARS else first.text[: EVIDENCE_CHARS - 1] + "…"
            lines.append(f"  {key.title():10s}yes{at}: \"{text}\"")
        else:
            lines.append(f"  {key.title():10s}MISSING")
    d = a.delivery
    if d is not None and a.words:
        bits = []
        if d.fillers_per_min is not None:
            bits.append(f"{d.fillers_per_min:.0f} fillers a minute")
        bits.append(f"{len(d.hedges)} hedges")
        bits.append(f"{len(d.long_pauses)} pauses over 2.5 s")
        if d.repeated:
            bits.append("repeated: " + ", ".join(f"'{r['text']}' x{r['count']}" for r in d.repeated[:2]))
        lines.append("  Delivery " + ", ".join(bits))
    if a.tips:
        lines.append("  Next time:")
        lines += [f"   {i}. {tip}" for i, tip in enumerate(a.tips, 1)]
    return "\n".join(lines)


def render_extras(extra: dict) -> str:
    """Lines for second-interview, objection and own-question feedback."""
    lines = []
    r2 = extra.get("round2")
    if r2:
        back = f'yes ("{r2["refers_back"]}")' if r2["refers_back"] else "no"
        lines.append(f"  Round 2  referred back to the first interview: {back}")
        same = f'{r2["similarity"]:.0%} the same words as round 1' + (" (a retold story)" if r2["retold"] else "")
        lines.append(f"           {same}")
        if r2["shared_phrases"]:
            lines.append("           said again: " + "; ".join(f'"{p}"' for p in r2["shared_phrases"][:3]))
        ch = r2["change"]
        if ch["answer_s"] is not None:
            lines.append(f"           length {ch['answer_s']:+.0f} s against round 1"
                         + (f"; now covers {', '.join(ch['newly_covered'])}" if ch["newly_covered"] else "")
                         + (f"; no longer covers {', '.join(ch['now_missing'])}" if ch["now_missing"] else ""))
    ob = extra.get("objection")
    if ob:
        lines.append(f"  Objection acknowledged: {'yes' if ob['acknowledged'] else 'no'}; "
                     f"example: {'yes' if ob['concrete_example'] else 'no'}; plan: {'yes' if ob['plan'] else 'no'}")
    tp = extra.get("topics")
    if tp:
        lines.append(f"  Your questions covered: {', '.join(tp['covered']) or 'none of the usual topics'}")
        if tp["missing"]:
            lines.append(f"  Not asked yet: {', '.join(tp['missing'])}")
    return "\n".join(lines)
