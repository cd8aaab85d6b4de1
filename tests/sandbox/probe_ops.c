// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sandbox-probe's operations (probe.c runs them): each tries one thing a
 * guest that took over QEMU would try, against the targets of probe.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/kcmp.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

#include "probe.h"

/* ---------------------------------------------------------- operations */
/* Each returns 0 when the operation succeeded, else -errno. Runs in a
 * child; may be killed. */

static long sys_ret(long r)
{
	return r < 0 ? -errno : 0;
}

static long op_mount(void)
{
	return sys_ret(mount("none", "/tmp", "tmpfs", 0, NULL));
}
static long op_umount(void) { return sys_ret(umount2("/", MNT_DETACH)); }
static long op_pivot_root(void) { return sys_ret(syscall(SYS_pivot_root, ".", ".")); }
static long op_chroot(void) { return sys_ret(chroot("/")); }
static long op_fsopen(void) { return sys_ret(syscall(SYS_fsopen, "tmpfs", 0)); }
static long op_open_tree(void) { return sys_ret(syscall(SYS_open_tree, AT_FDCWD, "/", 1 /* OPEN_TREE_CLONE */)); }
static long op_move_mount(void) { return sys_ret(syscall(SYS_move_mount, -1, "", AT_FDCWD, "/tmp", 0)); }
static long op_init_module(void) { return sys_ret(syscall(SYS_init_module, NULL, 0, "")); }
static long op_finit_module(void) { return sys_ret(syscall(SYS_finit_module, -1, "", 0)); }
static long op_delete_module(void) { return sys_ret(syscall(SYS_delete_module, "probe", 0)); }
static long op_kexec_load(void) { return sys_ret(syscall(SYS_kexec_load, 0, 0, NULL, 0)); }
static long op_kexec_file_load(void) { return sys_ret(syscall(SYS_kexec_file_load, -1, -1, 0, "", 0)); }

static long op_bpf(void)
{
	/* BPF_PROG_LOAD of "return 0" as a socket filter. */
	uint64_t insns[2] = { 0xb7 /* mov r0, 0 */, 0x95 /* exit */ };
	union {
		struct {
			uint32_t prog_type, insn_cnt;
			uint64_t insns, license;
		} a;
		char pad[128];
	} attr = { 0 };
	attr.a.prog_type = 1; /* BPF_PROG_TYPE_SOCKET_FILTER */
	attr.a.insn_cnt = 2;
	attr.a.insns = (uintptr_t)insns;
	attr.a.license = (uintptr_t)"GPL";
	return sys_ret(syscall(SYS_bpf, 5 /* BPF_PROG_LOAD */, &attr, sizeof(attr)));
}

static long op_ptrace_traceme(void) { return sys_ret(ptrace(PTRACE_TRACEME, 0, NULL, NULL)); }
static long op_ptrace_attach(void)
{
	if (victim <= 0)
		return sys_ret(ptrace(PTRACE_ATTACH, getppid(), NULL, NULL));
	return sys_ret(ptrace(PTRACE_ATTACH, victim, NULL, NULL));
}

static long op_process_vm_readv(void)
{
	char src[8] = "secret", dst[8];
	struct iovec l = { dst, sizeof(dst) }, r = { src, sizeof(src) };
	return sys_ret(process_vm_readv(getpid(), &l, 1, &r, 1, 0));
}

static long op_process_vm_writev(void)
{
	char src[8] = "secret", dst[8];
	struct iovec l = { src, sizeof(src) }, r = { dst, sizeof(dst) };
	return sys_ret(process_vm_writev(getpid(), &l, 1, &r, 1, 0));
}

static long op_keyctl(void)
{
	/* KEYCTL_GET_KEYRING_ID of the process keyring, creating it. */
	return sys_ret(syscall(SYS_keyctl, 0, -2 /* KEY_SPEC_PROCESS_KEYRING */, 1));
}
static long op_add_key(void)
{
	return sys_ret(syscall(SYS_add_key, "user", "probe", "x", 1, -2));
}
static long op_request_key(void)
{
	return sys_ret(syscall(SYS_request_key, "user", "probe-none", NULL, -2));
}

static long op_perf_event_open(void)
{
	struct perf_event_attr a = { 0 };
	a.type = PERF_TYPE_SOFTWARE;
	a.size = sizeof(a);
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	return sys_ret(syscall(SYS_perf_event_open, &a, 0, -1, -1, 0));
}

static long op_userfaultfd(void)
{
	return sys_ret(syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY));
}
static long op_personality_linux32(void) { return sys_ret(personality(PER_LINUX32)); }
static long op_personality_norandom(void) { return sys_ret(personality(ADDR_NO_RANDOMIZE)); }
static long op_acct(void) { return sys_ret(acct(NULL)); }
static long op_quotactl(void) { return sys_ret(syscall(SYS_quotactl, 0, "/", 0, NULL)); }
static long op_swapon(void) { return sys_ret(syscall(SYS_swapon, "/nonexistent", 0)); }
static long op_swapoff(void) { return sys_ret(syscall(SYS_swapoff, "/nonexistent")); }
/* Wrong magic: harmless even if it reached the kernel as root. */
static long op_reboot(void) { return sys_ret(syscall(SYS_reboot, 0, 0, 0, NULL)); }

static long op_settimeofday(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return sys_ret(settimeofday(&tv, NULL));
}
static long op_clock_settime(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return sys_ret(clock_settime(CLOCK_REALTIME, &ts));
}
static long op_adjtimex(void)
{
	struct timex t = { .modes = 0 }; /* a read-only query */
	return sys_ret(syscall(SYS_adjtimex, &t));
}
static long op_clock_adjtime(void)
{
	struct timex t = { .modes = 0 };
	return sys_ret(syscall(SYS_clock_adjtime, CLOCK_REALTIME, &t));
}
static long op_iopl(void) { return sys_ret(syscall(SYS_iopl, 3)); }
static long op_ioperm(void) { return sys_ret(syscall(SYS_ioperm, 0x80, 1, 1)); }

static long op_name_to_handle_at(void)
{
	struct {
		unsigned bytes;
		int type;
		unsigned char h[128];
	} fh = { .bytes = 128 };
	int mnt;
	return sys_ret(syscall(SYS_name_to_handle_at, AT_FDCWD, "/", &fh, &mnt, 0));
}
static long op_open_by_handle_at(void)
{
	struct {
		unsigned bytes;
		int type;
		unsigned char h[8];
	} fh = { .bytes = 8, .type = 1 };
	return sys_ret(syscall(SYS_open_by_handle_at, AT_FDCWD, &fh, O_RDONLY));
}

static long op_setns(void)
{
	int fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	return sys_ret(syscall(SYS_setns, fd, CLONE_NEWUSER));
}
static long op_unshare_user(void) { return sys_ret(unshare(CLONE_NEWUSER)); }
static long op_unshare_net(void) { return sys_ret(unshare(CLONE_NEWNET)); }
static long op_unshare_mnt(void) { return sys_ret(unshare(CLONE_NEWNS)); }

static long clone_child_result(long pid)
{
	int st;
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(0);
	waitpid((pid_t)pid, &st, 0);
	return 0;
}
static long op_clone_newuser(void)
{
	return clone_child_result(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
}
static long op_clone_newpid(void)
{
	return clone_child_result(syscall(SYS_clone, CLONE_NEWPID | CLONE_NEWUSER | SIGCHLD,
					  0, 0, 0, 0));
}
static long op_clone3_newuser(void)
{
	struct clone_args ca = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
	return clone_child_result(syscall(SYS_clone3, &ca, sizeof(ca)));
}

static long op_setuid0(void) { return sys_ret(setuid(0)); }
/* Calls an unprivileged process may make (to its own ids): denied only
 * by the filter, so they show that the filter is there. Raw syscalls:
 * glibc's wrappers would broadcast to threads. */
static long op_setuid_self(void) { return sys_ret(syscall(SYS_setuid, getuid())); }
static long op_setgid_self(void) { return sys_ret(syscall(SYS_setgid, getgid())); }
static long op_setresuid(void) { return sys_ret(syscall(SYS_setresuid, -1, -1, -1)); }
static long op_setresgid(void) { return sys_ret(syscall(SYS_setresgid, -1, -1, -1)); }
static long op_setgroups(void) { return sys_ret(syscall(SYS_setgroups, 0, NULL)); }

static long op_capset(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };
	d[0].effective = d[0].permitted = 1u << CAP_SYS_ADMIN;
	return sys_ret(syscall(SYS_capset, &h, d));
}

static int a_tty(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (isatty(fd))
			return fd;
	return 0; /* the filter tests the request, not the fd */
}
static long op_tiocsti(void)
{
	char c = '\n';
	return sys_ret(ioctl(a_tty(), TIOCSTI, &c));
}
static long op_tiocsti_high(void)
{
	/* TIOCSTI with junk in the upper 32 bits: the kernel ignores them. */
	char c = '\n';
	return sys_ret(syscall(SYS_ioctl, a_tty(), 0x100000000UL | TIOCSTI, &c));
}
static long op_tioclinux(void)
{
	char sub = 12; /* TIOCL_GETSHIFTSTATE */
	return sys_ret(ioctl(a_tty(), TIOCLINUX, &sub));
}

static long op_x32(void)
{
	/* getpid through the x32 ABI (__X32_SYSCALL_BIT | 39). */
	return sys_ret(syscall(0x40000000 | 39));
}
static long op_int80(void)
{
	long ret = 20; /* i386 getpid */
	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
	if (ret < 0) {
		errno = (int)-ret;
		return -errno;
	}
	return 0;
}

static long open_path(const char *dir, const char *name, int flags)
{
	char path[4096];
	int fd;
	snprintf(path, sizeof(path), "%s%s", dir, name);
	fd = open(path, flags | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}
static long op_write_bashrc(void) { return open_path(home, "/.bashrc", O_WRONLY | O_APPEND | O_CREAT); }
static long op_read_ssh_key(void) { return open_path(home, "/.ssh/id_ed25519", O_RDONLY); }
static long op_create_in_home(void)
{
	long r = open_path(home, "/probe-created", O_WRONLY | O_CREAT | O_EXCL);
	char p[4096];
	snprintf(p, sizeof(p), "%s/probe-created", home);
	if (r == 0)
		unlink(p);
	return r;
}
static long op_list_home(void) { return open_path(home, "", O_RDONLY | O_DIRECTORY); }
static long op_tmp_write(void)
{
	char p[64];
	snprintf(p, sizeof(p), "/vl-probe-escape.%d", getpid());
	long r = open_path("/tmp", p, O_WRONLY | O_CREAT | O_EXCL);
	snprintf(p, sizeof(p), "/tmp/vl-probe-escape.%d", getpid());
	if (r == 0)
		unlink(p);
	return r;
}
static long op_open_ptmx(void) { return open_path("/dev/ptmx", "", O_RDWR); }
static long op_open_tun(void) { return open_path("/dev/net/tun", "", O_RDWR); }
static long op_open_tty0(void) { return open_path("/dev/tty0", "", O_RDWR); }
static long op_open_sda(void) { return open_path("/dev/sda", "", O_RDONLY); }
static long op_open_planted_dev(void) { return open_path(home, "/probe-null", O_RDWR); }
static long op_proc1_cmdline(void)
{
	/* Each op runs in a child of the probe: a parent of PID 1 means the
	 * probe is the init of a PID namespace (the box's), whose /proc
	 * shows the probe as PID 1 and the host's init not at all. */
	if (getppid() == 1)
		return -ESRCH;
	return open_path("/proc/1/cmdline", "", O_RDONLY);
}
static long op_victim_environ(void)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/environ", victim > 0 ? victim : getppid());
	return open_path(p, "", O_RDONLY);
}
static long op_kill_victim(void)
{
	return sys_ret(kill(victim > 0 ? victim : getppid(), 0));
}
static long op_abstract_connect(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n = strlen(abstract_name[0] ? abstract_name : "vl-probe-none");
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memcpy(a.sun_path + 1, abstract_name[0] ? abstract_name : "vl-probe-none", n);
	return sys_ret(connect(s, (struct sockaddr *)&a,
			       (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)));
}
static long op_tcp_connect(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)(tcp_port ? tcp_port : 9)),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	return sys_ret(connect(s, (struct sockaddr *)&a, sizeof(a)));
}
static long op_tcp_bind(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	return sys_ret(bind(s, (struct sockaddr *)&a, sizeof(a)));
}
static long op_syslog(void)
{
	char buf[64];
	return sys_ret(syscall(SYS_syslog, 3 /* READ_ALL */, buf, sizeof(buf)));
}
static long op_kcmp(void)
{
	return sys_ret(syscall(SYS_kcmp, getpid(), getpid(), KCMP_VM, 0, 0));
}

const struct probe_op probe_ops[] = {
	{ "mount", op_mount },
	{ "umount2", op_umount },
	{ "pivot_root", op_pivot_root },
	{ "chroot", op_chroot },
	{ "fsopen", op_fsopen },
	{ "open_tree", op_open_tree },
	{ "move_mount", op_move_mount },
	{ "init_module", op_init_module },
	{ "finit_module", op_finit_module },
	{ "delete_module", op_delete_module },
	{ "kexec_load", op_kexec_load },
	{ "kexec_file_load", op_kexec_file_load },
	{ "bpf", op_bpf },
	{ "ptrace-traceme", op_ptrace_traceme },
	{ "ptrace-attach", op_ptrace_attach },
	{ "process_vm_readv", op_process_vm_readv },
	{ "process_vm_writev", op_process_vm_writev },
	{ "keyctl", op_keyctl },
	{ "add_key", op_add_key },
	{ "request_key", op_request_key },
	{ "perf_event_open", op_perf_event_open },
	{ "userfaultfd", op_userfaultfd },
	{ "personality-linux32", op_personality_linux32 },
	{ "personality-no-randomize", op_personality_norandom },
	{ "acct", op_acct },
	{ "quotactl", op_quotactl },
	{ "swapon", op_swapon },
	{ "swapoff", op_swapoff },
	{ "reboot", op_reboot },
	{ "settimeofday", op_settimeofday },
	{ "clock_settime", op_clock_settime },
	{ "adjtimex", op_adjtimex },
	{ "clock_adjtime", op_clock_adjtime },
	{ "iopl", op_iopl },
	{ "ioperm", op_ioperm },
	{ "name_to_handle_at", op_name_to_handle_at },
	{ "open_by_handle_at", op_open_by_handle_at },
	{ "setns", op_setns },
	{ "unshare-user", op_unshare_user },
	{ "unshare-net", op_unshare_net },
	{ "unshare-mnt", op_unshare_mnt },
	{ "clone-newuser", op_clone_newuser },
	{ "clone-newpid", op_clone_newpid },
	{ "clone3-newuser", op_clone3_newuser },
	{ "setuid-0", op_setuid0 },
	{ "setuid-self", op_setuid_self },
	{ "setgid-self", op_setgid_self },
	{ "setresuid", op_setresuid },
	{ "setresgid", op_setresgid },
	{ "setgroups", op_setgroups },
	{ "capset-sys_admin", op_capset },
	{ "ioctl-TIOCSTI", op_tiocsti },
	{ "ioctl-TIOCSTI-high-bits", op_tiocsti_high },
	{ "ioctl-TIOCLINUX", op_tioclinux },
	{ "x32-syscall", op_x32 },
	{ "int80-syscall", op_int80 },
	{ "write-bashrc", op_write_bashrc },
	{ "read-ssh-key", op_read_ssh_key },
	{ "create-in-home", op_create_in_home },
	{ "list-home", op_list_home },
	{ "write-tmp", op_tmp_write },
	{ "open-dev-ptmx", op_open_ptmx },
	{ "open-dev-net-tun", op_open_tun },
	{ "open-dev-tty0", op_open_tty0 },
	{ "open-dev-sda", op_open_sda },
	{ "open-planted-char-dev", op_open_planted_dev },
	{ "read-proc-1-cmdline", op_proc1_cmdline },
	{ "read-victim-environ", op_victim_environ },
	{ "signal-victim", op_kill_victim },
	{ "abstract-unix-connect", op_abstract_connect },
	{ "tcp-connect", op_tcp_connect },
	{ "tcp-bind", op_tcp_bind },
	{ "syslog-read", op_syslog },
	{ "kcmp", op_kcmp },
};

const size_t probe_ops_n = sizeof(probe_ops) / sizeof(probe_ops[0]);
