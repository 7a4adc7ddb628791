"""Hands-free drills on the virtual devices, and the command spotters of both engines."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, espeak, flite
from live import REAL_HOME, Loopback, ensure_virtual_audio, live_env, rehearse_cmd

from rehearse.audio import FileSource
from rehearse.voice_commands import COMMANDS, PHRASES, WORDS, PocketSphinxSpotter, Segmenter, VoskSpotter

ANSWER = ("Our deployment scripts kept failing every week. So the next step was to stop guessing. "
          "I rewrote them myself and added tests. As a result, releases took ten minutes instead of two hours.")


def segments_of(path):
    x = np.concatenate(list(FileSource(path).chunks()))
    silence = np.zeros(16000, dtype=np.float32)
    return Segmenter().add(np.concatenate([silence, x, silence]))


def spot_file(spotter, path):
    """The command acted on in each stretch of a file (None: not a command, or not sure of it)."""
    found = [spotter.spot(s.audio) for s in segments_of(path)]
    return [f.command if f and f.confident else None for f in found]


def test_pocketsphinx_spotter_hits_and_false_triggers(tmp_path):
    spotter = PocketSphinxSpotter("en-us")
    hits = 0
    for c in COMMANDS:
        found = spot_file(spotter, flite(PHRASES[c][0], tmp_path / f"{c}.wav"))
        hits += found == [c]
    others = ["okay", "yes", "right", "I did", "thanks", "the end", "hello", "well"]
    false = sum(any(spot_file(spotter, flite(t, tmp_path / f"o{i}.wav"))) for i, t in enumerate(others))
    sentence = spot_file(spotter, flite(ANSWER, tmp_path / "answer.wav"))
    print(f"PocketSphinx commands: {hits}/{len(COMMANDS)} recognised, {false}/{len(others)} false triggers")
    assert hits >= 9  # measured 10 of 11 confident with flite rms (the first spotter: 8; the rest: not sure, never wrong)
    assert false <= 1
    assert not any(sentence)  # command words inside an answer are never commands


def test_vosk_grammar_spotter_with_korean_model(tmp_path, korean_model):
    from rehearse.speech import VoskEngine

    engine = VoskEngine(korean_model)
    spotter = VoskSpotter(engine, "ko")
    assert "skip" not in spotter.words  # 건너뛰기 is not in the Korean model's vocabulary
    hits = wrong = 0
    for c, word in WORDS["ko"].items():
        if c in spotter.words:
            found = spot_file(spotter, espeak(word, tmp_path / f"{c}.wav", "ko"))
            hits += found == [c]
            wrong += any(f is not None and f != c for f in found)
    sentence = espeak("저는 다음 주에 회의를 다시 준비했습니다 그리고 결과적으로 비용이 줄었습니다", tmp_path / "s.wav", "ko")
    others = ["좋아요", "네", "감사합니다", "안녕하세요"]
    false = sum(any(spot_file(spotter, espeak(t, tmp_path / f"o{i}.wav", "ko"))) for i, t in enumerate(others))
    print(f"Vosk (Korean) commands: {hits}/{len(spotter.words)} recognised, {wrong} wrong, "
          f"{false}/{len(others)} false triggers")
    assert wrong == 0  # never a wrong action
    # Why so few: the Korean model does not understand espeak-ng's Korean. Decoded freely, none of the
    # ten words comes out right in any of 23 espeak-ng Korean voices tried (ko, ko+f1..f5, ko+m1..m7,
    # ko+klatt..klatt4 and others), so the closed grammar chooses among poor matches: with the commands
    # alone it decodes 7 of 10 right in this voice (2 to 10 across the 23), and the everyday words
    # offered beside them (FILLERS, there so that "좋아요" is not taken for 완료) take four of those:
    # 다음 as "요", 재생 and 완료 as "좋아요", 일시정지 as "이 일시정지"; 다음's confidence is 0.76, under
    # the 0.9 needed to act. Measured 3 of 10. No other Korean voice or recording is at hand to make the
    # audio unambiguous, so the bound stays as it was until real Korean speech can be tested.
    assert hits >= 2
    assert false <= 1
    assert not any(spot_file(spotter, sentence))


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    p = tmp_path_factory.mktemp("bank") / "bank.toml"
    p.write_text('[[question]]\ntext = "Tell me about a time you fixed something that was broken."\n'
                 '[[question]]\ntext = "Why do you want this job?"\n')
    return p


def _drill(bank, env, *extra):
    return subprocess.Popen(
        rehearse_cmd("drill", "--json", "--count", "2", "--questions", str(bank), "--engine", "pocketsphinx",
                     "--silence", "2", "--follow-ups", "0", *extra),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _say(wav):
    time.sleep(0.5)
    subprocess.run(["paplay", "--device=micsrc", str(wav)], check=True, env={**os.environ, "HOME": REAL_HOME})


def _steer(proc, on_question, on_feedback) -> list[dict]:
    """Drive a drill by voice: after its n-th question say `on_question(n)`, after spoken feedback
    say `on_feedback`; returns every event once the drill has ended successfully."""
    events = []
    for line in proc.stdout:
        ev = json.loads(line)
        events.append(ev)
        if ev["event"] == "question":
            _say(on_question(sum(1 for e in events if e["event"] == "question")))
        elif ev["event"] == "feedback_spoken":
            _say(on_feedback)
    proc.wait(timeout=60)
    err = proc.stderr.read()
    proc.stderr.close()
    proc.stdout.close()
    assert proc.returncode == 0, err
    return events


def test_whole_drill_by_voice(tmp_path, bank):
    ensure_virtual_audio()
    # "stop" alone ends too much to be acted on when unsure: its phrase is said
    words = {c: flite(p, tmp_path / f"{c}.wav") for c, p in (("repeat", "repeat"), ("next", "next"),
                                                              ("stop", "stop the drill"))}
    answer = flite(ANSWER, tmp_path / "answer.wav")
    proc = _drill(bank, live_env(tmp_path), "--think", "10")
    events = _steer(proc, lambda n: {1: words["repeat"], 2: answer}.get(n, words["stop"]), words["next"])
    kinds = [e["event"] for e in events]
    assert kinds == ["question", "command", "question", "answer", "feedback_spoken", "command", "question",
                     "command", "end"], kinds
    q = [e for e in events if e["event"] == "question"]
    assert q[0]["text"] == q[1]["text"] != q[2]["text"]  # `repeat` asked the same question again
    assert [e["command"] for e in events if e["event"] == "command"] == ["repeat", "next", "stop"]
    a = next(e for e in events if e["event"] == "answer")
    assert a["ended_by"] == "silence" and "releases" in a["transcript"] and "stop" in a["transcript"]
    assert a["answer_id"] == 1 and a["car"]["result"]["covered"]
    assert events[-1] == {"event": "end", "answers": [1]}


def test_drill_never_hears_itself(tmp_path, bank):
    """Speakers leaking into the microphone: questions and spoken feedback are never commands or answers."""
    ensure_virtual_audio()
    with Loopback():
        proc = _drill(bank, live_env(tmp_path), "--think", "4")
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    kinds = [json.loads(line)["event"] for line in out.strip().splitlines()]
    assert kinds == ["question", "no_answer", "question", "no_answer", "end"], kinds


def test_drill_in_another_voice_goes_back(tmp_path, bank):
    """A voice the other drill test does not use (flite slt), steered by phrases: "next question"
    moves on, "go back" returns to the previous question, "stop the drill" ends it."""
    ensure_virtual_audio()
    said = {c: flite(p, tmp_path / f"{c}.wav", voice="slt") for c, p in
            (("next", "next question"), ("back", "go back"), ("stop", "stop the drill"))}
    answer = flite(ANSWER, tmp_path / "answer.wav", voice="slt")
    proc = _drill(bank, live_env(tmp_path), "--think", "10")
    events = _steer(proc, lambda n: {1: answer, 2: said["back"]}.get(n, said["stop"]), said["next"])
    kinds = [e["event"] for e in events]
    assert kinds == ["question", "answer", "feedback_spoken", "command", "question", "command", "question",
                     "command", "end"], kinds
    texts = [e["text"] for e in events if e["event"] == "question"]
    assert texts[0] == texts[2] != texts[1]  # "go back" asked the first question again
    assert [e["command"] for e in events if e["event"] == "command"] == ["next", "back", "stop"]


REALSPEECH = Path(os.environ.get("REHEARSE_REALSPEECH", REPO.parent / "shared" / "realspeech"))


def test_drill_steered_by_real_voices_with_the_accurate_pass(tmp_path, bank):
    """The drill hears commands with the accurate pass (Whisper; the default in English with its weights
    installed): "next question" in an espeak-ng voice (whose "next" the endpointer used to cut off, leaving
    "question") moves on; a real person's bare "stop" (a Speech Commands clip) ends the drill. What the user
    sees and what is stored: the questions, the commands, one answer to the second question."""
    stop = REALSPEECH / "sc_v2_testset" / "stop" / "stop_022cd682_nohash_0.flac"
    if not stop.exists():
        pytest.skip(f"no real speech: {REALSPEECH} (../shared/realspeech/) is absent")
    ensure_virtual_audio()
    nxt = espeak("next question", tmp_path / "next.wav", "en-us")
    answer = flite(ANSWER, tmp_path / "answer.wav", voice="slt")
    env = live_env(tmp_path)
    proc = _drill(bank, env, "--think", "10")
    events = _steer(proc, lambda n: {1: nxt, 2: answer}.get(n, stop), stop)
    kinds = [e["event"] for e in events]
    assert kinds == ["question", "command", "question", "answer", "feedback_spoken", "command", "end"], kinds
    assert [e["command"] for e in events if e["event"] == "command"] == ["next", "stop"]
    q = [e["text"] for e in events if e["event"] == "question"]
    assert q[0] != q[1]  # "next question" moved on
    stored = [json.loads(line) for line in
              subprocess.run(rehearse_cmd("history", "--json"), env=env, capture_output=True, text=True,
                             check=True).stdout.splitlines()]
    assert len(stored) == 1 and stored[0]["question"] == q[1]
    assert "releases" in stored[0]["transcript"] and events[-1] == {"event": "end", "answers": [stored[0]["answer_id"]]}
