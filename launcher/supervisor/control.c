// SPDX-License-Identifier: GPL-2.0-or-later
/* The supervisor's control socket; see control.h. */
#include "unix_listen.h"
#include "control.h"
#include "console.h"
#include "json_dl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>


int control_open(struct supervisor *sv)
{
	int fd = unix_listen(sv->control_path, SOCK_NONBLOCK, 4, &sv->made_control_socket);

	if (fd < 0)
		return fd;
	sv->ctl_fd = fd;
	return 0;
}

void control_init(struct supervisor *sv)
{
	for (size_t i = 0; i < CONTROL_CLIENTS_MAX; i++)
		sv->ctl[i] = (struct control_client){ .fd = -1 };
}

static void drop_client(struct supervisor *sv, struct control_client *c)
{
	if (c->fd >= 0) {
		epoll_ctl(sv->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	free(c->out);
	if (c->user_id)
		jsonc.json_object_put(c->user_id);
	*c = (struct control_client){ .fd = -1 };
}

/* What epoll watches on c: its request until it came, then only whether
 * the answer can go on (EPOLLOUT while some is left). A client that waits
 * for an answer to come (stop, a forwarded QMP command) is watched for
 * nothing: EPOLLHUP and EPOLLERR are reported regardless (epoll_ctl(2)),
 * and tell us it went away. */
static void rewatch(struct supervisor *sv, struct control_client *c)
{
	struct epoll_event ev = { .data.fd = c->fd };

	if (c->closing || c->qmp_id || c->waits_exit)
		ev.events = c->out_off < c->out_len ? EPOLLOUT : 0;
	else
		ev.events = EPOLLIN;
	epoll_ctl(sv->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Sends what is queued without blocking; the rest waits for EPOLLOUT.
 * Returns false when c was dropped (gone, or done and closing). */
static bool flush(struct supervisor *sv, struct control_client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			drop_client(sv, c);
			return false;
		}
		c->out_off += (size_t)n;
	}
	if (c->out_off == c->out_len) {
		free(c->out);
		c->out = NULL;
		c->out_len = c->out_off = 0;
		if (c->closing && !c->waits_exit) {
			drop_client(sv, c);
			return false;
		}
	}
	rewatch(sv, c);
	return true;
}

/* Queues o (consumed) as one line and sends what the socket takes; with
 * close_after, the connection closes once it is all sent. */
static void reply(struct supervisor *sv, struct control_client *c, json_object *o,
		  bool close_after)
{
	const char *s = jsonc.json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(s);
	char *b = realloc(c->out, c->out_len + len + 1);

	if (!b) {
		jsonc.json_object_put(o);
		drop_client(sv, c);
		return;
	}
	memcpy(b + c->out_len, s, len);
	b[c->out_len + len] = '\n';
	c->out = b;
	c->out_len += len + 1;
	c->closing = close_after;
	jsonc.json_object_put(o);
	flush(sv, c);
}

static json_object *error_object(const char *desc)
{
	json_object *o = jsonc.json_object_new_object(), *e = jsonc.json_object_new_object();

	jsonc.json_object_object_add(e, "class", jsonc.json_object_new_string("GenericError"));
	jsonc.json_object_object_add(e, "desc", jsonc.json_object_new_string(desc));
	jsonc.json_object_object_add(o, "error", e);
	return o;
}

static void reply_error(struct supervisor *sv, struct control_client *c, const char *desc)
{
	reply(sv, c, error_object(desc), true);
}

void control_on_listen(struct supervisor *sv)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fd = accept4(sv->ctl_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct control_client *c = NULL;

	if (fd < 0)
		return;
	for (size_t i = 0; i < CONTROL_CLIENTS_MAX && !c; i++)
		if (sv->ctl[i].fd < 0)
			c = &sv->ctl[i];
	if (!c) {
		const char *s = jsonc.json_object_to_json_string_ext(
			error_object("too many vfio-launch commands are talking to this VM"),
			JSON_C_TO_STRING_PLAIN);

		(void)!send(fd, s, strlen(s), MSG_DONTWAIT | MSG_NOSIGNAL);
		(void)!send(fd, "\n", 1, MSG_DONTWAIT | MSG_NOSIGNAL);
		close(fd);
		return;
	}
	ev.data.fd = fd;
	if (epoll_ctl(sv->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		return;
	}
	*c = (struct control_client){ .fd = fd };
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

/* {"execute": "qmp", "arguments": {"command": {"execute": X, ...}}}: X on
 * our QMP channel; its reply goes back in control_qmp_reply. */
static void forward_qmp(struct supervisor *sv, struct control_client *c, json_object *args)
{
	json_object *cmd = NULL, *exe = NULL, *cargs = NULL, *id = NULL;
	long qid;

	if (!args || !jsonc.json_object_object_get_ex(args, "command", &cmd) ||
	    !jsonc.json_object_is_type(cmd, json_type_object) ||
	    !jsonc.json_object_object_get_ex(cmd, "execute", &exe) ||
	    !jsonc.json_object_is_type(exe, json_type_string)) {
		reply_error(sv, c, "qmp: expected {\"command\": {\"execute\": COMMAND, ...}}");
		return;
	}
	jsonc.json_object_object_get_ex(cmd, "arguments", &cargs);
	if (cargs && !jsonc.json_object_is_type(cargs, json_type_object)) {
		reply_error(sv, c, "qmp: \"arguments\" must be an object");
		return;
	}
	/* Before qmp_capabilities was answered QEMU takes no command, and
	 * after EOF there is nobody to answer. */
	if (sv->state == SV_STARTING || sv->state == SV_KILLED || sv->qmp.eof) {
		reply_error(sv, c, sv->state == SV_STARTING ? "QMP is not ready yet"
							   : "QEMU is going away");
		return;
	}
	qid = qmp_send(&sv->qmp, jsonc.json_object_get_string(exe), cargs);
	if (qid < 0) {
		reply_error(sv, c, "cannot send the command on the supervisor's QMP channel");
		return;
	}
	c->qmp_id = qid;
	if (jsonc.json_object_object_get_ex(cmd, "id", &id))
		c->user_id = jsonc.json_object_get(id);
	rewatch(sv, c);
}

static void handle(struct supervisor *sv, struct control_client *c, json_object *req)
{
	json_object *cmd = NULL, *args = NULL, *v;
	const char *name;

	if (!jsonc.json_object_is_type(req, json_type_object) ||
	    !jsonc.json_object_object_get_ex(req, "execute", &cmd) ||
	    !jsonc.json_object_is_type(cmd, json_type_string)) {
		reply_error(sv, c, "expected {\"execute\": COMMAND}");
		return;
	}
	name = jsonc.json_object_get_string(cmd);
	jsonc.json_object_object_get_ex(req, "arguments", &args);
	if (strcmp(name, "status") == 0) {
		json_object *o = jsonc.json_object_new_object(), *r = jsonc.json_object_new_object();

		jsonc.json_object_object_add(r, "supervisor-pid", jsonc.json_object_new_int(getpid()));
		jsonc.json_object_object_add(r, "qemu-pid", jsonc.json_object_new_int(sv->pid));
		jsonc.json_object_object_add(r, "state", jsonc.json_object_new_string(state_name(sv)));
		jsonc.json_object_object_add(o, "return", r);
		reply(sv, c, o, true);
	} else if (strcmp(name, "qmp") == 0) {
		forward_qmp(sv, c, args);
	} else if (strcmp(name, "stop") == 0) {
		bool force = false;
		int64_t timeout = 0;

		if (args && jsonc.json_object_object_get_ex(args, "force", &v))
			force = jsonc.json_object_get_boolean(v);
		if (args && jsonc.json_object_object_get_ex(args, "timeout", &v))
			timeout = jsonc.json_object_get_int64(v);
		if (timeout < 0 || timeout > 86400) {
			reply_error(sv, c, "timeout: 0 to 86400 seconds");
			return;
		}
		/* No more requests on this connection: it waits for the end
		 * (control_finish), and is kept open until this process
		 * exits. */
		epoll_ctl(sv->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
		c->waits_exit = true;
		supervisor_stop(sv, "vfio-launch stop", force, (unsigned)timeout);
	} else if (strcmp(name, "console") == 0) {
		int fd = c->fd;

		if (sv->console_fd >= 0) {
			reply_error(sv, c, "a console is attached already (one at a time)");
			return;
		}
		/* A dozen bytes on a fresh connection: sent at once. */
		(void)!send(fd, "{\"return\": {}}\n", 15, MSG_DONTWAIT | MSG_NOSIGNAL);
		/* The connection is the console's from here on. Checked
		 * above: only an epoll failure is left, and then
		 * console_attach has closed the connection. */
		c->fd = -1;
		drop_client(sv, c);
		(void)console_attach(sv, fd);
	} else {
		reply_error(sv, c, "unknown command (stop, status, console, qmp)");
	}
}

static void on_readable(struct supervisor *sv, struct control_client *c)
{
	ssize_t n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - 1 - c->in_len, MSG_DONTWAIT);
	char *nl;
	json_object *req;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		drop_client(sv, c);
		return;
	}
	c->in_len += (size_t)n;
	c->in[c->in_len] = '\0';
	nl = strchr(c->in, '\n');
	if (!nl) {
		if (c->in_len == sizeof(c->in) - 1)
			reply_error(sv, c, "request too long");
		return;
	}
	*nl = '\0';
	req = jsonc.json_tokener_parse(c->in);
	if (!req) {
		reply_error(sv, c, "not JSON");
		return;
	}
	handle(sv, c, req);
	jsonc.json_object_put(req);
}

bool control_handle(struct supervisor *sv, int fd, uint32_t events)
{
	struct control_client *c = NULL;

	for (size_t i = 0; i < CONTROL_CLIENTS_MAX && !c; i++)
		if (sv->ctl[i].fd == fd)
			c = &sv->ctl[i];
	if (!c)
		return false;
	if ((events & EPOLLOUT) && !flush(sv, c))
		return true;
	if (!c->qmp_id && !c->closing && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		on_readable(sv, c);
	else if (events & (EPOLLHUP | EPOLLERR))
		drop_client(sv, c); /* gone while its answer was on the way */
	return true;
}

bool control_qmp_reply(struct supervisor *sv, const struct qmp_msg *m)
{
	json_object *o;

	if (m->id <= 0 || (m->kind != QMP_RETURN && m->kind != QMP_ERROR))
		return false;
	for (size_t i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		struct control_client *c = &sv->ctl[i];

		if (c->fd < 0 || c->qmp_id != m->id)
			continue;
		/* QEMU's reply as it is, but for the id: ours out, the
		 * client's own back in. */
		if (jsonc.json_object_deep_copy(m->obj, &o, NULL) < 0) {
			drop_client(sv, c);
			return true;
		}
		jsonc.json_object_object_del(o, "id");
		if (c->user_id)
			jsonc.json_object_object_add(o, "id", jsonc.json_object_get(c->user_id));
		c->qmp_id = 0;
		reply(sv, c, o, true);
		return true;
	}
	return false;
}

void control_finish(struct supervisor *sv, int exit_status)
{
	for (size_t i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		struct control_client *c = &sv->ctl[i];
		json_object *o, *r;

		if (c->fd < 0 || !c->waits_exit)
			continue;
		o = jsonc.json_object_new_object();
		r = jsonc.json_object_new_object();
		jsonc.json_object_object_add(r, "exit-status", jsonc.json_object_new_int(exit_status));
		jsonc.json_object_object_add(o, "return", r);
		/* A short line on a connection that carried nothing else:
		 * it goes at once, and the loop is over. */
		reply(sv, c, o, true);
	}
}

void control_close(struct supervisor *sv)
{
	for (size_t i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		struct control_client *c = &sv->ctl[i];

		/* A `stop` waiting for the end keeps its connection until
		 * this process exits: its EOF says the VM is gone. */
		if (c->waits_exit) {
			free(c->out);
			c->out = NULL;
			continue;
		}
		drop_client(sv, c);
	}
}
