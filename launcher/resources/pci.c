// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pci resource: [pci] devices passed through with VFIO. The check is
 * vfio.c's (device, driver, IOMMU group, /dev/vfio nodes) plus each
 * romfile=; the argv puts every physical slot on its own pcie-root-port.
 */
#include "pci.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cleanup.h"
#include "profile.h"
#include "render.h"
#include "resource.h"
#include "vfio.h"

/* Root ports for passthrough sit in guest slots 0x10 .. 0x1e of pcie.0:
 * above the slots QEMU auto-assigns to other devices (it takes the lowest
 * free slot, and the root ports are added first), below the ICH9
 * functions at 0x1f. */
#define ROOT_PORT_FIRST_SLOT 0x10
#define ROOT_PORT_MAX 15
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

int pci_slot_count(const struct profile *p)
{
	struct pci_slot slots[ROOT_PORT_MAX];

	return pci_group(p, slots, ROOT_PORT_MAX);
}

static int pci_argv(const struct profile *p, const struct render_env *env,
		    struct strv *sv)
{
	struct pci_slot slots[ROOT_PORT_MAX];
	int n = pci_group(p, slots, ROOT_PORT_MAX);

	(void)env;

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

/*
 * The sysfs QEMU 7.2 reads for vfio-pci (hw/vfio/pci.c, vfio_realize):
 * stat() of /sys/bus/pci/devices/BDF, readlink() of its iommu_group (only
 * the link's last component, the group number, is used), realpath() of
 * its subsystem (an mdev test; failing is "not an mdev"). Nothing else:
 * the group is then opened as /dev/vfio/N (hw/vfio/common.c,
 * vfio_get_group) and everything after goes through VFIO ioctls on the
 * group and device fds. The device's directory is kept at its bus path
 * (a kernel link into /sys/devices, followed), read-only.
 */
static void keep_sysfs_device(struct check_ctx *ctx, const char *bdf)
{
	_cleanup_free_ char *path = NULL;
	char canon[13];

	if (pci_bdf_normalize(bdf, canon) < 0)
		return; /* vfio_check FAILed it */
	if (asprintf(&path, "%s/bus/pci/devices/%s", ctx->sysfs, canon) < 0)
		abort();
	(void)check_ctx_keep_path(ctx, path, NULL, GRANT_RO, false, true);
}

static void pci_check(const struct profile *p, struct check_ctx *ctx,
		      struct findings *f)
{
	vfio_check(p, ctx, f);
	for (size_t i = 0; i < p->n_pci; i++) {
		_cleanup_free_ char *res = NULL;

		keep_sysfs_device(ctx, p->pci[i].bdf);

		if (!p->pci[i].romfile)
			continue;
		if (asprintf(&res, "romfile %s", p->pci[i].bdf) < 0)
			abort();
		check_file(ctx, f, res, p->pci[i].romfile,
			   "fix romfile= on the [pci] device line (a file you can read)", true);
	}
}

const struct resource resource_pci = {
	.name = "pci",
	.check = pci_check,
	.argv = pci_argv,
};
