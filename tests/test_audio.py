"""Reading audio files of every kind into 16 kHz mono, and refusing what is not audio."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from rehearse.audio import SAMPLE_RATE_HZ, FileSource, probe
from rehearse.errors import BadAudioError

FORMATS = [
    # (rate, channels, subtype)
    (16_000, 1, "PCM_16"),
    (8_000, 1, "PCM_U8"),
    (44_100, 2, "PCM_24"),
    (48_000, 2, "FLOAT"),
    (22_050, 1, "PCM_32"),
    (32_000, 6, "DOUBLE"),
]


def tone(rate: int, seconds: float, channels: int, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    x = 0.5 * np.sin(2 * np.pi * hz * t)
    return np.repeat(x[:, None], channels, axis=1)


@pytest.mark.parametrize("rate,channels,subtype", FORMATS)
def test_reads_any_wav_into_16k_mono(tmp_path, rate, channels, subtype):
    path = tmp_path / f"a-{subtype}.wav"
    soundfile.write(str(path), tone(rate, 2.37, channels), rate, subtype=subtype)
    src = FileSource(path)
    out = np.concatenate(list(src.chunks()))
    assert src.duration_s == pytest.approx(int(rate * 2.37) / rate, abs=1e-9)
    assert abs(len(out) - 2.37 * SAMPLE_RATE_HZ) < 0.01 * SAMPLE_RATE_HZ
    assert out.dtype == np.float32
    # the 440 Hz tone survives resampling: its RMS stays near 0.5 / sqrt(2)
    assert np.sqrt(np.mean(out[1000:-1000] ** 2)) == pytest.approx(0.3536, abs=0.03)


def test_reads_flac_and_ogg(tmp_path):
    for name in ("a.flac", "a.ogg"):
        path = tmp_path / name
        soundfile.write(str(path), tone(44_100, 1.5, 1), 44_100)
        src = FileSource(path)
        out = np.concatenate(list(src.chunks()))
        assert src.duration_s == pytest.approx(1.5, abs=0.01)
        assert len(out) == pytest.approx(1.5 * SAMPLE_RATE_HZ, abs=200)


def test_missing_file(tmp_path):
    with pytest.raises(BadAudioError, match="no such file"):
        probe(tmp_path / "nope.wav")


def test_empty_file(tmp_path):
    (tmp_path / "e.wav").write_bytes(b"")
    with pytest.raises(BadAudioError, match="is empty"):
        probe(tmp_path / "e.wav")


def test_random_bytes(tmp_path):
    (tmp_path / "r.wav").write_bytes(np.random.default_rng(1).bytes(5000))
    with pytest.raises(BadAudioError, match="not an audio file"):
        probe(tmp_path / "r.wav")


def test_directory(tmp_path):
    with pytest.raises(BadAudioError, match="is a directory"):
        probe(tmp_path)


def test_header_only_wav_has_no_audio(tmp_path):
    path = tmp_path / "h.wav"
    soundfile.write(str(path), np.zeros((0, 1)), 16_000)
    with pytest.raises(BadAudioError, match="no audio"):
        probe(path)


def test_truncated_wav_reads_what_is_there(tmp_path):
    path = tmp_path / "t.wav"
    soundfile.write(str(path), tone(16_000, 3.0, 1), 16_000, subtype="PCM_16")
    data = path.read_bytes()
    path.write_bytes(data[: 44 + 16_000 * 2])  # header still claims 3 s; 1 s is left
    src = FileSource(path)
    out = np.concatenate(list(src.chunks()))
    assert src.duration_s == pytest.approx(1.0, abs=0.01)
    assert len(out) == pytest.approx(16_000, abs=100)
