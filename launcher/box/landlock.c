// SPDX-License-Identifier: GPL-2.0-or-later
/* Landlock through raw syscalls; see landlock.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "grants.h"
#include "landlock.h"

/* Constants from include/uapi/linux/landlock.h, by the ABI that brought
 * them (Debian 12's linux-libc-dev 6.1 stops at ABI 2). */
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#define LL_FS_EXECUTE (1ULL << 0)
#define LL_FS_WRITE_FILE (1ULL << 1)
#define LL_FS_READ_FILE (1ULL << 2)
#define LL_FS_READ_DIR (1ULL << 3)
#define LL_FS_REMOVE_DIR (1ULL << 4)
#define LL_FS_REMOVE_FILE (1ULL << 5)
#define LL_FS_MAKE_CHAR (1ULL << 6)
#define LL_FS_MAKE_DIR (1ULL << 7)
#define LL_FS_MAKE_REG (1ULL << 8)
#define LL_FS_MAKE_SOCK (1ULL << 9)
#define LL_FS_MAKE_FIFO (1ULL << 10)
#define LL_FS_MAKE_BLOCK (1ULL << 11)
#define LL_FS_MAKE_SYM (1ULL << 12)
#define LL_FS_REFER (1ULL << 13)     /* ABI 2 (5.19) */
#define LL_FS_TRUNCATE (1ULL << 14)  /* ABI 3 (6.2) */
#define LL_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 (6.10) */
#define LL_NET_BIND_TCP (1ULL << 0)  /* ABI 4 (6.7) */
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 (6.12) */
#define LL_SCOPE_SIGNAL (1ULL << 1)
#define LL_RESTRICT_SELF_LOG_SAME_EXEC_OFF (1U << 0) /* ABI 7 (6.15) */
#define LL_RESTRICT_SELF_LOG_NEW_EXEC_ON (1U << 1)
#define LL_RULE_PATH_BENEATH 1

/* The rights the kernel accepts on a non-directory (ACCESS_FILE in
 * security/landlock/fs.c). */
#define LL_ACCESS_FILE                                                         \
	(LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE |  \
	 LL_FS_IOCTL_DEV)

/* The uapi structs, complete to ABI 6 (the kernel accepts a larger
 * struct from an older kernel's point of view only if the extra fields
 * are zero, which they are when the ABI lacks them). */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct ll_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

int landlock_abi_version(void)
{
	long r = syscall(SYS_landlock_create_ruleset, NULL, 0,
			 LANDLOCK_CREATE_RULESET_VERSION);
	if (r < 0)
		return -errno;
	return (int)r;
}

const char *landlock_missing_fix(int err)
{
	switch (err) {
	case -ENOSYS:
		return "this kernel is built without Landlock: boot a kernel with "
		       "CONFIG_SECURITY_LANDLOCK=y (Linux >= 5.13)";
	case -EOPNOTSUPP:
		return "Landlock is built in but not enabled: add landlock to the lsm= kernel "
		       "parameter (the running list is in /sys/kernel/security/lsm), then reboot";
	default:
		return "the Landlock ABI probe failed (landlock_create_ruleset); see landlock(7)";
	}
}

uint64_t landlock_handled_fs(int abi)
{
	uint64_t a = 0;

	if (abi >= 1)
		a |= (LL_FS_MAKE_SYM << 1) - 1; /* bits 0..12 */
	if (abi >= 2)
		a |= LL_FS_REFER;
	if (abi >= 3)
		a |= LL_FS_TRUNCATE;
	if (abi >= 5)
		a |= LL_FS_IOCTL_DEV;
	return a;
}

uint64_t landlock_rule_access(const struct grant *rule, int abi, bool is_dir,
			      bool is_dev)
{
	uint64_t a = LL_FS_READ_FILE;

	if (is_dir)
		a |= LL_FS_READ_DIR;
	if (rule->access == GRANT_RX)
		a |= LL_FS_EXECUTE;
	if (rule->access == GRANT_RW) {
		a |= LL_FS_WRITE_FILE | LL_FS_TRUNCATE;
		/* A directory of its own (the runtime dir, /dev/hugepages):
		 * QMP socket (MAKE_SOCK, removed by QEMU at exit:
		 * REMOVE_FILE), files (MAKE_REG). A device directory (a USB
		 * bus dir, where a device plugged in later appears) gets no
		 * MAKE_* right: nobody creates nodes there but udev. */
		if (is_dir && !rule->dev)
			a |= LL_FS_MAKE_REG | LL_FS_MAKE_SOCK | LL_FS_REMOVE_FILE;
	}
	/* Device ioctls (ABI 5) only where the profile needs a device: on
	 * the node itself, or beneath a device directory the check stage
	 * named (usb-host by port: the node does not exist yet). */
	if (rule->dev && (is_dev || is_dir))
		a |= LL_FS_IOCTL_DEV;
	if (!is_dir)
		a &= LL_ACCESS_FILE;
	return a & landlock_handled_fs(abi);
}

int landlock_build(const struct landlock_policy *pol, int abi, int *ret_ruleset,
		   const char **ret_failed_path)
{
	struct ll_ruleset_attr attr = {
		.handled_access_fs = landlock_handled_fs(abi),
	};
	_cleanup_close_ int ruleset = -1;

	if (abi < 1)
		return -EOPNOTSUPP;
	if (abi >= 4 && pol->handle_net)
		attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
	if (abi >= 6 && pol->scope)
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;

	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0)
		return -errno;

	for (size_t i = 0; pol->grants && i < pol->grants->n; i++) {
		const struct grant *g = &pol->grants->v[i];
		const struct landlock_source *src = pol->sources ? &pol->sources[i] : NULL;
		struct ll_path_beneath_attr pb;
		int fd = g->fd;
		struct stat st;

		if (src && src->no_rule)
			continue;
		/* The source of the grant's bind mount in the box: the inode
		 * the box shows at the grant's path (a bind mount shares its
		 * source's inode, and Landlock tags inodes: security/
		 * landlock/fs.c, get_inode_object). */
		if (src && src->fd >= 0) {
			fd = src->fd;
			st.st_mode = src->mode;
		} else {
			/* A system path (fd -1) is opened here, following
			 * symlinks on purpose: /lib64 -> usr/lib64 on
			 * merged-/usr systems; rules apply to the inode
			 * reached. A grant's own descriptor is the object the
			 * check looked at; a bind mount of it in the box
			 * shares its inode, so the rule matches there too.
			 * What is opened here is not closed (see landlock.h). */
			if (fd < 0) {
				fd = open(g->path, O_PATH | O_CLOEXEC);
				if (fd < 0) {
					if (errno == ENOENT && g->optional)
						continue;
					*ret_failed_path = g->path;
					return -errno;
				}
			}
			if (fstat(fd, &st) < 0) {
				*ret_failed_path = g->path;
				return -errno;
			}
		}
		pb.allowed_access = landlock_rule_access(
			g, abi, S_ISDIR(st.st_mode), S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode));
		pb.parent_fd = fd;
		if (syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &pb, 0) < 0) {
			*ret_failed_path = g->path;
			return -errno;
		}
	}
	*ret_ruleset = ruleset;
	ruleset = -1;
	return 0;
}

int landlock_restrict(int ruleset, int abi)
{
	unsigned flags = 0;

	/* ABI 7 (6.15) logs denials to audit, but by default only those of
	 * the program that called restrict_self; QEMU is exec'd after, so
	 * ask for its denials (NEW_EXEC_ON) and not ours (SAME_EXEC_OFF). */
	if (abi >= 7)
		flags = LL_RESTRICT_SELF_LOG_SAME_EXEC_OFF |
			LL_RESTRICT_SELF_LOG_NEW_EXEC_ON;
	if (syscall(SYS_landlock_restrict_self, ruleset, flags) < 0)
		return -errno;
	return 0;
}
