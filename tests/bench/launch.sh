#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark (`make bench`): the time from starting a paused VM (QEMU -S) to
# its QMP socket answering, for raw QEMU and for the same argv through
# `vfio-launch run --paused`, in one run, interleaved, BENCH_N (default 20)
# repetitions each after one warm-up of each. Prints both medians and the
# ratio. The VM is profiles/demo.conf; raw QEMU gets the argv that
# `vfio-launch run --dry-run --paused` prints (the supervisor's socket
# descriptors replaced by a QMP socket path and null chardevs), the argv
# `run --paused` starts. Timing: build/bench/qmp-ready (tests/bench/qmp-ready.c).
# As root it runs as TEST_UID (nobody) like the demo; a private PulseAudio
# server answers the demo profile's [audio] when the user has none.
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/demo/demo-env.sh"

n=${BENCH_N:-20}
qr=$BUILD_DIR/bench/qmp-ready
[ -x "$VL" ] || fail "$VL is missing: run 'make'"
[ -x "$qr" ] || fail "$qr is missing: run 'make bench'"
[ -r "$BUILD_DIR/guest/vmlinuz" ] || fail "the demo guest is missing: run 'make guest'"
need_tool qemu-system-x86_64

demo_env_setup
demo_pulse_ensure
profile=$DEMO_TREE/profiles/demo.conf
vl=$DEMO_TREE/build/vfio-launch
cp "$qr" "$DEMO_WORK/qmp-ready"
chmod 0755 "$DEMO_WORK/qmp-ready"
qr=$DEMO_WORK/qmp-ready
log=$DEMO_WORK/bench.log
: > "$log"
[ "$(id -u)" -ne 0 ] || chown "$DEMO_UID" "$log"

shm=$(sed -n '/^\[looking-glass\]/,/^\[/ s/^path *= *//p' "$profile")
clean_shm() {
	if [ -e "$shm" ]; then
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
accel=$(sed -n '/^-accel$/{n;p;}' "$argv" | tr '\n' ' ')
# Raw QEMU needs the runtime dir the launcher would make, and the umask
# the launcher runs QEMU with (its ivshmem check refuses a file others
# can read, and the raw runs create that file too).
# Both levels 0700: run refuses a looser vfio-launch/ (mkdir -p -m only
# sets the mode of the last one).
demo_as sh -c 'umask 077; mkdir -p "$1"' sh "${sock%/*}"
set --
while IFS= read -r a; do set -- "$@" "$a"; done < "$argv"

raw() { demo_as sh -c 'umask 077; exec "$@"' sh "$qr" "$sock" 60000 "$@" 2>>"$log"; }
launcher() { demo_as "$qr" "$sock" 60000 "$vl" run --paused "$profile" 2>>"$log"; }
one() {
	t=$("$@") || { tail -n 20 "$log" >&2; fail "a run of $1 did not reach QMP" >&2; }
	echo "$t"
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
one raw "$@" > /dev/null
one launcher > /dev/null
i=0
: > "$DEMO_WORK/raw.ms"
: > "$DEMO_WORK/vl.ms"
while [ $i -lt "$n" ]; do
	one raw "$@" >> "$DEMO_WORK/raw.ms"
	one launcher >> "$DEMO_WORK/vl.ms"
	i=$((i + 1))
done
clean_shm

# median, min, max of a file of numbers
stats() { sort -n "$1" | awk '{ v[NR] = $1 } END {
	m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	printf "%.1f %.1f %.1f", m, v[1], v[NR] }'; }
set -- $(stats "$DEMO_WORK/raw.ms")
raw_med=$1 raw_min=$2 raw_max=$3
set -- $(stats "$DEMO_WORK/vl.ms")
vl_med=$1 vl_min=$2 vl_max=$3
echo "bench: paused VM (-S) start to QMP greeting; profiles/demo.conf, accel ${accel% }, uid $DEMO_UID, $n runs each, interleaved"
echo "  load average before: $load0 (a shared machine makes the figures noisy; the ratio is what compares)"
printf '  raw QEMU          median %7.1f ms  (min %.1f, max %.1f)\n' "$raw_med" "$raw_min" "$raw_max"
printf '  vfio-launch run   median %7.1f ms  (min %.1f, max %.1f)\n' "$vl_med" "$vl_min" "$vl_max"
awk -v a="$vl_med" -v b="$raw_med" 'BEGIN { printf "  ratio vfio-launch/raw: %.2f (%+.1f ms)\n", a / b, a - b }'
