// SPDX-License-Identifier: GPL-2.0-or-later
/* The pci resource's check of each [pci] device (vfio.h: vfio_check), on
 * the sysfs reading and IOMMU group judgement of vfio.c. */
#include "vfio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "pci_host.h"
#include "sysfs.h"

/* ---------------------------------------------------------- the check */

/* Opens devfs/rel read-write as QEMU will. Returns 0 or -errno. */
static int try_open_rw(int devfs_fd, const char *rel)
{
	int fd = openat(devfs_fd, rel, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* Keeps devfs/rel (O_PATH: holding it does not open the group) for the
 * box. Nothing when it is missing, a link or a directory (the test
 * suite's fake trees hold regular files, the host character devices). */
static void keep_node(struct check_ctx *ctx, int devfs_fd, const char *rel)
{
	_cleanup_close_ int fd = -1;
	char path[4096];
	struct stat st;

	if (devfs_fd < 0)
		return;
	fd = openat(devfs_fd, rel, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode))
		return;
	snprintf(path, sizeof(path), "%s/%s", ctx->devfs, rel);
	(void)check_ctx_keep(ctx, path, fd, GRANT_RW, true);
}

static void node_problem(char *msg, size_t msglen, char *fix, size_t fixlen,
			 const char *devfs, const char *rel, int r)
{
	buf_appendf(msg, msglen, "%s%s/%s: %s", msg[0] ? "; " : "", devfs, rel,
		r == -EBUSY ? "busy: another process holds the group (is the VM already running?)" :
			      strerror(-r));
	if (r == -EACCES || r == -EPERM)
		buf_appendf(fix, fixlen, "%sthe udev rule gives /dev/vfio/N to group vfio, mode 0660: "
			"install it (make install; udevadm trigger) and, as root, "
			"`usermod -aG vfio $USER`, then log in again",
			fix[0] ? "; " : "");
	else if (r == -ENOENT)
		buf_appendf(fix, fixlen, "%sload VFIO: as root, modprobe vfio-pci (vfio-privhelper bind does it)",
			fix[0] ? "; " : "");
}

static void check_one(const struct profile *p, const struct pci_item *it,
		      struct check_ctx *ctx, struct findings *f, int sysfs_fd,
		      int devfs_fd, struct pci_names *names,
		      const struct pci_root_storage *root)
{
	char res[64], name[256] = "", msg[2048] = "", fix[2048] = "", canon[13];
	struct pci_dev_info d;
	int r;

	snprintf(res, sizeof(res), "vfio %s", it->bdf);
	if (pci_bdf_normalize(it->bdf, canon) < 0) {
		snprintf(fix, sizeof(fix), "write it as 0000:01:00.0 at %s:%u",
			 p->file, it->line);
		finding_fail(f, res, fix, "'%s' is not a PCI address", it->bdf);
		return;
	}
	if (sysfs_fd < 0) {
		finding_fail(f, res, NULL, "cannot open %s: %s", ctx->sysfs,
			     strerror(-sysfs_fd));
		return;
	}
	r = pci_read_device(sysfs_fd, canon, &d);
	if (r == -ENOENT) {
		snprintf(fix, sizeof(fix),
			 "find the address with `vfio-launch iommu` (or lspci -D) and "
			 "correct [pci] device = at %s:%u", p->file, it->line);
		finding_fail(f, res, fix, "no PCI device %s on this host (%s/bus/pci/devices/%s)",
			     canon, ctx->sysfs, canon);
		return;
	}
	if (r < 0) {
		finding_fail(f, res, NULL, "reading %s/bus/pci/devices/%s: %s",
			     ctx->sysfs, canon, strerror(-r));
		return;
	}
	/* The name (pci.ids, parsed by libpci at the first lookup) only for a
	 * failure: a check that passes reads no ID database. */
	if (d.iommu_group < 0 || !vfio_driver_is_vfio(d.driver) || pci_role(&d) != PCI_ROLE_ENDPOINT)
		pci_name(names, d.vendor, d.device, d.class, name, sizeof(name));

	if (d.iommu_group < 0) {
		finding_fail(f, res,
			     "enable the IOMMU (VT-d / AMD-Vi) in the firmware and the kernel: "
			     "`vfio-launch check --host` names the kernel parameter",
			     "%s (%04x:%04x) has no IOMMU group: the IOMMU is off", name,
			     d.vendor, d.device);
		return;
	}

	/* Devices to hand to vfio-pci: this one, and the group's endpoints
	 * not on it (the verdict is the listing's: iommu_group_judge). */
	char bind[1024] = "";
	bool on_vfio = vfio_driver_is_vfio(d.driver);
	if (!on_vfio) {
		buf_appendf(msg, sizeof(msg), "%s (%04x:%04x) is %s%s, not vfio-pci", name,
			d.vendor, d.device, d.driver[0] ? "bound to " : "without a driver",
			d.driver);
		buf_appendf(bind, sizeof(bind), " %s", canon);
	}

	_cleanup_free_ struct pci_dev_info *members = NULL;
	size_t n_members = 0;
	r = iommu_group_devices(sysfs_fd, d.iommu_group, &members, &n_members);
	if (r < 0) {
		buf_appendf(msg, sizeof(msg), "%sreading IOMMU group %d: %s", msg[0] ? "; " : "",
			d.iommu_group, strerror(-r));
	}
	/* unreadable group: judge the device alone, so its own role still counts */
	struct iommu_judgement j = r < 0 ? iommu_group_judge(&d, 1, root) :
					   iommu_group_judge(members, n_members, root);
	enum pci_role role = pci_role(&d);
	if (role == PCI_ROLE_BRIDGE || role == PCI_ROLE_DUMMY) {
		finding_fail(f, res, "pass the endpoints behind it (`vfio-launch iommu` lists them)",
			     "%s (%04x:%04x) is %s: nothing to pass through", name, d.vendor, d.device,
			     role == PCI_ROLE_BRIDGE ? "a PCI bridge" :
			     pci_host_rule_find(d.vendor, d.device, d.class)->what);
		return;
	}
	if (j.verdict == IOMMU_HOST || j.verdict == IOMMU_ROOTFS) {
		/* the helper refuses these whatever the allowlist says: no bind fix */
		char mname[256], why[512];
		if (j.verdict == IOMMU_ROOTFS)
			snprintf(why, sizeof(why), "holds the root filesystem (%s on /)", root->source);
		else
			snprintf(why, sizeof(why), "is %s", j.rule->what);
		pci_name(names, j.dev->vendor, j.dev->device, j.dev->class, mname, sizeof(mname));
		finding_fail(f, res,
			     "keep this group on the host: pass a device whose group holds no "
			     "host-critical function (`vfio-launch iommu` shows the verdicts), or "
			     "move the card to a slot with its own group",
			     "IOMMU group %d belongs to the host: %s (%s) %s", d.iommu_group,
			     j.dev->bdf, mname, why);
		return;
	}
	if (j.verdict == IOMMU_SRIOV_PF) {
		snprintf(fix, sizeof(fix), "pass its VFs (`vfio-launch iommu` lists them), or as root "
			 "disable them first: echo 0 > /sys/bus/pci/devices/%s/sriov_numvfs", j.dev->bdf);
		finding_fail(f, res, fix, "IOMMU group %d: %s has %u SR-IOV VFs enabled; vfio-pci "
			     "does not take a PF with VFs", d.iommu_group, j.dev->bdf, j.dev->sriov_vfs);
		return;
	}
	char offenders[1024] = "", others[512] = "";
	for (size_t i = 0; r >= 0 && i < n_members; i++) {
		const struct pci_dev_info *m = &members[i];
		if (strcmp(m->bdf, canon) == 0 || !pci_needs_bind(m))
			continue;
		char mname[256];
		pci_name(names, m->vendor, m->device, m->class, mname, sizeof(mname));
		buf_appendf(offenders, sizeof(offenders), "%s%s (%s) is %s%s",
			offenders[0] ? ", " : "", m->bdf, mname,
			m->driver[0] ? "bound to " : "without a driver", m->driver);
		buf_appendf(others, sizeof(others), " %s", m->bdf);
		buf_appendf(bind, sizeof(bind), " %s", m->bdf);
	}
	if (offenders[0]) {
		buf_appendf(msg, sizeof(msg), "%sIOMMU group %d is not ready: %s",
			msg[0] ? "; " : "", d.iommu_group, offenders);
		buf_appendf(fix, sizeof(fix),
			"allowlist%s in /etc/vfio-launch/privhelper.conf (the helper binds "
			"only whole groups), or move the card to a slot with its own group; ",
			others);
	}
	if (bind[0])
		buf_appendf(fix, sizeof(fix), "as root: vfio-privhelper bind%s", bind);
	if (!on_vfio && d.boot_vga)
		buf_appendf(fix, sizeof(fix),
			" (%s is the boot VGA device: the helper binds it only when the "
			"allowlist allows the boot VGA, and the host's console must move to "
			"another GPU)", canon);

	/* The group node exists only once a member is bound to VFIO. */
	char node[32];
	snprintf(node, sizeof(node), "vfio/%d", d.iommu_group);
	if (devfs_fd < 0) {
		buf_appendf(msg, sizeof(msg), "%scannot open %s: %s", msg[0] ? "; " : "",
			ctx->devfs, strerror(-devfs_fd));
	} else {
		if (on_vfio && (r = try_open_rw(devfs_fd, node)) < 0)
			node_problem(msg, sizeof(msg), fix, sizeof(fix), ctx->devfs, node, r);
		if ((r = try_open_rw(devfs_fd, "vfio/vfio")) < 0)
			node_problem(msg, sizeof(msg), fix, sizeof(fix), ctx->devfs,
				     "vfio/vfio", r);
	}

	keep_node(ctx, devfs_fd, node);
	keep_node(ctx, devfs_fd, "vfio/vfio");

	if (msg[0]) {
		finding_fail(f, res, fix[0] ? fix : NULL, "%s", msg);
		return;
	}
	finding_pass(f, res, "%04x:%04x: %s, IOMMU group %d ready, %s/%s usable",
		     d.vendor, d.device, d.driver, d.iommu_group, ctx->devfs, node);
}

void vfio_check(const struct profile *p, struct check_ctx *ctx,
		struct findings *f)
{
	if (p->n_pci == 0)
		return;
	_cleanup_pci_names_ struct pci_names *names = pci_names_new();
	_cleanup_close_ int sysfs_fd = open(ctx->sysfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sysfs_fd < 0)
		sysfs_fd = -errno;
	_cleanup_close_ int devfs_fd = open(ctx->devfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (devfs_fd < 0)
		devfs_fd = -errno;
	/* unreadable procfs: no root verdict (the helper still refuses a
	 * mounted disk) */
	struct pci_root_storage root = { 0 };
	_cleanup_close_ int procfs_fd = open(ctx->procfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sysfs_fd >= 0 && procfs_fd >= 0)
		pci_root_storage_find(sysfs_fd, procfs_fd, &root);
	for (size_t i = 0; i < p->n_pci; i++)
		check_one(p, &p->pci[i], ctx, f, sysfs_fd, devfs_fd, names, &root);
}
