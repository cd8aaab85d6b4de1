#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration: the demo end to end. tests/demo/run-demo.sh boots the demo
# guest through `vfio-launch run profiles/demo.conf` as the unprivileged
# test uid, with a real (private) PulseAudio server; this test asserts on
# what the guest reported from inside (its PCI devices, its ivshmem check)
# and on what the host found in the shared-memory file.
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"

need_demo

out=$(mktemp /tmp/vl-test-demo.XXXXXX)
# Its own ivshmem file (run-demo.sh substitutes it in a copy of
# profiles/demo.conf): a demo or another test run may be using the
# profile's at the same time on a shared machine.
shm=/dev/shm/vl-test-demo.${out##*.}
trap 'rm -f "$out" "$shm"' EXIT
rc=0
DEMO_SHM=$shm DEMO_TIMEOUT=${DEMO_TIMEOUT:-180} sh "$TOP_SRCDIR/tests/demo/run-demo.sh" >"$out" 2>&1 || rc=$?
cat "$out"
[ "$rc" -eq 0 ] || fail "run-demo.sh exited with $rc"

has_line() { grep -qF -- "$1" "$out" || fail "no line with '$1'"; }

# The guest's own report: one "BDF vendor:device class" line per device.
has_device() {
	grep -Eq "^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] $1 $2\$" "$out" ||
		fail "the guest did not report $3 ($1, class $2)"
}
has_device 1af4:1110 050000 "ivshmem"
has_device 1b36:000d 0c0330 "qemu-xhci"
has_device 8086:293e 040300 "the HDA controller"
has_line "ivshmem: BAR2 size matches the host's (16777216 bytes)"
has_line "DEMO-GUEST-RESULT: ok"
# It ran as the test uid, and the shared memory was not left readable by
# other users (DESIGN.md, trust boundary 2).
has_line "as uid $TEST_UID"
has_line "bytes, owner uid $TEST_UID, mode 600) holds the guest's pattern"
last=$(tail -n 1 "$out")
case $last in
"demo: OK — "*) ;;
*) fail "the demo's last line is not 'demo: OK — ...': $last" ;;
esac
has_line "host: $shm (16777216 bytes"
[ ! -e "$shm" ] || fail "the demo left $shm behind"
