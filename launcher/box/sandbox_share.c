// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The box of a share's file server ([share NAME], resources/share.c):
 * Debian 12's C virtiofsd (QEMU 7.2 tools/virtiofsd, qemu-system-common's
 * /usr/lib/qemu/virtiofsd), one per share. See sandbox_share.h.
 *
 * virtiofsd wants to be root: it chroots into the shared directory
 * (-o sandbox=chroot; its other sandbox, namespace, mounts a procfs and
 * pivots, which this box's seccomp filter refuses) and switches to the
 * guest's uid/gid per request (passthrough_ll.c lo_change_cred). Its own
 * user namespace gives it that as the user: uid 0 in the box is the
 * user (userns_root), with only the capabilities virtiofsd keeps for
 * itself (passthrough_ll.c setup_capabilities: CHOWN, DAC_OVERRIDE,
 * FOWNER, FSETID, SETGID, SETUID, MKNOD, SETFCAP) plus SYS_CHROOT for its
 * chroot and SETPCAP for its own drop of the bounding set (libcap-ng
 * 0.8.3 capng_apply(CAPNG_SELECT_BOTH) fails without it once the chroot
 * hides /proc); virtiofsd drops both itself before it serves the guest. Capabilities in a user namespace
 * act only on what the namespace owns and on inodes whose owner is
 * mapped in it (user_namespaces(7), capable_wrt_inode_uidgid): the
 * user's own files, which the user can change anyway. CAP_SYS_ADMIN is
 * not among them, and the filter kills mount and mount_setattr, so a
 * taken-over virtiofsd cannot make the read-only bind of a
 * readonly = yes share writable again.
 */
#include "sandbox_share.h"

#include <errno.h>
#include <linux/capability.h>

#include "cleanup.h"
#include "util.h"

/* What virtiofsd itself needs besides the share: its libraries (glib,
 * libseccomp, libcap-ng, libc) and /dev/null for its stdio. No /etc
 * but the loader's cache: it reads no configuration with --fd (the
 * pid file of --socket-path, under /run, is not made). */
static const struct {
	const char *path;
	enum grant_access access;
	bool optional;
} share_system_grants[] = {
	{ "/usr", GRANT_RX, false },
	{ "/lib", GRANT_RX, true },
	{ "/lib64", GRANT_RX, true },
	{ "/etc/ld.so.cache", GRANT_RO, true },
	{ "/dev/null", GRANT_RW, false },
	{ "/dev/urandom", GRANT_RO, true },
	/* /proc/self/fd: virtiofsd opens it before its chroot and reaches
	 * every file through it (passthrough_ll.c lo_data.proc_self_fd). */
	{ "/proc/self", GRANT_RO, false },
	/* Read at start whatever --rlimit-nofile says (QEMU 7.2
	 * tools/virtiofsd/helper.c get_default_rlimit_nofile: exits when
	 * it cannot). */
	{ "/proc/sys/fs/file-max", GRANT_RO, false },
};

#define CAP(c) (1ULL << (c))

int sandbox_policy_build_share(const struct profile *p, const char *binary, int dir_fd,
			       bool readonly, struct sandbox_policy *ret)
{
	struct sandbox_policy pol = { .mode = p->sandbox };
	int r = 0;

	/* Capabilities need the user namespace: no share without it
	 * (the share's check FAILs these modes). */
	if (p->sandbox != SANDBOX_ON && p->sandbox != SANDBOX_STRICT)
		return -EOPNOTSUPP;
	for (size_t i = 0; i < ELEMENTSOF(share_system_grants) && r == 0; i++)
		r = grants_add_system(&pol.grants, share_system_grants[i].path,
				      share_system_grants[i].access, false,
				      share_system_grants[i].optional);
	if (r == 0)
		r = grants_add_system(&pol.grants, binary, GRANT_RX, false, false);
	/* The shared directory, from the descriptor the check opened, at
	 * SHARE_BOX_PATH: a read-only bind mount (and Landlock rule) for
	 * readonly = yes, so the kernel refuses the guest's writes whatever
	 * virtiofsd does. */
	if (r == 0)
		r = grants_add_fd(&pol.grants, SHARE_BOX_PATH, dir_fd,
				  readonly ? GRANT_RO : GRANT_RW, false);
	if (r < 0) {
		sandbox_policy_clear(&pol);
		return r;
	}
	pol.namespaces = true;
	pol.netns = true;               /* no network at all */
	pol.landlock_handle_net = true;
	pol.landlock_scope = true;      /* no abstract sockets, no signals out */
	pol.seccomp.fs_server = true;   /* chroot, setresuid/setresgid */
	pol.userns_root = true;
	pol.keep_caps = CAP(CAP_CHOWN) | CAP(CAP_DAC_OVERRIDE) | CAP(CAP_FOWNER) |
			CAP(CAP_FSETID) | CAP(CAP_SETGID) | CAP(CAP_SETUID) |
			CAP(CAP_MKNOD) | CAP(CAP_SETFCAP) | CAP(CAP_SYS_CHROOT) |
			CAP(CAP_SETPCAP);
	*ret = pol;
	return 0;
}
