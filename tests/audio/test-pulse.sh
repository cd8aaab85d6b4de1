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
. "$TOP_SRCDIR/tests/audio/pulse.sh"
trap 'pulse_stop; rm -rf "$USER_TMP"' EXIT
pulse_start

out="$USER_TMP/out.txt"
as_user env VL_TEST_PULSE_SOCKET="$PULSE_SOCK" CK_RUN_CASE=real \
	"$BUILD_DIR/tests/test_audio" >"$out" 2>&1 || { cat "$out"; fail "check against a real server"; }
cat "$out"
assert_contains "$out" "100%: Checks: 2, Failures: 0, Errors: 0"

# The same user, no server: the no-server cases as that user.
as_user env CK_RUN_CASE=no-server "$BUILD_DIR/tests/test_audio" >"$out" 2>&1 ||
	{ cat "$out"; fail "no-server cases as uid $TEST_UID"; }
cat "$out"
assert_contains "$out" "100%: Checks: 10, Failures: 0, Errors: 0"

pulse_stop
echo ok
