"""The two passes in the one listening loop, measured: time to card, first sound, fillers, noise, memory.

    nice .venv/bin/python benchmarks/two_pass.py card [--answers 6]     # real time: ~2 min per answer
    nice .venv/bin/python benchmarks/two_pass.py fillers [--answers 12]
    nice .venv/bin/python benchmarks/two_pass.py noise
    nice .venv/bin/python benchmarks/two_pass.py memory

- card: answers of 1-2 minutes (the sample answer, and pairs of the writers' answers rendered by
  benchmarks/wer.py in four voices) played at real pace through `Coach.listen` (the live loop with the smart
  end of answer, exactly what `interview` runs) with both passes and with the streaming pass alone; prints the
  time from the end of the answer being detected to the card (`feedback_latency_s`), median and each.
- fillers: the w_spoken writer's answers (fillers written in: "um", "uh"), rendered like wer.py; the fillers of
  the script found by the streaming pass, by Whisper alone, and in the merged transcript (count-based recall).
- noise: what Whisper writes for noise-only, mumbled and phone-band clips (benchmarks/reliability.py's
  conditions), before and after the drop rule (`accurate.kept`, voiced frames).
- memory: VmRSS of a process before and after the accurate pass is loaded and has decoded an answer.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import soundfile

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

from rehearse import accurate  # noqa: E402
from rehearse.audio import SAMPLE_RATE_HZ, FileSource, PacedFileSource  # noqa: E402
from rehearse.speech import PocketSphinxEngine  # noqa: E402
from rehearse.take import record  # noqa: E402

SAMPLE = REPO / "audio_fixtures" / "sample_answer.wav"
CACHE = REPO / "benchmarks" / ".cache" / "two_pass"


def engines():
    ps = PocketSphinxEngine()
    both = PocketSphinxEngine()
    both.accurate = accurate.shared(accurate.choose()[0])
    both.accurate.load()
    return ps, both


def long_answers(n: int) -> list[Path]:
    """The sample answer and pairs of the writers' answers, each 1-2 minutes, 1 s apart."""
    import wer

    out = [SAMPLE]
    rendered = [p for _, _, p in wer.answers(4)]
    CACHE.mkdir(parents=True, exist_ok=True)
    for k in range(0, len(rendered) - 1, 2):
        if len(out) >= n:
            break
        path = CACHE / f"pair{k}.wav"
        if not path.exists():
            a, b = (np.concatenate(list(FileSource(p).chunks())) for p in rendered[k:k + 2])
            x = np.concatenate([a, np.zeros(SAMPLE_RATE_HZ, np.float32), b])
            soundfile.write(str(path), x, SAMPLE_RATE_HZ, subtype="PCM_16")
        if 60 <= soundfile.info(str(path)).duration <= 130:
            out.append(path)
    return out


def card(args) -> None:
    from rehearse.audio import SilentPlayer
    from rehearse.practice import Coach, Services, Settings
    from rehearse.questions import Question
    from rehearse.store import Store
    from rehearse.tts import Speaker

    ps, both = engines()
    q = Question("Tell me about a time you solved a difficult problem at work.")
    got: dict[str, list[float]] = {"both": [], "streaming alone": []}
    with tempfile.TemporaryDirectory() as tmp:
        for path in long_answers(args.answers):
            dur = soundfile.info(str(path)).duration
            for label, engine in (("both", both), ("streaming alone", ps)):
                store = Store(Path(tmp) / label)
                services = Services(store, Speaker(Path(tmp) / "speech"), SilentPlayer(),
                                    lambda p=path: nullcontext(PacedFileSource(p)), lambda e=engine: e)
                coach = Coach(services, Settings(think_s=10, silence_s=4.0, follow_ups=0, echo_tail_s=0.0))
                _take, turn = coach.listen(q)
                fb = turn.feedback
                got[label].append(fb.data["feedback_latency_s"])
                print(f"{path.name:28s} {dur:5.1f} s  {label:16s} card {fb.data['feedback_latency_s']:.2f} s after the "
                      f"end was detected ({fb.ended_by}); {len(fb.words)} words", flush=True)
    for label, xs in got.items():
        print(f"{label}: median {statistics.median(xs):.2f} s, max {max(xs):.2f} s over {len(xs)} answers")


FILLERS = {"um", "uh", "er", "erm", "uhm"}


def fillers(args) -> None:
    import wer

    ps, both = engines()
    rows = [json.loads(line) for line in (REPO / "tests/data/dev/w_spoken/car.jsonl").read_text().splitlines()
            if line.strip()][: args.answers]
    totals = {"script": 0, "streaming": 0, "whisper alone": 0, "merged": 0, "extra merged": 0}
    for k, row in enumerate(rows):
        engine_name, voice = wer.VOICES[k % len(wer.VOICES)]
        sentences = [s["text"] for s in row["sentences"]]
        path = wer.render(sentences, engine_name, voice, wer.CACHE / f"{row['id']}.{engine_name}.{voice}.wav")
        ref = [w for w in re.findall(r"[a-z']+", " ".join(sentences).lower()) if w in FILLERS]
        take = record(lambda p=path: nullcontext(FileSource(p)), both, None)
        alone = accurate.join(take.accurate)
        counts = {"streaming": take.stream_words, "whisper alone": alone, "merged": take.words}
        found = {k2: sum(w.word in accurate.STREAM_FILLERS for w in ws) for k2, ws in counts.items()}
        totals["script"] += len(ref)
        for k2, n in found.items():
            totals[k2] += min(n, len(ref))
        totals["extra merged"] += max(0, found["merged"] - len(ref))
        print(f"{row['id']} ({engine_name} {voice}): script {len(ref)}, streaming {found['streaming']}, "
              f"Whisper alone {found['whisper alone']}, merged {found['merged']}", flush=True)
    n = max(1, totals["script"])
    print(f"filler recall over {totals['script']} fillers in {len(rows)} answers: streaming "
          f"{totals['streaming'] / n:.2f}, Whisper alone {totals['whisper alone'] / n:.2f}, merged "
          f"{totals['merged'] / n:.2f} (fillers beyond the script's count in the merged transcript: "
          f"{totals['extra merged']})")


def noise(args) -> None:
    import reliability as rel
    from rehearse.turns import voiced_spans

    ps, both = engines()
    work = Path(args.dir)
    items = rel.build(work, [0, 1], ["rms", "slt", "espeak"])
    rng = np.random.default_rng(3)
    clips = []
    for name, x in (("pink noise -35 dBFS", 0.03 * rel.pink(10 * SAMPLE_RATE_HZ, rng)),
                    ("babble -30 dBFS", rel.babble(10 * SAMPLE_RATE_HZ, rng, work)),
                    ("hum + hiss", 0.02 * np.sin(2 * np.pi * 50 * np.arange(8 * SAMPLE_RATE_HZ) / SAMPLE_RATE_HZ)
                     + 0.003 * rng.standard_normal(8 * SAMPLE_RATE_HZ)),
                    ("keyboard clicks", np.where(rng.random(8 * SAMPLE_RATE_HZ) > 0.9995, 0.5, 0.0)
                     + 0.0005 * rng.standard_normal(8 * SAMPLE_RATE_HZ))):
        path = work / f"noise_only_{len(clips)}.wav"
        rel.write(path, np.asarray(x, dtype=np.float32))
        clips.append((name, path))
    clips += [(f"{it['condition']} {it['voice']} a{it['answer']}", Path(it["path"])) for it in items
              if it["condition"] in ("mumbled", "phone", "phone_noisy", "noise0") and it["answer"] == 0
              and it["voice"] in ("rms", "espeak")]

    def first_14_s(path):
        taken = 0
        for block in FileSource(path).chunks():
            if taken >= 14 * SAMPLE_RATE_HZ:
                return
            taken += len(block)
            yield block

    class Cropped:
        def __init__(self, path):
            self.path = path

        def chunks(self):
            return first_14_s(self.path)

    for name, path in clips:
        take = record(lambda p=path: nullcontext(Cropped(p)), both, None)
        before = " | ".join(r.text for r in take.accurate)
        after = " ".join(w.word for w in accurate.join(take.accurate, voiced_spans(take.levels)))
        dropped = sum(not accurate.kept(r) for r in take.accurate)
        print(f"{name}: {len(take.accurate)} stretches, {dropped} dropped by Whisper's silence rule\n"
              f"   written: {before[:160]!r}\n   kept:    {after[:160]!r}\n"
              f"   streaming: {' '.join(w.word for w in take.stream_words)[:120]!r}", flush=True)


def memory(args) -> None:
    code = f"""
import re, sys
sys.path.insert(0, {str(REPO / 'src')!r})
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) / 1024
from contextlib import nullcontext
from rehearse.audio import FileSource
from rehearse.speech import PocketSphinxEngine
from rehearse.take import record
e = PocketSphinxEngine()
record(lambda: nullcontext(FileSource({str(SAMPLE)!r})), e, None)
a = rss()
from rehearse import accurate
accurate.attach(e, {args.model!r})
e.accurate.load()
b = rss()
record(lambda: nullcontext(FileSource({str(SAMPLE)!r})), e, None)
c = rss()
print(f"streaming pass alone, after a 1:55 answer: {{a:.0f}} MB; accurate pass loaded: +{{b - a:.0f}} MB; "
      f"after decoding the answer with both: +{{c - a:.0f}} MB")
"""
    print(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["card", "fillers", "noise", "memory"])
    ap.add_argument("--answers", type=int, default=6)
    ap.add_argument("--dir", default="/tmp/rehearse-reliability")
    ap.add_argument("--model", default=accurate.TINY)
    args = ap.parse_args()
    t0 = time.perf_counter()
    globals()[args.what](args)
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
