#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The sandbox probe (tests/sandbox/probe.c) run in QEMU's place, as the
# unprivileged test uid, twice: without the box (sandbox = off: the
# baseline, showing which operations the host itself would allow) and with
# it. Asserts that in the box every operation is denied, that the ones the
# host allows are denied by the box, the kill-class ones by SIGSYS, and
# that the disk, the ivshmem file and the runtime dir stay usable.
#
# It runs through `vfio-launch run` with a profile naming
# [qemu] binary = the probe, once the run pipeline exists; until then (or
# with VL_PROBE_DRIVER=boxrun) through build/tests/sandbox-boxrun, which
# applies the very same sandbox_policy_build + sandbox_apply.
. "$(dirname "$0")/../lib.sh"

PROBE="$BUILD_DIR/tests/sandbox-probe"
BOXRUN="$BUILD_DIR/tests/sandbox-boxrun"
[ -x "$PROBE" ] && [ -x "$BOXRUN" ] || skip "build the probe first (make tests)"
user_setup
need_tool socat
H="$USER_TMP/home"
shm=$(mktemp /dev/shm/vl-probe.XXXXXX)
pids=""
# SIGKILL: the probe's ptrace op (run outside the box) leaves the victim
# stopped, and a stopped process never acts on SIGTERM.
trap 'for p in $pids; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$USER_TMP" "$shm"' EXIT

# The user's secrets and files the box must protect, and a char device
# (/dev/null's numbers) the profile does not name.
mkdir -p "$H/.ssh" "$H/vm" "$H/.config/vfio-launch"
echo "PRIVATE KEY (test)" >"$H/.ssh/id_ed25519"
chmod 0600 "$H/.ssh/id_ed25519"
echo "# bashrc" >"$H/.bashrc"
mknod -m 0666 "$H/probe-null" c 1 3
disk="$H/vm/disk.img"
truncate -s 1M "$disk"
truncate -s 2M "$shm"
chmod 0600 "$shm" "$disk"
chown -R "$TEST_UID:$TEST_GID" "$H" "$shm"

# Outside the box, as the same user: a process, an abstract unix socket
# and a TCP port the probe tries to reach.
# (as_user is a shell function: started with &, $! would be the
# subshell, so each records its own pid before exec.)
bg_user() { # PIDFILE COMMAND...
	_bg_pidfile=$1
	shift
	as_user sh -c 'echo $$ >"$0"; exec "$@"' "$_bg_pidfile" "$@" </dev/null >/dev/null 2>&1 &
}
pf="$USER_TMP/pids"
mkdir -p "$pf"
chmod 0777 "$pf"
abstract="vl-probe-$$"
port=$((20000 + $$ % 20000))
bg_user "$pf/victim" sleep 120
bg_user "$pf/abstract" socat "ABSTRACT-LISTEN:$abstract,fork" /dev/null
bg_user "$pf/tcp" socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" /dev/null
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -s "$pf/victim" ] && [ -s "$pf/abstract" ] && [ -s "$pf/tcp" ] && break
	sleep 0.2
done
victim=$(cat "$pf/victim")
pids="$victim $(cat "$pf/abstract") $(cat "$pf/tcp")"
sleep 0.5
printf 'vfio-probe victim=%d abstract=%s tcp=%d\n' "$victim" "$abstract" "$port" |
	dd of="$disk" conv=notrunc status=none

rt="$USER_TMP/run/vfio-launch/probe"
out="$USER_TMP/out"
mkdir -p "$out"

use_run=0
if [ "${VL_PROBE_DRIVER:-}" != boxrun ] && ! "$VL" run --help 2>&1 | grep -q 'not built yet'; then
	use_run=1
fi

run_probe() { # MODE OUTFILE
	if [ $use_run -eq 1 ]; then
		cat >"$H/.config/vfio-launch/probe-$1.conf" <<EOC
[vm]
name = probe
memory = 64M
sandbox = $1
# binary = and sandbox = off widen the box: consent (trust.h)
trusted = yes

[disk system]
path = $disk
format = raw

[looking-glass]
path = $shm
size = 2M

[qemu]
binary = $PROBE
EOC
		chown -R "$TEST_UID:$TEST_GID" "$H/.config"
		as_user timeout 60 "$VL" run "$H/.config/vfio-launch/probe-$1.conf" >"$2" 2>"$2.err" || true
	else
		mkdir -p "$rt"
		chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/run"
		chmod 0700 "$rt"
		as_user timeout 60 "$BOXRUN" --mode "$1" --rw "$disk" --rw "$shm" --runtime "$rt" -- \
			"$PROBE" -drive "file=$disk,format=raw,if=virtio" \
			-object "memory-backend-file,id=shm,mem-path=$shm,size=2M,share=on" \
			-qmp "unix:$rt/qmp.sock,server=on,wait=off" >"$2" 2>"$2.err" || true
	fi
	echo "--- probe, sandbox = $1:"
	cat "$2" "$2.err"
	grep -q '^SUMMARY' "$2" || fail "the probe did not finish (sandbox = $1)"
}

[ $use_run -eq 1 ] && echo "via: vfio-launch run" || echo "via: sandbox-boxrun (vfio-launch run not built)"
run_probe off "$out/base"
rm -f "$H/probe-created"
run_probe on "$out/box"

# ---- the box: everything denied, what the profile names usable
ops=$(sed -n 's/^SUMMARY ops=\([0-9]*\).*/\1/p' "$out/box")
[ "$ops" -ge 40 ] || fail "only $ops operations probed"
if grep '^ALLOWED' "$out/box"; then fail "the box allowed the operations above"; fi
if grep '^UNUSABLE' "$out/box"; then fail "the box broke what the profile names"; fi
if grep '^ERROR' "$out/box"; then fail "probe errors"; fi
denied=$(grep -c '^DENIED' "$out/box")
assert_eq "$ops" "$denied" "denied operations"
# The runtime dir only with the driver: under run, QEMU gets its sockets
# as descriptors and no path to the runtime dir (the lock lives there).
usable="disk ivshmem thread dev-null dev-urandom usr-share-qemu"
[ $use_run -eq 1 ] || usable="$usable runtime-dir"
for u in $usable; do
	grep -qx "USABLE $u" "$out/box" || fail "$u not usable in the box"
done
assert_contains "$out/box" "STATUS NoNewPrivs:	1"
assert_contains "$out/box" "STATUS Seccomp:	2"
for c in CapInh CapPrm CapEff CapAmb; do
	assert_contains "$out/box" "STATUS $c:	0000000000000000"
done
assert_contains "$out/box" "STATUS RLIMIT_CORE: 0"
# Only the supervisor's sockets are handed on (vfio-launch run: QMP, the
# user's QMP socket, the serial console; none with the driver), never the
# single-instance lock.
if grep '^STATUS open-fd' "$out/box" | grep -v -- '-> socket:\[[0-9]*\]$'; then
	fail "descriptors leaked into the box"
fi

# The kill-class rules: the process dies by SIGSYS, not a mere errno.
for op in mount pivot_root chroot init_module kexec_load ptrace-traceme \
	process_vm_readv setns iopl open_by_handle_at ioctl-TIOCSTI \
	ioctl-TIOCSTI-high-bits ioctl-TIOCLINUX x32-syscall int80-syscall; do
	grep -qx "DENIED $op: killed by SYS" "$out/box" || fail "$op not killed by the filter"
done
assert_contains "$out/box" "DENIED clone3-newuser: ENOSYS"

# ---- the baseline: what the host allows this user, so that the box (and
# not the host) is what denies it above.
if grep -q '^DENIED read-ssh-key' "$out/base"; then fail "baseline broken: cannot read the planted key"; fi
must_allow="read-ssh-key write-bashrc create-in-home list-home write-tmp open-dev-ptmx
open-planted-char-dev read-victim-environ signal-victim abstract-unix-connect tcp-connect
tcp-bind setuid-self setgid-self setresuid setresgid keyctl add_key personality-linux32
personality-no-randomize adjtimex clock_adjtime name_to_handle_at ptrace-traceme
process_vm_readv process_vm_writev kcmp"
for op in $must_allow; do
	grep -qx "ALLOWED $op: succeeded" "$out/base" || fail "baseline: $op should succeed without the box"
done
if as_user unshare -U true 2>/dev/null; then
	for op in unshare-user clone-newuser clone3-newuser; do
		grep -qx "ALLOWED $op: succeeded" "$out/base" || fail "baseline: $op should succeed"
	done
fi
base_allowed=$(grep -c '^ALLOWED' "$out/base")
echo "probe: $ops operations; in the box all denied; $base_allowed of them succeed without it"
