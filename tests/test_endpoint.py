"""The smart end of answer: pitch, prosody, transcript cues, their combination, and the live detector."""

from __future__ import annotations

import numpy as np
import pytest

from rehearse.audio import SAMPLE_RATE_HZ, FileSource, read_all, write_wav
from rehearse.endpoint import (
    FLOOR_S,
    SHORT_WORDS,
    Prosody,
    SmartEndpoint,
    TranscriptReading,
    decide,
    habit_pause_s,
    pitch_track,
    read_prosody,
    read_transcript,
    required_silence_s,
)
from rehearse.judge.analysis import words_from_text
from rehearse.turns import TurnDetector

RATE = SAMPLE_RATE_HZ


def voiced_sound(f0_hz: np.ndarray, level_db: np.ndarray | float = -20.0) -> np.ndarray:
    """A buzz with a few harmonics following a pitch contour (one value a sample), like a vowel."""
    phase = 2 * np.pi * np.cumsum(f0_hz) / RATE
    x = sum(np.sin(k * phase) / k for k in range(1, 6))
    x = x / np.max(np.abs(x))
    return (x * 10 ** (np.asarray(level_db) / 20)).astype(np.float32)


def glide(start_hz: float, end_hz: float, seconds: float, start_db: float = -20.0, end_db: float = -20.0):
    n = int(seconds * RATE)
    return voiced_sound(np.geomspace(start_hz, end_hz, n), np.linspace(start_db, end_db, n))


STORY = ("our support queue had a backlog of two thousand tickets and customers waited a week . "
         "i sorted the tickets by topic and wrote answers for the most common questions . "
         "as a result the backlog fell by seventy percent within a month .")


# --- pitch and prosody ----------------------------------------------------------------------


@pytest.mark.parametrize("f0", [90.0, 140.0, 220.0, 330.0])
def test_pitch_of_a_steady_tone(f0):
    pitch = pitch_track(voiced_sound(np.full(RATE // 2, f0)))
    assert len(pitch) == 16
    assert (pitch > 0).all()
    assert np.median(pitch) == pytest.approx(f0, rel=0.02)


def test_pitch_follows_a_falling_glide_and_ignores_noise():
    pitch = pitch_track(glide(220.0, 120.0, 0.9))
    assert (pitch > 0).mean() > 0.9
    assert pitch[1] > 190 and pitch[-2] < 140
    assert np.all(np.diff(pitch[pitch > 0]) < 5)  # falls all the way
    noise = np.random.default_rng(1).standard_normal(RATE // 2).astype(np.float32) * 0.05
    assert (pitch_track(noise) > 0).mean() < 0.2


def test_prosody_falling_versus_level_and_rising():
    falling = read_prosody(glide(200.0, 130.0, 0.8, -18.0, -30.0))
    level = read_prosody(glide(160.0, 160.0, 0.8))
    rising = read_prosody(glide(140.0, 210.0, 0.8))
    assert falling.falling_pitch and falling.fading_energy
    assert not level.falling_pitch and not level.fading_energy
    assert not rising.falling_pitch and rising.pitch_slope_st_per_s > 0
    silence = read_prosody(np.zeros(RATE, dtype=np.float32))
    assert silence.pitch_slope_st_per_s is None and not silence.falling_pitch


# --- transcript, habits and the decision ----------------------------------------------------


def test_transcript_reading_complete_closing_and_dangling():
    done = read_transcript(words_from_text(STORY + " so that's how we did it"))
    assert done.complete and done.closing and done.closing_end and not done.dangling
    assert done.result_p > 0.8
    no_result = read_transcript(words_from_text(STORY.split(" as a result")[0]))
    assert not no_result.complete and not no_result.dangling
    assert no_result.result_p < 0.3 and no_result.last_action_p > 0.5  # it ends on what "i" did
    hanging = read_transcript(words_from_text(STORY.rstrip(" .") + " and"))
    assert hanging.complete and hanging.dangling and hanging.last_word == "and"


@pytest.mark.parametrize("end", [" as a result", " and the result was", " so that's how", " in the end"])
def test_an_opener_before_the_result_dangles(end):
    words = words_from_text(STORY.split(" as a result")[0] + end)
    assert read_transcript(words).dangling
    assert required_silence_s(words, glide(200.0, 130.0, 0.8, -18.0, -30.0), 4.0) == 4.0


def test_dangling_and_requires_the_full_silence():
    falling = read_prosody(glide(200.0, 130.0, 0.8, -18.0, -30.0))
    words = words_from_text(STORY.rstrip(" .") + " and")
    assert required_silence_s(words, glide(200.0, 130.0, 0.8, -18.0, -30.0), 4.0) == 4.0
    assert decide(read_transcript(words), falling, 4.0).reason == "dangling"


@pytest.mark.parametrize("tail", [glide(200.0, 130.0, 0.8, -18.0, -30.0), glide(160.0, 160.0, 0.8)])
def test_a_story_stopped_after_its_action_outwaits_a_long_thinking_pause(tail):
    """The shape of a pause before the result: what was done, no result yet. Whatever the prosody,
    it requires more silence than a 3.5 s thinking pause."""
    words = words_from_text(STORY.split(" as a result")[0])
    assert 3.5 < required_silence_s(words, tail, 4.0) <= 4.0
    assert required_silence_s([], tail, 4.0) == 4.0


def test_a_closing_phrase_ends_a_story_whatever_its_result():
    tail = glide(160.0, 160.0, 0.8)
    stopped = words_from_text(STORY.split(" as a result")[0])
    closed = words_from_text(STORY.split(" as a result")[0] + " and that's it")
    assert required_silence_s(closed, tail, 4.0) < 1.5 < 3.5 < required_silence_s(stopped, tail, 4.0)


def test_a_short_first_sentence_read_as_a_result_outwaits_a_thinking_pause():
    """A few words that read surely as a result ("our rating fell to two stars") are as often the
    challenge, before a pause, as a whole answer: under SHORT_WORDS words they wait past 3.5 s."""
    level = Prosody(0.0, 0.0, 20)
    short = TranscriptReading(False, False, False, "stars", result_p=0.9, last_result_p=0.9,
                              last_action_p=0.1, words=SHORT_WORDS - 1)
    told = TranscriptReading(False, False, False, "stars", result_p=0.9, last_result_p=0.9,
                             last_action_p=0.1, words=40)
    # told at length, the same reading ends within 2.5 s even with level prosody (falling ends sooner)
    assert decide(told, level, 4.0).required_s < 2.5 < 3.5 < decide(short, level, 4.0).required_s


def test_a_closing_phrase_outweighs_a_last_clause_read_as_an_action():
    """ "... and shared it with both managers, and that's all": even when the reader takes the clause
    before it for an action and sees no result (the shape of a pause before the result), a closing
    phrase at the end lifts the wait out of the thinking-pause range."""
    level = Prosody(0.0, 0.0, 20)
    cues = dict(result_p=0.15, last_result_p=0.15, last_action_p=0.9, words=25)
    closed = TranscriptReading(False, True, False, "all", closing_end=True, **cues)
    stopped = TranscriptReading(False, False, False, "managers", **cues)
    assert decide(closed, level, 4.0).required_s < 3.2 < 3.5 < decide(stopped, level, 4.0).required_s


def test_the_wait_falls_continuously_with_the_evidence():
    """Graded, not all or nothing: as the last clause reads more surely as a result, the required
    silence falls from near `silence_s` to near the floor, never by a jump."""
    level = Prosody(0.0, 0.0, 20)
    waits = [decide(TranscriptReading(False, False, False, "x", result_p=p, last_result_p=p, words=40),
                    level, 4.0).required_s for p in np.linspace(0.02, 0.98, 97)]
    assert waits[0] > 3.5 and waits[-1] < 1.5
    assert all(a >= b for a, b in zip(waits, waits[1:]))
    assert max(a - b for a, b in zip(waits, waits[1:])) < 0.25
    assert all(FLOOR_S <= w <= 4.0 for w in waits)


def test_complete_story_with_falling_end_requires_less_than_a_level_end():
    words = words_from_text(STORY)
    falling = required_silence_s(words, glide(200.0, 130.0, 0.8, -18.0, -30.0), 4.0)
    level = required_silence_s(words, glide(160.0, 165.0, 0.8), 4.0)
    closing = required_silence_s(words_from_text(STORY + " and that's it"), glide(200.0, 130.0, 0.8, -18.0, -30.0), 4.0)
    # A complete story ends close to the floor: with the C/A/R reader of ANALYSIS_VERSION 3 the three
    # waits were 0.900 < 0.901 < 0.909 s; the lexical block (version 4) reads this Result more surely
    # (0.99 against 0.95), so all three reach the floor.
    assert FLOOR_S <= closing <= falling <= level < 1.0
    assert required_silence_s(words, glide(200.0, 130.0, 0.8, -18.0, -30.0), 1.5) <= 1.5  # --silence bounds
    # Where the transcript leaves the end in doubt, prosody still decides: a falling, fading end waits less.
    middling = TranscriptReading(False, False, False, "x", result_p=0.5, last_result_p=0.5, words=40)
    falls = decide(middling, read_prosody(glide(200.0, 130.0, 0.8, -18.0, -30.0)), 4.0).required_s
    stays = decide(middling, read_prosody(glide(160.0, 165.0, 0.8)), 4.0).required_s
    assert FLOOR_S < falls < stays < 4.0


def test_other_question_kinds_use_their_own_checks():
    falling = glide(200.0, 130.0, 0.8, -18.0, -30.0)
    reply = words_from_text("that's a fair point . i haven't led a team yet but i will start by meeting each person")
    assert required_silence_s(reply, falling, 4.0, kind="objection") < 4.0
    assert required_silence_s(words_from_text("that's a fair point"), falling, 4.0, kind="objection") > 3.5
    asked = words_from_text("what does the salary look like and could i see the office")
    assert required_silence_s(asked, falling, 4.0, kind="closing") > 3.5  # training, growth, team not asked


def test_habits_of_a_slow_speaker_lengthen_the_wait_but_not_past_silence():
    words = words_from_text(STORY)
    reading = read_transcript(words)
    level = Prosody(0.0, 0.0, 20)
    quick = decide(reading, level, 4.0, habit_pause_s([0.4, 0.5, 0.6, 0.7, 0.5, 0.8])).required_s
    slow = decide(reading, level, 4.0, habit_pause_s([1.5, 2.0, 2.5, 2.8, 3.0, 2.2])).required_s
    very_slow = decide(reading, level, 4.0, habit_pause_s([5.0, 6.0, 5.5, 6.5, 7.0])).required_s
    assert quick < slow < very_slow <= 4.0
    assert habit_pause_s([1.0, 2.0]) is None  # too few pauses to know a habit


def test_own_pauses_are_read_from_earlier_spoken_answers():
    """The pauses the habit is read from, as the interview collects them (practice.own_pauses_s):
    gaps over 0.3 s between timed words, answer by answer; never across two answers, and none from a
    typed answer (its words are untimed)."""
    from rehearse.feedback import Feedback
    from rehearse.practice import own_pauses_s

    def answer(*words):
        return Feedback.from_json({"words": [{"word": w, "start": s, "end": e} for w, s, e in words]})

    first = answer(("i", 0.0, 0.2), ("fixed", 0.25, 0.6), ("it", 1.8, 2.0), ("fast", 2.05, 2.4))
    second = answer(("then", 5.0, 5.3), ("we", 5.5, 5.8), ("shipped", 8.3, 8.9))
    typed = Feedback.from_json({"words": [{"word": w.word, "start": w.start, "end": w.end}
                                          for w in words_from_text("I typed this one. It has no times.")]})
    got = own_pauses_s([first, typed, second])
    assert got == pytest.approx([1.2, 2.5])  # 0.05 and 0.2 s are between words
    assert own_pauses_s([typed, Feedback.from_json({})]) == []
    assert habit_pause_s(own_pauses_s([first, second] * 3)) == pytest.approx(2.5)


def test_smart_endpoint_waits_while_the_decoding_holds_unread_speech():
    words = words_from_text(STORY)
    held = [True]
    endpoint = SmartEndpoint(lambda: words, pending=lambda: held[0])
    tail = glide(200.0, 130.0, 0.8, -18.0, -30.0)
    assert endpoint.required_silence_s(tail, 10.0, 4.0) == 4.0
    assert endpoint.last.reason == "pending"
    held[0] = False
    assert endpoint.required_silence_s(tail, 10.0, 4.0) < 2.0
    assert endpoint.last.reason == "complete"
    words = words + words_from_text("and then")  # the next utterance dangles: wait again
    assert endpoint.required_silence_s(tail, 12.0, 4.0) == 4.0


# --- the live detector, in-process from files -----------------------------------------------


def test_detector_without_endpoint_is_unchanged():
    """No endpoint: the answer ends after exactly `silence_s` of silence, as before."""
    tone = glide(150.0, 150.0, 1.0, -20.0, -20.0)
    audio = np.concatenate([np.zeros(RATE // 2, np.float32), tone, np.zeros(6 * RATE, np.float32)])
    audio += np.random.default_rng(0).standard_normal(len(audio)).astype(np.float32) * 1e-3
    det = TurnDetector(10.0, 2.0, 60.0)
    for k in range(0, len(audio), 1600):
        if det.add(audio[k : k + 1600]):
            break
    assert det.ended_by == "silence"
    assert det.elapsed_s - det.last_voice_s == pytest.approx(2.0, abs=0.031)


def _decode_until_end(engine, wav, smart: bool, stop_s: float = 1e9) -> TurnDetector:
    """Feed a file as a microphone would (0.1 s blocks, decoding first), until the turn ends."""
    decoding = engine.stream()
    endpoint = SmartEndpoint.for_decoding(decoding) if smart else None
    det = TurnDetector(30.0, 4.0, 120.0, endpoint=endpoint)
    for block in FileSource(wav, block_s=0.1).chunks():
        decoding.accept(block)
        if det.add(block) or det.elapsed_s >= stop_s:
            break
    return det


def _trimmed(path) -> np.ndarray:
    from rehearse.audio import Resampler

    data, rate = read_all(path)
    data = Resampler(rate)(data, last=True)
    loud = np.flatnonzero(np.abs(data) > 0.01)
    return data[loud[0] : loud[-1] + 1]


def test_smart_endpoint_ends_a_complete_answer_sooner_and_keeps_a_thinking_pause(tmp_path):
    from conftest import flite

    from rehearse.speech import PocketSphinxEngine

    engine = PocketSphinxEngine()
    parts = ["Our website was so slow that customers left.", "So I rewrote the code and added caching to the server.",
             "As a result sales grew by ten percent."]
    segs = [_trimmed(flite(t, tmp_path / f"p{i}.wav")) for i, t in enumerate(parts)]
    rng = np.random.default_rng(2)

    def answer(gaps: list[float], name: str) -> tuple:
        chunks, t = [np.zeros(RATE // 2, np.float32)], RATE // 2
        ends = []
        for seg, gap in zip(segs, gaps):
            chunks += [seg, np.zeros(int(gap * RATE), np.float32)]
            t += len(seg)
            ends.append(t / RATE)
            t += int(gap * RATE)
        audio = np.concatenate(chunks)
        audio = audio + rng.standard_normal(len(audio)).astype(np.float32) * 1e-3
        write_wav(tmp_path / name, audio)
        return tmp_path / name, ends

    # without the endpoint this answer ends 4 s after its last word (test_detector_without_endpoint...)
    complete, ends = answer([0.4, 0.4, 4.5], "complete.wav")
    smart = _decode_until_end(engine, complete, smart=True)
    assert smart.ended_by == "silence"
    assert ends[-1] + FLOOR_S <= smart.elapsed_s < ends[-1] + 2.5  # measured 1.3 s after the last word

    paused, ends = answer([0.4, 3.0, 4.5], "pause.wav")
    det = _decode_until_end(engine, paused, smart=True, stop_s=ends[-1])
    assert det.ended_by is None  # the 3 s pause before the result did not end the answer
    assert det.elapsed_s >= ends[-1]
