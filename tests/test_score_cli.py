"""`rehearse score` end to end through the real CLI entry point and real recognizers."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import soundfile
from conftest import SAMPLE_ANSWER, flite, read_float, trim

JSON_KEYS = {
    "file", "engine", "model", "duration_s", "answer_start_s", "answer_end_s", "answer_s",
    "speech_s", "transcript", "words", "wpm", "pace", "length", "car", "reliable", "reliable_reason",
    "rubric", "checks", "kind", "judged", "reason",
}
CAR_PARTS = ("challenge", "action", "result")


def rehearse(*args, check_ok=True, env=None):
    """Run the installed console script as a person would, with no stdin."""
    exe = os.path.join(os.path.dirname(sys.executable), "rehearse")
    proc = subprocess.run(
        [exe, *args], capture_output=True, text=True, stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})}, timeout=600,
    )
    if check_ok:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def padded_clip(tmp_path_factory):
    """Speech whose true start and end we know: 2.5 s of faint noise, speech, 3 s of faint noise."""
    d = tmp_path_factory.mktemp("clip")
    raw = flite(
        "I rewrote the deployment scripts myself, and as a result releases took ten minutes instead of two hours.",
        d / "raw.wav",
    )
    speech, rate = read_float(raw)
    speech = trim(speech)
    rng = np.random.default_rng(7)
    lead, tail = 2.5, 3.0
    noise = lambda s: (rng.standard_normal(int(s * rate)) * 0.0005).astype(np.float32)  # about -66 dBFS
    x = np.concatenate([noise(lead), speech, noise(tail)])
    path = d / "padded.wav"
    soundfile.write(str(path), x, rate, subtype="PCM_16")
    return path, lead, lead + len(speech) / rate, len(x) / rate


def test_json_contract_and_timing(padded_clip):
    path, true_start, true_end, true_duration = padded_clip
    out = rehearse("score", "--json", "--engine", "pocketsphinx", str(path)).stdout
    lines = out.strip().splitlines()
    assert len(lines) == 1
    r = json.loads(lines[0])
    assert JSON_KEYS <= set(r)
    assert r["file"] == str(path)
    assert r["engine"] == "pocketsphinx"
    assert r["duration_s"] == pytest.approx(true_duration, abs=0.01)
    assert r["answer_start_s"] == pytest.approx(true_start, abs=0.3)
    assert r["answer_end_s"] == pytest.approx(true_end, abs=0.3)
    assert r["answer_s"] == pytest.approx(r["answer_end_s"] - r["answer_start_s"], abs=0.002)
    assert 0 < r["speech_s"] <= r["answer_s"] + 0.01
    assert "deployment" in r["transcript"] and "releases" in r["transcript"]
    words = r["words"]
    assert [w["word"] for w in words] == r["transcript"].split()
    assert all(set(w) == {"word", "start", "end", "conf"} and 0 <= w["conf"] <= 1 for w in words)
    assert all(0 <= w["start"] <= w["end"] <= r["duration_s"] for w in words)
    counted = len(words) / r["answer_s"] * 60
    assert r["wpm"] == r["pace"]["wpm"] == pytest.approx(counted, rel=0.10)  # checked against the syllables
    assert r["pace"]["words_wpm"] <= counted + 0.1  # words too short to be real are not counted
    assert r["pace"]["method"] in ("mean", "words") and r["pace"]["syllables_per_min"] > 0
    assert r["length"] == {"target_s": 120.0, "low_s": 90.0, "high_s": 150.0, "verdict": "short"}
    assert set(r["car"]) == {*CAR_PARTS, "reliable", "reason"}
    assert r["reliable"] is True and r["reliable_reason"] is None
    assert r["car"]["reliable"] is True and r["car"]["reason"] is None
    for part in (r["car"][k] for k in CAR_PARTS):
        assert isinstance(part["covered"], bool)
        for ev in part["evidence"]:
            assert set(ev) == {"text", "start", "end"} and ev["start"] <= ev["end"]
    assert r["car"]["action"]["covered"] and r["car"]["result"]["covered"]


@pytest.mark.parametrize("target,verdict", [("3", "long"), ("6.5", "on_target"), ("30", "short")])
def test_length_bands_follow_target(padded_clip, target, verdict):
    path, true_start, true_end, _ = padded_clip
    r = json.loads(rehearse("score", "--json", "--engine", "pocketsphinx", "--target", target, str(path)).stdout)
    t = float(target)
    assert r["length"]["target_s"] == t
    assert r["length"]["low_s"] == pytest.approx(0.75 * t)
    assert r["length"]["high_s"] == pytest.approx(1.25 * t)
    assert r["length"]["verdict"] == verdict


def test_several_files_one_line_each(padded_clip, librivox):
    path = padded_clip[0]
    other = librivox / "sense_and_sensibility_01_austen_64kb-0930.wav"
    out = rehearse("score", "--json", "--engine", "pocketsphinx", str(path), str(other)).stdout
    rows = [json.loads(line) for line in out.strip().splitlines()]
    assert [r["file"] for r in rows] == [str(path), str(other)]
    assert "he might even have been made" in rows[1]["transcript"]  # each file decoded afresh


def test_auto_engine_warns_once_and_card_is_readable():
    proc = rehearse("score", str(SAMPLE_ANSWER))
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1 and "PocketSphinx" in warnings[0]
    card = proc.stdout
    assert "on target" in card
    for part in ("Challenge", "Action", "Result"):
        line = next(l for l in card.splitlines() if l.strip().startswith(part))
        assert "yes" in line, card


def test_vosk_engine_through_cli(tmp_path, korean_model):
    from conftest import espeak

    wav = espeak("저는 문제를 해결했습니다. 결과적으로 비용이 줄었습니다.", tmp_path / "ko.wav", "ko")
    r = json.loads(rehearse("score", "--json", "--engine", "vosk", "--model", str(korean_model), str(wav)).stdout)
    assert r["engine"] == "vosk" and r["model"] == str(korean_model)
    assert len(r["words"]) >= 3


def test_model_env_variable_is_used(tmp_path, korean_model):
    from conftest import espeak

    wav = espeak("안녕하세요", tmp_path / "ko.wav", "ko")
    r = json.loads(rehearse("score", "--json", "--lang", "ko", str(wav),
                            env={"REHEARSE_VOSK_MODEL": str(korean_model)}).stdout)
    assert r["engine"] == "vosk"


def _bad_inputs(tmp_path):
    (tmp_path / "empty.wav").write_bytes(b"")
    (tmp_path / "random.wav").write_bytes(np.random.default_rng(3).bytes(4096))
    (tmp_path / "adir.wav").mkdir()
    soundfile.write(str(tmp_path / "silence_header.wav"), np.zeros((0, 1)), 16000)
    return {
        "missing": (tmp_path / "missing.wav", "no such file"),
        "empty": (tmp_path / "empty.wav", "is empty"),
        "random": (tmp_path / "random.wav", "not an audio file"),
        "directory": (tmp_path / "adir.wav", "is a directory"),
        "no frames": (tmp_path / "silence_header.wav", "contains no audio"),
    }


@pytest.mark.parametrize("case", ["missing", "empty", "random", "directory", "no frames"])
def test_bad_input_is_one_error_line(tmp_path, case):
    path, message = _bad_inputs(tmp_path)[case]
    proc = rehearse("score", "--engine", "pocketsphinx", str(path), check_ok=False)
    assert proc.returncode != 0
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("Error: ") and message in lines[0]
    assert "Traceback" not in proc.stderr


def test_bad_options_are_clear():
    proc = rehearse("score", "--target", "0", str(SAMPLE_ANSWER), check_ok=False)
    assert proc.returncode == 2 and "must be more than 0" in proc.stderr
    proc = rehearse("score", "--engine", "pocketsphinx", "--model", "/x", str(SAMPLE_ANSWER), check_ok=False)
    assert proc.returncode == 1 and proc.stderr.strip().startswith("Error: --model names a Vosk model")


def test_version_and_help_with_examples():
    assert rehearse("--version").stdout.startswith("rehearse, version ")
    for cmd in (["--help"], ["score", "--help"], ["model", "--help"], ["model", "list", "--help"],
                ["model", "path", "--help"], ["model", "install", "--help"]):
        out = rehearse(*cmd).stdout
        assert "Example" in out, cmd


def test_silence_only_file_scores_as_no_speech(tmp_path):
    path = tmp_path / "quiet.wav"
    soundfile.write(str(path), np.zeros(16000 * 3, dtype=np.float32), 16000)
    r = json.loads(rehearse("score", "--json", "--engine", "pocketsphinx", str(path)).stdout)
    assert r["duration_s"] == pytest.approx(3.0, abs=0.01)
    assert r["answer_start_s"] is None and r["answer_s"] == 0 and r["words"] == []
    assert not any(r["car"][k]["covered"] for k in CAR_PARTS)
    assert "No speech" in rehearse("score", "--engine", "pocketsphinx", str(path)).stdout
