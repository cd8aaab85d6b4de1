// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pin.c and the [cpu] pinning keys: the CPU lists as parsed, the plan for
 * SMT hosts, and the check against fake sysfs/procfs trees (online and
 * present CPUs, thread_siblings_list, isolcpus/nohz_full, the isolated
 * file, systemd's AllowedCPUs on system.slice).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cleanup.h"
#include "fake_tree.h"
#include "pin.h"
#include "profile_test.h"
#include "render.h"

static struct fake_tree T;

/* An 8-CPU host: 4 cores with 2 threads, numbered as Intel does
 * (CPU c and c+4 are siblings); CPU 7 offline, 8-15 possible not present. */
static void setup(void)
{
	fake_init(&T);
	fake_write(T.sys, "devices/system/cpu/online", 0444, "%s", "0-6\n");
	fake_write(T.sys, "devices/system/cpu/present", 0444, "%s", "0-7\n");
	for (int c = 0; c < 7; c++) {
		char rel[96];
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/topology/thread_siblings_list", c);
		fake_write(T.sys, rel, 0444, "%d,%d\n", c % 4, c % 4 + 4);
	}
	fake_write(T.proc, "cmdline", 0444, "%s", "BOOT_IMAGE=/vmlinuz root=/dev/sda2 ro\n");
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

START_TEST(test_parse_lists)
{
	_cleanup_profile_ struct profile *p =
		load_ok("[vm]\ncpus = 6\n[cpu]\npin = 2-4, 10,1,1\nemulator-pin = 0\n"
			"iothreads = 2\niothread-pin = 0-1\n");
	static const unsigned short want[] = { 2, 3, 4, 10, 1, 1 };

	ck_assert_uint_eq(p->cpu_pin.n, 6);
	for (size_t i = 0; i < 6; i++)
		ck_assert_uint_eq(p->cpu_pin.v[i], want[i]);
	ck_assert_uint_eq(p->cpu_pin.line, 4);
	ck_assert_uint_eq(p->emulator_pin.n, 1);
	ck_assert_uint_eq(p->iothreads, 2);
	ck_assert_uint_eq(p->iothread_pin.n, 2);

	_cleanup_profile_ struct profile *h = load_ok("[vm]\nhugepages = 1G\n");
	ck_assert_int_eq(h->hugepages, HUGEPAGES_1G);
	_cleanup_profile_ struct profile *h2 = load_ok("[vm]\nhugepages = 2m\n");
	ck_assert_int_eq(h2->hugepages, HUGEPAGES_2M);
	_cleanup_profile_ struct profile *h3 = load_ok("[vm]\nhugepages = on\n");
	ck_assert_int_eq(h3->hugepages, HUGEPAGES_YES);
}
END_TEST

START_TEST(test_cpulist)
{
	cpu_set_t s;
	char buf[64];

	ck_assert_int_eq(cpulist_parse("0-3,8,10-11\n", &s), 7);
	ck_assert(CPU_ISSET(3, &s) && CPU_ISSET(8, &s) && !CPU_ISSET(9, &s));
	cpulist_format(&s, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0-3,8,10-11");
	ck_assert_int_eq(cpulist_parse("\n", &s), 0);
	ck_assert_int_eq(cpulist_parse("3-1", &s), -EINVAL);
	ck_assert_int_eq(cpulist_parse("1,,2", &s), -EINVAL);
	ck_assert_int_eq(cpulist_parse("4096", &s), -EINVAL);
}
END_TEST

/* 1s2c2t pinned to 1,2,5,6: QEMU's vCPUs 0-1 are core 0, 2-3 core 1;
 * each guest core gets a pair of host siblings (1/5, 2/6), whatever the
 * order written. */
START_TEST(test_plan_smt)
{
	_cleanup_profile_ struct profile *p =
		load_ok("[vm]\ntopology = 1s2c2t\n[cpu]\npin = 1,2,5,6\n");
	struct host_cpus h;
	struct pin_plan plan;
	char why[512] = "";

	ck_assert_int_eq(host_cpus_read(T.sys, &h), 0);
	ck_assert_int_eq(h.core[5], 1);
	ck_assert_int_eq(pin_plan_make(p, &h, &plan, why, sizeof(why)), 0);
	ck_assert_uint_eq(plan.n_vcpus, 4);
	ck_assert_uint_eq(plan.vcpu[0], 1);
	ck_assert_uint_eq(plan.vcpu[1], 5);
	ck_assert_uint_eq(plan.vcpu[2], 2);
	ck_assert_uint_eq(plan.vcpu[3], 6);
	ck_assert(plan.active);
	ck_assert(!plan.emulator);

	/* threads = 1: the order written */
	_cleanup_profile_ struct profile *q = load_ok("[vm]\ncpus = 4\n[cpu]\npin = 1,2,5,6\n");
	ck_assert_int_eq(pin_plan_make(q, &h, &plan, why, sizeof(why)), 0);
	ck_assert_uint_eq(plan.vcpu[1], 2);
}
END_TEST

START_TEST(test_plan_split_core)
{
	_cleanup_profile_ struct profile *p =
		load_ok("[vm]\ntopology = 1s2c2t\n[cpu]\npin = 1-3,5\n");
	struct host_cpus h;
	struct pin_plan plan;
	char why[512];

	ck_assert_int_eq(host_cpus_read(T.sys, &h), 0);
	ck_assert_int_eq(pin_plan_make(p, &h, &plan, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, "pin: the guest's core 1 (vCPUs 2-3, topology threads = 2) "
				  "needs 2 SMT siblings of one host core, and the list has only 1 "
				  "left with CPU 2"),
		      "%s", why);
}
END_TEST

START_TEST(test_check_offline)
{
	struct check_ctx ctx;
	struct findings f = { 0 };
	_cleanup_profile_ struct profile *p =
		load_ok("[vm]\ncpus = 2\n[cpu]\npin = 1,7\n");
	_cleanup_profile_ struct profile *q =
		load_ok("[vm]\ncpus = 1\n[cpu]\npin = 1\nemulator-pin = 9\n");

	ctx_for(&ctx);
	check_profile(p, &ctx, &f);
	const struct finding *it = findings_find(&f, "pin");
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(it->level, FINDING_FAIL);
	ck_assert_str_eq(it->message, "[cpu] pin: CPU 7 is offline (online: 0-6); as root: echo 1 > "
				      "/sys/devices/system/cpu/cpu7/online, or pin to online CPUs");
	ck_assert(!ctx.pin.active);
	findings_clear(&f);
	check_ctx_clear(&ctx);

	ctx_for(&ctx);
	check_profile(q, &ctx, &f);
	it = findings_find(&f, "pin");
	ck_assert_str_eq(it->message, "[cpu] emulator-pin: CPU 9 does not exist on this host (online: 0-6)");
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

START_TEST(test_check_isolation)
{
	struct check_ctx ctx;
	struct findings f = { 0 };
	_cleanup_profile_ struct profile *p =
		load_ok("[vm]\ntopology = 1s1c2t\n[cpu]\npin = 3,7\nemulator-pin = 0\n");
	const struct finding *it;

	/* not isolated: a WARN with both fixes */
	fake_write(T.sys, "devices/system/cpu/cpu7/topology/thread_siblings_list", 0444, "3,7\n");
	fake_write(T.sys, "devices/system/cpu/online", 0444, "%s", "0-7\n");
	ctx_for(&ctx);
	check_profile(p, &ctx, &f);
	it = findings_find(&f, "pin");
	ck_assert_int_eq(it->level, FINDING_WARN);
	ck_assert_str_eq(it->message, "vCPU->host CPU 0->3 1->7; CPUs 3,7 are not isolated: host "
				      "tasks share them with the vCPUs (latency spikes in the guest)");
	ck_assert_str_eq(it->fix, "add isolcpus=3,7 nohz_full=3,7 to the kernel command line and "
				  "reboot (kernel-parameters.txt), or at run time as root: systemctl "
				  "set-property --runtime -- system.slice AllowedCPUs=0-2,4-6; the same "
				  "for init.scope (systemd.resource-control(5))");
	ck_assert(ctx.pin.active && ctx.pin.emulator && CPU_ISSET(0, &ctx.pin.emulator_set));
	ck_assert_uint_eq(ctx.pin.vcpu[1], 7);
	findings_clear(&f);
	check_ctx_clear(&ctx);

	/* isolcpus with flags: a PASS */
	fake_write(T.proc, "cmdline", 0444, "%s", "ro isolcpus=domain,managed_irq,3,7 quiet\n");
	ctx_for(&ctx);
	check_profile(p, &ctx, &f);
	it = findings_find(&f, "pin");
	ck_assert_int_eq(it->level, FINDING_PASS);
	ck_assert_str_eq(it->message, "vCPU->host CPU 0->3 1->7; CPUs 3,7 are isolated from the "
				      "host's scheduler");
	findings_clear(&f);
	check_ctx_clear(&ctx);

	/* nohz_full for one, the isolated file for the other */
	fake_write(T.proc, "cmdline", 0444, "%s", "ro nohz_full=3\n");
	fake_write(T.sys, "devices/system/cpu/isolated", 0444, "%s", "7\n");
	ctx_for(&ctx);
	check_profile(p, &ctx, &f);
	ck_assert_int_eq(findings_find(&f, "pin")->level, FINDING_PASS);
	findings_clear(&f);
	check_ctx_clear(&ctx);

	/* systemd AllowedCPUs=0-2,4-6 on system.slice */
	fake_write(T.proc, "cmdline", 0444, "%s", "ro\n");
	fake_write(T.sys, "devices/system/cpu/isolated", 0444, "%s", "\n");
	fake_write(T.sys, "fs/cgroup/system.slice/cpuset.cpus", 0444, "%s", "0-2,4-6\n");
	ctx_for(&ctx);
	check_profile(p, &ctx, &f);
	ck_assert_int_eq(findings_find(&f, "pin")->level, FINDING_PASS);
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

/* No pinning key: no finding, no plan, and -name stays plain. */
START_TEST(test_check_none)
{
	struct check_ctx ctx;
	struct findings f = { 0 };
	_cleanup_profile_ struct profile *p = load_ok("[vm]\ncpus = 2\n[cpu]\niothreads = 1\n");
	struct render_env env = { .accel = ACCEL_TCG };
	struct strv sv = { 0 };

	ctx_for(&ctx);
	check_profile(p, &ctx, &f);
	ck_assert_ptr_null(findings_find(&f, "pin"));
	ck_assert(!ctx.pin.active);
	ck_assert_int_eq(render_argv(p, &env, &sv), 0);
	ck_assert_str_eq(sv.v[2], p->name);
	strv_clear(&sv);
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pin");
	TCase *tc = tcase_create("pin");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_parse_lists);
	tcase_add_test(tc, test_cpulist);
	tcase_add_test(tc, test_plan_smt);
	tcase_add_test(tc, test_plan_split_core);
	tcase_add_test(tc, test_check_offline);
	tcase_add_test(tc, test_check_isolation);
	tcase_add_test(tc, test_check_none);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
