/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPU pinning ([cpu] pin, emulator-pin, iothreads, iothread-pin): the
 * check (the pinned CPUs exist and are online, a guest core's threads
 * land on SMT siblings of one host core, the vCPUs' CPUs are isolated
 * from the host's scheduler), the plan the supervisor applies
 * (supervisor/pin.c), and the -object iothread arguments.
 *
 * Host facts come from sysfs (devices/system/cpu: online, present,
 * cpuN/topology/thread_siblings_list; Documentation/ABI/stable/
 * sysfs-devices-system-cpu and admin-guide/cputopology.rst), procfs
 * (cmdline: isolcpus=, nohz_full=; admin-guide/kernel-parameters.txt) and
 * cgroup v2 (fs/cgroup/system.slice/cpuset.cpus, what systemd's
 * AllowedCPUs= writes; systemd.resource-control(5)), all under the
 * check_ctx roots so tests use fake trees.
 */
#pragma once

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

#include "profile.h"

_Static_assert(PROFILE_CPU_MAX <= CPU_SETSIZE, "a cpu_set_t holds every CPU a profile names");

/* What the supervisor applies to QEMU's threads, made by the check. */
struct pin_plan {
	bool active;      /* some thread is pinned: -name debug-threads=on */
	size_t n_vcpus;   /* vcpu[] entries; 0: the vCPUs are not pinned */
	unsigned short vcpu[PROFILE_CPU_MAX]; /* host CPU of vCPU i (cpu-index) */
	bool emulator;    /* emulator_set is given */
	cpu_set_t emulator_set; /* every QEMU thread not a vCPU or I/O thread */
	bool iothread;    /* iothread_set is given */
	cpu_set_t iothread_set; /* every I/O thread */
};

/* The host's CPUs as sysfs shows them. */
struct host_cpus {
	cpu_set_t present, online;
	/* For each online CPU: the smallest CPU of its thread_siblings_list
	 * (the physical core's id here), -1 when unknown. */
	short core[PROFILE_CPU_MAX];
};

/*
 * Parses a kernel CPU list ("0-3,8", cgroup-v2.rst cpuset.cpus format;
 * an empty string or "\n" is the empty set) into *ret. Returns the number
 * of CPUs, or -EINVAL (bad syntax or a CPU >= PROFILE_CPU_MAX).
 */
int cpulist_parse(const char *s, cpu_set_t *ret);

/* Writes set as a kernel CPU list ("0-3,8") into buf. */
void cpulist_format(const cpu_set_t *set, char *buf, size_t len);

/* Reads sysfs/devices/system/cpu into *ret. 0 or -errno (no online
 * file). */
int host_cpus_read(const char *sysfs, struct host_cpus *ret);

/*
 * The plan for p on host h. Pure. With topology threads T > 1, guest
 * core c (vCPUs c*T .. c*T+T-1: QEMU numbers the threads of a core
 * consecutively, hw/i386/x86.c x86_topo_ids_from_idx) takes the first
 * unused CPU x of pin and the next T-1 unused CPUs of pin that are SMT
 * siblings of x, in the order written. Returns 0, or -EINVAL with why
 * filled (a CPU not present or offline, a guest core that would span
 * host cores).
 */
int pin_plan_make(const struct profile *p, const struct host_cpus *h, struct pin_plan *ret,
		  char *why, size_t why_len);

/*
 * The CPUs isolated from the host's scheduler, into *ret: isolcpus= and
 * nohz_full= of procfs/cmdline, sysfs/devices/system/cpu/isolated, and
 * the CPUs outside sysfs/fs/cgroup/system.slice/cpuset.cpus when that is
 * set (systemd AllowedCPUs= on system.slice). Never fails: an unreadable
 * source adds nothing.
 */
void pin_isolated_cpus(const char *sysfs, const char *procfs, cpu_set_t *ret);
