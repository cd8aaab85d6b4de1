// SPDX-License-Identifier: GPL-2.0-or-later
/* A listening unix socket; see unix_listen.h. */
#include "unix_listen.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int unix_listen(const char *path, int extra_flags, int backlog, bool *ret_made)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, r = 0;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | extra_flags, 0);
	if (fd < 0)
		return -errno;
	old = umask(077);
	/* bind first: a run removes its sockets when it ends, so there is
	 * nothing to unlink but after a supervisor died (issue 15: one
	 * syscall less on every start). */
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		r = -errno;
		if (r == -EADDRINUSE) {
			r = unlink(addr.sun_path) < 0 && errno != ENOENT ? -errno : 0;
			if (r == 0 && bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
				r = -errno;
		}
	}
	umask(old);
	if (r == 0) {
		*ret_made = true;
		if (listen(fd, backlog) < 0)
			r = -errno;
	}
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}
