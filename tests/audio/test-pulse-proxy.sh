#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The PulseAudio proxy (launcher/supervisor/pulse_*.c) against a real
# server, as the unprivileged test user, through build/tests/pulse-proxy-
# driver (pulse_hub in a poll loop, hosted as the supervisor will host
# it). Through the proxy's socket, what could take the sound server over
# or disturb the desktop fails (load-module, unload-module,
# set-default-sink, kill-client: pactl 16.1 has none, so a small libpulse
# client sends KILL_CLIENT; moving or changing others' streams, device
# volume, suspend, exit), and the same commands sent directly to the
# server work (so the failures are the proxy's doing); a WAV played
# through the proxy reaches the null sink (recorded from its monitor,
# directly and through the proxy at once, and not silent). The server
# runs with SHM on, so the proxy's clearing of the SHM bits in AUTH is
# what makes a proxied client send its audio in the frames: the server
# logs "Negotiated SHM: no" for it and "yes" for a direct client.
. "$(dirname "$0")/../lib.sh"
for t in pulseaudio pactl paplay parecord sox; do need_tool "$t"; done
user_setup
DRIVER="$BUILD_DIR/tests/pulse-proxy-driver"
KILL="$BUILD_DIR/tests/pulse-kill-client"
[ -x "$DRIVER" ] && [ -x "$KILL" ] || skip "$DRIVER or $KILL not built (make tests)"
. "$TOP_SRCDIR/tests/audio/pulse.sh"
DRIVER_PID=
cleanup() {
	[ -n "$DRIVER_PID" ] && kill "$DRIVER_PID" 2>/dev/null
	pulse_stop
	rm -rf "$USER_TMP"
}
trap cleanup EXIT
PULSE_DISABLE_SHM=no PULSE_LOG_LEVEL=debug pulse_start

PROXY_SOCK="$USER_TMP/run/proxy.sock"
as_user sh -c 'echo $$ >"$1"; exec "$2" "$3" "$4" 2>"$5"' sh "$USER_TMP/run/driver.pid" \
	"$DRIVER" "$PROXY_SOCK" "$PULSE_SOCK" "$USER_TMP/run/driver.log" &
i=0
while [ ! -S "$PROXY_SOCK" ]; do
	i=$((i + 1))
	[ "$i" -le 100 ] || { cat "$USER_TMP/run/driver.log"; fail "the driver did not listen"; }
	sleep 0.1
done
DRIVER_PID=$(cat "$USER_TMP/run/driver.pid")

direct() { as_user env PULSE_SERVER="unix:$PULSE_SOCK" "$@"; }
proxied() { as_user env PULSE_SERVER="unix:$PROXY_SOCK" "$@"; }
out="$USER_TMP/out.txt"
# denied CMD...: fails through the proxy with the server-side "Access denied"
denied() {
	if proxied "$@" >"$out" 2>&1; then
		cat "$out"
		fail "through the proxy, '$*' succeeded"
	fi
	assert_contains "$out" "Access denied"
	echo "denied through the proxy: $*"
}

# A second sink (for set-default-sink), and a client to kill: a
# recorder of the null sink's monitor, which also catches what paplay
# plays through the proxy below.
direct pactl load-module module-null-sink sink_name=vl_other >/dev/null
direct pactl get-default-sink >"$out"
assert_eq vl_null "$(cat "$out")" "default sink"
REC="$USER_TMP/run/rec.wav"
as_user sh -c 'echo $$ >"$1"; exec env PULSE_SERVER="unix:$2" parecord --device=vl_null.monitor --latency-msec=50 \
	--file-format=wav --rate=44100 --channels=2 "$3"' sh "$USER_TMP/run/rec.pid" "$PULSE_SOCK" "$REC" &
i=0
while ! direct pactl list short source-outputs | grep -q .; do
	i=$((i + 1))
	[ "$i" -le 100 ] || fail "parecord did not start recording"
	sleep 0.1
done
REC_PID=$(cat "$USER_TMP/run/rec.pid")
REC_OUTPUT=$(direct pactl list short source-outputs | awk 'NR == 1 { print $1 }')
REC_CLIENT=$(direct pactl list short source-outputs | awk 'NR == 1 { print $3 }')
case "$REC_CLIENT" in '' | *[!0-9]*) fail "no client index for parecord: '$REC_CLIENT'" ;; esac
NULL_MOD=$(direct pactl list short modules | awk '$2 == "module-null-sink" { print $1; exit }')
direct pactl list short modules >"$USER_TMP/modules.before"

# Allowed through the proxy: what a playback client reads.
proxied pactl info >"$out" 2>&1 || { cat "$out"; fail "pactl info through the proxy"; }
assert_contains "$out" "Default Sink: vl_null"
proxied pactl list short sinks >"$out" 2>&1 || { cat "$out"; fail "list sinks through the proxy"; }
assert_contains "$out" "vl_other"

denied pactl load-module module-null-sink sink_name=vl_evil
denied pactl unload-module "$NULL_MOD"
denied pactl set-default-sink vl_other
denied "$KILL" "$REC_CLIENT"
denied pactl list short modules
denied pactl move-source-output "$REC_OUTPUT" vl_other.monitor
denied pactl set-source-output-volume "$REC_OUTPUT" 10%
denied pactl set-sink-volume vl_null 10%
denied pactl suspend-sink vl_null 1
denied pactl exit
direct pactl list short modules >"$USER_TMP/modules.after"
cmp "$USER_TMP/modules.before" "$USER_TMP/modules.after" ||
	fail "the module list changed: $(diff "$USER_TMP/modules.before" "$USER_TMP/modules.after")"
direct pactl get-default-sink >"$out"
assert_eq vl_null "$(cat "$out")" "default sink after set-default-sink through the proxy"
kill -0 "$REC_PID" || fail "parecord (client $REC_CLIENT) died"

# Playback through the proxy reaches the sink, heard by the direct
# recorder and by a second one recording through the proxy at the same
# time (two proxied connections at once, audio both ways).
PREC="$USER_TMP/run/prec.wav"
as_user sh -c 'echo $$ >"$1"; exec env PULSE_SERVER="unix:$2" parecord --device=vl_null.monitor --latency-msec=50 \
	--file-format=wav --rate=44100 --channels=2 "$3"' sh "$USER_TMP/run/prec.pid" "$PROXY_SOCK" "$PREC" &
i=0
while [ "$(direct pactl list short source-outputs | wc -l)" -lt 2 ]; do
	i=$((i + 1))
	[ "$i" -le 100 ] || fail "parecord through the proxy did not start recording"
	sleep 0.1
done
PREC_PID=$(cat "$USER_TMP/run/prec.pid")
WAV="$USER_TMP/run/tone.wav"
as_user sox -n -r 44100 -c 2 -b 16 "$WAV" synth 1 sine 440 vol 0.5
proxied paplay --device=vl_null "$WAV" >"$out" 2>&1 || { cat "$out"; fail "paplay through the proxy"; }
# loud PID FILE WHAT: stops the recorder PID, FILE is not silent
loud() {
	kill -INT "$1"
	i=0
	while kill -0 "$1" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le 100 ] || fail "parecord ($3) did not stop"
		sleep 0.1
	done
	as_user sox "$2" -n stat 2>"$out" || { cat "$out"; fail "sox stat on the recording ($3)"; }
	max=$(awk '/^Maximum amplitude:/ { print $3 }' "$out")
	awk -v m="$max" 'BEGIN { exit !(m > 0.2) }' || { cat "$out"; fail "the recording ($3) is silent (maximum amplitude $max)"; }
	echo "played through the proxy, recorded $3: maximum amplitude $max"
}
loud "$REC_PID" "$REC" "directly"
loud "$PREC_PID" "$PREC" "through the proxy"

# SHM: the proxied clients (pactl, paplay) negotiated none; a direct one did.
assert_contains "$USER_TMP/pulse.log" "Negotiated SHM: no"
assert_contains "$USER_TMP/pulse.log" "Negotiated SHM: yes"
grep -c "Negotiated SHM" "$USER_TMP/pulse.log"

# The denied commands work directly: the refusals were the proxy's.
direct pactl set-default-sink vl_other
direct pactl get-default-sink >"$out"
assert_eq vl_other "$(cat "$out")" "default sink set directly"
m=$(direct pactl load-module module-null-sink sink_name=vl_direct)
direct pactl unload-module "$m"
# kill-client, on a new recorder (the only source output now).
as_user sh -c 'echo $$ >"$1"; exec env PULSE_SERVER="unix:$2" pacat --record \
	--device=vl_null.monitor >/dev/null' sh "$USER_TMP/run/victim.pid" "$PULSE_SOCK" &
i=0
while ! direct pactl list short source-outputs | grep -q .; do
	i=$((i + 1))
	[ "$i" -le 100 ] || fail "pacat did not start recording"
	sleep 0.1
done
VICTIM_PID=$(cat "$USER_TMP/run/victim.pid")
c=$(direct pactl list short source-outputs | awk 'NR == 1 { print $3 }')
direct "$KILL" "$c"
i=0
while kill -0 "$VICTIM_PID" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -le 100 ] || fail "kill-client $c sent directly did not end pacat"
	sleep 0.1
done
echo "the same commands sent directly worked"

cat "$USER_TMP/run/driver.log"
assert_contains "$USER_TMP/run/driver.log" "denied LOAD_MODULE"
assert_contains "$USER_TMP/run/driver.log" "denied UNLOAD_MODULE"
assert_contains "$USER_TMP/run/driver.log" "denied SET_DEFAULT_SINK"
assert_contains "$USER_TMP/run/driver.log" "denied KILL_CLIENT"
if grep -q "Bad message" "$USER_TMP/run/driver.log"; then fail "the proxy saw a malformed frame"; fi
echo ok
