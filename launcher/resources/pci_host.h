/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the host keeps: the PCI functions it needs whatever an allowlist
 * says (one table, with the reason for each entry), and the storage
 * controllers under its root filesystem. Read by `vfio-launch iommu` and
 * `check`'s [pci] check; vfio-privhelper keeps its own copy of the table
 * (privhelper/host.c: the helper shares no code with the launcher) and
 * tests/unit/test_vfio.c asserts the two are equal.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One entry: a PCI class (base class and subclass, the upper 16 bits of
 * sysfs "class") or, when vendor is not 0, one vendor:device (which wins
 * over its class). dummy: a placeholder function (AMD's "PCIe Dummy Host
 * Bridge"): no driver, no BARs, no DMA; it is neither passed through nor
 * bound, and does not stop its group from being passed (the kernel's
 * reasoning is in pci_host.c). what: words for messages ("an SMBus
 * controller (...)").
 */
struct pci_host_rule {
	uint16_t cls;
	uint16_t vendor, device;
	bool dummy;
	const char *what;
};

extern const struct pci_host_rule pci_host_rules[];
extern const size_t pci_host_rules_n;

/* The rule for a function (its vendor, device and 24-bit sysfs class), or
 * NULL when the host does not need it. */
const struct pci_host_rule *pci_host_rule_find(uint16_t vendor, uint16_t device,
					       uint32_t class);

/* The PCI functions the root filesystem's block devices hang off (their
 * storage controllers), and the mount's source for messages. */
struct pci_root_storage {
	char bdf[8][13];
	size_t n;
	char source[64]; /* "/dev/nvme0n1p2", "/dev/mapper/vg-root" */
};

/*
 * Finds the root filesystem's storage controllers: the mount on "/" in
 * procfs_fd's self/mountinfo (the last one: it hides those under it), its
 * block device (major:minor, or the source /dev/NAME when the major is 0
 * as btrfs reports) through sysfs dev/block/MAJ:MIN or class/block/NAME,
 * and the PCI function closest to the disk in the link's target; a
 * device-mapper or md device is followed through slaves/ (LVM, dm-crypt,
 * RAID over several disks). Layout: Documentation/ABI/stable/sysfs-block,
 * Documentation/filesystems/proc.rst (mountinfo). Returns 0 (ret->n is 0
 * when the root is not on a PCI device: tmpfs, NFS, a container) or -errno
 * when mountinfo cannot be read.
 */
int pci_root_storage_find(int sysfs_fd, int procfs_fd, struct pci_root_storage *ret);

bool pci_root_storage_has(const struct pci_root_storage *r, const char *bdf);
