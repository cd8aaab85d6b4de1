#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `vfio-launch usb` and the [usb] lines of `vfio-launch check`, end to end
# as an unprivileged user, on a fake desk recorded for umockdev
# (tests/data/usb/desk.umockdev: a hub at 1-4, a receiver behind it at
# 1-4.2, a keyboard at 1-5).
. "$(dirname "$0")/../lib.sh"
[ -x "$VL" ] || skip "build/vfio-launch is not built"
need_tool umockdev-run
user_setup
DESK="$TOP_SRCDIR/tests/data/usb/desk.umockdev"
OUT="$USER_TMP/out"

vl() {
	set +e
	# umockdev preloads its library ahead of ASan's runtime (SANITIZE=1)
	as_user env ASAN_OPTIONS=verify_asan_link_order=0 umockdev-run -d "$DESK" -- "$VL" "$@" >"$OUT" 2>&1
	rc=$?
	set -e
	echo "--- vfio-launch $* (exit $rc)"
	cat "$OUT"
}

vl usb
assert_eq 0 "$rc" "vfio-launch usb exit"
cat >"$USER_TMP/want" <<'WANT_END'
PORT         ID         NODE                   NAME
1-4          05e3:0610  /dev/bus/usb/001/003   Genesys Logic, Inc. Hub [hub]
1-4.2        046d:c52b  /dev/bus/usb/001/005   Logitech, Inc. Unifying Receiver
1-5          04d9:0169  /dev/bus/usb/001/004   Holtek USB Keyboard
WANT_END
cmp "$USER_TMP/want" "$OUT" || fail "vfio-launch usb output differs"

CONF="$USER_TMP/home/.config/vfio-launch"
mkdir -p "$CONF"
printf '%s\n' "[vm]" "memory = 64M" "accel = tcg" "" "[usb]" \
	"device = 046d:c52b" "port = 1-5" "port = 1-4" "port = 1-3" "port = 9-1" \
	"device = 1234:5678" >"$CONF/desk.conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"

vl check desk
[ "$rc" -ne 0 ] || fail "check desk: FAILs but exit 0"
assert_contains "$OUT" "PASS  usb 046d:c52b: 046d:c52b Logitech, Inc. Unifying Receiver at port 1-4.2, /dev/bus/usb/001/005 read-write"
assert_contains "$OUT" "PASS  usb port 1-5: 04d9:0169 Holtek USB Keyboard at port 1-5, /dev/bus/usb/001/004 read-write"
assert_contains "$OUT" "FAIL  usb port 1-4: port 1-4 holds a USB hub (05e3:0610 Genesys Logic, Inc. Hub); hubs are not passed through"
assert_contains "$OUT" "WARN  usb port 1-3: nothing is plugged into port 1-3"
assert_contains "$OUT" "FAIL  usb port 9-1: there is no USB bus 9 on this host"
assert_contains "$OUT" "FAIL  usb 1234:5678: no USB device 1234:5678 is plugged in"

# The ID resolved to its port is what QEMU is given.
printf '%s\n' "[vm]" "memory = 64M" "accel = tcg" "" "[usb]" \
	"device = 046d:c52b" >"$CONF/mouse.conf"
chown "$TEST_UID:$TEST_GID" "$CONF/mouse.conf"
vl run --dry-run mouse
assert_eq 0 "$rc" "run --dry-run mouse exit"
assert_contains "$OUT" "usb-host,bus=xhci.0,hostbus=1,hostport=4.2,id=usb0"
echo ok
