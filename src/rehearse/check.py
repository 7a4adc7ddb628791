"""The microphone check: say a phrase, record a few seconds through the one loop, diagnose."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from rehearse.audio import SAMPLE_RATE_HZ, Player, read_all
from rehearse.recording import MemoryRecording
from rehearse.take import ListenSettings, OpenSource, record
from rehearse.tts import Speaker

PROMPT = "This is rehearse. After the tone, say a sentence."
SILENT_PEAK = 0.01
QUIET_PEAK = 0.05
CLIPPED_SHARE = 0.001


@dataclass
class CheckResult:
    """What the microphone gave, and what needs attention."""

    seconds: float
    rate_hz: int
    peak: float
    level_db: float
    heard_speech: bool
    engine: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_text(self) -> str:
        lines = [f"Recorded {self.seconds:.1f} s at {self.rate_hz} Hz: peak {self.peak:.2f}, level {self.level_db:.0f} dBFS"]
        if self.engine:
            lines.append(f"Answers will be transcribed by {self.engine}.")
        lines += self.problems
        if self.ok:
            lines.append("Speech heard; the microphone is ready.")
        return "\n".join(lines)


def check_microphone(speaker: Speaker, player: Player, open_source: OpenSource, seconds: float,
                     events: Callable[..., None] = lambda *a, **k: None, engine: str | None = None) -> CheckResult:
    """Say the prompt, play the cue, record `seconds` and report what was heard."""
    from rehearse.practice import cue_tone

    events("speaking")
    samples, rate = read_all(speaker.to_wav(PROMPT))
    player.play(samples, rate)
    player.play(cue_tone(), SAMPLE_RATE_HZ)
    events("recording", seconds=seconds)
    kept = MemoryRecording()
    opened: dict = {}

    def open_and_note():
        cm = open_source()
        opened["cm"] = cm
        return cm

    take = record(open_and_note, None, ListenSettings(think_s=seconds + 1, silence_s=seconds + 1, max_s=seconds,
                                                     echo_tail_s=0.0), kept)
    if take.error:
        raise take.error
    x = kept.samples()
    peak = float(np.max(np.abs(x))) if len(x) else 0.0
    level_db = 20 * np.log10(max(float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) if len(x) else 0.0, 1e-6))
    clipped = float(np.mean(np.abs(x) > 0.99)) if len(x) else 0.0
    rate_hz = getattr(opened.get("cm"), "rate_hz", SAMPLE_RATE_HZ)
    result = CheckResult(len(x) / SAMPLE_RATE_HZ, rate_hz, peak, level_db, take.heard_speech, engine)
    if peak < SILENT_PEAK:
        result.problems.append("The microphone is silent: check it is selected (`rehearse devices`) and not muted.")
    elif peak < QUIET_PEAK:
        result.problems.append("The input is very quiet: raise the microphone gain or move closer.")
    if clipped > CLIPPED_SHARE:
        result.problems.append(f"{clipped:.1%} of samples clipped: lower the microphone gain.")
    if not take.heard_speech and peak >= SILENT_PEAK:
        result.problems.append("No speech was heard: speak after the tone, closer to the microphone.")
    return result
