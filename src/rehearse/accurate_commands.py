"""Voice commands heard by the accurate pass: Whisper reads a short stretch, the phrase table decides.

A stretch of speech cut by the streaming pass's endpointer (voice_commands.Segmenter), at most
COMMAND_MAX_S long, is read by Whisper three ways from one run of its encoder: its n best free readings
(beam search), the same with the commands' short forms as its prompt, and the forced score of every
phrase of PHRASES beside the score of its own best readings. Those measures, with the PocketSphinx
spotter's own confidence for the same stretch, go into a small logistic model (MODEL, fitted by
benchmarks/commands_real.py on real voices and flite's synthetic ones, speakers left out) that gives the
chance the stretch really was the best phrase's command; thresholds turn it into act / ask again / ignore,
the ending commands (stop, done) needing the surest hearing.

Commands said inside an answer never act: that is the drill's rule (take.py), which calls `spot` on each
stretch exactly as it calls the PocketSphinx spotter.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass

import numpy as np

from rehearse import voice_commands as vc
from rehearse.accurate import Accurate
from rehearse.audio import SAMPLE_RATE_HZ

# The commands' short forms, said to Whisper as what came before the stretch (its initial_prompt).
PROMPT = " ".join(f"{ps[0][0].upper()}{ps[0][1:]}." for ps in vc.PHRASES.values())
PHRASE_LIST = [p for ps in vc.PHRASES.values() for p in ps]
_WRITTEN = [f"{p[0].upper()}{p[1:]}." for p in PHRASE_LIST]  # as Whisper writes a phrase said alone
N_BEST = 5
MEASURES_VERSION = "whisper n-best + prompted n-best + forced phrases + pocketsphinx, v1"


def words_of(text: str) -> str:
    """Whisper's text as lowercase words, for matching the phrase table ("Stop!" -> "stop")."""
    return " ".join(re.findall(r"[a-z']+", text.lower().replace("’", "'")))


_PHRASE_OF = {words_of(p): p for p in PHRASE_LIST}


def measure(acc: Accurate, spotter: vc.PocketSphinxSpotter | None, audio: np.ndarray) -> dict | None:
    """Every raw measure of one stretch that the decision may read (None when too long to be a command).

    nb / nbp: the n best free readings [text, summed log-probability, tokens] without and with PROMPT;
    ns / nsp: Whisper's no-speech probability for each; phrase: the forced score of each phrase of
    PHRASE_LIST; free: the forced score of each of the n best readings (the same scale as `phrase`);
    ps: the PocketSphinx spotter's command and confidence; ms: the time each part took."""
    duration = len(audio) / SAMPLE_RATE_HZ
    if duration > vc.COMMAND_MAX_S or len(audio) == 0:
        return None
    t0 = time.perf_counter()
    enc = acc.encode(audio)
    t1 = time.perf_counter()
    nb, ns = acc.hypotheses(enc, N_BEST)
    nbp, nsp = acc.hypotheses(enc, N_BEST, prompt=PROMPT)
    t2 = time.perf_counter()
    free_texts = [h.text for h in nb if h.text]
    scores = acc.score_texts(enc, _WRITTEN + free_texts)
    t3 = time.perf_counter()
    ps = None
    if spotter is not None:
        cand = spotter.score(audio)
        ps = None if cand is None else {"cmd": cand.command, "heard": cand.heard, "conf": cand.confidence}
    t4 = time.perf_counter()
    return {
        "dur": duration,
        "nb": [[h.text, h.logprob, h.tokens] for h in nb], "ns": ns,
        "nbp": [[h.text, h.logprob, h.tokens] for h in nbp], "nsp": nsp,
        "phrase": scores[: len(_WRITTEN)], "free": scores[len(_WRITTEN):],
        "ps": ps,
        "ms": {"encode": 1000 * (t1 - t0), "decode": 1000 * (t2 - t1), "score": 1000 * (t3 - t2),
               "pocketsphinx": 1000 * (t4 - t3)},
    }


@dataclass(frozen=True)
class Reading:
    """The phrase a stretch most likely is, by Whisper, and the features the model reads."""

    phrase: str
    command: str
    heard: str  # Whisper's best free reading, as words
    features: np.ndarray


def _matched(hyps: list) -> tuple[int, str | None]:
    """(rank of the first reading that is a phrase of the table, that phrase), or (-1, None)."""
    for rank, (text, _lp, _n) in enumerate(hyps):
        phrase = _PHRASE_OF.get(words_of(text))
        if phrase is not None:
            return rank, phrase
    return -1, None


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


FEATURES = ("ratio", "margin", "top_match", "any_match", "prompt_match", "avg_logprob", "no_speech", "ps_conf",
            "duration")


def read(m: dict) -> Reading:
    """The best phrase by Whisper's forced scores, and the features (FEATURES) of how surely it was said:
    ratio, the best phrase's score against Whisper's own best free reading (0 when they are one); margin,
    against the best phrase of another command; whether the best free reading, any of the n best, and the
    best reading with the commands as prompt are that phrase; the best reading's mean log-probability; the
    no-speech probability (as a logit); the PocketSphinx spotter's confidence in the same command (as a
    logit, 0.0001 when it heard another); the stretch's length."""
    scores = np.asarray(m["phrase"], dtype=float)
    best = int(np.argmax(scores))
    phrase = PHRASE_LIST[best]
    command = vc.command_of(phrase)
    others = [s for p, s in zip(PHRASE_LIST, scores) if vc.command_of(p) != command]
    own = max([scores[best], *m["free"]])
    heard = words_of(m["nb"][0][0]) if m["nb"] else ""
    rank, matched = _matched(m["nb"])
    _, prompted = _matched(m["nbp"][:1])
    top = m["nb"][0] if m["nb"] else ["", -20.0, 1]
    ps = m.get("ps")
    ps_conf = ps["conf"] if ps and ps["cmd"] == command else 1e-4
    feats = np.array([
        max(scores[best] - own, -20.0),
        min(scores[best] - max(others), 20.0),
        1.0 if rank == 0 and vc.command_of(matched or "") == command else 0.0,
        1.0 if rank >= 0 and vc.command_of(matched or "") == command else 0.0,
        1.0 if prompted is not None and vc.command_of(prompted) == command else 0.0,
        max(top[1] / (top[2] + 1), -5.0),
        _logit(m["ns"]),
        _logit(ps_conf),
        m["dur"],
    ])
    return Reading(phrase, command, heard, feats)


def confidence_of(features: np.ndarray, model: dict | None = None) -> float:
    """The logistic model's probability that the stretch was the phrase's command."""
    mdl = MODEL if model is None else model
    cols = [FEATURES.index(name) for name in mdl.get("features", FEATURES)]
    z = (features[cols] - np.asarray(mdl["mean"])) / np.asarray(mdl["scale"])
    logit = float(np.dot(z, mdl["weights"]) + mdl["bias"])
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logit))))


# The decision model, fitted by benchmarks/commands_real.py (see its printout for the data and figures).
MODEL = {"mean": [-8.74949, 3.06596, 0.148, 0.168, 0.2, -0.44336, -1.88781, -5.66685, 0.94692], "scale": [4.58756, 3.61524, 0.3551, 0.37387, 0.4, 0.27974, 0.90603, 5.52631, 0.26777], "weights": [0.8915, 0.0201, 0.6211, 0.9475, 1.1793, -0.3646, -0.0464, 1.9393, -0.0939], "bias": -2.8155}
ACCEPT = 0.325
ENDING_ACCEPT = 0.7
HEAR = 0.1497


@dataclass(frozen=True)
class Judgement:
    """What the accurate pass made of one stretch: `action` is "act", "ask_again" or "ignore"."""

    heard: str
    command: str | None
    confidence: float
    action: str


def action_of(command: str | None, confidence: float, accept: float | None = None, ending_accept: float | None = None,
              hear: float | None = None) -> str:
    """act / ask_again / ignore for a command heard with `confidence` (the ending ones need more)."""
    if command is None:
        return "ignore"
    heard, confident = vc.decide(command, confidence, ACCEPT if accept is None else accept,
                                 ENDING_ACCEPT if ending_accept is None else ending_accept,
                                 HEAR if hear is None else hear)
    return "act" if confident else "ask_again" if heard else "ignore"


class AccurateSpotter:
    """Commands by Whisper and the phrase table, with the PocketSphinx spotter's measure beside them.
    `spot` has the PocketSphinx and Vosk spotters' contract, so a drill can call it the same way."""

    def __init__(self, acc: Accurate, spotter: vc.PocketSphinxSpotter | None = None):
        self.acc = acc
        self.spotter = spotter

    def judge(self, audio: np.ndarray) -> Judgement:
        """The decision on one stretch of speech."""
        m = measure(self.acc, self.spotter, audio)
        if m is None:
            return Judgement("", None, 0.0, "ignore")
        r = read(m)
        conf = confidence_of(r.features)
        return Judgement(r.heard, r.command, round(conf, 3), action_of(r.command, conf))

    def spot(self, audio: np.ndarray) -> vc.Spotted | None:
        """The command said in `audio` (one stretch of speech), or None when it was not one."""
        j = self.judge(audio)
        if j.action == "ignore":
            return None
        return vc.Spotted(j.command, j.confidence, j.action == "act", j.heard)


@dataclass(frozen=True)
class Verdict:
    """What a drill would do with one recording said on its own (`rehearse commands`)."""

    file: str
    heard: str
    command: str | None
    confidence: float
    action: str

    def to_json(self) -> dict:
        return {"file": self.file, "heard": self.heard, "command": self.command, "confidence": self.confidence,
                "action": self.action}


def judge_stretch(spotter, audio: np.ndarray) -> Judgement:
    """Any spotter's decision on one stretch as a Judgement (the accurate one's own, or from `spot`)."""
    if isinstance(spotter, AccurateSpotter):
        return spotter.judge(audio)
    found = spotter.spot(audio)
    if found is None:
        return Judgement("", None, 0.0, "ignore")
    return Judgement(found.heard or found.command, found.command, float(found.confidence),
                     "act" if found.confident else "ask_again")


def verdict(path, spotter, stretches_of) -> Verdict:
    """The recording cut into stretches as a drill cuts the microphone (`stretches_of(path)`), each judged by
    `spotter`; the drill acts on the first stretch it is sure of, else asks again when one sounded like a
    command, else ignores it."""
    judged = [judge_stretch(spotter, a) for a in stretches_of(path)]
    for want in ("act", "ask_again"):
        for j in judged:
            if j.action == want:
                return Verdict(str(path), j.heard, j.command, j.confidence, j.action)
    heard = " ".join(j.heard for j in judged if j.heard)
    conf = max((j.confidence for j in judged), default=0.0)
    return Verdict(str(path), heard, None, conf, "ignore")
