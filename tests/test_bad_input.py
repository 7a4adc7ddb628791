"""The bad-input matrix: every case is one `Error: …` line on stderr, a non-zero exit, no
traceback, nothing half-written; valid but unusual audio is scored correctly."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys

import numpy as np
import pytest
import soundfile
from conftest import LIBRIVOX
from test_score_cli import rehearse

CLIP = LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0930.wav"


def assert_one_error(proc, message):
    assert proc.returncode not in (0, None), proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("Error: ") and message in lines[0], lines[0]
    assert "Traceback" not in proc.stderr


def wav_header(rate=16000, channels=1, bits=16, data_bytes=0, fmt=1) -> bytes:
    block = channels * bits // 8
    return struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + data_bytes, b"WAVE", b"fmt ", 16, fmt, channels,
                       rate, rate * block, block, bits, b"data", data_bytes)


def make_case(tmp_path, case):
    p = tmp_path / f"{case}.wav"
    if case == "missing":
        return p
    if case == "empty":
        p.write_bytes(b"")
    elif case == "random":
        p.write_bytes(np.random.default_rng(5).bytes(20000))
    elif case == "text named wav":
        p.write_text("this is a transcript, not audio\n" * 50)
    elif case == "zero channels":
        p.write_bytes(wav_header(channels=0, data_bytes=3200) + b"\0" * 3200)
    elif case == "zero rate":
        p.write_bytes(wav_header(rate=0, data_bytes=3200) + b"\0" * 3200)
    elif case == "header only":
        p.write_bytes(wav_header(data_bytes=0))
    elif case == "huge":
        with open(p, "wb") as f:  # a sparse file whose header claims 37 hours
            f.write(wav_header(data_bytes=0xFFFFFF00))
            f.truncate(44 + 0xFFFFFF00)
    elif case == "directory":
        p.mkdir()
    return p


CASES = {
    "missing": "no such file", "empty": "is empty", "random": "not an audio file",
    "text named wav": "not an audio file", "zero channels": "", "zero rate": "",
    "header only": "contains no audio", "huge": "hours of audio", "directory": "is a directory",
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_audio_files(tmp_path, case):
    path = make_case(tmp_path, case)
    proc = rehearse("score", "--engine", "pocketsphinx", str(path), check_ok=False)
    assert_one_error(proc, CASES[case])


def test_header_that_claims_more_data_than_there_is(tmp_path):
    x, rate = soundfile.read(str(CLIP), dtype="int16")
    p = tmp_path / "lies.wav"
    p.write_bytes(wav_header(rate=rate, data_bytes=len(x) * 2 * 10) + x.tobytes())
    r = json.loads(rehearse("score", "--json", "--engine", "pocketsphinx", str(p)).stdout)
    assert r["duration_s"] == pytest.approx(len(x) / rate, abs=0.01)
    assert "might even" in r["transcript"]


def test_wrong_extension_but_real_audio(tmp_path):
    x, rate = soundfile.read(str(CLIP), dtype="float32")
    p = tmp_path / "really-flac.wav"
    soundfile.write(str(p), x, rate, format="FLAC")
    r = json.loads(rehearse("score", "--json", "--engine", "pocketsphinx", str(p)).stdout)
    assert "might even" in r["transcript"]


LONG_CLIP = LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0870.wav"
LONG_CLIP_TEXT = ("and mister john dashwood had then leisure to consider how much there might be prudently "
                  "in his power to do for them")


# Word error rate bounds: telephone audio (8 kHz) lacks the band above 4 kHz that the 16 kHz
# models listen to, so it is recognized worse (measured 0.59 against 0.32 at 16 kHz).
@pytest.mark.parametrize("rate,channels,subtype,bound", [
    (48000, 2, "FLOAT", 0.45), (16000, 1, "PCM_U8", 0.5), (8000, 1, "PCM_16", 0.7),
])
def test_unusual_but_valid_audio_is_scored(tmp_path, rate, channels, subtype, bound):
    import soxr

    from rehearse.transcript import word_error_rate

    x, r0 = soundfile.read(str(LONG_CLIP), dtype="float32")
    y = soxr.resample(x, r0, rate)
    if channels == 2:
        y = np.stack([y, y * 0.8], axis=1)
    p = tmp_path / f"{rate}-{subtype}.wav"
    soundfile.write(str(p), y, rate, subtype=subtype)
    r = json.loads(rehearse("score", "--json", "--engine", "pocketsphinx", str(p)).stdout)
    assert r["duration_s"] == pytest.approx(len(y) / rate, abs=0.01)
    errors, words = word_error_rate(LONG_CLIP_TEXT, r["transcript"])
    assert errors / words < bound, r["transcript"]
    assert r["answer_start_s"] is not None and r["answer_end_s"] <= r["duration_s"]


def test_one_hour_file_in_bounded_memory(tmp_path):
    """An hour of quiet room with a sentence at the end: exact duration, speech found, memory flat."""
    rate = 8000
    p = tmp_path / "hour.wav"
    speech, r0 = soundfile.read(str(CLIP), dtype="float32")
    import soxr

    speech = soxr.resample(speech, r0, rate)
    rng = np.random.default_rng(0)
    minute = (rng.standard_normal(rate * 60) * 0.0003).astype(np.float32)
    with soundfile.SoundFile(str(p), "w", rate, 1, subtype="PCM_16") as f:
        for _ in range(59):
            f.write(minute)
        f.write(minute[: rate * 50])
        f.write(speech)
        f.write(minute[: rate * 5])
    total = 59 * 60 + 50 + len(speech) / rate + 5
    code = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
            "print(p.stdout.strip()); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    exe = os.path.join(os.path.dirname(sys.executable), "rehearse")
    out = subprocess.run([sys.executable, "-c", code, exe, "score", "--json", "--engine", "pocketsphinx", str(p)],
                         capture_output=True, text=True, timeout=900).stdout.strip().splitlines()
    r, peak_kb = json.loads(out[0]), int(out[1])
    assert r["duration_s"] == pytest.approx(total, abs=0.01)
    assert r["answer_start_s"] == pytest.approx(59 * 60 + 50, abs=0.6)
    assert peak_kb / 1024 < 400, f"peak memory {peak_kb / 1024:.0f} MB"


@pytest.mark.parametrize("content,message", [
    (None, "no question bank"),
    ("[[question]\ntext = 'x'", "not valid TOML"),
    ("", "has no [[question]] entries"),
    ("[[question]]\ntext = 5\n", "needs a non-empty text"),
    ("[[question]]\ntext = 'Why?'\nkind = 'riddle'\n", "has kind 'riddle'"),
    ("question = 'not a table'\n", "has no [[question]] entries"),
])
def test_bad_question_banks(tmp_path, content, message):
    bank = tmp_path / "bank.toml"
    if content is not None:
        bank.write_text(content)
    assert_one_error(rehearse("questions", "list", "--bank", str(bank), check_ok=False), message)


@pytest.mark.parametrize("content,message", [
    ("target = \n", "not valid TOML"),
    ("target = 'long'\n", "target must be a number"),
    ("target = -5\n", "must be more than 0"),
    ("engine = 'whisper'\n", "engine must be one of"),
    ("colour = 'blue'\n", "unknown setting 'colour'"),
    ("speak_feedback = 1\n", "speak_feedback must be a true or false"),
])
def test_bad_config_files(tmp_path, content, message):
    home = tmp_path / "rehearse-home"
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text(content)
    assert_one_error(rehearse("history", check_ok=False), message)


def test_config_sets_defaults_and_command_line_wins(tmp_path):
    home = tmp_path / "rehearse-home"
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text("target = 4\nengine = 'pocketsphinx'\n")
    r = json.loads(rehearse("score", "--json", str(CLIP)).stdout)
    assert r["engine"] == "pocketsphinx" and r["length"]["target_s"] == 4
    r = json.loads(rehearse("score", "--json", "--target", "60", str(CLIP)).stdout)
    assert r["length"]["target_s"] == 60


def test_missing_and_broken_vosk_models(tmp_path):
    assert_one_error(rehearse("score", "--engine", "vosk", "--model", str(tmp_path / "nope"), str(CLIP),
                              check_ok=False), "no Vosk model at")
    broken = tmp_path / "vosk-model-small-en-us-0.15"
    (broken / "am").mkdir(parents=True)
    (broken / "am" / "final.mdl").write_bytes(b"garbage")
    assert_one_error(rehearse("score", "--engine", "vosk", "--model", str(broken), str(CLIP), check_ok=False),
                     "not a usable Vosk model")
    assert_one_error(rehearse("score", "--engine", "vosk", str(CLIP), check_ok=False), "no Vosk model for en-us")


def _peak_mb_of_score(path) -> float:
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True, check=True);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    exe = os.path.join(os.path.dirname(sys.executable), "rehearse")
    out = subprocess.run([sys.executable, "-c", code, exe, "score", "--json", "--engine", "pocketsphinx", str(path)],
                         capture_output=True, text=True, timeout=900, check=True)
    return int(out.stdout.strip()) / 1024


def test_memory_does_not_grow_with_unbroken_speech(tmp_path):
    """Speech with hardly a pause: six minutes take no more memory than one (the recognizer's
    search is cut every 30 s instead of growing for as long as the speaker talks)."""
    x, rate = soundfile.read(str(LONG_CLIP), dtype="float32")
    short, long = tmp_path / "one.wav", tmp_path / "six.wav"
    soundfile.write(str(short), np.tile(x, int(60 * rate / len(x)) + 1), rate)
    soundfile.write(str(long), np.tile(x, int(360 * rate / len(x)) + 1), rate)
    grow = _peak_mb_of_score(long) - _peak_mb_of_score(short)
    assert grow < 30, f"peak memory grew by {grow:.0f} MB from one to six minutes"
