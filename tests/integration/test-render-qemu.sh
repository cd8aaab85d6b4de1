#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The golden argv files must be valid QEMU 7.2 command lines, not just
# match themselves. Each tests/data/golden/*.argv is started with the real
# QEMU (paused, -S) after replacing only what this machine cannot provide:
# KVM (-> TCG), host PCI devices (vfio-pci -> pci-testdev at the same bus/addr,
# so the root-port layout and function numbers are still QEMU's to
# accept), disk paths and the ivshmem/hugepages files (-> temp files), evdev
# nodes (dropped), a PulseAudio server (-> audiodev none, same id), a tap
# device (-> user), windows (-> -display none), the kernel (dropped), the
# supervisor's socket to swtpm (-> a swtpm of the test's on a unix socket).
# Then QMP (info qtree) must show the devices the golden file asked for.
# The example profiles (profiles/*.conf, what the package ships) go through
# the same: `vfio-launch cmdline` of each, then QEMU.
. "$(dirname "$0")/../lib.sh"

need_tool qemu-system-x86_64
need_tool socat
need_tool swtpm
GOLDEN="$TOP_SRCDIR/tests/data/golden"
T=$(mktemp -d /tmp/vl-render-qemu.XXXXXX)
qemu_pid= swtpm_pid=
cleanup() {
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
	[ -z "$swtpm_pid" ] || kill "$swtpm_pid" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
cp /usr/share/OVMF/OVMF_VARS_4M.fd "$T/vars.fd" 2>/dev/null || truncate -s 528K "$T/vars.fd"

# rewrite ARG: prints the argument to use instead, or nothing to drop it.
rewrite() {
	case "$1" in
	*/qemu-system-x86_64) echo qemu-system-x86_64 ;;
	kvm) echo tcg ;;
	# QEMU 7.2 refuses hv-vpindex under TCG; what needs it goes too
	# (launcher/resources/cpu_model.c renders the same subset for TCG)
	host | host,*) echo "max${1#host}" | sed -E 's/,hv-(vpindex|synic|stimer|tlbflush|ipi)//g' ;;
	memory-backend-file,id=ram,*) echo "memory-backend-file,id=ram,size=256M,mem-path=$T,share=on,prealloc=on" ;;
	memory-backend-memfd,id=ram,*) echo "$1" | sed 's/,size=[^,]*/,size=256M/' ;;
	if=pflash,*unit=1,*) echo "if=pflash,format=raw,unit=1,file=$T/vars.fd" ;;
	if=pflash,*) echo "$1" ;;
	file=*)
		# one image per drive (QEMU locks each image for writing)
		id=$(echo "$1" | sed 's/.*,id=\([^,]*\).*/\1/')
		truncate -s 16M "$T/$id.img"
		echo "file=$T/$id.img,${1#*,}" | sed 's/format=qcow2/format=raw/'
		;;
	# The supervisor's sockets (descriptors): the user's QMP socket on a
	# path of our own, null chardevs for the private QMP and the console.
	socket,id=qmp-user,fd=*) echo "socket,id=qmp-user,path=$T/qmp.sock,server=on,wait=off" ;;
	socket,id=qmp,fd=*) echo "null,id=qmp" ;;
	socket,id=serial0,fd=*) echo "null,id=serial0" ;;
	vfio-pci,*)
		# keep id, bus, addr and multifunction; the device is emulated
		echo "$1" | sed -e 's/^vfio-pci,host=[^,]*,/pci-testdev,/' -e 's/,x-vga=on//' -e 's/,romfile=.*//'
		;;
	pa,id=snd0*) echo "none,id=snd0" ;;
	tap,id=net0,*) echo "user,id=net0" ;;
	# mode = user: the launcher hands QEMU a socket at fd 10; here the
	# same stream netdev listens on a unix socket instead.
	stream,id=net0,addr.type=fd,*) echo "stream,id=net0,server=on,addr.type=unix,addr.path=$T/net-$name.sock" ;;
	# tpm = yes: swtpm's control channel, from a swtpm started below
	socket,id=chrtpm,fd=*) echo "socket,id=chrtpm,path=$T/tpm-$name.sock" ;;
	memory-backend-file,id=ivshmem,*) echo "$1" | sed "s|mem-path=[^,]*|mem-path=$T/ivshmem-$name|" ;; # sizes differ
	# display = spice: the SPICE socket in a directory of our own
	unix=on,addr=*) echo "unix=on,addr=$T/spice-$name.sock,disable-ticketing=on" ;;
	gtk | sdl) echo none ;;
	std) echo std ;;
	*) echo "$1" ;;
	esac
}

# the example profiles' argv, as a user with a clean runtime dir renders it
mkdir -p "$T/home" "$T/run"
for conf in "$TOP_SRCDIR"/profiles/*.conf; do
	name=example-$(basename "$conf" .conf)
	HOME=$T/home XDG_RUNTIME_DIR=$T/run XDG_STATE_HOME= XDG_CONFIG_HOME= \
		"$VL" cmdline "$conf" >"$T/$name.argv" 2>"$T/$name.err" ||
		{ cat "$T/$name.err"; fail "$name: cmdline failed"; }
done

checked=0
for argv in "$GOLDEN"/*.argv "$T"/example-*.argv; do
	name=$(basename "$argv" .argv)
	set --
	drop_next=0
	prev=
	while IFS= read -r a; do
		if [ $drop_next -eq 1 ]; then
			drop_next=0
			continue
		fi
		case "$a" in
		-kernel | -initrd | -append) drop_next=1; continue ;;
		# guest RAM: 256M here, whatever the profile asks (a paused
		# TCG guest; a large -m may exceed this machine's overcommit)
		-m) set -- "$@" -m 256M; drop_next=1; continue ;;
		-object | -chardev | -device) prev=$a; continue ;;
		-accel)
			# "-accel kvm -accel tcg" becomes one -accel tcg
			case " $* " in *" -accel "*) drop_next=1; continue ;; esac
			;;
		esac
		if [ -n "$prev" ]; then
			p=$prev
			prev=
			case "$a" in input-linux,*) continue ;; esac
			# [share]: vhost-user-fs-pci needs its virtiofsd at
			# realize; tests/share/test-share.sh runs the real one.
			case "$a" in socket,id=charfs*,fd=* | vhost-user-fs-pci,*) continue ;; esac
			set -- "$@" "$p"
		fi
		set -- "$@" "$(rewrite "$a")"
	done <"$argv"
	case " $* " in *" -S "*) ;; *) set -- "$@" -S ;; esac

	if grep -q '^socket,id=chrtpm,' "$argv"; then
		# It ends when QEMU closes the channel (--terminate).
		mkdir -p "$T/tpm-$name"
		swtpm socket --tpm2 --ctrl type=unixio,path="$T/tpm-$name.sock" \
			--tpmstate dir="$T/tpm-$name" --terminate >"$T/tpm-$name.log" 2>&1 &
		swtpm_pid=$!
		i=0
		until [ -S "$T/tpm-$name.sock" ]; do
			i=$((i + 1))
			[ $i -le 100 ] || { cat "$T/tpm-$name.log"; fail "$name: swtpm did not start"; }
			sleep 0.1
		done
	fi
	rm -f "$T/qmp.sock"
	"$@" >"$T/$name.log" 2>&1 </dev/null &
	qemu_pid=$!
	i=0
	while [ ! -S "$T/qmp.sock" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$qemu_pid" 2>/dev/null; then
			echo "--- $name: $*"
			cat "$T/$name.log"
			fail "$name: QEMU did not start"
		fi
		sleep 0.1
	done
	# The socket file appears at bind(), before QEMU listens: a connect
	# in between is refused. Retry until QMP greets (bounded), or QEMU
	# would wait for a quit that never came.
	i=0
	while :; do
		printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"human-monitor-command","arguments":{"command-line":"info qtree"}}' \
			'{"execute":"query-tpm"}' '{"execute":"quit"}' |
			socat -t 5 - "UNIX-CONNECT:$T/qmp.sock" >"$T/$name.qmp" 2>&1 || true
		grep -q '"QMP"' "$T/$name.qmp" && break
		i=$((i + 1))
		if [ $i -gt 50 ] || ! kill -0 "$qemu_pid" 2>/dev/null; then
			kill -9 "$qemu_pid" 2>/dev/null || true
			cat "$T/$name.qmp" "$T/$name.log"
			fail "$name: QMP never answered"
		fi
		sleep 0.1
	done
	# quit was sent; bounded, in case socat's -t 5 gave up before QEMU
	# read it (a large preallocated -m under load): then quit again.
	i=0
	while kill -0 "$qemu_pid" 2>/dev/null && [ $i -lt 600 ]; do
		[ $((i % 100)) -ne 99 ] ||
			printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"quit"}' |
				socat -t 5 - "UNIX-CONNECT:$T/qmp.sock" >/dev/null 2>&1 || true
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$qemu_pid" 2>/dev/null; then
		kill -9 "$qemu_pid" 2>/dev/null || true
		cat "$T/$name.log"
		fail "$name: QEMU did not quit within 60 s of QMP quit"
	fi
	if ! wait "$qemu_pid"; then
		cat "$T/$name.log"
		fail "$name: QEMU failed"
	fi
	qemu_pid=
	if [ -n "$swtpm_pid" ]; then
		wait "$swtpm_pid" || fail "$name: swtpm failed"
		swtpm_pid=
	fi
	grep -q 'dev: q35-pcihost' "$T/$name.qmp" || { cat "$T/$name.qmp" "$T/$name.log"; fail "$name: no info qtree answer"; }

	# Count devices by vendor:device (decimal in QMP) against the argv.
	# Paused, the firmware has not numbered the buses behind the root
	# ports yet (query-pci would not list what sits there): count the
	# devices in the device tree instead.
	count() { grep -o "dev: $1, id" "$T/$name.qmp" | wc -l; }
	want_rp=$(grep -c '^pcie-root-port,' "$argv" || true)
	want_vfio=$(grep -c '^vfio-pci,' "$argv" || true)
	want_ivshmem=$(grep -c '^ivshmem-plain,' "$argv" || true)
	want_xhci=$(grep -c '^qemu-xhci,' "$argv" || true)
	want_nvme=$(grep -c '^nvme,' "$argv" || true)
	want_tpm=$(grep -c '^tpm-crb,' "$argv" || true)
	assert_eq "$want_rp" "$(count pcie-root-port)" "$name: pcie-root-port"
	assert_eq "$want_vfio" "$(count pci-testdev)" "$name: passthrough stand-ins (pci-testdev)"
	assert_eq "$want_ivshmem" "$(count ivshmem-plain)" "$name: ivshmem-plain"
	assert_eq "$want_xhci" "$(count qemu-xhci)" "$name: qemu-xhci"
	assert_eq "$want_nvme" "$(count nvme)" "$name: nvme"
	# QEMU 7.2's tpm-crb sits on no bus (info qtree omits it): query-tpm
	assert_eq "$want_tpm" "$(grep -o '"model": "tpm-crb"' "$T/$name.qmp" | wc -l)" "$name: tpm-crb"
	echo "$name: QEMU accepted it; PCI: $want_rp root ports, $want_vfio passthrough, $want_ivshmem ivshmem, $want_xhci xhci, $want_nvme nvme; $want_tpm tpm-crb"
	checked=$((checked + 1))
done
[ "$checked" -ge 8 ] || fail "only $checked argv files checked (golden and examples)"
