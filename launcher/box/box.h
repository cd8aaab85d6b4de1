/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Spawning a process into a box (DESIGN.md, "The box"): the supervisor's
 * one way to start QEMU or a helper (swtpm, passt, virtiofsd). The child
 * is confined from before its exec; the caller stays as it was.
 *
 * Failure reporting follows posix_spawn: the child writes its failed step
 * and errno to a close-on-exec pipe; EOF on that pipe means the exec
 * happened. So box_spawn returns only once the program runs in the box,
 * or with the reason it could not.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sandbox.h"

struct box_spec {
	/* What sandbox_policy_build made: environment, rlimits, grants,
	 * Landlock and seccomp settings. */
	const struct sandbox_policy *policy;
	/* Descriptors handed in (sockets the supervisor made): each keeps
	 * its number in the child and loses FD_CLOEXEC there. */
	const int *fds;
	size_t n_fds;
	/* The child's stdin/stdout/stderr; -1: /dev/null. */
	int stdio[3];
};

struct box_child {
	pid_t pid;  /* in the caller's PID namespace */
	int pidfd;  /* pidfd_open(pid), O_CLOEXEC; the caller closes it */
};

/*
 * Starts argv[0] (an absolute path) with argv in a box built from spec.
 * Returns 0 with *ret filled once the exec has happened, or -errno when
 * the box could not be built or the exec failed (then *ret_res names the
 * failed step; no child is left). The caller reaps the child (waitid
 * P_PIDFD).
 */
int box_spawn(const struct box_spec *spec, char *const argv[],
	      struct box_child *ret, struct sandbox_result *ret_res);
