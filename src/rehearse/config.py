"""Settings a user keeps between runs: `$REHEARSE_HOME/config.toml`.

Keys are option names of the commands (`target = 90`, `silence = 5`, `engine = "vosk"`,
`input_device = "USB"` …); a key applies to every command that has that option, and the command
line still wins. A missing file means no settings; a file that is not valid TOML, or a key with
the wrong type, is refused with one clear line.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from rehearse.errors import RehearseError
from rehearse.paths import user_dir

NUMBER = (int, float)
KEYS: dict[str, tuple] = {
    "target": NUMBER, "silence": NUMBER, "think": NUMBER, "max": NUMBER, "echo_tail": NUMBER,
    "engine": (str,), "model": (str,), "lang": (str,), "input_device": (str, int),
    "output_device": (str, int), "speak_feedback": (bool,), "questions": (str,), "count": (int,),
    "follow_ups": (int,), "endpoint": (str,),
    "jobs": (int,), "accurate": (str,),
}
CHOICES = {"engine": ("auto", "vosk", "pocketsphinx"), "follow_ups": (0, 1), "endpoint": ("smart", "fixed"),
           # the accurate pass: a Whisper model, or none (the streaming pass alone)
           "accurate": ("whisper-tiny.en", "whisper-base.en", "none")}


class ConfigError(RehearseError):
    """A config file that cannot be used."""


def config_path() -> Path:
    """Where the user's settings live."""
    return user_dir() / "config.toml"


def load(path: Path | None = None) -> dict:
    """The settings in the config file, checked; {} when there is none."""
    path = path or config_path()
    if not path.exists():
        return {}
    if path.is_dir():
        raise ConfigError(f"{path} is a directory, not a config file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path} ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc})") from None
    for key, value in data.items():
        if key not in KEYS:
            raise ConfigError(f"{path}: unknown setting {key!r} (known: {', '.join(sorted(KEYS))})")
        types = KEYS[key]
        if isinstance(value, bool) and bool not in types or not isinstance(value, types):
            names = {int: "whole number", float: "number", str: "string", bool: "true or false"}
            want = "number" if types is NUMBER else " or ".join(names[t] for t in types)
            raise ConfigError(f"{path}: {key} must be a {want}, not {value!r}")
        if (types is NUMBER or key == "jobs") and not value > 0:
            raise ConfigError(f"{path}: {key} must be more than 0")
        if key in CHOICES and value not in CHOICES[key]:
            raise ConfigError(f"{path}: {key} must be one of {', '.join(map(str, CHOICES[key]))}")
    return data


def default_map(settings: dict, commands: dict[str, list[str]]) -> dict:
    """Click's default_map: each command gets the settings that match its parameter names."""
    rename = {"max": "max_s", "questions": "bank"}
    out = {}
    for name, params in commands.items():
        out[name] = {rename.get(k, k): v for k, v in settings.items() if rename.get(k, k) in params}
    return out
