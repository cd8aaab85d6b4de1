/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The prepare stage (run only): the per-VM runtime dir (mode 0700), the
 * single-instance lock, the state dir and the OVMF VARS copy. What it
 * creates is recorded so that a failed run can remove it again: a failed
 * run leaves nothing new behind but the VARS copy (DESIGN.md, "Errors").
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct profile;
struct vm_paths;

#define PREPARE_MAX_MADE 16

struct prepare_state {
	/* flock(LOCK_EX) on paths->lock_file, O_CLOEXEC: the supervisor
	 * holds it and QEMU never receives it; -1 when not held. */
	int lock_fd;
	/* Paths created by this run, in creation order (directories and
	 * the lock file), removed in reverse by prepare_rollback(). */
	char *made[PREPARE_MAX_MADE];
	bool made_dir[PREPARE_MAX_MADE];
	size_t n_made;
	bool made_vars; /* the VARS copy was made now (it stays regardless) */
	/* On failure: the path it concerns (malloc'd), for the message. */
	char *failed_path;
	uid_t uid; /* geteuid(), asked once: what we create and check is this user's */
};

/*
 * Prepares everything run needs before QEMU starts, in this order:
 *  1. $XDG_RUNTIME_DIR/vfio-launch and .../NAME: created with mkdirat,
 *     mode 0700, opened O_NOFOLLOW; an existing one must be a directory
 *     owned by us with no group/other permission bits.
 *  2. The lock: runtime_dir/lock opened O_NOFOLLOW and locked with
 *     flock(LOCK_EX|LOCK_NB), tried again for a few ms when held (a
 *     client's vmctl_lock_held() holds it shared for an instant). Checked
 *     after locking to still be the file at that path (a lock on an
 *     unlinked file would lock nothing).
 *  3. uefi or tpm only: the state dir ($XDG_STATE_HOME/vfio-launch/NAME,
 *     0700, owned by us, not group/other writable); uefi: the OVMF VARS copy made
 *     once from p->ovmf_vars: written to a temporary file opened O_EXCL in
 *     the state dir, then renamed with RENAME_NOREPLACE. An existing copy
 *     is never overwritten (it holds the guest's UEFI variables).
 * Returns 0 with *ret_state filled (release it with prepare_state_clear,
 * or prepare_rollback when the run fails later). On failure returns
 * -EBUSY (the lock is held: the VM runs), -EPERM (a directory or file
 * exists with another owner or a looser mode), -ELOOP/-ENOTDIR (a symlink
 * or non-directory where a directory belongs), or another -errno; what it
 * created is already removed, ret_state->failed_path names the path and
 * ret_state must still be cleared with prepare_state_clear.
 */
int prepare_vm(const struct profile *p, const struct vm_paths *paths,
	       struct prepare_state *ret_state);

/* A later stage failed, or the VM has ended: removes what prepare_vm
 * created (not the VARS copy), then releases the lock and frees st. */
void prepare_rollback(struct prepare_state *st);

/* Frees st and closes the lock fd; leaves the files in place. */
void prepare_state_clear(struct prepare_state *st);
