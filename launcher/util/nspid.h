/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Thread ids across PID namespaces. QEMU runs in its own PID namespace
 * (the box), so the thread ids QMP reports (query-cpus-fast's thread-id,
 * query-iothreads' thread-id) are ids in that namespace. The supervisor
 * and the command line are outside it: /proc/PID/task/TID/status has a
 * line "NSpid:\tHOST\t...\tINNER" (Linux 4.1, proc(5)), the thread's id in
 * each PID namespace it is visible in, outermost (the reader's) first.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

struct nspid_task {
	pid_t host; /* the tid in the reader's PID namespace (procfs's) */
	pid_t ns;   /* the tid in the innermost namespace (QEMU's view) */
};

/*
 * Every thread of process pid as procfs (e.g. "/proc") shows it: a
 * malloc'd array of *ret_n entries in *ret (the caller frees it). A
 * thread that exits while the directory is read is left out. Returns 0,
 * -ENOENT (no such process), -ENOMEM or another -errno.
 */
int nspid_tasks(const char *procfs, pid_t pid, struct nspid_task **ret, size_t *ret_n);

/* The host tid of the thread of pid whose innermost id is ns_tid, or -1
 * (no such thread, or procfs unreadable). */
pid_t nspid_host_tid(const char *procfs, pid_t pid, pid_t ns_tid);
