// SPDX-License-Identifier: GPL-2.0-or-later
/* Pinning QEMU's threads: supervisor_pin (supervisor.h) applies the plan
 * of the pin resource (resources/pin.h). */
#include "pin.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "json_dl.h"
#include "nspid.h"
#include "qmp.h"
#include "supervisor.h"
#include "util.h"

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sends execute and waits for its answer's "return" (a new reference
 * in *ret). -ETIMEDOUT, -EPIPE (QEMU closed the channel), -EIO (QEMU
 * answered with an error), or -errno. */
static int qmp_call(struct qmp *q, const char *execute, json_object **ret)
{
	long id = qmp_send(q, execute, NULL), deadline = now_ms() + PIN_QMP_TIMEOUT_MS;

	if (id < 0)
		return (int)id;
	for (;;) {
		struct qmp_msg m;
		int r;

		while ((r = qmp_next(q, &m)) > 0) {
			bool mine = (m.kind == QMP_RETURN || m.kind == QMP_ERROR) && m.id == id;
			json_object *v = NULL;
			if (mine && m.kind == QMP_RETURN && jsonc.json_object_object_get_ex(m.obj, "return", &v))
				*ret = jsonc.json_object_get(v);
			qmp_msg_clear(&m);
			if (mine)
				return v ? 0 : -EIO;
		}
		if (q->eof)
			return -EPIPE;
		long left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0) {
			r = qmp_fill(q);
			if (r < 0 && r != -EAGAIN)
				return r;
		}
	}
}

/* The thread-id of each element of a query reply (an array), into ids
 * (QEMU's namespace), in the array's order; for query-cpus-fast, by
 * cpu-index. Returns the count or -EBADMSG. */
static int thread_ids(json_object *arr, bool by_index, pid_t *ids, size_t max)
{
	size_t n;

	if (!jsonc.json_object_is_type(arr, json_type_array))
		return -EBADMSG;
	n = jsonc.json_object_array_length(arr);
	if (n > max)
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		json_object *o = jsonc.json_object_array_get_idx(arr, i), *v;
		size_t at = i;
		if (by_index) {
			if (!jsonc.json_object_object_get_ex(o, "cpu-index", &v))
				return -EBADMSG;
			at = (size_t)jsonc.json_object_get_int64(v);
			if (at >= n)
				return -EBADMSG;
		}
		if (!jsonc.json_object_object_get_ex(o, "thread-id", &v) || jsonc.json_object_get_int64(v) <= 0)
			return -EBADMSG;
		ids[at] = (pid_t)jsonc.json_object_get_int64(v);
	}
	return (int)n;
}

static pid_t host_of(const struct nspid_task *t, size_t n, pid_t ns)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].ns == ns)
			return t[i].host;
	return -1;
}

static int set_affinity(pid_t tid, const cpu_set_t *set)
{
	return sched_setaffinity(tid, sizeof(*set), set) < 0 ? -errno : 0;
}

int supervisor_pin(struct supervisor *sv, char *msg, size_t len)
{
	const struct pin_plan *plan = sv->pin;
	static pid_t vcpu[PROFILE_CPU_MAX], io[64];
	_cleanup_free_ struct nspid_task *tasks = NULL;
	json_object *reply = NULL;
	size_t n_tasks = 0, n_other = 0;
	int n_vcpu, n_io = 0, r;

	msg[0] = '\0';
	r = qmp_call(&sv->qmp, "query-cpus-fast", &reply);
	n_vcpu = r < 0 ? r : thread_ids(reply, true, vcpu, PROFILE_CPU_MAX);
	jsonc.json_object_put(reply);
	reply = NULL;
	if (n_vcpu < 0) {
		snprintf(msg, len, "pinning: query-cpus-fast: %s", strerror(-n_vcpu));
		return n_vcpu;
	}
	r = qmp_call(&sv->qmp, "query-iothreads", &reply);
	n_io = r < 0 ? r : thread_ids(reply, false, io, ELEMENTSOF(io));
	jsonc.json_object_put(reply);
	if (n_io < 0) {
		snprintf(msg, len, "pinning: query-iothreads: %s", strerror(-n_io));
		return n_io;
	}
	if (plan->n_vcpus && (size_t)n_vcpu != plan->n_vcpus) {
		snprintf(msg, len, "pinning: QEMU has %d vCPUs, the plan %zu", n_vcpu, plan->n_vcpus);
		return -EINVAL;
	}
	r = nspid_tasks("/proc", sv->pid, &tasks, &n_tasks);
	if (r < 0) {
		snprintf(msg, len, "pinning: /proc/%d/task: %s", (int)sv->pid, strerror(-r));
		return r;
	}

	buf_appendf(msg, len, "pinned");
	for (size_t i = 0; i < plan->n_vcpus; i++) {
		pid_t tid = host_of(tasks, n_tasks, vcpu[i]);
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(plan->vcpu[i], &one);
		r = tid < 0 ? -ESRCH : set_affinity(tid, &one);
		if (r < 0) {
			snprintf(msg, len, "pinning vCPU %zu (tid %d in QEMU) to CPU %u: %s", i,
				 (int)vcpu[i], plan->vcpu[i], strerror(-r));
			return r;
		}
		buf_appendf(msg, len, " vCPU %zu (tid %d)->%u", i, (int)tid, plan->vcpu[i]);
	}
	for (int i = 0; plan->iothread && i < n_io; i++) {
		pid_t tid = host_of(tasks, n_tasks, io[i]);
		r = tid < 0 ? -ESRCH : set_affinity(tid, &plan->iothread_set);
		if (r < 0) {
			snprintf(msg, len, "pinning I/O thread %d: %s", i, strerror(-r));
			return r;
		}
	}
	if (plan->iothread)
		buf_appendf(msg, len, "; %d I/O thread%s", n_io, n_io == 1 ? "" : "s");
	for (size_t t = 0; plan->emulator && t < n_tasks; t++) {
		bool special = false;
		for (int i = 0; i < n_vcpu && !special; i++)
			special = tasks[t].ns == vcpu[i];
		for (int i = 0; i < n_io && !special; i++)
			special = tasks[t].ns == io[i];
		if (special)
			continue;
		r = set_affinity(tasks[t].host, &plan->emulator_set);
		/* A worker that exited since the task list was read. */
		if (r == -ESRCH)
			continue;
		if (r < 0) {
			snprintf(msg, len, "pinning QEMU thread %d to emulator-pin: %s",
				 (int)tasks[t].host, strerror(-r));
			return r;
		}
		n_other++;
	}
	if (plan->emulator)
		buf_appendf(msg, len, "; %zu other thread%s to emulator-pin", n_other,
			    n_other == 1 ? "" : "s");
	return 0;
}
