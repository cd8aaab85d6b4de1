#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vfio-launch iommu on this host's real /sys: with IOMMU groups, every group
# is listed with a verdict and its devices; without, exit 69 and the hint.
# (The listing itself is tested on the Xeon E5 fake tree in test_vfio.)
. "$(dirname "$0")/../lib.sh"
[ -x "$VL" ] || skip "build/vfio-launch not built"
out=$(mktemp /tmp/vl-iommu.XXXXXX)
trap 'rm -f "$out" "$out.err"' EXIT

rc=0
"$VL" iommu >"$out" 2>"$out.err" || rc=$?
groups=$(find /sys/kernel/iommu_groups -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l)
if [ "$groups" -eq 0 ]; then
	assert_eq 69 "$rc" "exit status without IOMMU groups"
	assert_contains "$out.err" "no IOMMU groups: the IOMMU is off; \`vfio-launch check --host\` says how to enable it"
else
	assert_eq 0 "$rc" "exit status with IOMMU groups"
	listed=$(grep -c '^IOMMU group [0-9]*: ' "$out")
	assert_eq "$groups" "$listed" "groups listed"
	for dev in /sys/kernel/iommu_groups/*/devices/*; do
		bdf=${dev##*/}
		case $bdf in [0-9a-f][0-9a-f][0-9a-f][0-9a-f]:*) ;; *) continue ;; esac
		assert_contains "$out" "  $bdf ["
	done
fi

rc=0
"$VL" iommu extra >/dev/null 2>"$out.err" || rc=$?
assert_eq 64 "$rc" "iommu with an argument"
assert_contains "$out.err" "iommu: unexpected argument 'extra'"
"$VL" iommu --help | grep -q '^Usage: vfio-launch iommu' || fail "iommu --help"
echo "iommu: ok ($groups groups)"
