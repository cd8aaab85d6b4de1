#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds a fake host for vfio-privhelper (and the launcher's Check suites)
# under ROOT: ROOT/sys (PCI devices,
# drivers, IOMMU groups, framebuffers, block devices laid out as the kernel
# does, with relative symlinks), ROOT/etc (allowlist, udev rules dir, group
# and passwd files with a vfio group), ROOT/dev (/dev/disk links, /dev/vfio)
# and ROOT/swaps (a /proc/swaps). Used by the Check suites (as a plain
# directory, through a /sys directory fd) and by test-namespace.sh (mounted
# over the real paths in a private mount namespace).
#
#   fake-tree.sh ROOT             the helper's test host described below
#   fake-tree.sh ROOT TOPOLOGY    a published host from tests/data/iommu/
#                                 (format: its README): ROOT/sys, ROOT/dev/vfio
#                                 and ROOT/proc/self/mountinfo only
#
# The devices and what each is for:
#   0000:00:01.0 bridge (pcieport) in group 1 with 01:00.0 and 01:00.1
#   0000:01:00.0 10de:1b80 GPU (nouveau), 0000:01:00.1 10de:10f0 audio: the good group
#   0000:00:02.0 8086:3e92 boot VGA (i915) with framebuffer fb0 on it
#   0000:03:00.0 NVMe, partition nvme0n1p1 mounted (dev set by the test)
#   0000:05:00.0 NVMe, partition nvme1n1p1 swapped on (ROOT/swaps)
#   0000:06:00.0 NVMe with multipath: head nvme2n1 held by dm-0
#   0000:04:00.0 + 0000:04:00.1: group 7, 04:00.1 not allowlisted
#   0000:07:00.0 1002:67df, allowlist pins it to 10de:1b80
#   0000:08:00.0 driver_override is a planted symlink
#   0000:09:00.0 iommu_group link to a non-numeric group
#   0000:0a:00.0 allowlisted but absent
#   0000:0b:00.0 present, not allowlisted
#   0000:0c:00.0 + 0000:0c:00.1 group 12 (the rollback test makes 0c:00.1 fail)
#   0000:0d:00.0 its driver's unbind file is a planted symlink
#   0000:0e:00.0 boot VGA with a DRM driver (drm/)
#   0000:0f:00.0 10de:1b80 with no driver bound, group 15
#   0000:10:00.0 no IOMMU group
#   0000:11:00.0 group 16 whose devices/ holds a non-BDF entry
set -eu
R=$1
S=$R/sys
mkdir -p "$S/devices/pci0000:00" "$S/bus/pci/devices" "$S/bus/pci/drivers" \
	"$S/kernel/iommu_groups" "$S/class/graphics" "$S/class/block" \
	"$S/devices/virtual/nvme-subsystem" "$S/devices/platform"
: >"$S/bus/pci/drivers_probe"
for d in vfio-pci pcieport nouveau snd_hda_intel i915 nvme amdgpu e1000e evil; do
	mkdir -p "$S/bus/pci/drivers/$d"
	: >"$S/bus/pci/drivers/$d/bind"
	: >"$S/bus/pci/drivers/$d/unbind"
done

# pcidev BDF PARENT_PATH VENDOR DEVICE CLASS DRIVER|- GROUP|-
pcidev() {
	dir="$S/devices/pci0000:00/$2${2:+/}$1"
	mkdir -p "$dir"
	echo "0x$3" >"$dir/vendor"
	echo "0x$4" >"$dir/device"
	echo "0x$5" >"$dir/class"
	echo "(null)" >"$dir/driver_override"
	# what dev_uevent() (drivers/base/core.c: DRIVER= while bound) and
	# pci_uevent() (drivers/pci/pci-driver.c) show; the launcher reads
	# the IDs, class and driver from it (a simulated bind or unbind
	# rewrites the DRIVER= line as the kernel's would read)
	{
		[ "$6" = - ] || echo "DRIVER=$6"
		printf 'PCI_CLASS=%04X\nPCI_ID=%04X:%04X\nPCI_SLOT_NAME=%s\n' "0x$5" "0x$3" "0x$4" "$1"
	} >"$dir/uevent"
	ln -sr "$S/bus/pci" "$dir/subsystem"
	ln -sr "$dir" "$S/bus/pci/devices/$1"
	if [ "$6" != - ]; then
		ln -sr "$S/bus/pci/drivers/$6" "$dir/driver"
		ln -sr "$dir" "$S/bus/pci/drivers/$6/$1"
	fi
	if [ "$7" != - ]; then
		mkdir -p "$S/kernel/iommu_groups/$7/devices"
		ln -sr "$S/kernel/iommu_groups/$7" "$dir/iommu_group"
		ln -sr "$dir" "$S/kernel/iommu_groups/$7/devices/$1"
	fi
}
devdir() { echo "$S/devices/pci0000:00/$1"; }

# blockdev DIR NAME MAJ:MIN: a block device (or partition) directory
blockdev() {
	mkdir -p "$1/$2/holders"
	echo "$3" >"$1/$2/dev"
	: >"$1/$2/uevent"
	ln -sr "$S/class/block" "$1/$2/subsystem"
	ln -sr "$1/$2" "$S/class/block/$2"
	mkdir -p "$S/dev/block"
	ln -sr "$1/$2" "$S/dev/block/$3"
}

# topology FILE: the fake host of a published IOMMU group listing
topology() {
	mkdir -p "$S/dev/block" "$R/dev/vfio" "$R/proc/self"
	: >"$R/dev/vfio/vfio"
	# without a mount line the root filesystem is on no PCI device
	echo '22 1 0:21 / / rw,relatime shared:1 - tmpfs rootfs rw' >"$R/proc/self/mountinfo"
	g=-
	while read -r kw a b c d e; do
		case $kw in
		group) g=$a ;;
		dev)
			for x in vfio-pci "$d"; do
				[ "$x" = - ] || [ -d "$S/bus/pci/drivers/$x" ] || {
					mkdir -p "$S/bus/pci/drivers/$x"
					: >"$S/bus/pci/drivers/$x/bind"
					: >"$S/bus/pci/drivers/$x/unbind"
				}
			done
			pcidev "$a" "" "${b%:*}" "${b#*:}" "$c" "$d" "$g"
			case $e in vfs=*) echo "${e#vfs=}" >"$(devdir "$a")/sriov_numvfs" ;; esac
			case $c in 0300*) [ "$e" = bootvga ] && echo 1 || echo 0 ;; esac >"$(devdir "$a")/boot_vga"
			[ -s "$(devdir "$a")/boot_vga" ] || rm "$(devdir "$a")/boot_vga"
			[ "$d" != vfio-pci ] || : >"$R/dev/vfio/$g"
			;;
		block) mkdir -p "$(devdir "$a")/block" && blockdev "$(devdir "$a")/block" "$b" "$c" ;;
		part) blockdev "$(readlink -f "$S/class/block/$a")" "$b" "$c" ;;
		dm)
			blockdev "$S/devices/virtual/block" "$a" "$b"
			mkdir -p "$S/devices/virtual/block/$a/slaves"
			shift_slaves=$(printf '%s\n' "$c $d $e")
			for sl in $shift_slaves; do
				ln -sr "$(readlink -f "$S/class/block/$sl")" "$S/devices/virtual/block/$a/slaves/$sl"
				ln -sr "$S/devices/virtual/block/$a" "$(readlink -f "$S/class/block/$sl")/holders/$a"
			done
			;;
		mount) printf '22 1 %s / / rw,relatime shared:1 - ext4 %s rw\n' "$a" "$b" >"$R/proc/self/mountinfo" ;;
		'' | '#'*) ;;
		*) echo "fake-tree.sh: $2: unknown line '$kw'" >&2 && exit 1 ;;
		esac
	done <"$1"
	chmod 0666 "$R/dev/vfio/"*
}
if [ $# -ge 2 ]; then
	topology "$2"
	exit 0
fi

pcidev 0000:00:01.0 "" 8086 1901 060400 pcieport 1
pcidev 0000:01:00.0 0000:00:01.0 10de 1b80 030000 nouveau 1
echo 0 >"$(devdir 0000:00:01.0/0000:01:00.0)/boot_vga"
pcidev 0000:01:00.1 0000:00:01.0 10de 10f0 040300 snd_hda_intel 1

pcidev 0000:00:02.0 "" 8086 3e92 030000 i915 0
echo 1 >"$(devdir 0000:00:02.0)/boot_vga"
mkdir -p "$(devdir 0000:00:02.0)/graphics/fb0"
# the kernel's relative link names the target: ../../../0000:00:02.0
ln -s ../../../0000:00:02.0 "$(devdir 0000:00:02.0)/graphics/fb0/device"
ln -sr "$(devdir 0000:00:02.0)/graphics/fb0" "$S/class/graphics/fb0"
mkdir -p "$S/class/graphics/fbcon"

pcidev 0000:00:1d.0 "" 8086 a330 060400 pcieport 2
pcidev 0000:03:00.0 0000:00:1d.0 144d a808 010802 nvme 3
n=$(devdir 0000:00:1d.0/0000:03:00.0)/nvme/nvme0
mkdir -p "$n"
blockdev "$n" nvme0n1 259:0
blockdev "$n/nvme0n1" nvme0n1p1 259:1
blockdev "$n/nvme0n1" nvme0n1p2 259:2

pcidev 0000:05:00.0 "" 144d a808 010802 nvme 5
n=$(devdir 0000:05:00.0)/nvme/nvme1
mkdir -p "$n"
blockdev "$n" nvme1n1 259:3
blockdev "$n/nvme1n1" nvme1n1p1 259:4

pcidev 0000:06:00.0 "" 144d a808 010802 nvme 6
mkdir -p "$(devdir 0000:06:00.0)/nvme/nvme2/nvme2c2n1"
blockdev "$S/devices/virtual/nvme-subsystem/nvme-subsys2" nvme2n1 259:5
mkdir -p "$S/devices/virtual/block/dm-0"
ln -sr "$S/devices/virtual/block/dm-0" "$S/devices/virtual/nvme-subsystem/nvme-subsys2/nvme2n1/holders/dm-0"

pcidev 0000:04:00.0 "" 10de 1c82 030000 nouveau 7
pcidev 0000:04:00.1 "" 10de 0fb9 040300 snd_hda_intel 7
pcidev 0000:07:00.0 "" 1002 67df 030000 amdgpu 8
pcidev 0000:08:00.0 "" 1002 67df 030000 amdgpu 9
mkdir -p "$R/victim"
echo "precious" >"$R/victim/file"
rm "$(devdir 0000:08:00.0)/driver_override"
ln -sr "$R/victim/file" "$(devdir 0000:08:00.0)/driver_override"
pcidev 0000:09:00.0 "" 8086 1533 020000 e1000e -
ln -s ../../../kernel/iommu_groups/evil "$(devdir 0000:09:00.0)/iommu_group"
pcidev 0000:0b:00.0 "" 8086 10d3 020000 e1000e 11
pcidev 0000:0c:00.0 "" 10de 1b81 030000 nouveau 12
pcidev 0000:0c:00.1 "" 10de 10f1 040300 snd_hda_intel 12
pcidev 0000:0d:00.0 "" 1002 67df 030000 evil 13
rm "$S/bus/pci/drivers/evil/unbind"
ln -sr "$R/victim/file" "$S/bus/pci/drivers/evil/unbind"
pcidev 0000:0e:00.0 "" 1002 67df 030000 amdgpu 14
echo 1 >"$(devdir 0000:0e:00.0)/boot_vga"
mkdir -p "$(devdir 0000:0e:00.0)/drm/card1"
pcidev 0000:0f:00.0 "" 10de 1b80 030000 - 15
pcidev 0000:10:00.0 "" 10de 1b80 030000 nouveau -
pcidev 0000:11:00.0 "" 10de 1b80 030000 nouveau 16
mkdir -p "$S/kernel/iommu_groups/16/devices/evil"

# ---- /etc
mkdir -p "$R/etc/vfio-launch" "$R/etc/udev/rules.d"
cat >"$R/etc/group" <<'EOF'
root:x:0:
vfio:x:990:
nogroup:x:65534:
EOF
cat >"$R/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
printf 'passwd: files\ngroup: files\n' >"$R/etc/nsswitch.conf"
cat >"$R/etc/vfio-launch/privhelper.conf" <<'EOF'
# fake allowlist: every device above but 0000:04:00.1 and 0000:0b:00.0
[helper]
group = vfio

[pci 0000:01:00.0]
id = 10de:1b80
[pci 0000:01:00.1]
id = 10de:10f0
[pci 0000:00:02.0]
[pci 0000:03:00.0]
[pci 0000:05:00.0]
[pci 0000:06:00.0]
[pci 0000:04:00.0]
[pci 0000:07:00.0]
id = 10de:1b80
[pci 0000:08:00.0]
[pci 0000:09:00.0]
[pci 0000:0a:00.0]
[pci 0000:0c:00.0]
[pci 0000:0c:00.1]
[pci 0000:0d:00.0]
[pci 0000:0e:00.0]
[pci 0000:0f:00.0]
id = 10de:1b80
[pci 0000:10:00.0]
[pci 0000:11:00.0]

[disk]
device = /dev/disk/by-id/nvme-Samsung_SSD_970_EVO_1TB_S467NX0M123456-part2
device = PARTUUID=0b2a1f4e-8c3d-4f7a-9d21-5e6f7a8b9c0d
device = WWN=0x5002538e40a1b2c3
device = /dev/disk/by-id/ata-ABSENT_DISK_123
EOF
chmod 0644 "$R/etc/vfio-launch/privhelper.conf"

# ---- /dev and /proc/swaps
mkdir -p "$R/dev/disk/by-id" "$R/dev/disk/by-partuuid" "$R/dev/vfio"
ln -s ../../nvme0n1p2 "$R/dev/disk/by-id/nvme-Samsung_SSD_970_EVO_1TB_S467NX0M123456-part2"
ln -s ../../nvme0n1p2 "$R/dev/disk/by-partuuid/0b2a1f4e-8c3d-4f7a-9d21-5e6f7a8b9c0d"
ln -s ../../nvme0n1 "$R/dev/disk/by-id/wwn-0x5002538e40a1b2c3"
printf 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/nvme1n1p1                          partition\t8388604\t\t0\t\t-2\n' >"$R/swaps"
