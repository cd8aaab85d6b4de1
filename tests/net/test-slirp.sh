#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vfio-slirp (launcher/slirp/vfio-slirp.c), user-mode networking outside QEMU, as the
# unprivileged test uid: QEMU 7.2 `-netdev stream,addr.type=fd` on one end
# of a socketpair, vfio-slirp on the other (tests/net/pair.c hands them
# out). The demo guest booted with demo.net=PORT (tests/guest/init) must
# get a DHCP lease, fetch a marker from a TCP server this test runs on the
# host's 127.0.0.1, and answer on guest port 8080 through a
# `--forward tcp:127.0.0.1:HOSTPORT:8080`. Then: a forward on a host port
# already in use makes vfio-slirp fail (status 71) naming the port.
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"

user_setup
need_tool qemu-system-x86_64
need_tool socat
SLIRP=$BUILD_DIR/vfio-slirp PAIR=$BUILD_DIR/tests/net/pair
[ -x "$SLIRP" ] && [ -x "$PAIR" ] || fail "build/vfio-slirp or build/tests/net/pair missing: run 'make all tests'"
[ -s "$BUILD_DIR/guest/modules/order" ] ||
	skip "the demo guest has no virtio-net modules (build/guest/modules/order; make tests rebuilds it)"

# The test uid reads the guest and the binaries from a copy of its own.
w=$USER_TMP/net
mkdir -p "$w"
cp "$BUILD_DIR/guest/vmlinuz" "$BUILD_DIR/guest/initramfs.cpio.gz" "$SLIRP" "$PAIR" "$w/"
chmod -R a+rX "$w"
chown "$TEST_UID" "$w"
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

# Two ports from this test's pid, so that parallel runs differ.
host_port=$((20000 + $$ % 20000)) fwd_port=$((40000 + $$ % 20000))
marker="host-marker-$$"
bg_user socat -T 60 TCP-LISTEN:$host_port,bind=127.0.0.1,reuseaddr SYSTEM:"echo $marker"

console=$w/console
as_user "$w/pair" "$w/vfio-slirp" --fd '{fd}' --forward "tcp:127.0.0.1:$fwd_port:8080" -- \
	timeout -k 5 180 qemu-system-x86_64 -machine q35 -accel tcg -m 256 -nodefaults \
	-display none -serial "file:$console" -no-reboot \
	-kernel "$w/vmlinuz" -initrd "$w/initramfs.cpio.gz" \
	-append "console=ttyS0 quiet panic=-1 demo.net=$host_port" \
	-netdev 'stream,id=net0,addr.type=fd,addr.str={fd}' -device virtio-net-pci,netdev=net0 \
	> "$w/pair.log" 2>&1 &
vm=$!
pids="$pids $vm"

# The guest says when it listens (bounded wait: the VM's own timeout).
i=0
until grep -q "net: listening on 8080" "$console" 2>/dev/null; do
	kill -0 "$vm" 2>/dev/null || { cat "$console" "$w/pair.log" 2>/dev/null; fail "the VM ended before listening"; }
	[ $i -lt 1800 ] || fail "no 'net: listening' line from the guest"
	sleep 0.1
	i=$((i + 1))
done
got=$(as_user socat -T 30 - TCP:127.0.0.1:$fwd_port </dev/null || true)
rc=0
wait "$vm" || rc=$?
tr -d '\r' < "$console" | grep -E "^(net|fetched|DEMO-GUEST-RESULT):" || true
assert_eq 0 "$rc" "pair (vfio-slirp and QEMU) exit status; $(cat "$w/pair.log")"
grep -q "^net: lease 10\.0\.2\.15 " "$console" || fail "the guest got no 10.0.2.15 lease"
grep -q "^fetched: $marker" "$console" || fail "the guest did not fetch '$marker' from the host's 127.0.0.1:$host_port"
case $got in
guest-listener\ *) ;;
*) fail "host port $fwd_port did not reach the guest's listener: got '$got'" ;;
esac
grep -q "^DEMO-GUEST-RESULT: ok" "$console" || fail "the guest did not report ok"

# A host port in use: vfio-slirp refuses to start (status 71, EX_OSERR).
bg_user socat -T 60 TCP-LISTEN:$((fwd_port + 1)),bind=127.0.0.1,reuseaddr,fork SYSTEM:true
i=0
until as_user socat -T 1 /dev/null TCP:127.0.0.1:$((fwd_port + 1)) 2>/dev/null; do
	[ $i -lt 100 ] || fail "socat did not listen on $((fwd_port + 1))"
	sleep 0.1
	i=$((i + 1))
done
rc=0
as_user "$w/pair" "$w/vfio-slirp" --fd '{fd}' --forward "tcp:127.0.0.1:$((fwd_port + 1)):80" -- true \
	> "$w/busy.log" 2>&1 || rc=$?
assert_eq 71 "$rc" "vfio-slirp with a busy host port"
assert_contains "$w/busy.log" "cannot bind tcp port $((fwd_port + 1))"
echo "vfio-slirp: lease 10.0.2.15, fetched $marker from 127.0.0.1:$host_port, forward $fwd_port -> guest 8080 answered '$got'; busy port refused"
