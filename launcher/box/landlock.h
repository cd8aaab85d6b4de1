/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Landlock for QEMU (step 6 of the box, sandbox.c), through the raw
 * syscalls (glibc 2.36 has no wrappers). Source: the kernel's
 * Documentation/userspace-api/landlock.rst and include/uapi/linux/
 * landlock.h; constants newer than Debian 12's headers are defined in
 * landlock.c with the ABI version that introduced them.
 *
 * The rule list is data built by sandbox_policy_build (pure); only
 * landlock_apply touches the kernel.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a rule grants beneath (or on) a path. */
enum landlock_class {
	LANDLOCK_RO,  /* read files, list dirs */
	LANDLOCK_RX,  /* LANDLOCK_RO + execute (binaries, libraries) */
	LANDLOCK_RW,  /* files: read, write, truncate; dirs: also create and
	               * remove regular files and sockets (runtime dir) */
};

struct landlock_rule {
	const char *path;     /* absolute; owned by whoever built the list */
	enum landlock_class class;
	/* Device ioctls (ABI >= 5) when the path is a character or block
	 * device, or a directory of device nodes (a USB bus directory):
	 * only for the devices the profile needs. Such a directory gets no
	 * right to create anything. */
	bool ioctl_dev;
	/* A missing path is skipped (system paths that vary by distro);
	 * otherwise a missing path is an error. */
	bool optional;
};

struct landlock_policy {
	const struct landlock_rule *rules;
	size_t n_rules;
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

/* The rights a rule of class on a directory (is_dir) or a file, device
 * or not, grants under ABI abi (masked with landlock_handled_fs; for a
 * file, only rights the kernel accepts on a file). Pure. */
uint64_t landlock_rule_access(const struct landlock_rule *rule, int abi,
			      bool is_dir, bool is_dev);

/*
 * Creates the ruleset for abi, adds the rules, and restricts the calling
 * thread (landlock_restrict_self). no_new_privs must be set already.
 * On ABI >= 7, denials of the exec'd program are logged to audit
 * (LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON). Returns 0; -ENOENT (with
 * *ret_failed_path set to the rule's path) when a non-optional path is
 * missing; -errno of the failing syscall otherwise. Nothing is enforced
 * on failure.
 */
int landlock_apply(const struct landlock_policy *pol, int abi,
		   const char **ret_failed_path);
