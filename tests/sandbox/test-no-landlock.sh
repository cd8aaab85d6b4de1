#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A kernel without Landlock, as the unprivileged test uid: under
# build/tests/sandbox-nolandlock the three Landlock syscalls fail with
# ENOSYS (not built in) or EOPNOTSUPP (not enabled at boot), exactly as
# such a kernel answers. Then, through the real launcher:
#  - `check --host` WARNs on the landlock line with that kernel's fix;
#  - sandbox = on: `check` WARNs, `run` WARNs and starts QEMU (here the
#    sandbox probe) with the rest of the box (seccomp kills, no
#    capabilities, no_new_privs), and the files Landlock would have
#    denied are reachable (which shows Landlock really was absent);
#  - sandbox = strict: `check` FAILs, `run` refuses with 69
#    (EX_UNAVAILABLE) and QEMU never starts.
. "$(dirname "$0")/../lib.sh"

PROBE="$BUILD_DIR/tests/sandbox-probe"
NOLL="$BUILD_DIR/tests/sandbox-nolandlock"
[ -x "$PROBE" ] && [ -x "$NOLL" ] || skip "build the test programs first (make tests)"
user_setup
H="$USER_TMP/home"
mkdir -p "$H/.ssh" "$H/.config/vfio-launch"
echo "PRIVATE KEY (test)" >"$H/.ssh/id_ed25519"
chmod 0600 "$H/.ssh/id_ed25519"
for mode in on strict; do
	cat >"$H/.config/vfio-launch/nll-$mode.conf" <<EOC
[vm]
name = nll-$mode
memory = 64M
sandbox = $mode
# binary = widens the box: consent (trust.h)
trusted = yes

[qemu]
binary = $PROBE
EOC
done
chown -R "$TEST_UID:$TEST_GID" "$H"
out="$USER_TMP/out"
mkdir -p "$out"
conf="$H/.config/vfio-launch"

for err in ENOSYS EOPNOTSUPP; do
	case $err in
	ENOSYS) fix="this kernel is built without Landlock: boot a kernel with CONFIG_SECURITY_LANDLOCK=y" ;;
	*) fix="Landlock is built in but not enabled: add landlock to the lsm= kernel parameter" ;;
	esac
	echo "--- Landlock syscalls answer $err"

	as_user "$NOLL" "$err" "$VL" check --host >"$out/host" 2>&1 || true
	assert_contains "$out/host" "WARN  landlock: not available"
	assert_contains "$out/host" "fix: $fix"

	# sandbox = on: WARN, and QEMU starts in the rest of the box.
	rc=0
	as_user "$NOLL" "$err" "$VL" check "$conf/nll-on.conf" >"$out/check-on" 2>&1 || rc=$?
	assert_contains "$out/check-on" "WARN  sandbox: the kernel offers no Landlock"
	assert_contains "$out/check-on" "fix: $fix"
	grep -q '^FAIL' "$out/check-on" && { cat "$out/check-on"; fail "check FAILs with sandbox = on"; }
	assert_eq 0 "$rc" "check exit status, sandbox = on"
	rc=0
	as_user timeout 60 "$NOLL" "$err" "$VL" run "$conf/nll-on.conf" >"$out/run-on" \
		2>"$out/run-on.err" || rc=$?
	assert_contains "$out/run-on.err" "WARN  sandbox: the kernel offers no Landlock: QEMU would not be confined"
	assert_contains "$out/run-on.err" "fix: $fix"
	assert_contains "$out/run-on" "SUMMARY"
	assert_contains "$out/run-on" "STATUS NoNewPrivs:	1"
	assert_contains "$out/run-on" "STATUS Seccomp:	2"
	for c in CapInh CapPrm CapEff CapAmb; do
		assert_contains "$out/run-on" "STATUS $c:	0000000000000000"
	done
	assert_contains "$out/run-on" "DENIED mount: killed by SYS"
	assert_contains "$out/run-on" "DENIED ioctl-TIOCSTI: killed by SYS"
	# no Landlock: the user's key is still out of reach, because the box's
	# new root (run starts QEMU through box_spawn) holds no $HOME at all:
	# ENOENT, where Landlock would say EACCES (tests/sandbox/test-probe.sh)
	assert_contains "$out/run-on" "DENIED read-ssh-key: ENOENT"

	# sandbox = strict: refused before QEMU.
	rc=0
	as_user "$NOLL" "$err" "$VL" check "$conf/nll-strict.conf" >"$out/check-strict" 2>&1 || rc=$?
	assert_contains "$out/check-strict" "FAIL  sandbox: the kernel offers no Landlock and sandbox = strict: run would not start QEMU"
	assert_contains "$out/check-strict" "fix: $fix"
	assert_eq 1 "$rc" "check exit status, sandbox = strict"
	rc=0
	as_user timeout 60 "$NOLL" "$err" "$VL" run "$conf/nll-strict.conf" >"$out/run-strict" \
		2>"$out/run-strict.err" || rc=$?
	[ "$rc" -eq 69 ] || { cat "$out/run-strict.err"; fail "run with sandbox = strict and no Landlock exited $rc, not 69 (EX_UNAVAILABLE)"; }
	assert_contains "$out/run-strict.err" "sandbox: the kernel offers no Landlock and sandbox = strict"
	if grep -q SUMMARY "$out/run-strict"; then fail "QEMU (the probe) started under sandbox = strict"; fi
done

# Control: on this kernel, without the wrapper, Landlock is there and
# denies the key (so the ALLOWED above is the wrapper's doing).
as_user "$VL" check --host >"$out/host-real" 2>&1 || true
if grep -q "PASS  landlock: ABI" "$out/host-real"; then
	as_user timeout 60 "$VL" run "$conf/nll-strict.conf" >"$out/run-real" 2>"$out/run-real.err" || true
	assert_contains "$out/run-real" "SUMMARY"
	assert_contains "$out/run-real" "DENIED read-ssh-key"
	echo "no-landlock: ENOSYS and EOPNOTSUPP both WARN (on) and refuse (strict); the real kernel's Landlock denies the key"
else
	echo "no-landlock: ENOSYS and EOPNOTSUPP both WARN (on) and refuse (strict); this kernel has no Landlock, control not run"
fi
