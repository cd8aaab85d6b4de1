// SPDX-License-Identifier: GPL-2.0-or-later
/* pulse_proxy.c: the relay between two socketpairs, one standing for the
 * client (QEMU), one for the server. Fork mode. */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
#include "pulse_proxy.h"
#include "pulse_test.h"

struct rig {
	int client; /* the test's end, as the client */
	int server; /* the test's end, as the server */
	struct pulse_proxy *p;
	int denied;
};

static void count_deny(void *userdata, uint32_t command, uint32_t tag)
{
	struct rig *r = userdata;

	ck_assert_uint_eq(command, PULSE_CMD_LOAD_MODULE);
	ck_assert_uint_eq(tag, 2);
	r->denied++;
}

static void rig_up(struct rig *r)
{
	int c[2], s[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, c), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s), 0);
	r->client = c[0];
	r->server = s[0];
	r->denied = 0;
	ck_assert_int_eq(pulse_proxy_new(c[1], s[1], count_deny, r, &r->p), 0);
}

/* Runs the proxy as a loop would until nothing is left to do; returns
 * the first non-zero pulse_proxy_handle result, or 0. */
static int pump(struct rig *r)
{
	for (int round = 0; round < 100; round++) {
		struct pollfd pfd[2];
		int n;

		for (int s = 0; s < 2; s++) {
			short ev = pulse_proxy_events(r->p, s);

			pfd[s] = (struct pollfd){ .fd = ev ? pulse_proxy_fd(r->p, s) : -1, .events = ev };
		}
		n = poll(pfd, 2, 0);
		ck_assert_int_ge(n, 0);
		if (n == 0)
			return 0;
		for (int s = 0; s < 2; s++)
			if (pfd[s].revents) {
				int ret = pulse_proxy_handle(r->p, s, pfd[s].revents);

				if (ret)
					return ret;
			}
	}
	ck_abort_msg("the proxy did not settle");
	return 0;
}

static void send_all(int fd, const void *p, size_t n)
{
	ck_assert_int_eq(send(fd, p, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* Reads exactly n bytes that must be there now. */
static void recv_exact(int fd, void *p, size_t n)
{
	ck_assert_int_eq(recv(fd, p, n, MSG_DONTWAIT | MSG_WAITALL), (ssize_t)n);
}

static void assert_nothing(int fd)
{
	uint8_t c;

	ck_assert_int_eq(recv(fd, &c, 1, MSG_DONTWAIT), -1);
	ck_assert_int_eq(errno, EAGAIN);
}

static size_t auth_frame(uint8_t *out, uint32_t version)
{
	uint8_t cookie[256] = { 1, 2, 3 };
	struct pbuf b;

	pb_packet(&b, PULSE_CMD_AUTH, 0);
	pb_u32(&b, version);
	pb_arbitrary(&b, cookie, sizeof(cookie));
	return pb_frame(&b, out);
}

static size_t memblock_frame(uint8_t *out, uint32_t channel, uint32_t flags, uint32_t n)
{
	struct pulse_desc d = { .length = n, .channel = channel, .flags = flags };

	pulse_desc_pack(&d, out);
	for (uint32_t i = 0; i < n; i++)
		out[PULSE_DESC_SIZE + i] = (uint8_t)i;
	return PULSE_DESC_SIZE + n;
}

START_TEST(test_relay)
{
	uint8_t in[4096], want[4096], got[4096], err[PULSE_ERROR_FRAME_SIZE];
	size_t n_auth, n_load, n_mem, n;
	struct pbuf b;
	struct rig r;

	rig_up(&r);
	n_auth = auth_frame(in, 35 | PULSE_PROTOCOL_FLAG_SHM | PULSE_PROTOCOL_FLAG_MEMFD);
	pb_packet(&b, PULSE_CMD_LOAD_MODULE, 2);
	pb_str(&b, "module-ladspa-sink");
	pb_str(&b, "plugin=/tmp/evil.so");
	n_load = pb_frame(&b, in + n_auth);
	n_mem = memblock_frame(in + n_auth + n_load, 0, 0, 1000);
	send_all(r.client, in, n_auth + n_load + n_mem);
	ck_assert_int_eq(pump(&r), 0);

	/* The server gets AUTH without SHM/memfd, then the audio; not the
	 * LOAD_MODULE. */
	n = auth_frame(want, 35);
	memcpy(want + n, in + n_auth + n_load, n_mem);
	recv_exact(r.server, got, n + n_mem);
	ck_assert_mem_eq(got, want, n + n_mem);
	assert_nothing(r.server);
	/* The client gets the ERROR for tag 2. */
	pb_expected_error(2, err);
	recv_exact(r.client, got, sizeof(err));
	ck_assert_mem_eq(got, err, sizeof(err));
	assert_nothing(r.client);
	ck_assert_int_eq(r.denied, 1);

	/* Server to client: the AUTH reply (bits cleared) and record data. */
	pb_packet(&b, PULSE_CMD_REPLY, 0);
	pb_u32(&b, 35 | PULSE_PROTOCOL_FLAG_SHM);
	n = pb_frame(&b, in);
	n += memblock_frame(in + n, 1, 0, 500);
	send_all(r.server, in, n);
	ck_assert_int_eq(pump(&r), 0);
	recv_exact(r.client, got, n);
	ck_assert_mem_eq(got + PULSE_DESC_SIZE + 11, ((const uint8_t[]){ 0, 0, 0, 35 }), 4);
	ck_assert_mem_eq(got + PULSE_DESC_SIZE + 15, in + PULSE_DESC_SIZE + 15, n - PULSE_DESC_SIZE - 15);
	pulse_proxy_free(r.p);
}
END_TEST

/* A frame arriving a byte at a time is relayed whole, once. */
START_TEST(test_split_frame)
{
	uint8_t in[1024], got[1024];
	size_t n;
	struct rig r;

	rig_up(&r);
	n = memblock_frame(in, 0, 1, 300);
	for (size_t i = 0; i < n; i++) {
		send_all(r.client, in + i, 1);
		ck_assert_int_eq(pump(&r), 0);
		if (i + 1 < n)
			assert_nothing(r.server);
	}
	recv_exact(r.server, got, n);
	ck_assert_mem_eq(got, in, n);
	pulse_proxy_free(r.p);
}
END_TEST

START_TEST(test_protocol_violations)
{
	static const struct {
		uint32_t length, channel, flags;
	} bad[] = {
		{ 16, 0, 0x80000000u },				/* SHM data by reference */
		{ 0, PULSE_CHANNEL_PACKET, 0x40000000u },	/* SHM release */
		{ PULSE_FRAME_MAX + 1, 0, 0 },			/* oversized */
		{ 0, 0, 0 },					/* empty */
		{ 12, PULSE_CHANNEL_PACKET, 0 },		/* a packet of garbage */
	};

	ck_assert_uint_eq(ELEMENTSOF(bad), 5);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		for (int side = 0; side < 2; side++) {
			struct pulse_desc d = { .length = bad[i].length, .channel = bad[i].channel,
						.flags = bad[i].flags };
			uint8_t raw[PULSE_DESC_SIZE + 16];
			struct rig r;

			rig_up(&r);
			pulse_desc_pack(&d, raw);
			memset(raw + PULSE_DESC_SIZE, 'Z', 16);
			send_all(side ? r.server : r.client, raw, sizeof(raw));
			ck_assert_msg(pump(&r) == -EBADMSG, "case %zu side %d", i, side);
			assert_nothing(r.server);
			pulse_proxy_free(r.p);
		}
}
END_TEST

/* The client closes right after a frame: the frame still reaches the
 * server, then the connection is over. */
START_TEST(test_eof_flushes)
{
	uint8_t in[256], got[256];
	size_t n;
	struct rig r;

	rig_up(&r);
	n = memblock_frame(in, 0, 0, 100);
	send_all(r.client, in, n);
	close(r.client);
	ck_assert_int_eq(pump(&r), 1);
	recv_exact(r.server, got, n);
	ck_assert_mem_eq(got, in, n);
	pulse_proxy_free(r.p);
}
END_TEST

/* A server that does not read: the proxy stops reading the client once
 * PULSE_PROXY_QUEUE_HIGH bytes wait for the server. */
START_TEST(test_backpressure)
{
	static uint8_t frame[PULSE_DESC_SIZE + 65536];
	size_t n = memblock_frame(frame, 0, 0, 65536);
	struct rig r;
	size_t off = 0, total = 0;

	rig_up(&r);
	/* Frames back to back until the client's own socket is full too. */
	for (;;) {
		ssize_t w = send(r.client, frame + off, n - off, MSG_DONTWAIT | MSG_NOSIGNAL);

		ck_assert_int_eq(pump(&r), 0);
		if (w < 0) {
			ck_assert_int_eq(errno, EAGAIN);
			break;
		}
		off = (off + (size_t)w) % n;
		total += (size_t)w;
		ck_assert_uint_lt(total, 64u << 20);
	}
	ck_assert_uint_gt(total, PULSE_PROXY_QUEUE_HIGH);
	ck_assert_int_eq(pulse_proxy_events(r.p, PULSE_SIDE_CLIENT) & POLLIN, 0);
	ck_assert(pulse_proxy_events(r.p, PULSE_SIDE_SERVER) & POLLOUT);
	pulse_proxy_free(r.p);
}
END_TEST

static Suite *pulse_proxy_suite(void)
{
	Suite *s = suite_create("pulse_proxy");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_relay);
	tcase_add_test(tc, test_split_frame);
	tcase_add_test(tc, test_protocol_violations);
	tcase_add_test(tc, test_eof_flushes);
	tcase_add_test(tc, test_backpressure);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pulse_proxy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
