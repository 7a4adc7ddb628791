"""The learned per-kind checks and the question-kind reader (kind_checks.py, kind_checks.npz): the trial
answers of issue 21 judged right, generic praise never specific, evidence from a clause that carries the
check, the model's self-check, and the training script's bit-for-bit rebuild on a tiny fixture."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from training.car_data import recognizer_form

from rehearse import questions
from rehearse.judge import kind_checks, question_kind, wording, yardsticks
from rehearse.judge.analysis import analyze, words_from_text
from rehearse.judge.car_model import save_model

REPO = Path(__file__).resolve().parents[1]
FORMS = ("prose", "asr")


def judged(rubric: str, text: str, form: str = "prose") -> yardsticks.Coaching:
    return yardsticks.judge(rubric, analyze(words_from_text(text if form == "prose" else recognizer_form(text))))


# --- the trial answers of issue 21, each written in full around the quoted words -------------------

PRAISE_ONLY = ("Well, I have wanted to work here for a long time. I am passionate about what you do, I am a hard "
               "worker and a team player. I think I would fit in really well.")


@pytest.mark.parametrize("form", FORMS)
def test_passion_hard_work_and_team_player_are_not_specific(form):
    check = judged("why-here", PRAISE_ONLY, form).check("specific")
    assert not check.passed
    assert "says nothing about us" in check.tip or "only this company" in check.tip


@pytest.mark.parametrize("form", FORMS)
def test_a_cut_short_great_is_not_specific(form):
    # spoken, the recogniser stopped after "great": nothing about the company was said
    assert not judged("why-here", "because you have a great", form).check("specific").passed


PARAPHRASED_PRAISE = [
    "Honestly you are a great company with a great culture, and everyone says it is a brilliant place to work.",
    "I have heard great things about you, you have a really good reputation and it seems like a fun environment.",
    "You are one of the leading names in the industry and I love your values. I am a people person and a fast "
    "learner.",
    "It is a successful company that is growing fast, there are lots of growth opportunities, and I am very "
    "motivated.",
]
NOT_SPECIFIC = [
    "I need a job closer to home, and the hours suit me.",
    "I want to learn more and take on more responsibility.",
    "I am looking for a change after a long time in the same place.",
]
OTHER_BASES = [
    "I have worked in retail for six years and I would like to keep doing that.",
    "You opened a night clinic for shift workers last spring, and I want to work in it.",
]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("praise", PARAPHRASED_PRAISE)
def test_generic_praise_alone_is_not_specific(praise, form):
    assert not judged("why-here", praise, form).check("specific").passed


@pytest.mark.parametrize("praise", PARAPHRASED_PRAISE + [PRAISE_ONLY])
@pytest.mark.parametrize("base", NOT_SPECIFIC + OTHER_BASES)
def test_adding_generic_praise_never_makes_an_answer_specific(base, praise):
    before = judged("why-here", base).check("specific").passed
    assert before is (base in OTHER_BASES[1:]) or base in OTHER_BASES
    for text in (f"{praise} {base}", f"{base} {praise}"):
        assert judged("why-here", text).check("specific").passed <= before, text


def test_specific_words_beside_praise_still_count_and_the_evidence_is_not_the_praise():
    text = ("You have a great culture. You opened a night clinic for shift workers last spring, and I spent five "
            "years on nights myself, so I would like to help it grow.")
    check = judged("why-here", text).check("specific")
    assert check.passed
    quoted = " ".join(e["text"] for e in check.evidence)
    assert "night clinic" in quoted and "great culture" not in quoted


PROUDEST = ("The thing I am proudest of is cutting our picking error rate from five percent to under one percent, "
            "which saved our biggest client contract.")


@pytest.mark.parametrize("form", FORMS)
def test_a_highlight_with_a_measured_outcome_is_a_highlight(form):
    text = ("I started in the warehouse straight from school and worked my way up. " + PROUDEST
            + " I would like to run a bigger site next.")
    check = judged("about-yourself", text, form).check("highlight")
    assert check.passed
    assert any("picking error" in e["text"] or "one percent" in e["text"] or "client contract" in e["text"]
               for e in check.evidence)


@pytest.mark.parametrize("form", FORMS)
def test_the_highlight_answer_that_says_the_current_role_is_present_too(form):
    text = ("I'm a shift manager at a frozen food warehouse, where I run a team of twelve pickers. " + PROUDEST
            + " Now I'm ready to manage a whole site, which is why this role appeals to me.")
    coaching = judged("about-yourself", text, form)
    assert coaching.check("highlight").passed and coaching.check("present").passed
    assert any("shift manager" in e["text"] for e in coaching.check("present").evidence)


LOSE_TRACK = "What kind of work makes you lose track of time?"


def test_lose_track_of_time_is_not_a_why_here_question_by_its_wording():
    # What the question asks is the person: the work that absorbs them, shown by an example with what came
    # of it, and why this role gives more of it: present, highlight, why-now. Nothing in it asks for
    # something only this company has, which is all why-here's first check wants.
    assert question_kind.kind_from_wording(LOSE_TRACK) == "motivation"
    assert question_kind.rubric_for("motivation", LOSE_TRACK) == "about-yourself"
    assert questions.infer_kind(LOSE_TRACK) == ("motivation", "about-yourself")  # the bank says the same
    for reworded in ("What sort of tasks make you lose track of time?",
                     "What work are you doing when the hours fly by?"):
        kind = question_kind.kind_from_wording(reworded)
        assert (kind, question_kind.rubric_for(kind, reworded)) != ("motivation", "why-here"), reworded


# --- evidence from the clause that carries the check ------------------------------------------------


def test_learned_checks_quote_only_clauses_of_the_answer():
    model = yardsticks.kind_model()
    texts = {
        "about-yourself": "I'm a dispatcher at a parcel depot. Last year I rebuilt our routes and late deliveries "
                          "fell by a third. I want to lead a team now.",
        "five-years": "In five years I would like to run the training team here, and I am doing a coaching course.",
        "why-here": "I read that you opened a repair workshop in every store, and I want to help run it.",
    }
    for rubric, text in texts.items():
        analysis = analyze(words_from_text(text))
        clauses = {c.text for c in analysis.clauses}
        for check in yardsticks.judge(rubric, analysis).checks:
            assert all(e["text"] in clauses for e in check.evidence), (rubric, check)
            if model.uses_model(rubric, check.name) and check.passed:
                assert check.evidence, (rubric, check.name)


# --- the question-kind reader -------------------------------------------------------------------------

@pytest.mark.parametrize("question,kind", [
    ("So, could you start by telling me a little about yourself?", "motivation"),
    ("Can you give me an example of a time you had to calm down an angry customer?", "behavioural"),
    ("You've never worked in a hospital before. Why should we take a chance on you?", "objection"),
    ("Before we wrap up, is there anything you'd like to ask us?", "closing"),
    ("Last time you told us about the rota you rebuilt. What would you do differently now?", "second-interview"),
])
def test_kind_from_wording_of_questions_written_here(question, kind):
    assert question_kind.kind_from_wording(question) == kind


def test_builtin_questions_keep_the_kind_and_rubric_of_the_bank():
    from rehearse.questions import load_bank

    for q in load_bank():
        assert questions.infer_kind(q.text)[0] == q.kind
        assert questions.rubric_for(q.kind, q.text) == (q.rubric or question_kind.rubric_for(q.kind)), q.text


# --- the model file -----------------------------------------------------------------------------------


def test_model_ships_loads_and_passes_its_self_check():
    path = kind_checks.MODEL_PATH
    assert path.exists() and path.stat().st_size < 400_000
    model = yardsticks.kind_model()
    assert model is yardsticks.kind_model()
    assert len(model.self_check["probabilities"]) >= len(kind_checks.KIND_CLASSES) + len(kind_checks.RUBRIC_CLASSES)
    assert "kind_checks.npz" in (REPO / "pyproject.toml").read_text()


def test_a_model_that_does_not_match_the_code_is_refused_naming_the_file(tmp_path):
    with np.load(kind_checks.MODEL_PATH, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["question.kind.intercept"] = arrays["question.kind.intercept"] + 1e-3
    bad = tmp_path / "kind_checks.npz"
    save_model(bad, arrays)
    with pytest.raises(kind_checks.KindModelError) as e:
        yardsticks.kind_model(bad)
    assert str(bad) in str(e.value) and "\n" not in str(e.value)


def test_an_unreadable_model_is_one_clear_error(tmp_path):
    bad = tmp_path / "kind_checks.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(kind_checks.KindModelError, match="cannot read the per-kind check model"):
        kind_checks.read_model(bad)
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("x.npy", b"")
    with pytest.raises(kind_checks.KindModelError):
        kind_checks.read_model(bad)


def test_training_script_rebuilds_a_self_checked_model_bit_for_bit(tmp_path):
    fixture = tmp_path / "tiny"
    shutil.copytree(REPO / "tests" / "data" / "kinds_tiny", fixture)
    outs = []
    for k in range(2):
        out = tmp_path / f"tiny{k}.npz"
        cmd = [sys.executable, str(REPO / "training" / "train_kinds.py"), "--data", str(fixture), "--out", str(out),
               "--learned-everywhere"]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    model = yardsticks.kind_model(tmp_path / "tiny0.npz")  # loads and passes its own self-check
    assert model.uses_model("why-here", "specific") and not model.uses_model("objection", "plan")
    assert model.question_kind("Do you have any questions for me?",
                               wording.question_cues("Do you have any questions for me?")) == "closing"
