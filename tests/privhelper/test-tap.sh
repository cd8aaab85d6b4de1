#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vfio-privhelper tap and untap, as root, in a network namespace of the
# test's own (unshare --net: real taps and bridges, none on the host) with
# sysfs mounted again for it and a fake allowlist: the helper alone sees a
# fake /etc (passwd, group, /etc/vfio-launch), bound over the real one in a
# mount namespace of its own.
#  1. tap nobody br0 makes vl-nobody-0: a persistent tap owned by uid 65534,
#     on br0, up; a second run finds it and makes no other.
#  2. refused, with the message and exit code, and no interface made or
#     changed: a user or a bridge not allowlisted, an allowlisted bridge that
#     does not exist or is not a bridge, a NAME that is another user's tap or
#     not a tap, malformed arguments.
#  3. untap refuses what tap did not make; removes vl-nobody-0.
#  4. tap without arguments makes every allowlisted user's tap (the boot
#     unit), reporting the pair it cannot make.
. "$(dirname "$0")/../lib.sh"

need_root
need_tool unshare
need_tool ip
PH_BUILT=$BUILD_DIR/vfio-privhelper
[ -x "$PH_BUILT" ] || fail "$PH_BUILT is not built"

if [ "${1:-}" != --inner ]; then
	unshare --net --mount --propagation private true 2>/dev/null ||
		skip "unshare --net --mount is not permitted here (needs CAP_SYS_ADMIN)"
	[ -c /dev/net/tun ] || skip "no /dev/net/tun (the tun module)"
	tmp=$(mktemp -d /tmp/ph-tap.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	chmod 0755 "$tmp"
	rc=0
	unshare --net --mount --propagation private sh "$0" --inner "$tmp" || rc=$?
	exit $rc
fi

tmp=$2
# sysfs shows the network namespace of whoever mounted it: mount it again
# here, so /sys/class/net lists this namespace's interfaces.
mount -t sysfs sysfs /sys
ip link add br0 type bridge 2>/dev/null || skip "cannot make a bridge (the bridge module)"
ip link add br1 type bridge
ip tuntap add dev notbr mode tap
ip tuntap add dev vl-other mode tap user 1234
ip link add vl-br type bridge

E=$tmp/etc
mkdir -p "$E/vfio-launch"
cat >"$E/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
bob:x:1234:1234:bob:/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
printf 'root:x:0:\nbob:x:1234:\nnogroup:x:65534:\n' >"$E/group"
printf 'passwd: files\ngroup: files\n' >"$E/nsswitch.conf"
[ -f /etc/ld.so.cache ] && cp /etc/ld.so.cache "$E/"
cat >"$E/vfio-launch/privhelper.conf" <<'EOF'
[bridge br0]
user = nobody
user = carol
[bridge notbr]
user = nobody
[bridge gone0]
user = nobody
EOF
chmod 0755 "$E" "$E/vfio-launch"
chmod 0644 "$E/vfio-launch/privhelper.conf"
# ph ARGS...: the helper with the fake /etc (its own mount namespace)
ph() {
	unshare --mount --propagation private sh -c 'mount --bind "$0" /etc && exec "$@"' "$E" "$PH_BUILT" "$@"
}
links() { ip -o link show | awk -F': ' '{print $2}' | LC_ALL=C sort; }

n=0
# refused NAME EXPECTED-EXIT EXPECTED-MESSAGE ARGS...: no interface made or changed
refused() {
	name=$1 want=$2 msg=$3
	shift 3
	n=$((n + 1))
	ip -d -o link show | sed 's/ [0-9]*: / /' >"$tmp/before"
	rc=0
	ph "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	ip -d -o link show | sed 's/ [0-9]*: / /' >"$tmp/after"
	[ "$rc" -ne 0 ] || { cat "$tmp/out"; fail "case $n ($name): accepted"; }
	[ "$rc" -eq "$want" ] || { cat "$tmp/err"; fail "case $n ($name): exit $rc, expected $want"; }
	grep -qF -- "$msg" "$tmp/err" || { cat "$tmp/err"; fail "case $n ($name): message lacks '$msg'"; }
	cmp -s "$tmp/before" "$tmp/after" || { diff "$tmp/before" "$tmp/after"; fail "case $n ($name): interfaces changed"; }
	echo "ok $n - $name: $(head -n1 "$tmp/err")"
}

# ---- 1. the tap
ph tap nobody br0 >"$tmp/out" || { cat "$tmp/out"; fail "tap nobody br0 failed"; }
cat "$tmp/out"
assert_contains "$tmp/out" "vl-nobody-0: tap of nobody (uid 65534) on br0, up (made now)"
T=/sys/class/net/vl-nobody-0
assert_eq 65534 "$(cat $T/owner)" "vl-nobody-0's owner"
assert_eq br0 "$(basename "$(readlink $T/master)")" "vl-nobody-0's master"
# tun_flags: IFF_TAP 0x2, IFF_NO_PI 0x1000, IFF_VNET_HDR 0x4000,
# IFF_PERSIST 0x800 (uapi linux/if_tun.h); flags: IFF_UP 0x1
f=$(($(cat $T/tun_flags)))
[ $((f & 0x5802)) -eq $((0x5802)) ] || fail "vl-nobody-0's tun_flags are $(cat $T/tun_flags), not a persistent vnet_hdr tap without PI"
[ $(($(cat $T/flags) & 1)) -eq 1 ] || fail "vl-nobody-0 is not up"
links >"$tmp/links1"
ph tap nobody br0 >"$tmp/out" || { cat "$tmp/out"; fail "tap nobody br0 (again) failed"; }
assert_contains "$tmp/out" "vl-nobody-0: tap of nobody (uid 65534) on br0, up"
! grep -q "made now" "$tmp/out" || fail "the second tap made another tap"
links | cmp -s - "$tmp/links1" || fail "the second tap changed the interfaces"
echo "ok - tap nobody br0: vl-nobody-0, owner 65534, master br0, up; again: the same tap"

# ---- 2. refused
refused "user not allowlisted" 77 "user bob is not allowlisted for bridge br0" tap bob br0
refused "bridge not allowlisted" 77 "bridge br1 is not allowlisted" tap nobody br1
refused "allowlisted bridge missing" 69 "bridge gone0 does not exist" tap nobody gone0
refused "allowlisted, not a bridge" 69 "notbr is not a bridge (a 'tun' interface)" tap nobody notbr
refused "NAME another user's tap" 77 "vl-other exists and is owned by uid 1234, not uid 65534" tap nobody br0 vl-other
refused "NAME not a tap" 77 "vl-br exists and is not a tap (a 'bridge' interface)" tap nobody br0 vl-br
refused "NAME without vl-" 64 "is not a tap name vl-NAME" tap nobody br0 notbr
refused "NAME too long" 64 "is not a tap name" tap nobody br0 vl-0123456789abc
refused "malformed user" 64 "is not a valid user name" tap ../bob br0
refused "malformed bridge" 64 "is not a network interface name" tap nobody br0/x
refused "user missing from the host" 69 "no user carol on this host" tap carol br0
refused "tap with one argument" 64 "usage: vfio-privhelper tap" tap nobody

# ---- 3. untap
refused "untap a bridge" 77 "br0 is not a tap of vfio-privhelper" untap br0
refused "untap another user's tap" 77 "vl-other belongs to uid 1234, whom no [bridge]" untap vl-other
refused "untap a vl- bridge" 77 "vl-br exists and is not a tap" untap vl-br
refused "untap nothing" 69 "there is no interface vl-none" untap vl-none
refused "untap malformed" 64 "is not a network interface name" untap "vl-x/../br0"
ph untap vl-nobody-0 >"$tmp/out" || { cat "$tmp/out"; fail "untap vl-nobody-0 failed"; }
assert_contains "$tmp/out" "vl-nobody-0: removed"
[ ! -e /sys/class/net/vl-nobody-0 ] || fail "vl-nobody-0 still exists after untap"
echo "ok - untap vl-nobody-0 removed it"

# ---- 4. every allowlisted pair (carol has no account here)
rc=0
ph tap >"$tmp/out" 2>"$tmp/err" || rc=$?
cat "$tmp/out" "$tmp/err"
[ "$rc" -eq 69 ] || fail "tap (all) exited $rc, expected 69 (carol, notbr and gone0 cannot be made)"
assert_contains "$tmp/out" "vl-nobody-0: tap of nobody (uid 65534) on br0, up (made now)"
assert_contains "$tmp/err" "refusing tap carol br0: no user carol on this host"
assert_contains "$tmp/err" "refusing tap nobody notbr: notbr is not a bridge"
assert_contains "$tmp/err" "refusing tap nobody gone0: bridge gone0 does not exist"
assert_eq br0 "$(basename "$(readlink /sys/class/net/vl-nobody-0/master)")" "vl-nobody-0's master (tap without arguments)"
echo "ok - tap without arguments made vl-nobody-0 on br0 and reported the three others"
