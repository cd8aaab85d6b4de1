#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every example profile (profiles/*.conf but demo.conf, the ones the
# package ships) parses, and `vfio-launch check` FAILs only on what this
# machine cannot have: the examples name hardware and host set-up that
# exist only on the machine they were written for. What counts as
# hardware- (or host-) dependent, by check line (first line of a FAIL):
#
#   vfio BDF         the PCI address is the example's: no such device here,
#                    or a device of this host there: no IOMMU group, not on
#                    vfio-pci, its group not ready or the host's, SR-IOV, or
#                    /dev/vfio/N does not open (all but "not a PCI address")
#   disk NAME        the by-id disk or image file does not exist here
#   kernel, initrd   the files next to the profile do not exist here
#   usb ...          no such USB bus, device not plugged in, nothing or a
#                    hub on the port, node not writable
#   evdev PATH       the input device does not exist here, or is not readable
#   memlock          the hard limit is below the need (admin set-up)
#   hugepages        the pool is smaller than the guest, no hugetlbfs of the
#                    size is mounted, or the user may not write there
#                    (admin set-up)
#   audio            no PulseAudio server answers for this user
#   accel            accel = kvm and /dev/kvm is not usable here
#   looking-glass    the profile's group = is one this user is not in
#   firmware*        OVMF is not installed (package ovmf)
#   tpm              swtpm is not installed (packages swtpm, swtpm-tools)
#   pin              a pinned CPU this host does not have, or has offline
#
# Anything else (a message about the profile itself) fails the test, as
# does a parse error (exit 78) or a WARN about the profile's own values
# (ISO without media = cdrom, format mismatch).
. "$(dirname "$0")/../lib.sh"
[ -x "$VL" ] || fail "$VL is missing: run 'make'"

T=$(mktemp -d /tmp/vl-examples.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/home" "$T/run"
chmod 0700 "$T/run"

allowed() {
	case "$1" in
	"FAIL  vfio "*"is not a PCI address"*) return 1 ;;
	"FAIL  vfio "*) ;; # every other vfio FAIL is about this host's device, IOMMU, driver or group
	"FAIL  disk "*": No such file or directory") ;;
	"FAIL  kernel: "*": No such file or directory" | "FAIL  initrd: "*": No such file or directory") ;;
	"FAIL  usb port "*": there is no USB bus "*" on this host") ;;
	"FAIL  usb port "*) ;; # nothing plugged, a hub, node not writable: all about this host's USB
	"FAIL  usb "*": no USB device "*" is plugged in") ;;
	"FAIL  evdev "*" does not exist" | "FAIL  evdev "*"Permission denied"*) ;;
	"FAIL  memlock: hard limit "*" needed "*) ;;
	"FAIL  hugepages: the guest's "*" needs "*" pages of "*) ;;
	"FAIL  hugepages: no hugetlbfs of "*" pages is mounted "*) ;;
	"FAIL  hugepages: "*" (hugetlbfs, "*" pages): "*) ;;
	"FAIL  audio: no PulseAudio server answers"*) ;;
	"FAIL  accel: "*) ;;
	"FAIL  looking-glass: you are not a member of the [looking-glass] group"*) ;;
	"FAIL  firmware"*": No such file or directory"*) ;;
	"FAIL  network: tap "*" does not exist" | "FAIL  network: bridge "*" does not exist") ;;
	"FAIL  network: mode = bridge: no tap of yours on bridge "*) ;;
	"FAIL  tpm: tpm = yes needs swtpm"*) ;;
	"FAIL  pin: [cpu] "*"-pin: CPU "*" does not exist on this host"* | "FAIL  pin: [cpu] pin: CPU "*" does not exist on this host"*) ;;
	"FAIL  pin: [cpu] "*": CPU "*" is offline"*) ;;
	*) return 1 ;;
	esac
}

n=0
for conf in "$TOP_SRCDIR"/profiles/*.conf; do
	name=$(basename "$conf" .conf)
	[ "$name" = demo ] && continue # boots build/guest: test-demo.sh covers it
	rc=0
	HOME=$T/home XDG_RUNTIME_DIR=$T/run XDG_STATE_HOME= XDG_CONFIG_HOME= PULSE_SERVER= \
		"$VL" check "$conf" >"$T/$name.out" 2>&1 || rc=$?
	case $rc in
	0 | 1) ;;
	*) cat "$T/$name.out"; fail "$name: check exited $rc (not a PASS/FAIL verdict)" ;;
	esac
	grep -q '^PASS  ' "$T/$name.out" || { cat "$T/$name.out"; fail "$name: no PASS line at all"; }
	grep '^WARN  disk ' "$T/$name.out" && fail "$name: a WARN about its own disk values"
	fails=0
	while IFS= read -r line; do
		allowed "$line" || { cat "$T/$name.out"; fail "$name: not a hardware-dependent FAIL: $line"; }
		fails=$((fails + 1))
	done <<-EOF2
	$(grep '^FAIL  ' "$T/$name.out")
	EOF2
	echo "$name: check exit $rc, $fails FAIL(s), each hardware-dependent"
	n=$((n + 1))
done
[ "$n" -ge 3 ] || fail "only $n example profiles checked"
