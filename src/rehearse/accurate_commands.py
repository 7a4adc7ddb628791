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

from rehearse import accurate as acc_
from rehearse import voice_commands as vc
from rehearse.accurate import Accurate
from rehearse.audio import SAMPLE_RATE_HZ

# The commands' short forms, said to Whisper as what came before the stretch (its initial_prompt).
PROMPT = " ".join(f"{ps[0][0].upper()}{ps[0][1:]}." for ps in vc.PHRASES.values())
PHRASE_LIST = [p for ps in vc.PHRASES.values() for p in ps]
_WRITTEN = [f"{p[0].upper()}{p[1:]}." for p in PHRASE_LIST]  # as Whisper writes a phrase said alone
N_BEST = 5
# A phrase that only the prompted reading found is a candidate too (the prompt pulls readings toward commands:
# it finds commands said unclearly, and turns "off" into "pause").
PROMPTED_CANDIDATES = True
MEASURES_VERSION = "whisper n-best + prompted n-best + forced phrases + pocketsphinx, v2 (0.3 s lead)"
# Each stretch is read with this much audio before the endpointer's start (voice_commands.Segmenter's lead_s):
# the endpointer starts a stretch only once 0.3 s are voiced, which cut "next" off "next question".
LEAD_S = 0.3


def words_of(text: str) -> str:
    """Whisper's text as lowercase words, for matching the phrase table ("Stop!" -> "stop")."""
    return " ".join(re.findall(r"[a-z']+", text.lower().replace("’", "'")))


def _canon(text: str) -> str:
    """Words as compared with the phrase table: contractions spelled out ("I'm done" = "I am done")."""
    return re.sub(r"\bi'm\b", "i am", words_of(text))


_PHRASE_OF = {_canon(p): p for p in PHRASE_LIST}
# A reading this close to a phrase, letter by letter (1 - edit distance / length), is a candidate too:
# "save that again", "in the drill", "I help" (Whisper's best words for a clipped or odd voice).
FUZZY_MIN = 0.8


def measure(acc: Accurate, spotter: vc.PocketSphinxSpotter | None, audio: np.ndarray,
            forced: bool = False, lead_s: float = LEAD_S) -> dict | None:
    """Every raw measure of one stretch that the decision may read (None when too long to be a command).

    dur: the stretch's length without its lead-in (Whisper reads the lead-in too, PocketSphinx does not);
    nb / nbp: the n best free readings [text, summed log-probability, tokens] without and with PROMPT;
    ns / nsp: Whisper's no-speech probability for each; with `forced` (measured, not used: scores on the
    stretch's encoder frames alone proved unreliable, and on all 1500 frames cost seconds), phrase: the forced
    score of each phrase of PHRASE_LIST, free: that of each of the n best readings;
    ps: the PocketSphinx spotter's command and confidence (on the stretch without its `lead_s` lead-in, as that
    spotter was fitted); ms: the time each part took."""
    lead_n = min(len(audio), int(round(lead_s * SAMPLE_RATE_HZ)))
    duration = (len(audio) - lead_n) / SAMPLE_RATE_HZ  # the stretch's own length, as the model was fitted
    if duration > vc.COMMAND_MAX_S or len(audio) == 0:
        return None
    t0 = time.perf_counter()
    enc = acc.encode(audio)
    t1 = time.perf_counter()
    nb, ns = acc.hypotheses(enc, N_BEST)
    nbp, nsp = acc.hypotheses(enc, N_BEST, prompt=PROMPT)
    t2 = time.perf_counter()
    scores = acc.score_texts(enc, _WRITTEN + [h.text for h in nb if h.text]) if forced else []
    t3 = time.perf_counter()
    ps = None
    if spotter is not None:
        cand = spotter.score(audio[lead_n:])
        ps = None if cand is None else {"cmd": cand.command, "heard": cand.heard, "conf": cand.confidence}
    t4 = time.perf_counter()
    return {
        "dur": duration, "lead": lead_n / SAMPLE_RATE_HZ,
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
    command: str | None  # None: no reading of Whisper's is a phrase of the table
    heard: str  # Whisper's best free reading, as words
    features: np.ndarray


def _matched(hyps: list) -> tuple[int, str | None]:
    """(rank of the first reading that is a phrase of the table, that phrase), or (-1, None)."""
    for rank, (text, _lp, _n) in enumerate(hyps):
        phrase = _PHRASE_OF.get(_canon(text))
        if phrase is not None:
            return rank, phrase
    return -1, None


def similarity(a: str, b: str) -> float:
    """1 - the letter edit distance over the longer length: 1.0 for the same words."""
    a, b = _canon(a), _canon(b)
    return 1.0 - vc._edit_distance(list(a), list(b)) / max(1, len(a), len(b))


def _nearest(text: str) -> tuple[str | None, float]:
    """The phrase nearest a reading, letter by letter, and how near (see FUZZY_MIN)."""
    if not _canon(text):
        return None, 0.0
    best = max(PHRASE_LIST, key=lambda p: similarity(text, p))
    return best, similarity(text, best)


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


FEATURES = ("top_match", "any_match", "prompt_match", "prompt_any", "match_lp", "gap", "avg_logprob", "no_speech",
            "duration", "ps_conf", "near")


def read(m: dict) -> Reading:
    """The phrase Whisper read (the first of its n best readings that is a phrase of the table, else the first
    of its readings with the commands as prompt that is), and the features (FEATURES) of how surely it was
    said: whether the best reading, any reading, the best prompted reading and any prompted reading are that
    command; the matching reading's log-probability per token and how far it falls behind the best reading;
    the best reading's mean log-probability; the no-speech probability (as a logit); the stretch's length;
    the PocketSphinx spotter's confidence in the same command (as a logit, 0.0001 when it heard another);
    how near the reading is to the phrase letter by letter (1.0 for the phrase itself; a reading that is no
    phrase is a candidate from FUZZY_MIN)."""
    heard = words_of(m["nb"][0][0]) if m["nb"] else ""
    rank, phrase = _matched(m["nb"])
    prank, pphrase = _matched(m["nbp"])
    near = 1.0
    if phrase is not None:
        hyp = m["nb"][rank]
        top = m["nb"][0]
    elif pphrase is not None and PROMPTED_CANDIDATES:
        phrase, hyp, top = pphrase, m["nbp"][prank], m["nbp"][0]
    else:
        fuzzy = [(*_nearest(h[0]), h, hs) for hs in (m["nb"], m["nbp"]) for h in hs[:1]]
        fuzzy = [f for f in fuzzy if f[0] is not None and f[1] >= FUZZY_MIN]
        if not fuzzy:
            return Reading("", None, heard, np.zeros(len(FEATURES)))
        phrase, near, hyp, hs = max(fuzzy, key=lambda f: f[1])
        top = hs[0]
    command = vc.command_of(phrase)
    plain = {vc.command_of(_PHRASE_OF.get(_canon(t), "")) for t, _lp, _n in m["nb"]}
    prompted = {vc.command_of(_PHRASE_OF.get(_canon(t), "")) for t, _lp, _n in m["nbp"]}
    best = m["nb"][0] if m["nb"] else ["", -20.0, 1]
    ps = m.get("ps")
    ps_conf = ps["conf"] if ps and ps["cmd"] == command else 1e-4
    feats = np.array([
        1.0 if rank == 0 else 0.0,
        1.0 if command in plain else 0.0,
        1.0 if prank == 0 and vc.command_of(pphrase) == command else 0.0,
        1.0 if command in prompted else 0.0,
        max(hyp[1] / (hyp[2] + 1), -5.0),
        max(hyp[1] - top[1], -20.0),
        max(best[1] / (best[2] + 1), -5.0),
        _logit(m["ns"]),
        m["dur"],
        _logit(ps_conf),
        near,
    ])
    return Reading(phrase, command, heard, feats)


def confidence_of(features: np.ndarray, model: dict | None = None) -> float:
    """The logistic model's probability that the stretch was the phrase's command."""
    mdl = MODEL if model is None else model
    cols = [FEATURES.index(name) for name in mdl.get("features", FEATURES)]
    z = (features[cols] - np.asarray(mdl["mean"])) / np.asarray(mdl["scale"])
    logit = float(np.dot(z, mdl["weights"]) + mdl["bias"])
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logit))))


# The decision model: a logistic regression on FEATURES (standardised by mean and scale), fitted by
# benchmarks/commands_real.py on real voices (../shared/realspeech: Speech Commands v0.02 and v0.01 and one
# speaker's takes, 146 speakers, 277 "stop" and 2,404 other words; weighted x2) and flite's five voices x six
# sox variants (960 commands, 1,500 non-commands). Speakers held out (five folds of real speakers, the
# one-speaker set, each flite voice): real "stop" acted on 93.1 % (4.0 % asked again, 2.5 % missed, 0.4 %
# taken for another command), real non-commands acted on 0.2 %, none taken for stop or done; flite 85.6 % /
# 0.1 %; espeak-ng's eight voices, never fitted on, 74.2 % / 0.5 %. Today's PocketSphinx spotter on the same
# real stretches: 39.4 % / 5.3 %. With the 0.3 s lead-in (LEAD_S; "duration" is still the stretch's own length),
# on a random 55 % of the same clips: this model 94.9 % / 0.1 % real (not held out), flite 90.9 % / 0.1 %; refitted
# with speakers held out 94.2 % / 0.3 % with one real "up" taken for stop, flite 91.7 % / 0.2 %: not shipped.
MODEL = {"features": ["top_match", "any_match", "prompt_match", "prompt_any", "match_lp", "gap", "avg_logprob", "no_speech", "duration", "ps_conf", "near"], "mean": [0.52157, 0.61569, 0.65938, 0.99048, -0.65609, -0.90059, -0.47384, -1.59716, 0.91756, -0.19216, 0.99932], "scale": [0.49953, 0.48643, 0.47392, 0.09712, 0.43554, 1.65104, 0.27191, 1.07467, 0.30717, 6.09264, 0.01051], "weights": [0.3488, 1.6731, 0.5581, 0.0082, 1.4603, -0.0795, -0.1948, 0.2287, 0.6116, 1.6024, -0.179], "bias": 1.942}
# Thresholds on its probability, chosen on the fitted speakers: act at ACCEPT (at most 0.2 % of real and
# 0.5 % of synthetic non-commands acted on); each ending command at its own ENDING_ACCEPT, just above every
# stretch that was not it and would have been taken for it ("done" is high: real "down" is read "done");
# between HEAR and those, "not sure": the drill asks again. The command word said alone ("done", "stop") and
# the command's other phrases ("I'm done", "finished"; "stop the drill") each have their own (`ending_key`):
# "I'm done" is never what "down" is read as, and with "done"'s 0.9915 a clear "I'm done" (0.86-0.99 in
# espeak-ng's voices) was only ever asked again. The other phrases need at least ACCEPT.
ACCEPT = 0.75
ENDING_ACCEPT = {"done": 0.9915, "stop": 0.3211, "done+": 0.75, "stop+": 0.75}
HEAR = 0.0409


def ending_key(command: str, phrase: str | None) -> str:
    """The ENDING_ACCEPT entry a reading of `phrase` as ending `command` needs: the command word alone has its
    own ("done"), the command's other phrases theirs ("done+")."""
    return command if phrase is None or _canon(phrase) == command else f"{command}+"


@dataclass(frozen=True)
class Judgement:
    """What the accurate pass made of one stretch: `action` is "act", "ask_again" or "ignore"."""

    heard: str
    command: str | None
    confidence: float
    action: str


def action_of(command: str | None, confidence: float, accept: float | None = None,
              ending_accept: dict[str, float] | None = None, hear: float | None = None,
              phrase: str | None = None) -> str:
    """act / ask_again / ignore for a command heard with `confidence` as `phrase` (the ending ones need more)."""
    if command is None:
        return "ignore"
    ending = ENDING_ACCEPT if ending_accept is None else ending_accept
    key = ending_key(command, phrase) if command in vc.ENDING else command
    needed = ending.get(key, ending.get(command)) if command in ending else (ACCEPT if accept is None else accept)
    if confidence >= needed:
        return "act"
    return "ask_again" if confidence >= (HEAR if hear is None else hear) else "ignore"


class AccurateSpotter:
    """Commands by Whisper and the phrase table, with the PocketSphinx spotter's measure beside them.
    `spot` has the PocketSphinx and Vosk spotters' contract, so a drill can call it the same way; its stretches
    start LEAD_S early (`lead_s`: the drill's segmenter reads it)."""

    lead_s = LEAD_S

    def __init__(self, acc: Accurate, spotter: vc.PocketSphinxSpotter | None = None):
        self.acc = acc
        # PocketSphinx's measure costs about 70 ms a stretch: taken only when the model reads it
        self.spotter = spotter if "ps_conf" in MODEL.get("features", FEATURES) else None

    def judge(self, audio: np.ndarray) -> Judgement:
        """The decision on one stretch of speech."""
        m = measure(self.acc, self.spotter, audio)
        if m is None:
            return Judgement("", None, 0.0, "ignore")
        r = read(m)
        if r.command is None:
            return Judgement(r.heard, None, 0.0, "ignore")
        conf = confidence_of(r.features)
        return Judgement(r.heard, r.command, round(conf, 3), action_of(r.command, conf, phrase=r.phrase))

    def spot(self, audio: np.ndarray) -> vc.Spotted | None:
        """The command said in `audio` (one stretch of speech), or None when it was not one."""
        j = self.judge(audio)
        if j.action == "ignore":
            return None
        return vc.Spotted(j.command, j.confidence, j.action == "act", j.heard)


def drill_spotter(lang: str, setting: str | None, warn=lambda _msg: None):
    """(the Whisper model the drill hears commands with, or None; a function of the streaming engine giving
    the drill's spotter). With the accurate pass on (English, weights installed, `setting` not "none") the
    spotter is an AccurateSpotter whatever the streaming engine (Vosk users in English too); otherwise the
    streaming engine's own (PocketSphinx's, or Vosk's grammar spotter for other languages), with one line
    through `warn` saying why when the accurate pass was wanted but cannot be used."""
    name, notice = acc_.choose(setting, lang)
    if notice:
        warn(notice)
    model = acc_.shared(name)
    if model is None:
        return None, lambda engine: vc.spotter_for(engine, lang)
    return model, lambda _engine: AccurateSpotter(model, vc.PocketSphinxSpotter("en-us"))


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
