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

/*
 * A box's namespaces made ahead (issue 15): a network namespace costs
 * 0.65-0.75 ms of clone(2) on a 2-core Linux 6.x machine, more than
 * everything else in the box. box_ns_start() has a child, on another CPU
 * (sched_setaffinity), make them while the caller goes on with its
 * checks, and hold them until box_ns_stop(): first user (the caller's
 * uid and gid mapped, setgroups denied) and mount (private from /), then
 * network when asked, IPC, UTS (hostname set) and cgroup. box_spawn()
 * with spec->ns joins the first two (setns(2) on the holder's pidfd,
 * Linux 5.8), makes the PID namespace, so QEMU is still PID 1 of one of
 * its own, builds the root, and only then joins the others, which the
 * holder made meanwhile. The holder runs nothing but this code: it
 * closes every descriptor it inherited, sits in read(2) until its pipe
 * closes, is in the caller's PID namespace (out of the box's sight: the
 * box's /proc is its own) and dies with the caller (PR_SET_PDEATHSIG).
 */
struct box_ns {
	pid_t pid;      /* the holder, the caller's child; 0: none */
	int pidfd;      /* its pidfd (CLONE_PIDFD), for setns */
	int ready_fd;   /* its answers (a SOCK_SEQPACKET socket): the first
			 * namespaces made, then the others, or errors */
	int hold_fd;    /* write end: closing it ends the holder */
	bool netns;     /* a network namespace among them */
	bool waited;    /* err below is the holder's answer */
	int err;        /* 0, or the -errno that refused a namespace */
	const char *failed_step; /* with err: which step */
};

/*
 * Starts the holder (above). Cheap for the caller: one fork (no
 * namespace is made in its context). Returns 0 with *ret filled (free
 * with box_ns_stop), or -errno of pipe2/clone; a refused namespace is
 * reported later, by box_ns_wait.
 */
int box_ns_start(bool netns, struct box_ns *ret);

/*
 * Waits for the holder's first answer: 0 once the user and mount
 * namespaces exist, or the -errno that refused them (EPERM, ENOSPC,
 * EINVAL: what clone(2) with the same flags would return; userns.h
 * explains them); ns->failed_step names the step. Idempotent. (The box
 * child reads the second answer, box.c join_rest.)
 */
int box_ns_wait(struct box_ns *ns);

/* Ends the holder and reaps it; the namespaces live on in whatever box
 * joined them. ns may be zeroed (pid 0): nothing to do. */
void box_ns_stop(struct box_ns *ns);

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
	/* Namespaces made ahead (box_ns_start) to join, or NULL: clone(2)
	 * makes them. Only for a policy with namespaces, and netns as the
	 * policy's. */
	struct box_ns *ns;
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
 * P_PIDFD). With spec->ns, a short-lived child joins those namespaces and
 * starts the box child as the caller's own (CLONE_PARENT), so the result
 * is the same: QEMU is the caller's child, PID 1 of its namespace.
 */
int box_spawn(const struct box_spec *spec, char *const argv[],
	      struct box_child *ret, struct sandbox_result *ret_res);
