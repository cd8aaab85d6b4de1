#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The single-instance lock is the supervisor's, whatever QEMU does: a
# "QEMU" ([qemu] binary =, run in the box as the unprivileged test uid)
# calls flock(LOCK_UN) on every descriptor it holds, and a second run of
# the same VM is still refused (exit 69). Outside the box the same unlock
# does release a lock (the control: flock -u works on an inherited
# descriptor). SIGTERM to the supervisor before QMP ever answered kills
# that "QEMU"; run reports the signal (exit 137) and removes its files.
. "$(dirname "$0")/../lib.sh"
[ -x "$VL" ] || skip "build/vfio-launch is not built"
need_tool flock
user_setup
pid=
trap '[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null; rm -rf "$USER_TMP"' EXIT

fake=$USER_TMP/fake-qemu
cat >"$fake" <<'FAKE'
#!/bin/sh
n=0
for fd in /proc/self/fd/*; do
	fd=${fd##*/}
	flock -u "$fd" 2>/dev/null && n=$((n + 1))
done
echo "fake-qemu: flock -u succeeded on $n descriptors" >&2
exec sleep 600
FAKE
chmod 0755 "$fake"

# The control: the same unlock on an inherited lock descriptor releases it.
touch "$USER_TMP/ctl.lock"
(
	exec 9>"$USER_TMP/ctl.lock"
	flock -x 9
	sh -c 'flock -u 9'
	flock -n -x "$USER_TMP/ctl.lock" true
) 9>/dev/null || fail "control: flock -u on an inherited descriptor did not release the lock"

conf=$USER_TMP/home/lock.conf
printf '%s\n' "[vm]" "name = lock" "memory = 64M" "accel = tcg" "" \
	"[qemu]" "binary = $fake" >"$conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
out=$USER_TMP/out
: >"$out"
chown "$TEST_UID" "$out" "$USER_TMP"
as_user sh -c 'echo $$ >"$0.pid"; exec "$@" </dev/null >>"$0" 2>&1' "$out" "$VL" run --trust-profile "$conf" &
job=$!
i=0
until grep -q '^fake-qemu: flock -u' "$out"; do
	i=$((i + 1))
	[ $i -lt 300 ] || { cat "$out"; fail "the fake QEMU did not start"; }
	sleep 0.1
done
pid=$(cat "$out.pid")

rc=0
as_user "$VL" run --trust-profile "$conf" >"$USER_TMP/second" 2>&1 </dev/null || rc=$?
cat "$USER_TMP/second"
[ "$rc" -eq 69 ] || fail "a second run after QEMU's flock(LOCK_UN) exited $rc, not 69"
assert_contains "$USER_TMP/second" "VM lock is already running"

kill -TERM "$pid"
rc=0
wait "$job" || rc=$?
pid=
cat "$out"
[ "$rc" -eq 137 ] || fail "run exited $rc after SIGTERM before QMP, not 137 (SIGKILL)"
[ ! -e "$USER_TMP/run/vfio-launch/lock" ] || fail "the runtime dir is left behind"
echo "QEMU's flock(LOCK_UN) on all its descriptors did not release the VM's lock; the control did"
