#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A run whose QEMU cannot start leaves nothing behind and says why, as the
# unprivileged test uid:
#  1. a "QEMU" the kernel refuses to execute (not ELF, no "#!": ENOEXEC):
#     box_spawn reports the failed execve; run exits non-zero;
#  2. a "QEMU" that fails at once (prints an error, exits 1): its stderr
#     reaches the user through the supervisor and run exits with its status.
# Both times the ivshmem file and the runtime dir the run made are gone.
. "$(dirname "$0")/../lib.sh"
[ -x "$VL" ] || skip "build/vfio-launch is not built"
user_setup
shm=$(mktemp -u /dev/shm/vl-test-fail.XXXXXX)
trap 'rm -f "$shm"; rm -rf "$USER_TMP"' EXIT

printf '\177NOT-AN-ELF\n' >"$USER_TMP/not-elf"
printf '%s\n' '#!/bin/sh' 'echo "qemu-system-x86_64: -bogus: invalid option (test)" >&2' 'exit 1' \
	>"$USER_TMP/fails"
chmod 0755 "$USER_TMP/not-elf" "$USER_TMP/fails"

one() { # BINARY: runs a VM with that binary; leaves $USER_TMP/out and $rc
	conf="$USER_TMP/home/fail.conf"
	printf '%s\n' "[vm]" "name = fail" "memory = 64M" "accel = tcg" "" \
		"[qemu]" "binary = $1" "" \
		"[looking-glass]" "path = $shm" "size = 2M" >"$conf"
	chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
	rc=0
	as_user "$VL" run --trust-profile "$conf" >"$USER_TMP/out" 2>&1 </dev/null || rc=$?
	cat "$USER_TMP/out"
	[ ! -e "$shm" ] || fail "the failed run ($1) left $shm behind"
	[ ! -e "$USER_TMP/run/vfio-launch/fail" ] || fail "the failed run ($1) left its runtime dir behind"
	[ ! -e "$USER_TMP/run/vfio-launch" ] || fail "the failed run ($1) left $USER_TMP/run/vfio-launch behind"
}

one "$USER_TMP/not-elf"
[ "$rc" -ne 0 ] || fail "run of a non-executable QEMU exited 0"
assert_contains "$USER_TMP/out" "cannot execute $USER_TMP/not-elf: Exec format error"

one "$USER_TMP/fails"
[ "$rc" -eq 1 ] || fail "run of a QEMU that exits 1 at once exited $rc, not 1"
assert_contains "$USER_TMP/out" "-bogus: invalid option (test)"
assert_contains "$USER_TMP/out" "QEMU exited with status 1"
echo "exec failure and a QEMU failing at once: non-zero exit, reason shown, nothing left behind"
