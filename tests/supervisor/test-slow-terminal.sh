#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A terminal that does not take `run`'s output must not stall the
# supervisor (term.h). `run`'s stdout (the guest's console) goes to a FIFO
# that is full before it starts (filled up to EAGAIN) and that nobody
# reads: a supervisor writing with blocking writes would hang at the
# guest's first line. Here, as the unprivileged test uid with the demo
# guest under TCG:
#  - a console client on the control socket types a line and gets the
#    guest's answer (DEMO-GUEST-GOT), and `status --json` answers with
#    QEMU's run state "running", all while the FIFO stays full and unread;
#  - once the FIFO is read, what waited comes out whole and in order;
#    `stop` then powers the guest down (the button is logged), run exits 0.
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"

need_demo
need_tool python3
user_setup
shm=$(mktemp -u /dev/shm/vl-test-slow.XXXXXX)
job= drain=
cleanup() {
	[ -z "$job" ] || kill -KILL "$(cat "$USER_TMP/run.pid" 2>/dev/null)" 2>/dev/null || true
	[ -z "$drain" ] || kill "$drain" 2>/dev/null || true
	rm -f "$shm"
	rm -rf "$USER_TMP"
}
trap cleanup EXIT

mkdir -p "$USER_TMP/guest"
cp "$BUILD_DIR/guest/vmlinuz" "$BUILD_DIR/guest/initramfs.cpio.gz" "$USER_TMP/guest/"
chmod -R a+rX "$USER_TMP/guest"
conf=$USER_TMP/home/slow.conf
printf '%s\n' "[vm]" "name = slow" "memory = 256M" "accel = tcg" \
	"kernel = $USER_TMP/guest/vmlinuz" "initrd = $USER_TMP/guest/initramfs.cpio.gz" \
	"append = console=ttyS0 quiet panic=-1 demo.wait=powerdown" "" \
	"[looking-glass]" "size = 2M" "path = $shm" >"$conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
chown "$TEST_UID" "$USER_TMP"

fifo=$USER_TMP/term
mkfifo -m 0600 "$fifo"
chown "$TEST_UID" "$fifo"
# Held open read-write here: the FIFO has a reader (run can open it) that
# reads nothing until told.
exec 3<>"$fifo"
filled=$(python3 -c '
import fcntl, os
fd = 3
fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
n = 0
try:
    while True:
        n += os.write(fd, b"." * 4096)
except BlockingIOError:
    pass
fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
print(n)')
echo "the FIFO holds $filled bytes and takes no more"

err=$USER_TMP/err
: >"$err"
chown "$TEST_UID" "$err"
as_user sh -c 'echo $$ >"$1/run.pid"; shift; exec "$@" </dev/null' sh "$USER_TMP" "$VL" run "$conf" \
	>"$fifo" 2>"$err" &
job=$!
i=0
until grep -q "QMP event RESUME" "$err"; do
	kill -0 "$job" 2>/dev/null || { cat "$err"; fail "run ended"; }
	i=$((i + 1))
	[ $i -lt 1800 ] || { cat "$err"; fail "no RESUME in 180 s"; }
	sleep 0.1
done

# The loop runs while its stdout is stuck: the console (the guest's boot
# output went to the full FIFO before it) and status.
cat >"$USER_TMP/console.py" <<'PY'
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b'{"execute": "console"}\n')
s.settimeout(2)
seen = b""
end = time.monotonic() + 180
typed = 0.0
while b"DEMO-GUEST-GOT: hello-slow" not in seen:
    if time.monotonic() > end:
        sys.exit("console: no answer from the guest; got %r" % seen[-500:])
    # typed again every 2 s until the guest, once waiting for the button,
    # reads it (typing after every read made an echo flood that a loaded
    # machine's client could not keep up with: the supervisor detaches a
    # console client its sends would block on)
    if time.monotonic() - typed >= 2:
        try:
            s.sendall(b"hello-slow\r")
        except OSError as e:
            sys.exit("console: %s; got %r" % (e, seen[-500:]))
        typed = time.monotonic()
    try:
        seen += s.recv(65536)
    except socket.timeout:
        pass
print(seen.split(b"\n", 1)[0].decode())
PY
chmod a+r "$USER_TMP/console.py"
as_user python3 "$USER_TMP/console.py" "$USER_TMP/run/vfio-launch/slow/ctl.sock" ||
	{ cat "$err"; fail "the console did not work while stdout was full"; }
as_user "$VL" status --json "$conf" >"$USER_TMP/status" 2>&1 ||
	{ cat "$USER_TMP/status"; fail "status failed while stdout was full"; }
cat "$USER_TMP/status"
python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["run-state"] == "running"' \
	"$USER_TMP/status" || fail "status does not say running"
# Still full: nothing was read (what run wrote waits in its own buffer).
python3 -c '
import fcntl, sys, termios, array
b = array.array("i", [0])
fcntl.ioctl(3, termios.FIONREAD, b)
sys.exit(b[0] < int(sys.argv[1]))' "$filled" || fail "the FIFO was read before the test read it"

# Now read it: the filler first, then what the guest wrote, in order.
out=$USER_TMP/out
cat <&3 >"$out" &
drain=$!
i=0
until grep -q 'DEMO-GUEST-GOT: hello-slow' "$out"; do
	kill -0 "$job" 2>/dev/null || { cat "$out"; fail "run ended before the guest waited"; }
	i=$((i + 1))
	[ $i -lt 1800 ] || { cat "$out"; fail "no DEMO-GUEST-GOT in 180 s"; }
	sleep 0.1
done
rc=0
as_user "$VL" stop "$conf" >"$USER_TMP/stop" 2>&1 || rc=$?
cat "$USER_TMP/stop"
[ "$rc" -eq 0 ] || fail "stop exited $rc"
rc=0
wait "$job" || rc=$?
job=
# Everything run wrote is in the FIFO before this marker.
echo "END-OF-TEST-OUTPUT" >&3
i=0
until grep -q '^END-OF-TEST-OUTPUT' "$out"; do
	i=$((i + 1))
	[ $i -lt 600 ] || fail "the FIFO was not drained in 60 s"
	sleep 0.1
done
kill "$drain" 2>/dev/null || true
drain=
tail -c +"$((filled + 1))" "$out" >"$out.text"
cat "$out.text"
cat "$err"
[ "$rc" -eq 0 ] || fail "run exited $rc"
python3 -c '
import sys
t = open(sys.argv[1]).read()
a = t.index("vfio-launch demo guest:")
b = t.index("DEMO-GUEST-WAITING")
c = t.index("DEMO-GUEST-GOT: hello-slow")
d = t.index("DEMO-GUEST-POWER-BUTTON: pressed")
assert a < b < c < d' "$out.text" || fail "the guest's output is missing or out of order"
if grep -q "bytes of output" "$out.text" "$err"; then fail "output was dropped"; fi
echo "a full, unread terminal: status answers meanwhile; the output waits and comes in order"
