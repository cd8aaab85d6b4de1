// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-seccomp (`make bench-seccomp`): what QEMU's seccomp filter costs
 * on the syscalls a VMM lives on.
 *
 * 1. Time: the same loops of ioctl, ppoll, read, write, futex and
 *    io_uring_enter (when the kernel allows io_uring) run in five
 *    processes of the same run: no filter; an empty filter; the
 *    launcher's filter ("box", seccomp_filter_build, loaded after
 *    no_new_privs); QEMU 7.2's own -sandbox filter ("qemu", reproduced
 *    below); and both stacked ("qemu+box", ours first as at exec, QEMU's
 *    on top as after its start). The variants alternate round by round
 *    so that all see the same machine load; each keeps its fastest
 *    round. Prints ns per call and the ratios box/none, box/empty and
 *    (qemu+box)/qemu, the last one being what the box costs a real VM,
 *    which always runs under QEMU's -sandbox (target <= 1.02).
 * 2. Cost in the filter: both exported BPF programs (seccomp_export_bpf)
 *    run by a small interpreter (tests/sandbox/bpf_interp.h) for each of
 *    those syscalls with typical arguments: BPF instructions executed,
 *    the resulting action, and whether the kernel's action cache answers
 *    without running BPF at all (see cache_const_allow).
 *
 * Timings are only reported, never asserted (STYLE: timing claims in
 * tests/bench/ as ratios in the same run). The interpreter's verdicts are
 * checked (exit 1 if the filter does not do what the table says).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/kvm.h>
#include <poll.h>
#include <sched.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../sandbox/bpf_interp.h"
#include "seccomp_filter.h"

#ifndef AUDIT_ARCH_X86_64
#define AUDIT_ARCH_X86_64 0xc000003eU
#endif

enum { B_IOCTL, B_PPOLL, B_READ, B_WRITE, B_FUTEX, B_URING, N_BENCH };
static const char *const names[N_BENCH] = { "ioctl", "ppoll", "read", "write",
					    "futex", "io_uring_enter" };

static long iters = 200000;
static int rounds = 9;

struct fds {
	int pipe_r, pipe_w, zero, null, uring;
};

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ns per call of syscall b, one round. -1 when unavailable. */
static double measure(const struct fds *f, int b)
{
	static int futex_word;
	char buf[8];
	int avail;
	struct pollfd pfd = { f->pipe_r, POLLIN, 0 };
	struct timespec zero = { 0, 0 };
	double t0;

	if (b == B_URING && f->uring < 0)
		return -1;
	t0 = now_ns();
	for (long i = 0; i < iters; i++) {
		switch (b) {
		case B_IOCTL:
			ioctl(f->pipe_r, FIONREAD, &avail);
			break;
		case B_PPOLL:
			ppoll(&pfd, 1, &zero, NULL);
			break;
		case B_READ:
			if (read(f->zero, buf, sizeof(buf)) < 0)
				return -1;
			break;
		case B_WRITE:
			if (write(f->null, buf, sizeof(buf)) < 0)
				return -1;
			break;
		case B_FUTEX:
			syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
			break;
		default:
			syscall(SYS_io_uring_enter, f->uring, 0, 0, 0, NULL, 0);
			break;
		}
	}
	return (now_ns() - t0) / (double)iters;
}

static int open_fds(struct fds *f)
{
	int p[2];
	unsigned char params[120] = { 0 }; /* struct io_uring_params */

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	f->pipe_r = p[0];
	f->pipe_w = p[1];
	f->zero = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	f->null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	f->uring = (int)syscall(SYS_io_uring_setup, 4, params);
	return f->zero < 0 || f->null < 0 ? -1 : 0;
}

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
static int qemu_filter_build(scmp_filter_ctx *ret)
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

static int box_filter_build(scmp_filter_ctx *ret)
{
	return seccomp_filter_build(NULL, ret);
}

/* Variants timed. V_QEMUBOX loads the launcher's filter first (it is
 * installed before execve) and QEMU's on top (QEMU installs its own when
 * it parses -sandbox, after start), as in the real VM, where
 * tests/sandbox/test-demo-box.sh checks Seccomp_filters >= 2. */
enum { V_NONE, V_EMPTY, V_BOX, V_QEMU, V_QEMUBOX, N_VAR };

/* empty: a filter with no rule (default ALLOW, native arch only), the
 * fixed cost of having any seccomp filter: the syscall slow path and the
 * (retpolined, on many hosts) call into the JITed program. */
static int load_variant(int v)
{
	scmp_filter_ctx _cleanup_seccomp_ ctx = NULL;
	scmp_filter_ctx _cleanup_seccomp_ qctx = NULL;
	int r = 0;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	switch (v) {
	case V_EMPTY:
		ctx = seccomp_init(SCMP_ACT_ALLOW);
		if (!ctx)
			return -ENOMEM;
		r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
		break;
	case V_BOX:
	case V_QEMUBOX:
		r = box_filter_build(&ctx);
		break;
	default:
		break;
	}
	if (r == 0 && ctx)
		r = seccomp_load(ctx);
	if (r == 0 && (v == V_QEMU || v == V_QEMUBOX))
		r = qemu_filter_build(&qctx);
	if (r == 0 && qctx)
		r = seccomp_load(qctx);
	return r;
}

/* ---------------------------------------------------------------- BPF */

static struct sock_filter *export_bpf(int (*build)(scmp_filter_ctx *), size_t *ret_n)
{
	scmp_filter_ctx _cleanup_seccomp_ ctx = NULL;
	struct sock_filter *prog;
	int fd = memfd_create("bpf", MFD_CLOEXEC);
	off_t len;

	if (fd < 0 || build(&ctx) < 0 || seccomp_filter_export_bpf(ctx, fd) < 0)
		return NULL;
	len = lseek(fd, 0, SEEK_END);
	prog = malloc((size_t)len);
	if (!prog || pread(fd, prog, (size_t)len, 0) != len)
		return NULL;
	close(fd);
	*ret_n = (size_t)len / sizeof(*prog);
	return prog;
}

/*
 * The kernel's seccomp action cache (Linux >= 5.11, kernel/seccomp.c,
 * seccomp_cache_prepare_bitmap() and seccomp_is_const_allow()): when a
 * filter is attached, the kernel emulates it for every syscall number of
 * the native (and compat) arch with only nr and arch known; if the
 * emulation reaches RET ALLOW without loading anything else (an argument,
 * the instruction pointer), the syscall's bit is set, and at run time
 * seccomp_run_filters() answers ALLOW from the bitmap without running any
 * BPF. The bitmap of a filter is ANDed with its predecessor's, so for
 * stacked filters a syscall is served from the cache only when every
 * filter is arg-independent ALLOW for it; otherwise ALL filters run.
 * This is that emulation (same instruction subset, same rules), for the
 * table below. CONFIG_SECCOMP_CACHE_DEBUG's /proc/PID/seccomp_cache shows
 * the same bitmap where the kernel is built with it (not this host's).
 *
 * Result for the hot syscalls (see the "cache" columns when run): QEMU's
 * filter tests no argument of read, write, ppoll, futex, io_uring_enter
 * or ioctl, so all six are cached (no BPF runs at all). The launcher's
 * filter is cached for read, write, ppoll, futex and io_uring_enter, but
 * NOT for ioctl: it compares ioctl's request with TIOCSTI/TIOCLINUX, so
 * every ioctl (KVM_RUN included) runs the launcher's BPF (18
 * instructions), and with both filters stacked QEMU's as well (its
 * linear list: 46 more), 64 in all, where QEMU's filter alone runs none.
 * That is the one hot syscall where the box can cost a VM something.
 */
static bool cache_const_allow(const struct sock_filter *prog, size_t n, int nr, uint32_t arch)
{
	uint32_t a = 0;

	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *f = &prog[pc];
		bool res;

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k == offsetof(struct seccomp_data, nr))
				a = (uint32_t)nr;
			else if (f->k == offsetof(struct seccomp_data, arch))
				a = arch;
			else
				return false; /* non-constant load */
			break;
		case BPF_RET | BPF_K:
			return f->k == SECCOMP_RET_ALLOW;
		case BPF_JMP | BPF_JA:
			pc += f->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
			switch (BPF_OP(f->code)) {
			case BPF_JEQ:
				res = a == f->k;
				break;
			case BPF_JGE:
				res = a >= f->k;
				break;
			case BPF_JGT:
				res = a > f->k;
				break;
			default:
				res = (a & f->k) != 0;
				break;
			}
			pc += res ? f->jt : f->jf;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= f->k;
			break;
		default:
			return false;
		}
	}
	return false;
}

static const char *action_name(uint32_t a)
{
	static char buf[32];
	switch (a & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
		return "ALLOW";
	case SECCOMP_RET_KILL_PROCESS:
		return "KILL_PROCESS";
	case SECCOMP_RET_KILL_THREAD:
		return "KILL_THREAD";
	case SECCOMP_RET_TRAP:
		return "TRAP";
	case SECCOMP_RET_ERRNO:
		snprintf(buf, sizeof(buf), "ERRNO(%u)", a & SECCOMP_RET_DATA);
		return buf;
	default:
		snprintf(buf, sizeof(buf), "0x%08x", a);
		return buf;
	}
}

struct bench_case {
	const char *what;
	int nr;
	uint64_t arg0, arg1;
	uint32_t arch;
	uint32_t expect_box, expect_qemu;
};

#define X86 AUDIT_ARCH_X86_64
#define ALLOW SECCOMP_RET_ALLOW
#define KILLP SECCOMP_RET_KILL_PROCESS
#define EPERM_R (SECCOMP_RET_ERRNO | EPERM)
/* pthread_create's clone flags (glibc, when clone3 is refused). */
#define THREAD_FLAGS                                                                     \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

static const struct bench_case cases[] = {
	{ "ioctl(KVM_RUN)", SYS_ioctl, 0, KVM_RUN, X86, ALLOW, ALLOW },
	{ "ioctl(FIONREAD)", SYS_ioctl, 0, FIONREAD, X86, ALLOW, ALLOW },
	{ "ioctl(VFIO_DEVICE_GET_REGION_INFO)", SYS_ioctl, 0, 0x3b6c, X86, ALLOW, ALLOW },
	{ "ppoll", SYS_ppoll, 0, 0, X86, ALLOW, ALLOW },
	{ "read", SYS_read, 0, 0, X86, ALLOW, ALLOW },
	{ "write", SYS_write, 0, 0, X86, ALLOW, ALLOW },
	{ "futex", SYS_futex, 0, 0, X86, ALLOW, ALLOW },
	{ "io_uring_enter", SYS_io_uring_enter, 0, 0, X86, ALLOW, ALLOW },
	{ "pwritev2", SYS_pwritev2, 0, 0, X86, ALLOW, ALLOW },
	{ "clone(pthread flags)", SYS_clone, THREAD_FLAGS, 0, X86, ALLOW, ALLOW },
	{ "clone(SIGCHLD) [fork]", SYS_clone, SIGCHLD, 0, X86, ALLOW, KILLP },
	{ "clone(thread|NEWUSER) [denied]", SYS_clone, THREAD_FLAGS | CLONE_NEWUSER, 0, X86,
	  EPERM_R, KILLP },
	{ "sched_setscheduler(FIFO) [qemu]", SYS_sched_setscheduler, 0, SCHED_FIFO, X86, ALLOW,
	  EPERM_R },
	{ "setuid [denied]", SYS_setuid, 0, 0, X86, EPERM_R, KILLP },
	{ "setns [denied]", SYS_setns, 0, 0, X86, KILLP, SECCOMP_RET_KILL_THREAD },
	{ "ioctl(TIOCSTI) [denied]", SYS_ioctl, 0, 0x5412, X86, KILLP, ALLOW },
	{ "mount [denied]", SYS_mount, 0, 0, X86, KILLP, KILLP },
	/* QEMU's filter has libseccomp's default bad-arch action. */
	{ "x32 getpid [denied]", 0x40000000 | SYS_getpid, 0, 0, X86, KILLP,
	  SECCOMP_RET_KILL_THREAD },
	{ "i386 getpid [denied]", 20, 0, 0, 0x40000003 /* AUDIT_ARCH_I386 */, KILLP,
	  SECCOMP_RET_KILL_THREAD },
};

/* Runs one case through one filter: prints "insns action cache" and
 * returns 1 when the action is not the expected one (or on an
 * interpreter error). *ret_steps: instructions, 0 when the cache answers. */
static int run_case(const struct sock_filter *prog, size_t n, const struct bench_case *c,
		    uint32_t expect, bool *ret_cached, unsigned *ret_steps)
{
	struct seccomp_data d = { .nr = c->nr, .arch = c->arch };
	uint32_t action = 0;
	unsigned steps = 0;

	d.args[0] = c->arg0;
	d.args[1] = c->arg1;
	*ret_cached = c->arch == X86 && cache_const_allow(prog, n, c->nr, c->arch);
	if (bpf_run(prog, n, &d, &action, &steps) < 0) {
		printf(" %5s %-13s %-5s", "?", "interp-error", "");
		return 1;
	}
	*ret_steps = steps;
	printf(" %5u %-13s %-5s", steps, action_name(action), *ret_cached ? "yes" : "no");
	/* ERRNO: the errno too; KILL_*: the action only. */
	return (expect & SECCOMP_RET_DATA) ? action != expect
					   : (action & SECCOMP_RET_ACTION_FULL) != expect;
}

int main(int argc, char **argv)
{
	double best[N_VAR][N_BENCH];
	struct sock_filter *prog, *qprog;
	size_t n_prog = 0, n_qprog = 0;
	int to_child[N_VAR][2], to_parent[N_VAR][2], bad = 0;
	pid_t child[N_VAR];
	struct fds f;

	if (argc > 1)
		iters = strtol(argv[1], NULL, 10) > 0 ? strtol(argv[1], NULL, 10) : iters;

	/* ---- 2. BPF instructions per syscall (deterministic, first) */
	prog = export_bpf(box_filter_build, &n_prog);
	qprog = export_bpf(qemu_filter_build, &n_qprog);
	if (!prog || !qprog) {
		fprintf(stderr, "bench-seccomp: cannot export the filters\n");
		return 1;
	}
	printf("box filter (launcher): %zu BPF instructions (optimize = 2); QEMU 7.2 -sandbox "
	       "filter: %zu (optimize = 1, libseccomp's default); libseccomp %u.%u.%u\n",
	       n_prog, n_qprog, seccomp_version()->major, seccomp_version()->minor,
	       seccomp_version()->micro);
	printf("insns: BPF instructions the filter executes; cache: answered ALLOW by the\n"
	       "kernel's action cache (Linux >= 5.11) without running BPF; stacked: what\n"
	       "qemu+box executes (0 when both filters are cached, else both run)\n");
	printf("%-34s %5s %-13s %-5s %5s %-13s %-5s %7s\n", "syscall", "box", "action", "cache",
	       "qemu", "action", "cache", "stacked");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool bc = false, qc = false;
		unsigned bs = 0, qs = 0;
		int mism;

		printf("%-34s", cases[i].what);
		mism = run_case(prog, n_prog, &cases[i], cases[i].expect_box, &bc, &bs);
		mism |= run_case(qprog, n_qprog, &cases[i], cases[i].expect_qemu, &qc, &qs);
		printf(" %7u%s\n", bc && qc ? 0 : bs + qs, mism ? "  <- MISMATCH" : "");
		bad |= mism;
	}
	if (bad)
		printf("MISMATCH: a filter's verdict differs from the expected one above\n");

	fflush(stdout);

	/* ---- 1. time: no filter (this process), and one child per filter
	 * variant, alternating round by round. */
	if (open_fds(&f) < 0) {
		perror("bench-seccomp: setup");
		return 1;
	}
	for (int v = 1; v < N_VAR; v++) {
		if (pipe2(to_child[v], O_CLOEXEC) < 0 || pipe2(to_parent[v], O_CLOEXEC) < 0)
			return 1;
		child[v] = fork();
		if (child[v] < 0)
			return 1;
		if (child[v] == 0) {
			double res[N_BENCH];
			char go;
			int r;

			close(to_child[v][1]);
			close(to_parent[v][0]);
			r = load_variant(v);
			if (r < 0) {
				fprintf(stderr, "bench-seccomp: load filter: %s\n", strerror(-r));
				_exit(1);
			}
			/* 'g': one round; 'q' or EOF: done (an explicit quit,
			 * since the other children hold copies of our pipe). */
			while (read(to_child[v][0], &go, 1) == 1 && go == 'g') {
				for (int b = 0; b < N_BENCH; b++)
					res[b] = measure(&f, b);
				if (write(to_parent[v][1], res, sizeof(res)) != sizeof(res))
					_exit(1);
			}
			_exit(0);
		}
		close(to_child[v][0]);
		close(to_parent[v][1]);
	}
	for (int v = 0; v < N_VAR; v++)
		for (int b = 0; b < N_BENCH; b++)
			best[v][b] = 1e30;
	/* Fastest round kept, not the median: on a shared host the noise
	 * (other tenants, interrupts, migrations) only ever adds time, so the
	 * minimum is the closest estimate of each variant's own cost, and
	 * the variants alternate so each sees the same quiet moments. The
	 * order within a round rotates so no variant always runs first. */
	for (int r = 0; r < rounds; r++) {
		for (int k = 0; k < N_VAR; k++) {
			int v = (r + k) % N_VAR;
			double res[N_BENCH];

			if (v == V_NONE) {
				for (int b = 0; b < N_BENCH; b++)
					res[b] = measure(&f, b);
			} else if (write(to_child[v][1], "g", 1) != 1 ||
				   read(to_parent[v][0], res, sizeof(res)) != sizeof(res)) {
				fprintf(stderr, "bench-seccomp: a filtered child failed\n");
				return 1;
			}
			for (int b = 0; b < N_BENCH; b++)
				if (res[b] < best[v][b])
					best[v][b] = res[b];
		}
	}
	for (int v = 1; v < N_VAR; v++) {
		if (write(to_child[v][1], "q", 1) != 1)
			kill(child[v], SIGKILL);
		waitpid(child[v], NULL, 0);
	}

	printf("\n%ld calls x %d alternating rounds, fastest round kept (ns per call)\n",
	       iters, rounds);
	printf("%-15s %7s %7s %7s %7s %8s %9s %9s %10s\n", "syscall", "none", "empty", "box",
	       "qemu", "qemu+box", "box/none", "box/empty", "(q+b)/qemu");
	for (int b = 0; b < N_BENCH; b++) {
		bool na = false;
		for (int v = 0; v < N_VAR; v++)
			na |= best[v][b] < 0;
		if (na) {
			printf("%-15s %s\n", names[b], "n/a (not available)");
			continue;
		}
		printf("%-15s %7.1f %7.1f %7.1f %7.1f %8.1f %9.3f %9.3f %10.3f\n", names[b],
		       best[V_NONE][b], best[V_EMPTY][b], best[V_BOX][b], best[V_QEMU][b],
		       best[V_QEMUBOX][b], best[V_BOX][b] / best[V_NONE][b],
		       best[V_BOX][b] / best[V_EMPTY][b], best[V_QEMUBOX][b] / best[V_QEMU][b]);
	}
	printf("target <= 1.02. The real baseline is (qemu+box)/qemu: vfio-launch always\n"
	       "renders QEMU's -sandbox, so a VM without the box still has QEMU's filter.\n"
	       "'empty' is the fixed cost of any seccomp filter on this host.\n");
	return bad;
}
