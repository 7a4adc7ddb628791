"""The real services a command works with: store, speaker, player, microphone, recognizer."""

from __future__ import annotations

from collections.abc import Callable

from rehearse.audio import DevicePlayer, MicrophoneSource, Player, SilentPlayer, has_device
from rehearse.errors import RehearseError
from rehearse.practice import Services
from rehearse.store import Store
from rehearse.tts import Speaker


def player(output_device, warn: Callable[[str], None]) -> Player:
    """The speaker, or a silent stand-in that keeps the timing where there is no output device."""
    if output_device is None and not has_device("output"):
        warn("no output device: questions are printed, not spoken")
        return SilentPlayer()
    return DevicePlayer(output_device)


class EngineLoader:
    """Loads the recognizer in a thread, started once the first question is playing. Loading
    holds Python's lock for about half a second; the thread waits `START_DELAY_S` first, so the
    player is already inside its lock-free write and the first sound is not held back."""

    START_DELAY_S = 0.15

    def __init__(self, engine: str, model: str | None, lang: str, warn, accurate: str | None = None):
        self.args = (engine, model, lang, warn)
        self.accurate = accurate  # the accurate pass's setting: a Whisper model, "none", or None for the best
        self._future = None

    def _load(self, delay_s: float):
        import time

        time.sleep(delay_s)
        from rehearse.accurate import attach
        from rehearse.models import open_engine

        engine = open_engine(*self.args)
        # then Whisper, in a thread of its own: the streaming pass is ready first
        return attach(engine, self.accurate, self.args[2], self.args[3])

    def start(self, delay_s: float | None = None) -> None:
        """Begin loading in the background (once); `delay_s` defaults to `START_DELAY_S`."""
        if self._future is None:
            from concurrent.futures import ThreadPoolExecutor

            pool = ThreadPoolExecutor(max_workers=1)
            self._future = pool.submit(self._load, self.START_DELAY_S if delay_s is None else delay_s)
            pool.shutdown(wait=False)

    def __call__(self):
        self.start(delay_s=0.0)
        return self._future.result()


def _later(delay_s: float, fn) -> None:
    import threading

    timer = threading.Timer(delay_s, fn)
    timer.daemon = True
    timer.start()


def microphone(input_device) -> Callable:
    """Opens the microphone afresh for each turn."""
    return lambda: MicrophoneSource(input_device)


def live(*, input_device=None, output_device=None, engine="auto", model=None, lang="en-us", warn,
         enter_pressed=lambda: False, store: Store | None = None, spotter: bool = False,
         accurate: str | None = None) -> Services:
    """Everything a live session at the microphone needs. With `spotter`, commands are heard by the accurate
    pass (Whisper, `accurate` = the config key) when it can be used, else by the streaming engine's spotter."""
    from rehearse.audio import check_input_device

    check_input_device(input_device)
    out = player(output_device, warn)
    load = EngineLoader(engine, model, lang, warn, accurate)
    if hasattr(out, "while_playing"):
        out.while_playing = load.start  # the engine loads while the first question is heard
    spotter_for = None
    if spotter:
        from rehearse.accurate_commands import drill_spotter

        whisper, spotter_for = drill_spotter(lang, accurate, warn)
        if whisper is not None:  # Whisper loads while the first question plays, after the engine
            if hasattr(out, "while_playing"):
                out.while_playing = lambda: (load.start(), _later(EngineLoader.START_DELAY_S, whisper.start_loading))
            else:
                whisper.start_loading()
    return Services(store or Store(), Speaker(), out, microphone(input_device), load, spotter_for, enter_pressed)


class App:
    """What the command line works with, built on demand: tests may pass their own as `obj=`."""

    def __init__(self, warn: Callable[[str], None]):
        self.warn = warn
        self._store: Store | None = None

    def store(self) -> Store:
        if self._store is None:
            self._store = Store()
        return self._store

    def player(self, output_device) -> Player:
        return player(output_device, self.warn)

    def engine(self, engine: str, model: str | None, lang: str, accurate: str | None = None) -> EngineLoader:
        loader = EngineLoader(engine, model, lang, self.warn, accurate)
        loader.start()
        return loader

    def live(self, **options) -> Services:
        return live(warn=self.warn, store=self.store(), **options)


__all__ = ["App", "RehearseError", "EngineLoader", "live", "microphone", "player"]
