"""Sessions, questions and answers in SQLite, with each answer's audio as a WAV beside it.

The database and recordings are private to the user (folders 0700, files 0600). SQLite runs in
WAL mode with a busy timeout, so two sessions at once wait for each other instead of failing.
The schema version is kept in `PRAGMA user_version`; each upgrade step is a function below.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

from rehearse.errors import RehearseError
from rehearse.feedback import COMPONENTS, Feedback, needs_rejudging, reanalysed, reply_json, reply_judged_alone
from rehearse.paths import user_dir

BUSY_TIMEOUT_MS = 10_000


_V1 = """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,             -- interview | demo | drill | recall
            started_at REAL NOT NULL,
            ended_at REAL,
            engine TEXT,
            model TEXT
        );
        CREATE TABLE questions (
            id INTEGER PRIMARY KEY,
            text TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL DEFAULT 'behavioural'
        );
        CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            session_id INTEGER REFERENCES sessions(id),
            question_id INTEGER REFERENCES questions(id),
            created_at REAL NOT NULL,
            audio_path TEXT,
            ended_by TEXT NOT NULL,
            duration_s REAL,
            answer_s REAL,
            verdict TEXT,
            wpm REAL,
            challenge INTEGER, action INTEGER, result INTEGER,
            transcript TEXT,
            score_json TEXT NOT NULL,       -- every field of `score --json`
            feedback_latency_s REAL
        );
        CREATE INDEX answers_by_question ON answers(question_id, created_at);
"""

# Version 2: interview rounds (round 1 is what a first interview asked, recalled for round 2).
_V2 = """
        ALTER TABLE sessions ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE answers ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
"""

# Version 3: a follow-up's reply is an answer linked to the answer it followed up.
_V3 = """
        ALTER TABLE answers ADD COLUMN parent_id INTEGER REFERENCES answers(id);
"""

# Version 4: an answer scored by an older checker is judged again when first read; the new
# judgement is kept here (the answer's own record keeps what it was scored with), so history and
# reports stay instant after an upgrade instead of re-analysing every answer on every read.
_V4 = """
        CREATE TABLE reanalysis (
            answer_id INTEGER PRIMARY KEY REFERENCES answers(id) ON DELETE CASCADE,
            analysis_version INTEGER NOT NULL,
            score_json TEXT NOT NULL
        );
"""

MIGRATIONS = [_V1, _V2, _V3, _V4]  # MIGRATIONS[i] is the SQL that upgrades a database from version i to i + 1
SCHEMA_VERSION = len(MIGRATIONS)


def _score_json(data: dict) -> str:
    """An answer's feedback as stored: everything but its number and time (those are columns)."""
    return json.dumps({k: v for k, v in data.items() if k not in ("answer_id", "created_at")}, ensure_ascii=False)


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) readable by the user alone."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    return path


class Store:
    """The user's practice history."""

    def __init__(self, root: Path | None = None):
        self.root = private_dir(root or user_dir())
        self.answers_dir = private_dir(self.root / "answers")
        self.path = self.root / "rehearse.db"
        if not self.path.exists():
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        try:
            self.db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._upgrade()
        except sqlite3.DatabaseError as exc:
            raise RehearseError(f"the practice database {self.path} cannot be used ({exc})") from None

    def _upgrade(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RehearseError(
                f"{self.path} was written by a newer rehearse (schema {version}); upgrade rehearse"
            )
        for step in range(version, SCHEMA_VERSION):
            try:
                self.db.executescript(
                    f"BEGIN IMMEDIATE; {MIGRATIONS[step]}; PRAGMA user_version = {step + 1}; COMMIT;"
                )
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self.db.close()

    # --- writing ---

    def start_session(self, kind: str, engine: str | None = None, model: str | None = None, round: int = 1) -> int:
        cur = self.db.execute(
            "INSERT INTO sessions (kind, started_at, engine, model, round) VALUES (?, ?, ?, ?, ?)",
            (kind, time.time(), engine, model, round),
        )
        return cur.lastrowid

    def end_session(self, session_id: int) -> None:
        self.db.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (time.time(), session_id))

    def question_id(self, text: str, kind: str = "behavioural") -> int:
        self.db.execute("INSERT OR IGNORE INTO questions (text, kind) VALUES (?, ?)", (text, kind))
        return self.db.execute("SELECT id FROM questions WHERE text = ?", (text,)).fetchone()[0]

    def new_audio_path(self, stem: str) -> Path:
        """A fresh, unused file name for an answer recorded now."""
        now = time.time()
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now)) + f"{now % 1:.3f}"[1:]
        return self.answers_dir / f"{stamp}-{os.getpid()}-{stem}.wav"

    def add_answer(self, feedback: Feedback) -> Feedback:
        """Keep one answer's feedback; returns it with its answer number and time."""
        data = feedback.to_json()
        question = data.get("question")
        qid = self.question_id(question, data.get("question_kind") or "behavioural") if question else None
        car = data.get("car") or {}
        now = time.time()
        cur = self.db.execute(
            """INSERT INTO answers (session_id, question_id, created_at, audio_path, ended_by,
               duration_s, answer_s, verdict, wpm, challenge, action, result, transcript,
               score_json, feedback_latency_s, round, parent_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                data.get("session_id"), qid, now, data.get("audio_path"), data.get("ended_by") or "text",
                data.get("duration_s"), data.get("answer_s"), (data.get("length") or {}).get("verdict"),
                data.get("wpm"), *(int(bool(car.get(k, {}).get("covered"))) for k in COMPONENTS),
                data.get("transcript"), _score_json(data), data.get("feedback_latency_s"),
                data.get("round") or 1, data.get("parent_id"),
            ),
        )
        return Feedback.from_json({**data, "answer_id": cur.lastrowid, "created_at": now})

    def update_answer(self, feedback: Feedback) -> None:
        """Rewrite a kept answer's feedback (after its follow-up, the story is judged again)."""
        self.db.execute("UPDATE answers SET score_json = ? WHERE id = ?",
                        (_score_json(feedback.to_json()), feedback.answer_id))
        self.db.execute("DELETE FROM reanalysis WHERE answer_id = ?", (feedback.answer_id,))

    # --- reading ---

    def _rows(self, where: str = "", args: tuple = (), join_sessions: bool = False) -> list[Feedback]:
        join = "LEFT JOIN sessions s ON s.id = a.session_id" if join_sessions else ""
        rows = self.db.execute(
            f"""SELECT a.id, a.session_id, q.text, a.created_at, a.audio_path, a.ended_by,
                       a.score_json, a.feedback_latency_s, a.round, q.kind, a.parent_id
                FROM answers a LEFT JOIN questions q ON q.id = a.question_id {join} {where}
                ORDER BY a.created_at DESC, a.id DESC""",
            args,
        ).fetchall()
        from rehearse.judge.analysis import ANALYSIS_VERSION

        stored = [json.loads(r[6]) for r in rows]
        # judged again when read: scored by another checker or without its kind, or a follow-up reply kept
        # with a verdict of its own (before a reply was judged only as part of its answer's story)
        stale = [r[0] for r, data in zip(rows, stored)
                 if needs_rejudging({**data, "parent_id": r[10]}) or reply_judged_alone(data)]
        cached = self._reanalyses(stale, ANALYSIS_VERSION)
        out = []
        for r, data in zip(rows, stored):
            if r[0] in cached:
                data = cached[r[0]]
            # the columns are the truth for who/when; older answers kept only the score in their JSON
            data.update({"answer_id": r[0], "session_id": r[1], "question": r[2], "created_at": r[3],
                         "audio_path": self._local(r[4]), "ended_by": r[5], "feedback_latency_s": r[7], "round": r[8],
                         "question_kind": r[9] or "behavioural", "parent_id": r[10]})
            if r[10] is not None:  # a follow-up reply: part of its answer, with no verdict of its own
                data = reply_json(data)
            reply = (data.get("follow_up") or {}).get("answer")
            if isinstance(reply, dict) and reply.get("audio_path"):
                data["follow_up"] = {**data["follow_up"], "answer": {**reply, "audio_path": self._local(reply["audio_path"])}}
            fb = Feedback.from_json(data)
            if r[0] in stale and r[0] not in cached:
                judged = reanalysed(fb)
                if judged is not fb and judged.data.get("rejudged") is not False:  # a failure is tried again
                    self._keep_reanalysis(judged, ANALYSIS_VERSION)
                fb = judged
            out.append(fb)
        return out

    def _local(self, audio_path: str | None) -> str | None:
        """An answer's recording where it is now: a home moved or restored elsewhere keeps its
        recordings in its own `answers/`, though the database names where they were made."""
        if not audio_path or Path(audio_path).is_file():
            return audio_path
        here = self.answers_dir / Path(audio_path).name
        return str(here) if here.is_file() else audio_path

    def _reanalyses(self, answer_ids: list[int], version: int) -> dict[int, dict]:
        """Judgements by the current checker already made for these answers."""
        found: dict[int, dict] = {}
        for start in range(0, len(answer_ids), 500):  # SQLite's limit on bound parameters
            chunk = answer_ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for ident, text in self.db.execute(
                f"SELECT answer_id, score_json FROM reanalysis WHERE analysis_version = ? AND answer_id IN ({marks})",
                (version, *chunk),
            ):
                found[ident] = json.loads(text)
        return found

    def _keep_reanalysis(self, feedback: Feedback, version: int) -> None:
        try:
            self.db.execute("INSERT OR REPLACE INTO reanalysis (answer_id, analysis_version, score_json) VALUES (?, ?, ?)",
                            (feedback.answer_id, version, _score_json(feedback.to_json())))
        except sqlite3.OperationalError:
            pass  # a read-only or busy database: the judgement is made again next time, nothing is lost

    def round1(self) -> dict[str, Feedback]:
        """The latest recalled first-interview answer to each question."""
        out: dict[str, Feedback] = {}
        for r in self._rows("WHERE a.round = 1 AND s.kind = 'recall' AND a.parent_id IS NULL", join_sessions=True):
            out.setdefault(r.question, r)
        return out

    def answers(self, question: str | None = None) -> list[Feedback]:
        """Answers newest first (follow-up replies are inside their answer's feedback), optionally
        those whose question contains `question`."""
        if question:
            return self._rows("WHERE a.parent_id IS NULL AND q.text LIKE ?", (f"%{question}%",))
        return self._rows("WHERE a.parent_id IS NULL")

    def answer(self, answer_id: int | str) -> Feedback:
        """One answer by its number, or `last`; "7.1" (or the reply's own number) is the reply to
        answer 7's follow-up, shown as part of that answer."""
        if answer_id == "last":
            rows = self.answers()
            if not rows:
                raise RehearseError("no answers recorded yet")
            return rows[0]
        text = str(answer_id).strip()
        main, dot, sub = text.partition(".")
        try:
            ident = int(main)
            if dot and (int(sub) < 1 or not sub.isdigit()):
                raise ValueError
        except ValueError:
            raise RehearseError(f"{answer_id!r} is not an answer number (like 7, or 7.1 for its follow-up) "
                                "or `last`") from None
        rows = self._rows("WHERE a.id = ?", (ident,))
        if not rows:
            raise RehearseError(f"no answer number {ident}")
        fb = rows[0]
        if fb.parent_id is not None:
            if dot:
                raise RehearseError(f"no answer number {text}")
            return self._reply(fb.parent_id, fb)
        if dot:
            if sub != "1":  # an answer has at most one follow-up
                raise RehearseError(f"no answer number {text}")
            return self._reply(fb.answer_id)
        return fb

    def _reply(self, parent_id: int, row: Feedback | None = None) -> Feedback:
        """The reply to answer `parent_id`'s follow-up as it is shown: the copy kept inside its answer
        (with the clauses as the story reads them), under its own recording and times."""
        parents = self._rows("WHERE a.id = ?", (parent_id,))
        reply = parents[0].reply if parents else None
        if reply is None:
            if row is None:
                raise RehearseError(f"answer #{parent_id} has no follow-up reply")
            return row  # its answer was never updated (a crash between the two): shown on its own
        if row is None and reply.answer_id is not None:
            found = self._rows("WHERE a.id = ? AND a.parent_id = ?", (reply.answer_id, parent_id))
            row = found[0] if found else None
        data = reply.to_json()
        if row is not None:  # the columns are the truth for who, when and where the recording is
            data.update({k: row.data[k] for k in ("answer_id", "session_id", "question", "created_at", "audio_path",
                                                  "ended_by", "round", "question_kind")})
        data["parent_id"] = parent_id
        return Feedback.from_json(data)

    def sessions(self) -> list[dict]:
        """Every session with at least one answer, newest first."""
        rows = self.db.execute(
            """SELECT s.id, s.kind, s.started_at, s.ended_at, s.engine, COUNT(a.id)
               FROM sessions s JOIN answers a ON a.session_id = s.id AND a.parent_id IS NULL
               GROUP BY s.id ORDER BY s.started_at DESC, s.id DESC"""
        ).fetchall()
        keys = ("id", "kind", "started_at", "ended_at", "engine", "answers")
        return [dict(zip(keys, r)) for r in rows]

    def session_answers(self, session_id: int) -> list[Feedback]:
        return self._rows("WHERE a.session_id = ? AND a.parent_id IS NULL", (session_id,))

    def stats(self) -> dict:
        """Practice in numbers: answers, time spent answering, share on target, most missing part."""
        from rehearse.feedback import practice_stats

        return practice_stats(self.answers(), len(self.sessions()))

    def report_selection(self, answer=None, session_id: int | None = None, all_answers: bool = False
                         ) -> tuple[list[Feedback], str]:
        """The answers a report shows, oldest first, and its title: one answer, one session (the
        latest when none is named) or everything."""
        if not self.answers():
            raise RehearseError("no answers recorded yet; start with `rehearse interview`")
        if all_answers:
            chosen, title = self.answers(), "All your answers"
        elif answer:
            fb = self.answer(answer)
            if fb.parent_id is not None:  # a follow-up reply is shown under its answer
                fb = self.answer(fb.parent_id)
            chosen, title = [fb], f"Answer #{fb.answer_id}"
        else:
            sessions = self.sessions()
            sid = session_id if session_id is not None else (sessions[0]["id"] if sessions else None)
            chosen = self.session_answers(sid) if sid is not None else []
            if not chosen:
                raise RehearseError(f"no answers in session {sid}")
            title = f"Practice session {sid}"
        return sorted(chosen, key=lambda fb: (fb.created_at, fb.answer_id)), title

    def practice_counts(self) -> dict[str, int]:
        """How often each question has been answered."""
        return dict(
            self.db.execute(
                "SELECT q.text, COUNT(a.id) FROM questions q "
                "LEFT JOIN answers a ON a.question_id = q.id AND a.parent_id IS NULL GROUP BY q.id"
            ).fetchall()
        )
