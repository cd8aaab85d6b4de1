/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The audio proxy as one pollable descriptor: a listening socket (the one
 * QEMU's libpulse connects to, `-audiodev pa,server=unix:PATH`) and every
 * connection accepted on it, each relayed to the user's sound server by a
 * pulse_proxy. The hub keeps them in an epoll instance of its own, so its
 * host's loop needs one descriptor and one call:
 *
 *     epoll_ctl(loop, EPOLL_CTL_ADD, pulse_hub_fd(hub), EPOLLIN)
 *     when it is readable: pulse_hub_dispatch(hub)
 *
 * (an epoll descriptor is readable while events are pending in it, and
 * can itself be watched by poll or epoll: epoll(7), "Q3".) No threads, no
 * blocking; everything happens inside pulse_hub_dispatch.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "pulse_proxy.h"

/* Connections served at once (QEMU makes one per audiodev). */
#define PULSE_HUB_MAX_CONN 8

struct pulse_hub_ops {
	/* A client command answered with an error (may be NULL). */
	void (*denied)(void *userdata, unsigned conn, uint32_t command, uint32_t tag);
	/* A connection opened (result 0: conn is its number), or ended:
	 * pulse_proxy_handle's result (1 clean, -EBADMSG protocol
	 * violation, -errno), or -errno when the server could not be
	 * reached for it, or -EMFILE when PULSE_HUB_MAX_CONN are open.
	 * May be NULL. */
	void (*event)(void *userdata, unsigned conn, bool opened, int result);
	void *userdata;
};

struct pulse_hub;

/*
 * Serves listen_fd (a listening AF_UNIX stream socket; the hub owns it
 * from here) by connecting each client to server_path (the user's
 * server, audio_server_path() in resources/audio.h; copied). Returns 0
 * with *ret, or -errno (epoll_create1, -ENOMEM; listen_fd is then closed).
 */
int pulse_hub_new(int listen_fd, const char *server_path, const struct pulse_hub_ops *ops,
		  struct pulse_hub **ret);

/* The descriptor the host's loop watches for EPOLLIN / POLLIN. */
int pulse_hub_fd(const struct pulse_hub *h);

/*
 * Handles what is ready: accepts clients (and connects them to the
 * server), relays, ends connections. Never blocks. Returns 0, or -errno
 * when the hub itself failed (its epoll); a single connection's failure
 * only ends that connection (reported through ops->event).
 */
int pulse_hub_dispatch(struct pulse_hub *h);

/* Closes every connection, the listening socket and the epoll fd. */
void pulse_hub_free(struct pulse_hub *h);
