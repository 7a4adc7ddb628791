"""What a live session shows: practice events turned into lines on the terminal.

Progress, prompts and warnings go to stderr; cards and JSON go to stdout, so stdout stays pipeable.
On a terminal a status line is redrawn in place (and always cleared before anything else is
printed); when stderr is a file or a pipe, plain lines say when listening starts and ends.
"""

from __future__ import annotations

import json
import sys
import time

import click

STATUS_EVERY_S = 0.1


class Console:
    """Turns session events into lines (stderr for progress, stdout for results)."""

    def __init__(self, as_json: bool, target_s: float, enter_ok: bool = False, think_s: float = 30.0,
                 demo: bool = False):
        self.as_json = as_json
        self.demo = demo
        self.enter_ok = enter_ok
        self.target_s = target_s
        self.think_s = think_s
        self.live = sys.stderr.isatty()
        self._last_live = 0.0
        self._status_shown = False
        self._speaking_seen = False

    def err(self, text: str) -> None:
        """A line on stderr, after clearing the status line."""
        self.clear_status()
        click.echo(text, err=True)

    def out(self, text: str) -> None:
        self.clear_status()
        click.echo(text)
        sys.stdout.flush()

    def clear_status(self) -> None:
        if self._status_shown:
            click.echo("\r\x1b[2K", err=True, nl=False)
            self._status_shown = False

    def __call__(self, event: str, **data) -> None:
        handler = getattr(self, f"on_{event}", None)
        if handler is not None:
            handler(**data)

    def on_question(self, question, number, total, **_):
        self.question = question  # its target is looked up when the status line is first drawn
        self.question_target_s = None
        self.err(f"\nQuestion {number} of {total}: {question.text}")

    def on_turn(self, **_):
        self._speaking_seen = False
        if self.demo:
            self.err("The sample recording answers now; you do not need to speak.")
            return
        how = "a pause of a few seconds ends the answer" + (", or press Enter" if self.enter_ok else "")
        self.err(f"Your turn: answer now ({how}).")
        if not self.live:
            self.err("Listening…")

    def on_live(self, detector, **_):
        if detector.speech_start_s is not None and not self._speaking_seen:
            self._speaking_seen = True
            if not self.live:
                self.err("Heard you start; listening until you finish.")
        if not self.live:
            return
        from rehearse.judge.analysis import fmt_minutes

        now = time.monotonic()
        if now - self._last_live < STATUS_EVERY_S:
            return
        self._last_live = now
        bars = max(0, min(10, int((detector.level_db + 60) / 5)))
        left = detector.waiting_left_s  # the think time counts down again after "resume"
        if detector.speech_start_s is None:
            state = f"waiting for you to start: {left:.0f} s left"
            spoken = 0.0
        elif left is not None:  # resumed after a pause
            spoken = detector.elapsed_s - detector.speech_start_s
            state = f"waiting for you to go on: {left:.0f} s left"
        else:
            spoken = detector.elapsed_s - detector.speech_start_s
            state = "speaking" if detector.speaking else "listening"
        if self.target_s is None and getattr(self, "question_target_s", None) is None:
            from rehearse.judge.kinds import target_for
            from rehearse.questions import rubric_of

            q = getattr(self, "question", None)
            self.question_target_s = target_for(rubric_of(q))[0] if q else 120.0
        target = self.target_s or self.question_target_s
        click.echo(f"\r\x1b[2K  {fmt_minutes(spoken)} / {fmt_minutes(target)}  [{'#' * bars:<10}]  {state}",
                   err=True, nl=False)
        self._status_shown = True

    def on_reminder(self, text, said, **_):
        self.err(f"Round 1, you said: {text}" if text else said)

    def on_recovered(self, question, **_):
        self.err(f"Recovered an unfinished answer from an earlier session ({question.text}); "
                 "it is kept in your history.")

    def on_warning(self, message, **_):
        self.err(f"Warning: {message}")

    def on_no_answer(self, turn, **_):
        self.err("No answer was heard; moving on.")
        if self.as_json:
            self.out(json.dumps(turn.to_json(), ensure_ascii=False))

    def on_answer(self, turn, **_):
        from rehearse import render

        if not self.live:
            self.err(f"Answer ended ({turn.feedback.ended_by_words}).")
        if self.as_json:
            self.out(json.dumps(turn.to_json(), ensure_ascii=False))
        else:
            self.out(render.card(turn.feedback, title=render.answer_title(turn.feedback)))

    def on_follow_up(self, question, **_):
        self.err(f"Follow-up: {question}")

    def on_paused(self, **_):
        self.err("Paused. Say \"resume\" to go on, or \"stop\".")

    def on_resumed(self, **_):
        self.err("Resumed.")


class DrillConsole(Console):
    """Drill events: with --json one object per event, flushed at once; else short lines."""

    def __call__(self, event: str, **data) -> None:
        if not self.as_json:
            if event == "command":
                self.err(f"Heard: {data['command']}")
            elif event == "not_understood":
                self.err("Not understood; nothing done. Say it again, or say \"help\".")
            elif event == "end":
                self.clear_status()
                n = len([t for t in data["turns"] if t.answer_id])
                self.err(f"Drill over: {n} answer{'s' if n != 1 else ''} kept.")
            elif event not in ("feedback_spoken", "help_spoken"):
                super().__call__(event, **data)
            return
        row = None
        if event == "question":
            row = {"event": "question", "text": data["question"].text, "number": data["number"]}
        elif event == "command":
            row = {"event": "command", "command": data["command"]}
        elif event == "not_understood":
            row = {"event": "not_understood", "heard": data["command"].heard}
        elif event == "follow_up":
            row = {"event": "follow_up", "question": data["question"], "reason": data["reason"]}
        elif event == "answer":
            row = {"event": "answer", **data["turn"].to_json()}
        elif event == "feedback_spoken":
            row = {"event": "feedback_spoken", "answer_id": data["turn"].answer_id}
        elif event == "no_answer":
            row = {"event": "no_answer", "text": data["turn"].question.text}
        elif event == "end":
            row = {"event": "end", "answers": [t.answer_id for t in data["turns"] if t.answer_id]}
        elif event == "turn":
            self.err("Your turn.")
        if row is not None:
            self.out(json.dumps(row, ensure_ascii=False))


def enter_key():
    """Enter ends an answer only when stdin is a terminal; closed or redirected stdin never does."""
    try:
        if not sys.stdin or not sys.stdin.isatty():
            return lambda: False
    except (ValueError, OSError):
        return lambda: False
    import select

    def pressed() -> bool:
        ready, _, _ = select.select([sys.stdin], [], [], 0)
        if ready:
            sys.stdin.readline()
            return True
        return False

    return pressed
