"""Saying when a transcript is too poor to judge C/A/R: the pure judge, then real decodes."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
import soundfile
from conftest import espeak, flite, read_float, require

from rehearse.judge.reliability import INSTALL_HINT, LOW_CONF, MIN_WORDS_TO_JUDGE, judge, signal_figures
from rehearse.transcript import Span, Word

FRAME_S = 0.01


def spoken(n_words: int, conf: float | None, rate_wps: float = 2.5, start: float = 1.0) -> list[Word]:
    """Evenly timed words, each with the same confidence."""
    step = 1.0 / rate_wps
    return [Word(f"w{i}", start + i * step, start + i * step + 0.8 * step, conf) for i in range(n_words)]


def recording(words: list[Word], speech_db=-20.0, floor_db=-70.0, high_below_db=15.0):
    """Frame levels of a recording whose voice covers the words (then as much quiet), its high
    band, and its voiced spans."""
    end = 2 * (words[-1].end if words else 1.0)
    n = int(end / FRAME_S)
    levels = np.full(n, floor_db, dtype=np.float32)
    spans = [Span(words[0].start, words[-1].end)] if words else []
    for s in spans:
        levels[int(s.start / FRAME_S) : int(s.end / FRAME_S)] = speech_db
    return levels, levels - high_below_db, spans


# --- the judge on constructed transcripts --------------------------------------------------------


def test_confident_words_from_a_clean_recording_are_reliable():
    words = spoken(60, 0.85)
    levels, high, spans = recording(words)
    rel = judge(words, levels, spans, "pocketsphinx", high)
    assert rel.reliable and rel.reason is None
    assert rel.figures["median_conf"] == pytest.approx(0.85)
    assert rel.figures["snr_db"] == pytest.approx(50.0, abs=0.5)


@pytest.mark.parametrize(
    "speech_db,floor_db,high_below_db,cause",
    [
        (-50.0, -90.0, 15.0, "too quiet"),
        (-20.0, -32.0, 15.0, "noisy"),
        (-20.0, -70.0, 60.0, "phone line"),
        (-20.0, -70.0, 15.0, "could not follow"),
    ],
)
def test_unsure_words_are_flagged_with_the_likely_cause(speech_db, floor_db, high_below_db, cause):
    words = spoken(60, 0.2)
    levels, high, spans = recording(words, speech_db, floor_db, high_below_db)
    rel = judge(words, levels, spans, "pocketsphinx", high)
    assert not rel.reliable
    assert cause in rel.reason
    assert INSTALL_HINT in rel.reason  # PocketSphinx is the fallback: a better model is the remedy
    assert "low confidence" in rel.figures["doubts"]


def test_confident_words_in_loud_noise_are_doubted_for_pocketsphinx_only():
    words = spoken(60, 0.9)
    levels, high, spans = recording(words, speech_db=-20.0, floor_db=-32.0)  # 12 dB above the room
    ps = judge(words, levels, spans, "pocketsphinx", high)
    assert not ps.reliable and ps.figures["doubts"] == ["voice too close to the noise"]
    assert "noisy" in ps.reason
    assert judge(words, levels, spans, "vosk", high).reliable  # a stronger recognizer copes with 12 dB
    levels, high, spans = recording(words, speech_db=-20.0, floor_db=-26.0)
    assert not judge(words, levels, spans, "vosk", high).reliable  # 6 dB: nobody follows that


def test_the_model_hint_is_only_given_when_the_fallback_recognizer_ran():
    words = spoken(40, 0.2)
    levels, high, spans = recording(words)
    rel = judge(words, levels, spans, "vosk", high)
    assert not rel.reliable and "rehearse model install" not in rel.reason


def test_most_words_a_little_unsure_is_flagged_even_when_the_rest_are_certain():
    words = [Word(w.word, w.start, w.end, 0.99 if i % 5 < 2 else 0.48) for i, w in enumerate(spoken(40, None))]
    levels, high, spans = recording(words)
    rel = judge(words, levels, spans, "pocketsphinx", high)
    assert not rel.reliable and rel.figures["doubts"] == ["many unsure words"]
    fewer = [Word(w.word, w.start, w.end, 0.99 if i % 5 < 3 else 0.1) for i, w in enumerate(words)]
    assert judge(fewer, levels, spans, "pocketsphinx", high).reliable  # 40 % unsure: an imperfect transcript


def test_many_words_outside_the_vocabulary_are_flagged():
    words = [Word("[unk]" if i % 3 == 0 else w.word, w.start, w.end, 0.9) for i, w in enumerate(spoken(30, None))]
    levels, high, spans = recording(words)
    rel = judge(words, levels, spans, "vosk", high)
    assert not rel.reliable and rel.figures["unknown_share"] == pytest.approx(0.333, abs=0.001)


def test_long_speech_with_almost_no_words_is_flagged():
    words = spoken(4, 0.9, rate_wps=0.2)  # 4 words over 20 s of voice
    levels, high, spans = recording(words)
    rel = judge(words, levels, spans, "vosk", high)
    assert not rel.reliable and rel.figures["doubts"] == ["few words for the speech heard"]


def test_without_confidences_or_audio_the_transcript_is_taken_as_it_is():
    assert judge(spoken(30, None)).reliable  # a typed answer: nothing says it is wrong
    assert judge([], np.full(300, -80.0, dtype=np.float32), [], "pocketsphinx").reliable  # silence
    few = spoken(3, 0.1)  # three words are too few to weigh their confidence
    levels, high, spans = recording(few)
    assert judge(few, levels, spans, "pocketsphinx", high).reliable


def test_signal_figures_fall_back_to_the_words_when_noise_hides_every_span():
    words = spoken(20, 0.5)
    levels, high, _ = recording(words, speech_db=-20.0, floor_db=-24.0)
    sig = signal_figures(levels, [], high, words)
    assert sig.snr_db == pytest.approx(4.0, abs=0.5) and sig.speech_db == pytest.approx(-20.0)
    assert sig.high_band_db == pytest.approx(-15.0, abs=0.5)


def test_word_confidence_is_in_the_json_only_when_known():
    assert Word("so", 1.0, 1.2).to_json() == {"word": "so", "start": 1.0, "end": 1.2}
    assert Word("so", 1.0, 1.2, 0.87654).to_json() == {"word": "so", "start": 1.0, "end": 1.2, "conf": 0.877}


# --- real decodes of real synthetic speech ---------------------------------------------------------

CLIP_TEXT = "I rewrote the schedule myself, and as a result the team finished the project two weeks early."


@pytest.fixture(scope="module")
def pocketsphinx():
    from rehearse.speech import PocketSphinxEngine

    return PocketSphinxEngine()


def score(path, engine):
    from rehearse.audio import FileSource
    from rehearse.scoring import hear, score_heard

    src = FileSource(path)
    return score_heard(hear(src, engine), engine, src.duration_s, file=str(path))


def test_a_clean_clip_is_reliable_and_a_phone_line_in_a_noisy_room_is_not(tmp_path, pocketsphinx):
    clean = flite(CLIP_TEXT, tmp_path / "clean.wav", voice="slt")
    x, rate = read_float(clean)
    rng = np.random.default_rng(7)
    speech_rms = float(np.sqrt(np.mean(x[np.abs(x) > 0.01] ** 2)))
    noisy = x + speech_rms / 10 ** (3 / 20) * rng.standard_normal(len(x)).astype(np.float32)  # 3 dB SNR
    soundfile.write(str(tmp_path / "noisy.wav"), np.clip(noisy, -1, 1), rate)
    phone = tmp_path / "phone.wav"
    subprocess.run(
        [require("sox"), str(tmp_path / "noisy.wav"), "-r", "8000", "-e", "u-law", str(phone), "sinc", "300-3400"],
        check=True,
    )
    good, bad = score(clean, pocketsphinx), score(phone, pocketsphinx)
    assert "schedule" in good.analysis.transcript
    assert good.reliable and good.reliable_reason is None
    assert not bad.reliable and "rehearse model install" in bad.reliable_reason
    data = bad.to_json()
    assert data["reliable"] is False and data["reliable_reason"] == bad.reliable_reason
    assert data["car"]["reliable"] is False and data["car"]["reason"] == bad.reliable_reason
    assert all(0.0 <= w["conf"] <= 1.0 for w in data["words"])


def test_mumbled_speech_is_flagged_as_too_quiet(tmp_path, pocketsphinx):
    loud = espeak(CLIP_TEXT, tmp_path / "loud.wav", "en-us")
    mumbled = tmp_path / "mumbled.wav"
    subprocess.run(
        [require("sox"), str(loud), str(mumbled), "tempo", "1.3", "lowpass", "1200", "lowpass", "1200", "gain", "-30"],
        check=True,
    )
    s = score(mumbled, pocketsphinx)
    assert not s.reliable and "too quiet" in s.reliable_reason


def test_vosk_words_carry_its_confidence(tmp_path, korean_model):
    from rehearse.speech import VoskEngine

    wav = espeak("저는 작년에 고객 지원팀을 맡았습니다.", tmp_path / "ko.wav", "ko")
    s = score(wav, VoskEngine(korean_model))
    confs = [w.conf for w in s.analysis.words]
    assert confs and all(0.0 <= c <= 1.0 for c in confs) and len(set(confs)) > 1  # Vosk's own, not a default
    data = s.to_json()
    figures = data["reliability_figures"]
    # the judgement reads those confidences ...
    assert figures["words"] == len(confs)
    assert figures["median_conf"] == pytest.approx(float(np.median(confs)), abs=1e-3)
    assert figures["low_conf_share"] == pytest.approx(sum(c < LOW_CONF for c in confs) / len(confs), abs=1e-3)
    # ... but a sentence's worth is too few words to weigh them: judged reliable, no reason given
    assert len(confs) < MIN_WORDS_TO_JUDGE and data["reliable"] is True and data["reliable_reason"] is None
