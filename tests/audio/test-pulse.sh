#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The audio check against a real PulseAudio server started here as the
# unprivileged test user (CI runs as root; pulseaudio refuses root), then
# against no server. Runs build/tests/test_audio as that user, with the
# server's socket in VL_TEST_PULSE_SOCKET.
. "$(dirname "$0")/../lib.sh"
need_tool pulseaudio
user_setup
[ -x "$BUILD_DIR/tests/test_audio" ] || skip "build/tests/test_audio not built (make tests)"

sock="$USER_TMP/run/vl-pulse/native"
log="$USER_TMP/pulseaudio.log"
pa_pid= sub_pid=
cleanup() {
	[ -n "$pa_pid" ] && kill "$pa_pid" 2>/dev/null
	[ -n "$sub_pid" ] && wait "$sub_pid" 2>/dev/null
	rm -rf "$USER_TMP"
}
trap cleanup EXIT

as_user mkdir -p "$USER_TMP/run/vl-pulse"
# -n: no default.pa, only the modules named; a null sink so that a client
# has somewhere to play. No autospawn, no D-Bus, no realtime.
as_user pulseaudio --daemonize=no -n --exit-idle-time=-1 --use-pid-file=no \
	--disallow-exit --realtime=no --high-priority=no --disable-shm=yes \
	--log-target=stderr \
	-L "module-native-protocol-unix socket=$sock" \
	-L "module-null-sink sink_name=vl_null" >"$log" 2>&1 &
# $! is the subshell running the as_user function, not pulseaudio: the
# server's own pid is looked up by its unique socket path below.
sub_pid=$!

i=0
while [ ! -S "$sock" ]; do
	i=$((i + 1))
	if [ "$i" -gt 100 ] || ! kill -0 "$sub_pid" 2>/dev/null; then
		cat "$log"
		skip "pulseaudio did not start as uid $TEST_UID (log above)"
	fi
	sleep 0.1
done
pa_pid=$(pgrep -u "$TEST_UID" -f -- "socket=$sock") || fail "no pulseaudio process for $sock"

out="$USER_TMP/out.txt"
as_user env VL_TEST_PULSE_SOCKET="$sock" CK_RUN_CASE=real \
	"$BUILD_DIR/tests/test_audio" >"$out" 2>&1 || { cat "$out"; fail "check against a real server"; }
cat "$out"
assert_contains "$out" "100%: Checks: 2, Failures: 0, Errors: 0"

# The same user, no server: the no-server cases as that user.
as_user env CK_RUN_CASE=no-server "$BUILD_DIR/tests/test_audio" >"$out" 2>&1 || { cat "$out"; fail "no-server cases as uid $TEST_UID"; }
cat "$out"
assert_contains "$out" "100%: Checks: 9, Failures: 0, Errors: 0"

# The server was ours; stop it and make sure it is gone.
kill "$pa_pid"
wait "$sub_pid" 2>/dev/null || true
kill -0 "$pa_pid" 2>/dev/null && fail "pulseaudio $pa_pid still running"
pa_pid= sub_pid=
echo "ok"
