/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * (Named seccomp_filter.h, not seccomp.h: with -Ilauncher, as the tests
 * build, the latter would shadow libseccomp's <seccomp.h>.)
 *
 * QEMU's seccomp filter (the last step of the box, sandbox_apply.c): a deny list
 * of what a VMM never needs, native architecture only. The rule table is
 * data (seccomp_rules[]) so that it can be reviewed, unit-tested and
 * printed (`vfio-launch seccomp PROFILE`) without loading anything.
 * libseccomp compiles it at build time (box/gen/seccomp_compile.h, the
 * generator box/gen/seccomp-bpf-gen.c): vfio-launch carries the programs
 * and their pseudo filter code and does not link libseccomp (issue 15).
 * <seccomp.h> is included for its constants only (SCMP_ACT_*,
 * enum scmp_compare).
 *
 * Source of the syscall semantics: seccomp(2), clone(2), ioctl_tty(2),
 * libseccomp's seccomp_rule_add(3) and seccomp_attr_set(3) (2.5.4).
 */
#pragma once

#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One argument test, as libseccomp's struct scmp_arg_cmp. */
struct seccomp_arg_spec {
	unsigned arg;        /* argument index, 0-5 */
	enum scmp_compare op;
	uint64_t datum_a;    /* value, or mask for SCMP_CMP_MASKED_EQ */
	uint64_t datum_b;    /* value for SCMP_CMP_MASKED_EQ */
};

/* Which filters a rule is in: every one, or only the one with (or
 * without) the IPv4/IPv6 socket families (seccomp_options.allow_inet). */
enum seccomp_when {
	SECCOMP_ALWAYS = 0,
	SECCOMP_NO_INET,
	SECCOMP_INET,
	/* Left out of the file server's filter (seccomp_options.fs_server:
	 * virtiofsd chroots into the share and takes the guest's uid and
	 * gid per request). */
	SECCOMP_NOT_FS_SERVER,
};

/* One deny rule: the syscall (libseccomp's name), its action, up to two
 * argument tests (all must match: libseccomp ANDs them) and why. */
struct seccomp_rule_spec {
	const char *syscall;
	uint32_t action;     /* SCMP_ACT_KILL_PROCESS or SCMP_ACT_ERRNO(e) */
	unsigned n_args;
	struct seccomp_arg_spec args[2];
	enum seccomp_when when;
};

/* The deny list, in the order it is added. seccomp_n_rules entries. */
extern const struct seccomp_rule_spec seccomp_rules[];
extern const size_t seccomp_n_rules;

/* What the profile changes in the filter. */
struct seccomp_options {
	/* Set the filter's log flag (SECCOMP_FILTER_FLAG_LOG): EPERM/ENOSYS
	 * denials are then audit-logged too, not only the kills. Off by
	 * default: glibc's clone3 probe would log on every thread start. */
	bool log_all;
	/* Let socket(2) create AF_INET and AF_INET6 sockets besides
	 * AF_UNIX: only for [network] mode = user, whose slirp runs inside
	 * QEMU until the networking issue moves it to passt. */
	bool allow_inet;
	/* The share's file server (virtiofsd, box/sandbox_share.c): chroot
	 * and setresuid/setresgid are allowed (SECCOMP_NOT_FS_SERVER). */
	bool fs_server;
};

/* The variants of the filter the options select, as an index: the build
 * compiles each (launcher/box/gen/seccomp-bpf-gen.c) into the launcher. */
#define SECCOMP_VARIANT_INET 1u /* allow_inet */
#define SECCOMP_VARIANT_LOG 2u  /* log_all */
#define SECCOMP_VARIANT_FS_SERVER 4u /* fs_server */
#define SECCOMP_N_VARIANTS 8u
unsigned seccomp_variant(const struct seccomp_options *opt);

struct sock_filter;
/*
 * The BPF program for opt, compiled at build time from seccomp_rules by
 * libseccomp (seccomp_filter_build + seccomp_export_bpf): static storage,
 * *ret_len instructions. Equal to what seccomp_filter_build makes now on
 * the build machine's libseccomp (tests/unit/test_seccomp.c asserts it).
 */
const struct sock_filter *seccomp_filter_builtin(const struct seccomp_options *opt,
						 size_t *ret_len);

/*
 * The same program as libseccomp's pseudo filter code
 * (seccomp_export_pfc(3)), made at build time with it: the text
 * `vfio-launch seccomp` prints. Static storage, NUL-terminated.
 */
const char *seccomp_filter_builtin_pfc(const struct seccomp_options *opt);

/*
 * Loads the built-in program for opt into the calling thread with
 * seccomp(SECCOMP_SET_MODE_FILTER), TSYNC, and FLAG_LOG for log_all (the
 * flags libseccomp's seccomp_load passes for the same attributes;
 * seccomp(2), Linux 4.14 for FLAG_LOG). Needs no_new_privs set (sandbox.c
 * does, before). 0 or -errno (-EBUSY: another thread could not be synced).
 */
int seccomp_filter_load_builtin(const struct seccomp_options *opt);
