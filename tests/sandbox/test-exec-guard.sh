#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A run whose execve fails after the launcher confined itself (a "QEMU"
# that passes every check and the exec preflight but that the kernel
# refuses: not ELF, no "#!", so ENOEXEC) still leaves nothing behind: the
# exec guard (launcher/box/exec_guard.c), forked before confinement, removes
# the ivshmem file and the runtime dir that Landlock forbids the launcher
# itself to remove.
. "$(dirname "$0")/../lib.sh"
[ -x "$VL" ] || skip "build/vfio-launch is not built"
user_setup
shm=$(mktemp -u /dev/shm/vl-test-guard.XXXXXX)
trap 'rm -f "$shm"; rm -rf "$USER_TMP"' EXIT

printf '\177NOT-AN-ELF\n' >"$USER_TMP/not-elf"
chmod 0755 "$USER_TMP/not-elf"
conf="$USER_TMP/home/guard.conf"
printf '%s\n' "[vm]" "name = guard" "memory = 64M" "accel = tcg" "" \
	"[qemu]" "binary = $USER_TMP/not-elf" "" \
	"[looking-glass]" "path = $shm" "size = 2M" >"$conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"

rc=0
# --trust-profile: binary = is a profile widening the box (trust.h)
as_user "$VL" run --trust-profile "$conf" >"$USER_TMP/out" 2>&1 || rc=$?
cat "$USER_TMP/out"
[ "$rc" -ne 0 ] || fail "run of a non-executable QEMU exited 0"
assert_contains "$USER_TMP/out" "cannot execute $USER_TMP/not-elf: Exec format error"
[ ! -e "$shm" ] || fail "the failed run left $shm behind"
[ ! -e "$USER_TMP/run/vfio-launch/guard" ] || fail "the failed run left its runtime dir behind"
# Nothing of the watcher is left running.
sleep 0.2
if pgrep -u "$TEST_UID" -f "$VL run $conf" >/dev/null; then fail "a watcher survived"; fi
echo "exec failed after confinement; the guard removed the ivshmem file and the runtime dir"
