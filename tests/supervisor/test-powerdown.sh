#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The supervisor's graceful stop, with the demo guest under TCG as the
# unprivileged test uid: the guest (demo.wait=powerdown) reports and waits
# for the ACPI power button. While it waits:
#  - a second `run` of the same VM is refused (exit 69: the lock is the
#    supervisor's);
#  - the user's QMP socket in the runtime dir answers with QEMU's greeting;
#  - SIGINT to the supervisor (what Ctrl-C sends) gives the guest a power-
#    button press: the supervisor logs QMP POWERDOWN, then the guest sees
#    the button, then QEMU reports SHUTDOWN (guest-shutdown), and run exits
#    0, nothing forced or killed; the runtime dir is gone afterwards.
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"

need_demo
need_tool socat
user_setup
shm=$(mktemp -u /dev/shm/vl-test-pwr.XXXXXX)
pid=
trap '[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null; rm -f "$shm"; rm -rf "$USER_TMP"' EXIT

# The guest, readable by the test uid.
mkdir -p "$USER_TMP/guest"
cp "$BUILD_DIR/guest/vmlinuz" "$BUILD_DIR/guest/initramfs.cpio.gz" "$USER_TMP/guest/"
chmod -R a+rX "$USER_TMP/guest"
conf=$USER_TMP/home/pwr.conf
printf '%s\n' "[vm]" "name = pwr" "memory = 256M" "accel = tcg" \
	"kernel = $USER_TMP/guest/vmlinuz" "initrd = $USER_TMP/guest/initramfs.cpio.gz" \
	"append = console=ttyS0 quiet panic=-1 demo.wait=powerdown" "" \
	"[looking-glass]" "size = 2M" "path = $shm" "" \
	"[qemu]" "extra = -no-reboot" >"$conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
out=$USER_TMP/out
: >"$out"
chown "$TEST_UID" "$out" "$USER_TMP"

# The supervisor is the process that execs here; its pid goes to a file
# (the job's pid is a subshell's). A background job starts with SIGINT
# ignored: the supervisor must cope with that as well.
as_user sh -c 'echo $$ >"$0.pid"; exec "$@" </dev/null >>"$0" 2>&1' "$out" "$VL" run "$conf" &
job=$!
i=0
while [ ! -s "$out.pid" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
pid=$(cat "$out.pid")

i=0
until grep -q '^DEMO-GUEST-WAITING' "$out"; do
	kill -0 "$pid" 2>/dev/null || { cat "$out"; fail "run ended before the guest waited for the button"; }
	i=$((i + 1))
	[ $i -lt 1800 ] || { cat "$out"; fail "the guest did not get to its wait in 180 s"; }
	sleep 0.1
done

# A second run of the same VM while the supervisor lives.
rc=0
as_user "$VL" run "$conf" >"$USER_TMP/second" 2>&1 || rc=$?
cat "$USER_TMP/second"
[ "$rc" -eq 69 ] || fail "a second run of a running VM exited $rc, not 69"
assert_contains "$USER_TMP/second" "VM pwr is already running"

# The user's QMP socket: QEMU's own QMP server, on the socket the
# supervisor made.
greeting=$(as_user sh -c 'echo "{\"execute\":\"qmp_capabilities\"}" |
	socat -t 2 - UNIX-CONNECT:"$XDG_RUNTIME_DIR/vfio-launch/pwr/qmp.sock"' | head -n 1)
case $greeting in
*'"QMP"'*) ;;
*) fail "no QMP greeting on the runtime dir's qmp.sock: '$greeting'" ;;
esac

kill -INT "$pid"
rc=0
wait "$job" || rc=$?
pid=
tr -d '\r' <"$out" >"$out.txt"
cat "$out.txt"
[ "$rc" -eq 0 ] || fail "run exited $rc after SIGINT and a guest power-off, not 0"

line_of() { grep -n -m 1 -F -- "$1" "$out.txt" | cut -d: -f1; }
p=$(line_of "QMP event POWERDOWN")
b=$(line_of "DEMO-GUEST-POWER-BUTTON: pressed")
s=$(line_of "QMP event SHUTDOWN (guest-shutdown)")
[ -n "$p" ] || fail "no QMP POWERDOWN event after SIGINT"
[ -n "$b" ] || fail "the guest did not see the power button"
[ -n "$s" ] || fail "QEMU reported no SHUTDOWN (guest-shutdown)"
[ "$p" -lt "$b" ] && [ "$b" -lt "$s" ] || fail "order is not POWERDOWN ($p) < button ($b) < SHUTDOWN ($s)"
if grep -qE 'ending QEMU|killing QEMU' "$out.txt"; then fail "QEMU was forced"; fi
[ ! -e "$USER_TMP/run/vfio-launch/pwr" ] || fail "the runtime dir is left behind"
echo "SIGINT -> POWERDOWN (line $p) -> guest button (line $b) -> SHUTDOWN guest-shutdown (line $s), exit 0; a second run was refused with 69"
