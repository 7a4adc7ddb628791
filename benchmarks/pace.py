"""Prints how close each pace measure comes to the true words a minute.

    PYTHONPATH=src .venv/bin/python benchmarks/pace.py [--workers 2]

Data: the six answers in benchmarks/data/pace_answers.txt (written for this benchmark, 122-141
words each), each spoken by flite rms/awb/slt/kal16/kal and espeak-ng at three speeds (about 135
to 205 words a minute), a third of them with room noise at 20 dB SNR: 36 clips of 35-80 s
(benchmarks/pace_clips.py renders and decodes them, cached). Plus, as a check on a human voice, the
five LibriVox sentences of Debian's pocketsphinx-testdata joined into one clip, when present.

Every clip goes through rehearse's own path: PocketSphinx words, the level track, the syllable
track, `scoring.score_heard`. The truth is the text's word count over the answer span that
scoring measured. Per clip it prints the true words a minute, the recognizer's (`analysis.wpm`
before this change), the syllable estimate, the robust figure, and their errors.

The one calibrated constant, nuclei counted per true word, is cross-validated leave-one-voice-out:
for each voice it is fitted on the other five and the held-out voice is scored with it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

import pace_clips  # noqa: E402
from rehearse import pace  # noqa: E402
from rehearse.audio import SAMPLE_RATE_HZ, read_all, write_wav  # noqa: E402
from rehearse.scoring import Heard, answer_span, score_heard  # noqa: E402
from rehearse.speech import PocketSphinxEngine  # noqa: E402
from rehearse.voice import LevelTrack, voiced_spans  # noqa: E402

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")


@dataclass
class Row:
    name: str
    voice: str
    true_words: int
    answer_s: float
    recognized: int  # recognizer words, all
    kept: int  # recognizer words after dropping the short ones
    nuclei: int

    @property
    def true_wpm(self) -> float:
        return self.true_words / self.answer_s * 60.0


def measure(path: Path, words, true_words: int, voice: str, name: str) -> Row:
    """Run a decoded clip through scoring and keep the counts each method needs."""
    samples, _ = read_all(path)
    levels = LevelTrack()
    syl = pace.SyllableTrack()
    for k in range(0, len(samples), SAMPLE_RATE_HZ // 10):  # the live loop's 100 ms blocks
        levels.add(samples[k : k + SAMPLE_RATE_HZ // 10])
        syl.add(samples[k : k + SAMPLE_RATE_HZ // 10])
    heard = Heard(words, voiced_spans(levels.levels), len(samples) / SAMPLE_RATE_HZ, 0.0, levels.levels,
                  syl.features)
    score = score_heard(heard, _NoEngine(), heard.heard_s)
    span = answer_span(heard.spans, words)
    p = score.pace
    return Row(name, voice, true_words, span.length, len(words), p.words, p.syllables or 0)


class _NoEngine:
    name, model = "pocketsphinx", "cached"


def librivox_clip() -> tuple[Path, int] | None:
    """The five LibriVox sentences joined with 0.6 s pauses, and their word count."""
    if not (LIBRIVOX / "transcription").exists():
        return None
    import re

    parts, words = [], 0
    gap = np.zeros(int(0.6 * SAMPLE_RATE_HZ), dtype=np.float32)
    for line in (LIBRIVOX / "transcription").read_text().splitlines():
        m = re.match(r"<s>(.*)</s>\s*\((\S+)\)", line.strip())
        if m:
            x, rate = read_all(LIBRIVOX / f"{m.group(2)}.wav")
            assert rate == SAMPLE_RATE_HZ
            parts += [gap, x.astype(np.float32)]
            words += len(m.group(1).split())
    path = pace_clips.CACHE / "librivox.wav"
    if not path.exists():
        pace_clips.CACHE.mkdir(parents=True, exist_ok=True)
        write_wav(path, np.concatenate(parts + [gap]))
    return path, words


def err(estimate: float, truth: float) -> float:
    return (estimate / truth - 1.0) * 100.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    pace_clips.prepare_all(args.workers)
    texts = pace_clips.texts()
    rows = []
    for clip in pace_clips.clips():
        path = pace_clips.render(clip)
        rows.append(measure(path, pace_clips.decode(path), pace_clips.true_words(texts[clip.text_id]),
                            clip.voice, clip.name))
    human = librivox_clip()
    human_row = None
    if human:
        path, n = human
        human_row = measure(path, pace_clips.decode(path), n, "human", "librivox (human, 5 sentences)")

    voices = sorted({r.voice for r in rows})
    # leave-one-voice-out: nuclei per word fitted on the other voices
    held_out_npw = {}
    for v in voices:
        train = [r for r in rows if r.voice != v]
        held_out_npw[v] = sum(r.nuclei for r in train) / sum(r.true_words for r in train)
    all_npw = sum(r.nuclei for r in rows) / sum(r.true_words for r in rows)
    print(f"nuclei per true word, all clips: {all_npw:.3f} (shipped SYLLABLES_PER_WORD = {pace.SYLLABLES_PER_WORD})")
    print("held-out fits: " + ", ".join(f"{v} {held_out_npw[v]:.3f}" for v in voices))
    text_spw = [sum(pace.syllables_in_word(w) for w in t.split()) / len(t.split()) for t in texts]
    print("orthographic syllables per word of the texts: " + ", ".join(f"{s:.2f}" for s in text_spw))
    print()
    header = f"{'clip':32s} {'true':>6s} {'recog':>6s} {'err%':>6s} {'syll':>6s} {'err%':>6s} {'robust':>6s} {'err%':>6s} {'method':>9s}"
    print(header)
    methods: dict[str, list[float]] = {"recognizer (all words)": [], "recognizer (short dropped)": [],
                                       "syllables (held-out fit)": [], "robust (held-out fit)": [],
                                       "robust (shipped constant)": []}
    for r in rows + ([human_row] if human_row else []):
        npw = held_out_npw.get(r.voice, all_npw)
        minutes = r.answer_s / 60.0
        rec = r.recognized / minutes
        words_kept = r.kept / minutes
        syl = r.nuclei / minutes / npw
        fake_words = [_w(k) for k in range(r.kept)]
        robust, details = pace.robust_wpm(fake_words, r.answer_s, r.nuclei, syllables_per_word=npw)
        shipped, _ = pace.robust_wpm(fake_words, r.answer_s, r.nuclei)
        truth = r.true_wpm
        print(f"{r.name:32s} {truth:6.1f} {rec:6.1f} {err(rec, truth):+6.1f} {syl:6.1f} {err(syl, truth):+6.1f} "
              f"{robust:6.1f} {err(robust, truth):+6.1f} {details.method:>9s}")
        if r is human_row:
            continue
        methods["recognizer (all words)"].append(abs(err(rec, truth)))
        methods["recognizer (short dropped)"].append(abs(err(words_kept, truth)))
        methods["syllables (held-out fit)"].append(abs(err(syl, truth)))
        methods["robust (held-out fit)"].append(abs(err(robust, truth)))
        methods["robust (shipped constant)"].append(abs(err(shipped, truth)))
    print()
    print(f"{len(rows)} synthetic clips, absolute error of words a minute:")
    for m, errs in methods.items():
        within = sum(e <= 5.0 for e in errs)
        print(f"  {m:28s} median {statistics.median(errs):5.1f} %  worst {max(errs):5.1f} %  within 5 %: {within}/{len(errs)}")
    print("  per held-out voice, robust median / worst:")
    for v in voices:
        idx = [i for i, r in enumerate(rows) if r.voice == v]
        e = [methods["robust (held-out fit)"][i] for i in idx]
        print(f"    {v:7s} {statistics.median(e):5.1f} % / {max(e):5.1f} %")


def _w(k: int):
    from rehearse.transcript import Word

    return Word("w", k * 1.0, k * 1.0 + 0.3)  # kept words are already counted; timing irrelevant


if __name__ == "__main__":
    main()
