#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the demo guest into OUTDIR (build/guest/):
#   vmlinuz          the host's own kernel when readable, else Debian's
#                    kernel package, downloaded (not installed) and unpacked
#   initramfs.cpio.gz  busybox-static + tests/guest/init (cpio newc, gzip)
#                    + the kernel's virtio-net modules (modules/, below)
#   modules/         the modules the network test needs that Debian builds
#                    as modules (virtio_pci, virtio_net, ...), uncompressed,
#                    from the same kernel package or the host's /lib/modules;
#                    modules/order lists them in load order
# Usage: mkguest.sh OUTDIR [kernel|initramfs]   (default: both)
set -eu
out=${1:?usage: mkguest.sh OUTDIR [kernel|initramfs]}
what=${2:-all}
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"

# Downloads the kernel package into $1: linux-image-amd64 is Debian's
# metapackage; it depends on the current ABI's package
# (linux-image-6.1.0-NN-amd64), which holds the kernel.
download() {
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ ]*-amd64\).*/\1/p' | head -n 1)
	[ -n "$pkg" ] || return 1
	echo "guest kernel: /boot/vmlinuz-$(uname -r) is not readable; downloading $pkg"
	# As root apt-get warns that its _apt user cannot write here; harmless.
	(cd "$1" && apt-get download -q "$pkg") 2>&1 | grep -v '^W: Download is performed unsandboxed' || true
	ls "$1"/*.deb >/dev/null 2>&1
}

kernel() {
	host=/boot/vmlinuz-$(uname -r)
	if [ -r "$host" ]; then
		echo "guest kernel: the host's $host"
		cp "$host" "$out/vmlinuz.tmp"
		mv "$out/vmlinuz.tmp" "$out/vmlinuz"
		modules_from host
		return 0
	fi
	tmp=$(mktemp -d "$out/kernel.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	if ! download "$tmp"; then
		# Package lists missing or stale (the mirror dropped that
		# version): refresh them when we may, and try once more.
		[ "$(id -u)" -eq 0 ] || {
			echo "mkguest: could not download Debian's kernel package; run 'sudo apt-get update' and retry" >&2
			exit 1
		}
		apt-get update -qq
		download "$tmp" || { echo "mkguest: could not download Debian's kernel package" >&2; exit 1; }
	fi
	deb=$(ls "$tmp"/*.deb)
	# Only ./boot is needed: unpacking the whole package (dpkg-deb -x)
	# would write its ~400 MB of modules too.
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*'
	set -- "$tmp"/boot/vmlinuz-*
	[ -f "$1" ] || { echo "mkguest: no boot/vmlinuz-* in $deb" >&2; exit 1; }
	mv "$1" "$out/vmlinuz"
	modules_from "$deb"
	rm -rf "$tmp"
	trap - EXIT
}

# Load order (modinfo depends): virtio_ring before virtio, the PCI
# transport's helpers before virtio_pci, failover before virtio_net;
# fuse before virtiofs (the [share] test, tests/share/).
MODULES="drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_legacy_dev
drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci net/core/failover
drivers/net/net_failover drivers/net/virtio_net fs/fuse/fuse fs/fuse/virtiofs"

# Fills $out/modules from the kernel package $1, or from /lib/modules of
# the running kernel when $1 is "host". A module built in (absent) or
# compressed (busybox insmod reads plain .ko only) is left out.
modules_from() {
	rm -rf "$out/modules" && mkdir -p "$out/modules"
	: > "$out/modules/order"
	if [ "$1" = host ]; then
		src_dir=/lib/modules/$(uname -r)/kernel
	else
		src_dir=$(mktemp -d "$out/mods.XXXXXX")
		pats=
		for m in $MODULES; do pats="$pats ./lib/modules/*/kernel/$m.ko"; done
		# Not every module exists in every kernel: no error for those.
		dpkg-deb --fsys-tarfile "$1" | tar -x -C "$src_dir" --wildcards $pats 2>/dev/null || true
		src_dir=$(echo "$src_dir"/lib/modules/*/kernel)
	fi
	for m in $MODULES; do
		[ -f "$src_dir/$m.ko" ] || continue
		cp "$src_dir/$m.ko" "$out/modules/"
		echo "${m##*/}" >> "$out/modules/order"
	done
	# What this modules/ was made for: a longer MODULES list refetches.
	echo "$MODULES" > "$out/modules/wanted"
	[ "$1" = host ] || rm -rf "${src_dir%/lib/modules/*}"
}

# modules/ for a kernel built before it existed: the host's, or the
# kernel package downloaded once more.
modules() {
	if [ -r "/boot/vmlinuz-$(uname -r)" ] && cmp -s "/boot/vmlinuz-$(uname -r)" "$out/vmlinuz"; then
		modules_from host
		return
	fi
	tmp=$(mktemp -d "$out/kernel.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	if download "$tmp"; then
		modules_from "$(ls "$tmp"/*.deb)"
	else
		echo "mkguest: no kernel package for the modules; the guest has no network" >&2
	fi
	rm -rf "$tmp"
	trap - EXIT
}

initramfs() {
	bb=/bin/busybox
	[ -x "$bb" ] || { echo "mkguest: $bb missing (Debian package busybox-static)" >&2; exit 1; }
	# A static busybox only: the initramfs has no libraries.
	if ldd "$bb" >/dev/null 2>&1; then
		echo "mkguest: $bb is dynamically linked; install busybox-static" >&2
		exit 1
	fi
	root=$(mktemp -d "$out/initramfs.XXXXXX")
	mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" \
		"$root/proc" "$root/sys" "$root/dev" "$root/tmp"
	cp "$bb" "$root/bin/busybox"
	# The symlinks that 'busybox --install -s' would make, made on the host
	# (running it in the guest at every boot costs time under TCG).
	for applet in $("$bb" --list); do
		[ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
	done
	# The power-button helper (pwrbtn.c): static, like busybox.
	${CC:-cc} -static -O2 -o "$root/bin/pwrbtn" "$src/pwrbtn.c" || {
		echo "mkguest: cannot build a static pwrbtn (needs libc6-dev's libc.a)" >&2
		exit 1
	}
	cp "$src/init" "$root/init"
	{ [ -f "$out/modules/order" ] && [ "$(cat "$out/modules/wanted" 2>/dev/null)" = "$MODULES" ]; } || modules
	if [ -f "$out/modules/order" ]; then
		mkdir -p "$root/lib/modules"
		cp "$out"/modules/* "$root/lib/modules/"
	fi
	chmod 0755 "$root/init"
	# The console before devtmpfs is mounted, so the kernel can open it
	# for init's stdio.
	mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
	(cd "$root" && find . -print | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
		gzip -9 -n > "$out/initramfs.cpio.gz.tmp"
	mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
	rm -rf "$root"
}

case $what in
kernel) kernel ;;
initramfs) initramfs ;;
all) kernel && initramfs ;;
*) echo "mkguest: unknown part '$what'" >&2; exit 64 ;;
esac
# The demo runs as an unprivileged uid: the guest must be readable by it.
chmod 0755 "$out"
chmod 0644 "$out"/vmlinuz* "$out"/initramfs.cpio.gz 2>/dev/null || true
