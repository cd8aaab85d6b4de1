// SPDX-License-Identifier: GPL-2.0-or-later
#include "prepare.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "display.h"
#include "paths.h"
#include "vars.h"
#include "profile.h"

static int record(struct prepare_state *st, const char *path, bool dir)
{
	char *c;

	if (st->n_made == PREPARE_MAX_MADE)
		return -ENOBUFS;
	c = strdup(path);
	if (!c)
		return -ENOMEM;
	st->made[st->n_made] = c;
	st->made_dir[st->n_made] = dir;
	st->n_made++;
	return 0;
}

static int fail_at(struct prepare_state *st, const char *path, int r)
{
	free(st->failed_path);
	st->failed_path = strdup(path);
	return r;
}

/*
 * Creates (mode 0700) or opens the directory name under parent_fd without
 * following a symlink, and checks that it is ours and carries none of the
 * permission bits in forbidden (077 for the runtime dir: nobody else may
 * even look; 022 for state). full is its path, for the record and
 * messages. Returns an O_PATH-free directory fd, or -errno.
 */
static int private_dir(struct prepare_state *st, int parent_fd, const char *name,
		       const char *full, mode_t forbidden)
{
	_cleanup_close_ int fd = -1;
	bool created = false;
	struct stat s;
	int r;

	if (mkdirat(parent_fd, name, 0700) == 0)
		created = true;
	else if (errno != EEXIST)
		return fail_at(st, full, -errno);
	if (created) {
		r = record(st, full, true);
		if (r < 0) {
			/* not in the record: rollback would miss it */
			unlinkat(parent_fd, name, AT_REMOVEDIR);
			return fail_at(st, full, r);
		}
	}
	fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		/* O_DIRECTORY|O_NOFOLLOW on a symlink says ENOTDIR: say ELOOP. */
		if (r == -ENOTDIR && fstatat(parent_fd, name, &s, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(s.st_mode))
			r = -ELOOP;
		return fail_at(st, full, r);
	}
	if (fstat(fd, &s) < 0)
		return fail_at(st, full, -errno);
	/* umask may have narrowed 0700 further, which would lock us out. */
	if (created && (s.st_mode & 07777) != 0700 && fchmod(fd, 0700) < 0)
		return fail_at(st, full, -errno);
	if (s.st_uid != st->uid)
		return fail_at(st, full, -EPERM);
	if (!created && (s.st_mode & forbidden))
		return fail_at(st, full, -EPERM);
	return steal_fd(&fd);
}

/* mkdir -p of an absolute path (mode 0700 for what it creates, recorded
 * for rollback). Existing components may be symlinks: this is the user's
 * own $XDG_STATE_HOME, e.g. ~/.local linked elsewhere. */
static int mkdir_parents(struct prepare_state *st, const char *path)
{
	_cleanup_free_ char *p = strdup(path);

	if (!p)
		return -ENOMEM;
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0700) == 0) {
				int r = record(st, p, true);
				if (r < 0) {
					rmdir(p); /* not in the record */
					return fail_at(st, p, r);
				}
			} else if (errno != EEXIST) {
				return fail_at(st, p, -errno);
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}

/* A lock found held is tried LOCK_BUSY_TRIES times more, LOCK_BUSY_WAIT_NS
 * apart, before the VM counts as running. */
#define LOCK_BUSY_TRIES 5
#define LOCK_BUSY_WAIT_NS 1000000L

/* Takes the single-instance lock in the runtime dir. */
static int take_lock(struct prepare_state *st, int dir_fd, const char *lock_path)
{
	/* A few rounds: each retry means the file was replaced between our
	 * open and our flock by a run that was failing at that moment. */
	for (int round = 0; round < 5; round++) {
		_cleanup_close_ int fd = -1;
		bool created = false;
		struct stat a, b;

		fd = openat(dir_fd, "lock",
			    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
		if (fd >= 0)
			created = true;
		else if (errno == EEXIST)
			fd = openat(dir_fd, "lock", O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			if (errno == ENOENT)
				continue; /* unlinked under us: try again */
			return fail_at(st, lock_path, -errno);
		}
		/* Held: by a running VM, or for an instant by a client that
		 * asks whether one starts (vmctl_lock_held takes it shared):
		 * looked at again a few times before calling the VM running. */
		for (int busy = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; busy++) {
			if (errno != EWOULDBLOCK)
				return fail_at(st, lock_path, -errno);
			if (busy == LOCK_BUSY_TRIES)
				return fail_at(st, lock_path, -EBUSY);
			nanosleep(&(struct timespec){ .tv_nsec = LOCK_BUSY_WAIT_NS }, NULL);
		}
		if (fstat(fd, &a) < 0)
			return fail_at(st, lock_path, -errno);
		if (fstatat(dir_fd, "lock", &b, AT_SYMLINK_NOFOLLOW) < 0 ||
		    a.st_ino != b.st_ino || a.st_dev != b.st_dev)
			continue;
		if (!S_ISREG(a.st_mode) || a.st_uid != st->uid)
			return fail_at(st, lock_path, -EPERM);
		if (created) {
			int r = record(st, lock_path, false);
			if (r < 0) {
				unlinkat(dir_fd, "lock", 0);
				return fail_at(st, lock_path, r);
			}
		}
		st->lock_fd = steal_fd(&fd);
		return 0;
	}
	return fail_at(st, lock_path, -EAGAIN);
}

static int copy_fd(int in, int out)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return 0;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			off += w;
		}
	}
}

/* The VARS copy in state_fd, made once; see prepare.h. */
static int make_vars(struct prepare_state *st, int state_fd, const char *template,
		     const char *vars_path)
{
	const char *name = strrchr(vars_path, '/') + 1;
	_cleanup_close_ int in = -1, out = -1;
	char tmp[64];
	struct stat s;
	int r;

	if (fstatat(state_fd, name, &s, AT_SYMLINK_NOFOLLOW) == 0) {
		/* Already there: the guest's variables, keep them. */
		if (!S_ISREG(s.st_mode))
			return fail_at(st, vars_path, S_ISLNK(s.st_mode) ? -ELOOP : -EISDIR);
		if (s.st_uid != st->uid)
			return fail_at(st, vars_path, -EPERM);
		return 0;
	}
	if (errno != ENOENT)
		return fail_at(st, vars_path, -errno);

	in = open(template, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (in < 0)
		return fail_at(st, template, -errno);
	if (fstat(in, &s) < 0 || !S_ISREG(s.st_mode))
		return fail_at(st, template, -EINVAL);

	for (int tries = 0; out < 0; tries++) {
		unsigned rnd = 0;
		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			rnd = (unsigned)getpid() * 2654435761u + (unsigned)tries;
		snprintf(tmp, sizeof(tmp), ".%s.%08x.tmp", name, rnd);
		out = openat(state_fd, tmp,
			     O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
		if (out < 0 && (errno != EEXIST || tries >= 16))
			return fail_at(st, vars_path, -errno);
	}
	r = copy_fd(in, out);
	if (r == 0 && fsync(out) < 0)
		r = -errno;
	if (r == 0) {
		/* RENAME_NOREPLACE: a copy made meanwhile by another run
		 * wins and ours is dropped. Filesystems without it (EINVAL)
		 * get link+unlink, which also never replaces. */
		if (renameat2(state_fd, tmp, state_fd, name, RENAME_NOREPLACE) == 0) {
			st->made_vars = true;
			return 0;
		}
		if (errno == EINVAL || errno == ENOSYS) {
			if (linkat(state_fd, tmp, state_fd, name, 0) == 0)
				st->made_vars = true;
			else if (errno != EEXIST)
				r = -errno;
		} else if (errno != EEXIST) {
			r = -errno;
		}
	}
	unlinkat(state_fd, tmp, 0);
	if (r < 0)
		return fail_at(st, vars_path, r);
	return 0;
}

/* "dir/a/b" -> "dir" for n = 2 components; malloc'd. */
static char *strip_components(const char *path, int n)
{
	char *r = strdup(path);

	if (!r)
		return NULL;
	while (n-- > 0) {
		char *s = strrchr(r, '/');
		if (!s || s == r) {
			free(r);
			return NULL;
		}
		*s = '\0';
	}
	return r;
}

/* runtime_dir/spice (0700, ours: private_dir), where QEMU's SPICE server
 * binds spice.sock, and the link runtime_dir/spice.sock to it, made anew
 * (under the lock: no other run uses them). Recorded in that order, so
 * rollback removes the link, then the socket QEMU left, then the
 * directory. */
static int make_spice_dir(struct prepare_state *st, int dir_fd, const char *runtime_dir)
{
	_cleanup_free_ char *dir = display_spice_dir(runtime_dir);
	_cleanup_free_ char *sock = display_spice_socket(runtime_dir);
	_cleanup_free_ char *link = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	if (!dir || !sock || asprintf(&link, "%s/" DISPLAY_SPICE_LINK, runtime_dir) < 0)
		return -ENOMEM;
	fd = private_dir(st, dir_fd, "spice", dir, 077);
	if (fd < 0)
		return fd;
	r = record(st, sock, false);
	if (r < 0)
		return fail_at(st, sock, r);
	if (unlinkat(dir_fd, DISPLAY_SPICE_LINK, 0) < 0 && errno != ENOENT)
		return fail_at(st, link, -errno);
	if (symlinkat(DISPLAY_SPICE_LINK_TARGET, dir_fd, DISPLAY_SPICE_LINK) < 0)
		return fail_at(st, link, -errno);
	r = record(st, link, false);
	if (r < 0) {
		unlinkat(dir_fd, DISPLAY_SPICE_LINK, 0); /* not in the record */
		return fail_at(st, link, r);
	}
	return 0;
}

int prepare_vm(const struct profile *p, const struct vm_paths *paths,
	       struct prepare_state *ret_state)
{
	struct prepare_state *st = ret_state;
	_cleanup_free_ char *run_base = NULL, *run_top = NULL, *state_base = NULL,
			     *state_top = NULL;
	_cleanup_close_ int base_fd = -1, top_fd = -1, dir_fd = -1, sbase_fd = -1,
			    stop_fd = -1, sdir_fd = -1;
	int r;

	*st = (struct prepare_state){ .lock_fd = -1, .uid = geteuid() };
	if (!vm_name_valid(p->name))
		return -EINVAL;

	/* 1. runtime dir: $XDG_RUNTIME_DIR must exist (the login manager
	 * makes it); below it, every directory is ours and 0700. */
	run_top = strip_components(paths->runtime_dir, 1);
	run_base = strip_components(paths->runtime_dir, 2);
	if (!run_top || !run_base)
		return -ENOMEM;
	base_fd = open(run_base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (base_fd < 0) {
		r = fail_at(st, run_base, -errno);
		goto fail;
	}
	top_fd = private_dir(st, base_fd, "vfio-launch", run_top, 077);
	if (top_fd < 0) {
		r = top_fd;
		goto fail;
	}
	dir_fd = private_dir(st, top_fd, p->name, paths->runtime_dir, 077);
	if (dir_fd < 0) {
		r = dir_fd;
		goto fail;
	}

	/* 2. the lock, before anything a running instance uses. */
	r = take_lock(st, dir_fd, paths->lock_file);
	if (r < 0)
		goto fail;

	/* 2b. display = spice: the directory QEMU's SPICE server makes its
	 * socket in, and the user's path to it (display.h, spice_argv). */
	if (p->display == DISPLAY_SPICE) {
		r = make_spice_dir(st, dir_fd, paths->runtime_dir);
		if (r < 0)
			goto fail;
	}

	/* 3. state dir (uefi: the VARS copy; tpm: the TPM's state, which
	 * resources/tpm.c makes in it) and the VARS copy. */
	bool uefi = p->firmware == FIRMWARE_UEFI && paths->ovmf_vars;
	if (uefi || p->tpm) {
		if (uefi && !p->ovmf_vars) {
			r = -EINVAL;
			goto fail;
		}
		state_top = strip_components(paths->state_dir, 1);
		state_base = strip_components(paths->state_dir, 2);
		if (!state_top || !state_base) {
			r = -ENOMEM;
			goto fail;
		}
		r = mkdir_parents(st, state_base);
		if (r < 0)
			goto fail;
		sbase_fd = open(state_base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sbase_fd < 0) {
			r = fail_at(st, state_base, -errno);
			goto fail;
		}
		stop_fd = private_dir(st, sbase_fd, "vfio-launch", state_top, 022);
		if (stop_fd < 0) {
			r = stop_fd;
			goto fail;
		}
		sdir_fd = private_dir(st, stop_fd, p->name, paths->state_dir, 022);
		if (sdir_fd < 0) {
			r = sdir_fd;
			goto fail;
		}
		r = uefi ? make_vars(st, sdir_fd, p->ovmf_vars, paths->ovmf_vars) : 0;
		if (r < 0)
			goto fail;
		/* Which template this copy is (vars.h): check compares. */
		if (uefi && st->made_vars)
			(void)vars_template_record(sdir_fd, strrchr(paths->ovmf_vars, '/') + 1,
						   p->ovmf_vars);
	}
	return 0;

fail:
	{
		char *failed = steal_pointer(&st->failed_path);
		prepare_rollback(st);
		st->failed_path = failed;
	}
	return r;
}

void prepare_rollback(struct prepare_state *st)
{
	/* Reverse order: the lock file goes while we still hold the lock,
	 * then the directories (rmdir leaves any that are not empty, such
	 * as a state dir holding the VARS copy). */
	for (size_t i = st->n_made; i-- > 0;) {
		if (st->made_dir[i])
			rmdir(st->made[i]);
		else
			unlink(st->made[i]);
	}
	prepare_state_clear(st);
}

void prepare_state_clear(struct prepare_state *st)
{
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	for (size_t i = 0; i < st->n_made; i++)
		free(st->made[i]);
	free(st->failed_path);
	*st = (struct prepare_state){ .lock_fd = -1 };
}
