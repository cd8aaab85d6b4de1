// SPDX-License-Identifier: GPL-2.0-or-later
/* Grants as data; see grants.h. */
#include "grants.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const struct grant *grants_find(const struct grants *g, const char *path)
{
	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->v[i].path, path) == 0)
			return &g->v[i];
	return NULL;
}

/* Adds or widens; takes ownership of fd (closed on error). */
static int grants_push(struct grants *g, const char *path, int fd,
		       enum grant_access access, bool dev, bool optional)
{
	struct grant *old;

	if (!path || path[0] != '/') {
		if (fd >= 0)
			close(fd);
		return -EINVAL;
	}
	old = (struct grant *)grants_find(g, path);
	if (old) {
		if (access == GRANT_RW || old->access == GRANT_RW)
			old->access = GRANT_RW;
		else if (access == GRANT_RX)
			old->access = GRANT_RX;
		old->dev = old->dev || dev;
		old->optional = old->optional && optional;
		if (old->fd < 0 && fd >= 0)
			old->fd = fd; /* a checked descriptor beats a path */
		else if (fd >= 0)
			close(fd);
		return 0;
	}
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 32;
		struct grant *v = reallocarray(g->v, cap, sizeof(*v));
		if (!v) {
			if (fd >= 0)
				close(fd);
			return -ENOMEM;
		}
		g->v = v;
		g->cap = cap;
	}
	g->v[g->n].path = strdup(path);
	if (!g->v[g->n].path) {
		if (fd >= 0)
			close(fd);
		return -ENOMEM;
	}
	g->v[g->n].fd = fd;
	g->v[g->n].access = access;
	g->v[g->n].dev = dev;
	g->v[g->n].optional = optional;
	g->n++;
	return 0;
}

int grants_add_fd(struct grants *g, const char *path, int fd,
		  enum grant_access access, bool dev)
{
	int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);

	if (nfd < 0)
		return -errno;
	return grants_push(g, path, nfd, access, dev, false);
}

int grants_open(struct grants *g, const char *path, enum grant_access access,
		bool dev, bool follow)
{
	int fd;

	if (!path || path[0] != '/')
		return -EINVAL;
	fd = open(path, O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return -errno;
	if (!follow) {
		/* O_PATH|O_NOFOLLOW opens a symlink itself: refuse it. */
		struct stat st;
		if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode)) {
			close(fd);
			return -ELOOP;
		}
	}
	return grants_push(g, path, fd, access, dev, false);
}

int grants_add_system(struct grants *g, const char *path,
		      enum grant_access access, bool dev, bool optional)
{
	return grants_push(g, path, -1, access, dev, optional);
}

void grants_clear(struct grants *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->v[i].path);
		if (g->v[i].fd >= 0)
			close(g->v[i].fd);
	}
	free(g->v);
	*g = (struct grants){ 0 };
}
