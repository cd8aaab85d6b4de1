// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * [network] forward = (profile_devices.c parse_forward, profile_rules.c):
 * every accepted form with what it stores, and every refused one with the
 * line and the message the user sees.
 */
#include "profile_test.h"

struct fwd_ok {
	const char *value;
	bool udp;
	const char *addr;
	unsigned host_port, guest_port;
};

static const struct fwd_ok fwd_ok[] = {
	{ "tcp:2222:22", false, "127.0.0.1", 2222, 22 },
	{ "udp:5353:53", true, "127.0.0.1", 5353, 53 },
	{ "tcp:127.0.0.2:8080:80", false, "127.0.0.2", 8080, 80 },
	{ "tcp:0.0.0.0:1:65535", false, "0.0.0.0", 1, 65535 },
	{ "udp:192.168.1.10:65535:1", true, "192.168.1.10", 65535, 1 },
};

START_TEST(test_forward_ok)
{
	const struct fwd_ok *c = &fwd_ok[_i];
	char text[256];

	snprintf(text, sizeof(text), "[network]\nmode = user\nforward = %s\n", c->value);
	_cleanup_(profile_freep) struct profile *p = load_ok(text);
	ck_assert_uint_eq(p->n_net_fwd, 1);
	ck_assert_int_eq(p->net_fwd[0].udp, c->udp);
	ck_assert_str_eq(p->net_fwd[0].addr, c->addr);
	ck_assert_uint_eq(p->net_fwd[0].host_port, c->host_port);
	ck_assert_uint_eq(p->net_fwd[0].guest_port, c->guest_port);
	ck_assert_uint_eq(p->net_fwd[0].line, 3);
}
END_TEST

/* Refused values: each is "not a forward" on line 3. */
static const char *const fwd_bad[] = {
	"tcp:80",              /* no guest port */
	"sctp:80:80",          /* protocol */
	"TCP:80:80",           /* protocols are lower case */
	"tcp:0:80",            /* port 0 */
	"tcp:80:0",
	"tcp:65536:80",        /* past 65535 */
	"tcp:99999999999999999999:80",
	"tcp:-1:80",
	"tcp:+80:80",          /* strtoul would take these */
	"tcp: 80:80",
	"tcp:80:80x",
	"tcp:80:80:90:100",
	"tcp:localhost:80:80", /* an address, not a name */
	"tcp:::1:80:80",       /* IPv4 only */
	"tcp:1.2.3.256:80:80",
	"tcp:1.2.3.4:80:80:90",
	"tcp::80",
	"",
};

START_TEST(test_forward_bad)
{
	char text[256];

	snprintf(text, sizeof(text), "[network]\nmode = user\nforward = %s\n", fwd_bad[_i]);
	expect_error(text, 3, "is not a forward", "tcp:HOSTPORT:GUESTPORT");
}
END_TEST

START_TEST(test_forward_repeat)
{
	_cleanup_(profile_freep) struct profile *p =
	    load_ok("[network]\nmode = user\nforward = tcp:2222:22\n"
		    "forward = udp:2222:22\nforward = tcp:8080:80\n");

	/* The same host port over tcp and udp are two forwards. */
	ck_assert_uint_eq(p->n_net_fwd, 3);
	ck_assert_int_eq(p->net_fwd[1].udp, true);
	ck_assert_uint_eq(p->net_fwd[2].line, 5);
	/* The same protocol and host port twice: the second line, naming
	 * the first. */
	expect_error("[network]\nmode = user\nforward = tcp:2222:22\n"
		     "forward = tcp:2222:23\n",
		     4, "tcp host port 2222 is already forwarded at line 3");
}
END_TEST

START_TEST(test_forward_needs_user_mode)
{
	expect_error("[network]\nmode = tap\ntap = tap0\nforward = tcp:2222:22\n", 4,
		     "forward is only used with mode = user");
	expect_error("[network]\nforward = tcp:2222:22\n", 2,
		     "forward is only used with mode = user");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("profile_net");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_forward_ok, 0, (int)ELEMENTSOF(fwd_ok));
	tcase_add_loop_test(tc, test_forward_bad, 0, (int)ELEMENTSOF(fwd_bad));
	tcase_add_test(tc, test_forward_repeat);
	tcase_add_test(tc, test_forward_needs_user_mode);
	suite_add_tcase(s, tc);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
