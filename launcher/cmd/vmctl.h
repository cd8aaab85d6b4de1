/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Talking to a running VM from the command layer: its supervisor's
 * control socket (control.h), QMP commands included (QEMU's own qmp.sock
 * is left to the user). Helpers: 0 / -errno, no logging. Every read waits at
 * most VMCTL_TIMEOUT_MS for the next bytes: a supervisor or QEMU that
 * hangs must not hang the command.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "json_dl.h"

#include "paths.h"

#define VMCTL_TIMEOUT_MS 10000

struct vm_status {
	pid_t supervisor_pid, qemu_pid;
	char state[32]; /* control.h's states */
};

/* How often vmctl_connect looks again while the VM's lock is held. */
#define VMCTL_WAIT_STEP_MS 5

/* Whether a run holds the VM's lock (prepare.h) now: the probe takes it
 * shared for an instant. */
bool vmctl_lock_held(const struct vm_paths *paths);

/*
 * Connects to the VM's ctl.sock. While nothing listens there but a run
 * holds the VM's lock, the VM is starting (the supervisor binds ctl.sock
 * once QEMU runs) or ending: waits for either, at most VMCTL_TIMEOUT_MS.
 * Returns the fd, -ESRCH when no supervisor listens there and none holds
 * the lock (not running), -ETIMEDOUT, or -errno.
 */
int vmctl_connect(const struct vm_paths *paths);

/* The control socket's status request. Returns 0, -ESRCH (not running),
 * -EBADMSG (an answer not of that shape), -ELIBACC (json-c cannot be
 * loaded: jsonc_why()), or -errno. */
int vmctl_status(const struct vm_paths *paths, struct vm_status *ret);

/*
 * One QMP command through the supervisor (control.h "qmp"): command is
 * {"execute": CMD, "arguments": {...}, "id": ...} (not consumed), sent on
 * the supervisor's own QMP channel. *ret_reply gets the whole reply object
 * ({"return": ...} or {"error": ...}: QEMU's, or the supervisor's when QMP
 * is not ready; the caller puts it). Returns 0, -ESRCH (not running),
 * -ETIMEDOUT, -EBADMSG, or -errno.
 */
int vmctl_qmp(const struct vm_paths *paths, json_object *command, json_object **ret_reply);

/* vmctl_qmp of {"execute": execute}. */
int vmctl_qmp_simple(const struct vm_paths *paths, const char *execute, json_object **ret_reply);

/* Seconds since pid started (proc(5): /proc/PID/stat field 22,
 * starttime in clock ticks since boot, against /proc/uptime), or -1. */
long process_uptime(pid_t pid);
