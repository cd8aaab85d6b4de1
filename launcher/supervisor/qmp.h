/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small QMP client on json-c (QEMU's docs/interop/qmp-spec.rst, QEMU
 * 7.2): the supervisor's private channel to QEMU's monitor. QMP is one
 * JSON object per line in both directions: a greeting ({"QMP": ...}) when
 * the channel opens, then {"execute": CMD, "arguments": {...}, "id": N}
 * from us, answered by {"return": ..., "id": N} or {"error": {"class",
 * "desc"}, "id": N}, with {"event": NAME, "data": ..., "timestamp": ...}
 * lines in between at any time.
 *
 * Two layers: qmp_format/qmp_parse are pure (string in, data out) and unit
 * tested; struct qmp buffers a non-blocking socket for the event loop.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "json_dl.h"

enum qmp_kind {
	QMP_GREETING, /* {"QMP": {...}} */
	QMP_RETURN,   /* {"return": ..., "id": N} */
	QMP_ERROR,    /* {"error": {...}, "id": N} */
	QMP_EVENT,    /* {"event": NAME, ...} */
};

struct qmp_msg {
	enum qmp_kind kind;
	long id;           /* the command's id; -1 when absent (events) */
	const char *event; /* QMP_EVENT: the name; points into obj */
	const char *error; /* QMP_ERROR: "Class: desc"; owned (free) */
	json_object *obj;  /* the whole message; owned (json_object_put) */
};

/*
 * One command line: {"execute": EXECUTE, "arguments": ARGS, "id": ID}
 * and '\n'. args may be NULL; it is not consumed (the caller keeps its
 * reference). Returns a malloc'd string or NULL (ENOMEM).
 */
char *qmp_format(const char *execute, json_object *args, long id);

/*
 * Parses one line QEMU sent. Returns 0 with *ret filled (release with
 * qmp_msg_clear), or -EBADMSG when the line is not a JSON object of one
 * of the four kinds, -ENOMEM.
 */
int qmp_parse(const char *line, struct qmp_msg *ret);
void qmp_msg_clear(struct qmp_msg *m);

/* Longest line accepted from QEMU (query replies are a few KiB; a
 * longer line is a broken or hostile peer). */
#define QMP_LINE_MAX (1024 * 1024)

struct qmp {
	int fd;       /* a connected socket, owned by the caller; every call
	               * is non-blocking (MSG_DONTWAIT) */
	char *buf;    /* bytes read and not yet parsed */
	size_t len, cap;
	long next_id; /* ids 1, 2, ... in sending order */
	bool eof;     /* QEMU closed its end */
};

void qmp_init(struct qmp *q, int fd);
void qmp_clear(struct qmp *q);

/*
 * Sends one command. The line is short (under a KiB) and the socket
 * buffer empty in practice, so a write that would block is an error
 * (-EAGAIN) rather than queued. Returns the command's id (> 0) or -errno.
 */
long qmp_send(struct qmp *q, const char *execute, json_object *args);

/*
 * Reads what the socket holds (non-blocking). Returns the number of
 * bytes read, 0 at EOF (q->eof set), -EAGAIN when nothing was there,
 * -EMSGSIZE when a line exceeds QMP_LINE_MAX, or -errno.
 */
int qmp_fill(struct qmp *q);

/*
 * The next complete message from the buffer. Returns 1 with *ret filled,
 * 0 when no complete line is buffered, or qmp_parse's error (the bad line
 * is dropped).
 */
int qmp_next(struct qmp *q, struct qmp_msg *ret);
