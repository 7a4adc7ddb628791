"""Prints how well the voice-command spotter hears commands, and how rarely it hears one that was not said.

This is PocketSphinx's spotter (the drill's without Whisper's weights). The drill's spotter with the accurate
pass (the default in English) is measured on these same clips, flite's five voices x the six target variants,
speakers held out, by benchmarks/commands_real.py (its "flite /" and "SYNTHETIC" rows).

    PYTHONPATH=src .venv/bin/python benchmarks/commands.py [--jobs 2] [--quick]

Audio is made here, into benchmarks/.cache/commands/ (not committed): every command phrase of
PHRASES and NON_COMMANDS below, spoken by flite's five voices, each as is and changed with sox
(tempo +-10 %, pitch +-2 semitones, pink room noise at 20 dB SNR; with --extras also a quieter
level and reverb, outside the target), and by a few espeak-ng voices (reported apart). Each
clip, with 0.5 s of silence around it, goes through the Segmenter and the spotter as in a drill.

Two ways of judging the grammar's answer are compared, each fitted by leave-one-voice-out
cross-validation (for each flite voice, fitted on the other four voices only, and the held-out voice
scored with it; the espeak-ng voices, never used for fitting, are scored with the fit on all five):
BEFORE, the first spotter's score (grammar-vs-phone-loop log-likelihood ratio minus a weight times
the phone error rate) with thresholds of least cost; AFTER, the logistic model of voice_commands.py
on all its measurements, with the thresholds that act on the most commands while keeping, on the
fitted voices, wrong commands under WRONG_MAX, false actions under FALSE_MAX and false stop/done
under ENDING_FALSE_MAX. Each prints a table per held-out voice and variant (right / wrong command /
"not sure" / missed, and non-commands acted on / "not sure"), a headline and a confusion table. The
model fitted on all five voices is printed last, to be copied into voice_commands.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import soundfile

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from rehearse import voice_commands as vc
from rehearse.audio import FileSource

CACHE = REPO / "benchmarks" / ".cache" / "commands"
FLITE_VOICES = ["kal", "kal16", "awb", "rms", "slt"]
ESPEAK_VOICES = ["en-us", "en", "en-us+f3", "en-us+m7", "en-us+m3", "en-us+f2", "en-gb-x-rp", "en-gb-scotland"]
# Variant name -> (cache folder, sox effects); noise is mixed in numpy. The first six are the target.
VARIANTS = {
    "as is": ("as_is", []),
    "tempo +10%": ("tempo_up10", ["tempo", "1.1"]),
    "tempo -10%": ("tempo_down10", ["tempo", "0.9"]),
    "pitch +2st": ("pitch_up2", ["pitch", "200"]),
    "pitch -2st": ("pitch_down2", ["pitch", "-200"]),
    "noise 20dB": ("noise_20db", []),
    "quiet -20dB": ("quiet_20db", ["vol", "-20dB"]),
    "reverb": ("reverb", ["reverb", "40"]),
}
TARGET_VARIANTS = list(VARIANTS)[:6]
NOISE_SNR_DB = 20.0
PAD_S = 0.5
# Short things said between questions or at the edges of an answer that are NOT commands, some of
# them close to a command on purpose ("next year", "my resume", "the help desk").
NON_COMMANDS = [
    "okay", "yes", "no", "um", "uh", "hmm", "thanks", "thank you", "hello", "right", "sure", "well",
    "maybe", "exactly", "the end", "I did", "we stopped", "next year", "next week", "stop sign",
    "the help desk", "back end", "my resume", "a short pause", "it was done", "the project",
    "sales went up", "ten percent", "my manager", "the customer", "three weeks", "we shipped it",
    "that was hard", "good question", "let me think", "I'm not sure", "in the end", "the backlog",
    "on time", "last quarter", "a new team", "I led it", "we agreed", "the next step", "it paid off",
    "budget", "deadline", "twenty users", "no problem", "of course",
]
# What a false action costs against a miss, when fitting thresholds: a wrong action is far worse.
WRONG_COST = 10.0
# Each clip's scores are kept beside it in the cache; change this when Segmenter or the spotter's scoring
# changes, so that they are measured again.
SCORER_VERSION = "grammar+allphone measures, v2"
END_WRONG_COST = 30.0
# The new model's thresholds are chosen to meet the targets with a margin on the voices it is fitted
# on: at most these fractions of wrong commands, false actions on non-commands, and false stop/done.
WRONG_MAX = 0.005
FALSE_MAX = 0.005
ENDING_FALSE_MAX = 0.0


def slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text.lower()).strip("_") or "x"


def _run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _noise(n: int) -> np.ndarray:
    """Pink noise from sox (the same every run: sox's generator is seeded)."""
    path = CACHE / "pinknoise.wav"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        _run(["sox", "-R", "-n", "-r", "16000", "-c", "1", "-b", "16", str(path), "synth", "30", "pinknoise"])
    noise, _ = soundfile.read(str(path), dtype="float32")
    return np.resize(noise, n)


def make_clip(engine: str, voice: str, variant: str, text: str) -> Path:
    """Render `text` in `voice`, changed by `variant`, into the cache (once)."""
    out = CACHE / engine / voice / VARIANTS[variant][0] / f"{slug(text)}.wav"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    base = CACHE / engine / voice / "raw" / f"{slug(text)}.wav"
    if not base.exists():
        base.parent.mkdir(parents=True, exist_ok=True)
        tmp = base.with_suffix(".tmp.wav")
        if engine == "flite":
            _run(["flite", "-voice", voice, "-t", text, "-o", str(tmp)])
        else:
            _run(["espeak-ng", "-v", voice, "-w", str(tmp), text])
        _run(["sox", str(tmp), "-r", "16000", "-c", "1", "-b", "16", str(base), "pad", str(PAD_S), str(PAD_S)])
        tmp.unlink()
    if variant == "noise 20dB":
        x, rate = soundfile.read(str(base), dtype="float32")
        loud = np.abs(x) > 0.02 * np.abs(x).max()
        speech_rms = float(np.sqrt(np.mean(x[loud] ** 2)))
        noise = _noise(len(x))
        noise *= speech_rms / float(np.sqrt(np.mean(noise**2))) / 10 ** (NOISE_SNR_DB / 20)
        soundfile.write(str(out), np.clip(x + noise, -1, 1), rate, subtype="PCM_16")
    elif VARIANTS[variant][1]:
        _run(["sox", str(base), str(out), *VARIANTS[variant][1]])
    else:
        out.write_bytes(base.read_bytes())
    return out


def clip_jobs(quick: bool, extras: bool = False) -> list[tuple[str, str, str, str, str]]:
    """(engine, voice, variant, text, truth) for every clip; truth is a command or ""."""
    texts = [(p, c) for c, ps in vc.PHRASES.items() for p in ps] + [(t, "") for t in NON_COMMANDS]
    variants = TARGET_VARIANTS[:2] if quick else list(VARIANTS) if extras else TARGET_VARIANTS
    jobs = [("flite", v, var, t, c) for v in FLITE_VOICES for var in variants for t, c in texts]
    jobs += [("espeak-ng", v, "as is", t, c) for v in ESPEAK_VOICES for t, c in texts]
    return jobs


_SPOTTER = None


def measure(job):
    """Make the clip and score every stretch of speech in it; returns the job and its stretches."""
    global _SPOTTER
    if _SPOTTER is None:
        _SPOTTER = vc.PocketSphinxSpotter("en")
    path = make_clip(*job[:4])
    scored = path.with_suffix(f".{scorer_key()}.json")
    if scored.exists():
        return json.loads(scored.read_text())
    x = np.concatenate(list(FileSource(path).chunks()))
    segments = vc.Segmenter().add(np.concatenate([x, np.zeros(16000, dtype=np.float32)]))
    stretches = []
    for s in segments:
        t0 = time.perf_counter()
        cand = _SPOTTER.score(s.audio)
        ms = (time.perf_counter() - t0) * 1000
        stretches.append({"dur": len(s.audio) / 16000, "ms": ms,
                          "cmd": cand.command if cand else "", "heard": cand.heard if cand else "",
                          "m": cand.measures if cand else None})
    clip = {"engine": job[0], "voice": job[1], "variant": job[2], "text": job[3], "truth": job[4],
            "stretches": stretches}
    scored.write_text(json.dumps(clip))
    return clip


def scorer_key() -> str:
    """Names the scores kept beside each clip: new scores when the scoring or the phrases change."""
    return hashlib.sha1((SCORER_VERSION + repr(vc.PHRASES) + repr(vc.COMMAND_MAX_S)).encode()).hexdigest()[:10]


def old_score(s, w: float) -> float | None:
    """BEFORE: the first spotter's score, llr - w x phone error rate (None: no command candidate)."""
    return None if not s["cmd"] or s["m"] is None else s["m"]["llr"] - w * s["m"]["per"]


def new_score(s, model) -> float | None:
    """AFTER: the logistic model's probability that the stretch is its grammar phrase."""
    return None if not s["cmd"] or s["m"] is None else vc.confidence_of(s["m"], s["cmd"], model)


def outcome(clip, th) -> tuple[str, str]:
    """(kind, command acted on) with th = (scorer, accept, ending accept, hear): kind is right /
    wrong / unsure / missed for a command said, false / unsure / ok for a non-command. The drill
    acts on the first confident stretch."""
    scorer, *limits = th
    acted, unsure = None, False
    for s in clip["stretches"]:
        c = scorer(s)
        if c is None:
            continue
        heard, confident = vc.decide(s["cmd"], c, *limits)
        if confident:
            acted = s["cmd"]
            break
        unsure = unsure or heard
    truth = clip["truth"]
    if truth:
        if acted == truth:
            return "right", acted
        if acted:
            return "wrong", acted
        return ("unsure" if unsure else "missed"), ""
    if acted:
        return "false", acted
    return ("unsure" if unsure else "ok"), ""


def _top_stretches(clips, scorer):
    """Per clip: what was said, the score and command of its most confident stretch, and whether
    that command ends something (stop/done)."""
    truth = np.array([c["truth"] for c in clips])
    top = [max(((scorer(s), s["cmd"]) for s in c["stretches"] if scorer(s) is not None),
               default=(-99.0, "")) for c in clips]
    score = np.array([t[0] for t in top])
    cmd = np.array([t[1] for t in top])
    return truth, score, cmd, np.isin(cmd, list(vc.ENDING))


def thresholds(clips, scorer, grid) -> tuple[float, float, float, float]:
    """(cost, accept, ending accept, hear) of least cost on `clips` for `scorer`: a miss costs 1, a
    wrong or false action WRONG_COST, a wrong or false stop/done END_WRONG_COST. Each clip is
    judged by its most confident stretch (nearly all clips are one stretch)."""
    truth, score, cmd, ending = _top_stretches(clips, scorer)
    right = (cmd == truth) & (truth != "")
    best = None
    for a in grid:
        for e in grid[grid >= a]:
            acts = score >= np.where(ending, e, a)
            bad = acts & ~right
            cost = np.sum((truth != "") & ~(acts & right)) + np.sum(
                np.where(ending, END_WRONG_COST, WRONG_COST) * bad)
            if best is None or cost < best[0]:
                best = (cost, float(a), float(e))
    cost, a, e = best
    # "Heard but unsure" from here: at most 10 % of non-commands get a "sorry, say it again".
    nons = score[truth == ""]
    hear = min(a, float(np.quantile(nons, 0.9))) if len(nons) else a
    return cost, a, e, round(hear, 3)


def thresholds_for_targets(clips, scorer, grid) -> tuple[float, float, float]:
    """(accept, ending accept, hear) that act on the most commands rightly on `clips` while keeping
    wrong commands under WRONG_MAX, false actions on non-commands under FALSE_MAX and false or wrong
    stop/done under ENDING_FALSE_MAX (fractions; a margin under the targets)."""
    truth, score, cmd, ending = _top_stretches(clips, scorer)
    said = truth != ""
    right = (cmd == truth) & said
    best = None
    for a in grid:
        for e in grid[grid >= a]:
            acts = score >= np.where(ending, e, a)
            wrong = np.sum(acts & said & ~right) / max(1, np.sum(said))
            false = np.sum(acts & ~said) / max(1, np.sum(~said))
            end_bad = np.sum(acts & ending & ~right) / len(clips)
            if wrong > WRONG_MAX or false > FALSE_MAX or end_bad > ENDING_FALSE_MAX:
                continue
            gain = np.sum(acts & right)
            if best is None or gain > best[0]:
                best = (gain, float(a), float(e))
    _, a, e = best if best else (0, float(grid[-1]), float(grid[-1]))
    nons = score[truth == ""]
    hear = min(a, float(np.quantile(nons, 0.9))) if len(nons) else a
    return a, e, round(hear, 3)


def fit_old(clips):
    """BEFORE: the phone-error weight and thresholds of least cost for the first spotter's score."""
    grid = np.round(np.arange(-2.0, 2.01, 0.05), 2)
    best = None
    for w in (0.0, 0.5, 1.0, 1.5, 2.0, 3.0):
        scorer = lambda s, w=w: old_score(s, w)  # noqa: E731
        cost, a, e, hear = thresholds(clips, scorer, grid)
        if best is None or cost < best[0]:
            best = (cost, (scorer, a, e, hear), f"per weight {w:.1f}")
    return best[1], best[2]


def logistic_newton(x: np.ndarray, y: np.ndarray, l2: float = 1.0):
    """Logistic regression on standardised columns by Newton's method with an L2 penalty (not on
    the bias): (mean, scale, weights with the bias last)."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.diag([l2] * (z.shape[1] - 1) + [0.0])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -50, 50)))
        grad = z.T @ (p - y) + penalty @ w
        hess = (z * (p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return mean, scale, w


def fit_model(clips, l2: float = 1.0) -> dict:
    """A logistic regression of "the grammar's phrase is what was said" on the features of every
    stretch the grammar heard a phrase in (numpy, Newton's method with an L2 penalty)."""
    rows, labels = [], []
    for c in clips:
        for s in c["stretches"]:
            if s["cmd"] and s["m"] is not None:
                rows.append(vc.features(s["m"], s["cmd"]))
                labels.append(1.0 if c["truth"] and s["cmd"] == c["truth"] else 0.0)
    mean, scale, w = logistic_newton(np.array(rows), np.array(labels), l2)
    return {"mean": [round(float(v), 5) for v in mean], "scale": [round(float(v), 5) for v in scale],
            "weights": [round(float(v), 4) for v in w[:-1]], "bias": round(float(w[-1]), 4)}


def fit_new(clips):
    """AFTER: the logistic model and its thresholds, fitted on `clips`."""
    model = fit_model(clips)
    scorer = lambda s: new_score(s, model)  # noqa: E731
    grid = np.round(np.concatenate([np.arange(0.05, 0.9, 0.025), np.arange(0.9, 0.999, 0.005)]), 3)
    a, e, hear = thresholds_for_targets(clips, scorer, grid)
    return (scorer, a, e, hear), model


def tally(pairs) -> dict[str, int]:
    """Counts of outcomes over (clip, thresholds) pairs."""
    t: dict[str, int] = {}
    for clip, th in pairs:
        kind, _ = outcome(clip, th)
        key = ("cmd " if clip["truth"] else "non ") + kind
        t[key] = t.get(key, 0) + 1
    return t


def row(label, pairs) -> str:
    t = tally(pairs)
    n = sum(v for k, v in t.items() if k.startswith("cmd"))
    m = sum(v for k, v in t.items() if k.startswith("non"))
    pct = lambda k, d: 100.0 * t.get(k, 0) / d if d else 0.0  # noqa: E731
    return (f"{label:26s} {n:4d} {pct('cmd right', n):6.1f}% {pct('cmd wrong', n):5.1f}% "
            f"{pct('cmd unsure', n):5.1f}% {pct('cmd missed', n):5.1f}% | {m:4d} {pct('non false', m):5.1f}% "
            f"{pct('non unsure', m):5.1f}%")


HEADER = (f"{'':26s} {'cmds':>4s} {'right':>7s} {'wrong':>6s} {'unsure':>6s} {'missed':>6s} | "
          f"{'non':>4s} {'false':>6s} {'unsure':>6s}")


def confusion(pairs) -> str:
    cols = list(vc.COMMANDS) + ["unsure", "-"]
    lines = ["said \\ acted  " + " ".join(f"{c[:6]:>6s}" for c in cols)]
    for truth in list(vc.COMMANDS) + ["(non)"]:
        counts = dict.fromkeys(cols, 0)
        for clip, th in pairs:
            if (clip["truth"] or "(non)") != truth:
                continue
            kind, acted = outcome(clip, th)
            counts[acted if acted else ("unsure" if kind == "unsure" else "-")] += 1
        lines.append(f"{truth:13s} " + " ".join(f"{counts[c]:6d}" for c in cols))
    return "\n".join(lines)


def held_out(flite, espeak, fitter, name: str):
    """Leave-one-voice-out over flite's voices (each scored with a fit on the other four), and
    espeak-ng's voices with the fit on all five; prints the per-voice table; returns the pairs."""
    target = [c for c in flite if c["variant"] in TARGET_VARIANTS]
    print(f"\n== {name}: held-out voices ==")
    print(HEADER)
    pairs = []
    for v in FLITE_VOICES:
        th, _ = fitter([c for c in target if c["voice"] != v])
        mine = [(c, th) for c in flite if c["voice"] == v]
        print(f"-- {v} (fitted without it: accept {th[1]:.3f}, ending {th[2]:.3f}, hear {th[3]:.3f})")
        for var in VARIANTS:
            sub = [p for p in mine if p[0]["variant"] == var]
            if sub:
                print(row(f"{v} / {var}", sub))
        pairs += [p for p in mine if p[0]["variant"] in TARGET_VARIANTS]
    th, _ = fitter(target)
    ep = [(c, th) for c in espeak]
    for v in sorted({c["voice"] for c in espeak}):
        print(row(f"espeak {v}", [p for p in ep if p[0]["voice"] == v]))
    print(row(f"{name}: flite held-out", pairs))
    print(row(f"{name}: espeak (unseen)", ep))
    for var in TARGET_VARIANTS:
        print(row(f"  flite / {var}", [p for p in pairs if p[0]["variant"] == var]))
    t = tally(pairs)
    n = sum(v for k, v in t.items() if k.startswith("cmd"))
    m = sum(v for k, v in t.items() if k.startswith("non"))
    print(f"HEADLINE {name}, held-out flite voices x {len(TARGET_VARIANTS)} variants: {n} commands: "
          f"right {100 * t.get('cmd right', 0) / n:.1f}%, wrong {100 * t.get('cmd wrong', 0) / n:.2f}%, "
          f"unsure {100 * t.get('cmd unsure', 0) / n:.1f}%, missed {100 * t.get('cmd missed', 0) / n:.1f}%; "
          f"{m} non-commands: false {100 * t.get('non false', 0) / m:.2f}%, "
          f"unsure {100 * t.get('non unsure', 0) / m:.1f}%")
    print(f"\nConfusion, {name}, flite held-out:")
    print(confusion(pairs))
    print(f"Confusion, {name}, espeak-ng (unseen):")
    print(confusion(ep))
    return pairs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="two variants only")
    ap.add_argument("--extras", action="store_true", help="also a quieter level and reverb")
    args = ap.parse_args()
    jobs = clip_jobs(args.quick, args.extras)
    t0 = time.perf_counter()
    CACHE.mkdir(parents=True, exist_ok=True)
    _noise(1)
    with ProcessPoolExecutor(args.jobs) as pool:
        clips = list(pool.map(measure, jobs, chunksize=8))
    print(f"{len(clips)} clips scored in {time.perf_counter() - t0:.0f} s "
          f"({sum(1 for c in clips if c['truth'])} command utterances)")

    flite = [c for c in clips if c["engine"] == "flite"]
    target = [c for c in flite if c["variant"] in TARGET_VARIANTS]
    espeak = [c for c in clips if c["engine"] == "espeak-ng"]

    held_out(flite, espeak, fit_old, "BEFORE (llr - w x per, one threshold)")
    held_out(flite, espeak, fit_new, "AFTER (logistic model)")

    th, model = fit_new(target)
    print(f"\n== Fitted on all five flite voices (ship these) ==\nMODEL = {json.dumps(model)}\n"
          f"ACCEPT = {th[1]}\nENDING_ACCEPT = {th[2]}\nHEAR = {th[3]}")
    shipped = (lambda s: new_score(s, vc.MODEL), vc.ACCEPT, vc.ENDING_ACCEPT, vc.HEAR)
    print("With the model in voice_commands.py now (fitted on these voices: optimistic):")
    print(HEADER)
    for v in FLITE_VOICES:
        print(row(f"{v} / target variants", [(c, shipped) for c in target if c["voice"] == v]))
    print(row("flite / all target", [(c, shipped) for c in target]))
    print(row("espeak all (unseen)", [(c, shipped) for c in espeak]))

    stretches = [s for c in clips for s in c["stretches"] if s["dur"] <= 1.5 and s["m"] is not None]
    ms = sorted(s["ms"] for s in stretches)
    if ms:
        print(f"\nDecision time on stretches <= 1.5 s ({len(ms)}): median {statistics.median(ms):.0f} ms, "
              f"p90 {ms[int(0.9 * len(ms))]:.0f} ms (machine shared: compare ratios)")
    durs = [max(s["dur"] for s in c["stretches"]) for c in flite if c["truth"] and c["stretches"]]
    print(f"Longest stretch of a command clip: {max(durs):.2f} s (COMMAND_MAX_S {vc.COMMAND_MAX_S})")
    multi = sum(1 for c in flite if c["truth"] and len(c["stretches"]) != 1)
    print(f"Command clips not cut as one stretch: {multi}")


if __name__ == "__main__":
    main()
