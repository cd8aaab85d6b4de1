// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Render: profile x resolved host facts -> QEMU argv. Pure: no I/O, no
 * environment, no host probing; everything host-dependent comes in
 * struct render_env. Each resource renders its own arguments (its argv
 * operation, in its own file); render_argv() puts the frame around them:
 * the binary and the VM's name first, then the resources in the table's
 * order, then -S and [qemu] extra. Every option the resources render is
 * checked against QEMU 7.2 (`qemu-system-x86_64 -device NAME,help`,
 * docs/system/invocation).
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
#include "paths.h"
#include "pci.h"
#include "profile.h"
#include "resource.h"

/* q35's built-in ICH9 AHCI controller (00:1f.2) has six ports, buses
 * "ide.0" .. "ide.5" (QEMU hw/i386/pc_q35.c, ICH_AHCI_PORTS). */
#define Q35_AHCI_PORTS 6

char *qemu_escape(const char *s)
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

int strv_push2(struct strv *sv, const char *flag, const char *value)
{
	TRY(strv_push(sv, flag));
	return strv_push(sv, value);
}

/* q35 or one of its versioned names ("pc-q35-7.2"): the machine whose
 * buses (pcie.0, the ICH9 AHCI ports ide.0-5) render.c addresses. */
static bool machine_is_q35(const char *machine)
{
	return !machine || startswith(machine, "q35") || startswith(machine, "pc-q35-");
}

const char *render_validate(const struct profile *p)
{
	unsigned n_ahci = 0;

	if (!vm_name_valid(p->name))
		return "[vm] name must be 1-64 characters of A-Z a-z 0-9 _ . -";
	if (p->memory == 0 || p->memory % (1ULL << 20) != 0)
		return "[vm] memory must be a whole number of MiB";
	if (pci_slot_count(p) < 0)
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

int render_helper_fd(const struct render_env *env, const char *id, int placeholder)
{
	for (size_t i = 0; i < env->n_helper_fds; i++)
		if (strcmp(env->helper_fds[i].id, id) == 0)
			return env->helper_fds[i].fd;
	return placeholder;
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

	/* The frame: the binary and the VM's name; no default devices and
	 * no config files QEMU would read on its own. */
	STEP(strv_push(&sv, env->qemu_path ? env->qemu_path
			    : p->qemu_binary ? p->qemu_binary : "qemu-system-x86_64"));
	STEP(strv_push2(&sv, "-name", p->name));
	STEP(strv_push(&sv, "-nodefaults"));
	STEP(strv_push(&sv, "-no-user-config"));
	for (size_t i = 0; i < resources_n; i++)
		if (resources[i]->argv)
			STEP(resources[i]->argv(p, env, &sv));
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
