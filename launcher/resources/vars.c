// SPDX-License-Identifier: GPL-2.0-or-later
/* The VARS template record (vars.h). */
#include "vars.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"

#define RECORD_SUFFIX ".template"

int vars_template_record(int state_fd, const char *vars_name, const char *template)
{
	char name[256], tmp[300];
	_cleanup_close_ int fd = -1;
	int r = 0;

	snprintf(name, sizeof(name), "%s" RECORD_SUFFIX, vars_name);
	snprintf(tmp, sizeof(tmp), ".%s.%d.tmp", name, (int)getpid());
	fd = openat(state_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (dprintf(fd, "%s\n", template) < 0 || fsync(fd) < 0)
		r = -errno;
	if (r == 0 && renameat(state_fd, tmp, state_fd, name) < 0)
		r = -errno;
	if (r < 0)
		(void)unlinkat(state_fd, tmp, 0);
	return r;
}

int vars_template_read(const char *vars_path, char *buf, size_t len)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (asprintf(&path, "%s" RECORD_SUFFIX, vars_path) < 0)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int vars_reset(const char *vars_path, char **ret_kept)
{
	_cleanup_free_ char *kept = NULL, *record = NULL;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	if (!gmtime_r(&now, &tm) || strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm) == 0)
		return -EINVAL;
	if (asprintf(&kept, "%s.old-%s", vars_path, stamp) < 0 ||
	    asprintf(&record, "%s" RECORD_SUFFIX, vars_path) < 0)
		return -ENOMEM;
	/* RENAME_NOREPLACE: an older kept copy of the same second stays. */
	if (renameat2(AT_FDCWD, vars_path, AT_FDCWD, kept, RENAME_NOREPLACE) < 0)
		return -errno;
	if (unlink(record) < 0 && errno != ENOENT)
		return -errno;
	*ret_kept = kept;
	kept = NULL;
	return 0;
}
