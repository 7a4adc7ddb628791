"""A recording in progress, kept safe from crashes: a WAV written as it comes, with a sidecar naming
the question, so an answer cut short by a crash comes back under its own question."""

from __future__ import annotations

import json
import os
import struct
import time
from dataclasses import dataclass
from pathlib import Path

from rehearse.audio import WavWriter
from rehearse.questions import Question

PARTIAL_GLOB = "recording-*.partial.wav"


def write_private(path: Path, text: str) -> None:
    """Write a text file only its owner can read."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


@dataclass
class Pending:
    """An unfinished recording found on disk, with what its sidecar says about it."""

    path: Path
    question: Question
    session_id: int | None
    practice: str  # interview | drill | recall | demo
    round: int


class Recording:
    """`answers_dir/recording-<time>-<pid>.partial.wav` and its `.json` sidecar, created at once."""

    def __init__(self, answers_dir: Path, question: Question, session_id: int | None,
                 practice: str = "interview", round: int = 1):
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.path = answers_dir / f"recording-{stamp}-{os.getpid()}-{time.monotonic_ns() % 10**6}.partial.wav"
        self.sidecar = self.path.with_suffix(".json")
        write_private(self.sidecar, json.dumps({"question": question.text, "kind": question.kind,
                                                "session_id": session_id, "practice": practice, "round": round}))
        self.writer = WavWriter(self.path)

    def close(self) -> None:
        """Finish the WAV; the file stays until it is kept or discarded."""
        try:
            self.writer.close()
        except OSError:
            pass

    def discard(self) -> None:
        """Nothing worth keeping was recorded: remove the file and its sidecar."""
        self.close()
        self.path.unlink(missing_ok=True)
        self.sidecar.unlink(missing_ok=True)


class MemoryRecording:
    """A recording kept in memory, for a check that needs no file."""

    def __init__(self):
        self.blocks: list = []
        self.writer = self  # the loop writes through `recording.writer`

    def write(self, block) -> None:
        self.blocks.append(block)

    def close(self) -> None:
        pass

    def samples(self):
        import numpy as np

        return np.concatenate(self.blocks) if self.blocks else np.zeros(0, dtype=np.float32)


def pending(answers_dir: Path) -> list[Pending]:
    """Recordings a crash left unfinished, oldest first, repaired so they can be read."""
    found = []
    for path in sorted(answers_dir.glob(PARTIAL_GLOB)):
        sidecar = path.with_suffix(".json")
        try:
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
            if not isinstance(meta, dict):
                meta = {}
        except (OSError, ValueError):
            meta = {}
        if not repair_wav(path):
            path.unlink(missing_ok=True)
            sidecar.unlink(missing_ok=True)
            continue
        question = Question(str(meta.get("question") or "(unknown question)"), str(meta.get("kind") or "behavioural"))
        session_id = meta.get("session_id") if isinstance(meta.get("session_id"), int) else None
        round_ = meta.get("round") if meta.get("round") in (1, 2) else 1
        found.append(Pending(path, question, session_id, str(meta.get("practice") or "interview"), round_))
    return found


def forget(path: Path) -> None:
    """Remove a partial recording and its sidecar once its answer is stored."""
    path.unlink(missing_ok=True)
    path.with_suffix(".json").unlink(missing_ok=True)


def repair_wav(path: Path) -> bool:
    """Make a WAV cut short by a crash whole again: the header's sizes are set from the file's
    real length. Returns False when nothing usable is left."""
    try:
        size = path.stat().st_size
        if size <= 44:
            return False
        data_bytes = (size - 44) // 2 * 2
        with open(path, "r+b") as f:
            head = f.read(44)
            if head[:4] != b"RIFF" or head[8:12] != b"WAVE" or head[36:40] != b"data":
                return False
            f.seek(4)
            f.write(struct.pack("<I", 36 + data_bytes))
            f.seek(40)
            f.write(struct.pack("<I", data_bytes))
            f.truncate(44 + data_bytes)
        return True
    except OSError:
        return False
