// SPDX-License-Identifier: GPL-2.0-or-later
/* sysfs reading, group viability and the bind/unbind refusal rules, against
 * the fake tree of fake-tree.sh in a temp dir (no root needed). */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "fake.h"
#include "ph.h"
#include "topo.h"

static struct ph_conf conf;

static void load_conf(void)
{
	char path[128];
	struct ph_why w = { "" };
	FILE *f;

	snprintf(path, sizeof(path), "%s/etc/vfio-launch/privhelper.conf", fake_root);
	if (!(f = fopen(path, "re")) || ph_conf_parse(f, "fake.conf", &conf, &w) != 0)
		abort();
	fclose(f);
}

/* tests that change the tree get their own copy */
static void setup(void)
{
	fake_setup();
	load_conf();
}

/* tests that only read share the template */
static void setup_ro(void)
{
	fake_open_template();
	load_conf();
}

START_TEST(test_dev_read)
{
	struct ph_dev d;
	struct ph_why w = { "" };

	ck_assert_int_eq(ph_dev_read(fake_sysfd, "0000:01:00.0", &d, &w), 0);
	ck_assert_uint_eq(d.vendor, 0x10de);
	ck_assert_uint_eq(d.device, 0x1b80);
	ck_assert_uint_eq(d.class, 0x030000);
	ck_assert_str_eq(d.driver, "nouveau");
	ck_assert_int_eq(d.group, 1);
	ck_assert_int_eq(ph_dev_read(fake_sysfd, "0000:0f:00.0", &d, &w), 0);
	ck_assert_str_eq(d.driver, "");
	ck_assert_int_eq(ph_dev_read(fake_sysfd, "0000:10:00.0", &d, &w), 0);
	ck_assert_int_eq(d.group, -1);
	ck_assert_int_eq(ph_dev_read(fake_sysfd, "0000:09:00.0", &d, &w), -EINVAL);
	ck_assert(strstr(w.msg, "unexpected iommu_group link"));
	ck_assert_int_eq(ph_dev_read(fake_sysfd, "0000:0a:00.0", &d, &w), -ENOENT);
	ck_assert_int_eq(ph_dev_read(fake_sysfd, "0000:01:00.0/..", &d, &w), -EINVAL);
}
END_TEST

START_TEST(test_dev_read_symlinked_attr)
{
	struct ph_dev d;
	struct ph_why w = { "" };

	fake_sh("cd sys/devices/pci0000:00/0000:0b:00.0 && rm vendor && ln -s ../../../../victim/file vendor");
	ck_assert_int_eq(ph_dev_read(fake_sysfd, "0000:0b:00.0", &d, &w), -ELOOP);
}
END_TEST

START_TEST(test_group_members)
{
	char m[8][PH_BDF_SIZE];
	size_t n;
	struct ph_why w = { "" };

	ck_assert_int_eq(ph_group_members(fake_sysfd, 1, m, 8, &n, &w), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(m[0], "0000:00:01.0");
	ck_assert_str_eq(m[1], "0000:01:00.0");
	ck_assert_str_eq(m[2], "0000:01:00.1");
	ck_assert_int_eq(ph_group_members(fake_sysfd, 1, m, 2, &n, &w), -E2BIG);
	ck_assert_int_eq(ph_group_members(fake_sysfd, 16, m, 8, &n, &w), -EINVAL);
	ck_assert(strstr(w.msg, "holds 'evil', not a PCI address"));
	ck_assert_int_eq(ph_group_members(fake_sysfd, 99, m, 8, &n, &w), -ENOENT);
}
END_TEST

START_TEST(test_boot_vga)
{
	bool busy;
	struct ph_why w = { "" };

	ck_assert_int_eq(ph_boot_vga_busy(fake_sysfd, "0000:01:00.0", &busy, &w), 0);
	ck_assert(!busy); /* boot_vga = 0 */
	ck_assert_int_eq(ph_boot_vga_busy(fake_sysfd, "0000:01:00.1", &busy, &w), 0);
	ck_assert(!busy); /* no boot_vga attribute */
	ck_assert_int_eq(ph_boot_vga_busy(fake_sysfd, "0000:00:02.0", &busy, &w), 0);
	ck_assert(busy);
	ck_assert(strstr(w.msg, "framebuffer fb0 (0000:00:02.0)"));
	ck_assert_int_eq(ph_boot_vga_busy(fake_sysfd, "0000:0e:00.0", &busy, &w), 0);
	ck_assert(busy);
	ck_assert(strstr(w.msg, "DRM driver"));
	/* the firmware framebuffer (efifb) on the boot VGA device */
	fake_sh("echo 1 > sys/devices/pci0000:00/0000:0f:00.0/boot_vga && "
		"rm sys/class/graphics/fb0 && mkdir -p sys/devices/platform/efi-framebuffer.0/graphics/fb0 && "
		"ln -s ../../../efi-framebuffer.0 sys/devices/platform/efi-framebuffer.0/graphics/fb0/device && "
		"ln -s ../../devices/platform/efi-framebuffer.0/graphics/fb0 sys/class/graphics/fb0");
	ck_assert_int_eq(ph_boot_vga_busy(fake_sysfd, "0000:0f:00.0", &busy, &w), 0);
	ck_assert(busy);
	ck_assert(strstr(w.msg, "efi-framebuffer.0"));
	/* with no framebuffer at all, the boot VGA device is free */
	fake_sh("rm -r sys/class/graphics");
	ck_assert_int_eq(ph_boot_vga_busy(fake_sysfd, "0000:0f:00.0", &busy, &w), 0);
	ck_assert(!busy);
}
END_TEST

START_TEST(test_block_busy)
{
	struct ph_usage u = { 0 };
	dev_t mounted = makedev(259, 1), none = makedev(1, 1);
	struct ph_why w = { "" };

	u.devs = &none;
	u.n_devs = 1;
	ck_assert_int_eq(ph_block_busy(fake_sysfd, "0000:03:00.0", &u, &w), 0);
	ck_assert_int_eq(ph_block_busy(fake_sysfd, "0000:01:00.0", &u, &w), 0);
	u.devs = &mounted; /* nvme0n1p1 */
	ck_assert_int_eq(ph_block_busy(fake_sysfd, "0000:03:00.0", &u, &w), 1);
	ck_assert(strstr(w.msg, "nvme0n1p1 (259:1) is mounted or swapped on"));
	u.devs = &none;
	u.names = calloc(1, sizeof(*u.names));
	strcpy(u.names[0], "nvme1n1p1");
	u.n_names = 1;
	ck_assert_int_eq(ph_block_busy(fake_sysfd, "0000:05:00.0", &u, &w), 1);
	ck_assert(strstr(w.msg, "nvme1n1p1"));
	free(u.names);
	u.names = NULL;
	u.n_names = 0;
	/* multipath NVMe: the head nvme2n1 is held by dm-0 */
	ck_assert_int_eq(ph_block_busy(fake_sysfd, "0000:06:00.0", &u, &w), 1);
	ck_assert(strstr(w.msg, "nvme2n1 is held by dm-0"));
}
END_TEST

static int plan(bool bind, const char *a, const char *b, struct ph_plan *p, struct ph_why *w)
{
	char *args[] = { (char *)a, (char *)b };
	struct ph_usage u = { 0 };
	dev_t mounted = makedev(259, 1);

	u.devs = &mounted;
	u.n_devs = 1;
	u.names = calloc(1, sizeof(*u.names));
	strcpy(u.names[0], "nvme1n1p1");
	u.n_names = 1;
	int r = ph_plan_make(fake_sysfd, &conf, bind, args, a ? (b ? 2 : 1) : 0, &u, p, w);
	free(u.names);
	return r;
}

/* Each refusal: the request, the error, words of the reason. */
static const struct {
	const char *a, *b;
	int r;
	const char *msg;
} refusals[] = {
	{ "0000:01:00.8", NULL, -EINVAL, "is not a PCI address" },
	{ "../../../etc", NULL, -EINVAL, "is not a PCI address" },
	{ "0000:01:00.0", "0000:0b:00.0", -EPERM, "0000:0b:00.0 is not allowlisted" },
	{ "0000:0b:00.0", NULL, -EPERM, "is not allowlisted" },
	{ "0000:04:00.0", NULL, -EPERM, "IOMMU group 7 also holds 0000:04:00.1" },
	{ "0000:07:00.0", NULL, -EPERM, "is 1002:67df but" },
	{ "0000:00:02.0", NULL, -EPERM, "boot VGA device and framebuffer fb0" },
	{ "0000:0e:00.0", NULL, -EPERM, "boot VGA device and a DRM driver" },
	{ "0000:03:00.0", NULL, -EBUSY, "nvme0n1p1 (259:1) is mounted" },
	{ "0000:05:00.0", NULL, -EBUSY, "nvme1n1p1" },
	{ "0000:06:00.0", NULL, -EBUSY, "held by dm-0" },
	{ "0000:08:00.0", NULL, -ELOOP, "is a symlink" },
	{ "0000:0d:00.0", NULL, -ELOOP, "is a symlink" },
	{ "0000:09:00.0", NULL, -EIO, "unexpected iommu_group link" },
	{ "0000:0a:00.0", NULL, -ENOENT, "no such PCI device" },
	{ "0000:10:00.0", NULL, -ENODEV, "has no IOMMU group" },
	{ "0000:11:00.0", NULL, -EIO, "not a PCI address" },
};

START_TEST(test_plan_refusals)
{
	struct ph_plan p;
	struct ph_why w = { "" };

	ck_assert_uint_eq(sizeof(refusals) / sizeof(refusals[0]), 17);
	ck_assert_int_eq(plan(true, refusals[_i].a, refusals[_i].b, &p, &w), refusals[_i].r);
	ck_assert_msg(strstr(w.msg, refusals[_i].msg), "%s: got '%s'", refusals[_i].a, w.msg);
}
END_TEST

/* no BDF: every allowlisted device, refused as a whole for one bad group */
START_TEST(test_plan_all_refused)
{
	struct ph_plan p;
	struct ph_why w = { "" };

	fake_sh("rm sys/kernel/iommu_groups/0/devices/0000:00:02.0 && "
		"ln -s ../../../../devices/pci0000:00/0000:0b:00.0 sys/kernel/iommu_groups/0/devices/");
	ck_assert_int_eq(plan(true, NULL, NULL, &p, &w), -EPERM);
	ck_assert_msg(strstr(w.msg, "0000:00:02.0: IOMMU group 0 also holds 0000:0b:00.0"), "%s", w.msg);
}
END_TEST

START_TEST(test_plan_group)
{
	struct ph_plan p;
	struct ph_why w = { "" };

	/* asking for the GPU brings its audio function, not the bridge */
	ck_assert_int_eq(plan(true, "0000:01:00.0", NULL, &p, &w), 0);
	ck_assert_uint_eq(p.n, 2);
	ck_assert_str_eq(p.dev[0].bdf, "0000:01:00.0");
	ck_assert_str_eq(p.dev[1].bdf, "0000:01:00.1");
	/* both asked: no duplicates */
	ck_assert_int_eq(plan(true, "0000:01:00.1", "0000:01:00.0", &p, &w), 0);
	ck_assert_uint_eq(p.n, 2);
	/* a boot VGA device the allowlist allows */
	conf.pci[2].boot_vga_ok = true;
	ck_assert_str_eq(conf.pci[2].bdf, "0000:00:02.0");
	ck_assert_int_eq(plan(true, "0000:00:02.0", NULL, &p, &w), 0);
	/* unbind does not care about disks or the boot VGA */
	ck_assert_int_eq(plan(false, "0000:03:00.0", NULL, &p, &w), 0);
	ck_assert_int_eq(plan(false, "0000:0e:00.0", NULL, &p, &w), 0);
}
END_TEST

/* With no kernel behind the fake tree nothing takes the device, so the
 * verification fails and the device must be moved back: driver_override
 * cleared and a reprobe asked. */
START_TEST(test_apply_rollback)
{
	struct ph_plan p;
	struct ph_why w = { "" };
	char *out = NULL;
	size_t len = 0;
	FILE *rep = open_memstream(&out, &len);

	ck_assert_int_eq(plan(true, "0000:01:00.0", NULL, &p, &w), 0);
	ck_assert_int_eq(ph_plan_apply(fake_sysfd, &p, 0, rep, &w), -ETIMEDOUT);
	fclose(rep);
	ck_assert(strstr(w.msg, "0000:01:00.0: vfio-pci did not take the device"));
	ck_assert_msg(strstr(out, "0000:01:00.0: moving back: done"), "%s", out);
	ck_assert_msg(strstr(w.msg, "; devices moved back"), "%s", w.msg);
	ck_assert(!strstr(out, "0000:01:00.1")); /* never reached */
	ck_assert_str_eq(fake_read("sys/bus/pci/devices/0000:01:00.0/driver_override"), "");
	ck_assert_str_eq(fake_read("sys/bus/pci/drivers/nouveau/unbind"), "0000:01:00.0");
	ck_assert_str_eq(fake_read("sys/bus/pci/drivers_probe"), "0000:01:00.0");
	ck_assert_str_eq(fake_read("sys/bus/pci/devices/0000:01:00.1/driver_override"), "(null)");
	free(out);
}
END_TEST

/* A rollback that fails must be said in the one message, not only on the
 * report: 0c:00.0 is on vfio-pci without the override (bound, no unbind),
 * 0c:00.1 fails; moving 0c:00.0 back fails (nothing detaches vfio-pci). */
START_TEST(test_apply_rollback_fails)
{
	struct ph_plan p;
	struct ph_why w = { "" };
	char *out = NULL;
	size_t len = 0;
	FILE *rep = open_memstream(&out, &len);

	fake_sh("cd sys/devices/pci0000:00/0000:0c:00.0 && rm driver && "
		"ln -s ../../../bus/pci/drivers/vfio-pci driver");
	ck_assert_int_eq(plan(true, "0000:0c:00.0", NULL, &p, &w), 0);
	ck_assert_int_eq(ph_plan_apply(fake_sysfd, &p, 0, rep, &w), -ETIMEDOUT);
	fclose(rep);
	ck_assert_msg(strstr(out, "0000:0c:00.0: moving back: 0000:0c:00.0: vfio-pci still drives it"), "%s", out);
	ck_assert_msg(strstr(w.msg, "0000:0c:00.1: vfio-pci did not take the device") &&
		      strstr(w.msg, "moving back FAILED") && strstr(w.msg, "0000:0c:00.0: vfio-pci still drives it") &&
		      !strstr(w.msg, "devices moved back"), "%s", w.msg);
	free(out);
}
END_TEST

/* Allowlisted or not, a group holding the chipset's power management
 * controller (class 0580, as on Intel 200-series PCHs) is refused, named. */
START_TEST(test_plan_host_critical)
{
	struct ph_plan p;
	struct ph_why w = { "" };

	fake_sh("d=sys/devices/pci0000:00/0000:00:1f.2 && mkdir -p $d && echo 0x8086 > $d/vendor && "
		"echo 0xa2a1 > $d/device && echo 0x058000 > $d/class && echo '(null)' > $d/driver_override && "
		"ln -s ../../../kernel/iommu_groups/15 $d/iommu_group && "
		"ln -s ../../../../devices/pci0000:00/0000:00:1f.2 sys/kernel/iommu_groups/15/devices/ && "
		"ln -s ../../../devices/pci0000:00/0000:00:1f.2 sys/bus/pci/devices/");
	strcpy(conf.pci[conf.n_pci++].bdf, "0000:00:1f.2");
	ck_assert_int_eq(plan(true, "0000:0f:00.0", NULL, &p, &w), -EPERM);
	ck_assert_str_eq(w.msg, "0000:0f:00.0: IOMMU group 15 holds 0000:00:1f.2 (8086:a2a1), a memory "
				"controller (the chipset's power management controller): the host needs it; "
				"the group stays on the host whatever /etc/vfio-launch/privhelper.conf says");
	/* giving such a group back stays allowed */
	ck_assert_int_eq(plan(false, "0000:0f:00.0", NULL, &p, &w), 0);
}
END_TEST

/* The wait a message names is the wait made: 600 ms for vfio-pci to take
 * a device, a sixth of it for a host driver to take one back. */
START_TEST(test_apply_wait_message)
{
	struct ph_plan p;
	struct ph_why w = { "" };
	char *out = NULL;
	size_t len = 0;
	FILE *rep = open_memstream(&out, &len);

	fake_sh("cd sys/devices/pci0000:00/0000:0c:00.0 && rm driver && "
		"ln -s ../../../bus/pci/drivers/vfio-pci driver");
	ck_assert_int_eq(plan(true, "0000:0c:00.0", NULL, &p, &w), 0);
	ck_assert_int_eq(ph_plan_apply(fake_sysfd, &p, 600, rep, &w), -ETIMEDOUT);
	fclose(rep);
	ck_assert_msg(strstr(w.msg, "0000:0c:00.1: vfio-pci did not take the device after 600 ms"), "%s", w.msg);
	ck_assert_msg(strstr(w.msg, "0000:0c:00.0: vfio-pci still drives it after 100 ms"), "%s", w.msg);
	free(out);
}
END_TEST

/* A device already on vfio-pci with the override set needs no write. */
START_TEST(test_apply_already_bound)
{
	struct ph_plan p;
	struct ph_why w = { "" };
	char *out = NULL;
	size_t len = 0;
	FILE *rep = open_memstream(&out, &len);

	fake_sh("cd sys/devices/pci0000:00/0000:0f:00.0 && echo vfio-pci > driver_override && "
		"ln -s ../../../bus/pci/drivers/vfio-pci driver");
	ck_assert_int_eq(plan(true, "0000:0f:00.0", NULL, &p, &w), 0);
	ck_assert_int_eq(ph_plan_apply(fake_sysfd, &p, 0, rep, &w), 0);
	fclose(rep);
	ck_assert_str_eq(out, "0000:0f:00.0: already done\n");
	ck_assert_str_eq(fake_read("sys/bus/pci/drivers_probe"), "");
	free(out);
}
END_TEST

/* The helper on each published host of tests/data/iommu, every group in
 * turn allowlisted whole (host-critical functions included: the allowlist
 * must not matter) and bound by its first device: refused for a group the
 * expert keeps on the host, naming the device and why (-EPERM) or the root
 * filesystem's disk (-EBUSY), and an SR-IOV PF with VFs (-EBUSY); otherwise a plan that moves exactly the
 * devices the listing names, and never an AMD dummy function. */
START_TEST(test_topology_helper)
{
	const char *name = topo_names[_i];
	static struct topo t;
	char root[64] = "/tmp/ph-topo.XXXXXX", path[128];
	struct ph_usage u;
	FILE *f;

	topo_load(name, &t);
	ck_assert_ptr_nonnull(mkdtemp(root));
	topo_build(name, root);
	snprintf(path, sizeof(path), "%s/sys", root);
	_ph_cleanup_close_ int sysfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(sysfd, 0);
	snprintf(path, sizeof(path), "%s/proc/self/mountinfo", root);
	u = (struct ph_usage){ 0 };
	if ((f = fopen(path, "re"))) {
		ck_assert_int_eq(ph_usage_parse(f, NULL, &u), 0);
		fclose(f);
	}
	for (size_t g = 0; g < t.n; g++) {
		const struct topo_group *tg = &t.g[g];
		const char *v = tg->verdict;
		struct ph_conf c = { .group = "vfio" };
		struct ph_why w = { "" };
		struct ph_plan p;
		char *args[] = { (char *)tg->dev[0].bdf }, want[64], moved[512] = "";

		for (size_t i = 0; i < tg->n; i++)
			strcpy(c.pci[c.n_pci++].bdf, tg->dev[i].bdf);
		int r = ph_plan_make(sysfd, &c, true, args, 1, &u, &p, &w);
		if (!strncmp(v, "pf ", 3)) {
			ck_assert_msg(r == -EBUSY && strstr(w.msg, v + 3) && strstr(w.msg, "SR-IOV"),
				      "%s group %d (%s): %d '%s'", name, tg->id, v, r, w.msg);
			continue;
		}
		if (!strncmp(v, "host ", 5) || !strncmp(v, "rootfs ", 7)) {
			snprintf(want, sizeof(want), "%s%s", v[0] == 'h' ? "holds " : "", strchr(v, ' ') + 1);
			ck_assert_msg(r == (v[0] == 'h' ? -EPERM : -EBUSY) && strstr(w.msg, want) &&
				      (v[0] == 'r' || strstr(w.msg, "the host needs it")),
				      "%s group %d (%s): %d '%s'", name, tg->id, v, r, w.msg);
			continue;
		}
		ck_assert_msg(r == 0, "%s group %d (%s): %d '%s'", name, tg->id, v, r, w.msg);
		for (size_t i = 0; i < p.n; i++) {
			const struct ph_host_rule *h = ph_host_rule(&p.dev[i]);
			ck_assert_msg(!h, "%s: %s planned", name, p.dev[i].bdf);
			if (strcmp(p.dev[i].driver, PH_VFIO))
				snprintf(moved + strlen(moved), sizeof(moved) - strlen(moved), "%s%s",
					 moved[0] ? " " : "", p.dev[i].bdf);
		}
		if (!strcmp(v, "bridges"))
			ck_assert_uint_eq(p.n, 0);
		else if (!strcmp(v, "ready"))
			ck_assert_msg(p.n > 0 && !moved[0], "%s group %d: moves '%s'", name, tg->id, moved);
		else
			ck_assert_msg(!strcmp(moved, v + 5), "%s group %d: moves '%s', expert '%s'", name,
				      tg->id, moved, v);
	}
	ph_usage_free(&u);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("privhelper_plan");
	TCase *ro = tcase_create("read-only"), *rw = tcase_create("changes the tree");
	SRunner *sr;
	int failed;

	/* Check's default 4 s per test is tight for copying a tree on a busy
	 * machine; a test killed by the timeout leaves its copy behind */
	tcase_set_timeout(ro, 60);
	tcase_set_timeout(rw, 60);
	tcase_add_unchecked_fixture(ro, setup_ro, fake_close_template);
	tcase_add_test(ro, test_dev_read);
	tcase_add_test(ro, test_group_members);
	tcase_add_test(ro, test_block_busy);
	tcase_add_loop_test(ro, test_plan_refusals, 0, (int)(sizeof(refusals) / sizeof(refusals[0])));
	tcase_add_test(ro, test_plan_group);
	tcase_add_loop_test(ro, test_topology_helper, 0, (int)TOPO_N);
	tcase_add_checked_fixture(rw, setup, fake_teardown);
	tcase_add_test(rw, test_dev_read_symlinked_attr);
	tcase_add_test(rw, test_boot_vga);
	tcase_add_test(rw, test_plan_all_refused);
	tcase_add_test(rw, test_apply_rollback);
	tcase_add_test(rw, test_apply_already_bound);
	tcase_add_test(rw, test_apply_rollback_fails);
	tcase_add_test(rw, test_plan_host_critical);
	tcase_add_test(rw, test_apply_wait_message);
	suite_add_tcase(s, ro);
	suite_add_tcase(s, rw);
	fake_build_template();
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	fake_remove_template();
	return failed ? 1 : 0;
}
