#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vfio-privhelper's binary, as root, in a private mount namespace with a
# fake host mounted over the real paths it uses: /sys, /etc, /dev and
# /proc/swaps (the fake tree of fake-tree.sh). The binary has no test
# override; it opens the real absolute paths and finds the fakes there.
#
# Whole /sys, /etc and /dev are replaced rather than only /sys/bus/pci,
# /sys/kernel/iommu_groups and /etc/vfio-launch: the helper also reads
# /sys/class/{graphics,block}, /dev/disk and the group database, and a
# container's /sys or /etc may lack the directories to mount over (sysfs
# allows no mkdir). /etc/group in the fake /etc defines the vfio group, so
# nothing is added to the real one.
#
# 1. hostile requests (more than 40): each must be refused with the expected
#    message and leave the whole fake tree unchanged (a listing with modes,
#    owners, sizes, mtimes and link targets, plus a checksum of every file,
#    before and after).
# 2. the expected writes, against a simulated kernel: sysfs attributes are
#    plain files here, so nothing reacts to a write by itself. A background
#    loop in the namespace plays the driver core: it consumes what lands in
#    drivers/NAME/unbind (removes the device's driver link) and in
#    drivers_probe (links the driver named in driver_override, or the
#    device's native driver when it is empty), and logs each write it saw to
#    kernel.log. The helper's own verification (readlink of driver) then
#    sees what a real kernel would show. The log is compared with the exact
#    expected sequence.
. "$(dirname "$0")/../lib.sh"

need_root
need_tool unshare
need_tool setpriv
PH_BUILT=$BUILD_DIR/vfio-privhelper
[ -x "$PH_BUILT" ] || fail "$PH_BUILT is not built"

if [ "${1:-}" != --inner ]; then
	unshare --mount --propagation private true 2>/dev/null ||
		skip "unshare --mount is not permitted here (needs CAP_SYS_ADMIN)"
	tmp=$(mktemp -d /tmp/ph-ns.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	chmod 0755 "$tmp"
	rc=0
	unshare --mount --propagation private sh "$0" --inner "$tmp" || rc=$?
	exit $rc
fi

tmp=$2
R=$tmp/root
freeloop=$(losetup -f 2>/dev/null) || freeloop= # before the fake /dev hides loop-control
sh "$TOP_SRCDIR/tests/privhelper/fake-tree.sh" "$R"
[ -f /etc/ld.so.cache ] && cp /etc/ld.so.cache "$R/etc/"
mkdir -p "$tmp/bin" "$tmp/native" "$tmp/mnt"
cp "$PH_BUILT" "$tmp/bin/vfio-privhelper"
PH=$tmp/bin/vfio-privhelper
cp "$R/etc/vfio-launch/privhelper.conf" "$tmp/conf.orig"

# A really mounted filesystem: its major:minor becomes nvme0n1p1's dev, so
# the helper finds it in its own (real) /proc/self/mountinfo.
mount -t tmpfs ph-test-disk "$tmp/mnt"
majmin=$(mountpoint -d "$tmp/mnt")
echo "$majmin" >"$R/sys/devices/pci0000:00/0000:00:1d.0/0000:03:00.0/nvme/nvme0/nvme0n1/nvme0n1p1/dev"
# /dev/vfio/1 for status (only stat'ed); a container may forbid mknod
mknod "$R/dev/vfio/1" c 10 196 2>/dev/null && chgrp 990 "$R/dev/vfio/1" && chmod 0660 "$R/dev/vfio/1" || true
for d in "$R"/sys/bus/pci/devices/*; do
	b=$(basename "$d")
	if [ -L "$d/driver" ]; then basename "$(readlink "$d/driver")"; fi >"$tmp/native/$b"
done
: >"$R/dev/null"
mount --bind /dev/null "$R/dev/null"
mount --bind "$R/sys" /sys
mount --rbind "$R/dev" /dev
mount --bind "$R/swaps" /proc/swaps
mount --bind "$R/etc" /etc
[ "$(cat /sys/bus/pci/devices/0000:01:00.0/vendor)" = 0x10de ] || fail "fake /sys not in place"

snap() {
	(
		cd "$R" || exit 1
		find . -path ./dev/null -prune -o -printf '%p %y %m %U %G %s %T@ %l\n' | LC_ALL=C sort
		find . -type f -exec md5sum {} + | LC_ALL=C sort
	) >"$1"
}

n=0
# hostile NAME EXPECTED-MESSAGE EXPECTED-EXIT ARGS...: refused, no write
hostile() {
	name=$1 msg=$2 want=$3
	shift 3
	n=$((n + 1))
	snap "$tmp/before"
	rc=0
	"$PH" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
	check_refusal "$name" "$msg" "$want" "$rc"
}
check_refusal() {
	snap "$tmp/after"
	[ "$4" -ne 0 ] || { cat "$tmp/out"; fail "case $n ($1): accepted"; }
	[ "$3" = any ] || [ "$4" -eq "$3" ] || { cat "$tmp/err"; fail "case $n ($1): exit $4, expected $3"; }
	grep -qF -- "$2" "$tmp/err" || { cat "$tmp/err"; fail "case $n ($1): message lacks '$2'"; }
	if ! cmp -s "$tmp/before" "$tmp/after"; then
		diff "$tmp/before" "$tmp/after" | head -20
		fail "case $n ($1): the fake tree changed"
	fi
	[ ! -s "$tmp/out" ] || { cat "$tmp/out"; fail "case $n ($1): wrote to stdout"; }
	echo "ok $n - $1: $(head -n1 "$tmp/err")"
}
setconf() { cat >"$R/etc/vfio-launch/privhelper.conf"; }
restore_conf() {
	rm -rf "$R/etc/vfio-launch/privhelper.conf"
	cp "$tmp/conf.orig" "$R/etc/vfio-launch/privhelper.conf"
	chmod 0644 "$R/etc/vfio-launch/privhelper.conf"
}

# ---- 1. malformed BDFs, path traversal, overlong
BAD="is not a PCI address"
nl='
'
long=$(printf "%4096s" "" | tr " " a)
for arg in "" "0000:01:00.0x" "0000:01:00.8" "0000:01:00" "000:01:00.0" "00000:01:00.0" \
	"0000:1:00.0" "0000:01:00.0 " " 0000:01:00.0" "0000:01:00.0$nl" "0000:01:0g.0" \
	"0000:0A:00.0" "../../../../etc/passwd" "0000:01:00.0/../../../../../etc" \
	"../0000:01:00.0" "$long" "0000:01:00.0$long" "0000:01:00.0/driver" "0000;01:00.0" \
	"%30000:01:00.0" "0000:01:00.０" "0000:01:00.0/" "0000:01:00.0/../0000:0b:00.0"; do
	hostile "malformed BDF '$(printf '%.24s' "$arg" | tr '\n' '?')'" "$BAD" 64 bind "$arg"
done
hostile "malformed BDF (unbind)" "$BAD" 64 unbind "../../x"
hostile "good then malformed" "$BAD" 64 bind 0000:01:00.0 "0000:01:00.0/.."

# ---- 2. what the allowlist and the host do not allow
hostile "not allowlisted" "0000:0b:00.0 is not allowlisted" 77 bind 0000:0b:00.0
hostile "not allowlisted (unbind)" "0000:0b:00.0 is not allowlisted" 77 unbind 0000:0b:00.0
hostile "good then not allowlisted" "0000:0b:00.0 is not allowlisted" 77 bind 0000:01:00.0 0000:0b:00.0
hostile "non-allowlisted group member asked" "0000:04:00.1 is not allowlisted" 77 bind 0000:04:00.1
hostile "non-viable IOMMU group" "IOMMU group 7 also holds 0000:04:00.1" 77 bind 0000:04:00.0
hostile "pinned ID mismatch" "0000:07:00.0 is 1002:67df but" 77 bind 0000:07:00.0
hostile "boot VGA with framebuffer" "boot VGA device and framebuffer fb0" 77 bind 0000:00:02.0
hostile "boot VGA with DRM driver" "boot VGA device and a DRM driver" 77 bind 0000:0e:00.0
hostile "mounted disk behind device" "nvme0n1p1 ($majmin) is mounted" 69 bind 0000:03:00.0
hostile "swapped-on disk behind device" "nvme1n1p1 (259:4) is mounted or swapped on" 69 bind 0000:05:00.0
hostile "held disk (NVMe multipath head)" "nvme2n1 is held by dm-0" 69 bind 0000:06:00.0
# a disk held with no trace in mountinfo or holders/ (another member of a
# mounted btrfs, ZFS): a free loop device held open O_EXCL stands for it
p1=$R/sys/devices/pci0000:00/0000:00:1d.0/0000:03:00.0/nvme/nvme0/nvme0n1/nvme0n1p1
if command -v python3 >/dev/null && loop=$freeloop && [ -n "$loop" ] && mkdir "$R/dev/block" &&
	mknod "$R/dev/block/7:${loop#/dev/loop}" b 7 "${loop#/dev/loop}"; then
	python3 -c 'import os, sys, time
os.open(sys.argv[1], os.O_RDONLY | os.O_EXCL); open(sys.argv[2], "w").close(); time.sleep(60)' \
		"$R/dev/block/7:${loop#/dev/loop}" "$tmp/held" &
	holder=$!
	trap 'kill $holder 2>/dev/null' EXIT
	for _ in $(seq 300); do [ -e "$tmp/held" ] && break; sleep 0.01; done
	echo "7:${loop#/dev/loop}" >"$p1/dev"
	hostile "disk held exclusively, no holders/" "nvme0n1p1 (7:${loop#/dev/loop}) is in use" 69 bind 0000:03:00.0
	kill $holder
	wait $holder 2>/dev/null || :
	trap - EXIT
	echo "$majmin" >"$p1/dev"
	rm -r "$R/dev/block" "$tmp/held"
else
	echo "note: no python3, free loop device or mknod: the exclusively held disk case cannot run here"
fi
hostile "driver_override is a symlink" "0000:08:00.0: driver_override or amdgpu/unbind is a symlink" 69 bind 0000:08:00.0
hostile "driver's unbind is a symlink" "0000:0d:00.0: driver_override or evil/unbind is a symlink" 69 bind 0000:0d:00.0
hostile "iommu_group link to a non-number" "unexpected iommu_group link" 69 bind 0000:09:00.0
hostile "group holding a non-BDF entry" "IOMMU group 16 holds 'evil'" 69 bind 0000:11:00.0
hostile "allowlisted but absent" "0000:0a:00.0: no such PCI device" 69 bind 0000:0a:00.0
hostile "no IOMMU group" "0000:10:00.0 has no IOMMU group" 69 bind 0000:10:00.0
hostile "every device, one bad" "IOMMU group 7 also holds 0000:04:00.1" 77 bind
o=$R/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.1/driver_override
mv "$o" "$tmp/override"
mkfifo "$o"
hostile "a FIFO planted as driver_override (group member)" \
	"0000:01:00.1: driver_override or snd_hda_intel/unbind is not a regular file" 69 bind 0000:01:00.0
rm "$o"
mv "$tmp/override" "$o"
mv "$R/sys/bus/pci/drivers_probe" "$tmp/drivers_probe"
ln -s ../../../victim/file "$R/sys/bus/pci/drivers_probe"
hostile "drivers_probe is a symlink" "drivers_probe is a symlink" 69 bind 0000:01:00.0
rm "$R/sys/bus/pci/drivers_probe"
mv "$tmp/drivers_probe" "$R/sys/bus/pci/drivers_probe"

# ---- 3. an allowlist that cannot be trusted or parsed
C=/etc/vfio-launch/privhelper.conf
chmod 0664 "$R$C"
hostile "group-writable allowlist" "is writable by group or others (mode 0664)" 77 bind 0000:01:00.0
chmod 0646 "$R$C"
hostile "other-writable allowlist" "is writable by group or others (mode 0646)" 77 bind 0000:01:00.0
chmod 0644 "$R$C"
chown 65534 "$R$C"
hostile "allowlist owned by non-root" "is owned by uid 65534, not root" 77 status
chown 0 "$R$C"
# a writable directory lets its writers rename another root-owned file over it
chmod 0775 "$R/etc/vfio-launch"
hostile "group-writable allowlist directory" "/etc/vfio-launch is owned by uid 0, mode 0775" 77 bind 0000:01:00.0
chmod 0755 "$R/etc/vfio-launch"
chown 65534 "$R/etc/vfio-launch"
hostile "allowlist directory owned by non-root" "/etc/vfio-launch is owned by uid 65534" 77 status
chown 0 "$R/etc/vfio-launch"
mv "$R$C" "$R/etc/vfio-launch/real.conf"
ln -s real.conf "$R$C"
hostile "allowlist is a symlink" "it must not be a symlink" 77 bind 0000:01:00.0
rm "$R$C"
mkdir "$R$C"
hostile "allowlist is a directory" "$C is not a regular file" 77 bind 0000:01:00.0
rmdir "$R$C"
hostile "allowlist missing" "cannot open $C: No such file" 78 status
mv "$R/etc/vfio-launch/real.conf" "$R$C"
printf '[pci 0000:01:00.0]\nid 10de:1b80\n' | setconf
hostile "allowlist syntax error" "$C:2: expected 'key = value'" 78 bind 0000:01:00.0
printf '[pci 0000:01:00.0]\nmode = 0666\n' | setconf
hostile "allowlist unknown key" "$C:2: unknown key 'mode'" 78 bind 0000:01:00.0
printf '[pci 0000:01:00.0/../x]\n' | setconf
hostile "allowlist traversal in a section" "$C:1: '0000:01:00.0/../x' is not a PCI address" 78 bind
printf '[pci 0000:01:00.0]\n[pci 0000:01:00.0]\n' | setconf
hostile "allowlist duplicate" "$C:2: 0000:01:00.0 is listed twice" 78 bind
printf '[pci 0000:01:00.0]\nid = nvidia\n' | setconf
hostile "allowlist bad pin" "$C:2: id 'nvidia' is not vendor:device" 78 bind
printf '[helper]\ngroup = vfio", MODE="0666\n' | setconf
hostile "udev rule injection through group" "is not a valid group name" 78 apply-rules
printf '[disk]\ndevice = /dev/disk/by-id/x", GROUP="users\n' | setconf
hostile "udev rule injection through disk" "$C:2: disk '/dev/disk/by-id/x\", GROUP=\"users'" 78 apply-rules
printf '[disk]\ndevice = /dev/disk/by-id/../../nvme0n1\n' | setconf
hostile "disk id traversal" "is not /dev/disk/by-id/NAME" 78 apply-rules
printf '[disk]\ndevice = /dev/nvme0n1p2\n' | setconf
hostile "disk by kernel name" "kernel names like /dev/sda change" 78 apply-rules
printf '[helper]\ngroup = nosuchgroup\n[disk]\ndevice = WWN=0x5002538e40a1b2c3\n' | setconf
hostile "group that does not exist" "group 'nosuchgroup' does not exist" 69 apply-rules
restore_conf
mv "$R/sys/devices/pci0000:00/0000:00:1d.0/0000:03:00.0/nvme/nvme0/nvme0n1/nvme0n1p2/uevent" "$tmp/uevent"
ln -s ../../../../../../../../../victim/file "$R/sys/devices/pci0000:00/0000:00:1d.0/0000:03:00.0/nvme/nvme0/nvme0n1/nvme0n1p2/uevent"
hostile "uevent is a symlink" "uevent is a symlink" 69 apply-rules
rm "$R/sys/devices/pci0000:00/0000:00:1d.0/0000:03:00.0/nvme/nvme0/nvme0n1/nvme0n1p2/uevent"
mv "$tmp/uevent" "$R/sys/devices/pci0000:00/0000:00:1d.0/0000:03:00.0/nvme/nvme0/nvme0n1/nvme0n1p2/uevent"

# ---- 4. command line and privileges
hostile "unknown subcommand" "unknown subcommand 'frobnicate'" 64 frobnicate
hostile "no subcommand" "missing subcommand" 64
hostile "unknown option" "usage: vfio-privhelper" 64 --sys=/tmp bind
hostile "status with an argument" "status takes no argument" 64 status 0000:01:00.0
hostile "apply-rules with an argument" "apply-rules takes no argument" 64 apply-rules /dev/sda
snap "$tmp/before"
rc=0
setpriv --reuid=65534 --regid=65534 --clear-groups "$PH" bind 0000:01:00.0 >"$tmp/out" 2>"$tmp/err" || rc=$?
n=$((n + 1))
check_refusal "not root" "must be run by root" 77 "$rc"
# A set-group-id copy run by root: the kernel sets AT_SECURE (egid != gid).
cp "$PH" "$tmp/bin/sgid"
chgrp 65534 "$tmp/bin/sgid"
chmod 2755 "$tmp/bin/sgid"
if findmnt -no OPTIONS -T "$tmp/bin" | grep -qw nosuid; then
	echo "note: $tmp is mounted nosuid, the AT_SECURE case cannot run here"
else
	snap "$tmp/before"
	rc=0
	"$tmp/bin/sgid" bind 0000:01:00.0 >"$tmp/out" 2>"$tmp/err" || rc=$?
	n=$((n + 1))
	check_refusal "set-group-id (AT_SECURE)" "AT_SECURE" 77 "$rc"
fi
[ "$n" -ge 40 ] || fail "only $n hostile cases"
echo "all $n hostile requests refused with no write"

# ---- 5. the expected writes, with the simulated kernel
# the driver core: an unbind write detaches at once; a drivers_probe write
# binds the driver named by driver_override (or the native one)
sim_unbind() {
	for u in "$P"/drivers/*/unbind; do
		[ -f "$u" ] && [ ! -L "$u" ] || continue
		ub=$(cat "$u")
		[ -n "$ub" ] || continue
		: >"$u"
		udrv=$(basename "$(dirname "$u")")
		echo "unbind $udrv $ub" >>"$tmp/kernel.log"
		rm -f "$P/devices/$ub/driver" "$P/drivers/$udrv/$ub"
		sed -i '/^DRIVER=/d' "$(readlink -f "$P/devices/$ub")/uevent"
	done
}
sim() {
	P=/sys/bus/pci
	i=0
	# stops when told, when the test's shell is gone, or after ~2 minutes
	while [ ! -e "$tmp/sim.stop" ] && kill -0 $$ 2>/dev/null && [ $i -lt 6000 ]; do
		i=$((i + 1))
		sim_unbind
		b=$(cat "$P/drivers_probe")
		if [ -n "$b" ]; then
			# the helper writes unbind before drivers_probe, and the
			# kernel finishes an unbind before the write returns
			sim_unbind
			: >"$P/drivers_probe"
			ov=$(cat "$P/devices/$b/driver_override")
			drv=
			if [ -L "$P/devices/$b/driver" ]; then
				:
			elif [ "$ov" = vfio-pci ]; then
				grep -qx "$b" "$tmp/refuse" 2>/dev/null || drv=vfio-pci
			elif [ -z "$ov" ] || [ "$ov" = "(null)" ]; then
				drv=$(cat "$tmp/native/$b")
			fi
			echo "probe $b -> ${drv:-none}" >>"$tmp/kernel.log"
			if [ -n "$drv" ]; then
				real=$(readlink -f "$P/devices/$b")
				ln -sr "$P/drivers/$drv" "$real/driver"
				ln -sr "$real" "$P/drivers/$drv/$b"
				sed -i "1i DRIVER=$drv" "$real/uevent"
			fi
		fi
		sleep 0.01
	done
}
sim &
simpid=$!
trap 'touch "$tmp/sim.stop"; wait $simpid 2>/dev/null' EXIT
: >"$tmp/kernel.log"
driver_of() { basename "$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null || echo none)"; }
# waits until the simulated kernel has consumed every write
settle() {
	for _ in $(seq 200); do
		[ -z "$(cat /sys/bus/pci/drivers_probe /sys/bus/pci/drivers/*/unbind 2>/dev/null)" ] && return 0
		sleep 0.01
	done
	fail "the simulated kernel did not settle"
}
run_ok() {
	: >"$tmp/kernel.log"
	rc=0
	"$PH" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ $rc -eq 0 ] || { cat "$tmp/out" "$tmp/err"; fail "vfio-privhelper $*: exit $rc"; }
	settle
	sleep 0.05
}
expect_log() {
	printf '%s\n' "$@" >"$tmp/kernel.want"
	diff -u "$tmp/kernel.want" "$tmp/kernel.log" || fail "kernel log differs"
}

run_ok bind 0000:01:00.0
expect_log "unbind nouveau 0000:01:00.0" "probe 0000:01:00.0 -> vfio-pci" \
	"unbind snd_hda_intel 0000:01:00.1" "probe 0000:01:00.1 -> vfio-pci"
assert_contains "$tmp/out" "0000:01:00.1: bound to vfio-pci"
assert_eq vfio-pci "$(cat /sys/bus/pci/devices/0000:01:00.0/driver_override)" "driver_override"
assert_eq vfio-pci "$(driver_of 0000:01:00.1)" "01:00.1 driver"
assert_eq pcieport "$(driver_of 0000:00:01.0)" "the bridge keeps its driver"
echo "ok - bind 0000:01:00.0 binds its group, writes as expected"

snap "$tmp/before"
run_ok bind 0000:01:00.1
snap "$tmp/after"
cmp -s "$tmp/before" "$tmp/after" || fail "a second bind wrote"
assert_contains "$tmp/out" "0000:01:00.0: already done"
echo "ok - bind again: nothing written"

run_ok status
cat "$tmp/out"
assert_contains "$tmp/out" "0000:01:00.0  10de:1b80"
assert_contains "$tmp/out" "IOMMU group 1, /dev/vfio/1"
assert_contains "$tmp/out" "driver: vfio-pci"
assert_contains "$tmp/out" "0000:0a:00.0  0000:0a:00.0: no such PCI device"
if [ -c /dev/vfio/1 ]; then assert_contains "$tmp/out" "/dev/vfio/1: group can open it"; fi
echo "ok - status"

run_ok unbind 0000:01:00.1
expect_log "unbind vfio-pci 0000:01:00.0" "probe 0000:01:00.0 -> nouveau" \
	"unbind vfio-pci 0000:01:00.1" "probe 0000:01:00.1 -> snd_hda_intel"
assert_eq "" "$(cat /sys/bus/pci/devices/0000:01:00.0/driver_override)" "driver_override cleared"
assert_eq nouveau "$(driver_of 0000:01:00.0)" "01:00.0 back on nouveau"
echo "ok - unbind gives the group back"

run_ok bind 0000:0f:00.0
expect_log "probe 0000:0f:00.0 -> vfio-pci"
echo "ok - bind of a device with no driver: no unbind write"

echo 0000:0c:00.1 >"$tmp/refuse"
: >"$tmp/kernel.log"
rc=0
"$PH" bind 0000:0c:00.0 >"$tmp/out" 2>"$tmp/err" || rc=$?
settle
sleep 0.05
[ "$rc" -eq 69 ] || fail "bind with a failing device: exit $rc"
assert_contains "$tmp/err" "0000:0c:00.1: vfio-pci did not take the device"
assert_contains "$tmp/out" "0000:0c:00.0: moving back: done"
assert_contains "$tmp/out" "0000:0c:00.1: moving back: done"
expect_log "unbind nouveau 0000:0c:00.0" "probe 0000:0c:00.0 -> vfio-pci" \
	"unbind snd_hda_intel 0000:0c:00.1" "probe 0000:0c:00.1 -> none" \
	"probe 0000:0c:00.1 -> snd_hda_intel" \
	"unbind vfio-pci 0000:0c:00.0" "probe 0000:0c:00.0 -> nouveau"
assert_eq nouveau "$(driver_of 0000:0c:00.0)" "0c:00.0 moved back"
assert_eq snd_hda_intel "$(driver_of 0000:0c:00.1)" "0c:00.1 moved back"
echo "ok - a failing device: the ones already moved are moved back"

# a signal (Ctrl-C, hang-up, stop) in the middle must not cut the rollback
: >"$tmp/kernel.log"
"$PH" bind 0000:0c:00.0 >"$tmp/out" 2>"$tmp/err" &
phpid=$!
for _ in $(seq 300); do grep -q "probe 0000:0c:00.1" "$tmp/kernel.log" && break; sleep 0.01; done
kill -TERM $phpid
kill -HUP $phpid
rc=0
wait $phpid || rc=$?
settle
sleep 0.05
[ "$rc" -eq 69 ] || { cat "$tmp/err"; fail "bind signalled mid-way: exit $rc, expected 69"; }
assert_contains "$tmp/err" "devices moved back"
assert_eq nouveau "$(driver_of 0000:0c:00.0)" "0c:00.0 moved back after a signal"
assert_eq snd_hda_intel "$(driver_of 0000:0c:00.1)" "0c:00.1 moved back after a signal"
echo "ok - SIGTERM and SIGHUP during bind: still moved back"

printf '[pci 0000:01:00.0]\nid = 10de:1b80\n[pci 0000:01:00.1]\n[pci 0000:0f:00.0]\n' | setconf
run_ok bind
expect_log "unbind nouveau 0000:01:00.0" "probe 0000:01:00.0 -> vfio-pci" \
	"unbind snd_hda_intel 0000:01:00.1" "probe 0000:01:00.1 -> vfio-pci"
assert_contains "$tmp/out" "0000:0f:00.0: already done"
echo "ok - bind with no argument binds every allowlisted device"
restore_conf

run_ok apply-rules
F=/etc/udev/rules.d/70-vfio-launch-disks.rules
assert_contains "$F" 'SUBSYSTEM=="block", SYMLINK=="disk/by-id/nvme-Samsung_SSD_970_EVO_1TB_S467NX0M123456-part2", GROUP="vfio", MODE="0660"'
assert_contains "$F" 'SUBSYSTEM=="block", ENV{ID_PART_ENTRY_UUID}=="0b2a1f4e-8c3d-4f7a-9d21-5e6f7a8b9c0d", GROUP="vfio", MODE="0660"'
assert_contains "$F" 'SUBSYSTEM=="block", ENV{DEVTYPE}=="disk", ENV{ID_WWN}=="0x5002538e40a1b2c3", GROUP="vfio", MODE="0660"'
assert_eq 0644 "$(stat -c %a "$F" | sed 's/^/0/')" "rule file mode"
grep -q KERNEL "$F" && fail "a rule matches on a kernel name"
assert_eq change "$(cat /sys/class/block/nvme0n1p2/uevent)" "nvme0n1p2 uevent"
assert_eq change "$(cat /sys/class/block/nvme0n1/uevent)" "nvme0n1 uevent"
assert_eq "" "$(cat /sys/class/block/nvme0n1p1/uevent)" "nvme0n1p1 untouched"
assert_contains "$tmp/out" "ata-ABSENT_DISK_123: not present now"
for f in /etc/udev/rules.d/* /etc/udev/rules.d/.[!.]*; do
	[ ! -e "$f" ] || [ "$f" = "$F" ] || fail "stray file $f in rules.d"
done
echo "ok - apply-rules writes the rule and triggers change uevents"
# an NVMe disk by WWN: udev links it as nvme-WWID, not wwn-WWID
printf '[disk]\ndevice = WWN=eui.0025388b91b0e1a2\n' | setconf
ln -s ../../nvme1n1 "$R/dev/disk/by-id/nvme-eui.0025388b91b0e1a2"
: >/sys/class/block/nvme1n1/uevent
run_ok apply-rules
assert_contains "$tmp/out" "eui.0025388b91b0e1a2 (nvme1n1): change uevent sent"
assert_eq change "$(cat /sys/class/block/nvme1n1/uevent)" "nvme1n1 uevent (WWN of an NVMe disk)"
rm "$R/dev/disk/by-id/nvme-eui.0025388b91b0e1a2"
restore_conf
run_ok apply-rules
echo "ok - apply-rules finds an NVMe disk given by WWN"
assert_eq precious "$(cat "$R/victim/file")" "victim file"
run_ok --version
version=$(sed -n 's/^#define VFIO_LAUNCH_VERSION "\(.*\)"$/\1/p' "$BUILD_DIR/gen/version.h")
assert_eq "vfio-privhelper $version" "$(cat "$tmp/out")" "--version"
run_ok --help
assert_contains "$tmp/out" "vfio-privhelper bind [BDF...]"
[ ! -s "$tmp/err" ] || fail "--help wrote to stderr"
echo "ok - --help and --version"
echo "all passed"
