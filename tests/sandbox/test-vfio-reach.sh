#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# VFIO reach: the one test showing the box would not break real
# passthrough. A fake host (one GPU, 0000:01:00.0, bound to vfio-pci in
# IOMMU group 12; /dev/vfio/12 and /dev/vfio/vfio as character devices
# with /dev/null's numbers, owned by the test uid) is checked by the real
# pci resource check and granted to the box, which shows it at /sys and
# /dev (sandbox-boxrun --sysfs/--devfs). Real QEMU started by box_spawn
# with -device vfio-pci,host=BDF, as the unprivileged test uid, must get
# through everything it reads in sysfs and open the group node, so that
# its first VFIO ioctl (VFIO_GROUP_GET_STATUS, hw/vfio/common.c,
# vfio_get_group in QEMU 7.2) is what fails: on /dev/null's driver it
# answers ENOTTY. Asserted exactly; a path QEMU could not open or find
# would give "no such host device", "no iommu_group found" or "failed to
# open /dev/vfio/12" instead. Control: the same QEMU outside the box does
# not see the fake device (so the box's mounts, not the host, made it
# reachable).
. "$(dirname "$0")/../lib.sh"

BOXRUN="$BUILD_DIR/tests/sandbox-boxrun"
[ -x "$BOXRUN" ] || skip "build the test programs first (make tests)"
need_tool qemu-system-x86_64
user_setup
T="$USER_TMP/host"
S="$T/sys"
D="$T/dev"
BDF=0000:01:00.0
dir="$S/devices/pci0000:00/$BDF"
mkdir -p "$dir" "$S/bus/pci/devices" "$S/bus/pci/drivers/vfio-pci" \
	"$S/kernel/iommu_groups/12/devices" "$D/vfio"
echo 0x10de >"$dir/vendor"
echo 0x1b80 >"$dir/device"
echo 0x030000 >"$dir/class"
echo 0 >"$dir/boot_vga"
ln -sr "$S/bus/pci" "$dir/subsystem"
ln -sr "$dir" "$S/bus/pci/devices/$BDF"
ln -sr "$S/bus/pci/drivers/vfio-pci" "$dir/driver"
ln -sr "$dir" "$S/bus/pci/drivers/vfio-pci/$BDF"
ln -sr "$S/kernel/iommu_groups/12" "$dir/iommu_group"
ln -sr "$dir" "$S/kernel/iommu_groups/12/devices/$BDF"
mknod -m 0600 "$D/vfio/12" c 1 3
mknod -m 0600 "$D/vfio/vfio" c 1 3
chown "$TEST_UID:$TEST_GID" "$D/vfio/12" "$D/vfio/vfio"
chmod -R go+rX "$T"

qemu_args="-nodefaults -display none -machine q35 -accel tcg -m 64 -S -device vfio-pci,host=$BDF"
out="$USER_TMP/out"
rc=0
# shellcheck disable=SC2086
as_user timeout 60 "$BOXRUN" --sysfs "$S" --devfs "$D" --pci "$BDF" -- \
	"$(command -v qemu-system-x86_64)" $qemu_args >"$out" 2>&1 || rc=$?
echo "--- in the box (exit $rc):"
cat "$out"
assert_contains "$out" "PASS  vfio $BDF: 10de:1b80: vfio-pci, IOMMU group 12 ready"
assert_contains "$out" "qemu-system-x86_64: -device vfio-pci,host=$BDF: vfio $BDF: failed to get group 12 status: Inappropriate ioctl for device"
assert_eq 1 "$rc" "QEMU's exit status in the box"

# Control: QEMU outside the box looks at the host's /sys, which has no
# such device (on a host that has one, the message differs but is still
# not the group ioctl's).
rc=0
# shellcheck disable=SC2086
as_user timeout 60 qemu-system-x86_64 $qemu_args >"$out.host" 2>&1 || rc=$?
echo "--- outside the box (exit $rc):"
cat "$out.host"
if grep -q "failed to get group 12 status" "$out.host"; then
	fail "QEMU outside the box reached the fake group: the test proves nothing"
fi
echo "vfio reach: QEMU in the box got to its first VFIO ioctl on group 12 (ENOTTY from the fake node)"
