#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The supervisor binds its ctl.sock only once QEMU runs (issue 15), so a
# client can come while a run holds the VM's lock and nothing listens on
# ctl.sock yet. Such a client waits (vmctl_connect) instead of calling the
# VM stopped:
#   1. control: the lock file free and no ctl.sock: `status` says stopped;
#   2. the lock held (a stand-in for a starting run), no ctl.sock when
#      `status` starts; a stand-in supervisor binds ctl.sock only after
#      that: `status` prints the state it answers (starting), where a
#      client that did not wait would have said stopped;
#   3. the lock held, no ctl.sock, then the lock released: `status`
#      returns, saying stopped;
#   4. a real run (a fake QEMU) answers status on its ctl.sock: starting.
. "$(dirname "$0")/../lib.sh"
[ -x "$VL" ] || skip "build/vfio-launch is not built"
need_tool flock
need_tool python3
user_setup
out=$USER_TMP/out
st=
# The stand-ins' pids, from their pid files (as_user's own pid is a
# subshell's).
stop_all() {
	for f in "$out"/*.pid; do
		[ -e "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null || true
	done
	[ -z "$st" ] || kill -KILL "$st" 2>/dev/null || true
}
# kill_pid NAME: kills the stand-in NAME and forgets it.
kill_pid() {
	kill -KILL "$(cat "$out/$1.pid")"
	rm -f "$out/$1.pid"
}
trap 'stop_all; rm -rf "$USER_TMP"' EXIT

conf=$USER_TMP/home/wait.conf
printf '%s\n' "[vm]" "name = wait" "memory = 64M" "accel = tcg" >"$conf"
chown "$TEST_UID:$TEST_GID" "$conf"
rt=$USER_TMP/run/vfio-launch/wait
as_user sh -c 'umask 077; mkdir -p "$0" && : >"$0/lock"' "$rt"
mkdir "$out"
chown "$TEST_UID" "$out"

# Holds the lock as the test uid: fd 9 stays with the exec'd sleep
# (holder.pid).
hold_lock() {
	as_user sh -c 'echo $$ >"$1"; exec 9>>"$0"; flock -x 9; exec sleep 600' \
		"$rt/lock" "$out/holder.pid" &
	i=0
	while as_user flock -n -s "$rt/lock" true; do
		i=$((i + 1))
		[ $i -lt 200 ] || fail "the stand-in did not take the lock"
		sleep 0.05
	done
}

# expect_status N STATE WHEN: the status started in the background ($st,
# output in $out/N) exits 0 and says STATE.
expect_status() {
	rc=0
	wait "$st" || rc=$?
	st=
	cat "$out/$1"
	[ "$rc" -eq 0 ] || fail "status exited $rc $3"
	assert_contains "$out/$1" "VM wait: $2"
}

# 1.
as_user "$VL" status "$conf" >"$out/1" 2>&1 || fail "status exited $? with the lock free"
assert_contains "$out/1" "VM wait: stopped"

# 2.
hold_lock
as_user "$VL" status "$conf" >"$out/2" 2>&1 &
st=$!
as_user python3 -c '
import json, os, socket, sys
open(sys.argv[2], "w").write(str(os.getpid()))
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(4)
while True:
    c, _ = s.accept()
    req = json.loads(c.makefile().readline())
    if req.get("execute") == "status":
        rep = {"return": {"supervisor-pid": os.getpid(), "qemu-pid": 0, "state": "starting"}}
    else:
        rep = {"error": {"class": "GenericError", "desc": "QMP is not ready yet"}}
    c.sendall((json.dumps(rep) + "\n").encode())
    c.close()
' "$rt/ctl.sock" "$out/server.pid" &
expect_status 2 starting "while the VM was starting"
i=0
until [ -s "$out/server.pid" ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "no pid from the stand-in supervisor"
	sleep 0.05
done
kill_pid server
rm -f "$rt/ctl.sock"

# 3.
as_user "$VL" status "$conf" >"$out/3" 2>&1 &
st=$!
kill_pid holder
expect_status 3 stopped "once the lock was released"

# 4. End to end: a run of a fake QEMU (it never speaks QMP) binds its
# ctl.sock once that QEMU runs, and answers there: starting.
fake=$USER_TMP/fake-qemu
printf '%s\n' '#!/bin/sh' 'echo "fake-qemu: started" >&2' 'exec sleep 600' >"$fake"
chmod 0755 "$fake"
printf '%s\n' "[qemu]" "binary = $fake" >>"$conf"
as_user sh -c 'echo $$ >"$0.pid"; exec "$@" </dev/null >"$0" 2>&1' "$out/4" "$VL" run --trust-profile "$conf" &
st=$!
i=0
until grep -q '^fake-qemu: started' "$out/4"; do
	i=$((i + 1))
	if [ $i -ge 300 ] || ! kill -0 "$st" 2>/dev/null; then
		cat "$out/4"
		fail "the run did not start its QEMU"
	fi
	sleep 0.1
done
as_user "$VL" status "$conf" >"$out/5" 2>&1 || fail "status exited $? on the running VM"
assert_contains "$out/5" "VM wait: starting"
kill -TERM "$(cat "$out/4.pid")"
wait "$st" || true
st=
rm -f "$out/4.pid"
echo "a client waits while the lock is held and ctl.sock is not there yet; a run binds ctl.sock once QEMU runs"
