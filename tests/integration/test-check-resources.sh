#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `vfio-launch check PROFILE` as an unprivileged user, end to end through
# the binary: the memlock, vfio and disk lines with their fixes (the
# modules' cases in detail are in test_memlock, test_vfio, test_disk).
. "$(dirname "$0")/../lib.sh"
[ -x "$VL" ] || skip "build/vfio-launch not built"
user_setup

# a PCI address this host does not have
bdf=
for b in 0000:7e:1f.7 0000:fe:1f.6 0000:fd:1e.5; do
	[ -e "/sys/bus/pci/devices/$b" ] || { bdf=$b; break; }
done
[ -n "$bdf" ] || skip "every candidate PCI address exists on this host"

# root's image, not readable by the user; and the user's qcow2 image
# declared raw
img_root="$USER_TMP/root.img"
truncate -s 1M "$img_root"
chmod 0600 "$img_root"
img_user="$USER_TMP/home/q.img"
printf 'QFI\373\000\000\000\003' >"$img_user"
truncate -s 1M "$img_user"
chown "$TEST_UID:$TEST_GID" "$img_user"

conf="$USER_TMP/home/vm.conf"
cat >"$conf" <<CONF
[vm]
name = vm
memory = 1G
accel = tcg

[pci]
device = $bdf

[disk sys]
path = $img_root

[disk data]
path = $img_user
format = raw
CONF
chown "$TEST_UID:$TEST_GID" "$conf"

out="$USER_TMP/out"
rc=0
as_user "$VL" check "$conf" >"$out" 2>&1 || rc=$?
cat "$out"
assert_eq 1 "$rc" "check exit status with FAILs"

hard=$(as_user sh -c 'ulimit -Hl')
if [ "$hard" != unlimited ] && [ "$hard" -lt 2097152 ]; then
	assert_contains "$out" "FAIL  memlock: hard limit $((hard * 1024)) bytes < 2147483648 needed (guest RAM 1G + 1 GiB for VFIO)"
	assert_contains "$out" "@vfio hard memlock 2097152"
	assert_contains "$out" "DefaultLimitMEMLOCK=2147483648"
	assert_contains "$out" "LimitMEMLOCK=2147483648"
else
	grep -q "^PASS  memlock: " "$out" || fail "memlock: no PASS line with hard limit $hard KiB"
fi
assert_contains "$out" "FAIL  vfio $bdf: no PCI device $bdf on this host (/sys/bus/pci/devices/$bdf)"
assert_contains "$out" "fix: find the address with \`vfio-launch iommu\` (or lspci -D) and correct [pci] device = at $conf:7"
assert_contains "$out" "FAIL  disk sys: $img_root: cannot open read-write: Permission denied"
assert_contains "$out" "fix: as root: chown \$USER $img_root (it belongs to uid 0), or set readonly = yes at $conf:9"
assert_contains "$out" "WARN  disk data: $img_user has a qcow2 header but format = raw"
assert_contains "$out" "fix: set format = qcow2 at $conf:12"
echo "check resources: ok"
