#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The demo (`make demo`): boots the demo guest (build/guest/, made by
# tests/guest/mkguest.sh) through `vfio-launch run profiles/demo.conf` as an
# unprivileged user, prints the guest's report, checks it, and verifies on
# the host that the pattern the guest wrote into the ivshmem BAR arrived in
# the shared-memory file. The last line says what was verified ("demo: OK
# ...") or what failed ("demo: FAILED ..."); exit 0 only on OK.
#
# As root it runs the VM as uid TEST_UID (default 65534, nobody) with its
# own HOME and XDG_RUNTIME_DIR; as a user, as that user. Where no
# PulseAudio server answers, a private one runs for the demo.
# DEMO_TIMEOUT (seconds, default 300) bounds the VM's run time.
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/demo/demo-env.sh"

# Failures end with one "demo: FAILED" line, like success ends with one
# "demo: OK" line.
fail() { echo "demo: FAILED — $*"; exit 1; }
skip() { echo "SKIP: $*"; echo "demo: FAILED — $*"; exit 77; }

[ -x "$VL" ] || fail "$VL is missing; run 'make' first"
for f in vmlinuz initramfs.cpio.gz; do
	[ -r "$BUILD_DIR/guest/$f" ] || fail "$BUILD_DIR/guest/$f is missing; run 'make guest' first"
done
need_tool qemu-system-x86_64
need_tool timeout

demo_env_setup
profile=$DEMO_TREE/profiles/demo.conf
vl=$DEMO_TREE/build/vfio-launch

# The ivshmem file the profile names (a plain INI read of our own profile).
shm=$(sed -n '/^\[looking-glass\]/,/^\[/ s/^path *= *//p' "$profile")
size=$(sed -n 's/^append *=.*demo\.ivshmem_size=\([0-9]*\).*/\1/p' "$profile")
[ -n "$shm" ] && [ -n "$size" ] || fail "$profile has no [looking-glass] path or demo.ivshmem_size"
# A file left by an earlier run of this user is removed so that the check
# below sees only this run's write; one of another user is theirs to keep
# (and the sticky /dev/shm would not let this user open it anyway).
if [ -e "$shm" ]; then
	owner=$(stat -c %u "$shm")
	[ "$owner" = "$DEMO_UID" ] || fail "$shm belongs to uid $owner, not $DEMO_UID (another user's demo?); remove it or run the demo as that user"
	rm -f "$shm"
fi

demo_pulse_ensure
echo "demo: running 'vfio-launch run $profile' as uid $DEMO_UID, PulseAudio: $DEMO_PULSE server"

# The guest's serial console and the launcher's messages, shown as they
# come. qemu.pid holds timeout's pid; its child is the launcher, the VM's
# supervisor, whose child is QEMU: stopping timeout stops the VM (SIGTERM:
# an ACPI power-down; timeout's SIGKILL 5 s later ends the supervisor, and
# QEMU with it).
console=$DEMO_WORK/console.log
: > "$console"
[ "$(id -u)" -ne 0 ] || chown "$DEMO_UID" "$console"
demo_spawn "$DEMO_WORK/qemu.pid" sh -c 'log=$1; shift; exec timeout -k 5 "$0" "$@" </dev/null >>"$log" 2>&1' \
	"${DEMO_TIMEOUT:-300}" "$console" "$vl" run "$profile"
tail -n +1 -f --pid="$(cat "$DEMO_WORK/qemu.pid")" "$console" | tr -d '\r'
rc=0
wait "$DEMO_SPAWN_JOB" || rc=$?
rm -f "$DEMO_WORK/qemu.pid"
tr -d '\r' < "$console" > "$DEMO_WORK/report"
report=$DEMO_WORK/report

[ "$rc" -ne 124 ] || fail "the VM did not power off within ${DEMO_TIMEOUT:-300} s"
grep -q '^DEMO-GUEST-RESULT: ok' "$report" || {
	why=$(sed -n 's/^DEMO-GUEST-RESULT: fail //p' "$report")
	fail "${why:-the guest did not report (vfio-launch/QEMU exit status $rc)}"
}
[ "$rc" -eq 0 ] || fail "vfio-launch/QEMU exited with status $rc after the guest's report"

# The devices the profile asks for, as the guest saw them on its PCI bus.
bdf_re='[0-9a-f]\{4\}:[0-9a-f]\{2\}:[0-9a-f]\{2\}\.[0-7]'
seen() { grep -q "^$bdf_re $1 $2\$" "$report" || fail "the guest did not see $3 ($1, class $2)"; }
seen 1af4:1110 050000 "ivshmem"
seen 1b36:000d 0c0330 "the qemu-xhci USB controller"
seen 8086:293e 040300 "the HDA audio controller (ich9-intel-hda)"

# The host side of the shared memory: this run's pattern at offset 0.
pattern=$(sed -n 's/^pattern: //p' "$report")
case $pattern in
VFIO-LAUNCH-DEMO\ *) ;;
*) fail "the guest printed no pattern line" ;;
esac
[ -f "$shm" ] || fail "$shm does not exist after the run"
got=$(head -c "${#pattern}" "$shm" | tr -d '\0')
[ "$got" = "$pattern" ] || fail "$shm holds '$got' at offset 0, the guest wrote '$pattern'"
shm_size=$(stat -c %s "$shm")
[ "$shm_size" = "$size" ] || fail "$shm is $shm_size bytes, the profile asks for $size"
shm_meta=$(stat -c 'owner uid %u, mode %a' "$shm")
echo "host: $shm ($shm_size bytes, $shm_meta) holds the guest's pattern"
rm -f "$shm"

echo "demo: OK — guest saw ivshmem 1af4:1110, qemu-xhci 1b36:000d, HDA 8086:293e; its pattern ($pattern) found in $shm; booted through vfio-launch run as uid $DEMO_UID ($DEMO_PULSE PulseAudio server)"
