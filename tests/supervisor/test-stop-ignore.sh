#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `vfio-launch stop` on a guest that ignores the ACPI power button (the demo
# guest with demo.pwrbtn=ignore: it logs each press and keeps running), as
# the unprivileged test uid under TCG, each VM from `start`:
#  - `stop --timeout 3`: the power-down with a 3 s timeout (the guest logs
#    the press and ignores it), then QMP quit; stop exits 0 with run's exit
#    status 2 (forced), and when it returns the supervisor and QEMU have
#    exited (no process, or a zombie: exited, not yet reaped by its
#    parent);
#  - `stop --force`: no power-down at all, quit at once, exit status 2;
#  - while a `stop` waits out a long stop-timeout, `status` answers
#    (powering-down) and `stop --force` ends it; with QEMU stopped
#    (SIGSTOP: it cannot answer quit) that is SIGKILL after the quit
#    grace: both stops say run's exit status 137 (128 + SIGKILL).
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"

need_demo
need_tool python3
user_setup
shm=$(mktemp -u /dev/shm/vl-test-ignore.XXXXXX)
spid= qpid=
cleanup() {
	for p in $spid $qpid; do kill -KILL "$p" 2>/dev/null || true; done
	rm -f "$shm"
	rm -rf "$USER_TMP"
}
trap cleanup EXIT

mkdir -p "$USER_TMP/guest"
cp "$BUILD_DIR/guest/vmlinuz" "$BUILD_DIR/guest/initramfs.cpio.gz" "$USER_TMP/guest/"
chmod -R a+rX "$USER_TMP/guest"
conf=$USER_TMP/home/ign.conf
printf '%s\n' "[vm]" "name = ign" "memory = 256M" "accel = tcg" "stop-timeout = 600" \
	"kernel = $USER_TMP/guest/vmlinuz" "initrd = $USER_TMP/guest/initramfs.cpio.gz" \
	"append = console=ttyS0 quiet panic=-1 demo.wait=powerdown demo.pwrbtn=ignore" "" \
	"[looking-glass]" "size = 2M" "path = $shm" >"$conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
chown "$TEST_UID" "$USER_TMP"
log=$USER_TMP/home/.local/state/vfio-launch/ign/log

# start, then the supervisor's and QEMU's PIDs from status --json
start_vm() {
	as_user "$VL" start "$conf" >"$USER_TMP/start" 2>&1 </dev/null ||
		{ cat "$USER_TMP/start"; fail "start failed"; }
	as_user "$VL" status --json "$conf" >"$USER_TMP/status" 2>&1 ||
		{ cat "$USER_TMP/status"; fail "status --json failed"; }
	set -- $(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print(s["supervisor-pid"], s["qemu-pid"])' "$USER_TMP/status")
	spid=$1 qpid=$2
}
wait_log() { # PATTERN
	i=0
	until grep -q "$1" "$log"; do
		i=$((i + 1))
		[ $i -lt 1800 ] || { cat "$log"; fail "no '$1' in the log in 180 s"; }
		sleep 0.1
	done
}
# PID has exited: no /proc entry, or a zombie. Checked once, right after
# stop returned: stop returns only when the supervisor has exited, and the
# supervisor exits only after reaping QEMU.
exited() {
	st=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null) || true
	[ -z "$st" ] || [ "$st" = Z ]
}
stop_vm() { # EXPECTED-STATUS STOP-OPTIONS...
	want=$1
	shift
	rc=0
	as_user "$VL" stop "$@" "$conf" >"$USER_TMP/stop" 2>&1 || rc=$?
	cat "$USER_TMP/stop"
	[ "$rc" -eq 0 ] || fail "stop $* exited $rc"
	exited "$spid" || fail "the supervisor ($spid) still runs after stop returned"
	exited "$qpid" || fail "QEMU ($qpid) still runs after stop returned"
	spid= qpid=
	assert_contains "$USER_TMP/stop" "VM ign stopped (run's exit status $want)"
}

# 1. stop --timeout 3: the press is logged by the guest and ignored; the
# timeout given (not the profile's 600 s) ends it with quit.
start_vm
wait_log '^DEMO-GUEST-WAITING'
stop_vm 2 --timeout 3
cat "$log"
assert_contains "$log" "QMP event POWERDOWN"
assert_contains "$log" "vfio-launch stop: asking the guest to power down (ACPI); again to force, or it is ended in 3 s"
assert_contains "$log" "DEMO-GUEST-POWER-BUTTON: ignored"
assert_contains "$log" "the guest did not power off within the stop-timeout"
assert_contains "$log" "ending QEMU (QMP quit)"
if grep -q "DEMO-GUEST-RESULT" "$log"; then fail "the guest powered off by itself"; fi

# 2. stop --force, the guest running (booting): no power-down.
start_vm
stop_vm 2 --force --timeout 3
cat "$log"
assert_contains "$log" "vfio-launch stop (forced)"
assert_contains "$log" "ending QEMU (QMP quit)"
if grep -q "QMP event POWERDOWN" "$log"; then fail "stop --force sent a power-down"; fi

# 3. A stop that waits (the profile's 600 s) does not hold the control
# socket: status answers meanwhile, and a second stop, --force, ends it;
# QEMU, stopped (SIGSTOP) so it cannot answer quit, gets SIGKILL. Both
# stops report run's exit status 137 (128 + SIGKILL).
start_vm
wait_log '^DEMO-GUEST-WAITING'
: >"$USER_TMP/stop1"
chown "$TEST_UID" "$USER_TMP/stop1"
as_user "$VL" stop "$conf" >"$USER_TMP/stop1" 2>&1 &
stop1=$!
wait_log 'or it is ended in 600 s'
as_user "$VL" status --json "$conf" >"$USER_TMP/status" 2>&1 ||
	{ cat "$USER_TMP/status"; fail "status during a stop failed"; }
python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["state"] == "powering-down"' \
	"$USER_TMP/status" || { cat "$USER_TMP/status"; fail "status during a stop does not say powering-down"; }
kill -STOP "$qpid"
q=$qpid
stop_vm 137 --force
rc=0
wait "$stop1" || rc=$?
cat "$USER_TMP/stop1"
[ "$rc" -eq 0 ] || fail "the first stop exited $rc"
assert_contains "$USER_TMP/stop1" "VM ign stopped (run's exit status 137)"
cat "$log"
assert_contains "$log" "vfio-launch stop (forced)"
assert_contains "$log" "ending QEMU (QMP quit); SIGKILL in"
assert_contains "$log" "killing QEMU (pid $q)"
assert_contains "$log" "QEMU was ended by signal 9"
echo "stop on a guest that ignores the button: --timeout 3 quits (2), --force skips the power-down (2)," \
	"status and stop --force during a stop, a stopped QEMU killed (137); supervisor and QEMU gone when stop returns"
