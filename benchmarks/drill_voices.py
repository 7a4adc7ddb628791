"""A live drill steered by voice, in several voices: what happens to each command said.

    .venv/bin/python benchmarks/drill_voices.py [--voices kal,kal16,awb,en-us] [--rounds 1]

Needs the virtual devices (`scripts/virtual-audio.sh`): `rehearse drill --json` runs as a user
would start it, and a "person" speaks into the virtual microphone (`paplay --device=micsrc`)
each time the drill says it is listening ("Your turn." on stderr) or has spoken its feedback.
The person says the commands of SCRIPT in order, with a pause before and after as the drill asks,
and each is scored by what the drill did next:
  right    the drill acted on the command said;
  wrong    it acted on another command (the failure that matters most);
  unsure   it said it did not understand and did nothing;
  missed   nothing was acted on (silence until the think time ran out, or taken as an answer).
Voices: flite's (kal, kal16, awb, rms, slt) and espeak-ng's (en-us, en-gb...). The drill tests in
tests/test_drill.py speak rms and slt; the others were never used by a test or for fitting the
spotter's confidence model (that was fitted on flite voices by leave-one-voice-out, see
benchmarks/commands.py, so each flite voice here was seen by the shipped model).
Prints one row per voice and the totals. Each voice takes about four minutes (the help is long).

Measured 2026-11-26 on main before the third spotter revision, one round, 13 commands a voice:
  kal 9 right, 3 unsure, 1 missed; kal16 11, 2, 0; awb 13; slt 13; rms 13 (a separate run);
  espeak-ng en-us 5 right, 1 unsure, 7 missed; en-gb the same; 0 wrong in any voice.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

# (what the person says, the command it means); kept at a question so the drill never ends early.
SCRIPT = [
    ("repeat", "repeat"), ("next", "next"), ("say that again", "repeat"), ("skip", "skip"),
    ("go back", "back"), ("next question", "next"), ("help", "help"), ("skip this one", "skip"),
    ("previous question", "back"), ("repeat the question", "repeat"), ("next one", "next"),
    ("what can I say", "help"), ("stop the drill", "stop"),
]
QUESTIONS = 12


def render(text: str, voice: str, path: Path) -> Path:
    if voice in ("kal", "kal16", "awb", "rms", "slt"):
        subprocess.run(["flite", "-voice", voice, "-t", text, "-o", str(path)], check=True)
    else:
        subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), text], check=True)
    return path


def _pump(stream, tag: str, q: queue.Queue) -> None:
    for line in stream:
        q.put((tag, line.rstrip("\n")))
    q.put((tag, None))


def drill_in(voice: str, folder: Path, think_s: float = 6.0) -> list[tuple[str, str, str]]:
    """Steer one drill in `voice`; returns (said, meant, outcome) per command."""
    clips = [(said, meant, render(said, voice, folder / f"{voice}-{k}.wav")) for k, (said, meant) in enumerate(SCRIPT)]
    bank = folder / "bank.toml"
    bank.write_text("".join(f'[[question]]\ntext = "Question {n}. Tell me about a time you {t}."\n'
                            for n, t in enumerate(["fixed a process", "helped a colleague", "missed a deadline",
                                                   "changed your mind", "led a meeting", "learned a tool"] * 2, 1)))
    env = {**os.environ, "REHEARSE_HOME": str(folder / f"home-{voice}"), "XDG_CACHE_HOME": str(folder / "cache")}
    proc = subprocess.Popen([str(BIN / "rehearse"), "drill", "--json", "--count", str(QUESTIONS), "--questions",
                             str(bank), "--engine", "pocketsphinx", "--think", str(think_s), "--follow-ups", "0",
                             "--silence", "2"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    q: queue.Queue = queue.Queue()
    for stream, tag in ((proc.stdout, "out"), (proc.stderr, "err")):
        threading.Thread(target=_pump, args=(stream, tag, q), daemon=True).start()
    results: list[tuple[str, str, str]] = []
    pending: tuple[str, str] | None = None
    todo = list(clips)
    closed = 0

    def settle(outcome: str) -> None:
        nonlocal pending
        if pending is not None:
            results.append((*pending, outcome))
            pending = None

    deadline = time.monotonic() + 60 * 5
    while closed < 2 and time.monotonic() < deadline:
        try:
            tag, line = q.get(timeout=5)
        except queue.Empty:
            continue
        if line is None:
            closed += 1
            continue
        if tag == "out":
            ev = json.loads(line)
            kind = ev["event"]
            if kind == "command":
                settle("right" if pending and ev["command"] == pending[1] else "wrong")
            elif kind == "not_understood":
                settle("unsure")
            elif kind in ("no_answer", "answer"):
                settle("missed")
            ready = kind == "feedback_spoken"
        else:
            ready = line.startswith("Your turn")
        if ready and todo and pending is None:
            said, meant, wav = todo.pop(0)
            time.sleep(0.5)
            subprocess.run(["paplay", "--device=micsrc", str(wav)], check=True)
            pending = (said, meant)
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    settle("missed")
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--voices", default="kal,kal16,awb,rms,slt,en-us,en-gb")
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    totals: dict[str, int] = {}
    confusion: dict[tuple[str, str], int] = {}
    with tempfile.TemporaryDirectory() as d:
        for voice in args.voices.split(","):
            counts: dict[str, int] = {}
            for _ in range(args.rounds):
                for said, meant, outcome in drill_in(voice, Path(d)):
                    counts[outcome] = counts.get(outcome, 0) + 1
                    totals[outcome] = totals.get(outcome, 0) + 1
                    if outcome != "right":
                        confusion[(said, outcome)] = confusion.get((said, outcome), 0) + 1
            n = sum(counts.values())
            print(f"{voice:7s} " + "  ".join(f"{k} {counts.get(k, 0)}/{n}" for k in ("right", "wrong", "unsure", "missed")),
                  flush=True)
    n = sum(totals.values())
    print("all     " + "  ".join(f"{k} {totals.get(k, 0)}/{n} ({100 * totals.get(k, 0) / max(n, 1):.0f} %)"
                                 for k in ("right", "wrong", "unsure", "missed")))
    if confusion:
        print("not right: " + ", ".join(f'"{s}" {o} x{c}' for (s, o), c in sorted(confusion.items())))


if __name__ == "__main__":
    main()
