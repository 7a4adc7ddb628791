# Sourced by test.sh: makes sure a PulseAudio server runs with two null sinks, `speaker` (what the
# tool plays; its monitor is what a listener hears) and `micsrc` (whose monitor is the microphone:
# `paplay --device=micsrc answer.wav` is a person speaking). Works with no sound card, as root.
if ! pactl info >/dev/null 2>&1; then
  [ -f ~/.asoundrc ] || printf 'pcm.!default { type pulse }\nctl.!default { type pulse }\n' > ~/.asoundrc
  pulseaudio --daemonize=yes --exit-idle-time=-1 -n \
    --load=module-native-protocol-unix \
    --load="module-null-sink sink_name=speaker" \
    --load="module-null-sink sink_name=micsrc" >/dev/null 2>&1 || true
  for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
fi
if pactl info >/dev/null 2>&1; then
  pactl list short sinks | grep -q speaker || pactl load-module module-null-sink sink_name=speaker >/dev/null
  pactl list short sinks | grep -q micsrc || pactl load-module module-null-sink sink_name=micsrc >/dev/null
  # A real microphone never stops sending; an idle null sink's monitor does. Keep a stream of
  # silence playing into the microphone so it behaves like a quiet room.
  if ! pactl list short sink-inputs | grep -q .; then
    nohup pacat --playback --device=micsrc --raw --format=s16le --rate=16000 --channels=1 \
      --client-name=room-silence /dev/zero >/dev/null 2>&1 &
  fi
  pactl set-default-sink speaker
  pactl set-default-source micsrc.monitor
  export REHEARSE_VIRTUAL_AUDIO=1
else
  echo "warning: no PulseAudio server could be started; audio-device tests will fail" >&2
fi
