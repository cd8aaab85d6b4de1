#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# [vm] tpm = yes (with secure-boot = yes) through the supervisor, as the
# unprivileged test uid under TCG:
#  - check names swtpm and its version;
#  - start --paused: QMP query-tpm shows a tpm-crb device with the
#    emulator backend; the TPM state was made (swtpm_setup) in
#    $XDG_STATE_HOME/vfio-launch/NAME/tpm;
#  - swtpm runs in its own box: Seccomp 2 with two filters (ours and its
#    own --seccomp), a user and a network namespace other than the
#    supervisor's, a root that shows its state dir but not the profile
#    next to it (which the supervisor, outside, reads);
#  - stop: swtpm is gone with QEMU;
#  - a second start reuses the state (the same directory, not made
#    again), and its swtpm is gone after stop too.
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"

need_root
need_tool setpriv
need_tool qemu-system-x86_64
need_tool swtpm
need_tool swtpm_setup
need_tool python3
[ -x "$VL" ] || fail "$VL is missing: run 'make'"
for f in OVMF_CODE_4M.ms.fd OVMF_VARS_4M.ms.fd; do
	[ -r "/usr/share/OVMF/$f" ] || skip "needs /usr/share/OVMF/$f (Debian package ovmf)"
done
user_setup
spid=
trap '[ -z "$spid" ] || kill -KILL "$spid" 2>/dev/null; rm -rf "$USER_TMP"' EXIT

conf=$USER_TMP/home/tp.conf
printf '%s\n' "[vm]" "name = tp" "memory = 256M" "accel = tcg" "firmware = uefi" \
	"secure-boot = yes" "tpm = yes" >"$conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
state=$USER_TMP/home/.local/state/vfio-launch/tp/tpm

# PID has exited: no such process, or a zombie. Checked once, right after
# stop returned: stop waits for the supervisor's exit, and the supervisor
# exits after reaping QEMU and then swtpm (supervisor/helpers.c).
gone() {
	st=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null) || true
	[ -z "$st" ] || [ "$st" = Z ]
}

# start --paused, query-tpm, swtpm's box; sets spid and tpid (swtpm).
start_and_inspect() {
	rc=0
	as_user "$VL" start --paused "$conf" >"$USER_TMP/start" 2>&1 </dev/null || rc=$?
	cat "$USER_TMP/start"
	[ "$rc" -eq 0 ] || fail "start exited $rc"
	spid=$(sed -n 's/.*supervisor pid \([0-9]*\),.*/\1/p' "$USER_TMP/start")
	as_user "$VL" qmp "$conf" '{"execute":"query-tpm"}' >"$USER_TMP/tpm.json" 2>&1 ||
		{ cat "$USER_TMP/tpm.json"; fail "qmp query-tpm failed"; }
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["return"]
assert len(r) == 1, r
assert r[0]["model"] == "tpm-crb", r
assert r[0]["options"]["type"] == "emulator", r
print("query-tpm:", r[0]["id"], r[0]["model"], r[0]["options"]["type"])
' "$USER_TMP/tpm.json" || { cat "$USER_TMP/tpm.json"; fail "query-tpm shows no tpm-crb with an emulator backend"; }

	tpid=$(pgrep -P "$spid" -x swtpm) || fail "no swtpm child of the supervisor ($spid)"
	echo "swtpm: pid $tpid: $(tr '\0' ' ' <"/proc/$tpid/cmdline")"
	assert_eq 2 "$(awk '/^Seccomp:/ {print $2}' "/proc/$tpid/status")" "swtpm's Seccomp mode"
	nf=$(awk '/^Seccomp_filters:/ {print $2}' "/proc/$tpid/status")
	[ "$nf" -ge 2 ] || fail "swtpm has $nf seccomp filter(s): ours and its own --seccomp expected"
	for ns in user net mnt; do
		a=$(readlink "/proc/$tpid/ns/$ns") b=$(readlink "/proc/$spid/ns/$ns")
		[ "$a" != "$b" ] || fail "swtpm shares the supervisor's $ns namespace ($a)"
		echo "swtpm's $ns namespace $a, the supervisor's $b"
	done
	# Its root: the state dir, not the profile beside it (readable by
	# the supervisor, which runs outside any box).
	[ -f "/proc/$tpid/root$state/tpm2-00.permall" ] || fail "swtpm's box does not show its state"
	[ -r "/proc/$spid/root$conf" ] || fail "the supervisor cannot see $conf"
	[ ! -e "/proc/$tpid/root$conf" ] || fail "swtpm's box shows the profile $conf"
	[ ! -e "/proc/$tpid/root$USER_TMP/home/.local/state/vfio-launch/tp/OVMF_VARS.fd" ] ||
		fail "swtpm's box shows the VM's VARS"
}

stop_vm() {
	rc=0
	as_user "$VL" stop "$conf" >"$USER_TMP/stop" 2>&1 || rc=$?
	cat "$USER_TMP/stop"
	[ "$rc" -eq 0 ] || fail "stop exited $rc"
	gone "$spid" || fail "the supervisor still runs after stop"
	gone "$tpid" || fail "swtpm ($tpid) still runs after stop"
	spid=
}

as_user "$VL" check "$conf" >"$USER_TMP/check" 2>&1 || { cat "$USER_TMP/check"; fail "check FAILed"; }
grep -E "^PASS  tpm: TPM 2.0 \(tpm-crb\) from /[^ ]*/swtpm [0-9]+\.[0-9]+" "$USER_TMP/check" ||
	{ cat "$USER_TMP/check"; fail "check does not report swtpm's version"; }
assert_contains "$USER_TMP/check" "state: made in $state on the first run"

# ---- first run: the state is made
[ ! -e "$state" ] || fail "$state exists before the first run"
start_and_inspect
ls -la "$state"
[ -f "$state/tpm2-00.permall" ] || fail "swtpm_setup made no TPM state in $state"
ino=$(stat -c %i "$state")
ls -a "$state/.." | grep -q '^\.tpm\..*\.new$' && fail "a temporary state dir was left behind"
stop_vm

# ---- second run: the same state
assert_contains "$USER_TMP/home/.local/state/vfio-launch/tp/log" "QEMU (pid"
as_user "$VL" check "$conf" >"$USER_TMP/check" 2>&1 || { cat "$USER_TMP/check"; fail "check FAILed"; }
assert_contains "$USER_TMP/check" "state: $state (kept across runs)"
start_and_inspect
assert_eq "$ino" "$(stat -c %i "$state")" "the state dir's inode (reused, not made again)"
stop_vm
echo "PASS: TPM 2.0 from swtpm in its own box, state kept across runs"
