// SPDX-License-Identifier: GPL-2.0-or-later
/* QEMU's seccomp filter: the rule table, and the exported BPF program run
 * by a small interpreter on the syscalls each rule targets and on the hot
 * syscalls that must stay allowed. */
#include <check.h>
#include <errno.h>
#include <linux/kvm.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../sandbox/bpf_interp.h"
#include "cleanup.h"
#include "seccomp_compile.h"

#define ARCH_X86_64 0xc000003eU
#define ARCH_I386 0x40000003U

static struct sock_filter *prog;
static size_t n_prog;

static void load_prog_opt(const struct seccomp_options *opt)
{
	scmp_filter_ctx _cleanup_seccomp_ ctx = NULL;
	_cleanup_close_ int fd = memfd_create("bpf", MFD_CLOEXEC);
	off_t len;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(seccomp_filter_build(opt, &ctx), 0);
	ck_assert_int_eq(seccomp_filter_export_bpf(ctx, fd), 0);
	len = lseek(fd, 0, SEEK_END);
	ck_assert_int_gt(len, 0);
	prog = malloc((size_t)len);
	ck_assert_ptr_nonnull(prog);
	ck_assert_int_eq(pread(fd, prog, (size_t)len, 0), len);
	n_prog = (size_t)len / sizeof(*prog);
}

/* libseccomp's pseudo filter code for opt, malloc'd. */
static char *pfc_of(const struct seccomp_options *opt)
{
	scmp_filter_ctx _cleanup_seccomp_ ctx = NULL;
	_cleanup_close_ int fd = memfd_create("pfc", MFD_CLOEXEC);
	off_t len;
	char *text;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(seccomp_filter_build(opt, &ctx), 0);
	ck_assert_int_eq(seccomp_filter_export_pfc(ctx, fd), 0);
	len = lseek(fd, 0, SEEK_END);
	ck_assert_int_gt(len, 0);
	text = malloc((size_t)len + 1);
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(pread(fd, text, (size_t)len, 0), len);
	text[len] = '\0';
	return text;
}

static void load_prog(void)
{
	load_prog_opt(NULL);
}

static uint32_t run(int nr, uint32_t arch, uint64_t a0, uint64_t a1)
{
	struct seccomp_data d = { .nr = nr, .arch = arch };
	uint32_t action = 0;
	unsigned steps = 0;

	d.args[0] = a0;
	d.args[1] = a1;
	ck_assert_int_eq(bpf_run(prog, n_prog, &d, &action, &steps), 0);
	return action;
}

START_TEST(test_table)
{
	/* 11 mount family, 5 module/kexec, bpf, 3 ptrace, 3 keyring, perf,
	 * userfaultfd, personality, 8 admin/time, 2 time queries, 2 port
	 * I/O, 2 handles, setns, 8 unshare + 7 clone flags, clone3, 9 set*id,
	 * 2 ioctls, 5 obsolete/info, 10 socket families (2 without inet, 9
	 * with), 2 socketpair families, 12 SysV IPC. */
	ck_assert_uint_eq(seccomp_n_rules, 11 + 5 + 1 + 3 + 3 + 1 + 1 + 1 + 8 + 2 + 2 + 2 +
						   1 + 15 + 1 + 9 + 2 + 5 + 10 + 2 + 12);
	for (size_t i = 0; i < seccomp_n_rules; i++) {
		const struct seccomp_rule_spec *s = &seccomp_rules[i];
		ck_assert_msg(seccomp_syscall_resolve_name(s->syscall) != __NR_SCMP_ERROR,
			      "unknown syscall %s", s->syscall);
		ck_assert_msg(s->action == SCMP_ACT_KILL_PROCESS ||
				      (s->action & 0xffff0000U) == SCMP_ACT_ERRNO(0),
			      "%s: unexpected action", s->syscall);
		ck_assert_uint_le(s->n_args, 2);
	}
}
END_TEST

/* Every rule, fed a syscall that matches it, yields its action, in the
 * filter with inet (_i 1) and without (_i 0). */
START_TEST(test_each_rule)
{
	const struct seccomp_options opt = { .allow_inet = _i == 1 };

	load_prog_opt(&opt);
	for (size_t i = 0; i < seccomp_n_rules; i++) {
		const struct seccomp_rule_spec *s = &seccomp_rules[i];
		int nr = seccomp_syscall_resolve_name(s->syscall);
		uint64_t args[2] = { 0, 0 };

		if (s->when == (_i ? SECCOMP_NO_INET : SECCOMP_INET))
			continue;
		for (unsigned a = 0; a < s->n_args; a++) {
			const struct seccomp_arg_spec *c = &s->args[a];
			ck_assert_uint_lt(c->arg, 2);
			args[c->arg] = c->op == SCMP_CMP_MASKED_EQ ? c->datum_b
				       : c->op == SCMP_CMP_NE     ? c->datum_a + 8
				       : c->op == SCMP_CMP_LT     ? c->datum_a - 1
				       : c->op == SCMP_CMP_GT     ? c->datum_a + 1
								  : c->datum_a;
		}
		ck_assert_msg(run(nr, ARCH_X86_64, args[0], args[1]) == s->action,
			      "rule %zu (%s)", i, s->syscall);
	}
	free(prog);
}
END_TEST

START_TEST(test_allowed_and_edges)
{
	/* glibc's pthread_create flags through clone(2). */
	const uint64_t thread_flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
				      CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
				      CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;

	load_prog();
	/* The hot paths of a VMM. */
	ck_assert_uint_eq(run(SYS_ioctl, ARCH_X86_64, 12, KVM_RUN), SCMP_ACT_ALLOW);
	ck_assert_uint_eq(run(SYS_read, ARCH_X86_64, 0, 0), SCMP_ACT_ALLOW);
	ck_assert_uint_eq(run(SYS_write, ARCH_X86_64, 0, 0), SCMP_ACT_ALLOW);
	ck_assert_uint_eq(run(SYS_ppoll, ARCH_X86_64, 0, 0), SCMP_ACT_ALLOW);
	ck_assert_uint_eq(run(SYS_futex, ARCH_X86_64, 0, 0), SCMP_ACT_ALLOW);
	ck_assert_uint_eq(run(SYS_io_uring_enter, ARCH_X86_64, 0, 0), SCMP_ACT_ALLOW);
	/* Threads and forks, unshare without namespaces, personality(0). */
	ck_assert_uint_eq(run(SYS_clone, ARCH_X86_64, thread_flags, 0), SCMP_ACT_ALLOW);
	ck_assert_uint_eq(run(SYS_clone, ARCH_X86_64, SIGCHLD | 0x80, 0), SCMP_ACT_ALLOW);
	ck_assert_uint_eq(run(SYS_unshare, ARCH_X86_64, CLONE_FILES, 0), SCMP_ACT_ALLOW);
	ck_assert_uint_eq(run(SYS_personality, ARCH_X86_64, 0, 0), SCMP_ACT_ALLOW);
	/* Namespace flags mixed into thread flags are still caught. */
	ck_assert_uint_eq(run(SYS_clone, ARCH_X86_64, thread_flags | CLONE_NEWUSER, 0),
			  SCMP_ACT_ERRNO(EPERM));
	ck_assert_uint_eq(run(SYS_unshare, ARCH_X86_64, CLONE_FILES | CLONE_NEWNET, 0),
			  SCMP_ACT_ERRNO(EPERM));
	ck_assert_uint_eq(run(SYS_clone3, ARCH_X86_64, 0, 0), SCMP_ACT_ERRNO(ENOSYS));
	/* TIOCSTI with junk in the upper half of the register. */
	ck_assert_uint_eq(run(SYS_ioctl, ARCH_X86_64, 0, 0xdead00000000ULL | TIOCSTI),
			  SCMP_ACT_KILL_PROCESS);
	ck_assert_uint_eq(run(SYS_ioctl, ARCH_X86_64, 0, TIOCLINUX), SCMP_ACT_KILL_PROCESS);
	ck_assert_uint_eq(run(SYS_personality, ARCH_X86_64, 0x100000000ULL, 0),
			  SCMP_ACT_ERRNO(EPERM));
	/* Other ABIs: i386 (int 0x80) and x32 (the syscall bit). */
	ck_assert_uint_eq(run(20, ARCH_I386, 0, 0), SCMP_ACT_KILL_PROCESS);
	ck_assert_uint_eq(run(0x40000000 | SYS_getpid, ARCH_X86_64, 0, 0),
			  SCMP_ACT_KILL_PROCESS);
	ck_assert_uint_eq(run(SYS_getpid, ARCH_X86_64, 0, 0), SCMP_ACT_ALLOW);
	/* Socket families: AF_UNIX only; netlink, vsock, packet, IPv4/6
	 * refused, also with junk in the upper half. SysV IPC refused. */
	ck_assert_uint_eq(run(SYS_socket, ARCH_X86_64, AF_UNIX, SOCK_STREAM), SCMP_ACT_ALLOW);
	ck_assert_uint_eq(run(SYS_socketpair, ARCH_X86_64, AF_UNIX, SOCK_STREAM), SCMP_ACT_ALLOW);
	for (uint64_t fam = 0; fam < 64; fam++)
		if (fam != AF_UNIX)
			ck_assert_uint_eq(run(SYS_socket, ARCH_X86_64, fam, 0),
					  SCMP_ACT_ERRNO(EAFNOSUPPORT));
	ck_assert_uint_eq(run(SYS_socket, ARCH_X86_64, 0x100000000ULL | AF_UNIX, 0),
			  SCMP_ACT_ERRNO(EAFNOSUPPORT));
	ck_assert_uint_eq(run(SYS_shmget, ARCH_X86_64, 0, 4096), SCMP_ACT_ERRNO(EPERM));
	ck_assert_uint_eq(run(SYS_shmat, ARCH_X86_64, 0, 0), SCMP_ACT_ERRNO(EPERM));
	ck_assert_uint_eq(run(SYS_msgget, ARCH_X86_64, 0, 0), SCMP_ACT_ERRNO(EPERM));
	free(prog);
}
END_TEST

/* [network] mode = user: AF_INET and AF_INET6 too, nothing else. */
START_TEST(test_inet_variant)
{
	const struct seccomp_options opt = { .allow_inet = true };

	load_prog_opt(&opt);
	for (uint64_t fam = 0; fam < 64; fam++)
		ck_assert_uint_eq(run(SYS_socket, ARCH_X86_64, fam, SOCK_DGRAM),
				  fam == AF_UNIX || fam == AF_INET || fam == AF_INET6
					  ? SCMP_ACT_ALLOW
					  : SCMP_ACT_ERRNO(EAFNOSUPPORT));
	ck_assert_uint_eq(run(SYS_socketpair, ARCH_X86_64, AF_INET, 0),
			  SCMP_ACT_ERRNO(EAFNOSUPPORT));
	free(prog);
}
END_TEST

/* The filter built into the launcher (launcher/box/gen/seccomp-bpf-gen.c at build
 * time) is, byte for byte, what libseccomp makes from the table now, for
 * every variant the options can select; so is its pseudo filter code,
 * which `vfio-launch seccomp` prints. */
START_TEST(test_builtin_equals_table)
{
	const unsigned v = (unsigned)_i;
	const struct seccomp_options opt = { .allow_inet = v & SECCOMP_VARIANT_INET,
					     .log_all = v & SECCOMP_VARIANT_LOG,
					     .fs_server = v & SECCOMP_VARIANT_FS_SERVER };
	const struct sock_filter *built;
	size_t n_built;
	char *pfc;

	ck_assert_uint_eq(seccomp_variant(&opt), v);
	load_prog_opt(&opt);
	built = seccomp_filter_builtin(&opt, &n_built);
	ck_assert_uint_gt(n_built, 0);
	ck_assert_uint_eq(n_built, n_prog);
	ck_assert_int_eq(memcmp(built, prog, n_prog * sizeof(*prog)), 0);
	free(prog);
	pfc = pfc_of(&opt);
	ck_assert_str_eq(seccomp_filter_builtin_pfc(&opt), pfc);
	free(pfc);
}
END_TEST

START_TEST(test_pfc_export)
{
	scmp_filter_ctx _cleanup_seccomp_ ctx = NULL;
	_cleanup_fclose_ FILE *f = tmpfile();
	char line[256];
	unsigned n_filters = 0;
	bool tree = false, badarch = false;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(seccomp_filter_build(NULL, &ctx), 0);
	ck_assert_int_eq(seccomp_filter_export_pfc(ctx, fileno(f)), 0);
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "# filter for syscall"))
			n_filters++;
		if (strstr(line, "if ($syscall > "))
			tree = true; /* the binary tree (optimize = 2) */
		if (strstr(line, "# invalid architecture action"))
			badarch = fgets(line, sizeof(line), f) &&
				  strstr(line, "action KILL_PROCESS");
	}
	/* One block per distinct syscall: 73 rules over 59 syscalls
	 * (unshare x8, clone x7, ioctl x2 merge), and 14 socket and
	 * socketpair rules over 2 syscalls (8 of the socket ones are only in the
	 * inet filter), and 12 SysV IPC syscalls. */
	ck_assert_uint_eq(n_filters, seccomp_n_rules - 7 - 6 - 1 - 8 - 1 - 1);
	ck_assert(tree);
	ck_assert(badarch);
}
END_TEST

static Suite *seccomp_suite(void)
{
	Suite *s = suite_create("seccomp");
	TCase *tc = tcase_create("filter");

	tcase_add_test(tc, test_table);
	tcase_add_loop_test(tc, test_each_rule, 0, 2);
	tcase_add_test(tc, test_inet_variant);
	tcase_add_test(tc, test_allowed_and_edges);
	tcase_add_test(tc, test_pfc_export);
	tcase_add_loop_test(tc, test_builtin_equals_table, 0, SECCOMP_N_VARIANTS);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(seccomp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed;
}
