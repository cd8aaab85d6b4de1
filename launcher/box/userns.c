// SPDX-License-Identifier: GPL-2.0-or-later
/* User namespaces for the box; see userns.h. */
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "findings.h"
#include "profile.h"

static int write_file(const char *path, const char *text)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(text);

	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len)
		return errno ? -errno : -EIO;
	return 0;
}

int userns_write_maps(uid_t uid, gid_t gid, bool root)
{
	char map[64];
	int r;

	/* "deny" first: an unprivileged process may write gid_map only
	 * once setgroups is denied in the namespace (since Linux 3.19),
	 * which also stops it from dropping a group that denies it access
	 * (a file mode like 0707). */
	r = write_file("/proc/self/setgroups", "deny");
	if (r < 0)
		return r;
	snprintf(map, sizeof(map), "%u %u 1\n", root ? 0u : (unsigned)uid, (unsigned)uid);
	r = write_file("/proc/self/uid_map", map);
	if (r < 0)
		return r;
	snprintf(map, sizeof(map), "%u %u 1\n", root ? 0u : (unsigned)gid, (unsigned)gid);
	return write_file("/proc/self/gid_map", map);
}

/* The probe itself, in the grandchild: 0 or -errno. */
static int probe_here(uid_t uid, gid_t gid)
{
	int r = 0;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		r = -errno;
	if (r == 0)
		r = userns_write_maps(uid, gid, false);
	if (r == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		r = -errno;
	if (r == 0 && mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=4k") < 0)
		r = -errno;
	return r;
}

/* The first line of procfs/rel as an integer, or -1. */
static long read_sysctl(const char *procfs, const char *rel)
{
	char path[512], buf[32];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/sys/%s", procfs, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* The whole probe (what the box does first), in a grandchild. */
static int probe_full(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int p[2], err = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = errno;
		close(p[0]);
		close(p[1]);
		return -err;
	}
	if (pid == 0) {
		/* The probe runs in a grandchild and this child exits at
		 * once: the end of a mount namespace waits for an RCU grace
		 * period (namespace_unlock, synchronize_rcu), 1-2 ms of a
		 * `run` under load when the probe was our child and we
		 * waited for its exit (issue 15). The grandchild, orphaned,
		 * is reaped by init or the nearest subreaper. */
		pid_t g = fork();

		close(p[0]);
		if (g != 0) {
			err = g < 0 ? errno : 0;
			if (err)
				(void)!write(p[1], &err, sizeof(err));
			_exit(0);
		}
		err = -probe_here(uid, gid);
		(void)!write(p[1], &err, sizeof(err));
		_exit(0);
	}
	close(p[1]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	do
		n = read(p[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n != (ssize_t)sizeof(err))
		return -ECHILD;
	return -err;
}

static int child_exit(void *arg)
{
	(void)arg;
	return 0;
}

int userns_probe(void)
{
	/* Its stack: we are suspended until it exits (CLONE_VFORK). */
	static char stack[16384] __attribute__((aligned(16)));
	pid_t pid;

	/* Under AppArmor's restriction the user namespace is made but
	 * holds no capabilities: only the mount shows it. */
	if (read_sysctl("/proc", "kernel/apparmor_restrict_unprivileged_userns") == 1)
		return probe_full();
	/* Elsewhere what refuses the box refuses the user namespace itself
	 * (user.max_user_namespaces, kernel.unprivileged_userns_clone, a
	 * seccomp filter of a container): a child made in one, sharing our
	 * memory (no page tables copied) and exiting at once, a user
	 * namespace's end being asynchronous. 0.5 ms under load where the
	 * whole probe took 2 ms (issue 15). */
	pid = clone(child_exit, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | CLONE_NEWUSER | SIGCHLD,
		    NULL);
	if (pid < 0)
		return -errno;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return 0;
}

void userns_refusal(const char *procfs, int err, const char **ret_why,
		    const char **ret_fix)
{
	if (read_sysctl(procfs, "user/max_user_namespaces") == 0) {
		*ret_why = "user namespaces are disabled (user.max_user_namespaces = 0)";
		*ret_fix = "echo user.max_user_namespaces=15000 | sudo tee /etc/sysctl.d/"
			   "50-vfio-launch-userns.conf && sudo sysctl --system";
	} else if (read_sysctl(procfs, "kernel/unprivileged_userns_clone") == 0) {
		*ret_why = "unprivileged user namespaces are disabled "
			   "(kernel.unprivileged_userns_clone = 0)";
		*ret_fix = "echo kernel.unprivileged_userns_clone=1 | sudo tee /etc/sysctl.d/"
			   "50-vfio-launch-userns.conf && sudo sysctl --system";
	} else if (read_sysctl(procfs, "kernel/apparmor_restrict_unprivileged_userns") == 1) {
		*ret_why = "AppArmor restricts unprivileged user namespaces "
			   "(kernel.apparmor_restrict_unprivileged_userns = 1)";
		*ret_fix = "load the AppArmor profile `make install` puts in "
			   "/etc/apparmor.d/vfio-launch: sudo apparmor_parser -r "
			   "/etc/apparmor.d/vfio-launch";
	} else {
		*ret_why = err == -ENOSPC ? "the user namespace limit is reached "
					    "(user.max_user_namespaces)"
			   : err == -ENOSYS ? "this kernel has no user namespaces "
					     "(CONFIG_USER_NS)"
					   : "unprivileged user namespaces are refused";
		*ret_fix = "allow unprivileged user namespaces for your user (user_namespaces(7); "
			   "a container or a security module may forbid them)";
	}
}

/* What the reduced box (no namespaces) leaves open: README.md, "Security
 * model", says the same. */
#define REDUCED_GAPS                                                            \
	"pathname unix sockets stay reachable with connect() (the session bus, "   \
	"ssh-agent, other VMs' QMP sockets: Landlock does not govern connect), "   \
	"abstract unix sockets with a display, /proc/self/net lists the host's "   \
	"sockets, and the host's network is QEMU's"

void userns_check(const struct profile *p, const char *procfs, struct findings *f)
{
	if (p->sandbox == SANDBOX_OFF)
		return;
	userns_report(p, procfs, userns_probe(), f);
}

void userns_report(const struct profile *p, const char *procfs, int r, struct findings *f)
{
	const char *why, *fix;
	char buf[1024];

	if (p->sandbox == SANDBOX_OFF)
		return;
	if (r == 0) {
		if (p->sandbox == SANDBOX_REDUCED)
			finding_warn(f, "namespaces", "remove sandbox = reduced: this host allows "
				     "the box's namespaces",
				     "*** sandbox = reduced: QEMU runs without its own namespaces "
				     "although this host allows them; not stopped: " REDUCED_GAPS
				     " ***");
		else
			finding_pass(f, "namespaces", "user, mount, IPC, network, PID, UTS, "
				     "cgroup: QEMU gets a root of its own");
		return;
	}
	userns_refusal(procfs ? procfs : "/proc", r, &why, &fix);
	if (p->sandbox == SANDBOX_REDUCED) {
		finding_warn(f, "namespaces", fix,
			     "*** sandbox = reduced: %s, QEMU runs in the box WITHOUT "
			     "namespaces (seccomp, Landlock, no capabilities still apply). Not "
			     "stopped: " REDUCED_GAPS " ***", why);
		return;
	}
	snprintf(buf, sizeof(buf), "%s; or, knowing what it leaves open (README.md, "
		 "\"Security model\"), set sandbox = reduced in %s", fix,
		 p->file ? p->file : "the profile");
	finding_fail(f, "namespaces", buf,
		     "%s (%s): run would not start QEMU without its namespaces", why,
		     strerror(-r));
}

void userns_host_check(const char *procfs, struct findings *f)
{
	const char *why, *fix;
	int r = userns_probe();

	if (r == 0) {
		finding_pass(f, "userns", "unprivileged user namespaces: the box can be built");
		return;
	}
	userns_refusal(procfs ? procfs : "/proc", r, &why, &fix);
	finding_fail(f, "userns", fix, "%s (%s): run refuses profiles without "
		     "sandbox = reduced", why, strerror(-r));
	/* (the profile's own line adds the sandbox = reduced way out) */
}
