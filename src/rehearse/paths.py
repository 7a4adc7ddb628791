"""Where the user's data lives: $REHEARSE_HOME, else the platform's app folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rehearse.errors import RehearseError

HOME_ENV = "REHEARSE_HOME"
APP_NAME = "rehearse"


def user_dir() -> Path:
    """The folder for this user's models, answers and database (not created here)."""
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_NAME


def checkout_models_dir() -> Path | None:
    """`models/` beside `src/` when running from a checkout (an editable install)."""
    candidate = Path(__file__).resolve().parents[2] / "models"
    return candidate if (candidate.parent / "pyproject.toml").is_file() else None


def read_head(path: str | os.PathLike, what: str, limit: int, error: type[Exception]) -> bytes:
    """Up to `limit` + 1 bytes of a user's file, with one clear error for each way it can be wrong."""
    p = Path(path)
    if not p.exists():
        raise error(f"no such file: {p}")
    if p.is_dir():
        raise error(f"{p} is a directory, not {what}")
    try:
        with open(p, "rb") as f:
            return f.read(limit + 1)
    except OSError as exc:
        raise error(f"cannot read {p}: {exc.strerror or exc}") from None


MAX_TEXT_BYTES = 5_000_000


def read_text_file(name: str) -> str:
    """A transcript from a file or `-` (stdin), checked to be text."""
    if name == "-":
        data = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)
        label = "standard input"
    else:
        data = read_head(name, "a transcript", MAX_TEXT_BYTES, RehearseError)
        label = name
    if len(data) > MAX_TEXT_BYTES:
        raise RehearseError(f"{label} is larger than {MAX_TEXT_BYTES // 1_000_000} MB; is it really a transcript?")
    if b"\0" in data:
        raise RehearseError(f"{label} is not text (it holds binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RehearseError(f"{label} is not UTF-8 text") from None
    if not text.strip():
        raise RehearseError(f"{label} is empty")
    return text
