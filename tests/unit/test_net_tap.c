// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net_tap.c and the network resource's check for mode = bridge and tap,
 * on a fake sysfs laid out as the kernel lays out /sys/class/net (links to
 * devices/virtual/net/NAME; the tun driver's tun_flags, owner and group;
 * master; a bridge's bridge/ directory). Uids are the test's own, so it
 * runs as root (CI) or not.
 */
#include "fake_tree.h"
#include "profile_test.h"

#include "check.h"
#include "findings.h"
#include "net_tap.h"
#include "resource.h"

static struct fake_tree t;

/* NAME in the fake sysfs: flags (IFF_UP 0x1), and for a tun device its
 * tun_flags, owner and group ("-" : not a tun device), master ("": none). */
static void iface(const char *name, const char *flags, const char *tun_flags, long long owner,
		  long long group, const char *master)
{
	char rel[256], target[256];

	snprintf(rel, sizeof(rel), "devices/virtual/net/%s/flags", name);
	fake_write(t.sys, rel, 0444, "%s\n", flags);
	snprintf(rel, sizeof(rel), "class/net/%s", name);
	snprintf(target, sizeof(target), "../../devices/virtual/net/%s", name);
	fake_link(t.sys, rel, target);
	if (strcmp(tun_flags, "-")) {
		snprintf(rel, sizeof(rel), "devices/virtual/net/%s/tun_flags", name);
		fake_write(t.sys, rel, 0444, "%s\n", tun_flags);
		snprintf(rel, sizeof(rel), "devices/virtual/net/%s/owner", name);
		fake_write(t.sys, rel, 0444, "%lld\n", owner);
		snprintf(rel, sizeof(rel), "devices/virtual/net/%s/group", name);
		fake_write(t.sys, rel, 0444, "%lld\n", group);
	}
	if (master[0]) {
		snprintf(rel, sizeof(rel), "devices/virtual/net/%s/master", name);
		snprintf(target, sizeof(target), "../%s", master);
		fake_link(t.sys, rel, target);
	}
}

static void bridge(const char *name)
{
	char rel[256];

	iface(name, "0x1003", "-", -1, -1, "");
	snprintf(rel, sizeof(rel), "%s/devices/virtual/net/%s/bridge", t.sys, name);
	fake_mkdir_p(rel);
}

static void setup(void)
{
	long long me = getuid(), other = (long long)getuid() + 1;

	fake_init(&t);
	fake_write(t.dev, "net/tun", 0666, "%s", "");
	bridge("br0");
	bridge("br1");
	iface("eth0", "0x1003", "-", -1, -1, "");
	/* IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_PERSIST, as the helper makes them */
	iface("vl-me-1", "0x1003", "0x5802", me, -1, "br0");
	iface("vl-me-0", "0x1003", "0x5802", me, -1, "br0");
	iface("a-other", "0x1003", "0x5802", other, -1, "br0");
	iface("tun0", "0x1003", "0x5801", me, -1, "");
	iface("down0", "0x1002", "0x5802", me, -1, "");
	iface("grp0", "0x1003", "0x5802", -1, 4242424, "");
	iface("any0", "0x1003", "0x5802", -1, -1, "");
}

static void teardown(void)
{
	fake_cleanup(&t);
}

START_TEST(test_read)
{
	struct net_tap_info i;

	ck_assert_int_eq(net_tap_read(t.sys, "vl-me-0", &i), 0);
	ck_assert(i.exists && i.tun && i.tap && i.up && !i.bridge);
	ck_assert_int_eq(i.owner, getuid());
	ck_assert_int_eq(i.group, -1);
	ck_assert_str_eq(i.master, "br0");
	ck_assert_int_eq(net_tap_read(t.sys, "br0", &i), 0);
	ck_assert(i.exists && i.bridge && !i.tun && !i.tap);
	ck_assert_int_eq(net_tap_read(t.sys, "tun0", &i), 0);
	ck_assert(i.tun && !i.tap);
	ck_assert_int_eq(net_tap_read(t.sys, "down0", &i), 0);
	ck_assert(i.tap && !i.up && !i.master[0]);
	ck_assert_int_eq(net_tap_read(t.sys, "missing0", &i), 0);
	ck_assert(!i.exists);
	ck_assert_int_eq(net_tap_read(t.sys, "../../etc", &i), -EINVAL);
	ck_assert_int_eq(net_tap_read(t.sys, "0123456789abcdef", &i), -EINVAL);
}
END_TEST

START_TEST(test_find_and_usable)
{
	char name[NET_TAP_NAME_SIZE];
	struct net_tap_info i;

	/* the first by name of the user's taps on br0; another's is skipped */
	ck_assert_int_eq(net_tap_find(t.sys, "br0", getuid(), name), 0);
	ck_assert_str_eq(name, "vl-me-0");
	ck_assert_int_eq(net_tap_find(t.sys, "br0", getuid() + 1, name), 0);
	ck_assert_str_eq(name, "a-other");
	ck_assert_int_eq(net_tap_find(t.sys, "br1", getuid(), name), -ENOENT);
	ck_assert_int_eq(net_tap_find(t.sys, "eth0", getuid(), name), -ENOENT);

	ck_assert_int_eq(net_tap_read(t.sys, "vl-me-0", &i), 0);
	ck_assert(net_tap_usable(&i));
	ck_assert_int_eq(net_tap_read(t.sys, "any0", &i), 0);
	ck_assert(net_tap_usable(&i)); /* no owner, no group: anyone (tun_not_capable) */
	ck_assert_int_eq(net_tap_read(t.sys, "a-other", &i), 0);
	ck_assert(!net_tap_usable(&i));
	ck_assert_int_eq(net_tap_read(t.sys, "grp0", &i), 0);
	ck_assert(!net_tap_usable(&i));
	ck_assert_int_eq(net_tap_read(t.sys, "tun0", &i), 0);
	ck_assert(!net_tap_usable(&i));
}
END_TEST

/* The network resource's check of one [network] section: the level and
 * a piece of the message (and of the fix) of its finding on the tap. */
static const struct {
	const char *net;
	enum finding_level level;
	const char *msg, *fix, *tap; /* tap: ctx.net_tap afterwards */
} checks[] = {
	{ "mode = bridge\nbridge = br0\n", FINDING_PASS, "mode = bridge: tap vl-me-0 on br0 is yours", NULL,
	  "vl-me-0" },
	{ "mode = bridge\nbridge = br1\n", FINDING_FAIL, "no tap of yours on bridge br1",
	  "run as root: vfio-privhelper tap ", "" },
	{ "mode = bridge\nbridge = eth0\n", FINDING_FAIL, "bridge eth0 is not a bridge", NULL, "" },
	{ "mode = bridge\nbridge = br9\n", FINDING_FAIL, "bridge br9 does not exist", NULL, "" },
	{ "mode = tap\ntap = vl-me-1\n", FINDING_PASS, "mode = tap: tap vl-me-1 on br0 is yours", NULL,
	  "vl-me-1" },
	{ "mode = tap\ntap = down0\n", FINDING_WARN, "tap down0 is down", "ip link set", "down0" },
	{ "mode = tap\ntap = tun0\n", FINDING_FAIL, "tap tun0 is not a tap", "ip tuntap add dev tun0", "" },
	{ "mode = tap\ntap = a-other\n", FINDING_FAIL, "tap a-other is not yours", NULL, "" },
	{ "mode = tap\ntap = gone0\n", FINDING_FAIL, "tap gone0 does not exist", NULL, "" },
};

START_TEST(test_check)
{
	char text[512];
	_cleanup_profile_ struct profile *p = NULL;
	struct findings f = { 0 };
	struct check_ctx ctx;

	ck_assert_uint_eq(sizeof(checks) / sizeof(checks[0]), 9);
	snprintf(text, sizeof(text), "[vm]\nname = t\nmemory = 1G\nfirmware = bios\n[network]\n%s",
		 checks[_i].net);
	p = load_ok(text);
	check_ctx_init(&ctx);
	ctx.sysfs = t.sys;
	ctx.devfs = t.dev;
	resource_network.check(p, &ctx, &f);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_int_eq(f.items[0].level, checks[_i].level);
	ck_assert_msg(strstr(f.items[0].message, checks[_i].msg), "got '%s'", f.items[0].message);
	if (checks[_i].fix)
		ck_assert_msg(f.items[0].fix && strstr(f.items[0].fix, checks[_i].fix), "fix '%s'",
			      f.items[0].fix ? f.items[0].fix : "(none)");
	ck_assert_str_eq(ctx.net_tap, checks[_i].tap);
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

/* Without /dev/net/tun the check says so (and still judges the tap). */
START_TEST(test_check_no_tun)
{
	_cleanup_profile_ struct profile *p = NULL;
	struct findings f = { 0 };
	struct check_ctx ctx;
	char tun[256];

	snprintf(tun, sizeof(tun), "%s/net/tun", t.dev);
	ck_assert_int_eq(unlink(tun), 0);
	p = load_ok("[vm]\nname = t\nmemory = 1G\nfirmware = bios\n[network]\nmode = bridge\nbridge = br0\n");
	check_ctx_init(&ctx);
	ctx.sysfs = t.sys;
	ctx.devfs = t.dev;
	resource_network.check(p, &ctx, &f);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_int_eq(f.items[0].level, FINDING_FAIL);
	ck_assert_msg(strstr(f.items[0].message, "net/tun cannot be opened"), "%s", f.items[0].message);
	ck_assert_int_eq(f.items[1].level, FINDING_PASS);
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("net_tap");
	TCase *tc = tcase_create("net_tap");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_read);
	tcase_add_test(tc, test_find_and_usable);
	tcase_add_loop_test(tc, test_check, 0, (int)(sizeof(checks) / sizeof(checks[0])));
	tcase_add_test(tc, test_check_no_tun);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
