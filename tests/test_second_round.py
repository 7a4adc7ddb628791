"""Second-interview feedback, objections and one's own questions: pure checks."""

from __future__ import annotations

from rehearse.judge.analysis import analyze, words_from_text
from rehearse.judge.second_round import refers_back, round_two, second_round, similarity
from rehearse.judge.yardsticks import judge

ROUND1 = ("Our deployment scripts kept failing every week. I rewrote the deployment scripts myself and added "
          "tests. As a result releases took ten minutes instead of two hours.")


def score(text, answer_s=100.0, car=(True, True, True)):
    return {"transcript": text.lower(), "answer_s": answer_s, "wpm": 140,
            "car": {k: {"covered": c} for k, c in zip(("challenge", "action", "result"), car)}}


def test_refers_back_phrases():
    assert refers_back("in our first interview i mentioned the migration") == "in our first interview"
    assert refers_back("As I mentioned last time, the team was small") is not None
    assert refers_back("when we spoke on monday you asked about budgets") is not None
    assert refers_back("i rewrote the scripts and releases got faster") is None


def test_retold_story_is_flagged_with_the_shared_phrases():
    r = second_round(score("In our first interview I mentioned this. " + ROUND1, 110), score(ROUND1, 95))
    assert r["retold"] and r["similarity"] >= 0.45
    assert any("rewrote the deployment scripts myself" in p for p in r["shared_phrases"])
    assert r["refers_back"] == "in our first interview"
    assert r["change"]["answer_s"] == 15
    assert any("retells" in t for t in r["tips"])


def test_new_story_is_not_flagged():
    new = ("Building on what I said last time, a bigger example: our warehouse shipped the wrong items in one "
           "order out of fifty. I introduced barcode scanning at packing and retrained forty people. Wrong "
           "shipments fell to one in five hundred.")
    r = second_round(score(new, car=(True, True, True)), score(ROUND1, car=(True, True, False)))
    assert not r["retold"] and r["similarity"] < 0.2
    assert r["change"]["newly_covered"] == ["result"]
    assert not any("retells" in t for t in r["tips"]) and not any("Refer back" in t for t in r["tips"])


def test_similarity_is_symmetric_and_bounded():
    a, _ = similarity(ROUND1, ROUND1)
    assert a == 1.0
    b, shared = similarity("completely different words here about sailing", ROUND1)
    assert b == 0.0 and shared == []
    retold = ("The deployment scripts failed every week, so I rewrote the deployment scripts myself and "
              "releases got faster.")
    there, shared_there = similarity(retold, ROUND1)
    back, shared_back = similarity(ROUND1, retold)
    assert 0.0 < there == back < 1.0  # the same overlap whichever answer comes first
    assert set(shared_there) == set(shared_back) == {"i rewrote the deployment scripts myself and"}


def _checks(rubric: str, text: str):
    coaching = judge(rubric, analyze(words_from_text(text)))
    return {c.name: c.passed for c in coaching.checks}, coaching.tips


def test_objection_reply_checks():
    """Judged by the objection yardstick (these two replies were once judged by a second copy of its checks
    here, which production never showed; the verdicts are the same)."""
    good, tips = _checks("objection", "You're right, I haven't led twenty people. Last year I coordinated fifteen "
                         "people across two teams, and in my first months here I would set up weekly reviews with "
                         "each lead.")
    assert good == {"acknowledged": True, "example": True, "plan": True} and tips == []
    bad, tips = _checks("objection", "I am a fast learner and very motivated.")
    assert bad == {"acknowledged": False, "example": False, "plan": False}
    assert tips[0] == "Acknowledge the concern first (\"That's a fair point, I haven't …\"), then answer it."


def test_own_questions_topics():
    """Judged by the closing yardstick, as above."""
    t, tips = _checks("closing", "What does a typical day look like for the team? How do you support training? "
                      "Could I see the office? What are the benefits like?")
    assert [k for k, passed in t.items() if not passed] == ["growth"] and t["tour"]
    assert tips == ["You did not ask about growth."]
    none, _ = _checks("closing", "When do you need an answer?")
    assert not any(none.values()) and list(none) == [
        "compensation_and_benefits", "tour", "training_and_development", "growth", "team_and_culture"]


def test_round_two_compares_with_round_one_only_when_there_is_one():
    assert round_two(score(ROUND1), score(ROUND1))["similarity"] > 0.9
    assert round_two(score(ROUND1), None) is None


def test_a_question_asking_for_a_different_example_is_compared_with_every_round_one_answer():
    from rehearse.judge.second_round import asks_for_new_example

    ask = ("I know we asked this last time, but tell me again about a difficult problem you solved. "
           "Choose a different example.")
    assert asks_for_new_example(ask) and asks_for_new_example("Tell me about another time you disagreed.")
    assert not asks_for_new_example("In our first conversation you mentioned a project you are proud of. "
                                    "Walk me through your own part in it in more detail.")
    motivation = {**score("i like building tools for people"), "question": "Why here?", "answer_id": 1}
    story = {**score(ROUND1), "question": "Tell me about a difficult problem.", "answer_id": 2}
    r = round_two(score(ROUND1), None, ask, [motivation, story])
    assert r["retold"] and r["compared_with"] == {"question": "Tell me about a difficult problem.", "answer_id": 2}
    assert r["tips"][0].startswith("The question asks for a different example, but this is the story you told "
                                   "in round 1 to \"Tell me about a difficult problem.\"")
    # judged again by a newer checker (feedback.rejudge rebuilds round 2's tips), the tip stays the same
    from rehearse.judge.second_round import round2_tips

    assert round2_tips(r["similarity"], False, True, r["compared_with"]) == r["tips"]
    # the story may end in a round-1 follow-up reply: it counts as told
    split = {**score("our deployment scripts kept failing every week"), "question": "Q", "answer_id": 3,
             "follow_up": {"answer": {"transcript": ROUND1.lower()}}}
    assert round_two(score(ROUND1), None, ask, [motivation, split])["retold"]
    # a question that asks for the same story again is compared with its own answer only, as before
    assert "compared_with" not in round_two(score(ROUND1), score(ROUND1), "Tell me more.", [motivation, story])
