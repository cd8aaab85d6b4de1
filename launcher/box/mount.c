// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The box's root; see mount.h. The order, and why each step is safe
 * (bubblewrap's setup_newroot does the same in the same order):
 *
 *  1. Every mount private (MS_REC|MS_PRIVATE on /): nothing the box
 *     mounts propagates to the host, and no host mount event reaches the
 *     box later (a USB stick mounted under /media appearing inside).
 *  2. The grants' sources resolved in this namespace while the host's
 *     tree is still visible: system paths by path (fd -1: /usr, /dev/null),
 *     the rest from the descriptor the check opened, verified by inode.
 *     A descriptor opened here to a host object (O_PATH: openat(fd, "..")
 *     walks the host's tree) never reaches QEMU: see step 7.
 *  3. A tmpfs as the new root, over /tmp (which exists everywhere; the
 *     sources are already open, so hiding the host's /tmp is harmless),
 *     mode 0755, nosuid, nodev (implied in a user namespace anyway).
 *  4. In it: a private /tmp and /dev/shm (tmpfs: nothing of the host's,
 *     and whatever QEMU leaves there disappears with the box), /dev as a
 *     tmpfs holding only bound nodes, /proc, and each grant bound at its
 *     path in path order (a parent before what is under it): read-only
 *     unless the grant is read-write, nosuid always, nodev unless it is
 *     a device node or a device directory, noexec unless executable.
 *     A bind of a device node keeps the source mount's flags (devtmpfs:
 *     no nodev), which is why device access works in a user namespace
 *     whose own tmpfs mounts are nodev.
 *  5. procfs of the box's PID namespace: /proc shows only the box's
 *     processes (the user's other programs, their cmdlines, environments
 *     and open sockets in /proc/net are out of sight). Allowed in a user
 *     namespace because it owns the PID namespace and the host's /proc is
 *     fully visible (fs/namespace.c, mount_too_revealing).
 *  6. The root tmpfs made read-only: QEMU cannot create files next to
 *     its mounts (only /tmp, /dev/shm and read-write grants are writable).
 *  7. pivot_root(".", ".") then umount2(".", MNT_DETACH): the old root
 *     is stacked on the new one and detached, so no path leads back to
 *     the host's tree (pivot_root(2), "pivot_root(".", ".")" note).
 *     The descriptors still pointing at host objects (the grants', and
 *     the sources of step 2, kept open for the Landlock rules: see
 *     box_mount_sources) are closed by sandbox_apply's first step,
 *     before the exec. The detach ends in namespace_unlock(), which
 *     waits for an RCU grace period (synchronize_rcu): 0.1 ms on a quiet
 *     2-core machine, 1.6-9 ms under load, the largest single cost of
 *     the box (issue 15). Moving the new root over "/" and chroot(".")
 *     (switch_root(8)) waits for nothing, but leaves the host's tree in
 *     the namespace below the new root, where a box process holding
 *     CAP_SYS_CHROOT in its user namespace (virtiofsd's) can leave a
 *     chroot to reach it (chroot into a subdirectory, then ".."): the
 *     box holds no host tree at all, as bubblewrap's.
 */
#include "mount.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "util.h"

#define ROOT "/tmp"

/* mkdir -p of dir, a path under ROOT: ROOT itself exists (a mount
 * point on the host), so the first directory made is the one below it. */
static int mkdir_p(const char *dir)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	if (strcmp(buf, ROOT) == 0)
		return 0;
	if (strncmp(buf, ROOT "/", strlen(ROOT "/")) != 0)
		return -EINVAL;
	for (char *p = buf + strlen(ROOT "/");; p++) {
		if (*p == '/' || !*p) {
			char c = *p;
			*p = '\0';
			if (mkdir(buf, 0755) < 0 && errno != EEXIST)
				return -errno;
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

/* Creates target, a directory, an empty file or (link non-NULL) a
 * symlink to link: 0, or -errno (-EEXIST, -ENOENT when its parent is
 * missing). One syscall each: mknod makes the empty file (a regular file
 * needs no privilege, mknod(2)) where open + close took two; none of
 * them follows a symlink at target. */
static int create_node(const char *target, bool dir, const char *link)
{
	int r = link  ? symlink(link, target)
		: dir ? mkdir(target, 0755)
		      : mknod(target, S_IFREG | 0644, 0);

	return r < 0 ? -errno : 0;
}

/* Creates the mount point target (a directory or an empty file, parents
 * made) or the symlink target -> link; an existing one is used as is (a
 * file inside a directory bound before it, such as QEMU's binary under
 * /usr: mounted over as it is). Created first and the parents only when
 * missing: one syscall for most targets, where making every parent first
 * took one per component. */
static int make_mountpoint(const char *target, bool dir, const char *link)
{
	char parent[PATH_MAX];
	char *slash;
	int r = create_node(target, dir, link);

	if (r == 0 || r == -EEXIST)
		return 0;
	if (r != -ENOENT)
		return r;
	snprintf(parent, sizeof(parent), "%s", target);
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return r;
	*slash = '\0';
	r = mkdir_p(parent);
	if (r < 0)
		return r;
	r = create_node(target, dir, link);
	return r == -EEXIST ? 0 : r;
}

static int set_attr(const char *target, uint64_t attr, bool recursive)
{
	struct mount_attr ma = { .attr_set = attr };

	if (mount_setattr(AT_FDCWD, target, recursive ? AT_RECURSIVE : 0, &ma,
			  sizeof(ma)) < 0)
		return -errno;
	return 0;
}

static bool is_proc(const char *path)
{
	return strcmp(path, "/proc") == 0 || startswith(path, "/proc/");
}

/* A grant's source, opened (or read, for a symlink) before the new
 * root hides anything. */
struct source {
	const struct grant *g;
	int fd;       /* O_PATH in this mount namespace, or -1 */
	char *link;   /* a system path that is a symlink: its target */
	bool missing; /* an optional system path absent on this host */
	struct stat st;
};

/*
 * Opens the source of s->g in this mount namespace, O_PATH, into s->fd
 * and s->st: a system path by path, or the grant's descriptor's object
 * reopened here and checked by inode. A system path whose last
 * component is a symlink on the host (/lib64 -> usr/lib64 on merged
 * /usr, /bin -> usr/bin, /etc/localtime) becomes a symlink in the box
 * too: s->link, read from the link itself (O_PATH|O_NOFOLLOW opens it;
 * readlinkat(fd, "") reads it, readlinkat(2)), where lstat + readlink +
 * open + fstat of the path took four calls. A missing optional system
 * path sets s->missing (skipped by the caller). 0 or -errno.
 */
static int open_source(struct source *s)
{
	const struct grant *g = s->g;
	char link[64], path[PATH_MAX];
	struct stat a;
	ssize_t n;

	if (g->fd < 0) {
		s->fd = open(g->path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
		if (s->fd < 0) {
			s->missing = errno == ENOENT && g->optional;
			return s->missing ? 0 : -errno;
		}
		if (fstat(s->fd, &s->st) < 0)
			return -errno;
		if (!S_ISLNK(s->st.st_mode))
			return 0;
		n = readlinkat(s->fd, "", path, sizeof(path) - 1);
		if (n < 0)
			return -errno;
		path[n] = '\0';
		s->link = strdup(path);
		return s->link ? 0 : -ENOMEM;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", g->fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return -errno;
	if (n == (ssize_t)sizeof(path) - 1 || path[0] != '/')
		return -ESTALE; /* "(deleted)", or not a path in any tree */
	path[n] = '\0';
	s->fd = open(path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	if (s->fd < 0)
		return errno == ENOENT ? -ESTALE : -errno;
	if (fstat(g->fd, &a) < 0 || fstat(s->fd, &s->st) < 0)
		return -errno;
	if (a.st_dev != s->st.st_dev || a.st_ino != s->st.st_ino)
		return -ESTALE;
	return 0;
}

static int cmp_source_path(const void *x, const void *y)
{
	const struct source *a = x, *b = y;
	return strcmp(a->g->path, b->g->path);
}

static int open_sources(struct source *src, size_t n, const char **ret_failed_path)
{
	for (size_t i = 0; i < n; i++) {
		int r;

		/* /proc is the box's own procfs (step 5), not the host's. */
		if (is_proc(src[i].g->path))
			continue;
		r = open_source(&src[i]);
		if (r < 0) {
			*ret_failed_path = src[i].g->path;
			return r;
		}
	}
	return 0;
}

/* Binds one source at target. */
static int bind_source(const struct source *s, const char *target)
{
	const struct grant *g = s->g;
	uint64_t attr = MOUNT_ATTR_NOSUID;
	bool devnode = S_ISCHR(s->st.st_mode) || S_ISBLK(s->st.st_mode);
	char link[64];
	int r;

	if (s->link)
		return make_mountpoint(target, false, s->link);
	r = make_mountpoint(target, S_ISDIR(s->st.st_mode), NULL);
	if (r < 0)
		return r;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", s->fd);
	if (mount(link, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -errno;
	if (g->access != GRANT_RW)
		attr |= MOUNT_ATTR_RDONLY;
	if (g->access != GRANT_RX)
		attr |= MOUNT_ATTR_NOEXEC;
	if (!g->dev && !devnode)
		attr |= MOUNT_ATTR_NODEV;
	return set_attr(target, attr, true);
}

/* A tmpfs at target, made in a directory that exists (ROOT: make false). */
static int mount_tmpfs(const char *target, const char *opts, bool make)
{
	if (make && mkdir(target, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return -errno;
	return 0;
}

/* What box_mount_root left open for the Landlock rules (mount.h): one
 * per grant of kept_for, in the child that built the root. */
static struct landlock_source *kept;
static const struct grants *kept_for;

const struct landlock_source *box_mount_sources(const struct grants *g)
{
	return g && g == kept_for ? kept : NULL;
}

/* Whether wide's rule, on a directory, gives beneath it every right g's
 * rule would give on what lies there (landlock_rule_access): the same
 * access, or RO under RX or RW; device rights only under a device grant. */
static bool covers(const struct grant *wide, const struct grant *g)
{
	if (g->dev && !wide->dev)
		return false;
	return wide->access == g->access || g->access == GRANT_RO;
}

/*
 * Whether the symlink s (a system path: /lib64 -> usr/lib64 on merged
 * /usr, /etc/localtime -> /usr/share/zoneinfo/...) needs no Landlock
 * rule of its own: its target, read as a path in the box (relative to
 * the link's directory; with no "." or ".." component, which a reading
 * by the letters could get wrong), lies at or beneath a directory grant
 * bound in the box whose rule covers it (covers). Landlock's rule on a
 * directory governs everything beneath it (LANDLOCK_RULE_PATH_BENEATH),
 * so a rule on the target, which is what the link's rule would be
 * (landlock.c opens the path, following it), adds no right. Dropping a
 * rule only ever removes rights: a target that a symlink inside the
 * grant leads elsewhere keeps only what its own place grants.
 */
static bool link_covered(const struct source *src, size_t n, const struct source *s)
{
	const char *path = s->g->path;
	char target[PATH_MAX];
	int len;

	if (s->link[0] == '/')
		len = snprintf(target, sizeof(target), "%s", s->link);
	else
		len = snprintf(target, sizeof(target), "%.*s/%s",
			       (int)(strrchr(path, '/') - path), path, s->link);
	if (len < 0 || len >= (int)sizeof(target))
		return false;
	for (const char *p = target; (p = strchr(p, '/')); ) {
		p++;
		if (p[0] == '.' && (p[1] == '/' || !p[1] || (p[1] == '.' && (p[2] == '/' || !p[2]))))
			return false;
	}
	for (size_t j = 0; j < n; j++) {
		const struct source *d = &src[j];
		size_t l = strlen(d->g->path);

		if (d->fd < 0 || d->link || !S_ISDIR(d->st.st_mode) || l < 2)
			continue;
		if (strncmp(target, d->g->path, l) == 0 && (target[l] == '/' || !target[l]) &&
		    covers(d->g, s->g))
			return true;
	}
	return false;
}

/* On success the descriptors move to kept (index: the grant's in
 * pol->grants) and stay open; on failure they are closed. */
static void sources_done(struct source *src, size_t n, const struct grants *grants,
			 bool success)
{
	struct landlock_source *ll = success ? calloc(n ? n : 1, sizeof(*ll)) : NULL;

	for (size_t i = 0; ll && i < n; i++) {
		struct landlock_source *d = &ll[src[i].g - grants->v];

		/* A symlink's descriptor is the link's, not its target's:
		 * the rule, when one is needed, comes from the path
		 * (landlock.c). */
		d->fd = src[i].link ? -1 : src[i].fd;
		d->mode = src[i].st.st_mode;
		d->no_rule = src[i].missing || (src[i].link && link_covered(src, n, &src[i]));
	}
	for (size_t i = 0; src && i < n; i++) {
		if (!ll && src[i].fd >= 0)
			close(src[i].fd);
		free(src[i].link);
	}
	free(src);
	if (ll) {
		kept = ll;
		kept_for = grants;
	}
}

int box_mount_root(const struct sandbox_policy *pol, const char **ret_failed_path)
{
	size_t n = pol->grants.n;
	struct source *src = calloc(n ? n : 1, sizeof(*src));
	char target[PATH_MAX];
	int r = 0;

#define STEP(what, expr)                                                       \
	do {                                                                   \
		r = (expr);                                                    \
		if (r < 0) {                                                   \
			*ret_failed_path = (what);                             \
			goto out;                                              \
		}                                                              \
	} while (0)

	if (!src)
		STEP("memory", -ENOMEM);
	for (size_t i = 0; i < n; i++)
		src[i] = (struct source){ .g = &pol->grants.v[i], .fd = -1 };
	/* Path order: a parent is bound before what is under it. */
	qsort(src, n, sizeof(*src), cmp_source_path);

	/* 1. */
	STEP("/ (private)", mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ? -errno : 0);
	/* 2. */
	r = open_sources(src, n, ret_failed_path);
	if (r < 0)
		goto out;
	/* 3, 4. */
	STEP("the root tmpfs", mount_tmpfs(ROOT, "mode=0755,size=1m", false));
	STEP("/tmp", mount_tmpfs(ROOT "/tmp", "mode=1777", true));
	STEP("/dev", mount_tmpfs(ROOT "/dev", "mode=0755,size=64k", true));
	STEP("/dev/shm", mount_tmpfs(ROOT "/dev/shm", "mode=1777", true));
	for (size_t i = 0; i < n; i++) {
		if (src[i].fd < 0 && !src[i].link)
			continue;
		if (snprintf(target, sizeof(target), ROOT "%s", src[i].g->path) >=
		    (int)sizeof(target))
			STEP(src[i].g->path, -ENAMETOOLONG);
		STEP(src[i].g->path, bind_source(&src[i], target));
	}
	/* 5. */
	STEP("/proc", mkdir(ROOT "/proc", 0755) < 0 && errno != EEXIST ? -errno : 0);
	STEP("/proc", mount("proc", ROOT "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			    NULL) < 0 ? -errno : 0);
	/* 6. */
	STEP("the root tmpfs (read-only)", set_attr(ROOT, MOUNT_ATTR_RDONLY, false));
	/* 7. */
	STEP("pivot_root", chdir(ROOT) < 0 ? -errno : 0);
	STEP("pivot_root", syscall(SYS_pivot_root, ".", ".") < 0 ? -errno : 0);
	STEP("pivot_root (detach the old root)", umount2(".", MNT_DETACH) < 0 ? -errno : 0);
	STEP("pivot_root", chdir("/") < 0 ? -errno : 0);
#undef STEP
out:
	sources_done(src, n, &pol->grants, r == 0);
	return r;
}
