// SPDX-License-Identifier: GPL-2.0-or-later
/* Clients of a running VM's sockets; see vmctl.h. */
#include "vmctl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "common.h"
#include "json_dl.h"
#include "qmp.h"

static int connect_unix(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, r;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		r = -errno;
		close(fd);
		/* No socket, or one nobody listens on (left by a supervisor
		 * that was killed): not running. */
		return r == -ENOENT || r == -ECONNREFUSED ? -ESRCH : r;
	}
	return fd;
}

bool vmctl_lock_held(const struct vm_paths *paths)
{
	_cleanup_close_ int fd = open(paths->lock_file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);

	/* Shared, and released at once: a run taking the lock meanwhile
	 * tries again (prepare.h). */
	return fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
}

int vmctl_connect(const struct vm_paths *paths)
{
	_cleanup_free_ char *ctl = control_path(paths);

	if (!ctl)
		return -ENOMEM;
	/* No answer while a run holds the lock: it binds ctl.sock once
	 * QEMU runs (supervisor.h), or has just closed it and is ending. */
	for (int waited = 0;; waited += VMCTL_WAIT_STEP_MS) {
		int fd = connect_unix(ctl);

		if (fd != -ESRCH || !vmctl_lock_held(paths))
			return fd;
		if (waited >= VMCTL_TIMEOUT_MS)
			return -ETIMEDOUT;
		poll(NULL, 0, VMCTL_WAIT_STEP_MS);
	}
}

/* Waits for fd to be readable, at most VMCTL_TIMEOUT_MS. */
static int wait_readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int r;

	do
		r = poll(&pfd, 1, VMCTL_TIMEOUT_MS);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r == 0 ? -ETIMEDOUT : 0;
}

/* The next message that is not an event; 0 or -errno. */
static int next_reply(struct qmp *q, struct qmp_msg *m)
{
	for (;;) {
		int r = qmp_next(q, m);

		if (r > 0 && m->kind == QMP_EVENT) {
			qmp_msg_clear(m);
			continue;
		}
		if (r > 0)
			return 0;
		if (r < 0)
			return r;
		if (q->eof)
			return -ECONNRESET;
		r = wait_readable(q->fd);
		if (r < 0)
			return r;
		r = qmp_fill(q);
		if (r < 0 && r != -EAGAIN)
			return r;
	}
}

/* One request on the control socket and its one-line answer, read as a
 * QMP message (the answers have QMP's shape: control.h). */
static int request(const struct vm_paths *paths, json_object *req, json_object **ret_reply)
{
	_cleanup_close_ int fd = vmctl_connect(paths);
	_cleanup_free_ char *line = NULL;
	struct qmp q;
	struct qmp_msg m = { 0 };
	int r;

	*ret_reply = NULL;
	if (fd < 0)
		return fd;
	if (asprintf(&line, "%s\n", jsonc.json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN)) < 0)
		return -ENOMEM;
	if (send(fd, line, strlen(line), MSG_NOSIGNAL) < 0)
		return -errno;
	qmp_init(&q, fd);
	r = next_reply(&q, &m);
	if (r == 0 && m.kind != QMP_RETURN && m.kind != QMP_ERROR)
		r = -EBADMSG;
	if (r == 0)
		*ret_reply = jsonc.json_object_get(m.obj);
	qmp_msg_clear(&m);
	qmp_clear(&q);
	return r;
}

int vmctl_status(const struct vm_paths *paths, struct vm_status *ret)
{
	json_object *req, *o = NULL, *r = NULL, *v;
	int e;

	*ret = (struct vm_status){ 0 };
	/* list and start ask without load_jsonc(): no json-c, no answer. */
	e = jsonc_load();
	if (e < 0)
		return e;
	req = jsonc.json_object_new_object();
	jsonc.json_object_object_add(req, "execute", jsonc.json_object_new_string("status"));
	e = request(paths, req, &o);
	jsonc.json_object_put(req);
	if (e < 0)
		return e;
	if (!jsonc.json_object_object_get_ex(o, "return", &r)) {
		jsonc.json_object_put(o);
		return -EBADMSG;
	}
	if (jsonc.json_object_object_get_ex(r, "supervisor-pid", &v))
		ret->supervisor_pid = jsonc.json_object_get_int(v);
	if (jsonc.json_object_object_get_ex(r, "qemu-pid", &v))
		ret->qemu_pid = jsonc.json_object_get_int(v);
	if (jsonc.json_object_object_get_ex(r, "state", &v))
		snprintf(ret->state, sizeof(ret->state), "%s", jsonc.json_object_get_string(v));
	jsonc.json_object_put(o);
	return 0;
}

int vmctl_qmp(const struct vm_paths *paths, json_object *command, json_object **ret_reply)
{
	json_object *req = jsonc.json_object_new_object(), *args = jsonc.json_object_new_object();
	int r;

	jsonc.json_object_object_add(args, "command", jsonc.json_object_get(command));
	jsonc.json_object_object_add(req, "execute", jsonc.json_object_new_string("qmp"));
	jsonc.json_object_object_add(req, "arguments", args);
	r = request(paths, req, ret_reply);
	jsonc.json_object_put(req);
	return r;
}

int vmctl_qmp_simple(const struct vm_paths *paths, const char *execute, json_object **ret_reply)
{
	json_object *cmd = jsonc.json_object_new_object();
	int r;

	jsonc.json_object_object_add(cmd, "execute", jsonc.json_object_new_string(execute));
	r = vmctl_qmp(paths, cmd, ret_reply);
	jsonc.json_object_put(cmd);
	return r;
}

long process_uptime(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	double up;
	FILE *f;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			 "%*d %*d %*d %llu", &start) != 1)
		return -1;
	f = fopen("/proc/uptime", "re");
	if (!f)
		return -1;
	if (fscanf(f, "%lf", &up) != 1)
		up = -1;
	fclose(f);
	if (up < 0)
		return -1;
	return (long)(up - (double)start / (double)sysconf(_SC_CLK_TCK));
}
