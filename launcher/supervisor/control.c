// SPDX-License-Identifier: GPL-2.0-or-later
/* The supervisor's control socket; see control.h. */
#include "unix_listen.h"
#include "control.h"
#include "console.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

int control_open(struct supervisor *sv)
{
	int fd = unix_listen(sv->control_path, SOCK_NONBLOCK, 4, &sv->made_control_socket);

	if (fd < 0)
		return fd;
	sv->ctl_fd = fd;
	return 0;
}

/* {"return": {}} */
static json_object *json_object_new_object_return(void)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "return", json_object_new_object());
	return o;
}

/* One reply line; the socket is ours and the reply short. */
static void reply(int fd, json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);

	(void)!send(fd, s, strlen(s), MSG_DONTWAIT | MSG_NOSIGNAL);
	(void)!send(fd, "\n", 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	json_object_put(o);
}

static void reply_error(int fd, const char *desc)
{
	json_object *o = json_object_new_object(), *e = json_object_new_object();

	json_object_object_add(e, "class", json_object_new_string("GenericError"));
	json_object_object_add(e, "desc", json_object_new_string(desc));
	json_object_object_add(o, "error", e);
	reply(fd, o);
}

static void drop_client(struct supervisor *sv)
{
	epoll_ctl(sv->epoll_fd, EPOLL_CTL_DEL, sv->ctl_client_fd, NULL);
	close(sv->ctl_client_fd);
	sv->ctl_client_fd = -1;
	sv->ctl_len = 0;
}

void control_on_listen(struct supervisor *sv)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fd = accept4(sv->ctl_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (sv->ctl_client_fd >= 0) {
		reply_error(fd, "another vfio-launch command is talking to this VM");
		close(fd);
		return;
	}
	ev.data.fd = fd;
	if (epoll_ctl(sv->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		return;
	}
	sv->ctl_client_fd = fd;
	sv->ctl_len = 0;
}

static const char *state_name(const struct supervisor *sv)
{
	switch (sv->state) {
	case SV_STARTING:
		return "starting";
	case SV_RUNNING:
		return sv->vcpus_running ? "running" : "paused";
	case SV_POWERDOWN:
		return "powering-down";
	case SV_QUIT:
		return "quitting";
	case SV_KILLED:
	default:
		return "killed";
	}
}

static void handle(struct supervisor *sv, json_object *req)
{
	json_object *cmd = NULL, *args = NULL, *v;
	const char *name;

	if (!json_object_is_type(req, json_type_object) ||
	    !json_object_object_get_ex(req, "execute", &cmd) ||
	    !json_object_is_type(cmd, json_type_string)) {
		reply_error(sv->ctl_client_fd, "expected {\"execute\": COMMAND}");
		drop_client(sv);
		return;
	}
	name = json_object_get_string(cmd);
	json_object_object_get_ex(req, "arguments", &args);
	if (strcmp(name, "status") == 0) {
		json_object *o = json_object_new_object(), *r = json_object_new_object();

		json_object_object_add(r, "supervisor-pid", json_object_new_int(getpid()));
		json_object_object_add(r, "qemu-pid", json_object_new_int(sv->pid));
		json_object_object_add(r, "state", json_object_new_string(state_name(sv)));
		json_object_object_add(o, "return", r);
		reply(sv->ctl_client_fd, o);
		drop_client(sv);
	} else if (strcmp(name, "stop") == 0) {
		bool force = false;
		int64_t timeout = 0;

		if (args && json_object_object_get_ex(args, "force", &v))
			force = json_object_get_boolean(v);
		if (args && json_object_object_get_ex(args, "timeout", &v))
			timeout = json_object_get_int64(v);
		if (timeout < 0 || timeout > 86400) {
			reply_error(sv->ctl_client_fd, "timeout: 0 to 86400 seconds");
			drop_client(sv);
			return;
		}
		/* No more requests on this connection: it waits for the end. */
		epoll_ctl(sv->epoll_fd, EPOLL_CTL_DEL, sv->ctl_client_fd, NULL);
		sv->ctl_waits_exit = true;
		supervisor_stop(sv, "vfio-launch stop", force, (unsigned)timeout);
	} else if (strcmp(name, "console") == 0) {
		if (sv->console_fd >= 0) {
			reply_error(sv->ctl_client_fd, "a console is attached already (one at a time)");
			drop_client(sv);
			return;
		}
		reply(sv->ctl_client_fd, json_object_new_object_return());
		/* Checked above: only an epoll failure is left, and then
		 * console_attach has closed the connection. */
		(void)console_attach(sv);
	} else {
		reply_error(sv->ctl_client_fd, "unknown command (stop, status, console)");
		drop_client(sv);
	}
}

void control_on_client(struct supervisor *sv)
{
	ssize_t n = recv(sv->ctl_client_fd, sv->ctl_buf + sv->ctl_len,
			 sizeof(sv->ctl_buf) - 1 - sv->ctl_len, MSG_DONTWAIT);
	char *nl;
	json_object *req;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		drop_client(sv);
		return;
	}
	sv->ctl_len += (size_t)n;
	sv->ctl_buf[sv->ctl_len] = '\0';
	nl = strchr(sv->ctl_buf, '\n');
	if (!nl) {
		if (sv->ctl_len == sizeof(sv->ctl_buf) - 1) {
			reply_error(sv->ctl_client_fd, "request too long");
			drop_client(sv);
		}
		return;
	}
	*nl = '\0';
	req = json_tokener_parse(sv->ctl_buf);
	if (!req) {
		reply_error(sv->ctl_client_fd, "not JSON");
		drop_client(sv);
		return;
	}
	handle(sv, req);
	json_object_put(req);
}

void control_finish(struct supervisor *sv, int exit_status)
{
	json_object *o, *r;

	if (!sv->ctl_waits_exit || sv->ctl_client_fd < 0)
		return;
	o = json_object_new_object();
	r = json_object_new_object();
	json_object_object_add(r, "exit-status", json_object_new_int(exit_status));
	json_object_object_add(o, "return", r);
	reply(sv->ctl_client_fd, o);
}
