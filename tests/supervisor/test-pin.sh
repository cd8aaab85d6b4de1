#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# [cpu] pin at run time (issue 12), as the unprivileged test uid with the
# 2-vCPU demo guest under TCG. QEMU 7.2 runs x86 guests on an x86 host
# with one thread per vCPU under TCG by default (multi-threaded TCG,
# "CPU N/TCG" with -name debug-threads=on), so the pinning acts on real
# vCPU threads as under KVM:
#  - while the guest runs, each vCPU thread's Cpus_allowed_list (host
#    /proc, its host tid from status --json) is the CPU pin gives it, in
#    the reverse order of the host's numbering so an unpinned thread
#    cannot pass by accident;
#  - every other QEMU thread is on emulator-pin;
#  - the threads carry debug-threads' names ("CPU 0/TCG");
#  - the supervisor's log says what it pinned.
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"

need_demo
need_tool python3
online=$(cat /sys/devices/system/cpu/online)
[ "$(nproc --all)" -ge 2 ] || skip "this machine has one CPU (online: $online): nothing to pin apart"
grep -q '^Cpus_allowed_list:' /proc/self/status || skip "no Cpus_allowed_list in /proc/PID/status"
# The two first online CPUs; vCPU 0 goes to the second, vCPU 1 to the
# first, the other threads to the first.
set -- $(python3 -c '
import sys
cpus = []
for part in sys.argv[1].split(","):
    a, _, b = part.partition("-")
    cpus += range(int(a), int(b or a) + 1)
print(cpus[0], cpus[1])' "$online")
c0=$1 c1=$2
user_setup
shm=$(mktemp -u /dev/shm/vl-test-pin.XXXXXX)
spid=
trap '[ -z "$spid" ] || kill -KILL "$spid" 2>/dev/null; rm -f "$shm"; rm -rf "$USER_TMP"' EXIT

mkdir -p "$USER_TMP/guest"
cp "$BUILD_DIR/guest/vmlinuz" "$BUILD_DIR/guest/initramfs.cpio.gz" "$USER_TMP/guest/"
chmod -R a+rX "$USER_TMP/guest"
conf=$USER_TMP/home/pin.conf
printf '%s\n' "[vm]" "name = pin" "memory = 256M" "cpus = 2" "accel = tcg" \
	"kernel = $USER_TMP/guest/vmlinuz" "initrd = $USER_TMP/guest/initramfs.cpio.gz" \
	"append = console=ttyS0 quiet panic=-1 demo.wait=powerdown" "" \
	"[cpu]" "pin = $c1,$c0" "emulator-pin = $c0" "" \
	"[looking-glass]" "size = 2M" "path = $shm" >"$conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
chown "$TEST_UID" "$USER_TMP"
log=$USER_TMP/home/.local/state/vfio-launch/pin/log

as_user "$VL" check "$conf" >"$USER_TMP/check" 2>&1 || { cat "$USER_TMP/check"; fail "check failed"; }
cat "$USER_TMP/check"
assert_contains "$USER_TMP/check" "vCPU->host CPU 0->$c1 1->$c0"

# The guest runs: its first line on the console.
start_guest "$conf" "$log"
assert_contains "$log" "pinned vCPU 0 (tid "
assert_contains "$log" "other threads to emulator-pin"
assert_contains "$log" "2 vCPU"

as_user "$VL" status --json "$conf" >"$USER_TMP/status" 2>&1 || { cat "$USER_TMP/status"; fail "status --json failed"; }
python3 - "$USER_TMP/status" "$c1" "$c0" <<'PY' || fail "a vCPU thread is not on its pinned CPU"
import json, sys
s = json.load(open(sys.argv[1]))
want = sys.argv[2:]
assert s["run-state"] == "running", s["run-state"]
assert len(s["vcpus"]) == 2, s["vcpus"]
qpid = s["qemu-pid"]
vcpu_tids = set()
for c in s["vcpus"]:
    tid = c["host-tid"]
    vcpu_tids.add(tid)
    st = dict(l.split(":", 1) for l in open(f"/proc/{qpid}/task/{tid}/status") if ":" in l)
    comm = open(f"/proc/{qpid}/task/{tid}/comm").read().strip()
    allowed = st["Cpus_allowed_list"].strip()
    print(f"vCPU {c['cpu-index']}: host tid {tid} ({comm}), Cpus_allowed_list {allowed}")
    assert comm == f"CPU {c['cpu-index']}/TCG", comm
    assert allowed == want[c["cpu-index"]], (allowed, want[c["cpu-index"]])
import os
for t in os.listdir(f"/proc/{qpid}/task"):
    if int(t) in vcpu_tids:
        continue
    st = dict(l.split(":", 1) for l in open(f"/proc/{qpid}/task/{t}/status") if ":" in l)
    comm = open(f"/proc/{qpid}/task/{t}/comm").read().strip()
    allowed = st["Cpus_allowed_list"].strip()
    print(f"thread {t} ({comm}): Cpus_allowed_list {allowed}")
    assert allowed == want[1], (t, comm, allowed)
PY

rc=0
as_user "$VL" stop --force "$conf" >"$USER_TMP/stop" 2>&1 || rc=$?
cat "$USER_TMP/stop"
[ "$rc" -eq 0 ] || fail "stop exited $rc"
spid=
echo "PASS: vCPU 0 on CPU $c1, vCPU 1 on CPU $c0, the other threads on CPU $c0"
