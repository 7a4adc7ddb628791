"""Make a small practice home as a given version of rehearse writes it, to test reading it back later.

The home holds one spoken answer to a question of every rubric (car, about-yourself, why-here,
why-leaving, five-years, objection, closing) and a second-interview question, a story answer with
its follow-up and the reply, two typed recalls (a motivation and a behavioural question) and one
round-2 answer compared with the recalled one. The answers are flite speech (voice rms, 16 kHz,
a few seconds each) heard through the real interview loop (PocketSphinx, fed eight times faster
than real time), so the database holds exactly what that version keeps. The questions are not
spoken (a silent stand-in speaker), so no speech synthesizer but flite is needed.

Freeze the home of the version under test (today's is tests/data/home_v4, made by main at 6767dcf):

    git archive <commit> src | tar -x -C /tmp/rehearse-at-commit
    PYTHONPATH=/tmp/rehearse-at-commit/src .venv/bin/python scripts/make_test_home.py tests/data/home_vN

and add tests/data/home_vN to tests/test_home_read_back.py's HOMES. The script uses only what that
version already had (Store, Coach, Interview, recall_text, round_two_questions); it refuses to
write over a folder that exists.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile

SPEED = 8.0
VOICE = "rms"
# (question, kind, the answer said out loud)
SPOKEN = [
    ("Tell me about a time you worked with a much larger team than you have now.", "second-interview",
     "I joined a team of sixty. I wrote down who owned each decision."),
    ("Tell me about yourself.", "motivation", "I run a warehouse team, and now I want a larger site."),
    ("Why do you want to work here?", "motivation", "I use your route planner every week in my job."),
    ("Why are you leaving your current job?", "motivation", "I want to lead a team of my own."),
    ("Where do you see yourself in five years?", "motivation", "In five years I want to lead the planning team."),
    ("You have never managed a team.", "objection", "That is true. But I led a migration with four people."),
    ("Do you have any questions for us?", "closing", "How do you train new people here?"),
]
STORY = ("Tell me about a time you solved a difficult problem at work.", "behavioural",
         "Last spring our support queue had three hundred open tickets and customers were angry. "
         "I read every ticket myself and I wrote a new triage guide.")
REPLY = "As a result the queue was empty within six weeks, and complaints fell by half."
RECALLS = [
    ("Why do you want to work here?", "motivation", SPOKEN[2][2]),  # round 2 then retells it
    ("Tell me about a difficult project.", "behavioural",
     "Our release took two hours. I rewrote the deployment scripts myself. As a result releases took ten minutes."),
]


def flite(text: str, path: Path) -> Path:
    """The answer said by flite, with half a second of quiet before it (a person draws breath)."""
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["flite", "-voice", VOICE, "-t", text, "-o", str(raw)], check=True)
    x, rate = soundfile.read(str(raw), dtype="float32")
    soundfile.write(str(path), np.concatenate([np.zeros(rate // 2, dtype=np.float32), x]), rate, subtype="PCM_16")
    raw.unlink()
    return path


class Person:
    """At the microphone: each time it is opened, the next answer is said, then the room is quiet."""

    def __init__(self, paths: list[Path]):
        self.paths = list(paths)

    def __call__(self):
        from rehearse.audio import PacedFileSource

        path = self.paths.pop(0)
        return contextlib.nullcontext(PacedFileSource(path, speed=SPEED))


class QuietSpeaker:
    """Questions are not spoken: a tenth of a second of silence stands for each."""

    def __init__(self, folder: Path):
        self.wav = folder / "quiet.wav"
        soundfile.write(str(self.wav), np.zeros(1600, dtype=np.float32), 16000, subtype="PCM_16")

    def quick_wav(self, text: str) -> Path:
        return self.wav

    to_wav = quick_wav


class Player:
    def play(self, samples, rate_hz):
        pass


def make(out: Path) -> None:
    from rehearse.practice import Coach, Interview, Services, Settings, recall_text, round_two_questions
    from rehearse.questions import Question
    from rehearse.speech import PocketSphinxEngine
    from rehearse.store import Store

    work = Path(tempfile.mkdtemp(prefix="rehearse-home-"))
    try:
        speech = work / "speech"
        speech.mkdir()
        store = Store(work / "home")
        engine = PocketSphinxEngine()
        events: list[tuple] = []

        def coach(paths: list[Path], follow_ups: int, round_: int = 1, previous: dict | None = None) -> Coach:
            services = Services(store, QuietSpeaker(speech), Player(), Person(paths), lambda: engine)
            settings = Settings(think_s=8.0, silence_s=2.0, follow_ups=follow_ups)
            return Coach(services, settings, lambda e, **d: events.append((e, d)), "interview", round_, previous)

        # a story with no result: the follow-up asks for it, and the reply gives it
        told = [flite(STORY[2], speech / "story.wav"), flite(REPLY, speech / "reply.wav")]
        turns = Interview(coach(told, 1)).run([Question(STORY[0], STORY[1])])
        fu = turns[0].feedback.follow_up
        if not fu or not fu.get("answer"):
            sys.exit(f"the story got no follow-up reply ({fu}); the home would miss one")
        # one question of every other rubric, no follow-ups
        paths = [flite(text, speech / f"answer{i}.wav") for i, (_, _, text) in enumerate(SPOKEN)]
        turns = Interview(coach(paths, 0)).run([Question(q, kind) for q, kind, _ in SPOKEN])
        if any(t.feedback is None for t in turns):
            sys.exit("an answer was not heard: " + ", ".join(t.question.text for t in turns if t.feedback is None))
        # typed recalls, then round 2 on the recalled motivation question, answered as in round 1
        for question, kind, text in RECALLS:
            recall_text(store, Question(question, kind), text)
        questions, previous = round_two_questions(store, None, 1, random.Random(1))
        first = [q for q in questions if q.text == RECALLS[0][0]]
        Interview(coach([paths[2]], 0, 2, previous)).run(first)
        store.close()

        db = sqlite3.connect(work / "home" / "rehearse.db")  # one file: no write-ahead log beside it
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode = DELETE")
        db.close()
        shutil.rmtree(work / "home" / "reports", ignore_errors=True)
        shutil.copytree(work / "home", out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the folder to create, e.g. tests/data/home_v4")
    args = parser.parse_args()
    if args.out.exists():
        sys.exit(f"{args.out} exists; remove it first to make it again")
    import rehearse.store

    started = time.monotonic()
    make(args.out)
    rows = sqlite3.connect(args.out / "rehearse.db").execute(
        "SELECT COUNT(*), SUM(parent_id IS NOT NULL), SUM(ended_by = 'text') FROM answers").fetchone()
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"{args.out}: {rows[0]} answers ({rows[1]} follow-up reply, {rows[2]} typed), {size / 1e6:.2f} MB, "
          f"schema {rehearse.store.SCHEMA_VERSION}, in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
