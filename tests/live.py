"""Helpers for tests on the virtual audio devices: a PulseAudio null sink `speaker` (what the tool
plays) and a null sink `micsrc` whose monitor is the default microphone. `paplay --device=micsrc`
is a person speaking; `parecord --device=speaker.monitor` is a person listening."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

REPO = Path(__file__).resolve().parents[1]
REAL_HOME = os.environ.get("HOME", "/root")


def ensure_virtual_audio() -> None:
    subprocess.run(["bash", "-c", f". {REPO}/scripts/virtual-audio.sh"], check=False,
                   capture_output=True, env={**os.environ, "HOME": REAL_HOME})
    if subprocess.run(["pactl", "info"], capture_output=True, env={**os.environ, "HOME": REAL_HOME}).returncode:
        pytest.fail("no PulseAudio server: run the suite with ./test.sh, which starts one")


def live_env(tmp_path: Path, **extra) -> dict:
    """The environment for the tool under test: the real home (ALSA's ~/.asoundrc and the
    PulseAudio cookie live there) and a fresh user folder."""
    return {**os.environ, "HOME": REAL_HOME, "REHEARSE_HOME": str(tmp_path / "rehearse-home"), **extra}


def rehearse_cmd(*args) -> list[str]:
    return [os.path.join(os.path.dirname(sys.executable), "rehearse"), *args]


class Recorder:
    """Records what the virtual speaker plays."""

    def __init__(self, path: Path):
        self.path = path
        self.proc = subprocess.Popen(
            ["parecord", "--device=speaker.monitor", "--file-format=wav", "--rate=16000", "--channels=1", str(path)],
            env={**os.environ, "HOME": REAL_HOME},
        )
        time.sleep(0.3)

    def stop(self) -> np.ndarray:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        x, _ = soundfile.read(str(self.path), dtype="float32")
        return x

    @staticmethod
    def loud_seconds(x: np.ndarray, threshold: float = 0.01) -> float:
        frames = len(x) // 160
        if frames == 0:
            return 0.0
        rms = np.sqrt(np.mean(x[: frames * 160].reshape(frames, 160) ** 2, axis=1))
        return float(np.sum(rms > threshold)) * 0.01


class LiveRun:
    """Runs a rehearse command with no stdin and reads its stderr as it comes."""

    def __init__(self, args: list[str], env: dict):
        self.proc = subprocess.Popen(
            rehearse_cmd(*args), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=env,
        )
        self.err_lines: list[str] = []
        self._turns = threading.Semaphore(0)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self.err_lines.append(line)
            if line.startswith("Your turn"):
                self._turns.release()

    def wait_turn(self, timeout: float = 60) -> None:
        if not self._turns.acquire(timeout=timeout):
            self.proc.kill()
            self.finish()
            pytest.fail("the tool never gave the turn:\n" + "".join(self.err_lines))

    def finish(self, timeout: float = 120) -> tuple[int, str, str]:
        out = self.proc.stdout.read()
        self.proc.wait(timeout=timeout)
        self._reader.join(timeout=5)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return self.proc.returncode, out, "".join(self.err_lines)


def speak_into_mic(wav: Path) -> None:
    """A person speaking: the WAV played into the microphone sink, returning when it has played."""
    subprocess.run(["paplay", "--device=micsrc", str(wav)], check=True, env={**os.environ, "HOME": REAL_HOME})


class Loopback:
    """The speaker's output leaking into the microphone, as laptop speakers do."""

    def __enter__(self):
        out = subprocess.run(
            ["pactl", "load-module", "module-loopback", "source=speaker.monitor", "sink=micsrc", "latency_msec=200"],
            check=True, capture_output=True, text=True, env={**os.environ, "HOME": REAL_HOME},
        )
        self.module = out.stdout.strip()
        return self

    def __exit__(self, *exc):
        subprocess.run(["pactl", "unload-module", self.module], env={**os.environ, "HOME": REAL_HOME})
