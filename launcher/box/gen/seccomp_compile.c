// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rule table (launcher/box/seccomp.c) compiled by libseccomp; see
 * seccomp_compile.h. Linked by the build-time generator and the tests,
 * never by vfio-launch.
 */
#include <errno.h>
#include <stdbool.h>
#include <unistd.h>

#include "seccomp_compile.h"

int seccomp_filter_build(const struct seccomp_options *opt, scmp_filter_ctx *ret)
{
	scmp_filter_ctx _cleanup_seccomp_ ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return -ENOMEM;
	/* Only the native ABI is added to the filter, so every other one
	 * (i386 through int 0x80, x32 through __X32_SYSCALL_BIT on x86-64)
	 * hits the bad-arch action. Kill: a 64-bit QEMU never makes them. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r < 0)
		return r;
	/* Binary tree of syscall numbers (libseccomp >= 2.5): ~log2(n)
	 * comparisons per syscall instead of a linear scan. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r < 0)
		return r;
	/* no_new_privs is set by sandbox.c before Landlock; libseccomp
	 * would set it again, harmlessly. TSYNC: every thread. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (r < 0)
		return r;
	if (opt && opt->log_all) {
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
		if (r < 0)
			return r;
	}

	for (size_t i = 0; i < seccomp_n_rules; i++) {
		const struct seccomp_rule_spec *s = &seccomp_rules[i];
		struct scmp_arg_cmp cmp[2];
		int nr = seccomp_syscall_resolve_name(s->syscall);
		bool inet = opt && opt->allow_inet;

		if (nr == __NR_SCMP_ERROR)
			return -EINVAL;
		if ((s->when == SECCOMP_INET && !inet) || (s->when == SECCOMP_NO_INET && inet) ||
		    (s->when == SECCOMP_NOT_FS_SERVER && opt && opt->fs_server))
			continue;
		for (unsigned a = 0; a < s->n_args; a++)
			cmp[a] = (struct scmp_arg_cmp){ s->args[a].arg, s->args[a].op,
							s->args[a].datum_a,
							s->args[a].datum_b };
		r = seccomp_rule_add_array(ctx, s->action, nr, s->n_args, cmp);
		if (r < 0)
			return r;
	}
	*ret = ctx;
	ctx = NULL;
	return 0;
}

int seccomp_filter_export_pfc(scmp_filter_ctx ctx, int fd)
{
	return seccomp_export_pfc(ctx, fd);
}

int seccomp_filter_export_bpf(scmp_filter_ctx ctx, int fd)
{
	return seccomp_export_bpf(ctx, fd);
}
