#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vfio-launch limits PROFILE...: the memlock figure of the largest profile
# with a [pci] device, in limits.d (KiB) and systemd (bytes) form.
. "$(dirname "$0")/../lib.sh"
[ -x "$VL" ] || skip "build/vfio-launch not built"
dir=$(mktemp -d /tmp/vl-limits.XXXXXX)
trap 'rm -rf "$dir"' EXIT

cat >"$dir/win10.conf" <<'CONF'
[vm]
name = win10
memory = 16G

[pci]
device = 0000:03:00.0
device = 03:00.1
CONF
cat >"$dir/small.conf" <<'CONF'
[vm]
name = small
memory = 1G

[pci]
device = 0000:05:00.0
CONF
cat >"$dir/demo.conf" <<'CONF'
[vm]
name = demo
memory = 512M
CONF

"$VL" limits "$dir/small.conf" "$dir/win10.conf" "$dir/demo.conf" >"$dir/out" 2>&1 ||
	{ cat "$dir/out"; fail "vfio-launch limits exited $?"; }
assert_contains "$dir/out" "small: 1G guest RAM, 1 [pci] device: 2147483648 bytes"
assert_contains "$dir/out" "win10: 16G guest RAM, 2 [pci] devices: 18253611008 bytes"
assert_contains "$dir/out" "demo: 512M guest RAM, no [pci] device: no memlock needed"
assert_contains "$dir/out" "memlock needed: 18253611008 bytes = 17825792 KiB (win10: guest RAM + 1 GiB, libvirt's formula)"
assert_contains "$dir/out" "@vfio soft memlock 17825792"
assert_contains "$dir/out" "@vfio hard memlock 17825792"
assert_contains "$dir/out" "LimitMEMLOCK=18253611008"
assert_contains "$dir/out" "DefaultLimitMEMLOCK=18253611008"

# one small profile: 1 GiB guest + 1 hostdev = 2147483648 (libvirt)
"$VL" limits "$dir/small.conf" >"$dir/out2"
assert_contains "$dir/out2" "memlock needed: 2147483648 bytes = 2097152 KiB"

# no profile with [pci]: no limit
"$VL" limits "$dir/demo.conf" >"$dir/out3"
assert_contains "$dir/out3" "No profile has a [pci] device: no memlock limit is needed."

# usage errors
rc=0; "$VL" limits >/dev/null 2>"$dir/err" || rc=$?
assert_eq 64 "$rc" "limits without a profile"
assert_contains "$dir/err" "limits: name at least one PROFILE"
rc=0; "$VL" limits "$dir/missing.conf" >/dev/null 2>"$dir/err" || rc=$?
assert_eq 66 "$rc" "limits with a missing profile"
echo "limits: ok"
