#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `vfio-launch check` of a display = gtk (and sdl) profile, as the
# unprivileged test uid, against the display servers its environment
# names (display.c, window_check):
#   - none named: FAIL naming the fix, and `run` refuses before QEMU;
#   - DISPLAY or WAYLAND_DISPLAY naming a socket nobody listens on: FAIL;
#   - an X11 socket that accepts (/tmp/.X11-unix/XN): PASS, and the WARN
#     that any X client can read the VM window's keystrokes, suggesting
#     Wayland or spice with looking-glass-client;
#   - a Wayland socket that accepts (even with DISPLAY set too): PASS for
#     Wayland, no X11 WARN.
# A listening unix socket (socat) stands in for the servers: check only
# connects.
. "$(dirname "$0")/../lib.sh"
[ -x "$VL" ] || skip "build/vfio-launch is not built"
need_tool socat
need_tool qemu-system-x86_64
user_setup
pids=
xsock=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	[ -z "$xsock" ] || rm -f "$xsock"
	rm -rf "$USER_TMP"
}
trap cleanup EXIT
RUN=$USER_TMP/run
out=$USER_TMP/out
mkdir -p "$out"
chmod 0777 "$out"
for ui in gtk sdl; do
	printf '%s\n' "[vm]" "name = chk$ui" "memory = 256M" "accel = tcg" "display = $ui" \
		>"$USER_TMP/home/$ui.conf"
done
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
conf=$USER_TMP/home/gtk.conf

# check_as NAME ENV...: check's output in $out/NAME, its exit code echoed.
check_as() {
	_n=$1
	shift
	_rc=0
	as_user env "$@" "$VL" check "${CONF:-$conf}" >"$out/$_n" 2>&1 || _rc=$?
	echo "$_rc"
}

# A display number and Wayland name no one uses.
mkdir -p /tmp/.X11-unix && chmod 1777 /tmp/.X11-unix
n=90
while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done

# ---- nothing named
for ui in gtk sdl; do
	rc=$(CONF=$USER_TMP/home/$ui.conf check_as none-$ui)
	[ "$rc" != 0 ] || { cat "$out/none-$ui"; fail "$ui: check passed with no display"; }
	assert_contains "$out/none-$ui" "FAIL  display: display = $ui needs a display server, and none is reachable"
	assert_contains "$out/none-$ui" "fix: run it from a graphical session"
	assert_contains "$out/none-$ui" "display = spice"
done
echo "no display: check exits $rc with the FAIL and its fix"
rc=0
as_user "$VL" run "$conf" >"$out/run-none" 2>&1 || rc=$?
assert_eq 69 "$rc" "run with no display"
assert_contains "$out/run-none" "refusing to start VM chkgtk"
if grep -q 'QMP' "$out/run-none"; then fail "run started QEMU with no display"; fi

# ---- named, but nobody listens (a TCP display is none: the box has no network)
rc=$(check_as x-dead DISPLAY=":$n")
[ "$rc" != 0 ] || fail "check passed with no X server at :$n"
assert_contains "$out/x-dead" "FAIL  display: display = gtk: the X server at /tmp/.X11-unix/X$n (DISPLAY=:$n) does not accept a connection"
rc=$(check_as x-tcp DISPLAY=localhost:10.0)
[ "$rc" != 0 ] || fail "check passed with a TCP display"
assert_contains "$out/x-tcp" "DISPLAY is 'localhost:10.0' (not a local X server: the box has no network)"
rc=$(check_as wl-dead WAYLAND_DISPLAY=wl-none DISPLAY=":$n")
[ "$rc" != 0 ] || fail "check passed with no compositor"
assert_contains "$out/wl-dead" "the Wayland compositor at $RUN/wl-none (WAYLAND_DISPLAY=wl-none) does not accept a connection"
assert_contains "$out/wl-dead" "or unset WAYLAND_DISPLAY to use the X server at DISPLAY=:$n"
echo "dead sockets: FAIL for X11 (:$n), TCP X11, and Wayland"

# ---- an X11 socket that accepts: PASS and the keystroke WARN
xsock=/tmp/.X11-unix/X$n
as_user sh -c 'echo $$ >"$0"; exec socat UNIX-LISTEN:"$1",fork /dev/null' "$out/x.pid" "$xsock" \
	</dev/null >/dev/null 2>&1 &
i=0
until [ -S "$xsock" ] && [ -s "$out/x.pid" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "no listener at $xsock"
	sleep 0.1
done
pids="$pids $(cat "$out/x.pid")"
rc=$(check_as x-ok DISPLAY=":$n")
assert_eq 0 "$rc" "check under X11 (WARNs do not fail it)"
assert_contains "$out/x-ok" "PASS  display: display = gtk on the X server at $xsock"
assert_contains "$out/x-ok" "WARN  display: display = gtk under X11 (DISPLAY=:$n): any X client of that server can read the keystrokes typed into the VM's window"
assert_contains "$out/x-ok" "looking-glass-client"
assert_contains "$out/x-ok" "Wayland session"
echo "X11: PASS and the keystroke WARN"

# ---- a Wayland socket that accepts, DISPLAY set as well: Wayland wins
as_user sh -c 'echo $$ >"$0"; exec socat UNIX-LISTEN:"$1",fork /dev/null' "$out/wl.pid" "$RUN/wl-ok" \
	</dev/null >/dev/null 2>&1 &
i=0
until [ -S "$RUN/wl-ok" ] && [ -s "$out/wl.pid" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "no listener at $RUN/wl-ok"
	sleep 0.1
done
pids="$pids $(cat "$out/wl.pid")"
rc=$(check_as wl-ok WAYLAND_DISPLAY=wl-ok DISPLAY=":$n")
assert_eq 0 "$rc" "check under Wayland"
assert_contains "$out/wl-ok" "PASS  display: display = gtk on the Wayland compositor at $RUN/wl-ok"
if grep -q 'WARN  display' "$out/wl-ok"; then cat "$out/wl-ok"; fail "an X11 WARN under Wayland"; fi
echo "Wayland (DISPLAY set too): PASS, no WARN"
echo ok
