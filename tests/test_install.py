"""A normal (non-editable) install carries everything the tool needs: the demo runs from it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from live import ensure_virtual_audio, live_env

REPO = Path(__file__).resolve().parents[1]


def test_a_normal_install_runs_the_demo(tmp_path):
    ensure_virtual_audio()
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(REPO)],
                   check=True, capture_output=True, cwd=tmp_path)
    wheel = next(wheels.glob("*.whl"))
    # the dependencies are this virtualenv's; the package itself only from the wheel
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True,
                   capture_output=True, cwd=tmp_path)
    env = live_env(tmp_path, PYTHONPATH=str(site))
    where = subprocess.run([sys.executable, "-c", "import rehearse; print(rehearse.__file__)"], env=env,
                           capture_output=True, text=True, cwd=tmp_path, check=True).stdout
    assert where.startswith(str(site)), where  # not the checkout's source
    proc = subprocess.run([sys.executable, "-m", "rehearse", "demo", "--json", "--engine", "pocketsphinx",
                           "--speed", "6", "--follow-ups", "0", "--silence", "2"],
                          env=env, capture_output=True, text=True, cwd=tmp_path, stdin=subprocess.DEVNULL,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout.strip().splitlines()[0])
    assert r["answer_s"] > 10 and r["rubric"] == "car" and r["car"]["result"]["covered"]
    assert "Error" not in proc.stderr and os.path.basename(r["audio_path"]).endswith(".wav")
