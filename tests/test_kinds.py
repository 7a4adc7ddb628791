"""Each kind of question through the commands a person types (issue 20, items 8, 9, 11, 13, 15, 16),
and an answer the current checker cannot judge again, shown as such."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import soundfile
from click.testing import CliRunner
from conftest import flite, read_float, trim

from rehearse import render
from rehearse.cli import cli
from rehearse.errors import RehearseError
from rehearse.feedback import Feedback
from rehearse.judge.analysis import ANALYSIS_VERSION, analyze, words_from_text
from rehearse.judge.reliability import Reliability
from rehearse.practice import feedback_sentence, recall_text
from rehearse.questions import Question
from rehearse.scoring import Score
from rehearse.store import Store
from rehearse.transcript import Span, Word

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WHY_HERE = "Why do you want to work here?"
WHY_HERE_TEXT = ("I use your route planner every week in my own job, and in my current role I built the depot "
                 "schedule by hand. I want to help build the next version of it here.")
CLOSING_TEXT = "What does a normal week look like for the team, and how do you train new people?"
STORY = ("Our checkout page kept crashing during sales and we were losing orders. "
         "I traced the crashes to a slow query, rewrote it and added a cache. "
         "As a result the page has not crashed since and sales grew by twenty percent.")
NO_STORY_WORDS = re.compile(r"challenge|\b[CAR]:(yes|no)\b|MISSING|story", re.IGNORECASE)


def run(args, **kw):
    return CliRunner().invoke(cli, args, catch_exceptions=False, **kw)


def timed(text: str, start: float = 0.5, step: float = 0.4) -> list[Word]:
    """A transcript as a recognizer gives it: lower case, no punctuation, evenly timed."""
    words = [w for w in words_from_text(text) if w.word not in ".!?;:,"]
    return [Word(w.word, start + i * step, start + i * step + step * 0.8, 0.9) for i, w in enumerate(words)]


def heard_score(text: str, rubric: str, reliable: bool = True, kind: str | None = None) -> Score:
    """The score of a recording of `text`, as `score_heard` makes it (without the audio)."""
    words = timed(text)
    span = Span(words[0].start, words[-1].end)
    a = analyze(words, span, 60.0, from_speech=True)
    rel = Reliability(True, None) if reliable else Reliability(False, "the room is noisy or echoing: try a quieter room")
    more = {"kind": kind} if kind else {}
    return Score("a.wav", "pocketsphinx", "pocketsphinx en-us", span.end + 0.5, span, span.length, a, rel, rubric,
                 **more)


# --- 8: a typed motivation recall, and an unreliable closing answer ------------------------------


def test_a_typed_motivation_recall_is_judged_by_its_own_checks_not_as_a_story():
    r = run(["recall", "--question", WHY_HERE, "--kind", "motivation", "--text", WHY_HERE_TEXT])
    assert r.exit_code == 0 and "Kept as round-1 answer #1" in r.output
    line = run(["history"]).output
    assert "C:no" not in line and "A:no" not in line and "R:no" not in line
    assert re.search(r"\d/3 checks", line), line
    data = json.loads(run(["history", "--json"]).output)
    assert data["car"] is None and data["rubric"] == "why-here" and data["kind"] == "motivation"
    assert [c["name"] for c in data["checks"]] == ["specific", "own_experience", "forward"]
    assert not any("story" in t.lower() or "challenge" in t.lower() for t in data["tips"])


def test_an_unreliable_closing_answer_says_the_answer_could_not_be_judged_without_a_story():
    fb = Feedback.from_json({**heard_score(CLOSING_TEXT, "closing", reliable=False).to_json(),
                             "question": "Do you have any questions for us?", "question_kind": "closing"})
    card = render.card(fb)
    assert "too unsure to judge the answer" in card
    assert not NO_STORY_WORDS.search(card), card
    assert fb.tips and not any("story" in t.lower() for t in fb.tips)
    assert "story" not in feedback_sentence(fb).lower()
    # a story kind keeps saying "story"
    story = Feedback.from_json(heard_score(STORY, "car", reliable=False).to_json())
    assert "Story    not judged" in render.card(story)


# --- 9: a recording too short to judge ------------------------------------------------------------


@pytest.fixture(scope="module")
def half_second(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("short")
    x, rate = read_float(flite("Yes I did.", d / "yes.wav"))
    path = d / "half.wav"
    soundfile.write(str(path), trim(x)[: rate // 2], rate, subtype="PCM_16")
    return path


@pytest.fixture(scope="module")
def story_wav(tmp_path_factory) -> Path:
    return flite(STORY, tmp_path_factory.mktemp("story") / "story.wav")


def test_half_a_second_is_too_short_to_judge(half_second):
    r = run(["score", "--engine", "pocketsphinx", "--jobs", "1", str(half_second)])
    assert r.exit_code == 0
    lines = r.output.strip().splitlines()
    assert lines[0] == str(half_second)
    assert len(lines) == 2 and lines[1].strip().startswith("Too short to judge"), r.output
    for absent in ("Pace", "Length", "Story", "Next time", "Challenge"):
        assert absent not in r.output
    data = json.loads(run(["score", "--json", "--engine", "pocketsphinx", "--jobs", "1", str(half_second)]).output)
    assert data["judged"] is False and data["reason"] == "too_short"
    assert data["car"] is None and data["checks"] == [] and data["tips"] == []
    assert data["kind"] == "behavioural" and data["rubric"] == "car"


def test_a_too_short_file_in_a_batch_is_a_normal_result_line(tmp_path, half_second, story_wav):
    folder = tmp_path / "answers"
    folder.mkdir()
    shutil.copyfile(half_second, folder / "a-half.wav")
    shutil.copyfile(story_wav, folder / "b-story.wav")
    r = run(["score", "--json", "--engine", "pocketsphinx", "--jobs", "1", str(folder)])
    assert r.exit_code == 0
    rows = [json.loads(line) for line in r.output.strip().splitlines()]
    assert [Path(x["file"]).name for x in rows] == ["a-half.wav", "b-story.wav"]
    assert rows[0]["judged"] is False and rows[0]["reason"] == "too_short" and "error" not in rows[0]
    assert rows[1]["judged"] is True and rows[1]["car"]["result"]["covered"]


# --- 11: history with no match; a typed answer with a duration --------------------------------------


def test_history_with_no_matching_question_says_none_matches():
    run(["recall", "--question", WHY_HERE, "--kind", "motivation", "--text", WHY_HERE_TEXT])
    r = run(["history", "--question", "difficult"])
    assert r.exit_code == 0
    assert "No answers yet" not in r.output
    assert "No answer matches \"difficult\"" in r.output


def test_history_of_an_empty_home_still_says_no_answers_yet():
    r = run(["history"])
    assert r.exit_code == 0 and "No answers yet" in r.output


def test_a_typed_answer_with_a_duration_has_no_recording_and_no_pauses(tmp_path):
    f = tmp_path / "answer.txt"
    f.write_text(STORY)
    out = run(["analyze", "--duration", "70", str(f)]).output
    assert "No speech was recognized" not in out
    assert "pauses over" not in out
    assert "Length   1:10" in out and "Pace" in out


# --- 13: --kind takes the rubric names; motivation needs the question -------------------------------


@pytest.mark.parametrize("name, kind", [
    ("car", "behavioural"), ("about-yourself", "motivation"), ("why-here", "motivation"),
    ("why-leaving", "motivation"), ("five-years", "motivation"), ("objection", "objection"),
    ("closing", "closing"), ("behavioural", "behavioural"), ("behavioral", "behavioural"),
    ("second-interview", "second-interview"),
])
def test_kind_takes_every_rubric_name_and_the_json_names_both(tmp_path, name, kind):
    f = tmp_path / "a.txt"
    f.write_text(STORY)
    r = run(["analyze", "--json", "--kind", name, str(f)])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["kind"] == kind
    assert data["rubric"] == (name if name not in ("behavioural", "behavioral", "second-interview") else "car")
    assert (data["car"] is None) == (data["rubric"] != "car")


def test_kind_motivation_without_a_question_is_one_line_naming_the_four_rubrics(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(STORY)
    r = CliRunner().invoke(cli, ["analyze", "--kind", "motivation", str(f)])
    assert r.exit_code != 0
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), r.output
    for name in ("about-yourself", "why-here", "why-leaving", "five-years"):
        assert name in lines[0]


def test_kind_motivation_takes_its_rubric_from_the_question(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("In five years I want to lead the planning team, and I am studying logistics to get there.")
    data = json.loads(run(["analyze", "--json", "--kind", "motivation", "--question",
                           "Where do you see yourself in five years?", str(f)]).output)
    assert data["rubric"] == "five-years" and data["kind"] == "motivation"


def test_an_unknown_kind_names_kinds_and_rubrics(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(STORY)
    r = CliRunner().invoke(cli, ["analyze", "--kind", "teamwork", str(f)])
    assert r.exit_code != 0 and r.output.startswith("Error: ") and len(r.output.strip().splitlines()) == 1
    assert "behavioural" in r.output and "why-leaving" in r.output


def test_recall_takes_a_rubric_name_and_score_json_names_kind_and_rubric(story_wav):
    r = run(["recall", "--question", "What would you bring to the team?", "--kind", "why-here", "--text",
             WHY_HERE_TEXT])
    assert r.exit_code == 0, r.output
    data = json.loads(run(["history", "--json"]).output)
    assert data["kind"] == "motivation" and data["rubric"] == "why-here"
    data = json.loads(run(["score", "--json", "--engine", "pocketsphinx", "--jobs", "1", "--kind",
                           "second-interview", str(story_wav)]).output)
    assert data["kind"] == "second-interview" and data["rubric"] == "car"


def test_every_printed_feedback_json_has_kind():
    fb = Feedback.from_json({**heard_score(WHY_HERE_TEXT, "why-here").to_json(), "question": WHY_HERE,
                             "question_kind": "motivation"})
    assert fb.to_json()["kind"] == "motivation" and fb.to_json()["rubric"] == "why-here"
    assert heard_score(STORY, "car").to_json()["kind"] == "behavioural"
    assert heard_score(WHY_HERE_TEXT, "five-years").to_json()["kind"] == "motivation"
    from rehearse.feedback import no_answer_json

    assert no_answer_json(Question("Why us?", "motivation"), "silence")["kind"] == "motivation"


# --- 15: the report's plots ------------------------------------------------------------------------


def _spoken(store: Store, text: str, question: str, kind: str, rubric: str, answer_s: float) -> Feedback:
    words = timed(text, step=answer_s / max(len(timed(text)), 1))
    span = Span(words[0].start, words[-1].end)
    from rehearse.judge.kinds import target_s_for

    a = analyze(words, span, target_s_for(rubric, None), from_speech=True)
    score = Score(None, "pocketsphinx", "m", span.end + 0.3, span, span.length, a, Reliability(True, None), rubric)
    data = {**score.to_json(), "question": question, "question_kind": kind, "ended_by": "silence",
            "audio_path": None}
    return store.add_answer(Feedback.from_json(data))


def test_progress_draws_a_typed_answer_as_typed_and_each_kind_with_its_own_band(tmp_path):
    from rehearse.report import progress_svg

    store = Store(tmp_path / "h")
    recall_text(store, Question("Why are you leaving your current job?", "motivation"),
                "I want to work on larger projects, and I am ready to lead a team of my own.")
    _spoken(store, "I want to work on larger projects and I am ready to lead a team of my own now",
            "Why are you leaving your current job?", "motivation", "why-leaving", 35.0)
    rows = store.answers()
    svg = progress_svg(rows, "Why are you leaving your current job?")
    typed, spoken = sorted(rows, key=lambda r: r.created_at)
    assert "0 wpm" not in svg  # the typed answer has no pace
    assert svg.count("<circle") == 1  # and no point
    assert ">typed<" in svg
    assert "on target 0:20–1:00" in svg and "1:30–2:30" not in svg
    assert f"#{typed.answer_id}" in svg and "typed" in svg.split(f"#{typed.answer_id}")[1].split("</")[0]


def _bbox(page, selector: str, text: str | None = None) -> dict:
    return page.evaluate(
        """([sel, text]) => { const els = Array.from(document.querySelectorAll(sel))
             .filter(e => text === null || e.textContent === text);
           const e = els[0]; const b = e.getBoundingClientRect(); const s = e.ownerSVGElement || e;
           const r = s.getBoundingClientRect();
           return {x: b.left - r.left, y: b.top - r.top, w: b.width, h: b.height, right: r.width}; }""",
        [selector, text])


def test_report_labels_are_not_clipped_and_do_not_cover_the_pace_line(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed; run ./test.sh, which installs it")
    from playwright.sync_api import sync_playwright

    from rehearse.report import write_report

    store = Store(tmp_path / "h")
    # 180 words a minute all through: the line runs just under the top of the band, by its label
    fb = _spoken(store, " ".join(["word"] * 60), "Tell me about a time you solved a problem.", "behavioural", "car",
                 20.0)
    page_path = write_report(store, all_answers=True, output=tmp_path / "r.html")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.goto(page_path.as_uri())
            label = _bbox(page, f"#answer-{fb.answer_id} svg.timeline text", "0:00")
            assert label["x"] >= 0, label  # the whole "0:00" is inside the drawing
            band = _bbox(page, f"#answer-{fb.answer_id} svg.pace text.band-label")
            plot = _bbox(page, f"#answer-{fb.answer_id} svg.pace rect.plot-area")
            assert band["y"] + band["h"] <= plot["y"] + 0.5, (band, plot)  # above where the line is drawn
        finally:
            browser.close()


# --- 16: labels, plurals, headers, exits, help -----------------------------------------------------


def test_card_labels_never_run_into_their_values():
    fb = Feedback.from_json({**heard_score(CLOSING_TEXT + " What benefits come with the role?", "closing")
                             .to_json(), "question_kind": "closing"})
    card = render.card(fb)
    assert re.search(r"Compensation and benefits +(yes|no)", card), card
    assert not re.search(r"[a-z](yes|no)\b", card.replace("Heard by", "")), card
    why = Feedback.from_json(heard_score(WHY_HERE_TEXT, "why-here").to_json())
    assert re.search(r"Own experience +(yes|no)", render.card(why))


def test_stats_reads_naturally():
    out = render.stats({"answers": 12, "questions": 11, "sessions": 3, "practice_s": 600.0,
                        "on_target_share": 0.5, "complete_car_share": None, "most_missing": "result",
                        "missing_counts": {"result": 1}})
    assert "12 to 11 questions" not in out
    assert "12 answers to 11 questions in 3 sessions" in out
    assert "(1 answer)" in out and "(1 answers)" not in out
    one = render.stats({"answers": 1, "questions": 1, "sessions": 1, "practice_s": 60.0, "on_target_share": None,
                        "complete_car_share": None, "most_missing": None, "missing_counts": {}})
    assert "1 answer to 1 question in 1 session" in one


def test_questions_list_has_a_header_for_every_column():
    lines = run(["questions", "list", "--bank", "objection"]).output.splitlines()
    assert lines[0].split() == ["Practised", "Kind", "Question"]
    assert re.match(r"\s+0\s+objection\s+\S", lines[1])


def test_model_list_with_no_model_says_so_and_exits_0():
    r = CliRunner().invoke(cli, ["model", "list"])
    assert r.exit_code == 0
    assert "No Vosk model is installed" in r.stdout


def test_drill_help_says_it_writes_events():
    out = run(["drill", "--help"]).output
    assert "One JSON object per answer" not in out
    assert "One JSON event per line" in out
    assert "One JSON object per answer" in run(["interview", "--help"]).output


# --- an answer the current checker cannot judge again -----------------------------------------------


def test_an_answer_the_new_checker_cannot_rejudge_is_marked_older(tmp_path, monkeypatch):
    store = Store(tmp_path / "h")
    fb = _spoken(store, STORY, "Tell me about a time you solved a problem.", "behavioural", "car", 40.0)
    old = {**fb.to_json(), "analysis_version": ANALYSIS_VERSION - 1}
    store.update_answer(Feedback.from_json(old))

    def broken(*a, **k):
        raise RehearseError("the C/A/R model file car_model.npz fails its self-check")

    monkeypatch.setattr("rehearse.judge.analysis.analyze", broken)
    got = store.answer(fb.answer_id)
    assert got.data["rejudged"] is False and got.data["analysis_version"] == ANALYSIS_VERSION - 1
    assert "self-check" in got.data["rejudge_error"]
    card = render.card(got)
    assert "could not be re-judged" in card and f"version {ANALYSIS_VERSION - 1}" in card
    assert "not re-judged" in render.history([got])
    r = CliRunner().invoke(cli, ["history", "--json"], env={"REHEARSE_HOME": str(tmp_path / "h")},
                           catch_exceptions=False)
    data = json.loads(r.output)
    assert data["rejudged"] is False and data["analysis_version"] == ANALYSIS_VERSION - 1
    # once the checker works again the answer is judged by it
    monkeypatch.undo()
    again = Store(tmp_path / "h").answer(fb.answer_id)
    assert again.data.get("rejudged") is not False and again.data["analysis_version"] == ANALYSIS_VERSION
