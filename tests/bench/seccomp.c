// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-seccomp (`make bench-seccomp`): what QEMU's seccomp filter costs
 * on the syscalls a VMM lives on.
 *
 * 1. Time: the same loops of ioctl, ppoll, read, write, futex and
 *    io_uring_enter (when the kernel allows io_uring) run in two
 *    processes of the same run, one without and one with the launcher's
 *    filter (seccomp_filter_build, loaded after no_new_privs). The two
 *    alternate round by round so that both see the same machine load;
 *    each keeps its fastest round (the least disturbed on a shared host).
 *    Prints ns per call for both and their ratio (target <= 1.02).
 * 2. Cost in the filter: the exported BPF (seccomp_export_bpf) run by a
 *    small interpreter (tests/sandbox/bpf_interp.h) for each of those
 *    syscalls with typical arguments: BPF instructions executed and the
 *    resulting action.
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

/* empty: a filter with no rule (default ALLOW, native arch only), the
 * fixed cost of having any seccomp filter: the syscall slow path and the
 * (retpolined, on many hosts) call into the JITed program. */
static int load_filter(bool empty)
{
	scmp_filter_ctx _cleanup_seccomp_ ctx = NULL;
	int r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (empty) {
		ctx = seccomp_init(SCMP_ACT_ALLOW);
		if (!ctx)
			return -ENOMEM;
		r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	} else {
		r = seccomp_filter_build(NULL, &ctx);
	}
	if (r < 0)
		return r;
	return seccomp_load(ctx);
}

/* ---------------------------------------------------------------- BPF */

static struct sock_filter *export_bpf(size_t *ret_n)
{
	scmp_filter_ctx _cleanup_seccomp_ ctx = NULL;
	struct sock_filter *prog;
	int fd = memfd_create("bpf", MFD_CLOEXEC);
	off_t len;

	if (fd < 0 || seccomp_filter_build(NULL, &ctx) < 0 ||
	    seccomp_filter_export_bpf(ctx, fd) < 0)
		return NULL;
	len = lseek(fd, 0, SEEK_END);
	prog = malloc((size_t)len);
	if (!prog || pread(fd, prog, (size_t)len, 0) != len)
		return NULL;
	close(fd);
	*ret_n = (size_t)len / sizeof(*prog);
	return prog;
}

static const char *action_name(uint32_t a)
{
	static char buf[32];
	switch (a & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
		return "ALLOW";
	case SECCOMP_RET_KILL_PROCESS:
		return "KILL_PROCESS";
	case SECCOMP_RET_ERRNO:
		snprintf(buf, sizeof(buf), "ERRNO(%u)", a & SECCOMP_RET_DATA);
		return buf;
	default:
		snprintf(buf, sizeof(buf), "0x%08x", a);
		return buf;
	}
}

int main(int argc, char **argv)
{
	static const struct {
		const char *what;
		int nr;
		uint64_t arg1;
		uint32_t arch;
		uint32_t expect;
	} cases[] = {
		{ "ioctl(KVM_RUN)", SYS_ioctl, KVM_RUN, AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW },
		{ "ioctl(FIONREAD)", SYS_ioctl, FIONREAD, AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW },
		{ "ioctl(VFIO_DEVICE_GET_REGION_INFO)", SYS_ioctl, 0x3b6c, AUDIT_ARCH_X86_64,
		  SECCOMP_RET_ALLOW },
		{ "ppoll", SYS_ppoll, 0, AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW },
		{ "read", SYS_read, 0, AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW },
		{ "write", SYS_write, 0, AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW },
		{ "futex", SYS_futex, 0, AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW },
		{ "io_uring_enter", SYS_io_uring_enter, 0, AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW },
		{ "pwritev2", SYS_pwritev2, 0, AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW },
		{ "ioctl(TIOCSTI) [denied]", SYS_ioctl, 0x5412, AUDIT_ARCH_X86_64,
		  SECCOMP_RET_KILL_PROCESS },
		{ "mount [denied]", SYS_mount, 0, AUDIT_ARCH_X86_64, SECCOMP_RET_KILL_PROCESS },
		{ "x32 getpid [denied]", 0x40000000 | SYS_getpid, 0, AUDIT_ARCH_X86_64,
		  SECCOMP_RET_KILL_PROCESS },
		{ "i386 getpid [denied]", 20, 0, 0x40000003 /* AUDIT_ARCH_I386 */,
		  SECCOMP_RET_KILL_PROCESS },
	};
	double best[3][N_BENCH];
	struct sock_filter *prog;
	size_t n_prog = 0;
	int to_child[3][2], to_parent[3][2], bad = 0;
	pid_t child[3];
	struct fds f;

	if (argc > 1)
		iters = strtol(argv[1], NULL, 10) > 0 ? strtol(argv[1], NULL, 10) : iters;

	/* ---- 2. BPF instructions per syscall (deterministic, first) */
	prog = export_bpf(&n_prog);
	if (!prog) {
		fprintf(stderr, "bench-seccomp: cannot export the filter\n");
		return 1;
	}
	printf("filter: %zu BPF instructions (libseccomp %u.%u.%u, optimize = 2)\n", n_prog,
	       seccomp_version()->major, seccomp_version()->minor, seccomp_version()->micro);
	printf("%-38s %5s  %s\n", "syscall", "insns", "action");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct seccomp_data d = { .nr = cases[i].nr, .arch = cases[i].arch };
		uint32_t action = 0;
		unsigned steps = 0;

		d.args[1] = cases[i].arg1;
		if (bpf_run(prog, n_prog, &d, &action, &steps) < 0) {
			printf("%-38s  interpreter error\n", cases[i].what);
			bad = 1;
			continue;
		}
		printf("%-38s %5u  %s\n", cases[i].what, steps, action_name(action));
		if ((action & SECCOMP_RET_ACTION_FULL) != cases[i].expect)
			bad = 1;
	}

	fflush(stdout);

	/* ---- 1. time: no filter (this process), an empty filter and the
	 * launcher's filter (one child each), alternating round by round. */
	if (open_fds(&f) < 0) {
		perror("bench-seccomp: setup");
		return 1;
	}
	for (int v = 1; v < 3; v++) {
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
			r = load_filter(v == 1);
			if (r < 0) {
				fprintf(stderr, "bench-seccomp: load filter: %s\n", strerror(-r));
				_exit(1);
			}
			/* 'g': one round; 'q' or EOF: done (an explicit quit,
			 * since the other child holds copies of our pipe). */
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
	for (int v = 0; v < 3; v++)
		for (int b = 0; b < N_BENCH; b++)
			best[v][b] = 1e30;
	for (int r = 0; r < rounds; r++) {
		double res[N_BENCH];
		for (int b = 0; b < N_BENCH; b++) {
			double t = measure(&f, b);
			if (t < best[0][b])
				best[0][b] = t;
		}
		for (int v = 1; v < 3; v++) {
			if (write(to_child[v][1], "g", 1) != 1 ||
			    read(to_parent[v][0], res, sizeof(res)) != sizeof(res)) {
				fprintf(stderr, "bench-seccomp: a filtered child failed\n");
				return 1;
			}
			for (int b = 0; b < N_BENCH; b++)
				if (res[b] < best[v][b])
					best[v][b] = res[b];
		}
	}
	for (int v = 1; v < 3; v++) {
		if (write(to_child[v][1], "q", 1) != 1)
			kill(child[v], SIGKILL);
		waitpid(child[v], NULL, 0);
	}

	printf("\n%ld calls x %d alternating rounds, fastest round kept (ns per call)\n",
	       iters, rounds);
	printf("%-16s %9s %9s %9s %12s %12s\n", "syscall", "none", "empty", "filter",
	       "filter/none", "filter/empty");
	for (int b = 0; b < N_BENCH; b++) {
		if (best[0][b] < 0 || best[1][b] < 0 || best[2][b] < 0) {
			printf("%-16s %9s\n", names[b], "n/a (not available)");
			continue;
		}
		printf("%-16s %9.1f %9.1f %9.1f %12.3f %12.3f\n", names[b], best[0][b],
		       best[1][b], best[2][b], best[2][b] / best[0][b], best[2][b] / best[1][b]);
	}
	printf("target: filter/none <= 1.02; 'empty' is the fixed cost of any seccomp\n"
	       "filter on this host (syscall slow path, JIT call).\n");
	return bad;
}
