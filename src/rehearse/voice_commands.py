"""Voice commands for hands-free drills, recognised only when said on their own.

A command is a short stretch of speech with silence on both sides (cut by PocketSphinx's
WebRTC-style endpointer), at most COMMAND_MAX_S long, that a command recogniser names and that the
full recogniser does not hear as ordinary words. The same word inside a sentence is never a
command: a sentence is one long stretch of speech.

PocketSphinx spots the words with its keyphrase search; Vosk decodes with a grammar restricted to
the command words plus "[unk]" (or, for models without it, a few everyday words).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rehearse.audio import SAMPLE_RATE_HZ, to_pcm16

COMMANDS = ("next", "repeat", "skip", "again", "replay", "pause", "resume", "done", "stop")
# The word said for each command, per language of the speech model.
WORDS = {
    "en": {c: c for c in COMMANDS},
    "ko": {"next": "다음", "repeat": "반복", "skip": "건너뛰기", "again": "다시", "replay": "재생",
           "pause": "일시정지", "resume": "계속", "done": "완료", "stop": "중지"},
}
COMMAND_MAX_S = 1.5
KWS_THRESHOLD = "1e-10"
# Short everyday words: when the full recogniser hears only these, the stretch was not a command.
COMMON = set(
    "yes no okay ok so well um uh hello thanks thank you right sure good great fine yeah the a and i we it "
    "that this is was to of in on for with my our they he she but or if then when what how why because just "
    "really very much more some all about time end did do have had get got go went say said know think want "
    "me us them him her be are were will would can here there now today yep nope maybe like mean kind sort".split()
)


# Everyday words offered to a grammar beside the commands, so that speech that is not a command has
# somewhere else to go (the Korean model has no "[unk]" to catch it).
FILLERS = {
    "ko": "네 예 아 음 어 그 저 이 좋아요 뭐 요 다 은 는 이다 있다 하다 그리고 그래서 감사합니다 안녕하세요".split(),
    "en": [],
}


def words_for(lang: str) -> dict[str, str]:
    return WORDS.get(lang.split("-")[0].lower(), WORDS["en"])


@dataclass
class Segment:
    """One stretch of speech between pauses."""

    start_s: float
    end_s: float
    audio: np.ndarray


class Segmenter:
    """Cuts a 16 kHz stream into stretches of speech with PocketSphinx's endpointer."""

    def __init__(self):
        from pocketsphinx import Endpointer

        self._ep = Endpointer(window=0.3, ratio=0.9, sample_rate=SAMPLE_RATE_HZ)
        self._frame = self._ep.frame_bytes // 2
        self._rest = np.zeros(0, dtype=np.float32)
        self._current: list[bytes] = []
        self._start: float | None = None

    def add(self, block: np.ndarray) -> list[Segment]:
        done = []
        data = np.concatenate([self._rest, block]) if len(self._rest) else block
        n = len(data) // self._frame
        for k in range(n):
            was = self._ep.in_speech
            speech = self._ep.process(to_pcm16(data[k * self._frame : (k + 1) * self._frame]))
            if speech is not None:
                if not was:
                    self._start = self._ep.speech_start
                    self._current = []
                self._current.append(speech)
                if not self._ep.in_speech:
                    audio = np.frombuffer(b"".join(self._current), dtype="<i2").astype(np.float32) / 32768.0
                    done.append(Segment(self._start, self._ep.speech_end, audio))
                    self._current = []
        self._rest = data[n * self._frame :].copy()
        return done


class PocketSphinxSpotter:
    """Keyphrase spotting for the command words, checked against the full language model."""

    def __init__(self, lang: str = "en"):
        import tempfile

        from pocketsphinx import Decoder, set_loglevel

        set_loglevel("FATAL")
        self.words = words_for(lang)
        kws = Path(tempfile.mkdtemp(prefix="rehearse-kws-")) / "commands.kws"
        kws.write_text("".join(f"{w} /{KWS_THRESHOLD}/\n" for w in self.words.values()))
        self._kws = Decoder(samprate=SAMPLE_RATE_HZ, kws=str(kws))
        self._lm = Decoder(samprate=SAMPLE_RATE_HZ, fwdflat=False, bestpath=False)

    def _decode(self, decoder, audio: np.ndarray) -> str:
        pad = np.zeros(int(0.3 * SAMPLE_RATE_HZ), dtype=np.float32)
        decoder.start_utt()
        decoder.process_raw(to_pcm16(np.concatenate([pad, audio, pad])), False, True)
        decoder.end_utt()
        hyp = decoder.hyp()
        return hyp.hypstr.strip() if hyp else ""

    def spot(self, audio: np.ndarray) -> str | None:
        if len(audio) > COMMAND_MAX_S * SAMPLE_RATE_HZ:
            return None
        found = self._decode(self._kws, audio).split()
        if len(found) != 1:
            return None  # nothing, or several words: not one command said alone
        heard = [re.sub(r"\(\d+\)$", "", w) for w in self._decode(self._lm, audio).split()]
        if len(heard) > 2 or (heard and all(w in COMMON for w in heard) and found[0] not in heard):
            return None  # the full recogniser heard ordinary words ("I did", "okay")
        return next((c for c, w in self.words.items() if w == found[0]), None)


class VoskSpotter:
    """A grammar-restricted Vosk recogniser over the command words, checked against the full model."""

    def __init__(self, engine, lang: str = "en"):
        self.engine = engine
        self.words = {c: w for c, w in words_for(lang).items() if engine.knows(w)}
        fillers = FILLERS.get(lang.split("-")[0].lower(), [])
        self.fillers = [w for w in fillers if engine.knows(w) and w not in self.words.values()]

    def _decode(self, rec, audio: np.ndarray) -> list[str]:
        rec.AcceptWaveform(to_pcm16(audio))
        return json.loads(rec.FinalResult()).get("text", "").split()

    def spot(self, audio: np.ndarray) -> str | None:
        if len(audio) > COMMAND_MAX_S * SAMPLE_RATE_HZ or not self.words:
            return None
        found = self._decode(self.engine.grammar_stream(list(self.words.values()) + self.fillers)._rec, audio)
        if len(found) != 1:
            return None  # nothing, "[unk]" with a word, or several words: not one command said alone
        return next((c for c, w in self.words.items() if w == found[0]), None)


def spotter_for(engine, lang: str):
    """The command spotter that matches the recogniser in use."""
    if engine.name == "vosk":
        return VoskSpotter(engine, lang)
    return PocketSphinxSpotter(lang)


def spoken_help() -> str:
    """The commands, said aloud."""
    return ("Say a command on its own, with a pause before and after: next, repeat, skip, again, replay, "
            "pause, resume, done, go back, or stop.")
