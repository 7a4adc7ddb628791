"""Audio in: every source yields 16 kHz mono float32 blocks, so one loop serves file and microphone.

Files are decoded by libsndfile (through `soundfile`): WAV of any PCM width (8/16/24/32-bit),
32/64-bit float and WAVE_FORMAT_EXTENSIBLE, RF64/W64, AIFF, AU, FLAC, Ogg Vorbis/Opus and MP3.
They are read block by block and resampled as a stream (`soxr`), so memory stays flat
whatever the file's length.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from rehearse.errors import BadAudioError

SAMPLE_RATE_HZ = 16_000
FILE_BLOCK_S = 1.0
MAX_FILE_CHANNELS = 64


class AudioSource(Protocol):
    """Anything that yields audio as 16 kHz mono float32 blocks in [-1, 1]."""

    def chunks(self) -> Iterator[np.ndarray]: ...


@dataclass(frozen=True)
class AudioInfo:
    """What a file's header says, checked for sense."""

    path: str
    sample_rate_hz: int
    channels: int
    frames: int
    format: str
    subtype: str

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate_hz


def probe(path: str | os.PathLike) -> AudioInfo:
    """Check that `path` is a readable audio file and return its header facts."""
    p = Path(path)
    if not p.exists():
        raise BadAudioError(f"no such file: {p}")
    if p.is_dir():
        raise BadAudioError(f"{p} is a directory, not an audio file")
    try:
        size = p.stat().st_size
        with open(p, "rb"):
            pass
    except OSError as exc:
        raise BadAudioError(f"cannot read {p}: {exc.strerror or exc}") from None
    if size == 0:
        raise BadAudioError(f"{p} is empty")
    import soundfile

    try:
        info = soundfile.info(str(p))
    except Exception as exc:  # libsndfile's errors come in several classes
        raise BadAudioError(f"{p} is not an audio file this tool can read ({_first_line(exc)})") from None
    if info.samplerate <= 0 or not 0 < info.channels <= MAX_FILE_CHANNELS:
        raise BadAudioError(
            f"{p} has an impossible header ({info.samplerate} Hz, {info.channels} channels)"
        )
    if info.frames <= 0:
        raise BadAudioError(f"{p} contains no audio")
    return AudioInfo(str(p), info.samplerate, info.channels, info.frames, info.format, info.subtype)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class Resampler:
    """Streaming conversion of float32 mono blocks from one rate to 16 kHz."""

    def __init__(self, rate_hz: int, out_rate_hz: int = SAMPLE_RATE_HZ):
        self._stream = None
        if rate_hz != out_rate_hz:
            import soxr

            self._stream = soxr.ResampleStream(rate_hz, out_rate_hz, 1, dtype="float32")

    def __call__(self, block: np.ndarray, last: bool = False) -> np.ndarray:
        if self._stream is None:
            return block
        return self._stream.resample_chunk(block, last=last)


def to_mono(block: np.ndarray) -> np.ndarray:
    """Average the channels of a (frames, channels) block into float32 mono."""
    if block.ndim == 2:
        block = block.mean(axis=1) if block.shape[1] > 1 else block[:, 0]
    return np.ascontiguousarray(block, dtype=np.float32)


class FileSource:
    """An audio file read as a stream of 16 kHz mono blocks.

    `frames_read` counts the file's own frames actually decoded, so the duration is exact even
    when a header claims more audio than the file holds.
    """

    def __init__(self, path: str | os.PathLike, block_s: float = FILE_BLOCK_S):
        self.info = probe(path)
        self.block_s = block_s
        self.frames_read = 0

    @property
    def duration_s(self) -> float:
        return self.frames_read / self.info.sample_rate_hz

    def chunks(self) -> Iterator[np.ndarray]:
        import soundfile

        rate = self.info.sample_rate_hz
        resample = Resampler(rate)
        blocksize = max(1, int(rate * self.block_s))
        self.frames_read = 0
        try:
            with soundfile.SoundFile(self.info.path) as f:
                while True:
                    block = f.read(blocksize, dtype="float32", always_2d=True)
                    if len(block) == 0:
                        break
                    self.frames_read += len(block)
                    mono = np.nan_to_num(to_mono(block), nan=0.0, posinf=1.0, neginf=-1.0)
                    out = resample(np.clip(mono, -1.0, 1.0))
                    if len(out):
                        yield out
        except BadAudioError:
            raise
        except Exception as exc:
            raise BadAudioError(
                f"{self.info.path} could not be decoded past {self.duration_s:.2f} s ({_first_line(exc)})"
            ) from None
        tail = resample(np.zeros(0, dtype=np.float32), last=True)
        if len(tail):
            yield tail
        if self.frames_read == 0:
            raise BadAudioError(f"{self.info.path} contains no audio")


def to_pcm16(block: np.ndarray) -> bytes:
    """float32 samples in [-1, 1] as little-endian 16-bit PCM bytes, as speech engines want."""
    return (np.clip(block, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
