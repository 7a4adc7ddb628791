"""Smart end of answer versus a fixed silence, on flite answers fed from files.

Each answer is built from flite renderings of its sentences, trimmed, joined with short natural
gaps (or a 2.5-3.5 s thinking pause before the result), laid over quiet room noise and followed by
silence. It is fed in 0.1 s blocks (a microphone's size) through the real PocketSphinx decoding
and `TurnDetector`, faster than real time; times are audio time, so the decisions are a
microphone's. Printed: for complete answers, how long after the last word the answer ended; for
thinking-pause answers, whether the pause ended the answer (a cut).

    PYTHONPATH=src .venv/bin/python benchmarks/endpoint.py [--voices rms,awb,slt,kal16,kal] [--quick]
        [--lenient] [--jobs 2]

Measured (2026-11-25, PocketSphinx, 24 complete answers and 24 thinking-pause answers, 5 voices):
fixed 4 s silence ends complete answers 3.99 s after the last word (median); smart ends the 10 of
24 that the C/A/R check finds complete 1.12 s after (median, worst 1.42 s), the other 14 (a
challenge, action or result the recognizer garbled or the analysis missed) after 4 s; thinking
pauses of 2.6-3.5 s before the result cut 0 of 24 (fixed 0, lenient 0).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rehearse.audio import SAMPLE_RATE_HZ, FileSource, read_all, write_wav
from rehearse.endpoint import SmartEndpoint
from rehearse.speech import PocketSphinxEngine
from rehearse.turns import TurnDetector

# (challenge, action, result, closing phrase or None): written for this benchmark.
STORIES = [
    ("Last year our support team was drowning in tickets and customers waited three days for a reply.",
     "I sorted two weeks of tickets by topic and wrote help articles for the ten most common questions.",
     "As a result the number of tickets fell by forty percent within two months.",
     "So that's how we got the queue under control."),
    ("At my previous job the monthly report took the finance team four days to prepare.",
     "I wrote a script that pulled the numbers from the database and built the tables automatically.",
     "The report now takes one afternoon and nobody works late at the end of the month.",
     None),
    ("Our mobile app kept crashing for users on older phones and the reviews were getting worse.",
     "I collected the crash logs, found a memory leak in the image loader and fixed it with a colleague.",
     "Crashes dropped by ninety percent and the rating went from three stars to four and a half.",
     "And that's it."),
    ("A key client threatened to cancel their contract because our deliveries were always late.",
     "I called them every week, set up a shared schedule and moved their orders to the front of the line.",
     "They renewed the contract for two more years and doubled their orders.",
     None),
    ("When I joined the warehouse, stock counts were wrong almost every week.",
     "I introduced barcode scanning at the loading dock and trained the night shift to use it.",
     "In the end the counting errors went down from fifty a week to three.",
     "That's basically how it went."),
    ("Two developers left in the middle of a project and the deadline was only six weeks away.",
     "I cut the scope with the product owner and split the remaining work into small weekly goals.",
     "We shipped on time and the client was happy with the first release.",
     None),
    ("The school I worked at had very low attendance at parent evenings.",
     "I moved the meetings online and sent personal reminders to every family.",
     "Attendance rose from thirty percent to almost eighty percent in one term.",
     "So that's what I'm most proud of."),
    ("Our website was slow and people left before the page even loaded.",
     "I measured every request, compressed the images and added caching to the server.",
     "Page load time went from eight seconds to under two seconds and sales grew by twelve percent.",
     None),
    ("My manager asked me to train a new team of five people with no budget at all.",
     "I wrote short guides, paired each newcomer with an experienced colleague and held a weekly question hour.",
     "All five were working on their own after one month, which saved us about two weeks of training.",
     "And that was the result."),
    ("The restaurant where I was a shift lead had long waits on Friday nights.",
     "I changed the seating plan and gave one waiter the job of clearing tables only.",
     "The average wait went down by fifteen minutes and we served twenty more tables a night.",
     None),
    ("Our hospital ward kept running out of basic supplies at night.",
     "I made a simple checklist and asked each shift to restock before handing over.",
     "We did not run out of supplies once in the following six months.",
     "So yeah, that's the story."),
    ("The sales team did not trust the numbers from our dashboard.",
     "I checked every formula with them, fixed two errors and wrote down how each number was calculated.",
     "Now the whole team uses the dashboard every morning and the weekly meeting is half as long.",
     None),
]

VOICES = ("rms", "awb", "slt", "kal16", "kal")
SENTENCE_GAP_S = (0.35, 0.6)  # natural gaps between sentences
NOISE_DB = -58.0  # quiet room noise under everything
AFTER_S = 6.0  # silence after the last word (more than --silence)
SILENCE_S = 4.0
THINK_S = 30.0
MAX_S = 240.0
BLOCK_S = 0.1


@dataclass
class Case:
    name: str
    voice: str
    kind: str  # complete | pause
    wav: Path
    last_word_s: float  # end of the last word (complete) or start of the thinking pause (pause)
    pause_s: float = 0.0
    final_s: float = 0.0  # end of the last word of the answer


def render(text: str, voice: str, tmp: Path) -> np.ndarray:
    """One flite rendering at 16 kHz, its leading and trailing silence trimmed."""
    out = tmp / "seg.wav"
    subprocess.run(["flite", "-voice", voice, "-t", text, "-o", str(out)], check=True)
    data, rate = read_all(out)
    if rate != SAMPLE_RATE_HZ:
        import soxr

        data = soxr.resample(data, rate, SAMPLE_RATE_HZ).astype(np.float32)
    frame = 160
    n = len(data) // frame
    level = 20 * np.log10(np.sqrt(np.mean(data[: n * frame].reshape(n, frame) ** 2, axis=1)) + 1e-9)
    loud = np.flatnonzero(level > level.max() - 40)
    return data[loud[0] * frame : (loud[-1] + 1) * frame]


def build(parts: list[tuple[np.ndarray, float]], rng: np.random.Generator) -> tuple[np.ndarray, list[float]]:
    """Join (segment, gap after it) pairs over room noise; return audio and each segment's end."""
    lead = np.zeros(int(0.5 * SAMPLE_RATE_HZ), dtype=np.float32)
    chunks, ends, t = [lead], [], len(lead)
    for seg, gap in parts:
        chunks.append(seg)
        t += len(seg)
        ends.append(t / SAMPLE_RATE_HZ)
        g = np.zeros(int(gap * SAMPLE_RATE_HZ), dtype=np.float32)
        chunks.append(g)
        t += len(g)
    audio = np.concatenate(chunks)
    noise = rng.standard_normal(len(audio)).astype(np.float32)
    noise = np.convolve(noise, np.ones(8) / 8, mode="same")  # a duller hiss than white noise
    noise *= 10 ** (NOISE_DB / 20) / (np.sqrt(np.mean(noise**2)) + 1e-12)
    return np.clip(audio + noise, -1, 1).astype(np.float32), ends


def make_cases(voices: list[str], tmp: Path, quick: bool) -> list[Case]:
    """Complete stories and thinking-pause answers, each in voices taken in turn."""
    rng = np.random.default_rng(13)
    cases = []
    stories = STORIES[:6] if quick else STORIES
    cache: dict[tuple[str, str], np.ndarray] = {}

    def seg(text: str, voice: str) -> np.ndarray:
        if (text, voice) not in cache:
            cache[text, voice] = render(text, voice, tmp)
        return cache[text, voice]

    def gap() -> float:
        return float(rng.uniform(*SENTENCE_GAP_S))

    for i, (c, a, r, close) in enumerate(stories):
        # every complete story in two voices, every pause variant in its own voice: all voices used
        for v in (voices[i % len(voices)], voices[(i + 2) % len(voices)]):
            texts = [c, a, r] + ([close] if close else [])
            parts = [(seg(t, v), gap()) for t in texts]
            parts[-1] = (parts[-1][0], AFTER_S)
            audio, ends = build(parts, rng)
            wav = tmp / f"s{i}-{v}-complete.wav"
            write_wav(wav, audio)
            cases.append(Case(f"story{i + 1}{'+close' if close else ''}", v, "complete", wav, ends[-1], 0.0, ends[-1]))
        for j, where in enumerate(("after-action", "after-and")):
            v = voices[(i + 1 + 3 * j) % len(voices)]
            pause = float(rng.uniform(2.5, 3.5))
            if where == "after-action":
                texts = [(c, gap()), (a, pause), (r, AFTER_S)]
            else:
                texts = [(c, gap()), (a.rstrip(".") + " and", pause), (r[0].lower() + r[1:], AFTER_S)]
            parts = [(seg(t, v), g) for t, g in texts]
            audio, ends = build(parts, rng)
            wav = tmp / f"s{i}-{v}-{where}.wav"
            write_wav(wav, audio)
            cases.append(Case(f"story{i + 1}:{where}", v, "pause", wav, ends[1], pause, ends[-1]))
    return cases


@dataclass
class Outcome:
    ended_s: float | None
    reason: str = ""
    required_s: float = 0.0


def run(case: Case, modes: tuple[str, ...]) -> tuple[dict[str, Outcome], list[float]]:
    """Feed one file through one decoding and one turn detector per mode (they share the decoding,
    which each smart endpoint reads as the loop would); when and why did each end the answer."""
    engine = _engine()
    decoding = engine.stream()
    detectors, timed = {}, []
    for mode in modes:
        endpoint = None if mode == "fixed" else SmartEndpoint.for_decoding(decoding, lenient=mode == "lenient")
        if endpoint is not None and mode == "smart":  # time each decision the detector asks for
            inner = endpoint.required_silence_s

            def timed_call(*args, inner=inner):
                t0 = time.process_time()
                out = inner(*args)
                timed.append((time.process_time() - t0) * 1000)
                return out

            endpoint.required_silence_s = timed_call
        detectors[mode] = TurnDetector(THINK_S, SILENCE_S, MAX_S, endpoint=endpoint)
    for block in FileSource(case.wav, block_s=BLOCK_S).chunks():
        live = [d for d in detectors.values() if d.ended_by is None]
        if not live:
            break
        if any(d.endpoint is not None for d in live):
            decoding.accept(block)
        for d in live:
            d.add(block)
    out = {}
    for mode, d in detectors.items():
        last = d.endpoint.last if d.endpoint is not None else None
        out[mode] = Outcome(d.elapsed_s if d.ended_by else None, last.reason if last else "", d.required_silence_s)
    return out, timed


_ENGINE = None


def _engine() -> PocketSphinxEngine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = PocketSphinxEngine()
    return _ENGINE


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--voices", default=",".join(VOICES))
    ap.add_argument("--quick", action="store_true", help="half the stories")
    ap.add_argument("--lenient", action="store_true", help="also run the lenient story check (Action + Result)")
    ap.add_argument("--jobs", type=int, default=1, help="answers decoded in parallel")
    args = ap.parse_args()
    modes = ("fixed", "smart", "lenient") if args.lenient else ("fixed", "smart")
    voices = args.voices.split(",")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        cases = make_cases(voices, tmp, args.quick)
        results: dict[str, list] = {m: [] for m in modes}
        all_ms: list[float] = []
        print(f"{'answer':28} {'voice':6} {'kind':8} " + " ".join(f"{m:>7}" for m in modes)
              + "  smart: last decision (reason, required silence)")
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(args.jobs) as pool:
            for case, (outs, ms) in zip(cases, pool.map(run, cases, [modes] * len(cases))):
                all_ms += ms
                row = []
                for mode in modes:
                    out = outs[mode]
                    if case.kind == "complete":
                        value = None if out.ended_s is None else out.ended_s - case.last_word_s
                    else:  # a cut: the answer ended before its last word (in the pause or the result)
                        value = out.ended_s is not None and out.ended_s < case.final_s
                    results[mode].append((case, value))
                    row.append(value)
                cells = [f"{v:7.2f}" if isinstance(v, float) else f"{('CUT' if v else 'ok'):>7}" for v in row]
                pause = f" pause {case.pause_s:.1f}s" if case.kind == "pause" else ""
                smart = outs["smart"]
                print(f"{case.name:28} {case.voice:6} {case.kind:8} {' '.join(cells)}  "
                      f"{smart.reason} {smart.required_s:.2f}s{pause}", flush=True)
        print()
        for mode in modes:
            delays = [v for c, v in results[mode] if c.kind == "complete" and v is not None]
            never = sum(1 for c, v in results[mode] if c.kind == "complete" and v is None)
            cuts = [c for c, v in results[mode] if c.kind == "pause" and v]
            n_pause = sum(1 for c, _ in results[mode] if c.kind == "pause")
            print(f"{mode:7}: complete answers {len(delays)} ({len({c.voice for c, _ in results[mode]})} voices): "
                  f"end delay after last word median {statistics.median(delays):.2f} s, "
                  f"worst {max(delays):.2f} s, over 2.5 s: {sum(d > 2.5 for d in delays)}"
                  f"{f', never ended {never}' if never else ''}; "
                  f"thinking-pause answers cut {len(cuts)} of {n_pause}")
            if mode != "fixed":
                ended = [d for d in delays if d < SILENCE_S - 0.2]
                print(f"{'':9}answers the {mode} reading found complete: {len(ended)} of {len(delays)}, "
                      f"their delay median {statistics.median(ended) if ended else float('nan'):.2f} s, "
                      f"worst {max(ended) if ended else float('nan'):.2f} s")
        if all_ms:
            print(f"smart decision CPU time: median {statistics.median(all_ms):.3f} ms, "
                  f"99th percentile {float(np.percentile(all_ms, 99)):.2f} ms, "
                  f"worst {max(all_ms):.2f} ms over {len(all_ms)} calls")


if __name__ == "__main__":
    sys.exit(main())
