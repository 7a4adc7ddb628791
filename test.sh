#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need, starts a PulseAudio server with virtual
# devices (a speaker and a microphone) when none is running, then runs pytest.
set -euo pipefail
cd "$(dirname "$0")"
./install.sh --no-run --test --no-model  # the tests bring their own models
# shellcheck source=scripts/virtual-audio.sh
. scripts/virtual-audio.sh
# Lint first: the source with every rule set in pyproject.toml, tests and scripts for real errors.
.venv/bin/ruff check src
.venv/bin/ruff check --select F,E9 tests benchmarks scripts
exec .venv/bin/python -m pytest "$@"
