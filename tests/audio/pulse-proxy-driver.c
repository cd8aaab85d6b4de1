// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A stand-alone host for the audio proxy (launcher/supervisor/pulse_hub.h)
 * so that it can be tested against a real server without the supervisor:
 *
 *     pulse-proxy-driver LISTEN_SOCKET SERVER_SOCKET
 *
 * listens on LISTEN_SOCKET (a new AF_UNIX path) and relays each client to
 * SERVER_SOCKET through the hub, hosted the way the supervisor's loop
 * hosts it: the hub's one descriptor watched for input, pulse_hub_dispatch
 * when it is ready. Logs each denied command and each connection opened
 * or closed on stderr; runs until killed.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "pulse_hub.h"

static void denied(void *userdata, unsigned conn, uint32_t command, uint32_t tag)
{
	const char *name = pulse_command_name(command);

	(void)userdata;
	fprintf(stderr, "pulse-proxy: conn %u: denied %s (command %u, tag %u)\n", conn,
		name ? name : "?", command, tag);
}

static void event(void *userdata, unsigned conn, bool opened, int result)
{
	(void)userdata;
	if (opened)
		fprintf(stderr, "pulse-proxy: conn %u opened\n", conn);
	else
		fprintf(stderr, "pulse-proxy: conn %u closed: %s\n", conn,
			result > 0 ? "end of stream" : strerror(-result));
}

int main(int argc, char **argv)
{
	const struct pulse_hub_ops ops = { .denied = denied, .event = event };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pulse_hub *hub;
	int lfd, r;

	if (argc != 3) {
		fprintf(stderr, "usage: %s LISTEN_SOCKET SERVER_SOCKET\n", argv[0]);
		return 64;
	}
	if (strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "pulse-proxy: socket path too long\n");
		return 64;
	}
	strcpy(sa.sun_path, argv[1]);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 8) < 0) {
		fprintf(stderr, "pulse-proxy: listen on %s: %m\n", argv[1]);
		return 71;
	}
	r = pulse_hub_new(lfd, argv[2], &ops, &hub);
	if (r < 0) {
		fprintf(stderr, "pulse-proxy: %s\n", strerror(-r));
		return 71;
	}
	fprintf(stderr, "pulse-proxy: listening on %s for %s\n", argv[1], argv[2]);
	for (;;) {
		struct pollfd pfd = { .fd = pulse_hub_fd(hub), .events = POLLIN };

		if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
			fprintf(stderr, "pulse-proxy: poll: %m\n");
			return 71;
		}
		if ((r = pulse_hub_dispatch(hub)) < 0) {
			fprintf(stderr, "pulse-proxy: %s\n", strerror(-r));
			return 71;
		}
	}
}
