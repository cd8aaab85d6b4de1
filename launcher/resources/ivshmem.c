// SPDX-License-Identifier: GPL-2.0-or-later
#include "ivshmem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "findings.h"
#include "profile.h"
#include "util.h"
#include "render.h"
#include "resource.h"

/*
 * From the Looking Glass kvmfr module's kvmfr.h: _IO('u', 0x44), the
 * ioctl's return value is the device's size in bytes (kvmfr.c,
 * device_ioctl). The module parameter static_size_mb itself is declared
 * with permission 0, so it cannot be read back from /sys/module.
 */
#define KVMFR_DMABUF_GETSIZE _IO('u', 0x44)

#define RESOURCE "looking-glass"

int lg_size_from_resolution(unsigned width, unsigned height, uint64_t *ret_bytes)
{
	if (width == 0 || height == 0 || width > 65536 || height > 65536)
		return -ERANGE;
	uint64_t need = (uint64_t)width * height * 4 * 2 + (10ULL << 20);
	uint64_t size = 1ULL << 20;
	while (size < need)
		size <<= 1;
	*ret_bytes = size;
	return 0;
}

int ivshmem_profile_size(const struct profile *p, uint64_t *ret_bytes)
{
	uint64_t size;
	int r;

	if (p->lg_size) {
		size = p->lg_size;
		if (size < (1ULL << 20) || (size & (size - 1)) != 0)
			return -EINVAL;
	} else if (p->lg_width || p->lg_height) {
		r = lg_size_from_resolution(p->lg_width, p->lg_height, &size);
		if (r < 0)
			return r;
	} else {
		r = lg_size_from_resolution(1920, 1080, &size);
		if (r < 0)
			return r;
	}
	*ret_bytes = size;
	return 0;
}

enum ivshmem_kind ivshmem_path_kind(const char *path, const char **ret_name)
{
	const char *name;

	*ret_name = NULL;
	if (startswith(path, "/dev/shm/")) {
		name = path + strlen("/dev/shm/");
		if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 ||
		    strcmp(name, "..") == 0 || strlen(name) > 255)
			return IVSHMEM_OTHER;
		*ret_name = name;
		return IVSHMEM_SHM;
	}
	if (startswith(path, "/dev/kvmfr")) {
		name = path + strlen("/dev/");
		uint64_t n;
		if (parse_u64(name + strlen("kvmfr"), 0, 255, &n) < 0)
			return IVSHMEM_OTHER;
		*ret_name = name;
		return IVSHMEM_KVMFR;
	}
	return IVSHMEM_OTHER;
}

static const char *lg_path(const struct profile *p)
{
	return p->lg_path ? p->lg_path : IVSHMEM_DEFAULT_PATH;
}

/* The gid of the profile's group; -ESRCH when no such group, -EXDEV when
 * we are not a member (fchown to it would fail with EPERM anyway). */
static int lg_group(const struct profile *p, gid_t *ret_gid)
{
	struct group grbuf, *gr = NULL;
	char buf[16384];
	gid_t gid;
	uint64_t n;

	if (parse_u64(p->lg_group, 0, UINT32_MAX - 1, &n) == 0) {
		gid = (gid_t)n;
	} else {
		if (getgrnam_r(p->lg_group, &grbuf, buf, sizeof(buf), &gr) != 0 || !gr)
			return -ESRCH;
		gid = gr->gr_gid;
	}
	if (gid != getegid()) {
		int n_groups = getgroups(0, NULL);
		if (n_groups < 0)
			return -errno;
		_cleanup_free_ gid_t *groups = calloc((size_t)n_groups + 1, sizeof(gid_t));
		if (!groups)
			return -ENOMEM;
		n_groups = getgroups(n_groups, groups);
		if (n_groups < 0)
			return -errno;
		bool member = false;
		for (int i = 0; i < n_groups; i++)
			member |= groups[i] == gid;
		if (!member)
			return -EXDEV;
	}
	*ret_gid = gid;
	return 0;
}

/* Opens devfs/shm; it must be a root-owned directory with the sticky bit,
 * so that no other user can remove or replace a file we own in it. */
static int open_shm_dir(const char *devfs, int *ret_fd)
{
	_cleanup_close_ int devfd = -1, fd = -1;
	struct stat st;

	devfd = open(devfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (devfd < 0)
		return -errno;
	fd = openat(devfd, "shm", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP ? -ENOTDIR : -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || !(st.st_mode & S_ISVTX))
		return -ENOTDIR;
	*ret_fd = steal_fd(&fd);
	return 0;
}

/* An existing file may be reused only when it is a regular file of ours
 * that nobody else may open: no access for others, group access only for
 * the profile's group, and no second name (link count 1). */
static int validate_existing(const struct stat *st, bool has_group, gid_t gid)
{
	if (S_ISLNK(st->st_mode))
		return -ELOOP;
	if (!S_ISREG(st->st_mode))
		return -EMEDIUMTYPE;
	if (st->st_uid != geteuid())
		return -EPERM;
	/* Another name for one of our files (a hard link made by another
	 * user where fs.protected_hardlinks is 0, or by us): fchmod and
	 * ftruncate below would expose or destroy that file's contents. */
	if (st->st_nlink != 1)
		return -EMLINK;
	if (st->st_mode & 0007)
		return -EACCES;
	if ((st->st_mode & 0070) && (!has_group || st->st_gid != gid))
		return -EACCES;
	return 0;
}

int ivshmem_find_mapper(const char *procfs, dev_t dev, ino_t ino,
			pid_t *ret_pid, unsigned *ret_unreadable)
{
	_cleanup_close_ int procfd = -1;
	DIR *d;
	struct dirent *de;
	unsigned unreadable = 0;
	pid_t self = getpid();
	int found = 0;

	procfd = open(procfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -errno;
	int dfd = dup(procfd);
	if (dfd < 0)
		return -errno;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	while (!found && (de = readdir(d))) {
		uint64_t pid;
		char rel[300];

		if (parse_u64(de->d_name, 1, INT32_MAX, &pid) < 0 || (pid_t)pid == self)
			continue;
		snprintf(rel, sizeof(rel), "%s/maps", de->d_name);
		int fd = openat(procfd, rel, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno != ENOENT && errno != ESRCH)
				unreadable++;
			continue;
		}
		FILE *f = fdopen(fd, "re");
		if (!f) {
			close(fd);
			continue;
		}
		/* proc(5): "address perms offset dev inode pathname", dev as
		 * hex major:minor. A file's mappings carry its st_dev/st_ino. */
		char line[4096];
		bool any = false;
		while (fgets(line, sizeof(line), f)) {
			unsigned maj, min;
			unsigned long long inode;
			any = true;
			if (sscanf(line, "%*s %*s %*s %x:%x %llu", &maj, &min, &inode) != 3)
				continue;
			if (inode == (unsigned long long)ino && maj == major(dev) &&
			    min == minor(dev)) {
				found = 1;
				*ret_pid = (pid_t)pid;
				break;
			}
			/* a line longer than the buffer: skip its rest */
			while (!strchr(line, '\n') && fgets(line, sizeof(line), f))
				;
		}
		/* Reading another user's maps fails with EACCES at read time
		 * (ptrace access mode check), not at open. */
		if (!any && ferror(f))
			unreadable++;
		fclose(f);
	}
	closedir(d);
	if (ret_unreadable)
		*ret_unreadable = unreadable;
	return found;
}

/* May a file of st's size become size bytes? 0 when it already is, or
 * when nobody maps it (-EBUSY with *ret_pid), and never shrink a file a
 * group member's client may map unseen (-ETXTBSY). */
static int may_resize(const char *procfs, const struct stat *st, uint64_t size,
		      bool has_group, pid_t *ret_pid)
{
	pid_t pid = 0;
	int r;

	if ((uint64_t)st->st_size == size)
		return 0;
	r = ivshmem_find_mapper(procfs, st->st_dev, st->st_ino, &pid, NULL);
	if (r < 0)
		return r;
	if (r > 0) {
		if (ret_pid)
			*ret_pid = pid;
		return -EBUSY;
	}
	if (has_group && st->st_size > 0 && (uint64_t)st->st_size > size)
		return -ETXTBSY;
	return 0;
}

/* Opens devfs/kvmfrN read-write (QEMU maps it shared) and returns its size
 * from the module. */
static int kvmfr_size(const char *devfs, const char *name, uint64_t *ret_size)
{
	_cleanup_close_ int devfd = -1, fd = -1;
	struct stat st;

	devfd = open(devfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (devfd < 0)
		return -errno;
	/* O_NONBLOCK: no open of a char device may block; udev creates the
	 * node itself, so a symlink is not expected. */
	fd = openat(devfd, name, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISCHR(st.st_mode))
		return -EMEDIUMTYPE;
	/* glibc's ioctl() returns int: sizes up to 1 GiB (kvmfr sizes are
	 * MiB-scale) fit. */
	int r = ioctl(fd, KVMFR_DMABUF_GETSIZE, 0);
	if (r <= 0)
		return -EMEDIUMTYPE;
	*ret_size = (uint64_t)r;
	return 0;
}

void ivshmem_strerror(int r, const char *path, pid_t pid, char *msg,
		      size_t msg_len, char *fix, size_t fix_len)
{
	fix[0] = '\0';
	switch (r) {
	case -ELOOP:
		snprintf(msg, msg_len, "%s is a symbolic link; refusing to follow it", path);
		snprintf(fix, fix_len, "remove the link: rm %s (vfio-launch creates the file itself)", path);
		break;
	case -EMEDIUMTYPE:
		if (startswith(path, "/dev/kvmfr")) {
			snprintf(msg, msg_len, "%s is not a kvmfr device", path);
			snprintf(fix, fix_len, "load the Looking Glass module: modprobe kvmfr static_size_mb=SIZE_IN_MIB");
		} else {
			snprintf(msg, msg_len, "%s is not a regular file", path);
			snprintf(fix, fix_len, "remove it, or set [looking-glass] path = to another /dev/shm name");
		}
		break;
	case -EMLINK:
		snprintf(msg, msg_len, "%s has more than one name (a hard link); refusing to reuse it", path);
		snprintf(fix, fix_len, "remove it: rm %s (vfio-launch creates the file itself)", path);
		break;
	case -EPERM:
		snprintf(msg, msg_len, "%s is owned by another user", path);
		snprintf(fix, fix_len, "set [looking-glass] path = /dev/shm/ANOTHER-NAME, or have its owner remove it");
		break;
	case -EACCES:
		if (startswith(path, "/dev/kvmfr")) {
			snprintf(msg, msg_len, "%s cannot be opened read-write by you", path);
			snprintf(fix, fix_len, "a udev rule: SUBSYSTEM==\"kvmfr\", OWNER=\"YOUR-USER\", GROUP=\"kvm\", MODE=\"0660\" in /etc/udev/rules.d/99-kvmfr.rules, then udevadm trigger");
			break;
		}
		snprintf(msg, msg_len, "%s can be opened by other users (mode or group too open)", path);
		snprintf(fix, fix_len, "remove it: rm %s (it is recreated with mode 0600, or 0660 with [looking-glass] group =)", path);
		break;
	case -ENOTDIR:
		snprintf(msg, msg_len, "the parent of %s is not the root-owned sticky /dev/shm directory", path);
		snprintf(fix, fix_len, "mount tmpfs on /dev/shm with mode 1777 (systemd does this by default)");
		break;
	case -EBUSY:
		snprintf(msg, msg_len, "%s has the wrong size and is mapped by process %d", path, (int)pid);
		snprintf(fix, fix_len, "stop process %d (the Looking Glass client or an old QEMU), then run again", (int)pid);
		break;
	case -ETXTBSY:
		snprintf(msg, msg_len, "%s is larger than needed and shared with a group; not shrinking it while another user's client may map it", path);
		snprintf(fix, fix_len, "stop the Looking Glass client and remove the file: rm %s", path);
		break;
	case -ESRCH:
		snprintf(msg, msg_len, "the [looking-glass] group does not exist");
		snprintf(fix, fix_len, "create it (groupadd) or fix [looking-glass] group =");
		break;
	case -EXDEV:
		snprintf(msg, msg_len, "you are not a member of the [looking-glass] group");
		snprintf(fix, fix_len, "add yourself: usermod -aG GROUP $USER (then log in again), or remove group =");
		break;
	case -EINVAL:
		snprintf(msg, msg_len, "%s is neither /dev/shm/NAME nor /dev/kvmfrN", path);
		snprintf(fix, fix_len, "set [looking-glass] path = /dev/shm/looking-glass or /dev/kvmfr0");
		break;
	case -ENOENT:
		snprintf(msg, msg_len, "%s does not exist", path);
		if (startswith(path, "/dev/kvmfr"))
			snprintf(fix, fix_len, "load the Looking Glass module: modprobe kvmfr static_size_mb=SIZE_IN_MIB");
		else
			snprintf(fix, fix_len, "mount tmpfs on /dev/shm");
		break;
	case -ERANGE:
		snprintf(msg, msg_len, "the size of %s differs from the size checked", path);
		snprintf(fix, fix_len, "run 'vfio-launch check' and adjust [looking-glass] size =");
		break;
	default:
		snprintf(msg, msg_len, "%s: %s", path, strerror(-r));
		break;
	}
}

static void fail_with(struct findings *f, int r, const char *path, pid_t pid)
{
	char msg[512], fix[512];
	ivshmem_strerror(r, path, pid, msg, sizeof(msg), fix, sizeof(fix));
	finding_fail(f, RESOURCE, fix[0] ? fix : NULL, "%s", msg);
}

static void check_kvmfr(const struct profile *p, struct check_ctx *ctx,
			struct findings *f, const char *path, const char *name,
			uint64_t want)
{
	char have_s[32], want_s[32], fix[256];
	uint64_t have = 0;
	int r;

	r = kvmfr_size(ctx->devfs, name, &have);
	if (r == -EACCES || r == -EPERM) {
		finding_fail(f, RESOURCE,
			     "let your user open it read-write with a udev rule: "
			     "SUBSYSTEM==\"kvmfr\", OWNER=\"YOUR-USER\", GROUP=\"kvm\", MODE=\"0660\" "
			     "in /etc/udev/rules.d/99-kvmfr.rules, then udevadm trigger",
			     "%s cannot be opened read-write by you (%s)", path, strerror(-r));
		return;
	}
	if (r < 0) {
		fail_with(f, r, path, 0);
		return;
	}
	format_size(have, have_s, sizeof(have_s));
	format_size(want, want_s, sizeof(want_s));
	if ((p->lg_size || p->lg_width) && have < want) {
		snprintf(fix, sizeof(fix),
			 "reload the module with the size: modprobe -r kvmfr; modprobe kvmfr static_size_mb=%" PRIu64
			 " (or set [looking-glass] size = %s)", want >> 20, have_s);
		finding_fail(f, RESOURCE, fix, "%s is %s, the profile needs %s", path, have_s, want_s);
		return;
	}
	if (p->lg_size && have != want) {
		snprintf(fix, sizeof(fix), "set [looking-glass] size = %s, or remove size =", have_s);
		finding_fail(f, RESOURCE, fix, "%s is %s but size = %s", path, have_s, want_s);
		return;
	}
	ctx->lg_size = have;
	(void)check_ctx_keep_path(ctx, path, NULL, GRANT_RW, true, false);
	finding_pass(f, RESOURCE, "%s: kvmfr device of %s, read-write", path, have_s);
}

static void check_shm(const struct profile *p, struct check_ctx *ctx,
		      struct findings *f, const char *path, const char *name,
		      uint64_t size)
{
	_cleanup_close_ int dirfd = -1;
	char size_s[32], old_s[32];
	struct stat st;
	bool has_group = p->lg_group != NULL;
	gid_t gid = 0;
	pid_t pid = 0;
	int r;

	if (has_group) {
		r = lg_group(p, &gid);
		if (r < 0) {
			fail_with(f, r, path, 0);
			return;
		}
	}
	r = open_shm_dir(ctx->devfs, &dirfd);
	if (r < 0) {
		fail_with(f, r, path, 0);
		return;
	}
	format_size(size, size_s, sizeof(size_s));
	const char *mode_s = has_group ? "0660" : "0600";
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT) {
			fail_with(f, -errno, path, 0);
			return;
		}
		/* Nothing to keep: the prepare stage creates it, and the
		 * grants are made from what it created. */
		ctx->lg_size = size;
		finding_pass(f, RESOURCE, "%s: will be created, %s, mode %s", path, size_s, mode_s);
		return;
	}
	r = validate_existing(&st, has_group, gid);
	if (r == 0)
		r = may_resize(ctx->procfs, &st, size, has_group, &pid);
	if (r < 0) {
		fail_with(f, r, path, pid);
		return;
	}
	/* The file looked at (O_PATH, no link followed) is the one kept. */
	_cleanup_close_ int opath = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st2;
	if (opath < 0 || fstat(opath, &st2) < 0 || st2.st_dev != st.st_dev ||
	    st2.st_ino != st.st_ino) {
		fail_with(f, opath < 0 ? -errno : -ESTALE, path, 0);
		return;
	}
	(void)check_ctx_keep(ctx, path, opath, GRANT_RW, false);
	ctx->lg_size = size;
	if ((uint64_t)st.st_size != size) {
		format_size((uint64_t)st.st_size, old_s, sizeof(old_s));
		finding_pass(f, RESOURCE, "%s: exists, will be resized from %s to %s, mode %s",
			     path, old_s, size_s, mode_s);
	} else {
		finding_pass(f, RESOURCE, "%s: exists, %s, mode %s", path, size_s, mode_s);
	}
}

void ivshmem_check(const struct profile *p, struct check_ctx *ctx,
		   struct findings *f)
{
	const char *path = lg_path(p);
	const char *name;
	uint64_t size = 0;
	int r;

	if (!p->lg_enabled)
		return;
	r = ivshmem_profile_size(p, &size);
	if (r < 0) {
		finding_fail(f, RESOURCE,
			     "set [looking-glass] size = to a power of two of at least 1M (32M for 1920x1080), or resolution = WxH",
			     "%s:%u: the shared memory size must be a power of two of at least 1 MiB",
			     p->file ? p->file : "profile", p->line_lg);
		return;
	}
	switch (ivshmem_path_kind(path, &name)) {
	case IVSHMEM_SHM:
		check_shm(p, ctx, f, path, name, size);
		break;
	case IVSHMEM_KVMFR:
		check_kvmfr(p, ctx, f, path, name, size);
		break;
	case IVSHMEM_OTHER:
	default:
		fail_with(f, -EINVAL, path, 0);
		break;
	}
}

static int prepare_shm(const struct profile *p, const char *devfs, const char *procfs,
		       const char *name, uint64_t size, struct ivshmem_prepared *ret,
		       pid_t *ret_pid)
{
	_cleanup_close_ int dirfd = -1, fd = -1;
	bool has_group = p->lg_group != NULL, created = false;
	mode_t mode = has_group ? 0660 : 0600;
	gid_t gid = 0;
	struct stat st;
	int r;

	if (has_group) {
		r = lg_group(p, &gid);
		if (r < 0)
			return r;
	}
	r = open_shm_dir(devfs, &dirfd);
	if (r < 0)
		return r;

	fd = openat(dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		created = true;
	} else if (errno == EEXIST) {
		/* Look before opening: never open another user's file or a
		 * device node (opening one may have side effects). Then
		 * open without following links and re-check the descriptor:
		 * in the sticky /dev/shm only we can replace a file we own. */
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		r = validate_existing(&st, has_group, gid);
		if (r < 0)
			return r;
		fd = openat(dirfd, name, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	} else {
		return -errno;
	}

	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto fail;
	}
	r = validate_existing(&st, has_group, gid);
	if (r < 0)
		goto fail;
	if (has_group && fchown(fd, (uid_t)-1, gid) < 0) {
		r = -errno;
		goto fail;
	}
	/* fchmod after fchown: chown may clear set-id bits, and the umask
	 * applied at creation is undone here. */
	if (fchmod(fd, mode) < 0) {
		r = -errno;
		goto fail;
	}
	/* A file this call created (O_EXCL) is new and empty: nobody maps
	 * its contents yet, so no /proc/PID/maps scan (1-2 ms, growing with
	 * the number of processes; issue 15). */
	if (!created) {
		r = may_resize(procfs, &st, size, has_group, ret_pid);
		if (r < 0)
			goto fail;
	}
	if ((uint64_t)st.st_size != size && ftruncate(fd, (off_t)size) < 0) {
		r = -errno;
		goto fail;
	}
	*ret = (struct ivshmem_prepared){
		.created = created,
		.dev = st.st_dev,
		.ino = st.st_ino,
	};
	return 0;
fail:
	if (created)
		(void)unlinkat(dirfd, name, 0);
	return r;
}

int ivshmem_prepare(const struct profile *p, const char *devfs,
		    const char *procfs, uint64_t size,
		    struct ivshmem_prepared *ret, pid_t *ret_pid)
{
	const char *name;
	uint64_t have;
	int r;

	*ret = (struct ivshmem_prepared){ 0 };
	switch (ivshmem_path_kind(lg_path(p), &name)) {
	case IVSHMEM_SHM:
		return prepare_shm(p, devfs, procfs, name, size, ret, ret_pid);
	case IVSHMEM_KVMFR:
		r = kvmfr_size(devfs, name, &have);
		if (r < 0)
			return r;
		return have == size ? 0 : -ERANGE;
	case IVSHMEM_OTHER:
	default:
		return -EINVAL;
	}
}

int ivshmem_undo(const struct profile *p, const char *devfs,
		 const struct ivshmem_prepared *prep)
{
	_cleanup_close_ int dirfd = -1;
	const char *name;
	struct stat st;
	int r;

	if (!prep->created ||
	    ivshmem_path_kind(lg_path(p), &name) != IVSHMEM_SHM)
		return 0;
	r = open_shm_dir(devfs, &dirfd);
	if (r < 0)
		return r;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (st.st_dev != prep->dev || st.st_ino != prep->ino)
		return 0; /* not the file we created: leave it */
	if (unlinkat(dirfd, name, 0) < 0)
		return -errno;
	return 0;
}

/* ---------------------------------------------------------------- argv */

static int ivshmem_argv(const struct profile *p, const struct render_env *env,
			  struct strv *sv)
{
	uint64_t size = env->lg_size ? env->lg_size : p->lg_size;
	_cleanup_free_ char *path = NULL;
	char buf[32];

	if (!p->lg_enabled)
		return 0;
	if (size == 0) {
		/* No size = and no resolution =: 1920x1080, Looking Glass's
		 * documented default client resolution (32 MiB). */
		TRY(lg_size_from_resolution(p->lg_width ? p->lg_width : 1920,
					    p->lg_height ? p->lg_height : 1080, &size));
	}
	path = qemu_escape(p->lg_path ? p->lg_path : "/dev/shm/looking-glass");
	if (!path)
		return -ENOMEM;
	format_size(size, buf, sizeof(buf));
	/* Looking Glass docs (ivshmem with a memory-backend-file, also for
	 * /dev/kvmfr0): share=on so guest writes reach the file. */
	TRY(strv_push(sv, "-object"));
	TRY(strv_pushf(sv, "memory-backend-file,id=ivshmem,share=on,mem-path=%s,size=%s",
		       path, buf));
	return strv_push2(sv, "-device", "ivshmem-plain,memdev=ivshmem,id=ivshmem0");
}

/* The file or kvmfr device as checked; a /dev/shm file the check found
 * missing as the prepare stage created it. */
static int ivshmem_grants(const struct profile *p, const struct check_ctx *ctx,
			  const struct vm_paths *paths, const struct grants *checked,
			  struct grants *ret)
{
	(void)ctx;
	TRY(resource_grants_copy(ret, checked));
	const char *name;

	if (p->lg_enabled && checked->n == 0 && paths &&
	    ivshmem_path_kind(lg_path(p), &name) == IVSHMEM_SHM)
		TRY(resource_grants_prepared(ret, lg_path(p), false));
	return 0;
}

const struct resource resource_looking_glass = {
	.name = "looking-glass",
	.check = ivshmem_check,
	.grants = ivshmem_grants,
	.argv = ivshmem_argv,
};
