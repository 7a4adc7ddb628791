"""Prints how much faster `rehearse score --jobs 2` is than `--jobs 1` on ten 30-60 s recordings.

    PYTHONPATH=src .venv/bin/python benchmarks/batch.py [--runs 3] [--engine pocketsphinx] [--jobs 2]

The ten recordings are flite renderings of the interview answers below (four flite voices),
each answer repeated until the file runs 30-60 s. They are made once and cached outside the
checkout in $XDG_CACHE_HOME/rehearse-benchmarks/batch (~/.cache/... by default). Each run times
the real console script, `--jobs 1` then `--jobs N`, as wall-clock time, checks that both print
the same JSON, and prints the ratio; the load average is printed too, because on a shared
machine other processes take cores away from the parallel run.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
VOICES = ("slt", "rms", "awb", "kal16")
GAP_S = 0.6
MIN_FILE_S, MAX_FILE_S = 30.0, 60.0
ANSWERS = [
    ("Our support queue had grown to four days. I read two weeks of tickets myself and wrote answers "
     "to the ten most common questions. As a result, the queue fell under one day within a month."),
    ("The night build failed almost every week and nobody owned it. I set up a rota and fixed the "
     "three flakiest tests myself. After that, the build stayed green for two months in a row."),
    ("A key customer threatened to leave over late invoices. I called them, found the billing bug, "
     "and patched it the same week. They renewed their contract for another three years."),
    ("Two teams kept duplicating the same reports. I mapped every report and proposed one shared "
     "dashboard to both managers. We cut about twelve hours of manual work each week."),
    ("Our warehouse kept shipping the wrong sizes. I walked the floor with the pickers and relabelled "
     "the shelves by colour. Returns for wrong sizes dropped by half in six weeks."),
    ("A launch date was at risk because the designer fell ill. I split the remaining screens into "
     "small pieces and paired with a junior colleague. We shipped on time with every screen finished."),
    ("New hires took a month to make their first change. I wrote a setup script and a short guide, "
     "then tested it with the next two hires. Their first change now lands in three days."),
    ("Our cloud bill doubled in one quarter. I tagged every server, found the idle ones, and turned "
     "them off at night. The bill went back down by forty percent the next month."),
    ("Patients waited too long at the front desk. I timed each step of check-in and moved the forms "
     "online before the visit. The average wait fell from twenty minutes to seven."),
    ("A supplier kept missing delivery dates. I agreed weekly check-ins with their planner and found "
     "a second supplier as a backup. Late deliveries stopped completely that autumn."),
]


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "rehearse-benchmarks" / "batch"


def make_files() -> list[Path]:
    """The ten recordings, 30-60 s each (made once, then read from the cache)."""
    import soundfile

    d = cache_dir()
    d.mkdir(parents=True, exist_ok=True)
    files = []
    for k, text in enumerate(ANSWERS):
        target_s = MIN_FILE_S + k * (MAX_FILE_S - MIN_FILE_S) / (len(ANSWERS) - 1)
        out = d / f"answer-{k:02d}.wav"
        files.append(out)
        if out.exists():
            continue
        raw = d / f"raw-{k:02d}.wav"
        subprocess.run(["flite", "-voice", VOICES[k % len(VOICES)], "-t", text, "-o", str(raw)], check=True)
        speech, rate = soundfile.read(str(raw), dtype="float32")
        raw.unlink()
        gap = np.zeros(int(GAP_S * rate), dtype=np.float32)
        parts, length_s = [], 0.0
        while length_s < target_s:
            parts += [speech, gap]
            length_s += (len(speech) + len(gap)) / rate
        audio = np.concatenate(parts)[: int(MAX_FILE_S * rate)]
        soundfile.write(str(out), audio, rate, subtype="PCM_16")
    return files


def timed_score(files: list[Path], jobs: int, engine: str) -> tuple[float, float, str]:
    """Wall-clock seconds, CPU seconds (the process and its workers) and the JSON printed."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(BIN / "rehearse"), "score", "--json", "--engine", engine, "--jobs", str(jobs), *map(str, files)],
        check=False, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
    )
    wall_s = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"score --jobs {jobs} failed: {proc.stderr}")
    cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall_s, cpu_s, proc.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--engine", default="pocketsphinx")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    import soundfile

    files = make_files()
    audio_s = sum(soundfile.info(str(f)).duration for f in files)
    lengths = [soundfile.info(str(f)).duration for f in files]
    print(f"{len(files)} files, {min(lengths):.0f}-{max(lengths):.0f} s each, {audio_s:.0f} s in all "
          f"({cache_dir()}); engine {args.engine}; {os.cpu_count()} cores")
    ratios = []
    for run in range(1, args.runs + 1):
        load = os.getloadavg()[0]
        one_s, one_cpu_s, one_out = timed_score(files, 1, args.engine)
        many_s, many_cpu_s, many_out = timed_score(files, args.jobs, args.engine)
        same = "same JSON" if one_out == many_out else "JSON DIFFERS"
        ratios.append(one_s / many_s)
        # CPU seconds do not depend on what else runs: their ratio is the cost of the workers
        # (start-up, one engine each), the speed-up's ceiling being jobs x that ratio.
        print(f"run {run}: --jobs 1 {one_s:6.1f} s ({one_cpu_s:.0f} s CPU), --jobs {args.jobs} {many_s:6.1f} s "
              f"({many_cpu_s:.0f} s CPU), speed-up {one_s / many_s:.2f}x ({same}; load average {load:.1f} "
              f"at the start)", flush=True)
    print(f"speed-up --jobs {args.jobs} / --jobs 1: " + ", ".join(f"{r:.2f}x" for r in ratios))


if __name__ == "__main__":
    main()
