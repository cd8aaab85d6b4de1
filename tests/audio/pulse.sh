# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by tests that need a real PulseAudio server (after tests/lib.sh
# and user_setup): pulse_start starts one as the test user, its socket at
# $PULSE_SOCK, and sets $PULSE_PID from the server's own pid file (the
# background job is a subshell running as_user, not the server);
# pulse_stop stops it and checks that it is gone. Skips when pulseaudio
# does not come up. PULSE_DISABLE_SHM=no and PULSE_LOG_LEVEL=debug, set
# before pulse_start, give a server with SHM and a debug log.
PULSE_SOCK="$USER_TMP/run/vl-pulse/native"
PULSE_PID= PULSE_JOB=
pulse_start() {
	need_tool pulseaudio
	as_user mkdir -p "$USER_TMP/run/vl-pulse"
	# -n: no default.pa, only the modules named; a null sink so that a
	# client has somewhere to play. No autospawn, no D-Bus, no realtime.
	as_user pulseaudio --daemonize=no -n --exit-idle-time=-1 --use-pid-file=yes \
		--disallow-exit --realtime=no --high-priority=no --disable-shm="${PULSE_DISABLE_SHM:-yes}" \
		--log-level="${PULSE_LOG_LEVEL:-notice}" \
		--log-target=stderr \
		-L "module-native-protocol-unix socket=$PULSE_SOCK" \
		-L "module-null-sink sink_name=vl_null" >"$USER_TMP/pulse.log" 2>&1 &
	PULSE_JOB=$!
	_i=0
	while [ ! -S "$PULSE_SOCK" ] || [ ! -s "$USER_TMP/run/pulse/pid" ]; do
		_i=$((_i + 1))
		if [ "$_i" -gt 100 ] || ! kill -0 "$PULSE_JOB" 2>/dev/null; then
			cat "$USER_TMP/pulse.log"
			skip "pulseaudio did not start as uid $TEST_UID (log above)"
		fi
		sleep 0.1
	done
	PULSE_PID=$(cat "$USER_TMP/run/pulse/pid")
	case "$PULSE_PID" in '' | *[!0-9]*) fail "bad pulseaudio pid file: '$PULSE_PID'" ;; esac
}
pulse_stop() {
	[ -n "$PULSE_PID" ] && kill "$PULSE_PID" 2>/dev/null
	[ -n "$PULSE_JOB" ] && wait "$PULSE_JOB" 2>/dev/null
	if [ -n "$PULSE_PID" ] && kill -0 "$PULSE_PID" 2>/dev/null; then
		_pid=$PULSE_PID
		PULSE_PID=
		fail "pulseaudio $_pid still running"
	fi
	PULSE_PID= PULSE_JOB=
}
