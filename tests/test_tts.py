"""Speech synthesis: pyttsx3 in a throwaway process, checked, retried, then espeak-ng directly."""

from __future__ import annotations

import stat
import sys

import pytest

from rehearse.audio import probe
from rehearse.errors import AudioDeviceError
from rehearse.tts import ATTEMPTS, Speaker


def test_pyttsx3_writes_a_private_cached_wav(tmp_path):
    speaker = Speaker(tmp_path / "speech")
    path = speaker.to_wav("Tell me about yourself.")
    assert probe(path).duration_s > 0.5
    assert speaker.last_engine == "pyttsx3"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert speaker.to_wav("Tell me about yourself.") == path  # cached: not synthesized again
    assert not list(path.parent.glob("*.tmp.wav"))


def test_a_synthesizer_that_writes_nothing_falls_back_to_espeak(tmp_path):
    # A stand-in for pyttsx3 on a bad day: it exits cleanly and writes no file.
    speaker = Speaker(tmp_path / "speech", pyttsx3_cmd=[sys.executable, "-c", "pass"])
    path = speaker.to_wav("Why do you want this job?")
    assert speaker.last_engine == "espeak-ng"
    assert probe(path).duration_s > 0.5
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def _counting(tmp_path, body: str) -> list[str]:
    """A stand-in for pyttsx3 that notes each call in `calls.txt`, then runs `body` (with `n`, the
    number of this call, and `out`, the file it is asked to write)."""
    calls = tmp_path / "calls.txt"
    script = (f"import sys, shutil; calls = {str(calls)!r}; open(calls, 'a').write('call\\n'); "
              f"n = len(open(calls).read().split()); out = sys.argv[2]; {body}")
    return [sys.executable, "-c", script]


def _calls(tmp_path) -> int:
    calls = tmp_path / "calls.txt"
    return len(calls.read_text().split()) if calls.exists() else 0


def test_a_synthesizer_that_writes_a_broken_file_is_retried_then_replaced(tmp_path):
    cmd = _counting(tmp_path, "open(out, 'wb').write(b'RIFF')")
    speaker = Speaker(tmp_path / "speech", pyttsx3_cmd=cmd)
    path = speaker.to_wav("Any questions for us?")
    assert _calls(tmp_path) == ATTEMPTS == 2  # tried again before giving up on it
    assert speaker.last_engine == "espeak-ng"
    assert probe(path).frames > 0


def test_a_synthesizer_that_fails_once_is_retried_and_its_second_file_kept(tmp_path):
    good = Speaker(tmp_path / "espeak", pyttsx3_cmd=[sys.executable, "-c", "pass"]).to_wav("Hello there.")
    cmd = _counting(tmp_path, f"open(out, 'wb').write(b'RIFF') if n == 1 else shutil.copy({str(good)!r}, out)")
    speaker = Speaker(tmp_path / "speech", pyttsx3_cmd=cmd)
    path = speaker.to_wav("Why this company?")
    assert _calls(tmp_path) == 2 and speaker.last_engine == "pyttsx3"
    assert path.read_bytes() == good.read_bytes()


def test_when_every_synthesizer_fails_the_error_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng on the path
    speaker = Speaker(tmp_path / "speech", pyttsx3_cmd=[sys.executable, "-c", "import sys; sys.exit(3)"])
    with pytest.raises(AudioDeviceError, match=r"pyttsx3: no output \(exit 3\).*espeak-ng: not installed"):
        speaker.to_wav("Hello.")
