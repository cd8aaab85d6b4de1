// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sandbox-nouserns PROGRAM [ARG]...: runs PROGRAM as on a host that
 * refuses unprivileged user namespaces (user.max_user_namespaces = 0,
 * kernel.unprivileged_userns_clone = 0): a seccomp filter answers
 * unshare(2) and clone(2) with CLONE_NEWUSER in their flags with EPERM,
 * as such a kernel does (kernel/fork.c, ksys_unshare / copy_process via
 * create_user_ns), and clone3 with ENOSYS (its flags are in memory, out
 * of a filter's reach; glibc and box_spawn fall back to clone). For
 * tests/sandbox/test-no-userns.sh, as sandbox-nolandlock is for Landlock.
 *
 * sandbox-nouserns --netns PROGRAM [ARG]...: the same for CLONE_NEWNET
 * alone (a host whose policy refuses new network namespaces but not user
 * namespaces): the box's user and mount namespaces are made, the network
 * namespace, made later by the holder (box.h), is refused.
 */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	bool netns = argc > 1 && strcmp(argv[1], "--netns") == 0;
	unsigned long flag = netns ? CLONE_NEWNET : CLONE_NEWUSER;
	struct scmp_arg_cmp newuser = SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag);
	scmp_filter_ctx ctx;
	int r;

	if (netns) {
		argv++;
		argc--;
	}
	if (argc < 2) {
		fputs("usage: sandbox-nouserns [--netns] PROGRAM [ARG]...\n", stderr);
		return 64; /* EX_USAGE */
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		fprintf(stderr, "sandbox-nouserns: no_new_privs: %s\n", strerror(errno));
		return 71;
	}
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return 71;
	r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1, newuser);
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1, newuser);
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0) {
		fprintf(stderr, "sandbox-nouserns: %s\n", strerror(-r));
		return 71; /* EX_OSERR */
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "sandbox-nouserns: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
