"""Prints how much recognition costs the per-kind yardsticks: each labelled dev answer is spoken
by flite, heard by PocketSphinx (the fallback engine, the harder case) and judged from what was
heard, against the same answer judged from its text.

    .venv/bin/python benchmarks/kinds_speech.py [--per-rubric N]   # default 4 answers per rubric

Needs flite and sox; about 25 s of machine time per answer. WAV files are kept in
/tmp/rehearse-kinds-speech so a second run only decodes.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

from kinds import read_jsonl, writer_dirs

from rehearse.audio import FileSource
from rehearse.judge.analysis import analyze, words_from_text
from rehearse.judge.kinds import RUBRICS, target_for
from rehearse.judge.yardsticks import judge
from rehearse.scoring import answer_span, hear
from rehearse.speech import PocketSphinxEngine
from rehearse.transcript import Span, word_error_rate

WORK = Path("/tmp/rehearse-kinds-speech")


def main() -> None:
    per = int(sys.argv[sys.argv.index("--per-rubric") + 1]) if "--per-rubric" in sys.argv else 4
    rows = [r for d in writer_dirs().values() for r in read_jsonl(d / "kinds.jsonl") if r.get("rubric") in RUBRICS]
    random.Random(7).shuffle(rows)
    picked, count = [], {}
    for r in rows:
        if count.get(r["rubric"], 0) < per:
            count[r["rubric"]] = count.get(r["rubric"], 0) + 1
            picked.append(r)
    WORK.mkdir(exist_ok=True)
    engine = PocketSphinxEngine()
    heard_ok = text_ok = n = errors = ref_words = 0
    for r in picked:
        wav = WORK / f"{r['id']}.wav"
        if not wav.exists():
            raw = WORK / f"{r['id']}.raw.wav"
            subprocess.run(["flite", "-voice", "slt", "-t", r["text"], "-o", str(raw)], check=True)
            subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", str(wav)], check=True)
        heard = hear(FileSource(str(wav)), engine)
        span = answer_span(heard.spans, heard.words)
        spoken = judge(r["rubric"], analyze(heard.words, span or Span(0.0, 0.0), target_for(r["rubric"])[0],
                                            from_speech=True))
        written = judge(r["rubric"], analyze(words_from_text(r["text"])))
        e, m = word_error_rate(r["text"], " ".join(w.word for w in heard.words))
        errors, ref_words = errors + e, ref_words + m
        for name, label in r["checks"].items():
            n += 1
            heard_ok += spoken.check(name).passed == label
            text_ok += written.check(name).passed == label
            if spoken.check(name).passed != label:
                print(f"  {r['id']} {r['rubric']}/{name}: label {label}, from speech {not label}")
    print(f"{len(picked)} answers, word error rate {errors / ref_words:.1%}")
    print(f"check agreement with labels: from speech {heard_ok}/{n} = {heard_ok / n:.1%}, "
          f"from the text {text_ok}/{n} = {text_ok / n:.1%}")


if __name__ == "__main__":
    main()
