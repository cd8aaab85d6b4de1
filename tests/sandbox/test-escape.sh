#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 9's escape test: the escape probe (tests/sandbox/escape.c) run in
# QEMU's place through `vfio-launch run` ([qemu] binary =) as the
# unprivileged test uid, against what this test sets up OUTSIDE the box
# for that uid:
#   - a session bus like socket at $XDG_RUNTIME_DIR/bus, an agent like one
#     under /tmp, and another VM's QMP socket (a second VM really running
#     through `vfio-launch run --paused`, a minimal TCG profile);
#   - an abstract unix socket, a UDP echo listener on 127.0.0.1, a SysV
#     shared-memory segment of the same uid;
#   - the VM's own single-instance lock: after the probe ran
#     flock(LOCK_UN) on every descriptor it holds, a second `run` of the
#     same VM must still exit 69 (already running).
# Every check must be denied in the box: connect/sendto/shmat fail,
# netlink, AF_INET, AF_INET6 and AF_VSOCK sockets cannot be made, /proc
# shows no process outside the box (Landlock refuses listing it), kill(0)
# finds no process outside the box (the PID namespace), /proc/self/net/unix
# none of the listeners, the host's file tree (covered by the box's root)
# neither through "/.." nor in /proc/self/mountinfo. The same probe is run
# first WITHOUT the box (directly as the same uid, holding the VM's lock
# through flock(1) the way QEMU used to), where every one of them must
# succeed: that is what makes the box, not the host, the thing that
# denies them. The two runs are compared check by check.
. "$(dirname "$0")/../lib.sh"

PROBE="$BUILD_DIR/tests/sandbox-escape"
[ -x "$PROBE" ] || skip "build the escape probe first (make tests)"
[ -x "$VL" ] || fail "$VL is missing: run 'make'"
user_setup
need_tool socat
need_tool ipcmk
need_tool ipcrm
need_tool flock
need_tool timeout
need_tool qemu-system-x86_64
"$VL" run --help 2>&1 | grep -q -- '--paused' || skip "vfio-launch run has no --paused"

H="$USER_TMP/home"
RUN="$USER_TMP/run"
out="$USER_TMP/out"
pf="$USER_TMP/pids"
agentdir=$(mktemp -d /tmp/vl-escape-agent.XXXXXX)
shmid=
mkdir -p "$out" "$pf" "$H/.config/vfio-launch" "$H/vm"
chmod 0777 "$pf"
chown -R "$TEST_UID:$TEST_GID" "$H" "$agentdir"
chmod 0700 "$agentdir"

# The other VM's QMP socket, once known, to end it with "quit".
other_qmp=
cleanup() {
	if [ -n "$other_qmp" ] && [ -S "$other_qmp" ]; then
		printf '{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n' |
			timeout 5 socat - "UNIX-CONNECT:$other_qmp" >/dev/null 2>&1 || true
	fi
	for f in "$pf"/*; do
		[ -s "$f" ] || continue
		kill "$(cat "$f")" 2>/dev/null || true
	done
	i=0
	while [ $i -lt 50 ]; do
		alive=0
		for f in "$pf"/*; do
			[ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && alive=1
		done
		[ $alive -eq 1 ] || break
		sleep 0.1
		i=$((i + 1))
	done
	for f in "$pf"/*; do
		[ -s "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null || true
	done
	[ -z "$shmid" ] || ipcrm -m "$shmid" 2>/dev/null || true
	rm -rf "$agentdir" "$USER_TMP"
}
trap cleanup EXIT

# bg_user NAME LOG COMMAND...: COMMAND as the test uid in the background;
# $pf/NAME gets the pid that becomes COMMAND (as_user is a function, so
# $! would be a subshell's).
bg_user() {
	_name=$1 _log=$2
	shift 2
	as_user sh -c 'echo $$ >"$0"; exec "$@"' "$pf/$_name" "$@" </dev/null >"$_log" 2>&1 &
	_i=0
	while [ ! -s "$pf/$_name" ] && [ $_i -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	[ -s "$pf/$_name" ] || fail "could not start $1"
}
alive() { kill -0 "$(cat "$pf/$1")" 2>/dev/null; }

# ---- the listeners, as the test uid
bus="$RUN/bus"
agent="$agentdir/agent.sock"
abstract="vl-escape-${USER_TMP##*.}"
bg_user bus "$out/bus.log" socat "UNIX-LISTEN:$bus,fork" /dev/null
bg_user agent "$out/agent.log" socat "UNIX-LISTEN:$agent,fork" /dev/null
bg_user abstract "$out/abstract.log" socat "ABSTRACT-LISTEN:$abstract,fork" /dev/null
# A free port: a few tries, each waited for (socat exits when bind fails).
udp=
for try in 1 2 3 4 5; do
	port=$((20000 + ($$ * 7 + try * 997) % 40000))
	bg_user udp "$out/udp.log" socat "UDP4-RECVFROM:$port,bind=127.0.0.1,fork" PIPE
	sleep 0.3
	if alive udp; then
		udp=$port
		break
	fi
done
[ -n "$udp" ] || fail "no UDP port to listen on: $(cat "$out/udp.log")"
shmid=$(as_user ipcmk -M 4096 -p 0600 | sed -n 's/^Shared memory id: *//p')
[ -n "$shmid" ] || fail "ipcmk made no segment"
for s in "$bus" "$agent"; do
	i=0
	while [ ! -S "$s" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -S "$s" ] || fail "no listener at $s"
done

# ---- another VM, really running (paused, so it costs no CPU)
cat >"$H/.config/vfio-launch/other.conf" <<EOC
[vm]
name = other
memory = 64M
cpus = 1
accel = tcg
firmware = bios
EOC
chown -R "$TEST_UID:$TEST_GID" "$H/.config"
bg_user other "$out/other.log" timeout -k 5 300 "$VL" run --paused "$H/.config/vfio-launch/other.conf"
i=0
while [ $i -lt 300 ] && alive other; do
	other_qmp=$(find "$RUN/vfio-launch/other" -type s -name 'qmp*' 2>/dev/null | head -n 1)
	[ -z "$other_qmp" ] || break
	sleep 0.1
	i=$((i + 1))
done
[ -n "$other_qmp" ] || { cat "$out/other.log"; fail "the other VM made no QMP socket"; }
greeting=$(as_user timeout 10 socat -T 5 - "UNIX-CONNECT:$other_qmp" </dev/null 2>&1 | head -c 200) || true
case $greeting in
*'"QMP"'*) ;;
*) cat "$out/other.log"; fail "the other VM's QMP socket $other_qmp did not greet: $greeting" ;;
esac
echo "outside: bus $bus, agent $agent, @$abstract, udp 127.0.0.1:$udp, shm id $shmid, other VM's QMP $other_qmp"

# ---- the probe's VM
disk="$H/vm/escape.img"
conf="$H/.config/vfio-launch/escape.conf"
cat >"$conf" <<EOC
[vm]
name = escape
memory = 64M
accel = tcg
firmware = bios

[disk system]
path = $disk
format = raw

[qemu]
binary = $PROBE
EOC
chown "$TEST_UID:$TEST_GID" "$conf"
# binary = widens the box: a run that knows consent needs it.
trust=
"$VL" run --help 2>&1 | grep -q -- '--trust-profile' && trust=--trust-profile

# The probe talks to the test through its disk (escape.c: slots).
slot() { dd if="$disk" bs=4096 skip="$1" count="${2:-1}" status=none | tr -d '\0'; }
order() {
	{ printf 'GO %s\n' "$1"; head -c 64 /dev/zero; } |
		dd of="$disk" bs=4096 seek=2 conv=notrunc status=none
}
reset_disk() {
	rm -f "$disk"
	truncate -s 1M "$disk"
	printf 'vfio-escape bus=%s agent=%s qmp=%s abstract=%s udp=%d shmid=%d pid=%d\n' \
		"$bus" "$agent" "$other_qmp" "$abstract" "$udp" "$shmid" "$(cat "$pf/other")" |
		dd of="$disk" conv=notrunc status=none
	chown "$TEST_UID:$TEST_GID" "$disk"
	chmod 0600 "$disk"
}
# wait_state PATTERN NAME: until the state slot matches (bounded), while
# the probe's process ($pf/NAME) lives.
wait_state() {
	_i=0
	while [ $_i -lt 900 ]; do
		case $(slot 1) in $1*) return 0 ;; esac
		alive "$2" || { sleep 0.2; case $(slot 1) in $1*) return 0 ;; esac; return 1; }
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
second_run() { # PHASE: a second `run` of the escape VM; prints its exit code
	_rc=0
	as_user timeout -k 5 60 "$VL" run $trust "$conf" >"$out/second-$1.log" 2>&1 || _rc=$?
	echo "$_rc"
}

# phase NAME: the probe is running as $pf/NAME; the lock handshake, then
# the report into $out/NAME.
phase() {
	wait_state "STATE ready" "$1" || { cat "$out/$1.log"; fail "$1: the probe did not finish its checks"; }
	# While the probe holds the lock, a second run must be refused: this
	# proves the lock is the one run takes.
	rc=$(second_run "$1-locked")
	[ "$rc" = 69 ] || { cat "$out/second-$1-locked.log"; fail "$1: a second run before the unlock exited $rc, not 69"; }
	grep -q 'already running' "$out/second-$1-locked.log" ||
		fail "$1: the refused second run did not say 'already running'"
	echo "$1: a second run while the probe holds the lock: exit 69, already running"
	order unlock
	wait_state "STATE unlocked" "$1" || { cat "$out/$1.log"; fail "$1: the probe did not unlock"; }
	rc=$(second_run "$1")
	second=$(slot 3)
	order exit
	i=0
	while alive "$1" && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	slot 16 4 >"$out/$1"
	if [ "$rc" = 69 ] && grep -q 'already running' "$out/second-$1.log"; then
		echo "escape second-run-after-unlock: denied (exit 69, already running; $(slot 1 | tr -d '\n'))" >>"$out/$1"
	else
		echo "escape second-run-after-unlock: reached (exit $rc${second:+, $(echo "$second" | tr -d '\n')}; $(slot 1 | tr -d '\n'))" >>"$out/$1"
	fi
	echo "--- $1: the probe's report"
	cat "$out/$1"
	# Its other output (the report lines are also on its stdout).
	grep -v '^escape [a-z0-9-]*: ' "$out/$1.log" || true
}

# ---- 1. without the box: directly as the same uid, holding the VM's
# lock the way QEMU did before issue 9 (flock(1) passes its locked
# descriptor on to the probe).
rt="$RUN/vfio-launch/escape"
as_user sh -c 'umask 077; mkdir -p "$0" && : >>"$0/lock"' "$rt"
reset_disk
bg_user outside "$out/outside.log" flock -x "$rt/lock" "$PROBE" -drive "file=$disk,format=raw,if=virtio"
phase outside

# ---- 2. in the box, through vfio-launch run
reset_disk
bg_user box "$out/box.log" timeout -k 5 180 "$VL" run $trust "$conf"
phase box

# ---- the comparison, check by check
checks="connect-bus connect-agent connect-other-qmp connect-abstract sendto-udp
bind-udp-any shmat socket-netlink socket-inet socket-inet6 socket-vsock proc-others
signal-outside net-unix-host host-tree-dotdot host-tree-mountinfo second-run-after-unlock"
verdict() { sed -n "s/^escape $1: \\([a-z]*\\).*/\\1/p" "$out/$2" | head -n 1; }
bad=
base_bad=
echo "--- check: without the box / in the box"
for c in $checks; do
	o=$(verdict "$c" outside)
	b=$(verdict "$c" box)
	printf '%-26s %-8s %s\n' "$c" "${o:-missing}" "${b:-missing}"
	[ "$o" = reached ] || base_bad="$base_bad $c"
	[ "$b" = denied ] || bad="$bad $c"
done
[ -z "$base_bad" ] || fail "without the box these did not succeed, so the test proves nothing for them:$base_bad"
[ -z "$bad" ] || fail "the box let these through:$bad"
n=$(echo $checks | wc -w)
echo "escape: all $n checks reached without the box and denied in it"
