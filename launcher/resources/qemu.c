// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The qemu resource: the QEMU binary (found like execvp(3), or the
 * profile's [qemu] binary =). render_argv() itself puts it first in the
 * argv, with the VM's name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "profile.h"
#include "resource.h"

/* 0 when path is an executable regular file for us, else -errno. */
static int executable_file(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EISDIR;
	if (access(path, X_OK) < 0) /* real uid: the user who runs QEMU */
		return -errno;
	return 0;
}

/* resource.h: also swtpm's (tpm.c). */
int find_executable(const char *binary, char **ret)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *dirs = NULL;
	char *save = NULL;
	int r = -ENOENT;

	if (strchr(binary, '/')) {
		if (binary[0] != '/')
			return -EINVAL;
		r = executable_file(binary);
		if (r < 0)
			return r;
		*ret = strdup(binary);
		return *ret ? 0 : -ENOMEM;
	}
	dirs = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!dirs)
		return -ENOMEM;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *cand = NULL;
		int q;

		if (d[0] != '/') /* a relative PATH entry depends on the cwd */
			continue;
		if (asprintf(&cand, "%s/%s", d, binary) < 0)
			return -ENOMEM;
		q = executable_file(cand);
		if (q == 0) {
			*ret = steal_pointer(&cand);
			return 0;
		}
		if (q != -ENOENT)
			r = q;
	}
	return r;
}

static void qemu_check(const struct profile *p, struct check_ctx *ctx, struct findings *f)
{
	const char *binary = p->qemu_binary ? p->qemu_binary : "qemu-system-x86_64";
	char *found = NULL;
	int r = find_executable(binary, &found);

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
	 * executed, never written. */
	(void)check_ctx_keep_path(ctx, found, NULL, GRANT_RX, false, true);
	finding_pass(f, "qemu", "%s", found);
}

const struct resource resource_qemu = {
	.name = "qemu",
	.check = qemu_check,
};
