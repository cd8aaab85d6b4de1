/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The audio proxy's relay (DESIGN.md, "The supervisor"): one client
 * connection (QEMU, in the box) and one connection to the user's sound
 * server, with pulse_proto's filter between them. No threads and no
 * blocking: the supervisor's poll/epoll loop asks which events each side
 * wants, and calls pulse_proxy_handle when one is ready.
 *
 * Data is relayed a whole frame at a time: a frame is read into memory
 * (at most PULSE_FRAME_MAX), judged, then queued to the other side (or
 * answered, or dropped). Reading a side stops while the queue it feeds
 * holds PULSE_PROXY_QUEUE_HIGH bytes or more, so a side that does not
 * read cannot make the proxy buffer without bound.
 *
 * Loop protocol, per iteration, for side in {PULSE_SIDE_CLIENT,
 * PULSE_SIDE_SERVER}:
 *     events = pulse_proxy_events(p, side);
 *     poll on pulse_proxy_fd(p, side) for events; when events is 0 leave
 *     the fd out (poll: fd = -1; epoll: EPOLL_CTL_DEL), because poll and
 *     epoll report POLLHUP whatever was asked;
 *     on revents: r = pulse_proxy_handle(p, side, revents);
 *     r != 0: the connection is over, pulse_proxy_free(p).
 */
#pragma once

#include <stdint.h>

#include "pulse_proto.h"

enum pulse_side {
	PULSE_SIDE_CLIENT = 0,
	PULSE_SIDE_SERVER = 1,
};

/* Bytes queued towards one side above which the proxy stops reading. */
#define PULSE_PROXY_QUEUE_HIGH (256u * 1024)

struct pulse_proxy;

/* Called for each client command the proxy answers with an error:
 * the command (PULSE_CMD_*, or any value the client sent) and its tag. */
typedef void (*pulse_proxy_deny_fn)(void *userdata, uint32_t command, uint32_t tag);

/*
 * Starts relaying between client_fd and server_fd: connected AF_UNIX
 * stream sockets (the proxy uses send(MSG_NOSIGNAL), and reads with
 * read(): descriptors or credentials the client sends along are not
 * received (the kernel closes passed descriptors when the reader gives
 * no control buffer, net/core/scm.c scm_recv)). Makes both non-blocking.
 * on_deny may be NULL. Returns 0 with *ret owning both descriptors, or
 * -errno (-ENOMEM, or fcntl's) with the descriptors left to the caller.
 */
int pulse_proxy_new(int client_fd, int server_fd, pulse_proxy_deny_fn on_deny, void *userdata,
		    struct pulse_proxy **ret);

/* Closes both descriptors and frees everything. NULL is a no-op. */
void pulse_proxy_free(struct pulse_proxy *p);

int pulse_proxy_fd(const struct pulse_proxy *p, enum pulse_side side);

/* The poll events (POLLIN, POLLOUT) the proxy wants on that side now;
 * 0 when the fd must stay out of the poll set. */
short pulse_proxy_events(const struct pulse_proxy *p, enum pulse_side side);

/*
 * Does the work revents (poll's) allow on that side: writes what is
 * queued for it, reads and judges frames from it (a bounded number per
 * call, so one busy side cannot starve the loop), and tries to write
 * what became queued for the other side. Never blocks.
 * Returns 0 while the connection lives; 1 when it ended cleanly (a side
 * closed and what it sent before was passed on); -EBADMSG when a side
 * broke the protocol (a malformed frame or packet, or SHM); -errno for a
 * socket error (-EPIPE, -ECONNRESET when a side went away mid-write).
 */
int pulse_proxy_handle(struct pulse_proxy *p, enum pulse_side side, short revents);

/* The filter's state (denied and dropped counts, owned streams). */
const struct pulse_filter *pulse_proxy_filter(const struct pulse_proxy *p);
