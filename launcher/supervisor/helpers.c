// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Starting and ending the helpers (helpers.h). A helper is a program of
 * the host (swtpm, virtiofsd) or of ours (vfio-slirp): it gets no more than
 * QEMU does by default (box_spawn: namespaces, the root its grants make,
 * no capabilities, no_new_privs, Landlock, seccomp, a clean environment),
 * widened only as its resource's policy says.
 */
#include "helpers.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "box.h"
#include "cleanup.h"

void helpers_init(struct helper_set *set)
{
	*set = (struct helper_set){ 0 };
	for (size_t i = 0; i < HELPERS_MAX; i++) {
		set->v[i].pidfd = -1;
		set->qemu[i].fd = -1;
	}
}

/* item with every "{fd}" replaced by fd; malloc'd, NULL on ENOMEM. */
static char *subst_fd(const char *item, int fd)
{
	char num[16], *out, *o;
	size_t n = 0, len;
	const char *s;

	snprintf(num, sizeof(num), "%d", fd);
	for (s = item; (s = strstr(s, "{fd}")); s += 4)
		n++;
	len = strlen(item) + n * strlen(num) + 1;
	out = malloc(len);
	if (!out)
		return NULL;
	for (s = item, o = out; *s;) {
		if (strncmp(s, "{fd}", 4) == 0) {
			o = stpcpy(o, num);
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

/*
 * A connected pair made through a listening socket, for a helper that
 * accepts its connection itself (struct helper.listen): sv[1] listens,
 * sv[0] is connected to it (the connection waits in its backlog). The
 * name is bound in a new directory of mode 0700 (mkdtemp) under
 * $XDG_RUNTIME_DIR (else /tmp), so no one else can connect first, and
 * is removed with the directory before this returns.
 */
static int listen_pair(int sv[2])
{
	const char *base = getenv("XDG_RUNTIME_DIR");
	char dir[PATH_MAX], path[PATH_MAX + 8];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int r = 0, l, c;

	if (!base || base[0] != '/')
		base = "/tmp";
	if (snprintf(dir, sizeof(dir), "%s/vfio-launch-fs.XXXXXX", base) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	if (!mkdtemp(dir))
		return -errno;
	snprintf(path, sizeof(path), "%s/s", dir);
	if (strlen(path) >= sizeof(sa.sun_path)) {
		rmdir(dir);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || c < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(l, 1) < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		r = -errno;
	unlink(path);
	rmdir(dir);
	if (r < 0) {
		if (l >= 0)
			close(l);
		if (c >= 0)
			close(c);
		return r;
	}
	sv[0] = c;
	sv[1] = l;
	return 0;
}

/* Starts h with its end of a new socketpair; adds it to set. */
static int start_one(struct helper *h, struct helper_set *set, struct sandbox_result *ret_res)
{
	struct helper_proc *hp = &set->v[set->n];
	struct box_spec spec = { .policy = &h->policy, .stdio = { -1, -1, STDERR_FILENO } };
	struct box_child child;
	int sv[2], r;

	if (h->listen) {
		r = listen_pair(sv);
		if (r < 0)
			return r;
	} else if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		return -errno;
	}
	for (size_t i = 0; i < h->argv.n; i++) {
		if (!strstr(h->argv.v[i], "{fd}"))
			continue;
		char *s = subst_fd(h->argv.v[i], sv[1]);
		if (!s) {
			close(sv[0]);
			close(sv[1]);
			return -ENOMEM;
		}
		free(h->argv.v[i]);
		h->argv.v[i] = s;
	}
	spec.fds = &sv[1];
	spec.n_fds = 1;
	r = box_spawn(&spec, h->argv.v, &child, ret_res);
	close(sv[1]);
	if (r < 0) {
		close(sv[0]);
		return r;
	}
	hp->what = strdup(h->what);
	memcpy(hp->id, h->id, sizeof(hp->id));
	hp->pid = child.pid;
	hp->pidfd = child.pidfd;
	set->qemu[set->n].id = hp->id;
	set->qemu[set->n].fd = sv[0];
	set->n++;
	return 0;
}

int helpers_start(struct helper_list *list, struct helper_set *set,
		  const char **ret_what, struct sandbox_result *ret_res)
{
	*ret_what = NULL;
	for (size_t i = 0; i < list->n; i++) {
		int r = start_one(&list->v[i], set, ret_res);
		if (r < 0) {
			*ret_what = list->v[i].what;
			return r;
		}
	}
	return 0;
}

void helpers_close_qemu_fds(struct helper_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->qemu[i].fd >= 0) {
			close(set->qemu[i].fd);
			set->qemu[i].fd = -1;
		}
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reaps hp when it has ended (WNOHANG); true when it has. Logs a helper
 * that failed; killed: we sent the SIGKILL. */
static bool reap(struct helper_proc *hp, bool killed)
{
	siginfo_t si = { 0 };

	if (waitid(P_PIDFD, (id_t)hp->pidfd, &si, WEXITED | WNOHANG) < 0) {
		if (errno == EINTR)
			return false;
		si.si_pid = hp->pid; /* ECHILD: reaped elsewhere: gone */
		si.si_code = CLD_EXITED;
	}
	if (si.si_pid == 0)
		return false;
	if (si.si_code == CLD_EXITED && si.si_status != 0)
		fprintf(stderr, "vfio-launch: %s (pid %d) exited with status %d\n",
			hp->what ? hp->what : hp->id, (int)hp->pid, si.si_status);
	else if (si.si_code != CLD_EXITED && !(killed && si.si_status == SIGKILL))
		fprintf(stderr, "vfio-launch: %s (pid %d) was killed by signal %d (%s)\n",
			hp->what ? hp->what : hp->id, (int)hp->pid, si.si_status,
			strsignal(si.si_status));
	close(hp->pidfd);
	hp->pidfd = -1;
	return true;
}

void helpers_stop(struct helper_set *set, unsigned grace_ms)
{
	int64_t deadline = now_ms() + grace_ms;

	helpers_close_qemu_fds(set);
	for (size_t i = 0; i < set->n; i++) {
		struct helper_proc *hp = &set->v[i];

		while (hp->pidfd >= 0 && !reap(hp, false)) {
			struct pollfd pfd = { .fd = hp->pidfd, .events = POLLIN };
			int64_t left = deadline - now_ms();

			if (left <= 0) {
				/* pidfd_send_signal (Linux 5.1): cannot hit a
				 * recycled PID. */
				fprintf(stderr, "vfio-launch: %s (pid %d) did not end %u ms after "
					"QEMU; killing it\n", hp->what ? hp->what : hp->id,
					(int)hp->pid, grace_ms);
				syscall(SYS_pidfd_send_signal, hp->pidfd, SIGKILL, NULL, 0);
				while (hp->pidfd >= 0 && !reap(hp, true))
					poll(&pfd, 1, 100);
				break;
			}
			poll(&pfd, 1, (int)(left < 100 ? left : 100));
		}
		free(hp->what);
		hp->what = NULL;
	}
	helpers_init(set);
}
