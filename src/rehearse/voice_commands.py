"""Voice commands for hands-free drills, recognised only when said on their own and heard surely.

A command is a short stretch of speech with silence on both sides (cut by PocketSphinx's
WebRTC-style endpointer), at most COMMAND_MAX_S long. The same words inside a sentence are never a
command: a sentence is one long stretch of speech.

PocketSphinx decodes the stretch twice: once with a closed grammar of every command phrase (which
always answers *some* phrase), and once with free phone recognition (which answers whatever was
said, as well as the acoustic model can). Whether the grammar's answer is real is judged from
several measurements of the two (MEASURES): the grammar's score minus the free phones' score per
frame, over the whole stretch, over the phrase's words and over its worst word (high when the
stretch really was that phrase, low when the grammar had to force other words into a phrase); how
far the free phones are from the phrase's pronunciation, and from the nearest other phrase's; how
much speech the grammar left outside the phrase ("next" in "next year"); and how long each phone
lasted. A small logistic model (MODEL, fitted by `benchmarks/commands.py` with leave-one-voice-out
cross-validation, each command with its own bias) turns them into a probability, and thresholds on
it decide between acting, asking again, and ignoring. Commands that end things ("stop", "done")
need the highest probability.

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

# The stretch measurements the confidence model reads (PocketSphinxSpotter._measure).
MEASURES = ("llr", "per", "per_margin", "word_llr", "min_word_llr", "rest_llr", "outside", "frames_per_phone",
            "phones")
# A phone of a command lasts about this long in frames of 10 ms (log), so that much longer or shorter
# stretches stand out.
FRAMES_PER_PHONE_LOG = math.log(8.0)
# The confidence model: a logistic regression on `features` (standardised by mean and scale), fitted by
# benchmarks/commands.py on flite's five voices x six sox variants (32 command phrases, 50
# non-commands). Leave-one-voice-out, held-out voices: 78.5 % of commands acted on, 0 % wrong,
# 13.2 % "not sure", 1.1 % of non-commands acted on (the first spotter: 66.7 %, 0 %, 21.4 %, 0.8 %).
MODEL = {
    "mean": [-1.09899, 0.84398, -0.08318, -2.20956, -2.8918, -0.57451, 0.10312, 2.3018, 0.12573, 1.78234, 0.10633, 0.08568, 0.12566, 0.06327, 0.04262, 0.07162, 0.0949, 0.19991, 0.05492, 0.05009, 0.10501],
    "scale": [0.95312, 0.41666, 0.39701, 1.50598, 2.0411, 0.71401, 0.15263, 0.2762, 0.17917, 0.38534, 0.30826, 0.27989, 0.33146, 0.24345, 0.202, 0.25785, 0.29308, 0.39993, 0.22783, 0.21813, 0.30656],
    "weights": [3.7968, -1.3047, -0.2294, -0.5385, 0.9216, -0.5778, -1.1943, -0.2615, -0.2229, -0.8303, -0.068, 0.1985, -0.3706, 0.1546, 0.9666, 0.125, -0.0299, -0.804, 0.4722, 0.0773, 0.0946],
    "bias": -1.0904,
}
# Thresholds on the model's probability: act at ACCEPT, at ENDING_ACCEPT for stop/done (a false one
# loses work), chosen so that on the fitted voices no non-command is taken for stop/done.
ACCEPT = 0.775
ENDING_ACCEPT = 0.9
# Between HEAR and the accept threshold, a command is "heard but not sure": the drill asks
# again instead of acting. Below it the stretch was not a command at all.
HEAR = 0.226

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
    """What the command grammar heard in a stretch and the measurements of how well it fits
    (MEASURES; before any threshold)."""

    command: str
    heard: str
    measures: dict[str, float]
    duration_s: float

    @property
    def confidence(self) -> float:
        """The chance that the stretch really was this command, by the logistic model MODEL."""
        return confidence_of(self.measures, self.command)


def features(measures: dict[str, float], command: str) -> np.ndarray:
    """The model's inputs from a stretch's measurements (see MEASURES) and the command the grammar
    heard: each command has its own bias, as some ("done") attract far more stray speech than others."""
    fpp = math.log(max(measures["frames_per_phone"], 1e-3))
    return np.array([
        measures["llr"], measures["per"], min(measures["per_margin"], 1.0), measures["word_llr"],
        max(measures["min_word_llr"], -10.0), measures["rest_llr"], measures["outside"],
        fpp, (fpp - FRAMES_PER_PHONE_LOG) ** 2, math.log(measures["phones"]),
        *(1.0 if command == c else 0.0 for c in COMMANDS),
    ])


def confidence_of(measures: dict[str, float], command: str, model: dict | None = None) -> float:
    """The logistic model's probability that the grammar's phrase was really said."""
    m = MODEL if model is None else model
    z = (features(measures, command) - np.asarray(m["mean"])) / np.asarray(m["scale"])
    logit = float(np.dot(z, m["weights"]) + m["bias"])
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logit))))


@dataclass
class Segment:
    """One stretch of speech between pauses."""

    start_s: float
    end_s: float
    audio: np.ndarray


class Segmenter:
    """Cuts a 16 kHz stream into stretches of speech with PocketSphinx's endpointer.

    The endpointer declares speech once 90 % of a 0.3 s window is voiced, and what came before that window is
    gone: a word before a short gap ("next" in "next question") is cut off. With `lead_s` each stretch's audio
    starts that much earlier (its `start_s` stays the endpointer's), for a spotter that reads whole phrases."""

    def __init__(self, lead_s: float = 0.0):
        from pocketsphinx import Endpointer

        self._ep = Endpointer(window=0.3, ratio=0.9, sample_rate=SAMPLE_RATE_HZ)
        self._frame = self._ep.frame_bytes // 2
        self._rest = np.zeros(0, dtype=np.float32)
        self._current: list[bytes] = []
        self._start: float | None = None
        self._lead_n = int(round(lead_s * SAMPLE_RATE_HZ))
        self._keep_n = self._lead_n + SAMPLE_RATE_HZ  # the window and more: the endpointer's delay is in it
        self._past = np.zeros(0, dtype=np.float32)  # the last samples fed, for the lead
        self._past_at = 0  # the sample number of _past[0]
        self._lead = np.zeros(0, dtype=np.float32)

    def _lead_before(self, start_s: float) -> np.ndarray:
        end = int(round(start_s * SAMPLE_RATE_HZ)) - self._past_at
        return self._past[max(0, end - self._lead_n): max(0, end)].copy()

    def add(self, block: np.ndarray) -> list[Segment]:
        """Feed a block; returns the stretches of speech that ended in it."""
        done = []
        data = np.concatenate([self._rest, block]) if len(self._rest) else block
        n = len(data) // self._frame
        if self._lead_n and n:
            self._past = np.concatenate([self._past, data[: n * self._frame]])
            if len(self._past) > self._keep_n + n * self._frame:
                cut = len(self._past) - (self._keep_n + n * self._frame)
                self._past, self._past_at = self._past[cut:], self._past_at + cut
        for k in range(n):
            was = self._ep.in_speech
            speech = self._ep.process(to_pcm16(data[k * self._frame : (k + 1) * self._frame]))
            if speech is not None:
                if not was:
                    self._start = self._ep.speech_start
                    self._current = []
                    self._lead = self._lead_before(self._start) if self._lead_n else self._lead
                self._current.append(speech)
                if not self._ep.in_speech:
                    audio = np.frombuffer(b"".join(self._current), dtype="<i2").astype(np.float32) / 32768.0
                    if self._lead_n:
                        audio = np.concatenate([self._lead, audio])
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
        gram = [(sg.word, sg.start_frame, sg.end_frame, _log(sg.ascore)) for sg in self._grammar.seg()]
        free, free_frames = self._decode(self._phones, pcm)
        if free is None or free.score <= 0:
            return None
        phones = [(sg.word, sg.start_frame, sg.end_frame, _log(sg.ascore)) for sg in self._phones.seg()]
        return Candidate(self.phrases[heard], heard, self._measure(heard, hyp, frames, gram, free, free_frames,
                                                                    phones), duration)

    def _measure(self, heard, hyp, frames, gram, free, free_frames, phones) -> dict[str, float]:
        """The measurements of how well the grammar's phrase fits a stretch (see MEASURES)."""
        # The scores come back as probabilities in the decoder's log base; the difference of their
        # logs per frame is the ratio (x1000 for readable numbers).
        llr = (math.log(hyp.score) / max(1, frames) - math.log(free.score) / max(1, free_frames)) * 1000.0
        said = [p for p, *_ in phones if p in _PHONE_SET]
        words = [(w, a, b, s) for w, a, b, s in gram if w[:1] not in "<([" and b >= a]
        ref = [ph for w, *_ in words for ph in (self._grammar.lookup_word(w) or "").split()] or self._prons[heard]
        per = _edit_distance(said, ref) / len(ref)
        # The nearest other phrase to the free phones: when another phrase spells them as well,
        # the grammar's choice is a coin toss.
        other = min(_edit_distance(said, pr) / len(pr) for p, pr in self._prons.items()
                    if self.phrases[p] != self.phrases[heard])
        # Per word: the grammar's score against the free phones over the same frames; the worst
        # word says whether every word of the phrase was really there.
        word_llrs, in_words, word_scores, phone_scores = [], 0, 0.0, 0.0
        for _w, a, b, s in words:
            n, window = b - a + 1, _window(phones, a, b)
            word_llrs.append((s - window) / n * 1000.0)
            in_words += n
            word_scores += s
            phone_scores += window
        first, last = (words[0][1], words[-1][2]) if words else (0, -1)
        span = max(1, last - first + 1)
        # Speech the grammar put into silence: frames the free phones call speech outside the phrase.
        speech = [(a, b) for p, a, b, _ in phones if p in _PHONE_SET]
        n_speech = sum(b - a + 1 for a, b in speech)
        outside = sum(max(0, min(b, first - 1) - a + 1) + max(0, b - max(a, last + 1) + 1) for a, b in speech)
        rest = [(a, b, s) for w, a, b, s in gram if w[:1] in "<([" and b >= a]
        rest_frames = sum(b - a + 1 for a, b, _ in rest)
        rest_llr = (sum(s - _window(phones, a, b) for a, b, s in rest) / rest_frames * 1000.0) if rest_frames else 0.0
        return {
            "llr": llr,
            "per": per,
            "per_margin": other - per,
            "word_llr": (word_scores - phone_scores) / max(1, in_words) * 1000.0,
            "min_word_llr": min(word_llrs, default=-10.0),
            "rest_llr": rest_llr,
            "outside": outside / max(1, n_speech),
            "frames_per_phone": span / len(ref),
            "phones": float(len(ref)),
        }

    def spot(self, audio: np.ndarray) -> Spotted | None:
        """The command said in `audio` (one stretch of speech), or None when it was not one."""
        cand = self.score(audio)
        if cand is None:
            return None
        heard, confident = decide(cand.command, cand.confidence)
        if not heard:
            return None
        return Spotted(cand.command, round(cand.confidence, 3), confident, cand.heard)


def _log(p: float) -> float:
    return math.log(p) if p > 0 else -50.0


def _window(segs, first: int, last: int) -> float:
    """The summed log score of `segs` (word, start, end, log score) over frames first..last, a
    segment that overlaps in part counted in proportion."""
    total = 0.0
    for _w, a, b, s in segs:
        overlap = min(b, last) - max(a, first) + 1
        if overlap > 0 and b >= a:
            total += s * overlap / (b - a + 1)
    return total


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
