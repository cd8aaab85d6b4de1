// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The audio proxy's relay (pulse_proxy.h): per side, a frame being read
 * and a queue of bytes to write; the filter of pulse_proto.c between.
 */
#include "pulse_proxy.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Frames read from one side per pulse_proxy_handle call. */
#define READ_BURST 64

/* Bytes waiting to be written to one side: data[head, head + len). */
struct queue {
	uint8_t *data;
	size_t head;
	size_t len;
	size_t cap;
};

/* The frame being read from one side. */
struct rx {
	uint8_t desc_raw[PULSE_DESC_SIZE];
	struct pulse_desc desc;
	size_t got; /* bytes of descriptor + payload read so far */
	uint8_t *payload;
	size_t cap;
};

struct pulse_proxy {
	int fd[2];
	struct rx rx[2];
	struct queue out[2]; /* out[s]: bytes to write to side s */
	bool eof[2];
	struct pulse_filter filter;
	pulse_proxy_deny_fn on_deny;
	void *userdata;
};

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

int pulse_proxy_new(int client_fd, int server_fd, pulse_proxy_deny_fn on_deny, void *userdata,
		    struct pulse_proxy **ret)
{
	struct pulse_proxy *p;
	int r;

	if ((r = set_nonblock(client_fd)) < 0 || (r = set_nonblock(server_fd)) < 0)
		return r;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->fd[PULSE_SIDE_CLIENT] = client_fd;
	p->fd[PULSE_SIDE_SERVER] = server_fd;
	p->on_deny = on_deny;
	p->userdata = userdata;
	pulse_filter_init(&p->filter);
	*ret = p;
	return 0;
}

void pulse_proxy_free(struct pulse_proxy *p)
{
	if (!p)
		return;
	for (int s = 0; s < 2; s++) {
		close(p->fd[s]);
		free(p->rx[s].payload);
		free(p->out[s].data);
	}
	free(p);
}

int pulse_proxy_fd(const struct pulse_proxy *p, enum pulse_side side)
{
	return p->fd[side];
}

const struct pulse_filter *pulse_proxy_filter(const struct pulse_proxy *p)
{
	return &p->filter;
}

/* Appends a frame (descriptor, payload) to q. 0 or -ENOMEM. */
static int queue_frame(struct queue *q, const uint8_t *desc, const uint8_t *payload, size_t n)
{
	size_t need = PULSE_DESC_SIZE + n;

	if (q->head > 0 && q->head + q->len + need > q->cap) {
		memmove(q->data, q->data + q->head, q->len);
		q->head = 0;
	}
	if (q->len + need > q->cap) {
		size_t cap = q->cap ? q->cap : 4096;
		uint8_t *d;

		while (cap < q->len + need)
			cap *= 2;
		d = realloc(q->data, cap);
		if (!d)
			return -ENOMEM;
		q->data = d;
		q->cap = cap;
	}
	memcpy(q->data + q->head + q->len, desc, PULSE_DESC_SIZE);
	memcpy(q->data + q->head + q->len + PULSE_DESC_SIZE, payload, n);
	q->len += need;
	return 0;
}

/* Writes what is queued for side s until done or the socket is full. */
static int flush(struct pulse_proxy *p, int s)
{
	struct queue *q = &p->out[s];

	while (q->len > 0) {
		/* MSG_NOSIGNAL: a peer that went away is an -EPIPE to
		 * return, not a SIGPIPE for the supervisor. */
		ssize_t n = send(p->fd[s], q->data + q->head, q->len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		q->head += (size_t)n;
		q->len -= (size_t)n;
	}
	q->head = 0;
	/* A large frame made the queue grow: give the memory back. */
	if (q->cap > 2 * PULSE_PROXY_QUEUE_HIGH) {
		free(q->data);
		*q = (struct queue){ 0 };
	}
	return 0;
}

/* Whether the proxy may read from side s now: reading the client can
 * queue towards the server (frames) and back to the client (denials). */
static bool may_read(const struct pulse_proxy *p, int s)
{
	if (p->eof[s] || p->out[!s].len >= PULSE_PROXY_QUEUE_HIGH)
		return false;
	return s != PULSE_SIDE_CLIENT || p->out[PULSE_SIDE_CLIENT].len < PULSE_PROXY_QUEUE_HIGH;
}

/* A whole frame from side s: judge it and queue what it yields. */
static int dispatch(struct pulse_proxy *p, int s)
{
	struct rx *rx = &p->rx[s];
	size_t n = rx->desc.length;
	uint8_t err[PULSE_ERROR_FRAME_SIZE];
	uint32_t command = 0, tag = 0;
	enum pulse_verdict v;

	if (rx->desc.channel != PULSE_CHANNEL_PACKET)
		/* Audio data: pulse_desc_parse made sure it is in the frame
		 * (no SHM). The channel is not checked: the server looks it
		 * up in the connection's own streams (protocol-native.c
		 * pstream_memblock_callback) and ignores others. */
		v = PULSE_FORWARD;
	else if (s == PULSE_SIDE_CLIENT)
		v = pulse_filter_client(&p->filter, rx->payload, n, &command, &tag);
	else
		v = pulse_filter_server(&p->filter, rx->payload, n);

	switch (v) {
	case PULSE_FORWARD:
		return queue_frame(&p->out[!s], rx->desc_raw, rx->payload, n);
	case PULSE_DENY:
		if (p->on_deny)
			p->on_deny(p->userdata, command, tag);
		pulse_error_frame(tag, PULSE_ERR_ACCESS, err);
		return queue_frame(&p->out[s], err, err + PULSE_DESC_SIZE,
				   sizeof(err) - PULSE_DESC_SIZE);
	case PULSE_DROP:
		return 0;
	case PULSE_MALFORMED:
	default:
		return -EBADMSG;
	}
}

/* Makes room for the payload of the frame whose descriptor was read. */
static int rx_reserve(struct rx *rx)
{
	if (rx->cap < rx->desc.length || rx->cap > 2 * PULSE_PROXY_QUEUE_HIGH) {
		uint8_t *d = malloc(rx->desc.length);

		if (!d)
			return -ENOMEM;
		free(rx->payload);
		rx->payload = d;
		rx->cap = rx->desc.length;
	}
	return 0;
}

/* Reads frames from side s; `hangup`: the peer is gone, read what it
 * left (bounded by the socket's buffer) whatever the queues hold. */
static int receive(struct pulse_proxy *p, int s, bool hangup)
{
	struct rx *rx = &p->rx[s];

	for (int frames = 0; frames < READ_BURST && !p->eof[s];) {
		uint8_t *dst;
		size_t want;
		ssize_t n;
		int r;

		if (!hangup && !may_read(p, s))
			return 0;
		if (rx->got < PULSE_DESC_SIZE) {
			dst = rx->desc_raw + rx->got;
			want = PULSE_DESC_SIZE - rx->got;
		} else {
			dst = rx->payload + (rx->got - PULSE_DESC_SIZE);
			want = rx->desc.length - (rx->got - PULSE_DESC_SIZE);
		}
		n = read(p->fd[s], dst, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		if (n == 0) {
			/* A frame cut short is dropped with the connection. */
			p->eof[s] = true;
			return 0;
		}
		rx->got += (size_t)n;
		if (rx->got == PULSE_DESC_SIZE) {
			if (pulse_desc_parse(rx->desc_raw, &rx->desc) < 0)
				return -EBADMSG;
			if ((r = rx_reserve(rx)) < 0)
				return r;
		} else if (rx->got == PULSE_DESC_SIZE + rx->desc.length) {
			if ((r = dispatch(p, s)) < 0)
				return r;
			rx->got = 0;
			frames++;
		}
	}
	return 0;
}

short pulse_proxy_events(const struct pulse_proxy *p, enum pulse_side side)
{
	short ev = 0;

	if (may_read(p, side))
		ev |= POLLIN;
	if (p->out[side].len > 0)
		ev |= POLLOUT;
	return ev;
}

int pulse_proxy_handle(struct pulse_proxy *p, enum pulse_side side, short revents)
{
	int r;

	if ((revents & POLLOUT) && (r = flush(p, side)) < 0)
		return r;
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		if ((r = receive(p, side, revents & (POLLHUP | POLLERR))) < 0)
			return r;
		/* Pass on at once what was read: most writes to a socket
		 * with room complete without waiting for POLLOUT. */
		if ((r = flush(p, !side)) < 0 || (r = flush(p, side)) < 0)
			return r;
	}
	/* A side closed: over once what it sent has reached the other. */
	for (int s = 0; s < 2; s++)
		if (p->eof[s] && p->out[!s].len == 0)
			return 1;
	return 0;
}
