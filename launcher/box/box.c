// SPDX-License-Identifier: GPL-2.0-or-later
/* Spawning into a box; see box.h. */
#include "box.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
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
	int err; /* positive errno; 0: the joiner's report of pid */
	pid_t pid; /* the box child (spawn_joined), in our PID namespace */
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

static int join_rest(const struct box_ns *ns, const char **ret_step);

static _Noreturn void child(const struct box_spec *spec, char *const argv[], int report_fd,
			    const struct box_ids *ids, bool joined)
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
	 * gives; clone() made the namespaces themselves (box_spawn), or,
	 * joined, the holder made them and wrote the maps and hostname. */
	if (spec->policy->namespaces && !joined) {
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
	}
	if (spec->policy->namespaces) {
		/* 2. The new root (mount.c: its steps and why each is safe). */
		r = box_mount_root(spec->policy, &rep.res.failed_path);
		if (r < 0) {
			rep.res.failed_step = "box root";
			goto fail;
		}
	}
	/* The namespaces made while the root was built (box_ns_start). */
	if (joined) {
		r = join_rest(spec->ns, &rep.res.failed_step);
		if (r < 0)
			goto fail;
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

/* ------------------------------------------------ namespaces made ahead */

/* What the holder makes: the box's namespaces but PID, which a process
 * cannot enter itself (unshare(2): only its children would be in it).
 * User and mount first: the box child joins those at once and builds its
 * root; the others, the network namespace the costly one (0.5-0.75 ms),
 * meanwhile, joined by the box child just before it confines itself. */
#define AHEAD_FIRST (CLONE_NEWUSER | CLONE_NEWNS)

static unsigned long ahead_rest(bool netns)
{
	return CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP | (netns ? CLONE_NEWNET : 0);
}

/* The answers on the holder's socket, in this order for the first; step
 * points into this program (the holder is a copy of the caller). */
enum ahead_kind {
	AHEAD_FIRST_MADE = 1, /* user and mount made, or err */
	AHEAD_REST_MADE,      /* the others made, or err */
};

struct ahead_answer {
	enum ahead_kind kind;
	int err; /* positive errno, 0: made */
	const char *step;
};

/* One answer within timeout_ms (-1: no limit): 0, or -errno
 * (-ETIMEDOUT; -ECHILD: the socket closed without one). */
static int recv_answer(int sock, int timeout_ms, struct ahead_answer *a)
{
	struct pollfd pfd = { sock, POLLIN, 0 };
	ssize_t n;
	int r;

	do
		r = poll(&pfd, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return r == 0 ? -ETIMEDOUT : -errno;
	do
		n = recv(sock, a, sizeof(*a), 0);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(*a) ? 0 : n < 0 ? -errno : -ECHILD;
}

static void close_all_but(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	if (lo > 0)
		close_range(0, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	close_range((unsigned)hi + 1, ~0U, 0);
}

/*
 * Lets the holder (pid, just forked) run anywhere we may but on this
 * CPU, when another is allowed: it would start on ours and wait there
 * until we block, making nothing in parallel. A task that has not run
 * yet counts as cache-hot for the scheduler's balancing
 * (sysctl_sched_migration_cost, 0.5 ms), so an idle CPU does not take it
 * either: seen on a 2-vCPU machine, the holder's first instruction
 * 0.5 ms after its fork, when run blocked to wait for it. Excluding our
 * CPU moves it at once (sched_setaffinity(2)). QEMU does not descend
 * from it.
 */
static void elsewhere(pid_t pid)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	if (cpu < 0 || sched_getaffinity(0, sizeof(set), &set) < 0 || CPU_COUNT(&set) < 2)
		return;
	CPU_CLR(cpu, &set);
	(void)sched_setaffinity(pid, sizeof(set), &set);
}

static _Noreturn void holder(int ready_fd, int hold_fd, bool netns, const struct box_ids *ids,
			     pid_t parent)
{
	struct ahead_answer a = { AHEAD_FIRST_MADE, 0, NULL };
	sigset_t all;
	char c;
	int r;

	/* Only SIGKILL ends it early: the terminal's Ctrl-C or Ctrl-Z for
	 * the process group must not take the namespaces from under a
	 * starting box. It dies with the caller. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	/* Nothing of the caller's: its descriptors, the profile's and the
	 * user's files among them, are not held in the box's namespaces. */
	close_all_but(ready_fd, hold_fd);
	if (unshare(AHEAD_FIRST) < 0) {
		a.err = errno;
		a.step = "namespaces";
	} else if ((r = userns_write_maps(ids->uid, ids->gid, false)) < 0) {
		/* as child() step 1 would, for a box made by clone */
		a.err = -r;
		a.step = "user namespace (uid/gid maps)";
	} else if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		/* at once: no host mount event propagates in meanwhile */
		a.err = errno;
		a.step = "/ (private)";
	}
	(void)!send(ready_fd, &a, sizeof(a), MSG_NOSIGNAL);
	if (!a.err) {
		/* The others, while the box child builds its root in the
		 * mount namespace (owned by this user namespace, as one
		 * unshare of all would make them). */
		a = (struct ahead_answer){ AHEAD_REST_MADE, 0, NULL };
		if (unshare((int)ahead_rest(netns)) < 0) {
			a.err = errno;
			a.step = "namespaces";
		} else if (sethostname("vfio-launch", strlen("vfio-launch")) < 0) {
			a.err = errno;
			a.step = "UTS namespace (hostname)";
		}
		(void)!send(ready_fd, &a, sizeof(a), MSG_NOSIGNAL);
	}
	close(ready_fd);
	while (read(hold_fd, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

int box_ns_start(bool netns, struct box_ns *ret)
{
	struct box_ids ids = { geteuid(), getegid() };
	pid_t parent = getpid(), pid;
	int ready[2], hold[2], pidfd = -1, e;

	*ret = (struct box_ns){ .pidfd = -1, .ready_fd = -1, .hold_fd = -1, .netns = netns };
	/* datagrams in order, each whole (unix(7)) */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ready) < 0)
		return -errno;
	if (pipe2(hold, O_CLOEXEC) < 0) {
		e = errno;
		goto fail_ready;
	}
	/* A fork (own memory): unshare(CLONE_NEWUSER) in a child sharing
	 * ours would race on errno and the stack; and it is the child's
	 * context, not ours, that pays for the namespaces. */
	pid = (pid_t)syscall(SYS_clone, SIGCHLD | CLONE_PIDFD, NULL, &pidfd, NULL, 0);
	if (pid < 0) {
		e = errno;
		close(hold[0]);
		close(hold[1]);
		goto fail_ready;
	}
	if (pid == 0)
		holder(ready[1], hold[0], netns, &ids, parent);
	elsewhere(pid);
	close(ready[1]);
	close(hold[0]);
	ret->pid = pid;
	ret->pidfd = pidfd;
	ret->ready_fd = ready[0];
	ret->hold_fd = hold[1];
	return 0;
fail_ready:
	close(ready[0]);
	close(ready[1]);
	return -e;
}

int box_ns_wait(struct box_ns *ns)
{
	struct ahead_answer a;
	int r;

	if (ns->waited)
		return ns->err;
	ns->waited = true;
	r = recv_answer(ns->ready_fd, -1, &a);
	if (r < 0 || a.kind != AHEAD_FIRST_MADE) {
		ns->err = -ECHILD;
		ns->failed_step = "namespaces (their holder ended)";
	} else if (a.err) {
		ns->err = -a.err;
		ns->failed_step = a.step;
	}
	return ns->err;
}

/* In the box child, once its root is built: waits for the holder's
 * second answer (5 s at most) and joins those namespaces, with the
 * capabilities the joined user namespace gives, before sandbox_apply
 * drops them. 0, or -errno with *ret_step. */
static int join_rest(const struct box_ns *ns, const char **ret_step)
{
	struct ahead_answer a;
	int r = recv_answer(ns->ready_fd, 5000, &a);

	if (r < 0 || a.kind != AHEAD_REST_MADE) {
		*ret_step = "namespaces (no answer from their holder)";
		return r < 0 ? r : -EPROTO;
	}
	if (a.err) {
		*ret_step = a.step;
		return -a.err;
	}
	if (setns(ns->pidfd, (int)ahead_rest(ns->netns)) < 0) {
		*ret_step = "namespaces (joining them)";
		return -errno;
	}
	return 0;
}

void box_ns_stop(struct box_ns *ns)
{
	if (ns->pid <= 0)
		return;
	/* EOF on its pipe: the holder exits; what joined keeps them. */
	close(ns->hold_fd);
	close(ns->ready_fd);
	if (ns->pidfd >= 0)
		close(ns->pidfd);
	while (waitpid(ns->pid, NULL, 0) < 0 && errno == EINTR)
		;
	ns->pid = 0;
	ns->pidfd = ns->ready_fd = ns->hold_fd = -1;
}

/* The box child's stack while it shares the joiner's memory: child()
 * keeps a few PATH_MAX buffers (mount.c, landlock.c) on it. */
#define JOINED_STACK (512 * 1024)

struct joined_args {
	const struct box_spec *spec;
	char *const *argv;
	int report_fd;
};

static int joined_child(void *arg)
{
	const struct joined_args *a = arg;

	child(a->spec, a->argv, a->report_fd, NULL, true);
}

/*
 * The joiner: a copy of the caller (own memory: setns(CLONE_NEWUSER)
 * refuses a process whose memory is shared, kernel/user_namespace.c
 * userns_install) that enters the user and mount namespaces made ahead
 * in one call (setns(2) on a pidfd, Linux 5.8: the user namespace first,
 * so its capabilities govern the other), and starts the box child:
 *   CLONE_NEWPID  PID 1 of a namespace of its own, owned by the joined
 *                 user namespace;
 *   CLONE_PARENT  the caller's child, not ours: the caller reaps it, and
 *                 PR_SET_PDEATHSIG ties it to the caller (child());
 *   CLONE_VM | CLONE_VFORK  no page tables copied (posix_spawn's way):
 *                 we are suspended until it execs or exits.
 * Then it reports the child's PID and exits.
 */
static _Noreturn void joiner(const struct box_spec *spec, char *const argv[], int report_fd)
{
	struct box_report rep = { 0 };
	struct joined_args a = { spec, argv, report_fd };
	void *stack;
	pid_t pid;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (setns(spec->ns->pidfd, AHEAD_FIRST) < 0) {
		rep.err = errno;
		rep.res.failed_step = "namespaces (joining them)";
		goto fail;
	}
	stack = mmap(NULL, JOINED_STACK, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED) {
		rep.err = errno;
		rep.res.failed_step = "memory";
		goto fail;
	}
	pid = clone(joined_child, (char *)stack + JOINED_STACK,
		    CLONE_VM | CLONE_VFORK | CLONE_PARENT | CLONE_NEWPID | SIGCHLD, &a);
	if (pid < 0) {
		rep.err = errno;
		rep.res.failed_step = "PID namespace";
		goto fail;
	}
	/* It has exec'd, or has written why not and exited. */
	rep.pid = pid;
	(void)!write(report_fd, &rep, sizeof(rep));
	_exit(0);
fail:
	(void)!write(report_fd, &rep, sizeof(rep));
	_exit(127);
}

static int spawn_joined(const struct box_spec *spec, char *const argv[], struct box_child *ret,
			struct sandbox_result *ret_res)
{
	struct box_report rep, failed = { 0 };
	pid_t q, pid = 0;
	int pipefd[2], r;
	ssize_t n;

	r = box_ns_wait(spec->ns);
	if (r < 0) {
		ret_res->failed_step = spec->ns->failed_step;
		return r;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	q = (pid_t)syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, 0);
	if (q < 0) {
		r = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return r;
	}
	if (q == 0) {
		close(pipefd[0]);
		joiner(spec, argv, pipefd[1]);
	}
	close(pipefd[1]);
	/* The box child's failure (if any) comes first: the joiner writes
	 * only once it has exec'd or exited. EOF when both are done. */
	for (;;) {
		n = read(pipefd[0], &rep, sizeof(rep));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(rep))
			break;
		if (rep.err && !failed.err)
			failed = rep;
		else if (!rep.err)
			pid = rep.pid;
	}
	close(pipefd[0]);
	while (waitpid(q, NULL, 0) < 0 && errno == EINTR)
		;
	if (failed.err || pid <= 0) {
		if (pid > 0) /* exited 127; ours to reap (CLONE_PARENT) */
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
		*ret_res = failed.res;
		return failed.err ? -failed.err : -EIO;
	}
	/* Our child, not reaped: the PID cannot name another process. */
	ret->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (ret->pidfd < 0) {
		r = -errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return r;
	}
	ret->pid = pid;
	return 0;
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
	if (spec->ns && spec->policy->namespaces)
		return spawn_joined(spec, argv, ret, ret_res);
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
		child(spec, argv, pipefd[1], &ids, false);
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
