/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rule table (seccomp_filter.h) compiled by libseccomp: for the
 * build-time generator (seccomp-bpf-gen.c) and the tests only.
 * vfio-launch does not link this nor libseccomp (issue 15: loading
 * libseccomp.so.2 cost every command ~0.06 ms); it carries the output
 * (seccomp_filter_builtin, seccomp_filter_builtin_pfc).
 *
 * Source: libseccomp's seccomp_init(3), seccomp_rule_add(3),
 * seccomp_attr_set(3), seccomp_export_bpf(3) (2.5.4, Debian 12).
 */
#pragma once

#include <seccomp.h>

#include "seccomp_filter.h"

/*
 * Builds the filter: default action ALLOW, bad architecture (x32 through
 * the native ABI's syscall bit, i386 through int 0x80, anything not
 * native) KILL_PROCESS, SCMP_FLTATR_CTL_OPTIMIZE 2 (binary tree), the
 * rules of seccomp_rules[] that opt selects (NULL: the defaults). Nothing
 * is loaded. Returns 0 with *ret owning the context (seccomp_release, or
 * _cleanup_seccomp_), -ENOMEM, or -EINVAL when a rule names a syscall
 * libseccomp does not know (fail closed: a typo in the table is an
 * error, not a hole).
 */
int seccomp_filter_build(const struct seccomp_options *opt, scmp_filter_ctx *ret);

/* The filter as libseccomp's pseudo filter code / raw BPF (struct
 * sock_filter records in host byte order), to fd. Returns 0 or -errno. */
int seccomp_filter_export_pfc(scmp_filter_ctx ctx, int fd);
int seccomp_filter_export_bpf(scmp_filter_ctx ctx, int fd);

static inline void seccomp_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}
#define _cleanup_seccomp_ __attribute__((cleanup(seccomp_releasep)))
