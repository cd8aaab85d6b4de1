// SPDX-License-Identifier: GPL-2.0-or-later
/* Readiness: systemd's notify protocol and `start`'s pipe; supervisor.h. */
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "supervisor.h"

void supervisor_ready(struct supervisor *sv)
{
	/* sd_notify (libsystemd, sd_notify(3)) returns 0 without
	 * $NOTIFY_SOCKET: run from a terminal or from `start`. Errors are
	 * not ours to act on: systemd then times the unit out. */
	(void)sd_notifyf(0, "READY=1\nSTATUS=VM %s running, QEMU pid %d", sv->name, (int)sv->pid);
	if (sv->ready_fd >= 0) {
		/* start (cmd/start.c) waits for this byte; EOF without it
		 * means the supervisor ended before the VM ran. */
		(void)!write(sv->ready_fd, "R", 1);
		close(sv->ready_fd);
		sv->ready_fd = -1;
	}
}
