/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fake host trees for the resource checks' tests: a temporary directory
 * holding sys/, dev/ and proc/, laid out as the kernel lays them out
 * (sysfs links for driver and iommu_group included). Header-only, shared
 * by the Check suites; aborts the test on any setup error.
 */
#pragma once

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

struct fake_tree {
	char root[64];
	char sys[128], dev[128], proc[128];
};

static inline void fake_mkdir_p(const char *path)
{
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			ck_abort_msg("mkdir %s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		ck_abort_msg("mkdir %s: %s", buf, strerror(errno));
}

static inline void fake_init(struct fake_tree *t)
{
	snprintf(t->root, sizeof(t->root), "/tmp/vl-fake.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t->root));
	snprintf(t->sys, sizeof(t->sys), "%s/sys", t->root);
	snprintf(t->dev, sizeof(t->dev), "%s/dev", t->root);
	snprintf(t->proc, sizeof(t->proc), "%s/proc", t->root);
	fake_mkdir_p(t->sys);
	fake_mkdir_p(t->dev);
	fake_mkdir_p(t->proc);
	chmod(t->root, 0755);
}

static int fake_rm_one(const char *path, const struct stat *st, int flag,
		       struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/*
 * For a test that must run as an unprivileged user: when root, become
 * uid/gid 65534 with no supplementary groups, keeping 0 as the saved
 * set-user-ID only so that fake_cleanup() can take root back to remove
 * the tree. The effective capabilities are gone (capabilities(7): euid
 * 0 -> nonzero clears the effective set), so every access check in the
 * test is the unprivileged user's. No-op when not root.
 */
static inline void fake_drop_to_nobody(void)
{
	if (geteuid() != 0)
		return;
	ck_assert_int_eq(setgroups(0, NULL), 0);
	ck_assert_int_eq(setresgid(65534, 65534, 0), 0);
	ck_assert_int_eq(setresuid(65534, 65534, 0), 0);
}

static inline void fake_cleanup(struct fake_tree *t)
{
	uid_t r, e, saved;

	/* after fake_drop_to_nobody(): root again, to remove root's files */
	if (geteuid() != 0 && getresuid(&r, &e, &saved) == 0 && saved == 0)
		(void)!seteuid(0);
	nftw(t->root, fake_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Writes root/rel (parents created) with the formatted contents. */
static inline void __attribute__((format(printf, 4, 5)))
fake_write(const char *root, const char *rel, mode_t mode, const char *fmt, ...)
{
	char path[4096], dir[4096];
	va_list ap;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	fake_mkdir_p(dir);
	FILE *f = fopen(path, "w");
	ck_assert_msg(f != NULL, "fopen %s: %s", path, strerror(errno));
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
	chmod(path, mode);
}

/* root/rel -> target (parents of rel created). */
static inline void fake_link(const char *root, const char *rel, const char *target)
{
	char path[4096], dir[4096];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	fake_mkdir_p(dir);
	unlink(path);
	ck_assert_msg(symlink(target, path) == 0, "symlink %s: %s", path, strerror(errno));
}

/*
 * A PCI function in t->sys as the kernel shows it: the device directory
 * under devices/pci0000:00/, the bus/pci/devices link, the driver link
 * (driver NULL: unbound), the iommu_group link and the group's devices
 * entry (group < 0: no IOMMU group).
 */
static inline void fake_pci(struct fake_tree *t, const char *bdf, unsigned vendor,
			    unsigned device, unsigned class, const char *driver,
			    int group)
{
	char dev[256], rel[512], target[1024];

	snprintf(dev, sizeof(dev), "devices/pci%.4s:00/%s", bdf, bdf);
	snprintf(rel, sizeof(rel), "%s/vendor", dev);
	fake_write(t->sys, rel, 0444, "0x%04x\n", vendor);
	snprintf(rel, sizeof(rel), "%s/device", dev);
	fake_write(t->sys, rel, 0444, "0x%04x\n", device);
	snprintf(rel, sizeof(rel), "%s/class", dev);
	fake_write(t->sys, rel, 0444, "0x%06x\n", class);
	if ((class >> 8) == 0x0300) {
		snprintf(rel, sizeof(rel), "%s/boot_vga", dev);
		fake_write(t->sys, rel, 0444, "0\n");
	}
	snprintf(rel, sizeof(rel), "bus/pci/devices/%s", bdf);
	snprintf(target, sizeof(target), "../../../%s", dev);
	fake_link(t->sys, rel, target);
	if (driver) {
		snprintf(rel, sizeof(rel), "bus/pci/drivers/%s", driver);
		snprintf(target, sizeof(target), "%s/%s", t->sys, rel);
		fake_mkdir_p(target);
		snprintf(rel, sizeof(rel), "%s/driver", dev);
		snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", driver);
		fake_link(t->sys, rel, target);
	}
	if (group >= 0) {
		snprintf(rel, sizeof(rel), "%s/iommu_group", dev);
		snprintf(target, sizeof(target), "../../../kernel/iommu_groups/%d", group);
		fake_link(t->sys, rel, target);
		snprintf(rel, sizeof(rel), "kernel/iommu_groups/%d/devices/%s", group, bdf);
		snprintf(target, sizeof(target), "../../../../%s", dev);
		fake_link(t->sys, rel, target);
	}
}

/* Marks a VGA device as the boot VGA (sysfs boot_vga = 1). */
static inline void fake_boot_vga(struct fake_tree *t, const char *bdf)
{
	char rel[256];
	snprintf(rel, sizeof(rel), "devices/pci%.4s:00/%s/boot_vga", bdf, bdf);
	fake_write(t->sys, rel, 0444, "1\n");
}

/*
 * The IOMMU layout of a Xeon E5 (X79 / C600) workstation, as read from a
 * real machine: the host bridge alone, the root port the GPU sits behind,
 * group 5 = the eight DMA engines 00:04.0-7 (ioatdma), group 16 = the PCH
 * functions 00:1f.0 LPC, 1f.2 SATA, 1f.3 SMBus and 1f.6 e1000e, group 17
 * = the GPU 03:00.0 and its HDMI audio 03:00.1, both on vfio-pci.
 */
static inline void fake_xeon_e5(struct fake_tree *t)
{
	fake_pci(t, "0000:00:00.0", 0x8086, 0x3c00, 0x060000, NULL, 0);
	fake_pci(t, "0000:00:03.0", 0x8086, 0x3c08, 0x060400, "pcieport", 3);
	for (unsigned fn = 0; fn < 8; fn++) {
		char bdf[16];
		snprintf(bdf, sizeof(bdf), "0000:00:04.%u", fn);
		fake_pci(t, bdf, 0x8086, 0x3c20 + fn, 0x088000, "ioatdma", 5);
	}
	fake_pci(t, "0000:00:1f.0", 0x8086, 0x1d41, 0x060100, "lpc_ich", 16);
	fake_pci(t, "0000:00:1f.2", 0x8086, 0x1d02, 0x010601, "ahci", 16);
	fake_pci(t, "0000:00:1f.3", 0x8086, 0x1d22, 0x0c0500, "i801_smbus", 16);
	fake_pci(t, "0000:00:1f.6", 0x8086, 0x1502, 0x020000, "e1000e", 16);
	fake_pci(t, "0000:03:00.0", 0x10de, 0x1b80, 0x030000, "vfio-pci", 17);
	fake_pci(t, "0000:03:00.1", 0x10de, 0x10f0, 0x040300, "vfio-pci", 17);
	fake_write(t->dev, "vfio/vfio", 0666, "%s", "");
	fake_write(t->dev, "vfio/17", 0660, "%s", "");
}
