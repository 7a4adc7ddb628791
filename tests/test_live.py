"""The live interview on real virtual devices: real PortAudio, real PulseAudio, real pyttsx3."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
import soundfile
from conftest import SAMPLE_ANSWER, flite, read_float, rest_of, trim
from live import LiveRun, Loopback, Recorder, ensure_virtual_audio, live_env, rehearse_cmd, speak_into_mic

QUESTION = "Tell me about a time you fixed something that was broken."
ANSWER_TEXT = ("Our deployment scripts kept failing every week. I rewrote them myself and added tests. "
               "As a result, releases took ten minutes instead of two hours.")


@pytest.fixture(scope="module", autouse=True)
def virtual_audio():
    ensure_virtual_audio()


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    path = tmp_path_factory.mktemp("bank") / "bank.toml"
    path.write_text(f'[[question]]\ntext = "{QUESTION}"\nkind = "behavioural"\n')
    return path


@pytest.fixture(scope="module")
def answer_wav(tmp_path_factory):
    d = tmp_path_factory.mktemp("answer")
    x, rate = read_float(flite(ANSWER_TEXT, d / "raw.wav"))
    path = d / "answer.wav"
    soundfile.write(str(path), trim(x), rate)
    return path


def wav_seconds(path) -> float:
    info = soundfile.info(str(path))
    return info.frames / info.samplerate


def interview(bank, env, *extra):
    follow = [] if "--follow-ups" in extra else ["--follow-ups", "0"]  # follow-ups have their own tests
    return LiveRun(["interview", "--count", "1", "--questions", str(bank), "--json", "--engine", "pocketsphinx",
                    *follow, *extra], env)


def test_full_interview_history_and_replay(tmp_path, bank, answer_wav):
    env = live_env(tmp_path)
    speaker = Recorder(tmp_path / "speaker.wav")
    run = interview(bank, env, "--silence", "2")
    run.wait_turn()
    heard_before_turn = Recorder.loud_seconds(speaker.stop())
    speak_into_mic(answer_wav)
    code, out, err = run.finish()
    assert code == 0, err
    assert heard_before_turn > 1.5, "the question was not heard on the speaker"
    lines = out.strip().splitlines()
    assert len(lines) == 1
    r = json.loads(lines[0])
    for key in ("question", "answer_id", "audio_path", "ended_by", "feedback_latency_s", "transcript", "words",
                "car", "length", "duration_s", "answer_s", "wpm"):
        assert key in r
    assert r["question"] == QUESTION and r["ended_by"] == "silence"
    assert r["answer_id"] == 1
    assert abs(wav_seconds(r["audio_path"]) - wav_seconds(answer_wav)) < 0.5
    assert r["duration_s"] == pytest.approx(wav_seconds(r["audio_path"]), abs=0.01)
    assert "minutes" in r["transcript"] and "hours" in r["transcript"]
    # the transcript kept is the accurate pass's (Whisper's, which writes what PocketSphinx mishears here)
    assert r["engine"] == "pocketsphinx" and r["accurate"] == "whisper-tiny.en"
    assert "deployment scripts kept failing every week" in r["transcript"], r["transcript"]
    assert r["car"]["result"]["covered"]
    assert 0 <= r["feedback_latency_s"] < 1.0
    assert (oct((tmp_path / "rehearse-home" / "rehearse.db").stat().st_mode & 0o777)) == "0o600"

    hist = subprocess.run(rehearse_cmd("history", "--json"), capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL)
    assert hist.returncode == 0, hist.stderr
    stored = json.loads(hist.stdout.strip().splitlines()[0])
    assert stored["answer_id"] == 1 and stored["transcript"] == r["transcript"]
    assert stored["words"] == r["words"] and stored["car"] == r["car"] and stored["accurate"] == "whisper-tiny.en"
    human = subprocess.run(rehearse_cmd("history"), capture_output=True, text=True, env=env).stdout
    assert QUESTION in human and "#1" in human

    speaker = Recorder(tmp_path / "replay.wav")
    rep = subprocess.run(rehearse_cmd("replay", "last"), capture_output=True, text=True, env=env,
                         stdin=subprocess.DEVNULL, timeout=60)
    played = Recorder.loud_seconds(speaker.stop())
    assert rep.returncode == 0, rep.stderr
    assert "minutes" in rep.stdout and "Result" in rep.stdout
    assert played > 0.6 * wav_seconds(answer_wav)


def test_question_echo_is_never_the_answer(tmp_path, bank, answer_wav):
    """Speakers leaking into the microphone: the question must not start or pad the answer."""
    env = live_env(tmp_path)
    with Loopback():
        run = interview(bank, env, "--silence", "2")
        run.wait_turn()
        speak_into_mic(answer_wav)
        code, out, err = run.finish()
        assert code == 0, err
        r = json.loads(out.strip().splitlines()[0])
        assert abs(wav_seconds(r["audio_path"]) - wav_seconds(answer_wav)) < 0.5
        assert "broken" not in r["transcript"]

        run = interview(bank, env, "--think", "3")  # nobody answers: only the echo could
        code, out, err = run.finish()
        assert code == 0, err
        r = json.loads(out.strip().splitlines()[0])
        assert r["answer_id"] is None and r["ended_by"] == "silence"


def test_long_pause_inside_answer_does_not_end_it(tmp_path, bank, answer_wav):
    x, rate = read_float(answer_wav)
    half = flite("Then I wrote a checklist for the whole team.", tmp_path / "second.wav")
    y, rate2 = read_float(half)
    assert rate2 == rate
    paused = np.concatenate([x, np.zeros(int(3.0 * rate), dtype=np.float32), trim(y)])
    wav = tmp_path / "paused.wav"
    soundfile.write(str(wav), paused, rate)
    # the story before the pause is complete, so the smart end would rightly stop there: this is the
    # fixed silence's promise (a pause shorter than --silence never ends an answer)
    run = interview(bank, live_env(tmp_path), "--silence", "4", "--endpoint", "fixed")
    run.wait_turn()
    speak_into_mic(wav)
    code, out, err = run.finish()
    assert code == 0, err
    r = json.loads(out.strip().splitlines()[0])
    assert r["ended_by"] == "silence"
    assert abs(wav_seconds(r["audio_path"]) - len(paused) / rate) < 0.5
    assert "whole team" in r["transcript"]  # said after the pause


def test_no_speech_within_think_moves_on(tmp_path, bank):
    run = interview(bank, live_env(tmp_path), "--think", "2")
    code, out, err = run.finish()
    assert code == 0, err
    r = json.loads(out.strip())
    assert r["answer_id"] is None and r["audio_path"] is None and r["ended_by"] == "silence"
    assert "No answer was heard" in err
    assert "Listening…" in err  # piped, not a terminal: plain lines say when listening starts
    assert not list((tmp_path / "rehearse-home" / "answers").glob("*.wav"))


def test_demo_runs_the_live_pipeline(tmp_path, answer_wav):
    speaker = Recorder(tmp_path / "speaker.wav")
    proc = subprocess.run(
        rehearse_cmd("demo", "--answer", str(answer_wav), "--json", "--engine", "pocketsphinx", "--silence", "2"),
        capture_output=True, text=True, env=live_env(tmp_path), stdin=subprocess.DEVNULL, timeout=120,
    )
    heard = Recorder.loud_seconds(speaker.stop())
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout.strip().splitlines()[0])
    assert r["ended_by"] == "silence" and "minutes" in r["transcript"]
    assert heard > 1.5  # the question was spoken
    assert not (tmp_path / "rehearse-home" / "rehearse.db").exists()  # a demo leaves no history
    # who answers is said, and so is what to do next
    assert "the sample recording answers" in proc.stderr and "you do not need to speak" in proc.stderr
    assert "rehearse interview" in proc.stderr and "rehearse model install en-us-small" in proc.stderr


def test_demo_without_any_sound_server(tmp_path, answer_wav):
    """A fresh machine with no sound card: the question is printed and the demo still completes."""
    home = tmp_path / "nohome"
    home.mkdir()
    env = {**live_env(tmp_path), "HOME": str(home), "PULSE_SERVER": "unix:/nonexistent"}
    proc = subprocess.run(
        rehearse_cmd("demo", "--answer", str(answer_wav), "--engine", "pocketsphinx", "--silence", "2", "--speed", "2"),
        capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Tell me about a time you solved a difficult problem" in proc.stderr
    assert "Result" in proc.stdout and "Traceback" not in proc.stderr


def test_sample_answer_is_about_two_minutes():
    assert 110 < wav_seconds(SAMPLE_ANSWER) < 125


def _start_speaking(wav):
    import os

    from live import REAL_HOME

    return subprocess.Popen(["paplay", "--device=micsrc", str(wav)], env={**os.environ, "HOME": REAL_HOME})


def _long_answer(tmp_path, answer_wav):
    x, rate = read_float(answer_wav)
    wav = tmp_path / "long.wav"
    soundfile.write(str(wav), np.concatenate([x, x]), rate)
    return wav


def _stop_mid_answer(tmp_path, bank, answer_wav, after_s, stop):
    """Start an interview, speak a long answer, and `stop(process)` it `after_s` seconds in."""
    import time

    env = live_env(tmp_path)
    run = interview(bank, env)
    run.wait_turn()
    person = _start_speaking(_long_answer(tmp_path, answer_wav))
    time.sleep(after_s)
    stop(run.proc)
    code, out, err = run.finish()
    person.kill()
    person.wait()
    return env, code, out, err


def test_ctrl_c_keeps_and_scores_the_answer(tmp_path, bank, answer_wav):
    import signal

    env, code, out, err = _stop_mid_answer(tmp_path, bank, answer_wav, 6, lambda p: p.send_signal(signal.SIGINT))
    assert code == 130, err
    assert "Traceback" not in err
    r = json.loads(out.strip().splitlines()[0])
    assert r["ended_by"] == "interrupted" and r["answer_id"] == 1
    assert 3.0 < wav_seconds(r["audio_path"]) < 8.0
    assert "deployment" in r["transcript"] or "failing" in r["transcript"] or "week" in r["transcript"]
    hist = json.loads(subprocess.run(rehearse_cmd("history", "--json"), capture_output=True, text=True,
                                     env=env).stdout.strip().splitlines()[0])
    assert hist["ended_by"] == "interrupted" and hist["transcript"] == r["transcript"]
    assert not list((tmp_path / "rehearse-home" / "answers").glob("*.partial.*"))


def test_kill_9_then_next_start_recovers_the_answer(tmp_path, bank, answer_wav):
    env, *_ = _stop_mid_answer(tmp_path, bank, answer_wav, 7, lambda p: p.kill())
    partials = list((tmp_path / "rehearse-home" / "answers").glob("recording-*.partial.wav"))
    assert len(partials) == 1 and partials[0].stat().st_size > 16000 * 2 * 4  # at least 4 s on disk

    again = interview(bank, env, "--think", "2")
    code, out, err = again.finish()
    assert code == 0, err
    assert "Recovered an unfinished answer" in err
    rows = [json.loads(line) for line in out.strip().splitlines()]
    recovered = rows[0]
    assert recovered["ended_by"] == "interrupted" and recovered["question"] == QUESTION
    assert recovered["answer_id"] == 1 and len(recovered["words"]) >= 5
    assert 4.0 < wav_seconds(recovered["audio_path"]) < 9.0
    assert not list((tmp_path / "rehearse-home" / "answers").glob("*.partial.*"))
    hist = subprocess.run(rehearse_cmd("history", "--json"), capture_output=True, text=True, env=env).stdout
    assert [json.loads(line)["answer_id"] for line in hist.strip().splitlines()] == [1]


def test_disk_full_while_recording_keeps_what_was_recorded(tmp_path, bank, answer_wav):
    """File writes fail past 400 kB (RLIMIT_FSIZE, as a full disk would): the recording stops,
    what was recorded is scored and stored, and the user gets one clear line."""
    import resource
    import signal

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail with EFBIG instead of dying
        resource.setrlimit(resource.RLIMIT_FSIZE, (400_000, 400_000))

    env = live_env(tmp_path)
    subprocess.run(rehearse_cmd("questions", "list"), env=env, capture_output=True)  # create the database first
    proc = subprocess.Popen(
        rehearse_cmd("interview", "--count", "1", "--questions", str(bank), "--json", "--engine", "pocketsphinx"),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=limit,
    )
    person = None
    for line in proc.stderr:
        if line.startswith("Your turn"):
            person = _start_speaking(_long_answer(tmp_path, answer_wav))
            break
    out, err = proc.communicate(timeout=120)
    person.kill()
    person.wait()
    assert proc.returncode == 1, err
    errors = [l for l in err.splitlines() if l.startswith("Error:")]
    assert len(errors) == 1 and "recording stopped" in errors[0] and "kept as #1" in errors[0], err
    assert "Traceback" not in err
    r = json.loads(out.strip().splitlines()[0])
    assert r["ended_by"] == "interrupted" and r["words"]
    assert wav_seconds(r["audio_path"]) > 5.0


def test_microphone_vanishing_mid_answer_keeps_the_answer(tmp_path, bank, answer_wav):
    """The sound server dies mid-answer (as a USB microphone is pulled out)."""
    import os
    import time

    from live import REAL_HOME

    env = live_env(tmp_path)
    run = interview(bank, env)
    run.wait_turn()
    person = _start_speaking(_long_answer(tmp_path, answer_wav))
    time.sleep(5)
    try:
        subprocess.run(["pulseaudio", "--kill"], env={**os.environ, "HOME": REAL_HOME})
        code, out, err = run.finish(timeout=60)
    finally:
        person.kill()
        person.wait()
        time.sleep(0.5)
        ensure_virtual_audio()
    assert code == 1, err
    errors = [l for l in err.splitlines() if l.startswith("Error:")]
    assert len(errors) == 1 and "kept as #1" in errors[0], err
    assert "Traceback" not in err
    r = json.loads(out.strip().splitlines()[0])
    assert r["ended_by"] == "interrupted" and wav_seconds(r["audio_path"]) > 2.0


def test_second_interview_compares_with_the_recalled_answer(tmp_path, bank):
    env = live_env(tmp_path)
    recalled = subprocess.run(
        rehearse_cmd("recall", "--question", QUESTION, "--text", ANSWER_TEXT), capture_output=True, text=True, env=env)
    assert recalled.returncode == 0, recalled.stderr
    x, rate = read_float(flite("In our first interview I mentioned this. " + ANSWER_TEXT, tmp_path / "r2.wav"))
    wav = tmp_path / "round2.wav"
    soundfile.write(str(wav), trim(x), rate)
    run = LiveRun(["interview", "--round", "2", "--count", "1", "--json", "--engine", "pocketsphinx",
                   "--silence", "2"], env)
    run.wait_turn()
    speak_into_mic(wav)
    code, out, err = run.finish()
    assert code == 0, err
    r = json.loads(out.strip().splitlines()[0])
    assert r["question"] == QUESTION
    assert r["round2"]["refers_back"] is not None
    assert r["round2"]["retold"] and r["round2"]["shared_phrases"]
    assert any("retells" in t for t in r["tips"])
    stats = json.loads(subprocess.run(rehearse_cmd("stats", "--json"), capture_output=True, text=True,
                                      env=env).stdout)
    assert stats["answers"] == 2 and stats["sessions"] == 2


def test_devices_lists_the_virtual_devices(tmp_path):
    out = subprocess.run(rehearse_cmd("devices"), capture_output=True, text=True, env=live_env(tmp_path))
    assert out.returncode == 0, out.stderr
    assert "*in(" in out.stdout and "*out(" in out.stdout and "pulse" in out.stdout


def test_check_hears_speech_and_reports(tmp_path, answer_wav):
    env = live_env(tmp_path)
    proc = subprocess.Popen(rehearse_cmd("check", "--seconds", "4"), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    said = [proc.stderr.readline()]
    assert said[0].startswith("Speaking a test phrase"), said  # the screen says what it is doing at once
    said.append(proc.stderr.readline())  # printed once the phrase has been spoken: the person answers now
    assert said[1].startswith("Recording 4 s"), said
    person = _start_speaking(answer_wav)
    out, err = rest_of(proc, timeout=60)
    person.kill()
    person.wait()
    assert proc.returncode == 0, out + err
    assert "Speech heard" in out and "dBFS" in out and "transcribed by PocketSphinx" in out
    assert "as you speak, then Whisper tiny.en when you pause (the accurate pass)." in out  # both passes named
    silent = subprocess.run(rehearse_cmd("check", "--seconds", "2"), capture_output=True, text=True, env=env)
    assert silent.returncode == 1 and "The microphone is silent" in silent.stdout
    assert silent.stderr.strip().splitlines()[-1] == "Error: the microphone needs attention"


def test_enter_ends_the_answer_when_stdin_is_a_terminal(tmp_path, bank, answer_wav):
    import os
    import pty
    import time

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        # fixed: the smart end of answer would end this complete answer about a second after its last word
        rehearse_cmd("interview", "--count", "1", "--questions", str(bank), "--json", "--engine", "pocketsphinx",
                     "--silence", "30", "--endpoint", "fixed"),
        stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=live_env(tmp_path))
    os.close(slave)
    for line in proc.stderr:
        if line.startswith("Your turn"):
            assert "press Enter" in line
            break
    speak_into_mic(answer_wav)
    time.sleep(1.0)
    os.write(master, b"\n")
    out, err = rest_of(proc, timeout=60)
    os.close(master)
    assert proc.returncode == 0, err
    r = json.loads(out.strip().splitlines()[0])
    assert r["ended_by"] == "enter" and "minutes" in r["transcript"]


def test_spoken_feedback_is_heard_after_the_answer(tmp_path, bank, answer_wav):
    env = live_env(tmp_path)
    run = interview(bank, env, "--silence", "2", "--speak-feedback")
    run.wait_turn()
    speak_into_mic(answer_wav)
    speaker = Recorder(tmp_path / "feedback.wav")
    code, out, err = run.finish()
    heard = Recorder.loud_seconds(speaker.stop())
    assert code == 0, err
    assert heard > 1.5  # "That ran 10 seconds, short. ..." was spoken


# --- turn-taking: the smart end of answer, and follow-ups, on the virtual devices -------------


def _pad(tmp_path, wav, name, *, pause_before=None, rest=None):
    """A recording with a thinking pause of `pause_before` seconds before `rest` (another recording)."""
    x, rate = read_float(wav)
    parts = [trim(x)]
    if rest is not None:
        y, _ = read_float(rest)
        parts += [np.zeros(int(pause_before * rate), dtype=np.float32), trim(y)]
    path = tmp_path / name
    soundfile.write(str(path), np.concatenate(parts), rate)
    return path, sum(len(p) for p in parts) / rate


def _ended_after_last_word(run, wav):
    """Speak `wav`; return the seconds from its end to the card, and the answer's JSON."""
    import time

    run.wait_turn()
    speak_into_mic(wav)
    spoke_until = time.monotonic()
    line = run.proc.stdout.readline()
    delay = time.monotonic() - spoke_until
    code, out, err = run.finish()
    assert code == 0, err
    return delay, json.loads(line)


def test_a_complete_answer_ends_well_before_the_silence_limit(tmp_path, bank, answer_wav):
    run = interview(bank, live_env(tmp_path), "--silence", "6")
    delay, r = _ended_after_last_word(run, answer_wav)
    assert r["ended_by"] == "silence" and r["car"]["result"]["covered"]
    assert delay < 3.5, f"the answer ended {delay:.1f} s after the last word (the limit is 6 s)"


def test_fixed_endpoint_waits_the_whole_silence(tmp_path, bank, answer_wav):
    run = interview(bank, live_env(tmp_path), "--silence", "4", "--endpoint", "fixed")
    delay, r = _ended_after_last_word(run, answer_wav)
    assert r["ended_by"] == "silence" and delay >= 3.5


def test_a_thinking_pause_before_the_result_is_kept_whole(tmp_path, bank):
    setup = flite("Our deployment scripts kept failing every week. I rewrote them myself and added tests, and",
                  tmp_path / "setup.wav")
    # "every release": Whisper tiny.en (whose words are kept) hears flite rms's "releases" as "release is"
    result = flite("as a result, every release took ten minutes instead of two hours.", tmp_path / "result.wav")
    wav, seconds = _pad(tmp_path, setup, "paused.wav", pause_before=3.5, rest=result)
    run = interview(bank, live_env(tmp_path), "--silence", "5")
    run.wait_turn()
    speak_into_mic(wav)
    code, out, err = run.finish()
    assert code == 0, err
    r = json.loads(out.strip().splitlines()[0])
    assert "every release" in r["transcript"], r["transcript"]  # said after the pause
    assert abs(wav_seconds(r["audio_path"]) - seconds) < 0.6


def test_an_answer_without_a_result_gets_a_spoken_outcome_follow_up(tmp_path, bank):
    no_result = flite("Our deployment scripts kept failing every week. I rewrote them myself and added tests.",
                      tmp_path / "no-result.wav")
    reply = flite("The result was that every release took ten minutes instead of two hours, and the team was very "
                  "happy.", tmp_path / "reply.wav")  # "every release": Whisper hears rms's "releases" as "release is"
    speaker = Recorder(tmp_path / "heard.wav")
    run = interview(bank, live_env(tmp_path), "--follow-ups", "1", "--silence", "3", "--think", "8")
    run.wait_turn()
    speak_into_mic(no_result)
    run.wait_turn()  # the follow-up has been asked: the person answers it
    speak_into_mic(reply)
    code, out, err = run.finish()
    heard = speaker.stop()
    assert code == 0, err
    r = json.loads(out.strip().splitlines()[0])
    assert r["follow_up"]["reason"] == "missing_result", (r["transcript"], r["follow_up"])
    print(f"follow-up audible {r['follow_up']['latency_s']:.3f} s after the end of the answer was detected")
    assert r["follow_up"]["latency_s"] < 2.0
    assert "Follow-up: " + r["follow_up"]["question"] in err
    said = r["follow_up"]["answer"]["transcript"]
    assert "every release" in said, said
    # the story is judged over both parts: the answer alone told no result, the reply told it
    assert not r["car"]["result"]["covered"], r["transcript"]
    assert r["story_car"]["result"]["covered"] and r["story_car"]["result"]["told_in"] == "follow_up", said
    assert Recorder.loud_seconds(heard) > 2.0  # the question, then the follow-up, were heard on the speaker
    history = subprocess.run(rehearse_cmd("history", "--json"), capture_output=True, text=True,
                             env=live_env(tmp_path))
    rows = [json.loads(x) for x in history.stdout.splitlines()]
    assert len(rows) == 1 and rows[0]["follow_up"]["answer"]["parent_id"] == rows[0]["answer_id"]
