"""The practice database: schema upgrades from every version, two writers at once, privacy."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import stat

import pytest

from rehearse.errors import RehearseError
from rehearse.feedback import Feedback
from rehearse.store import MIGRATIONS, SCHEMA_VERSION, Store

SCORE = {"duration_s": 3.0, "answer_s": 2.5, "wpm": 130.0, "transcript": "i fixed it",
         "length": {"verdict": "short"}, "car": {"action": {"covered": True}}}


def answer(session_id, question) -> Feedback:
    return Feedback.from_json({**SCORE, "session_id": session_id, "question": question, "ended_by": "silence"})


def database_at(path, version: int) -> None:
    """A database as an older rehearse left it, with one answer in it when it has the table."""
    db = sqlite3.connect(path)
    for step in range(version):
        db.executescript(MIGRATIONS[step])
    db.execute(f"PRAGMA user_version = {version}")
    if version >= 1:
        db.execute("INSERT INTO sessions (kind, started_at) VALUES ('interview', 1.0)")
        db.execute("INSERT INTO questions (text) VALUES ('Old question?')")
        db.execute("INSERT INTO answers (session_id, question_id, created_at, ended_by, score_json) "
                   "VALUES (1, 1, 2.0, 'silence', '{\"transcript\": \"old answer\"}')")
    db.commit()
    db.close()


@pytest.mark.parametrize("version", range(SCHEMA_VERSION + 1))
def test_upgrade_from_every_earlier_version(tmp_path, version):
    database_at(tmp_path / "rehearse.db", version)
    store = Store(tmp_path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    rows = store.answers()
    if version >= 1:
        assert [r.transcript for r in rows] == ["old answer"]  # nothing lost on the way
        assert rows[0].question == "Old question?" and rows[0].ended_by == "silence"
    store.add_answer(answer(None, "New question?"))
    assert len(store.answers()) == (2 if version >= 1 else 1)
    cols = {r[1] for r in store.db.execute("PRAGMA table_info(answers)")}
    assert "round" in cols
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_newer_database_is_refused(tmp_path):
    db = sqlite3.connect(tmp_path / "rehearse.db")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(RehearseError, match="newer rehearse"):
        Store(tmp_path)


def test_not_a_database_is_refused(tmp_path):
    (tmp_path / "rehearse.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(RehearseError, match="cannot be used"):
        Store(tmp_path)


def _writer(root, n, tag):
    store = Store(root)
    sid = store.start_session("interview")
    for i in range(n):
        store.add_answer(answer(sid, f"{tag} question {i % 3}"))
    store.end_session(sid)
    store.close()


def test_two_sessions_at_once_never_corrupt(tmp_path):
    Store(tmp_path).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(tmp_path, 60, tag)) for tag in ("a", "b", "c")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    store = Store(tmp_path)
    assert len(store.answers()) == 180
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert sorted(store.practice_counts().values()) == [20] * 9


def test_files_are_private(tmp_path):
    store = Store(tmp_path / "home")
    assert stat.S_IMODE((tmp_path / "home").stat().st_mode) == 0o700
    assert stat.S_IMODE(store.answers_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    path = store.new_audio_path("answer")
    import numpy as np

    from rehearse.audio import write_wav

    write_wav(path, np.zeros(1600, dtype=np.float32))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_answers_scored_by_an_older_checker_are_judged_again_when_read(tmp_path):
    """History, stats and the report never mix two versions of the checker."""
    from rehearse.judge.analysis import ANALYSIS_VERSION

    store = Store(tmp_path)
    text = ("Our checkout kept failing every Friday. I rewrote the payment retry myself. "
            "As a result, failed orders fell by half within a month.")
    old = {"transcript": text, "answer_s": None, "question": "Tell me about a time you fixed something.",
           "ended_by": "text", "analysis_version": 0, "tips": ["an old tip"],
           "car": {k: {"covered": False, "share": 0.0, "evidence": []} for k in ("challenge", "action", "result")}}
    kept = store.add_answer(Feedback.from_json(old))
    row = store.answers()[0]
    assert row.answer_id == kept.answer_id and row.data["reanalysed_from"] == 0
    assert row.covered("result") and row.covered("action") and "an old tip" not in row.tips
    raw = store.db.execute("SELECT score_json FROM answers").fetchone()[0]
    assert '"analysis_version": 0' in raw  # the stored record keeps the version it was scored with
    assert ANALYSIS_VERSION != 0


def test_a_judgement_made_again_is_kept_so_the_next_read_is_instant(tmp_path):
    """After an upgrade each old answer is re-analysed once; later reads use the kept judgement,
    which is dropped when the answer itself is rewritten."""
    from rehearse.judge.analysis import ANALYSIS_VERSION

    store = Store(tmp_path)
    text = ("Our checkout kept failing every Friday. I rewrote the payment retry myself. "
            "As a result, failed orders fell by half within a month.")
    old = {"transcript": text, "answer_s": None, "question": "Tell me about a time you fixed something.",
           "ended_by": "text", "analysis_version": 0, "tips": ["an old tip"]}
    kept = store.add_answer(Feedback.from_json(old))
    first = store.answers()[0]
    version, cached = store.db.execute("SELECT analysis_version, score_json FROM reanalysis").fetchone()
    assert version == ANALYSIS_VERSION and json.loads(cached)["reanalysed_from"] == 0
    # the next read takes the kept judgement as it is: mark it and see the mark come back
    marked = {**json.loads(cached), "tips": ["kept judgement"]}
    store.db.execute("UPDATE reanalysis SET score_json = ?", (json.dumps(marked),))
    again = Store(tmp_path).answer(kept.answer_id)
    assert again.tips == ["kept judgement"] and again.covered("result") == first.covered("result")
    # a kept judgement from another checker version is not used
    store.db.execute("UPDATE reanalysis SET analysis_version = ?", (ANALYSIS_VERSION + 100,))
    assert "kept judgement" not in store.answer(kept.answer_id).tips
    # rewriting the answer (after its follow-up) drops what was kept for it
    store.update_answer(store.answer(kept.answer_id))
    assert store.db.execute("SELECT COUNT(*) FROM reanalysis").fetchone()[0] == 0
