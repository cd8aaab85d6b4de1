/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The supervisor's stdout and stderr (the guest's console, QEMU's output,
 * the supervisor's lines): a terminal under `run`, the log under `start`,
 * the journal's stream socket under systemd, or a pipe. A terminal that
 * is not read (scroll lock, Ctrl-S, a stuck pipe reader) must not stop the
 * loop, so every write is non-blocking, and what the descriptor does not
 * take at once waits in a buffer of at most TERM_BUF_MAX bytes, sent when
 * epoll says it can go (EPOLLOUT). Past that, output is dropped and
 * counted, and a note with the count follows once the buffer has drained.
 *
 * Non-blocking without touching the file status flags the shell shares
 * with us (O_NONBLOCK is per open file description, open(2)): a terminal
 * or a pipe is opened anew through /proc/self/fd/N with O_NONBLOCK, a
 * socket gets send(MSG_DONTWAIT). A regular file (the log) takes writes
 * as they come. When the reopen fails, writes block as before.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes held for a slow terminal, per stream. */
#define TERM_BUF_MAX (64 * 1024)

struct term_out {
	int std_fd;    /* STDOUT_FILENO or STDERR_FILENO */
	int fd;        /* what is written to; -1 until the first write */
	bool own;      /* fd is our own open of std_fd (closed at the end) */
	bool sock;     /* a socket: send(MSG_DONTWAIT | MSG_NOSIGNAL) */
	bool watched;  /* in the epoll set, for EPOLLOUT */
	char *buf;     /* TERM_BUF_MAX bytes once needed */
	size_t len;    /* bytes waiting in buf */
	uint64_t dropped, dropped_total;
};

/* A stream on std_fd, opened at its first write. */
void term_out_init(struct term_out *t, int std_fd);

/* Writes or queues buf; never blocks (but for the fallback above).
 * epoll_fd: the loop's set, to watch for EPOLLOUT; -1 before the loop. */
void term_out_write(struct term_out *t, int epoll_fd, const char *buf, size_t len);

/* epoll handler: fd is t's and writable. Returns false when fd is not
 * t's. */
bool term_out_handle(struct term_out *t, int epoll_fd, int fd);

/* The end: waits up to ms milliseconds for what is queued to go, then
 * drops the rest, and closes our descriptor. Returns the bytes dropped in
 * all (for the supervisor's last message). */
uint64_t term_out_finish(struct term_out *t, int epoll_fd, int ms);
