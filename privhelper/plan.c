// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bind and unbind. ph_plan_make does every check and writes nothing: the
 * devices asked for, expanded to every endpoint of their IOMMU groups, each
 * allowlisted, pinned IDs matching, the boot VGA and in-use disks refused,
 * and every file the writes will go to checked to be a regular file (not a
 * planted symlink). ph_plan_apply then makes the writes and, when one device
 * fails, moves back the devices it already moved.
 *
 * The sequence is the kernel's documented one for driver_override
 * (Documentation/ABI/testing/sysfs-bus-pci, "driver_override"): write the
 * driver name to driver_override, unbind the current driver, write the BDF
 * to /sys/bus/pci/drivers_probe.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>

#include "ph.h"

/* The caller's text, printable and bounded, for a message. */
static const char *show(const char *s, char buf[static 48])
{
	size_t i;

	for (i = 0; s[i] && i < 40; i++)
		buf[i] = s[i] > ' ' && s[i] < 127 ? s[i] : '?';
	strcpy(buf + i, s[i] ? "..." : "");
	return buf;
}

/* A bridge (class 0x0604) may stay on its host driver (pcieport) in a group
 * handed to vfio: Documentation/driver-api/vfio.rst, "Groups, Devices, and
 * IOMMUs" (vfio_dev_driver_allowed in drivers/vfio/group.c). */
static bool is_bridge(const struct ph_dev *d)
{
	return (d->class >> 8) == 0x0604;
}

/* Sysfs surprises are "unavailable", never "usage": -EINVAL is kept for a
 * malformed argument. */
static int sys_err(int r)
{
	return r == -EINVAL ? -EIO : r;
}

static int add_group(int sysfd, const struct ph_conf *c, const char *asked, struct ph_plan *p,
		     struct ph_why *w)
{
	char members[PH_MAX_PLAN][PH_BDF_SIZE];
	struct ph_dev dev;
	size_t n;
	int group, r = ph_dev_read(sysfd, asked, &dev, w);

	if (r < 0)
		return sys_err(r);
	if (dev.group < 0) {
		ph_why_set(w, "%s has no IOMMU group: enable the IOMMU (kernel parameter "
			   "intel_iommu=on or amd_iommu=on, and VT-d/AMD-Vi in the firmware)", asked);
		return -ENODEV;
	}
	group = dev.group;
	r = ph_group_members(sysfd, group, members, PH_MAX_PLAN, &n, w);
	if (r < 0)
		return sys_err(r);
	for (size_t i = 0; i < n; i++) {
		const struct ph_pci *a = ph_conf_find(c, members[i]);
		bool dup = false;

		if ((r = ph_dev_read(sysfd, members[i], &dev, w)) < 0)
			return sys_err(r);
		if (is_bridge(&dev))
			continue;
		if (!a) {
			ph_why_set(w, "%s: IOMMU group %d also holds %s, which is not in %s; the "
				   "group is handed over whole, so allowlist every endpoint in it",
				   asked, group, members[i], PH_CONF);
			return -EPERM;
		}
		if (a->pinned && (a->vendor != dev.vendor || a->device != dev.device)) {
			ph_why_set(w, "%s is %04x:%04x but %s pins it to %04x:%04x (was a card moved?)",
				   members[i], dev.vendor, dev.device, PH_CONF, a->vendor, a->device);
			return -EPERM;
		}
		for (size_t j = 0; j < p->n; j++)
			dup |= !strcmp(p->step[j].dev.bdf, members[i]);
		if (dup)
			continue;
		if (p->n == PH_MAX_PLAN) {
			ph_why_set(w, "more than %d devices in one request", PH_MAX_PLAN);
			return -E2BIG;
		}
		p->step[p->n++] = (struct ph_step){ .dev = dev };
	}
	return 0;
}

/* Checks one device of the plan, and the files its writes go to. */
static int check_step(int sysfd, const struct ph_conf *c, bool bind, const struct ph_dev *d,
		      const struct ph_usage *u, struct ph_why *w)
{
	_ph_cleanup_close_ int dfd = ph_dev_open(sysfd, d->bdf);
	bool on_vfio = !strcmp(d->driver, PH_VFIO_DRIVER), busy = false;
	char path[PH_NAME_SIZE + 32];
	int r;

	if (dfd < 0)
		return sys_err(dfd);
	if (bind && !on_vfio && !ph_conf_find(c, d->bdf)->boot_vga_ok) {
		if ((r = ph_boot_vga_busy(sysfd, d->bdf, &busy, w)) < 0)
			return sys_err(r);
		if (busy) {
			strncat(w->msg, "; to hand it over anyway set allow-boot-vga = yes for it in "
				PH_CONF, sizeof(w->msg) - strlen(w->msg) - 1);
			return -EPERM;
		}
	}
	if (bind && !on_vfio && (r = ph_block_busy(sysfd, d->bdf, u, w)) != 0)
		return r > 0 ? -EBUSY : sys_err(r);
	r = ph_check_writable(dfd, "driver_override");
	if (r == 0 && d->driver[0] && (bind ? !on_vfio : on_vfio)) {
		snprintf(path, sizeof(path), "bus/pci/drivers/%s/unbind", d->driver);
		r = ph_check_writable(sysfd, path);
	}
	if (r < 0) {
		ph_why_set(w, "%s: driver_override or %s/unbind is %s; refusing to write there",
			   d->bdf, d->driver, r == -ELOOP ? "a symlink" : "not a regular file");
		return sys_err(r);
	}
	return 0;
}

/* Builds the plan for bind (or unbind) of bdfs[0..n_bdfs), every
 * allowlisted device when n_bdfs is 0. Writes nothing. Returns 0, -EINVAL
 * for a malformed BDF, -EPERM for what the allowlist does not allow, -EBUSY
 * for a device in use by the host, or another -errno (-ENODEV, -ELOOP,
 * -EIO) for what sysfs shows; the reason is in w. */
int ph_plan_make(int sysfd, const struct ph_conf *c, bool bind, char *const *bdfs, size_t n_bdfs,
		 const struct ph_usage *u, struct ph_plan *ret, struct ph_why *w)
{
	size_t n = n_bdfs ? n_bdfs : c->n_pci;
	char buf[48];
	int r;

	memset(ret, 0, sizeof(*ret));
	ret->bind = bind;
	for (size_t i = 0; i < n_bdfs; i++) {
		if (!ph_bdf_valid(bdfs[i])) {
			ph_why_set(w, "'%s' is not a PCI address of the form 0000:01:00.0 "
				   "(lower-case hex, as lspci -D prints it)", show(bdfs[i], buf));
			return -EINVAL;
		}
		if (!ph_conf_find(c, bdfs[i])) {
			ph_why_set(w, "%s is not allowlisted in %s", bdfs[i], PH_CONF);
			return -EPERM;
		}
	}
	if (n == 0) {
		ph_why_set(w, "no PCI device is allowlisted in %s", PH_CONF);
		return -EPERM;
	}
	for (size_t i = 0; i < n; i++)
		if ((r = add_group(sysfd, c, n_bdfs ? bdfs[i] : c->pci[i].bdf, ret, w)) < 0)
			return r;
	for (size_t i = 0; i < ret->n; i++)
		if ((r = check_step(sysfd, c, bind, &ret->step[i].dev, u, w)) < 0)
			return r;
	if ((r = ph_check_writable(sysfd, "bus/pci/drivers_probe")) < 0) {
		ph_why_set(w, "/sys/bus/pci/drivers_probe is %s; refusing to write there",
			   r == -ELOOP ? "a symlink" : "not a regular file");
		return sys_err(r);
	}
	return 0;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Waits until vfio-pci drives the device (on_vfio) or another driver does,
 * and leaves the driver's name in drv. The drivers_probe write returns after
 * a synchronous probe, but a driver may ask for asynchronous probing
 * (PROBE_PREFER_ASYNCHRONOUS), hence the wait. */
static bool wait_driver(int dfd, bool on_vfio, unsigned timeout_ms, char drv[static PH_NAME_SIZE])
{
	for (unsigned t = 0;; t += 10) {
		drv[0] = '\0';
		ph_read_link_name(dfd, "driver", drv, PH_NAME_SIZE);
		if (drv[0] && !strcmp(drv, PH_VFIO_DRIVER) == on_vfio)
			return true;
		if (t >= timeout_ms)
			return false;
		sleep_ms(10);
	}
}

/* Moves one device to vfio-pci (to_vfio) or back to its host driver. */
static int move(int sysfd, struct ph_step *s, bool to_vfio, unsigned timeout_ms, struct ph_why *w)
{
	_ph_cleanup_close_ int dfd = ph_dev_open(sysfd, s->dev.bdf);
	char drv[PH_NAME_SIZE] = "", over[PH_NAME_SIZE] = "", path[PH_NAME_SIZE + 32];
	int r;

	if (dfd < 0)
		return dfd;
	ph_read_link_name(dfd, "driver", drv, sizeof(drv));
	ph_read_attr(dfd, "driver_override", over, sizeof(over));
	if (to_vfio ? !strcmp(drv, PH_VFIO_DRIVER) && !strcmp(over, PH_VFIO_DRIVER)
		    : strcmp(drv, PH_VFIO_DRIVER) && (!over[0] || !strcmp(over, "(null)")))
		return 0; /* already where it should be */
	s->done = true;
	/* Safe: driver_override only decides which driver may claim this one
	 * device at its next probe; the device is allowlisted (and, for bind,
	 * its whole group is, and it was checked to be unused by the host).
	 * Writing "\n" clears it, giving the device back to normal matching. */
	r = ph_write_attr(dfd, "driver_override", to_vfio ? PH_VFIO_DRIVER : "\n");
	if (r == 0 && drv[0] && !strcmp(drv, PH_VFIO_DRIVER) != to_vfio) {
		snprintf(path, sizeof(path), "bus/pci/drivers/%s/unbind", drv);
		/* Safe: detaches the current driver from this device only (the
		 * BDF is validated and allowlisted); for bind, the checks above
		 * showed no framebuffer and no mounted, swapped or held disk on
		 * it, so the host loses nothing it is using. */
		r = ph_write_attr(sysfd, path, s->dev.bdf);
	}
	/* Safe: asks the kernel to probe this one device; driver_override now
	 * restricts which driver may take it. */
	if (r == 0)
		r = ph_write_attr(sysfd, "bus/pci/drivers_probe", s->dev.bdf);
	if (r < 0) {
		ph_why_set(w, "%s: writing to sysfs failed: %s", s->dev.bdf, strerror(-r));
		return r;
	}
	/* Given back, the device may have no host driver (module not loaded):
	 * wait less, and only vfio-pci still holding it is a failure. */
	if (!wait_driver(dfd, to_vfio, to_vfio ? timeout_ms : timeout_ms / 6, drv) &&
	    (to_vfio || !strcmp(drv, PH_VFIO_DRIVER))) {
		ph_why_set(w, "%s: %s after %u ms", s->dev.bdf,
			   to_vfio ? "vfio-pci did not take the device" : "vfio-pci still drives it",
			   timeout_ms);
		return -ETIMEDOUT;
	}
	return 0;
}

/* Applies the plan. On failure every device already moved (or half moved)
 * is moved back, in reverse order, and the first failure is returned with
 * its reason in w. A line per device goes to report. */
int ph_plan_apply(int sysfd, struct ph_plan *p, unsigned timeout_ms, FILE *report,
		  struct ph_why *w)
{
	size_t i;
	int r = 0;

	for (i = 0; i < p->n && r == 0; i++) {
		r = move(sysfd, &p->step[i], p->bind, timeout_ms, w);
		if (r == 0)
			fprintf(report, "%s: %s\n", p->step[i].dev.bdf,
				!p->step[i].done ? "already done"
				: p->bind	 ? "bound to vfio-pci"
						 : "given back to the host");
	}
	if (r == 0)
		return 0;
	while (i-- > 0) {
		struct ph_why ignored;

		if (!p->step[i].done)
			continue;
		fprintf(report, "%s: moving back: %s\n", p->step[i].dev.bdf,
			move(sysfd, &p->step[i], !p->bind, timeout_ms, &ignored) == 0 ? "done"
											 : ignored.msg);
	}
	return r;
}
