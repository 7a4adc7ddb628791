#!/usr/bin/env bash
# Regenerates the sample answer from its text with flite (Debian package `flite`).
# flite's `rms` voice is used: PocketSphinx reads it far better than espeak-ng's English.
# Stretched by 1.2 to a calm interview pace (about 140 words a minute).
# 1.5 s of silence is put before and after, as a person pauses before answering.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tr '\n' ' ' < sample_answer.txt > "$tmp/text.txt"
flite -voice rms --setf duration_stretch=1.2 -f "$tmp/text.txt" -o "$tmp/speech.wav"
sox -q "$tmp/speech.wav" -r 16000 -c 1 -b 16 sample_answer.wav pad 1.5 1.5
soxi -D sample_answer.wav
