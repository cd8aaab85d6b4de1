#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# [network] mode = bridge end to end, as root in a network namespace of the
# test's own (unshare --net --mount; sysfs mounted again so /sys/class/net
# is that namespace's) holding a bridge br0 at 10.77.0.1/24:
#  1. vfio-privhelper tap nobody br0 (a fake allowlist that only the helper
#     sees) makes vl-nobody-0, owned by the test uid; `check` finds it.
#  2. sockprobe (tests/net/sockprobe.c) in QEMU's place, as the test uid:
#     the box has no /dev/net/tun and no inet socket, and the descriptor
#     its -netdev tap,fd=N names is the tap vl-nobody-0; outside the box
#     the same user opens /dev/net/tun.
#  3. the demo guest booted by `vfio-launch run` as the test uid, with a
#     static address on the bridge, fetches a marker from a TCP server on
#     the bridge's address, and the host reaches its listener on port 8080.
#     While it runs, `untap` refuses the tap (in use).
#  4. after it, `untap` removes the tap and `check` FAILs with the helper
#     command that makes it.
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"

if [ "${1:-}" != --inner ]; then
	need_root
	need_tool unshare
	need_tool ip
	need_tool setpriv
	need_tool socat
	need_tool qemu-system-x86_64
	[ -c /dev/net/tun ] || skip "no /dev/net/tun (the tun module)"
	for b in vfio-launch vfio-privhelper tests/net/sockprobe; do
		[ -x "$BUILD_DIR/$b" ] || fail "$BUILD_DIR/$b missing: run 'make all tests'"
	done
	[ -s "$BUILD_DIR/guest/modules/order" ] ||
		skip "the demo guest has no virtio-net modules (build/guest/modules/order; make tests rebuilds it)"
	unshare --net --mount --propagation private true 2>/dev/null ||
		skip "unshare --net --mount is not permitted here (needs CAP_SYS_ADMIN)"
	exec unshare --net --mount --propagation private sh "$0" --inner
fi

user_setup
pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$USER_TMP"' EXIT
mount -t sysfs sysfs /sys
ip link set lo up
ip link add br0 type bridge forward_delay 0 2>/dev/null || skip "cannot make a bridge (the bridge module)"
ip addr add 10.77.0.1/24 dev br0
ip link set br0 up

# The helper's fake /etc: the test uid (nobody) allowlisted on br0.
E=$USER_TMP/etc
mkdir -p "$E/vfio-launch"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:%s:%s:nobody:/nonexistent:/usr/sbin/nologin\n' \
	"$TEST_UID" "$TEST_GID" >"$E/passwd"
printf 'root:x:0:\nnogroup:x:%s:\n' "$TEST_GID" >"$E/group"
printf 'passwd: files\ngroup: files\n' >"$E/nsswitch.conf"
[ -f /etc/ld.so.cache ] && cp /etc/ld.so.cache "$E/"
printf '[bridge br0]\nuser = nobody\n' >"$E/vfio-launch/privhelper.conf"
chmod 0755 "$E" "$E/vfio-launch"
chmod 0644 "$E/vfio-launch/privhelper.conf"
ph() {
	unshare --mount --propagation private sh -c 'mount --bind "$0" /etc && exec "$@"' "$E" \
		"$BUILD_DIR/vfio-privhelper" "$@"
}

w=$USER_TMP/net
mkdir -p "$w"
cp "$BUILD_DIR/vfio-launch" "$BUILD_DIR/tests/net/sockprobe" "$BUILD_DIR/guest/vmlinuz" \
	"$BUILD_DIR/guest/initramfs.cpio.gz" "$w/"
chmod -R a+rX "$w"
bg_user() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$USER_TMP/home" \
		setpriv --reuid="$TEST_UID" --regid="$TEST_GID" --clear-groups -- "$@" &
	pids="$pids $!"
}
host_port=$((20000 + $$ % 20000))
profile() { # NAME [probe binary]
	cat <<EOC
[vm]
name = $1
memory = 256M
cpus = 1
machine = q35
accel = tcg
firmware = bios
kernel = $w/vmlinuz
initrd = $w/initramfs.cpio.gz
append = console=ttyS0 quiet panic=-1 demo.net=$host_port demo.ip=10.77.0.2/24,10.77.0.1
${2:+trusted = yes}

[network]
mode = bridge
bridge = br0

[qemu]
extra = -no-reboot
${2:+binary = $2}
EOC
}
profile netguest >"$w/guest.conf"
profile probe "$w/sockprobe" >"$w/probe.conf"

# ---- 1. the helper's tap, found by check
ph tap nobody br0
as_user "$w/vfio-launch" check "$w/guest.conf" >"$w/check.out" 2>&1 || { cat "$w/check.out"; fail "check failed"; }
assert_contains "$w/check.out" "mode = bridge: tap vl-nobody-0 on br0 is yours"

# ---- 2. the probe in QEMU's box, then outside it
as_user timeout 60 "$w/vfio-launch" run "$w/probe.conf" >"$w/box.out" 2>&1 || true
as_user "$w/sockprobe" >"$w/outside.out" 2>&1
echo "--- in QEMU's box (mode = bridge):"; cat "$w/box.out"
echo "--- outside, same user:"; cat "$w/outside.out"
assert_contains "$w/box.out" "SOCKPROBE done"
grep -q "^OPEN /dev/net/tun denied" "$w/box.out" || fail "QEMU's box with mode = bridge opens /dev/net/tun"
grep -q "^OPEN /dev/net/tun allowed" "$w/outside.out" || fail "outside the box the user cannot open /dev/net/tun"
grep -q "^TAPFD [0-9]* vl-nobody-0 " "$w/box.out" || fail "QEMU's tap descriptor is not the tap vl-nobody-0"
for s in inet-tcp inet6-udp netlink-route; do
	grep -q "^SOCKET $s denied" "$w/box.out" || fail "QEMU's box with mode = bridge allowed a $s socket"
done

# ---- 3. the guest on the bridge
marker="bridge-marker-$$"
bg_user socat -T 120 TCP-LISTEN:$host_port,bind=10.77.0.1,reuseaddr SYSTEM:"echo $marker"
as_user timeout -k 5 180 "$w/vfio-launch" run "$w/guest.conf" >"$w/console" 2>&1 &
vm=$!
pids="$pids $vm"
i=0
until grep -q "net: listening on 8080" "$w/console" 2>/dev/null; do
	kill -0 "$vm" 2>/dev/null || { cat "$w/console"; fail "the VM ended before listening"; }
	[ $i -lt 1800 ] || { cat "$w/console"; fail "no 'net: listening' line from the guest"; }
	sleep 0.1
	i=$((i + 1))
done
rc=0
ph untap vl-nobody-0 >"$w/untap.out" 2>&1 || rc=$?
cat "$w/untap.out"
assert_eq 75 "$rc" "untap of the tap the VM holds: exit status"
assert_contains "$w/untap.out" "vl-nobody-0 is in use"
got=$(socat -T 30 - TCP:10.77.0.2:8080 </dev/null || true)
rc=0
wait "$vm" || rc=$?
tr -d '\r' <"$w/console" | grep -E "^(net|fetched|DEMO-GUEST-RESULT):" || true
assert_eq 0 "$rc" "vfio-launch run's exit status"
grep -q "^net: static 10\.77\.0\.2/24" "$w/console" || fail "the guest did not set its static address"
grep -q "^fetched: $marker" "$w/console" || fail "the guest did not fetch '$marker' from 10.77.0.1:$host_port over the bridge"
case $got in
guest-listener\ *) ;;
*) fail "10.77.0.2:8080 did not reach the guest's listener: got '$got'" ;;
esac
grep -q "^DEMO-GUEST-RESULT: ok" "$w/console" || fail "the guest did not report ok"

# ---- 4. untap, and check says what makes it again
ph untap vl-nobody-0
[ ! -e /sys/class/net/vl-nobody-0 ] || fail "vl-nobody-0 still exists after untap"
rc=0
as_user "$w/vfio-launch" check "$w/guest.conf" >"$w/check.out" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || { cat "$w/check.out"; fail "check passed without a tap"; }
assert_contains "$w/check.out" "no tap of yours on bridge br0"
assert_contains "$w/check.out" "run as root: vfio-privhelper tap nobody br0"
echo "mode = bridge: vl-nobody-0 made and found; QEMU's box: no /dev/net/tun, the tap by descriptor; guest fetched $marker over br0 and answered on 8080; untap refused while in use, then removed it; check names the helper command"
