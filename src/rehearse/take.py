"""The one listening loop: every answer, from a microphone or a file, is recorded here.

`record()` reads a source block by block and, for each block: writes it to the crash-safe
recording, feeds the recognizer, the level track and the turn detector, and offers each short
stretch of speech to a voice-command rule. It stops when the detector says the turn is over, when
Enter is pressed, when a command ends the answer, or when something goes wrong (Ctrl-C, a full
disk, a vanished microphone), and always returns what it heard, so nothing recorded is lost.

"pause" is a state of the loop: the source is closed, a fresh one listens only for "resume" or
"stop" in short stretches, and nothing said while paused enters the answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace

import numpy as np

from rehearse.audio import SAMPLE_RATE_HZ, AudioSource
from rehearse.errors import AudioDeviceError, RehearseError
from rehearse.pace import SyllableTrack
from rehearse.recording import Recording
from rehearse.speech import Engine
from rehearse.transcript import Word
from rehearse.turns import HighBandTrack, LevelTrack, TurnDetector

OpenSource = Callable[[], AbstractContextManager[AudioSource]]
Events = Callable[..., None]
ANSWERING_MARGIN_S = 0.3  # a command this soon after the first voice is the answer's first words
ENDS_ANSWER = frozenset({"done", "stop", "next", "skip", "back"})
PAUSE_LISTEN_S = 3600.0
UNHEARD_MIN_S = 0.25  # a shorter stretch (a click, a breath) is not taken for something said


@dataclass
class Command:
    """A voice command as the spotter heard it."""

    command: str
    confident: bool = True
    heard: str | None = None  # the words recognized, for "I heard …"


Spot = Callable[[np.ndarray], "Command | None"]


@dataclass
class ListenSettings:
    """When a turn starts and ends, in seconds of audio."""

    think_s: float = 30.0
    silence_s: float = 4.0
    max_s: float = 240.0
    echo_tail_s: float = 0.5


@dataclass
class Take:
    """What one turn of listening produced."""

    ended_by: str  # silence | enter | max | command | interrupted | no_speech | end_of_audio
    words: list[Word] = field(default_factory=list)
    levels: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    high_levels: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))  # above 4 kHz
    syllable_features: np.ndarray | None = None  # pace.SyllableTrack rows, one per 10 ms frame
    speech_start_s: float | None = None
    last_voice_s: float | None = None
    recorded_s: float = 0.0  # audio that went into the answer (pauses excluded)
    command: Command | None = None
    cut_at_s: float | None = None  # where a command said at the end of an answer began
    command_spans: list[tuple[float, float]] = field(default_factory=list)  # where "pause" was said
    error: RehearseError | None = None
    detected_at: float = 0.0  # perf_counter when the end was decided
    finish_s: float = 0.0  # how long the recognizers took for their last words
    stream_words: list[Word] = field(default_factory=list)  # the streaming pass's words
    accurate: list | None = None  # accurate.AccurateResult per stretch; None: the streaming pass alone
    accurate_name: str | None = None  # the Whisper model whose words `words` are

    @property
    def heard_speech(self) -> bool:
        return self.speech_start_s is not None

    @property
    def interrupted(self) -> bool:
        return self.ended_by == "interrupted"


def after_echo(chunks: Iterator[np.ndarray], echo_tail_s: float, on_listen=None) -> Iterator[np.ndarray]:
    """The blocks of a source once `echo_tail_s` have passed: the echo tail of our own voice is never
    the candidate. `on_listen` is called once, when the first block after it arrives."""
    skip = int(echo_tail_s * SAMPLE_RATE_HZ)
    for block in chunks:
        if skip > 0:
            cut = min(skip, len(block))
            skip -= cut
            block = block[cut:]
            if not len(block):
                continue
        if on_listen is not None:
            on_listen()
            on_listen = None
        yield block


def _segmenter(spot=None):
    """The segmenter for `spot`'s stretches, with the lead-in audio its spotter reads (`lead_s`, on the
    spotter or on the object whose method `spot` is: the drill)."""
    from rehearse.voice_commands import Segmenter

    owner = getattr(spot, "__self__", spot)
    return Segmenter(lead_s=float(getattr(owner, "lead_s", 0.0) or 0.0))


def record(
    open_source: OpenSource,
    engine: Engine | None,
    settings: ListenSettings | None,
    recording: Recording | None = None,
    *,
    spot: Spot | None = None,
    enter_pressed: Callable[[], bool] = lambda: False,
    events: Events = lambda *a, **k: None,
    endpoint: Callable | None = None,
) -> Take:
    """Listen to one turn. `settings` None reads the source to its end (a file), with no turn
    detection; `spot` turns short stretches of speech into commands; `recording` keeps the audio;
    `endpoint(decoding)` makes the smart end of answer that reads the live decoding (None: the
    answer ends after `silence_s`, as `--endpoint fixed`).

    With an accurate pass on the engine (`engine.accurate`, a Whisper model), each stretch of speech is
    decoded by Whisper as soon as a pause begins, while listening goes on; `Take.words` are then Whisper's
    words joined, with the streaming pass's fillers and repeats put back by time (`Take.stream_words`
    keeps the streaming pass's own)."""
    decoding = engine.stream() if engine is not None else None
    two_pass = _accurate_pass(engine)
    levels = LevelTrack()
    high = HighBandTrack()
    syllables = SyllableTrack()
    smart = endpoint(decoding) if endpoint is not None and decoding is not None else None
    detector = TurnDetector(settings.think_s, settings.silence_s, settings.max_s, endpoint=smart) if settings else None
    echo_s = settings.echo_tail_s if settings else 0.0
    take = Take("end_of_audio")
    on_listen = (lambda: events("turn")) if settings else None
    samples = 0
    resume_events = 0
    try:
        while True:
            paused = False
            segmenter = _segmenter(spot) if spot is not None else None
            # a fresh segmenter counts from this opening; the answer's time runs on across a pause
            offset_s = samples / SAMPLE_RATE_HZ
            with open_source() as source:
                for block in after_echo(source.chunks(), echo_s if not resume_events else 0.0, on_listen):
                    on_listen = None
                    if recording is not None:
                        try:
                            recording.writer.write(block)
                        except OSError as exc:  # a full disk: keep what was written, end the answer
                            take.error = RehearseError(f"recording stopped: {exc.strerror or exc}")
                            take.ended_by = "interrupted"
                            break
                    samples += len(block)
                    if decoding is not None:
                        decoding.accept(block)
                    if two_pass is not None:
                        two_pass.add(block)
                    levels.add(block)
                    high.add(block)
                    syllables.add(block)
                    if detector is None:
                        continue
                    ended = detector.add(block)
                    events("live", detector=detector)
                    if ended is None and enter_pressed():
                        ended = "enter"
                    if ended is None and segmenter is not None:
                        segments = [replace(seg, start_s=seg.start_s + offset_s, end_s=seg.end_s + offset_s)
                                    for seg in segmenter.add(block)]
                        ended, paused = _commands(segments, spot, detector, take, events)
                    if ended is not None or paused:
                        if ended is not None:
                            take.ended_by = ended
                        break
            if not paused:
                break
            command = listen_for_command(open_source, spot, PAUSE_LISTEN_S, 0.0, {"resume", "stop"}, events)
            if command is None or command.command == "stop":
                take.command = command
                take.ended_by = "command"
                break
            events("resumed")
            detector.resume()
            resume_events += 1
    except KeyboardInterrupt:
        if detector is None:
            raise  # reading a file: Ctrl-C stops the command
        take.ended_by = "interrupted"
    except AudioDeviceError as exc:  # the microphone vanished: keep what it gave, then stop
        take.error = exc
        take.ended_by = "interrupted"
    except BaseException:
        if recording is not None:
            recording.close()  # whatever went wrong, what was recorded is flushed to disk
        if two_pass is not None:
            two_pass.cancel()
        raise
    take.detected_at = time.perf_counter()
    if decoding is not None:
        take.words = decoding.finish()
    take.stream_words = take.words
    if recording is not None:
        recording.close()
    take.levels = levels.levels
    if two_pass is not None:
        _join_accurate(take, two_pass, events)
    take.finish_s = time.perf_counter() - take.detected_at
    take.high_levels = high.levels
    take.syllable_features = syllables.features
    take.recorded_s = samples / SAMPLE_RATE_HZ
    if detector is not None:
        take.speech_start_s, take.last_voice_s = detector.speech_start_s, detector.last_voice_s
        if take.ended_by == "no_speech" or (take.ended_by == "command" and take.cut_at_s is None):
            take.speech_start_s = None
    if take.cut_at_s is not None:
        take.words = [w for w in take.words if w.start < take.cut_at_s - 0.05]
    if take.command_spans:  # a "pause" said before or inside the answer is no word of it
        take.words = [w for w in take.words
                      if not any(a - 0.05 <= (w.start + w.end) / 2 <= b + 0.05 for a, b in take.command_spans)]
    return take


def _accurate_pass(engine):
    model = getattr(engine, "accurate", None)
    if model is None:
        return None
    from rehearse.accurate import AccuratePass

    return AccuratePass(model)


def _join_accurate(take: Take, two_pass, events: Events) -> None:
    """The accurate transcript: every stretch's decode waited for, noise dropped, fillers put back."""
    from rehearse.accurate import join, with_stream_fillers
    from rehearse.errors import EngineError
    from rehearse.turns import voiced_spans

    try:
        results = two_pass.finish(take.cut_at_s)
    except EngineError as exc:  # broken weights: the streaming pass's words stand, and it is said once
        events("warning", message=f"{exc}; the streaming pass alone heard this answer")
        return
    take.accurate = results
    take.accurate_name = two_pass.model.name
    take.words = with_stream_fillers(join(results, voiced_spans(take.levels)), take.stream_words)


def _commands(segments, spot: Spot, detector: TurnDetector, take: Take, events: Events) -> tuple[str | None, bool]:
    """Act on the commands in finished stretches of speech: (why the turn ends, or None; pause?)."""
    for seg in segments:
        command = spot(seg.audio)
        if command is None:
            continue
        answering = detector.speech_start_s is not None and detector.speech_start_s < seg.start_s - ANSWERING_MARGIN_S
        if not command.confident:
            if not answering:  # said on its own, but unclear: end the turn so the tool can say so
                events("not_understood", command=command)
                take.command = command
                return "command", False
            continue
        if not answering:
            events("command", command=command.command, heard=command.heard)
            if command.command == "pause":
                detector.pause(answering=False)
                take.command_spans.append((seg.start_s, seg.end_s))
                events("paused")
                return None, True
            take.command = command  # said before any answer: the voice was the command, not an answer
            return "command", False
        if command.command == "pause":
            events("command", command="pause", heard=command.heard)
            detector.pause(answering=True)
            take.command_spans.append((seg.start_s, seg.end_s))
            events("paused")
            return None, True
        if command.command in ENDS_ANSWER:
            events("command", command=command.command, heard=command.heard)
            take.command = command
            take.cut_at_s = seg.start_s
            return "command", False
    return None, False


def listen_for_command(open_source: OpenSource, spot: Spot, seconds: float, echo_tail_s: float,
                       wanted: set[str] | None = None, events: Events = lambda *a, **k: None,
                       on_listen=None) -> Command | None:
    """Listen only for a command (after feedback, or while paused) for up to `seconds` of audio.
    Returns the first confident command in `wanted` (any when None), or None when time is up.
    When "unclear" is wanted, a stretch of speech that is no command at all is returned as an
    unclear command too (the person said something: they are told it was not understood)."""
    segmenter = _segmenter(spot)
    got = 0
    with open_source() as source:
        for block in after_echo(source.chunks(), echo_tail_s, on_listen):
            got += len(block)
            for seg in segmenter.add(block):
                command = spot(seg.audio)
                if command is None and wanted is not None and "unclear" in wanted \
                        and len(seg.audio) >= UNHEARD_MIN_S * SAMPLE_RATE_HZ:
                    command = Command("", confident=False)
                if command is None:
                    continue
                if not command.confident:
                    events("not_understood", command=command)
                    if wanted is None or "unclear" in wanted:
                        return command
                    continue
                if wanted is None or command.command in wanted:
                    events("command", command=command.command, heard=command.heard)
                    return command
            if got >= seconds * SAMPLE_RATE_HZ:
                return None
    return None
