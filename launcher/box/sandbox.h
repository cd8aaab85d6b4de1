/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The box QEMU runs in (DESIGN.md, pipeline stage 6 "confine"), set up by
 * the launcher just before execve so that it covers QEMU from its first
 * instruction. Two halves, minijail-style:
 *
 *   sandbox_policy_build   pure (sandbox.c): profile x check_ctx x the resources'
 *                          grants x environ -> struct sandbox_policy (what
 *                          to keep, what to allow); unit-tested.
 *   sandbox_apply          the side effects (sandbox_apply.c), in the order the issue and
 *                          STYLE.md fix: close fds, environment, rlimits,
 *                          capabilities, no_new_privs, Landlock, seccomp.
 *
 * QEMU's own -sandbox (rendered by render.c) adds its post-start
 * restrictions on top.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grants.h"
#include "landlock.h"
#include "profile.h"
#include "seccomp_filter.h"
#include "util.h"

struct check_ctx;

struct sandbox_policy {
	enum sandbox_mode mode;  /* SANDBOX_OFF: only rlimits are applied */

	/* Step 2: the environment QEMU gets, "NAME=value" each, picked from
	 * the launcher's by the allowlist in sandbox.c (env_allowed). */
	struct strv env;

	/* Step 3: RLIMIT_MEMLOCK soft and hard limit in bytes (0: leave the
	 * limits as they are: no VFIO); RLIMIT_CORE is always set to 0. */
	uint64_t memlock_bytes;

	/* What the box lets QEMU reach (grants.h): each grant is one bind
	 * mount in the box's root (box.c, mount.c) and one Landlock rule
	 * (step 6), both from the grant's descriptor (the rule from the
	 * mount's source, the same inode: mount.h, box_mount_sources). */
	struct grants grants;

	/* The namespaced box (box.c): true for sandbox = on|strict, false
	 * for reduced (and off). netns: an empty network namespace too;
	 * false only for a box whose program needs the host's network
	 * (vfio-slirp). QEMU's is always empty: its tap, if any, is a
	 * descriptor the launcher opened. */
	bool namespaces;
	bool netns;

	/* A helper that needs capabilities in its own user namespace
	 * (virtiofsd, box/sandbox_share.c): userns_root maps the user to
	 * uid 0 in the box (root's execve keeps the capabilities, which a
	 * non-root execve would drop); keep_caps are the capabilities
	 * (bit CAP_x) left in its permitted, effective and bounding sets
	 * by step 4, over its own namespaces only. 0 and false for QEMU. */
	bool userns_root;
	uint64_t keep_caps;

	bool landlock_handle_net; /* no user-mode network: TCP denied */
	bool landlock_scope;      /* no display: abstract sockets, signals */

	/* Step 7. */
	struct seccomp_options seccomp;
};

/*
 * Builds the policy for profile p as checked into ctx (accel,
 * memlock_bytes) with granted, what the resources grant (made by the
 * caller with resources_grants(); borrowed: its descriptors are
 * duplicated: the VM's paths, such as the runtime dir and the OVMF VARS
 * copy, are among them) and the launcher's environment envp
 * (NULL-terminated). The profile's grants are the descriptors the checks
 * opened (O_PATH), never the paths resolved again; what the session's
 * environment adds (libpulse's configuration, a display) is opened here;
 * system paths are opened by the box itself. Paths under ctx->sysfs/devfs/procfs (test trees) are
 * shown in the box at /sys, /dev, /proc. Returns 0 with *ret filled
 * (free with sandbox_policy_clear), -ENOMEM, -EINVAL when a path given
 * is not absolute, or the -errno of opening a path the profile needs
 * (-ENOENT missing, -ELOOP a symlink where none is allowed).
 */
int sandbox_policy_build(const struct profile *p, const struct check_ctx *ctx,
			 const struct grants *granted, char *const *envp,
			 struct sandbox_policy *ret);
void sandbox_policy_clear(struct sandbox_policy *pol);

/*
 * The box of vfio-slirp ([network] mode = user, resources/network.c): the
 * system paths (libraries), /etc/resolv.conf and binary, nothing of the
 * user's; the host's network namespace, AF_INET/AF_INET6 sockets and
 * unhandled Landlock TCP (it connects and listens for the guest); the
 * same seccomp filter and namespaces as QEMU's otherwise (p->sandbox).
 * Returns 0 with *ret filled (sandbox_policy_clear), -ENOMEM, or the
 * -errno of a missing binary.
 */
int sandbox_policy_build_slirp(const struct profile *p, const char *binary,
			       struct sandbox_policy *ret);

/*
 * Appends the system paths every box is granted (libraries, the dynamic
 * loader's and glibc's configuration, /dev/null and friends, the CPU
 * topology: sandbox.c's table), each with fd -1 (the box opens them
 * itself), to g: the first grants of every policy built here.
 * Returns 0 or -ENOMEM (g then holds those appended so far).
 */
int sandbox_system_grants(struct grants *g);

/* true when the environment variable NAME (no '=') may reach QEMU;
 * display says whether the profile enables a display, audio whether it
 * has PulseAudio. Pure; exposed for the unit test. */
bool sandbox_env_allowed(const char *name, bool display, bool audio);

/*
 * Parses the CapInh, CapPrm, CapEff and CapAmb lines of a
 * /proc/PID/status text into ret[0..3]. Returns 0, or -EINVAL when one
 * is missing or malformed. Pure.
 */
int sandbox_parse_status_caps(const char *status, uint64_t ret[4]);

/* What sandbox_apply did, for the command layer to log. */
struct sandbox_result {
	int landlock_abi;        /* 0: Landlock unavailable (WARN); else ABI */
	int landlock_err;        /* landlock_abi 0: landlock_abi_version()'s -errno */
	const char *failed_step; /* on error: "close fds", "landlock", ... */
	const char *failed_path; /* on a Landlock or mount error: the path */
};

/*
 * Confines the calling process in the order documented in sandbox_apply.c.
 * keep_fds are descriptors (besides 0, 1, 2) handed to QEMU on purpose,
 * such as the single-instance lock; their FD_CLOEXEC is cleared. The
 * environment is replaced (environ) so a following execv() passes it.
 * Returns 0, or -errno on the first failing step (ret->failed_step says
 * which): the process is then partly confined and must not exec QEMU,
 * only exit (fail closed). -EOPNOTSUPP: no Landlock and sandbox =
 * strict. For SANDBOX_OFF only the rlimits are set.
 */
int sandbox_apply(const struct sandbox_policy *pol, const int *keep_fds,
		  size_t n_keep_fds, struct sandbox_result *ret);
