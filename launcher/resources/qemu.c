// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The qemu resource: the QEMU binary (found like execvp(3), or the
 * profile's [qemu] binary =). render_argv() itself puts it first in the
 * argv, with the VM's name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "profile.h"
#include "resource.h"

/* An O_PATH descriptor of path (a link followed) when it is an
 * executable regular file for us, else -errno. */
static int executable_file(const char *path)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EISDIR;
	/* real uid: the user who runs QEMU; AT_EMPTY_PATH: the object
	 * opened, not the path again (faccessat2(2), Linux 5.8) */
	if (faccessat(fd, "", X_OK, AT_EMPTY_PATH) < 0)
		return -errno;
	return steal_fd(&fd);
}

/* resource.h: also swtpm's (tpm.c). */
int find_executable_fd(const char *binary, char **ret, int *ret_fd)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *dirs = NULL;
	char *save = NULL;
	int r = -ENOENT;

	if (strchr(binary, '/')) {
		if (binary[0] != '/')
			return -EINVAL;
		_cleanup_close_ int fd = executable_file(binary);
		if (fd < 0)
			return fd;
		*ret = strdup(binary);
		if (!*ret)
			return -ENOMEM;
		if (ret_fd)
			*ret_fd = steal_fd(&fd);
		return 0;
	}
	dirs = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!dirs)
		return -ENOMEM;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *cand = NULL;
		_cleanup_close_ int fd = -1;

		if (d[0] != '/') /* a relative PATH entry depends on the cwd */
			continue;
		if (asprintf(&cand, "%s/%s", d, binary) < 0)
			return -ENOMEM;
		fd = executable_file(cand);
		if (fd >= 0) {
			*ret = steal_pointer(&cand);
			if (ret_fd)
				*ret_fd = steal_fd(&fd);
			return 0;
		}
		if (fd != -ENOENT)
			r = fd;
	}
	return r;
}

int find_executable(const char *binary, char **ret)
{
	return find_executable_fd(binary, ret, NULL);
}

static void qemu_check(const struct profile *p, struct check_ctx *ctx, struct findings *f)
{
	const char *binary = p->qemu_binary ? p->qemu_binary : "qemu-system-x86_64";
	_cleanup_close_ int fd = -1;
	char *found = NULL;
	int r = find_executable_fd(binary, &found, &fd);

	if (r < 0) {
		finding_fail(f, "qemu",
			     strchr(binary, '/')
				     ? "point [qemu] binary = at an executable QEMU"
				     : "install QEMU: sudo apt-get install qemu-system-x86",
			     "%s: %s", binary,
			     r == -ENOENT && !strchr(binary, '/') ? "not found in $PATH"
			     : r == -EINVAL ? "not an absolute path"
					    : strerror(-r));
		return;
	}
	free(ctx->qemu_path);
	ctx->qemu_path = found;
	/* QEMU must be able to map its own binary again (Landlock). A
	 * link is followed ($PATH may hold Debian alternatives): only
	 * executed, never written. Kept as the search found it. */
	(void)check_ctx_keep(ctx, found, fd, GRANT_RX, false);
	finding_pass(f, "qemu", "%s", found);
}

const struct resource resource_qemu = {
	.name = "qemu",
	.check = qemu_check,
};
