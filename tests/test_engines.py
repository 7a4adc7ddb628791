"""Real recognizers on real audio: Vosk with the Korean model, PocketSphinx on LibriVox speech."""

from __future__ import annotations

import re

import pytest
from conftest import espeak

from rehearse.audio import FileSource
from rehearse.errors import ModelNotFoundError
from rehearse.models import open_engine
from rehearse.scoring import hear
from rehearse.speech import PocketSphinxEngine, VoskEngine
from rehearse.transcript import word_error_rate

# Measured on the five LibriVox clips of pocketsphinx-testdata with the bundled model and the
# second passes off: WER 0.22 (see benchmarks/engines.py). The bound leaves room for noise only.
LIBRIVOX_WER_BOUND = 0.30


def test_word_error_rate_counts_edits():
    assert word_error_rate("mister john went home", "mr john went") == (1, 4)
    assert word_error_rate("a b c", "x b c d") == (2, 3)


@pytest.fixture(scope="module")
def pocketsphinx_engine():
    return PocketSphinxEngine()


def test_pocketsphinx_librivox_wer(librivox, pocketsphinx_engine):
    refs = {}
    for line in (librivox / "transcription").read_text().splitlines():
        m = re.match(r"<s>(.*)</s>\s*\((\S+)\)", line.strip())
        if m:
            refs[m.group(2)] = m.group(1)
    assert len(refs) == 5
    errors = words = 0
    for clip, ref in refs.items():
        heard = hear(FileSource(librivox / f"{clip}.wav"), pocketsphinx_engine)
        e, n = word_error_rate(ref, " ".join(w.word for w in heard.words))
        errors, words = errors + e, words + n
    wer = errors / words
    print(f"PocketSphinx WER on LibriVox: {wer:.3f} ({errors}/{words})")
    assert wer < LIBRIVOX_WER_BOUND


def test_pocketsphinx_word_timings_are_ordered_and_inside(librivox, pocketsphinx_engine):
    src = FileSource(librivox / "sense_and_sensibility_01_austen_64kb-0870.wav")
    heard = hear(src, pocketsphinx_engine)
    assert len(heard.words) >= 15
    starts = [w.start for w in heard.words]
    assert starts == sorted(starts)
    assert all(0 <= w.start < w.end <= src.duration_s + 0.02 for w in heard.words)


@pytest.fixture(scope="module")
def korean_engine(korean_model):
    return VoskEngine(korean_model)


def test_vosk_decodes_korean_with_timed_words(tmp_path, korean_engine):
    wav = espeak("안녕하세요. 저는 작년에 회사에서 큰 문제를 해결했습니다. 결과적으로 비용이 줄었습니다.",
                 tmp_path / "ko.wav", "ko")
    src = FileSource(wav)
    heard = hear(src, korean_engine)
    assert korean_engine.name == "vosk"
    assert len(heard.words) >= 5
    hangul = [w for w in heard.words if re.search(r"[\uac00-\ud7a3]", w.word)]
    assert len(hangul) >= 0.8 * len(heard.words)  # Korean words, not noise
    starts = [w.start for w in heard.words]
    assert starts == sorted(starts)
    assert all(0 <= w.start <= w.end <= src.duration_s + 0.02 for w in heard.words)
    # Vosk's final flush is fast: the last words are ready well under a second after the audio
    assert heard.finish_s < 1.0


def test_vosk_grammar_keeps_only_known_words(tmp_path, korean_engine):
    assert korean_engine.knows("다음")
    assert not korean_engine.knows("zzzqqq")
    wav = espeak("다음", tmp_path / "cmd.wav", "ko")
    decoding = korean_engine.grammar_stream(["다음", "중지", "zzzqqq"])
    for block in FileSource(wav).chunks():
        decoding.accept(block)
    words = [w.word for w in decoding.finish()]
    assert set(words) <= {"다음", "중지"}


def test_open_engine_explicit_vosk_model(korean_model):
    engine = open_engine("vosk", str(korean_model), lang="ko")
    assert engine.name == "vosk" and engine.model == str(korean_model)


def test_open_engine_auto_falls_back_with_one_warning():
    warnings = []
    engine = open_engine("auto", warn=warnings.append)
    assert engine.name == "pocketsphinx"
    assert len(warnings) == 1 and "rehearse model install en-us-small" in warnings[0]


def test_open_engine_vosk_without_model_is_a_clear_error():
    with pytest.raises(ModelNotFoundError, match="rehearse model install en-us-small"):
        open_engine("vosk")


def test_broken_vosk_model_folder(tmp_path):
    bad = tmp_path / "vosk-model-small-en-us-0.15"
    (bad / "am").mkdir(parents=True)
    (bad / "am" / "final.mdl").write_bytes(b"not a model")
    with pytest.raises(ModelNotFoundError, match="not a usable Vosk model"):
        open_engine("vosk", str(bad))
    with pytest.raises(ModelNotFoundError, match="no am/final.mdl"):
        open_engine("vosk", str(tmp_path))


def test_pocketsphinx_finishes_mid_speech(librivox, pocketsphinx_engine):
    """An answer cut off mid-word (Ctrl-C, --max) still gives its words; no frame is left over."""
    blocks = list(FileSource(librivox / "sense_and_sensibility_01_austen_64kb-0870.wav", block_s=0.03).chunks())
    decoding = pocketsphinx_engine.stream()
    for block in blocks[:80]:  # 2.4 s: the speaker is mid-sentence, and 2.4 s is whole 30 ms frames
        decoding.accept(block)
    words = decoding.finish()
    assert 2 <= len(words) and words[-1].end <= 2.45


def test_engine_loader_loads_in_the_background_and_hands_over_its_error():
    """The loader started by the first question's playback returns the real engine when the
    answer needs it, and a loading error surfaces then, as the error the user would see."""
    import time

    from rehearse.errors import EngineError
    from rehearse.services import EngineLoader

    loader = EngineLoader("pocketsphinx", None, "en-us", warn=lambda _m: None)
    started = time.monotonic()
    loader.start()
    assert time.monotonic() - started < EngineLoader.START_DELAY_S  # start() never waits for the load
    engine = loader()
    assert type(engine).__name__ == "PocketSphinxEngine"
    assert loader() is engine  # loaded once

    bad = EngineLoader("pocketsphinx", "/no/such/model", "en-us", warn=lambda _m: None)
    bad.start()
    with pytest.raises(EngineError, match="--model"):
        bad()
