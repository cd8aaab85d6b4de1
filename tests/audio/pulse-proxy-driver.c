// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A stand-alone host for the audio proxy (launcher/supervisor/pulse_proxy.h)
 * so that it can be tested against a real server without the supervisor:
 *
 *     pulse-proxy-driver LISTEN_SOCKET SERVER_SOCKET
 *
 * listens on LISTEN_SOCKET (a new AF_UNIX path); for each client, connects
 * to SERVER_SOCKET and relays through the proxy, in one poll loop, the way
 * the supervisor's loop will. Logs each denied command and each closed
 * connection on stderr; runs until killed.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "pulse_proxy.h"

#define MAX_CONN 16

static int unix_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

static void on_deny(void *userdata, uint32_t command, uint32_t tag)
{
	const char *name = pulse_command_name(command);

	fprintf(stderr, "pulse-proxy: conn %d: denied %s (command %u, tag %u)\n",
		*(int *)userdata, name ? name : "?", command, tag);
}

int main(int argc, char **argv)
{
	struct pulse_proxy *conn[MAX_CONN] = { 0 };
	int ids[MAX_CONN], next_id = 0;
	struct sockaddr_un listen_sa, server_sa;
	int lfd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s LISTEN_SOCKET SERVER_SOCKET\n", argv[0]);
		return 64;
	}
	if (unix_addr(argv[1], &listen_sa) < 0 || unix_addr(argv[2], &server_sa) < 0) {
		fprintf(stderr, "pulse-proxy: socket path too long\n");
		return 64;
	}
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&listen_sa, sizeof(listen_sa)) < 0 ||
	    listen(lfd, 8) < 0) {
		fprintf(stderr, "pulse-proxy: listen on %s: %m\n", argv[1]);
		return 71;
	}
	fprintf(stderr, "pulse-proxy: listening on %s for %s\n", argv[1], argv[2]);

	for (;;) {
		struct pollfd pfd[1 + 2 * MAX_CONN];

		pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (int i = 0; i < MAX_CONN; i++)
			for (int s = 0; s < 2; s++) {
				short ev = conn[i] ? pulse_proxy_events(conn[i], s) : 0;

				/* events 0: out of the set (POLLHUP would spin). */
				pfd[1 + 2 * i + s] = (struct pollfd){
					.fd = ev ? pulse_proxy_fd(conn[i], s) : -1,
					.events = ev,
				};
			}
		if (poll(pfd, 1 + 2 * MAX_CONN, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "pulse-proxy: poll: %m\n");
			return 71;
		}
		for (int i = 0; i < MAX_CONN; i++)
			for (int s = 0; s < 2 && conn[i]; s++) {
				short re = pfd[1 + 2 * i + s].revents;
				int r;

				if (!re)
					continue;
				r = pulse_proxy_handle(conn[i], s, re);
				if (r == 0)
					continue;
				fprintf(stderr, "pulse-proxy: conn %d closed: %s (%" PRIu64 " denied)\n",
					ids[i], r > 0 ? "end of stream" : strerror(-r),
					pulse_proxy_filter(conn[i])->n_denied);
				pulse_proxy_free(conn[i]);
				conn[i] = NULL;
			}
		if (pfd[0].revents & POLLIN) {
			int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
			int sfd, slot = -1, r;

			if (cfd < 0)
				continue;
			for (int i = 0; i < MAX_CONN && slot < 0; i++)
				if (!conn[i])
					slot = i;
			sfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
			/* A blocking connect: AF_UNIX completes it at once or
			 * fails (the server's backlog is not full in a test). */
			if (slot < 0 || sfd < 0 ||
			    connect(sfd, (struct sockaddr *)&server_sa, sizeof(server_sa)) < 0) {
				fprintf(stderr, "pulse-proxy: cannot take a client: %m\n");
				close(cfd);
				if (sfd >= 0)
					close(sfd);
				continue;
			}
			ids[slot] = next_id++;
			r = pulse_proxy_new(cfd, sfd, on_deny, &ids[slot], &conn[slot]);
			if (r < 0) {
				fprintf(stderr, "pulse-proxy: %s\n", strerror(-r));
				close(cfd);
				close(sfd);
				continue;
			}
			fprintf(stderr, "pulse-proxy: conn %d opened\n", ids[slot]);
		}
	}
}
