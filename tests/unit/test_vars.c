// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vars.c and the firmware check: the template a VARS copy was made from is
 * recorded; a profile naming another template WARNs with the fix;
 * reset-vars keeps the old copy and drops the record.
 */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cleanup.h"
#include "fake_tree.h"
#include "paths.h"
#include "profile.h"
#include "resource.h"
#include "vars.h"

static struct fake_tree T;

START_TEST(test_template_changed)
{
	char state[256], vars[300], buf[4096];
	_cleanup_free_ char *kept = NULL;
	struct vm_paths paths = { .state_dir = state, .ovmf_vars = vars };
	struct profile p = { .file = "/p.conf", .name = (char *)"w11",
			     .firmware = FIRMWARE_UEFI, .secure_boot = true,
			     .ovmf_code = (char *)"/usr/share/OVMF/OVMF_CODE_4M.ms.fd",
			     .ovmf_vars = (char *)"/usr/share/OVMF/OVMF_VARS_4M.ms.fd" };
	struct check_ctx ctx;
	struct findings f = { 0 };
	int dir;

	fake_init(&T);
	snprintf(state, sizeof(state), "%s/state", T.root);
	snprintf(vars, sizeof(vars), "%s/OVMF_VARS.fd", state);
	fake_write(state, "OVMF_VARS.fd", 0600, "vars");
	dir = open(state, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dir, 0);

	/* no record (a copy from before records): nothing to say */
	ck_assert_int_eq(vars_template_read(vars, buf, sizeof(buf)), -ENOENT);

	ck_assert_int_eq(vars_template_record(dir, "OVMF_VARS.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"), 0);
	ck_assert_int_eq(vars_template_read(vars, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/usr/share/OVMF/OVMF_VARS_4M.fd");

	check_ctx_init(&ctx);
	ctx.sysfs = T.sys;
	ctx.devfs = T.dev;
	ctx.procfs = T.proc;
	ctx.paths = &paths;
	resource_firmware.check(&p, &ctx, &f);
	bool warned = false;
	for (size_t i = 0; i < f.n; i++)
		if (f.items[i].level == FINDING_WARN && strstr(f.items[i].message, "was copied from /usr/share/OVMF/OVMF_VARS_4M.fd")) {
			warned = true;
			ck_assert_ptr_nonnull(strstr(f.items[i].fix, "vfio-launch reset-vars w11"));
		}
	ck_assert(warned);
	findings_clear(&f);

	/* the same template: no warning */
	p.ovmf_vars = (char *)"/usr/share/OVMF/OVMF_VARS_4M.fd";
	resource_firmware.check(&p, &ctx, &f);
	for (size_t i = 0; i < f.n; i++)
		ck_assert_ptr_null(strstr(f.items[i].message, "was copied from"));
	findings_clear(&f);
	check_ctx_clear(&ctx);

	/* reset: the old file kept under a dated name, record gone */
	ck_assert_int_eq(vars_reset(vars, &kept), 0);
	ck_assert_ptr_nonnull(strstr(kept, "/OVMF_VARS.fd.old-"));
	ck_assert_int_eq(access(kept, R_OK), 0);
	ck_assert_int_eq(access(vars, F_OK), -1);
	ck_assert_int_eq(vars_template_read(vars, buf, sizeof(buf)), -ENOENT);
	ck_assert_int_eq(vars_reset(vars, &kept), -ENOENT);
	close(dir);
	fake_cleanup(&T);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vars");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_template_changed);
	suite_add_tcase(s, tc);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
