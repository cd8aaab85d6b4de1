#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# display = gtk in the box under Wayland: a headless
# weston (Debian 12's weston 10, headless backend, pixman renderer, a
# black background) as the unprivileged test uid, and `vfio-launch run`
# as that uid with both WAYLAND_DISPLAY and DISPLAY set (DISPLAY naming
# an X server that is not there): the launcher prefers Wayland (no X11
# keystroke hole, display.h), so QEMU (UEFI, no disk: the firmware's
# screen) opens its window on the compositor. A compositor-side
# screenshot (weston-screenshooter: weston's screenshooter protocol,
# allowed with --debug) is black before and not black once the firmware
# draws. The box shows the one Wayland socket of the runtime dir and no
# X11 socket; QEMU's environment names Wayland only (for SDL too).
# display = sdl is not run here: a headless weston offers no wl_seat, and
# with none libSDL2 2.26 (Debian 12) segfaults in QEMU 7.2's SDL init,
# outside the box as well (backtrace: qemu_init -> ui-sdl.so -> libSDL2).
. "$(dirname "$0")/../lib.sh"
[ -x "$VL" ] || skip "build/vfio-launch is not built"
for t in weston weston-screenshooter convert qemu-system-x86_64; do need_tool "$t"; done
[ -r /usr/share/OVMF/OVMF_CODE_4M.fd ] || skip "needs OVMF (Debian package ovmf)"
user_setup
WPID= SUP_PID=
cleanup() {
	[ -z "$SUP_PID" ] || kill -KILL "$SUP_PID" 2>/dev/null || true
	[ -z "$WPID" ] || kill "$WPID" 2>/dev/null || true
	rm -rf "$USER_TMP"
}
trap cleanup EXIT
RUN=$USER_TMP/run
WL=wl-vl-$$
shots=$USER_TMP/shots
mkdir -p "$shots"
# The compositor's look: a black background, no panel, no animations,
# so that only a client's window can make the screen non-black.
cat >"$USER_TMP/weston.ini" <<EOC
[core]
idle-time=0
[shell]
background-color=0xff000000
panel-position=none
locking=false
animation=none
startup-animation=none
EOC
chmod 0644 "$USER_TMP/weston.ini"
chown "$TEST_UID:$TEST_GID" "$shots"
as_user sh -c 'echo $$ >"$0"; exec weston --config="$1" --backend=headless-backend.so \
	--use-pixman --width=1024 --height=768 --socket="$2" --debug --log="$3"' \
	"$shots/weston.pid" "$USER_TMP/weston.ini" "$WL" "$shots/weston.log" </dev/null >/dev/null 2>&1 &
i=0
until [ -S "$RUN/$WL" ] && [ -s "$shots/weston.pid" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || { cat "$shots/weston.log" 2>/dev/null; fail "weston did not start"; }
	sleep 0.1
done
WPID=$(cat "$shots/weston.pid")
W() { as_user env WAYLAND_DISPLAY="$WL" "$@"; }

# max_level: the brightest channel value (0..1) of weston's output.
max_level() {
	rm -f "$shots"/wayland-screenshot-*.png
	W sh -c 'cd "$0" && weston-screenshooter' "$shots" >/dev/null 2>&1 || { echo 0; return; }
	set -- "$shots"/wayland-screenshot-*.png
	[ -f "$1" ] || { echo 0; return; }
	convert "$1" -format '%[fx:maxima]' info:
}
lvl=$(max_level)
[ "$lvl" = 0 ] || fail "control: the empty compositor output is not black ($lvl)"
ls "$shots"/wayland-screenshot-*.png >/dev/null 2>&1 || fail "weston-screenshooter made no screenshot"

for ui in gtk; do
	conf=$USER_TMP/home/$ui.conf
	printf '%s\n' "[vm]" "name = w$ui" "memory = 256M" "accel = tcg" "firmware = uefi" \
		"display = $ui" >"$conf"
	chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
	out=$shots/$ui.out
	rm -f "$out"
	rm -f "$shots/sup.pid"
	W env DISPLAY=:97 sh -c 'echo $$ >"$0"; log=$1; shift; exec "$@" </dev/null >>"$log" 2>&1' \
		"$shots/sup.pid" "$out" "$VL" run "$conf" &
	job=$!
	i=0
	while [ ! -s "$shots/sup.pid" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "the launcher did not start"
		sleep 0.1
	done
	SUP_PID=$(cat "$shots/sup.pid")
	i=0
	until grep -q "QMP event RESUME" "$out" 2>/dev/null && [ "$(max_level)" != 0 ]; do
		i=$((i + 1))
		if [ $i -ge 120 ] || ! kill -0 "$job" 2>/dev/null; then
			cat "$out"
			tail -n 20 "$shots/weston.log"
			fail "display = $ui: weston's output stayed black (QEMU's window never drew)"
		fi
		sleep 1
	done
	echo "display = $ui: weston's output is not black (maximum level $(max_level))"
	QEMU_PID=$(pgrep -P "$SUP_PID" | head -n 1)
	root=/proc/$QEMU_PID/root
	# The runtime dir in the box: the Wayland socket and nothing else.
	[ -S "$root$RUN/$WL" ] || fail "the box does not show $RUN/$WL"
	assert_eq "$WL" "$(ls -A "$root$RUN" | tr '\n' ' ' | sed 's/ $//')" "the runtime dir in QEMU's box"
	[ ! -e "$root/tmp/.X11-unix" ] || fail "the box shows /tmp/.X11-unix under Wayland"
	tr '\0' '\n' <"/proc/$QEMU_PID/environ" >"$USER_TMP/env"
	assert_contains "$USER_TMP/env" "WAYLAND_DISPLAY=$WL"
	assert_contains "$USER_TMP/env" "XDG_RUNTIME_DIR=$RUN"
	assert_contains "$USER_TMP/env" "GDK_BACKEND=wayland"
	assert_contains "$USER_TMP/env" "SDL_VIDEODRIVER=wayland"
	if grep -q '^DISPLAY=' "$USER_TMP/env"; then fail "QEMU got DISPLAY under Wayland"; fi
	kill -TERM "$SUP_PID"
	sleep 1
	kill -TERM "$SUP_PID" 2>/dev/null || true
	wait "$job" || true
	SUP_PID=
	# The next profile starts from a black output again.
	i=0
	until [ "$(max_level)" = 0 ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "weston's output did not go black after $ui"
		sleep 0.1
	done
done
echo ok
