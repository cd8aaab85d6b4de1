// SPDX-License-Identifier: GPL-2.0-or-later
/* Non-blocking, bounded output to the supervisor's stdout/stderr; see
 * term.h. */
#include "term.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void term_out_init(struct term_out *t, int std_fd)
{
	*t = (struct term_out){ .std_fd = std_fd, .fd = -1 };
}

static void open_stream(struct term_out *t)
{
	struct stat st;
	char path[32];
	int fd;

	t->fd = t->std_fd;
	if (fstat(t->std_fd, &st) < 0 || S_ISREG(st.st_mode))
		return;
	if (S_ISSOCK(st.st_mode)) {
		t->sock = true;
		return;
	}
	if (!S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode))
		return;
	/* A new open file description of the same terminal or pipe: its
	 * O_NONBLOCK is ours alone. O_NOCTTY: the supervisor under start has
	 * no terminal and must not get one. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", t->std_fd);
	fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return; /* blocking writes, as before */
	t->fd = fd;
	t->own = true;
}

/* One non-blocking write; bytes written, or -errno. */
static ssize_t put(struct term_out *t, const char *buf, size_t len)
{
	ssize_t n;

	do
		n = t->sock ? send(t->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL)
			    : write(t->fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static void watch(struct term_out *t, int epoll_fd, bool on)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.fd = t->fd };

	if (on == t->watched || epoll_fd < 0)
		return;
	if (epoll_ctl(epoll_fd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, t->fd, &ev) == 0 || !on)
		t->watched = on;
}

/* Sends what is queued; true when the queue is empty. */
static bool flush(struct term_out *t)
{
	while (t->len) {
		ssize_t n = put(t, t->buf, t->len);

		if (n == -EAGAIN)
			return false;
		if (n <= 0) {
			/* The terminal is gone (EIO after a hangup, EPIPE):
			 * nobody reads what is left. */
			t->dropped += t->len;
			t->dropped_total += t->len;
			t->len = 0;
			break;
		}
		memmove(t->buf, t->buf + n, t->len - (size_t)n);
		t->len -= (size_t)n;
	}
	return true;
}

void term_out_write(struct term_out *t, int epoll_fd, const char *buf, size_t len)
{
	size_t room;

	if (t->fd < 0)
		open_stream(t);
	if (!t->len) {
		while (len) {
			ssize_t n = put(t, buf, len);

			if (n == -EAGAIN)
				break;
			if (n <= 0) {
				t->dropped_total += len; /* gone: see flush */
				return;
			}
			buf += n;
			len -= (size_t)n;
		}
		if (!len)
			return;
	}
	if (!t->buf && !(t->buf = malloc(TERM_BUF_MAX))) {
		t->dropped += len;
		t->dropped_total += len;
		return;
	}
	room = TERM_BUF_MAX - t->len;
	if (len > room) {
		t->dropped += len - room;
		t->dropped_total += len - room;
		len = room;
	}
	memcpy(t->buf + t->len, buf, len);
	t->len += len;
	watch(t, epoll_fd, true);
}

bool term_out_handle(struct term_out *t, int epoll_fd, int fd)
{
	char note[128];
	int n;

	if (fd < 0 || fd != t->fd || !t->watched)
		return false;
	if (!flush(t))
		return true;
	watch(t, epoll_fd, false);
	if (t->dropped) {
		/* Said where the hole is, once the stream moves again. */
		n = snprintf(note, sizeof(note),
			     "\r\n[vfio-launch: %" PRIu64 " bytes of output dropped: "
			     "the terminal did not keep up]\r\n", t->dropped);
		t->dropped = 0;
		term_out_write(t, epoll_fd, note, (size_t)n);
	}
	return true;
}

uint64_t term_out_finish(struct term_out *t, int epoll_fd, int ms)
{
	struct timespec now, end;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += ms / 1000;
	end.tv_nsec += (long)(ms % 1000) * 1000000L;
	while (t->len && !flush(t)) {
		struct pollfd pfd = { .fd = t->fd, .events = POLLOUT };
		long left;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (end.tv_sec - now.tv_sec) * 1000 + (end.tv_nsec - now.tv_nsec) / 1000000;
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
	}
	t->dropped_total += t->len;
	t->len = 0;
	watch(t, epoll_fd, false);
	free(t->buf);
	t->buf = NULL;
	if (t->own)
		close(t->fd);
	/* Anything later (run's last messages) goes straight to std_fd. */
	t->fd = t->std_fd;
	t->own = t->sock = false;
	return t->dropped_total;
}
