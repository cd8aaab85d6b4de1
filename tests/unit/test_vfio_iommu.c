// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `vfio-launch iommu`: the group listing, the host-critical tables, the
 * root filesystem's controllers and the published topologies, against
 * fake sysfs/dev trees built in a temporary directory (vfio_test.h).
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
#include "../privhelper/topo.h"
/* the helper's copy of the host-critical table, compared with ours below */
#include "../../privhelper/host.c"

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
	Suite *s = suite_create("vfio_iommu");
	TCase *tc = tcase_create("vfio_iommu");
	tcase_add_checked_fixture(tc, setup, teardown);
	/* a fake host per topology, built by a shell script: slow on a busy machine */
	tcase_set_timeout(tc, 60);
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
