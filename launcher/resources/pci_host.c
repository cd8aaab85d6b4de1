// SPDX-License-Identifier: GPL-2.0-or-later
#include "pci_host.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "sysfs.h"

/*
 * The host needs these, whatever an allowlist says. Classes: the PCI Code
 * and ID Assignment Specification (pci.ids "C" lines). privhelper/host.c
 * holds the same table (same order, same words): test_vfio.c compares them.
 *
 * AMD's dummy functions (the vendor:device entries, names from pci.ids):
 * each sits as function 0 (or 1300 "dummy function") of a multi-function
 * device beside real GPP bridges, with no BARs and no driver. The kernel
 * binds nothing to them, and VFIO counts a driverless device as harmless:
 * before Linux 5.19 vfio_dev_viable() (drivers/vfio/vfio.c) accepted
 * "driver-less" members; since, a group is claimed for userspace by
 * iommu_group_claim_dma_owner() (drivers/iommu/iommu.c), which only
 * devices with a bound DMA-API driver block (pci_dma_configure() in
 * drivers/pci/pci-driver.c calls iommu_device_use_default_domain() for
 * drivers without driver_managed_dma). So a dummy neither makes its group
 * the host's (it is no host bridge: it routes nothing) nor needs binding;
 * and vfio-pci would accept it (vfio_pci_core_register_device() refuses
 * only non-normal header types), so the helper must skip it explicitly.
 * The kernel's IOMMU grouping reasons alike ("a host bridge in a MFD with
 * no MMIO ... never accepting or initiating P2P", pci_mfd_isolated(),
 * J. Gunthorpe's 2025 ACS series for drivers/pci/search.c).
 */
const struct pci_host_rule pci_host_rules[] = {
	{ 0x0600, 0x1022, 0x1452, true, "an AMD PCIe dummy host bridge (a placeholder: no BARs, no driver)" },
	{ 0x0600, 0x1022, 0x1482, true, "an AMD PCIe dummy host bridge (a placeholder: no BARs, no driver)" },
	{ 0x0600, 0x1022, 0x14b7, true, "an AMD PCIe dummy host bridge (a placeholder: no BARs, no driver)" },
	{ 0x0600, 0x1022, 0x15d2, true, "an AMD PCIe dummy host bridge (a placeholder: no BARs, no driver)" },
	{ 0x0600, 0x1022, 0x15da, true, "an AMD PCIe dummy host bridge (a placeholder: no BARs, no driver)" },
	{ 0x0600, 0x1022, 0x1632, true, "an AMD PCIe dummy host bridge (a placeholder: no BARs, no driver)" },
	{ 0x1300, 0x1022, 0x1455, true, "an AMD PCIe dummy function (a placeholder: no BARs, no driver)" },
	{ 0x1300, 0x1022, 0x145a, true, "an AMD PCIe dummy function (a placeholder: no BARs, no driver)" },
	{ 0x1300, 0x1022, 0x148a, true, "an AMD PCIe dummy function (a placeholder: no BARs, no driver)" },
	/* the CPU's root complex, DRAM registers, AMD's data fabric (k10temp) */
	{ 0x0600, 0, 0, false, "a host bridge (the CPU's root complex, memory controller or data fabric)" },
	/* LPC/eSPI: the firmware's flash, the TPM, the embedded controller */
	{ 0x0601, 0, 0, false, "an ISA bridge (the LPC/eSPI controller: firmware flash, TPM, embedded controller)" },
	/* Intel PCH power management controller (pmc_core) */
	{ 0x0580, 0, 0, false, "a memory controller (the chipset's power management controller)" },
	{ 0x0800, 0, 0, false, "an interrupt controller (I/O APIC)" },
	{ 0x0801, 0, 0, false, "a system DMA controller" },
	{ 0x0802, 0, 0, false, "a system timer (HPET)" },
	{ 0x0803, 0, 0, false, "a real-time clock" },
	{ 0x0806, 0, 0, false, "an IOMMU (it isolates the groups themselves)" },
	{ 0x0807, 0, 0, false, "a root complex event collector (PCIe error reporting)" },
	/* Xeon uncore: I/OAT DMA, VT-d, RAS, IMC, QPI, PCU (sb_edac, ioatdma) */
	{ 0x0880, 0, 0, false, "a system peripheral of the CPU or chipset (uncore: DMA engine, VT-d, RAS, memory controller, QPI, power control)" },
	/* memory SPD, sensors, the clock generator (i801_smbus, piix4_smbus) */
	{ 0x0c05, 0, 0, false, "an SMBus controller (memory SPD, sensors, clock generator)" },
	/* Xeon uncore performance monitoring (ivbep_uncore, hswep_uncore) */
	{ 0x1101, 0, 0, false, "performance counters (CPU uncore)" },
	/* PCH thermal (intel_pch_thermal), processor thermal, platform monitoring */
	{ 0x1180, 0, 0, false, "a signal processing controller (thermal sensors, platform monitoring)" },
};
const size_t pci_host_rules_n = sizeof(pci_host_rules) / sizeof(pci_host_rules[0]);

const struct pci_host_rule *pci_host_rule_find(uint16_t vendor, uint16_t device,
					       uint32_t class)
{
	const struct pci_host_rule *by_class = NULL;

	for (size_t i = 0; i < pci_host_rules_n; i++) {
		const struct pci_host_rule *r = &pci_host_rules[i];
		if (r->vendor && r->vendor == vendor && r->device == device)
			return r;
		if (!r->vendor && !by_class && r->cls == class >> 8)
			by_class = r;
	}
	return by_class;
}

bool pci_root_storage_has(const struct pci_root_storage *r, const char *bdf)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->bdf[i], bdf) == 0)
			return true;
	return false;
}

/* dddd:bb:dd.f, as the kernel names a PCI function in sysfs. */
static bool is_bdf(const char *s, size_t len)
{
	static const char shape[] = "hhhh:hh:hh.f";
	if (len != 12)
		return false;
	for (size_t i = 0; i < 12; i++) {
		char c = s[i];
		bool ok = shape[i] == 'h' ? (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
			: shape[i] == 'f' ? c >= '0' && c <= '7' : c == shape[i];
		if (!ok)
			return false;
	}
	return true;
}

/*
 * Adds the controller under block device rel (a link below sysfs_fd:
 * dev/block/M:m or class/block/NAME): the last BDF in the link's target;
 * for a multipath NVMe disk those of its subsystem's controllers; for a
 * virtual device (dm, md) those of its slaves/.
 */
static void add_block(int sysfs_fd, const char *rel, struct pci_root_storage *r,
		      unsigned depth)
{
	char target[4096], path[4200];
	ssize_t n = readlinkat(sysfs_fd, rel, target, sizeof(target) - 1);
	const char *last = NULL;
	struct dirent *de;

	if (n < 0 || depth > 4)
		return;
	target[n] = '\0';
	for (char *p = target; (p = strchr(p, '/')); p++)
		if (is_bdf(p + 1, strcspn(p + 1, "/")))
			last = p + 1;
	if (last) {
		char bdf[13];
		memcpy(bdf, last, 12);
		bdf[12] = '\0';
		if (r->n < sizeof(r->bdf) / sizeof(r->bdf[0]) && !pci_root_storage_has(r, bdf))
			memcpy(r->bdf[r->n++], bdf, 13);
		return;
	}
	/* NVMe native multipath (CONFIG_NVME_MULTIPATH, on in Debian) puts the
	 * disk of a multi-controller subsystem under the virtual subsystem
	 * device, which links each of its controllers (nvmeN) by name:
	 * drivers/nvme/host/core.c, nvme_init_subsystem(). */
	char *subsys = strstr(target, "/nvme-subsystem/nvme-subsys");
	if (subsys) {
		subsys[strcspn(subsys + 16, "/") + 16] = '\0';
		snprintf(path, sizeof(path), "devices/virtual%s", subsys);
		_cleanup_closedir_ DIR *sd = NULL;
		if (sysfs_opendir(sysfs_fd, path, 0, &sd) < 0)
			return;
		while ((de = readdir(sd))) {
			unsigned ctrl;
			int end = 0;
			if (sscanf(de->d_name, "nvme%u%n", &ctrl, &end) != 1 || de->d_name[end])
				continue;
			char link[4500];
			snprintf(link, sizeof(link), "%.4200s/%.256s", path, de->d_name);
			add_block(sysfs_fd, link, r, depth + 1);
		}
		return;
	}
	snprintf(path, sizeof(path), "%s/slaves", rel);
	_cleanup_closedir_ DIR *dir = NULL;
	if (sysfs_opendir(sysfs_fd, path, 0, &dir) < 0)
		return;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || strchr(de->d_name, '/'))
			continue;
		snprintf(path, sizeof(path), "class/block/%s", de->d_name);
		add_block(sysfs_fd, path, r, depth + 1);
	}
}

int pci_root_storage_find(int sysfs_fd, int procfs_fd, struct pci_root_storage *ret)
{
	char *line = NULL, rel[128];
	size_t cap = 0;
	unsigned maj = 0, min = 0;
	bool found = false;

	*ret = (struct pci_root_storage){ 0 };
	int fd = openat(procfs_fd, "self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	_cleanup_fclose_ FILE *f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		return -errno;
	}
	/* "36 35 98:0 /root / opts [tags] - fstype source superopts" */
	while (getline(&line, &cap, f) > 0) {
		char mnt[8], src[64];
		unsigned a, b;
		const char *sep = strstr(line, " - ");
		if (sscanf(line, "%*u %*u %u:%u %*s %7s", &a, &b, mnt) != 3 || strcmp(mnt, "/") ||
		    !sep || sscanf(sep, " - %*s %63s", src) != 1)
			continue;
		maj = a, min = b, found = true;
		snprintf(ret->source, sizeof(ret->source), "%s", src);
	}
	free(line);
	if (!found)
		return 0;
	if (maj != 0)
		snprintf(rel, sizeof(rel), "dev/block/%u:%u", maj, min);
	else if (strncmp(ret->source, "/dev/", 5) == 0 && !strchr(ret->source + 5, '/'))
		snprintf(rel, sizeof(rel), "class/block/%s", ret->source + 5);
	else
		return 0;
	add_block(sysfs_fd, rel, ret, 0);
	return 0;
}
