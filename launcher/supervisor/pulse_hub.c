// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The audio proxy's connections behind one epoll descriptor (pulse_hub.h).
 * Each connection's two sockets are registered with the events its
 * pulse_proxy wants now, updated after every call into it; a side that
 * wants nothing is taken out of the set (epoll reports EPOLLHUP whatever
 * was asked, which would spin the loop).
 */
#include "pulse_hub.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* epoll data for the listening socket; a connection side is slot*2+side. */
#define LISTENER UINT64_MAX

struct conn {
	struct pulse_proxy *p;
	unsigned id;
	uint32_t registered[2]; /* events in the epoll set now, 0: absent */
	struct pulse_hub *hub;
};

struct pulse_hub {
	int epoll_fd;
	int listen_fd;
	struct sockaddr_un server;
	struct pulse_hub_ops ops;
	struct conn conn[PULSE_HUB_MAX_CONN];
	unsigned next_id;
};

int pulse_hub_new(int listen_fd, const char *server_path, const struct pulse_hub_ops *ops,
		  struct pulse_hub **ret)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = LISTENER };
	struct pulse_hub *h;
	int r;

	if (strlen(server_path) >= sizeof(h->server.sun_path)) {
		close(listen_fd);
		return -ENAMETOOLONG;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		close(listen_fd);
		return -ENOMEM;
	}
	h->listen_fd = listen_fd;
	h->server.sun_family = AF_UNIX;
	strcpy(h->server.sun_path, server_path);
	if (ops)
		h->ops = *ops;
	h->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (h->epoll_fd < 0 || epoll_ctl(h->epoll_fd, EPOLL_CTL_ADD, listen_fd, &ev) < 0) {
		r = -errno;
		pulse_hub_free(h);
		return r;
	}
	*ret = h;
	return 0;
}

int pulse_hub_fd(const struct pulse_hub *h)
{
	return h->epoll_fd;
}

/* Brings the epoll set in line with what the proxy wants now. */
static int sync_events(struct pulse_hub *h, size_t slot)
{
	struct conn *c = &h->conn[slot];

	for (int s = 0; s < 2; s++) {
		short want = pulse_proxy_events(c->p, s);
		struct epoll_event ev = {
			.events = (want & POLLIN ? EPOLLIN : 0) | (want & POLLOUT ? EPOLLOUT : 0),
			.data.u64 = slot * 2 + (size_t)s,
		};
		int fd = pulse_proxy_fd(c->p, s), op;

		if (ev.events == c->registered[s])
			continue;
		op = !ev.events ? EPOLL_CTL_DEL : c->registered[s] ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
		if (epoll_ctl(h->epoll_fd, op, fd, &ev) < 0)
			return -errno;
		c->registered[s] = ev.events;
	}
	return 0;
}

/* Ends a connection (closing its sockets takes them out of the set). */
static void conn_end(struct pulse_hub *h, size_t slot, int result)
{
	struct conn *c = &h->conn[slot];

	if (h->ops.event)
		h->ops.event(h->ops.userdata, c->id, false, result);
	pulse_proxy_free(c->p);
	memset(c, 0, sizeof(*c));
}

static void on_deny(void *userdata, uint32_t command, uint32_t tag)
{
	struct conn *c = userdata;

	if (c->hub->ops.denied)
		c->hub->ops.denied(c->hub->ops.userdata, c->id, command, tag);
}

static void accept_one(struct pulse_hub *h)
{
	int cfd = accept4(h->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	size_t slot = PULSE_HUB_MAX_CONN;
	unsigned id = h->next_id;
	int sfd, r;

	if (cfd < 0)
		return; /* EAGAIN, or a client that left already */
	for (size_t i = 0; i < PULSE_HUB_MAX_CONN && slot == PULSE_HUB_MAX_CONN; i++)
		if (!h->conn[i].p)
			slot = i;
	h->next_id++;
	if (slot == PULSE_HUB_MAX_CONN) {
		r = -EMFILE;
		goto refuse;
	}
	/* Non-blocking: an AF_UNIX connect completes at once, or fails
	 * with EAGAIN when the server's backlog is full (unix(7)); the
	 * client is refused then rather than the loop stalled. */
	sfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (sfd < 0) {
		r = -errno;
		goto refuse;
	}
	if (connect(sfd, (const struct sockaddr *)&h->server, sizeof(h->server)) < 0) {
		r = -errno;
		close(sfd);
		goto refuse;
	}
	h->conn[slot].id = id;
	h->conn[slot].hub = h;
	r = pulse_proxy_new(cfd, sfd, on_deny, &h->conn[slot], &h->conn[slot].p);
	if (r < 0) {
		close(sfd);
		goto refuse;
	}
	if (h->ops.event)
		h->ops.event(h->ops.userdata, id, true, 0);
	if ((r = sync_events(h, slot)) < 0)
		conn_end(h, slot, r);
	return;
refuse:
	if (h->ops.event)
		h->ops.event(h->ops.userdata, id, false, r);
	close(cfd);
}

int pulse_hub_dispatch(struct pulse_hub *h)
{
	struct epoll_event evs[2 * PULSE_HUB_MAX_CONN + 1];
	int n = epoll_wait(h->epoll_fd, evs, (int)(sizeof(evs) / sizeof(evs[0])), 0);
	bool accept_ready = false;

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		uint64_t d = evs[i].data.u64;
		size_t slot = d / 2;
		short re = 0;
		int r;

		/* Accepted after the batch: a slot ended in it and taken by
		 * a new client must not get the old one's events. */
		if (d == LISTENER) {
			accept_ready = true;
			continue;
		}
		/* Ended by an earlier event of this batch. */
		if (!h->conn[slot].p)
			continue;
		re |= evs[i].events & EPOLLIN ? POLLIN : 0;
		re |= evs[i].events & EPOLLOUT ? POLLOUT : 0;
		re |= evs[i].events & EPOLLHUP ? POLLHUP : 0;
		re |= evs[i].events & EPOLLERR ? POLLERR : 0;
		r = pulse_proxy_handle(h->conn[slot].p, (enum pulse_side)(d % 2), re);
		if (r == 0)
			r = sync_events(h, slot);
		if (r != 0)
			conn_end(h, slot, r);
	}
	if (accept_ready)
		accept_one(h);
	return 0;
}

void pulse_hub_free(struct pulse_hub *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < PULSE_HUB_MAX_CONN; i++)
		pulse_proxy_free(h->conn[i].p);
	if (h->epoll_fd >= 0)
		close(h->epoll_fd);
	close(h->listen_fd);
	free(h);
}
