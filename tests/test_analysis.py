"""The pure analysis: clauses, C/A/R labels, length bands, tips. No audio, no I/O."""

from __future__ import annotations

import pytest

from rehearse.judge.analysis import analyze, length_verdict, split_clauses, words_from_text
from rehearse.transcript import Span, Word

STRONG = (
    "Last year our checkout page kept crashing during sales and we were losing orders. "
    "I traced the crashes to a slow database query, rewrote it and added a cache. "
    "As a result the page has not crashed since, and sales during the next promotion grew by twenty percent."
)


def timed(text: str, pause_after: set[int] = frozenset(), wps: float = 2.5) -> list[Word]:
    """Lowercase, unpunctuated words as a recognizer gives them, with optional long pauses."""
    words, t = [], 1.0
    for i, w in enumerate(text.lower().replace(",", "").replace(".", "").split()):
        words.append(Word(w, t, t + 0.3))
        t += 1 / wps + (1.0 if i in pause_after else 0.0)
    return words


@pytest.mark.parametrize("form", ["prose", "recognizer"])
def test_strong_answer_covers_all_three(form):
    words = words_from_text(STRONG) if form == "prose" else timed(STRONG)
    a = analyze(words)
    assert {k: v["covered"] for k, v in a.car.items()} == {"challenge": True, "action": True, "result": True}
    assert any("crash" in c.text for c in a.car["challenge"]["evidence"])
    assert any("rewrote" in c.text or "traced" in c.text for c in a.car["action"]["evidence"])
    assert any("twenty percent" in c.text or "as a result" in c.text for c in a.car["result"]["evidence"])


def test_missing_result_is_flagged_first():
    text = ("Our team was behind schedule on a big client launch and the client was unhappy. "
            "I reorganized the plan, met the client every week and took over the testing myself.")
    a = analyze(timed(text))
    assert not a.car["result"]["covered"]
    assert a.car["challenge"]["covered"] and a.car["action"]["covered"]
    assert a.tips[0].startswith("No result stated")


def test_result_without_measure():
    text = ("The release process was slow and error prone. I wrote a checklist and automated the build. "
            "In the end the team was much happier with releases.")
    a = analyze(words_from_text(text))
    assert a.car["result"]["covered"]
    assert any("no measure" in t for t in a.tips)


def test_we_only_actions_get_a_tip():
    # An answer told only as "we", the speaker's own part never stated, has no Action (labelling rule A3).
    text = ("We had a problem with late deliveries to our biggest customer. "
            "We changed the routes and we hired two more drivers. "
            "As a result late deliveries dropped by half.")
    a = analyze(words_from_text(text))
    assert not a.car["action"]["covered"]
    assert any("'we'" in t for t in a.tips)


def test_numbers_as_words_count_as_a_measure():
    a = analyze(timed("we had an outage problem so i fixed the alerting and as a result downtime fell by forty percent"))
    assert a.car["result"]["covered"]
    assert not any("no measure" in t for t in a.tips)


def test_pauses_split_unpunctuated_speech():
    words = timed("the servers kept failing every night i rewrote the backup job", pause_after={5})
    clauses = split_clauses(words)
    assert [c.text for c in clauses] == ["the servers kept failing every night", "i rewrote the backup job"]
    assert clauses[1].start == pytest.approx(words[6].start)


def test_discourse_markers_split_without_pauses():
    clauses = split_clauses(timed("our costs kept rising so i renegotiated the contracts and in the end we saved money"))
    assert len(clauses) == 3
    assert clauses[2].text == "and in the end we saved money"


@pytest.mark.parametrize(
    "answer_s,verdict",
    [(0, "short"), (89.9, "short"), (90, "on_target"), (120, "on_target"), (150, "on_target"), (150.1, "long")],
)
def test_length_bands_default_target(answer_s, verdict):
    assert length_verdict(answer_s).verdict == verdict


def test_length_band_scales_with_target():
    band = length_verdict(50, target_s=60)
    assert (band.low_s, band.high_s, band.verdict) == (45, 75, "on_target")


def test_long_answer_and_late_first_action():
    words = timed(STRONG)
    # stretch time: the same words over 190 s
    factor = 190 / (words[-1].end - words[0].start)
    stretched = [Word(w.word, w.start * factor, w.end * factor) for w in words]
    a = analyze(stretched, Span(stretched[0].start, stretched[-1].end))
    assert a.length.verdict == "long"
    assert any(t.startswith("The answer ran 3:") for t in a.tips)
    assert a.wpm < 100


def test_empty_answer():
    a = analyze([])
    assert a.transcript == "" and a.wpm is None
    assert not any(v["covered"] for v in a.car.values())
    assert a.tips and "No words" in a.tips[0]


def test_fillers_hedges_and_like():
    from rehearse.judge.delivery import measure

    words = timed("um so i think we kind of fixed it and like it was like a big deal you know i like pizza")
    d = measure(words, minutes=0.5, action_texts=["we kind of fixed it"], from_speech=True)
    texts = [f["text"] for f in d.fillers]
    assert texts.count("um") == 1 and "you know" in texts
    assert texts.count("like") == 2  # "and like", "was like"; not "i like pizza"
    assert d.fillers_per_min == pytest.approx(len(d.fillers) / 0.5)
    assert {h["text"] for h in d.hedges} == {"i think", "kind of"}
    assert d.we_count == 1 and d.i_count == 0
    assert "lower bound" in d.note


def test_long_pauses_and_repeats():
    from rehearse.judge.delivery import measure

    text = "the customer portal the customer portal broke and the customer portal was down"
    words = timed(text, pause_after={3})
    d = measure(words, minutes=None, action_texts=[], from_speech=False)
    assert len(d.long_pauses) == 0  # a 1 s pause is not long
    words = [Word(w.word, w.start + (3.0 if i > 3 else 0), w.end + (3.0 if i > 3 else 0)) for i, w in enumerate(words)]
    d = measure(words, minutes=None, action_texts=[], from_speech=False)
    assert len(d.long_pauses) == 1 and d.long_pauses[0]["length_s"] > 2.5
    assert {"text": "the customer portal", "count": 3} in d.repeated


def test_many_fillers_give_a_tip():
    text = ("um our servers kept crashing um and uh we were losing customers um so i uh rewrote the "
            "um deployment and uh as a result um crashes dropped by half um")
    words = timed(text)
    a = analyze(words, Span(words[0].start, words[-1].end))
    assert len(a.delivery.fillers) == 9 and round(a.delivery.fillers_per_min) == 44
    assert "44 filler words a minute ('um', 'uh'): pause silently instead." in a.tips, a.tips


def test_shares_add_up_and_follow_time():
    a = analyze(timed(STRONG))
    shares = {k: a.car[k]["share"] for k in ("challenge", "action", "result")}
    assert all(0 < s < 1 for s in shares.values())
    assert sum(shares.values()) <= 1.002  # each share is rounded to 3 places
