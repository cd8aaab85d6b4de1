/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An undo that survives confinement. Once the launcher has confined
 * itself (sandbox.c), Landlock forbids removing what prepare created (the
 * runtime dir, a new ivshmem file), so a failed execve could not roll
 * back. exec_guard_start forks, before confining, a watcher that keeps
 * the launcher's rights and waits on a socket: at a successful execve the
 * launcher's end closes (FD_CLOEXEC) and the watcher exits doing nothing;
 * after a failed one, exec_guard_undo asks the watcher to run the undo
 * and waits until it has. QEMU keeps the launcher's PID: the watcher is
 * the one that forks (twice, so that it is not QEMU's child).
 */
#pragma once

/*
 * Starts the watcher; undo(arg) is what it runs when asked (in its own
 * copy of the memory, so arg must be filled in before this call).
 * Returns 0 with *ret_fd the launcher's end (O_CLOEXEC; hand it through
 * sandbox_apply as a kept fd and set FD_CLOEXEC again after), or -errno.
 */
int exec_guard_start(void (*undo)(void *arg), void *arg, int *ret_fd);

/* Has the watcher run the undo and waits for it; closes fd. Returns 0,
 * or -EPIPE when the watcher is gone (nothing was undone). */
int exec_guard_undo(int fd);

/* Dismisses the watcher without an undo (closes fd). */
void exec_guard_dismiss(int fd);
