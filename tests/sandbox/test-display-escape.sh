#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The runtime dir with a display on: the escape probe
# (tests/sandbox/escape.c, its "vfio-display-escape" mode) runs in QEMU's
# place through `vfio-launch run` as the unprivileged test uid, once with
# display = gtk under Wayland (the one profile kind whose display socket
# lives in the runtime dir, so the box shows part of that directory) and
# once with display = spice (the box shows the VM's spice directory,
# read-write). Around it, the same uid's sockets in $XDG_RUNTIME_DIR: a
# session bus, PulseAudio's native socket, a gpg agent, another VM's
# QMP socket, and this VM's own qmp.sock and ctl.sock (its supervisor's).
# In the box every one of them is refused and only the Wayland socket
# connects; the same probe run outside the box, as the same uid, reaches
# every one of them.
. "$(dirname "$0")/../lib.sh"

PROBE="$BUILD_DIR/tests/sandbox-escape"
[ -x "$PROBE" ] || skip "build the escape probe first (make tests)"
[ -x "$VL" ] || fail "$VL is missing: run 'make'"
need_tool socat
need_tool timeout
user_setup
RUN=$USER_TMP/run
H=$USER_TMP/home
out=$USER_TMP/out
pf=$USER_TMP/pids
mkdir -p "$out" "$pf" "$H/vm"
chmod 0777 "$out" "$pf"
cleanup() {
	for f in "$pf"/*; do
		[ -s "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null || true
	done
	rm -rf "$USER_TMP"
}
trap cleanup EXIT
bg_user() { # NAME COMMAND...: as the test uid; $pf/NAME gets its pid
	_name=$1
	shift
	as_user sh -c 'echo $$ >"$0"; exec "$@"' "$pf/$_name" "$@" </dev/null >"$out/$_name.log" 2>&1 &
	_i=0
	while [ ! -s "$pf/$_name" ] && [ $_i -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	[ -s "$pf/$_name" ] || fail "could not start $_name"
}

# ---- the runtime dir's sockets, as the test uid
wl=$RUN/wl-esc
others="$RUN/bus $RUN/pulse/native $RUN/gnupg/S.gpg-agent $RUN/vfio-launch/other/qmp.sock"
as_user sh -c 'umask 077; mkdir -p "$0/pulse" "$0/gnupg" "$0/vfio-launch/other"' "$RUN"
n=0
for s in $wl $others; do
	n=$((n + 1))
	bg_user listen$n socat "UNIX-LISTEN:$s,fork" /dev/null
done
for s in $wl $others; do
	i=0
	while [ ! -S "$s" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -S "$s" ] || fail "no listener at $s"
done

disk=$H/vm/esc.img
slot() { dd if="$1" bs=4096 skip="$2" count="${3:-1}" status=none | tr -d '\0'; }
order_exit() {
	{ printf 'GO exit\n'; head -c 64 /dev/zero; } | dd of="$1" bs=4096 seek=2 conv=notrunc status=none
}
setup_disk() { # FILE SETUP-LINE
	rm -f "$1"
	truncate -s 1M "$1"
	printf '%s\n' "$2" | dd of="$1" conv=notrunc status=none
	chown "$TEST_UID:$TEST_GID" "$1"
	chmod 0600 "$1"
}
verdict() { # FILE CHECK-NAME
	sed -n "s|^escape $2: \\([a-z]*\\).*|\\1|p" "$1" | head -n 1
}

for mode in gtk spice; do
	name=desc-$mode
	rt=$RUN/vfio-launch/$name
	list=$(echo $others "$rt/qmp.sock" "$rt/ctl.sock" | tr ' ' ',')
	dsp=
	[ $mode = gtk ] && dsp=" display=$wl"
	setup_disk "$disk" "vfio-display-escape$dsp sockets=$list"
	conf=$H/$name.conf
	printf '%s\n' "[vm]" "name = $name" "memory = 64M" "accel = tcg" "firmware = bios" \
		"display = $mode" "[disk system]" "path = $disk" "format = raw" \
		"[qemu]" "binary = $PROBE" >"$conf"
	chown "$TEST_UID:$TEST_GID" "$conf"
	bg_user run-$mode env WAYLAND_DISPLAY=wl-esc timeout -k 5 120 "$VL" run --trust-profile "$conf"
	i=0
	until [ "$(slot "$disk" 1)" = "STATE ready" ]; do
		i=$((i + 1))
		if [ $i -ge 600 ] || ! kill -0 "$(cat "$pf/run-$mode")" 2>/dev/null; then
			cat "$out/run-$mode.log"
			fail "$mode: the probe did not report"
		fi
		sleep 0.1
	done
	slot "$disk" 16 4 >"$out/box-$mode"
	# Outside the box, while this VM still runs (its qmp.sock and
	# ctl.sock exist): the same probe, directly as the same uid.
	setup_disk "$out/outside.img" "vfio-display-escape$dsp sockets=$list"
	order_exit "$out/outside.img"
	as_user timeout 60 "$PROBE" -drive "file=$out/outside.img,format=raw" >"$out/outside-$mode" 2>&1 ||
		{ cat "$out/outside-$mode"; fail "$mode: the probe outside the box failed"; }
	order_exit "$disk"
	i=0
	while kill -0 "$(cat "$pf/run-$mode")" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo "--- display = $mode: check, without the box / in the box"
	bad= base_bad=
	if [ $mode = gtk ]; then
		o=$(verdict "$out/outside-$mode" connect-display)
		b=$(verdict "$out/box-$mode" connect-display)
		printf '%-60s %-8s %s\n' "connect-display $wl" "${o:-missing}" "${b:-missing}"
		[ "$o" = reached ] || base_bad="$base_bad display"
		[ "$b" = reached ] || fail "$mode: the Wayland socket is not reachable in the box"
	fi
	for s in $(echo "$list" | tr ',' ' '); do
		o=$(verdict "$out/outside-$mode" "connect-runtime $s")
		b=$(verdict "$out/box-$mode" "connect-runtime $s")
		printf '%-60s %-8s %s\n' "connect-runtime ${s#"$RUN"/}" "${o:-missing}" "${b:-missing}"
		[ "$o" = reached ] || base_bad="$base_bad $s"
		[ "$b" = denied ] || bad="$bad $s"
	done
	[ -z "$base_bad" ] || fail "$mode: without the box these did not connect, so the test proves nothing for them:$base_bad"
	[ -z "$bad" ] || { cat "$out/box-$mode"; fail "$mode: the box let these through:$bad"; }
	echo "display = $mode: $(echo "$list" | tr ',' ' ' | wc -w) sockets of the runtime dir reached outside the box, refused in it"
done
echo ok
