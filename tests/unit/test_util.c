// SPDX-License-Identifier: GPL-2.0-or-later
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include "cleanup.h"
#include "ivshmem.h"
#include "util.h"

START_TEST(test_parse_u64)
{
	uint64_t v = 0;
	ck_assert_int_eq(parse_u64("42", 0, 100, &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(parse_u64("101", 0, 100, &v), -ERANGE);
	ck_assert_int_eq(parse_u64("-1", 0, 100, &v), -EINVAL);
	ck_assert_int_eq(parse_u64(" 1", 0, 100, &v), -EINVAL);
	ck_assert_int_eq(parse_u64("1x", 0, 100, &v), -EINVAL);
	ck_assert_int_eq(parse_u64("", 0, 100, &v), -EINVAL);
	ck_assert_int_eq(parse_u64("18446744073709551616", 0, UINT64_MAX, &v), -ERANGE);
	ck_assert_int_eq(parse_u64("18446744073709551615", 0, UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
}
END_TEST

static const struct {
	const char *in;
	int r;
	uint64_t bytes;
} size_cases[] = {
	{ "4096", 0, 4096 },
	{ "16G", 0, 16ULL << 30 },
	{ "16g", 0, 16ULL << 30 },
	{ "16GiB", 0, 16ULL << 30 },
	{ "16GB", 0, 16ULL << 30 },
	{ "512M", 0, 512ULL << 20 },
	{ "64K", 0, 64ULL << 10 },
	{ "1T", 0, 1ULL << 40 },
	{ "100B", 0, 100 },
	{ "G", -EINVAL, 0 },
	{ "1.5G", -EINVAL, 0 },
	{ "16X", -EINVAL, 0 },
	{ "16Gx", -EINVAL, 0 },
	{ "16iB", -EINVAL, 0 },
	{ "-1G", -EINVAL, 0 },
	{ "99999999999T", -ERANGE, 0 },
};

START_TEST(test_parse_size)
{
	ck_assert_uint_eq(ELEMENTSOF(size_cases), 16);
	for (size_t i = 0; i < ELEMENTSOF(size_cases); i++) {
		uint64_t v = 0;
		int r = parse_size(size_cases[i].in, 0, UINT64_MAX, &v);
		ck_assert_msg(r == size_cases[i].r, "%s: r=%d", size_cases[i].in, r);
		if (r == 0)
			ck_assert_uint_eq(v, size_cases[i].bytes);
	}
}
END_TEST

START_TEST(test_parse_bool)
{
	bool b = false;
	ck_assert_int_eq(parse_bool("Yes", &b), 0);
	ck_assert(b);
	ck_assert_int_eq(parse_bool("off", &b), 0);
	ck_assert(!b);
	ck_assert_int_eq(parse_bool("maybe", &b), -EINVAL);
}
END_TEST

START_TEST(test_format_size)
{
	char buf[32];
	format_size(16ULL << 30, buf, sizeof(buf));
	ck_assert_str_eq(buf, "16G");
	format_size(1536ULL << 20, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1536M");
	format_size(1000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1000");
}
END_TEST

START_TEST(test_strv)
{
	struct strv sv = { 0 };
	ck_assert_int_eq(strv_push(&sv, "a"), 0);
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(strv_pushf(&sv, "x%d", i), 0);
	ck_assert_uint_eq(sv.n, 101);
	ck_assert_str_eq(sv.v[0], "a");
	ck_assert_str_eq(sv.v[100], "x99");
	ck_assert_ptr_null(sv.v[101]);
	strv_clear(&sv);
	ck_assert_ptr_null(sv.v);
}
END_TEST

START_TEST(test_edit_distance)
{
	ck_assert_uint_eq(edit_distance("memory", "memroy"), 2);
	ck_assert_uint_eq(edit_distance("memory", "Memory"), 0);
	ck_assert_uint_eq(edit_distance("cpus", "cpu"), 1);
	ck_assert_uint_eq(edit_distance("", "abc"), 3);
}
END_TEST

/* Looking Glass docs, "Determining memory": the three documented sizes. */
START_TEST(test_lg_size)
{
	uint64_t v = 0;
	ck_assert_int_eq(lg_size_from_resolution(1920, 1080, &v), 0);
	ck_assert_uint_eq(v, 32ULL << 20);
	ck_assert_int_eq(lg_size_from_resolution(2560, 1440, &v), 0);
	ck_assert_uint_eq(v, 64ULL << 20);
	ck_assert_int_eq(lg_size_from_resolution(3840, 2160, &v), 0);
	ck_assert_uint_eq(v, 128ULL << 20);
	ck_assert_int_eq(lg_size_from_resolution(0, 1080, &v), -ERANGE);
}
END_TEST

START_TEST(test_buf_appendf)
{
	char buf[12] = "";

	buf_appendf(buf, sizeof(buf), "%s%s", buf[0] ? "; " : "", "ab");
	buf_appendf(buf, sizeof(buf), "%s%s", buf[0] ? "; " : "", "cd");
	ck_assert_str_eq(buf, "ab; cd");
	buf_appendf(buf, sizeof(buf), "%s", "efghijkl"); /* cut to fit */
	ck_assert_str_eq(buf, "ab; cdefghi");
	buf_appendf(buf, sizeof(buf), "%s", "x"); /* full: unchanged */
	ck_assert_str_eq(buf, "ab; cdefghi");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_parse_u64);
	tcase_add_test(tc, test_parse_size);
	tcase_add_test(tc, test_parse_bool);
	tcase_add_test(tc, test_format_size);
	tcase_add_test(tc, test_strv);
	tcase_add_test(tc, test_edit_distance);
	tcase_add_test(tc, test_lg_size);
	tcase_add_test(tc, test_buf_appendf);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
