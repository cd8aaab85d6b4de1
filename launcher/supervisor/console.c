// SPDX-License-Identifier: GPL-2.0-or-later
/* The serial console relay and its detachable client; see console.h. */
#include "console.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* The supervisor's stdout: the terminal (run), the log (start) or the
 * journal (systemd). Blocking, as supervisor.c's own relays. */
static void write_out(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* a closed terminal: the output is lost */
		buf += n;
		len -= (size_t)n;
	}
}

void console_detach(struct supervisor *sv)
{
	if (sv->console_fd < 0)
		return;
	epoll_ctl(sv->epoll_fd, EPOLL_CTL_DEL, sv->console_fd, NULL);
	close(sv->console_fd);
	sv->console_fd = -1;
}

int console_attach(struct supervisor *sv, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN };

	if (sv->console_fd >= 0)
		return -EBUSY;
	/* The control client's epoll entry becomes the console's. */
	sv->console_fd = fd;
	ev.data.fd = sv->console_fd;
	if (epoll_ctl(sv->epoll_fd, EPOLL_CTL_MOD, sv->console_fd, &ev) < 0) {
		int r = -errno;

		close(sv->console_fd);
		sv->console_fd = -1;
		return r;
	}
	return 0;
}

void console_on_client(struct supervisor *sv)
{
	char buf[4096];
	ssize_t n = recv(sv->console_fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		console_detach(sv);
		return;
	}
	/* As the terminal's keystrokes in run (supervisor.c relay): a guest
	 * that does not read its console loses them rather than block us. */
	(void)send(sv->serial_fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
}

int console_on_serial(struct supervisor *sv)
{
	char buf[4096];
	ssize_t n = recv(sv->serial_fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	write_out(buf, (size_t)n);
	/* A client too slow to take this (EAGAIN) or gone: detached; its
	 * console would have a hole otherwise. */
	if (sv->console_fd >= 0 &&
	    send(sv->console_fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) != n)
		console_detach(sv);
	return 0;
}
