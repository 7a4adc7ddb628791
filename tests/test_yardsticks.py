"""Each kind of question judged by its own yardstick: pure checks on answers written here."""

from __future__ import annotations

import pytest

from rehearse.judge.analysis import analyze, words_from_text
from rehearse.judge.kinds import CAR, KindError, target_for
from rehearse.judge.question_kind import kind_from_wording
from rehearse.judge.yardsticks import check_names, judge
from rehearse.questions import BankError, infer_kind, load_bank, normalize_kind, parse_bank, rubric_for
from rehearse.transcript import Span, Word

CAR_TIPS = ("challenge", "Say what you did", "No result stated", "result has no measure", "first action", "'we'")


def judged(rubric: str, text: str, seconds: float | None = None):
    words = words_from_text(text)
    if seconds is None:
        return judge(rubric, analyze(words))
    # spread the words evenly over `seconds`, as a recognizer would time them
    step = seconds / max(len(words), 1)
    timed = [Word(w.word, i * step, (i + 0.8) * step) for i, w in enumerate(words)]
    return judge(rubric, analyze(timed, Span(0.0, seconds), target_s=target_for(rubric)[0]))


def passed(coaching) -> dict[str, bool]:
    return {c.name: c.passed for c in coaching.checks}


def test_five_year_answer_gets_no_car_verdicts_or_tips():
    c = judged("five-years", "In five years I'd like to be leading a small support team here. To get there I want "
                             "to learn the billing side first and then mentor the new starters.", seconds=25)
    assert c.rubric == "five-years"
    assert passed(c) == {"ambition": True, "growth": True}
    out = c.to_json()
    assert "car" not in out and {ch["name"] for ch in out["checks"]} == {"ambition", "growth"}
    assert not any(word in tip for tip in c.tips for word in CAR_TIPS)
    assert c.length.verdict == "short" and any("0:25" in t for t in c.tips)  # its own target: 30-60 s


def test_vague_five_year_answer_fails_both_checks_with_its_own_tips():
    c = judged("five-years", "i don't really know i just take things as they come")
    assert passed(c) == {"ambition": False, "growth": False}
    assert len(c.tips) == 2 and not any(word in tip for tip in c.tips for word in CAR_TIPS)


def test_motivation_and_closing_never_get_car_tips_even_for_storyless_answers():
    for rubric in ("about-yourself", "why-here", "why-leaving", "five-years", "closing"):
        c = judged(rubric, "i am not sure what to say really", seconds=10)
        assert c.tips and not any(word in tip for tip in c.tips for word in CAR_TIPS), rubric


def test_generic_why_here_fails_specific_and_names_the_phrase():
    c = judged("why-here", "You have a great culture and lots of growth opportunities, and I think I would fit in well.")
    spec = c.check("specific")
    assert not spec.passed
    assert "great culture" in spec.tip and "says nothing about us" in spec.tip
    assert any("great culture" in e["text"] for e in spec.evidence)
    assert spec.tip in c.tips


def test_specific_why_here_passes_with_evidence():
    c = judged("why-here", "I read that you opened a second clinic in the north last spring with evening appointments "
                           "for shift workers. In my current practice I set up our evening rota, and I'd like to help "
                           "you grow that service.")
    assert passed(c) == {"specific": True, "own_experience": True, "forward": True}
    assert any("opened a second clinic" in e["text"] for e in c.check("specific").evidence)
    assert c.check("specific").tip is None


def test_specific_why_here_passes_in_recognizer_form_too():
    c = judged("why-here", "the job ad says this role owns supplier onboarding end to end and i would love to "
                           "build it into something other teams can copy")
    assert c.check("specific").passed and c.check("forward").passed
    assert not c.check("own_experience").passed


def test_criticising_the_boss_fails_why_leaving():
    c = judged("why-leaving", "My manager is honestly terrible. He micromanages everything and never listens to "
                              "anyone, and the whole place is a mess.")
    assert passed(c) == {"looks_forward": False, "no_criticism": False}
    crit = c.check("no_criticism")
    assert any("terrible" in e["text"] for e in crit.evidence) and "criticism" in crit.tip


def test_forward_looking_reason_without_blame_passes():
    c = judged("why-leaving", "i have learned a lot there in four years but i am ready for a role where i lead "
                              "people and that is not possible in a team of three")
    assert passed(c) == {"looks_forward": True, "no_criticism": True}


def test_grievance_with_a_forward_tail_still_fails_no_criticism():
    c = judged("why-leaving", "my boss doesn't appreciate anything we do but i want to lead projects")
    assert passed(c) == {"looks_forward": True, "no_criticism": False}


def test_objection_and_closing_checks():
    c = judged("objection", "That's a fair point, I haven't worked in insurance. When I moved into banking I learned "
                            "the regulations in two months. Here I would shadow the claims team first.")
    assert passed(c) == {"acknowledged": True, "example": True, "plan": True}
    c = judged("closing", "What does a typical week look like for the team? Is there a pension? Could I see the "
                          "kitchen before I go?")
    assert passed(c) == {"compensation_and_benefits": True, "tour": True, "training_and_development": False,
                         "growth": False, "team_and_culture": True}
    assert any("training and development or growth" in t for t in c.tips)


def test_about_yourself_checks():
    c = judged("about-yourself", "I'm a logistics coordinator at a food wholesaler. Before that I redesigned the "
                                 "picking routes in our warehouse, which cut walking time by a fifth. That's why this "
                                 "planning role appeals to me now.")
    assert passed(c) == {"present": True, "highlight": True, "why_now": True}
    c = judged("about-yourself", "so i grew up in leeds and i have a dog and i like hiking at the weekends")
    assert passed(c) == {"present": False, "highlight": False, "why_now": False}


def test_behavioural_keeps_car_checks_and_json_shape():
    c = judged(CAR, "Our invoicing run kept failing at month end. I traced it to a rounding bug and rewrote the "
                    "calculation. Since then it has not failed once.")
    assert [ch.name for ch in c.checks] == ["challenge", "action", "result"] and all(passed(c).values())
    ev = c.to_json()["checks"][1]["evidence"][0]
    assert set(ev) == {"text", "start", "end"} and ev["start"] is None


def test_evidence_carries_clause_times_from_speech():
    c = judged("why-leaving", "my manager is terrible and never listens", seconds=6)
    ev = c.check("no_criticism").evidence[0]
    assert ev["start"] is not None and ev["end"] > ev["start"]


@pytest.mark.parametrize("question,kind,rubric", [
    ("Tell me about a time you calmed an angry client.", "behavioural", "car"),
    ("Describe a situation where you had to change plans at short notice.", "behavioural", "car"),
    ("Last time you mentioned your warehouse project. What was your own part?", "second-interview", "car"),
    ("Why do you want to join this team?", "motivation", "why-here"),
    ("What made you decide to leave your current employer?", "motivation", "why-leaving"),
    ("Where would you like to be five years from now?", "motivation", "five-years"),
    ("Could you tell us a little about yourself?", "motivation", "about-yourself"),
    ("You have never managed a budget this size. Why should we trust you with it?", "objection", "objection"),
    ("Before we wrap up, do you have any questions for us?", "closing", "closing"),
    ("What is your favourite colour?", "behavioural", "car"),  # nothing to go on: the default
])
def test_kind_from_question_wording(question, kind, rubric):
    assert kind_from_wording(question) == kind
    assert infer_kind(question) == (kind, rubric)


def test_builtin_questions_keep_their_bank_kind():
    for q in load_bank():
        assert infer_kind(q.text)[0] == q.kind, q.text


def test_builtin_questions_carry_their_rubric_and_it_is_used():
    """A built-in question's yardstick comes from the bank, not from a wording rule written for its text."""
    bank = load_bank()
    for q in bank:
        assert (q.rubric is not None) == (q.kind == "motivation"), q.text
        assert rubric_for(q.kind, q.text) == (q.rubric or rubric_for(q.kind)), q.text
    assert {q.rubric for q in bank if q.rubric} == {"about-yourself", "why-here", "why-leaving", "five-years"}


def test_a_bank_may_name_a_rubric_and_a_wrong_one_is_refused():
    bank = parse_bank('[[question]]\ntext = "What gets you up in the morning?"\nkind = "motivation"\n'
                      'rubric = "five-years"\n', "bank.toml")
    assert bank[0].rubric == "five-years"
    with pytest.raises(BankError, match="rubric 'why_here'; use one of car, about-yourself"):
        parse_bank('[[question]]\ntext = "Why us?"\nkind = "motivation"\nrubric = "why_here"\n', "b.toml")


def test_custom_bank_kind_respected_in_both_spellings():
    bank = parse_bank('[[question]]\ntext = "Why us?"\nkind = "motivation"\n'
                      '[[question]]\ntext = "Any questions for us?"\nkind = "behavioral"\n'
                      '[[question]]\ntext = "Tell me about a time you failed."\nkind = "Behavioural"\n', "bank.toml")
    assert [q.kind for q in bank] == ["motivation", "behavioural", "behavioural"]
    # the bank's kind wins over what the wording suggests
    assert rubric_for(bank[1].kind, bank[1].text) == "car"
    assert rubric_for(bank[0].kind, bank[0].text) == "why-here"
    with pytest.raises(BankError, match="question 1 has kind 'pep-talk'"):
        parse_bank('[[question]]\ntext = "Hi?"\nkind = "pep-talk"\n', "bank.toml")
    assert normalize_kind("behavioral") == "behavioural" and normalize_kind("nonsense") is None
    assert {q.kind for q in load_bank("behavioral")} == {"behavioural"}


def test_unknown_kind_or_rubric_is_refused():
    with pytest.raises(KindError, match="unknown question kind 'smalltalk'"):
        rubric_for("smalltalk")
    with pytest.raises(KindError):
        target_for("vibes")
    assert rubric_for("behavioral") == "car" and check_names("why-leaving") == ("looks_forward", "no_criticism")


def test_targets_are_the_readmes():
    """Each rubric's target and on-target band is the one the README's table promises."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    row = re.compile(r"^\|[^|]*\(`([a-z-]+)`\) \|[^|]*\| (\d+):(\d\d) \((\d+):(\d\d)-(\d+):(\d\d)\) \|$", re.M)
    promised = {m[1]: tuple(60.0 * int(m[i]) + int(m[i + 1]) for i in (2, 4, 6)) for m in row.finditer(readme)}
    assert set(promised) == {"car", "about-yourself", "why-here", "why-leaving", "five-years", "objection",
                             "closing"}
    for rubric, figures in promised.items():
        assert target_for(rubric) == figures, rubric
    assert target_for("car") == (120.0, 90.0, 150.0) and target_for("why-leaving") == (40.0, 20.0, 60.0)


def test_claimed_qualities_are_named_back_not_taken_as_a_present_role():
    c = judged("about-yourself", "Well, I am a hard worker and a team player, and friends say I am loyal.")
    assert passed(c) == {"present": False, "highlight": False, "why_now": False}
    assert "'hard worker' is a claim" in c.check("highlight").tip
    assert judged("about-yourself", "I am a really experienced chef at a hotel.").check("present").passed
    c = judged("objection", "i am a really fast learner and very motivated so it will not be a problem")
    assert passed(c) == {"acknowledged": False, "example": False, "plan": False}
    assert "'fast learner' is a claim" in c.check("example").tip
