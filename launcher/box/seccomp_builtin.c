// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The seccomp filter as compiled at build time (launcher/box/gen/seccomp-bpf-gen.c
 * writes build/gen/seccomp_bpf.h from seccomp.c's rule table), loaded
 * with seccomp(2): a `run` no longer pays for libseccomp building and
 * optimising the filter (issue 15). libseccomp stays the compiler; the
 * generator also keeps its pseudo filter code of each program, which
 * `vfio-launch seccomp` prints, so that vfio-launch does not link
 * libseccomp at all.
 * libseccomp (2.5.4 on Debian 12) picks actions by the kernel API level
 * it detects where it runs, i.e. on the build machine here: KILL_PROCESS
 * needs Linux 4.14, which Debian 12's 6.1 has; test_seccomp compares the
 * built-in programs with libseccomp's output on the test machine.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp_filter.h"

#include "seccomp_bpf.h"

unsigned seccomp_variant(const struct seccomp_options *opt)
{
	if (!opt)
		return 0;
	return (opt->allow_inet ? SECCOMP_VARIANT_INET : 0) |
	       (opt->log_all ? SECCOMP_VARIANT_LOG : 0) |
	       (opt->fs_server ? SECCOMP_VARIANT_FS_SERVER : 0);
}

const struct sock_filter *seccomp_filter_builtin(const struct seccomp_options *opt,
						 size_t *ret_len)
{
	unsigned v = seccomp_variant(opt);

	*ret_len = seccomp_bpf[v].n;
	return seccomp_bpf[v].f;
}

const char *seccomp_filter_builtin_pfc(const struct seccomp_options *opt)
{
	return seccomp_bpf[seccomp_variant(opt)].pfc;
}

int seccomp_filter_load_builtin(const struct seccomp_options *opt)
{
	size_t n;
	const struct sock_filter *f = seccomp_filter_builtin(opt, &n);
	struct sock_fprog prog = { .len = (unsigned short)n, .filter = (struct sock_filter *)f };
	unsigned flags = SECCOMP_FILTER_FLAG_TSYNC;
	long r;

	if (opt && opt->log_all)
		flags |= SECCOMP_FILTER_FLAG_LOG;
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (r < 0)
		return -errno;
	/* TSYNC: a positive return is the id of a thread that could not
	 * be synchronised. */
	return r > 0 ? -EBUSY : 0;
}
