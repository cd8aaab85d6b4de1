#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden test of QEMU's seccomp filter as `vfio-launch seccomp` prints it
# (libseccomp's pseudo filter code): a change to the filter is a visible
# diff in tests/data/seccomp.pfc. The text depends on libseccomp's version
# (layout of the binary tree, comments): the golden file is what Debian
# 12's libseccomp 2.5.4 prints; with another version the test skips.
# Regenerate after an intended change: REGENERATE=1 tests/sandbox/test-seccomp-golden.sh
. "$(dirname "$0")/../lib.sh"

golden="$TOP_SRCDIR/tests/data/seccomp.pfc"
[ -x "$VL" ] || fail "$VL is missing: run 'make'"
ver=$(pkg-config --modversion libseccomp 2>/dev/null || echo unknown)
out=$(mktemp /tmp/vl-seccomp.XXXXXX)
trap 'rm -f "$out" "$out.dyn"' EXIT
"$VL" seccomp >"$out" || fail "vfio-launch seccomp exited with $?"
if [ "${REGENERATE:-0}" = 1 ]; then
	cp "$out" "$golden"
	echo "regenerated $golden with libseccomp $ver"
	exit 0
fi
[ "$ver" = 2.5.4 ] || skip "golden pfc is for libseccomp 2.5.4, this is $ver"
diff -u "$golden" "$out" || fail "the filter differs from $golden (REGENERATE=1 if intended)"
# libseccomp made this text at build time: vfio-launch does not load it
# (issue 15), and --bpf is the program the box loads, 8 bytes an instruction.
readelf -d "$VL" >"$out.dyn" || fail "readelf -d $VL failed"
if grep -q 'NEEDED.*libseccomp' "$out.dyn"; then fail "vfio-launch links libseccomp"; fi
"$VL" seccomp --bpf >"$out.dyn" || fail "vfio-launch seccomp --bpf exited with $?"
n=$(wc -c <"$out.dyn")
rm -f "$out.dyn"
[ "$n" -gt 0 ] && [ $((n % 8)) -eq 0 ] || fail "seccomp --bpf printed $n bytes"
# The golden file itself says what the issue requires.
assert_contains "$golden" "# invalid architecture action"
for sc in mount pivot_root kexec_load bpf ptrace process_vm_readv keyctl perf_event_open \
	userfaultfd personality acct quotactl swapon reboot settimeofday clock_settime \
	adjtimex iopl ioperm open_by_handle_at name_to_handle_at setns unshare clone clone3 \
	setuid setresgid ioctl socket socketpair shmget shmat semget msgget; do
	assert_contains "$golden" "# filter for syscall \"$sc\""
done
# With a profile: the same filter, [network] mode = user included (its
# host sockets are vfio-slirp's, in a box of its own: QEMU gets no
# AF_INET/AF_INET6); a broken profile is refused like `run` refuses it.
"$VL" seccomp "$TOP_SRCDIR/profiles/demo.conf" >"$out" || fail "seccomp demo.conf exited with $?"
diff -q "$golden" "$out" >/dev/null || fail "seccomp demo.conf differs from $golden"
printf '[vm]\nname = t\nmemory = 64M\n[network]\nmode = user\n' >"$out.conf"
"$VL" seccomp "$out.conf" >"$out" || fail "seccomp with mode = user exited with $?"
diff -q "$golden" "$out" >/dev/null || fail "mode = user gives QEMU another filter than $golden"
if grep -q 'if (\$a0.lo32 == 3)' "$out"; then fail "the mode = user filter has per-family inet socket rules"; fi
printf '[vm]\nbogus = 1\n' >"$out.conf"
rc=0
"$VL" seccomp "$out.conf" >/dev/null 2>"$out" || rc=$?
rm -f "$out.conf"
assert_eq 78 "$rc" "exit code for a broken profile"
assert_contains "$out" ":2: unknown key 'bogus'"
echo "seccomp pfc matches $golden ($(grep -c '# filter for syscall' "$golden") syscalls)"
