// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the PulseAudio proxy (pulse_proto.c, pulse_proxy.c):
 * the input is a conversation, a sequence of chunks
 *     [side: 1 byte, even = client, odd = server][length: 2 bytes BE][bytes]
 * each written to that side's socket of a proxy running between two
 * socketpairs (client to server: the filter; server to client: the reply
 * parsing), the proxy pumped after each chunk until it settles or ends
 * the connection. Built and run by `make fuzz`, seeded with conversations
 * of pactl, paplay and parecord with PulseAudio 16.1 (tests/fuzz/pulse-
 * seeds/: info, sinks, load, vol, play, rec), captured with
 * `socat -r C2S -R S2C UNIX-LISTEN:tap UNIX-CONNECT:server` between each
 * tool and a private server, cut into frames, client and server frames
 * alternating.
 *
 * Beyond "no crash, no sanitizer report", what came out of the proxy is
 * checked against an oracle written here, apart from the proxy's tables:
 * towards the server only well-formed frames without SHM, packets that
 * are well-formed tagstructs of the allowed commands, AUTH without the
 * SHM/memfd bits; towards the client only well-formed frames and packets
 * of the commands a server may send a playback/record client.
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pulse_proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t to_server_ok[] = {
	PULSE_CMD_AUTH,
	PULSE_CMD_SET_CLIENT_NAME,
	PULSE_CMD_GET_SERVER_INFO,
	PULSE_CMD_GET_SINK_INFO,
	PULSE_CMD_GET_SINK_INFO_LIST,
	PULSE_CMD_GET_SOURCE_INFO,
	PULSE_CMD_GET_SOURCE_INFO_LIST,
	PULSE_CMD_CREATE_PLAYBACK_STREAM,
	PULSE_CMD_DELETE_PLAYBACK_STREAM,
	PULSE_CMD_CREATE_RECORD_STREAM,
	PULSE_CMD_DELETE_RECORD_STREAM,
	PULSE_CMD_DRAIN_PLAYBACK_STREAM,
	PULSE_CMD_CORK_PLAYBACK_STREAM,
	PULSE_CMD_FLUSH_PLAYBACK_STREAM,
	PULSE_CMD_TRIGGER_PLAYBACK_STREAM,
	PULSE_CMD_PREBUF_PLAYBACK_STREAM,
	PULSE_CMD_CORK_RECORD_STREAM,
	PULSE_CMD_FLUSH_RECORD_STREAM,
	PULSE_CMD_GET_PLAYBACK_LATENCY,
	PULSE_CMD_GET_RECORD_LATENCY,
	PULSE_CMD_SET_PLAYBACK_STREAM_BUFFER_ATTR,
	PULSE_CMD_SET_RECORD_STREAM_BUFFER_ATTR,
	PULSE_CMD_UPDATE_PLAYBACK_STREAM_PROPLIST,
	PULSE_CMD_UPDATE_RECORD_STREAM_PROPLIST,
	PULSE_CMD_SET_PLAYBACK_STREAM_NAME,
	PULSE_CMD_SET_RECORD_STREAM_NAME,
	PULSE_CMD_SET_SINK_INPUT_VOLUME,
	PULSE_CMD_SET_SINK_INPUT_MUTE,
	PULSE_CMD_SET_SOURCE_OUTPUT_VOLUME,
	PULSE_CMD_SET_SOURCE_OUTPUT_MUTE,
};

static const uint32_t to_client_ok[] = {
	PULSE_CMD_ERROR,
	PULSE_CMD_REPLY,
	PULSE_CMD_REQUEST,
	PULSE_CMD_OVERFLOW,
	PULSE_CMD_UNDERFLOW,
	PULSE_CMD_PLAYBACK_STREAM_KILLED,
	PULSE_CMD_RECORD_STREAM_KILLED,
	PULSE_CMD_PLAYBACK_STREAM_SUSPENDED,
	PULSE_CMD_RECORD_STREAM_SUSPENDED,
	PULSE_CMD_PLAYBACK_STREAM_MOVED,
	PULSE_CMD_RECORD_STREAM_MOVED,
	PULSE_CMD_STARTED,
	PULSE_CMD_CLIENT_EVENT,
	PULSE_CMD_PLAYBACK_STREAM_EVENT,
	PULSE_CMD_RECORD_STREAM_EVENT,
	PULSE_CMD_PLAYBACK_BUFFER_ATTR_CHANGED,
	PULSE_CMD_RECORD_BUFFER_ATTR_CHANGED,
};

static int in(const uint32_t *v, size_t n, uint32_t c)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == c)
			return 1;
	return 0;
}

/* What one side received, for the oracle. */
struct sink {
	uint8_t *d;
	size_t n, cap;
};

static void drain(int fd, struct sink *s)
{
	for (;;) {
		ssize_t r;

		if (s->cap - s->n < 65536) {
			s->cap = s->cap * 2 + 65536;
			s->d = realloc(s->d, s->cap);
			if (!s->d)
				abort();
		}
		r = recv(fd, s->d + s->n, s->cap - s->n, MSG_DONTWAIT);
		if (r <= 0)
			return;
		s->n += (size_t)r;
	}
}

/* Runs the proxy until it settles (0) or ends the connection (!= 0). */
static int pump(struct pulse_proxy *p, int client, int server, struct sink *at_client,
		struct sink *at_server)
{
	for (int round = 0; round < 1000; round++) {
		struct pollfd pfd[2];
		int n;

		for (int s = 0; s < 2; s++) {
			short ev = pulse_proxy_events(p, s);

			pfd[s] = (struct pollfd){ .fd = ev ? pulse_proxy_fd(p, s) : -1, .events = ev };
		}
		n = poll(pfd, 2, 0);
		if (n < 0)
			abort();
		if (n == 0)
			return 0;
		for (int s = 0; s < 2; s++)
			if (pfd[s].revents) {
				int r = pulse_proxy_handle(p, s, pfd[s].revents);

				if (r)
					return r;
			}
		drain(client, at_client);
		drain(server, at_server);
	}
	return 0;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Every frame in s is whole and well-formed, and its packets are of the
 * commands `ok` lists. */
static void check_stream(const struct sink *s, const uint32_t *ok, size_t n_ok, int to_server)
{
	size_t pos = 0;

	while (pos < s->n) {
		struct pulse_desc d;
		const uint8_t *pl;

		/* A connection ended on an error may leave a frame half
		 * sent: its descriptor, when there, must still be good. */
		if (s->n - pos < PULSE_DESC_SIZE)
			return;
		if (pulse_desc_parse(s->d + pos, &d) < 0)
			abort();
		if (s->n - pos - PULSE_DESC_SIZE < d.length)
			return;
		pl = s->d + pos + PULSE_DESC_SIZE;
		if (d.channel == PULSE_CHANNEL_PACKET) {
			uint32_t command;

			if (d.length < 10 || pl[0] != 'L' || !in(ok, n_ok, command = be32(pl + 1)))
				abort();
			if (to_server && pulse_ts_validate(pl, d.length) < 0)
				abort();
			if (to_server && command == PULSE_CMD_AUTH &&
			    (d.length < 15 || pl[10] != 'L' ||
			     (be32(pl + 11) & (PULSE_PROTOCOL_FLAG_SHM | PULSE_PROTOCOL_FLAG_MEMFD))))
				abort();
		}
		pos += PULSE_DESC_SIZE + d.length;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sink at_client = { 0 }, at_server = { 0 };
	struct pulse_proxy *p;
	int c[2], s[2], r = 0;
	size_t pos = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, c) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s) < 0)
		abort();
	if (pulse_proxy_new(c[1], s[1], NULL, NULL, &p) < 0)
		abort();
	while (r == 0 && size - pos >= 3) {
		int fd = data[pos] & 1 ? s[0] : c[0];
		size_t n = (size_t)data[pos + 1] << 8 | data[pos + 2];

		pos += 3;
		if (n > size - pos)
			n = size - pos;
		/* The chunk may not fit in the socket at once: write what
		 * fits, let the proxy move it on, repeat. */
		for (size_t off = 0; off < n && r == 0;) {
			ssize_t w = send(fd, data + pos + off, n - off, MSG_DONTWAIT | MSG_NOSIGNAL);

			if (w < 0 && errno != EAGAIN)
				abort();
			if (w > 0)
				off += (size_t)w;
			r = pump(p, c[0], s[0], &at_client, &at_server);
			if (w < 0 && r == 0 && pulse_proxy_events(p, PULSE_SIDE_CLIENT) == 0 &&
			    pulse_proxy_events(p, PULSE_SIDE_SERVER) == 0)
				break;
		}
		pos += n;
	}
	/* The client hangs up: the proxy passes on what it has, then ends. */
	if (r == 0) {
		shutdown(c[0], SHUT_WR);
		r = pump(p, c[0], s[0], &at_client, &at_server);
	}
	drain(c[0], &at_client);
	drain(s[0], &at_server);
	check_stream(&at_server, to_server_ok, sizeof(to_server_ok) / sizeof(to_server_ok[0]), 1);
	check_stream(&at_client, to_client_ok, sizeof(to_client_ok) / sizeof(to_client_ok[0]), 0);
	pulse_proxy_free(p);
	close(c[0]);
	close(s[0]);
	free(at_client.d);
	free(at_server.d);
	return 0;
}
