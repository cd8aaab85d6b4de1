#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# [smbios] mode = host at run time (issue 12), as the unprivileged test
# uid with the demo guest under TCG. Many hosts have no DMI (cloud VMs,
# the CI machine), so, as root in a private mount namespace (as the
# helper tests fake /sys), /sys/class/dmi/id is first hidden, then faked
# with tmpfs files holding made-up strings:
#  - no DMI: check WARNs (smbios: no DMI, nothing rendered) and the
#    argv (run --dry-run) has no -smbios;
#  - faked DMI: check PASSes with the fake strings, the argv carries them
#    in -smbios type=0..3, and the booted guest reads the fake system
#    vendor back from its own /sys/class/dmi/id/sys_vendor (tests/guest/init
#    prints it on the serial console).
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"

if [ "${1:-}" != --inner ]; then
	need_demo
	need_tool unshare
	unshare --mount --propagation private true 2>/dev/null || skip "unshare --mount fails here"
	exec unshare --mount --propagation private sh "$0" --inner
fi

user_setup
shm=$(mktemp -u /dev/shm/vl-test-smbios.XXXXXX)
classcopy=$(mktemp -d /tmp/vl-test-smbios.XXXXXX)
# (the mounts go with this mount namespace when the test exits)
trap 'rm -f "$shm"; rm -rf "$USER_TMP"; umount "$classcopy" 2>/dev/null; rmdir "$classcopy"' EXIT
vendor="Fake Vendor, Inc. $$"

# /sys/class/dmi/id, made (or emptied) on tmpfs in this namespace only.
# Without DMI there is no directory to mount on: /sys/class becomes a
# tmpfs holding binds of its own entries (from a bind of the real one
# kept aside) and room for dmi/id.
if [ -d /sys/class/dmi/id ]; then
	mount -t tmpfs -o mode=0755 vl-test-dmi /sys/class/dmi/id
else
	mount --bind /sys/class "$classcopy"
	mount -t tmpfs -o mode=0755 vl-test-class /sys/class
	for e in "$classcopy"/*; do
		mkdir "/sys/class/${e##*/}"
		mount --bind "$e" "/sys/class/${e##*/}"
	done
fi
dmi=/sys/class/dmi/id
rm -rf "$dmi" 2>/dev/null || true

mkdir -p "$USER_TMP/guest"
cp "$BUILD_DIR/guest/vmlinuz" "$BUILD_DIR/guest/initramfs.cpio.gz" "$USER_TMP/guest/"
chmod -R a+rX "$USER_TMP/guest"
conf=$USER_TMP/home/smb.conf
printf '%s\n' "[vm]" "name = smb" "memory = 256M" "accel = tcg" \
	"kernel = $USER_TMP/guest/vmlinuz" "initrd = $USER_TMP/guest/initramfs.cpio.gz" \
	"append = console=ttyS0 quiet panic=-1" "" \
	"[smbios]" "mode = host" "" \
	"[looking-glass]" "size = 2M" "path = $shm" >"$conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
chown "$TEST_UID" "$USER_TMP"

# ---- no DMI: a WARN, and nothing rendered
[ ! -e "$dmi" ] || fail "$dmi still exists"
as_user "$VL" check "$conf" >"$USER_TMP/check" 2>&1 || { cat "$USER_TMP/check"; fail "check failed without DMI"; }
cat "$USER_TMP/check"
assert_contains "$USER_TMP/check" "WARN  smbios: mode = host, but this host has no DMI (/sys/class/dmi/id is missing"
as_user "$VL" run --dry-run "$conf" >"$USER_TMP/argv" 2>&1 || { cat "$USER_TMP/argv"; fail "run --dry-run failed"; }
! grep -qx -- -smbios "$USER_TMP/argv" || { cat "$USER_TMP/argv"; fail "-smbios rendered without DMI"; }

# ---- faked DMI: the world-readable attributes of drivers/firmware/dmi-id.c
mkdir -p "$dmi"
printf '%s\n' "$vendor" >"$dmi/sys_vendor"
printf '%s\n' "Fake Board 9000" >"$dmi/product_name"
printf '%s\n' "Fake Vendor" >"$dmi/board_vendor"
printf '%s\n' "FB-9000" >"$dmi/board_name"
printf '%s\n' "Fake BIOS Co." >"$dmi/bios_vendor"
printf '%s\n' "1.23" >"$dmi/bios_version"
printf '%s\n' "SECRET-SERIAL" >"$dmi/product_serial"
chmod 0444 "$dmi"/*
chmod 0400 "$dmi/product_serial" # root-only, as on a real host
as_user "$VL" check "$conf" >"$USER_TMP/check" 2>&1 || { cat "$USER_TMP/check"; fail "check failed with DMI"; }
cat "$USER_TMP/check"
assert_contains "$USER_TMP/check" "PASS  smbios: host strings: $vendor Fake Board 9000 (board FB-9000)"
as_user "$VL" run --dry-run "$conf" >"$USER_TMP/argv" 2>&1 || { cat "$USER_TMP/argv"; fail "run --dry-run failed"; }
escaped=$(printf '%s' "$vendor" | sed 's/,/,,/g')
assert_contains "$USER_TMP/argv" "type=1,manufacturer=$escaped,product=Fake Board 9000"
assert_contains "$USER_TMP/argv" "type=0,vendor=Fake BIOS Co.,version=1.23"
! grep -q SECRET-SERIAL "$USER_TMP/argv" || fail "the root-only serial was rendered"

rc=0
as_user timeout 120 "$VL" run "$conf" >"$USER_TMP/run.out" 2>&1 </dev/null || rc=$?
cat "$USER_TMP/run.out"
[ "$rc" -eq 0 ] || fail "run exited $rc"
assert_contains "$USER_TMP/run.out" "dmi: sys_vendor=$vendor"
echo "PASS: the guest sees the host's (faked) system vendor '$vendor'"
