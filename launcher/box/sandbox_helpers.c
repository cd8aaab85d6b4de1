// SPDX-License-Identifier: GPL-2.0-or-later
/* The helper programs' boxes; see sandbox_helpers.h. */
#include "sandbox_helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "cleanup.h"

struct system_grant {
	const char *path;
	enum grant_access access;
	bool optional;
};

/* What swtpm 0.7.1 (Debian 12) opens, found with strace on a run serving
 * QEMU 7.2 (`swtpm socket --tpm2 --ctrl type=unixio,clientfd=N`): its
 * libraries under /usr (libtpms, libcrypto, libseccomp; merged /usr:
 * /lib* are links into it), ld.so's cache, then only its state dir.
 * libtpms draws its randomness from OpenSSL's RAND (getrandom(2)); the
 * device is granted in case a build falls back to it. */
static const struct system_grant swtpm_grants[] = {
	{ "/usr", GRANT_RX, false },
	{ "/lib", GRANT_RX, true },
	{ "/lib64", GRANT_RX, true },
	{ "/lib32", GRANT_RX, true },
	{ "/libx32", GRANT_RX, true },
	{ "/bin", GRANT_RX, true },
	{ "/etc/ld.so.cache", GRANT_RO, true },
	{ "/etc/ld.so.conf", GRANT_RO, true },
	{ "/etc/ld.so.conf.d", GRANT_RO, true },
	{ "/dev/urandom", GRANT_RO, true },
	{ "/dev/null", GRANT_RW, false },
};

/* What swtpm_setup 0.7.1 adds (strace): getpwuid() for its "as USER"
 * line (NSS: nsswitch.conf, passwd, group), the time zone for its
 * timestamps. It starts swtpm itself (/usr/bin, above) and keeps its pid
 * file in /tmp (the box's own tmpfs). */
static const struct system_grant swtpm_setup_grants[] = {
	{ "/etc/nsswitch.conf", GRANT_RO, true },
	{ "/etc/passwd", GRANT_RO, true },
	{ "/etc/group", GRANT_RO, true },
	{ "/etc/localtime", GRANT_RO, true },
};

static int add_system(struct grants *g, const struct system_grant *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int r = grants_add_system(g, v[i].path, v[i].access, false, v[i].optional);
		if (r < 0)
			return r;
	}
	return 0;
}

int sandbox_policy_build_swtpm(const struct profile *p, const char *binary,
			       const char *state_dir, bool setup,
			       struct sandbox_policy *ret)
{
	struct sandbox_policy pol = { .mode = p->sandbox };
	int r;

	r = add_system(&pol.grants, swtpm_grants, ELEMENTSOF(swtpm_grants));
	if (r == 0 && setup)
		r = add_system(&pol.grants, swtpm_setup_grants, ELEMENTSOF(swtpm_setup_grants));
	if (r == 0)
		r = grants_add_system(&pol.grants, binary, GRANT_RX, false, false);
	/* The state: opened now, with no link followed (a link planted in
	 * the state dir cannot send the TPM's writes elsewhere). swtpm_setup
	 * 0.7.1 keeps the pid file of the swtpm it starts in a fixed
	 * "/tmp/.swtpm_setup.pidfile.XXXXXX" (swtpm_setup.c; $TMPDIR is not
	 * read), and Landlock refuses the box's private /tmp (no grant): so
	 * in its box the new state dir itself is /tmp, where the caller
	 * names it (--tpmstate /tmp); it removes the pid file itself.
	 * Without namespaces (sandbox = reduced, off) there is no root of
	 * its own to show it there: the state keeps its path and the
	 * host's /tmp is granted (Landlock, reduced) for the pid file. */
	pol.namespaces = p->sandbox == SANDBOX_ON || p->sandbox == SANDBOX_STRICT;
	if (r == 0) {
		int fd = open(state_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		r = state_dir[0] != '/' ? -EINVAL : fd < 0 ? -errno : 0;
		if (r == 0)
			r = grants_add_fd(&pol.grants, setup && pol.namespaces ? "/tmp" : state_dir,
					  fd, GRANT_RW, false);
		if (fd >= 0)
			close(fd);
	}
	if (r == 0 && setup && !pol.namespaces)
		r = grants_add_system(&pol.grants, "/tmp", GRANT_RW, false, false);
	if (r < 0) {
		sandbox_policy_clear(&pol);
		return r;
	}
	/* No other environment: swtpm reads none it needs (TPM_PATH is
	 * replaced by --tpmstate); swtpm_setup, with no PATH, is given
	 * swtpm's path (--tpm) and its configuration (--config). */
	pol.netns = true;               /* its one socket is handed in */
	pol.landlock_handle_net = true; /* no TCP */
	pol.seccomp.allow_inet = false; /* AF_UNIX only */
	pol.landlock_scope = true;      /* no abstract sockets, no signals out */
	*ret = pol;
	return 0;
}
