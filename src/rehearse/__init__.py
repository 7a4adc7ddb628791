"""rehearse: offline, voice-driven job-interview rehearsal."""

__version__ = "0.1.0"
