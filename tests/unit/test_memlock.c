// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memlock: the libvirt formula, the verdict, and memlock_check against real
 * rlimits set with setrlimit in Check's forked test process.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "fake_tree.h"
#include "memlock.h"

#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

static struct pci_item one_gpu[2] = {
	{ .bdf = "0000:03:00.0", .line = 5 },
	{ .bdf = "0000:03:00.1", .line = 6 },
};

static struct profile make_profile(uint64_t memory, size_t n_pci, bool hugepages)
{
	return (struct profile){
		.file = "/tmp/test.conf",
		.name = "test",
		.memory = memory,
		.hugepages = hugepages,
		.pci = n_pci ? one_gpu : NULL,
		.n_pci = n_pci,
	};
}

/* An /etc for the installed limits, empty unless a test writes into it
 * (the real /etc would make the tests depend on this machine). */
static struct fake_tree E;

static struct check_ctx make_ctx(bool for_run)
{
	if (!E.root[0])
		fake_init(&E);
	return (struct check_ctx){ .sysfs = "/sys", .devfs = "/dev", .procfs = "/proc",
				   .etcfs = E.root, .for_run = for_run };
}

/* libvirt qemuDomainGetMemLockLimitBytes: guest RAM + 1 GiB with VFIO. */
START_TEST(test_required_bytes)
{
	struct profile p = make_profile(1 * GiB, 1, false);
	ck_assert_uint_eq(memlock_required_bytes(&p), 2147483648ULL);
	p = make_profile(1 * GiB, 0, false);
	ck_assert_uint_eq(memlock_required_bytes(&p), 0);
	p = make_profile(16 * GiB, 2, false);
	ck_assert_uint_eq(memlock_required_bytes(&p), 17 * GiB);
	p = make_profile(1 * GiB, 1, true); /* hugepages: same charge */
	ck_assert_uint_eq(memlock_required_bytes(&p), 2147483648ULL);
	p = make_profile(UINT64_MAX - 5, 1, false);
	ck_assert_uint_eq(memlock_required_bytes(&p), UINT64_MAX);
}
END_TEST

static const struct {
	uint64_t need;
	rlim_t cur, max;
	enum memlock_verdict v;
} verdicts[] = {
	{ 0, 0, 0, MEMLOCK_ENOUGH },
	{ 2 * GiB, 2 * GiB, 2 * GiB, MEMLOCK_ENOUGH },
	{ 2 * GiB, RLIM_INFINITY, RLIM_INFINITY, MEMLOCK_ENOUGH },
	{ 2 * GiB, 8 * MiB, RLIM_INFINITY, MEMLOCK_RAISABLE },
	{ 2 * GiB, 8 * MiB, 2 * GiB, MEMLOCK_RAISABLE },
	{ 2 * GiB, 8 * MiB, 2 * GiB - 1, MEMLOCK_TOO_LOW },
	{ 2 * GiB, 64 * 1024, 64 * 1024, MEMLOCK_TOO_LOW },
};

START_TEST(test_evaluate)
{
	ck_assert_uint_eq(ELEMENTSOF(verdicts), 7);
	for (size_t i = 0; i < ELEMENTSOF(verdicts); i++) {
		struct rlimit rl = { verdicts[i].cur, verdicts[i].max };
		ck_assert_msg(memlock_evaluate(verdicts[i].need, &rl) == verdicts[i].v,
			      "case %zu", i);
	}
}
END_TEST

START_TEST(test_print_fix)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	/* not a multiple of 1 KiB: limits.conf gets the value rounded up */
	memlock_print_fix(f, 2 * GiB + 1, "  ");
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "  /etc/security/limits.d/vfio-launch.conf"));
	ck_assert_ptr_nonnull(strstr(buf, "\n      @vfio soft memlock 2097153\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\n      @vfio hard memlock 2097153\n"));
	ck_assert_ptr_nonnull(strstr(buf, "/etc/systemd/system/user@.service.d/vfio-launch.conf"));
	ck_assert_ptr_nonnull(strstr(buf, "\n      LimitMEMLOCK=2147483649\n"));
	ck_assert_ptr_nonnull(strstr(buf, "/etc/systemd/user.conf.d/vfio-launch.conf"));
	ck_assert_ptr_nonnull(strstr(buf, "\n      DefaultLimitMEMLOCK=2147483649\n"));
}
END_TEST

START_TEST(test_check_no_pci)
{
	struct profile p = make_profile(4 * GiB, 0, false);
	struct check_ctx ctx = make_ctx(true);
	struct findings f = { 0 };
	ctx.memlock_bytes = 12345;
	memlock_check(&p, &ctx, &f);
	ck_assert_uint_eq(ctx.memlock_bytes, 0);
	ck_assert_uint_eq(f.n, 1);
	const struct finding *it = findings_find(&f, "memlock");
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(it->level, FINDING_PASS);
	ck_assert_str_eq(it->message, "no [pci] device: no memlock needed");
	findings_clear(&f);
}
END_TEST

static void set_limits(rlim_t cur, rlim_t max)
{
	struct rlimit rl = { cur, max };
	ck_assert_msg(setrlimit(RLIMIT_MEMLOCK, &rl) == 0, "setrlimit: %s",
		      strerror(errno));
}

/* Too low: hard limit below the need -> FAIL with both fixes. */
START_TEST(test_check_too_low)
{
	struct profile p = make_profile(1 * GiB, 1, false);
	struct check_ctx ctx = make_ctx(true);
	struct findings f = { 0 };
	struct rlimit rl;
	char want[256];

	/* Lowering works without privilege: 64 MiB, or less when the hard
	 * limit already is (systemd's default is 8 MiB). */
	getrlimit(RLIMIT_MEMLOCK, &rl);
	rlim_t lim = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 64 * MiB ?
			     rl.rlim_max : 64 * MiB;
	set_limits(lim, lim);
	memlock_check(&p, &ctx, &f);
	ck_assert_uint_eq(ctx.memlock_bytes, 2147483648ULL);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_uint_eq(f.n_fail, 1);
	const struct finding *it = findings_find(&f, "memlock");
	snprintf(want, sizeof(want),
		 "hard limit %llu bytes < 2147483648 needed (guest RAM 1G + 1 GiB for VFIO); "
		 "no memlock limit is installed (security/limits.d, the systemd drop-ins)",
		 (unsigned long long)lim);
	ck_assert_str_eq(it->message, want);
	ck_assert_ptr_nonnull(it->fix);
	ck_assert_ptr_nonnull(strstr(it->fix, "as root, give the vfio group this limit:\n"));
	ck_assert_ptr_nonnull(strstr(it->fix, "@vfio soft memlock 2097152\n"));
	ck_assert_ptr_nonnull(strstr(it->fix, "@vfio hard memlock 2097152\n"));
	ck_assert_ptr_nonnull(strstr(it->fix, "/etc/systemd/user.conf.d/vfio-launch.conf"));
	ck_assert_ptr_nonnull(strstr(it->fix, "DefaultLimitMEMLOCK=2147483648\n"));
	ck_assert_ptr_nonnull(strstr(it->fix, "LimitMEMLOCK=2147483648\n"));
	ck_assert_msg(it->fix[strlen(it->fix) - 1] != '\n', "fix ends in a newline");
	/* unchanged */
	getrlimit(RLIMIT_MEMLOCK, &rl);
	ck_assert_uint_eq(rl.rlim_cur, lim);
	findings_clear(&f);
}
END_TEST

/* What the admin installed, as limits.conf(5) and systemd.exec(5) write
 * it; other files and other domains do not count. */
START_TEST(test_find_installed)
{
	struct memlock_installed in;
	struct check_ctx ctx = make_ctx(false);

	memlock_find_installed(ctx.etcfs, &in);
	ck_assert_uint_eq(in.limits_d + in.user_service + in.user_conf, 0);

	fake_write(E.root, "security/limits.d/vfio-launch.conf", 0644, "%s",
		   "# comment\n@vfio soft memlock 1048576\n@vfio hard memlock 2097152\n"
		   "@audio hard memlock unlimited\nalice hard memlock unlimited\n");
	fake_write(E.root, "security/limits.d/other.conf.disabled", 0644, "%s",
		   "* hard memlock unlimited\n");
	fake_write(E.root, "systemd/system/user@.service.d/vfio-launch.conf", 0644, "%s",
		   "[Service]\nLimitMEMLOCK=1G:3G\n");
	fake_write(E.root, "systemd/user.conf.d/vfio-launch.conf", 0644, "%s",
		   "[Manager]\nDefaultLimitMEMLOCK=infinity\n");
	memlock_find_installed(ctx.etcfs, &in);
	ck_assert_uint_eq(in.limits_d, 2097152ULL * 1024);
	ck_assert_uint_eq(in.user_service, 3 * GiB);
	ck_assert_uint_eq(in.user_conf, UINT64_MAX);

	fake_write(E.root, "security/limits.conf", 0644, "%s", "*  -  memlock  unlimited\n");
	memlock_find_installed(ctx.etcfs, &in);
	ck_assert_uint_eq(in.limits_d, UINT64_MAX);
	fake_cleanup(&E);
}
END_TEST

/* Too low in this session, but /etc has enough: log in again (or join
 * the group), not "install the limits". */
START_TEST(test_check_installed_log_in_again)
{
	struct profile p = make_profile(1 * GiB, 1, false);
	struct check_ctx ctx = make_ctx(true);
	struct findings f = { 0 };
	struct rlimit rl;

	getrlimit(RLIMIT_MEMLOCK, &rl);
	rlim_t lim = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 64 * MiB ?
			     rl.rlim_max : 64 * MiB;
	set_limits(lim, lim);
	/* all three files, enough: log in again */
	fake_write(E.root, "security/limits.d/vfio-launch.conf", 0644, "%s",
		   "@vfio hard memlock 2097152\n");
	fake_write(E.root, "systemd/system/user@.service.d/vfio-launch.conf", 0644, "%s",
		   "[Service]\nLimitMEMLOCK=2147483648\n");
	fake_write(E.root, "systemd/user.conf.d/vfio-launch.conf", 0644, "%s",
		   "[Manager]\nDefaultLimitMEMLOCK=2147483648\n");
	memlock_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	ck_assert_ptr_nonnull(strstr(f.items[0].message,
				     "the limits installed in "));
	ck_assert_ptr_nonnull(strstr(f.items[0].message,
				     "(security/limits.d and the systemd drop-ins) suffice but this "
				     "session started before them"));
	ck_assert_str_eq(f.items[0].fix, "log out completely (every session, so the systemd "
					 "user manager restarts) and in again, or reboot");
	findings_clear(&f);

	/* only limits.d, and this process is not in group vfio: join it */
	struct group *g = getgrnam("vfio");
	bool member = false;
	gid_t groups[256];
	int n = getgroups(256, groups);
	for (int i = 0; g && i < n; i++)
		member |= groups[i] == g->gr_gid;
	if (!member && !(g && getegid() == g->gr_gid)) {
		fake_write(E.root, "systemd/user.conf.d/vfio-launch.conf", 0644, "%s", "");
		memlock_check(&p, &ctx, &f);
		ck_assert_ptr_nonnull(strstr(f.items[0].message,
					     "(security/limits.d) suffice but this session started "
					     "before them, or you are not in group vfio"));
		ck_assert_ptr_nonnull(strstr(f.items[0].fix, "usermod -aG vfio $USER"));
		findings_clear(&f);
	}

	/* installed, but lower than the need: raise them, with the figures */
	fake_write(E.root, "security/limits.d/vfio-launch.conf", 0644, "%s",
		   "@vfio hard memlock 1024\n");
	fake_write(E.root, "systemd/user.conf.d/vfio-launch.conf", 0644, "%s", "");
	memlock_check(&p, &ctx, &f);
	ck_assert_ptr_nonnull(strstr(f.items[0].message, "the limits installed are lower"));
	ck_assert_ptr_nonnull(strstr(f.items[0].fix, "@vfio hard memlock 2097152\n"));
	findings_clear(&f);
	fake_cleanup(&E);
}
END_TEST

/* Raisable: `check` says so and leaves the limit; `run` raises it. */
START_TEST(test_check_raisable)
{
	struct profile p = make_profile(1 * GiB, 1, false);
	struct findings f = { 0 };
	struct rlimit rl;

	set_limits(64 * MiB, 4 * GiB);
	struct check_ctx ctx = make_ctx(false);
	memlock_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 0);
	ck_assert_str_eq(f.items[0].message,
			 "soft limit 67108864 bytes < 2147483648 needed (guest RAM 1G + 1 GiB), "
			 "hard limit 4294967296 suffices: run raises the soft limit");
	getrlimit(RLIMIT_MEMLOCK, &rl);
	ck_assert_uint_eq(rl.rlim_cur, 64 * MiB);

	ctx = make_ctx(true);
	memlock_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_int_eq(f.items[1].level, FINDING_PASS);
	ck_assert_str_eq(f.items[1].message,
			 "soft limit raised from 67108864 to 4294967296 bytes "
			 "(2147483648 needed: guest RAM 1G + 1 GiB)");
	getrlimit(RLIMIT_MEMLOCK, &rl);
	ck_assert_uint_eq(rl.rlim_cur, 4 * GiB);
	ck_assert_uint_eq(rl.rlim_max, 4 * GiB);
	findings_clear(&f);
}
END_TEST

START_TEST(test_check_enough)
{
	struct profile p = make_profile(1 * GiB, 2, true);
	struct check_ctx ctx = make_ctx(true);
	struct findings f = { 0 };
	set_limits(2 * GiB, 2 * GiB);
	memlock_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 0);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	ck_assert_str_eq(f.items[0].message,
			 "soft limit 2147483648 bytes >= 2147483648 needed (guest RAM 1G + 1 GiB)");
	findings_clear(&f);
}
END_TEST

/* The raise path with figures under the machine's own hard limit, so it
 * runs everywhere (the 1 GiB cases above need CAP_SYS_RESOURCE). Check
 * forks each test: the limits changed here die with the child. */
static rlim_t small_hard_limit(void)
{
	struct rlimit rl;
	ck_assert_int_eq(getrlimit(RLIMIT_MEMLOCK, &rl), 0);
	rlim_t hard = rl.rlim_max;
	if (hard == RLIM_INFINITY || hard > 64 * MiB)
		hard = 64 * MiB; /* lowering the hard limit needs no privilege */
	ck_assert_uint_ge(hard, 16 * 1024);
	return hard & ~(rlim_t)4095;
}

START_TEST(test_check_raisable_small)
{
	rlim_t hard = small_hard_limit();
	uint64_t need = hard / 2, soft = hard / 4;
	struct findings f = { 0 };
	struct rlimit rl = { soft, hard };
	char want[256];

	ck_assert_int_eq(setrlimit(RLIMIT_MEMLOCK, &rl), 0);
	struct check_ctx ctx = make_ctx(false);
	memlock_check_need(need, 1 * GiB, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 0);
	snprintf(want, sizeof(want),
		 "soft limit %llu bytes < %llu needed (guest RAM 1G + 1 GiB), "
		 "hard limit %llu suffices: run raises the soft limit",
		 (unsigned long long)soft, (unsigned long long)need, (unsigned long long)hard);
	ck_assert_str_eq(f.items[0].message, want);
	ck_assert_int_eq(getrlimit(RLIMIT_MEMLOCK, &rl), 0);
	ck_assert_uint_eq(rl.rlim_cur, soft); /* check only reports */

	ctx = make_ctx(true);
	memlock_check_need(need, 1 * GiB, &ctx, &f);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_int_eq(f.items[1].level, FINDING_PASS);
	snprintf(want, sizeof(want),
		 "soft limit raised from %llu to %llu bytes (%llu needed: guest RAM 1G + 1 GiB)",
		 (unsigned long long)soft, (unsigned long long)hard, (unsigned long long)need);
	ck_assert_str_eq(f.items[1].message, want);
	ck_assert_uint_eq(ctx.memlock_bytes, need);
	ck_assert_int_eq(getrlimit(RLIMIT_MEMLOCK, &rl), 0);
	ck_assert_uint_eq(rl.rlim_cur, hard);
	findings_clear(&f);
}
END_TEST

START_TEST(test_check_enough_small)
{
	rlim_t hard = small_hard_limit();
	struct findings f = { 0 };
	struct rlimit rl = { hard, hard };
	char want[256];

	ck_assert_int_eq(setrlimit(RLIMIT_MEMLOCK, &rl), 0);
	struct check_ctx ctx = make_ctx(true);
	memlock_check_need(hard, 1 * GiB, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 0);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	snprintf(want, sizeof(want), "soft limit %llu bytes >= %llu needed (guest RAM 1G + 1 GiB)",
		 (unsigned long long)hard, (unsigned long long)hard);
	ck_assert_str_eq(f.items[0].message, want);

	/* one byte more than the hard limit: FAIL with the fix */
	memlock_check_need((uint64_t)hard + 1, 1 * GiB, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	ck_assert_ptr_nonnull(strstr(f.items[1].fix, "@vfio hard memlock"));
	findings_clear(&f);
}
END_TEST

/* Whether this process may set a 4 GiB hard limit (CAP_SYS_RESOURCE, or
 * already that high): tried in a child so nothing here changes. */
static bool can_raise_hard_limit(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit rl = { 4 * GiB, 4 * GiB };
		_exit(setrlimit(RLIMIT_MEMLOCK, &rl) == 0 ? 0 : 1);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

START_TEST(test_print_limits)
{
	struct profile a = make_profile(16 * GiB, 2, false);
	struct profile b = make_profile(8 * GiB, 1, true);
	struct profile c = make_profile(2 * GiB, 0, false);
	a.name = "win10";
	b.name = "linux";
	c.name = "demo";
	const struct profile *const all[] = { &c, &a, &b };
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_uint_eq(memlock_print_limits(f, all, 3), 17 * GiB);
	fclose(f);
	static const char want[] =
		"demo: 2G guest RAM, no [pci] device: no memlock needed\n"
		"win10: 16G guest RAM, 2 [pci] devices: 18253611008 bytes\n"
		"linux: 8G guest RAM, 1 [pci] device: 9663676416 bytes\n"
		"\n"
		"memlock needed: 18253611008 bytes = 17825792 KiB (win10: guest RAM + 1 GiB, libvirt's formula)\n"
		"\n"
		"/etc/security/limits.d/vfio-launch.conf (PAM logins; KiB):\n"
		"    @vfio soft memlock 17825792\n"
		"    @vfio hard memlock 17825792\n"
		"/etc/systemd/system/user@.service.d/vfio-launch.conf (the user manager's own limit; bytes):\n"
		"    [Service]\n"
		"    LimitMEMLOCK=18253611008\n"
		"/etc/systemd/user.conf.d/vfio-launch.conf (sessions started by systemd --user; bytes):\n"
		"    [Manager]\n"
		"    DefaultLimitMEMLOCK=18253611008\n"
		"then `systemctl daemon-reload` and log out and in again.\n";
	ck_assert_msg(strcmp(buf, want) == 0, "got:\n%.900s", buf);

	/* no [pci] anywhere */
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	const struct profile *const none[] = { &c };
	ck_assert_uint_eq(memlock_print_limits(f, none, 1), 0);
	fclose(f);
	ck_assert_str_eq(buf, "demo: 2G guest RAM, no [pci] device: no memlock needed\n\n"
			      "No profile has a [pci] device: no memlock limit is needed.\n");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("memlock");
	TCase *tc = tcase_create("pure");
	tcase_add_test(tc, test_required_bytes);
	tcase_add_test(tc, test_evaluate);
	tcase_add_test(tc, test_print_fix);
	tcase_add_test(tc, test_check_no_pci);
	tcase_add_test(tc, test_print_limits);
	tcase_add_test(tc, test_find_installed);
	suite_add_tcase(s, tc);

	/* Raising a hard limit needs CAP_SYS_RESOURCE (root in CI). The
	 * rlimit cases set soft and hard limits of their own. */
	bool can_set = can_raise_hard_limit();
	TCase *rt = tcase_create("rlimit");
	tcase_add_test(rt, test_check_too_low);
	tcase_add_test(rt, test_check_installed_log_in_again);
	tcase_add_test(rt, test_check_raisable_small);
	tcase_add_test(rt, test_check_enough_small);
	if (can_set) {
		tcase_add_test(rt, test_check_raisable);
		tcase_add_test(rt, test_check_enough);
	} else {
		printf("note: the 1 GiB raisable/enough cases need CAP_SYS_RESOURCE or a 4 GiB hard memlock limit; the same paths ran above under this machine's hard limit\n");
	}
	suite_add_tcase(s, rt);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
