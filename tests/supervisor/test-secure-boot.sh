#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# [vm] secure-boot = yes at run time, as the unprivileged test uid under
# TCG: a FAT disk holds an unsigned UEFI application as the removable-media
# boot path \EFI\BOOT\BOOTX64.EFI (tests/supervisor/unsigned-efi.c, built
# here with gnu-efi: it prints VFIO-LAUNCH-UNSIGNED-EFI-RAN on the console
# and powers off).
#  - secure-boot = yes (OVMF_CODE_4M.ms.fd + OVMF_VARS_4M.ms.fd: Microsoft's
#    keys enrolled, Secure Boot on): the firmware refuses to load it and
#    says so on the serial console ("BdsDxe: failed to load Boot0001 ...:
#    Access Denied"); the application never prints;
#  - secure-boot = no (the same disk, Debian's OVMF_CODE_4M.fd and its
#    VARS without keys): the application runs and prints, so the denial
#    above is Secure Boot's and not a broken disk or binary.
set -eu
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib.sh"

need_root
need_tool setpriv
need_tool qemu-system-x86_64
need_tool gcc
need_tool ld
need_tool objcopy
need_tool mkfs.vfat
need_tool mcopy
need_tool mmd
[ -x "$VL" ] || fail "$VL is missing: run 'make'"
for f in /usr/lib/crt0-efi-x86_64.o /usr/lib/elf_x86_64_efi.lds /usr/include/efi/efi.h; do
	[ -r "$f" ] || skip "needs $f (Debian package gnu-efi)"
done
for f in OVMF_CODE_4M.ms.fd OVMF_VARS_4M.ms.fd OVMF_CODE_4M.fd OVMF_VARS_4M.fd; do
	[ -r "/usr/share/OVMF/$f" ] || skip "needs /usr/share/OVMF/$f (Debian package ovmf)"
done
user_setup
spid=
trap '[ -z "$spid" ] || kill -KILL "$spid" 2>/dev/null; rm -rf "$USER_TMP"' EXIT

# ---- the unsigned application on a FAT image
w=$USER_TMP/efi
mkdir -p "$w"
gcc -I/usr/include/efi -I/usr/include/efi/x86_64 -DGNU_EFI_USE_MS_ABI -fpic -ffreestanding \
	-fno-stack-protector -fno-stack-check -fshort-wchar -mno-red-zone \
	-maccumulate-outgoing-args -Wall -Werror -c "$TOP_SRCDIR/tests/supervisor/unsigned-efi.c" \
	-o "$w/app.o"
ld -shared -Bsymbolic -nostdlib -T /usr/lib/elf_x86_64_efi.lds /usr/lib/crt0-efi-x86_64.o \
	"$w/app.o" -o "$w/app.so" -L/usr/lib -lgnuefi -lefi
objcopy -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym -j .rel -j .rela \
	-j '.rel.*' -j '.rela.*' -j .reloc --target efi-app-x86_64 --subsystem=10 \
	"$w/app.so" "$w/BOOTX64.EFI"
# No Authenticode signature: the PE's certificate table (data directory 4,
# at offset 152 of the PE32+ optional header) is empty.
python3 - "$w/BOOTX64.EFI" <<'EOF'
import struct, sys
b = open(sys.argv[1], "rb").read()
pe = struct.unpack_from("<I", b, 0x3c)[0]
assert b[pe:pe + 4] == b"PE\0\0"
opt = pe + 24
assert struct.unpack_from("<H", b, opt)[0] == 0x20b, "not PE32+"
va, size = struct.unpack_from("<II", b, opt + 112 + 4 * 8)
assert (va, size) == (0, 0), "the application is signed"
print("BOOTX64.EFI: PE32+, %d bytes, no certificate table" % len(b))
EOF
img=$USER_TMP/home/boot.img
mkfs.vfat -C "$img" 2048 >/dev/null
mmd -i "$img" ::/EFI ::/EFI/BOOT
mcopy -i "$img" "$w/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI

profile() { # NAME yes|no
	printf '%s\n' "[vm]" "name = $1" "memory = 256M" "accel = tcg" "firmware = uefi" \
		"secure-boot = $2" "" "[disk boot]" "path = $img" "format = raw"
}
profile sbon yes >"$USER_TMP/home/sbon.conf"
profile sboff no >"$USER_TMP/home/sboff.conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
clean() { tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;?=]*[A-Za-z]//g'; }

# ---- Secure Boot on: refused, on the serial console
rc=0
as_user "$VL" start "$USER_TMP/home/sbon.conf" >"$USER_TMP/start" 2>&1 </dev/null || rc=$?
cat "$USER_TMP/start"
[ "$rc" -eq 0 ] || fail "start exited $rc"
spid=$(sed -n 's/.*supervisor pid \([0-9]*\),.*/\1/p' "$USER_TMP/start")
log=$USER_TMP/home/.local/state/vfio-launch/sbon/log
i=0
refused='BdsDxe: failed to load Boot[0-9A-F]+ .*: (Access Denied|Security Violation)'
until clean "$log" | grep -Eq "$refused|VFIO-LAUNCH-UNSIGNED-EFI-RAN"; do
	kill -0 "$spid" 2>/dev/null || { clean "$log"; fail "the VM ended before the firmware loaded the disk's application"; }
	[ $i -lt 900 ] || { clean "$log"; fail "no 'failed to load' line from the firmware in 90 s"; }
	sleep 0.1
	i=$((i + 1))
done
as_user "$VL" stop --force "$USER_TMP/home/sbon.conf" >/dev/null 2>&1 || true
spid=
echo "--- secure-boot = yes, serial console:"
clean "$log" | grep -E "^BdsDxe|VFIO-LAUNCH" || true
clean "$log" | grep -Eq "$refused" ||
	fail "the firmware did not refuse the unsigned application"
clean "$log" | grep -q "VFIO-LAUNCH-UNSIGNED-EFI-RAN" &&
	fail "the unsigned application ran with Secure Boot on"

# ---- Secure Boot off: the same disk boots the same application
rc=0
as_user timeout -k 5 120 "$VL" run "$USER_TMP/home/sboff.conf" >"$USER_TMP/sboff.out" 2>&1 </dev/null || rc=$?
echo "--- secure-boot = no, serial console:"
clean "$USER_TMP/sboff.out" | grep -E "^BdsDxe|VFIO-LAUNCH|vfio-launch:" || true
clean "$USER_TMP/sboff.out" | grep -q "VFIO-LAUNCH-UNSIGNED-EFI-RAN" ||
	{ clean "$USER_TMP/sboff.out" | tail -20; fail "the application did not run with Secure Boot off (run exited $rc)"; }
assert_eq 0 "$rc" "run's exit status (the application powers the guest off)"
echo "PASS: Secure Boot refuses the unsigned application that runs without it"
