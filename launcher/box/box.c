// SPDX-License-Identifier: GPL-2.0-or-later
/* Spawning into a box; see box.h. */
#include "box.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "mount.h"
#include "userns.h"

extern char **environ;

/* What the child reports on the pipe when it cannot exec. The pointers
 * are valid in the parent: the child is a copy of it (fork, no exec yet),
 * the step names are static strings and failed_path points into the
 * caller's policy. */
struct box_report {
	int err; /* positive errno */
	struct sandbox_result res;
};

static int setup_stdio(const struct box_spec *spec)
{
	for (int i = 0; i < 3; i++) {
		int fd = spec->stdio[i];
		if (fd < 0) {
			fd = open("/dev/null", O_RDWR | O_CLOEXEC);
			if (fd < 0)
				return -errno;
		}
		if (fd == i) {
			if (fcntl(fd, F_SETFD, 0) < 0)
				return -errno;
		} else if (dup2(fd, i) < 0) {
			return -errno;
		}
	}
	return 0;
}

/* The ids the child maps into its user namespace: the supervisor's. */
struct box_ids {
	uid_t uid;
	gid_t gid;
};

static _Noreturn void child(const struct box_spec *spec, char *const argv[], int report_fd,
			    const struct box_ids *ids)
{
	struct box_report rep = { 0 };
	_cleanup_free_ int *keep = calloc(spec->n_fds + 1, sizeof(int));
	int r;

	/* Its own session, first (signals are still blocked): the
	 * terminal's Ctrl-C goes to the supervisor alone, which turns it
	 * into an ACPI power-down, and the child has no controlling
	 * terminal to inject input into. */
	setsid();
	/* QEMU does not outlive its supervisor (killed with it). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* Back to default dispositions and an empty mask: the supervisor's
	 * signalfd setup must not leak into QEMU. */
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);

	if (!keep) {
		r = -ENOMEM;
		rep.res.failed_step = "memory";
		goto fail;
	}
	r = setup_stdio(spec);
	if (r < 0) {
		rep.res.failed_step = "stdio";
		goto fail;
	}
	/* The namespaces' contents, in the order DESIGN.md ("The box")
	 * gives; clone() made the namespaces themselves (box_spawn). */
	if (spec->policy->namespaces) {
		/* 1. The user namespace's maps: the user's own uid and gid,
		 *    setgroups denied. Until they are written the child is
		 *    "nobody" in it; after, it holds every capability in its
		 *    namespaces and none outside (user_namespaces(7)), which
		 *    is what the mounts need and what step 4 of
		 *    sandbox_apply drops. */
		r = userns_write_maps(ids->uid, ids->gid, spec->policy->userns_root);
		if (r < 0) {
			rep.res.failed_step = "user namespace (uid/gid maps)";
			goto fail;
		}
		/* The UTS namespace: a name of its own, so nothing the box
		 * sets is the host's hostname. */
		if (sethostname("vfio-launch", strlen("vfio-launch")) < 0) {
			r = -errno;
			rep.res.failed_step = "UTS namespace (hostname)";
			goto fail;
		}
		/* 2. The new root (mount.c: its steps and why each is safe). */
		r = box_mount_root(spec->policy, &rep.res.failed_path);
		if (r < 0) {
			rep.res.failed_step = "box root";
			goto fail;
		}
	}
	/* 3-5 (sandbox.c): descriptors, environment, rlimits, capabilities,
	 * no_new_privs, Landlock from the same grants (a second layer: a
	 * bug in the mounts still leaves QEMU confined to the grants), and
	 * seccomp last. */
	memcpy(keep, spec->fds, spec->n_fds * sizeof(int));
	keep[spec->n_fds] = report_fd;
	r = sandbox_apply(spec->policy, keep, spec->n_fds + 1, &rep.res);
	if (r < 0)
		goto fail;
	if (fcntl(report_fd, F_SETFD, FD_CLOEXEC) < 0) {
		r = -errno;
		rep.res.failed_step = "report fd";
		goto fail;
	}
	/* Whatever QEMU creates is the user's alone (trust boundary 2). */
	umask(077);
	execve(argv[0], argv, environ);
	r = -errno;
	rep.res.failed_step = "execve";
fail:
	rep.err = -r;
	(void)!write(report_fd, &rep, sizeof(rep));
	_exit(127);
}

int box_spawn(const struct box_spec *spec, char *const argv[],
	      struct box_child *ret, struct sandbox_result *ret_res)
{
	struct box_ids ids = { geteuid(), getegid() };
	unsigned long flags = SIGCHLD | CLONE_PIDFD;
	int pipefd[2];
	struct box_report rep;
	ssize_t n;
	pid_t pid;
	int pidfd = -1;

	*ret_res = (struct sandbox_result){ 0 };
	/* The namespaces (DESIGN.md, "The box", step 1): user first (the
	 * kernel creates it before the others, which it then owns, so an
	 * unprivileged user may create them), mount, IPC (SysV objects of
	 * the user's other programs out of reach), network (empty, unless
	 * QEMU's own networking needs the host's: policy->netns), PID (the
	 * child is PID 1 of its namespace), UTS and cgroup.
	 *
	 * QEMU itself is PID 1, with no init before it: it starts no
	 * processes (-sandbox spawn=deny), so there are no orphans to reap;
	 * it installs handlers for SIGTERM/SIGINT/SIGHUP (os-posix.c,
	 * os_setup_signal_handling), which is what lets a PID 1 receive
	 * them from the supervisor (pid_namespaces(7)); SIGKILL always
	 * arrives; and its exit status is the child's, read through the
	 * pidfd without an init to relay it. When PID 1 exits the kernel
	 * kills whatever else is left in the namespace.
	 *
	 * clone(2) with a NULL stack behaves as fork; CLONE_PIDFD returns a
	 * pidfd atomically (no PID reuse race). clone, not clone3: a
	 * seccomp filter can test clone's flags (tests/sandbox fakes a host
	 * refusing user namespaces that way). */
	if (spec->policy->namespaces) {
		flags |= CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWPID |
			 CLONE_NEWUTS | CLONE_NEWCGROUP;
		if (spec->policy->netns)
			flags |= CLONE_NEWNET;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = (pid_t)syscall(SYS_clone, flags, NULL, &pidfd, NULL, 0);
	if (pid < 0) {
		int e = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return -e;
	}
	if (pid == 0) {
		close(pipefd[0]);
		child(spec, argv, pipefd[1], &ids);
	}
	close(pipefd[1]);
	do
		n = read(pipefd[0], &rep, sizeof(rep));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == (ssize_t)sizeof(rep)) {
		/* The child failed before or at exec and exits 127. */
		*ret_res = rep.res;
		waitpid(pid, NULL, 0);
		if (pidfd >= 0)
			close(pidfd);
		return rep.err ? -rep.err : -EIO;
	}
	if (pidfd < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -EBADF;
	}
	/* CLONE_PIDFD's descriptor is O_CLOEXEC by definition. */
	ret->pid = pid;
	ret->pidfd = pidfd;
	return 0;
}
