"""The report page: one self-contained HTML file per report (no network, works from a USB stick).

Per answer: the audio, the transcript with the spoken word highlighted (click a word to play from
it), a timeline coloured by Challenge / Action / Result with pauses, fillers and the target window,
pace over time, the feedback figures and tips. Then progress over time per question and overall,
and a table of sessions. Plots are SVG drawn here; every colour also carries a letter or a label,
and each plot has a text alternative, so the page reads without colour and prints well.
"""

from __future__ import annotations

import base64
import datetime
import html
import shutil
from pathlib import Path

from rehearse.judge.analysis import PACE_HIGH_WPM, PACE_LOW_WPM, TARGET_S, fmt_minutes

EMBED_LIMIT_BYTES = 40_000_000  # above this, audio goes in a folder beside the page
PACE_WINDOW_S = 20.0
PACE_STEP_S = 2.0
LABELS = {"challenge": ("C", "Challenge"), "action": ("A", "Action"), "result": ("R", "Result"), "other": ("·", "Other")}
COMPONENTS = ("challenge", "action", "result")

CSS = """
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
main{max-width:880px;margin:0 auto;padding:24px}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin:1.6em 0 .4em}h3{font-size:1.05em;margin:1.2em 0 .3em}
.answer{background:#fff;border:1px solid #ddd;border-radius:8px;padding:16px 20px;margin:20px 0}
.answer.follow-up{margin:-12px 0 20px 32px;border-left:4px solid #1f5fa8}
.meta{color:#555;font-size:.9em}.figs{display:flex;flex-wrap:wrap;gap:6px 18px;margin:8px 0}
.fig b{font-weight:600}.tips{margin:6px 0 0 0;padding-left:1.3em}
audio{width:100%;margin:8px 0}
.transcript{line-height:2;margin:8px 0}
.w{cursor:pointer;border-radius:3px;padding:1px 1px}
.w.challenge{background:#fde3cf}.w.action{background:#d3f0e6}.w.result{background:#e3e1f3}
.w.filler{text-decoration:underline dotted #b00;text-underline-offset:3px}
.w.now{outline:2px solid #000;background:#ffe45c}
.legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:12px;height:12px;border:1px solid #777;margin-right:4px;vertical-align:-1px}
svg text{font:11px system-ui,sans-serif}svg .lbl{font-weight:700}
table{border-collapse:collapse;width:100%;font-size:.9em}th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left}
.sr{position:absolute;left:-9999px}
details{margin:6px 0}
@media print{body{background:#fff}.answer{break-inside:avoid;border-color:#999}audio{display:none}
.w.now{outline:none;background:none}}
"""

SCRIPT = """
document.querySelectorAll('section.answer').forEach(function(sec){
  var audio = sec.querySelector('audio'); if (!audio) return;
  var words = Array.prototype.slice.call(sec.querySelectorAll('.w'));
  var cur = null;
  function seek(t){ audio.currentTime = t; var p = audio.play(); if (p && p.catch) p.catch(function(){}); }
  words.forEach(function(w){ w.addEventListener('click', function(){ seek(parseFloat(w.dataset.s)); }); });
  sec.querySelectorAll('[data-seek]').forEach(function(el){
    el.addEventListener('click', function(){ seek(parseFloat(el.dataset.seek)); }); });
  function tick(){
    var t = audio.currentTime, found = null;
    for (var i = 0; i < words.length; i++) {
      if (parseFloat(words[i].dataset.s) <= t && t < parseFloat(words[i].dataset.e) + 0.05) { found = words[i]; break; }
    }
    if (found !== cur) { if (cur) cur.classList.remove('now'); if (found) found.classList.add('now'); cur = found; }
  }
  audio.addEventListener('timeupdate', tick); audio.addEventListener('seeked', tick);
  (function loop(){ if (!audio.paused) tick(); window.requestAnimationFrame(loop); })();
});
"""

COLOURS = {"challenge": "#e6862e", "action": "#1b9e77", "result": "#7570b3", "other": "#cfcfcf"}


def esc(text) -> str:
    """Text escaped for HTML."""
    return html.escape(str(text), quote=True)


def _date(ts: float) -> str:
    return datetime.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def _clauses(score: dict) -> list[dict]:
    """Labelled clauses with times; rebuilt from the evidence for answers stored before they were kept."""
    if score.get("clauses"):
        return [c for c in score["clauses"] if c.get("start") is not None]
    out = []
    for k in COMPONENTS:
        for ev in ((score.get("car") or {}).get(k) or {}).get("evidence", []):
            if ev.get("start") is not None:
                out.append({**ev, "label": k})
    return sorted(out, key=lambda c: c["start"])


def _label_at(clauses: list[dict], t: float) -> str:
    for c in clauses:
        if c["start"] - 0.01 <= t <= c["end"] + 0.01:
            return c["label"]
    return "other"


def timeline_svg(score: dict, width: int = 800) -> str:
    """The answer's time coloured by C/A/R, with pauses, fillers and the target window."""
    duration = max(score.get("duration_s") or 0.0, 1.0)
    length = score.get("length") or {}
    high = length.get("high_s") or 0.0
    span = max(duration, high * 1.04)
    x = lambda t: 10 + (width - 20) * t / span  # noqa: E731
    what = "by challenge, action and result" if score.get("car") else "clause by clause"
    parts = [f'<svg class="timeline" role="img" viewBox="0 0 {width} 92" width="100%" '
             f'aria-labelledby="tl-title"><title>Timeline of the answer {what}</title>']
    clauses = _clauses(score)
    for c in clauses:
        x0, x1 = x(c["start"]), x(c["end"])
        letter, name = LABELS.get(c["label"], LABELS["other"])
        parts.append(f'<rect class="seg {esc(c["label"])}" data-seek="{c["start"]}" x="{x0:.1f}" y="22" '
                     f'width="{max(x1 - x0, 1):.1f}" height="26" fill="{COLOURS.get(c["label"], "#ccc")}" '
                     f'stroke="#fff"><title>{esc(name)} {fmt_minutes(c["start"])}: {esc(c["text"])}</title></rect>')
        if x1 - x0 > 14:
            parts.append(f'<text class="lbl" x="{(x0 + x1) / 2:.1f}" y="39" text-anchor="middle" fill="#fff">{letter}</text>')
    delivery = score.get("delivery") or {}
    for p in delivery.get("long_pauses", []):
        parts.append(f'<rect class="pause" x="{x(p["start"]):.1f}" y="22" width="{max(x(p["end"]) - x(p["start"]), 1):.1f}" '
                     f'height="26" fill="#fff" stroke="#555" stroke-dasharray="2 2"><title>pause of {p["length_s"]:.1f} s'
                     f'</title></rect>')
        parts.append(f'<text x="{(x(p["start"]) + x(p["end"])) / 2:.1f}" y="18" text-anchor="middle">pause</text>')
    for f in delivery.get("filler_marks", []):
        fx = x(f["start"])
        parts.append(f'<path class="filler" d="M{fx - 4:.1f},58 L{fx + 4:.1f},58 L{fx:.1f},51 Z" fill="#b00">'
                     f'<title>filler "{esc(f["text"])}" at {fmt_minutes(f["start"])}</title></path>')
    if high:
        low = length.get("low_s") or 0.0
        start = score.get("answer_start_s") or 0.0
        parts.append(f'<rect class="target" x="{x(start + low):.1f}" y="62" width="{x(start + high) - x(start + low):.1f}" '
                     f'height="7" fill="#9ad09a" stroke="#3a7a3a"><title>on-target end: {fmt_minutes(low)} to '
                     f'{fmt_minutes(high)}</title></rect>')
        parts.append(f'<text x="{x(start + low) - 4:.1f}" y="69" text-anchor="end">end on target: '
                     f'{fmt_minutes(low)}–{fmt_minutes(high)}</text>')
    step = 30 if span <= 300 else 60
    t = 0.0
    while t <= span:
        # the first and last labels are drawn inward, so none is cut at the edge of the drawing
        anchor = "start" if x(t) < 30 else "end" if x(t) > width - 30 else "middle"
        parts.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="72" y2="76" stroke="#333"/>'
                     f'<text x="{x(t):.1f}" y="88" text-anchor="{anchor}">{fmt_minutes(t)}</text>')
        t += step
    parts.append(f'<line x1="{x(0):.1f}" x2="{x(span):.1f}" y1="72" y2="72" stroke="#333"/></svg>')
    return "".join(parts)


def pace_series(words: list[dict], duration: float) -> list[tuple[float, float]]:
    """Words per minute in a sliding window, as (time, wpm) points."""
    points = []
    t = 0.0
    half = PACE_WINDOW_S / 2
    while t <= duration:
        lo, hi = max(0.0, t - half), min(duration, t + half)
        n = sum(1 for w in words if lo <= w["start"] < hi)
        if hi - lo > 1:
            points.append((t, n / (hi - lo) * 60))
        t += PACE_STEP_S
    return points


def pace_svg(score: dict, width: int = 800) -> str:
    """The words-a-minute line over the answer, inside the comfortable band."""
    duration = max(score.get("duration_s") or 0.0, 1.0)
    pts = pace_series(score.get("words") or [], duration)
    h, top, plot_top = 134, 240.0, 24  # the band's label sits above the plot, where no line is drawn
    x = lambda t: 40 + (width - 50) * t / duration  # noqa: E731
    y = lambda v: plot_top + (h - 20 - plot_top) * (1 - min(v, top) / top)  # noqa: E731
    parts = [f'<svg class="pace" role="img" viewBox="0 0 {width} {h}" width="100%"><title>Pace in words per minute '
             f'over the answer (comfortable band {PACE_LOW_WPM} to {PACE_HIGH_WPM})</title>',
             f'<rect class="plot-area" x="40" y="{y(top):.1f}" width="{width - 50}" height="{y(0) - y(top):.1f}" '
             'fill="none"/>',
             f'<rect x="40" y="{y(PACE_HIGH_WPM):.1f}" width="{width - 50}" '
             f'height="{y(PACE_LOW_WPM) - y(PACE_HIGH_WPM):.1f}" fill="#e6f2e6"/>',
             f'<rect x="{width - 236}" y="5" width="10" height="10" fill="#e6f2e6" stroke="#9ab89a"/>'
             f'<text class="band-label" x="{width - 10}" y="14" text-anchor="end">comfortable: '
             f'{PACE_LOW_WPM}–{PACE_HIGH_WPM} words a minute</text>']
    for v in (0, 60, 120, 180, 240):
        parts.append(f'<text x="34" y="{y(v) + 4:.1f}" text-anchor="end">{v}</text>'
                     f'<line x1="40" x2="{width - 10}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#eee"/>')
    if pts:
        path = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in pts)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1f5fa8" stroke-width="2"/>')
    parts.append(f'<text x="40" y="{h - 4}">0:00</text><text x="{width - 10}" y="{h - 4}" text-anchor="end">'
                 f'{fmt_minutes(duration)}</text></svg>')
    return "".join(parts)


def _audio_src(path: str | None, out: Path, embed: bool) -> str | None:
    if not path or not Path(path).is_file():
        return None
    if embed:
        return "data:audio/wav;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")
    folder = out.with_name(out.stem + "-audio")
    folder.mkdir(exist_ok=True, mode=0o700)
    shutil.copyfile(path, folder / Path(path).name)
    return f"{folder.name}/{Path(path).name}"


def _transcript_html(score: dict) -> str:
    clauses = _clauses(score)
    fill_starts = {round(f["start"], 2) for f in (score.get("delivery") or {}).get("filler_marks", [])}
    spans = []
    for w in score.get("words") or []:
        label = _label_at(clauses, (w["start"] + w["end"]) / 2)
        cls = f"w {label}" + (" filler" if round(w["start"], 2) in fill_starts else "")
        spans.append(f'<span class="{cls}" data-s="{w["start"]}" data-e="{w["end"]}" '
                     f'title="{fmt_minutes(w["start"])}">{esc(w["word"])}</span>')
    return " ".join(spans) or "<em>No words were recognized.</em>"


def answer_section(row, out: Path, embed: bool) -> str:
    """One answer's card on the page; a follow-up and its reply come right under it."""
    main = _answer_section(row, out, embed)
    fu = row.follow_up
    if not fu:
        return main
    from rehearse.render import REASON_WORDS

    why = REASON_WORDS.get(fu["reason"], fu["reason"])
    reply = row.reply
    if reply is not None:
        inner = _answer_section(reply, out, embed, heading=f'#{esc(reply.number)} Follow-up: “{esc(fu["question"])}” '
                                f'({esc(why)})', css="answer follow-up")
    else:
        inner = (f'<section class="answer follow-up"><h3>Follow-up: “{esc(fu["question"])}” ({esc(why)})</h3>'
                 '<p class="meta">No reply was heard.</p></section>')
    return main + inner


def _answer_section(row, out: Path, embed: bool, heading: str | None = None, css: str = "answer") -> str:
    # a question that asks for no story is drawn clause by clause, with no C/A/R; a follow-up reply keeps
    # the labels its clauses got as part of its answer's story
    story = bool(row.car) or bool(row.parent_id) and any(c.get("label") in COMPONENTS for c in _clauses(row.data))
    s = row.data if story else {**row.data, "car": None,
                                "clauses": [{**c, "label": "other"} for c in _clauses(row.data)]}
    length = s.get("length") or {}
    verdict = (length.get("verdict") or "-").replace("_", " ")
    car = row.story
    covered = [k for k in COMPONENTS if car.get(k, {}).get("covered")]
    missing = [k for k in COMPONENTS if k not in covered]
    d = s.get("delivery") or {}
    src = _audio_src(row.audio_path, out, embed)
    shares = ", ".join(f"{LABELS[k][1]} {car.get(k, {}).get('share', 0):.0%}" for k in COMPONENTS)
    reply = bool(row.parent_id)  # a follow-up reply: judged with its answer, no target or verdict of its own
    heard = row.spoken and not row.typed
    figs = [
        (f'<span class="fig">Length <b>{fmt_minutes(s.get("answer_s") or 0)}</b></span>' if reply else
         f'<span class="fig">Length <b>{fmt_minutes(s.get("answer_s") or 0)}</b> ({esc(verdict)}, target '
         f'{fmt_minutes(length.get("target_s") or TARGET_S)})</span>' if row.spoken
         else '<span class="fig">Typed: <b>no length or pace</b></span>'),
        f'<span class="fig">Pace <b>{s["wpm"]:.0f}</b> words a minute</span>' if s.get("wpm") is not None else "",
        *(['<span class="fig">Judged with its answer above, as one story</span>'] if reply else
          [_judged(row, covered, missing), f'<span class="fig">Time spent: {esc(shares)}</span>' if story else ""]),
        f'<span class="fig">Fillers <b>{d.get("fillers", 0)}</b>'
        + (f' ({d["fillers_per_min"]:.0f}/min)' if d.get("fillers_per_min") is not None else "") + "</span>",
        f'<span class="fig">Hedges <b>{d.get("hedges", 0)}</b></span>',
        f'<span class="fig">Pauses over 2.5 s <b>{len(d.get("long_pauses", []))}</b></span>' if heard else "",
    ]
    if row.rejudged is False:
        figs.insert(0, f'<span class="fig">Verdict of an older checker (version {row.analysis_version}): '
                       f'<b>could not be re-judged</b> ({esc(row.data.get("rejudge_error") or "")})</span>')
    if row.too_short:
        from rehearse.render import too_short_line

        figs = [f'<span class="fig"><b>{esc(too_short_line(row))}</b></span>']
    legend = (f'<span><i class="sw" style="background:{COLOURS["challenge"]}"></i>C Challenge</span>'
              f'<span><i class="sw" style="background:{COLOURS["action"]}"></i>A Action</span>'
              f'<span><i class="sw" style="background:{COLOURS["result"]}"></i>R Result</span>' if story
              else f'<span><i class="sw" style="background:{COLOURS["other"]}"></i>what was said</span>')
    tips = "".join(f"<li>{esc(t)}</li>" for t in row.tips)
    rows = "".join(f'<tr><td>{fmt_minutes(c["start"])}–{fmt_minutes(c["end"])}</td><td>{LABELS.get(c["label"], LABELS["other"])[1]}'
                   f'</td><td>{esc(c["text"])}</td></tr>' for c in _clauses(s))
    audio = (f'<audio controls preload="auto" src="{src}"></audio>' if src
             else '<p class="meta">The recording of this answer is not on this machine.</p>')
    return f"""
<section class="{css}" id="answer-{esc(row.number)}">
  <h3>{heading or f"#{row.answer_id} · {esc(row.question or 'Answer')}"}</h3>
  <div class="meta">{_date(row.created_at)} · {esc(row.ended_by_words or row.ended_by or "")}</div>
  {audio}
  <div class="figs">{"".join(figs)}</div>
  <div class="legend" aria-hidden="true">{legend}
  <span><i class="sw" style="background:#fff;border-style:dashed"></i>pause</span><span style="color:#b00">▲ filler</span>
  {'' if reply else '<span><i class="sw" style="background:#9ad09a"></i>target end</span>'}</div>
  {timeline_svg(s)}
  <details><summary>Timeline as text</summary><table><tr><th>When</th><th>Part</th><th>What was said</th></tr>{rows}</table></details>
  <h4>Transcript <span class="meta">(click a word to hear it)</span></h4>
  <div class="transcript">{_transcript_html(s)}</div>
  <h4>Pace over time</h4>
  {pace_svg(s)}
  {f'<h4>Next time</h4><ol class="tips">{tips}</ol>' if tips else ''}
</section>"""


def _judged(row, covered: list[str], missing: list[str]) -> str:
    """What the question's yardstick found: the story's parts, or the checks of its kind."""
    if not row.reliable:
        return f'<span class="fig">Not judged: {esc(row.reliable_reason or "the transcript is too unsure")}</span>'
    if row.car:
        return (f'<span class="fig">Covered <b>{esc(", ".join(k.title() for k in covered) or "none")}</b>'
                + (f'; missing <b>{esc(", ".join(k.title() for k in missing))}</b>' if missing else "") + "</span>")
    passed = [c["name"].replace("_", " ") for c in row.checks if c.get("passed")]
    failed = [c["name"].replace("_", " ") for c in row.checks if not c.get("passed")]
    return (f'<span class="fig">Passed <b>{esc(", ".join(passed) or "none")}</b>'
            + (f'; not yet <b>{esc(", ".join(failed))}</b>' if failed else "") + "</span>")


def _yardstick_letters(row) -> str:
    """What an attempt's yardstick found, in a few characters: "CA–" for a story, "2/3" for a question
    judged by its own checks, "–" when nothing was judged."""
    if not row.reliable:
        return "–"
    if row.car:
        return "".join(LABELS[k][0] if row.covered(k) else "–" for k in COMPONENTS)
    checks = row.checks
    return f"{sum(1 for c in checks if c.get('passed'))}/{len(checks)}" if checks else "–"


def _band(row) -> tuple[float, float] | None:
    """The on-target lengths of an answer's own kind (its stored length, else its rubric's)."""
    ln = row.data.get("length") or {}
    if ln.get("low_s") is not None and ln.get("high_s") is not None:
        return ln["low_s"], ln["high_s"]
    from rehearse.errors import RehearseError
    from rehearse.judge.kinds import target_for
    from rehearse.questions import rubric_for

    try:
        return target_for(row.rubric or rubric_for(row.kind, row.question))[1:]
    except RehearseError:
        return None


def progress_svg(rows, title: str, width: int = 800) -> str:
    """Every attempt's length against its own kind's on-target band, with what its yardstick found and
    its pace. A typed answer has no length or pace: it is marked "typed", with no point."""
    rows = sorted(rows, key=lambda r: r.created_at)
    h, plot_top = 184, 24
    n = len(rows)
    bands = [_band(r) for r in rows]
    top = max([TARGET_S * 1.25] + [b[1] * 1.15 for b in bands if b]
              + [(r.data.get("answer_s") or 0) * 1.1 for r in rows])
    col = (width - 80) / max(n, 1)
    x = lambda i: 50 + col * (i + 0.5)  # noqa: E731
    y = lambda v: plot_top + (h - 50 - plot_top) * (1 - v / top)  # noqa: E731
    parts = [f'<svg class="progress" role="img" viewBox="0 0 {width} {h}" width="100%"><title>{esc(title)}: '
             f'length of each attempt against the target of its kind</title>',
             f'<rect x="{width - 230}" y="5" width="10" height="10" fill="#e6f2e6" stroke="#9ab89a"/>'
             f'<text x="{width - 215}" y="14">on target for each question\'s kind</text>']
    for i, band in enumerate(bands):
        if band:
            low, high = band
            parts.append(f'<rect class="band" x="{x(i) - col / 2:.1f}" y="{y(high):.1f}" width="{col:.1f}" '
                         f'height="{y(low) - y(high):.1f}" fill="#e6f2e6"><title>on target {fmt_minutes(low)}–'
                         f'{fmt_minutes(high)}</title></rect>')
    for v in range(0, int(top) + 1, 60):
        parts.append(f'<text x="44" y="{y(v) + 4:.1f}" text-anchor="end">{fmt_minutes(v)}</text>'
                     f'<line x1="50" x2="{width - 30}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#eee"/>')
    pts = []
    for i, r in enumerate(rows):
        letters = _yardstick_letters(r)
        head = f"#{r.answer_id} {_date(r.created_at)}"
        if not r.spoken:  # typed: no length, no pace, so no point on the plot
            parts.append(f'<text x="{x(i):.1f}" y="{h - 26}" text-anchor="middle" class="lbl">{letters}</text>'
                         f'<text x="{x(i):.1f}" y="{h - 12}" text-anchor="middle"><title>{head}: typed, no length or '
                         f'pace, {esc(letters)}</title>typed</text>')
            continue
        a = r.data.get("answer_s") or 0
        wpm = r.data.get("wpm")
        pace = "too short" if r.too_short else f"{wpm:.0f} wpm" if wpm is not None else "–"
        pts.append(f"{x(i):.1f},{y(a):.1f}")
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(a):.1f}" r="4" fill="#1f5fa8"><title>{head}: '
                     f'{fmt_minutes(a)}, {esc(letters)}, {pace}</title></circle>'
                     f'<text x="{x(i):.1f}" y="{h - 26}" text-anchor="middle" class="lbl">{letters}</text>'
                     f'<text x="{x(i):.1f}" y="{h - 12}" text-anchor="middle">{pace}</text>')
    if len(pts) > 1:
        parts.append(f'<polyline points="{" ".join(pts)}" fill="none" stroke="#1f5fa8"/>')
    parts.append("</svg>")
    return "".join(parts)


def build(answers, history, sessions, out: Path, title: str) -> str:
    """The whole page: the chosen answers, then progress over `history` and the sessions table."""
    total = sum(Path(a.audio_path).stat().st_size for a in answers if a.audio_path and Path(a.audio_path).is_file())
    embed = total <= EMBED_LIMIT_BYTES
    body = [f"<h1>{esc(title)}</h1><p class='meta'>Made {_date(datetime.datetime.now().timestamp())} by rehearse, "
            "offline. Colours are backed by letters: C challenge, A action, R result.</p>"]
    body += [answer_section(a, out, embed) for a in answers]
    if history:
        body.append("<h2>Progress</h2>")
        body.append(progress_svg(history, "All answers"))
        by_q: dict[str, list] = {}
        for r in history:
            by_q.setdefault(r.question or "(no question)", []).append(r)
        for q, rs in by_q.items():
            if len(rs) > 1:
                body.append(f"<h3>{esc(q)}</h3>" + progress_svg(rs, q))
        attempts = "".join(
            f"<tr><td>#{r.answer_id}</td><td>{_date(r.created_at)}</td><td>{esc(r.question or '')}</td>"
            f"<td>{fmt_minutes(r.data.get('answer_s') or 0) if r.spoken else 'typed'}</td>"
            f"<td>{esc(_yardstick_letters(r))}</td>"
            f"<td>{'' if r.data.get('wpm') is None else format(r.data['wpm'], '.0f')}</td></tr>"
            for r in sorted(history, key=lambda r: r.created_at))
        body.append("<details><summary>Progress as a table</summary><table><tr><th>Answer</th><th>Date</th>"
                    f"<th>Question</th><th>Length</th><th>Yardstick</th><th>Words a minute</th></tr>{attempts}</table></details>")
    if sessions:
        rows = "".join(f"<tr><td>{s['id']}</td><td>{_date(s['started_at'])}</td><td>{esc(s['kind'])}</td>"
                       f"<td>{s['answers']}</td><td>{esc(s['engine'] or '')}</td></tr>" for s in sessions)
        body.append(f"<h2>Sessions</h2><table><tr><th>Session</th><th>Started</th><th>Kind</th><th>Answers</th>"
                    f"<th>Engine</th></tr>{rows}</table>")
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><meta name='viewport' "
            f"content='width=device-width,initial-scale=1'><title>{esc(title)}</title><style>{CSS}</style></head>"
            f"<body><main>{''.join(body)}</main><script>{SCRIPT}</script></body></html>")


def write(answers, history, sessions, out: Path, title: str) -> Path:
    """Write the page to `out` (atomically) and return its path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    text = build(answers, history, sessions, out, title)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    return out




def write_report(store, answer=None, session_id=None, all_answers=False, output=None) -> Path:
    """Write the page for one answer, one session (the latest by default) or every answer."""
    import time

    from rehearse.errors import RehearseError

    chosen, title = store.report_selection(answer, session_id, all_answers)
    out = output or store.root / "reports" / f"report-{time.strftime('%Y%m%d-%H%M%S')}.html"
    try:
        return write(chosen, store.answers(), store.sessions(), Path(out), title)
    except OSError as exc:
        raise RehearseError(f"cannot write the report to {out}: {exc.strerror or exc}") from None
