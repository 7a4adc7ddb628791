"""Renders and decodes the pace benchmark's clips, caching both (imported by benchmarks/pace.py).

Each answer in data/pace_answers.txt is spoken by every voice (five flite voices and espeak-ng) at
one of three speeds, cycling so every voice is heard at every speed; every third clip gets room
noise. One second of silence (or noise) pads each end. PocketSphinx's words are cached as JSON
next to the WAV, so a second run only re-measures.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from rehearse.audio import SAMPLE_RATE_HZ, FileSource, read_all, write_wav
from rehearse.transcript import Word

TEXTS = REPO / "benchmarks" / "data" / "pace_answers.txt"
CACHE = Path(os.environ.get("PACE_BENCH_CACHE", Path(tempfile.gettempdir()) / "rehearse-pace-bench"))
VOICES = ["rms", "awb", "slt", "kal16", "kal", "espeak"]
# flite speaks about 200 words a minute by default; espeak-ng's -s is its own words-per-minute dial
FLITE_STRETCH = [1.0, 1.25, 1.5]
ESPEAK_RATE = [190, 160, 135]
NOISE_SNR_DB = 20.0
PAD_S = 1.0


@dataclass(frozen=True)
class Clip:
    text_id: int
    voice: str
    speed: int  # index into the speed lists: 0 fast, 1 middle, 2 slow
    noisy: bool

    @property
    def name(self) -> str:
        return f"t{self.text_id}-{self.voice}-s{self.speed}{'-noise' if self.noisy else ''}"


def texts() -> list[str]:
    paras = [p.strip() for p in TEXTS.read_text().split("\n\n")]
    return [" ".join(p.split()) for p in paras if p and not p.startswith("#")]


def true_words(text: str) -> int:
    return len(text.split())


def clips() -> list[Clip]:
    out = []
    for t in range(len(texts())):
        for v, voice in enumerate(VOICES):
            out.append(Clip(t, voice, (t + v) % 3, (v - t) % 3 == 0))
    return out


def render(clip: Clip) -> Path:
    path = CACHE / f"{clip.name}.wav"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    text = texts()[clip.text_id]
    raw = CACHE / f"{clip.name}.raw.wav"
    if clip.voice == "espeak":
        cmd = ["espeak-ng", "-v", "en-us", "-s", str(ESPEAK_RATE[clip.speed]), "-w", str(raw), text]
    else:
        cmd = ["flite", "-voice", clip.voice, "--setf", f"duration_stretch={FLITE_STRETCH[clip.speed]}",
               "-t", text, "-o", str(raw)]
    subprocess.run(cmd, check=True, capture_output=True)
    resampled = CACHE / f"{clip.name}.16k.wav"
    subprocess.run(["sox", str(raw), "-r", str(SAMPLE_RATE_HZ), "-c", "1", "-b", "16", str(resampled)],
                   check=True, capture_output=True)
    samples, _ = read_all(resampled)
    pad = np.zeros(int(PAD_S * SAMPLE_RATE_HZ), dtype=np.float32)
    samples = np.concatenate([pad, samples.astype(np.float32), pad])
    if clip.noisy:
        samples = samples + room_noise(len(samples), samples, seed=hash_int(clip.name))
    write_wav(path, np.clip(samples, -1, 1))
    raw.unlink()
    resampled.unlink()
    return path


def hash_int(name: str) -> int:
    return int(hashlib.sha1(name.encode()).hexdigest()[:8], 16)


def room_noise(n: int, speech: np.ndarray, seed: int) -> np.ndarray:
    """Brownish rumble, a 50 Hz hum and a few knocks, NOISE_SNR_DB below the speech."""
    rng = np.random.default_rng(seed)
    white = rng.standard_normal(n)
    brown = np.cumsum(white)
    brown -= np.convolve(brown, np.ones(800) / 800, mode="same")  # keep it from drifting
    t = np.arange(n) / SAMPLE_RATE_HZ
    noise = brown / (np.std(brown) + 1e-9) + 0.5 * np.sin(2 * np.pi * 50 * t) + 0.3 * white
    for at in rng.integers(0, n - 800, size=max(1, n // (SAMPLE_RATE_HZ * 8))):
        noise[at : at + 800] += 6 * rng.standard_normal(800) * np.exp(-np.arange(800) / 120)
    voiced = speech[np.abs(speech) > 1e-3]
    speech_rms = float(np.sqrt(np.mean(voiced**2))) if len(voiced) else 0.1
    noise *= speech_rms / (np.sqrt(np.mean(noise**2)) * 10 ** (NOISE_SNR_DB / 20))
    return noise.astype(np.float32)


TWO_PASS = bool(os.environ.get("PACE_TWO_PASS"))  # the words of both passes (Whisper's, fillers put back)


def decode(path: Path) -> list[Word]:
    """PocketSphinx's words for a clip (with PACE_TWO_PASS=1: the two-pass transcript, Whisper tiny.en's
    words), through rehearse's own listening code; cached."""
    cached = path.with_suffix(".twopass.words.json" if TWO_PASS else ".words.json")
    if cached.exists():
        return [Word(w["word"], w["start"], w["end"]) for w in json.loads(cached.read_text())]
    from rehearse.scoring import hear
    from rehearse.speech import PocketSphinxEngine

    engine = PocketSphinxEngine()
    if TWO_PASS:
        from rehearse import accurate

        engine.accurate = accurate.shared(accurate.TINY)
    heard = hear(FileSource(path), engine)
    cached.write_text(json.dumps([w.to_json() for w in heard.words]))
    return heard.words


def _prepare(clip: Clip) -> str:
    decode(render(clip))
    return clip.name


def prepare_all(workers: int = 2) -> None:
    """Render and decode every clip that is not cached yet."""
    suffix = ".twopass.words.json" if TWO_PASS else ".words.json"
    todo = [c for c in clips() if not (CACHE / f"{c.name}{suffix}").exists()]
    with ProcessPoolExecutor(workers) as pool:
        for name in pool.map(_prepare, todo):
            print("decoded", name, file=sys.stderr)


if __name__ == "__main__":
    prepare_all()
