// SPDX-License-Identifier: GPL-2.0-or-later
/* tap.c's pure parts: the default tap names, the
 * judgement of an existing interface, and the parsing of an RTM_NEWLINK
 * message (built here the way the kernel's rtnl_fill_ifinfo and
 * tun_fill_info lay it out). */
#include <check.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "ph.h"

START_TEST(test_default_name)
{
	char name[PH_IFNAME_SIZE];

	ck_assert_int_eq(ph_tap_default_name("alice", 0, name), 0);
	ck_assert_str_eq(name, "vl-alice-0");
	ck_assert_int_eq(ph_tap_default_name("averyverylongusername", 9, name), 0);
	ck_assert_str_eq(name, "vl-averyveryl-9"); /* 15 characters: IFNAMSIZ - 1 */
	ck_assert(ph_ifname_valid(name));
	ck_assert_int_eq(ph_tap_default_name("alice", 10, name), -EINVAL);
	ck_assert_int_eq(ph_tap_default_name("../x", 0, name), -EINVAL);
}
END_TEST

static const struct {
	struct ph_link l;
	int bridge;
	const char *msg; /* NULL: accepted */
} judged[] = {
	{ { 5, "tun", IFF_TAP, 1000, true, 3 }, 3, NULL },
	{ { 5, "tun", IFF_TAP, 1000, true, 0 }, 3, NULL },   /* detached: attached again */
	{ { 5, "tun", IFF_TAP, 1000, true, 4 }, -1, NULL },  /* untap: any master */
	{ { 5, "tun", IFF_TAP, 1000, true, 4 }, 3, "attached to another interface (ifindex 4)" },
	{ { 5, "tun", IFF_TAP, 1001, true, 3 }, 3, "owned by uid 1001, not uid 1000" },
	{ { 5, "tun", IFF_TAP, -1, true, 3 }, 3, "has no owner" },
	{ { 5, "tun", IFF_TUN, 1000, true, 3 }, 3, "is a tun, not a tap" },
	{ { 5, "tun", IFF_TAP, 1000, false, 3 }, 3, "is not persistent" },
	{ { 5, "bridge", 0, -1, false, 0 }, 3, "is not a tap (a 'bridge' interface)" },
	{ { 5, "", 0, -1, false, 0 }, 3, "is not a tap (an 'ordinary' interface)" },
};

START_TEST(test_judge)
{
	struct ph_why w = { "" };
	int r;

	ck_assert_uint_eq(sizeof(judged) / sizeof(judged[0]), 10);
	r = ph_tap_judge(&judged[_i].l, "vl-alice-0", 1000, judged[_i].bridge, &w);
	if (!judged[_i].msg) {
		ck_assert_int_eq(r, 0);
		return;
	}
	ck_assert_int_eq(r, -EPERM);
	ck_assert_msg(strstr(w.msg, judged[_i].msg) && strstr(w.msg, "vl-alice-0"), "got '%s'", w.msg);
}
END_TEST

/* An RTM_NEWLINK message as the kernel lays it out for a tap. */
struct msg {
	char buf[512];
	size_t len;
};

static struct rtattr *put(struct msg *m, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)(m->buf + NLMSG_ALIGN(m->len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (data)
		memcpy(RTA_DATA(a), data, len);
	m->len = NLMSG_ALIGN(m->len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void end_nest(struct msg *m, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)(m->buf + m->len - (char *)nest);
}

static void make_msg(struct msg *m, const char *kind, uint8_t type, int32_t owner, uint8_t persist, int master)
{
	struct nlmsghdr *h = (struct nlmsghdr *)m->buf;
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	struct rtattr *info, *data;
	uint32_t u;

	memset(m, 0, sizeof(*m));
	m->len = NLMSG_LENGTH(sizeof(*ifi));
	h->nlmsg_type = RTM_NEWLINK;
	ifi->ifi_index = 7;
	put(m, IFLA_IFNAME, "vl-alice-0", 11);
	u = 1500;
	put(m, IFLA_MTU, &u, 4);
	if (master) {
		u = (uint32_t)master;
		put(m, IFLA_MASTER, &u, 4);
	}
	info = put(m, IFLA_LINKINFO, NULL, 0);
	put(m, IFLA_INFO_KIND, kind, strlen(kind) + 1);
	data = put(m, IFLA_INFO_DATA, NULL, 0);
	put(m, IFLA_TUN_TYPE, &type, 1);
	if (owner >= 0) {
		u = (uint32_t)owner;
		put(m, IFLA_TUN_OWNER, &u, 4);
	}
	put(m, IFLA_TUN_PERSIST, &persist, 1);
	end_nest(m, data);
	end_nest(m, info);
	h->nlmsg_len = (uint32_t)m->len;
}

START_TEST(test_link_parse)
{
	struct msg m;
	struct ph_link l;

	make_msg(&m, "tun", IFF_TAP, 1000, 1, 3);
	ck_assert_int_eq(ph_link_parse(m.buf, m.len, &l), 0);
	ck_assert_int_eq(l.index, 7);
	ck_assert_str_eq(l.kind, "tun");
	ck_assert_int_eq(l.tun_type, IFF_TAP);
	ck_assert_int_eq(l.owner, 1000);
	ck_assert(l.persist);
	ck_assert_int_eq(l.master, 3);

	make_msg(&m, "tun", IFF_TAP, -1, 0, 0);
	ck_assert_int_eq(ph_link_parse(m.buf, m.len, &l), 0);
	ck_assert_int_eq(l.owner, -1);
	ck_assert(!l.persist);
	ck_assert_int_eq(l.master, 0);

	/* another kind's data is not read as the tun driver's */
	make_msg(&m, "bridge", IFF_TAP, 1000, 1, 0);
	ck_assert_int_eq(ph_link_parse(m.buf, m.len, &l), 0);
	ck_assert_str_eq(l.kind, "bridge");
	ck_assert_int_eq(l.tun_type, 0);
	ck_assert_int_eq(l.owner, -1);

	/* truncated, or not a link message */
	make_msg(&m, "tun", IFF_TAP, 1000, 1, 3);
	ck_assert_int_eq(ph_link_parse(m.buf, m.len - 4, &l), -EBADMSG);
	ck_assert_int_eq(ph_link_parse(m.buf, 8, &l), -EBADMSG);
	((struct nlmsghdr *)m.buf)->nlmsg_type = RTM_NEWADDR;
	ck_assert_int_eq(ph_link_parse(m.buf, m.len, &l), -EBADMSG);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("privhelper_tap");
	TCase *tc = tcase_create("tap");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_default_name);
	tcase_add_loop_test(tc, test_judge, 0, (int)(sizeof(judged) / sizeof(judged[0])));
	tcase_add_test(tc, test_link_parse);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
