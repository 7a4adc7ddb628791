"""PulseAudio sinks and sources by name, and ALSA's chatter kept off the screen, on the virtual
devices (issue 20.17 and 20.16's "ALSA lib … underrun occurred")."""

from __future__ import annotations

import subprocess

import pytest
from conftest import flite
from live import REAL_HOME, ensure_virtual_audio, live_env, rehearse_cmd


@pytest.fixture(scope="module", autouse=True)
def virtual_audio():
    ensure_virtual_audio()


def test_devices_lists_the_pulseaudio_sinks_and_sources_by_name(tmp_path):
    out = subprocess.run(rehearse_cmd("devices"), capture_output=True, text=True, env=live_env(tmp_path))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    sources = lines.index("PulseAudio sources (--input-device NAME):")
    sinks = lines.index("PulseAudio sinks (--output-device NAME):")
    assert sources < sinks
    listed_sources = [line.split()[-1] for line in lines[sources + 1 : sinks]]
    listed_sinks = [line.split()[-1] for line in lines[sinks + 1 :]]
    assert {"micsrc.monitor", "speaker.monitor"} <= set(listed_sources)
    assert {"speaker", "micsrc"} <= set(listed_sinks)
    assert "  * micsrc.monitor" in lines and "  * speaker" in lines  # the defaults virtual-audio.sh set


def test_check_records_from_a_pulseaudio_source_named_on_the_command_line(tmp_path):
    """`--input-device speaker.monitor` is not the default source (micsrc.monitor, silent here): the
    check hears the speech played into `speaker` only when it really records from the named source."""
    import os

    speech = flite("This is a test of the microphone on the command line.", tmp_path / "speech.wav")
    env = live_env(tmp_path)
    proc = subprocess.Popen(rehearse_cmd("check", "--input-device", "speaker.monitor", "--seconds", "4"),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    before = [proc.stderr.readline(), proc.stderr.readline()]
    if not before[1].startswith("Recording 4 s"):
        out, err = proc.communicate(timeout=60)
        pytest.fail("".join(before) + err)
    person = subprocess.Popen(["paplay", "--device=speaker", str(speech)], env={**os.environ, "HOME": REAL_HOME})
    out, err = proc.communicate(timeout=60)
    person.wait(timeout=30)
    assert proc.returncode == 0, out + err
    assert "Speech heard; the microphone is ready." in out
    assert before[0].startswith("Speaking a test phrase") and err == ""  # and no "ALSA lib …" line


def test_an_unknown_device_name_is_one_error_line(tmp_path):
    out = subprocess.run(rehearse_cmd("check", "--input-device", "no-such-source"), capture_output=True, text=True,
                         env=live_env(tmp_path))
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1].startswith("Error: no input device 'no-such-source'")
    assert "see `rehearse devices`" in out.stderr


def test_playback_to_a_pulseaudio_sink_named_on_the_command_line(tmp_path):
    """`--output-device micsrc` plays into the micsrc sink, not the default `speaker`."""
    import os

    import numpy as np
    import soundfile

    rec = tmp_path / "heard.wav"
    listen = subprocess.Popen(["parecord", "--device=micsrc.monitor", "--file-format=wav", "--rate=16000",
                               "--channels=1", str(rec)], env={**os.environ, "HOME": REAL_HOME})
    quiet = tmp_path / "quiet.wav"
    other = subprocess.Popen(["parecord", "--device=speaker.monitor", "--file-format=wav", "--rate=16000",
                              "--channels=1", str(quiet)], env={**os.environ, "HOME": REAL_HOME})
    import time

    time.sleep(0.5)
    code = ("import sys; from rehearse.audio import DevicePlayer, read_all; "
            "x, r = read_all(sys.argv[1]); DevicePlayer('micsrc').play(x, r)")
    speech = flite("Playing into the microphone sink.", tmp_path / "speech.wav")
    import sys

    out = subprocess.run([sys.executable, "-c", code, str(speech)], capture_output=True, text=True,
                         env=live_env(tmp_path))
    time.sleep(0.3)
    for p in (listen, other):
        p.terminate()
        p.wait(timeout=10)
    assert out.returncode == 0, out.stderr
    heard, _ = soundfile.read(str(rec), dtype="float32")
    elsewhere, _ = soundfile.read(str(quiet), dtype="float32")
    assert np.abs(heard).max() > 0.3 and np.abs(elsewhere).max() < 0.01


ALSA_COMPLAINS = """
import ctypes, sys
import numpy as np
{setup}
asound = ctypes.CDLL("libasound.so.2")
pcm = ctypes.c_void_p()
asound.snd_pcm_open(ctypes.byref(pcm), b"no_such_pcm", 0, 0)  # ALSA writes its line to fd 2, as on an underrun
player.play(np.zeros(1600, np.float32), 16000)
sys.stderr.write("a real error from Python\\n")
"""


def test_alsa_lines_are_kept_off_the_screen_and_python_errors_are_not(tmp_path):
    """ALSA's "ALSA lib pcm.c:…" lines (an underrun while a question plays) never reach the user's
    terminal once the tool plays audio; what Python writes to stderr still does."""
    import sys

    env = live_env(tmp_path)
    bare = "import sounddevice as sd\nclass P:\n    def play(self, x, r): sd.play(x, r, blocking=True)\nplayer = P()"
    plain = subprocess.run([sys.executable, "-c", ALSA_COMPLAINS.format(setup=bare)], capture_output=True, text=True,
                           env=env)
    assert plain.returncode == 0 and "ALSA lib pcm.c" in plain.stderr, plain.stderr  # what ALSA does on its own
    ours = "from rehearse.audio import DevicePlayer\nplayer = DevicePlayer()"
    run = subprocess.run([sys.executable, "-c", ALSA_COMPLAINS.format(setup=ours)], capture_output=True, text=True,
                         env=env)
    assert run.returncode == 0, run.stderr
    assert run.stderr == "a real error from Python\n"
