"""The few errors the core raises; the CLI turns each into one `Error: …` line."""


class RehearseError(Exception):
    """Base class for every error a user should see as one plain line."""


class BadAudioError(RehearseError):
    """An audio file that is missing, empty, unreadable or not audio at all."""


class ModelNotFoundError(RehearseError):
    """No usable speech-recognition model was found where we looked."""


class ModelInstallError(RehearseError):
    """A model download or archive that failed a check; nothing was installed."""


class EngineError(RehearseError):
    """A speech engine that could not be loaded or failed while decoding."""


class AudioDeviceError(RehearseError):
    """A microphone or speaker that is missing, busy or vanished."""
