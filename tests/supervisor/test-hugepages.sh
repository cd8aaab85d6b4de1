#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# [vm] hugepages = 2M at run time (issue 12), as the unprivileged test uid
# with the demo guest under TCG. As root, in a private mount namespace (so
# nothing outside sees it): a hugetlbfs of 2M pages mounted for the test
# uid's group (gid=, mode=1770, hugetlbpage.rst), and exactly the guest's
# 128 pages added to the 2048kB pool (nr_hugepages; put back at exit).
#  - check finds that mount by its pagesize= in /proc/mounts and PASSes
#    the pool;
#  - while the guest runs, the pool's free pages dropped by the guest's
#    128 (QEMU's prealloc took them: the guest's RAM is there, through
#    the box's bind of the mount);
#  - with the pages given back, check FAILs with the count to reserve.
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"

pool=/sys/kernel/mm/hugepages/hugepages-2048kB
if [ "${1:-}" != --inner ]; then
	need_demo
	need_tool unshare
	need_tool python3
	grep -qw hugetlbfs /proc/filesystems || skip "the kernel has no hugetlbfs"
	[ -w "$pool/nr_hugepages" ] || skip "$pool/nr_hugepages is not writable here"
	unshare --mount --propagation private true 2>/dev/null || skip "unshare --mount fails here"
	exec unshare --mount --propagation private sh "$0" --inner
fi

user_setup
shm=$(mktemp -u /dev/shm/vl-test-hp.XXXXXX)
mnt=$(mktemp -d /tmp/vl-test-hp-mnt.XXXXXX)
old=$(cat "$pool/nr_hugepages")
spid=
cleanup() {
	[ -z "$spid" ] || kill -KILL "$spid" 2>/dev/null || true
	# QEMU may still be giving its pages back: wait for its exit
	i=0
	while [ -n "${qpid:-}" ] && kill -0 "$qpid" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo "$old" >"$pool/nr_hugepages" || true
	umount "$mnt" 2>/dev/null || true
	rmdir "$mnt" 2>/dev/null || true
	rm -f "$shm"
	rm -rf "$USER_TMP"
}
trap cleanup EXIT

mount -t hugetlbfs -o "pagesize=2M,gid=$TEST_GID,mode=1770" vl-test-hp "$mnt"
echo $((old + 128)) >"$pool/nr_hugepages"
reserved=$(cat "$pool/nr_hugepages")
[ "$reserved" -ge $((old + 128)) ] || skip "the kernel reserved $reserved 2M pages of $((old + 128)) asked (memory fragmented)"
free0=$(cat "$pool/free_hugepages")

mkdir -p "$USER_TMP/guest"
cp "$BUILD_DIR/guest/vmlinuz" "$BUILD_DIR/guest/initramfs.cpio.gz" "$USER_TMP/guest/"
chmod -R a+rX "$USER_TMP/guest"
conf=$USER_TMP/home/hp.conf
printf '%s\n' "[vm]" "name = hp" "memory = 256M" "accel = tcg" "hugepages = 2M" \
	"kernel = $USER_TMP/guest/vmlinuz" "initrd = $USER_TMP/guest/initramfs.cpio.gz" \
	"append = console=ttyS0 quiet panic=-1 demo.wait=powerdown" "" \
	"[looking-glass]" "size = 2M" "path = $shm" >"$conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
chown "$TEST_UID" "$USER_TMP"
log=$USER_TMP/home/.local/state/vfio-launch/hp/log

as_user "$VL" check "$conf" >"$USER_TMP/check" 2>&1 || { cat "$USER_TMP/check"; fail "check failed"; }
cat "$USER_TMP/check"
assert_contains "$USER_TMP/check" "PASS  hugepages: $free0 free 2048kB pages cover the guest's 256M (128 pages); hugetlbfs at $mnt"

# The guest runs: its first line on the console.
start_guest "$conf" "$log"
qpid=$(as_user "$VL" status --json "$conf" | python3 -c 'import json, sys; print(json.load(sys.stdin)["qemu-pid"])')
free1=$(cat "$pool/free_hugepages")
echo "2048kB pool: $reserved reserved, $free0 free before the guest, $free1 while it runs"
assert_eq $((free0 - 128)) "$free1" "free 2M pages while the guest runs"
grep -q "vl-test-hp.*hugetlbfs" "/proc/$qpid/mountinfo" || { cat "/proc/$qpid/mountinfo"; fail "QEMU's box has no hugetlbfs mount"; }

rc=0
as_user "$VL" stop --force "$conf" >"$USER_TMP/stop" 2>&1 || rc=$?
cat "$USER_TMP/stop"
[ "$rc" -eq 0 ] || fail "stop exited $rc"
spid=

# The pages given back: the pool is short again, and check says by how much.
echo "$old" >"$pool/nr_hugepages"
rc=0
as_user "$VL" check "$conf" >"$USER_TMP/check2" 2>&1 || rc=$?
cat "$USER_TMP/check2"
[ "$rc" -ne 0 ] || fail "check passed with an empty pool"
assert_contains "$USER_TMP/check2" "FAIL  hugepages: the guest's 256M needs 128 pages of 2048kB"
echo "PASS: the guest's RAM came from $mnt (128 pages of 2M)"
