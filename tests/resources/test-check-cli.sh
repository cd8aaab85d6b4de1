#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `vfio-launch check` and `run` as an unprivileged user for the audio, USB,
# Looking Glass and evdev resources: one line each, with the fix; a real
# PulseAudio server started here as that user; required = no without a
# server renders no sound card; and a run that fails after the ivshmem
# file was created leaves no file behind.
. "$(dirname "$0")/../lib.sh"
[ -x "$VL" ] || skip "build/vfio-launch is not built"
need_tool pulseaudio
user_setup

shm="/dev/shm/vl-test-cli-$$"
. "$TOP_SRCDIR/tests/audio/pulse.sh"
sock=$PULSE_SOCK
trap 'pulse_stop; rm -f "$shm"; rm -rf "$USER_TMP"' EXIT
pulse_start

# A "QEMU" that check accepts (an executable file) but execve refuses (its
# interpreter does not exist): run fails after prepare.
printf '#!/nonexistent/interpreter\n' >"$USER_TMP/fake-qemu"
chmod 0755 "$USER_TMP/fake-qemu"

CONF="$USER_TMP/home/.config/vfio-launch"
mkdir -p "$CONF"
# trusted = yes: the test's PulseAudio socket is in $XDG_RUNTIME_DIR but
# not pulse/native, a place a profile may only reach with consent.
printf '%s\n' "[vm]" "memory = 64M" "accel = tcg" "trusted = yes" "" \
	"[audio]" "server = unix:$sock" "" \
	"[looking-glass]" "path = $shm" "size = 4M" "" \
	"[input]" "evdev = /dev/null,grab_all=on,repeat=on" "" \
	"[usb]" "device = 1234:5678" >"$CONF/res.conf"
printf '%s\n' "[vm]" "memory = 64M" "accel = tcg" "trusted = yes" "" \
	"[audio]" "server = unix:$USER_TMP/run/no-such/native" "required = no" >"$CONF/mute.conf"
printf '%s\n' "[vm]" "memory = 64M" "accel = tcg" "trusted = yes" "" \
	"[qemu]" "binary = $USER_TMP/fake-qemu" "" \
	"[audio]" "server = unix:$sock" "" \
	"[looking-glass]" "path = $shm" "size = 4M" >"$CONF/fails.conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
OUT="$USER_TMP/out"

# vl CMD...: vfio-launch as the test user, output in $OUT, exit code in $rc
vl() {
	set +e
	as_user "$VL" "$@" >"$OUT" 2>&1
	rc=$?
	set -e
	echo "--- vfio-launch $* (exit $rc)"
	cat "$OUT"
}

# ---- check: one line per resource, the fixes under the FAILs
vl check res
[ "$rc" -ne 0 ] || fail "check res: FAILs but exit 0"
assert_contains "$OUT" "PASS  audio: PulseAudio server at $sock (from server =) answers: pulseaudio "
assert_contains "$OUT" "PASS  looking-glass: $shm: will be created, 4M, mode 0600"
assert_contains "$OUT" "FAIL  evdev /dev/null: /dev/null is not an evdev node (character device major 1, evdev is 13)"
assert_contains "$OUT" "fix: use a /dev/input/eventN node or its /dev/input/by-id/*-event-* link"
assert_contains "$OUT" "FAIL  usb 1234:5678: no USB device 1234:5678 is plugged in"
assert_contains "$OUT" "fix: plug it in, or name its port instead: [usb] port = BUS-PORT ('vfio-launch usb' lists them)"
[ ! -e "$shm" ] || fail "check created $shm"

# ---- no server, required = no: a WARN, and no sound card rendered
vl check mute
assert_contains "$OUT" "WARN  audio: no PulseAudio server answers at $USER_TMP/run/no-such/native (from server =): No such file or directory; the VM starts without audio (required = no)"
vl run --dry-run mute
[ "$rc" -eq 0 ] || fail "run --dry-run mute: exit $rc"
if grep -q -- '-audiodev' "$OUT"; then fail "mute renders an audiodev"; fi

# ---- the same without required = no: FAIL, and run refuses
sed -i '/required = no/d' "$CONF/mute.conf"
vl run mute
[ "$rc" -ne 0 ] || fail "run mute started without its audio server"
assert_contains "$OUT" "FAIL  audio: no PulseAudio server answers at $USER_TMP/run/no-such/native"

# ---- run fails at exec, after the ivshmem file was made: removed again
vl run fails
[ "$rc" -ne 0 ] || fail "run fails: exit 0"
# (the exec error's wording is the run command's; only its subject here)
assert_contains "$OUT" "$USER_TMP/fake-qemu"
[ ! -e "$shm" ] || fail "a failed run left $shm behind"

# ---- an existing file of the user's is resized, and kept by a failed run
as_user sh -c "umask 077; : > '$shm'"
vl run fails
[ -f "$shm" ] || fail "a failed run removed the user's existing $shm"
assert_eq 4194304 "$(stat -c %s "$shm")" "size of $shm"
rm -f "$shm"

# ---- a symlink planted at the path: refused, target untouched
printf keep >"$USER_TMP/target"
ln -s "$USER_TMP/target" "$shm"
vl run fails
[ "$rc" -ne 0 ] || fail "run followed a symlink"
assert_contains "$OUT" "FAIL  looking-glass: $shm is a symbolic link; refusing to follow it"
assert_eq keep "$(cat "$USER_TMP/target")" "symlink target"
rm -f "$shm"
echo ok
