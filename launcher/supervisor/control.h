/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The supervisor's control socket (DESIGN.md, "Processes"):
 * $XDG_RUNTIME_DIR/vfio-launch/NAME/ctl.sock, in the 0700 runtime dir, so
 * only the user reaches it; QEMU's box holds no path to it. One client at
 * a time; one JSON object per line, in QMP's shape:
 *
 *   {"execute": "stop", "arguments": {"force": BOOL, "timeout": SECONDS}}
 *       one step of the stop sequence (supervisor_stop); answered, once
 *       QEMU has been reaped, by {"return": {"exit-status": N}} (run's
 *       exit status), and the connection closes when the supervisor has
 *       exited: EOF means every process of the VM is gone.
 *   {"execute": "status"}
 *       {"return": {"supervisor-pid": N, "qemu-pid": N, "state": S}},
 *       S one of starting, running, paused, powering-down, quitting,
 *       killed.
 *
 *   {"execute": "console"}
 *       {"return": {}}, then the connection is the guest's serial console
 *       (console.h) until the client closes it; {"error": ...} when
 *       another console is attached.
 *
 * Anything else is answered {"error": {"class": "GenericError", "desc":
 * ...}} and the connection closed.
 */
#pragma once

#include "supervisor.h"

/* Listens on sv->control_path (a stale socket is replaced: the caller
 * holds the VM's lock). Returns 0 or -errno. */
int control_open(struct supervisor *sv);

/* epoll handlers of the listening socket and the client. */
void control_on_listen(struct supervisor *sv);
void control_on_client(struct supervisor *sv);

/* QEMU was reaped with run's exit status: answers a waiting stop. */
void control_finish(struct supervisor *sv, int exit_status);
