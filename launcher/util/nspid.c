// SPDX-License-Identifier: GPL-2.0-or-later
#include "nspid.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "util.h"

/* The last number of the NSpid: line of a task's status file, or -1. */
static pid_t inner_tid(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[256];

	while (f && fgets(line, sizeof(line), f)) {
		uint64_t v;
		char *last;

		if (strncmp(line, "NSpid:", 6) != 0)
			continue;
		last = strrchr(line, '\t');
		if (!last)
			return -1;
		last[1 + strcspn(last + 1, "\n")] = '\0';
		return parse_u64(last + 1, 1, INT32_MAX, &v) < 0 ? -1 : (pid_t)v;
	}
	return -1;
}

int nspid_tasks(const char *procfs, pid_t pid, struct nspid_task **ret, size_t *ret_n)
{
	_cleanup_free_ struct nspid_task *v = NULL;
	_cleanup_closedir_ DIR *d = NULL;
	char path[4096];
	struct dirent *de;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/%d/task", procfs, (int)pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		uint64_t host;
		pid_t ns;
		struct nspid_task *nv;

		if (parse_u64(de->d_name, 1, INT32_MAX, &host) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%d/task/%s/status", procfs, (int)pid, de->d_name);
		ns = inner_tid(path);
		if (ns < 0)
			continue; /* exited meanwhile */
		nv = reallocarray(v, n + 1, sizeof(*v));
		if (!nv)
			return -ENOMEM;
		v = nv;
		v[n++] = (struct nspid_task){ .host = (pid_t)host, .ns = ns };
	}
	*ret = steal_pointer(&v);
	*ret_n = n;
	return 0;
}

pid_t nspid_host_tid(const char *procfs, pid_t pid, pid_t ns_tid)
{
	_cleanup_free_ struct nspid_task *v = NULL;
	size_t n = 0;

	if (nspid_tasks(procfs, pid, &v, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (v[i].ns == ns_tid)
			return v[i].host;
	return -1;
}
