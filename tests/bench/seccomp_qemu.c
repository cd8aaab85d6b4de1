// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-seccomp (seccomp.c): QEMU 7.2's own -sandbox filter, reproduced.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp_compile.h"
#include "seccomp_qemu.h"

/* ------------------------------------------------ QEMU's own filter
 *
 * A reproduction of what QEMU 7.2 installs for
 * `-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,
 * resourcecontrol=deny` (the options vfio-launch always renders): the
 * denylist[] table, qemu_seccomp_update_action() and seccomp_start() of
 * softmmu/qemu-seccomp.c in QEMU 7.2 (qemu/qemu, the 7.x-era file with
 * the per-rule action field and the clone flag rules; the 2012 IBM file,
 * GPL-2.0-or-later), transcribed rule by rule, not guessed:
 *  - seccomp_init(SCMP_ACT_ALLOW); SCMP_FLTATR_API_SYSRAWRC = 1 (with
 *    libseccomp >= 2.5, CONFIG_SECCOMP_SYSRAWRC); SCMP_FLTATR_CTL_TSYNC
 *    = 1; no BADARCH and no OPTIMIZE attribute: libseccomp's defaults
 *    (bad arch: KILL_THREAD; optimize 1, a linear list by priority).
 *  - seccomp_rule_add_array() per table row whose set is enabled: here
 *    all of DEFAULT, OBSOLETE, PRIVILEGED, SPAWN and RESOURCECTL.
 *  - Action: SCMP_ACT_TRAP rows become SCMP_ACT_KILL_PROCESS when
 *    seccomp(SECCOMP_GET_ACTION_AVAIL) accepts KILL_PROCESS (Linux >=
 *    4.14); RESOURCECTL rows are ERRNO(EPERM); clone3 is ERRNO(ENOSYS);
 *    execveat, setns and unshare have no action in the table, i.e. 0,
 *    which is SCMP_ACT_KILL_THREAD (reproduced as is).
 * Set bits as QEMU's include/sysemu/seccomp.h; the table order is QEMU's.
 * Checked against the real thing: the 129-instruction BPF this builds
 * (libseccomp 2.5.4) is byte-identical to the filter Debian 12's QEMU
 * 7.2.22 (1:7.2+dfsg-7+deb12u18) installs for that -sandbox option, as
 * read back with ptrace(PTRACE_SECCOMP_GET_FILTER) from a running
 * `qemu-system-x86_64 -machine none -S -sandbox ...` (one-off check,
 * 2026-11-21; not part of the bench).
 */
enum { Q_DEFAULT, Q_OBSOLETE, Q_PRIVILEGED, Q_SPAWN, Q_RESOURCECTL };

#define Q_TRAP 1u /* marker: SCMP_ACT_TRAP, upgraded as QEMU does */
#define Q_RULE(sc, set, act) { SCMP_SYS(sc), set, 0, NULL, act }
/* clone(2)'s flags are argument 0 on x86-64 (CLONE_FLAGS_ARG). */
#define Q_CLONE_REQUIRE(flag) \
	static const struct scmp_arg_cmp q_clone_##flag[] = { \
		{ .arg = 0, .op = SCMP_CMP_MASKED_EQ, .datum_a = flag, .datum_b = 0 } }
#define Q_CLONE_FORBID(flag) \
	static const struct scmp_arg_cmp q_clone_##flag[] = { \
		{ .arg = 0, .op = SCMP_CMP_MASKED_EQ, .datum_a = flag, .datum_b = flag } }
#define Q_CLONE_RULE(flag) { SCMP_SYS(clone), Q_SPAWN, 1, q_clone_##flag, Q_TRAP }

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

/* "If no CLONE_* flags are set, except CSIGNAL, deny": ~(CSIGNAL) is an
 * int, sign-extended into the 64-bit datum exactly as in QEMU. */
static const struct scmp_arg_cmp q_clone_none[] = {
	{ .arg = 0, .op = SCMP_CMP_MASKED_EQ, .datum_a = ~(CSIGNAL), .datum_b = 0 }
};
static const struct scmp_arg_cmp q_sched_setscheduler[] = {
	{ .arg = 1, .op = SCMP_CMP_NE, .datum_a = SCHED_IDLE }
};
/* pthread_create always sets these ... */
Q_CLONE_REQUIRE(CLONE_VM);
Q_CLONE_REQUIRE(CLONE_FS);
Q_CLONE_REQUIRE(CLONE_FILES);
Q_CLONE_REQUIRE(CLONE_SIGHAND);
Q_CLONE_REQUIRE(CLONE_THREAD);
Q_CLONE_REQUIRE(CLONE_SYSVSEM);
Q_CLONE_REQUIRE(CLONE_SETTLS);
Q_CLONE_REQUIRE(CLONE_PARENT_SETTID);
Q_CLONE_REQUIRE(CLONE_CHILD_CLEARTID);
/* ... and never these (a process, not a thread, or worse). */
Q_CLONE_FORBID(CLONE_PIDFD);
Q_CLONE_FORBID(CLONE_PTRACE);
Q_CLONE_FORBID(CLONE_VFORK);
Q_CLONE_FORBID(CLONE_PARENT);
Q_CLONE_FORBID(CLONE_NEWNS);
Q_CLONE_FORBID(CLONE_UNTRACED);
Q_CLONE_FORBID(CLONE_NEWCGROUP);
Q_CLONE_FORBID(CLONE_NEWUTS);
Q_CLONE_FORBID(CLONE_NEWIPC);
Q_CLONE_FORBID(CLONE_NEWUSER);
Q_CLONE_FORBID(CLONE_NEWPID);
Q_CLONE_FORBID(CLONE_NEWNET);
Q_CLONE_FORBID(CLONE_IO);

static const struct {
	int nr;
	int set;
	unsigned narg;
	const struct scmp_arg_cmp *cmp;
	uint32_t action;
} qemu_denylist[] = {
	Q_RULE(reboot, Q_DEFAULT, Q_TRAP),
	Q_RULE(swapon, Q_DEFAULT, Q_TRAP),
	Q_RULE(swapoff, Q_DEFAULT, Q_TRAP),
	Q_RULE(syslog, Q_DEFAULT, Q_TRAP),
	Q_RULE(mount, Q_DEFAULT, Q_TRAP),
	Q_RULE(umount, Q_DEFAULT, Q_TRAP),
	Q_RULE(kexec_load, Q_DEFAULT, Q_TRAP),
	Q_RULE(afs_syscall, Q_DEFAULT, Q_TRAP),
	Q_RULE(break, Q_DEFAULT, Q_TRAP),
	Q_RULE(ftime, Q_DEFAULT, Q_TRAP),
	Q_RULE(getpmsg, Q_DEFAULT, Q_TRAP),
	Q_RULE(gtty, Q_DEFAULT, Q_TRAP),
	Q_RULE(lock, Q_DEFAULT, Q_TRAP),
	Q_RULE(mpx, Q_DEFAULT, Q_TRAP),
	Q_RULE(prof, Q_DEFAULT, Q_TRAP),
	Q_RULE(profil, Q_DEFAULT, Q_TRAP),
	Q_RULE(putpmsg, Q_DEFAULT, Q_TRAP),
	Q_RULE(security, Q_DEFAULT, Q_TRAP),
	Q_RULE(stty, Q_DEFAULT, Q_TRAP),
	Q_RULE(tuxcall, Q_DEFAULT, Q_TRAP),
	Q_RULE(ulimit, Q_DEFAULT, Q_TRAP),
	Q_RULE(vserver, Q_DEFAULT, Q_TRAP),
	Q_RULE(readdir, Q_OBSOLETE, Q_TRAP),
	Q_RULE(_sysctl, Q_OBSOLETE, Q_TRAP),
	Q_RULE(bdflush, Q_OBSOLETE, Q_TRAP),
	Q_RULE(create_module, Q_OBSOLETE, Q_TRAP),
	Q_RULE(get_kernel_syms, Q_OBSOLETE, Q_TRAP),
	Q_RULE(query_module, Q_OBSOLETE, Q_TRAP),
	Q_RULE(sgetmask, Q_OBSOLETE, Q_TRAP),
	Q_RULE(ssetmask, Q_OBSOLETE, Q_TRAP),
	Q_RULE(sysfs, Q_OBSOLETE, Q_TRAP),
	Q_RULE(uselib, Q_OBSOLETE, Q_TRAP),
	Q_RULE(ustat, Q_OBSOLETE, Q_TRAP),
	Q_RULE(setuid, Q_PRIVILEGED, Q_TRAP),
	Q_RULE(setgid, Q_PRIVILEGED, Q_TRAP),
	Q_RULE(setpgid, Q_PRIVILEGED, Q_TRAP),
	Q_RULE(setsid, Q_PRIVILEGED, Q_TRAP),
	Q_RULE(setreuid, Q_PRIVILEGED, Q_TRAP),
	Q_RULE(setregid, Q_PRIVILEGED, Q_TRAP),
	Q_RULE(setresuid, Q_PRIVILEGED, Q_TRAP),
	Q_RULE(setresgid, Q_PRIVILEGED, Q_TRAP),
	Q_RULE(setfsuid, Q_PRIVILEGED, Q_TRAP),
	Q_RULE(setfsgid, Q_PRIVILEGED, Q_TRAP),
	Q_RULE(fork, Q_SPAWN, Q_TRAP),
	Q_RULE(vfork, Q_SPAWN, Q_TRAP),
	Q_RULE(execve, Q_SPAWN, Q_TRAP),
	{ SCMP_SYS(clone), Q_SPAWN, 1, q_clone_none, Q_TRAP },
	Q_CLONE_RULE(CLONE_VM),
	Q_CLONE_RULE(CLONE_FS),
	Q_CLONE_RULE(CLONE_FILES),
	Q_CLONE_RULE(CLONE_SIGHAND),
	Q_CLONE_RULE(CLONE_THREAD),
	Q_CLONE_RULE(CLONE_SYSVSEM),
	Q_CLONE_RULE(CLONE_SETTLS),
	Q_CLONE_RULE(CLONE_PARENT_SETTID),
	Q_CLONE_RULE(CLONE_CHILD_CLEARTID),
	Q_CLONE_RULE(CLONE_PIDFD),
	Q_CLONE_RULE(CLONE_PTRACE),
	Q_CLONE_RULE(CLONE_VFORK),
	Q_CLONE_RULE(CLONE_PARENT),
	Q_CLONE_RULE(CLONE_NEWNS),
	Q_CLONE_RULE(CLONE_UNTRACED),
	Q_CLONE_RULE(CLONE_NEWCGROUP),
	Q_CLONE_RULE(CLONE_NEWUTS),
	Q_CLONE_RULE(CLONE_NEWIPC),
	Q_CLONE_RULE(CLONE_NEWUSER),
	Q_CLONE_RULE(CLONE_NEWPID),
	Q_CLONE_RULE(CLONE_NEWNET),
	Q_CLONE_RULE(CLONE_IO),
	Q_RULE(clone3, Q_SPAWN, SCMP_ACT_ERRNO(ENOSYS)),
	Q_RULE(execveat, Q_SPAWN, 0 /* no action in QEMU's table: KILL_THREAD */),
	Q_RULE(setns, Q_SPAWN, 0),
	Q_RULE(unshare, Q_SPAWN, 0),
	Q_RULE(setpriority, Q_RESOURCECTL, SCMP_ACT_ERRNO(EPERM)),
	Q_RULE(sched_setparam, Q_RESOURCECTL, SCMP_ACT_ERRNO(EPERM)),
	{ SCMP_SYS(sched_setscheduler), Q_RESOURCECTL, 1, q_sched_setscheduler,
	  SCMP_ACT_ERRNO(EPERM) },
	Q_RULE(sched_setaffinity, Q_RESOURCECTL, SCMP_ACT_ERRNO(EPERM)),
};

/* QEMU's qemu_seccomp_update_action(): TRAP -> KILL_PROCESS when the
 * kernel knows it. */
static uint32_t qemu_action(uint32_t a)
{
	uint32_t kp = SECCOMP_RET_KILL_PROCESS;

	if (a != Q_TRAP)
		return a;
	return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &kp) == 0 ? SCMP_ACT_KILL_PROCESS
									   : SCMP_ACT_TRAP;
}

/* QEMU 7.2's seccomp_start() with all five sets enabled. 0 or -errno;
 * *ret owned by the caller. */
int qemu_filter_build(scmp_filter_ctx *ret)
{
	scmp_filter_ctx _cleanup_seccomp_ ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return -ENOMEM;
	r = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	for (size_t i = 0; r == 0 && i < sizeof(qemu_denylist) / sizeof(qemu_denylist[0]); i++)
		r = seccomp_rule_add_array(ctx, qemu_action(qemu_denylist[i].action),
					   qemu_denylist[i].nr, qemu_denylist[i].narg,
					   qemu_denylist[i].cmp);
	if (r < 0)
		return r;
	*ret = ctx;
	ctx = NULL;
	return 0;
}
