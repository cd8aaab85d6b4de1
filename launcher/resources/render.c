// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Render: profile x resolved host facts -> QEMU argv. Pure: no I/O, no
 * environment, no host probing; everything host-dependent comes in
 * struct render_env. Every option below is checked against QEMU 7.2
 * (`qemu-system-x86_64 -device NAME,help`, docs/system/invocation).
 *
 * QEMU option values are comma-separated key=value lists; a ',' inside a
 * value is written ",," (QEMU's QemuOpts syntax). Paths from the profile
 * may contain commas, so every path goes through qemu_escape().
 */
#include "render.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "ivshmem.h"
#include "paths.h"
#include "profile.h"

/* q35's built-in ICH9 AHCI controller (00:1f.2) has six ports, buses
 * "ide.0" .. "ide.5" (QEMU hw/i386/pc_q35.c, ICH_AHCI_PORTS). */
#define Q35_AHCI_PORTS 6
/* Root ports for passthrough sit in guest slots 0x10 .. 0x1e of pcie.0:
 * above the slots QEMU auto-assigns to other devices (it takes the lowest
 * free slot, and the root ports are added first), below the ICH9
 * functions at 0x1f. */
#define ROOT_PORT_FIRST_SLOT 0x10
#define ROOT_PORT_MAX 15
/* Vendor string for hide-hypervisor: anything but "Microsoft Hv" keeps
 * NVIDIA's consumer driver from refusing to load (error 43); libvirt's
 * documentation uses the same style of value (<vendor_id value=...>).
 * QEMU's hv-vendor-id takes at most 12 characters. */
#define HV_VENDOR_ID "vfiolaunch00"

/* value with ',' doubled; malloc'd, NULL on -ENOMEM. */
static char *qemu_escape(const char *s)
{
	size_t n = 0;
	char *r, *o;

	for (const char *c = s; *c; c++)
		n += *c == ',' ? 2 : 1;
	r = malloc(n + 1);
	if (!r)
		return NULL;
	o = r;
	for (const char *c = s; *c; c++) {
		*o++ = *c;
		if (*c == ',')
			*o++ = ',';
	}
	*o = '\0';
	return r;
}

#define TRY(expr)                                                              \
	do {                                                                   \
		int _r = (expr);                                               \
		if (_r < 0)                                                    \
			return _r;                                             \
	} while (0)

/* Pushes a flag and its formatted value. */
static int push2(struct strv *sv, const char *flag, const char *value)
{
	TRY(strv_push(sv, flag));
	return strv_push(sv, value);
}

/* One physical slot (domain:bus:device) of [pci] devices; its functions
 * share one pcie-root-port in the guest. */
struct pci_slot {
	char key[11];         /* "0000:01:00" */
	size_t items[8];      /* indexes into p->pci, sorted by function */
	size_t n;
	bool has_function0;
};

static unsigned bdf_function(const char *bdf)
{
	/* "0000:01:00.F": normalised by the parser, F is 0-7. */
	return (unsigned)(bdf[11] - '0');
}

/* Groups p->pci by physical slot, in order of first appearance. Returns
 * the number of slots, or -EINVAL when a BDF is malformed, repeated, or
 * there are more slots than root ports. */
static int pci_group(const struct profile *p, struct pci_slot *slots, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_pci; i++) {
		const char *bdf = p->pci[i].bdf;
		size_t s;

		if (strlen(bdf) != 12 || bdf[4] != ':' || bdf[7] != ':' ||
		    bdf[10] != '.' || bdf[11] < '0' || bdf[11] > '7')
			return -EINVAL;
		for (s = 0; s < n; s++)
			if (strncmp(slots[s].key, bdf, 10) == 0)
				break;
		if (s == n) {
			if (n == max)
				return -EINVAL;
			slots[n] = (struct pci_slot){ 0 };
			memcpy(slots[n].key, bdf, 10);
			n++;
		}
		/* insertion sort by function; a repeated BDF is an error */
		size_t k = slots[s].n;
		for (size_t j = 0; j < slots[s].n; j++) {
			unsigned fj = bdf_function(p->pci[slots[s].items[j]].bdf);
			if (fj == bdf_function(bdf))
				return -EINVAL;
			if (fj > bdf_function(bdf) && k == slots[s].n)
				k = j;
		}
		memmove(&slots[s].items[k + 1], &slots[s].items[k],
			(slots[s].n - k) * sizeof(size_t));
		slots[s].items[k] = i;
		slots[s].n++;
		if (bdf_function(bdf) == 0)
			slots[s].has_function0 = true;
	}
	return (int)n;
}

/* q35 or one of its versioned names ("pc-q35-7.2"): the machine whose
 * buses (pcie.0, the ICH9 AHCI ports ide.0-5) render.c addresses. */
static bool machine_is_q35(const char *machine)
{
	return !machine || startswith(machine, "q35") || startswith(machine, "pc-q35-");
}

const char *render_validate(const struct profile *p)
{
	struct pci_slot slots[ROOT_PORT_MAX];
	unsigned n_ahci = 0;

	if (!vm_name_valid(p->name))
		return "[vm] name must be 1-64 characters of A-Z a-z 0-9 _ . -";
	if (p->memory == 0 || p->memory % (1ULL << 20) != 0)
		return "[vm] memory must be a whole number of MiB";
	if (pci_group(p, slots, ROOT_PORT_MAX) < 0)
		return "[pci] devices must be distinct BDFs on at most 15 physical slots";
	for (size_t i = 0; i < p->n_disks; i++) {
		const struct disk_item *d = &p->disks[i];
		if (d->interface == DISK_SATA)
			n_ahci++;
		/* QEMU 7.2 ide-hd refuses a read-only drive ("Block node is
		 * read-only"); ide-cd, scsi-hd, virtio-blk and nvme take one. */
		if (d->interface == DISK_SATA && d->readonly && d->media != DISK_MEDIA_CDROM)
			return "a read-only [disk] cannot use interface = sata (QEMU's ide-hd "
			       "has no read-only mode); use virtio or scsi";
		if (d->media == DISK_MEDIA_CDROM && d->interface == DISK_NVME)
			return "a [disk] with media = cdrom needs interface sata, scsi or virtio";
	}
	if (!machine_is_q35(p->machine) && (p->n_pci || n_ahci))
		return "[pci] devices and sata disks need machine = q35 (their guest buses "
		       "are q35's PCIe root and AHCI ports)";
	if (n_ahci > Q35_AHCI_PORTS)
		return "at most 6 [disk] sections may use interface = sata (the q35 AHCI ports)";
	if (p->sockets || p->cores || p->threads) {
		if (!p->sockets || !p->cores || !p->threads)
			return "[vm] topology needs sockets, cores and threads";
	}
	return NULL;
}

/* Size for QEMU's size properties and -m: the exact binary unit ("16G"). */
static void qemu_size(uint64_t bytes, char *buf, size_t len)
{
	format_size(bytes, buf, len);
}

static int render_machine(const struct profile *p, const struct render_env *env,
			  struct strv *sv)
{
	char size[32];
	_cleanup_free_ char *machine = qemu_escape(p->machine ? p->machine : "q35");

	if (!machine)
		return -ENOMEM;
	TRY(strv_push(sv, "-machine"));
	if (p->hugepages)
		TRY(strv_pushf(sv, "%s,memory-backend=ram", machine));
	else
		TRY(strv_push(sv, machine));

	switch (env->accel) {
	case ACCEL_KVM:
		TRY(push2(sv, "-accel", "kvm"));
		break;
	case ACCEL_TCG:
		TRY(push2(sv, "-accel", "tcg"));
		break;
	default:
		/* Not probed (cmdline): QEMU tries each -accel in order. */
		TRY(push2(sv, "-accel", "kvm"));
		TRY(push2(sv, "-accel", "tcg"));
		break;
	}

	/* "host" exists only under KVM; with the "-accel kvm -accel tcg"
	 * fallback the model must work on both, and "max" is host
	 * passthrough under KVM and every emulated feature under TCG
	 * (QEMU docs/system/cpu-models-x86). kvm=off hides the KVM CPUID
	 * signature; hv-vendor-id replaces "Microsoft Hv". */
	TRY(strv_push(sv, "-cpu"));
	if (p->hide_hypervisor)
		TRY(strv_pushf(sv, "%s,kvm=off,hv-vendor-id=" HV_VENDOR_ID,
			       env->accel == ACCEL_KVM ? "host" : "max"));
	else
		TRY(strv_push(sv, env->accel == ACCEL_KVM ? "host" : "max"));

	qemu_size(p->memory, size, sizeof(size));
	TRY(push2(sv, "-m", size));

	if (p->sockets) {
		TRY(strv_push(sv, "-smp"));
		TRY(strv_pushf(sv, "%u,sockets=%u,cores=%u,threads=%u",
			       p->sockets * p->cores * p->threads, p->sockets,
			       p->cores, p->threads));
	} else {
		TRY(strv_push(sv, "-smp"));
		TRY(strv_pushf(sv, "%u", p->cpus ? p->cpus : 1));
	}

	if (p->hugepages) {
		/* QEMU 7.2 -machine memory-backend=: "-object
		 * memory-backend-file,id=pc.ram,size=512M,mem-path=/hugetlbfs,
		 * prealloc=on,share=on -machine memory-backend=pc.ram -m 512M"
		 * (docs/system/invocation, -machine). The size must equal -m. */
		TRY(strv_push(sv, "-object"));
		TRY(strv_pushf(sv,
			       "memory-backend-file,id=ram,size=%s,"
			       "mem-path=/dev/hugepages,share=on,prealloc=on",
			       size));
	}
	return 0;
}

static int render_firmware(const struct profile *p, const struct render_env *env,
			   struct strv *sv)
{
	if (p->firmware == FIRMWARE_UEFI) {
		const char *vars = env->paths ? env->paths->ovmf_vars : NULL;
		_cleanup_free_ char *code = NULL, *evars = NULL;

		if (!p->ovmf_code || !vars)
			return -EINVAL;
		code = qemu_escape(p->ovmf_code);
		evars = qemu_escape(vars);
		if (!code || !evars)
			return -ENOMEM;
		/* OVMF's README: CODE read-only on unit 0, the VM's own
		 * writable VARS on unit 1. */
		TRY(strv_push(sv, "-drive"));
		TRY(strv_pushf(sv, "if=pflash,format=raw,unit=0,readonly=on,file=%s", code));
		TRY(strv_push(sv, "-drive"));
		TRY(strv_pushf(sv, "if=pflash,format=raw,unit=1,file=%s", evars));
	}
	/* -kernel etc. take the whole argument as the path: no escaping. */
	if (p->kernel)
		TRY(push2(sv, "-kernel", p->kernel));
	if (p->initrd)
		TRY(push2(sv, "-initrd", p->initrd));
	if (p->append)
		TRY(push2(sv, "-append", p->append));
	return 0;
}

static bool any_x_vga(const struct profile *p)
{
	for (size_t i = 0; i < p->n_pci; i++)
		if (p->pci[i].x_vga)
			return true;
	return false;
}

/* A descriptor number from env, or the placeholder cmdline shows. */
static int fd_or(int fd, int placeholder)
{
	return fd > 0 ? fd : placeholder;
}

static int render_display(const struct profile *p, const struct render_env *env,
			  struct strv *sv)
{
	switch (p->display) {
	case DISPLAY_GTK:
		TRY(push2(sv, "-display", "gtk"));
		break;
	case DISPLAY_SDL:
		TRY(push2(sv, "-display", "sdl"));
		break;
	default:
		TRY(push2(sv, "-display", "none"));
		break;
	}
	/* The passed GPU is the guest's display (x-vga), or there is no
	 * display at all: no emulated VGA. Otherwise the window needs one. */
	TRY(push2(sv, "-vga",
		  p->display == DISPLAY_NONE || any_x_vga(p) ? "none" : "std"));
	/* The supervisor's sockets, handed in by number (supervisor.h):
	 * chardev socket with fd= and server=off uses a connected socket as
	 * it is, with server=on a bound one as the listener (QEMU 7.2
	 * chardev/char-socket.c, util/qemu-sockets.c socket_get_fd). The
	 * guest's serial console goes through the supervisor to the
	 * terminal (the demo guest reports there); the supervisor's private
	 * QMP channel, and the user's QMP socket (qmp.sock, which QEMU
	 * serves itself); no human monitor. */
	TRY(strv_push(sv, "-chardev"));
	TRY(strv_pushf(sv, "socket,id=serial0,fd=%d", fd_or(env->serial_fd, RENDER_FD_SERIAL)));
	TRY(push2(sv, "-serial", "chardev:serial0"));
	TRY(push2(sv, "-monitor", "none"));
	TRY(strv_push(sv, "-chardev"));
	TRY(strv_pushf(sv, "socket,id=qmp,fd=%d", fd_or(env->qmp_fd, RENDER_FD_QMP)));
	TRY(push2(sv, "-mon", "chardev=qmp,mode=control"));
	TRY(strv_push(sv, "-chardev"));
	TRY(strv_pushf(sv, "socket,id=qmp-user,fd=%d,server=on,wait=off",
		       fd_or(env->qmp_user_fd, RENDER_FD_QMP_USER)));
	TRY(push2(sv, "-mon", "chardev=qmp-user,mode=control"));

	if (p->sandbox != SANDBOX_OFF)
		/* QEMU's own seccomp filter (-sandbox, QEMU 7.2), on top of
		 * the launcher's: obsolete syscalls, setuid family, fork/exec
		 * and sched/priority changes denied. */
		TRY(push2(sv, "-sandbox",
			  "on,obsolete=deny,elevateprivileges=deny,spawn=deny,"
			  "resourcecontrol=deny"));
	return 0;
}

static int render_pci(const struct profile *p, struct strv *sv)
{
	struct pci_slot slots[ROOT_PORT_MAX];
	int n = pci_group(p, slots, ROOT_PORT_MAX);

	if (n < 0)
		return n;
	/* One pcie-root-port per physical slot, as libvirt places each
	 * hostdev on its own root port on q35 (qemuDomainAssignPCIAddresses);
	 * chassis/port numbering follows libvirt's (chassis = index,
	 * port = 0x10 + index). All root ports first, with fixed slots,
	 * so devices added later with automatic addresses cannot take them. */
	for (int s = 0; s < n; s++) {
		TRY(strv_push(sv, "-device"));
		TRY(strv_pushf(sv, "pcie-root-port,id=rp%d,bus=pcie.0,addr=0x%x,chassis=%d,port=0x%x",
			       s, ROOT_PORT_FIRST_SLOT + s, s + 1, 0x10 + s));
	}
	for (int s = 0; s < n; s++) {
		for (size_t j = 0; j < slots[s].n; j++) {
			const struct pci_item *it = &p->pci[slots[s].items[j]];
			/* Functions keep their number when function 0 is
			 * passed too; otherwise they are packed from 0, since
			 * a guest only scans a slot whose function 0 exists. */
			unsigned fn = slots[s].has_function0 ? bdf_function(it->bdf) : (unsigned)j;
			bool mf = it->multifunction || (fn == 0 && slots[s].n > 1);
			_cleanup_free_ char *rom = NULL;

			if (it->romfile) {
				rom = qemu_escape(it->romfile);
				if (!rom)
					return -ENOMEM;
			}
			TRY(strv_push(sv, "-device"));
			TRY(strv_pushf(sv, "vfio-pci,host=%s,id=hostdev%zu,bus=rp%d,addr=0x0.0x%x%s%s%s%s",
				       it->bdf, slots[s].items[j], s, fn,
				       it->x_vga ? ",x-vga=on" : "",
				       mf ? ",multifunction=on" : "",
				       rom ? ",romfile=" : "", rom ? rom : ""));
		}
	}
	return 0;
}

static const char *disk_cache_string(enum disk_cache c)
{
	switch (c) {
	case DISK_CACHE_WRITEBACK:
		return "writeback";
	case DISK_CACHE_WRITETHROUGH:
		return "writethrough";
	default:
		return "none";
	}
}

static int render_disks(const struct profile *p, struct strv *sv)
{
	unsigned ahci = 0, scsi_unit = 0;
	bool scsi = false;

	for (size_t i = 0; i < p->n_disks; i++) {
		const struct disk_item *d = &p->disks[i];
		if (d->interface == DISK_SCSI ||
		    (d->interface == DISK_VIRTIO && d->media == DISK_MEDIA_CDROM))
			scsi = true;
	}
	/* One virtio-scsi controller for every scsi disk (and virtio cdrom:
	 * virtio-blk has no removable media). */
	if (scsi)
		TRY(push2(sv, "-device", "virtio-scsi-pci,id=scsi0"));

	for (size_t i = 0; i < p->n_disks; i++) {
		const struct disk_item *d = &p->disks[i];
		bool cdrom = d->media == DISK_MEDIA_CDROM;
		_cleanup_free_ char *path = qemu_escape(d->path);
		_cleanup_free_ char *serial = NULL;

		if (!path)
			return -ENOMEM;
		/* -drive if=none + a front-end -device: QEMU picks the
		 * protocol (file or host_device) from the path itself. */
		TRY(strv_push(sv, "-drive"));
		TRY(strv_pushf(sv, "file=%s,if=none,id=drive%zu,format=%s,cache=%s%s%s%s",
			       path, i,
			       d->format == DISK_FORMAT_QCOW2 ? "qcow2" : "raw",
			       disk_cache_string(d->cache),
			       d->discard ? ",discard=unmap" : "",
			       cdrom ? ",media=cdrom" : "",
			       d->readonly || cdrom ? ",readonly=on" : ""));
		TRY(strv_push(sv, "-device"));
		switch (d->interface) {
		case DISK_SATA:
			TRY(strv_pushf(sv, "%s,bus=ide.%u,drive=drive%zu,id=disk%zu",
				       cdrom ? "ide-cd" : "ide-hd", ahci++, i, i));
			break;
		case DISK_NVME:
			/* nvme requires serial=; the NVMe serial number field
			 * is 20 bytes (NVMe base spec, Identify Controller). */
			if (asprintf(&serial, "%.20s", d->name ? d->name : "disk") < 0)
				return -ENOMEM;
			{
				_cleanup_free_ char *es = qemu_escape(serial);
				if (!es)
					return -ENOMEM;
				TRY(strv_pushf(sv, "nvme,drive=drive%zu,id=disk%zu,serial=%s",
					       i, i, es));
			}
			break;
		case DISK_SCSI:
			TRY(strv_pushf(sv, "%s,bus=scsi0.0,scsi-id=%u,drive=drive%zu,id=disk%zu",
				       cdrom ? "scsi-cd" : "scsi-hd", scsi_unit++, i, i));
			break;
		default: /* DISK_VIRTIO */
			if (cdrom)
				TRY(strv_pushf(sv, "scsi-cd,bus=scsi0.0,scsi-id=%u,drive=drive%zu,id=disk%zu",
					       scsi_unit++, i, i));
			else
				TRY(strv_pushf(sv, "virtio-blk-pci,drive=drive%zu,id=disk%zu", i, i));
			break;
		}
	}
	return 0;
}

static int render_network(const struct profile *p, struct strv *sv)
{
	_cleanup_free_ char *model = NULL;

	if (p->net_mode == NET_NONE)
		return 0;
	model = qemu_escape(p->net_model ? p->net_model : "virtio-net-pci");
	if (!model)
		return -ENOMEM;
	TRY(strv_push(sv, "-netdev"));
	if (p->net_mode == NET_TAP) {
		_cleanup_free_ char *tap = NULL;
		if (!p->net_tap)
			return -EINVAL;
		tap = qemu_escape(p->net_tap);
		if (!tap)
			return -ENOMEM;
		/* script=no: QEMU must not run the root ifup script; the tap
		 * device exists already (created by the admin, owned by the
		 * user). */
		TRY(strv_pushf(sv, "tap,id=net0,ifname=%s,script=no,downscript=no", tap));
	} else {
		TRY(strv_push(sv, "user,id=net0"));
	}
	TRY(strv_push(sv, "-device"));
	if (p->net_mac) {
		_cleanup_free_ char *mac = qemu_escape(p->net_mac);
		if (!mac)
			return -ENOMEM;
		return strv_pushf(sv, "%s,netdev=net0,mac=%s", model, mac);
	}
	return strv_pushf(sv, "%s,netdev=net0", model);
}

static int render_audio(const struct profile *p, const struct render_env *env,
			struct strv *sv)
{
	const char *server = env->audio_server ? env->audio_server : p->audio_server;
	const char *codec;

	if (p->audio_backend != AUDIO_PULSE || env->audio_disabled)
		return 0;
	TRY(strv_push(sv, "-audiodev"));
	if (server) {
		_cleanup_free_ char *es = qemu_escape(server);
		if (!es)
			return -ENOMEM;
		/* A PulseAudio server string; a bare socket path gets the
		 * "unix:" prefix (pulse-client.conf(5), default-server). */
		TRY(strv_pushf(sv, "pa,id=snd0,server=%s%s",
			       server[0] == '/' ? "unix:" : "", es));
	} else {
		TRY(strv_push(sv, "pa,id=snd0"));
	}
	switch (p->audio_model) {
	case AUDIO_HDA_OUTPUT:
		codec = "hda-output";
		break;
	case AUDIO_HDA_MICRO:
		codec = "hda-micro";
		break;
	default:
		codec = "hda-duplex";
		break;
	}
	TRY(push2(sv, "-device", "ich9-intel-hda,id=sound0"));
	TRY(strv_push(sv, "-device"));
	return strv_pushf(sv, "%s,bus=sound0.0,audiodev=snd0", codec);
}

static int render_usb(const struct profile *p, const struct render_env *env,
		      struct strv *sv)
{
	/* A [usb] section without devices still gets the controller (the
	 * demo's guest reports it; devices can be added over QMP). */
	if (p->n_usb == 0 && !p->usb_enabled)
		return 0;
	TRY(push2(sv, "-device", "qemu-xhci,id=xhci"));
	for (size_t i = 0; i < p->n_usb; i++) {
		const struct usb_item *u = &p->usb[i];
		const struct usb_resolved *r = env->usb ? &env->usb[i] : NULL;

		TRY(strv_push(sv, "-device"));
		if (!u->by_id)
			TRY(strv_pushf(sv, "usb-host,bus=xhci.0,hostbus=%u,hostport=%s,id=usb%zu",
				       u->hostbus, u->hostport, i));
		else if (r && r->resolved)
			TRY(strv_pushf(sv, "usb-host,bus=xhci.0,hostbus=%u,hostport=%s,id=usb%zu",
				       r->hostbus, r->hostport, i));
		else
			/* Not resolved (cmdline, no probing): QEMU matches by
			 * ID itself. */
			TRY(strv_pushf(sv, "usb-host,bus=xhci.0,vendorid=0x%04x,productid=0x%04x,id=usb%zu",
				       u->vendor_id, u->product_id, i));
	}
	return 0;
}

static int render_ivshmem(const struct profile *p, const struct render_env *env,
			  struct strv *sv)
{
	uint64_t size = env->lg_size ? env->lg_size : p->lg_size;
	_cleanup_free_ char *path = NULL;
	char buf[32];

	if (!p->lg_enabled)
		return 0;
	if (size == 0) {
		/* No size = and no resolution =: 1920x1080, Looking Glass's
		 * documented default client resolution (32 MiB). */
		TRY(lg_size_from_resolution(p->lg_width ? p->lg_width : 1920,
					    p->lg_height ? p->lg_height : 1080, &size));
	}
	path = qemu_escape(p->lg_path ? p->lg_path : "/dev/shm/looking-glass");
	if (!path)
		return -ENOMEM;
	qemu_size(size, buf, sizeof(buf));
	/* Looking Glass docs (ivshmem with a memory-backend-file, also for
	 * /dev/kvmfr0): share=on so guest writes reach the file. */
	TRY(strv_push(sv, "-object"));
	TRY(strv_pushf(sv, "memory-backend-file,id=ivshmem,share=on,mem-path=%s,size=%s",
		       path, buf));
	return push2(sv, "-device", "ivshmem-plain,memdev=ivshmem,id=ivshmem0");
}

static int render_evdev(const struct profile *p, struct strv *sv)
{
	for (size_t i = 0; i < p->n_evdev; i++) {
		const struct evdev_item *e = &p->evdev[i];
		_cleanup_free_ char *path = qemu_escape(e->path);
		_cleanup_free_ char *toggle = NULL;

		if (!path)
			return -ENOMEM;
		if (e->grab_toggle) {
			toggle = qemu_escape(e->grab_toggle);
			if (!toggle)
				return -ENOMEM;
		}
		/* QEMU input-linux object (qom/object: input-linux): evdev,
		 * grab_all, repeat, grab-toggle. */
		TRY(strv_push(sv, "-object"));
		TRY(strv_pushf(sv, "input-linux,id=input%zu,evdev=%s%s%s%s%s", i, path,
			       e->grab_all ? ",grab_all=on" : "",
			       e->repeat ? ",repeat=on" : "",
			       toggle ? ",grab-toggle=" : "", toggle ? toggle : ""));
	}
	return 0;
}

int render_argv(const struct profile *p, const struct render_env *env,
		struct strv *ret_argv)
{
	struct strv sv = { 0 };
	int r;

	if (render_validate(p))
		return -EINVAL;

#define STEP(expr)                                                             \
	do {                                                                   \
		r = (expr);                                                    \
		if (r < 0)                                                     \
			goto fail;                                             \
	} while (0)

	STEP(strv_push(&sv, env->qemu_path ? env->qemu_path
			    : p->qemu_binary ? p->qemu_binary : "qemu-system-x86_64"));
	STEP(push2(&sv, "-name", p->name));
	STEP(strv_push(&sv, "-nodefaults"));
	STEP(strv_push(&sv, "-no-user-config"));
	STEP(render_machine(p, env, &sv));
	STEP(render_firmware(p, env, &sv));
	STEP(render_display(p, env, &sv));
	STEP(render_pci(p, &sv));
	STEP(render_disks(p, &sv));
	STEP(render_network(p, &sv));
	STEP(render_audio(p, env, &sv));
	STEP(render_usb(p, env, &sv));
	STEP(render_ivshmem(p, env, &sv));
	STEP(render_evdev(p, &sv));
	if (env->paused)
		STEP(strv_push(&sv, "-S"));
	for (size_t i = 0; i < p->n_qemu_extra; i++)
		STEP(strv_push(&sv, p->qemu_extra[i]));
#undef STEP

	for (size_t i = 0; i < sv.n; i++) {
		r = strv_push(ret_argv, sv.v[i]);
		if (r < 0)
			goto fail;
	}
	strv_clear(&sv);
	return 0;
fail:
	strv_clear(&sv);
	return r;
}
