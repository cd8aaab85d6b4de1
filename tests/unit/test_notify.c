// SPDX-License-Identifier: GPL-2.0-or-later
/* notify.c: sd_notify(3)'s datagram without libsystemd, received the way
 * systemd's manager receives it (a SOCK_DGRAM socket at $NOTIFY_SOCKET,
 * a path or an abstract name). Fork mode: each test sets its own
 * environment. */
#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "supervisor.h"

/* A datagram socket bound at name ('@' first: abstract); returns its fd. */
static int listen_dgram(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa,
			      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
					  (name[0] != '@'))), 0);
	return fd;
}

static void expect_datagram(int fd, const char *want)
{
	char buf[512];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	ck_assert_int_eq(n, (ssize_t)strlen(want));
	buf[n] = '\0';
	ck_assert_str_eq(buf, want);
}

START_TEST(test_notify_path)
{
	char dir[] = "/tmp/vl-notify.XXXXXX", path[64];
	_cleanup_close_ int fd = -1;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notify", dir);
	fd = listen_dgram(path);
	setenv("NOTIFY_SOCKET", path, 1);
	ck_assert_int_eq(supervisor_notify("READY=1\nSTATUS=VM x running"), 1);
	expect_datagram(fd, "READY=1\nSTATUS=VM x running");
	/* Sent by libsystemd's sd_notify (Debian's libsystemd0 is there),
	 * loaded for it and kept: RTLD_NOLOAD finds it. */
	void *h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_NOLOAD);
	ck_assert_msg(h != NULL, "libsystemd.so.0 was not loaded by supervisor_notify");
	dlclose(h);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(test_notify_abstract)
{
	char name[64];
	_cleanup_close_ int fd = -1;

	snprintf(name, sizeof(name), "@vl-notify-test-%d", (int)getpid());
	fd = listen_dgram(name);
	setenv("NOTIFY_SOCKET", name, 1);
	ck_assert_int_eq(supervisor_notify("READY=1"), 1);
	expect_datagram(fd, "READY=1");
}
END_TEST

START_TEST(test_notify_none_or_bad)
{
	unsetenv("NOTIFY_SOCKET");
	ck_assert_int_eq(supervisor_notify("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "", 1);
	ck_assert_int_eq(supervisor_notify("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "vsock:2:1234", 1);
	ck_assert_int_eq(supervisor_notify("READY=1"), -EAFNOSUPPORT);
	setenv("NOTIFY_SOCKET", "@", 1);
	ck_assert_int_eq(supervisor_notify("READY=1"), -EINVAL);
	/* Nobody listening: the error is returned, not hidden. */
	setenv("NOTIFY_SOCKET", "/nonexistent/vl-notify", 1);
	ck_assert_int_eq(supervisor_notify("READY=1"), -ENOENT);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_notify_path);
	tcase_add_test(tc, test_notify_abstract);
	tcase_add_test(tc, test_notify_none_or_bad);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
