#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `vfio-launch stop` through the supervisor's control socket, as the
# unprivileged test uid with the demo guest under TCG:
#  - the guest waits for the power button (demo.wait=powerdown); `stop`
#    gives it the ACPI power-down, the guest powers off, `stop` exits 0
#    once everything is gone and says run's exit status (0), run exits 0,
#    the runtime dir is gone;
#  - `stop` of a VM that is not running: 69, and 0 with --force;
#  - `stop --force` of a paused VM (`run --paused`): quit at once, run
#    exits 2 (forced).
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"

need_demo
user_setup
shm=$(mktemp -u /dev/shm/vl-test-stop.XXXXXX)
job=
trap '[ -z "$job" ] || kill -KILL "$(cat "$out.pid")" 2>/dev/null; rm -f "$shm"; rm -rf "$USER_TMP"' EXIT

mkdir -p "$USER_TMP/guest"
cp "$BUILD_DIR/guest/vmlinuz" "$BUILD_DIR/guest/initramfs.cpio.gz" "$USER_TMP/guest/"
chmod -R a+rX "$USER_TMP/guest"
conf=$USER_TMP/home/stp.conf
printf '%s\n' "[vm]" "name = stp" "memory = 256M" "accel = tcg" \
	"kernel = $USER_TMP/guest/vmlinuz" "initrd = $USER_TMP/guest/initramfs.cpio.gz" \
	"append = console=ttyS0 quiet panic=-1 demo.wait=powerdown" "" \
	"[looking-glass]" "size = 2M" "path = $shm" >"$conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
out=$USER_TMP/out
chown "$TEST_UID" "$USER_TMP"

start() { # RUN-OPTIONS...: the supervisor in the background, its output in $out
	: >"$out"
	rm -f "$out.pid"
	chown "$TEST_UID" "$out"
	as_user sh -c 'echo $$ >"$0.pid"; exec "$@" </dev/null >>"$0" 2>&1' "$out" "$VL" run "$@" "$conf" &
	job=$!
}
wait_for() { # PATTERN
	i=0
	until grep -q "$1" "$out"; do
		kill -0 "$job" 2>/dev/null || { cat "$out"; fail "run ended before '$1'"; }
		i=$((i + 1))
		[ $i -lt 1800 ] || { cat "$out"; fail "no '$1' in 180 s"; }
		sleep 0.1
	done
}

start
wait_for '^DEMO-GUEST-WAITING'
rc=0
as_user "$VL" stop "$conf" >"$USER_TMP/stop" 2>&1 || rc=$?
cat "$USER_TMP/stop"
[ "$rc" -eq 0 ] || fail "stop exited $rc"
assert_contains "$USER_TMP/stop" "VM stp stopped (run's exit status 0)"
# stop returned: the supervisor has exited (stop waits on its pidfd); it
# is a zombie until this shell's wait reaps it.
st=$(awk '/^State:/ {print $2}' "/proc/$(cat "$out.pid")/status" 2>/dev/null) || true
[ -z "$st" ] || [ "$st" = Z ] || fail "the supervisor still runs after stop returned (state $st)"
rc=0
wait "$job" || rc=$?
job=
cat "$out"
[ "$rc" -eq 0 ] || fail "run exited $rc after stop and a guest power-off"
assert_contains "$out" "QMP event POWERDOWN"
assert_contains "$out" "DEMO-GUEST-POWER-BUTTON: pressed"
assert_contains "$out" "QMP event SHUTDOWN (guest-shutdown)"
[ ! -e "$USER_TMP/run/vfio-launch/stp" ] || fail "the runtime dir is left behind"

rc=0
as_user "$VL" stop "$conf" >"$USER_TMP/stop" 2>&1 || rc=$?
[ "$rc" -eq 69 ] || { cat "$USER_TMP/stop"; fail "stop of a stopped VM exited $rc, not 69"; }
assert_contains "$USER_TMP/stop" "VM stp is not running"
as_user "$VL" stop --force "$conf" >"$USER_TMP/stop" 2>&1 || fail "stop --force of a stopped VM failed"

start --paused
wait_for 'vCPUs paused'
rc=0
as_user "$VL" stop --force "$conf" >"$USER_TMP/stop" 2>&1 || rc=$?
cat "$USER_TMP/stop"
[ "$rc" -eq 0 ] || fail "stop --force exited $rc"
assert_contains "$USER_TMP/stop" "VM stp stopped (run's exit status 2)"
rc=0
wait "$job" || rc=$?
job=
cat "$out"
[ "$rc" -eq 2 ] || fail "run exited $rc after stop --force, not 2"
if grep -q "QMP event POWERDOWN" "$out"; then fail "stop --force sent a power-down"; fi
echo "stop: ACPI power-down and exit 0; not running: 69 (0 with --force); --force: quit, run exits 2"
