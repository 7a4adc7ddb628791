"""Speech in: recognizers behind one small interface.

An `Engine` holds a loaded model; `engine.stream()` opens one decoding that takes 16 kHz float32
blocks as they arrive (`accept`) and returns the timed words at the end (`finish`). The same
decoding serves a file read at full speed and a microphone in real time.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Protocol

import numpy as np

from rehearse.audio import SAMPLE_RATE_HZ, to_pcm16
from rehearse.errors import EngineError, ModelNotFoundError
from rehearse.transcript import Word


class Decoding(Protocol):
    """One utterance stream being decoded."""

    def accept(self, block: np.ndarray) -> None: ...

    def finish(self) -> list[Word]: ...


class Engine(Protocol):
    """A loaded recognizer: its name, a description of its model, and fresh decodings."""

    name: str
    model: str

    def stream(self) -> Decoding: ...


# --- Vosk -----------------------------------------------------------------------------------


class VoskEngine:
    """Kaldi models through Vosk; the model is loaded once and shared by every decoding."""

    name = "vosk"

    def __init__(self, model_path: str | Path):
        path = Path(model_path)
        check_vosk_model_dir(path)
        try:
            import vosk
        except Exception as exc:
            raise EngineError(f"the vosk package cannot be loaded ({exc})") from None
        vosk.SetLogLevel(-1)  # Kaldi would otherwise log to fd 2
        try:
            with _quiet_stderr():  # a broken model is reported by C++ straight to fd 2
                self._model = vosk.Model(str(path))
        except Exception:
            raise ModelNotFoundError(f"{path} is not a usable Vosk model (Vosk failed to load it)") from None
        self._vosk = vosk
        self.model = str(path)

    def stream(self) -> VoskDecoding:
        return VoskDecoding(self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE_HZ))

    def grammar_stream(self, phrases: list[str]) -> VoskDecoding:
        """A decoding restricted to `phrases` (words the model does not know are left out)."""
        known = [p for p in phrases if all(self.knows(w) for w in p.split())]
        if self.knows("[unk]"):
            known.append("[unk]")
        grammar = json.dumps(known, ensure_ascii=False)  # escaped \u words are silently dropped
        return VoskDecoding(self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE_HZ, grammar))

    def knows(self, word: str) -> bool:
        return self._model.vosk_model_find_word(word) >= 0


class VoskDecoding:
    def __init__(self, recognizer):
        self._rec = recognizer
        self._rec.SetWords(True)
        self._words: list[Word] = []

    def accept(self, block: np.ndarray) -> None:
        if self._rec.AcceptWaveform(to_pcm16(block)):
            self._take(self._rec.Result())

    def partial(self) -> str:
        return json.loads(self._rec.PartialResult()).get("partial", "")

    def words_so_far(self) -> list[Word]:
        """The words decoded so far: final results with their times, then the partial (untimed)."""
        return self._words + [Word(w, -1.0, -1.0) for w in self.partial().split()]

    @property
    def pending(self) -> bool:
        """Vosk's partial result covers all the audio accepted: nothing is held back."""
        return False

    def finish(self) -> list[Word]:
        self._take(self._rec.FinalResult())
        return self._words

    def _take(self, result_json: str) -> None:
        for item in json.loads(result_json).get("result", []):
            self._words.append(Word(item["word"], float(item["start"]), float(item["end"])))


class _quiet_stderr:
    """Point fd 2 at /dev/null for a moment: native libraries write there behind Python's back."""

    def __enter__(self):
        import os
        import sys
        import threading

        self._saved = None
        if threading.current_thread() is not threading.main_thread():
            return  # another thread may be printing to the user right now
        sys.stderr.flush()
        self._saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)

    def __exit__(self, *exc):
        import os

        if self._saved is not None:
            os.dup2(self._saved, 2)
            os.close(self._saved)


def check_vosk_model_dir(path: Path) -> None:
    """Refuse, with a clear reason, a path that cannot be a Vosk model folder."""
    if not path.exists():
        raise ModelNotFoundError(f"no Vosk model at {path}")
    if not path.is_dir():
        raise ModelNotFoundError(f"{path} is not a Vosk model folder (it is a file)")
    if not ((path / "am" / "final.mdl").is_file() or (path / "final.mdl").is_file()):
        raise ModelNotFoundError(f"{path} is not a Vosk model folder (no am/final.mdl in it)")


# --- PocketSphinx ---------------------------------------------------------------------------

PS_FRAMES_PER_S = 100
PS_MAX_UTTERANCE_S = 30.0  # speech with no pause this long is cut, so the search never grows without end
_PS_ALT = re.compile(r"\(\d+\)$")


class PocketSphinxEngine:
    """CMU PocketSphinx with its bundled US-English model: the fallback when no Vosk model exists.

    Its second passes (fwdflat, bestpath) are off: they cost seconds at the end of an answer
    and, measured on LibriVox clips, made the word error rate worse, not better.
    """

    name = "pocketsphinx"

    def __init__(self, **config):
        try:
            import pocketsphinx
        except Exception as exc:
            raise EngineError(f"the pocketsphinx package cannot be loaded ({exc})") from None
        pocketsphinx.set_loglevel("FATAL")
        self._ps = pocketsphinx
        self._config = {"samprate": SAMPLE_RATE_HZ, "fwdflat": False, "bestpath": False, **config}
        try:
            self._decoder = pocketsphinx.Decoder(**self._config)
        except Exception as exc:
            raise EngineError(f"PocketSphinx failed to load its model ({exc})") from None
        self.model = "pocketsphinx en-us (bundled)"

    def stream(self) -> PocketSphinxDecoding:
        return PocketSphinxDecoding(self._decoder, self._ps.Endpointer(sample_rate=SAMPLE_RATE_HZ))


class PocketSphinxDecoding:
    """Decodes only what PocketSphinx's WebRTC-style endpointer calls speech, one utterance per
    stretch of speech. Fed silence, the live cepstral mean drifts and the first words of an
    answer come out as nonsense; cut at pauses, an hour of audio never builds one huge search."""

    def __init__(self, decoder, endpointer):
        self._d = decoder
        self._ep = endpointer
        self._frame_samples = endpointer.frame_bytes // 2
        self._rest = np.zeros(0, dtype=np.float32)
        self._words: list[Word] = []
        self._utt_start_s: float | None = None
        self._utt_samples = 0

    def accept(self, block: np.ndarray) -> None:
        data = np.concatenate([self._rest, block]) if len(self._rest) else block
        n = len(data) // self._frame_samples
        for k in range(n):
            frame = data[k * self._frame_samples : (k + 1) * self._frame_samples]
            self._feed(self._ep.process(to_pcm16(frame)))
        self._rest = data[n * self._frame_samples :].copy()

    def words_so_far(self) -> list[Word]:
        """The words of the utterances finished so far (each ends at an endpointer pause)."""
        return list(self._words)

    @property
    def pending(self) -> bool:
        """Speech is open that is not yet in `words_so_far` (until the endpointer sees a pause)."""
        return self._utt_start_s is not None or self._ep.in_speech

    def finish(self) -> list[Word]:
        if self._ep.in_speech:
            # end_stream wants at least one sample (an empty buffer raises IndexError)
            rest = self._rest if len(self._rest) else np.zeros(1, dtype=np.float32)
            self._feed(self._ep.end_stream(to_pcm16(rest)), final=True)
        self._rest = np.zeros(0, dtype=np.float32)
        return self._words

    def _feed(self, speech: bytes | None, final: bool = False) -> None:
        if speech is None:
            return
        if self._utt_start_s is None:
            self._utt_start_s = self._ep.speech_start
            self._utt_samples = 0
            self._d.start_utt()
        self._d.process_raw(speech, False, False)
        self._utt_samples += len(speech) // 2
        if final or not self._ep.in_speech:
            self._end_utterance()
        elif self._utt_samples >= PS_MAX_UTTERANCE_S * SAMPLE_RATE_HZ:
            resume_at = self._utt_start_s + self._utt_samples / SAMPLE_RATE_HZ
            self._end_utterance()
            self._utt_start_s, self._utt_samples = resume_at, 0
            self._d.start_utt()

    def _end_utterance(self) -> None:
        self._d.end_utt()
        for seg in self._d.seg() or []:
            word = _PS_ALT.sub("", seg.word)
            if word.startswith(("<", "[", "+")):
                continue
            start = self._utt_start_s + seg.start_frame / PS_FRAMES_PER_S
            end = self._utt_start_s + (seg.end_frame + 1) / PS_FRAMES_PER_S
            self._words.append(Word(word, start, end))
        self._utt_start_s = None


# --- speech out -----------------------------------------------------------------------------

TTS_TIMEOUT_S = 30
TTS_RATE_WPM = 165


class Speaker:
    """Text to a WAV file with pyttsx3 (offline), cached by text so a question is synthesized once."""

    def __init__(self, cache_dir: Path, rate_wpm: int = TTS_RATE_WPM):
        self.cache_dir = cache_dir
        self.rate_wpm = rate_wpm

    def to_wav(self, text: str) -> Path:
        import hashlib
        import os
        import subprocess
        import sys

        from rehearse.audio import probe
        from rehearse.errors import AudioDeviceError, BadAudioError

        key = hashlib.sha1(f"{self.rate_wpm}|{text}".encode()).hexdigest()[:20]
        path = self.cache_dir / f"{key}.wav"
        if path.is_file() and path.stat().st_size > 44:
            return path
        self.cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        import threading

        tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp.wav")
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "rehearse.tts", text, str(tmp), str(self.rate_wpm)],
                capture_output=True, text=True, timeout=TTS_TIMEOUT_S, stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            tmp.unlink(missing_ok=True)
            raise AudioDeviceError(f"speech synthesis took longer than {TTS_TIMEOUT_S} s") from None
        try:
            probe(tmp)
        except BadAudioError:
            tmp.unlink(missing_ok=True)
            detail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise AudioDeviceError(f"speech synthesis failed (pyttsx3: {detail}); is espeak-ng installed?") from None
        os.replace(tmp, path)
        return path
