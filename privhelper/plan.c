// SPDX-License-Identifier: GPL-2.0-or-later
/* bind and unbind. ph_plan_make makes every check and writes nothing;
 * ph_plan_apply writes, and moves back what it moved when a device fails.
 * The sequence is the kernel's for driver_override (Documentation/ABI/
 * testing/sysfs-bus-pci): the driver's name to driver_override, unbind the
 * current driver, the BDF to /sys/bus/pci/drivers_probe. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "ph.h"

/* Sysfs surprises are "unavailable": -EINVAL stays for a malformed argument. */
static int sys_err(int r)
{
	return r == -EINVAL ? -EIO : r;
}

/* Adds every endpoint of asked's IOMMU group, each allowlisted with matching
 * pinned IDs. A bridge (class 0x0604, 0607, 0609) may keep its host driver
 * (pcieport): Documentation/driver-api/vfio.rst, "Groups, Devices, and
 * IOMMUs"; an AMD dummy function stays driverless (host.c). For bind, a
 * function the host needs refuses the group, allowlisted or not. */
static int add_group(int sysfd, const struct ph_conf *c, bool bind, const char *asked, struct ph_plan *p,
		     struct ph_why *w)
{
	const struct ph_host_rule *h;
	char members[PH_MAX][PH_BDF_SIZE];
	struct ph_dev dev;
	size_t n, j;
	int r = ph_dev_read(sysfd, asked, &dev, w), group = dev.group;

	if (r < 0)
		return sys_err(r);
	if (group < 0)
		return ph_why_set(w, "%s has no IOMMU group: enable the IOMMU (kernel parameter "
			   "intel_iommu=on or amd_iommu=on, and VT-d/AMD-Vi in the firmware)", asked), -ENODEV;
	if ((r = ph_group_members(sysfd, group, members, PH_MAX, &n, w)) < 0)
		return sys_err(r);
	for (size_t i = 0; i < n; i++) {
		const struct ph_pci *a = ph_conf_find(c, members[i]);

		if ((r = ph_dev_read(sysfd, members[i], &dev, w)) < 0)
			return sys_err(r);
		h = ph_host_rule(&dev);
		if ((dev.class >> 8) == 0x0604 || (dev.class >> 8) == 0x0607 || (dev.class >> 8) == 0x0609 ||
		    (h && h->dummy && !dev.driver[0]))
			continue;
		if (h && bind)
			return ph_why_set(w, "%s: IOMMU group %d holds %s (%04x:%04x), %s: the host needs it; the "
				   "group stays on the host whatever %s says", asked, group, members[i], dev.vendor,
				   dev.device, h->what, PH_CONF), -EPERM;
		if (!a)
			return ph_why_set(w, "%s: IOMMU group %d also holds %s, which is not in %s; the "
				   "group is handed over whole, so allowlist every endpoint in it",
				   asked, group, members[i], PH_CONF), -EPERM;
		if (a->pinned && (a->vendor != dev.vendor || a->device != dev.device))
			return ph_why_set(w, "%s is %04x:%04x but %s pins it to %04x:%04x (was a card "
				   "moved?)", members[i], dev.vendor, dev.device, PH_CONF, a->vendor,
				   a->device), -EPERM;
		for (j = 0; j < p->n && strcmp(p->dev[j].bdf, members[i]); j++)
			;
		if (j < p->n) /* already in the plan */
			continue;
		if (p->n == PH_MAX)
			return ph_why_set(w, "more than %d devices in one request", PH_MAX), -E2BIG;
		p->dev[p->n++] = dev;
	}
	return 0;
}

/* For bind, refuses the boot VGA device, a PF with VFs and devices with disks in use; checks
 * that the files the writes go to are regular files (not planted links). */
static int check_dev(int sysfd, const struct ph_conf *c, bool bind, const struct ph_dev *d,
		     const struct ph_usage *u, struct ph_why *w)
{
	_ph_cleanup_close_ int dfd = ph_dev_open(sysfd, d->bdf);
	bool on_vfio = !strcmp(d->driver, PH_VFIO), busy = false;
	char path[PH_NAME_SIZE + 32], shown[PH_NAME_SIZE + 48], vfs[8];
	int r;

	if (dfd < 0)
		return sys_err(dfd);
	/* vfio_pci_core_register_device() refuses a PF with VFs enabled (EBUSY) */
	if (bind && !on_vfio && ph_read_attr(dfd, "sriov_numvfs", vfs, sizeof(vfs)) == 0 && strcmp(vfs, "0"))
		return ph_why_set(w, "%s has %s SR-IOV VFs enabled and vfio-pci does not take such a PF: pass "
			   "its VFs, or write 0 to its sriov_numvfs first", d->bdf, vfs), -EBUSY;
	if (bind && !on_vfio && !ph_conf_find(c, d->bdf)->boot_vga_ok) {
		if ((r = ph_boot_vga_busy(sysfd, d->bdf, &busy, w)) < 0)
			return sys_err(r);
		if (busy)
			return strncat(w->msg, "; to hand it over anyway set allow-boot-vga = yes for it",
				       sizeof(w->msg) - strlen(w->msg) - 1), -EPERM;
	}
	if (bind && !on_vfio && (r = ph_block_busy(sysfd, d->bdf, u, w)) != 0)
		return r > 0 ? -EBUSY : sys_err(r);
	snprintf(path, sizeof(path), "bus/pci/drivers/%s/unbind", d->driver);
	snprintf(shown, sizeof(shown), "%s: driver_override or %s/unbind", d->bdf, d->driver);
	if ((r = ph_check_writable(dfd, "driver_override", shown, w)) == 0 && d->driver[0] && on_vfio != bind)
		r = ph_check_writable(sysfd, path, shown, w);
	return sys_err(r);
}

/* The plan for bind (or unbind) of bdfs[0..n_bdfs), or of every allowlisted
 * device when n_bdfs is 0. Returns 0, -EINVAL (malformed BDF), -EPERM (not
 * allowed), -EBUSY (used by the host) or another -errno from sysfs (-ENODEV,
 * -ELOOP, -EIO); reason in w. */
int ph_plan_make(int sysfd, const struct ph_conf *c, bool bind, char *const *bdfs, size_t n_bdfs,
		 const struct ph_usage *u, struct ph_plan *ret, struct ph_why *w)
{
	size_t n = n_bdfs ? n_bdfs : c->n_pci, i;
	char show[48];
	int r;

	*ret = (struct ph_plan){ .bind = bind };
	for (i = 0; i < n_bdfs; i++) {
		if (!ph_bdf_valid(bdfs[i])) {
			/* the caller's text, printable and bounded */
			for (r = 0; bdfs[i][r] && r < 40; r++)
				show[r] = bdfs[i][r] > ' ' && bdfs[i][r] < 127 ? bdfs[i][r] : '?';
			strcpy(show + r, bdfs[i][r] ? "..." : "");
			return ph_why_set(w, "'%s' is not a PCI address of the form 0000:01:00.0 "
				   "(lower-case hex, as lspci -D prints it)", show), -EINVAL;
		}
		if (!ph_conf_find(c, bdfs[i]))
			return ph_why_set(w, "%s is not allowlisted in %s", bdfs[i], PH_CONF), -EPERM;
	}
	if (n == 0)
		return ph_why_set(w, "no PCI device is allowlisted in %s", PH_CONF), -EPERM;
	for (i = 0; i < n; i++)
		if ((r = add_group(sysfd, c, bind, n_bdfs ? bdfs[i] : c->pci[i].bdf, ret, w)) < 0)
			return r;
	for (i = 0; i < ret->n; i++)
		if ((r = check_dev(sysfd, c, bind, &ret->dev[i], u, w)) < 0)
			return r;
	return sys_err(ph_check_writable(sysfd, "bus/pci/drivers_probe", "/sys/bus/pci/drivers_probe", w));
}

/* Waits until vfio-pci (on_vfio) or another driver, named in drv, drives the
 * device: a driver may probe asynchronously (PROBE_PREFER_ASYNCHRONOUS). */
static bool wait_driver(int dfd, bool on_vfio, unsigned timeout_ms, char drv[static PH_NAME_SIZE])
{
	for (unsigned t = 0;; t += 10) {
		drv[0] = '\0';
		ph_read_link_name(dfd, "driver", drv, PH_NAME_SIZE);
		if (drv[0] && !strcmp(drv, PH_VFIO) == on_vfio)
			return true;
		if (t >= timeout_ms)
			return false;
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
}

/* Moves device i to vfio-pci (to_vfio) or back to the host's drivers. */
static int move(int sysfd, struct ph_plan *p, size_t i, bool to_vfio, unsigned timeout_ms,
		struct ph_why *w)
{
	const char *bdf = p->dev[i].bdf;
	_ph_cleanup_close_ int dfd = ph_dev_open(sysfd, bdf);
	char drv[PH_NAME_SIZE] = "", over[PH_NAME_SIZE] = "", path[PH_NAME_SIZE + 32];
	unsigned wait = to_vfio ? timeout_ms : timeout_ms / 6;
	bool on_vfio, no_over;
	int r;

	if (dfd < 0)
		return dfd;
	ph_read_link_name(dfd, "driver", drv, sizeof(drv));
	ph_read_attr(dfd, "driver_override", over, sizeof(over));
	on_vfio = !strcmp(drv, PH_VFIO);
	no_over = !over[0] || !strcmp(over, "(null)"); /* how the kernel shows "none" */
	if (to_vfio ? on_vfio && !strcmp(over, PH_VFIO) : !on_vfio && no_over)
		return 0; /* already where it should be */
	p->done[i] = true;
	/* Safe: driver_override only decides which driver may claim this one
	 * device at its next probe; the device is allowlisted (for bind, with
	 * its whole group, and checked unused by the host). "\n" clears it. */
	r = ph_write_attr(dfd, "driver_override", to_vfio ? PH_VFIO : "\n");
	if (r == 0 && drv[0] && on_vfio != to_vfio) {
		snprintf(path, sizeof(path), "bus/pci/drivers/%s/unbind", drv);
		/* Safe: detaches the current driver from this device only (BDF
		 * validated and allowlisted); for bind the checks showed no
		 * framebuffer and no mounted, swapped or held disk on it. */
		r = ph_write_attr(sysfd, path, bdf);
	}
	/* Safe: asks the kernel to probe this one device, which
	 * driver_override now restricts to the driver chosen above. */
	if (r == 0)
		r = ph_write_attr(sysfd, "bus/pci/drivers_probe", bdf);
	if (r < 0)
		return ph_why_set(w, "%s: writing to sysfs failed: %s", bdf, strerror(-r)), r;
	/* Given back, a device may have no host driver (module not loaded):
	 * wait less, and only vfio-pci still holding it is a failure. */
	if (!wait_driver(dfd, to_vfio, wait, drv) && (to_vfio || !strcmp(drv, PH_VFIO)))
		return ph_why_set(w, "%s: %s after %u ms", bdf, to_vfio ? "vfio-pci did not take the "
			   "device" : "vfio-pci still drives it", wait), -ETIMEDOUT;
	return 0;
}

/* Applies the plan, a line per device to report. On failure moves back, in
 * reverse order, every device already (or half) moved; returns the first
 * failure, reason in w followed by whether moving back worked. */
int ph_plan_apply(int sysfd, struct ph_plan *p, unsigned timeout_ms, FILE *report,
		  struct ph_why *w)
{
	char bad[sizeof(w->msg)] = "";
	size_t i, moved = 0;
	int r = 0;

	for (i = 0; i < p->n && r == 0; i++)
		if ((r = move(sysfd, p, i, p->bind, timeout_ms, w)) == 0)
			fprintf(report, "%s: %s\n", p->dev[i].bdf, !p->done[i] ? "already done"
				: p->bind ? "bound to vfio-pci" : "given back to the host");
	while (r < 0 && i-- > 0) {
		struct ph_why back = { "done" };

		if (p->done[i] && ++moved && move(sysfd, p, i, !p->bind, timeout_ms, &back) < 0 && !bad[0])
			snprintf(bad, sizeof(bad), "%s", back.msg);
		if (p->done[i])
			fprintf(report, "%s: moving back: %s\n", p->dev[i].bdf, back.msg);
	}
	/* the caller's one message must not claim a rollback that failed */
	if (moved)
		snprintf(w->msg + strlen(w->msg), sizeof(w->msg) - strlen(w->msg), "; %s%s",
			 bad[0] ? "moving back FAILED, check with vfio-privhelper status: " : "devices moved back", bad);
	return r;
}
