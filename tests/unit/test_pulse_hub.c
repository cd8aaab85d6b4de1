// SPDX-License-Identifier: GPL-2.0-or-later
/* pulse_hub.c: the proxy's listening socket and connections behind one
 * descriptor, against a stand-in server listening on a temporary path.
 * Fork mode. */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "pulse_hub.h"
#include "pulse_test.h"

struct seen {
	int opened, closed, denied;
	int last_result;
};

static void on_denied(void *userdata, unsigned conn, uint32_t command, uint32_t tag)
{
	struct seen *s = userdata;

	(void)conn;
	ck_assert_uint_eq(command, PULSE_CMD_LOAD_MODULE);
	ck_assert_uint_eq(tag, 1);
	s->denied++;
}

static void on_event(void *userdata, unsigned conn, bool opened, int result)
{
	struct seen *s = userdata;

	(void)conn;
	if (opened)
		s->opened++;
	else
		s->closed++;
	s->last_result = result;
}

static int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	ck_assert_int_ge(fd, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	return fd;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Dispatches while the hub's descriptor is ready. */
static void settle(struct pulse_hub *h)
{
	for (int i = 0; i < 100; i++) {
		struct pollfd pfd = { .fd = pulse_hub_fd(h), .events = POLLIN };

		if (poll(&pfd, 1, 0) == 0)
			return;
		ck_assert_int_eq(pulse_hub_dispatch(h), 0);
	}
	ck_abort_msg("the hub did not settle");
}

struct rig {
	char dir[64], proxy_path[96], server_path[96];
	int server_listen;
	struct pulse_hub *hub;
	struct seen seen;
};

static void rig_up(struct rig *r, bool with_server)
{
	const struct pulse_hub_ops ops = { .denied = on_denied, .event = on_event,
					   .userdata = &r->seen };

	memset(&r->seen, 0, sizeof(r->seen));
	snprintf(r->dir, sizeof(r->dir), "/tmp/vl-pulse-hub.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(r->dir));
	snprintf(r->proxy_path, sizeof(r->proxy_path), "%s/proxy", r->dir);
	snprintf(r->server_path, sizeof(r->server_path), "%s/server", r->dir);
	r->server_listen = with_server ? listen_at(r->server_path) : -1;
	ck_assert_int_eq(pulse_hub_new(listen_at(r->proxy_path), r->server_path, &ops, &r->hub), 0);
}

static void rig_down(struct rig *r)
{
	pulse_hub_free(r->hub);
	if (r->server_listen >= 0)
		close(r->server_listen);
	unlink(r->proxy_path);
	unlink(r->server_path);
	rmdir(r->dir);
}

START_TEST(test_hub_relays)
{
	uint8_t frame[256], got[256], err[PULSE_ERROR_FRAME_SIZE];
	struct pbuf b;
	struct rig r;
	size_t n;
	int client, server;

	rig_up(&r, true);
	client = connect_to(r.proxy_path);
	settle(r.hub);
	ck_assert_int_eq(r.seen.opened, 1);
	server = accept4(r.server_listen, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(server, 0);

	pb_packet(&b, PULSE_CMD_LOAD_MODULE, 1);
	pb_str(&b, "module-native-protocol-tcp");
	pb_str(&b, "auth-anonymous=1");
	n = pb_frame(&b, frame);
	pb_packet(&b, PULSE_CMD_GET_SERVER_INFO, 2);
	n += pb_frame(&b, frame + n);
	ck_assert_int_eq(send(client, frame, n, 0), (ssize_t)n);
	settle(r.hub);
	/* The server sees only GET_SERVER_INFO; the client the error. */
	ck_assert_int_eq(recv(server, got, sizeof(got), MSG_DONTWAIT), (ssize_t)(PULSE_DESC_SIZE + 10));
	ck_assert_mem_eq(got, frame + n - PULSE_DESC_SIZE - 10, PULSE_DESC_SIZE + 10);
	pb_expected_error(1, err);
	ck_assert_int_eq(recv(client, got, sizeof(got), MSG_DONTWAIT), (ssize_t)sizeof(err));
	ck_assert_mem_eq(got, err, sizeof(err));
	ck_assert_int_eq(r.seen.denied, 1);

	/* The client leaves: the connection ends cleanly. */
	close(client);
	settle(r.hub);
	ck_assert_int_eq(r.seen.closed, 1);
	ck_assert_int_eq(r.seen.last_result, 1);
	ck_assert_int_eq(recv(server, got, sizeof(got), 0), 0);
	close(server);
	rig_down(&r);
}
END_TEST

START_TEST(test_hub_no_server)
{
	struct rig r;
	uint8_t c;
	int client;

	rig_up(&r, false);
	client = connect_to(r.proxy_path);
	settle(r.hub);
	ck_assert_int_eq(r.seen.opened, 0);
	ck_assert_int_eq(r.seen.closed, 1);
	ck_assert_int_eq(r.seen.last_result, -ENOENT);
	ck_assert_int_eq(recv(client, &c, 1, 0), 0); /* hung up on */
	close(client);
	rig_down(&r);
}
END_TEST

START_TEST(test_hub_max_conn)
{
	int clients[PULSE_HUB_MAX_CONN + 1];
	struct rig r;
	uint8_t c;

	rig_up(&r, true);
	for (int i = 0; i <= PULSE_HUB_MAX_CONN; i++) {
		clients[i] = connect_to(r.proxy_path);
		settle(r.hub);
	}
	ck_assert_int_eq(r.seen.opened, PULSE_HUB_MAX_CONN);
	ck_assert_int_eq(r.seen.closed, 1);
	ck_assert_int_eq(r.seen.last_result, -EMFILE);
	ck_assert_int_eq(recv(clients[PULSE_HUB_MAX_CONN], &c, 1, 0), 0);
	for (int i = 0; i <= PULSE_HUB_MAX_CONN; i++)
		close(clients[i]);
	rig_down(&r);
}
END_TEST

static Suite *pulse_hub_suite(void)
{
	Suite *s = suite_create("pulse_hub");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_hub_relays);
	tcase_add_test(tc, test_hub_no_server);
	tcase_add_test(tc, test_hub_max_conn);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pulse_hub_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
