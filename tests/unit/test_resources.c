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
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "findings.h"
#include "grants.h"
#include "paths.h"
#include "profile_test.h"
#include "render.h"
#include "resource.h"

/* Update with the table (STYLE.md: assert a table's length). */
#define N_RESOURCES 15

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
	static const char *const names[] = { "qemu", "machine", "smbios", "firmware", "display",
					     "memlock", "pci", "disk", "network", "share",
					     "tpm", "audio", "usb", "looking-glass", "input" };

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
		"[vm]\nname = t\nmemory = 1G\nfirmware = bios\nkernel = /k\ntpm = yes\n"
		"uuid = 0f8fad5b-d9cb-469f-a165-70867728950e\n"
		"[disk sys]\npath = /d.img\n"
		"[pci]\ndevice = 0000:01:00.0\n"
		"[network]\nmode = user\n"
		"[usb]\nport = 1-2\n"
		"[looking-glass]\nsize = 32M\n"
		"[input]\nevdev = /dev/input/event3\n"
		"[share data]\npath = /srv/data\n"
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

static size_t index_of(const char *name)
{
	for (size_t i = 0; i < resources_n; i++)
		if (strcmp(resources[i]->name, name) == 0)
			return i;
	ck_abort_msg("no resource %s", name);
	return 0;
}

static void write_file(const char *path)
{
	FILE *f = fopen(path, "we");

	ck_assert_ptr_nonnull(f);
	fputs("raw image\n", f);
	fclose(f);
}

/* The disk resource's grants are the descriptors its check opened: the
 * same inode as the file checked, read-write or read-only as the profile
 * says; a directory or a symlink named as a disk FAILs and grants nothing. */
START_TEST(disk_grants_from_check)
{
	char dir[] = "/tmp/vl-res.XXXXXX", text[2048], rw[256], ro[256], ln[256];
	_cleanup_profile_ struct profile *p = NULL;
	struct check_ctx ctx;
	struct findings f = { 0 };
	struct grants g = { 0 };
	struct stat st, gst;
	const struct grant *gr;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(rw, sizeof(rw), "%s/rw.img", dir);
	snprintf(ro, sizeof(ro), "%s/ro.img", dir);
	snprintf(ln, sizeof(ln), "%s/link.img", dir);
	write_file(rw);
	write_file(ro);
	ck_assert_int_eq(symlink(rw, ln), 0);
	snprintf(text, sizeof(text),
		 "[vm]\nname = t\nmemory = 1G\nfirmware = bios\n"
		 "[disk a]\npath = %s\n"
		 "[disk b]\npath = %s\nreadonly = yes\ninterface = virtio\n"
		 "[disk c]\npath = %s\n"
		 "[disk d]\npath = %s\n",
		 rw, ro, dir, ln);
	p = load_ok(text);
	check_ctx_init(&ctx);
	ctx.current = index_of("disk");
	resource_disk.check(p, &ctx, &f);
	ck_assert_uint_eq(f.n, 4);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	ck_assert_int_eq(f.items[1].level, FINDING_PASS);
	ck_assert_int_eq(f.items[2].level, FINDING_FAIL); /* a directory */
	ck_assert_int_eq(f.items[3].level, FINDING_FAIL); /* a symlink */

	ck_assert_int_eq(resources_grants(p, &ctx, NULL, &g), 0);
	ck_assert_uint_eq(g.n, 2);
	gr = grants_find(&g, rw);
	ck_assert_ptr_nonnull(gr);
	ck_assert_int_eq(gr->access, GRANT_RW);
	ck_assert_int_eq(stat(rw, &st), 0);
	ck_assert_int_eq(fstat(gr->fd, &gst), 0);
	ck_assert(st.st_ino == gst.st_ino && st.st_dev == gst.st_dev);
	gr = grants_find(&g, ro);
	ck_assert_ptr_nonnull(gr);
	ck_assert_int_eq(gr->access, GRANT_RO);
	ck_assert_ptr_null(grants_find(&g, dir));
	ck_assert_ptr_null(grants_find(&g, ln));

	/* The grant holds the checked object: replacing the file at its
	 * path afterwards does not change what the box would get. */
	ck_assert_int_eq(unlink(rw), 0);
	write_file(rw);
	gr = grants_find(&g, rw);
	ck_assert_int_eq(fstat(gr->fd, &gst), 0);
	ck_assert(st.st_ino == gst.st_ino);

	grants_clear(&g);
	findings_clear(&f);
	check_ctx_clear(&ctx);
	unlink(rw);
	unlink(ro);
	unlink(ln);
	rmdir(dir);
}
END_TEST

/* What a resource without a check grants comes from the profile and the
 * prepare stage only: the runtime dir once it exists, nothing of the sort
 * for `check` (paths NULL). A tap is a descriptor the launcher opens: no
 * /dev/net/tun for mode = tap. */
START_TEST(grants_without_check)
{
	static const char text[] = "[vm]\nname = t\nmemory = 1G\nfirmware = bios\n"
				   "[network]\nmode = tap\ntap = tap0\n";
	_cleanup_profile_ struct profile *p = NULL;
	struct check_ctx ctx;
	struct grants g = { 0 };

	p = load_ok(text);
	check_ctx_init(&ctx);
	ck_assert_int_eq(resources_grants(p, &ctx, NULL, &g), 0);
	ck_assert_uint_eq(g.n, 0);
	grants_clear(&g);
	check_ctx_clear(&ctx);
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
	tcase_add_test(tc, disk_grants_from_check);
	tcase_add_test(tc, grants_without_check);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
