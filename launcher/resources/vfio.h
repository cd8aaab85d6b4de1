/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VFIO and IOMMU groups, read from sysfs. Every path is reached with
 * openat() from a directory fd of the sysfs root (ctx->sysfs: "/sys" in
 * production, a fake tree in tests), so the functions here never look at
 * the real bus unless told to. Names come from udev's hwdb, else the PCI
 * ID database through libpci's pci_lookup_name() (pci_names.c; no libpci
 * bus scan, so fake trees work).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"

/* A PCI function as sysfs shows it. */
struct pci_dev_info {
	char bdf[13];       /* "0000:03:00.0" */
	uint16_t vendor;    /* sysfs vendor */
	uint16_t device;    /* sysfs device */
	uint32_t class;     /* sysfs class, 24 bits: 0x030000 = VGA */
	char driver[64];    /* bound driver's name, "" when unbound */
	int iommu_group;    /* -1: no IOMMU group (IOMMU off) */
	bool boot_vga;      /* sysfs boot_vga reads 1 */
	unsigned sriov_vfs; /* sysfs sriov_numvfs: VFs enabled on this PF */
};

/*
 * Validates a BDF and writes its canonical form to ret ("03:00.0" and
 * "0000:03:00.0" -> "0000:03:00.0"; hex digits lowercased). Accepts only
 * [0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}.[0-7] (domain optional), so the
 * result is safe in a path. Returns 0 or -EINVAL.
 */
int pci_bdf_normalize(const char *in, char ret[static 13]);

/*
 * Reads the PCI function bdf (canonical) under sysfs_fd (the sysfs root):
 * bus/pci/devices/BDF/{vendor,device,class,boot_vga,sriov_numvfs} and the driver and
 * iommu_group links. Returns 0, -ENOENT when there is no such device,
 * -EINVAL for an unparsable attribute, or another -errno.
 */
int pci_read_device(int sysfs_fd, const char *bdf, struct pci_dev_info *ret);

/*
 * The members of IOMMU group `group` (the entries of kernel/iommu_groups/N/devices),
 * sorted by BDF. *ret is malloc'd (caller frees), *ret_n its length.
 * Returns 0, -ENOENT (no such group) or -errno.
 */
int iommu_group_devices(int sysfs_fd, int group, struct pci_dev_info **ret,
			size_t *ret_n);

/*
 * Every IOMMU group number under kernel/iommu_groups, ascending; *ret is
 * malloc'd. An empty or missing directory gives 0 groups (IOMMU off).
 */
int iommu_groups_list(int sysfs_fd, int **ret, size_t *ret_n);

/*
 * True for drivers that give a device to VFIO: vfio-pci itself and the
 * vfio-pci variant drivers built on vfio_pci_core, which the kernel names
 * after their module, ending in "_vfio_pci" or "-vfio-pci" (mlx5_vfio_pci,
 * hisi_acc_vfio_pci, pds_vfio_pci, virtio_vfio_pci, nvgrace_gpu_vfio_pci,
 * qat_vfio_pci: drivers/vfio/pci/, Linux 5.16 to 6.x).
 */
bool vfio_driver_is_vfio(const char *driver);

/*
 * True when the kernel ignores this device for group viability: header
 * type other than normal, i.e. PCI-to-PCI (0x0604), CardBus (0x0607) and
 * semi-transparent (0x0609) bridges. Source: drivers/vfio/group.c (older:
 * vfio.c), vfio_dev_driver_allowed(): pci-stub or a non-normal header;
 * since Linux 5.19 their driver, pcieport, sets driver_managed_dma.
 */
bool pci_class_is_bridge(uint32_t class);

/* What a group member is to the verdict: a bridge or an AMD dummy function
 * (neither passed nor bound), a function the host needs (pci_host.h), or
 * an endpoint to pass through. */
enum pci_role { PCI_ROLE_ENDPOINT, PCI_ROLE_BRIDGE, PCI_ROLE_DUMMY, PCI_ROLE_HOST };
enum pci_role pci_role(const struct pci_dev_info *d);

/* True for an endpoint not yet on a VFIO driver: QEMU opens only devices on
 * vfio-pci, and an endpoint left driverless in a group given to a VM can be
 * claimed by a host driver later (before Linux 5.19 that BUG()s the host in
 * vfio's group notifier; since, the probe fails EBUSY while the VM runs):
 * the helper binds every endpoint of the group. */
bool pci_needs_bind(const struct pci_dev_info *d);

/*
 * The verdict on a group, in this order: the host's (a member the host
 * needs: HOST, wins over everything), the root filesystem's (a member is
 * its storage controller: ROOTFS), an SR-IOV physical function with VFs
 * enabled not on vfio-pci (SRIOV_PF: vfio_pci_core_register_device()
 * refuses such a PF with EBUSY, drivers/vfio/pci/vfio_pci_core.c, Linux
 * 5.x-6.x), nothing to pass (bridges and dummies only: BRIDGES), READY
 * (every endpoint on vfio-pci) or BIND (the endpoints for which
 * pci_needs_bind()). dev: the member that decides a HOST, ROOTFS or
 * SRIOV_PF verdict, rule its entry. Pure: the listing and the check
 * both call it, so they cannot disagree.
 */
struct pci_root_storage;
struct pci_host_rule;
enum iommu_verdict {
	IOMMU_EMPTY, IOMMU_HOST, IOMMU_ROOTFS, IOMMU_SRIOV_PF, IOMMU_BRIDGES, IOMMU_READY, IOMMU_BIND
};
struct iommu_judgement {
	enum iommu_verdict verdict;
	const struct pci_dev_info *dev;
	const struct pci_host_rule *rule;
};
struct iommu_judgement iommu_group_judge(const struct pci_dev_info *devs, size_t n,
					 const struct pci_root_storage *root);

/*
 * Writes "Vendor Device" into buf, or "vvvv:dddd" when unknown. names is
 * a handle from pci_names_new (NULL: numbers only); pci_names.c says where
 * names come from: udev's hwdb, else pci.ids through libpci. The handle
 * costs nothing until the first lookup: a run or check that prints no
 * name reads neither (issue 15). class (24 bits) keys the handle's
 * memory of lookups with the IDs.
 */
struct pci_names;
struct pci_names *pci_names_new(void);
void pci_names_free(struct pci_names *names);
static inline void pci_names_freep(struct pci_names **n)
{
	pci_names_free(*n);
}
#define _cleanup_pci_names_ __attribute__((cleanup(pci_names_freep)))
const char *pci_name(struct pci_names *names, uint16_t vendor, uint16_t device, uint32_t class,
		     char *buf, size_t len);

/*
 * `vfio-launch iommu`: every IOMMU group under sysfs_fd with its devices
 * (BDF, class in words, vendor:device, name, driver, role) and the verdict
 * of iommu_group_judge(): "keep on the host" (naming the device and why),
 * "bridges only", "ready", or "passable after: vfio-privhelper bind ...".
 * The root filesystem is found through procfs_fd (pci_root_storage_find;
 * unreadable: no root verdict). The boot VGA device is marked. The
 * functions are read from bus/pci/devices, each group's from its
 * iommu_group link. Names as pci_name (only here and in failure
 * messages). Returns 0, -ENOENT when there are no IOMMU groups, or -errno.
 */
int iommu_print_groups(int sysfs_fd, int procfs_fd, FILE *out);

/* "ISA bridge" for class 0x0601xx (the subclass's name, else the
 * class's), through names as pci_name (NULL or unknown: ""). */
const char *pci_class_name(struct pci_names *names, uint16_t vendor, uint16_t device,
			   uint32_t class, char *buf, size_t len);

/*
 * The VFIO check: one finding "vfio BDF" per [pci] device: the device
 * exists, is bound to vfio-pci (or a variant), its IOMMU group's verdict
 * (iommu_group_judge, the listing's) is ready,
 * and devfs/vfio/N and devfs/vfio/vfio open read-write (the test is a real
 * open(O_RDWR), as QEMU does; EBUSY means another process holds the
 * group). FAILs name the vfio-privhelper command that fixes them. Keeps
 * the two device nodes that exist (check_ctx_keep: O_PATH, read-write,
 * device ioctls).
 */
void vfio_check(const struct profile *p, struct check_ctx *ctx,
		struct findings *f);
