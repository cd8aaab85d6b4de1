#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs every test: the Check suites built into build/tests/, then every
# tests/*/test-*.sh script. Exit status of a test: 0 pass, 77 skip (with
# the reason printed by the test), anything else fail. Prints one summary
# line "check: N passed, N failed, N skipped" and exits non-zero on any
# failure. TESTS="pattern" runs only the tests whose name contains it.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
export TOP_SRCDIR="$top" BUILD_DIR="$build"
pass=0 fail=0 skip=0 failed=""
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
	[ -f "$t" ] || continue
	run_one "$(basename "$(dirname "$t")")/$(basename "$t" .sh)" sh "$t"
done

[ -n "$failed" ] && echo "failed:$failed"
echo "check: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
