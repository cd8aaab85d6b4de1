// SPDX-License-Identifier: GPL-2.0-or-later
/* The serial console relay and its detachable client; see console.h. */
#include "console.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* Keyboard input waits in sv->in_buf while the serial socket is full
 * (a guest that reads its console slowly, or not while paused): its
 * sources, stdin and the console client, are then not read (taken out of
 * the epoll set: EPOLLHUP would be reported even with no events asked),
 * and the serial socket is watched for EPOLLOUT. Nothing typed is lost,
 * and what waits is never more than one read (4 KiB). */
static void set_input_paused(struct supervisor *sv, bool paused)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int op = paused ? EPOLL_CTL_DEL : EPOLL_CTL_ADD;

	if (sv->stdin_open) {
		ev.data.fd = STDIN_FILENO;
		epoll_ctl(sv->epoll_fd, op, STDIN_FILENO, &ev);
	}
	if (sv->console_fd >= 0) {
		ev.data.fd = sv->console_fd;
		epoll_ctl(sv->epoll_fd, op, sv->console_fd, &ev);
	}
	ev.events = paused ? EPOLLIN | EPOLLOUT : EPOLLIN;
	ev.data.fd = sv->serial_fd;
	epoll_ctl(sv->epoll_fd, EPOLL_CTL_MOD, sv->serial_fd, &ev);
}

/* Sends what waits; true when nothing is left. */
static bool flush_input(struct supervisor *sv)
{
	while (sv->in_len) {
		ssize_t n = send(sv->serial_fd, sv->in_buf, sv->in_len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return false;
		if (n <= 0) {
			sv->in_len = 0; /* QEMU is gone: nobody takes it */
			break;
		}
		memmove(sv->in_buf, sv->in_buf + n, sv->in_len - (size_t)n);
		sv->in_len -= (size_t)n;
	}
	return true;
}

/* buf (at most sizeof(sv->in_buf) bytes, read while nothing waited) to
 * the guest. */
static void to_guest(struct supervisor *sv, const char *buf, size_t len)
{
	memcpy(sv->in_buf, buf, len);
	sv->in_len = len;
	if (!flush_input(sv))
		set_input_paused(sv, true);
}

void console_on_stdin(struct supervisor *sv)
{
	char buf[sizeof(sv->in_buf)];
	ssize_t n;

	/* Input waits already (the other source paused us earlier in this
	 * epoll batch): this one is read once that has gone. */
	if (sv->in_len)
		return;
	n = read(STDIN_FILENO, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* End of input (or a hung-up terminal): no more keys. */
		epoll_ctl(sv->epoll_fd, EPOLL_CTL_DEL, STDIN_FILENO, NULL);
		sv->stdin_open = false;
		return;
	}
	to_guest(sv, buf, (size_t)n);
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
	/* The control client's epoll entry becomes the console's (none
	 * while input waits: set_input_paused adds it back). */
	sv->console_fd = fd;
	ev.data.fd = sv->console_fd;
	if (epoll_ctl(sv->epoll_fd, sv->in_len ? EPOLL_CTL_DEL : EPOLL_CTL_MOD, sv->console_fd,
		      sv->in_len ? NULL : &ev) < 0) {
		int r = -errno;

		close(sv->console_fd);
		sv->console_fd = -1;
		return r;
	}
	return 0;
}

void console_on_client(struct supervisor *sv)
{
	char buf[sizeof(sv->in_buf)];
	ssize_t n;

	if (sv->in_len)
		return; /* as in console_on_stdin */
	n = recv(sv->console_fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		console_detach(sv);
		return;
	}
	to_guest(sv, buf, (size_t)n);
}

int console_on_serial(struct supervisor *sv, uint32_t events)
{
	char buf[4096];
	ssize_t n;

	if ((events & EPOLLOUT) && flush_input(sv))
		set_input_paused(sv, false);
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return 0;
	n = recv(sv->serial_fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	term_out_write(&sv->tout, sv->epoll_fd, buf, (size_t)n);
	/* A client too slow to take this (EAGAIN) or gone: detached; its
	 * console would have a hole otherwise. */
	if (sv->console_fd >= 0 &&
	    send(sv->console_fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) != n)
		console_detach(sv);
	return 0;
}
