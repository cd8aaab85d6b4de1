// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * usb.c against a umockdev testbed: libudev (and opens of /dev) see the
 * fake devices. The binary re-executes itself under umockdev-wrapper
 * (LD_PRELOAD of libumockdev-preload) when it is not already in it.
 */
#include <check.h>
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <umockdev.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "findings.h"
#include "profile.h"
#include "render.h"
#include "usb.h"

static UMockdevTestbed *tb;

/* Adds a USB device named sysname (e.g. "1-4.2") under parent (a syspath
 * or NULL) with its /dev/bus/usb node; class "09" makes it a hub. */
static char *add_usb(const char *sysname, const char *parent, unsigned bus,
		     unsigned dev, const char *vid, const char *pid,
		     const char *cls, const char *product)
{
	char busnum[8], devnum[8], devname[64], devno[16];
	snprintf(busnum, sizeof(busnum), "%u", bus);
	snprintf(devnum, sizeof(devnum), "%u", dev);
	snprintf(devname, sizeof(devname), "/dev/bus/usb/%03u/%03u", bus, dev);
	snprintf(devno, sizeof(devno), "189:%u", (bus - 1) * 128 + dev - 1);
	char *syspath = umockdev_testbed_add_device(
		tb, "usb", sysname, parent,
		/* attributes */
		"busnum", busnum, "devnum", devnum, "idVendor", vid,
		"idProduct", pid, "bDeviceClass", cls, "product", product,
		"manufacturer", "ACME", "dev", devno, NULL,
		/* properties */
		"DEVTYPE", "usb_device", "DEVNAME", devname, "BUSNUM", busnum,
		"DEVNUM", devnum, NULL);
	ck_assert_ptr_nonnull(syspath);
	/* umockdev 0.17's add_device records the node's major:minor but
	 * creates no file; the preload redirects opens of /dev/... to the
	 * testbed's dev/ tree, so create the node there (a plain file: the
	 * open is what the check exercises). */
	char *root = umockdev_testbed_get_root_dir(tb);
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "mkdir -p '%s/dev/bus/usb/%03u'", root, bus);
	ck_assert_int_eq(system(path), 0);
	snprintf(path, sizeof(path), "%s%s", root, devname);
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0664);
	ck_assert_int_ge(fd, 0);
	close(fd);
	g_free(root);
	return syspath;
}

/* The testbed. Bus 1: root hub usb1; 1-4 a hub, 1-4.2 a receiver behind it, 1-5 a
 * keyboard. Bus 2: root hub usb2; 2-1 a second receiver. */
static void setup(void)
{
	tb = umockdev_testbed_new();
	ck_assert_ptr_nonnull(tb);
	char *root1 = umockdev_testbed_add_device(tb, "usb", "usb1", NULL, "busnum", "1",
						  "devnum", "1", "idVendor", "1d6b", "idProduct",
						  "0002", "bDeviceClass", "09", NULL, "DEVTYPE",
						  "usb_device", NULL);
	char *hub14 = add_usb("1-4", root1, 1, 3, "05e3", "0610", "09", "USB2.0 Hub");
	g_free(add_usb("1-4.2", hub14, 1, 5, "046d", "c52b", "00", "Unifying Receiver"));
	g_free(add_usb("1-5", root1, 1, 4, "04d9", "0169", "00", "Keyboard"));
	char *root2 = umockdev_testbed_add_device(tb, "usb", "usb2", NULL, "busnum",
						  "2", "devnum", "1", "idVendor", "1d6b",
						  "idProduct", "0003", "bDeviceClass", "09",
						  NULL, "DEVTYPE", "usb_device", NULL);
	g_free(add_usb("2-1", root2, 2, 2, "046d", "c534", "00", "Nano Receiver"));
	g_free(add_usb("1-10", root1, 1, 9, "0bda", "8153", "00", "Ethernet"));
	g_free(root1);
	g_free(hub14);
	g_free(root2);
}

static void teardown(void)
{
	g_object_unref(tb);
	tb = NULL;
}

static struct check_ctx ctx_new(void)
{
	return (struct check_ctx){ .sysfs = "/sys", .devfs = "/dev", .procfs = "/proc" };
}

static void ctx_free(struct check_ctx *ctx)
{
	check_ctx_clear_kept(ctx);
	free(ctx->usb);
}

static struct usb_item port_item(unsigned bus, const char *port)
{
	struct usb_item it = { .hostbus = bus, .line = 3 };
	snprintf(it.hostport, sizeof(it.hostport), "%s", port);
	return it;
}

static struct usb_item id_item(uint16_t vid, uint16_t pid)
{
	return (struct usb_item){ .by_id = true, .vendor_id = vid, .product_id = pid, .line = 4 };
}

/* Runs usb_check on one item; the single finding is returned in *f. */
static void run_one(struct usb_item it, struct check_ctx *ctx, struct findings *f)
{
	struct profile p = { .file = "/t/vm.conf", .usb = &it, .n_usb = 1 };
	usb_check(&p, ctx, f);
	ck_assert_uint_eq(f->n, 1);
}

#define assert_has(hay, needle)                                                \
	ck_assert_msg((hay) && strstr((hay), (needle)), "'%s' not in '%s'", (needle), \
		      (hay) ? (hay) : "(null)")

START_TEST(test_port_present)
{
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	run_one(port_item(1, "5"), &ctx, &f);
	ck_assert_msg(f.items[0].level == FINDING_PASS, "%s", f.items[0].message);
	ck_assert_str_eq(f.items[0].resource, "usb port 1-5");
	ck_assert_str_eq(f.items[0].message,
			 "04d9:0169 ACME Keyboard at port 1-5, /dev/bus/usb/001/004 read-write");
	ck_assert_ptr_nonnull(check_ctx_kept(&ctx, "/dev/bus/usb/001/004"));
	ck_assert(ctx.usb[0].resolved);
	ck_assert_uint_eq(ctx.usb[0].hostbus, 1);
	ck_assert_str_eq(ctx.usb[0].hostport, "5");
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_port_behind_hub)
{
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	run_one(port_item(1, "4.2"), &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	ck_assert_str_eq(f.items[0].message,
			 "046d:c52b ACME Unifying Receiver at port 1-4.2, /dev/bus/usb/001/005 read-write");
	ck_assert_str_eq(ctx.usb[0].hostport, "4.2");
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_hub_refused)
{
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	run_one(port_item(1, "4"), &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_FAIL);
	ck_assert_str_eq(f.items[0].message,
			 "port 1-4 holds a USB hub (05e3:0610 ACME USB2.0 Hub); hubs are not passed through");
	ck_assert_str_eq(f.items[0].fix,
			 "pass the devices behind the hub by their own ports or IDs ('vfio-launch usb' lists them)");
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 0);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_port_empty)
{
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	run_one(port_item(1, "3"), &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_WARN);
	ck_assert_str_eq(f.items[0].message,
			 "nothing is plugged into port 1-3: QEMU gets no device there");
	ck_assert_str_eq(f.items[0].fix, "plug the device in before starting the VM (the box gives "
			 "QEMU only the devices present when it starts)");
	/* an empty port grants nothing: not the bus directory */
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 0);
	/* rendered by its port anyway */
	ck_assert(ctx.usb[0].resolved);
	ck_assert_str_eq(ctx.usb[0].hostport, "3");
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_bus_missing)
{
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	run_one(port_item(7, "1"), &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_FAIL);
	ck_assert_str_eq(f.items[0].message, "there is no USB bus 7 on this host");
	ck_assert_str_eq(f.items[0].fix, "use a port on an existing bus ('vfio-launch usb' lists them)");
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_id_resolved)
{
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	run_one(id_item(0x046d, 0xc534), &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	ck_assert_str_eq(f.items[0].resource, "usb 046d:c534");
	ck_assert_str_eq(f.items[0].message,
			 "046d:c534 ACME Nano Receiver at port 2-1, /dev/bus/usb/002/002 read-write");
	ck_assert(ctx.usb[0].resolved);
	ck_assert_uint_eq(ctx.usb[0].hostbus, 2);
	ck_assert_str_eq(ctx.usb[0].hostport, "1");
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_id_behind_hub)
{
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	run_one(id_item(0x046d, 0xc52b), &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	ck_assert_uint_eq(ctx.usb[0].hostbus, 1);
	ck_assert_str_eq(ctx.usb[0].hostport, "4.2");
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_id_twice)
{
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	/* a second identical receiver on bus 2 */
	g_free(add_usb("2-2", NULL, 2, 3, "046d", "c52b", "00", "Unifying Receiver"));
	run_one(id_item(0x046d, 0xc52b), &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_FAIL);
	assert_has(f.items[0].message, "2 USB devices 046d:c52b are plugged in, at ports ");
	assert_has(f.items[0].message, "1-4.2");
	assert_has(f.items[0].message, "2-2");
	assert_has(f.items[0].fix, "name the port instead of the ID: [usb] port = ");
	ck_assert(!ctx.usb[0].resolved);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_id_absent)
{
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	run_one(id_item(0x1234, 0x5678), &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_FAIL);
	ck_assert_str_eq(f.items[0].message, "no USB device 1234:5678 is plugged in");
	ck_assert_str_eq(f.items[0].fix,
			 "plug it in, or name its port instead: [usb] port = BUS-PORT ('vfio-launch usb' lists them)");
	ck_assert(!ctx.usb[0].resolved);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

/* A node the user cannot open: umockdev's /dev is redirected, and root
 * would open anything, so the node is a mode-0000 file in a devfs of our
 * own, opened by a child that runs as nobody when we are root. */
START_TEST(test_node_not_writable)
{
	char devfs[] = "/tmp/vl-usb-dev.XXXXXX";
	char node[PATH_MAX];
	int pfd[2];

	ck_assert_ptr_nonnull(mkdtemp(devfs));
	ck_assert_int_eq(chmod(devfs, 0755), 0);
	snprintf(node, sizeof(node), "%s/bus", devfs);
	ck_assert_int_eq(mkdir(node, 0755), 0);
	snprintf(node, sizeof(node), "%s/bus/usb", devfs);
	ck_assert_int_eq(mkdir(node, 0755), 0);
	snprintf(node, sizeof(node), "%s/bus/usb/001", devfs);
	ck_assert_int_eq(mkdir(node, 0755), 0);
	snprintf(node, sizeof(node), "%s/bus/usb/001/004", devfs);
	int fd = open(node, O_CREAT | O_WRONLY | O_CLOEXEC, 0000);
	ck_assert_int_ge(fd, 0);
	close(fd);
	/* the testbed must be readable by the unprivileged child */
	char *root = umockdev_testbed_get_root_dir(tb);
	ck_assert_int_eq(chmod(root, 0755), 0);
	g_free(root);

	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct check_ctx ctx = ctx_new();
		struct findings f = { 0 };
		struct usb_item it = port_item(1, "5");
		struct profile p = { .file = "/t/vm.conf", .usb = &it, .n_usb = 1 };
		if (geteuid() == 0 && (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
				       setresuid(65534, 65534, 65534) < 0))
			_exit(2);
		ctx.devfs = devfs;
		usb_check(&p, &ctx, &f);
		if (f.n != 1)
			_exit(3);
		dprintf(pfd[1], "%d\n%s\n%s\n%zu\n", f.items[0].level, f.items[0].message,
			f.items[0].fix ? f.items[0].fix : "", check_ctx_n_kept(&ctx));
		_exit(0);
	}
	close(pfd[1]);
	char buf[4096] = "";
	size_t got = 0;
	ssize_t k;
	while ((k = read(pfd[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)k;
	close(pfd[0]);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	char want[4096];
	snprintf(want, sizeof(want),
		 "%d\n%s/bus/usb/001/004 (04d9:0169 ACME Keyboard at port 1-5) cannot be opened read-write by you: Permission denied\n"
		 "allow your seat to use it: echo 'SUBSYSTEM==\"usb\", ATTR{idVendor}==\"04d9\", ATTR{idProduct}==\"0169\", "
		 "TAG+=\"uaccess\"' > /etc/udev/rules.d/70-vfio-launch-usb.rules; udevadm control --reload; udevadm trigger\n0\n",
		 FINDING_FAIL, devfs);
	ck_assert_str_eq(buf, want);
	unlink(node);
	snprintf(node, sizeof(node), "rm -rf '%s'", devfs);
	ck_assert_int_eq(system(node), 0);
}
END_TEST

START_TEST(test_several_items)
{
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	struct usb_item items[] = { port_item(1, "5"), id_item(0x1234, 0x5678), port_item(1, "4") };
	struct profile p = { .file = "/t/vm.conf", .usb = items, .n_usb = 3 };
	usb_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n, 3);
	ck_assert_uint_eq(f.n_fail, 2);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	ck_assert_str_eq(f.items[1].resource, "usb 1234:5678");
	ck_assert_str_eq(f.items[2].resource, "usb port 1-4");
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_controller_only)
{
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	struct profile p = { .file = "/t/vm.conf", .usb_enabled = true };
	usb_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	ck_assert_str_eq(f.items[0].resource, "usb");
	ck_assert_str_eq(f.items[0].message,
			 "qemu-xhci controller, no host device (port = or device = passes one)");
	findings_clear(&f);
	/* no [usb] section: no line at all */
	p.usb_enabled = false;
	usb_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n, 0);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_list)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(usb_list(out, "/dev"), 0);
	fclose(out);
	const char *want =
		"PORT         ID         NODE                   NAME\n"
		"1-4          05e3:0610  /dev/bus/usb/001/003   ACME USB2.0 Hub [hub]\n"
		"1-4.2        046d:c52b  /dev/bus/usb/001/005   ACME Unifying Receiver\n"
		"1-5          04d9:0169  /dev/bus/usb/001/004   ACME Keyboard\n"
		"1-10         0bda:8153  /dev/bus/usb/001/009   ACME Ethernet\n"
		"2-1          046d:c534  /dev/bus/usb/002/002   ACME Nano Receiver\n";
	ck_assert_str_eq(buf, want);
	free(buf);
}
END_TEST

static const struct {
	const char *in;
	int r;
	unsigned bus;
	const char *port;
} sysnames[] = {
	{ "1-4", 0, 1, "4" },
	{ "1-4.2", 0, 1, "4.2" },
	{ "12-1.10.3", 0, 12, "1.10.3" },
	{ "usb1", -EINVAL, 0, NULL },
	{ "1-4.2:1.0", -EINVAL, 0, NULL },
	{ "1-", -EINVAL, 0, NULL },
	{ "-4", -EINVAL, 0, NULL },
	{ "1-4..2", -EINVAL, 0, NULL },
	{ "1-4.", -EINVAL, 0, NULL },
	{ "0-1", -EINVAL, 0, NULL },
	{ "256-1", -EINVAL, 0, NULL },
};

START_TEST(test_parse_sysname)
{
	ck_assert_uint_eq(ELEMENTSOF(sysnames), 11);
	for (size_t i = 0; i < ELEMENTSOF(sysnames); i++) {
		unsigned bus = 0;
		char port[32] = "";
		int r = usb_parse_sysname(sysnames[i].in, &bus, port, sizeof(port));
		ck_assert_msg(r == sysnames[i].r, "%s: %d", sysnames[i].in, r);
		if (r == 0) {
			ck_assert_uint_eq(bus, sysnames[i].bus);
			ck_assert_str_eq(port, sysnames[i].port);
		}
	}
}
END_TEST

int main(int argc, char **argv)
{
	(void)argc;
	/* umockdev_in_mock_environment() reports false under the wrapper
	 * in umockdev 0.17; look for the preload library itself. */
	const char *preload = getenv("LD_PRELOAD");
	if (!preload || !strstr(preload, "libumockdev-preload")) {
		char self[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n < 0) {
			perror("readlink /proc/self/exe");
			return 1;
		}
		self[n] = '\0';
#ifdef __SANITIZE_ADDRESS__
		/* make check SANITIZE=1: the umockdev preload comes before
		 * the ASan runtime, which ASan refuses by default. */
		setenv("ASAN_OPTIONS", "verify_asan_link_order=0", 1);
#endif
		execlp("umockdev-wrapper", "umockdev-wrapper", self, (char *)NULL);
		printf("SKIP: umockdev-wrapper not found (Debian package umockdev)\n");
		return 77;
	}
	(void)argv;
	Suite *s = suite_create("usb");
	TCase *tc = tcase_create("umockdev");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_port_present);
	tcase_add_test(tc, test_controller_only);
	tcase_add_test(tc, test_port_behind_hub);
	tcase_add_test(tc, test_hub_refused);
	tcase_add_test(tc, test_port_empty);
	tcase_add_test(tc, test_bus_missing);
	tcase_add_test(tc, test_id_resolved);
	tcase_add_test(tc, test_id_behind_hub);
	tcase_add_test(tc, test_id_twice);
	tcase_add_test(tc, test_id_absent);
	tcase_add_test(tc, test_node_not_writable);
	tcase_add_test(tc, test_several_items);
	tcase_add_test(tc, test_list);
	suite_add_tcase(s, tc);
	TCase *pure = tcase_create("pure");
	tcase_add_test(pure, test_parse_sysname);
	suite_add_tcase(s, pure);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
