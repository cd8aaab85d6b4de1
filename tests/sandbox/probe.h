/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sandbox-probe (probe.c): what its operations (probe_ops.c) share with
 * the runner: the targets read from the command line and the disk image,
 * and the table of operations.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* The paths and targets of probe.c's header comment; set by main before
 * any operation runs. */
extern const char *disk, *shm, *runtime_dir, *home;
extern pid_t victim; /* outside the box: the test's, else our parent */
extern char abstract_name[108];
extern int tcp_port;

/* One operation a guest that took over QEMU would try: fn returns 0 when
 * it succeeded, else -errno; runs in a forked child and may be killed. */
struct probe_op {
	const char *name;
	long (*fn)(void);
};
extern const struct probe_op probe_ops[];
extern const size_t probe_ops_n;
