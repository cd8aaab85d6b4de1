#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# [network] mode = user through vfio-launch, as the unprivileged test uid:
#  1. sockprobe (tests/net/sockprobe.c) in QEMU's place with mode = user
#     cannot create AF_INET, AF_INET6, AF_NETLINK or AF_VSOCK sockets; the
#     same probe outside the box, as the same user, can.
#  2. The demo guest booted by `vfio-launch run` with mode = user and a
#     forward: it gets a DHCP lease from vfio-slirp, fetches a marker from
#     a TCP server on the host's 127.0.0.1, and the forward reaches its
#     listener on guest port 8080 from the host.
#  3. `vfio-launch check` FAILs a forward whose host port is in use.
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"

user_setup
need_tool qemu-system-x86_64
need_tool socat
for b in vfio-launch vfio-slirp tests/net/sockprobe; do
	[ -x "$BUILD_DIR/$b" ] || fail "$BUILD_DIR/$b missing: run 'make all tests'"
done
[ -s "$BUILD_DIR/guest/modules/order" ] ||
	skip "the demo guest has no virtio-net modules (build/guest/modules/order; make tests rebuilds it)"

# The test uid runs everything from a copy of its own (vfio-slirp beside
# vfio-launch, as make install puts them).
w=$USER_TMP/net
mkdir -p "$w"
cp "$BUILD_DIR/vfio-launch" "$BUILD_DIR/vfio-slirp" "$BUILD_DIR/tests/net/sockprobe" \
	"$BUILD_DIR/guest/vmlinuz" "$BUILD_DIR/guest/initramfs.cpio.gz" "$w/"
chmod -R a+rX "$w"
pids=
# A background process as the test uid, its pid in pids: env execs
# setpriv, which execs the command, so $! is the command itself (a shell
# function in the background would be a subshell, and killing it would
# leave the command running).
bg_user() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$USER_TMP/home" \
		setpriv --reuid="$TEST_UID" --regid="$TEST_GID" --clear-groups -- "$@" &
	pids="$pids $!"
}
trap 'for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$USER_TMP"' EXIT
host_port=$((20000 + $$ % 20000)) fwd_port=$((40000 + $$ % 20000))

profile() { # NAME [qemu binary] > profile: the demo guest with mode = user
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
append = console=ttyS0 quiet panic=-1 demo.net=$host_port
${2:+trusted = yes}

[network]
mode = user
forward = tcp:$fwd_port:8080

[qemu]
extra = -no-reboot
${2:+binary = $2}
EOC
}

# ---- 1. the probe in QEMU's box, then outside it
profile probe "$w/sockprobe" > "$w/probe.conf"
as_user timeout 60 "$w/vfio-launch" run "$w/probe.conf" > "$w/box.out" 2>&1 || true
as_user "$w/sockprobe" > "$w/outside.out" 2>&1
echo "--- in QEMU's box (mode = user):"; cat "$w/box.out"
echo "--- outside, same user:"; cat "$w/outside.out"
assert_contains "$w/box.out" "SOCKPROBE done"
for s in inet-tcp inet-udp inet6-tcp inet6-udp netlink-route vsock; do
	grep -q "^SOCKET $s denied" "$w/box.out" || fail "QEMU's box with mode = user allowed a $s socket"
	if [ "$s" = vsock ] && ! grep -q "^SOCKET vsock allowed" "$w/outside.out"; then
		echo "note: no AF_VSOCK on this host outside the box either"
		continue
	fi
	grep -q "^SOCKET $s allowed" "$w/outside.out" || fail "outside the box the user cannot create a $s socket"
done

# ---- 2. the guest's network through vfio-slirp
marker="host-marker-$$"
bg_user socat -T 120 TCP-LISTEN:$host_port,bind=127.0.0.1,reuseaddr SYSTEM:"echo $marker"
profile netguest > "$w/guest.conf"
as_user timeout -k 5 180 "$w/vfio-launch" run "$w/guest.conf" > "$w/console" 2>&1 &
vm=$!
pids="$pids $vm"
i=0
until grep -q "net: listening on 8080" "$w/console" 2>/dev/null; do
	kill -0 "$vm" 2>/dev/null || { cat "$w/console"; fail "the VM ended before listening"; }
	[ $i -lt 1800 ] || fail "no 'net: listening' line from the guest"
	sleep 0.1
	i=$((i + 1))
done
got=$(as_user socat -T 30 - TCP:127.0.0.1:$fwd_port </dev/null || true)
rc=0
wait "$vm" || rc=$?
tr -d '\r' < "$w/console" | grep -E "^(net|fetched|DEMO-GUEST-RESULT):" || true
assert_eq 0 "$rc" "vfio-launch run's exit status"
grep -q "^net: lease 10\.0\.2\.15 " "$w/console" || fail "the guest got no 10.0.2.15 lease"
grep -q "^fetched: $marker" "$w/console" || fail "the guest did not fetch '$marker' from the host's 127.0.0.1:$host_port"
case $got in
guest-listener\ *) ;;
*) fail "host port $fwd_port did not reach the guest's listener: got '$got'" ;;
esac
grep -q "^DEMO-GUEST-RESULT: ok" "$w/console" || fail "the guest did not report ok"

# ---- 3. a host port in use FAILs the check
bg_user socat -T 60 TCP-LISTEN:$fwd_port,bind=127.0.0.1,reuseaddr,fork SYSTEM:true
i=0
until as_user socat -T 1 /dev/null TCP:127.0.0.1:$fwd_port 2>/dev/null; do
	[ $i -lt 100 ] || fail "socat did not listen on $fwd_port"
	sleep 0.1
	i=$((i + 1))
done
rc=0
as_user "$w/vfio-launch" check "$w/guest.conf" > "$w/check.out" 2>&1 || rc=$?
cat "$w/check.out"
[ "$rc" -ne 0 ] || fail "check passed with host port $fwd_port in use"
assert_contains "$w/check.out" "port 127.0.0.1:$fwd_port cannot be bound: already in use"
echo "mode = user: QEMU's box refuses inet/inet6/netlink/vsock sockets; lease 10.0.2.15; fetched $marker; forward $fwd_port answered; busy port FAILs check"
