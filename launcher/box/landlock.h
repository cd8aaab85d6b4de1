/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Landlock for QEMU (step 6 of the box, sandbox_apply.c), through the raw
 * syscalls (glibc 2.36 has no wrappers). Source: the kernel's
 * Documentation/userspace-api/landlock.rst and include/uapi/linux/
 * landlock.h; constants newer than Debian 12's headers are defined in
 * landlock.c with the ABI version that introduced them.
 *
 * The rules are the box's grants (grants.h), built by
 * sandbox_policy_build; only landlock_build/landlock_restrict touch the
 * kernel.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct grants;
struct grant;

/* A grant's object already open where the rules are built: the source of
 * its bind mount in the box's root (mount.c, box_mount_sources), the
 * same inode the box shows, so no path is resolved again for its rule. */
struct landlock_source {
	int fd;       /* O_PATH; -1: none (the grant's own way, below) */
	mode_t mode;  /* fd's st_mode: the rule's rights depend on the type */
	bool no_rule; /* none needed: an optional system path absent when
		       * the root was built (nothing of it in the box), or
		       * a symlink into a grant with its rights (mount.c) */
};

struct landlock_policy {
	/* One rule per grant (grants.h), made from sources[i] when given,
	 * else from the grant's descriptor (fd >= 0: what the check
	 * opened, never resolved again) or, for a system path (fd -1),
	 * from the path opened when the rules are built: inside the box's
	 * new root when there is one. */
	const struct grants *grants;
	const struct landlock_source *sources; /* NULL or one per grant */
	bool handle_net;   /* ABI >= 4: deny TCP bind/connect (no user net) */
	bool scope;        /* ABI >= 6: scope abstract unix sockets, signals */
};
/* The ABI version the running kernel offers (>= 1), or -EOPNOTSUPP
 * (built in but disabled at boot), -ENOSYS (not built in). */
int landlock_abi_version(void);

/* The fix to print for a kernel without Landlock, from
 * landlock_abi_version()'s error err (-ENOSYS, -EOPNOTSUPP, or another
 * -errno). A static string. Source: landlock(7), "Kernel support". */
const char *landlock_missing_fix(int err);

/* The filesystem access rights ABI abi knows: the ruleset handles all of
 * them, so anything no rule grants is denied. Pure. */
uint64_t landlock_handled_fs(int abi);

/* The rights grant g gives on a directory (is_dir) or a file, device or
 * not, under ABI abi (masked with landlock_handled_fs; for a file, only
 * rights the kernel accepts on a file). Pure. */
uint64_t landlock_rule_access(const struct grant *g, int abi, bool is_dir,
			      bool is_dev);

/*
 * Creates the ruleset for abi and adds one rule per grant. Returns 0
 * with *ret_ruleset (O_CLOEXEC; the caller closes it); -ENOENT (with
 * *ret_failed_path set to the grant's path) when a non-optional system
 * path is missing; -errno of the failing syscall otherwise. Nothing is
 * enforced yet: the grants' descriptors may be closed afterwards, the
 * ruleset holds what it needs (the kernel keeps a reference to each
 * rule's inode). The descriptors it opens itself (system paths without
 * a source, O_PATH|O_CLOEXEC) are left open, on success and on error:
 * its one caller, sandbox_apply, closes every descriptor next (step 1),
 * which saves a close per rule.
 */
int landlock_build(const struct landlock_policy *pol, int abi, int *ret_ruleset,
		   const char **ret_failed_path);

/*
 * Restricts the calling thread to ruleset (landlock_restrict_self).
 * no_new_privs must be set already. On ABI >= 7, denials of the exec'd
 * program are logged to audit (LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON).
 * Returns 0 or -errno.
 */
int landlock_restrict(int ruleset, int abi);
