// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VFIO: BDFs, driver rules and group viability, against fake sysfs/dev
 * trees built in a temporary directory (vfio_test.h). `vfio-launch iommu`
 * is in test_vfio_iommu.c.
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
#include "vfio_test.h"

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
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
