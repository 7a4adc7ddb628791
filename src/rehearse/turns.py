"""Where the voice is: frame levels and voiced spans, computed as the audio streams by.

A 10 ms frame is voiced when it stands well above the recording's own noise floor (its quiet
percentile) and within reach of its loudest frames. Short gaps inside a word are bridged and
lone clicks dropped, so the first and last voiced frames mark where the answer starts and ends.
"""

from __future__ import annotations

from collections import deque
from typing import Protocol

import numpy as np

from rehearse.audio import SAMPLE_RATE_HZ
from rehearse.transcript import Span

FRAME_S = 0.01
FLOOR_PERCENTILE = 10
ABOVE_FLOOR_DB = 12.0
BELOW_PEAK_DB = 45.0
ABSOLUTE_MIN_DB = -65.0
SILENT_DB = -120.0
BRIDGE_GAP_S = 0.15
MIN_SPAN_S = 0.08


def _joined(parts: list[np.ndarray]) -> list[np.ndarray]:
    """A track's blocks joined into one array (kept so, for the next read)."""
    return [np.concatenate(parts)] if len(parts) > 1 else parts


class LevelTrack:
    """Collects the level (dBFS) of every 10 ms frame of a 16 kHz stream."""

    def __init__(self, rate_hz: int = SAMPLE_RATE_HZ):
        self.frame_len = int(rate_hz * FRAME_S)
        self._rest = np.zeros(0, dtype=np.float32)
        self._levels: list[np.ndarray] = []

    def add(self, block: np.ndarray) -> np.ndarray:
        """Take a block; return the levels of the whole frames it completed."""
        data = np.concatenate([self._rest, block]) if len(self._rest) else block
        n = len(data) // self.frame_len
        self._rest = data[n * self.frame_len :].copy()
        if n == 0:
            return np.zeros(0, dtype=np.float32)
        frames = data[: n * self.frame_len].reshape(n, self.frame_len).astype(np.float64)
        rms = np.sqrt(np.mean(frames * frames, axis=1))
        levels = (20.0 * np.log10(np.maximum(rms, 1e-6))).astype(np.float32)
        levels = np.maximum(levels, SILENT_DB).astype(np.float32)
        self._levels.append(levels)
        return levels

    @property
    def levels(self) -> np.ndarray:
        self._levels = _joined(self._levels)
        return self._levels[0] if self._levels else np.zeros(0, dtype=np.float32)


HIGH_BAND_HZ = 4000.0


class HighBandTrack:
    """The level (dBFS) above 4 kHz of every 10 ms frame, aligned with `LevelTrack`.

    A telephone line or a cheap, distant microphone leaves almost nothing up there, while a
    near microphone keeps the hiss of "s" and "f": set against the full level it tells the two apart.
    """

    def __init__(self, rate_hz: int = SAMPLE_RATE_HZ):
        self.frame_len = int(rate_hz * FRAME_S)
        freqs = np.fft.rfftfreq(self.frame_len, 1.0 / rate_hz)
        self._high = freqs >= HIGH_BAND_HZ
        # a Hann window: unwindowed, the strong low tones of a voice leak into the high bins at
        # -25 dB and hide a band limit
        self._window = np.hanning(self.frame_len)
        self._norm = self.frame_len * np.sum(self._window**2)
        self._rest = np.zeros(0, dtype=np.float32)
        self._levels: list[np.ndarray] = []

    def add(self, block: np.ndarray) -> None:
        """Take a block of 16 kHz samples."""
        data = np.concatenate([self._rest, block]) if len(self._rest) else block
        n = len(data) // self.frame_len
        self._rest = data[n * self.frame_len :].copy()
        if n == 0:
            return
        frames = data[: n * self.frame_len].reshape(n, self.frame_len).astype(np.float64)
        power = np.abs(np.fft.rfft(frames * self._window, axis=1)) ** 2
        # Parseval: the bins' share of the frame's mean square, so it compares with LevelTrack's dB
        ms = 2.0 * power[:, self._high].sum(axis=1) / self._norm
        levels = 10.0 * np.log10(np.maximum(ms, 1e-12))
        self._levels.append(np.maximum(levels, SILENT_DB).astype(np.float32))

    @property
    def levels(self) -> np.ndarray:
        self._levels = _joined(self._levels)
        return self._levels[0] if self._levels else np.zeros(0, dtype=np.float32)


def threshold_db(levels: np.ndarray) -> float:
    """The level above which a frame counts as voice, from the recording's floor and peak."""
    if len(levels) == 0:
        return 0.0
    floor = float(np.percentile(levels, FLOOR_PERCENTILE))
    peak = float(np.percentile(levels, 99.5))
    return max(floor + ABOVE_FLOOR_DB, peak - BELOW_PEAK_DB, ABSOLUTE_MIN_DB)


def voiced_spans(levels: np.ndarray, frame_s: float = FRAME_S) -> list[Span]:
    """The voiced stretches of a track of frame levels, gaps bridged and clicks dropped."""
    if len(levels) == 0:
        return []
    voiced = levels > threshold_db(levels)
    if not voiced.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], voiced.astype(np.int8), [0]])))
    runs = list(zip(edges[::2], edges[1::2]))
    merged: list[list[int]] = []
    for start, end in runs:
        if merged and (start - merged[-1][1]) * frame_s <= BRIDGE_GAP_S:
            merged[-1][1] = end
        else:
            merged.append([int(start), int(end)])
    return [
        Span(start * frame_s, end * frame_s)
        for start, end in merged
        if (end - start) * frame_s >= MIN_SPAN_S
    ]


# --- live turn-taking -----------------------------------------------------------------------

TURN_FRAME_S = 0.03
START_WINDOW_S = 0.5
START_VOICED_S = 0.25
LIVE_FLOOR_MARGIN_DB = 12.0
LIVE_MIN_DB = -55.0
FLOOR_RISE_DB_PER_S = 3.0
ENDPOINT_TAIL_S = 1.2  # audio kept up to the end of the voice, for the endpoint's prosody reading


class Endpoint(Protocol):
    """Decides, during a silence, how much silence ends the answer (see `rehearse.endpoint`)."""

    min_silence_s: float

    def required_silence_s(self, tail: np.ndarray, voice_end_s: float, silence_s: float) -> float: ...


class TurnDetector:
    """Decides, as audio arrives, when an answer has started and when it has ended.

    A 30 ms frame is voice when WebRTC's voice activity detector (shipped in PocketSphinx) says so
    and it stands clear of the room's noise floor. The answer starts once a quarter second of voice
    falls within half a second; it ends after `silence_s` without voice, at `max_s` of recording,
    or, if it never starts, after `think_s`. Times are audio time, so a file fed faster than real
    time gives the same decisions as a microphone.

    With an `endpoint`, `silence_s` becomes the upper bound: from `endpoint.min_silence_s` of
    silence on, the endpoint is asked (given the last `ENDPOINT_TAIL_S` of audio up to the end of
    the voice) how much silence ends the answer now, and the answer ends as soon as that much has
    passed. The endpoint reads the words itself, so feed the decoding each block before `add`.
    """

    def __init__(self, think_s: float, silence_s: float, max_s: float, rate_hz: int = SAMPLE_RATE_HZ,
                 endpoint: Endpoint | None = None):
        self.think_s, self.silence_s, self.max_s = think_s, silence_s, max_s
        self.endpoint = endpoint
        self.required_silence_s = silence_s  # what ends the current pause, as last decided
        self._tail_frames: deque[np.ndarray] = deque(maxlen=max(1, int(ENDPOINT_TAIL_S / TURN_FRAME_S)))
        self._tail = np.zeros(0, dtype=np.float32)
        self._was_voiced = False
        self.frame_len = int(rate_hz * TURN_FRAME_S)
        self.rate_hz = rate_hz
        self._vad = _webrtc_vad(rate_hz)
        self._rest = np.zeros(0, dtype=np.float32)
        self._recent: list[tuple[float, bool]] = []
        self.frames = 0
        self.floor_db = 0.0
        self._floor_set = False
        self.level_db = SILENT_DB
        self.speech_start_s: float | None = None
        self.last_voice_s: float | None = None
        self.ended_by: str | None = None
        self._think_until_s = think_s  # the turn ends here if no answer has begun
        self._resumed_waiting = False  # resumed mid-answer, and no voice since

    @property
    def elapsed_s(self) -> float:
        return self.frames * TURN_FRAME_S

    @property
    def speaking(self) -> bool:
        return self.last_voice_s is not None and self.elapsed_s - self.last_voice_s < 0.3

    @property
    def waiting_left_s(self) -> float | None:
        """While waiting for the person to start (or, after a pause, to go on): the think time left
        before the turn ends for want of an answer; None once they speak."""
        if self.speech_start_s is not None and not self._resumed_waiting:
            return None
        return max(0.0, self._think_until_s - self.elapsed_s)

    def pause(self, answering: bool) -> None:
        """The person said "pause". Before any answer, the voice heard so far was that command,
        not the start of an answer: it is forgotten."""
        if not answering:
            self.speech_start_s = self.last_voice_s = None
            self._recent = []

    def resume(self) -> None:
        """After a pause: the person gets the whole think time again to begin, or to go on with,
        the answer; the silence before the pause does not count towards ending it."""
        self._think_until_s = self.elapsed_s + self.think_s
        if self.speech_start_s is not None:
            self.last_voice_s = self.elapsed_s
            self._resumed_waiting = True

    def add(self, block: np.ndarray) -> str | None:
        """Take a block; return why the turn ended (`silence`, `max`, `no_speech`) or None."""
        data = np.concatenate([self._rest, block]) if len(self._rest) else block
        n = len(data) // self.frame_len
        for k in range(n):
            if self.ended_by:
                break
            self._frame(data[k * self.frame_len : (k + 1) * self.frame_len])
        self._rest = data[n * self.frame_len :].copy()
        return self.ended_by

    def _frame(self, frame: np.ndarray) -> None:
        t = self.elapsed_s
        self.frames += 1
        rms = float(np.sqrt(np.mean(frame.astype(np.float64) ** 2)))
        level = max(20 * np.log10(max(rms, 1e-6)), SILENT_DB)
        self.level_db = level
        # the floor follows quiet frames down at once and creeps up slowly through speech
        if not self._floor_set or level < self.floor_db:
            self.floor_db, self._floor_set = level, True
        else:
            self.floor_db += FLOOR_RISE_DB_PER_S * TURN_FRAME_S
        loud = level > max(self.floor_db + LIVE_FLOOR_MARGIN_DB, LIVE_MIN_DB)
        voiced = loud and (self._vad is None or self._vad(frame))
        if self.speech_start_s is None:
            self._recent.append((t, voiced))
            self._recent = [(s, v) for s, v in self._recent if s > t - START_WINDOW_S]
            if sum(v for _, v in self._recent) * TURN_FRAME_S >= START_VOICED_S:
                self.speech_start_s = next(s for s, v in self._recent if v)
                self.last_voice_s = t + TURN_FRAME_S
            elif t + TURN_FRAME_S >= self._think_until_s:
                self.ended_by = "no_speech"
        elif voiced:
            self.last_voice_s = t + TURN_FRAME_S
            self._resumed_waiting = False
        if self.endpoint is not None:
            if self._was_voiced and not voiced:  # the voice just ended: keep its tail for prosody
                self._tail = np.concatenate(self._tail_frames)
            self._tail_frames.append(frame)
            self._was_voiced = voiced
        if self.ended_by is None and self._resumed_waiting:
            if self.elapsed_s >= self._think_until_s:  # resumed, then said nothing more
                self.ended_by = "silence"
        elif self.ended_by is None and self.speech_start_s is not None:
            silent_s = self.elapsed_s - self.last_voice_s
            if silent_s >= self.silence_s:
                self.ended_by = "silence"
            elif self.endpoint is not None and silent_s >= self.endpoint.min_silence_s and len(self._tail):
                self.required_silence_s = self.endpoint.required_silence_s(
                    self._tail, self.last_voice_s, self.silence_s)
                if silent_s >= self.required_silence_s:
                    self.ended_by = "silence"
        if self.ended_by is None and self.elapsed_s >= self.max_s:
            self.ended_by = "max"


def _webrtc_vad(rate_hz: int):
    try:
        from pocketsphinx import Vad
    except Exception:
        return None
    from rehearse.audio import to_pcm16

    vad = Vad(Vad.LOOSE, rate_hz, TURN_FRAME_S)
    if vad.frame_bytes != int(rate_hz * TURN_FRAME_S) * 2:
        return None
    return lambda frame: vad.is_speech(to_pcm16(frame))
