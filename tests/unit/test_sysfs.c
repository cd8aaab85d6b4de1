// SPDX-License-Identifier: GPL-2.0-or-later
/* sysfs.c: attribute reads and directory streams below a dir fd, on a
 * temporary tree (mkdtemp) shaped like a sysfs device directory. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "sysfs.h"

static char root[64];
static int root_fd = -1;

static void put(const char *name, const char *text)
{
	int fd = openat(root_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/test_sysfs.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(root_fd, 0);
	put("dev", "8:1\n");
	put("long", "0123456789abcdef\n");
	ck_assert_int_eq(symlinkat("dev", root_fd, "link"), 0);
	ck_assert_int_eq(mkdirat(root_fd, "holders", 0755), 0);
	ck_assert_int_eq(mkdirat(root_fd, "holders/dm-0", 0755), 0);
	ck_assert_int_eq(symlinkat("holders", root_fd, "dirlink"), 0);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
	close(root_fd);
}

START_TEST(test_read_attr)
{
	char buf[16];

	ck_assert_int_eq(sysfs_read_attr(root_fd, "dev", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "8:1"); /* newline cut */
	/* longer than the buffer: truncated to len - 1 bytes */
	ck_assert_int_eq(sysfs_read_attr(root_fd, "long", buf, 8), 0);
	ck_assert_str_eq(buf, "0123456");
	ck_assert_int_eq(sysfs_read_attr(root_fd, "missing", buf, sizeof(buf)), -ENOENT);
	/* no link is followed */
	ck_assert_int_eq(sysfs_read_attr(root_fd, "link", buf, sizeof(buf)), -ELOOP);
}
END_TEST

START_TEST(test_opendir)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int n = 0;

	ck_assert_int_eq(sysfs_opendir(root_fd, "holders", O_NOFOLLOW, &d), 0);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			ck_assert_str_eq(de->d_name, "dm-0");
			n++;
		}
	ck_assert_int_eq(n, 1);
	/* dirfd() of the stream reaches the entries */
	struct stat st;
	ck_assert_int_eq(fstatat(dirfd(d), "dm-0", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert(S_ISDIR(st.st_mode));

	DIR *none = (DIR *)0x1;
	ck_assert_int_eq(sysfs_opendir(root_fd, "missing", 0, &none), -ENOENT);
	ck_assert_ptr_eq(none, (DIR *)0x1); /* untouched on error */
	ck_assert_int_eq(sysfs_opendir(root_fd, "dev", 0, &none), -ENOTDIR);
	/* a link is refused with O_NOFOLLOW (Linux 6.x says ENOTDIR when
	 * O_DIRECTORY is given too; open(2) documents ELOOP) */
	int r = sysfs_opendir(root_fd, "dirlink", O_NOFOLLOW, &none);
	ck_assert_msg(r == -ENOTDIR || r == -ELOOP, "r = %d", r);
	ck_assert_ptr_eq(none, (DIR *)0x1);
	/* without O_NOFOLLOW the link to a directory is followed */
	_cleanup_closedir_ DIR *via_link = NULL;
	ck_assert_int_eq(sysfs_opendir(root_fd, "dirlink", 0, &via_link), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sysfs");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_read_attr);
	tcase_add_test(tc, test_opendir);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
