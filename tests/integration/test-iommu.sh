#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vfio-launch iommu on this host's real /sys: with IOMMU groups, every group
# is listed with a verdict and its devices; without, exit 69 and the hint.
#
# Then the built binaries on each published host of tests/data/iommu (as
# root, in a private mount namespace with the fake tree of fake-tree.sh
# mounted over /sys, /proc, /dev and /etc, as test-namespace.sh does for the
# helper): `vfio-launch iommu` lists every group with the expert's verdict
# written in the fixture, `vfio-launch check` (as the unprivileged test
# user) agrees on one endpoint of each group, and `vfio-privhelper bind`
# refuses every group the expert keeps on the host, naming the device,
# with the whole group allowlisted and nothing written. (The same
# agreement, for every device, is in test_vfio and test_privhelper_plan.)
. "$(dirname "$0")/../lib.sh"
[ -x "$VL" ] || skip "build/vfio-launch not built"

# verdict_words: the listing's verdict lines as the fixture words them
# ("N host BDF", "N rootfs BDF", "N pf BDF", "N bridges", "N ready", "N bind BDF...")
verdict_words() {
	sed -n 's/^IOMMU group \([0-9]*\): /\1 /p' "$1" | sed \
		-e 's/^\([0-9]*\) keep on the host: \([^ ]*\) holds the root filesystem.*/\1 rootfs \2/' \
		-e 's/^\([0-9]*\) keep on the host: \([^ ]*\) is .*/\1 host \2/' \
		-e 's/^\([0-9]*\) not passable: \([^ ]*\) has .*/\1 pf \2/' \
		-e 's/^\([0-9]*\) bridges only:.*/\1 bridges/' \
		-e 's/^\([0-9]*\) ready:.*/\1 ready/' \
		-e 's/^\([0-9]*\) passable after: vfio-privhelper bind /\1 bind /'
}

if [ "${1:-}" = --inner ]; then
	name=$2 tmp=$3
	R=$tmp/root
	topo=${TOPO:-$TOP_SRCDIR/tests/data/iommu/$name.topo}
	sh "$TOP_SRCDIR/tests/privhelper/fake-tree.sh" "$R" "$topo"
	mkdir -p "$R/etc/vfio-launch" "$tmp/bin"
	printf 'root:x:0:\nvfio:x:990:\nnogroup:x:65534:\n' >"$R/etc/group"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$R/etc/passwd"
	printf 'passwd: files\ngroup: files\n' >"$R/etc/nsswitch.conf"
	[ -f /etc/ld.so.cache ] && cp /etc/ld.so.cache "$R/etc/"
	cp "$BUILD_DIR/vfio-privhelper" "$VL" "$tmp/bin/"
	sed -n 's/#.*//; s/[[:space:]]*$//; s/^group \([0-9]*\)[[:space:]]*/\1 /p' "$topo" | tr -s ' \t' '  ' >"$tmp/want"
	# per group (before the fake /etc hides awk's alternatives link): its
	# first endpoint (no bridge, no AMD dummy) and its whole allowlist
	awk -v d="$tmp" '$1 == "group" { g = $2; first[g] = "" }
		$1 == "dev" { print "[pci " $2 "]" >(d "/allow." g)
			if (first[g] == "" && $4 !~ /^0604/ && $3 !~ /^1022:(1452|1482|14b7|15d2|15da|1632|1455|145a|148a)$/) {
				first[g] = $2; print $2 >(d "/first." g) } }' "$topo"
	: >"$R/dev/null"
	mount --bind /dev/null "$R/dev/null"
	mount --bind "$R/sys" /sys
	mount --rbind "$R/dev" /dev
	mount --bind "$R/etc" /etc
	# last: the fake /proc has only self/mountinfo (the root filesystem)
	mount --bind "$R/proc" /proc

	"$tmp/bin/vfio-launch" iommu >"$tmp/list" 2>&1 || { cat "$tmp/list"; fail "$name: vfio-launch iommu"; }
	verdict_words "$tmp/list" >"$tmp/got"
	diff -u "$tmp/want" "$tmp/got" || fail "$name: the listing's verdicts differ from the expert's"
	if [ -n "${LIST_ONLY:-}" ]; then
		echo "$name: the listing agrees on $(wc -l <"$tmp/want") groups"
		exit 0
	fi

	n=0
	while read -r g verdict rest; do
		n=$((n + 1))
		[ -f "$tmp/first.$g" ] || continue
		first=$(cat "$tmp/first.$g")
		# check, as the test user: PASS exactly when ready
		printf '[vm]\nname = vm\nmemory = 1G\naccel = tcg\n\n[pci]\ndevice = %s\n' "$first" >"$tmp/vm.conf"
		chmod 0644 "$tmp/vm.conf"
		setpriv --reuid=65534 --regid=65534 --clear-groups -- "$tmp/bin/vfio-launch" check "$tmp/vm.conf" \
			>"$tmp/check" 2>&1 || :
		line=$(grep "vfio $first:" "$tmp/check") || { cat "$tmp/check"; fail "$name: no vfio line for $first"; }
		case $verdict in
		ready) want=PASS ;;
		*) want=FAIL ;;
		esac
		case $line in "$want "*) ;; *) fail "$name group $g ($verdict): check says '$line'" ;; esac
		case $verdict in
		host | rootfs) case $line in *"belongs to the host: $rest ("*) ;; *) fail "$name group $g: '$line'" ;; esac ;;
		bind) for b in $rest; do
			grep -A1 "vfio $first:" "$tmp/check" | grep -q "vfio-privhelper bind.* $b" ||
				fail "$name group $g: check's fix does not bind $b"
		done ;;
		esac
		# the helper, the whole group allowlisted: refuses what the host keeps
		case $verdict in host | rootfs | pf) ;; *) continue ;; esac
		cp "$tmp/allow.$g" "$R/etc/vfio-launch/privhelper.conf"
		chmod 0644 "$R/etc/vfio-launch/privhelper.conf"
		before=$(find "$R/sys" -type f -newer "$tmp/list" | wc -l)
		rc=0
		"$tmp/bin/vfio-privhelper" bind "$first" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
		case $verdict in host) wrc=77 msg="holds $rest" ;; rootfs) wrc=69 msg="$rest: block device" ;; pf) wrc=69 msg="$rest has 7 SR-IOV VFs" ;; esac
		[ "$rc" -eq "$wrc" ] || { cat "$tmp/err"; fail "$name group $g ($verdict): helper exit $rc, expected $wrc"; }
		assert_contains "$tmp/err" "$msg"
		[ "$verdict" != host ] || assert_contains "$tmp/err" "the host needs it"
		[ "$(find "$R/sys" -type f -newer "$tmp/list" | wc -l)" -eq "$before" ] ||
			fail "$name group $g: the helper wrote to sysfs"
	done <"$tmp/want"
	echo "$name: listing, check and helper agree on $n groups"
	exit 0
fi

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
echo "iommu: ok ($groups groups on this host)"

# ---- the published hosts
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null || ! unshare --mount --propagation private true 2>/dev/null; then
	echo "note: the published hosts need root, setpriv and unshare --mount: tested in test_vfio and test_privhelper_plan only"
	exit 0
fi
[ -x "$BUILD_DIR/vfio-privhelper" ] || fail "$BUILD_DIR/vfio-privhelper is not built"
for t in "$TOP_SRCDIR"/tests/data/iommu/*.topo; do
	name=$(basename "$t" .topo)
	tmp=$(mktemp -d /tmp/vl-iommu-host.XXXXXX)
	chmod 0755 "$tmp"
	rc=0
	unshare --mount --propagation private sh "$0" --inner "$name" "$tmp" || rc=$?
	rm -rf "$tmp"
	[ "$rc" -eq 0 ] || exit "$rc"
done
# A host of 144 functions, more than one thread reads (vfio.c
# scan_threads): the listing must be the same as read by one.
tmp=$(mktemp -d /tmp/vl-iommu-host.XXXXXX)
chmod 0755 "$tmp"
awk 'BEGIN { for (g = 0; g < 72; g++) { b = int(g / 32) + 1; s = g % 32
	if (g % 3 == 0) printf "group %d ready\ndev 0000:%02x:%02x.0 10de:1db6 030200 vfio-pci\ndev 0000:%02x:%02x.1 10de:10f0 040300 vfio-pci\n", g, b, s, b, s
	else if (g % 3 == 1) printf "group %d bind 0000:%02x:%02x.0 0000:%02x:%02x.1\ndev 0000:%02x:%02x.0 15b3:101d 020000 mlx5_core\ndev 0000:%02x:%02x.1 15b3:101d 020000 mlx5_core\n", g, b, s, b, s, b, s, b, s
	else printf "group %d bridges\ndev 0000:%02x:%02x.0 8086:2030 060400 pcieport\ndev 0000:%02x:%02x.1 8086:2030 060400 pcieport\n", g, b, s, b, s } }' >"$tmp/many.topo"
rc=0
TOPO=$tmp/many.topo LIST_ONLY=1 unshare --mount --propagation private sh "$0" --inner many "$tmp" || rc=$?
rm -rf "$tmp"
[ "$rc" -eq 0 ] || exit "$rc"
