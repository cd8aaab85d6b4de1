// SPDX-License-Identifier: GPL-2.0-or-later
/* paths.c: XDG directories, profile lookup, VM names. Fork mode: each
 * test sets its own environment. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "paths.h"
#include "profile.h"

static void clean_env(void)
{
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_STATE_HOME");
	unsetenv("XDG_RUNTIME_DIR");
	setenv("HOME", "/home/u", 1);
}

START_TEST(test_name_valid)
{
	static const struct {
		const char *name;
		bool ok;
	} cases[] = {
		{ "win10", true },       { "a", true },        { "Demo_1.2-x", true },
		{ "", false },           { ".", false },       { "..", false },
		{ "a/b", false },        { "a,b", false },     { "a b", false },
		{ "a=b", false },        { "ä", false },       { "..x", true },
	};
	char long_name[VM_NAME_MAX + 2];

	ck_assert_uint_eq(ELEMENTSOF(cases), 12);
	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		ck_assert_msg(vm_name_valid(cases[i].name) == cases[i].ok, "%s", cases[i].name);
	memset(long_name, 'x', VM_NAME_MAX);
	long_name[VM_NAME_MAX] = '\0';
	ck_assert(vm_name_valid(long_name));
	long_name[VM_NAME_MAX] = 'x';
	long_name[VM_NAME_MAX + 1] = '\0';
	ck_assert(!vm_name_valid(long_name));
	ck_assert(!vm_name_valid(NULL));
}
END_TEST

START_TEST(test_profile_dir_defaults)
{
	_cleanup_free_ char *d = NULL;

	clean_env();
	d = profile_dir();
	ck_assert_str_eq(d, "/home/u/.config/vfio-launch");
	free(d);
	setenv("XDG_CONFIG_HOME", "/cfg", 1);
	d = profile_dir();
	ck_assert_str_eq(d, "/cfg/vfio-launch");
	free(d);
	/* XDG: a relative value is invalid and ignored. */
	setenv("XDG_CONFIG_HOME", "rel/cfg", 1);
	d = profile_dir();
	ck_assert_str_eq(d, "/home/u/.config/vfio-launch");
	free(d);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	d = profile_dir();
	ck_assert_ptr_null(d);
}
END_TEST

START_TEST(test_resolve)
{
	char *path = NULL;

	clean_env();
	setenv("XDG_CONFIG_HOME", "/cfg", 1);
	ck_assert_int_eq(profile_resolve_path("win10", &path), 0);
	ck_assert_str_eq(path, "/cfg/vfio-launch/win10.conf");
	free(path);
	ck_assert_int_eq(profile_resolve_path("./win10", &path), 0);
	ck_assert_str_eq(path, "./win10");
	free(path);
	ck_assert_int_eq(profile_resolve_path("other.conf", &path), 0);
	ck_assert_str_eq(path, "other.conf");
	free(path);
	ck_assert_int_eq(profile_resolve_path("/abs/x.ini", &path), 0);
	ck_assert_str_eq(path, "/abs/x.ini");
	free(path);
	path = NULL;
	ck_assert_int_eq(profile_resolve_path("bad name", &path), -EINVAL);
	ck_assert_int_eq(profile_resolve_path("..", &path), -EINVAL);
	ck_assert_int_eq(profile_resolve_path("", &path), -EINVAL);
	ck_assert_ptr_null(path);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	ck_assert_int_eq(profile_resolve_path("win10", &path), -ENOENT);
}
END_TEST

START_TEST(test_vm_paths)
{
	struct profile p = { .name = "win10", .firmware = FIRMWARE_UEFI };
	struct vm_paths v = { 0 };

	clean_env();
	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	ck_assert_int_eq(vm_paths_init(&p, &v), 0);
	ck_assert_str_eq(v.runtime_dir, "/run/user/1000/vfio-launch/win10");
	ck_assert_str_eq(v.qmp_socket, "/run/user/1000/vfio-launch/win10/qmp.sock");
	ck_assert_str_eq(v.lock_file, "/run/user/1000/vfio-launch/win10/lock");
	ck_assert_str_eq(v.state_dir, "/home/u/.local/state/vfio-launch/win10");
	ck_assert_str_eq(v.ovmf_vars, "/home/u/.local/state/vfio-launch/win10/OVMF_VARS.fd");
	vm_paths_clear(&v);
	ck_assert_ptr_null(v.runtime_dir);

	setenv("XDG_STATE_HOME", "/st", 1);
	p.firmware = FIRMWARE_BIOS;
	ck_assert_int_eq(vm_paths_init(&p, &v), 0);
	ck_assert_str_eq(v.state_dir, "/st/vfio-launch/win10");
	ck_assert_ptr_null(v.ovmf_vars);
	vm_paths_clear(&v);
}
END_TEST

START_TEST(test_vm_paths_errors)
{
	struct profile p = { .name = "win10" };
	struct vm_paths v = { 0 };
	char longdir[200];

	clean_env();
	/* no runtime dir: no fallback to a shared /tmp */
	ck_assert_int_eq(vm_paths_init(&p, &v), -ENOENT);
	setenv("XDG_RUNTIME_DIR", "run/user/1000", 1);
	ck_assert_int_eq(vm_paths_init(&p, &v), -ENOENT);
	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	unsetenv("HOME");
	ck_assert_int_eq(vm_paths_init(&p, &v), -ENOENT);
	setenv("HOME", "/home/u", 1);
	p.name = "../x";
	ck_assert_int_eq(vm_paths_init(&p, &v), -EINVAL);
	p.name = "win10";
	/* sun_path is 108 bytes: 80 + "/vfio-launch/win10/qmp.sock" > 107 */
	memset(longdir, 'd', sizeof(longdir));
	longdir[0] = '/';
	longdir[81] = '\0';
	setenv("XDG_RUNTIME_DIR", longdir, 1);
	ck_assert_int_eq(vm_paths_init(&p, &v), -ENAMETOOLONG);
	ck_assert_ptr_null(v.runtime_dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("paths");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_name_valid);
	tcase_add_test(tc, test_profile_dir_defaults);
	tcase_add_test(tc, test_resolve);
	tcase_add_test(tc, test_vm_paths);
	tcase_add_test(tc, test_vm_paths_errors);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
