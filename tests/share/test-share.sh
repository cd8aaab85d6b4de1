#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# [share NAME] (issue 13) through vfio-launch, as the unprivileged test uid:
#  1. The demo guest, booted by `vfio-launch run` with two shares, mounts
#     both over virtiofs (each served by its own virtiofsd in its own box)
#     and reads the file the test wrote on the host; its write lands on
#     the host through the read-write share and fails with EROFS on the
#     readonly = yes one, whose host files stay as they were.
#  2. share-box (tests/share/sharebox.c) starts a probe in virtiofsd's box
#     (the same policy builder): it reads the share, but not a file next
#     to the share that the same probe reads outside the box; on a
#     read-only share it cannot write, nor remount it writable.
#  3. check: a file as path and a tag over 36 bytes FAIL; $HOME WARNs.
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"

user_setup
need_tool qemu-system-x86_64
VIRTIOFSD=/usr/lib/qemu/virtiofsd
[ -x "$VIRTIOFSD" ] || skip "needs $VIRTIOFSD (Debian package qemu-system-common)"
for b in vfio-launch tests/share-box; do
	[ -x "$BUILD_DIR/$b" ] || fail "$BUILD_DIR/$b missing: run 'make all tests'"
done
grep -qx virtiofs "$BUILD_DIR/guest/modules/order" 2>/dev/null ||
	skip "the demo guest has no virtiofs module (build/guest/modules/order; make tests rebuilds it)"

w=$USER_TMP/share
mkdir -p "$w/rw" "$w/ro"
cp "$BUILD_DIR/vfio-launch" "$BUILD_DIR/tests/share-box" \
	"$BUILD_DIR/guest/vmlinuz" "$BUILD_DIR/guest/initramfs.cpio.gz" "$w/"
marker="host-wrote-$$"
echo "$marker-rw" > "$w/rw/hello.txt"
echo "$marker-ro" > "$w/ro/hello.txt"
# Next to the shares: what virtiofsd's box must not reach.
echo "secret-$$" > "$w/secret.txt"
chown -R "$TEST_UID:$TEST_GID" "$w"
chmod -R a+rX "$w"
vm=
trap '[ -z "$vm" ] || kill "$vm" 2>/dev/null || true; rm -rf "$USER_TMP"' EXIT

cat > "$w/share.conf" <<EOF
[vm]
name = sharetest
memory = 256M
cpus = 1
accel = tcg
firmware = bios
kernel = $w/vmlinuz
initrd = $w/initramfs.cpio.gz
append = console=ttyS0 quiet panic=-1 demo.share=rw,pictures

[share rw]
path = $w/rw

[share ro]
path = $w/ro
readonly = yes
tag = pictures

[qemu]
extra = -no-reboot
EOF
chown "$TEST_UID" "$w/share.conf"

# ---- 1. the guest mounts both shares
as_user timeout -k 5 180 "$w/vfio-launch" run "$w/share.conf" > "$w/console" 2>&1 &
vm=$!
rc=0
wait "$vm" || rc=$?
vm=
tr -d '\r' < "$w/console" > "$w/console.txt"
grep -E "^(share |DEMO-GUEST-RESULT|vfio-launch: .*(virtiofsd|exited|error))" "$w/console.txt" || true
assert_eq 0 "$rc" "vfio-launch run's exit status"
assert_contains "$w/console.txt" "share rw: read $marker-rw"
assert_contains "$w/console.txt" "share pictures: read $marker-ro"
assert_contains "$w/console.txt" "share rw: write ok"
assert_contains "$w/console.txt" "DEMO-GUEST-RESULT: ok share"
assert_eq guest-wrote "$(cat "$w/rw/guest.txt" 2>/dev/null)" "what the guest wrote into the read-write share"
grep -q "^share pictures: write failed: .*Read-only file system" "$w/console.txt" ||
	fail "the guest's write into the readonly = yes share did not fail with EROFS"
[ ! -e "$w/ro/guest.txt" ] || fail "the guest created a file in the readonly = yes share"
assert_eq "$marker-ro" "$(cat "$w/ro/hello.txt")" "the read-only share's file"
! grep -q "virtiofsd .*\(exited with status\|was killed\)" "$w/console.txt" ||
	fail "a virtiofsd did not end cleanly"

# ---- 2. a probe in virtiofsd's box
sb() { as_user "$w/share-box" "$@"; }
assert_eq "$marker-rw" "$(sb "$w/rw" /usr/bin/cat /share/hello.txt)" "the probe reading the share in the box"
out=$(as_user /usr/bin/cat "$w/secret.txt")
assert_eq "secret-$$" "$out" "the same probe outside the box, same user"
for p in "$w/secret.txt" /share/../secret.txt; do
	if out=$(sb "$w/rw" /usr/bin/cat "$p" 2>&1); then
		fail "virtiofsd's box read $p next to the share: '$out'"
	fi
	echo "in virtiofsd's box: cat $p: $out"
done
if out=$(sb --ro "$w/ro" /usr/bin/touch /share/probe 2>&1); then
	fail "the probe wrote into the read-only share"
fi
echo "in virtiofsd's box, readonly = yes: touch /share/probe: $out"
case $out in *"Read-only file system"*) ;; *) fail "touch on the read-only share: '$out'" ;; esac
as_user /usr/bin/touch "$w/ro/probe-outside" || fail "outside the box the user cannot write $w/ro"
rc=0
sb --ro "$w/ro" /usr/bin/mount -o remount,bind,rw /share >/dev/null 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "the probe remounted the read-only share writable"
echo "in virtiofsd's box: mount -o remount,bind,rw /share: status $rc (159: killed by seccomp)"

# ---- 3. check
as_user "$w/vfio-launch" check "$w/share.conf" > "$w/check.out" 2>&1 || { cat "$w/check.out"; fail "check of the share profile failed"; }
assert_contains "$w/check.out" "PASS  share: [share ro]: $w/ro for the guest as tag pictures (read-only)"
sed -e "s|^path = $w/rw|path = $w/secret.txt|" -e 's|^tag = pictures|tag = tag-of-37-bytes-0123456789abcdefghijk|' \
	"$w/share.conf" > "$w/bad.conf"
chown "$TEST_UID" "$w/bad.conf"
rc=0
as_user "$w/vfio-launch" check "$w/bad.conf" > "$w/bad.out" 2>&1 || rc=$?
cat "$w/bad.out" | grep share
[ "$rc" -ne 0 ] || fail "check passed a file as a share and a 37-byte tag"
assert_contains "$w/bad.out" "$w/secret.txt is not a directory"
assert_contains "$w/bad.out" "longer than virtiofs allows (36 bytes)"
sed -e "s|^path = $w/rw|path = ~/|" "$w/share.conf" > "$w/home.conf"
chown "$TEST_UID" "$w/home.conf"
as_user "$w/vfio-launch" check "$w/home.conf" > "$w/home.out" 2>&1 || true
assert_contains "$w/home.out" "is your home directory"
echo "share: the guest read both shares over virtiofs, wrote the read-write one, got EROFS on the read-only one; virtiofsd's box reads only the share"
