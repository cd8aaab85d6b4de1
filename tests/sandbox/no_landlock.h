/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Makes the calling process (and what it execs) see a kernel without
 * Landlock: a seccomp filter answers the three Landlock syscalls with
 * err, as a kernel answers them when Landlock is not built in (ENOSYS)
 * or built in but not enabled at boot (EOPNOTSUPP); landlock(7). Sets
 * no_new_privs, as an unprivileged filter requires. Used by the unit
 * tests (in Check's per-test child) and by sandbox-nolandlock.
 * Returns 0 or -errno.
 */
#pragma once

#include <errno.h>
#include <seccomp.h>
#include <sys/prctl.h>

static inline int fake_no_landlock(int err)
{
	static const char *const calls[] = { "landlock_create_ruleset", "landlock_add_rule",
					     "landlock_restrict_self" };
	scmp_filter_ctx ctx;
	int r = 0;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	for (size_t i = 0; r == 0 && i < sizeof(calls) / sizeof(calls[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO((unsigned)err),
				     seccomp_syscall_resolve_name(calls[i]), 0);
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r;
}
