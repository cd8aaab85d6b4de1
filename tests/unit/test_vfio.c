// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VFIO: BDFs, driver rules, group viability and `vfio-launch iommu`, all
 * against fake sysfs/dev trees built in a temporary directory.
 */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "fake_tree.h"
#include "pci_host.h"
#include "vfio.h"
#include "../privhelper/topo.h"
/* the helper's copy of the host-critical table, compared with ours below */
#include "../../privhelper/host.c"

static struct fake_tree T;

static void setup(void)
{
	fake_init(&T);
}

static void teardown(void)
{
	fake_cleanup(&T);
}

static struct check_ctx ctx_for(const struct fake_tree *t)
{
	return (struct check_ctx){ .sysfs = t->sys, .devfs = t->dev, .procfs = t->proc };
}

static struct pci_item items[4];

static struct profile profile_with(const char *const *bdfs, size_t n)
{
	ck_assert_uint_le(n, ELEMENTSOF(items));
	for (size_t i = 0; i < n; i++) {
		memset(&items[i], 0, sizeof(items[i]));
		snprintf(items[i].bdf, sizeof(items[i].bdf), "%s", bdfs[i]);
		items[i].line = 10 + (unsigned)i;
	}
	return (struct profile){ .file = "/home/u/.config/vfio-launch/win.conf",
				 .memory = 1ULL << 30, .pci = items, .n_pci = n };
}

static const struct {
	const char *in, *out;
} bdfs[] = {
	{ "0000:03:00.0", "0000:03:00.0" },
	{ "03:00.1", "0000:03:00.1" },
	{ "0000:0A:1F.7", "0000:0a:1f.7" },
	{ "03:00.8", NULL },
	{ "3:00.0", NULL },
	{ "0000:03:00.0/", NULL },
	{ "../../../etc", NULL },
	{ "0000:03:00:0", NULL },
	{ "", NULL },
};

START_TEST(test_bdf_normalize)
{
	ck_assert_uint_eq(ELEMENTSOF(bdfs), 9);
	for (size_t i = 0; i < ELEMENTSOF(bdfs); i++) {
		char out[13] = "";
		int r = pci_bdf_normalize(bdfs[i].in, out);
		if (bdfs[i].out) {
			ck_assert_msg(r == 0, "%s rejected", bdfs[i].in);
			ck_assert_str_eq(out, bdfs[i].out);
		} else {
			ck_assert_msg(r == -EINVAL, "%s accepted", bdfs[i].in);
		}
	}
}
END_TEST

START_TEST(test_driver_rules)
{
	ck_assert(vfio_driver_is_vfio("vfio-pci"));
	ck_assert(vfio_driver_is_vfio("mlx5_vfio_pci"));
	ck_assert(vfio_driver_is_vfio("hisi_acc_vfio_pci"));
	ck_assert(vfio_driver_is_vfio("nvgrace_gpu_vfio_pci"));
	ck_assert(!vfio_driver_is_vfio("nouveau"));
	ck_assert(!vfio_driver_is_vfio("vfio_pci_core"));
	ck_assert(!vfio_driver_is_vfio(""));
	ck_assert(pci_class_is_bridge(0x060400));
	ck_assert(pci_class_is_bridge(0x060401));
	ck_assert(!pci_class_is_bridge(0x060100));
	ck_assert(!pci_class_is_bridge(0x030000));
	/* ready means on vfio-pci: pci-stub and no driver both need a bind */
	struct pci_dev_info stub = { .class = 0x040300, .driver = "pci-stub" };
	ck_assert(pci_needs_bind(&stub));
	struct pci_dev_info snd = { .class = 0x040300, .driver = "snd_hda_intel" };
	ck_assert(pci_needs_bind(&snd));
	struct pci_dev_info none = { .class = 0x040300, .driver = "" };
	ck_assert(pci_needs_bind(&none));
	struct pci_dev_info vf = { .class = 0x020000, .driver = "mlx5_vfio_pci" };
	ck_assert(!pci_needs_bind(&vf));
	/* a bridge, an AMD dummy host bridge: neither passed nor bound */
	struct pci_dev_info port = { .class = 0x060400, .driver = "pcieport" };
	ck_assert_int_eq(pci_role(&port), PCI_ROLE_BRIDGE);
	ck_assert(!pci_needs_bind(&port));
	struct pci_dev_info dummy = { .vendor = 0x1022, .device = 0x1482, .class = 0x060000 };
	ck_assert_int_eq(pci_role(&dummy), PCI_ROLE_DUMMY);
	ck_assert(!pci_needs_bind(&dummy));
	/* the data fabric next to it is a real host bridge */
	struct pci_dev_info df = { .vendor = 0x1022, .device = 0x1443, .class = 0x060000, .driver = "k10temp" };
	ck_assert_int_eq(pci_role(&df), PCI_ROLE_HOST);
	struct pci_dev_info smbus = { .vendor = 0x8086, .device = 0xa323, .class = 0x0c0500 };
	ck_assert_int_eq(pci_role(&smbus), PCI_ROLE_HOST);
	ck_assert_str_eq(pci_host_rule_find(0x8086, 0xa323, 0x0c0500)->what,
			 "an SMBus controller (memory SPD, sensors, clock generator)");
	ck_assert_ptr_null(pci_host_rule_find(0x10de, 0x1ad9, 0x0c8000)); /* GPU's UCSI */
}
END_TEST

START_TEST(test_read_device_xeon)
{
	struct pci_dev_info d;
	fake_xeon_e5(&T);
	_cleanup_close_ int fd = open(T.sys, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pci_read_device(fd, "03:00.0", &d), 0);
	ck_assert_str_eq(d.bdf, "0000:03:00.0");
	ck_assert_uint_eq(d.vendor, 0x10de);
	ck_assert_uint_eq(d.device, 0x1b80);
	ck_assert_uint_eq(d.class, 0x030000);
	ck_assert_str_eq(d.driver, "vfio-pci");
	ck_assert_int_eq(d.iommu_group, 17);
	ck_assert(!d.boot_vga);
	ck_assert_int_eq(pci_read_device(fd, "0000:05:00.0", &d), -ENOENT);

	_cleanup_free_ struct pci_dev_info *m = NULL;
	size_t n = 0;
	ck_assert_int_eq(iommu_group_devices(fd, 16, &m, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(m[0].bdf, "0000:00:1f.0");
	ck_assert_str_eq(m[0].driver, "lpc_ich");
	ck_assert_str_eq(m[3].bdf, "0000:00:1f.6");
	ck_assert_str_eq(m[3].driver, "e1000e");
	free(m);
	m = NULL;
	ck_assert_int_eq(iommu_group_devices(fd, 5, &m, &n), 0);
	ck_assert_uint_eq(n, 8);
	for (size_t i = 0; i < 8; i++)
		ck_assert_uint_eq(m[i].device, 0x3c20 + i);

	_cleanup_free_ int *g = NULL;
	ck_assert_int_eq(iommu_groups_list(fd, &g, &n), 0);
	ck_assert_uint_eq(n, 5);
	int want[] = { 0, 3, 5, 16, 17 };
	for (size_t i = 0; i < 5; i++)
		ck_assert_int_eq(g[i], want[i]);
}
END_TEST

static const char *const gpu[] = { "0000:03:00.0", "03:00.1" };

/* Xeon group 17, both functions on vfio-pci: ready, nodes usable. */
START_TEST(test_check_viable)
{
	fake_xeon_e5(&T);
	struct profile p = profile_with(gpu, 2);
	struct check_ctx ctx = ctx_for(&T);
	struct findings f = { 0 };
	char want[512];

	vfio_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_uint_eq(f.n_fail, 0);
	const struct finding *a = findings_find(&f, "vfio 0000:03:00.0");
	ck_assert_ptr_nonnull(a);
	snprintf(want, sizeof(want),
		 "10de:1b80: vfio-pci, IOMMU group 17 ready, %s/vfio/17 usable", T.dev);
	ck_assert_str_eq(a->message, want);
	/* the profile's short form is checked under its canonical name */
	const struct finding *b = findings_find(&f, "vfio 03:00.1");
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(b->level, FINDING_PASS);
	/* a passing check names no device: it reads no pci.ids */
	ck_assert_str_eq(b->message + strlen(b->message) - strlen("usable"), "usable");
	ck_assert_ptr_nonnull(strstr(b->message, "10de:10f0: vfio-pci"));
	/* each node once */
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 2);
	snprintf(want, sizeof(want), "%s/vfio/17", T.dev);
	ck_assert_ptr_nonnull(check_ctx_kept(&ctx, want));
	ck_assert(check_ctx_kept(&ctx, want)->dev);
	snprintf(want, sizeof(want), "%s/vfio/vfio", T.dev);
	ck_assert_ptr_nonnull(check_ctx_kept(&ctx, want));
	check_ctx_clear_kept(&ctx);
	findings_clear(&f);
}
END_TEST

/* GPU on nouveau, its audio on snd_hda_intel: wrong driver and a group
 * that is not ready, with the bind command for both. */
START_TEST(test_check_host_driver)
{
	fake_pci(&T, "0000:03:00.0", 0x10de, 0x1b80, 0x030000, "nouveau", 17);
	fake_pci(&T, "0000:03:00.1", 0x10de, 0x10f0, 0x040300, "snd_hda_intel", 17);
	fake_write(T.dev, "vfio/vfio", 0666, "%s", "");
	struct profile p = profile_with(gpu, 1);
	struct check_ctx ctx = ctx_for(&T);
	struct findings f = { 0 };

	vfio_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	const struct finding *a = findings_find(&f, "vfio 0000:03:00.0");
	ck_assert_str_eq(a->message,
			 "NVIDIA Corporation GP104 [GeForce GTX 1080] (10de:1b80) is bound to "
			 "nouveau, not vfio-pci; IOMMU group 17 is not ready: 0000:03:00.1 "
			 "(NVIDIA Corporation GP104 High Definition Audio Controller) is bound "
			 "to snd_hda_intel");
	ck_assert_str_eq(a->fix,
			 "allowlist 0000:03:00.1 in /etc/vfio-launch/privhelper.conf (the helper "
			 "binds only whole groups), or move the card to a slot with its own "
			 "group; as root: vfio-privhelper bind 0000:03:00.0 0000:03:00.1");
	check_ctx_clear_kept(&ctx);
	findings_clear(&f);
}
END_TEST

/* The boot VGA GPU on its host driver: the fix says what binding it means. */
START_TEST(test_check_boot_vga)
{
	fake_pci(&T, "0000:01:00.0", 0x10de, 0x1b80, 0x030000, "nvidia", 1);
	fake_boot_vga(&T, "0000:01:00.0");
	fake_write(T.dev, "vfio/vfio", 0666, "%s", "");
	const char *const dev[] = { "01:00.0" };
	struct profile p = profile_with(dev, 1);
	struct check_ctx ctx = ctx_for(&T);
	struct findings f = { 0 };

	vfio_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	ck_assert_str_eq(f.items[0].message, "NVIDIA Corporation GP104 [GeForce GTX 1080] "
					     "(10de:1b80) is bound to nvidia, not vfio-pci");
	ck_assert_str_eq(f.items[0].fix,
			 "as root: vfio-privhelper bind 0000:01:00.0 (0000:01:00.0 is the boot "
			 "VGA device: the helper binds it only when the allowlist allows the "
			 "boot VGA, and the host's console must move to another GPU)");
	check_ctx_clear_kept(&ctx);
	findings_clear(&f);
}
END_TEST

/* A vfio-pci variant driver counts as VFIO, for the device and its group. */
START_TEST(test_check_variant_driver)
{
	fake_pci(&T, "0000:3b:00.2", 0x15b3, 0x101e, 0x020000, "mlx5_vfio_pci", 40);
	fake_pci(&T, "0000:3b:00.3", 0x15b3, 0x101e, 0x020000, "vfio-pci", 40);
	fake_write(T.dev, "vfio/vfio", 0666, "%s", "");
	fake_write(T.dev, "vfio/40", 0660, "%s", "");
	const char *const dev[] = { "0000:3b:00.2" };
	struct profile p = profile_with(dev, 1);
	struct check_ctx ctx = ctx_for(&T);
	struct findings f = { 0 };
	char want[512];

	vfio_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 0);
	snprintf(want, sizeof(want),
		 "15b3:101e: mlx5_vfio_pci, IOMMU group 40 ready, %s/vfio/40 usable", T.dev);
	ck_assert_str_eq(f.items[0].message, want);
	check_ctx_clear_kept(&ctx);
	findings_clear(&f);
}
END_TEST

/* A PCIe bridge in the group does not count; a driverless endpoint does:
 * QEMU needs it on vfio-pci, so the group is ready only once it is bound. */
START_TEST(test_check_bridge_in_group)
{
	fake_pci(&T, "0000:04:00.0", 0x1b21, 0x1182, 0x060400, "pcieport", 20);
	fake_pci(&T, "0000:05:00.0", 0x1002, 0x67df, 0x030000, "vfio-pci", 20);
	fake_pci(&T, "0000:05:00.1", 0x1002, 0xaaf0, 0x040300, NULL, 20);
	fake_write(T.dev, "vfio/vfio", 0666, "%s", "");
	fake_write(T.dev, "vfio/20", 0660, "%s", "");
	const char *const dev[] = { "0000:05:00.0" };
	struct profile p = profile_with(dev, 1);
	struct check_ctx ctx = ctx_for(&T);
	struct findings f = { 0 };

	vfio_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	ck_assert_str_eq(f.items[0].message,
			 "IOMMU group 20 is not ready: 0000:05:00.1 (Advanced Micro Devices, Inc. "
			 "[AMD/ATI] Ellesmere HDMI Audio [Radeon RX 470/480 / 570/580/590]) is "
			 "without a driver");
	ck_assert_ptr_nonnull(strstr(f.items[0].fix, "as root: vfio-privhelper bind 0000:05:00.1"));
	findings_clear(&f);
	check_ctx_clear_kept(&ctx);

	fake_pci(&T, "0000:05:00.1", 0x1002, 0xaaf0, 0x040300, "vfio-pci", 20);
	vfio_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 0);
	ck_assert_ptr_nonnull(strstr(f.items[0].message, "IOMMU group 20 ready"));
	check_ctx_clear_kept(&ctx);
	findings_clear(&f);
}
END_TEST

/* Xeon group 16: the SATA controller on vfio-pci is not enough, and no bind
 * helps: the group holds the LPC bridge and the SMBus, the host's. */
START_TEST(test_check_xeon_pch_group)
{
	fake_xeon_e5(&T);
	fake_pci(&T, "0000:00:1f.2", 0x8086, 0x1d02, 0x010601, "vfio-pci", 16);
	fake_write(T.dev, "vfio/16", 0660, "%s", "");
	const char *const dev[] = { "00:1f.2" };
	struct profile p = profile_with(dev, 1);
	struct check_ctx ctx = ctx_for(&T);
	struct findings f = { 0 };

	vfio_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	ck_assert_str_eq(f.items[0].message,
			 "IOMMU group 16 belongs to the host: 0000:00:1f.0 (Intel Corporation "
			 "C600/X79 series chipset LPC Controller) is an ISA bridge (the LPC/eSPI "
			 "controller: firmware flash, TPM, embedded controller)");
	ck_assert_str_eq(f.items[0].fix,
			 "keep this group on the host: pass a device whose group holds no "
			 "host-critical function (`vfio-launch iommu` shows the verdicts), or move "
			 "the card to a slot with its own group");
	check_ctx_clear_kept(&ctx);
	findings_clear(&f);
}
END_TEST

START_TEST(test_check_missing_device)
{
	fake_xeon_e5(&T);
	const char *const dev[] = { "0000:0a:00.0" };
	struct profile p = profile_with(dev, 1);
	struct check_ctx ctx = ctx_for(&T);
	struct findings f = { 0 };
	char want[512];

	vfio_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	snprintf(want, sizeof(want),
		 "no PCI device 0000:0a:00.0 on this host (%s/bus/pci/devices/0000:0a:00.0)",
		 T.sys);
	ck_assert_str_eq(f.items[0].message, want);
	ck_assert_str_eq(f.items[0].fix,
			 "find the address with `vfio-launch iommu` (or lspci -D) and correct "
			 "[pci] device = at /home/u/.config/vfio-launch/win.conf:10");
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 0);
	findings_clear(&f);
}
END_TEST

START_TEST(test_check_no_iommu)
{
	fake_pci(&T, "0000:01:00.0", 0x10de, 0x1b80, 0x030000, "nouveau", -1);
	const char *const dev[] = { "0000:01:00.0" };
	struct profile p = profile_with(dev, 1);
	struct check_ctx ctx = ctx_for(&T);
	struct findings f = { 0 };

	vfio_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	ck_assert_str_eq(f.items[0].message,
			 "NVIDIA Corporation GP104 [GeForce GTX 1080] (10de:1b80) has no IOMMU "
			 "group: the IOMMU is off");
	ck_assert_str_eq(f.items[0].fix,
			 "enable the IOMMU (VT-d / AMD-Vi) in the firmware and the kernel: "
			 "`vfio-launch check --host` names the kernel parameter");
	findings_clear(&f);
}
END_TEST

/* Bound, but the group node is missing: VFIO not loaded. */
START_TEST(test_check_node_missing)
{
	fake_pci(&T, "0000:03:00.0", 0x10de, 0x1b80, 0x030000, "vfio-pci", 17);
	const char *const dev[] = { "0000:03:00.0" };
	struct profile p = profile_with(dev, 1);
	struct check_ctx ctx = ctx_for(&T);
	struct findings f = { 0 };
	char want[512];

	vfio_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	snprintf(want, sizeof(want),
		 "%s/vfio/17: No such file or directory; %s/vfio/vfio: No such file or directory",
		 T.dev, T.dev);
	ck_assert_str_eq(f.items[0].message, want);
	ck_assert_str_eq(f.items[0].fix,
			 "load VFIO: as root, modprobe vfio-pci (vfio-privhelper bind does it); "
			 "load VFIO: as root, modprobe vfio-pci (vfio-privhelper bind does it)");
	check_ctx_clear_kept(&ctx);
	findings_clear(&f);
}
END_TEST

/* /dev/vfio/17 root-owned 0600: the user cannot open it. Run as an
 * unprivileged uid (dropped in a child when the test runs as root). */
START_TEST(test_check_node_permission)
{
	fake_xeon_e5(&T);
	char node[256];
	snprintf(node, sizeof(node), "%s/vfio/17", T.dev);
	ck_assert_int_eq(chmod(node, 0600), 0);
	if (geteuid() == 0) {
		/* let nobody walk the tree */
		ck_assert_int_eq(chmod(T.root, 0755), 0);
		fake_drop_to_nobody();
	}
	ck_assert_int_ne(geteuid(), 0);
	const char *const dev[] = { "0000:03:00.0" };
	struct profile p = profile_with(dev, 1);
	struct check_ctx ctx = ctx_for(&T);
	struct findings f = { 0 };
	char want[512];

	vfio_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	snprintf(want, sizeof(want), "%s/vfio/17: Permission denied", T.dev);
	ck_assert_str_eq(f.items[0].message, want);
	ck_assert_str_eq(f.items[0].fix,
			 "the udev rule gives /dev/vfio/N to group vfio, mode 0660: install it "
			 "(make install; udevadm trigger) and, as root, `usermod -aG vfio $USER`, "
			 "then log in again");
	check_ctx_clear_kept(&ctx);
	findings_clear(&f);
}
END_TEST

/* Compares two texts line by line (Check's messages are short). */
static void assert_lines_eq(const char *got, const char *want)
{
	unsigned line = 1;
	while (*got || *want) {
		size_t lg = strcspn(got, "\n"), lw = strcspn(want, "\n");
		ck_assert_msg(lg == lw && strncmp(got, want, lg) == 0,
			      "line %u: got '%.*s', want '%.*s'", line, (int)(lg > 300 ? 300 : lg),
			      got, (int)(lw > 300 ? 300 : lw), want);
		got += lg + (got[lg] == '\n');
		want += lw + (want[lw] == '\n');
		line++;
	}
}

START_TEST(test_iommu_print_xeon)
{
	fake_xeon_e5(&T);
	fake_boot_vga(&T, "0000:03:00.0");
	_cleanup_close_ int fd = open(T.sys, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int procfd = open(T.proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	ck_assert_int_eq(iommu_print_groups(fd, procfd, f), 0);
	fclose(f);
	static const char want[] =
		"IOMMU group 0: keep on the host: 0000:00:00.0 is a host bridge (the CPU's root complex, memory controller or data fabric)\n"
		"  0000:00:00.0 [0600 Host bridge] 8086:3c00 Intel Corporation Xeon E5/Core i7 DMI2 (no driver) host-critical\n"
		"IOMMU group 3: bridges only: nothing to pass through\n"
		"  0000:00:03.0 [0604 PCI bridge] 8086:3c08 Intel Corporation Xeon E5/Core i7 IIO PCI Express Root Port 3a in PCI Express Mode (pcieport) bridge: ignored for viability\n"
		"IOMMU group 5: keep on the host: 0000:00:04.0 is a system peripheral of the CPU or chipset (uncore: DMA engine, VT-d, RAS, memory controller, QPI, power control)\n"
		"  0000:00:04.0 [0880 System peripheral] 8086:3c20 Intel Corporation Xeon E5/Core i7 DMA Channel 0 (ioatdma) host-critical\n"
		"  0000:00:04.1 [0880 System peripheral] 8086:3c21 Intel Corporation Xeon E5/Core i7 DMA Channel 1 (ioatdma) host-critical\n"
		"  0000:00:04.2 [0880 System peripheral] 8086:3c22 Intel Corporation Xeon E5/Core i7 DMA Channel 2 (ioatdma) host-critical\n"
		"  0000:00:04.3 [0880 System peripheral] 8086:3c23 Intel Corporation Xeon E5/Core i7 DMA Channel 3 (ioatdma) host-critical\n"
		"  0000:00:04.4 [0880 System peripheral] 8086:3c24 Intel Corporation Xeon E5/Core i7 DMA Channel 4 (ioatdma) host-critical\n"
		"  0000:00:04.5 [0880 System peripheral] 8086:3c25 Intel Corporation Xeon E5/Core i7 DMA Channel 5 (ioatdma) host-critical\n"
		"  0000:00:04.6 [0880 System peripheral] 8086:3c26 Intel Corporation Xeon E5/Core i7 DMA Channel 6 (ioatdma) host-critical\n"
		"  0000:00:04.7 [0880 System peripheral] 8086:3c27 Intel Corporation Xeon E5/Core i7 DMA Channel 7 (ioatdma) host-critical\n"
		"IOMMU group 16: keep on the host: 0000:00:1f.0 is an ISA bridge (the LPC/eSPI controller: firmware flash, TPM, embedded controller)\n"
		"  0000:00:1f.0 [0601 ISA bridge] 8086:1d41 Intel Corporation C600/X79 series chipset LPC Controller (lpc_ich) host-critical\n"
		"  0000:00:1f.2 [0106 SATA controller] 8086:1d02 Intel Corporation C600/X79 series chipset 6-Port SATA AHCI Controller (ahci)\n"
		"  0000:00:1f.3 [0c05 SMBus] 8086:1d22 Intel Corporation C600/X79 series chipset SMBus Host Controller (i801_smbus) host-critical\n"
		"  0000:00:1f.6 [0200 Ethernet controller] 8086:1502 Intel Corporation 82579LM Gigabit Network Connection (Lewisville) (e1000e)\n"
		"IOMMU group 17: ready: every endpoint is on vfio-pci\n"
		"  note: 0000:03:00.0 is the boot VGA device: the host's console and firmware screen use it; pass it through only if another GPU drives the host's display\n"
		"  0000:03:00.0 [0300 VGA compatible controller] 10de:1b80 NVIDIA Corporation GP104 [GeForce GTX 1080] (vfio-pci) boot VGA\n"
		"  0000:03:00.1 [0403 Audio device] 10de:10f0 NVIDIA Corporation GP104 High Definition Audio Controller (vfio-pci)\n";
	assert_lines_eq(out, want);
}
END_TEST

START_TEST(test_iommu_print_none)
{
	_cleanup_close_ int fd = open(T.sys, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_eq(iommu_print_groups(fd, -1, stdout), -ENOENT);
	fake_mkdir_p(T.sys); /* an empty kernel/iommu_groups: IOMMU off */
	char d[256];
	snprintf(d, sizeof(d), "%s/kernel/iommu_groups", T.sys);
	fake_mkdir_p(d);
	ck_assert_int_eq(iommu_print_groups(fd, -1, stdout), -ENOENT);
}
END_TEST

/* The two copies of the host-critical table, the launcher's and the
 * helper's (privhelper/host.c, included above), entry by entry. */
START_TEST(test_host_tables_equal)
{
	ck_assert_uint_eq(pci_host_rules_n, 22);
	ck_assert_uint_eq(ph_host_rules_n, pci_host_rules_n);
	/* the helper returns the first match: vendor:device entries come first */
	for (size_t i = 1; i < pci_host_rules_n; i++)
		ck_assert(!pci_host_rules[i].vendor || pci_host_rules[i - 1].vendor);
	for (size_t i = 0; i < pci_host_rules_n; i++) {
		const struct pci_host_rule *a = &pci_host_rules[i];
		const struct ph_host_rule *b = &ph_host_rules[i];
		ck_assert_msg(a->cls == b->cls && a->vendor == b->vendor && a->device == b->device &&
			      a->dummy == b->dummy && !strcmp(a->what, b->what),
			      "entry %zu differs: %04x %04x:%04x '%s'", i, a->cls, a->vendor,
			      a->device, a->what);
	}
}
END_TEST

/* The root filesystem's controllers: through NVMe native multipath (the
 * disk under the virtual subsystem), through btrfs's anonymous 0:N device
 * (found by its source), none for a tmpfs root. */
START_TEST(test_root_storage)
{
	struct pci_root_storage r;

	fake_mkdir_p(T.sys);
	char d[512];
	snprintf(d, sizeof(d), "%s/devices/pci0000:00/0000:00:1d.0/0000:03:00.0/nvme/nvme0", T.sys);
	fake_mkdir_p(d);
	snprintf(d, sizeof(d), "%s/devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n1/nvme0n1p2", T.sys);
	fake_mkdir_p(d);
	fake_link(T.sys, "devices/virtual/nvme-subsystem/nvme-subsys0/nvme0",
		  "../../../pci0000:00/0000:00:1d.0/0000:03:00.0/nvme/nvme0");
	fake_link(T.sys, "dev/block/259:2", "../../devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n1/nvme0n1p2");
	fake_link(T.sys, "class/block/nvme0n1p2", "../../devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n1/nvme0n1p2");
	fake_write(T.proc, "self/mountinfo", 0444, "%s",
		   "21 1 0:20 / /sys rw - sysfs sysfs rw\n"
		   "22 1 259:2 / / rw,relatime - ext4 /dev/nvme0n1p2 rw\n");
	_cleanup_close_ int fd = open(T.sys, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int procfd = open(T.proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_eq(pci_root_storage_find(fd, procfd, &r), 0);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.bdf[0], "0000:03:00.0");
	ck_assert_str_eq(r.source, "/dev/nvme0n1p2");

	/* btrfs: 0:N in mountinfo; the last mount on / is the one seen */
	fake_write(T.proc, "self/mountinfo", 0444, "%s",
		   "1 0 0:2 / / rw - rootfs rootfs rw\n"
		   "22 1 0:31 /@ / rw,relatime - btrfs /dev/nvme0n1p2 rw\n");
	ck_assert_int_eq(pci_root_storage_find(fd, procfd, &r), 0);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.bdf[0], "0000:03:00.0");

	fake_write(T.proc, "self/mountinfo", 0444, "%s", "22 1 0:21 / / rw - tmpfs rootfs rw\n");
	ck_assert_int_eq(pci_root_storage_find(fd, procfd, &r), 0);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_int_eq(pci_root_storage_find(fd, -1, &r), -EBADF);
}
END_TEST

/* The listing's verdict line, in the fixture's words ("host BDF", "rootfs
 * BDF", "bridges", "ready", "bind BDF..."), for group g of out. */
static void listed_verdict(const char *out, int g, char *buf, size_t len)
{
	char head[32], bdf[13];
	const char *l;

	snprintf(head, sizeof(head), "IOMMU group %d: ", g);
	for (l = out; l && strncmp(l, head, strlen(head)); l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		;
	ck_assert_msg(l != NULL, "group %d not listed", g);
	l += strlen(head);
	buf[0] = '\0';
	const char *root = strstr(l, " holds the root filesystem");
	if (sscanf(l, "keep on the host: %12s", bdf) == 1 && root && root < strchr(l, '\n'))
		snprintf(buf, len, "rootfs %s", bdf);
	else if (sscanf(l, "keep on the host: %12s is ", bdf) == 1)
		snprintf(buf, len, "host %s", bdf);
	else if (sscanf(l, "not passable: %12s has ", bdf) == 1)
		snprintf(buf, len, "pf %s", bdf);
	else if (!strncmp(l, "bridges only:", 13))
		snprintf(buf, len, "bridges");
	else if (!strncmp(l, "ready:", 6))
		snprintf(buf, len, "ready");
	else if (!strncmp(l, "passable after: vfio-privhelper bind ", 37))
		snprintf(buf, len, "bind %.*s", (int)strcspn(l + 37, "\n"), l + 37);
}

/* The BDFs at the start of s ("0000:01:00.2 0000:01:00.3 (...)"),
 * sorted, space-separated into buf. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void bdf_list(const char *s, char *buf, size_t len)
{
	char v[16][13];
	size_t n = 0;
	char canon[13];

	while (n < 16 && sscanf(s, " %12s", v[n]) == 1 && pci_bdf_normalize(v[n], canon) == 0) {
		n++;
		s += strspn(s, " ") + 12;
	}
	qsort(v, n, sizeof(v[0]), cmp_str);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		buf_appendf(buf, len, "%s%s", i ? " " : "", v[i]);
}

/* Each published host of tests/data/iommu: the listing gives every group
 * the expert's verdict, and `check` on every endpoint agrees with it
 * (PASS exactly when ready; the reason or the bind command otherwise). */
START_TEST(test_topology_agrees)
{
	const char *name = topo_names[_i];
	static struct topo t;
	char verdict[256];

	ck_assert_uint_eq(TOPO_N, 6);
	topo_load(name, &t);
	topo_build(name, T.root);
	_cleanup_close_ int fd = open(T.sys, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int procfd = open(T.proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	ck_assert_int_eq(iommu_print_groups(fd, procfd, f), 0);
	fclose(f);

	for (size_t g = 0; g < t.n; g++) {
		const struct topo_group *tg = &t.g[g];
		listed_verdict(out, tg->id, verdict, sizeof(verdict));
		ck_assert_msg(!strcmp(verdict, tg->verdict), "%s group %d: listed '%s', expert '%s'",
			      name, tg->id, verdict, tg->verdict);
		for (size_t i = 0; i < tg->n; i++) {
			struct pci_dev_info d;
			ck_assert_int_eq(pci_read_device(fd, tg->dev[i].bdf, &d), 0);
			const char *const dev[] = { tg->dev[i].bdf };
			struct profile p = profile_with(dev, 1);
			struct check_ctx ctx = ctx_for(&T);
			struct findings fs = { 0 };
			vfio_check(&p, &ctx, &fs);
			ck_assert_uint_eq(fs.n, 1);
			const struct finding *r = &fs.items[0];
			const char *v = tg->verdict;
			if (pci_role(&d) == PCI_ROLE_BRIDGE || pci_role(&d) == PCI_ROLE_DUMMY) {
				ck_assert_msg(strstr(r->message, "nothing to pass through"), "%s", r->message);
			} else if (!strcmp(v, "ready")) {
				ck_assert_msg(r->level == FINDING_PASS, "%s %s: %s", name, d.bdf, r->message);
			} else if (!strncmp(v, "pf ", 3)) {
				ck_assert_msg(r->level == FINDING_FAIL && strstr(r->message, v + 3) &&
					      strstr(r->message, "SR-IOV VFs enabled"), "%s", r->message);
				ck_assert_ptr_nonnull(strstr(r->fix, "sriov_numvfs"));
			} else if (!strncmp(v, "host ", 5) || !strncmp(v, "rootfs ", 7)) {
				char want[64];
				snprintf(want, sizeof(want), "belongs to the host: %s (", strchr(v, ' ') + 1);
				ck_assert_msg(r->level == FINDING_FAIL && strstr(r->message, want),
					      "%s %s: %s", name, d.bdf, r->message);
				ck_assert_ptr_null(strstr(r->fix, "vfio-privhelper bind"));
			} else {
				/* bind: the fix binds exactly the listed devices */
				ck_assert_msg(!strncmp(v, "bind ", 5), "%s", v);
				ck_assert_int_eq(r->level, FINDING_FAIL);
				const char *cmd = strstr(r->fix, "vfio-privhelper bind ");
				ck_assert_msg(cmd, "%s %s: fix '%s'", name, d.bdf, r->fix);
				char got[512], want[512];
				bdf_list(cmd + 21, got, sizeof(got));
				bdf_list(v + 5, want, sizeof(want));
				ck_assert_msg(!strcmp(got, want), "%s %s: check binds '%s', expert '%s'",
					      name, d.bdf, got, want);
			}
			check_ctx_clear_kept(&ctx);
			findings_clear(&fs);
		}
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vfio");
	TCase *tc = tcase_create("vfio");
	tcase_add_checked_fixture(tc, setup, teardown);
	/* a fake host per topology, built by a shell script: slow on a busy machine */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_bdf_normalize);
	tcase_add_test(tc, test_driver_rules);
	tcase_add_test(tc, test_read_device_xeon);
	tcase_add_test(tc, test_check_viable);
	tcase_add_test(tc, test_check_host_driver);
	tcase_add_test(tc, test_check_bridge_in_group);
	tcase_add_test(tc, test_check_boot_vga);
	tcase_add_test(tc, test_check_variant_driver);
	tcase_add_test(tc, test_check_xeon_pch_group);
	tcase_add_test(tc, test_check_missing_device);
	tcase_add_test(tc, test_check_no_iommu);
	tcase_add_test(tc, test_check_node_missing);
	tcase_add_test(tc, test_check_node_permission);
	tcase_add_test(tc, test_iommu_print_xeon);
	tcase_add_test(tc, test_iommu_print_none);
	tcase_add_test(tc, test_host_tables_equal);
	tcase_add_test(tc, test_root_storage);
	tcase_add_loop_test(tc, test_topology_agrees, 0, (int)TOPO_N);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
