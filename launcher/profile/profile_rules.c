// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The profile's rules that span keys: those checked when a section ends
 * (profile_end_section(): a disk's interface, media and readonly together)
 * and those checked once every line is read (profile_finish(): cpus and
 * topology, secure-boot and the firmware, the kernel's initrd and append,
 * Looking Glass, the network mode and its keys). Each reports with
 * profile_fail() on the line of the key at fault.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile-internal.h"
#include "util.h"

#define Q35_AHCI_PORTS 6     /* the q35 machine's built-in ICH9 AHCI: 6 ports */

/* The line key was set on in section sec (for SEC_DISK: in the current
 * [disk NAME]), 0 when unset. */
static unsigned key_line(struct parser *ps, enum section sec, const char *key)
{
	int i = profile_key_index(sec, key);

	if (i < 0)
		return 0;
	return sec == SEC_DISK ? ps->disk_seen[i] : ps->seen[i];
}

/* Checks that only make sense once a section is complete. */
int profile_end_section(struct parser *ps)
{
	/* A section with a bad line: its whole-section rules would only
	 * repeat that mistake in other words. */
	bool clean = ps->err->n == ps->sec_errors;

	if (ps->sec == SEC_DISK && ps->disk && clean) {
		struct disk_item *d = ps->disk;
		if (!d->path)
			return profile_fail(
			    ps, d->line, -EINVAL,
			    "[disk %s] has no path; add path = "
			    "/dev/disk/by-id/... or an image file",
			    d->name);
		unsigned l_iface = key_line(ps, SEC_DISK, "interface");
		unsigned l_media = key_line(ps, SEC_DISK, "media");
		unsigned l_ro = key_line(ps, SEC_DISK, "readonly");
		unsigned later = l_iface > l_media ? l_iface : l_media;
		/* QEMU 7.2 ide-hd refuses a read-only drive ("Block node is
		 * read-only"); ide-cd, scsi-hd, virtio-blk and nvme take one.
		 * render_validate() has the same rules, without a line. */
		if (d->interface == DISK_SATA && d->readonly &&
		    d->media != DISK_MEDIA_CDROM)
			return profile_fail(
			    ps, l_ro > l_iface ? l_ro : l_iface, -EINVAL,
			    "[disk %s]: a read-only disk cannot use "
			    "interface = sata (QEMU's ide-hd has no "
			    "read-only mode); use virtio or scsi",
			    d->name);
		if (d->media == DISK_MEDIA_CDROM && d->interface == DISK_NVME)
			return profile_fail(
			    ps, later, -EINVAL,
			    "[disk %s]: media = cdrom needs interface = "
			    "sata, scsi or virtio (NVMe has no CD-ROM)",
			    d->name);
		if (d->interface == DISK_SATA) {
			size_t n_sata = 0;
			for (size_t i = 0; i < ps->p->n_disks; i++)
				n_sata +=
				    ps->p->disks[i].interface == DISK_SATA;
			if (n_sata > Q35_AHCI_PORTS)
				return profile_fail(
				    ps, l_iface, -EINVAL,
				    "[disk %s]: at most %d disks may use "
				    "interface = sata (the q35 AHCI ports)",
				    d->name, Q35_AHCI_PORTS);
		}
		if (d->media == DISK_MEDIA_CDROM)
			d->readonly = true;
	}
	ps->disk = NULL;
	/* --- [share NAME] (issue 13) --- */
	if (ps->sec == SEC_SHARE)
		return profile_share_end(ps, clean);
	/* --- end [share NAME] --- */
	return 0;
}

/* ------------------------------------------------------------- checking */

/* Whole-profile rules, once every line is read. */
int profile_finish(struct parser *ps)
{
	struct profile *p = ps->p;
	unsigned l;

	if (profile_end_section(ps) < 0)
		return ps->error;
	if (ps->error)
		return ps->error; /* a bad line: the rules below would guess */

	if (!p->name) {
		const char *base = strrchr(ps->path, '/');
		char name[NAME_MAX_LEN + 8];
		size_t n;

		base = base ? base + 1 : ps->path;
		n = strlen(base);
		if (n > 5 && strcmp(base + n - 5, ".conf") == 0)
			n -= 5;
		if (n > NAME_MAX_LEN)
			n = NAME_MAX_LEN +
			    1; /* fails profile_valid_name() below */
		snprintf(name, sizeof(name), "%.*s", (int)n, base);
		if (!profile_valid_name(name, NAME_MAX_LEN))
			return profile_fail(
			    ps, 0, -EINVAL,
			    "the file name does not give a valid VM "
			    "name; add name = ... (1-%d letters, "
			    "digits, '_', '.' or '-') to [vm]",
			    NAME_MAX_LEN);
		p->name = strdup(name);
		if (!p->name)
			return profile_oom(ps);
	}

	if (p->sockets) {
		unsigned total = p->sockets * p->cores * p->threads;
		l = key_line(ps, SEC_VM, "cpus");
		if (l && p->cpus != total)
			return profile_fail(
			    ps, key_line(ps, SEC_VM, "topology"), -EINVAL,
			    "topology %us%uc%ut gives %u vCPUs but cpus = %u "
			    "(line %u); drop cpus or make them agree",
			    p->sockets, p->cores, p->threads, total, p->cpus,
			    l);
		p->cpus = total;
	}

	if (p->secure_boot && p->firmware != FIRMWARE_UEFI)
		return profile_fail(ps, key_line(ps, SEC_VM, "secure-boot"), -EINVAL,
				    "secure-boot = yes needs firmware = uefi");
	if (p->secure_boot && !key_line(ps, SEC_VM, "ovmf-code")) {
		free(p->ovmf_code);
		p->ovmf_code = strdup(SECBOOT_OVMF_CODE);
		if (!p->ovmf_code)
			return profile_oom(ps);
	}
	if (p->secure_boot && !key_line(ps, SEC_VM, "ovmf-vars")) {
		free(p->ovmf_vars);
		p->ovmf_vars = strdup(SECBOOT_OVMF_VARS);
		if (!p->ovmf_vars)
			return profile_oom(ps);
	}

	if (p->initrd && !p->kernel)
		return profile_fail(
		    ps, key_line(ps, SEC_VM, "initrd"), -EINVAL,
		    "initrd needs kernel = ... (direct kernel boot)");
	if (p->append && !p->kernel)
		return profile_fail(
		    ps, key_line(ps, SEC_VM, "append"), -EINVAL,
		    "append needs kernel = ... (direct kernel boot)");

	if (p->lg_enabled) {
		unsigned lr = key_line(ps, SEC_LG, "resolution"),
			 ls = key_line(ps, SEC_LG, "size");
		if (lr && ls)
			return profile_fail(ps, lr > ls ? lr : ls, -EINVAL,
					    "give either resolution or size in "
					    "[looking-glass], not both");
		if (!lr && !ls)
			return profile_fail(
			    ps, p->line_lg, -EINVAL,
			    "[looking-glass] needs resolution = WIDTHxHEIGHT "
			    "(e.g. 2560x1440) or size = SIZE");
	}

	l = key_line(ps, SEC_NETWORK, "tap");
	if (p->net_mode == NET_TAP && !p->net_tap)
		return profile_fail(
		    ps, key_line(ps, SEC_NETWORK, "mode"), -EINVAL,
		    "mode = tap needs tap = IFNAME (an existing tap "
		    "interface you own)");
	if (p->net_mode != NET_TAP && p->net_tap)
		return profile_fail(ps, l, -EINVAL,
				    "tap is only used with mode = tap");
	l = key_line(ps, SEC_NETWORK, "bridge");
	if (p->net_mode == NET_BRIDGE && !p->net_bridge)
		return profile_fail(
		    ps, key_line(ps, SEC_NETWORK, "mode"), -EINVAL,
		    "mode = bridge needs bridge = IFNAME (a bridge the "
		    "administrator allowlisted for you)");
	if (p->net_mode != NET_BRIDGE && p->net_bridge)
		return profile_fail(ps, l, -EINVAL,
				    "bridge is only used with mode = bridge");
	if (p->net_mode != NET_USER && p->n_net_fwd)
		return profile_fail(ps, p->net_fwd[0].line, -EINVAL,
				    "forward is only used with mode = user");
	return 0;
}
