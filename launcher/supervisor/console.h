/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's serial console for `vfio-launch console` (cmd/console.c):
 * a control-socket client that asked {"execute": "console"} gets
 * {"return": {}} and from then on its connection is the console: what the
 * guest writes goes to it (besides the supervisor's stdout: terminal, log
 * or journal), what it sends goes to the guest. One console client at a
 * time; it detaches by closing the connection, the VM keeps running.
 *
 * Writes to the client never block the supervisor: a console client that
 * does not read is detached. Input (the client's, or the terminal's under
 * run) that the guest does not take at once waits, and no more input is
 * read until it has gone: nothing typed is dropped.
 */
#pragma once

#include <stdint.h>

#include "supervisor.h"

/* Takes over fd, a control client registered in the epoll set, as the
 * console client (control.c, after the reply). Returns 0, or -EBUSY when
 * a console is attached already (fd is left alone), or -errno (fd closed). */
int console_attach(struct supervisor *sv, int fd);

/* epoll handler of the console client: its bytes to the guest. */
void console_on_client(struct supervisor *sv);

/* epoll handler of the serial socket: on EPOLLOUT, waiting input to the
 * guest; on EPOLLIN, the guest's bytes to stdout (term.h) and the
 * console client. Returns -1 at EOF (the caller stops watching). */
int console_on_serial(struct supervisor *sv, uint32_t events);

/* epoll handler of stdin (run on a terminal): keys to the guest. */
void console_on_stdin(struct supervisor *sv);

/* Closes the console client, if any. */
void console_detach(struct supervisor *sv);
