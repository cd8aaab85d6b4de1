#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The audio proxy as `vfio-launch run` uses it (launcher/supervisor/
# audio_proxy.c), with a private PulseAudio server, as the unprivileged
# test uid. The demo guest's kernel boots with --paused (QEMU's pa
# audiodev connects at startup, so its client is there while the vCPUs
# wait). Then:
#  - QEMU's libpulse is a client of the server, through the proxy: the
#    server lists a client whose binary is qemu-system-x86_64, and logs "Negotiated SHM: no"
#    for it (the server runs with SHM on: the proxy cleared the bits);
#  - QEMU's box holds exactly one socket, the supervisor's audio.sock:
#    not the server's socket, nor any other (found through
#    /proc/PID/root);
#  - through that socket, what could take the server over fails (load-
#    module, unload-module, set-default-sink, list modules) and the module
#    list is unchanged, while the same commands work directly; a WAV
#    played through it reaches the null sink (recorded directly from its
#    monitor, not silent);
#  - the supervisor says what it refused, and removes the socket at the
#    end.
. "$(dirname "$0")/../lib.sh"
need_demo
for t in paplay parecord sox; do need_tool "$t"; done
user_setup
. "$TOP_SRCDIR/tests/audio/pulse.sh"
SUP_PID=
cleanup() {
	[ -z "$SUP_PID" ] || kill -KILL "$SUP_PID" 2>/dev/null
	pulse_stop
	rm -rf "$USER_TMP"
}
trap cleanup EXIT
PULSE_DISABLE_SHM=no PULSE_LOG_LEVEL=debug pulse_start

conf=$USER_TMP/home/aud.conf
printf '%s\n' "[vm]" "name = aud" "memory = 128M" "accel = tcg" "firmware = bios" \
	"kernel = $BUILD_DIR/guest/vmlinuz" "initrd = $BUILD_DIR/guest/initramfs.cpio.gz" \
	"append = console=ttyS0 quiet panic=-1" "" \
	"[audio]" "backend = pulse" "server = unix:$PULSE_SOCK" >"$conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
out=$USER_TMP/out
: >"$out"
chown "$TEST_UID" "$out"
as_user sh -c 'echo $$ >"$0"; log=$1; shift; exec "$@" </dev/null >>"$log" 2>&1' "$USER_TMP/run/sup.pid" "$out" \
	"$VL" run --paused --trust-profile "$conf" &
job=$!
i=0
while [ ! -s "$USER_TMP/run/sup.pid" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "the launcher did not start"
	sleep 0.1
done
SUP_PID=$(cat "$USER_TMP/run/sup.pid")
SOCK=$USER_TMP/run/vfio-launch/aud/audio.sock
direct() { as_user env PULSE_SERVER="unix:$PULSE_SOCK" "$@"; }
proxied() { as_user env PULSE_SERVER="unix:$SOCK" "$@"; }
i=0
until grep -q "vCPUs paused" "$out" && direct pactl list clients | grep -q 'application.process.binary = "qemu-system-x86_64"'; do
	i=$((i + 1))
	[ $i -lt 300 ] && kill -0 "$job" 2>/dev/null || {
		cat "$out"
		direct pactl list clients
		grep -i "client\|connection" "$USER_TMP/pulse.log" | tail -n 20
		fail "QEMU did not come up as a client of the server"
	}
	sleep 0.1
done
QEMU_PID=$(pgrep -P "$SUP_PID" | head -n 1)
[ -n "$QEMU_PID" ] || fail "no QEMU under the supervisor $SUP_PID"
[ -S "$SOCK" ] || fail "no proxy socket at $SOCK"
echo "QEMU (pid $QEMU_PID) is a client of the server"
grep -q "Negotiated SHM: no" "$USER_TMP/pulse.log" || fail "no client negotiated without SHM (QEMU through the proxy)"

# What QEMU's box shows: the proxy's socket, and no other socket at all
# (/proc and /sys left out: not the host's sockets), and no cookie.
root=/proc/$QEMU_PID/root
[ -S "$root$SOCK" ] || fail "the box does not show $SOCK"
[ ! -e "$root$PULSE_SOCK" ] || fail "the box shows the server's socket $PULSE_SOCK"
[ -e "$USER_TMP/home/.config/pulse/cookie" ] || fail "control: the server made no cookie"
[ ! -e "$root$USER_TMP/home/.config/pulse" ] || fail "the box shows libpulse's cookie directory"
# (A bind-mounted socket reads as its mount point's type in a directory
# listing, so every non-directory is tested itself.)
find "$root/" \( -path "$root/proc" -o -path "$root/sys" \) -prune -o ! -type d -print >"$USER_TMP/files" ||
	fail "find in QEMU's box"
while read -r f; do [ ! -S "$f" ] || echo "${f#"$root"}"; done <"$USER_TMP/files" >"$USER_TMP/socks.box"
cat "$USER_TMP/socks.box"
assert_eq "$SOCK" "$(cat "$USER_TMP/socks.box")" "the sockets in QEMU's box"
[ -S "$PULSE_SOCK" ] || fail "control: the server's socket is not there outside the box"
echo "the box shows one socket, $SOCK; the server's $PULSE_SOCK exists outside only"

# Through the socket QEMU is given.
res=$USER_TMP/res
denied() {
	if proxied "$@" >"$res" 2>&1; then
		cat "$res"
		fail "through QEMU's socket, '$*' succeeded"
	fi
	assert_contains "$res" "Access denied"
	echo "denied through QEMU's socket: $*"
}
direct pactl load-module module-null-sink sink_name=vl_other >/dev/null
NULL_MOD=$(direct pactl list short modules | awk '$2 == "module-null-sink" { print $1; exit }')
direct pactl list short modules >"$USER_TMP/modules.before"
proxied pactl info >"$res" 2>&1 || { cat "$res"; fail "pactl info through QEMU's socket"; }
assert_contains "$res" "Default Sink: vl_null"
denied pactl load-module module-null-sink sink_name=vl_evil
denied pactl unload-module "$NULL_MOD"
denied pactl set-default-sink vl_other
denied pactl list short modules
direct pactl list short modules >"$USER_TMP/modules.after"
cmp "$USER_TMP/modules.before" "$USER_TMP/modules.after" ||
	fail "the module list changed: $(diff "$USER_TMP/modules.before" "$USER_TMP/modules.after")"
direct pactl get-default-sink >"$res"
assert_eq vl_null "$(cat "$res")" "the default sink"

# Playback through QEMU's socket reaches the null sink.
REC=$USER_TMP/run/rec.wav
as_user sh -c 'echo $$ >"$1"; exec env PULSE_SERVER="unix:$2" parecord --device=vl_null.monitor --latency-msec=50 \
	--file-format=wav --rate=44100 --channels=2 "$3"' sh "$USER_TMP/run/rec.pid" "$PULSE_SOCK" "$REC" &
i=0
# parecord's own record stream (QEMU's HDA may have one too; parecord is
# pacat under another name), and its pid.
while ! { [ -s "$USER_TMP/run/rec.pid" ] &&
	direct pactl list source-outputs | grep -qE 'application.process.binary = "(parecord|pacat)"'; }; do
	i=$((i + 1))
	[ "$i" -le 100 ] || fail "parecord did not start recording"
	sleep 0.1
done
REC_PID=$(cat "$USER_TMP/run/rec.pid")
WAV=$USER_TMP/run/tone.wav
as_user sox -n -r 44100 -c 2 -b 16 "$WAV" synth 1 sine 440 vol 0.5
proxied paplay --device=vl_null "$WAV" >"$res" 2>&1 || { cat "$res"; fail "paplay through QEMU's socket"; }
kill -INT "$REC_PID"
i=0
while kill -0 "$REC_PID" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -le 100 ] || fail "parecord did not stop"
	sleep 0.1
done
as_user sox "$REC" -n stat 2>"$res" || { cat "$res"; fail "sox stat on the recording"; }
max=$(awk '/^Maximum amplitude:/ { print $3 }' "$res")
awk -v m="$max" 'BEGIN { exit !(m > 0.2) }' || { cat "$res"; fail "the recording is silent (maximum amplitude $max)"; }
echo "played through QEMU's socket, recorded from the null sink: maximum amplitude $max"

# Directly, the refused commands work: the refusals were the proxy's.
direct pactl set-default-sink vl_other
m=$(direct pactl load-module module-null-sink sink_name=vl_direct)
direct pactl unload-module "$m"

kill -TERM "$SUP_PID"
rc=0
wait "$job" || rc=$?
SUP_PID=
cat "$out"
[ "$rc" -eq 2 ] || fail "run exited $rc after SIGTERM on a paused guest, not 2 (quit)"
assert_contains "$out" "audio: connection"
assert_contains "$out" "refused LOAD_MODULE"
assert_contains "$out" "refused SET_DEFAULT_SINK"
[ ! -e "$SOCK" ] || fail "the supervisor left $SOCK behind"
echo ok
