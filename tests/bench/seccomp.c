// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-seccomp (`make bench-seccomp`): what QEMU's seccomp filter costs
 * on the syscalls a VMM lives on.
 *
 * 1. Time: the same loops of ioctl (KVM_RUN into a tiny guest that exits
 *    to user space at once, where /dev/kvm is usable, and FIONREAD, the
 *    cheapest ioctl), ppoll, read, write, futex and io_uring_enter (when
 *    the kernel allows io_uring), each in six processes of the same run:
 *    no filter; an empty filter; the launcher's filter ("box",
 *    seccomp_filter_build, loaded after no_new_privs); QEMU 7.2's own
 *    -sandbox filter ("qemu", reproduced in seccomp_qemu.c), twice (the
 *    second one, "qemu'", is the A/A control); and both stacked
 *    ("qemu+box", ours first as at exec, QEMU's on top as after its
 *    start). All run on one CPU; each round times every syscall in every
 *    variant back to back.
 *    Prints median ns per call and the medians of the per-round ratios
 *    box/none and (qemu+box)/qemu, the latter being what the box costs a
 *    real VM, which always runs under QEMU's -sandbox (target <= 1.02),
 *    next to qemu'/qemu, which shows what the machine can resolve.
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
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "../sandbox/bpf_interp.h"
#include "seccomp_compile.h"
#include "seccomp_qemu.h"

#ifndef AUDIT_ARCH_X86_64
#define AUDIT_ARCH_X86_64 0xc000003eU
#endif

/* The loops timed. B_KVM_RUN is the ioctl a VMM lives on: one round trip
 * into a tiny KVM guest that exits to user space at once (an `out` to an
 * I/O port, KVM_EXIT_IO), the path of every exit QEMU handles; it needs a
 * usable /dev/kvm. B_IOCTL is the cheapest ioctl there is (FIONREAD on a
 * pipe): the worst case, where the filter's cost is the largest share. */
enum { B_KVM_RUN, B_IOCTL, B_PPOLL, B_READ, B_WRITE, B_FUTEX, B_URING, N_BENCH };
static const char *const names[N_BENCH] = { "ioctl(KVM_RUN)", "ioctl(FIONREAD)", "ppoll",
					    "read", "write", "futex", "io_uring_enter" };
/* Calls per measurement: about 1-5 ms each on the development VM, short
 * enough for many rounds, long enough to dwarf clock_gettime. */
static const long iters_base[N_BENCH] = { 200, 10000, 10000, 10000, 10000, 10000, 10000 };
static long iters_scale = 1;
static int rounds = 41;

struct fds {
	int pipe_r, pipe_w, zero, null, uring;
	int kvm_vcpu;           /* -1: no KVM here (kvm_err says why) */
	struct kvm_run *kvm_run;
	int kvm_err;
};

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ns per call of syscall b, one measurement. -1 when unavailable. */
static double measure(const struct fds *f, int b)
{
	static int futex_word;
	char buf[8];
	int avail;
	struct pollfd pfd = { f->pipe_r, POLLIN, 0 };
	struct timespec zero = { 0, 0 };
	long n = iters_base[b] * iters_scale;
	double t0;

	if ((b == B_URING && f->uring < 0) || (b == B_KVM_RUN && f->kvm_vcpu < 0))
		return -1;
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		switch (b) {
		case B_KVM_RUN:
			if (ioctl(f->kvm_vcpu, KVM_RUN, 0) < 0 ||
			    f->kvm_run->exit_reason != KVM_EXIT_IO)
				return -1;
			break;
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
	return (now_ns() - t0) / (double)n;
}

/*
 * A one-vCPU KVM guest whose only code, at guest-physical 0x1000 in real
 * mode, is `out %al, $0x10; jmp .-2` (e6 10 eb fc): every KVM_RUN enters
 * the guest, exits on the port write and returns KVM_EXIT_IO to user
 * space, as an emulated device's register access does in QEMU. API from
 * the kernel's Documentation/virt/kvm/api.rst. Fills f->kvm_*; -errno.
 */
static int kvm_setup(struct fds *f)
{
	static const unsigned char code[] = { 0xe6, 0x10, 0xeb, 0xfc };
	struct kvm_userspace_memory_region region = { .slot = 0, .guest_phys_addr = 0x1000,
						       .memory_size = 0x1000 };
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = 0x1000, .rflags = 2 };
	unsigned char *mem;
	int kvm, vm, vcpu, size;

	f->kvm_vcpu = -1;
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return -errno;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm < 0 || size <= 0)
		return -errno;
	mem = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	memcpy(mem, code, sizeof(code));
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return -errno;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return -errno;
	f->kvm_run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (f->kvm_run == MAP_FAILED || ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0 || ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return -errno;
	/* One trial run: a host whose KVM cannot run this guest is "n/a". */
	if (ioctl(vcpu, KVM_RUN, 0) < 0)
		return -errno;
	if (f->kvm_run->exit_reason != KVM_EXIT_IO)
		return -EIO;
	f->kvm_vcpu = vcpu;
	return 0;
}

static int open_fds(struct fds *f)
{
	int p[2];
	unsigned char params[120] = { 0 }; /* struct io_uring_params */

	f->kvm_vcpu = -1;
	f->kvm_run = NULL;
	f->kvm_err = -ENODEV;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	f->pipe_r = p[0];
	f->pipe_w = p[1];
	f->zero = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	f->null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	f->uring = (int)syscall(SYS_io_uring_setup, 4, params);
	return f->zero < 0 || f->null < 0 ? -1 : 0;
}

/* QEMU's own filter (qemu_filter_build) is in seccomp_qemu.c. */

static int box_filter_build(scmp_filter_ctx *ret)
{
	return seccomp_filter_build(NULL, ret);
}

/* Variants timed, each in its own process. V_QEMUBOX loads the
 * launcher's filter first (it is installed before execve) and QEMU's on
 * top (QEMU installs its own when it parses -sandbox, after start), as in
 * the real VM, where tests/sandbox/test-demo-box.sh checks
 * Seccomp_filters >= 2. V_QEMU2 is V_QEMU again in another process: the
 * A/A control, whose ratio to V_QEMU shows what this machine can resolve
 * (any other ratio within that distance of 1 is noise). */
enum { V_NONE, V_EMPTY, V_BOX, V_QEMU, V_QEMU2, V_QEMUBOX, N_VAR };

/* empty: a filter with no rule (default ALLOW, native arch only), the
 * fixed cost of having any seccomp filter: the syscall slow path and the
 * (retpolined, on many hosts) call into the JITed program. */
static int load_variant(int v)
{
	scmp_filter_ctx _cleanup_seccomp_ ctx = NULL;
	scmp_filter_ctx _cleanup_seccomp_ qctx = NULL;
	int r = 0;

	if (v == V_NONE)
		return 0;
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
	if (r == 0 && (v == V_QEMU || v == V_QEMU2 || v == V_QEMUBOX))
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

/* ------------------------------------------------------------ stats */

#define MAX_ROUNDS 401

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

enum stat_of { OF_VALUE, OF_RATIO, OF_DIFF };

/* The p-quantile (0..1, nearest rank) over the rounds of num[r], of
 * num[r] / den[r] or of num[r] - den[r]; -1e30 when a value is n/a (< 0). */
static double percentile_of(const double *num, const double *den, enum stat_of of, double p)
{
	double v[MAX_ROUNDS];

	for (int r = 0; r < rounds; r++) {
		if (num[r] < 0 || (of != OF_VALUE && den[r] <= 0))
			return -1e30;
		v[r] = of == OF_RATIO ? num[r] / den[r] : of == OF_DIFF ? num[r] - den[r] : num[r];
	}
	qsort(v, (size_t)rounds, sizeof(v[0]), cmp_double);
	return v[(int)(p * (rounds - 1) + 0.5)];
}

/* q[0..2]: 25th, 50th and 75th percentile of num[r] / den[r]. */
static void ratio_quartiles(const double *num, const double *den, double q[3])
{
	q[0] = percentile_of(num, den, OF_RATIO, 0.25);
	q[1] = percentile_of(num, den, OF_RATIO, 0.5);
	q[2] = percentile_of(num, den, OF_RATIO, 0.75);
}

/* All processes of the timing part on the CPU this one runs on. */
static void pin_one_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	CPU_ZERO(&set);
	CPU_SET(cpu < 0 ? 0 : cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		perror("bench-seccomp: sched_setaffinity (timing unpinned)");
}

int main(int argc, char **argv)
{
	static double t[N_VAR][N_BENCH][MAX_ROUNDS];
	struct sock_filter *prog, *qprog;
	size_t n_prog = 0, n_qprog = 0;
	int to_child[N_VAR][2], to_parent[N_VAR][2], bad = 0;
	pid_t child[N_VAR];
	struct fds f = { .kvm_vcpu = -1 };

	/* [ROUNDS [SCALE]]: more rounds, or SCALE times more calls each. */
	if (argc > 1 && atoi(argv[1]) > 0)
		rounds = atoi(argv[1]) < MAX_ROUNDS ? atoi(argv[1]) : MAX_ROUNDS;
	if (argc > 2 && atol(argv[2]) > 0)
		iters_scale = atol(argv[2]);

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

	/* ---- 1. time: one process per variant, all pinned to one CPU so
	 * that exactly one runs at a time and none migrates; for each
	 * syscall the variants are measured back to back (order rotated
	 * each round), so a round's ratios compare like with like. */
	if (open_fds(&f) < 0) {
		perror("bench-seccomp: setup");
		return 1;
	}
	pin_one_cpu();
	for (int v = 0; v < N_VAR; v++) {
		if (pipe2(to_child[v], O_CLOEXEC) < 0 || pipe2(to_parent[v], O_CLOEXEC) < 0)
			return 1;
		child[v] = fork();
		if (child[v] < 0)
			return 1;
		if (child[v] == 0) {
			unsigned char b;
			double res;
			int r;

			close(to_child[v][1]);
			close(to_parent[v][0]);
			f.kvm_err = kvm_setup(&f);
			r = load_variant(v);
			if (r < 0) {
				fprintf(stderr, "bench-seccomp: load filter: %s\n", strerror(-r));
				_exit(1);
			}
			if (v == 0 && f.kvm_err < 0)
				fprintf(stderr, "bench-seccomp: ioctl(KVM_RUN) not timed: %s\n",
					strerror(-f.kvm_err));
			/* A byte b < N_BENCH: measure b once; anything else or
			 * EOF: done (an explicit quit, since the other children
			 * hold copies of our pipe). */
			while (read(to_child[v][0], &b, 1) == 1 && b < N_BENCH) {
				res = measure(&f, b);
				if (write(to_parent[v][1], &res, sizeof(res)) != sizeof(res))
					_exit(1);
			}
			_exit(0);
		}
		close(to_child[v][0]);
		close(to_parent[v][1]);
	}
	for (int r = 0; r < rounds; r++) {
		for (int b = 0; b < N_BENCH; b++) {
			for (int k = 0; k < N_VAR; k++) {
				int v = (r + k) % N_VAR;
				unsigned char cmd = (unsigned char)b;

				if (write(to_child[v][1], &cmd, 1) != 1 ||
				    read(to_parent[v][0], &t[v][b][r], sizeof(double)) !=
					    sizeof(double)) {
					fprintf(stderr, "bench-seccomp: a child failed\n");
					return 1;
				}
			}
		}
	}
	for (int v = 0; v < N_VAR; v++) {
		if (write(to_child[v][1], "\xff", 1) != 1)
			kill(child[v], SIGKILL);
		waitpid(child[v], NULL, 0);
	}

	printf("\n%d rounds; in each, every syscall timed in all %d variants back to back\n"
	       "(one process each, one CPU). ns per call: median over rounds. Ratios:\n"
	       "median over rounds of the same round's ratio, [25th-75th percentile].\n",
	       rounds, N_VAR);
	printf("%-16s %8s %7s %7s %7s %8s %9s %21s %19s\n", "syscall", "none", "empty", "box",
	       "qemu", "qemu+box", "box/none", "(qemu+box)/qemu", "A/A: qemu'/qemu");
	for (int b = 0; b < N_BENCH; b++) {
		double med[N_VAR], q[3], aa[3];
		bool na = false;

		for (int v = 0; v < N_VAR; v++) {
			med[v] = percentile_of(t[v][b], NULL, OF_VALUE, 0.5);
			na |= med[v] < 0;
		}
		if (na) {
			printf("%-16s n/a (%s)\n", names[b],
			       b == B_KVM_RUN ? "no usable /dev/kvm for this user"
					      : "not available on this kernel");
			continue;
		}
		ratio_quartiles(t[V_QEMUBOX][b], t[V_QEMU][b], q);
		ratio_quartiles(t[V_QEMU2][b], t[V_QEMU][b], aa);
		printf("%-16s %8.1f %7.1f %7.1f %7.1f %8.1f %9.3f %6.3f [%5.3f-%5.3f] "
		       "%5.3f [%5.3f-%5.3f]  %+.1f ns %s\n",
		       names[b], med[V_NONE], med[V_EMPTY], med[V_BOX], med[V_QEMU],
		       med[V_QEMUBOX], med[V_BOX] / med[V_NONE], q[1], q[0], q[2], aa[1], aa[0],
		       aa[2], percentile_of(t[V_QEMUBOX][b], t[V_QEMU][b], OF_DIFF, 0.5),
		       q[1] <= 1.02 ? "<= 1.02" : "> 1.02");
	}
	/* The filters run at syscall entry, before the ioctl is dispatched,
	 * and look only at nr, arch and the request, whose TIOCSTI/TIOCLINUX
	 * test takes the same path for KVM_RUN as for FIONREAD: the box's
	 * cost per ioctl is the same ns for both, and FIONREAD measures it
	 * far more precisely than KVM_RUN's noisy round trip can. */
	{
		double d = percentile_of(t[V_QEMUBOX][B_IOCTL], t[V_QEMU][B_IOCTL], OF_DIFF, 0.5);
		double k = percentile_of(t[V_QEMU][B_KVM_RUN], NULL, OF_VALUE, 0.5);

		if (k > 0 && d > -1e29)
			printf("ioctl(KVM_RUN), the box's per-ioctl cost measured on FIONREAD "
			       "(%+.1f ns)\nadded to qemu's KVM_RUN (%.1f ns): ratio %.4f %s\n",
			       d, k, (k + d) / k, (k + d) / k <= 1.02 ? "<= 1.02" : "> 1.02");
	}
	printf("target <= 1.02 for (qemu+box)/qemu: vfio-launch always renders QEMU's\n"
	       "-sandbox, so a VM without the box still has QEMU's filter. 'empty' is the\n"
	       "fixed cost of any seccomp filter on this host; box/none includes it.\n"
	       "Last column: median over rounds of qemu+box minus qemu, ns per call.\n");
	return bad;
}
