/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Grants: what a box lets the process in it reach, as plain data
 * (DESIGN.md, "Resources: one interface"). Resources produce them, the box
 * consumes them: each grant becomes one bind mount in the box's root and
 * one Landlock rule, both made from the descriptor the check opened
 * (O_PATH), never by resolving the path again. A system path that is a
 * symlink on the host is a symlink in the box, with no rule of its own
 * when what it leads to is under a grant with its rights (mount.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum grant_access {
	GRANT_RO, /* read files, list directories */
	GRANT_RX, /* GRANT_RO + execute (binaries, libraries) */
	GRANT_RW, /* read and write; directories: create/remove files and sockets */
};

struct grant {
	/* Absolute path at which the box shows it: the path the profile (or
	 * the system) names, the one QEMU's argv uses. Owned by the list. */
	char *path;
	/* O_PATH|O_CLOEXEC descriptor of what the check looked at (the
	 * object itself, not a symlink to it), owned by the list; -1 for a
	 * system path (/usr, /etc/ld.so.cache, ...) the box opens itself. */
	int fd;
	enum grant_access access;
	/* A device node, or a directory of them (a USB bus): device ioctls
	 * allowed (Landlock LANDLOCK_ACCESS_FS_IOCTL_DEV, ABI >= 5). */
	bool dev;
	/* System paths only (fd -1): skipped when missing on this host. */
	bool optional;
};

struct grants {
	struct grant *v;
	size_t n, cap;
};

/*
 * Adds path with the descriptor fd (duplicated with F_DUPFD_CLOEXEC: the
 * caller keeps its own). The same path added twice is one grant with the
 * wider access (and dev if either had it). Returns 0, -EINVAL for a
 * relative path, -ENOMEM, or -errno from the dup.
 */
int grants_add_fd(struct grants *g, const char *path, int fd,
		  enum grant_access access, bool dev);

/*
 * Opens path O_PATH|O_CLOEXEC and adds it. Symlinks: the last component
 * is followed only when follow is true (a /dev/disk/by-id/ name the
 * profile gives); otherwise a symlink is refused with -ELOOP, so a
 * profile cannot point a grant elsewhere through a link. Returns 0 or
 * -errno (-ENOENT: missing).
 */
int grants_open(struct grants *g, const char *path, enum grant_access access,
		bool dev, bool follow);

/* Adds a system path the box opens itself (fd -1). 0, -EINVAL, -ENOMEM. */
int grants_add_system(struct grants *g, const char *path,
		      enum grant_access access, bool dev, bool optional);

/* The grant for path, or NULL. */
const struct grant *grants_find(const struct grants *g, const char *path);

/* Closes the descriptors and frees the list. */
void grants_clear(struct grants *g);
