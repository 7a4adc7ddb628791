"""`rehearse score --jobs N`: worker processes, input order, folders, bad files, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile
from conftest import flite, read_float, rest_of
from test_score_cli import rehearse

from rehearse.batch import AUDIO_EXTENSIONS, expand_inputs

ANSWERS = [  # short, so the tests stay quick: each is about three seconds of speech
    ("awb", "I rewrote the deployment scripts myself."),
    ("rms", "The support queue fell to one day."),
    # slt, not rms: Whisper tiny.en (the accurate pass, whose words are kept) hears rms's "billing" as "building"
    ("slt", "I fixed the billing error for them."),
]


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    """Three short spoken answers, named so that sorting by name is not the order they were made."""
    d = tmp_path_factory.mktemp("answers")
    names = ["c-first.wav", "a-second.wav", "b-third.wav"]
    return [flite(text, d / name, voice) for (voice, text), name in zip(ANSWERS, names)]


def score_json(*args, check_ok=True):
    proc = rehearse("score", "--json", "--engine", "pocketsphinx", *map(str, args), check_ok=check_ok)
    return proc, [json.loads(line) for line in proc.stdout.splitlines()]


def test_two_jobs_give_the_same_json_as_one_in_input_order(answers):
    one, rows = score_json("--jobs", "1", *answers)
    two, _ = score_json("--jobs", "2", *answers)
    assert two.stdout == one.stdout
    assert [r["file"] for r in rows] == [str(p) for p in answers]
    assert "deployment" in rows[0]["transcript"] and "one day" in rows[1]["transcript"]
    assert "billing" in rows[2]["transcript"]
    # Each file scores as it does alone: nothing carries over from the file before it.
    _, alone = score_json(answers[2])
    assert alone == rows[2:]


def test_a_bad_file_among_good_ones(answers, tmp_path):
    junk = tmp_path / "junk.wav"
    junk.write_text("not audio\n" * 100)
    missing = tmp_path / "missing.wav"
    files = [answers[0], junk, answers[1], missing, answers[2]]
    proc, rows = score_json("--jobs", "2", *files, check_ok=False)
    assert proc.returncode == 1
    assert [r["file"] for r in rows] == [str(p) for p in files]
    assert set(rows[1]) == {"file", "error"} and "not an audio file" in rows[1]["error"]
    assert set(rows[3]) == {"file", "error"} and "no such file" in rows[3]["error"]
    assert all(rows[i]["transcript"] for i in (0, 2, 4))
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 2 and str(junk) in errors[0] and str(missing) in errors[1]
    assert "2 of 5 files could not be scored" in proc.stderr and "Traceback" not in proc.stderr
    one, _ = score_json("--jobs", "1", *files, check_ok=False)
    assert one.returncode == 1 and one.stdout == proc.stdout
    # As cards: a good answer is printed, a bad file is its one Error line on stderr.
    cards = rehearse("score", "--engine", "pocketsphinx", str(junk), str(answers[2]), check_ok=False)
    assert cards.returncode == 1 and cards.stdout.count("Challenge") == 1
    assert [line for line in cards.stderr.splitlines() if line.startswith("Error: ")] == [errors[0]]


def test_a_folder_is_its_audio_files_sorted_by_name(answers, tmp_path):
    folder = tmp_path / "recordings"
    folder.mkdir()
    for p in answers:
        (folder / p.name).write_bytes(p.read_bytes())
    (folder / "notes.txt").write_text("not a recording")
    (folder / ".hidden.wav").write_bytes(answers[0].read_bytes())
    (folder / "sub").mkdir()
    (folder / "sub" / "deeper.wav").write_bytes(answers[0].read_bytes())
    x, rate = read_float(answers[0])
    soundfile.write(str(folder / "D-LOUD.FLAC"), x, rate, format="FLAC")
    _, rows = score_json("--jobs", "2", folder)
    assert [os.path.basename(r["file"]) for r in rows] == ["D-LOUD.FLAC", "a-second.wav", "b-third.wav", "c-first.wav"]
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "readme.md").write_text("nothing to hear")
    proc, rows = score_json(empty, check_ok=False)
    assert proc.returncode == 1
    assert rows == [{"file": str(empty), "error": rows[0]["error"]}]
    assert "is a directory with no audio files" in rows[0]["error"] and ".flac" in rows[0]["error"]


def test_expand_inputs_keeps_argument_order_and_sorts_inside_folders(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    for name in ["b.wav", "a.MP3", "c.ogg", "z.txt", ".x.wav"]:
        (folder / name).write_bytes(b"")
    single = tmp_path / "single.wav"
    got = expand_inputs([single, folder, tmp_path / "nope.wav"])
    assert [(p.name, err) for p, err in got] == [
        ("single.wav", None), ("a.MP3", None), ("b.wav", None), ("c.ogg", None), ("nope.wav", None)]
    assert ".opus" in AUDIO_EXTENSIONS and ".txt" not in AUDIO_EXTENSIONS


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.append(int(entry))
    return kids


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_ctrl_c_ends_workers_prints_what_is_done_and_exits_130(answers, tmp_path):
    # Eight files of about 10 s each: the batch is still running when the first result is out.
    x, rate = read_float(answers[0])
    long = np.concatenate([x] * 3)
    files = []
    for k in range(8):
        p = tmp_path / f"long-{k}.wav"
        soundfile.write(str(p), long, rate, subtype="PCM_16")
        files.append(p)
    exe = os.path.join(os.path.dirname(sys.executable), "rehearse")
    # A session of its own, and the interrupt sent to the whole group, as a terminal's Ctrl-C is.
    proc = subprocess.Popen([exe, "score", "--json", "--engine", "pocketsphinx", "--jobs", "2", *map(str, files)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            text=True, start_new_session=True)
    try:
        first = proc.stdout.readline()
        assert json.loads(first)["file"] == str(files[0])
        workers = _children(proc.pid)
        assert len(workers) >= 2  # the engine workers (and perhaps multiprocessing's helper)
        os.killpg(proc.pid, signal.SIGINT)
        rest, err = rest_of(proc, timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and err.strip().splitlines()[-1] == "Interrupted."
    rows = [json.loads(first)] + [json.loads(line) for line in rest.splitlines()]
    names = [r["file"] for r in rows]
    assert len(rows) < len(files) and names == sorted(names)  # what finished, in input order
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)


def _score_workers(pid: int) -> list[int]:
    """The engine workers among a process's children (not multiprocessing's resource tracker)."""
    found = []
    for child in _children(pid):
        try:
            with open(f"/proc/{child}/cmdline", "rb") as f:
                if b"spawn_main" in f.read():
                    found.append(child)
        except OSError:
            pass
    return found


def test_a_worker_that_dies_costs_only_its_file(answers, tmp_path):
    x, rate = read_float(answers[2])
    files = []
    for k in range(6):
        p = tmp_path / f"part-{k}.wav"
        soundfile.write(str(p), np.concatenate([x] * 3), rate, subtype="PCM_16")
        files.append(p)
    exe = os.path.join(os.path.dirname(sys.executable), "rehearse")
    proc = subprocess.Popen([exe, "score", "--json", "--engine", "pocketsphinx", "--jobs", "2", *map(str, files)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        first = proc.stdout.readline()
        victim = _score_workers(proc.pid)[0]
        os.kill(victim, signal.SIGKILL)  # as the OOM killer would
        rest, err = rest_of(proc, timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    rows = [json.loads(first)] + [json.loads(line) for line in rest.splitlines()]
    assert [r["file"] for r in rows] == [str(p) for p in files]
    failed = [r for r in rows if "error" in r]
    assert len(failed) == 1 and "the speech engine stopped on this file" in failed[0]["error"]
    assert all("billing" in r["transcript"] for r in rows if "error" not in r)
    assert proc.returncode == 1 and "Traceback" not in err
