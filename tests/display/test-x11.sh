#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# display = gtk and display = sdl in the box under X11 (Xvfb), through
# `vfio-launch run` as the unprivileged test uid, with a session bus
# exported the usual way (dbus-daemon --session, DBUS_SESSION_BUS_ADDRESS
# set): QEMU (UEFI, no disk: the firmware's screen) is not killed by
# -sandbox spawn=deny (no AT-SPI bridge, no session bus in the box), and
# a screenshot of the X screen (import -window root) stops being all
# black once the firmware draws. The box shows the one X11 socket of
# $DISPLAY, not the directory of every X server's socket. MIT-SHM is not
# shared (the box refuses SysV IPC and has its own IPC namespace): that
# the screen is drawn shows GTK and SDL do without it.
. "$(dirname "$0")/../lib.sh"
[ -x "$VL" ] || skip "build/vfio-launch is not built"
for t in Xvfb import convert dbus-daemon qemu-system-x86_64; do need_tool "$t"; done
[ -r /usr/share/OVMF/OVMF_CODE_4M.fd ] || skip "needs OVMF (Debian package ovmf)"
user_setup
XPID= SUP_PID= DBUS_PID=
cleanup() {
	[ -z "$SUP_PID" ] || kill -KILL "$SUP_PID" 2>/dev/null || true
	[ -z "$XPID" ] || kill "$XPID" 2>/dev/null || true
	[ -z "$DBUS_PID" ] || kill "$DBUS_PID" 2>/dev/null || true
	rm -rf "$USER_TMP"
}
trap cleanup EXIT
mkdir -p /tmp/.X11-unix && chmod 1777 /tmp/.X11-unix
# A display number no one uses.
n=90
while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
as_user sh -c 'echo $$ >"$0"; exec Xvfb ":$1" -nolisten tcp -screen 0 1024x768x24 2>/dev/null' \
	"$USER_TMP/run/x.pid" "$n" &
i=0
until [ -S "/tmp/.X11-unix/X$n" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "Xvfb :$n did not start"
	sleep 0.1
done
XPID=$(cat "$USER_TMP/run/x.pid")
as_user dbus-daemon --session --fork --print-address=1 --print-pid=2 >"$USER_TMP/bus" 2>"$USER_TMP/bus.pid" ||
	fail "dbus-daemon --session did not start"
DBUS_PID=$(cat "$USER_TMP/bus.pid")
BUS=$(cat "$USER_TMP/bus")
X() { as_user env DISPLAY=":$n" DBUS_SESSION_BUS_ADDRESS="$BUS" "$@"; }

# max_level: the brightest channel value (0..1) of the X screen.
max_level() {
	X import -window root "$USER_TMP/run/shot.png" 2>/dev/null || { echo 0; return; }
	convert "$USER_TMP/run/shot.png" -format '%[fx:maxima]' info:
}
lvl=$(max_level)
[ "$lvl" = 0 ] || fail "control: the empty X screen is not black ($lvl)"

for ui in gtk sdl; do
	conf=$USER_TMP/home/$ui.conf
	printf '%s\n' "[vm]" "name = x$ui" "memory = 256M" "accel = tcg" "firmware = uefi" \
		"display = $ui" >"$conf"
	chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
	out=$USER_TMP/run/$ui.out
	X sh -c 'echo $$ >"$0"; log=$1; shift; exec "$@" </dev/null >>"$log" 2>&1' "$USER_TMP/run/sup.pid" "$out" \
		"$VL" run "$conf" &
	job=$!
	i=0
	while [ ! -s "$USER_TMP/run/sup.pid" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "the launcher did not start"
		sleep 0.1
	done
	SUP_PID=$(cat "$USER_TMP/run/sup.pid")
	i=0
	until grep -q "QMP event RESUME" "$out" 2>/dev/null && [ "$(max_level)" != 0 ]; do
		i=$((i + 1))
		if [ $i -ge 120 ] || ! kill -0 "$job" 2>/dev/null; then
			cat "$out"
			fail "display = $ui: the X screen stayed black (QEMU's window never drew)"
		fi
		sleep 1
	done
	echo "display = $ui: the X screen is not black (maximum level $(max_level))"
	QEMU_PID=$(pgrep -P "$SUP_PID" | head -n 1)
	root=/proc/$QEMU_PID/root
	[ -S "$root/tmp/.X11-unix/X$n" ] || fail "the box does not show /tmp/.X11-unix/X$n"
	ls -A "$root/tmp/.X11-unix" >"$USER_TMP/x11"
	assert_eq "X$n" "$(cat "$USER_TMP/x11")" "the X11 sockets in QEMU's box"
	tr '\0' '\n' <"/proc/$QEMU_PID/environ" >"$USER_TMP/env"
	assert_contains "$USER_TMP/env" "NO_AT_BRIDGE=1"
	assert_contains "$USER_TMP/env" "DBUS_SESSION_BUS_ADDRESS=disabled:"
	kill -TERM "$SUP_PID"
	sleep 1
	kill -TERM "$SUP_PID" 2>/dev/null
	wait "$job" || true
	SUP_PID=
	rm -f "$USER_TMP/run/sup.pid"
	# The next profile starts from a black screen again.
	i=0
	until [ "$(max_level)" = 0 ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "the X screen did not go black after $ui"
		sleep 0.1
	done
done
echo ok
