// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hugepages.c: [vm] hugepages = yes|2M|1G against fake /proc (mounts,
 * meminfo) and sysfs (the pools), and its argv (the golden files have
 * the whole command line).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "fake_tree.h"
#include "hugepages.h"
#include "memlock.h"
#include "profile.h"
#include "render.h"

static struct fake_tree T;
static char mnt2m[256], mnt1g[256];

static void setup(void)
{
	fake_init(&T);
	snprintf(mnt2m, sizeof(mnt2m), "%s/hp 2m", T.root);
	snprintf(mnt1g, sizeof(mnt1g), "%s/hp1g", T.root);
	fake_mkdir_p(mnt2m);
	fake_mkdir_p(mnt1g);
	fake_write(T.proc, "meminfo", 0444, "%s", "MemTotal: 1 kB\nHugepagesize:       2048 kB\n");
	/* The default mount (systemd's dev-hugepages.mount) shows its size
	 * too; the space in the 2M one's path is escaped as the kernel does. */
	fake_write(T.proc, "mounts", 0444,
		   "sysfs /sys sysfs rw,nosuid 0 0\n"
		   "hugetlbfs %s/hp\\0402m hugetlbfs rw,relatime,pagesize=2M 0 0\n"
		   "none %s hugetlbfs rw,relatime,pagesize=1024M 0 0\n",
		   T.root, mnt1g);
	fake_write(T.sys, "kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", 0444, "%s", "8192\n");
	fake_write(T.sys, "kernel/mm/hugepages/hugepages-2048kB/free_hugepages", 0444, "%s", "8192\n");
	fake_write(T.sys, "kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", 0444, "%s", "4\n");
	fake_write(T.sys, "kernel/mm/hugepages/hugepages-1048576kB/free_hugepages", 0444, "%s", "2\n");
}

static void teardown(void)
{
	fake_cleanup(&T);
}

static void ctx_for(struct check_ctx *ctx)
{
	check_ctx_init(ctx);
	ctx->sysfs = T.sys;
	ctx->procfs = T.proc;
	ctx->devfs = T.dev;
}

START_TEST(test_find_mount)
{
	char path[256];
	const char *m = "proc /proc proc rw 0 0\n"
			"hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\n"
			"hugetlbfs /mnt/huge\\040big hugetlbfs rw,pagesize=1G 0 0\n"
			"hugetlbfs /old hugetlbfs rw 0 0";

	ck_assert_int_eq(hugetlbfs_find(m, 2048, 2048, path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/dev/hugepages");
	ck_assert_int_eq(hugetlbfs_find(m, 1048576, 2048, path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/mnt/huge big");
	/* no pagesize= (kernels before 4.x): the default size */
	ck_assert_int_eq(hugetlbfs_find("hugetlbfs /old hugetlbfs rw 0 0\n", 1048576, 1048576,
					path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/old");
	ck_assert_int_eq(hugetlbfs_find(m, 64, 2048, path, sizeof(path)), -ENOENT);
	ck_assert_int_eq(hugetlbfs_find("", 2048, 2048, path, sizeof(path)), -ENOENT);
	ck_assert_int_eq(hugetlbfs_find(m, 2048, 2048, path, 4), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_page_size)
{
	struct profile p = { .hugepages = HUGEPAGES_YES };

	ck_assert_uint_eq(hugepages_page_kb(&p, T.proc), 2048);
	fake_write(T.proc, "meminfo", 0444, "%s", "Hugepagesize:    1048576 kB\n");
	ck_assert_uint_eq(hugepages_page_kb(&p, T.proc), 1048576);
	p.hugepages = HUGEPAGES_2M;
	ck_assert_uint_eq(hugepages_page_kb(&p, T.proc), 2048);
	p.hugepages = HUGEPAGES_1G;
	ck_assert_uint_eq(hugepages_page_kb(&p, T.proc), 1048576);
	p.hugepages = HUGEPAGES_NO;
	ck_assert_uint_eq(hugepages_page_kb(&p, T.proc), 0);
}
END_TEST

START_TEST(test_check_2m)
{
	struct check_ctx ctx;
	struct findings f = { 0 };
	struct profile p = { .file = "/p.conf", .memory = 16ULL << 30, .hugepages = HUGEPAGES_2M };
	char want[1024];

	ctx_for(&ctx);
	/* 8192 free 2 MiB pages: 16 GiB fits exactly; the mount is found by
	 * its pagesize and kept for the box */
	hugepages_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	snprintf(want, sizeof(want),
		 "8192 free 2048kB pages cover the guest's 16G (8192 pages); hugetlbfs at %s",
		 mnt2m);
	ck_assert_str_eq(f.items[0].message, want);
	ck_assert_str_eq(ctx.hugepages_path, mnt2m);
	ck_assert_ptr_nonnull(check_ctx_kept(&ctx, mnt2m));
	ck_assert_int_eq(check_ctx_kept(&ctx, mnt2m)->access, GRANT_RW);
	findings_clear(&f);
	check_ctx_clear(&ctx);

	/* 1 MiB more does not fit: one more page needed; the default size:
	 * vm.nr_hugepages */
	ctx_for(&ctx);
	p.memory = (16ULL << 30) + (1 << 20);
	p.hugepages = HUGEPAGES_YES;
	fake_write(T.sys, "kernel/mm/hugepages/hugepages-2048kB/free_hugepages", 0444, "%s", "100\n");
	hugepages_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	ck_assert_str_eq(f.items[0].message, "the guest's 16385M needs 8193 pages of 2048kB, "
					     "the pool has 100 free (8192 reserved)");
	snprintf(want, sizeof(want),
		 "as root: sysctl vm.nr_hugepages=16285 now (it may reserve fewer when memory "
		 "is fragmented: check %s/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages), "
		 "and for every boot vm.nr_hugepages = 16285 in /etc/sysctl.d/80-hugepages.conf, "
		 "or on the kernel command line hugepages=16285 (1 GiB pages: "
		 "default_hugepagesz=1G hugepagesz=1G hugepages=17)", T.sys);
	ck_assert_str_eq(f.items[0].fix, want);
	ck_assert_str_eq(ctx.hugepages_path, "");
	findings_clear(&f);

	/* hugepages = no: no finding at all */
	p.hugepages = HUGEPAGES_NO;
	hugepages_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n, 0);
	check_ctx_clear(&ctx);
}
END_TEST

/* 1G, not the default size: its own pool, its own sysfs file. */
START_TEST(test_check_1g)
{
	struct check_ctx ctx;
	struct findings f = { 0 };
	struct profile p = { .file = "/p.conf", .memory = 2ULL << 30, .hugepages = HUGEPAGES_1G };
	char want[1024];

	ctx_for(&ctx);
	hugepages_check(&p, &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	ck_assert_str_eq(ctx.hugepages_path, mnt1g);
	findings_clear(&f);

	p.memory = 3ULL << 30;
	hugepages_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	ck_assert_str_eq(f.items[0].message, "the guest's 3G needs 3 pages of 1048576kB, "
					     "the pool has 2 free (4 reserved)");
	snprintf(want, sizeof(want),
		 "as root: echo 5 > %s/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages now "
		 "(it may reserve fewer when memory is fragmented: read it back), or on the "
		 "kernel command line hugepagesz=1G hugepages=5", T.sys);
	ck_assert_str_eq(f.items[0].fix, want);
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

START_TEST(test_check_no_mount)
{
	struct check_ctx ctx;
	struct findings f = { 0 };
	struct profile p = { .file = "/p.conf", .memory = 1ULL << 30, .hugepages = HUGEPAGES_1G };
	char want[512];

	fake_write(T.proc, "mounts", 0444, "%s", "proc /proc proc rw 0 0\n");
	ctx_for(&ctx);
	hugepages_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	snprintf(want, sizeof(want), "no hugetlbfs of 1G pages is mounted (%s/mounts)", T.proc);
	ck_assert_str_eq(f.items[0].message, want);
	ck_assert_str_eq(f.items[0].fix,
			 "as root: mkdir -p /dev/hugepages1G && mount -t hugetlbfs -o "
			 "pagesize=1G,gid=vfio,mode=1770 hugetlbfs /dev/hugepages1G; for every boot, "
			 "in /etc/fstab: hugetlbfs /dev/hugepages1G hugetlbfs "
			 "pagesize=1G,gid=vfio,mode=1770 0 0");
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 0);
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

/* A mount the user may not write to: root passes any access check, so
 * this runs only unprivileged (make check-unit). */
START_TEST(test_check_not_writable)
{
	struct check_ctx ctx;
	struct findings f = { 0 };
	struct profile p = { .file = "/p.conf", .memory = 1ULL << 30, .hugepages = HUGEPAGES_2M };
	char want[512];

	if (geteuid() == 0)
		return;
	chmod(mnt2m, 0555);
	ctx_for(&ctx);
	hugepages_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	snprintf(want, sizeof(want), "%s (hugetlbfs, 2M pages): Permission denied", mnt2m);
	ck_assert_str_eq(f.items[0].message, want);
	chmod(mnt2m, 0755);
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

START_TEST(test_argv)
{
	struct profile p = { .memory = 8ULL << 30, .hugepages = HUGEPAGES_1G };
	struct render_env env = { .hugepages_path = "/dev/huge,1G" };
	struct strv sv = { 0 };

	ck_assert_int_eq(hugepages_argv(&p, &env, &sv), 0);
	ck_assert_uint_eq(sv.n, 2);
	ck_assert_str_eq(sv.v[0], "-object");
	ck_assert_str_eq(sv.v[1], "memory-backend-file,id=mem,size=8G,mem-path=/dev/huge,,1G,"
				  "prealloc=on,share=on");
	strv_clear(&sv);
	env.hugepages_path = NULL; /* cmdline: nothing checked */
	ck_assert_int_eq(hugepages_argv(&p, &env, &sv), 0);
	ck_assert_str_eq(sv.v[1], "memory-backend-file,id=mem,size=8G,mem-path=/dev/hugepages,"
				  "prealloc=on,share=on");
	strv_clear(&sv);
	p.hugepages = HUGEPAGES_NO;
	ck_assert_int_eq(hugepages_argv(&p, &env, &sv), 0);
	ck_assert_uint_eq(sv.n, 0);
}
END_TEST

/* memlock: hugepages change nothing. VFIO pins hugetlbfs pages and
 * charges them to RLIMIT_MEMLOCK as any other (libvirt makes no exception
 * either); without VFIO nothing is locked: hugetlbfs pages are not
 * counted unless mlock()ed, and QEMU does not lock them (no -overcommit
 * mem-lock=on). */
START_TEST(test_memlock_accounts)
{
	struct pci_item pci = { .bdf = "0000:01:00.0" };
	struct profile p = { .memory = 8ULL << 30, .hugepages = HUGEPAGES_1G };

	ck_assert_uint_eq(memlock_required_bytes(&p), 0);
	p.pci = &pci;
	p.n_pci = 1;
	ck_assert_uint_eq(memlock_required_bytes(&p), 9ULL << 30);
	p.hugepages = HUGEPAGES_NO;
	ck_assert_uint_eq(memlock_required_bytes(&p), 9ULL << 30);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hugepages");
	TCase *tc = tcase_create("hugepages");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_find_mount);
	tcase_add_test(tc, test_page_size);
	tcase_add_test(tc, test_check_2m);
	tcase_add_test(tc, test_check_1g);
	tcase_add_test(tc, test_check_no_mount);
	tcase_add_test(tc, test_check_not_writable);
	tcase_add_test(tc, test_argv);
	tcase_add_test(tc, test_memlock_accounts);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
