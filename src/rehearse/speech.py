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
    """One Vosk decoding: blocks in, timed words (with confidences) out."""

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
            conf = item.get("conf")
            self._words.append(
                Word(item["word"], float(item["start"]), float(item["end"]), None if conf is None else float(conf))
            )


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
# A word's confidence from its acoustic score per frame. PocketSphinx scores every frame's senones
# against the best senone of that frame (the best scores 0), so a word's score per frame says how
# far its own states fell behind whatever sound fitted each frame best: near -28 (in the decoder's
# log units, base 1.0001) for words it heard well, below -40 for noise, mumbling or a phone line
# (measured in benchmarks/reliability.py). A logistic maps it to 0-1, 0.5 at PS_CONF_MID.
PS_CONF_MID = -36.0
PS_CONF_SCALE = 3.0
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

    def restart(self) -> None:
        """Forget what earlier streams taught the live cepstral mean, so the next stream decodes
        exactly as in a freshly loaded engine: a recording's score must not depend on which
        recordings the same process scored before it (batch scoring splits them across workers)."""
        self._decoder.reinit_feat()  # features only (cepstral mean and its frame count): 0.1 ms

    def stream(self) -> PocketSphinxDecoding:
        """A fresh decoding; an utterance left open by a decoding that died half-way is closed first."""
        last = getattr(self, "_last", None)
        if last is not None and last.in_utterance:
            self._decoder.end_utt()
        self._last = PocketSphinxDecoding(self._decoder, self._ps.Endpointer(sample_rate=SAMPLE_RATE_HZ))
        return self._last


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

    @property
    def in_utterance(self) -> bool:
        """Has the decoder been given speech it has not yet finished?"""
        return self._utt_start_s is not None

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
        if speech is None or (not speech and self._utt_start_s is None):
            return
        if self._utt_start_s is None:
            self._utt_start_s = self._ep.speech_start
            self._utt_samples = 0
            self._d.start_utt()
        if speech:  # end_stream can hand back nothing, and process_raw fails on an empty buffer
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
            self._words.append(Word(word, start, end, self._confidence(seg)))
        self._utt_start_s = None

    def _confidence(self, seg) -> float:
        """0-1 from the word's acoustic score per frame (the Python API hands it back exponentiated)."""
        frames = max(1, seg.end_frame - seg.start_frame + 1)
        per_frame = self._d.logmath.log(max(seg.ascore, 1e-300)) / frames
        return ps_confidence(per_frame)


def ps_confidence(score_per_frame: float) -> float:
    """Map a PocketSphinx acoustic score per frame (log base 1.0001, best senone = 0) to 0-1."""
    import math

    z = (score_per_frame - PS_CONF_MID) / PS_CONF_SCALE
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
