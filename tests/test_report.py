"""The report page, loaded in a real headless Chromium: transcript, timeline, word-click seeking,
no network requests, and a screenshot."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import LIBRIVOX, SAMPLE_ANSWER
from test_score_cli import rehearse

from rehearse.audio import FileSource
from rehearse.feedback import Feedback
from rehearse.scoring import hear, score_heard
from rehearse.speech import PocketSphinxEngine
from rehearse.store import Store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def engine():
    return PocketSphinxEngine()


def store_answer(store, engine, session_id, question, wav: Path) -> int:
    src = FileSource(wav)
    score = score_heard(hear(src, engine), engine, src.duration_s, file=str(wav))
    kept = store.new_audio_path("answer")
    shutil.copyfile(wav, kept)
    data = {**score.to_json(), "session_id": session_id, "question": question, "audio_path": str(kept),
            "ended_by": "silence", "feedback_latency_s": 0.01}
    return store.add_answer(Feedback.from_json(data)).answer_id


@pytest.fixture(scope="module")
def report_page(tmp_path_factory, engine):
    root = tmp_path_factory.mktemp("rehearse-home")
    store = Store(root)
    first = store.start_session("interview")
    store_answer(store, engine, first, "Tell me about a time you fixed a backlog.", SAMPLE_ANSWER)
    store.end_session(first)
    second = store.start_session("interview")
    ids = [store_answer(store, engine, second, "Tell me about a time you fixed a backlog.", SAMPLE_ANSWER),
           store_answer(store, engine, second, "Why do you want this job?",
                        LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0870.wav")]
    store.end_session(second)
    store.close()
    out = root / "page.html"
    proc = rehearse("report", "-o", str(out), env={"REHEARSE_HOME": str(root)})
    assert proc.stdout.strip() == str(out)
    return out, ids


def test_report_is_self_contained(report_page):
    out, ids = report_page
    text = out.read_text()
    assert "http://" not in text and "https://" not in text  # no CDN, no fonts, no trackers
    assert text.count("data:audio/wav;base64,") == 2  # the two answers of the latest session
    assert all(f'id="answer-{i}"' in text for i in ids)
    assert "Progress" in text and "Sessions" in text


def test_report_in_headless_chromium(report_page, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed; run ./test.sh, which installs it")
    from playwright.sync_api import sync_playwright

    out, ids = report_page
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--no-first-run", "--autoplay-policy=no-user-gesture-required"],
        )
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(out.as_uri())
            section = page.locator(f"#answer-{ids[0]}")
            words = section.locator(".w")
            assert words.count() > 200  # the transcript of a two-minute answer
            for part in ("challenge", "action", "result"):
                assert section.locator(f"svg.timeline rect.seg.{part}").count() >= 1
            assert section.locator("svg.timeline rect.target").count() == 1
            assert section.locator("svg.pace polyline").count() == 1
            page.wait_for_function(f"document.querySelector('#answer-{ids[0]} audio').readyState >= 1")
            target = words.nth(120)
            start = float(target.get_attribute("data-s"))
            assert start > 30
            target.click()
            page.wait_for_function(
                f"Math.abs(document.querySelector('#answer-{ids[0]} audio').currentTime - {start}) < 0.6")
            page.evaluate(f"document.querySelector('#answer-{ids[0]} audio').pause()")
            page.evaluate(f"(() => {{ const a = document.querySelector('#answer-{ids[0]} audio');"
                          f" a.currentTime = {start}; a.dispatchEvent(new Event('seeked')); }})()")
            assert section.locator(".w.now").count() == 1
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000
            shutil.copyfile(shot, Path(__file__).parent.parent / ".report-screenshot.png")
        finally:
            browser.close()
    assert requests and all(u.startswith(("file:", "data:")) for u in requests), requests


def test_report_errors(tmp_path):
    proc = rehearse("report", check_ok=False)
    assert proc.returncode == 1 and "no answers recorded yet" in proc.stderr


def test_report_of_written_answers_without_audio(tmp_path):
    env = {"REHEARSE_HOME": str(tmp_path / "h")}
    rehearse("recall", "--question", "Why us?", "--text", "I like your products. I built a similar tool.", env=env)
    out = tmp_path / "r.html"
    rehearse("report", "--all", "-o", str(out), env=env)
    text = out.read_text()
    assert "not on this machine" in text and "No words were recognized" in text and "Why us?" in text


def test_timeline_bands_follow_the_clauses_labels():
    """The client's threat before the actions is no result: the timeline colours only the result's
    clauses as Result, and the time it shows for each part follows the clauses' own labels."""
    import re

    from test_analysis import THREAT_SPOKEN, labelled_words

    from rehearse.judge.analysis import analyze
    from rehearse.report import timeline_svg
    from rehearse.transcript import Span

    words, parts = labelled_words(THREAT_SPOKEN, timed_words=True)
    a = analyze(words, Span(words[0].start, words[-1].end))
    score = {"duration_s": words[-1].end + 0.5, "car": a.car_json(), "length": a.length.to_json(),
             "clauses": [{**c.evidence(), "label": c.label} for c in a.clauses]}
    svg = timeline_svg(score)
    bands = re.findall(r'<rect class="seg (\w+)"[^>]*><title>\w+ [\d:]+: ([^<]*)</title>', svg)
    assert len(bands) == len(a.clauses)
    result = [text for label, text in bands if label == "result"]
    assert result and all("competitor" not in t and "floor" not in t for t in result), result
    assert any("picking errors fell" in t for t in result)
    assert any(label == "action" and "three days on the floor" in t for label, t in bands)
    # the share of time is about the result sentences' share of the words (about a quarter), not 36 %
    truth = parts.count("R") / len(parts)
    assert abs(a.car["result"]["share"] - truth) < 0.06 and a.car["result"]["share"] < 0.3
