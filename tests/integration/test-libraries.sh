#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vfio-launch's shared libraries (issue 15; README "Libraries"): it needs
# libc alone (inih linked in, the seccomp filter built in, libudev and
# json-c loaded with dlopen where they are used), and a library that
# cannot be loaded where it is needed is an error naming its Debian
# package, exit 69 (EX_UNAVAILABLE), while the same command works with it.
. "$(dirname "$0")/../lib.sh"

[ -x "$VL" ] || fail "$VL is missing: run 'make'"
command -v readelf >/dev/null || skip "readelf (binutils) is missing"
needed=$(readelf -d "$VL" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' | tr '\n' ' ')
assert_eq "libc.so.6 " "$needed" "vfio-launch's NEEDED libraries"

[ "$(id -u)" = 0 ] || skip "hiding a library needs root (a mount namespace)"
command -v unshare >/dev/null || skip "unshare (util-linux) is missing"
out=$(mktemp /tmp/vl-libs.XXXXXX)
home=$(mktemp -d /tmp/vl-libs-home.XXXXXX)
trap 'rm -rf "$out" "$home"' EXIT

# hidden LIB, then the command: /dev/null over the library in a mount
# namespace of its own (unshare makes its mounts private).
hidden() {
	_lib=$(ldconfig -p | sed -n "s/^[[:space:]]*$1 (libc6,x86-64) => //p" | head -1)
	[ -n "$_lib" ] || skip "$1 is not in ld.so's cache"
	shift
	unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' sh "$_lib" "$@"
}

# libudev: `usb` works with it, names the package without it.
"$VL" usb >"$out" 2>&1 || { cat "$out"; fail "vfio-launch usb exited with $?"; }
assert_contains "$out" "PORT"
rc=0
hidden libudev.so.1 "$VL" usb >"$out" 2>&1 || rc=$?
assert_eq 69 "$rc" "usb without libudev: exit code"
assert_contains "$out" "vfio-launch: usb: libudev.so.1 (package libudev1) cannot be loaded: "

# json-c: status of a VM that is not running answers so with it, and
# names the package without it. (A runtime dir of our own: no VM there.)
chmod 700 "$home"
export XDG_RUNTIME_DIR="$home" HOME="$home"
unset XDG_STATE_HOME
"$VL" status "$TOP_SRCDIR/profiles/demo.conf" >"$out" 2>&1 || { cat "$out"; fail "status exited with $?"; }
assert_contains "$out" "VM demo: stopped"
rc=0
hidden libjson-c.so.5 "$VL" status "$TOP_SRCDIR/profiles/demo.conf" >"$out" 2>&1 || rc=$?
assert_eq 69 "$rc" "status without json-c: exit code"
assert_contains "$out" "vfio-launch: status: libjson-c.so.5 (package libjson-c5) cannot be loaded: "
echo "ok - NEEDED: $needed; libudev and json-c loaded where used, a missing one named"
