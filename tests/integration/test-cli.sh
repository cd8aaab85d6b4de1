#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The subcommands' exit codes and output, as an unprivileged user
# (tests/lib.sh as_user), and the single-instance lock with a real QEMU:
# a second `run` is refused while the first VM runs, and works again once
# it is gone. Exit codes are those of vfio-launch(1).
. "$(dirname "$0")/../lib.sh"

[ -x "$VL" ] || skip "build/vfio-launch is not built"
user_setup
CONF="$USER_TMP/home/.config/vfio-launch"
mkdir -p "$CONF"
OUT="$USER_TMP/out" ERR="$USER_TMP/err"

# expect CODE CMD...: runs vfio-launch as the test user, stdout in $OUT,
# stderr in $ERR, and checks the exit code.
expect() {
	want=$1
	shift
	set +e
	as_user "$VL" "$@" >"$OUT" 2>"$ERR"
	got=$?
	set -e
	[ "$got" -eq "$want" ] || {
		echo "--- stdout:"; cat "$OUT"; echo "--- stderr:"; cat "$ERR"
		fail "vfio-launch $*: exit $got, expected $want"
	}
}

# The profiles, readable by the test user.
printf 'not a kernel, but readable\n' >"$USER_TMP/kernel"
cat >"$CONF/tcg.conf" <<EOF
[vm]
memory = 64M
accel = auto
kernel = $USER_TMP/kernel
EOF
cat >"$CONF/broken.conf" <<'EOF'
[vm]
memory = 64M

[pci]
devcie = 0000:01:00.0
EOF
cat >"$CONF/nokernel.conf" <<EOF
[vm]
accel = tcg
kernel = $USER_TMP/no-such-kernel
EOF
# QEMU's ide-hd cannot be read-only: the parser says so, with the line.
cat >"$CONF/rosata.conf" <<'EOF2'
[vm]
accel = tcg
[disk d]
path = /var/lib/vm/d.img
interface = sata
readonly = yes
EOF2
# Parses, but 16 PCI slots do not fit the 15 root ports: no argv for it.
{
	printf '[vm]\naccel = tcg\n[pci]\n'
	for bus in 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10; do
		printf 'device = 0000:%s:00.0\n' "$bus"
	done
} >"$CONF/slots.conf"
# Boots nothing (SeaBIOS finds no disk), which is all the lock test needs.
cat >"$CONF/tiny.conf" <<'EOF'
[vm]
name = tiny
memory = 64M
accel = tcg
EOF
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home" "$USER_TMP/kernel"

# ---- global options
expect 0 --help
assert_contains "$OUT" "Usage: vfio-launch"
expect 0 --version
assert_contains "$OUT" "vfio-launch 0."
expect 64
expect 64 frobnicate
assert_contains "$ERR" "unknown command 'frobnicate'"
expect 64 --frobnicate

# ---- --help of each subcommand, and bad usage
for cmd in run check cmdline list; do
	expect 0 "$cmd" --help
	assert_contains "$OUT" "Usage: vfio-launch $cmd"
	expect 0 "$cmd" --version
	assert_contains "$OUT" "vfio-launch 0."
	expect 64 "$cmd" --no-such-option
done
expect 64 cmdline
expect 64 run
expect 64 cmdline tcg tcg
expect 64 check --host tcg
expect 64 list extra
# a name that is neither a valid VM name nor a path
expect 64 cmdline 'a b'

# ---- bad and missing profiles
expect 78 cmdline broken
assert_contains "$ERR" "$CONF/broken.conf:5: "
assert_contains "$ERR" "devcie"
expect 78 check broken
expect 78 run broken
expect 78 run --dry-run "$CONF/broken.conf"
expect 66 cmdline no-such-vm
assert_contains "$ERR" "no profile named 'no-such-vm'"
expect 66 check "$USER_TMP/none.conf"
assert_contains "$ERR" "$USER_TMP/none.conf does not exist"
expect 66 run no-such-vm
# a combination QEMU cannot do: a configuration error at its line
expect 78 cmdline rosata
assert_contains "$ERR" "$CONF/rosata.conf:6: [disk d]: a read-only disk cannot use interface = sata"
expect 78 check rosata
# a profile that parses but cannot be rendered
expect 78 cmdline slots
assert_contains "$ERR" "$CONF/slots.conf: [pci] devices must be distinct BDFs on at most 15 physical slots"
expect 78 run --dry-run slots
expect 1 check slots
assert_contains "$OUT" "FAIL  profile: $CONF/slots.conf: [pci] devices must be"

# ---- cmdline: the argv, no probing
expect 0 cmdline tcg
first=$(head -n 1 "$OUT")
assert_eq qemu-system-x86_64 "$first" "argv[0]"
assert_contains "$OUT" "-nodefaults"
assert_contains "$OUT" "socket,id=qmp-user,fd=4,server=on,wait=off"
[ ! -e "$USER_TMP/run/vfio-launch" ] || fail "cmdline created files"

# ---- no $XDG_RUNTIME_DIR: no safe place for the QMP socket
set +e
as_user env -u XDG_RUNTIME_DIR "$VL" cmdline tcg >"$OUT" 2>"$ERR"
rc=$?
set -e
assert_eq 78 "$rc" "cmdline without XDG_RUNTIME_DIR"
assert_contains "$ERR" "XDG_RUNTIME_DIR"

# ---- every example profile renders
for f in "$TOP_SRCDIR"/profiles/*.conf; do
	cp "$f" "$USER_TMP/example.conf"
	chmod 0644 "$USER_TMP/example.conf"
	expect 0 cmdline "$USER_TMP/example.conf"
	assert_contains "$OUT" "-nodefaults"
done

# ---- check: TCG fallback is a WARN, not a FAIL
expect 0 check tcg
assert_contains "$OUT" "PASS  qemu: "
assert_contains "$OUT" "PASS  kernel: $USER_TMP/kernel is readable"
if as_user test -r /dev/kvm -a -w /dev/kvm; then
	assert_contains "$OUT" "accel: "
else
	assert_contains "$OUT" "WARN  accel: /dev/kvm is not usable"
	assert_contains "$OUT" "falling back to TCG"
	assert_contains "$OUT" "fix: add yourself to group kvm"
fi
expect 1 check nokernel
assert_contains "$OUT" "FAIL  kernel: $USER_TMP/no-such-kernel: No such file or directory"
assert_contains "$OUT" "0 WARN, 1 FAIL"
# The host checks depend on this machine: exit 1 exactly when a line FAILs.
for args in "check --host" "check"; do
	set +e
	as_user "$VL" $args >"$OUT" 2>"$ERR"
	got=$?
	set -e
	assert_contains "$OUT" "  kvm: "
	assert_contains "$OUT" "  iommu: "
	assert_contains "$OUT" "  hugepages: "
	if grep -q '^FAIL' "$OUT"; then want=1; else want=0; fi
	[ "$got" -eq "$want" ] || fail "vfio-launch $args: exit $got, expected $want"
done

# ---- run refuses on FAIL, and leaves nothing behind
expect 69 run nokernel
assert_contains "$ERR" "FAIL  kernel: "
assert_contains "$ERR" "refusing to start VM nokernel"
[ ! -s "$OUT" ] || fail "run printed to stdout before refusing"
[ -z "$(ls -A "$USER_TMP/run")" ] || fail "a refused run left files: $(ls -R "$USER_TMP/run")"

# ---- run refuses a runtime dir others can enter (77), and touches nothing
as_user mkdir -m 0755 "$USER_TMP/run/vfio-launch"
as_user chmod 0755 "$USER_TMP/run/vfio-launch"
expect 77 run tiny
assert_contains "$ERR" "$USER_TMP/run/vfio-launch exists but is not a private directory"
[ -z "$(ls -A "$USER_TMP/run/vfio-launch")" ] || fail "run created files in a refused dir"
rmdir "$USER_TMP/run/vfio-launch"

# ---- run --dry-run: the argv, no files
expect 0 run --dry-run tcg
assert_contains "$OUT" "/qemu-system-x86_64"
assert_contains "$OUT" "-kernel"
[ -z "$(ls -A "$USER_TMP/run")" ] || fail "--dry-run left files: $(ls -R "$USER_TMP/run")"
[ ! -e "$USER_TMP/home/.local/state/vfio-launch" ] || fail "--dry-run created the state dir"
expect 0 run --dry-run --paused tcg
assert_contains "$OUT" "-S"

# ---- list
expect 0 list
assert_contains "$OUT" "tcg "
assert_contains "$OUT" "tiny "
grep -E '^broken +invalid ' "$OUT" >/dev/null || fail "list does not mark broken.conf invalid"

# ---- single instance, with a real QEMU beside the supervisor holding the lock
command -v qemu-system-x86_64 >/dev/null 2>&1 || { echo "SKIP: single-instance part needs qemu-system-x86_64"; exit 0; }
sock="$USER_TMP/run/vfio-launch/tiny/qmp.sock"
wait_for_socket() {
	i=0
	while [ ! -S "$sock" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || { cat "$USER_TMP/vm.log"; fail "QEMU did not create $sock"; }
		kill -0 "$1" 2>/dev/null || { cat "$USER_TMP/vm.log"; fail "the VM exited early"; }
		sleep 0.1
	done
}
# as_user, but as one command the background job execs (a shell function
# would leave a subshell between us and the supervisor, hiding its PID).
start_vm() {
	env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME="$USER_TMP/home" XDG_RUNTIME_DIR="$USER_TMP/run" \
		XDG_CONFIG_HOME="$USER_TMP/home/.config" \
		XDG_STATE_HOME="$USER_TMP/home/.local/state" LANG=C.UTF-8 \
		setpriv --reuid="$TEST_UID" --regid="$TEST_GID" --clear-groups -- \
		"$VL" run --paused tiny >"$USER_TMP/vm.log" 2>&1 </dev/null &
	vm=$!
}
stop_vm() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

start_vm
trap 'kill $vm 2>/dev/null || true; rm -rf "$USER_TMP"' EXIT
wait_for_socket "$vm"
# The launcher stays as the supervisor (env and setpriv exec), QEMU is its
# child.
exe=$(readlink "/proc/$vm/exe")
case "$exe" in */vfio-launch) ;; *) fail "PID $vm is $exe, not the supervisor" ;; esac
i=0
until [ -n "$(pgrep -P "$vm" -x qemu-system-x86)" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "no QEMU child of the supervisor $vm"
	sleep 0.1
done
stat -c '%a %U' "$USER_TMP/run/vfio-launch/tiny" | grep -q '^700 ' ||
	fail "runtime dir mode: $(stat -c '%a %U' "$USER_TMP/run/vfio-launch/tiny")"

expect 69 run tiny
assert_contains "$ERR" "VM tiny is already running"
kill -0 "$vm" || fail "the refused run disturbed the running VM"
expect 0 list
# run --paused: the supervisor says paused (starting until QMP answered)
grep -E '^tiny +(paused|starting) +[0-9]+ ' "$OUT" >/dev/null || fail "list does not show tiny paused with its PID"

stop_vm "$vm"
# However QEMU ended (here: SIGTERM), the kernel released the lock.
rm -f "$sock"
start_vm
wait_for_socket "$vm"
kill -0 "$vm" || fail "second run after the first ended did not start"
expect 69 run tiny
# SIGKILL of the supervisor: nothing gets a chance to clean up (QEMU dies
# with it, PR_SET_PDEATHSIG); the kernel still drops the lock.
kill -KILL "$vm"
wait "$vm" 2>/dev/null || true
rm -f "$sock"
start_vm
wait_for_socket "$vm"
kill -0 "$vm" || fail "run after a SIGKILLed QEMU did not start"
stop_vm "$vm"
echo "cli: all exit codes as documented; single-instance lock held by the supervisor and released on SIGTERM and SIGKILL"
