#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark (`make bench`): the time from starting a paused VM (QEMU -S) to
# its QMP socket answering, raw QEMU against the same argv through
# `vfio-launch run --paused`. Raw QEMU gets the argv that `vfio-launch run
# --dry-run --paused` prints (the supervisor's socket descriptors replaced
# by a QMP socket path and null chardevs), the argv `run --paused` starts.
# Timing: build/bench/qmp-ready (tests/bench/qmp-ready.c).
#
# The machine is shared and noisy, so (issue 15):
#   - BENCH_ROUNDS rounds (default 30; BENCH_N is the old name), each of
#     three runs: raw QEMU (A), raw QEMU again (A', the A/A control) and
#     the launcher (L), in an order rotated every round (A A' L, A' L A,
#     L A A'), after one warm-up of each;
#   - per-round ratios L/A and A'/A, reported as median and quartiles: the
#     A/A spread is what the method resolves on this machine now;
#   - the launcher's own cost, exec of vfio-launch to exec of QEMU in the
#     box, from the kernel's own timestamps of the two execs
#     (sched:sched_process_exec, and sched_process_fork to tie QEMU to the
#     vfio-launch it descends from) recorded with perf as root; nothing
#     is injected into either program. Without perf or root that line says
#     why it is missing.
# BENCH_PROFILE=minimal (default: profiles/demo.conf without [audio],
# [usb] and [looking-glass]) or demo. BENCH_VERBOSE=1 prints the details;
# otherwise one summary line.
# As root it runs as TEST_UID (nobody) like the demo; a private PulseAudio
# server answers the demo profile's [audio] when the user has none.
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/demo/demo-env.sh"

n=${BENCH_ROUNDS:-${BENCH_N:-30}}
which=${BENCH_PROFILE:-minimal}
case $which in minimal|demo) ;; *) fail "BENCH_PROFILE is minimal or demo, not '$which'" ;; esac
qr=$BUILD_DIR/bench/qmp-ready
[ -x "$VL" ] || fail "$VL is missing: run 'make'"
[ -x "$qr" ] || fail "$qr is missing: run 'make bench'"
[ -r "$BUILD_DIR/guest/vmlinuz" ] || fail "the demo guest is missing: run 'make guest'"
need_tool qemu-system-x86_64

demo_env_setup
pulse_sock=
[ "$which" = minimal ] || { demo_pulse_ensure; pulse_sock=${sock:-}; }
profile=$DEMO_TREE/profiles/demo.conf
if [ "$which" = minimal ]; then
	# the demo VM without the sections that add host resources, in the
	# work directory (not profiles/: the examples test reads every file
	# there), its relative guest paths made absolute
	awk -v d="$DEMO_TREE/profiles/" '/^\[/ { skip = ($0 == "[audio]" || $0 == "[usb]" || $0 == "[looking-glass]") }
		/^(kernel|initrd) *= *\.\.\// { sub(/= */, "= " d) }
		!skip' "$profile" > "$DEMO_WORK/minimal.conf"
	profile=$DEMO_WORK/minimal.conf
fi
vl=$DEMO_TREE/build/vfio-launch
cp "$qr" "$DEMO_WORK/qmp-ready"
chmod 0755 "$DEMO_WORK/qmp-ready"
qr=$DEMO_WORK/qmp-ready
log=$DEMO_WORK/bench.log
: > "$log"
[ "$(id -u)" -ne 0 ] || chown "$DEMO_UID" "$log"

shm=$(sed -n '/^\[looking-glass\]/,/^\[/ s/^path *= *//p' "$profile")
clean_shm() {
	if [ -n "$shm" ] && [ -e "$shm" ]; then
		[ "$(stat -c %u "$shm")" = "$DEMO_UID" ] || fail "$shm belongs to another user"
		rm -f "$shm"
	fi
}
clean_shm

argv=$DEMO_WORK/argv
demo_as "$vl" run --dry-run --paused "$profile" > "$argv" 2>>"$log" || {
	cat "$log"
	fail "'vfio-launch run --dry-run --paused' failed"
}
grep -qx -- -S "$argv" || fail "'run --dry-run --paused' printed no -S"
# The argv names the supervisor's sockets by descriptor number (-chardev
# socket,fd=N); raw QEMU gets the same QMP server on a path of its own,
# the user's qmp.sock where the supervisor makes it, and null chardevs for
# the supervisor's private QMP channel and the serial console.
grep -qx 'socket,id=qmp-user,fd=[0-9]*,server=on,wait=off' "$argv" ||
	fail "no user QMP chardev (socket,id=qmp-user,fd=N,...) in the argv"
name=$(sed -n '/^-name$/{n;p;}' "$argv")
rt=$(demo_as sh -c 'echo "$XDG_RUNTIME_DIR"')
sock=$rt/vfio-launch/$name/qmp.sock
sed -i -e "s|^socket,id=qmp-user,fd=[0-9]*,|socket,id=qmp-user,path=$sock,|" \
	-e 's|^socket,id=qmp,fd=[0-9]*$|null,id=qmp|' \
	-e 's|^socket,id=serial0,fd=[0-9]*$|null,id=serial0|' "$argv"
# Raw QEMU has no supervisor, so no audio proxy (audio.sock): it gets the
# server the proxy relays to, the one QEMU used before the proxy.
if [ "$which" != minimal ]; then
	case $DEMO_PULSE in
	private) real=$pulse_sock ;;
	*) real=$rt/pulse/native ;;
	esac
	sed -i "s|server=unix:[^,]*/audio\.sock|server=unix:$real|" "$argv"
fi
accel=$(sed -n '/^-accel$/{n;p;}' "$argv" | tr '\n' ' ')
# Raw QEMU needs the runtime dir the launcher would make, and the umask
# the launcher runs QEMU with (its ivshmem check refuses a file others
# can read, and the raw runs create that file too).
# Both levels 0700: run refuses a looser vfio-launch/ (mkdir -p -m only
# sets the mode of the last one).
demo_as sh -c 'umask 077; mkdir -p "$1"' sh "${sock%/*}"
set --
while IFS= read -r a; do set -- "$@" "$a"; done < "$argv"

# Both through the same wrapper (umask 077 as the launcher gives QEMU).
raw() { demo_as sh -c 'umask 077; exec "$@"' sh "$qr" "$sock" 60000 "$@" 2>>"$log"; }
launcher() { demo_as sh -c 'umask 077; exec "$@"' sh "$qr" "$sock" 60000 "$vl" run --paused "$profile" 2>>"$log"; }
one() {
	t=$("$@") || { tail -n 20 "$log" >&2; fail "a run of $1 did not reach QMP" >&2; }
	echo "$t"
}

# The exec timestamps (see the top), when perf can record them.
perf_data=$DEMO_WORK/exec.perf
perf_pid=
why_no_exec=
if [ "$(id -u)" -ne 0 ]; then
	why_no_exec="needs root (system-wide sched tracepoints)"
elif ! command -v perf >/dev/null 2>&1; then
	why_no_exec="needs perf (linux-perf)"
else
	perf record -q -a -e sched:sched_process_exec -e sched:sched_process_fork \
		-o "$perf_data" >/dev/null 2>"$DEMO_WORK/perf.err" &
	perf_pid=$!
	# stopped by the EXIT trap too, should a round fail (demo_cleanup)
	echo "$perf_pid" > "$DEMO_WORK/perf.pid"
	DEMO_PIDFILES="$DEMO_PIDFILES $DEMO_WORK/perf.pid"
	sleep 1
	kill -0 "$perf_pid" 2>/dev/null || {
		why_no_exec="perf record failed: $(head -n 1 "$DEMO_WORK/perf.err")"
		perf_pid=
	}
fi

load0=$(cut -d' ' -f1-3 /proc/loadavg)
one raw "$@" > /dev/null
one launcher > /dev/null
: > "$DEMO_WORK/rounds"
i=0
while [ $i -lt "$n" ]; do
	case $((i % 3)) in
	0) a=$(one raw "$@"); b=$(one raw "$@"); l=$(one launcher) ;;
	1) b=$(one raw "$@"); l=$(one launcher); a=$(one raw "$@") ;;
	*) l=$(one launcher); a=$(one raw "$@"); b=$(one raw "$@") ;;
	esac
	echo "$a $b $l" >> "$DEMO_WORK/rounds"
	i=$((i + 1))
done
clean_shm

if [ -n "$perf_pid" ]; then
	rm -f "$DEMO_WORK/perf.pid"
	kill -INT "$perf_pid"
	wait "$perf_pid" || true
	# exec of $vl (a path only this benchmark uses) to the first exec of
	# qemu-system-* among its descendants, in ms
	perf script -i "$perf_data" -F tid,time,event,trace 2>/dev/null | awk -v vl="$vl" '
		/sched_process_fork/ {
			t = $2; sub(/:$/, "", t)
			for (k = 1; k <= NF; k++) {
				if ($k ~ /^pid=/) { p = substr($k, 5) }
				if ($k ~ /^child_pid=/) { c = substr($k, 11); parent[c] = p; forked[c] = t }
			}
		}
		/sched_process_exec/ {
			t = $2; sub(/:$/, "", t)
			for (k = 1; k <= NF; k++) {
				if ($k ~ /^filename=/) f = substr($k, 10)
				if ($k ~ /^pid=/) q = substr($k, 5)
			}
			if (f == vl) { start[q] = t; next }
			if (f !~ /\/qemu-system-[^\/]*$/) next
			for (x = q; x != "" && !(x in start); x = parent[x]) ;
			if (x != "" && !(x in done)) {
				done[x] = 1
				# exec to exec, and its part after the fork of the box child
				printf "%.3f %.3f\n", (t - start[x]) * 1000, (t - forked[q]) * 1000
			}
		}' > "$DEMO_WORK/exec.ms"
	[ -s "$DEMO_WORK/exec.ms" ] || why_no_exec="no exec of $vl followed by QEMU's in the perf record"
fi

# quartiles (q1 median q3) of a file of numbers
quart() { sort -n "$1" | awk '{ v[NR] = $1 } END {
	if (NR == 0) { print "nan nan nan"; exit }
	for (k = 1; k <= 3; k++) { p = (NR - 1) * k / 4 + 1; lo = int(p)
		q[k] = v[lo] + (p - lo) * (v[lo + (lo < NR)] - v[lo]) }
	printf "%.3f %.3f %.3f", q[1], q[2], q[3] }'; }
awk '{ print $1 }' "$DEMO_WORK/rounds" > "$DEMO_WORK/raw.ms"
awk '{ print $3 }' "$DEMO_WORK/rounds" > "$DEMO_WORK/vl.ms"
awk '{ print $3 / $1 }' "$DEMO_WORK/rounds" > "$DEMO_WORK/ratio"
awk '{ print $2 / $1 }' "$DEMO_WORK/rounds" > "$DEMO_WORK/aa"
set -- $(quart "$DEMO_WORK/raw.ms"); raw_med=$2
set -- $(quart "$DEMO_WORK/vl.ms"); vl_med=$2
set -- $(quart "$DEMO_WORK/ratio"); r1=$1 rm=$2 r3=$3
set -- $(quart "$DEMO_WORK/aa"); a1=$1 am=$2 a3=$3
if [ -s "$DEMO_WORK/exec.ms" ]; then
	awk '{ print $2 }' "$DEMO_WORK/exec.ms" > "$DEMO_WORK/box.ms"
	awk '{ print $1 }' "$DEMO_WORK/exec.ms" > "$DEMO_WORK/own.ms"
	set -- $(quart "$DEMO_WORK/box.ms")
	box=$2
	set -- $(quart "$DEMO_WORK/own.ms")
	own=$(printf 'own cost (exec to exec) median %.2f ms [%.2f-%.2f] over %s, %.2f ms of it in the box child (fork to exec)' \
		"$2" "$1" "$3" "$(wc -l < "$DEMO_WORK/own.ms")" "$box")
else
	own="own cost: not measured ($why_no_exec)"
fi
if [ "${BENCH_VERBOSE:-0}" = 1 ]; then
	echo "bench: paused VM (-S) start to QMP greeting; $profile, accel ${accel% }, uid $DEMO_UID"
	echo "  $n rounds of raw, raw, launcher, order rotated; load average before: $load0"
	printf '  raw QEMU median %.1f ms, vfio-launch run median %.1f ms\n' "$raw_med" "$vl_med"
	echo "  per-round ratios launcher/raw and raw/raw (the A/A control), and the exec times:"
	paste "$DEMO_WORK/ratio" "$DEMO_WORK/aa" | tr '\n' ' '
	echo
	[ ! -s "$DEMO_WORK/exec.ms" ] || tr '\n' ',' < "$DEMO_WORK/exec.ms"
	echo
fi
printf 'bench %s: launcher/raw median %.3f [q1 %.3f, q3 %.3f]; A/A control %.3f [%.3f, %.3f]; %s; raw %.1f ms, run %.1f ms (%s rounds)\n' \
	"$which" "$rm" "$r1" "$r3" "$am" "$a1" "$a3" "$own" "$raw_med" "$vl_med" "$n"
