#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `vfio-launch start` and `status`, as the unprivileged test uid with the
# demo guest under TCG:
#  - start returns exit 0 with the guest running, printing the supervisor's
#    PID and the log; the guest's console and the supervisor's lines are in
#    $XDG_STATE_HOME/vfio-launch/NAME/log, QMP events with an ISO 8601
#    date and time;
#  - status --json parses, says running, names that supervisor and its
#    QEMU (a live descendant of it), QEMU's run state "running" and a vCPU;
#  - list shows it running with PID and uptime, and warns about two
#    profiles with one [vm] name;
#  - a second start while it runs is refused (69), the log untouched;
#  - console (in a pty) sees the guest's output and a line typed into it
#    (the guest answers DEMO-GUEST-GOT: LINE), a second console meanwhile
#    is refused, Ctrl-] detaches with the VM still running;
#  - qmp sends one command through the supervisor (qmp.sock moved away)
#    and prints QEMU's reply, with the command's id, a large reply whole;
#    status too; raw QMP on qmp.sock still works;
#  - stop powers the guest down gracefully (the guest logs the button),
#    every process is gone, status says stopped;
#  - start of a profile whose QEMU fails at once: non-zero (QEMU's status),
#    the error shown on the terminal; the previous log kept as log.1.
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"

need_demo
need_tool python3
user_setup
shm=$(mktemp -u /dev/shm/vl-test-start.XXXXXX)
spid=
trap '[ -z "$spid" ] || kill -KILL "$spid" 2>/dev/null; rm -f "$shm"; rm -rf "$USER_TMP"' EXIT

mkdir -p "$USER_TMP/guest"
cp "$BUILD_DIR/guest/vmlinuz" "$BUILD_DIR/guest/initramfs.cpio.gz" "$USER_TMP/guest/"
chmod -R a+rX "$USER_TMP/guest"
conf=$USER_TMP/home/sta.conf
printf '%s\n' "[vm]" "name = sta" "memory = 256M" "accel = tcg" \
	"kernel = $USER_TMP/guest/vmlinuz" "initrd = $USER_TMP/guest/initramfs.cpio.gz" \
	"append = console=ttyS0 quiet panic=-1 demo.wait=powerdown" "" \
	"[looking-glass]" "size = 2M" "path = $shm" >"$conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
chown "$TEST_UID" "$USER_TMP"
log=$USER_TMP/home/.local/state/vfio-launch/sta/log
# PID has exited: no such process, or a zombie (start's child is reparented
# to PID 1 or a subreaper, which reaps it in its own time). Checked once,
# right after stop returned: stop waits for the supervisor's exit on a
# pidfd, and the supervisor exits after reaping QEMU.
gone() {
	st=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null) || true
	[ -z "$st" ] || [ "$st" = Z ]
}

rc=0
as_user "$VL" start "$conf" >"$USER_TMP/start" 2>&1 </dev/null || rc=$?
cat "$USER_TMP/start"
[ "$rc" -eq 0 ] || fail "start exited $rc"
assert_contains "$USER_TMP/start" "VM sta started: supervisor pid "
assert_contains "$USER_TMP/start" "log $log"
spid=$(sed -n 's/.*supervisor pid \([0-9]*\),.*/\1/p' "$USER_TMP/start")
kill -0 "$spid" 2>/dev/null || fail "the supervisor ($spid) is not running after start returned"
# Its own session, no terminal: the session id is its PID, tty_nr 0.
set -- $(sed 's/.*) //' "/proc/$spid/stat")
[ "$4" = "$spid" ] || fail "the supervisor is not a session leader (sid $4)"
[ "$5" = 0 ] || fail "the supervisor has a controlling terminal ($5)"
assert_contains "$log" "QMP event RESUME"
# Event lines carry the date: ISO 8601 local time, milliseconds, offset.
grep -Eq '^vfio-launch: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{2}:[0-9]{2} sta: QMP event RESUME$' "$log" ||
	{ cat "$log"; fail "the RESUME line has no ISO 8601 date and time"; }

as_user "$VL" status --json "$conf" >"$USER_TMP/status" 2>&1 || { cat "$USER_TMP/status"; fail "status --json failed"; }
cat "$USER_TMP/status"
qpid=$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
assert s["state"] == "running", s["state"]
assert s["supervisor-pid"] == int(sys.argv[2]), s["supervisor-pid"]
assert s["run-state"] == "running", s["run-state"]
assert len(s["vcpus"]) >= 1, s["vcpus"]
assert s["log"] == sys.argv[3], s["log"]
print(s["qemu-pid"])' "$USER_TMP/status" "$spid" "$log") || fail "status --json does not say what it should"
# QEMU is a live descendant of that supervisor.
p=$qpid
while [ "$p" != "$spid" ]; do
	[ "$p" -gt 1 ] || fail "QEMU ($qpid) is not a descendant of the supervisor ($spid)"
	p=$(awk '/^PPid:/ {print $2}' "/proc/$p/status")
done
as_user "$VL" status "$conf" >"$USER_TMP/status" 2>&1 || fail "status failed"
cat "$USER_TMP/status"
assert_contains "$USER_TMP/status" "VM sta: running"
assert_contains "$USER_TMP/status" "QEMU run state: running"

# list: STATE, PID, UPTIME, and a warning for two profiles of one [vm] name
mkdir -p "$USER_TMP/home/.config/vfio-launch"
cp "$conf" "$USER_TMP/home/.config/vfio-launch/sta.conf"
cp "$conf" "$USER_TMP/home/.config/vfio-launch/sta-again.conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home/.config"
as_user "$VL" list >"$USER_TMP/list" 2>&1 || { cat "$USER_TMP/list"; fail "list failed"; }
cat "$USER_TMP/list"
grep -E '^NAME +STATE +PID +UPTIME +FILE$' "$USER_TMP/list" >/dev/null || fail "list has no header"
grep -E "^sta +running +$spid +[0-9]+:[0-9]{2}:[0-9]{2} .*/sta.conf\$" "$USER_TMP/list" >/dev/null ||
	fail "list does not show sta running with its PID and uptime"
assert_contains "$USER_TMP/list" "both say [vm] name = sta"
rm -r "$USER_TMP/home/.config/vfio-launch"

before=$(wc -c <"$log")
rc=0
as_user "$VL" start "$conf" >"$USER_TMP/start2" 2>&1 </dev/null || rc=$?
cat "$USER_TMP/start2"
[ "$rc" -eq 69 ] || fail "a second start while running exited $rc, not 69"
assert_contains "$USER_TMP/start2" "VM sta is already running (supervisor pid $spid)"
[ "$(wc -c <"$log")" -ge "$before" ] || fail "the second start truncated the running VM's log"

i=0
until grep -q '^DEMO-GUEST-WAITING' "$log"; do
	i=$((i + 1))
	[ $i -lt 1800 ] || { cat "$log"; fail "the guest did not get to wait for the button in 180 s"; }
	sleep 0.1
done

# console, in a pseudo-terminal: type a line, see the guest's answer, try a
# second console meanwhile, detach with Ctrl-].
cat >"$USER_TMP/console-driver.py" <<'PY'
import os, pty, select, subprocess, sys, time
vl, conf, out = sys.argv[1:4]
pid, fd = pty.fork()
if pid == 0:
    os.execv(vl, [vl, "console", conf])
seen = b""
def expect(what, secs=120):
    global seen
    end = time.monotonic() + secs
    while what not in seen:
        left = end - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        try:
            seen += os.read(fd, 4096)
        except OSError:
            break
    open(out, "wb").write(seen)
    if what not in seen:
        sys.exit("console: no %r" % what)
expect(b"Ctrl-] detaches")
os.write(fd, b"hello-console\r")
expect(b"DEMO-GUEST-GOT: hello-console")
second = subprocess.run([vl, "console", conf], stdin=subprocess.DEVNULL,
                        capture_output=True, text=True)
open(out + ".second", "w").write("%d %s" % (second.returncode, second.stderr))
os.write(fd, b"\x1d")
expect(b"keeps running")
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
PY
chmod a+r "$USER_TMP/console-driver.py"
: >"$USER_TMP/console"
chown "$TEST_UID" "$USER_TMP/console"
rc=0
as_user python3 "$USER_TMP/console-driver.py" "$VL" "$conf" "$USER_TMP/console" || rc=$?
cat "$USER_TMP/console"; echo
[ "$rc" -eq 0 ] || fail "console exited $rc"
assert_contains "$USER_TMP/console" "DEMO-GUEST-GOT: hello-console"
assert_contains "$USER_TMP/console" "Detached from VM sta; it keeps running."
cat "$USER_TMP/console.second"; echo
assert_contains "$USER_TMP/console.second" "69 vfio-launch: VM sta: a console is attached already"
kill -0 "$spid" || fail "the supervisor is gone after the console detached"
assert_contains "$log" "DEMO-GUEST-GOT: hello-console"

# qmp and status go through the supervisor's control socket: they work
# with QEMU's own qmp.sock moved away.
qsock=$USER_TMP/run/vfio-launch/sta/qmp.sock
mv "$qsock" "$qsock.away"
as_user "$VL" qmp "$conf" '{"execute": "query-status", "id": "t-1"}' >"$USER_TMP/qmp" 2>&1 ||
	{ cat "$USER_TMP/qmp"; fail "qmp query-status failed"; }
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["return"]["status"] == "running", r
assert r["id"] == "t-1", r' "$USER_TMP/qmp" || { cat "$USER_TMP/qmp"; fail "qmp did not print query-status's reply with its id"; }
as_user "$VL" status --json "$conf" >"$USER_TMP/status" 2>&1 || { cat "$USER_TMP/status"; fail "status --json failed"; }
python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
assert s["run-state"] == "running" and len(s["vcpus"]) >= 1, s' "$USER_TMP/status" ||
	{ cat "$USER_TMP/status"; fail "status without qmp.sock lacks QEMU's run state or vCPUs"; }
# A large reply (query-qmp-schema: some 180 KB) comes whole.
as_user "$VL" qmp "$conf" '{"execute": "query-qmp-schema"}' >"$USER_TMP/qmp" 2>&1 ||
	{ tail -c 300 "$USER_TMP/qmp"; fail "qmp query-qmp-schema failed"; }
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert any(e.get("name") == "query-status" for e in r["return"])
plain = len(json.dumps(r, separators=(",", ":")))
wmem = int(open("/proc/sys/net/core/wmem_default").read())
print("query-qmp-schema: %d bytes as one line, %d entries (wmem_default %d)" %
      (plain, len(r["return"]), wmem))' "$USER_TMP/qmp" ||
	{ tail -c 300 "$USER_TMP/qmp"; fail "qmp query-qmp-schema's reply is not whole"; }
mv "$qsock.away" "$qsock"
# QEMU's own QMP server stays on qmp.sock for raw QMP.
as_user python3 -c '
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
assert "QMP" in json.loads(f.readline())
for cmd in ("qmp_capabilities", "query-status"):
    f.write(json.dumps({"execute": cmd}) + "\n"); f.flush()
    while True:
        r = json.loads(f.readline())
        if "event" not in r: break
assert r["return"]["status"] == "running", r' "$qsock" || fail "raw QMP on qmp.sock does not answer"
rc=0
as_user "$VL" qmp "$conf" '{"execute": "no-such-command"}' >"$USER_TMP/qmp" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { cat "$USER_TMP/qmp"; fail "qmp of an unknown command exited $rc, not 1"; }
assert_contains "$USER_TMP/qmp" "CommandNotFound"

rc=0
as_user "$VL" stop "$conf" >"$USER_TMP/stop" 2>&1 || rc=$?
cat "$USER_TMP/stop"
[ "$rc" -eq 0 ] || fail "stop exited $rc"
assert_contains "$USER_TMP/stop" "VM sta stopped (run's exit status 0)"
gone "$spid" || fail "the supervisor still runs after stop returned"
gone "$qpid" || fail "QEMU still runs after stop returned"
spid=
cat "$log"
assert_contains "$log" "QMP event POWERDOWN"
assert_contains "$log" "DEMO-GUEST-POWER-BUTTON: pressed"
assert_contains "$log" "QMP event SHUTDOWN (guest-shutdown)"
as_user "$VL" status --json "$conf" >"$USER_TMP/status" 2>&1 || fail "status of a stopped VM failed"
python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["state"] == "stopped"' \
	"$USER_TMP/status" || { cat "$USER_TMP/status"; fail "status does not say stopped"; }

# A QEMU that fails at once, started twice: the error on the terminal,
# QEMU's status as start's, and the first log kept as log.1.
printf '%s\n' '#!/bin/sh' 'echo "qemu-system-x86_64: -bogus: invalid option (test)" >&2' 'exit 1' \
	>"$USER_TMP/fails"
chmod 0755 "$USER_TMP/fails"
printf '%s\n' "[vm]" "name = stf" "memory = 64M" "accel = tcg" "" "[qemu]" \
	"binary = $USER_TMP/fails" "" "[looking-glass]" "path = $shm" "size = 2M" \
	>"$USER_TMP/home/stf.conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
for n in 1 2; do
	rc=0
	as_user "$VL" start --trust-profile "$USER_TMP/home/stf.conf" >"$USER_TMP/start" 2>&1 </dev/null || rc=$?
	cat "$USER_TMP/start"
	[ "$rc" -eq 1 ] || fail "start of a QEMU that exits 1 at once exited $rc, not 1"
	assert_contains "$USER_TMP/start" "-bogus: invalid option (test)"
	assert_contains "$USER_TMP/start" "VM stf did not start (exit status 1)"
done
flog=$USER_TMP/home/.local/state/vfio-launch/stf/log
assert_contains "$flog.1" "-bogus: invalid option (test)"
[ ! -e "$USER_TMP/run/vfio-launch/stf" ] || fail "the failed start left its runtime dir behind"
echo "start: returns with the guest running (own session, log); status --json right;" \
	"console: output, input, one at a time, Ctrl-] detaches; qmp;" \
	"second start refused (69); stop graceful, all gone; failing QEMU: 1 with the error, log.1 kept"
