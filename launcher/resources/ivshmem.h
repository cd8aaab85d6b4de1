/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ivshmem / Looking Glass shared memory.
 *
 * Two kinds of backing, both rendered by QEMU as
 *   -object memory-backend-file,id=...,mem-path=PATH,size=SIZE,share=on
 *   -device ivshmem-plain,memdev=...
 * (Looking Glass docs, "IVSHMEM with the KVMFR module" and "libvirt"):
 *   /dev/shm/NAME   a tmpfs file the launcher creates safely before QEMU
 *                   starts (QEMU itself would create it with the umask's
 *                   mode, usually world-readable);
 *   /dev/kvmfrN     the kvmfr module's character device; its size is fixed
 *                   by the module (static_size_mb=) and read back with the
 *                   KVMFR_DMABUF_GETSIZE ioctl.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct profile;
struct check_ctx;
struct findings;

/* Default path when the profile names none (Looking Glass's default). */
#define IVSHMEM_DEFAULT_PATH "/dev/shm/looking-glass"

/*
 * Size in bytes of the Looking Glass shared memory for a guest resolution
 * of width x height, by the formula in the Looking Glass documentation
 * ("Determining memory"): width * height * 4 bytes per pixel * 2 frames,
 * plus 10 MiB for the cursor and metadata, rounded up to the next power of
 * two (ivshmem BAR sizes are powers of two). 1920x1080 -> 32 MiB,
 * 2560x1440 -> 64 MiB, 3840x2160 -> 128 MiB.
 * Returns 0, or -ERANGE when a dimension is 0 or the result overflows.
 */
int lg_size_from_resolution(unsigned width, unsigned height, uint64_t *ret_bytes);

/*
 * The size the profile asks for, in bytes: [looking-glass] size = when
 * set, else computed from resolution =, else 1920x1080 (32 MiB, the
 * Looking Glass docs' example). Returns 0, or -EINVAL when the size is
 * not a power of two or below 1 MiB (QEMU's ivshmem-plain maps the
 * memory as a PCI BAR, which must be a power of two), -ERANGE for a bad
 * resolution.
 */
int ivshmem_profile_size(const struct profile *p, uint64_t *ret_bytes);

enum ivshmem_kind {
	IVSHMEM_SHM,   /* /dev/shm/NAME, NAME one path component */
	IVSHMEM_KVMFR, /* /dev/kvmfrN */
	IVSHMEM_OTHER, /* anything else: refused */
};

/* Classifies an absolute path; *ret_name points into path at "NAME" or
 * "kvmfrN" (the part below /dev/shm or /dev). Pure. */
enum ivshmem_kind ivshmem_path_kind(const char *path, const char **ret_name);

/*
 * The [looking-glass] check: one finding "looking-glass". Validates the
 * size, the path, and (read-only, nothing is created) the existing file or
 * device; sets ctx->lg_size (for kvmfr: the module's size) and keeps an
 * existing file or device (check_ctx_keep). No finding when the section
 * is absent.
 */
void ivshmem_check(const struct profile *p, struct check_ctx *ctx,
		   struct findings *f);

/* What ivshmem_prepare did, so a later failure of `run` can undo it. */
struct ivshmem_prepared {
	bool created; /* the file did not exist; ivshmem_undo removes it */
	dev_t dev;    /* identity of the file prepared */
	ino_t ino;
};

/*
 * Prepares the shared memory for `run` (the prepare stage). For a
 * /dev/shm path, relative to devfs ("/dev" in production):
 *   - the parent must be devfs/shm itself: a directory owned by root with
 *     the sticky bit (so nobody else can rename or remove our file);
 *   - the file is opened with O_NOFOLLOW (a symlink is refused, its target
 *     untouched), created with O_EXCL when missing;
 *   - an existing file must be a regular file owned by us, with no access
 *     for others, and group access only for the profile's group;
 *   - the mode is set to 0600, or 0660 with the profile's group (the user
 *     must be a member) for a Looking Glass client run by another user;
 *   - a file of the wrong size is resized (ftruncate) only when no process
 *     maps it (seen in procfs/PID/maps by device and inode). Processes of
 *     other users cannot be inspected: with a group, a file is never
 *     shrunk (a client of another user mapping it would get SIGBUS).
 * For /dev/kvmfrN: a character device we can open read-write whose
 * KVMFR_DMABUF_GETSIZE equals size.
 * Returns 0 and fills *ret; or -ELOOP (symlink), -EMEDIUMTYPE (not a
 * regular file / not a kvmfr device), -EPERM (owned by another user),
 * -EACCES (accessible by others or a foreign group; or open denied),
 * -ENOTDIR (parent not a root-owned sticky directory), -EBUSY (wrong size
 * and mapped by a process; *ret_pid set), -ETXTBSY (would shrink a group-
 * shared file), -ESRCH (unknown group), -EXDEV (not a member of the
 * group), -EINVAL (bad path), -ERANGE (kvmfr size differs), other -errno.
 * ivshmem_strerror() words these for messages.
 */
int ivshmem_prepare(const struct profile *p, const char *devfs,
		    const char *procfs, uint64_t size,
		    struct ivshmem_prepared *ret, pid_t *ret_pid);

/*
 * Removes the file ivshmem_prepare created (ret->created), when it is
 * still the same inode; for a `run` that fails after prepare. Returns 0,
 * or -errno from unlinkat. A no-op for a file that existed before.
 */
int ivshmem_undo(const struct profile *p, const char *devfs,
		 const struct ivshmem_prepared *prep);

/*
 * Looks for a process (other than ourselves) that maps the file dev:ino,
 * by reading procfs/PID/maps. Returns 1 and *ret_pid when one is found,
 * 0 when none of the processes we can read maps it, -errno when procfs
 * cannot be read. *ret_unreadable counts processes whose maps we could
 * not read (other users' processes).
 */
int ivshmem_find_mapper(const char *procfs, dev_t dev, ino_t ino,
			pid_t *ret_pid, unsigned *ret_unreadable);

/* A sentence for an ivshmem_prepare error, and its fix, for messages. */
void ivshmem_strerror(int r, const char *path, pid_t pid, char *msg,
		      size_t msg_len, char *fix, size_t fix_len);
