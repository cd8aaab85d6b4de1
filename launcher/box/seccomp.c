// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QEMU's seccomp deny list, as data (see seccomp_filter.h; libseccomp
 * compiles it at build time, gen/seccomp_compile.c). Default action ALLOW: QEMU
 * with its device models, libpulse, GTK and the libraries they pull in
 * use hundreds of syscalls that vary with versions, so an allow list would
 * break VMs in ways a user cannot debug; what a VMM never needs is a short,
 * stable list, and QEMU's own -sandbox (its allow-by-default deny groups,
 * obsolete/elevateprivileges/spawn/resourcecontrol) stacks on top.
 *
 * Choice of action, per rule:
 *   KILL_PROCESS  for calls nothing in QEMU or its libraries makes on a
 *                 working VM: reaching one means the process is no longer
 *                 QEMU. The kill is logged by the kernel (audit SECCOMP
 *                 record, also in dmesg), which is what an admin needs.
 *                 KILL_PROCESS, not KILL_THREAD: a half-dead QEMU holding
 *                 a GPU is worse than a dead one.
 *   ERRNO(EPERM)  for calls a library may probe at start-up and copes with
 *                 when refused (QEMU's userfaultfd/postcopy probe, its
 *                 eBPF RSS loader, set*id/keyring use in NSS and glib
 *                 helpers, perf in profiling libs): killing would turn a
 *                 harmless probe into a dead VM. EPERM is what the kernel
 *                 itself answers an unprivileged caller.
 *   ERRNO(ENOSYS) for clone3 only (see below).
 */
#include <errno.h>
#include <linux/sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "seccomp_filter.h"

#define KILL SCMP_ACT_KILL_PROCESS
#define EPERM_ SCMP_ACT_ERRNO(EPERM)
#define NOFAMILY SCMP_ACT_ERRNO(EAFNOSUPPORT)
#define FAMILY(sc, op, fam, when) { sc, NOFAMILY, 1, { { 0, (op), (fam), 0 } }, (when) }

/* Namespace flags (clone(2), <linux/sched.h>). CLONE_NEWTIME (0x80) is
 * only meaningful for unshare/clone3: in clone(2)'s flags the low byte is
 * the exit signal, so testing 0x80 there would deny a valid signal. */
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

#define ARG_BIT(n, bit) { (n), SCMP_CMP_MASKED_EQ, (bit), (bit) }
/* ioctl(2)'s request is an int in the kernel (the upper 32 bits of the
 * register are ignored by tty_ioctl), so compare only the low 32 bits:
 * otherwise 0x1_00005412 would pass the filter and still be TIOCSTI. */
#define ARG_IOCTL(req) { 1, SCMP_CMP_MASKED_EQ, 0xffffffffULL, (req) }
#define NS_RULE(sc, bit, act) { sc, act, 1, { ARG_BIT(0, bit) } }

/* Most rules are in every filter: their `when` is left out (0,
 * SECCOMP_ALWAYS) rather than repeated on every line. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
const struct seccomp_rule_spec seccomp_rules[] = {
	/* Mount family: the guest-owner must not reshape the filesystem
	 * view (needs a user namespace anyway, which is also denied). */
	{ "mount", KILL, 0, { { 0 } } },
	{ "umount2", KILL, 0, { { 0 } } },
	{ "pivot_root", KILL, 0, { { 0 } } },
	/* chroot: virtiofsd's own sandbox = chroot, into the share, in its
	 * box (QEMU 7.2 tools/virtiofsd/passthrough_ll.c setup_chroot). */
	{ "chroot", KILL, 0, { { 0 } }, SECCOMP_NOT_FS_SERVER },
	{ "fsopen", KILL, 0, { { 0 } } },
	{ "fsconfig", KILL, 0, { { 0 } } },
	{ "fsmount", KILL, 0, { { 0 } } },
	{ "fspick", KILL, 0, { { 0 } } },
	{ "move_mount", KILL, 0, { { 0 } } },
	{ "open_tree", KILL, 0, { { 0 } } },
	{ "mount_setattr", KILL, 0, { { 0 } } },
	/* Kernel code loading: never a VMM's business. */
	{ "init_module", KILL, 0, { { 0 } } },
	{ "finit_module", KILL, 0, { { 0 } } },
	{ "delete_module", KILL, 0, { { 0 } } },
	{ "kexec_load", KILL, 0, { { 0 } } },
	{ "kexec_file_load", KILL, 0, { { 0 } } },
	/* bpf: QEMU 7.2's virtio-net RSS loads an eBPF program when the
	 * guest enables RSS and falls back to its software RSS on failure
	 * (ebpf/ebpf_rss.c): EPERM, not a kill. */
	{ "bpf", EPERM_, 0, { { 0 } } },
	/* Debugging other processes of the user: the classic escape from a
	 * compromised process to the user's shell. Nothing legitimate. */
	{ "ptrace", KILL, 0, { { 0 } } },
	{ "process_vm_readv", KILL, 0, { { 0 } } },
	{ "process_vm_writev", KILL, 0, { { 0 } } },
	/* The user's keyrings hold credentials (Kerberos, ecryptfs, NFS).
	 * EPERM: libraries (krb5, libkeyutils via NSS) may probe them. */
	{ "keyctl", EPERM_, 0, { { 0 } } },
	{ "add_key", EPERM_, 0, { { 0 } } },
	{ "request_key", EPERM_, 0, { { 0 } } },
	/* perf: side channels and a large kernel attack surface; profiling
	 * hooks in libraries probe it, so EPERM. */
	{ "perf_event_open", EPERM_, 0, { { 0 } } },
	/* userfaultfd: a classic kernel-exploit primitive (stalls a kernel
	 * copy at will). QEMU only needs it for postcopy migration, which
	 * vfio-launch does not do; QEMU probes it (migration/postcopy-ram.c)
	 * and copes, so EPERM. */
	{ "userfaultfd", EPERM_, 0, { { 0 } } },
	/* personality: only PER_LINUX (0) is allowed; READ_IMPLIES_EXEC,
	 * ADDR_NO_RANDOMIZE and friends weaken the process's exploit
	 * mitigations. The query 0xffffffff is refused too: libseccomp 2.5.4
	 * rejects two comparisons on one argument (-EINVAL), and neither
	 * QEMU's system emulators nor their libraries query it. EPERM: a
	 * refused persona change is reported by callers, not fatal. The
	 * whole 64-bit register is compared, so 0x1_00000000 (persona 0 to
	 * the kernel, which takes an unsigned int) is refused: fail closed. */
	{ "personality", EPERM_, 1, { { 0, SCMP_CMP_NE, 0, 0 } } },
	/* System administration: accounting, quotas, swap, reboot, time. */
	{ "acct", KILL, 0, { { 0 } } },
	{ "quotactl", KILL, 0, { { 0 } } },
	{ "quotactl_fd", KILL, 0, { { 0 } } },
	{ "swapon", KILL, 0, { { 0 } } },
	{ "swapoff", KILL, 0, { { 0 } } },
	{ "reboot", KILL, 0, { { 0 } } },
	{ "settimeofday", KILL, 0, { { 0 } } },
	{ "clock_settime", KILL, 0, { { 0 } } },
	/* adjtimex/clock_adjtime with modes = 0 are read-only queries that
	 * glibc's ntp_gettime makes: EPERM, not a kill. */
	{ "adjtimex", EPERM_, 0, { { 0 } } },
	{ "clock_adjtime", EPERM_, 0, { { 0 } } },
	/* Raw port I/O from user space: KVM/TCG never need it. */
	{ "iopl", KILL, 0, { { 0 } } },
	{ "ioperm", KILL, 0, { { 0 } } },
	/* File handles bypass path-based checks (the "shocker" escape):
	 * open_by_handle_at is never legitimate here. name_to_handle_at is
	 * used by libraries to identify mounts (libmount, systemd code) and
	 * they cope with EPERM. */
	{ "open_by_handle_at", KILL, 0, { { 0 } } },
	{ "name_to_handle_at", EPERM_, 0, { { 0 } } },
	/* Namespaces: a new user namespace grants a full capability set in
	 * it and opens kernel code paths unprivileged users otherwise never
	 * reach. setns joins an existing one: kill. unshare and clone with a
	 * CLONE_NEW* flag: EPERM (a library checking for namespace support
	 * gets the answer an unprivileged process gets on a locked-down
	 * host); one rule per flag, since MASKED_EQ tests equality. */
	{ "setns", KILL, 0, { { 0 } } },
	NS_RULE("unshare", CLONE_NEWNS, EPERM_),
	NS_RULE("unshare", CLONE_NEWCGROUP, EPERM_),
	NS_RULE("unshare", CLONE_NEWUTS, EPERM_),
	NS_RULE("unshare", CLONE_NEWIPC, EPERM_),
	NS_RULE("unshare", CLONE_NEWUSER, EPERM_),
	NS_RULE("unshare", CLONE_NEWPID, EPERM_),
	NS_RULE("unshare", CLONE_NEWNET, EPERM_),
	NS_RULE("unshare", CLONE_NEWTIME, EPERM_),
	NS_RULE("clone", CLONE_NEWNS, EPERM_),
	NS_RULE("clone", CLONE_NEWCGROUP, EPERM_),
	NS_RULE("clone", CLONE_NEWUTS, EPERM_),
	NS_RULE("clone", CLONE_NEWIPC, EPERM_),
	NS_RULE("clone", CLONE_NEWUSER, EPERM_),
	NS_RULE("clone", CLONE_NEWPID, EPERM_),
	NS_RULE("clone", CLONE_NEWNET, EPERM_),
	/* clone3 passes its flags in a struct clone_args in memory; seccomp
	 * BPF only sees the registers, so libseccomp cannot test them, and
	 * denying clone3 by flags is impossible. ENOSYS makes glibc (>= 2.34,
	 * sysdeps/unix/sysv/linux/clone-internal.c) fall back to clone(2),
	 * whose flags the rules above do check; EPERM would not (glibc only
	 * falls back on ENOSYS) and threads could not be created. */
	{ "clone3", SCMP_ACT_ERRNO(ENOSYS), 0, { { 0 } } },
	/* Identity changes: QEMU runs as the user and stays so (QEMU's
	 * -runas is not used). EPERM: NSS modules and glib helpers call
	 * these defensively and handle the refusal. */
	{ "setuid", EPERM_, 0, { { 0 } } },
	{ "setgid", EPERM_, 0, { { 0 } } },
	{ "setreuid", EPERM_, 0, { { 0 } } },
	{ "setregid", EPERM_, 0, { { 0 } } },
	/* virtiofsd (fs_server) creates files as the guest's uid/gid,
	 * per thread (passthrough_ll.c lo_change_cred: SYS_setresuid/gid);
	 * its user namespace maps only uid 0, the user. */
	{ "setresuid", EPERM_, 0, { { 0 } }, SECCOMP_NOT_FS_SERVER },
	{ "setresgid", EPERM_, 0, { { 0 } }, SECCOMP_NOT_FS_SERVER },
	{ "setfsuid", EPERM_, 0, { { 0 } } },
	{ "setfsgid", EPERM_, 0, { { 0 } } },
	{ "setgroups", EPERM_, 0, { { 0 } } },
	/* Terminal injection: TIOCSTI pushes characters into the input of
	 * the terminal QEMU was started from (the user's shell), TIOCLINUX
	 * reads/pastes the console selection. No device model needs either. */
	{ "ioctl", KILL, 1, { ARG_IOCTL(TIOCSTI) } },
	{ "ioctl", KILL, 1, { ARG_IOCTL(TIOCLINUX) } },
	/* Obsolete or information-leaking calls QEMU never makes. */
	{ "uselib", KILL, 0, { { 0 } } },
	{ "vhangup", KILL, 0, { { 0 } } },
	{ "lookup_dcookie", KILL, 0, { { 0 } } },
	{ "syslog", EPERM_, 0, { { 0 } } },
	{ "kcmp", EPERM_, 0, { { 0 } } },
	/* Socket families: QEMU talks to the supervisor, PulseAudio and a
	 * display over AF_UNIX only. Everything else is a way out of the
	 * box or into kernel code a VMM never needs: netlink (routing,
	 * audit, uevents), AF_PACKET, AF_VSOCK (the host's other VMs and
	 * vsock services), AF_BLUETOOTH, AF_ALG, ... and IPv4/IPv6 (UDP
	 * works without any Landlock TCP rule). AF_INET/AF_INET6 stay only
	 * for vfio-slirp's box (sandbox_policy_build_slirp), never QEMU's. The kernel takes the
	 * family as an int (net/socket.c, __sys_socket), but the whole
	 * register is compared: a value with high bits set is refused
	 * (fail closed). EAFNOSUPPORT: what a kernel without the family
	 * answers; glibc's getaddrinfo (netlink in __check_pf) and other
	 * probes cope with it. libseccomp 2.5.4 takes one comparison per
	 * argument, hence a range below, a range above and, with inet,
	 * one rule per family between AF_INET (2) and AF_INET6 (10). */
	FAMILY("socket", SCMP_CMP_LT, AF_UNIX, SECCOMP_ALWAYS),
	FAMILY("socket", SCMP_CMP_GT, AF_UNIX, SECCOMP_NO_INET),
	FAMILY("socket", SCMP_CMP_EQ, 3, SECCOMP_INET),
	FAMILY("socket", SCMP_CMP_EQ, 4, SECCOMP_INET),
	FAMILY("socket", SCMP_CMP_EQ, 5, SECCOMP_INET),
	FAMILY("socket", SCMP_CMP_EQ, 6, SECCOMP_INET),
	FAMILY("socket", SCMP_CMP_EQ, 7, SECCOMP_INET),
	FAMILY("socket", SCMP_CMP_EQ, 8, SECCOMP_INET),
	FAMILY("socket", SCMP_CMP_EQ, 9, SECCOMP_INET),
	FAMILY("socket", SCMP_CMP_GT, AF_INET6, SECCOMP_INET),
	/* socketpair makes connected pairs; only AF_UNIX ones are needed
	 * (glib, QEMU's event notifiers). */
	FAMILY("socketpair", SCMP_CMP_LT, AF_UNIX, SECCOMP_ALWAYS),
	FAMILY("socketpair", SCMP_CMP_GT, AF_UNIX, SECCOMP_ALWAYS),
	/* SysV IPC: shared memory, semaphores and message queues are
	 * reached by key, the user's other programs' included (the box's
	 * IPC namespace hides them; the reduced box has none). QEMU uses
	 * POSIX shm and memfd; Xlib's MIT-SHM (with a display) falls back
	 * to the socket when shmget fails. EPERM, not a kill, for that
	 * probe. */
	{ "shmget", EPERM_, 0, { { 0 } } },
	{ "shmat", EPERM_, 0, { { 0 } } },
	{ "shmctl", EPERM_, 0, { { 0 } } },
	{ "shmdt", EPERM_, 0, { { 0 } } },
	{ "semget", EPERM_, 0, { { 0 } } },
	{ "semop", EPERM_, 0, { { 0 } } },
	{ "semtimedop", EPERM_, 0, { { 0 } } },
	{ "semctl", EPERM_, 0, { { 0 } } },
	{ "msgget", EPERM_, 0, { { 0 } } },
	{ "msgsnd", EPERM_, 0, { { 0 } } },
	{ "msgrcv", EPERM_, 0, { { 0 } } },
	{ "msgctl", EPERM_, 0, { { 0 } } },
};
#pragma GCC diagnostic pop
const size_t seccomp_n_rules = sizeof(seccomp_rules) / sizeof(seccomp_rules[0]);
