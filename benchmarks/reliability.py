"""Does the reliability flag separate good transcripts from bad ones? Prints the evidence.

    PYTHONPATH=src .venv/bin/python benchmarks/reliability.py [--fast] [--dir DIR] [--crop-s 14]
        [--shard K/N] [--conditions clean,noise20] [--report-only] [--dump]

(On a busy 2-core machine a full decode of the 240 recordings takes hours: `--crop-s 14` decodes
only the first 14 s of each, scored against the best-fitting start of the text, and `--shard`
splits the work between processes that share the cache.)

Builds recordings from answers written for this benchmark (below), spoken by flite's voices
(rms, awb, slt, kal16, kal) and espeak-ng, under several conditions: clean, room noise at 20, 10
and 0 dB SNR, mumbled (quiet, low-passed, faster), phone band (8 kHz, 300-3400 Hz, mu-law, some line
noise) and a reverberant room. Each is decoded by PocketSphinx through `scoring.hear`, and the
script prints, per condition: the word error rate against the written text, the median of each
figure `reliability.judge` uses, and the share of recordings it flags as unreliable.
Recordings and decodes are cached in DIR (default /tmp/rehearse-reliability).

`--accurate` decodes with both passes (PocketSphinx streaming, Whisper tiny.en accurate, as `score` does) and
judges the accurate transcript on Whisper's own measures; `--refit` then fits the Whisper thresholds
(`WHISPER_MIN_LOGPROB`, `WHISPER_MAX_UNWORDED`) with leave-one-voice-out cross-validation (a recording is
bad above WER 0.5, good at or under 0.3, as the report counts them) and prints both.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from rehearse.audio import SAMPLE_RATE_HZ, FileSource
from rehearse.judge.reliability import judge
from rehearse.scoring import hear
from rehearse.transcript import Word, normalize, word_error_rate

# Answers written for this benchmark (not taken from any corpus).
ANSWERS = [
    (
        "Last spring our support team was drowning in tickets, and two of our largest customers told us "
        "they were ready to leave. The answers took four days on average. So I read two weeks of tickets "
        "myself, sorted them by topic, and wrote clear answers to the ten most common questions. Then I "
        "trained the team to use them and set up a short daily meeting. As a result, within six weeks the "
        "backlog fell from nine hundred tickets to under one hundred, and both customers renewed their contracts."
    ),
    (
        "In my last job at a warehouse, orders were often shipped to the wrong address because the labels "
        "were printed by hand. Customers were angry and we paid for every return. I suggested that we scan "
        "each order before packing, and I wrote a simple checklist for the night shift. I also showed two "
        "new colleagues how to use the scanner. After three months the number of wrong deliveries dropped "
        "by more than half, and my manager asked me to train the other teams."
    ),
    (
        "When I worked at the city library, our evening classes for adults were almost empty, and the "
        "budget for them was going to be cut. I talked to the people who came and asked them what they "
        "needed. Most of them wanted help with computers and job applications, so I changed the program "
        "and put posters in the local shops. By the end of the year every class was full, and the council "
        "kept the budget for another two years."
    ),
    (
        "At the restaurant where I was a shift leader, two cooks quit in the same week, right before a "
        "busy holiday weekend. I called former staff members, rewrote the schedule so that everyone had "
        "at least one day off, and simplified the menu for those days. I worked in the kitchen myself "
        "during the rush. We served more guests than the year before, the reviews stayed good, and the "
        "owner later made me assistant manager."
    ),
    (
        "I was asked to organize the move of our office to a new building in only three weeks. Nobody "
        "had planned it, and the movers were booked for the wrong day. I made a list of every room, "
        "agreed on a new date with the moving company, and asked each team to pack their own desks on "
        "Friday afternoon. On Monday morning everyone could start work as usual, and we spent less than "
        "the budget we had been given."
    ),
]

VOICES = ["rms", "awb", "slt", "kal16", "kal", "espeak"]
CONDITIONS = ["clean", "noise20", "noise10", "noise0", "mumbled", "phone", "phone_noisy", "reverb"]


def run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


def speak(text: str, voice: str, out: Path) -> None:
    if voice == "espeak":
        run(["espeak-ng", "-v", "en-us", "-w", str(out), text])
    else:
        run(["flite", "-voice", voice, "-t", text, "-o", str(out)])


def read16(path: Path) -> np.ndarray:
    data, rate = soundfile.read(str(path), dtype="float32", always_2d=False)
    if data.ndim == 2:
        data = data.mean(axis=1)
    if rate != SAMPLE_RATE_HZ:
        import soxr

        data = soxr.resample(data, rate, SAMPLE_RATE_HZ).astype(np.float32)
    return data


def pink(n: int, rng: np.random.Generator) -> np.ndarray:
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spec))
    spec[1:] /= np.sqrt(f[1:])
    x = np.fft.irfft(spec, n)
    return (x / np.sqrt(np.mean(x * x))).astype(np.float32)


def babble(n: int, rng: np.random.Generator, work: Path) -> np.ndarray:
    """Room noise: pink noise plus far-off reversed chatter from other voices."""
    x = pink(n, rng)
    for k, voice in enumerate(("kal16", "slt", "awb")):
        wav = work / f"babble_{voice}.wav"
        if not wav.exists():
            speak(" ".join(ANSWERS[(k + 1) % len(ANSWERS):] + ANSWERS), voice, wav)
        b = read16(wav)[::-1]
        b = np.resize(b, n)
        b = np.roll(b, int(rng.integers(0, n)))
        x += 0.7 * b / max(np.sqrt(np.mean(b * b)), 1e-6)
    return x / np.sqrt(np.mean(x * x))


def speech_rms(x: np.ndarray) -> float:
    frames = x[: len(x) // 160 * 160].reshape(-1, 160)
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    loud = rms[rms > 0.1 * rms.max()]
    return float(np.sqrt(np.mean(loud**2)))


def write(path: Path, x: np.ndarray) -> None:
    x = np.clip(x, -1, 1)
    soundfile.write(str(path), x, SAMPLE_RATE_HZ, subtype="PCM_16")


def add_noise(x: np.ndarray, snr_db: float, rng, work: Path) -> np.ndarray:
    lead = np.zeros(int(0.8 * SAMPLE_RATE_HZ), dtype=np.float32)
    x = np.concatenate([lead, x, lead])
    noise = babble(len(x), rng, work)
    gain = speech_rms(x) / 10 ** (snr_db / 20)
    return x + gain * noise


def sox(src: Path, dst: Path, *effects: str) -> None:
    run(["sox", str(src), "-r", str(SAMPLE_RATE_HZ), "-b", "16", "-c", "1", str(dst), *effects])


def build(work: Path, answers: list[int], voices: list[str]) -> list[dict]:
    """Make (or reuse) every recording; return their descriptions."""
    work.mkdir(parents=True, exist_ok=True)
    items = []
    for a in answers:
        for voice in voices:
            base = work / f"a{a}_{voice}_raw.wav"
            clean = work / f"a{a}_{voice}_clean.wav"
            if not clean.exists():
                speak(ANSWERS[a], voice, base)
                lead = np.zeros(int(0.5 * SAMPLE_RATE_HZ), dtype=np.float32)
                x = read16(base)
                write(clean, 0.5 * np.concatenate([lead, x, lead]) / np.abs(x).max())
            for cond in CONDITIONS:
                out = work / f"a{a}_{voice}_{cond}.wav"
                if not out.exists():
                    make(cond, clean, out, work, np.random.default_rng(hash((a, voice, cond)) % 2**32))
                items.append({"answer": a, "voice": voice, "condition": cond, "path": str(out)})
    return items


def make(cond: str, clean: Path, out: Path, work: Path, rng) -> None:
    x = read16(clean)
    if cond == "clean":
        return
    if cond in ("noise20", "noise10", "noise0"):
        write(out, add_noise(x, float(cond[len("noise"):]), rng, work))
    elif cond == "mumbled":
        # quiet, muffled and hurried: low-passed at 1.2 kHz, 25 dB down, 30 % faster, a little hiss
        tmp = work / (out.stem + "_tmp.wav")
        sox(clean, tmp, "tempo", "1.3", "lowpass", "1200", "lowpass", "1200", "gain", "-25")
        y = read16(tmp)
        tmp.unlink()
        write(out, y + 0.0003 * rng.standard_normal(len(y)).astype(np.float32))
    elif cond in ("phone", "phone_noisy"):
        noisy = work / (out.stem + "_in.wav")
        write(noisy, add_noise(x, 15.0 if cond == "phone" else 5.0, rng, work))
        ulaw = work / (out.stem + "_ulaw.wav")
        run(["sox", str(noisy), "-r", "8000", "-e", "u-law", str(ulaw), "sinc", "300-3400"])
        sox(ulaw, out)
        noisy.unlink()
        ulaw.unlink()
    elif cond == "reverb":
        sox(clean, out, "reverb", "90", "50", "100", "100", "40", "pad", "0", "1", "norm", "-6")
    else:
        raise ValueError(cond)


ACCURATE = False  # set by --accurate: both passes, judged on Whisper's measures


def cached(it: dict, crop_s: float | None) -> Path:
    tag = f".crop{crop_s:g}" if crop_s else ""
    return Path(it["path"]).with_suffix(f"{tag}{'.acc' if ACCURATE else ''}.json")


def decode(items: list[dict], crop_s: float | None, shard: tuple[int, int]) -> None:
    """Decode every recording not decoded yet (this shard's share), caching words and levels."""
    from rehearse.audio import AudioSource
    from rehearse.speech import PocketSphinxEngine

    class Cropped(AudioSource):
        def __init__(self, path: str):
            self.src = FileSource(path)

        def chunks(self):
            taken = 0
            for block in self.src.chunks():
                if crop_s and taken >= crop_s * SAMPLE_RATE_HZ:
                    break
                taken += len(block)
                yield block

    engine = None
    for k, it in enumerate(items):
        cache = cached(it, crop_s)
        if cache.exists() or k % shard[1] != shard[0]:
            continue
        if engine is None:
            engine = PocketSphinxEngine()
            if ACCURATE:
                from rehearse import accurate

                engine.accurate = accurate.shared(accurate.TINY)
        heard = hear(Cropped(it["path"]), engine)
        np.save(cache.with_suffix(".levels.npy"), heard.levels)
        rec = {
            "words": [[w.word, w.start, w.end, w.conf] for w in heard.words],
            "spans": [[s.start, s.end] for s in heard.spans],
            "duration_s": heard.heard_s,
            "stretches": heard.stretches,
        }
        cache.write_text(json.dumps(rec))
        print(f"decoded {cache.name}", file=sys.stderr, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="/tmp/rehearse-reliability")
    ap.add_argument("--fast", action="store_true", help="two answers, three voices")
    ap.add_argument("--dump", action="store_true", help="print every recording's figures")
    ap.add_argument("--crop-s", type=float, default=None, help="decode only the first seconds of each")
    ap.add_argument("--shard", default="0/1", help="K/N: decode every Nth recording from the Kth (parallel runs)")
    ap.add_argument("--conditions", default=",".join(CONDITIONS), help="which conditions to decode")
    ap.add_argument("--report-only", action="store_true", help="no decoding: report what is cached")
    ap.add_argument("--accurate", action="store_true", help="both passes; judged on Whisper's measures")
    ap.add_argument("--refit", action="store_true", help="with --accurate: fit Whisper's thresholds (grouped CV)")
    args = ap.parse_args()
    global ACCURATE
    ACCURATE = args.accurate
    work = Path(args.dir)
    answers = [0, 1] if args.fast else list(range(len(ANSWERS)))
    voices = ["rms", "slt", "espeak"] if args.fast else VOICES
    items = build(work, answers, voices)
    if not args.report_only:
        k, n = (int(v) for v in args.shard.split("/"))
        wanted = args.conditions.split(",")
        decode([it for it in items if it["condition"] in wanted], args.crop_s, (k, n))
    items = [it for it in items if cached(it, args.crop_s).exists()]
    report(items, args.crop_s, args.dump)
    if args.refit:
        refit(items, args.crop_s)


def refit(items: list[dict], crop_s: float | None) -> None:
    """Fit Whisper's two thresholds by balanced accuracy on the labelled recordings, leaving each voice out
    in turn; print the held-out figures and the thresholds fitted on every voice."""
    from rehearse.judge import reliability as R

    rows = []
    for it in items:
        rel, e, n = evaluate(it, crop_s)
        w = e / n
        if w > 0.5 or w <= 0.3:
            rows.append((rel.figures, w > 0.5, it["voice"]))
    grid_lp = [round(x, 2) for x in np.arange(-1.3, -0.29, 0.05)]
    grid_un = [round(x, 2) for x in np.arange(0.2, 0.95, 0.05)]

    def flags(f, lp, un):
        saved = R.WHISPER_MIN_LOGPROB, R.WHISPER_MAX_UNWORDED
        R.WHISPER_MIN_LOGPROB, R.WHISPER_MAX_UNWORDED = lp, un
        try:
            return bool(R._whisper_doubts(f))
        finally:
            R.WHISPER_MIN_LOGPROB, R.WHISPER_MAX_UNWORDED = saved

    def balanced(sub, lp, un):
        bad = [flags(f, lp, un) for f, b, _ in sub if b]
        good = [not flags(f, lp, un) for f, b, _ in sub if not b]
        parts = [np.mean(x) for x in (bad, good) if x]
        return float(np.mean(parts)) if parts else 0.0

    def fit(sub):
        """The middle of the best thresholds (ties are common on few recordings: the middle generalizes)."""
        scored = [((lp, un), balanced(sub, lp, un)) for lp in grid_lp for un in grid_un]
        best = max(b for _, b in scored)
        tied = [t for t, b in scored if b == best]
        return float(np.median([t[0] for t in tied])), float(np.median([t[1] for t in tied]))

    voices = sorted({v for *_, v in rows})
    held = {"bad": [0, 0], "good": [0, 0]}
    for v in voices:
        lp, un = fit([r for r in rows if r[2] != v])
        for f, b, _ in (r for r in rows if r[2] == v):
            key = "bad" if b else "good"
            held[key][0] += flags(f, lp, un) if b else not flags(f, lp, un)
            held[key][1] += 1
        print(f"  without {v}: logprob >= {lp}, unworded <= {un}")
    lp, un = fit(rows)
    today = balanced(rows, R.WHISPER_MIN_LOGPROB, R.WHISPER_MAX_UNWORDED)
    print(f"refit on Whisper's measures, {len(rows)} recordings ({sum(b for _, b, _ in rows)} bad), "
          f"{len(voices)} voices left out in turn: bad flagged {held['bad'][0]}/{held['bad'][1]}, "
          f"good kept {held['good'][0]}/{held['good'][1]}; fitted on all: WHISPER_MIN_LOGPROB = {lp}, "
          f"WHISPER_MAX_UNWORDED = {un} (balanced accuracy {balanced(rows, lp, un):.2f}; with the shipped "
          f"values {today:.2f})")


def prefix_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """Word errors of a transcript of the first part of a text: (edit distance, words of the
    reference prefix that fits it best). The whole text when nothing was cut off."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    row = list(range(len(hyp) + 1))
    best = (len(hyp), 0)
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
        if i >= 3 and row[-1] * max(best[1], 1) <= best[0] * i:
            best = (row[-1], i)
    return best


def high_levels(path: str, crop_s: float | None) -> np.ndarray:
    """The level above 4 kHz of each 10 ms frame, as `scoring.hear` measures it."""
    from rehearse.turns import HighBandTrack

    track = HighBandTrack()
    taken = 0
    for block in FileSource(path).chunks():
        if crop_s and taken >= crop_s * SAMPLE_RATE_HZ:
            break
        taken += len(block)
        track.add(block)
    return track.levels


def evaluate(it: dict, crop_s: float | None):
    from rehearse.transcript import Span

    cache = cached(it, crop_s)
    data = json.loads(cache.read_text())
    words = [Word(w, s, e, c) for w, s, e, c in data["words"]]
    spans = [Span(s, e) for s, e in data["spans"]]
    levels = np.load(cache.with_suffix(".levels.npy"))
    high = high_levels(it["path"], crop_s)
    if ACCURATE:
        rel = judge(words, levels, spans, "whisper-tiny.en", high, stretches=data["stretches"] or [])
    else:
        rel = judge(words, levels, spans, "pocketsphinx", high)
    text = " ".join(w.word for w in words)
    if crop_s:
        e, n = prefix_errors(ANSWERS[it["answer"]], text)
    else:
        e, n = word_error_rate(ANSWERS[it["answer"]], text)
    return rel, e, max(n, 1)


def report(items: list[dict], crop_s: float | None, dump: bool) -> None:
    if not items:
        print("nothing decoded yet")
        return
    rows: dict[str, list] = {}
    for it in items:
        rel, e, n = evaluate(it, crop_s)
        rows.setdefault(it["condition"], []).append((rel, e, n, it))
        if dump:
            figs = " ".join(f"{k}={v}" for k, v in rel.figures.items() if k != "doubts")
            print(f"{it['condition']:12s} {it['voice']:7s} a{it['answer']} WER {e / n:.2f} "
                  f"{'ok  ' if rel.reliable else 'FLAG'} {figs} | {rel.reason or ''}")
    SHORT = {"words_per_voiced_s": "words/s", "median_conf": "conf", "low_conf_share": "unsure",
             "speech_db": "speech dB", "snr_db": "SNR dB", "high_band_db": ">4kHz dB", "function_share": "function"}
    keys = ["function_share", "words_per_voiced_s", "median_conf", "low_conf_share", "speech_db", "snr_db", "high_band_db"]
    print()
    print(f"{'condition':12s} {'n':>3s} {'WER':>5s} {'flagged':>7s}  " + " ".join(f"{SHORT[k]:>10s}" for k in keys))
    for cond in CONDITIONS:
        if cond not in rows:
            continue
        rs = rows[cond]
        wer = sum(e for _, e, _, _ in rs) / sum(n for _, _, n, _ in rs)
        flagged = sum(not r.reliable for r, *_ in rs) / len(rs)
        meds = []
        for k in keys:
            vals = [r.figures[k] for r, *_ in rs if r.figures.get(k) is not None]
            meds.append(f"{np.median(vals):10.3f}" if vals else f"{'-':>10s}")
        print(f"{cond:12s} {len(rs):3d} {wer:5.2f} {flagged:7.0%}  " + " ".join(meds))
    # per-recording: how well does the flag track a bad transcript?
    all_rs = [x for rs in rows.values() for x in rs]
    bad = [x for x in all_rs if x[1] / x[2] > 0.5]
    good = [x for x in all_rs if x[1] / x[2] <= 0.3]
    print()
    print(f"recordings with WER > 0.5: {len(bad)}, flagged {sum(not r.reliable for r, *_ in bad)}")
    print(f"recordings with WER <= 0.3: {len(good)}, flagged {sum(not r.reliable for r, *_ in good)}")
    by_voice: dict[str, list] = {}
    for r, e, n, it in rows.get("clean", []):
        by_voice.setdefault(it["voice"], []).append((r, e, n))
    print("clean, per voice: " + ", ".join(
        f"{v} WER {sum(e for _, e, _ in rs) / sum(n for _, _, n in rs):.2f} flagged {sum(not r.reliable for r, _, _ in rs)}/{len(rs)}"
        for v, rs in by_voice.items()))


if __name__ == "__main__":
    main()
