// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * smbios.c: the host's DMI strings from a fake /sys/class/dmi/id (the
 * root-only files never read), a host without DMI (WARN, nothing
 * rendered), and the per-VM UUID kept in the state dir.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fake_tree.h"
#include "paths.h"
#include "profile.h"
#include "resource.h"
#include "smbios.h"

static struct fake_tree T;

static void setup(void)
{
	fake_init(&T);
}

static void teardown(void)
{
	fake_cleanup(&T);
}

static void fake_dmi(void)
{
	fake_write(T.sys, "devices/virtual/dmi/id/sys_vendor", 0444, "Framework\n");
	fake_write(T.sys, "devices/virtual/dmi/id/product_name", 0444, "Laptop, 13th Gen\n");
	fake_write(T.sys, "devices/virtual/dmi/id/bios_vendor", 0444, "INSYDE Corp.\n");
	fake_write(T.sys, "devices/virtual/dmi/id/board_name", 0444, "FRANMACP04\n");
	fake_write(T.sys, "devices/virtual/dmi/id/board_version", 0444, "   \n");
	/* Root-only on a real host; here readable, to show they are never
	 * read at all. */
	fake_write(T.sys, "devices/virtual/dmi/id/product_serial", 0444, "SERIAL123\n");
	fake_write(T.sys, "devices/virtual/dmi/id/product_uuid", 0444,
		   "11111111-2222-3333-4444-555555555555\n");
	fake_link(T.sys, "class/dmi/id", "../../devices/virtual/dmi/id");
}

static const char *argv_str(const struct strv *sv, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sv->n; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "", sv->v[i]);
	return buf;
}

START_TEST(test_host_strings)
{
	struct profile p = { .file = "/p.conf", .smbios = SMBIOS_HOST };
	struct check_ctx ctx = { .sysfs = T.sys, .devfs = T.dev, .procfs = T.proc };
	struct findings f = { 0 };
	struct render_env env = { 0 };
	struct strv sv = { 0 };
	char buf[1024];

	fake_dmi();
	resource_smbios.check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	ck_assert_ptr_nonnull(strstr(f.items[0].message, "Framework Laptop, 13th Gen"));
	ck_assert_str_eq(ctx.smbios.v[SMBIOS_SYS_VENDOR], "Framework");
	ck_assert_ptr_null(ctx.smbios.v[SMBIOS_BOARD_VERSION]); /* blank: left out */
	check_ctx_render_env(&ctx, NULL, &env);
	ck_assert_int_eq(resource_smbios.argv(&p, &env, &sv), 0);
	ck_assert_str_eq(argv_str(&sv, buf, sizeof(buf)),
			 "-smbios type=0,vendor=INSYDE Corp. "
			 "-smbios type=1,manufacturer=Framework,product=Laptop,, 13th Gen "
			 "-smbios type=2,product=FRANMACP04");
	ck_assert_ptr_null(strstr(buf, "SERIAL123"));
	ck_assert_ptr_null(strstr(buf, "11111111"));
	strv_clear(&sv);
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

START_TEST(test_no_dmi)
{
	struct profile p = { .file = "/p.conf", .smbios = SMBIOS_HOST };
	struct check_ctx ctx = { .sysfs = T.sys, .devfs = T.dev, .procfs = T.proc };
	struct findings f = { 0 };
	struct render_env env = { 0 };
	struct strv sv = { 0 };

	resource_smbios.check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_int_eq(f.items[0].level, FINDING_WARN);
	ck_assert_ptr_nonnull(strstr(f.items[0].message, "no DMI"));
	check_ctx_render_env(&ctx, NULL, &env);
	ck_assert_int_eq(resource_smbios.argv(&p, &env, &sv), 0);
	ck_assert_uint_eq(sv.n, 0);
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

/* uuid = auto: check (no run) makes nothing; a run makes one in a new
 * state dir (0700), and every later check and run reads the same. */
START_TEST(test_uuid_kept)
{
	struct profile p = { .file = "/p.conf", .uuid = (char *)"auto" };
	char state[256], first[37];
	struct vm_paths paths = { .state_dir = state };
	struct check_ctx ctx = { .sysfs = T.sys, .paths = &paths };
	struct findings f = { 0 };
	struct render_env env = { 0 };
	struct strv sv = { 0 };
	struct stat st;

	snprintf(state, sizeof(state), "%s/state/vfio-launch/vm", T.root);
	resource_smbios.check(&p, &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	ck_assert_ptr_nonnull(strstr(f.items[0].message, "made on the first run"));
	ck_assert_int_eq(stat(state, &st), -1);
	findings_clear(&f);

	ctx.for_run = true;
	resource_smbios.check(&p, &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	ck_assert_uint_eq(strlen(ctx.uuid), 36);
	ck_assert_int_eq(ctx.uuid[14], '4'); /* version 4 */
	ck_assert_int_eq(stat(state, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	memcpy(first, ctx.uuid, 37);
	findings_clear(&f);

	ck_assert_int_eq(vm_uuid_load(state, true, ctx.uuid), 0);
	ck_assert_str_eq(ctx.uuid, first);
	check_ctx_render_env(&ctx, NULL, &env);
	ck_assert_int_eq(resource_smbios.argv(&p, &env, &sv), 0);
	ck_assert_uint_eq(sv.n, 2);
	ck_assert_str_eq(sv.v[1], first);
	strv_clear(&sv);

	/* a damaged file: FAIL with the fix, never silently replaced */
	fake_write(state, "uuid", 0600, "not a uuid\n");
	resource_smbios.check(&p, &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_FAIL);
	ck_assert_ptr_nonnull(strstr(f.items[0].message, "holds no UUID"));
	findings_clear(&f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("smbios");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_host_strings);
	tcase_add_test(tc, test_no_dmi);
	tcase_add_test(tc, test_uuid_kept);
	suite_add_tcase(s, tc);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
