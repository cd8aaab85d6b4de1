// SPDX-License-Identifier: GPL-2.0-or-later
/* QEMU's box, its side effects: sandbox_apply; see sandbox.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "mount.h"
#include "sandbox.h"

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Closes every fd but 0, 1, 2 and keep_fds; reopens 0-2 on /dev/null if
 * closed (so QEMU's first open() never becomes its stdout). The kept
 * descriptors lose FD_CLOEXEC (handed to QEMU), but for own_fd, one of
 * them that is ours until the exec and stays close-on-exec. */
static int close_fds(const int *keep_fds, size_t n, int own_fd)
{
	_cleanup_free_ int *keep = NULL;
	unsigned lo = 3;

	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int nfd = open("/dev/null", O_RDWR); /* no CLOEXEC: for QEMU */
			if (nfd < 0)
				return -errno;
			if (nfd != fd)
				return -EBADF;
		}
	}
	keep = calloc(n ? n : 1, sizeof(int));
	if (!keep)
		return -ENOMEM;
	memcpy(keep, keep_fds, n * sizeof(int));
	qsort(keep, n, sizeof(int), cmp_int);
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 3)
			continue;
		if ((unsigned)keep[i] > lo &&
		    close_range(lo, (unsigned)keep[i] - 1, 0) < 0)
			return -errno;
		/* Handed to QEMU on purpose: survives execve. */
		if (keep[i] != own_fd && fcntl(keep[i], F_SETFD, 0) < 0)
			return -errno;
		lo = (unsigned)keep[i] + 1;
	}
	if (close_range(lo, ~0U, 0) < 0)
		return -errno;
	return 0;
}

static int set_env(const struct sandbox_policy *pol)
{
	if (clearenv() != 0)
		return -ENOMEM;
	for (size_t i = 0; i < pol->env.n; i++)
		/* putenv keeps the pointer: the policy lives until execve. */
		if (putenv(pol->env.v[i]) != 0)
			return -errno;
	return 0;
}

static int set_rlimits(const struct sandbox_policy *pol)
{
	/* Core dumps off, hard limit too so QEMU cannot turn them back on:
	 * a core file holds guest memory (disk keys, passwords). */
	struct rlimit core = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &core) < 0)
		return -errno;
	if (pol->memlock_bytes > 0) {
		/* VFIO pins all guest RAM (+ the memlock module's margin):
		 * set both limits to exactly that; raising the hard limit
		 * above the current one fails with EPERM, reported as is
		 * (the check stage says how to fix the limits). */
		struct rlimit ml = { pol->memlock_bytes, pol->memlock_bytes };
		if (setrlimit(RLIMIT_MEMLOCK, &ml) < 0)
			return -errno;
	}
	return 0;
}

static int drop_caps(uint64_t keep)
{
	/* capget/capset (capabilities(7), version 3: two 32-bit words a
	 * set) rather than libcap-ng, whose library constructor alone makes
	 * ~45 prctl probes and reads /proc/sys/kernel/cap_last_cap in every
	 * command (issue 15). */
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	_cleanup_close_ int fd = -1;
	char status[16384];
	uint64_t caps[4];
	size_t len = 0;

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	/* Clearing the bounding set needs CAP_SETPCAP: a normal user never
	 * has it and then keeps a full bounding set, which no_new_privs
	 * makes harmless (nothing can be gained on execve). Every
	 * capability up to the first the kernel does not know (EINVAL),
	 * but keep (a helper's policy, never QEMU's): over the box's own
	 * user namespace only, as the namespace's creator holds them. */
	if (data[CAP_TO_INDEX(CAP_SETPCAP)].effective & CAP_TO_MASK(CAP_SETPCAP)) {
		for (int c = 0;; c++) {
			if (c < 64 && (keep & (1ULL << c)))
				continue;
			if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == 0)
				continue;
			if (errno == EINVAL)
				break; /* past the last capability */
			return -errno;
		}
	}
	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (uint32_t)keep;
	data[1].effective = data[1].permitted = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return -errno;

	/* Trust, but verify: read back what the kernel holds. read(2) into
	 * a buffer until EOF, where stdio's fopen + getdelim added an fstat
	 * and a read per KiB (the text is ~1.5 KiB; procfs's seq_file hands
	 * it over whole when the buffer is larger). */
	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, status + len, sizeof(status) - 1 - len);
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == sizeof(status) - 1)
			return -EIO; /* a text this long is not the status */
	}
	status[len] = '\0';
	if (sandbox_parse_status_caps(status, caps) < 0)
		return -EIO;
	for (size_t i = 0; i < 4; i++)
		if (caps[i] & ~((i == 1 || i == 2) ? keep : 0))
			return -EPERM;
	return 0;
}

int sandbox_apply(const struct sandbox_policy *pol, const int *keep_fds,
		  size_t n_keep_fds, struct sandbox_result *ret)
{
	struct landlock_policy ll = {
		.grants = &pol->grants,
		/* The namespaced box: the sources of the root's bind mounts,
		 * still open (mount.h); NULL otherwise. */
		.sources = box_mount_sources(&pol->grants),
		.handle_net = pol->landlock_handle_net,
		.scope = pol->landlock_scope,
	};
	_cleanup_free_ int *keep = NULL;
	_cleanup_close_ int ruleset = -1;
	int abi, r;

	*ret = (struct sandbox_result){ 0 };
#define STEP(name, expr)                                                       \
	do {                                                                   \
		r = (expr);                                                    \
		if (r < 0) {                                                   \
			ret->failed_step = (name);                             \
			return r;                                              \
		}                                                              \
	} while (0)

	if (pol->mode == SANDBOX_OFF) {
		/* Debugging only (the command layer WARNs loudly): no box,
		 * but the limits are resources, not confinement. */
		STEP("rlimits", set_rlimits(pol));
		/* Untouched but for the descriptors handed in on purpose,
		 * which must survive execve as in the box (close_fds). */
		for (size_t i = 0; i < n_keep_fds; i++)
			if (keep_fds[i] >= 3)
				STEP("keep fds", fcntl(keep_fds[i], F_SETFD, 0) < 0 ? -errno : 0);
		return 0;
	}

	/* 0. Everything that can fail for want of memory or kernel support,
	 *    before anything is changed: the Landlock ABI, the ruleset
	 *    (built from the grants' descriptors while they are open; in
	 *    the namespaced box from the sources of the root's bind mounts,
	 *    and this runs after pivot_root, so what has none, the box's
	 *    own /proc and the symlinks, is opened in the box's root) and
	 *    the seccomp program (built, not loaded). */
	abi = landlock_abi_version();
	if (abi < 0) {
		ret->landlock_err = abi;
		if (pol->mode == SANDBOX_STRICT) {
			ret->failed_step = "landlock (sandbox = strict)";
			return -EOPNOTSUPP;
		}
		abi = 0; /* the command layer WARNs */
	}
	ret->landlock_abi = abi;
	if (abi > 0)
		STEP("landlock", landlock_build(&ll, abi, &ruleset, &ret->failed_path));
	keep = calloc(n_keep_fds + 1, sizeof(int));
	if (!keep)
		STEP("memory", -ENOMEM);
	memcpy(keep, keep_fds, n_keep_fds * sizeof(int));
	keep[n_keep_fds] = ruleset;

	/* 1. File descriptors: only 0, 1, 2 and the ones handed on (the
	 *    single-instance lock), and the ruleset until step 6 (O_CLOEXEC
	 *    from landlock_create_ruleset, left so). First, so that nothing
	 *    later leaks a descriptor into QEMU by accident: the grants'
	 *    O_PATH descriptors and the sources of the box's bind mounts
	 *    (mount.h, box_mount_sources), which lead out of the box's root
	 *    (openat(fd, "..")), and those landlock_build opened, are
	 *    closed here. */
	STEP("close fds", close_fds(keep, n_keep_fds + (ruleset >= 0), ruleset));

	/* 2. Environment: cleared, then the allowlist (sandbox_env_allowed). */
	STEP("environment", set_env(pol));

	/* 3. rlimits: no core dumps; memlock as computed by the check. Before
	 *    dropping capabilities (CAP_SYS_RESOURCE, if any, may be needed
	 *    to raise the hard limit). */
	STEP("rlimits", set_rlimits(pol));

	/* 4. Capabilities: permitted, effective, inheritable, ambient and
	 *    (when allowed) bounding cleared, then verified from
	 *    /proc/self/status. Before no_new_privs and Landlock, which need
	 *    none, and after rlimits, which may. */
	STEP("capabilities", drop_caps(pol->keep_caps));

	/* 5. no_new_privs: execve can never grant privileges again (setuid
	 *    binaries, file capabilities); required by Landlock and by an
	 *    unprivileged seccomp filter. */
	STEP("no_new_privs", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0);

	/* 6. Landlock: filesystem (and TCP, scopes) restricted to what the
	 *    profile names. Before seccomp, whose deny list does not cover
	 *    the Landlock syscalls this step makes. */
	if (abi > 0)
		STEP("landlock", landlock_restrict(ruleset, abi));

	/* 7. seccomp, last: the filter also applies to the exec of QEMU. */
	STEP("seccomp", seccomp_filter_load_builtin(&pol->seccomp));
#undef STEP
	/* The ruleset is close-on-exec: the exec (or the exit of a child
	 * whose exec failed) closes it, a close(2) less. */
	ruleset = -1;
	return 0;
}
