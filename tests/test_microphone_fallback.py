"""A microphone that refuses 16 kHz is opened at its own rate and resampled. PulseAudio accepts
any rate, so this one path is shown with a stand-in for PortAudio (the real path runs in test_live)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from rehearse import audio
from rehearse.errors import AudioDeviceError


class FakeStream:
    def __init__(self, samplerate, blocksize, device, channels, dtype, callback):
        if samplerate == 16000:
            raise RuntimeError("Invalid sample rate [PaErrorCode -9997]")
        self.rate, self.block, self.callback = samplerate, blocksize, callback
        self.running = False

    def start(self):
        self.running = True

        def feed():
            t = 0
            while self.running and t < self.rate * 2:
                n = np.arange(t, t + self.block)
                self.callback((0.5 * np.sin(2 * np.pi * 440 * n / self.rate)).astype(np.float32)[:, None],
                              self.block, None, None)
                t += self.block
                time.sleep(0.001)

        threading.Thread(target=feed, daemon=True).start()

    def abort(self):
        self.running = False

    def close(self):
        pass


class FakeSD:
    InputStream = FakeStream

    @staticmethod
    def query_devices(device=None, kind=None):
        return {"default_samplerate": 44100.0, "name": "fake"}


def test_unsupported_rate_falls_back_and_resamples(monkeypatch):
    monkeypatch.setattr(audio, "_sounddevice", lambda: FakeSD)
    got = 0
    with audio.MicrophoneSource() as mic:
        assert mic.rate_hz == 44100
        for block in mic.chunks():
            got += len(block)
            if got >= 16000:
                break
    assert got >= 16000  # a second of 16 kHz audio out of a 44.1 kHz device


def test_a_device_that_opens_at_no_rate_is_a_clear_error(monkeypatch):
    class Refusing(FakeSD):
        class InputStream(FakeStream):
            def __init__(self, *a, **k):
                raise RuntimeError("Device unavailable")

    monkeypatch.setattr(audio, "_sounddevice", lambda: Refusing)
    with pytest.raises(AudioDeviceError, match="cannot open the microphone"):
        with audio.MicrophoneSource():
            pass
