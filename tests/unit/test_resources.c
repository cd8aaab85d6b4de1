// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * resources.c and resource.h: the one table of resources. Its shape (no
 * entry missing or repeated, names distinct, every entry doing something)
 * and that render_argv() is the frame around the resources' own argv
 * operations, in the table's order.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cleanup.h"
#include "paths.h"
#include "profile_test.h"
#include "render.h"
#include "resource.h"

/* Update with the table (STYLE.md: assert a table's length). */
#define N_RESOURCES 12

START_TEST(table_shape)
{
	ck_assert_uint_eq(resources_n, N_RESOURCES);
	ck_assert_uint_le(resources_n, RESOURCES_MAX);
	for (size_t i = 0; i < resources_n; i++) {
		const struct resource *r = resources[i];

		ck_assert_ptr_nonnull(r);
		ck_assert_ptr_nonnull(r->name);
		ck_assert_msg(r->check || r->argv || r->grants,
			      "resource %s does nothing", r->name);
		for (size_t j = 0; j < i; j++) {
			ck_assert_ptr_ne(resources[j], r);
			ck_assert_str_ne(resources[j]->name, r->name);
		}
	}
}
END_TEST

/* The kinds the design names are in the table under those names. */
START_TEST(table_names)
{
	static const char *const names[] = { "qemu", "machine", "firmware", "display",
					     "memlock", "pci", "disk", "network",
					     "audio", "usb", "looking-glass", "input" };

	ck_assert_uint_eq(ELEMENTSOF(names), N_RESOURCES);
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		ck_assert_str_eq(resources[i]->name, names[i]);
}
END_TEST

/* render_argv = binary, -name, -nodefaults, -no-user-config, then each
 * resource's argv in table order, then [qemu] extra: rebuilt here from
 * the operations, for a profile that uses most resources. */
START_TEST(render_is_the_table)
{
	static const char text[] =
		"[vm]\nname = t\nmemory = 1G\nfirmware = bios\nkernel = /k\n"
		"[disk sys]\npath = /d.img\n"
		"[pci]\ndevice = 0000:01:00.0\n"
		"[network]\nmode = user\n"
		"[usb]\nport = 1-2\n"
		"[looking-glass]\nsize = 32M\n"
		"[input]\nevdev = /dev/input/event3\n"
		"[qemu]\nextra = -no-reboot\n";
	_cleanup_profile_ struct profile *p = NULL;
	struct vm_paths paths = { 0 };
	struct render_env env = { .qemu_path = "/q", .paths = &paths, .accel = ACCEL_KVM };
	struct strv got = { 0 }, want = { 0 };

	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	setenv("XDG_STATE_HOME", "/home/u/.local/state", 1);
	p = load_ok(text);
	ck_assert_int_eq(vm_paths_init(p, &paths), 0);
	ck_assert_int_eq(render_argv(p, &env, &got), 0);

	ck_assert_int_eq(strv_push(&want, "/q"), 0);
	ck_assert_int_eq(strv_push2(&want, "-name", "t"), 0);
	ck_assert_int_eq(strv_push(&want, "-nodefaults"), 0);
	ck_assert_int_eq(strv_push(&want, "-no-user-config"), 0);
	for (size_t i = 0; i < resources_n; i++) {
		size_t before = want.n;

		if (!resources[i]->argv)
			continue;
		ck_assert_int_eq(resources[i]->argv(p, &env, &want), 0);
		/* each of these resources is in the profile */
		if (strcmp(resources[i]->name, "audio") != 0)
			ck_assert_msg(want.n > before, "%s rendered nothing",
				      resources[i]->name);
	}
	ck_assert_int_eq(strv_push(&want, "-no-reboot"), 0);

	ck_assert_uint_eq(got.n, want.n);
	for (size_t i = 0; i < got.n; i++)
		ck_assert_str_eq(got.v[i], want.v[i]);
	strv_clear(&got);
	strv_clear(&want);
	vm_paths_clear(&paths);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("resources");
	TCase *tc = tcase_create("table");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, table_shape);
	tcase_add_test(tc, table_names);
	tcase_add_test(tc, render_is_the_table);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
