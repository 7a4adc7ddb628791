"""Prints how well voice commands are heard by the accurate pass (Whisper + the phrase table) on real voices
and on synthetic ones, with the speakers scored never fitted on; fits the decision model shipped in
src/rehearse/accurate_commands.py.

    nice .venv/bin/python benchmarks/commands_real.py [--jobs 2] [--fit-only]

Real voices: ../shared/realspeech/ (manifest.tsv): Speech Commands v0.02 test clips (about 100 speakers),
v0.01 (41 speakers, 10 clips of each word) and one speaker's many takes (felixchenfy). The command word there
is "stop"; every other word ("back" alone too: only "go back" is ours) is a non-command. Synthetic voices:
flite's five voices x the six target sox variants of benchmarks/commands.py (every phrase of the table and
its NON_COMMANDS). Each clip, with 0.5 s of silence around it, goes through the Segmenter in 50 ms blocks as
in a drill, and every stretch of at most COMMAND_MAX_S through `accurate_commands.measure` (cached in
benchmarks/.cache/commands_real/, not committed).

Fitting is grouped by speaker: real speakers in five folds (each speaker in one fold; the one-speaker set is
its own fold) and each flite voice its own group; a clip is scored by the model fitted without its speaker's
group. Thresholds are chosen on the fitted groups only. Figures are printed per set and overall, and the
model fitted on everything is printed last, to be copied into accurate_commands.py.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import io
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

import commands as synth  # noqa: E402  (benchmarks/commands.py: the synthetic clips)

from rehearse import accurate_commands as ac  # noqa: E402
from rehearse import voice_commands as vc  # noqa: E402
from rehearse.audio import FileSource  # noqa: E402

REAL = Path(os.environ.get("REHEARSE_REALSPEECH", REPO.parent.parent / "shared" / "realspeech"))
if not REAL.is_dir():
    REAL = Path("/work/shared/realspeech")
CACHE = REPO / "benchmarks" / ".cache" / "commands_real"
SETS = ("sc_v2_testset", "sc_v1_sample", "felixchenfy_single_speaker")
PAD_S = 0.5
BLOCK = 800  # 50 ms blocks, as a microphone gives them


def real_jobs() -> list[dict]:
    """One job per real clip of the three command sets: truth is "stop" or "" (a non-command)."""
    jobs = []
    with open(REAL / "manifest.tsv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["set"] not in SETS:
                continue
            word = row["text"].strip().lower()
            truth = vc.command_of(word) or ""
            jobs.append({"kind": "real", "set": row["set"], "speaker": f"{row['set']}:{row['speaker']}",
                         "path": str(REAL / row["path"]), "text": word, "truth": truth})
    return jobs


def synth_jobs() -> list[dict]:
    """flite's five voices x the six target variants, every phrase and non-command; and espeak-ng's eight
    voices as they are (kind "unseen": scored, never fitted on)."""
    return [{"kind": "synth" if eng == "flite" else "unseen", "set": f"{eng}/{var}", "speaker": f"{eng}:{voice}",
             "job": [eng, voice, var, text, truth], "text": text, "truth": truth}
            for eng, voice, var, text, truth in synth.clip_jobs(False)]


_ACC = None
_SPOTTER = None


def _key(job: dict) -> str:
    raw = json.dumps([ac.MEASURES_VERSION, repr(vc.PHRASES), vc.COMMAND_MAX_S, job.get("path"), job.get("job")])
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def speech_end_s(x: np.ndarray) -> float:
    """Where the spoken word ends: the end of the last 20 ms frame within 20 dB of the loudest."""
    n = len(x) // 320
    rms = np.sqrt(np.mean(x[: n * 320].reshape(n, 320) ** 2, axis=1) + 1e-12)
    loud = np.flatnonzero(rms > rms.max() * 0.1)
    return float((loud[-1] + 1) * 320 / 16000) if len(loud) else 0.0


def measure(job: dict) -> dict:
    """Segment one clip as a drill does and measure every stretch (cached)."""
    global _ACC, _SPOTTER
    out = CACHE / f"{_key(job)}.json"
    if out.exists():
        return json.loads(out.read_text())
    if _ACC is None:
        from rehearse.accurate import TINY, Accurate, weights_dir

        _ACC = Accurate(TINY, weights_dir(TINY), cpu_threads=1)
        _SPOTTER = vc.PocketSphinxSpotter("en")
    path = job["path"] if job["kind"] == "real" else str(synth.make_clip(*job["job"][:4]))
    x = np.concatenate(list(FileSource(path).chunks()))
    pad = np.zeros(int(PAD_S * 16000), dtype=np.float32)
    x = np.concatenate([pad, x, pad, np.zeros(16000, dtype=np.float32)])
    seg = vc.Segmenter(lead_s=ac.LEAD_S)
    stretches = []
    for i in range(0, len(x), BLOCK):
        for s in seg.add(x[i: i + BLOCK]):
            m = ac.measure(_ACC, _SPOTTER, s.audio)
            stretches.append({"start": s.start_s, "end": s.end_s, "emit": (i + BLOCK) / 16000, "m": m})
    clip = {**job, "speech_end": speech_end_s(x), "stretches": stretches}
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(clip))
    tmp.replace(out)
    return clip


def measure_all(jobs: list[dict], workers: int) -> list[dict]:
    CACHE.mkdir(parents=True, exist_ok=True)
    synth.CACHE.mkdir(parents=True, exist_ok=True)
    synth._noise(1)
    t0 = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        clips = list(pool.map(measure, jobs, chunksize=4))
    print(f"{len(clips)} clips measured in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return clips


# --- fitting and figures ---------------------------------------------------------------------------------

REAL_FOLDS = 5
# Thresholds are chosen on the fitted groups to keep, with a margin under the targets, false actions on
# non-commands under these fractions (real, synthetic), no non-command ever taken for stop/done there, and
# wrong commands under WRONG_MAX.
REAL_FALSE_MAX = 0.002
SYNTH_FALSE_MAX = 0.005
WRONG_MAX = 0.005
L2 = 1.0


def group_of(clip: dict) -> str:
    """The fold a clip's speaker belongs to: real speakers hashed into REAL_FOLDS folds (the one-speaker set
    is its own), each flite voice its own."""
    if clip["kind"] == "synth":
        return clip["speaker"]
    if clip["set"] == "felixchenfy_single_speaker":
        return "real:felixchenfy"
    return f"real:fold{int(hashlib.sha1(clip['speaker'].encode()).hexdigest(), 16) % REAL_FOLDS}"


def readings(clip: dict) -> list:
    """(reading, stretch) for every stretch short enough to be a command."""
    return [(r, s) for s in clip["stretches"] if s["m"] is not None for r in [ac.read(s["m"])] if r.command]


USE = list(ac.FEATURES)  # the features the model reads (ablations change it)
REAL_WEIGHT = 2.0  # real voices count this much more than synthetic ones in the fit


def logistic_weighted(x: np.ndarray, y: np.ndarray, weight: np.ndarray, l2: float = 1.0):
    """commands.logistic_newton with a weight per row (a column that never varies is left as it is)."""
    mean, std = x.mean(axis=0), x.std(axis=0)
    scale = np.where(std < 1e-6, 1.0, std)
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.diag([l2] * (z.shape[1] - 1) + [0.0])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -50, 50)))
        grad = z.T @ (weight * (p - y)) + penalty @ w
        hess = (z * (weight * p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return mean, scale, w


def fit(clips: list[dict]) -> dict:
    cols = [ac.FEATURES.index(n) for n in USE]
    rows, labels = [], []
    for c in clips:
        for r, _s in c["_r"]:
            rows.append(r.features[cols])
            labels.append(1.0 if c["truth"] and r.command == c["truth"] else 0.0)
    weights = [REAL_WEIGHT if c["kind"] == "real" else 1.0 for c in clips for _r in c["_r"]]
    mean, scale, w = logistic_weighted(np.array(rows), np.array(labels), np.array(weights), L2)
    return {"features": list(USE), "mean": [round(float(v), 5) for v in mean],
            "scale": [round(float(v), 5) for v in scale],
            "weights": [round(float(v), 4) for v in w[:-1]], "bias": round(float(w[-1]), 4)}


def outcome(clip: dict, model: dict, th: tuple[float, float, float]) -> tuple[str, str]:
    """(kind, command acted on or asked about): right / wrong / unsure / missed for a command said,
    false / unsure / ok for a non-command; the drill acts on the first stretch it is sure of."""
    unsure = ""
    for r, _s in clip["_r"]:
        action = ac.action_of(r.command, ac.confidence_of(r.features, model), *th, phrase=r.phrase)
        if action == "act":
            if clip["truth"]:
                return ("right" if r.command == clip["truth"] else "wrong"), r.command
            return "false", r.command
        if action == "ask_again" and not unsure:
            unsure = r.command
    if clip["truth"]:
        return ("unsure" if unsure else "missed"), unsure
    return ("unsure" if unsure else "ok"), unsure


def choose_thresholds(clips: list[dict], model: dict) -> tuple[float, dict, float]:
    """(accept, {ending key: accept}, hear) acting on the most commands rightly on `clips`: each ending
    command's threshold (the word alone, and its other phrases: `ac.ending_key`) just above every clip not that
    command that it would have taken (none ever taken for stop or done), at least `accept` for the other
    phrases; the others' the lowest within the false-action and wrong-command limits."""
    top = []
    for c in clips:
        best = max(((ac.confidence_of(r.features, model), r.command, r.phrase) for r, _s in c["_r"]),
                   default=(0.0, "", ""))
        top.append((c, best[0], best[1], best[2]))
    keys = np.array([ac.ending_key(k, ph) if k in vc.ENDING else k for _, _, k, ph in top])
    top = [t[:3] for t in top]
    said = np.array([bool(c["truth"]) for c, _, _ in top])
    real = np.array([c["kind"] == "real" for c, _, _ in top])
    score = np.array([p for _, p, _ in top])
    cmd = np.array([k for _, _, k in top])
    truth = np.array([c["truth"] for c, _, _ in top])
    right = said & (cmd == truth)
    ending = {}
    for e in sorted(vc.ENDING):
        for key in (e, f"{e}+"):
            bad = score[(keys == key) & (truth != e)]
            ending[key] = round(min(0.999, float(bad.max()) + 1e-4), 4) if len(bad) else 0.5
    other = ~np.isin(cmd, list(vc.ENDING))
    grid = np.round(np.concatenate([np.arange(0.05, 0.9, 0.025), np.arange(0.9, 0.9991, 0.0025)]), 4)
    a = 0.999
    for t in grid:
        acts = other & (score >= t)
        false_real = np.sum(acts & ~said & real) / max(1, np.sum(~said & real))
        false_synth = np.sum(acts & ~said & ~real) / max(1, np.sum(~said & ~real))
        wrong = np.sum(acts & said & ~right) / max(1, np.sum(said))
        if false_real <= REAL_FALSE_MAX and false_synth <= SYNTH_FALSE_MAX and wrong <= WRONG_MAX:
            a = float(t)
            break
    for e in vc.ENDING:
        ending[f"{e}+"] = max(ending[f"{e}+"], a)
    nons = score[~said]
    hear = min(a, *ending.values(), float(np.quantile(nons, 0.95))) if len(nons) else a
    return a, ending, round(hear, 4)


def held_out(clips: list[dict]) -> list[tuple[dict, dict, tuple]]:
    """Each clip with the model and thresholds fitted without its speaker's group."""
    out = []
    for g in sorted({group_of(c) for c in clips}):
        train = [c for c in clips if group_of(c) != g]
        model = fit(train)
        th = choose_thresholds(train, model)
        print(f"  fold {g:24s} accept {th[0]:.4f} ending {th[1]} hear {th[2]:.4f}", file=sys.stderr)
        out += [(c, model, th) for c in clips if group_of(c) == g]
    return out


HEAD = (f"{'':34s} {'cmds':>5s} {'right':>7s} {'unsure':>7s} {'missed':>7s} {'wrong':>6s} | {'non':>5s} "
        f"{'acted':>6s} {'stop/done':>9s} {'unsure':>7s} {'spk':>4s}")


def row(label: str, items) -> str:
    kinds = [(c, *outcome(c, m, th)) for c, m, th in items]
    n = sum(1 for c, *_ in kinds if c["truth"])
    k = sum(1 for c, *_ in kinds if not c["truth"])
    cnt = lambda kind, cmd: sum(1 for c, kd, _ in kinds if bool(c["truth"]) == cmd and kd == kind)  # noqa: E731
    pct = lambda x, d: f"{100.0 * x / d:6.1f}%" if d else "     - "  # noqa: E731
    ending = sum(1 for c, kd, a in kinds if not c["truth"] and kd == "false" and a in vc.ENDING)
    spk = len({c["speaker"] for c, *_ in kinds})
    return (f"{label:34s} {n:5d} {pct(cnt('right', True), n)} {pct(cnt('unsure', True), n)} "
            f"{pct(cnt('missed', True), n)} {pct(cnt('wrong', True), n)[1:]} | {k:5d} "
            f"{pct(cnt('false', False), k)[1:]} {ending:9d} {pct(cnt('unsure', False), k)} {spk:4d}")


def pocketsphinx_items(clips: list[dict]):
    """Today's spotter alone on the same stretches, with its shipped model and thresholds."""
    out = []
    for c in clips:
        fake = dict(c)
        fake["_r"] = []
        for s in c["stretches"]:
            ps = s["m"] and s["m"]["ps"]
            if ps:
                fake["_r"].append((ps["cmd"], ps["conf"]))
        out.append(fake)
    return out


def ps_row(label: str, clips) -> str:
    kinds = []
    for c in clips:
        acted, unsure = None, False
        for cmd, conf in c["_r"]:
            heard, sure = vc.decide(cmd, conf)
            if sure:
                acted = cmd
                break
            unsure = unsure or heard
        t = c["truth"]
        kind = (("right" if acted == t else "wrong") if acted else ("unsure" if unsure else "missed")) if t else \
            ("false" if acted else ("unsure" if unsure else "ok"))
        kinds.append((c, kind, acted))
    n = sum(1 for c, *_ in kinds if c["truth"])
    k = len(kinds) - n
    cnt = lambda kind, cmd: sum(1 for c, kd, _ in kinds if bool(c["truth"]) == cmd and kd == kind)  # noqa: E731
    pct = lambda x, d: f"{100.0 * x / d:6.1f}%" if d else "     - "  # noqa: E731
    ending = sum(1 for c, kd, a in kinds if not c["truth"] and kd == "false" and a in vc.ENDING)
    return (f"{label:34s} {n:5d} {pct(cnt('right', True), n)} {pct(cnt('unsure', True), n)} "
            f"{pct(cnt('missed', True), n)} {pct(cnt('wrong', True), n)[1:]} | {k:5d} "
            f"{pct(cnt('false', False), k)[1:]} {ending:9d} {pct(cnt('unsure', False), k)} "
            f"{len({c['speaker'] for c in clips}):4d}")


def shipped_report(clips: list[dict]) -> None:
    """The decision the drill ships (MODEL and thresholds of accurate_commands.py) on every clip measured, per
    set, speaker group and voice. Not held out: MODEL was fitted on the real speakers and flite's voices (not on
    espeak-ng's); a quick check of a change to the measures or thresholds on a partial cache."""
    for c in clips:
        c["_r"] = readings(c)
    th = (ac.ACCEPT, ac.ENDING_ACCEPT, ac.HEAR)
    items = [(c, ac.MODEL, th) for c in clips]
    print(f"\n== The shipped decision (fitted on these real and flite voices, not held out); {len(clips)} clips ==")
    print(HEAD)
    for name in SETS:
        print(row(f"real {name}", [it for it in items if it[0]["set"] == name]))
    print(row("REAL overall", [it for it in items if it[0]["kind"] == "real"]))
    for var in synth.TARGET_VARIANTS:
        print(row(f"flite / {var}", [it for it in items if it[0]["set"] == f"flite/{var}"]))
    print(row("SYNTHETIC overall", [it for it in items if it[0]["kind"] == "synth"]))
    print(row("ESPEAK-NG overall (never fitted)", [it for it in items if it[0]["kind"] == "unseen"]))
    acted: dict[str, int] = {}
    for c, m, t in items:
        kind, cmd = outcome(c, m, t)
        if not c["truth"] and kind == "false" or c["truth"] and kind == "wrong":
            key = f"{c['kind']} {c['text']!r} -> {cmd}"
            acted[key] = acted.get(key, 0) + 1
    print("Wrong actions: " + (", ".join(f"{k} x{n}" for k, n in sorted(acted.items())) or "none"))


def report(clips: list[dict]) -> None:
    for c in clips:
        c["_r"] = readings(c)
    unseen = [c for c in clips if c["kind"] == "unseen"]
    clips = [c for c in clips if c["kind"] != "unseen"]
    items = held_out(clips)
    real = [it for it in items if it[0]["kind"] == "real"]
    synthetic = [it for it in items if it[0]["kind"] == "synth"]
    print("\n== Accurate pass (Whisper tiny.en + phrase table + PocketSphinx measure), speakers held out ==")
    print(HEAD)
    for name in SETS:
        print(row(f"real {name}", [it for it in real if it[0]["set"] == name]))
    print(row("REAL overall", real))
    for var in synth.TARGET_VARIANTS:
        print(row(f"flite / {var}", [it for it in synthetic if it[0]["set"] == f"flite/{var}"]))
    for v in synth.FLITE_VOICES:
        print(row(f"flite voice {v}", [it for it in synthetic if it[0]["speaker"] == f"flite:{v}"]))
    print(row("SYNTHETIC overall", synthetic))

    print("\n== Today's PocketSphinx spotter alone, same stretches (its shipped model, fitted on flite) ==")
    print(HEAD)
    ps = pocketsphinx_items(clips)
    for name in SETS:
        print(ps_row(f"real {name}", [c for c in ps if c["kind"] == "real" and c["set"] == name]))
    print(ps_row("REAL overall", [c for c in ps if c["kind"] == "real"]))
    print(ps_row("SYNTHETIC overall (fitted on these)", [c for c in ps if c["kind"] == "synth"]))

    print("\nReal non-commands acted on or asked about (held out): word -> command x count")
    seen: dict[str, int] = {}
    for c, m, th in real:
        if not c["truth"]:
            kind, cmd = outcome(c, m, th)
            if kind in ("false", "unsure"):
                key = f"{c['text']} -> {cmd} ({'ACTED' if kind == 'false' else 'asked again'})"
                seen[key] = seen.get(key, 0) + 1
    for key, n in sorted(seen.items(), key=lambda kv: -kv[1])[:25]:
        print(f"  {key} x{n}")
    print("Real 'stop' not acted on: what Whisper read")
    for c, m, th in real:
        if c["truth"]:
            kind, cmd = outcome(c, m, th)
            if kind != "right":
                heard = [s["m"]["nb"][0][0] if s["m"] and s["m"]["nb"] else "(long or none)" for s in c["stretches"]]
                print(f"  {kind:7s} {c['speaker']:40s} {heard}")

    lat = []
    for c, m, th in real + synthetic:
        if not c["truth"]:
            continue
        for r, s in c["_r"]:
            if ac.action_of(r.command, ac.confidence_of(r.features, m), *th, phrase=r.phrase) == "act":
                lat.append(s["emit"] + sum(s["m"]["ms"].values()) / 1000 - c["speech_end"])
                break
    comp = [sum(s["m"]["ms"].values()) for c in clips for s in c["stretches"] if s["m"]]
    if lat:
        lat.sort()
        print(f"\nLatency from the end of the spoken command to the decision ({len(lat)} commands acted on): "
              f"median {np.median(lat):.2f} s, p90 {lat[int(0.9 * len(lat))]:.2f} s, max {lat[-1]:.2f} s "
              f"(endpointer's wait + decision time measured with 1 thread per process, 2 processes)")
        print(f"Decision time per stretch: median {np.median(comp):.0f} ms, p90 {np.percentile(comp, 90):.0f} ms; "
              "parts (median ms): " + ", ".join(
                  f"{k} {np.median([s['m']['ms'][k] for c in clips for s in c['stretches'] if s['m']]):.0f}"
                  for k in ("encode", "decode", "score", "pocketsphinx")))

    global USE
    print("\n== Ablations (held out, real overall / synthetic overall) ==")
    full = list(USE)
    for name, drop in (("without PocketSphinx's measure", {"ps_conf"}),
                       ("without near misses (exact phrases only)", {"near"}),
                       ("without the prompted readings", {"prompt_match", "prompt_any"}),
                       ("without the log-probabilities", {"match_lp", "gap", "avg_logprob"}),
                       ("without no-speech and length", {"no_speech", "duration"})):
        USE = [f for f in full if f not in drop]
        fuzzy = ac.FUZZY_MIN
        if "near" in drop:
            ac.FUZZY_MIN = 1.01
            for c in clips:
                c["_r"] = readings(c)
        with contextlib.redirect_stderr(io.StringIO()):
            its = held_out(clips)
        print(row(f"{name}: real", [it for it in its if it[0]["kind"] == "real"]))
        print(row(f"{name}: synthetic", [it for it in its if it[0]["kind"] == "synth"]))
        if ac.FUZZY_MIN != fuzzy:
            ac.FUZZY_MIN = fuzzy
            for c in clips:
                c["_r"] = readings(c)
    USE = full

    model = fit(clips)
    th = choose_thresholds(clips, model)
    if unseen:
        print("\n== espeak-ng's eight voices, never fitted on (the model fitted on everything above) ==")
        print(HEAD)
        ev = [(c, model, th) for c in unseen]
        for v in sorted({c["speaker"] for c in unseen}):
            print(row(v, [it for it in ev if it[0]["speaker"] == v]))
        print(row("ESPEAK-NG overall (unseen)", ev))
    print(f"\n== Fitted on everything (ship these in accurate_commands.py) ==\nFEATURES = {ac.FEATURES}\n"
          f"MODEL = {json.dumps(model)}\nACCEPT = {th[0]}\nENDING_ACCEPT = {th[1]}\nHEAR = {th[2]}")


def latency(n: int) -> None:
    """The shipped decision, timed as a drill meets it: each clip fed in 50 ms blocks, each stretch judged the
    moment the Segmenter gives it (Whisper with 2 threads); from the end of the spoken word to the decision."""
    from rehearse.accurate import TINY, shared

    spotter = ac.AccurateSpotter(shared(TINY), vc.PocketSphinxSpotter("en"))
    jobs = [j for j in real_jobs() if j["truth"]][:: max(1, 277 // n)][:n]
    jobs += [j for j in real_jobs() if not j["truth"]][:: max(1, 2400 // n)][:n]
    out = {"act": [], "other": []}
    compute = []
    for job in jobs:
        x = np.concatenate(list(FileSource(job["path"]).chunks()))
        pad = np.zeros(int(PAD_S * 16000), dtype=np.float32)
        x = np.concatenate([pad, x, pad, np.zeros(16000, dtype=np.float32)])
        end = speech_end_s(x)
        seg = vc.Segmenter(lead_s=ac.LEAD_S)
        for i in range(0, len(x), BLOCK):
            done = False
            for s in seg.add(x[i: i + BLOCK]):
                t0 = time.perf_counter()
                j = spotter.judge(s.audio)
                took = time.perf_counter() - t0
                compute.append(took)
                out["act" if j.action == "act" else "other"].append((i + BLOCK) / 16000 - end + took)
                done = True
            if done:
                break
    for k, v in out.items():
        if v:
            v.sort()
            print(f"{k}: {len(v)} decisions, from the end of the word: median {np.median(v):.2f} s, "
                  f"p90 {v[int(0.9 * len(v))]:.2f} s, max {v[-1]:.2f} s")
    print(f"decision compute: median {1000 * np.median(compute):.0f} ms, p90 {1000 * np.percentile(compute, 90):.0f} ms "
          f"(load average {os.getloadavg()[0]:.1f} on 2 cores)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--measure-only", action="store_true")
    ap.add_argument("--cached", action="store_true", help="only the clips already measured (a partial run)")
    ap.add_argument("--shipped", action="store_true", help="the shipped decision on the clips, not held out")
    ap.add_argument("--latency", type=int, default=0, help="time the shipped decision on N stops and N others")
    args = ap.parse_args()
    if not (REAL / "manifest.tsv").is_file():
        sys.exit(f"no real speech at {REAL} (../shared/realspeech/)")
    if args.latency:
        latency(args.latency)
        return
    jobs = real_jobs() + synth_jobs()
    # measured in a fixed order, real and flite's clips mixed (by their hash: a partial cache is a random sample
    # of both, enough to fit on when the machine is busy), espeak-ng's voices (never fitted on) last
    order = sorted(range(len(jobs)), key=lambda i: (jobs[i]["kind"] == "unseen", _key(jobs[i])))
    if args.cached:
        clips = [json.loads((CACHE / f"{_key(j)}.json").read_text()) for j in jobs
                 if (CACHE / f"{_key(j)}.json").exists()]
    else:
        clips = measure_all([jobs[i] for i in order], args.jobs)
        clips = [c for _, c in sorted(zip(order, clips), key=lambda t: t[0])]
    if args.measure_only:
        return
    if args.shipped:
        shipped_report(clips)
        return
    report(clips)


if __name__ == "__main__":
    main()
