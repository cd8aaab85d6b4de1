#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs every test: the Check suites built into build/tests/, then every
# tests/*/test-*.sh script. Exit status of a test: 0 pass, 77 skip (with
# the reason printed by the test), anything else fail. Prints one summary
# line "check: N passed, N failed, N skipped" and exits non-zero on any
# failure. TESTS="pattern" runs only the tests whose name contains it.
# --unit runs only the Check suites (no root, no network: make check-unit).
set -u
unit_only=0
[ "${1:-}" = --unit ] && unit_only=1
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
export TOP_SRCDIR="$top" BUILD_DIR="$build"
pass=0 fail=0 skip=0 failed=""

# The user-level tests run as an unprivileged uid (tests/lib.sh). When that
# uid cannot read this tree (a clone under /root, a 0700 temp dir), run the
# tests from a world-readable copy instead, rebuilt there so the paths
# compiled into the test binaries point at the copy.
tuid=${TEST_UID:-65534} tgid=${TEST_GID:-65534}
if [ "$unit_only" -eq 0 ] && [ "$(id -u)" -eq 0 ] && [ -z "${VL_TEST_STAGED:-}" ] && command -v setpriv >/dev/null &&
	! setpriv --reuid="$tuid" --regid="$tgid" --clear-groups -- test -r "$top/tests/lib.sh"; then
	stage=$(mktemp -d /tmp/vl-check.XXXXXX)
	chmod 0755 "$stage"
	echo "tests: uid $tuid cannot read $top; running the tests from a copy in $stage"
	tar -C "$top" --exclude=./.git --exclude=./build -cf - . | tar -C "$stage" -xf -
	if [ -d "$build/guest" ]; then
		mkdir -p "$stage/build" && cp -a "$build/guest" "$stage/build/"
	fi
	chmod -R a+rX "$stage"
	if ! make -C "$stage" -j2 all tests >"$stage/make.log" 2>&1; then
		tail -n 60 "$stage/make.log"
		echo "check: 0 passed, 1 failed, 0 skipped"
		rm -rf "$stage"
		exit 1
	fi
	VL_TEST_STAGED=1 BUILD= "$stage/tests/run.sh"
	rc=$?
	rm -rf "$stage"
	exit $rc
fi
logdir="$build/test-logs"
mkdir -p "$logdir"

run_one() {
	name=$1
	shift
	case "$name" in *"${TESTS:-}"*) ;; *) return ;; esac
	log="$logdir/$name.log"
	mkdir -p "${log%/*}" # "integration/test-x" logs go to a subdirectory
	start=$(date +%s)
	"$@" >"$log" 2>&1 </dev/null
	rc=$?
	secs=$(($(date +%s) - start))
	case $rc in
	0)
		pass=$((pass + 1))
		printf 'PASS  %s (%ss)\n' "$name" "$secs"
		;;
	77)
		skip=$((skip + 1))
		printf 'SKIP  %s: %s\n' "$name" "$(grep -m1 -i 'skip' "$log" || echo 'no reason given')"
		;;
	*)
		fail=$((fail + 1))
		failed="$failed $name"
		printf 'FAIL  %s (exit %s), log follows:\n' "$name" "$rc"
		tail -n 60 "$log" | sed 's/^/    /'
		;;
	esac
	grep -E '^[0-9]+%: Checks:' "$log" | sed 's/^/      /'
}

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	run_one "$(basename "$t")" "$t"
done
for t in "$top"/tests/*/test-*.sh; do
	[ -f "$t" ] && [ "$unit_only" -eq 0 ] || continue
	run_one "$(basename "$(dirname "$t")")/$(basename "$t" .sh)" sh "$t"
done

[ -n "$failed" ] && echo "failed:$failed"
echo "check: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
