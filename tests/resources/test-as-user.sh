#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The ivshmem, evdev and USB suites once more as an unprivileged user (CI
# runs as root, and root passes every permission check): the /dev/shm file
# is created by that user under its own umask, a 0000 device node is
# really refused, and libudev/umockdev work without privilege. The
# root-only cases are left out by the suites themselves.
. "$(dirname "$0")/../lib.sh"
user_setup
for t in test_ivshmem test_evdev test_usb; do
	[ -x "$BUILD_DIR/tests/$t" ] || skip "build/tests/$t not built (make tests)"
done

out="$USER_TMP/out.txt"
for t in test_ivshmem test_evdev test_usb; do
	as_user sh -c 'umask 022; exec "$0"' "$BUILD_DIR/tests/$t" >"$out" 2>&1 ||
		{ cat "$out"; fail "$t as uid $TEST_UID"; }
	cat "$out"
	grep -q '^100%: Checks: [1-9][0-9]*, Failures: 0, Errors: 0' "$out" ||
		fail "$t as uid $TEST_UID: not every check passed"
done
# nothing left behind in /dev/shm by that user
left=$(find /dev/shm -maxdepth 1 -user "$TEST_UID" -name 'vl-test-[0-9]*-[0-9]*' | head -n 1)
[ -z "$left" ] || fail "left behind: $left"
echo ok
