// SPDX-License-Identifier: GPL-2.0-or-later
/* evdev.c: what is and is not an evdev node the user can open. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/uinput.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "evdev.h"
#include "findings.h"
#include "profile.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vl-evdev.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

static struct check_ctx ctx_new(void)
{
	return (struct check_ctx){ .sysfs = "/sys", .devfs = "/dev", .procfs = "/proc" };
}

static void ctx_free(struct check_ctx *ctx)
{
	check_ctx_clear_kept(ctx);
}

/* evdev_check on one item; its finding must be a FAIL with msg and fix. */
static void expect_fail(struct evdev_item it, const char *msg, const char *fix)
{
	struct profile p = { .file = "/t/vm.conf", .evdev = &it, .n_evdev = 1 };
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	char res[PATH_MAX + 8];

	evdev_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n, 1);
	snprintf(res, sizeof(res), "evdev %s", it.path);
	ck_assert_str_eq(f.items[0].resource, res);
	ck_assert_int_eq(f.items[0].level, FINDING_FAIL);
	ck_assert_str_eq(f.items[0].message, msg);
	ck_assert_str_eq(f.items[0].fix, fix);
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 0);
	findings_clear(&f);
	ctx_free(&ctx);
}

static const char fix_node[] = "use a /dev/input/eventN node or its /dev/input/by-id/*-event-* link";

START_TEST(test_missing)
{
	char path[128], msg[256];
	snprintf(path, sizeof(path), "%s/event-missing", dir);
	snprintf(msg, sizeof(msg), "%s does not exist", path);
	expect_fail((struct evdev_item){ .path = path, .line = 2 }, msg,
		    "plug the device in, or list the devices: ls -l /dev/input/by-id/ and fix [input] evdev =");
	ck_assert_int_eq(evdev_probe(path, NULL, NULL), -ENOENT);
}
END_TEST

START_TEST(test_regular_file)
{
	char path[128], msg[256];
	snprintf(path, sizeof(path), "%s/event0", dir);
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(msg, sizeof(msg), "%s is not a character device", path);
	expect_fail((struct evdev_item){ .path = path, .line = 2 }, msg, fix_node);
}
END_TEST

START_TEST(test_dev_null)
{
	expect_fail((struct evdev_item){ .path = "/dev/null", .line = 2 },
		    "/dev/null is not an evdev node (character device major 1, evdev is 13)", fix_node);
	unsigned maj = 0;
	ck_assert_int_eq(evdev_probe("/dev/null", NULL, &maj), -EMEDIUMTYPE);
	ck_assert_uint_eq(maj, 1);
}
END_TEST

/* A link to /dev/null (as /dev/input/by-id names are links): followed,
 * and still refused. */
START_TEST(test_link_to_non_evdev)
{
	char path[128], msg[256];
	snprintf(path, sizeof(path), "%s/usb-kbd-event-kbd", dir);
	ck_assert_int_eq(symlink("/dev/null", path), 0);
	snprintf(msg, sizeof(msg), "%s is not an evdev node (character device major 1, evdev is 13)", path);
	expect_fail((struct evdev_item){ .path = path, .line = 2 }, msg, fix_node);
}
END_TEST

START_TEST(test_bad_grab_toggle)
{
	expect_fail((struct evdev_item){ .path = "/dev/null", .grab_toggle = "ctrl-alt", .line = 9 },
		    "/t/vm.conf:9: grab-toggle=ctrl-alt is not a key combination QEMU knows",
		    "use one of ctrl-ctrl, alt-alt, shift-shift, meta-meta, scrolllock, ctrl-scrolllock");
	static const char *const ok[] = { "ctrl-ctrl", "alt-alt", "shift-shift",
					  "meta-meta", "scrolllock", "ctrl-scrolllock" };
	ck_assert_uint_eq(ELEMENTSOF(ok), 6);
	for (size_t i = 0; i < ELEMENTSOF(ok); i++)
		ck_assert(evdev_grab_toggle_valid(ok[i]));
	ck_assert(!evdev_grab_toggle_valid("Ctrl-Ctrl"));
	ck_assert(!evdev_grab_toggle_valid(""));
}
END_TEST

/* Root only: a node with evdev's major that the user may not open (the
 * usual /dev/input/eventN mode 0660 root:input), probed as nobody. */
START_TEST(test_not_openable)
{
	char path[128], msg[256];
	snprintf(path, sizeof(path), "%s/event99", dir);
	ck_assert_int_eq(mknod(path, S_IFCHR | 0660, makedev(EVDEV_MAJOR, 99)), 0);
	snprintf(msg, sizeof(msg),
		 "%s cannot be opened read-write by you (QEMU's input-linux opens it O_RDWR)", path);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(2);
		struct evdev_item it = { .path = path, .line = 2 };
		struct profile p = { .file = "/t/vm.conf", .evdev = &it, .n_evdev = 1 };
		struct check_ctx ctx = ctx_new();
		struct findings f = { 0 };
		evdev_check(&p, &ctx, &f);
		if (f.n != 1 || f.items[0].level != FINDING_FAIL)
			_exit(3);
		if (strcmp(f.items[0].message, msg) != 0) {
			fprintf(stderr, "got: %s\n", f.items[0].message);
			_exit(4);
		}
		if (strcmp(f.items[0].fix, "add yourself to the group owning it (usermod -aG input $USER, then log in again), "
					   "or a udev rule giving your seat access: TAG+=\"uaccess\"") != 0)
			_exit(5);
		_exit(check_ctx_n_kept(&ctx) == 0 ? 0 : 6);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
}
END_TEST

/* Root only: a node with evdev's major and no device behind it (minor 99
 * unused): the open fails, and the check says so. */
START_TEST(test_no_device_behind)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/event98", dir);
	ck_assert_int_eq(mknod(path, S_IFCHR | 0600, makedev(EVDEV_MAJOR, 98)), 0);
	int r = evdev_probe(path, NULL, NULL);
	ck_assert_msg(r == -ENODEV || r == -ENXIO, "r=%d", r);
}
END_TEST

/* Root with /dev/uinput: a real evdev device, the positive case. */
START_TEST(test_uinput_device)
{
	int ufd = open("/dev/uinput", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	ck_assert_int_ge(ufd, 0);
	ck_assert_int_eq(ioctl(ufd, UI_SET_EVBIT, EV_KEY), 0);
	ck_assert_int_eq(ioctl(ufd, UI_SET_KEYBIT, KEY_A), 0);
	struct uinput_setup us = { .id = { .bustype = BUS_USB, .vendor = 0x1234, .product = 0x5678 } };
	snprintf(us.name, sizeof(us.name), "vfio-launch test kbd");
	ck_assert_int_eq(ioctl(ufd, UI_DEV_SETUP, &us), 0);
	ck_assert_int_eq(ioctl(ufd, UI_DEV_CREATE), 0);
	char sysname[64], path[128];
	ck_assert_int_eq(ioctl(ufd, UI_GET_SYSNAME(sizeof(sysname)), sysname), 0);
	/* the event node: /sys/devices/virtual/input/inputN/eventM */
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "ls /sys/devices/virtual/input/%s | grep ^event", sysname);
	FILE *pf = popen(cmd, "r");
	ck_assert_ptr_nonnull(pf);
	char ev[32] = "";
	ck_assert_ptr_nonnull(fgets(ev, sizeof(ev), pf));
	pclose(pf);
	ev[strcspn(ev, "\n")] = '\0';
	snprintf(path, sizeof(path), "/dev/input/%s", ev);
	for (int i = 0; i < 50 && access(path, F_OK) < 0; i++)
		usleep(20000);
	struct evdev_item it = { .path = path, .grab_all = true, .repeat = true, .line = 2 };
	struct profile p = { .file = "/t/vm.conf", .evdev = &it, .n_evdev = 1 };
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	evdev_check(&p, &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	ck_assert_msg(strstr(f.items[0].message, "evdev node, driver version 1.0.1, read-write, grab_all, repeat"),
		      "%s", f.items[0].message);
	ck_assert_int_eq(check_ctx_kept(&ctx, path)->access, GRANT_RW);
	ioctl(ufd, UI_DEV_DESTROY);
	close(ufd);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("evdev");
	TCase *tc = tcase_create("evdev");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_regular_file);
	tcase_add_test(tc, test_dev_null);
	tcase_add_test(tc, test_link_to_non_evdev);
	tcase_add_test(tc, test_bad_grab_toggle);
	suite_add_tcase(s, tc);
	if (geteuid() == 0) {
		TCase *root = tcase_create("root");
		tcase_add_checked_fixture(root, setup, teardown);
		tcase_add_test(root, test_not_openable);
		tcase_add_test(root, test_no_device_behind);
		suite_add_tcase(s, root);
		if (access("/dev/uinput", W_OK) == 0) {
			TCase *u = tcase_create("uinput");
			tcase_add_test(u, test_uinput_device);
			suite_add_tcase(s, u);
		} else {
			printf("note: no /dev/uinput, the positive case with a real evdev device is not run\n");
		}
	} else {
		printf("note: not root, the mknod cases and the uinput case are not run\n");
	}
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
