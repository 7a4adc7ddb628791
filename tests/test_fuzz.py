"""Property tests: arbitrary bytes never crash the audio reader, arbitrary text never crashes the
analysis, and neither hangs (hypothesis deadlines)."""

from __future__ import annotations

import struct
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rehearse.audio import FileSource
from rehearse.errors import BadAudioError
from rehearse.judge.analysis import analyze, split_clauses, words_from_text
from rehearse.transcript import Span, Word

FAST = settings(max_examples=150, deadline=timedelta(seconds=2),
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def _read(path):
    try:
        src = FileSource(path)
        total = sum(len(b) for b in src.chunks())
    except BadAudioError as exc:
        assert str(exc)  # a message for the user
        return None
    assert src.duration_s >= 0
    return total


@FAST
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_crash_the_reader(tmp_path, data):
    p = tmp_path / "fuzz.wav"
    p.write_bytes(data)
    _read(p)


@FAST
@given(rate=st.integers(min_value=0, max_value=400_000), channels=st.integers(min_value=0, max_value=300),
       bits=st.sampled_from([0, 8, 12, 16, 24, 32, 64]), fmt=st.sampled_from([1, 3, 6, 0xFFFE, 99]),
       claimed=st.integers(min_value=0, max_value=2**32 - 1), body=st.binary(max_size=2048))
def test_wav_headers_that_lie_never_crash(tmp_path, rate, channels, bits, fmt, claimed, body):
    block = max(channels * bits // 8, 0)
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", min(36 + claimed, 2**32 - 1), b"WAVE", b"fmt ", 16, fmt,
                         channels, rate, (rate * block) % 2**32, block % 2**16, bits, b"data", claimed)
    p = tmp_path / "lie.wav"
    p.write_bytes(header + body)
    _read(p)


@FAST
@given(st.text(max_size=3000))
def test_arbitrary_text_never_crashes_the_analysis(text):
    a = analyze(words_from_text(text))
    assert set(a.car) == {"challenge", "action", "result"}
    assert len(a.tips) <= 3


@FAST
@given(st.lists(st.tuples(st.text(alphabet="abcdefghij im", min_size=1, max_size=8),
                          st.floats(min_value=0, max_value=600, allow_nan=False)), max_size=400))
def test_arbitrary_timed_words_never_crash(items):
    words = sorted((Word(w.strip() or "x", t, t + 0.2) for w, t in items), key=lambda w: w.start)
    span = Span(words[0].start, words[-1].end) if words else None
    analyze(words, span)  # must not raise
    for c in split_clauses(words):
        assert c.text
