"""Speech out: text to a cached WAV file, offline.

pyttsx3 does the synthesis, in a throwaway process with a timeout: on Linux (2.99) it returns from
the first `runAndWait()` before the file is complete, prints to stdout, can hang when reused and,
under load, now and then writes no file at all. So the child waits until the file stops growing,
the parent checks the result, tries once more, and then calls `espeak-ng -w` directly (the same
voice pyttsx3 drives on Linux). Run as `python -m rehearse.tts TEXT OUT.wav [RATE]` for one synthesis.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from rehearse.errors import AudioDeviceError, BadAudioError

TTS_TIMEOUT_S = 30
TTS_RATE_WPM = 165
SETTLE_S = 0.2  # a file whose size has not changed for this long is complete
SETTLE_LIMIT_S = 10.0
NO_FILE_LIMIT_S = 2.0  # no file at all this long after runAndWait(): it is not coming
ATTEMPTS = 2  # pyttsx3 tries before espeak-ng is called directly


def cache_dir() -> Path:
    """Where synthesized speech is kept: outside the user's answers, private to the user."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rehearse" / "speech"


class Speaker:
    """Text to a WAV file, cached by text and rate so each sentence is synthesized once.

    `pyttsx3_cmd` is the command that synthesizes one text (tests replace it with one that fails,
    to exercise the espeak-ng fallback for real).
    """

    def __init__(self, folder: Path | None = None, rate_wpm: int = TTS_RATE_WPM,
                 pyttsx3_cmd: Sequence[str] | None = None):
        self.cache_dir = folder or cache_dir()
        self.rate_wpm = rate_wpm
        self.pyttsx3_cmd = list(pyttsx3_cmd) if pyttsx3_cmd else [sys.executable, "-m", "rehearse.tts"]
        self.last_engine: str | None = None  # which synthesizer produced the last new file

    def path_for(self, text: str) -> Path:
        """The cache file a text is (or will be) kept in."""
        key = hashlib.sha1(f"{self.rate_wpm}|{text}".encode()).hexdigest()[:20]
        return self.cache_dir / f"{key}.wav"

    def cached(self, text: str) -> Path | None:
        """The cached file for `text`, when it is already there."""
        path = self.path_for(text)
        return path if path.is_file() and path.stat().st_size > 44 else None

    def to_wav(self, text: str) -> Path:
        """The WAV of `text`, synthesized now unless cached."""
        path = self.cached(text)
        if path is not None:
            return path
        path = self.path_for(text)
        self.cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp.wav")
        problems = []
        try:
            for _ in range(ATTEMPTS):
                problem = self._run(self.pyttsx3_cmd + [text, str(tmp), str(self.rate_wpm)], tmp, "pyttsx3")
                if problem is None:
                    return self._keep(tmp, path, "pyttsx3")
                problems.append(problem)
            espeak = shutil.which("espeak-ng") or shutil.which("espeak")
            if espeak:
                problem = self._run([espeak, "-s", str(self.rate_wpm), "-w", str(tmp), text], tmp, "espeak-ng")
                if problem is None:
                    return self._keep(tmp, path, "espeak-ng")
                problems.append(problem)
            else:
                problems.append("espeak-ng: not installed")
        finally:
            tmp.unlink(missing_ok=True)
        raise AudioDeviceError(f"speech synthesis failed ({'; '.join(problems)}); is espeak-ng installed?")

    def quick_wav(self, text: str) -> Path:
        """The WAV of `text` at once: cached, or synthesized by espeak-ng directly (a tenth of a
        second, where pyttsx3's process takes most of a second), for a follow-up that cannot wait."""
        path = self.cached(text)
        if path is not None:
            return path
        espeak = shutil.which("espeak-ng") or shutil.which("espeak")
        if espeak is None:
            return self.to_wav(text)
        path = self.path_for(text)
        self.cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp.wav")
        try:
            if self._run([espeak, "-s", str(self.rate_wpm), "-w", str(tmp), text], tmp, "espeak-ng") is None:
                return self._keep(tmp, path, "espeak-ng")
        finally:
            tmp.unlink(missing_ok=True)
        return self.to_wav(text)

    def _run(self, cmd: list[str], out: Path, name: str) -> str | None:
        """Run one synthesis; None when it left a readable WAV, else what went wrong."""
        from rehearse.audio import probe

        out.unlink(missing_ok=True)
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TTS_TIMEOUT_S,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return f"{name}: took longer than {TTS_TIMEOUT_S} s"
        except OSError as exc:
            return f"{name}: {exc.strerror or exc}"
        try:
            probe(out)
        except BadAudioError:
            detail = (proc.stderr.strip().splitlines() or [f"no output (exit {proc.returncode})"])[-1]
            return f"{name}: {detail}"
        return None

    def _keep(self, tmp: Path, path: Path, engine: str) -> Path:
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        self.last_engine = engine
        return path


def wait_until_complete(path: Path, settle_s: float = SETTLE_S, limit_s: float = SETTLE_LIMIT_S) -> None:
    """Return once `path` exists and has stopped growing for `settle_s` (or `limit_s` has passed)."""
    start = time.monotonic()
    last, since = -1, start
    while time.monotonic() < start + limit_s:
        size = path.stat().st_size if path.exists() else -1
        if size < 0 and time.monotonic() - start > NO_FILE_LIMIT_S:
            return
        if size != last:
            last, since = size, time.monotonic()
        elif size > 44 and time.monotonic() - since >= settle_s:
            return
        time.sleep(0.02)


def main() -> None:
    """One pyttsx3 synthesis to a file, then wait for the file to be complete."""
    text, out = sys.argv[1], Path(sys.argv[2])
    import pyttsx3

    engine = pyttsx3.init()
    if len(sys.argv) > 3:
        engine.setProperty("rate", int(sys.argv[3]))
    engine.save_to_file(text, str(out))
    engine.runAndWait()
    wait_until_complete(out)


if __name__ == "__main__":
    main()
