# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for the shell tests (sourced). Exit 77 = skip.
set -eu
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD_DIR=${BUILD_DIR:-$TOP_SRCDIR/build}
VL="$BUILD_DIR/vfio-launch"

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
need_root() { [ "$(id -u)" -eq 0 ] || skip "needs root (run as root: CI does)"; }
need_tool() { command -v "$1" >/dev/null 2>&1 || skip "needs $1"; }

# assert_eq EXPECTED ACTUAL WHAT
assert_eq() { [ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"; }
# assert_contains FILE STRING: the file holds the fixed string
assert_contains() { grep -qF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "'$2' not in $1"; }; }

# ---- an unprivileged user for tests (CI runs as root) ----
# TEST_UID/TEST_GID default to nobody/nogroup. user_setup creates
# $USER_TMP/home and $USER_TMP/run (mode 0700) owned by that uid and removes
# them on exit; as_user runs a command as that uid with a clean environment
# pointing HOME and XDG_RUNTIME_DIR there.
TEST_UID=${TEST_UID:-65534}
TEST_GID=${TEST_GID:-65534}
user_setup() {
	need_root
	need_tool setpriv
	USER_TMP=$(mktemp -d /tmp/vl-test.XXXXXX)
	chmod 0755 "$USER_TMP"
	mkdir -p "$USER_TMP/home" "$USER_TMP/run"
	chmod 0700 "$USER_TMP/home" "$USER_TMP/run"
	chown "$TEST_UID:$TEST_GID" "$USER_TMP/home" "$USER_TMP/run"
	trap 'rm -rf "$USER_TMP"' EXIT
}
as_user() {
	env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME="$USER_TMP/home" XDG_RUNTIME_DIR="$USER_TMP/run" \
		XDG_CONFIG_HOME="$USER_TMP/home/.config" \
		XDG_STATE_HOME="$USER_TMP/home/.local/state" LANG=C.UTF-8 \
		setpriv --reuid="$TEST_UID" --regid="$TEST_GID" --clear-groups -- "$@"
}

# need_demo: what booting the demo guest through the launcher needs (root
# to drop to the test uid, QEMU with its PulseAudio backend, PulseAudio,
# the built launcher and guest); skips or fails with the reason.
need_demo() {
	need_root
	need_tool setpriv
	need_tool qemu-system-x86_64
	need_tool pulseaudio
	need_tool pactl
	[ -x /bin/busybox ] || skip "needs /bin/busybox (Debian package busybox-static)"
	qemu-system-x86_64 -audiodev help 2>/dev/null | grep -qx pa ||
		skip "QEMU has no PulseAudio audiodev (Debian package qemu-system-gui)"
	[ -x "$VL" ] || fail "$VL is missing: run 'make'"
	for f in vmlinuz initramfs.cpio.gz; do
		[ -r "$BUILD_DIR/guest/$f" ] || fail "$BUILD_DIR/guest/$f is missing: 'make tests' builds the guest"
	done
}

# start_guest CONF LOG: `vfio-launch start CONF` as the test uid (a demo
# guest), fails unless it exits 0, sets $spid (the supervisor) and waits
# (60 s at most) for the guest's first console line in LOG.
start_guest() {
	_rc=0
	as_user "$VL" start "$1" >"$USER_TMP/start" 2>&1 </dev/null || _rc=$?
	cat "$USER_TMP/start"
	[ "$_rc" -eq 0 ] || { cat "$2" 2>/dev/null; fail "start exited $_rc"; }
	spid=$(sed -n 's/.*supervisor pid \([0-9]*\),.*/\1/p' "$USER_TMP/start")
	_i=0
	until grep -q "vfio-launch demo guest" "$2" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -lt 600 ] || { cat "$2"; fail "the guest printed nothing in 60 s"; }
		sleep 0.1
	done
	cat "$2"
}
