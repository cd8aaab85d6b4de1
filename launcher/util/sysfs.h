/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading sysfs (and procfs) through directory descriptors, for the check
 * modules (disk.c, vfio.c): openat from a dir fd, O_CLOEXEC, O_NOFOLLOW
 * where no link is expected. Return 0 or a negative errno; nothing logs.
 */
#pragma once

#include <dirent.h>
#include <stddef.h>

/*
 * Reads the attribute name below dirfd (not through a symbolic link:
 * -ELOOP) into buf, len bytes with the terminating NUL:
 * one read(2), cut at the first newline. sysfs attributes are at most a
 * page and are read whole by one read (Documentation/filesystems/sysfs.rst);
 * a longer value is truncated to len - 1 bytes. Returns 0 or -errno.
 */
int sysfs_read_attr(int dirfd, const char *name, char *buf, size_t len);

/*
 * Opens the directory path below dirfd as a stream into *ret, with
 * openat(O_RDONLY | O_DIRECTORY | O_CLOEXEC | flags) (flags: O_NOFOLLOW
 * where the directory itself must not be a link) and fdopendir(). The
 * caller owns *ret (closedir, or _cleanup_closedir_ from cleanup.h);
 * dirfd(*ret) reaches the entries with openat. Returns 0 or -errno, and
 * leaves nothing open on error.
 */
int sysfs_opendir(int dirfd, const char *path, int flags, DIR **ret);
