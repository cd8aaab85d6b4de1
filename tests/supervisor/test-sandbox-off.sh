#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sandbox = off (debugging only) still runs a VM, as the unprivileged test
# uid: the supervisor's sockets handed to QEMU survive its execve without
# the box (they are made O_CLOEXEC and only close_fds cleared that, in the
# box), so QMP answers through the supervisor, QEMU shares the caller's
# user namespace and has no seccomp filter (no box at all), and stop ends
# it. The same VM with the default sandbox runs in its own user namespace
# with Seccomp 2: what differs is the box, not the host. Its namespaces,
# made ahead by a holder child while run checked (box.h box_ns_start),
# are QEMU's alone once it runs: QEMU is PID 1 of its PID namespace and
# the supervisor's child, and no other process on the host is in its user,
# network, mount, IPC, UTS or cgroup namespace (the holder and the joiner
# are gone), while each of those differs from the host's.
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"

need_root
need_tool setpriv
need_tool qemu-system-x86_64
need_tool python3
[ -x "$VL" ] || fail "$VL is missing: run 'make'"
user_setup
spid=
trap '[ -z "$spid" ] || kill -KILL "$spid" 2>/dev/null; rm -rf "$USER_TMP"' EXIT

one() { # SANDBOX: start --paused, QMP through the supervisor, QEMU's box; stop
	conf=$USER_TMP/home/off.conf
	printf '%s\n' "[vm]" "name = off" "memory = 64M" "accel = tcg" "firmware = bios" \
		"sandbox = $1" >"$conf"
	chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
	rc=0
	as_user "$VL" start --paused --trust-profile "$conf" >"$USER_TMP/start" 2>&1 </dev/null || rc=$?
	cat "$USER_TMP/start"
	[ "$rc" -eq 0 ] || fail "start with sandbox = $1 exited $rc"
	spid=$(sed -n 's/.*supervisor pid \([0-9]*\),.*/\1/p' "$USER_TMP/start")
	[ -n "$spid" ] || fail "start printed no supervisor pid"
	as_user "$VL" qmp "$conf" '{"execute":"query-status"}' >"$USER_TMP/status.json" 2>&1 ||
		{ cat "$USER_TMP/status.json"; fail "qmp query-status failed with sandbox = $1"; }
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["return"]; assert r["status"] in ("prelaunch","paused"), r; print("query-status:", r["status"])' \
		"$USER_TMP/status.json" || fail "query-status with sandbox = $1: $(cat "$USER_TMP/status.json")"
	qpid=$(pgrep -P "$spid" -f qemu-system-x86_64) || fail "no QEMU child of the supervisor ($spid)"
	userns=$(readlink "/proc/$qpid/ns/user")
	seccomp=$(awk '/^Seccomp:/ {print $2}' "/proc/$qpid/status")
	nspid=$(awk '/^NSpid:/ {print $NF}' "/proc/$qpid/status")
	# mount point and per-mount options of QEMU's root, one line each
	awk '{ print $5, $6 }' "/proc/$qpid/mountinfo" >"$USER_TMP/mounts.$1"
	sharers= hostlike=
	for ns in user net mnt ipc uts cgroup; do
		mine=$(readlink "/proc/$qpid/ns/$ns")
		[ "$mine" != "$(readlink "/proc/self/ns/$ns")" ] || hostlike="$hostlike $ns"
		for d in /proc/[0-9]*; do
			[ "${d#/proc/}" != "$qpid" ] || continue
			[ "$(readlink "$d/ns/$ns" 2>/dev/null)" != "$mine" ] ||
				sharers="$sharers $ns:${d#/proc/}($(cat "$d/comm" 2>/dev/null))"
		done
	done
	echo "sandbox = $1: QEMU pid $qpid, $userns (the supervisor's $(readlink "/proc/$spid/ns/user")), Seccomp $seccomp"
	as_user "$VL" stop --force "$conf" >"$USER_TMP/stop" 2>&1 || { cat "$USER_TMP/stop"; fail "stop --force failed"; }
	! kill -0 "$qpid" 2>/dev/null || fail "QEMU ($qpid) still runs after stop"
	spid=
}

one off
assert_eq " user net mnt ipc uts cgroup" "$hostlike" "the host's namespaces QEMU shares with sandbox = off"
[ "$userns" = "$(readlink /proc/self/ns/user)" ] || fail "sandbox = off: QEMU is in a user namespace of its own"
assert_eq 0 "$seccomp" "QEMU's Seccomp mode with sandbox = off"
one on
[ "$userns" != "$(readlink /proc/self/ns/user)" ] || fail "sandbox = on: QEMU shares the host's user namespace"
assert_eq 2 "$seccomp" "QEMU's Seccomp mode with sandbox = on"
assert_eq 1 "$nspid" "QEMU's PID in its own PID namespace"
[ -z "$sharers" ] || fail "processes besides QEMU in its namespaces:$sharers"
[ -z "$hostlike" ] || fail "sandbox = on: QEMU shares the host's namespaces:$hostlike"
# The root's flags (mount.c, built in the mount namespace made ahead by
# the holder; the others joined after): read-only root, libraries
# executable but read-only, configuration not executable, /tmp writable,
# devices and /proc not executable; nothing of the host's root above.
mopt() { awk -v m="$1" '$1 == m { print $2 }' "$USER_TMP/mounts.on"; }
has_opts() { # MOUNT OPT...
	o=$(mopt "$1")
	[ -n "$o" ] || { cat "$USER_TMP/mounts.on"; fail "no $1 in QEMU's mounts"; }
	m=$1
	shift
	for x in "$@"; do
		case ",$o," in *",$x,"*) ;; *) fail "QEMU's $m is mounted $o, without $x" ;; esac
	done
}
has_opts / ro nosuid nodev
has_opts /usr ro nosuid nodev
has_opts /etc/passwd ro nosuid nodev noexec
has_opts /tmp rw nosuid nodev
has_opts /dev/null rw nosuid noexec
has_opts /proc nosuid nodev noexec
[ "$(awk '$1 == "/" {n++} END {print n}' "$USER_TMP/mounts.on")" = 1 ] ||
	fail "QEMU's mount table has more than one / (the host's root left below the box's)"
if grep -q '^/home\|^/root \|^/var' "$USER_TMP/mounts.on"; then fail "host paths mounted in QEMU's root"; fi
# and the host's own root is not mounted that way
case ",$(awk '$1 == "/" { print $2 }' "$USER_TMP/mounts.off")," in
*,ro,*) echo "note: the host's / is read-only here too" ;;
esac
echo "sandbox = off runs QEMU without the box and with its sockets; sandbox = on boxes it: PID 1, namespaces of its own (nobody else in them)"
