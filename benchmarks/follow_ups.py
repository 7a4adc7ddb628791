"""Prints how well the follow-up chooser picks the gap an answer really has.

    PYTHONPATH=src .venv/bin/python benchmarks/follow_ups.py [--errors]

On the project's development answers (tests/data/dev/*/car.jsonl, and the older
tests/data/car_dev.txt / car_check.txt: the chooser's rules were written on them and the C/A/R model
is trained on them, so their figures flatter it), and apart from them on the held-out answers
(tests/data/car_holdout.jsonl: never trained or tuned on), each answer's TRUE gap follows from its labelled sentences in
the order the interviewer asks: no R → missing_result; else no A but "we" actions → missing_action;
else no C → missing_challenge; else an R with no measure → no_measure; else complete. Each answer is
judged as written and in recognizer form (lower case, no punctuation, numbers as words), as a
behavioural question, untimed (so too_short never fires: the texts have no durations).

Per writer and form it prints: reason accuracy (of the follow-ups asked, how many name the true gap),
complete answers left without a gap follow-up, gapped answers that got the right follow-up (recall),
and a confusion table of true gap against the reason chosen.
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests"))

from devset import CHECK_SET, DEV_SET, load  # noqa: E402

from rehearse.judge.analysis import analyze, words_from_text  # noqa: E402
from rehearse.judge.follow_ups import choose  # noqa: E402
from rehearse.judge.vocabulary import MEASURE  # noqa: E402
from rehearse.judge.vocabulary import number_words as spoken_number  # noqa: E402
from rehearse.transcript import Span  # noqa: E402

DEV = REPO / "tests" / "data" / "dev"
NONE = "none"
COMPLETE = "complete"
SPOKEN_WPM = 150
ORDER = ["missing_result", "missing_action", "missing_challenge", "no_measure", COMPLETE]


def true_gap(sentences: list[dict]) -> str:
    """The gap an answer really has, from its per-sentence labels, in the interviewer's order."""
    labels = {s["label"] for s in sentences} | {s.get("secondary") for s in sentences}
    if "R" not in labels:
        return "missing_result"
    if "A" not in labels and any(s.get("team_action") for s in sentences):
        return "missing_action"
    if "C" not in labels:
        return "missing_challenge"
    results = [s["text"] for s in sentences if s["label"] == "R" or s.get("secondary") == "R"]
    if not any(MEASURE.search(recognizer_form(t)) for t in results):
        return "no_measure"
    return COMPLETE


# --- recognizer form ------------------------------------------------------------------------

_CURRENCY = {"$": "dollars", "£": "pounds", "€": "euros"}


def _say_number(token: str) -> str:
    whole, _, frac = token.replace(",", "").partition(".")
    n = int(whole) if whole else 0
    if n >= 1_000_000:
        words = spoken_number(n // 1_000_000) + " million" + ("" if n % 1_000_000 == 0 else " " + spoken_number(n % 1_000_000))
    else:
        words = spoken_number(n)
    if frac:
        words += " point " + " ".join(spoken_number(int(d)) for d in frac)
    return words


def recognizer_form(text: str) -> str:
    """As a recognizer prints it: lower case, no punctuation, numbers as words."""
    t = text.lower()
    t = re.sub(r"([$£€])\s?(\d[\d,]*(?:\.\d+)?)(k?)",
               lambda m: f"{m[2]}{' thousand' if m[3] else ''} {_CURRENCY[m[1]]}", t)
    t = t.replace("%", " percent")
    t = re.sub(r"(\d+)(st|nd|rd|th)\b", r"\1", t)
    t = re.sub(r"(\d+):(\d\d)", r"\1 \2", t)
    t = re.sub(r"\d[\d,]*(?:\.\d+)?", lambda m: " " + _say_number(m[0].rstrip(".,")) + " ", t)
    t = re.sub(r"[^\w\s']", " ", t)
    return " ".join(t.split())


# --- the data -------------------------------------------------------------------------------


def dev_answers() -> list[tuple[str, str, str, list[dict]]]:
    """(writer, id, question, sentences) of every behavioural development answer."""
    out = []
    for path in sorted(DEV.glob("*/car.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                out.append((d["writer"], d["id"], d["question"], d["sentences"]))
    for name, path in (("car_dev (rules tuned on it)", DEV_SET), ("car_check", CHECK_SET)):
        for a in load(path):
            if {"objection", "motivation"} & set(a.tags):
                continue  # other kinds of question: not a story
            # the older sets label a team's actions A; in their we-only answers the speaker's own
            # part is never told, so those sentences are team actions, as the newer sets mark them
            we_only = "we-only" in a.tags
            sentences = []
            for lab, s in a.sentences:
                team = we_only and lab == "A" and not re.search(r"\bi\b", s.lower())
                sentences.append({"text": s, "label": "O" if team else lab, "team_action": team})
            out.append((name, a.id, "", sentences))
    return out


HELD_OUT = "h_carer (held out)"


def held_out_answers() -> list[tuple[str, str, str, list[dict]]]:
    """The C/A/R held-out answers (tests/data/car_holdout.jsonl): never trained on, and written after
    the chooser's rules, so they were never tuned on either."""
    out = []
    for line in (REPO / "tests" / "data" / "car_holdout.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out.append((HELD_OUT, d["id"], d["question"], d["sentences"]))
    return out


def two_pass_texts() -> dict[str, str]:
    """The answers benchmarks/wer.py spoke (four voices) and decoded with both passes, as the two-pass
    transcript joined them (its cache; run wer.py first): answer id -> the words as Whisper wrote them."""
    out = {}
    for f in sorted((REPO / "benchmarks" / ".cache" / "wer" / "decodes" / "whisper-tiny.en").glob("*.json")):
        m = re.search(r"(w_[a-z]+)_car_(\d+)", f.name)  # the cache names the file with "-" as "_"
        if m:
            out[f"{m.group(1)}-car-{m.group(2)}"] = json.loads(f.read_text())["stretch"]
    return out


def main() -> None:
    show_errors = "--errors" in sys.argv
    spoken = two_pass_texts()
    rng = random.Random(0)
    by_writer: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    errors = []
    choose_s = []
    for writer, ident, _q, sentences in dev_answers() + held_out_answers():
        gap = true_gap(sentences)
        prose = " ".join(s["text"] for s in sentences)
        forms = [("written", prose), ("recognizer", recognizer_form(prose))]
        if ident in spoken:  # spoken, and heard by both passes: the words that are judged
            forms.append(("two-pass", spoken[ident]))
        for form, text in forms:
            analysis = analyze(words_from_text(text))
            t0 = time.perf_counter()
            fu = choose(analysis, "behavioural", None, True, rng=rng)
            choose_s.append(time.perf_counter() - t0)
            chosen = fu.reason if fu else NONE
            by_writer[(writer, form)].append((gap, chosen))
            if writer != HELD_OUT:  # ALL: the development answers the rules were written on
                by_writer[("ALL", form)].append((gap, chosen))
            if ident in spoken:  # the same answers in every form, to set the two-pass words against
                by_writer[("SPOKEN (wer.py's answers)", form)].append((gap, chosen))
            if chosen != (NONE if gap == COMPLETE else gap):
                errors.append(f"  {form:10s} {ident}: true {gap}, chose {chosen}")
    print("Follow-up choice on the development answers (behavioural, untimed)\n")
    print(f"{'writer':28s} {'form':10s} {'n':>3s} {'asked':>5s} {'reason acc':>11s} {'complete→none':>14s} "
          f"{'gap recall':>11s}")
    for (writer, form), rows in sorted(by_writer.items(), key=lambda kv: (kv[0][0] == "ALL", kv[0])):
        asked = [(g, c) for g, c in rows if c != NONE]
        right = sum(1 for g, c in asked if g == c)
        complete = [c for g, c in rows if g == COMPLETE]
        gapped = [(g, c) for g, c in rows if g != COMPLETE]
        acc = f"{right}/{len(asked)} {right / len(asked):4.0%}" if asked else "-"
        quiet = sum(1 for c in complete if c == NONE)
        comp = f"{quiet}/{len(complete)} {quiet / len(complete):4.0%}" if complete else "-"
        hit = sum(1 for g, c in gapped if g == c)
        rec = f"{hit}/{len(gapped)} {hit / len(gapped):4.0%}" if gapped else "-"
        print(f"{writer:28s} {form:10s} {len(rows):3d} {len(asked):5d} {acc:>11s} {comp:>14s} {rec:>11s}")
    for form in ("written", "recognizer", "two-pass"):
        rows = by_writer[("ALL", form)]
        if not rows:
            continue
        table = Counter(rows)
        cols = ["missing_result", "missing_action", "missing_challenge", "no_measure", "too_short", NONE]
        print(f"\nconfusion, all writers, {form} (rows: true gap; columns: reason chosen)")
        print(f"  {'':18s}" + "".join(f"{c[:12]:>13s}" for c in cols))
        for g in ORDER:
            print(f"  {g:18s}" + "".join(f"{table[(g, c)]:13d}" for c in cols))
        print("  chosen in all:   " + ", ".join(f"{c} {n}" for c, n in Counter(c for _, c in rows).most_common()))
    # too_short: the same answers timed as if spoken at SPOKEN_WPM against a two-minute target
    short, named, examples = 0, 0, []
    for writer, ident, _q, sentences in dev_answers():
        text = recognizer_form(" ".join(s["text"] for s in sentences))
        span = Span(0.0, len(text.split()) / SPOKEN_WPM * 60.0)
        fu = choose(analyze(words_from_text(text), span, 120.0), "behavioural", None, True, rng=rng)
        if fu is not None and fu.reason == "too_short":
            short += 1
            named += fu.detail is not None
            if len(examples) < 12:
                examples.append(f"  {ident}: {fu.question}")
    print(f"\ntoo_short, answers timed at {SPOKEN_WPM} words a minute against a 120 s target: chosen for {short} "
          f"(those with no gap), naming a noun phrase from the answer in {named}; examples:")
    print("\n".join(examples))
    print(f"\nchoose() after analyze(): mean {1000 * sum(choose_s) / len(choose_s):.2f} ms, "
          f"max {1000 * max(choose_s):.2f} ms over {len(choose_s)} answers")
    if show_errors:
        print("\nwrong choices:")
        print("\n".join(errors))


if __name__ == "__main__":
    main()
