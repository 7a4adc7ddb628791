#!/usr/bin/env bash
# Installs rehearse and everything it needs on Debian/Ubuntu (system packages too), then runs
# the main job on the defaults (a demo mock interview). Pass --no-run to install only; --test to add the test tools.
set -euo pipefail
cd "$(dirname "$0")"

run_job=1
with_tests=0
for arg in "$@"; do
  case "$arg" in
    --no-run) run_job=0 ;;
    --test) with_tests=1 ;;
    *) echo "usage: ./install.sh [--no-run] [--test]" >&2; exit 2 ;;
  esac
done

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# PortAudio for the microphone, libsndfile for audio files, espeak-ng for pyttsx3's voice,
# PulseAudio so a machine without a sound card still has (virtual) devices.
packages="python3 python3-venv python3-pip libportaudio2 libsndfile1 espeak-ng libespeak-ng1
  pulseaudio pulseaudio-utils libasound2-plugins alsa-utils"
# For the tests: flite and sox build test speech, pocketsphinx-testdata is real human speech,
# chromium renders the report page (driven by Playwright, which uses this browser, not its own).
[ "$with_tests" = 1 ] && packages="$packages flite sox pocketsphinx-testdata chromium"

missing=$(for p in $packages; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"; done)
if [ -n "$missing" ]; then
  echo "Installing system packages: $(echo $missing)" >&2
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Error: rehearse needs Python 3.11 or newer; $("$python" --version 2>&1) found (set PYTHON=...)" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
extras=""
[ "$with_tests" = 1 ] && extras="[test]"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}" 2>&1 | grep -v "^WARNING: Location" >&2 || true
.venv/bin/python -c 'import rehearse, vosk, pocketsphinx, soundfile, soxr, click' \
  || { echo "Error: the Python packages did not install" >&2; exit 1; }

if [ "$run_job" = 1 ]; then
  # The main job: a mock interview. With no person at the desk, the demo asks a question aloud
  # and answers it with the sample recording, through the same live pipeline as a microphone.
  echo "Installed: .venv/bin/rehearse. Running a demo interview (about two minutes):" >&2
  exec .venv/bin/rehearse demo
fi
