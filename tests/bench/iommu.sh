#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark (`make bench-iommu`): `vfio-launch iommu` on a fake host of
# 2,000 PCI functions in 1,000 IOMMU groups (issue 15's target: 20 ms),
# paired against a baseline that reads one file of every function of the
# same tree (`cat /sys/bus/pci/devices/*/uevent` through sh).
#
# The tree: tests/privhelper/fake-tree.sh from a generated topology (four
# kinds of group in turn: a GPU and its audio on vfio-pci, two igb NICs,
# a root port with an NVMe, an AMD GPU and its audio), built once into
# build/bench/iommu-tree (~30 s; again when fake-tree.sh changes) and
# mounted over /sys and /proc in a private mount namespace (root, as
# tests/integration/test-iommu.sh does). Timing: build/bench/walltime.
#
# BENCH_ROUNDS rounds (default 30) of three runs: the baseline (A), the
# baseline again (A', the A/A control) and the launcher (L), the order
# rotated every round, after one warm-up of each; per-round ratios L/A
# and A'/A as median and quartiles, and L's own median in ms. One summary
# line; BENCH_VERBOSE=1 prints every round.
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"

n=${BENCH_ROUNDS:-30}
wt=$BUILD_DIR/bench/walltime
[ -x "$VL" ] || fail "$VL is missing: run 'make'"
[ -x "$wt" ] || fail "$wt is missing: run 'make bench-iommu'"
need_root
need_tool unshare

tree=$BUILD_DIR/bench/iommu-tree
gen=$TOP_SRCDIR/tests/privhelper/fake-tree.sh
if [ ! -f "$tree/done" ] || [ "$gen" -nt "$tree/done" ]; then
	rm -rf "$tree"
	mkdir -p "$tree"
	awk 'BEGIN { for (g = 0; g < 1000; g++) { b = int(g / 32); s = g % 32
		printf "group %d x\n", g
		if (g % 4 == 0) printf "dev 0000:%02x:%02x.0 10de:1b80 030000 vfio-pci\ndev 0000:%02x:%02x.1 10de:10f0 040300 vfio-pci\n", b, s, b, s
		else if (g % 4 == 1) printf "dev 0000:%02x:%02x.0 8086:1533 020000 igb\ndev 0000:%02x:%02x.1 8086:1533 020000 igb\n", b, s, b, s
		else if (g % 4 == 2) printf "dev 0000:%02x:%02x.0 8086:0e02 060400 pcieport\ndev 0000:%02x:%02x.1 144d:a808 010802 nvme\n", b, s, b, s
		else printf "dev 0000:%02x:%02x.0 1002:67df 030000 amdgpu\ndev 0000:%02x:%02x.1 1002:aaf0 040300 snd_hda_intel\n", b, s, b, s } }' \
		>"$tree/host.topo"
	sh "$gen" "$tree/root" "$tree/host.topo"
	: >"$tree/done"
fi

if [ "${1:-}" != --inner ]; then
	exec unshare -m sh "$0" --inner
fi
load0=$(cut -d' ' -f1-3 /proc/loadavg)
mount --make-rprivate /
mount --bind "$tree/root/sys" /sys
mount --bind "$tree/root/proc" /proc
out=$(mktemp -d "${TMPDIR:-/tmp}/vl-bench-iommu.XXXXXX")
trap 'rm -rf "$out"' EXIT

base() { "$wt" sh -c 'cat /sys/bus/pci/devices/*/uevent'; }
launcher() { "$wt" "$VL" iommu; }
groups=$("$VL" iommu | grep -c '^IOMMU group ')
funcs=$("$VL" iommu | grep -c '^  [0-9a-f]\{4\}:')
[ "$groups" = 1000 ] && [ "$funcs" = 2000 ] || fail "the listing shows $groups groups and $funcs functions, not 1000 and 2000"
base >/dev/null
launcher >/dev/null
: >"$out/rounds"
i=0
while [ $i -lt "$n" ]; do
	case $((i % 3)) in
	0) a=$(base); b=$(base); l=$(launcher) ;;
	1) b=$(base); l=$(launcher); a=$(base) ;;
	*) l=$(launcher); a=$(base); b=$(base) ;;
	esac
	echo "$a $b $l" >>"$out/rounds"
	i=$((i + 1))
done

quart() { sort -n "$1" | awk '{ v[NR] = $1 } END {
	for (k = 1; k <= 3; k++) { p = (NR - 1) * k / 4 + 1; lo = int(p)
		q[k] = v[lo] + (p - lo) * (v[lo + (lo < NR)] - v[lo]) }
	printf "%.3f %.3f %.3f", q[1], q[2], q[3] }'; }
awk '{ print $1 }' "$out/rounds" >"$out/base"
awk '{ print $3 }' "$out/rounds" >"$out/vl"
awk '{ print $3 / $1 }' "$out/rounds" >"$out/ratio"
awk '{ print $2 / $1 }' "$out/rounds" >"$out/aa"
set -- $(quart "$out/base"); base_med=$2
set -- $(quart "$out/vl"); vl1=$1 vl_med=$2 vl3=$3
set -- $(quart "$out/ratio"); r1=$1 rm=$2 r3=$3
set -- $(quart "$out/aa"); a1=$1 am=$2 a3=$3
if [ "${BENCH_VERBOSE:-0}" = 1 ]; then
	echo "bench-iommu: $funcs functions in $groups groups; $n rounds, order rotated; load average before: $load0"
	cat "$out/rounds"
fi
printf 'bench iommu (2000 functions, 1000 groups): vfio-launch iommu median %.1f ms [%.1f-%.1f]; baseline (cat of every uevent) %.1f ms; launcher/baseline median %.3f [q1 %.3f, q3 %.3f]; A/A control %.3f [%.3f, %.3f] (%s rounds, load before %s)\n' \
	"$vl_med" "$vl1" "$vl3" "$base_med" "$rm" "$r1" "$r3" "$am" "$a1" "$a3" "$n" "$load0"
