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
MIC_FIRST_BLOCK_S = 5.0
MIC_STALL_S = 2.0
MAX_FILE_S = 4 * 3600  # longer than any answer or practice session; beyond it the header is suspect


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
    from rehearse.paths import read_head

    p = Path(path)
    if not read_head(p, "an audio file", 0, BadAudioError):
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
    if info.frames / info.samplerate > MAX_FILE_S:
        raise BadAudioError(
            f"{p} claims {info.frames / info.samplerate / 3600:.1f} hours of audio; "
            f"rehearse reads recordings up to {MAX_FILE_S // 3600} hours"
        )
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


# --- recording to disk ----------------------------------------------------------------------

WAV_FLUSH_S = 1.0


class WavWriter:
    """A 16-bit mono WAV written as it is recorded: the header is rewritten and the file flushed
    every second, so a crash loses at most the last second and leaves a valid file."""

    def __init__(self, path: str | os.PathLike, rate_hz: int = SAMPLE_RATE_HZ):
        self.path = Path(path)
        self.rate_hz = rate_hz
        self.frames = 0
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._f = os.fdopen(fd, "wb")
        self._write_header()
        self._unflushed = 0

    def _write_header(self) -> None:
        import struct

        data_bytes = self.frames * 2
        header = struct.pack(
            "<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + data_bytes, b"WAVE", b"fmt ", 16, 1, 1,
            self.rate_hz, self.rate_hz * 2, 2, 16, b"data", data_bytes,
        )
        self._f.seek(0)
        self._f.write(header)
        self._f.seek(0, os.SEEK_END)

    def write(self, block: np.ndarray) -> None:
        self._f.write(to_pcm16(block))
        self.frames += len(block)
        self._unflushed += len(block)
        if self._unflushed >= self.rate_hz * WAV_FLUSH_S:
            self.flush()

    def flush(self) -> None:
        self._write_header()
        self._f.flush()
        os.fsync(self._f.fileno())
        self._unflushed = 0

    def close(self) -> None:
        """Finish the header and close; the file is closed even when the disk is full."""
        if self._f.closed:
            return
        try:
            self.flush()
        finally:
            try:
                self._f.close()
            except OSError:
                pass

    @property
    def duration_s(self) -> float:
        return self.frames / self.rate_hz


def _read_pcm16_wav(path: str | os.PathLike) -> tuple[np.ndarray, int] | None:
    """A plain 16-bit PCM WAV (what the synthesizers and the recorder write) read with the standard
    library: loading libsndfile takes about half a second, which the first question cannot wait."""
    import wave

    try:
        with wave.open(str(path), "rb") as w:
            if w.getsampwidth() != 2 or w.getcomptype() != "NONE" or not 0 < w.getnchannels() <= MAX_FILE_CHANNELS:
                return None
            frames = w.readframes(w.getnframes())
            channels, rate = w.getnchannels(), w.getframerate()
    except (wave.Error, EOFError, OSError):
        return None
    x = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    if not len(x) or rate <= 0:
        return None
    if channels > 1:
        x = x[: len(x) // channels * channels].reshape(-1, channels).mean(axis=1).astype(np.float32)
    return x, rate


def read_all(path: str | os.PathLike) -> tuple[np.ndarray, int]:
    """A whole (short) file as float32 mono at its own rate, for playback."""
    fast = _read_pcm16_wav(path)
    if fast is not None:
        return fast
    import soundfile

    info = probe(path)
    data, rate = soundfile.read(info.path, dtype="float32", always_2d=True)
    return to_mono(data), rate


def write_wav(path: str | os.PathLike, samples: np.ndarray, rate_hz: int = SAMPLE_RATE_HZ) -> None:
    """Write float32 mono samples as a private 16-bit WAV."""
    w = WavWriter(path, rate_hz)
    w.write(samples)
    w.close()


# --- live sources and players ---------------------------------------------------------------


class PacedFileSource:
    """A file delivered at the pace of a real microphone: what a person would say, in real time."""

    def __init__(self, path: str | os.PathLike, block_s: float = 0.1, speed: float = 1.0):
        self._file = FileSource(path, block_s=block_s)
        self.speed = speed

    @property
    def info(self) -> AudioInfo:
        return self._file.info

    def chunks(self) -> Iterator[np.ndarray]:
        import time

        start = time.monotonic()
        sent = 0
        for block in self._file.chunks():
            sent += len(block)
            due = start + sent / SAMPLE_RATE_HZ / self.speed
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            yield block
        # after the file, silence, as a room is silent when the speaker stops
        silence = np.zeros(int(SAMPLE_RATE_HZ * 0.1), dtype=np.float32)
        while True:
            sent += len(silence)
            delay = start + sent / SAMPLE_RATE_HZ / self.speed - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            yield silence


def _device_arg(device: str | int | None):
    if device is None or device == "":
        return None
    if isinstance(device, int) or str(device).isdigit():
        return int(device)
    return str(device)


_alsa_handler = None  # kept alive for the life of the process: ALSA calls it


def quiet_alsa() -> None:
    """Keep ALSA's own lines ("ALSA lib pcm.c:8570:(snd_pcm_recover) underrun occurred", the cards it
    probes at start) off the user's terminal. ALSA writes them to fd 2 from C while audio plays or
    records, in whichever thread; they say nothing a user can act on (a device that really fails
    raises through PortAudio). ALSA's error handler is replaced, once: unlike pointing fd 2 away for
    a while, nothing else written to stderr (Python's warnings and errors, other threads) is hidden."""
    global _alsa_handler
    if _alsa_handler is not None:
        return
    import ctypes

    _alsa_handler = False
    try:
        asound = ctypes.CDLL("libasound.so.2")
        handler_type = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
                                        ctypes.c_char_p)  # and the message's arguments, unread
        handler = handler_type(lambda *args: None)
        asound.snd_lib_error_set_handler(handler)
    except (OSError, AttributeError):  # no ALSA here: nothing to quieten
        return
    _alsa_handler = handler


def _sounddevice():
    quiet_alsa()  # before PortAudio starts: it opens every ALSA device to list them
    try:
        import sounddevice
    except OSError as exc:  # PortAudio missing
        from rehearse.errors import AudioDeviceError

        raise AudioDeviceError(f"PortAudio is not available ({exc}); install libportaudio2") from None
    return sounddevice


# --- PulseAudio by name ------------------------------------------------------------------------
# PortAudio sees a PulseAudio server as one ALSA device ("pulse", and "default" when ~/.asoundrc
# points there), not its sinks and sources. A source or sink named by the user ("micsrc.monitor")
# is reached through that device with PULSE_SOURCE / PULSE_SINK set while the stream opens:
# libpulse reads them when the ALSA plug-in connects.
PULSE_ENV = {"input": "PULSE_SOURCE", "output": "PULSE_SINK"}
PACTL_TIMEOUT_S = 3.0


def _pactl(*args: str) -> str | None:
    """pactl's output, or None when there is no pactl or no PulseAudio server answering."""
    import shutil
    import subprocess

    if shutil.which("pactl") is None:
        return None
    try:
        proc = subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=PACTL_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def pulse_devices(kind: str) -> list[tuple[str, bool]]:
    """The PulseAudio sources (`kind` "input") or sinks ("output") by name, each with whether it is
    the server's default; empty when no PulseAudio server runs."""
    listed = _pactl("list", "short", "sources" if kind == "input" else "sinks")
    if listed is None:
        return []
    info = _pactl("info") or ""
    key = "Default Source:" if kind == "input" else "Default Sink:"
    default = next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith(key)), None)
    names = [line.split("\t")[1] for line in listed.splitlines() if len(line.split("\t")) > 1]
    return [(name, name == default) for name in names]


class _Env:
    """Set environment variables for a moment (while a stream opens), then put them back."""

    def __init__(self, values: dict[str, str]):
        self.values = values

    def __enter__(self):
        self._saved = {k: os.environ.get(k) for k in self.values}
        os.environ.update(self.values)

    def __exit__(self, *exc):
        for k, v in self._saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _route(device: str | int | None, kind: str) -> tuple[str | int | None, dict[str, str]]:
    """The PortAudio device to open for `device`, and the environment to open it in: a name
    PortAudio does not know that is a PulseAudio source (input) or sink (output) goes through
    the PulseAudio device with PULSE_SOURCE / PULSE_SINK naming it."""
    if not isinstance(device, str):
        return device, {}
    sd = _sounddevice()
    try:
        sd.query_devices(device, kind)
        return device, {}
    except Exception:
        pass
    if device not in {name for name, _ in pulse_devices(kind)}:
        return device, {}
    for through in ("pulse", "default"):
        try:
            sd.query_devices(through, kind)
            return through, {PULSE_ENV[kind]: device}
        except Exception:
            continue
    return device, {}


class MicrophoneSource:
    """The microphone through PortAudio. The callback only queues blocks; the caller's thread
    does the work. 16 kHz is asked for; a device that refuses it is opened at its own rate and
    resampled."""

    def __init__(self, device: str | int | None = None, block_s: float = 0.05):
        self.device = _device_arg(device)
        self.block_s = block_s
        self._stream = None
        self.rate_hz = SAMPLE_RATE_HZ
        self.error: str | None = None

    def __enter__(self):
        import queue

        from rehearse.errors import AudioDeviceError

        sd = _sounddevice()
        device, env = _route(self.device, "input")
        self._queue: queue.Queue = queue.Queue()

        def callback(indata, frames, time_info, status):
            self._queue.put(indata[:, 0].copy())

        last_exc = None
        for rate in (SAMPLE_RATE_HZ, None):
            try:
                if rate is None:
                    rate = int(sd.query_devices(device, "input")["default_samplerate"])
                with _Env(env):
                    self._stream = sd.InputStream(
                        samplerate=rate, blocksize=int(rate * self.block_s), device=device,
                        channels=1, dtype="float32", callback=callback,
                    )
                    self._stream.start()
                self.rate_hz = rate
                break
            except Exception as exc:
                last_exc = exc
                self._stream = None
        if self._stream is None:
            raise AudioDeviceError(f"cannot open the microphone ({_first_line(last_exc)})")
        self._resample = Resampler(self.rate_hz)
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self._stream is not None:
            try:
                self._stream.abort()
                self._stream.close()
            except Exception:
                pass
            self._stream = None

    def chunks(self) -> Iterator[np.ndarray]:
        import queue

        from rehearse.errors import AudioDeviceError

        wait_s = MIC_FIRST_BLOCK_S  # a stream can take a while to start on a busy sound server
        while True:
            try:
                block = self._queue.get(timeout=wait_s)
            except queue.Empty:
                raise AudioDeviceError("the microphone stopped sending audio (was it unplugged?)") from None
            wait_s = MIC_STALL_S
            out = self._resample(block)
            if len(out):
                yield out


class Player(Protocol):
    """Plays float32 mono audio and returns when it has finished."""

    def play(self, samples: np.ndarray, rate_hz: int) -> None: ...


class DevicePlayer:
    """Plays through PortAudio; `play` returns once the device has drained."""

    def __init__(self, device: str | int | None = None):
        self.device = _device_arg(device)
        sd = _sounddevice()
        self._through, self._env = _route(self.device, "output")
        try:
            sd.query_devices(self._through, "output")
        except Exception as exc:
            from rehearse.errors import AudioDeviceError

            raise AudioDeviceError(f"no usable output device ({_first_line(exc)})") from None

    while_playing = None  # called once, just after the next playback has started (then cleared)

    def play(self, samples: np.ndarray, rate_hz: int) -> None:
        """Play and return once the device has drained. One blocking write (no Python callback):
        the write runs in PortAudio without Python's lock, so a thread holding that lock meanwhile
        (the recognizer loading) can neither delay nor break the sound."""
        from rehearse.errors import AudioDeviceError

        sd = _sounddevice()
        data = np.ascontiguousarray(samples, dtype=np.float32).reshape(-1, 1)
        try:
            with _Env(self._env):  # the PulseAudio sink is chosen when the stream opens
                stream = sd.OutputStream(samplerate=rate_hz, device=self._through, channels=1, dtype="float32")
            with stream:
                hook, self.while_playing = self.while_playing, None
                if hook is not None:
                    hook()
                stream.write(data)
        except Exception as exc:
            raise AudioDeviceError(f"playback failed ({_first_line(exc)})") from None


class SilentPlayer:
    """For machines with no output device: keeps the timing, makes no sound."""

    def play(self, samples: np.ndarray, rate_hz: int) -> None:
        import time

        time.sleep(len(samples) / rate_hz)


def check_input_device(device: str | int | None) -> None:
    """Fail early, before a question is asked, when the chosen microphone does not exist."""
    from rehearse.errors import AudioDeviceError

    sd = _sounddevice()
    try:
        sd.query_devices(_route(_device_arg(device), "input")[0], "input")
    except Exception as exc:
        which = f"input device {device!r}" if device is not None else "default input device"
        raise AudioDeviceError(f"no {which} ({_first_line(exc)}); see `rehearse devices`") from None


def has_device(kind: str) -> bool:
    """Is there a default input or output device at all?"""
    try:
        sd = _sounddevice()
        sd.query_devices(kind=kind)
        return True
    except Exception:
        return False


def list_devices() -> list[str]:
    """One line per audio device: number, inputs/outputs (`*` for the defaults), name, rate."""
    from rehearse.errors import AudioDeviceError

    sd = _sounddevice()
    try:
        devs = sd.query_devices()
        default_in, default_out = sd.default.device
    except Exception as exc:
        raise AudioDeviceError(f"cannot list audio devices ({_first_line(exc)})") from None
    if not len(devs):
        raise AudioDeviceError("no audio devices found (is a sound server running?)")
    rows = []
    for i, d in enumerate(devs):
        kinds = []
        if d["max_input_channels"] > 0:
            kinds.append(("*" if i == default_in else " ") + f"in({d['max_input_channels']})")
        if d["max_output_channels"] > 0:
            kinds.append(("*" if i == default_out else " ") + f"out({d['max_output_channels']})")
        rows.append(f"{i:3d}  {' '.join(kinds):22s}  {d['name']}  ({int(d['default_samplerate'])} Hz)")
    for kind, title in (("input", "PulseAudio sources (--input-device NAME)"),
                        ("output", "PulseAudio sinks (--output-device NAME)")):
        found = pulse_devices(kind)
        if found:
            rows.append(f"{title}:")
            rows += [f"  {'*' if default else ' '} {name}" for name, default in found]
    return rows
