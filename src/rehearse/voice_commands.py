"""Voice commands for hands-free drills, recognised only when said on their own and heard surely.

A command is a short stretch of speech with silence on both sides (cut by PocketSphinx's
WebRTC-style endpointer), at most COMMAND_MAX_S long. The same words inside a sentence are never a
command: a sentence is one long stretch of speech.

PocketSphinx decodes the stretch twice: once with a closed grammar of every command phrase (which
always answers *some* phrase), and once with free phone recognition (which answers whatever was
said, as well as the acoustic model can). Two things say whether the grammar's answer is real: the
grammar's score minus the free phones' score per frame (a log-likelihood ratio: high when the
stretch really was that phrase, low when the grammar had to force other words into a phrase), and
how far the free phones are from the phrase's pronunciation (phone error rate). Thresholds on their
combination (chosen by `benchmarks/commands.py` with leave-one-voice-out cross-validation) decide
between acting, asking again, and ignoring. Commands that end things ("stop", "done") need the
highest score.

Vosk decodes with a grammar of the command phrases plus "[unk]" (or, for models without it, a few
everyday words), and its word confidences decide.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rehearse.audio import SAMPLE_RATE_HZ, to_pcm16

# The one table of commands: what each does, and the phrases that say it (the first is the short
# form). Shown by --help, the README and the spoken help.
DESCRIPTIONS: dict[str, str] = {
    "next": "go on to the next question",
    "repeat": "hear the question again",
    "again": "answer the same question again",
    "replay": "hear your last answer played back",
    "skip": "skip this question",
    "pause": "pause the drill until you say resume",
    "resume": "carry on after a pause",
    "done": "end your answer now",
    "stop": "end the drill",
    "back": "go back to the previous question",
    "help": "hear the commands you can say",
}
PHRASES: dict[str, list[str]] = {
    "next": ["next", "next question", "next one"],
    "repeat": ["repeat", "repeat the question", "say that again"],
    "again": ["again", "try again", "one more time"],
    "replay": ["replay", "play it back", "play my answer"],
    "skip": ["skip", "skip this one", "skip it"],
    "pause": ["pause", "pause please", "hold on"],
    "resume": ["resume", "carry on", "continue"],
    "done": ["done", "I'm done", "finished"],
    "stop": ["stop", "stop the drill", "end the drill"],
    "back": ["go back", "previous question"],
    "help": ["help", "what can I say", "help me"],
}
COMMANDS = tuple(PHRASES)
# Commands that end an answer or the drill: a false one loses work, so they need a surer hearing.
ENDING = frozenset({"stop", "done"})

# The word said for each command with a Vosk model of another language (single words only).
WORDS = {
    "en": {c: p[0] for c, p in PHRASES.items()},
    "ko": {"next": "다음", "repeat": "반복", "skip": "건너뛰기", "again": "다시", "replay": "재생",
           "pause": "일시정지", "resume": "계속", "done": "완료", "stop": "중지", "back": "이전",
           "help": "도움말"},
}
# A stretch longer than this is an answer, not a command ("what can I say" at a slow pace, plus
# the endpointer's own margins, fits).
COMMAND_MAX_S = 2.0

# Thresholds on Candidate.confidence: the log-likelihood ratio per frame (x1000) of the command
# grammar against free phone recognition, minus PER_WEIGHT x the phone error rate. Fitted by
# benchmarks/commands.py on flite's five voices x six sox variants (32 command phrases, 50
# non-commands); with leave-one-voice-out fits, held-out voices: 67 % of commands acted on, 21 %
# "not sure", 0 % wrong command, 1.0 % of non-commands acted on.
PER_WEIGHT = 0.5
ACCEPT = -0.95
ENDING_ACCEPT = -0.25
# Between HEAR and the accept threshold, a command is "heard but not sure": the drill asks
# again instead of acting. Below it the stretch was not a command at all.
HEAR = -1.5

# Vosk: the grammar word's confidence needed to act, and to count as heard at all.
VOSK_ACCEPT_CONF = 0.9
VOSK_ENDING_ACCEPT_CONF = 0.95
VOSK_HEAR_CONF = 0.6

# Everyday words offered to a Vosk grammar beside the commands, so that speech that is not a
# command has somewhere else to go (the Korean model has no "[unk]" to catch it).
FILLERS = {
    "ko": [
        "네", "예", "아", "음", "어", "그", "저", "이", "좋아요", "뭐", "요", "다", "은", "는", "이다", "있다", "하다",
        "그리고", "그래서", "감사합니다", "안녕하세요",
    ],
    "en": [],
}
_PHONES = [
    "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G", "HH", "IH",
    "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T", "TH", "UH", "UW", "V",
    "W", "Y", "Z", "ZH",
]
_PHONE_SET = frozenset(_PHONES)
_PAD_S = 0.1  # silence around a stretch, so both searches can start and end in silence


def words_for(lang: str) -> dict[str, str]:
    """The single word said for each command in `lang` (English when the language is unknown)."""
    return WORDS.get(lang.split("-")[0].lower(), WORDS["en"])


def command_of(phrase: str) -> str | None:
    """The command a phrase of PHRASES says (case-insensitive), or None."""
    key = " ".join(phrase.lower().split())
    return next((c for c, ps in PHRASES.items() if key in (p.lower() for p in ps)), None)


def help_text() -> str:
    """The commands, one sentence each, for the spoken help and --help."""
    return " ".join(f'Say "{PHRASES[c][0]}" to {DESCRIPTIONS[c]}.' for c in COMMANDS)


@dataclass(frozen=True)
class Spotted:
    """A command heard in a stretch of speech.

    `confident` False means it sounded like the command but not surely enough to act on: ask the
    speaker to say it again. `heard` is the phrase recognised, to say back before acting.
    """

    command: str
    confidence: float
    confident: bool
    heard: str = ""


@dataclass(frozen=True)
class Candidate:
    """What the command grammar heard in a stretch and how well it fits (before any threshold).

    `llr`: the grammar's log-likelihood per frame minus the free phone recogniser's (x1000);
    `per`: the phone error rate of the free phones against the phrase's pronunciation.
    """

    command: str
    heard: str
    llr: float
    per: float
    duration_s: float

    @property
    def confidence(self) -> float:
        """One score from both: high when the grammar fits as well as free phones do, and the
        free phones spell the phrase."""
        return self.llr - PER_WEIGHT * self.per


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
        """Feed a block; returns the stretches of speech that ended in it."""
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


def decide(command: str, confidence: float, accept: float = ACCEPT, ending_accept: float = ENDING_ACCEPT,
           hear: float = HEAR) -> tuple[bool, bool]:
    """(heard at all, confident enough to act) for a command heard with `confidence`."""
    needed = ending_accept if command in ENDING else accept
    return confidence >= hear, confidence >= needed


class PocketSphinxSpotter:
    """Command phrases by a closed grammar, judged against free phone recognition."""

    def __init__(self, lang: str = "en"):
        from pocketsphinx import Decoder, get_model_path, set_loglevel

        set_loglevel("FATAL")
        self.lang = lang
        self.phrases = {p.lower(): c for c, ps in PHRASES.items() for p in ps}
        grammar = f"#JSGF V1.0;\ngrammar commands;\npublic <command> = {' | '.join(self.phrases)};\n"
        self._grammar = Decoder(samprate=SAMPLE_RATE_HZ, fwdflat=False, bestpath=False)
        self._grammar.add_jsgf_string("commands", grammar)
        self._grammar.activate_search("commands")
        self._prons = {p: [ph for w in p.split() for ph in self._grammar.lookup_word(w).split()]
                       for p in self.phrases}
        # The phone recogniser only has to score well, not to be right: capping the active HMMs
        # per frame makes it about twice as fast for a hardly different score.
        phone_lm = Path(get_model_path()) / "en-us" / "en-us-phone.lm.bin"
        self._phones = Decoder(samprate=SAMPLE_RATE_HZ, allphone=str(phone_lm), lw=2.0, fwdflat=False,
                               bestpath=False, maxhmmpf=300)

    @staticmethod
    def _decode(decoder, pcm: bytes):
        decoder.start_utt()
        decoder.process_raw(pcm, False, True)
        decoder.end_utt()
        return decoder.hyp(), decoder.n_frames()

    def score(self, audio: np.ndarray) -> Candidate | None:
        """The phrase the grammar hears in `audio` and how well it fits, or None when too long to
        be a command or nothing was decoded."""
        duration = len(audio) / SAMPLE_RATE_HZ
        if duration > COMMAND_MAX_S or len(audio) == 0:
            return None
        pad = np.zeros(int(_PAD_S * SAMPLE_RATE_HZ), dtype=np.float32)
        pcm = to_pcm16(np.concatenate([pad, audio, pad]))
        hyp, frames = self._decode(self._grammar, pcm)
        heard = " ".join(hyp.hypstr.split()) if hyp else ""
        if heard not in self.phrases or hyp.score <= 0:
            return None
        free, free_frames = self._decode(self._phones, pcm)
        if free is None or free.score <= 0:
            return None
        # The scores come back as probabilities in the decoder's log base; the difference of their
        # logs per frame is the ratio (x1000 for readable numbers).
        llr = (math.log(hyp.score) / max(1, frames) - math.log(free.score) / max(1, free_frames)) * 1000.0
        said = [p for p in free.hypstr.split() if p in _PHONE_SET]
        ref = self._prons[heard]
        per = _edit_distance(said, ref) / len(ref)
        return Candidate(self.phrases[heard], heard, llr, per, duration)

    def spot(self, audio: np.ndarray) -> Spotted | None:
        """The command said in `audio` (one stretch of speech), or None when it was not one."""
        cand = self.score(audio)
        if cand is None:
            return None
        heard, confident = decide(cand.command, cand.confidence)
        if not heard:
            return None
        return Spotted(cand.command, round(cand.confidence, 3), confident, cand.heard)


def _edit_distance(a: list[str], b: list[str]) -> int:
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        prev, row[0] = row[0], i
        for j in range(1, len(b) + 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] != b[j - 1]))
    return row[-1]


class VoskSpotter:
    """A grammar-restricted Vosk recogniser over the command phrases, judged by word confidence."""

    def __init__(self, engine, lang: str = "en"):
        self.engine = engine
        base = lang.split("-")[0].lower()
        if base == "en":
            wanted = {p.lower(): c for c, ps in PHRASES.items() for p in ps}
        else:
            wanted = {w: c for c, w in words_for(lang).items()}
        self.phrases = {p: c for p, c in wanted.items() if all(engine.knows(w) for w in p.split())}
        self.words = {c: p for p, c in reversed(list(self.phrases.items()))}  # command -> a phrase
        fillers = FILLERS.get(base, [])
        self.fillers = [w for w in fillers if engine.knows(w) and w not in self.phrases]

    def spot(self, audio: np.ndarray) -> Spotted | None:
        """The command said in `audio` (one stretch of speech), or None when it was not one."""
        if len(audio) > COMMAND_MAX_S * SAMPLE_RATE_HZ or not self.phrases:
            return None
        rec = self.engine.grammar_stream(list(self.phrases) + self.fillers)._rec
        rec.AcceptWaveform(to_pcm16(audio))
        result = json.loads(rec.FinalResult())
        heard = " ".join(result.get("text", "").split())
        command = self.phrases.get(heard)
        if command is None:
            return None  # nothing, "[unk]", a filler, or words beside a command: not one said alone
        conf = min((w.get("conf", 0.0) for w in result.get("result", [])), default=0.0)
        if conf < VOSK_HEAR_CONF:
            return None
        needed = VOSK_ENDING_ACCEPT_CONF if command in ENDING else VOSK_ACCEPT_CONF
        return Spotted(command, round(conf, 3), conf >= needed, heard)


def spotter_for(engine, lang: str):
    """The command spotter that matches the recogniser in use."""
    if engine.name == "vosk":
        return VoskSpotter(engine, lang)
    return PocketSphinxSpotter(lang)
