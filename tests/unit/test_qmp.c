// SPDX-License-Identifier: GPL-2.0-or-later
/* The QMP client (launcher/supervisor/qmp.c): the line codec, and the
 * buffered channel over a socketpair standing in for QEMU. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qmp.h"

START_TEST(test_format)
{
	json_object *args = json_object_new_object();
	char *line;

	line = qmp_format("system_powerdown", NULL, 3);
	ck_assert_str_eq(line, "{\"execute\":\"system_powerdown\",\"id\":3}\n");
	free(line);
	json_object_object_add(args, "device", json_object_new_string("a\"b\n"));
	line = qmp_format("eject", args, 12);
	/* Strings are escaped by json-c: one line whatever they hold. */
	ck_assert_str_eq(line, "{\"execute\":\"eject\",\"arguments\":{\"device\":\"a\\\"b\\n\"},\"id\":12}\n");
	free(line);
	json_object_put(args); /* not consumed by qmp_format */
}
END_TEST

START_TEST(test_parse_kinds)
{
	struct qmp_msg m;

	ck_assert_int_eq(qmp_parse("{\"QMP\": {\"version\": {}, \"capabilities\": [\"oob\"]}}", &m), 0);
	ck_assert_int_eq(m.kind, QMP_GREETING);
	ck_assert_int_eq(m.id, -1);
	qmp_msg_clear(&m);

	ck_assert_int_eq(qmp_parse("{\"return\": {}, \"id\": 7}", &m), 0);
	ck_assert_int_eq(m.kind, QMP_RETURN);
	ck_assert_int_eq(m.id, 7);
	qmp_msg_clear(&m);

	ck_assert_int_eq(qmp_parse("{\"id\": 2, \"error\": {\"class\": \"GenericError\", "
				   "\"desc\": \"no such command\"}}", &m), 0);
	ck_assert_int_eq(m.kind, QMP_ERROR);
	ck_assert_int_eq(m.id, 2);
	ck_assert_str_eq(m.error, "GenericError: no such command");
	qmp_msg_clear(&m);

	ck_assert_int_eq(qmp_parse("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, "
				   "\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, "
				   "\"reason\": \"guest-shutdown\"}}", &m), 0);
	ck_assert_int_eq(m.kind, QMP_EVENT);
	ck_assert_str_eq(m.event, "SHUTDOWN");
	ck_assert_int_eq(m.id, -1);
	qmp_msg_clear(&m);
}
END_TEST

START_TEST(test_parse_bad)
{
	static const char *const bad[] = {
		"", "not json", "[1, 2]", "\"QMP\"", "{}", "{\"event\": 3}", "{\"return\": {}",
	};
	struct qmp_msg m;

	ck_assert_uint_eq(sizeof(bad) / sizeof(*bad), 7);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		ck_assert_msg(qmp_parse(bad[i], &m) == -EBADMSG, "accepted: %s", bad[i]);
		ck_assert_ptr_null(m.obj);
	}
}
END_TEST

/* Lines split across reads and several lines in one read both come out
 * whole and in order; what we send arrives as one line with our ids. */
START_TEST(test_channel)
{
	int sp[2];
	struct qmp q;
	struct qmp_msg m;
	char buf[256];
	ssize_t n;
	const char *part1 = "{\"QMP\": {\"version\": {}}}\n{\"ret";
	const char *part2 = "urn\": {}, \"id\": 1}\n{\"event\": \"POWERDOWN\"}\n";

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	qmp_init(&q, sp[0]);
	ck_assert_int_eq(qmp_fill(&q), -EAGAIN);

	ck_assert_int_eq(qmp_send(&q, "qmp_capabilities", NULL), 1);
	ck_assert_int_eq(qmp_send(&q, "cont", NULL), 2);
	n = read(sp[1], buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "{\"execute\":\"qmp_capabilities\",\"id\":1}\n"
			      "{\"execute\":\"cont\",\"id\":2}\n");

	ck_assert_int_eq(write(sp[1], part1, strlen(part1)), (ssize_t)strlen(part1));
	ck_assert_int_gt(qmp_fill(&q), 0);
	ck_assert_int_eq(qmp_next(&q, &m), 1);
	ck_assert_int_eq(m.kind, QMP_GREETING);
	qmp_msg_clear(&m);
	ck_assert_int_eq(qmp_next(&q, &m), 0); /* half a line */

	ck_assert_int_eq(write(sp[1], part2, strlen(part2)), (ssize_t)strlen(part2));
	ck_assert_int_gt(qmp_fill(&q), 0);
	ck_assert_int_eq(qmp_next(&q, &m), 1);
	ck_assert_int_eq(m.kind, QMP_RETURN);
	ck_assert_int_eq(m.id, 1);
	qmp_msg_clear(&m);
	ck_assert_int_eq(qmp_next(&q, &m), 1);
	ck_assert_int_eq(m.kind, QMP_EVENT);
	ck_assert_str_eq(m.event, "POWERDOWN");
	qmp_msg_clear(&m);
	ck_assert_int_eq(qmp_next(&q, &m), 0);

	close(sp[1]);
	ck_assert_int_eq(qmp_fill(&q), 0);
	ck_assert(q.eof);
	qmp_clear(&q);
	close(sp[0]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("qmp");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	/* What the supervisor does before its loop (json_dl.h); the
	 * forked tests inherit the table. */
	if (jsonc_load() < 0) {
		fprintf(stderr, "%s\n", jsonc_why());
		return EXIT_FAILURE;
	}
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_parse_kinds);
	tcase_add_test(tc, test_parse_bad);
	tcase_add_test(tc, test_channel);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
