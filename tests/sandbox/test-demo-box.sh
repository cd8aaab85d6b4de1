#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The demo guest under the full box: tests/demo/run-demo.sh boots it
# through `vfio-launch run` as the unprivileged test uid (TCG, a private
# PulseAudio server). While it runs, every thread of its QEMU must show in
# /proc/PID/task/*/status: Seccomp 2 (filter mode), NoNewPrivs 1, CapInh,
# CapPrm, CapEff and CapAmb 0, two seccomp filters (the launcher's and
# QEMU's own -sandbox on top) and a user namespace other than the
# caller's (the box's); QEMU must hold no O_PATH descriptor (the box is
# built from such descriptors to host objects: all closed before the
# exec), where the same check finds the one a process outside the box
# holds. Afterwards the guest must have reported
# audio (HDA), xhci and ivshmem working, and powered off.
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"

need_demo
need_tool python3

out=$(mktemp /tmp/vl-test-box.XXXXXX)
# A unique ivshmem file: it also identifies our QEMU among others that
# may run on a shared machine (its argv holds mem-path=$shm).
shm=/dev/shm/vl-test-box.${out##*.}
status=$out.status
demo_pid=
ctl_pid=
trap '[ -z "$demo_pid" ] || kill "$demo_pid" 2>/dev/null; [ -z "$ctl_pid" ] || kill "$ctl_pid" 2>/dev/null; rm -f "$out" "$status" "$status".*-opath "$shm"' EXIT

DEMO_SHM=$shm DEMO_TIMEOUT=${DEMO_TIMEOUT:-180} sh "$TOP_SRCDIR/tests/demo/run-demo.sh" >"$out" 2>&1 &
demo_pid=$!

# Find our QEMU: uid TEST_UID, comm qemu-system-*, our shm in its argv.
qemu=
i=0
while [ $i -lt 1200 ] && kill -0 "$demo_pid" 2>/dev/null; do
	for d in /proc/[0-9]*; do
		case $(cat "$d/comm" 2>/dev/null) in qemu-system-*) ;; *) continue ;; esac
		[ "$(stat -c %u "$d" 2>/dev/null)" = "$TEST_UID" ] || continue
		tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -qF "mem-path=$shm" || continue
		qemu=${d#/proc/}
		break
	done
	[ -z "$qemu" ] || break
	sleep 0.1
	i=$((i + 1))
done
[ -n "$qemu" ] || { cat "$out"; fail "no QEMU process of uid $TEST_UID with $shm appeared"; }

# Let QEMU start its threads (vCPU, RCU, I/O workers, audio) and apply its
# own -sandbox, then read every thread while the guest runs.
sleep 1
: >"$status"
for t in /proc/"$qemu"/task/*; do
	s=$(cat "$t/status" 2>/dev/null) || continue
	echo "== ${t##*/} $(echo "$s" | sed -n 's/^Name:\t//p')" >>"$status"
	echo "$s" | grep -E '^(Seccomp|Seccomp_filters|NoNewPrivs|CapInh|CapPrm|CapEff|CapAmb|CapBnd):' >>"$status"
	echo "UserNS:	$(readlink "$t/ns/user" 2>/dev/null)" >>"$status"
done
# Descriptors opened O_PATH (fdinfo flags 010000000), the kind the box
# is built from: the grants' and the sources of the box's bind mounts,
# each leading to the host's tree (openat(fd, "..")). QEMU must hold
# none; a process outside the box holding one (python3, below) shows
# that the check finds them.
opath_fds() { # PID: "N -> target" for each O_PATH descriptor
	for f in /proc/"$1"/fdinfo/*; do
		fl=$(sed -n 's/^flags:[[:space:]]*//p' "$f" 2>/dev/null) || continue
		[ -n "$fl" ] || continue
		[ $((0$fl & 010000000)) -eq 0 ] || echo "${f##*/} -> $(readlink "/proc/$1/fd/${f##*/}")"
	done
}
opath_fds "$qemu" >"$status.qemu-opath"
alive=0
kill -0 "$qemu" 2>/dev/null && alive=1

rc=0
wait "$demo_pid" || rc=$?
demo_pid=
cat "$out"
echo "--- /proc/$qemu/task/*/status while the guest ran:"
cat "$status"
[ $alive -eq 1 ] || fail "QEMU ended before its threads could be read"
[ "$rc" -eq 0 ] || fail "run-demo.sh exited with $rc"

if [ -s "$status.qemu-opath" ]; then
	cat "$status.qemu-opath"
	fail "QEMU holds the O_PATH descriptors above (host objects the box was built from)"
fi
python3 -c 'import os, time; os.open("/usr", os.O_PATH); time.sleep(60)' &
ctl_pid=$!
i=0
while [ $i -lt 100 ] && ! opath_fds "$ctl_pid" | grep -q -- '-> /usr$'; do
	sleep 0.1
	i=$((i + 1))
done
opath_fds "$ctl_pid" >"$status.ctl-opath"
kill "$ctl_pid" 2>/dev/null || true
ctl_pid=
grep -q -- '-> /usr$' "$status.ctl-opath" ||
	fail "the check finds no O_PATH descriptor in a process holding one to /usr"
threads=$(grep -c '^==' "$status")
[ "$threads" -ge 2 ] || fail "only $threads QEMU thread(s) seen"
for key in "Seccomp:	2" "NoNewPrivs:	1" "CapInh:	0000000000000000" \
	"CapPrm:	0000000000000000" "CapEff:	0000000000000000" \
	"CapAmb:	0000000000000000"; do
	n=$(grep -cxF "$key" "$status")
	[ "$n" -eq "$threads" ] || fail "'$key' on $n of $threads threads"
done
# The box's user namespace: one for every thread, not the caller's (this
# shell's, the one `vfio-launch run` was started in).
caller_ns=$(readlink /proc/$$/ns/user)
n=$(grep -cxF "UserNS:	$caller_ns" "$status" || true)
[ "$n" -eq 0 ] || fail "$n QEMU thread(s) in the caller's user namespace $caller_ns"
n=$(grep '^UserNS:' "$status" | sort -u | wc -l)
[ "$n" -eq 1 ] || fail "QEMU's threads are in $n user namespaces"
grep -qx 'UserNS:	user:\[[0-9]*\]' "$status" || fail "no user namespace read for QEMU's threads"
# The launcher's filter, and QEMU's -sandbox stacked on top.
n=$(grep -cx 'Seccomp_filters:	[2-9]' "$status")
[ "$n" -eq "$threads" ] || fail "fewer than 2 seccomp filters on some of the $threads threads"

has_line() { grep -qF -- "$1" "$out" || fail "no line with '$1'"; }
has_device() {
	grep -Eq "^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] $1 $2\$" "$out" ||
		fail "the guest did not report $3 ($1, class $2)"
}
has_device 8086:293e 040300 "the HDA audio controller"
has_device 1b36:000d 0c0330 "qemu-xhci"
has_device 1af4:1110 050000 "ivshmem"
has_line "ivshmem: wrote"
has_line "DEMO-GUEST-RESULT: ok"
has_line "PulseAudio"
case $(tail -n 1 "$out") in
"demo: OK — "*) ;;
*) fail "the demo did not end with 'demo: OK'" ;;
esac
echo "demo under the box: $threads QEMU threads, all Seccomp 2, NoNewPrivs 1, no capabilities, >= 2 filters, in the box's user namespace, no O_PATH descriptor (found outside the box: $(cat "$status.ctl-opath")); audio, xhci, ivshmem reported by the guest"
