// SPDX-License-Identifier: GPL-2.0-or-later
/* QMP client; see qmp.h. */
#include "qmp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

char *qmp_format(const char *execute, json_object *args, long id)
{
	json_object *o = jsonc.json_object_new_object();
	char *line = NULL;

	if (!o)
		return NULL;
	if (jsonc.json_object_object_add(o, "execute", jsonc.json_object_new_string(execute)) < 0)
		goto out;
	if (args && jsonc.json_object_object_add(o, "arguments", jsonc.json_object_get(args)) < 0)
		goto out;
	if (jsonc.json_object_object_add(o, "id", jsonc.json_object_new_int64(id)) < 0)
		goto out;
	/* JSON_C_TO_STRING_PLAIN: no newlines inside the object, so the
	 * line is one QMP message. */
	if (asprintf(&line, "%s\n", jsonc.json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN)) < 0)
		line = NULL;
out:
	jsonc.json_object_put(o);
	return line;
}

static long msg_id(json_object *o)
{
	json_object *id;

	if (!jsonc.json_object_object_get_ex(o, "id", &id) || !jsonc.json_object_is_type(id, json_type_int))
		return -1;
	return (long)jsonc.json_object_get_int64(id);
}

int qmp_parse(const char *line, struct qmp_msg *ret)
{
	json_object *o = jsonc.json_tokener_parse(line);
	json_object *v;

	*ret = (struct qmp_msg){ .id = -1 };
	if (!o)
		return -EBADMSG;
	if (!jsonc.json_object_is_type(o, json_type_object)) {
		jsonc.json_object_put(o);
		return -EBADMSG;
	}
	ret->obj = o;
	ret->id = msg_id(o);
	if (jsonc.json_object_object_get_ex(o, "QMP", NULL)) {
		ret->kind = QMP_GREETING;
	} else if (jsonc.json_object_object_get_ex(o, "return", NULL)) {
		ret->kind = QMP_RETURN;
	} else if (jsonc.json_object_object_get_ex(o, "event", &v) &&
		   jsonc.json_object_is_type(v, json_type_string)) {
		ret->kind = QMP_EVENT;
		ret->event = jsonc.json_object_get_string(v);
	} else if (jsonc.json_object_object_get_ex(o, "error", &v)) {
		json_object *cls = NULL, *desc = NULL;
		char *s;

		jsonc.json_object_object_get_ex(v, "class", &cls);
		jsonc.json_object_object_get_ex(v, "desc", &desc);
		if (asprintf(&s, "%s: %s", cls ? jsonc.json_object_get_string(cls) : "Error",
			     desc ? jsonc.json_object_get_string(desc) : "(no description)") < 0) {
			qmp_msg_clear(ret);
			return -ENOMEM;
		}
		ret->kind = QMP_ERROR;
		ret->error = s;
	} else {
		qmp_msg_clear(ret);
		return -EBADMSG;
	}
	return 0;
}

void qmp_msg_clear(struct qmp_msg *m)
{
	if (m->obj)
		jsonc.json_object_put(m->obj);
	free((char *)m->error);
	*m = (struct qmp_msg){ .id = -1 };
}

void qmp_init(struct qmp *q, int fd)
{
	*q = (struct qmp){ .fd = fd, .next_id = 1 };
}

void qmp_clear(struct qmp *q)
{
	free(q->buf);
	*q = (struct qmp){ .fd = -1 };
}

long qmp_send(struct qmp *q, const char *execute, json_object *args)
{
	long id = q->next_id;
	char *line = qmp_format(execute, args, id);
	size_t len, off = 0;
	int r = 0;

	if (!line)
		return -ENOMEM;
	len = strlen(line);
	while (off < len) {
		ssize_t n = send(q->fd, line + off, len - off, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		off += (size_t)n;
	}
	free(line);
	if (r < 0)
		return r;
	q->next_id++;
	return id;
}

int qmp_fill(struct qmp *q)
{
	ssize_t n;

	if (q->cap - q->len < 4096) {
		size_t cap = q->cap ? q->cap * 2 : 8192;
		char *b;

		if (cap > QMP_LINE_MAX + 4096)
			return -EMSGSIZE;
		b = realloc(q->buf, cap);
		if (!b)
			return -ENOMEM;
		q->buf = b;
		q->cap = cap;
	}
	do
		n = recv(q->fd, q->buf + q->len, q->cap - q->len - 1, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		q->eof = true;
	q->len += (size_t)n;
	return (int)n;
}

int qmp_next(struct qmp *q, struct qmp_msg *ret)
{
	char *nl;
	size_t used;
	int r;

	if (!q->len)
		return 0;
	nl = memchr(q->buf, '\n', q->len);
	if (!nl)
		return 0;
	*nl = '\0';
	used = (size_t)(nl - q->buf) + 1;
	r = qmp_parse(q->buf, ret);
	memmove(q->buf, q->buf + used, q->len - used);
	q->len -= used;
	return r < 0 ? r : 1;
}
