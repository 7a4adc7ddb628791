"""The interviewer's follow-up: which gap it probes, how it says so, and the story over two parts."""

from __future__ import annotations

import random
import re

import pytest

from rehearse.judge.analysis import analyze, words_from_text
from rehearse.judge.follow_ups import FollowUp, choose, follow_up_json, gaps
from rehearse.judge.phrasing import CHECK_PHRASINGS, PHRASINGS, find_claim, noun_phrases
from rehearse.judge.story import story_car, story_checks, story_lines
from rehearse.transcript import Span, Word

NO_RESULT = ("Our warehouse kept shipping the wrong parcels and customers were complaining every week. "
             "I walked the packing line with the shift lead and I rewrote the packing checklist. "
             "I also trained the night shift on the new scanners.")
WE_ONLY = ("Our support queue had grown to six hundred tickets and two clients were threatening to leave. "
           "We split the queue by topic and we wrote answers for the most common questions. "
           "We also set up a morning rota for urgent tickets. "
           "As a result the backlog dropped to fifty tickets within a month.")
COMPLETE = ("Our website was so slow that customers were leaving before checkout. "
            "I profiled the slowest pages, compressed the images and added caching to the product pages. "
            "As a result page load time dropped from eight seconds to two, and sales rose by ten percent the next month.")
NO_MEASURE = ("Our customers kept complaining that deliveries arrived late. "
              "I called the courier every morning and I moved our pickup an hour earlier. "
              "In the end the complaints stopped and the customers were much happier.")
HYPOTHETICAL = ("I haven't had that happen yet. If a customer shouted at me I would stay calm and listen first. "
                "Then I would call my manager and afterwards I would write it up in the log.")
FOLLOW_UP_RESULT = "In the end wrong parcels fell from about thirty a week to two and the complaints stopped."


def spoken(text: str) -> str:
    """As a recognizer prints it: lower case, no punctuation."""
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


def timed(text: str, start_s: float = 0.0, word_s: float = 0.4) -> list[Word]:
    """Recognizer-style words with times, one every `word_s` seconds."""
    return [Word(w, start_s + i * word_s, start_s + i * word_s + word_s * 0.8) for i, w in enumerate(spoken(text).split())]


def reason(text: str, kind: str = "behavioural", **kw) -> str | None:
    fu = choose(analyze(words_from_text(text)), kind, rng=random.Random(0), **kw)
    return fu.reason if fu else None


@pytest.mark.parametrize("form", [str, spoken])
def test_an_answer_without_a_result_is_asked_for_the_outcome(form):
    fu = choose(analyze(words_from_text(form(NO_RESULT))), "behavioural", rng=random.Random(0))
    assert fu is not None and fu.reason == "missing_result"
    assert fu.question in PHRASINGS["missing_result"]


@pytest.mark.parametrize("form", [str, spoken])
def test_a_we_only_answer_is_asked_what_the_speaker_did(form):
    assert reason(form(WE_ONLY)) == "missing_action"


@pytest.mark.parametrize("form", [str, spoken])
def test_a_complete_answer_gets_no_follow_up(form):
    assert reason(form(COMPLETE)) is None
    assert gaps(analyze(words_from_text(form(COMPLETE)))) == []


def test_a_result_without_a_measure_is_asked_how_they_knew():
    assert reason(NO_MEASURE) == "no_measure"
    assert reason(spoken(NO_MEASURE)) == "no_measure"


def test_only_hypothetical_actions_is_not_a_result():
    assert reason(HYPOTHETICAL) == "missing_result"


def test_an_unreliable_transcript_gets_no_follow_up():
    a = analyze(words_from_text(NO_RESULT))
    assert choose(a, "behavioural", transcript_reliable=False, rng=random.Random(0)) is None
    assert choose(analyze([]), "behavioural", rng=random.Random(0)) is None


def test_a_short_complete_answer_is_asked_about_a_thing_it_named():
    a = analyze(words_from_text(COMPLETE), Span(0.0, 30.0), 120.0)
    fu = choose(a, "behavioural", rng=random.Random(0))
    assert fu.reason == "too_short" and fu.detail and fu.detail in fu.question
    named = fu.detail.split(" ", 1)[1]  # without its determiner
    assert named in spoken(COMPLETE)
    assert fu.detail.split()[0] in ("the", "your", "those")
    # the same answer within its target is not short
    assert choose(analyze(words_from_text(COMPLETE), Span(0.0, 100.0), 120.0), "behavioural") is None
    # a target passed in overrides the analysis's own
    assert choose(a, "behavioural", target=(40.0, 25.0, 55.0), rng=random.Random(0)) is None


def test_noun_phrases_skip_pronouns_fillers_and_vague_heads():
    a = analyze(words_from_text("um so i basically rewrote our deployment scripts and like the thing is it "
                                "was my manager who asked at the end of the day"))
    texts = [p.text for p in noun_phrases(a.clauses)]
    assert "the deployment scripts" in texts and "your manager" in texts
    assert not any(t.endswith((" thing", " end", " day", " it")) for t in texts)
    assert not any(w in ("um", "like", "basically") for t in texts for w in t.split())


def test_phrasings_vary_with_a_seeded_rng_and_avoid_the_history():
    a = analyze(words_from_text(NO_RESULT))
    history, asked = [], []
    for _ in range(len(PHRASINGS["missing_result"])):
        fu = choose(a, "behavioural", rng=random.Random(7), history_of_phrasings=history)
        history.append(fu.phrasing)
        asked.append(fu.question)
    assert len(set(asked)) == len(PHRASINGS["missing_result"])  # none repeated while any was unused
    rng = random.Random(3)
    many = {choose(a, "behavioural", rng=rng).question for _ in range(20)}
    assert len(many) >= 3
    again = [choose(a, "behavioural", rng=random.Random(5)).question for _ in range(2)]
    assert again[0] == again[1]  # seeded: reproducible


def test_objection_challenges_the_experience_claimed_in_its_own_words():
    text = ("You're right that I haven't managed a large group. I've led a team of two engineers for a year, "
            "and I set up weekly reviews with each of them.")
    fu = choose(analyze(words_from_text(text)), "objection", rng=random.Random(0))
    assert fu.reason == "challenge_experience"
    assert "a team of two engineers" in fu.question and "ten engineers" in fu.question
    assert find_claim("i managed five people at the store").bigger == "twenty people"
    assert find_claim("i have three years of experience in retail").kind == "years"
    assert find_claim("i enjoy working with people") is None
    # a behavioural answer is never challenged this way
    assert reason(text + " As a result we shipped on time.", "behavioural") != "challenge_experience"


def test_other_kinds_follow_up_on_their_failed_checks():
    text = "I have always admired your company and I think I would be a great fit for the team."
    fu = choose(analyze(words_from_text(text)), "motivation", failed_checks=[("specific", "Say something only we have.")],
                rng=random.Random(0))
    assert fu.reason == "specific" and fu.question in CHECK_PHRASINGS["specific"]
    # dicts and objects with a name work alike; a check without phrasings is skipped
    checks = [{"name": "made_up", "tip": None}, {"name": "plan", "tip": "Give a plan."}]
    assert choose(analyze(words_from_text(text)), "objection", failed_checks=checks).reason == "plan"
    assert choose(analyze(words_from_text(text)), "motivation", failed_checks=["made_up"]) is None
    # a failed check the detector was unsure of is not asked about
    unsure = [{"name": "specific", "tip": "x", "probability": 0.6}]
    assert choose(analyze(words_from_text(text)), "motivation", failed_checks=unsure) is None
    # story gaps are not asked of other kinds
    assert reason(NO_RESULT, "motivation") is None


def test_a_closing_answer_is_not_asked_another_kinds_question():
    """The closing rubric's checks are the topics of the person's own questions; "growth" is also a
    five-years check, whose follow-up ("What skills do you want to build to get there?") was asked
    after "Do you have any questions for us?"."""
    text = "Yes, thank you. What does a normal week look like for the team? And what are the next steps?"
    failed = [{"name": n, "tip": "Ask about it."} for n in ("compensation_and_benefits", "tour", "growth")]
    assert choose(analyze(words_from_text(text)), "closing", failed_checks=failed, rng=random.Random(0)) is None
    assert choose(analyze(words_from_text(text)), "closing", failed_checks=["growth"]) is None


def test_a_probability_from_a_learned_detector_decides_confidence():
    a = analyze(words_from_text(NO_RESULT))
    a.car["result"]["probability"] = 0.8  # the detector thinks a result is probably there
    assert choose(a, "behavioural", rng=random.Random(0)) is None or \
        choose(a, "behavioural", rng=random.Random(0)).reason != "missing_result"
    b = analyze(words_from_text(COMPLETE))
    b.car["result"]["probability"] = 0.05
    assert choose(b, "behavioural", rng=random.Random(0)).reason == "missing_result"


def test_a_stored_feedback_dict_is_read_like_an_analysis():
    for text in (NO_RESULT, WE_ONLY, COMPLETE, NO_MEASURE):
        a = analyze(words_from_text(text))
        feedback = {"transcript": a.transcript, "answer_s": None, "length": None, "car": a.car_json(),
                    "clauses": [{**c.evidence(), "label": c.label} for c in a.clauses]}
        assert reason(text) == (choose(feedback, "behavioural", rng=random.Random(0)) or FollowUp("", None)).reason


@pytest.mark.parametrize("form", [str, spoken])
def test_a_stored_answer_is_judged_with_the_probabilities_the_card_showed(form):
    """Stored JSON keeps labels, not scores: the gaps and how sure they are come out the same from
    it as from the analysis, both read with the learned model's clause probabilities."""
    for text in (NO_RESULT, WE_ONLY, COMPLETE, NO_MEASURE, HYPOTHETICAL):
        a = analyze(words_from_text(form(text)))
        feedback = {"transcript": a.transcript, "answer_s": None, "length": None, "car": a.car_json(),
                    "clauses": [{**c.evidence(), "label": c.label} for c in a.clauses]}
        assert gaps(feedback) == gaps(a), text


def test_story_car_covers_the_result_told_only_in_the_follow_up():
    answer = analyze(timed(NO_RESULT), Span(0.0, 20.0), 120.0, from_speech=True)
    follow = analyze(timed(FOLLOW_UP_RESULT, start_s=1.0), Span(1.0, 8.0), 120.0, from_speech=True)
    assert not answer.car["result"]["covered"]
    story = story_car(answer, follow)
    assert story["result"]["covered"] and story["result"]["told_in"] == "follow_up"
    assert story["result"]["evidence"] and all(e["part"] == "follow_up" for e in story["result"]["evidence"])
    assert story["action"]["told_in"] == "answer"
    assert all(e["part"] == "answer" for e in story["action"]["evidence"])
    assert set(story["result"]) == {"covered", "share", "evidence", "told_in"}
    lines = story_lines(story)
    assert any(re.fullmatch(r"Result: told in the follow-up at 0:0\d", line) for line in lines)
    assert "Action: told in the answer at 0:0" in " ".join(lines)
    # an offset places the follow-up on the answer's clock; a label is used as it stands
    shifted = story_car(answer, follow, 60.0)
    assert shifted["result"]["evidence"][0]["at"].startswith("1:0")
    assert story_car(answer, follow, "after the answer")["result"]["evidence"][0]["at"] == "after the answer"
    # with no follow-up the story is the answer's own C/A/R
    alone = story_car(answer)
    assert {k: v["covered"] for k, v in alone.items()} == {k: v["covered"] for k, v in answer.car.items()}


def test_story_checks_pass_when_either_part_passed():
    first = [{"name": "acknowledged", "passed": True, "evidence": [{"text": "that's fair"}], "tip": None},
             {"name": "plan", "passed": False, "evidence": [], "tip": "Give a plan."}]
    second = [{"name": "plan", "passed": True, "evidence": [{"text": "i would shadow"}], "tip": None}]
    merged = {c["name"]: c for c in story_checks(first, second)}
    assert merged["plan"]["passed"] and merged["plan"]["told_in"] == "follow_up" and merged["plan"]["tip"] is None
    assert merged["plan"]["evidence"] == [{"text": "i would shadow", "part": "follow_up"}]
    assert merged["acknowledged"]["told_in"] == "answer"


def test_follow_up_json_shape():
    fu = choose(analyze(words_from_text(NO_RESULT)), "behavioural", rng=random.Random(0))
    assert follow_up_json(fu) == {"question": fu.question, "reason": "missing_result", "answer": None}
    assert follow_up_json(fu, {"transcript": "it worked"})["answer"] == {"transcript": "it worked"}
    assert follow_up_json(None) is None


def test_a_we_only_story_told_in_the_present_is_asked_about_own_part():
    text = ("At my last job the company brings new tills and at first everything is slow with long queues. "
            "We practise together after closing and we make a small card with the steps. "
            "After two weeks the queue is shorter than before, about five minutes.")
    assert reason(text) == "missing_action"
    assert reason(text.replace("We practise", "I practise").replace("we make", "I make")) is None


def test_a_complete_second_interview_story_is_challenged_on_its_claim():
    text = ("Our night shift kept missing its picking targets and orders went out late. I led a team of four "
            "pickers and I rebuilt the pick routes by aisle. As a result late orders fell from forty a week to five.")
    fu = choose(analyze(words_from_text(text)), "second-interview", rng=random.Random(0))
    assert fu.reason == "challenge_experience" and "four pickers" in fu.question and "twenty pickers" in fu.question
    assert reason(text) is None  # the same story to a behavioural question is complete
