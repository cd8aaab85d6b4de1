/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The supervisor's control socket (DESIGN.md, "Processes"):
 * $XDG_RUNTIME_DIR/vfio-launch/NAME/ctl.sock, in the 0700 runtime dir, so
 * only the user reaches it; QEMU's box holds no path to it. Up to
 * CONTROL_CLIENTS_MAX connections at a time, each one request (a JSON
 * object on one line, in QMP's shape) and its answer, then closed:
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
 *   {"execute": "qmp", "arguments": {"command": {"execute": CMD,
 *                                                "arguments": {...}, "id": ID}}}
 *       CMD sent on the supervisor's own QMP channel (qmp.h), and QEMU's
 *       reply passed back as it came ({"return": ...} or {"error": ...}),
 *       with the command's own "id" if it had one. The loop never waits
 *       for it: the reply is matched by its QMP id when QEMU sends it, and
 *       queued out as the client takes it (a query-qmp-schema reply is
 *       larger than a socket buffer). Commands that pass descriptors
 *       (getfd, add-fd) need QEMU's own qmp.sock: nothing is passed on
 *       here. An error when QMP is not negotiated yet or QEMU is gone.
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

#include <stdbool.h>
#include <stdint.h>

#include "supervisor.h"

/* Listens on sv->control_path (a stale socket is replaced: the caller
 * holds the VM's lock). Returns 0 or -errno. */
int control_open(struct supervisor *sv);

/* Marks every client slot free (supervisor_init). */
void control_init(struct supervisor *sv);

/* epoll handler of the listening socket. */
void control_on_listen(struct supervisor *sv);

/* epoll handler of the clients: returns false when fd is none of them. */
bool control_handle(struct supervisor *sv, int fd, uint32_t events);

/* A reply on the QMP channel: passed to the client whose forwarded
 * command it answers (returns true), or false when it is not one of
 * those (the supervisor's own). */
bool control_qmp_reply(struct supervisor *sv, const struct qmp_msg *m);

/* QEMU was reaped with run's exit status: answers every waiting stop. */
void control_finish(struct supervisor *sv, int exit_status);

/* Closes every client but the waiting stops (kept open until this
 * process exits). */
void control_close(struct supervisor *sv);
