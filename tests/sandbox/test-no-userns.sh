#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A host refusing unprivileged user namespaces, as the unprivileged test
# uid: under build/tests/sandbox-nouserns, unshare(2) and clone(2) with
# CLONE_NEWUSER fail with EPERM, as they do with user.max_user_namespaces
# = 0 or kernel.unprivileged_userns_clone = 0. Then, through the real
# launcher:
#  - `check --host` FAILs on the userns line, naming the fix;
#  - sandbox = on: `check` FAILs on the namespaces line with the fix,
#    and `run` refuses with 69 (EX_UNAVAILABLE): QEMU (the probe) never
#    starts;
#  - sandbox = reduced: `check` and `run` WARN loudly, naming what the
#    box then does not stop, and run starts the probe in the box without
#    namespaces (seccomp, no_new_privs, no capabilities still there);
#  - the box itself (sandbox-boxrun, box_spawn) reports the refused
#    clone instead of running anything.
# Control: without the wrapper, the same `check --host` PASSes userns.
. "$(dirname "$0")/../lib.sh"

PROBE="$BUILD_DIR/tests/sandbox-probe"
NOUS="$BUILD_DIR/tests/sandbox-nouserns"
BOXRUN="$BUILD_DIR/tests/sandbox-boxrun"
[ -x "$PROBE" ] && [ -x "$NOUS" ] && [ -x "$BOXRUN" ] || skip "build the test programs first (make tests)"
user_setup
H="$USER_TMP/home"
conf="$H/.config/vfio-launch"
mkdir -p "$conf"
for mode in on reduced; do
	cat >"$conf/nus-$mode.conf" <<EOC
[vm]
name = nus-$mode
memory = 64M
sandbox = $mode
trusted = yes

[qemu]
binary = $PROBE
EOC
done
chown -R "$TEST_UID:$TEST_GID" "$H"
out="$USER_TMP/out"
mkdir -p "$out"

# Control first: this host allows them (else the test shows nothing).
as_user "$VL" check --host >"$out/host-real" 2>&1 || true
grep -q "PASS  userns: unprivileged user namespaces: the box can be built" "$out/host-real" ||
	skip "this host refuses unprivileged user namespaces itself: $(grep userns "$out/host-real")"

as_user "$NOUS" "$VL" check --host >"$out/host" 2>&1 || true
assert_contains "$out/host" "FAIL  userns: unprivileged user namespaces are refused (Operation not permitted)"
assert_contains "$out/host" "fix: allow unprivileged user namespaces"

# sandbox = on: FAIL, run refuses, the probe never starts.
rc=0
as_user "$NOUS" "$VL" check "$conf/nus-on.conf" >"$out/check-on" 2>&1 || rc=$?
assert_contains "$out/check-on" "FAIL  namespaces: unprivileged user namespaces are refused (Operation not permitted): run would not start QEMU without its namespaces"
assert_contains "$out/check-on" "set sandbox = reduced in $conf/nus-on.conf"
assert_eq 1 "$rc" "check exit status, sandbox = on"
rc=0
as_user timeout 60 "$NOUS" "$VL" run "$conf/nus-on.conf" >"$out/run-on" 2>"$out/run-on.err" || rc=$?
[ "$rc" -eq 69 ] || { cat "$out/run-on.err"; fail "run with refused user namespaces exited $rc, not 69"; }
assert_contains "$out/run-on.err" "FAIL  namespaces: unprivileged user namespaces are refused"
if grep -q SUMMARY "$out/run-on"; then fail "the probe started although the namespaces were refused"; fi

# sandbox = reduced: a loud WARN, and the old box runs.
# A host that allows user namespaces but refuses network namespaces: the
# holder makes user and mount, answers, and is refused the rest while the
# box child builds its root; the box child then fails on its second answer
# and run says which step, exit 77 (EPERM), no QEMU.
rc=0
as_user timeout 60 "$NOUS" --netns "$VL" run "$conf/nus-on.conf" >"$out/run-nonet" 2>"$out/run-nonet.err" || rc=$?
[ "$rc" -eq 77 ] || { cat "$out/run-nonet.err"; fail "run with refused network namespaces exited $rc, not 77"; }
assert_contains "$out/run-nonet.err" "cannot confine QEMU (namespaces): Operation not permitted; not starting it"
if grep -q SUMMARY "$out/run-nonet"; then fail "the probe started although its network namespace was refused"; fi
# and without the refusal the same profile starts the probe in its box
rc=0
as_user timeout 60 "$VL" run "$conf/nus-on.conf" >"$out/run-ok" 2>"$out/run-ok.err" || rc=$?
assert_contains "$out/run-ok" "SUMMARY"
assert_eq 0 "$rc" "run of the same profile with network namespaces allowed"
echo "network namespace refused: $(grep -h 'cannot confine' "$out/run-nonet.err")"

rc=0
as_user "$NOUS" "$VL" check "$conf/nus-reduced.conf" >"$out/check-red" 2>&1 || rc=$?
assert_contains "$out/check-red" "WARN  namespaces: *** sandbox = reduced: unprivileged user namespaces are refused, QEMU runs in the box WITHOUT namespaces"
assert_contains "$out/check-red" "Not stopped: pathname unix sockets stay reachable with connect()"
assert_eq 0 "$rc" "check exit status, sandbox = reduced"
rc=0
as_user timeout 60 "$NOUS" "$VL" run "$conf/nus-reduced.conf" >"$out/run-red" 2>"$out/run-red.err" || rc=$?
assert_contains "$out/run-red.err" "*** sandbox = reduced"
assert_contains "$out/run-red" "SUMMARY"
assert_contains "$out/run-red" "STATUS NoNewPrivs:	1"
assert_contains "$out/run-red" "STATUS Seccomp:	2"
for c in CapInh CapPrm CapEff CapAmb; do
	assert_contains "$out/run-red" "STATUS $c:	0000000000000000"
done
assert_contains "$out/run-red" "DENIED mount: killed by SYS"

# The box itself: box_spawn's clone is refused, nothing runs.
rc=0
as_user "$NOUS" "$BOXRUN" -- /bin/true >"$out/boxrun" 2>&1 || rc=$?
assert_eq 77 "$rc" "sandbox-boxrun exit status with refused user namespaces"
assert_contains "$out/boxrun" "sandbox-boxrun: box: Operation not permitted"
echo "no-userns: check --host and check FAIL with the fix, run refuses (69); a refused network namespace alone stops run (77); sandbox = reduced WARNs and runs the box without namespaces"
