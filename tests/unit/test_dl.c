// SPDX-License-Identifier: GPL-2.0-or-later
/* Libraries loaded where they are used (dl.h, udev_dl.h, json_dl.h): each
 * table entry is the library's own function of that name (this suite
 * links libudev and json-c, so dlopen finds the copies already mapped and
 * dlsym must give the very addresses the linker bound), the package
 * named in the messages, and a missing library or function. */
#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "json_dl.h"
#include "udev_dl.h"

/* Every pointer of a table (a struct of function pointers only) against
 * the linked functions in order: the list below is written out again by
 * hand, so a table entry bound to another function's name shows. */
static void assert_table(const void *table, size_t size, void (*const *linked)(void),
			 size_t n_linked)
{
	void (*const *p)(void) = table;

	ck_assert_uint_eq(size, n_linked * sizeof(*p));
	for (size_t i = 0; i < n_linked; i++) {
		ck_assert_msg(p[i] == linked[i], "table entry %zu is not the linked function", i);
	}
}

#define FN(f) ((void (*)(void))(f))

START_TEST(test_udev_table)
{
	static void (*const linked[])(void) = {
		FN(udev_new), FN(udev_unref), FN(udev_list_entry_get_next),
		FN(udev_list_entry_get_name), FN(udev_list_entry_get_value),
		FN(udev_device_new_from_syspath), FN(udev_device_new_from_subsystem_sysname),
		FN(udev_device_unref), FN(udev_device_get_devtype), FN(udev_device_get_sysname),
		FN(udev_device_get_property_value), FN(udev_device_get_sysattr_value),
		FN(udev_enumerate_new), FN(udev_enumerate_unref),
		FN(udev_enumerate_add_match_subsystem), FN(udev_enumerate_add_match_property),
		FN(udev_enumerate_add_match_sysattr), FN(udev_enumerate_scan_devices),
		FN(udev_enumerate_get_list_entry), FN(udev_hwdb_new), FN(udev_hwdb_unref),
		FN(udev_hwdb_get_properties_list_entry),
	};

	ck_assert_ptr_null(libudev.udev_new);
	ck_assert_int_eq(libudev_load(), 0);
	ck_assert_int_eq(libudev_load(), 0); /* once */
	assert_table(&libudev, sizeof(libudev), linked, sizeof(linked) / sizeof(linked[0]));
}
END_TEST

START_TEST(test_jsonc_table)
{
	static void (*const linked[])(void) = {
		FN(json_tokener_parse), FN(json_object_put), FN(json_object_get),
		FN(json_object_is_type), FN(json_object_to_json_string_ext),
		FN(json_object_deep_copy), FN(json_object_new_object), FN(json_object_new_array),
		FN(json_object_new_string), FN(json_object_new_int), FN(json_object_new_int64),
		FN(json_object_new_boolean), FN(json_object_object_add), FN(json_object_object_del),
		FN(json_object_object_get_ex), FN(json_object_array_add),
		FN(json_object_array_get_idx), FN(json_object_array_length),
		FN(json_object_get_string), FN(json_object_get_int), FN(json_object_get_int64),
		FN(json_object_get_boolean),
	};

	ck_assert_ptr_null(jsonc.json_object_put);
	ck_assert_int_eq(jsonc_load(), 0);
	assert_table(&jsonc, sizeof(jsonc), linked, sizeof(linked) / sizeof(linked[0]));
}
END_TEST

START_TEST(test_package)
{
	char buf[64];

	ck_assert_str_eq(dl_package("libudev.so.1", buf, sizeof(buf)), "libudev1");
	ck_assert_str_eq(dl_package("libjson-c.so.5", buf, sizeof(buf)), "libjson-c5");
	ck_assert_str_eq(dl_package("libpulse.so.0", buf, sizeof(buf)), "libpulse0");
	/* a name ending in a digit takes a hyphen (Debian Policy 8.1) */
	ck_assert_str_eq(dl_package("libfoo2.so.3", buf, sizeof(buf)), "libfoo2-3");
	ck_assert_str_eq(dl_package("libfoo.so", buf, sizeof(buf)), "");
}
END_TEST

START_TEST(test_missing)
{
	void (*fn)(void) = NULL, (*other)(void) = NULL;
	const struct dl_sym syms[] = { { "udev_new", (void **)&other },
				       { "udev_no_such_function", (void **)&fn } };
	char why[256];

	ck_assert_int_eq(dl_load("libvfio-launch-absent.so.7", syms, 1, why, sizeof(why)),
			 -ELIBACC);
	ck_assert_ptr_nonnull(strstr(why, "libvfio-launch-absent.so.7 (package "
					  "libvfio-launch-absent7) cannot be loaded: "));
	ck_assert_ptr_null(other);
	/* a library without one of the functions: none is left set */
	ck_assert_int_eq(dl_load("libudev.so.1", syms, 2, why, sizeof(why)), -ELIBACC);
	ck_assert_str_eq(why, "libudev.so.1 (package libudev1) lacks udev_no_such_function: "
			      "too old?");
	ck_assert_ptr_null(other);
	ck_assert_ptr_null(fn);
	/* the same two, present: both set */
	ck_assert_int_eq(dl_load("libudev.so.1", syms, 1, why, sizeof(why)), 0);
	ck_assert_ptr_eq(other, FN(udev_new));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dl");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_udev_table);
	tcase_add_test(tc, test_jsonc_table);
	tcase_add_test(tc, test_package);
	tcase_add_test(tc, test_missing);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
