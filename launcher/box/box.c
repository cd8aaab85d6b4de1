// SPDX-License-Identifier: GPL-2.0-or-later
/* Spawning into a box; see box.h. */
#include "box.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"

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

static _Noreturn void child(const struct box_spec *spec, char *const argv[], int report_fd)
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
	int pipefd[2];
	struct box_report rep;
	ssize_t n;
	pid_t pid;
	int pidfd;

	*ret_res = (struct sandbox_result){ 0 };
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int e = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return -e;
	}
	if (pid == 0) {
		close(pipefd[0]);
		child(spec, argv, pipefd[1]);
	}
	close(pipefd[1]);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
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
		int e = errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -e;
	}
	/* pidfd_open's descriptor is O_CLOEXEC by definition. */
	ret->pid = pid;
	ret->pidfd = pidfd;
	return 0;
}
