/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Talking to a running VM from the command layer: its supervisor's
 * control socket (control.h) and QEMU's user QMP socket (qmp.sock, QEMU's
 * own QMP server). Helpers: 0 / -errno, no logging. Every read waits at
 * most VMCTL_TIMEOUT_MS: a supervisor or QEMU that hangs must not hang
 * the command.
 */
#pragma once

#include <sys/types.h>

#include <json-c/json.h>

#include "paths.h"

#define VMCTL_TIMEOUT_MS 10000

struct vm_status {
	pid_t supervisor_pid, qemu_pid;
	char state[32]; /* control.h's states */
};

/* Connects to the VM's ctl.sock. Returns the fd, -ESRCH when no
 * supervisor listens there (not running), or -errno. */
int vmctl_connect(const struct vm_paths *paths);

/* The control socket's status request. Returns 0, -ESRCH (not running),
 * -EBADMSG (an answer not of that shape), or -errno. */
int vmctl_status(const struct vm_paths *paths, struct vm_status *ret);

/*
 * One QMP command on QEMU's qmp.sock (greeting, qmp_capabilities, then
 * the command; events in between are skipped). *ret_reply gets the whole
 * reply object ({"return": ...} or {"error": ...}; the caller puts it).
 * args may be NULL; it is not consumed. Returns 0, -ESRCH (no socket),
 * -ETIMEDOUT, -EBADMSG, or -errno.
 */
int vmctl_qmp(const struct vm_paths *paths, const char *execute, json_object *args,
	      json_object **ret_reply);

/* Seconds since pid started (proc(5): /proc/PID/stat field 22,
 * starttime in clock ticks since boot, against /proc/uptime), or -1. */
long process_uptime(pid_t pid);
