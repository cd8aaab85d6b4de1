// SPDX-License-Identifier: GPL-2.0-or-later
/* QEMU's box; see sandbox.h. */
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/close_range.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "paths.h"
#include "sandbox.h"

/* ------------------------------------------------------------ pure part */

/*
 * The environment allowlist. Everything else is dropped: the launcher's
 * environment may hold tokens (SSH_AUTH_SOCK, DBUS_SESSION_BUS_ADDRESS,
 * GNUPGHOME, cloud credentials) that a taken-over QEMU must not see, and
 * LD_PRELOAD/LD_LIBRARY_PATH/GCONV_PATH would run code in it.
 *   HOME             libpulse finds its cookie under it (~/.config/pulse)
 *   XDG_RUNTIME_DIR  libpulse's default server socket; QEMU's own files
 *   LANG, LC_*, TZ   messages and the RTC's localtime base
 *   PULSE_SERVER, PULSE_COOKIE, XDG_CONFIG_HOME   only with [audio]
 *     (the server is also passed on QEMU's command line; the cookie may
 *     live under XDG_CONFIG_HOME). PULSE_PROP*, PULSE_RUNTIME_PATH and
 *     PULSE_CLIENTCONFIG are not kept: they can point libpulse at files
 *     outside the box, which Landlock would refuse anyway.
 *   DISPLAY, WAYLAND_DISPLAY, XAUTHORITY, XDG_SESSION_TYPE, GDK_BACKEND,
 *   SDL_VIDEODRIVER  only when the profile enables a display.
 * PATH is not kept: QEMU finds its data files from /proc/self/exe, and
 * spawning helpers is denied (-sandbox spawn=deny).
 */
static const char *const env_always[] = { "HOME", "XDG_RUNTIME_DIR", "LANG",
					  "LANGUAGE", "TZ" };
static const char *const env_audio[] = { "PULSE_SERVER", "PULSE_COOKIE",
					 "XDG_CONFIG_HOME" };
static const char *const env_display[] = { "DISPLAY", "WAYLAND_DISPLAY",
					   "XAUTHORITY", "XDG_SESSION_TYPE",
					   "GDK_BACKEND", "SDL_VIDEODRIVER" };

static bool in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

bool sandbox_env_allowed(const char *name, bool display, bool audio)
{
	if (in_list(name, env_always, ELEMENTSOF(env_always)))
		return true;
	if (startswith(name, "LC_") && name[3])
		return true;
	if (audio && in_list(name, env_audio, ELEMENTSOF(env_audio)))
		return true;
	if (display && in_list(name, env_display, ELEMENTSOF(env_display)))
		return true;
	return false;
}

static const char *env_get(char *const *envp, const char *name)
{
	size_t len = strlen(name);

	for (char *const *e = envp; e && *e; e++)
		if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
			return *e + len + 1;
	return NULL;
}

static int add_rule(struct sandbox_policy *pol, const char *path,
		    enum landlock_class class, bool ioctl_dev, bool optional)
{
	if (!path)
		return 0;
	if (path[0] != '/')
		return -EINVAL;
	if (pol->n_rules == pol->cap_rules) {
		size_t cap = pol->cap_rules ? 2 * pol->cap_rules : 32;
		struct landlock_rule *r = reallocarray(pol->rules, cap, sizeof(*r));
		if (!r)
			return -ENOMEM;
		pol->rules = r;
		pol->cap_rules = cap;
	}
	if (strv_push(&pol->rule_paths, path) < 0)
		return -ENOMEM;
	pol->rules[pol->n_rules++] = (struct landlock_rule){
		.path = pol->rule_paths.v[pol->rule_paths.n - 1],
		.class = class,
		.ioctl_dev = ioctl_dev,
		.optional = optional,
	};
	return 0;
}

static int add_rulef(struct sandbox_policy *pol, enum landlock_class class,
		     bool optional, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int add_rulef(struct sandbox_policy *pol, enum landlock_class class,
		     bool optional, const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	return add_rule(pol, s, class, false, optional);
}

/* System paths every QEMU needs, read-only, found with strace on QEMU 7.2
 * (Debian 12) booting the demo: the binary and its ~60 libraries under
 * /usr (merged /usr: /lib* are links into it), its firmware and option
 * ROMs (/usr/share/qemu, /usr/share/seabios, /usr/share/OVMF), ld.so.cache,
 * localtime, gnutls and libnl config in /etc; sysfs for the CPU/NUMA
 * topology, the nd bus and, with VFIO, the device's sysfs directory
 * (nothing of the user's is in sysfs, and Landlock keeps it read-only). */
static const struct {
	const char *path;
	enum landlock_class class;
	bool optional;
} system_rules[] = {
	{ "/usr", LANDLOCK_RX, false },
	{ "/lib", LANDLOCK_RX, true },
	{ "/lib64", LANDLOCK_RX, true },
	{ "/lib32", LANDLOCK_RX, true },
	{ "/libx32", LANDLOCK_RX, true },
	{ "/bin", LANDLOCK_RX, true },
	{ "/sbin", LANDLOCK_RX, true },
	{ "/etc", LANDLOCK_RO, false },
	{ "/dev/urandom", LANDLOCK_RO, false },
	{ "/dev/random", LANDLOCK_RO, true },
	/* /dev/null is opened O_RDWR by QEMU for -daemonize-less stdio. */
	{ "/dev/null", LANDLOCK_RW, false },
	{ "/dev/zero", LANDLOCK_RW, true },
	{ "/dev/full", LANDLOCK_RW, true },
};

int sandbox_policy_build(const struct profile *p, const struct check_ctx *ctx,
			 const struct vm_paths *paths, char *const *envp,
			 struct sandbox_policy *ret)
{
	struct sandbox_policy pol = { .mode = p->sandbox };
	bool display = p->display != DISPLAY_NONE;
	bool audio = p->audio_backend == AUDIO_PULSE && !ctx->audio_disabled;
	const char *home = env_get(envp, "HOME");
	const char *sysfs = ctx->sysfs ? ctx->sysfs : "/sys";
	const char *procfs = ctx->procfs ? ctx->procfs : "/proc";
	const char *devfs = ctx->devfs ? ctx->devfs : "/dev";
	int r = 0;

	/* Step 2: the environment. */
	for (char *const *e = envp; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		_cleanup_free_ char *name = NULL;

		if (!eq || eq == *e)
			continue;
		name = strndup(*e, (size_t)(eq - *e));
		if (!name) {
			r = -ENOMEM;
			goto fail;
		}
		if (sandbox_env_allowed(name, display, audio) &&
		    strv_push(&pol.env, *e) < 0) {
			r = -ENOMEM;
			goto fail;
		}
	}

	/* Step 3. */
	pol.memlock_bytes = ctx->memlock_bytes;

	/* Step 6: Landlock. System paths first. */
	for (size_t i = 0; i < ELEMENTSOF(system_rules) && r == 0; i++)
		r = add_rule(&pol, system_rules[i].path, system_rules[i].class,
			     false, system_rules[i].optional);
	if (r == 0)
		r = add_rule(&pol, sysfs, LANDLOCK_RO, false, false);
	/* procfs: only QEMU's own /proc/PID (opened through /proc/self in
	 * the launcher, which becomes QEMU: execve keeps the PID) and the
	 * host-wide files QEMU reads; not other processes' cmdline/environ. */
	if (r == 0)
		r = add_rulef(&pol, LANDLOCK_RO, false, "%s/self", procfs);
	if (r == 0)
		r = add_rulef(&pol, LANDLOCK_RO, true, "%s/filesystems", procfs);
	if (r == 0)
		r = add_rulef(&pol, LANDLOCK_RO, true, "%s/meminfo", procfs);
	if (r == 0)
		r = add_rulef(&pol, LANDLOCK_RO, true, "%s/cpuinfo", procfs);
	if (r == 0)
		r = add_rulef(&pol, LANDLOCK_RO, true, "%s/sys/vm/overcommit_memory",
			      procfs);

	/* The QEMU binary (it may live outside /usr: a build tree, or the
	 * sandbox probe). */
	if (r == 0 && ctx->qemu_path)
		r = add_rule(&pol, ctx->qemu_path, LANDLOCK_RX, false, false);

	/* What the check stage resolved: device nodes (/dev/vfio/N, USB,
	 * evdev), disks, the ivshmem file (rw); kernel, initrd, firmware,
	 * read-only disks (ro). Device ioctls only on these. */
	for (size_t i = 0; i < ctx->rw_paths.n && r == 0; i++) {
		const char *path = ctx->rw_paths.v[i];
		size_t dl = strlen(devfs);
		bool dev = strncmp(path, devfs, dl) == 0 && path[dl] == '/';
		r = add_rule(&pol, path, LANDLOCK_RW, dev, false);
	}
	for (size_t i = 0; i < ctx->ro_paths.n && r == 0; i++)
		r = add_rule(&pol, ctx->ro_paths.v[i], LANDLOCK_RO, false, false);

	/* And what the profile names itself, so that the box never depends
	 * on another module listing it (Landlock rules are a union: a path
	 * listed twice costs nothing). */
	for (size_t i = 0; i < p->n_disks && r == 0; i++) {
		bool ro = p->disks[i].readonly || p->disks[i].media == DISK_MEDIA_CDROM;
		r = add_rule(&pol, p->disks[i].path, ro ? LANDLOCK_RO : LANDLOCK_RW,
			     !ro, false);
	}
	for (size_t i = 0; i < p->n_evdev && r == 0; i++)
		r = add_rule(&pol, p->evdev[i].path, LANDLOCK_RW, true, false);
	for (size_t i = 0; i < p->n_pci && r == 0; i++)
		r = add_rule(&pol, p->pci[i].romfile, LANDLOCK_RO, false, false);
	if (r == 0 && p->n_pci > 0)
		r = add_rule(&pol, "/dev/vfio/vfio", LANDLOCK_RW, true, false);
	if (r == 0 && ctx->accel == ACCEL_KVM)
		r = add_rule(&pol, "/dev/kvm", LANDLOCK_RW, true, false);
	if (r == 0 && p->lg_enabled)
		r = add_rule(&pol, p->lg_path, LANDLOCK_RW, true, false);
	if (r == 0 && p->hugepages)
		r = add_rule(&pol, "/dev/hugepages", LANDLOCK_RW, false, false);
	if (r == 0 && p->net_mode == NET_TAP)
		r = add_rule(&pol, "/dev/net/tun", LANDLOCK_RW, true, false);
	if (r == 0)
		r = add_rule(&pol, p->kernel, LANDLOCK_RO, false, false);
	if (r == 0)
		r = add_rule(&pol, p->initrd, LANDLOCK_RO, false, false);
	if (r == 0 && p->firmware == FIRMWARE_UEFI)
		r = add_rule(&pol, p->ovmf_code, LANDLOCK_RO, false, false);
	if (r == 0 && paths)
		r = add_rule(&pol, paths->ovmf_vars, LANDLOCK_RW, false, false);
	/* Not the runtime dir: the supervisor makes QEMU's sockets and
	 * hands them in, and the VM's lock file there must stay out of
	 * QEMU's reach (a QEMU that could replace it would let a second run
	 * of the VM start). */

	/* libpulse's cookie (read-only: it may try to write a new one and
	 * copes with the refusal). */
	if (r == 0 && audio) {
		const char *cookie = env_get(envp, "PULSE_COOKIE");
		const char *xdg_config = env_get(envp, "XDG_CONFIG_HOME");

		/* A relative PULSE_COOKIE is libpulse's to resolve (against
		 * its config dir, granted below); it is no error here. */
		if (cookie && cookie[0] == '/')
			r = add_rule(&pol, cookie, LANDLOCK_RO, false, true);
		if (r == 0 && xdg_config && xdg_config[0] == '/')
			r = add_rulef(&pol, LANDLOCK_RO, true, "%s/pulse", xdg_config);
		if (r == 0 && home && home[0] == '/')
			r = add_rulef(&pol, LANDLOCK_RO, true, "%s/.config/pulse", home);
	}
	/* A display: X authority and the GTK/fontconfig settings, read-only. */
	if (r == 0 && display) {
		const char *xauth = env_get(envp, "XAUTHORITY");

		if (xauth && xauth[0] == '/')
			r = add_rule(&pol, xauth, LANDLOCK_RO, false, true);
		if (r == 0 && home && home[0] == '/')
			r = add_rulef(&pol, LANDLOCK_RO, true, "%s/.Xauthority", home);
		if (r == 0 && home && home[0] == '/')
			r = add_rulef(&pol, LANDLOCK_RO, true, "%s/.config/gtk-3.0", home);
		if (r == 0 && home && home[0] == '/')
			r = add_rulef(&pol, LANDLOCK_RO, true, "%s/.cache/fontconfig", home);
	}
	if (r < 0)
		goto fail;

	/* User-mode networking (slirp) connects anywhere on the guest's
	 * behalf: only then are TCP connect/bind left unhandled. */
	pol.landlock_handle_net = p->net_mode != NET_USER;
	/* X11 uses abstract unix sockets (@/tmp/.X11-unix/X0) and GTK may
	 * signal; without a display both are scoped to the box. */
	pol.landlock_scope = !display;

	*ret = pol;
	return 0;
fail:
	sandbox_policy_clear(&pol);
	return r;
}

void sandbox_policy_clear(struct sandbox_policy *pol)
{
	strv_clear(&pol->env);
	strv_clear(&pol->rule_paths);
	free(pol->rules);
	*pol = (struct sandbox_policy){ 0 };
}

int sandbox_parse_status_caps(const char *status, uint64_t ret[4])
{
	static const char *const keys[4] = { "CapInh:", "CapPrm:", "CapEff:",
					     "CapAmb:" };

	for (size_t k = 0; k < 4; k++) {
		const char *line = status;
		bool found = false;

		while (line && *line) {
			if (startswith(line, keys[k])) {
				const char *s = line + strlen(keys[k]);
				char *end;

				while (*s == ' ' || *s == '\t')
					s++;
				errno = 0;
				ret[k] = strtoull(s, &end, 16);
				if (errno || end == s || (*end != '\n' && *end))
					return -EINVAL;
				found = true;
				break;
			}
			line = strchr(line, '\n');
			if (line)
				line++;
		}
		if (!found)
			return -EINVAL;
	}
	return 0;
}

/* ------------------------------------------------------- the side effects */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Closes every fd but 0, 1, 2 and keep_fds; reopens 0-2 on /dev/null if
 * closed (so QEMU's first open() never becomes its stdout). */
static int close_fds(const int *keep_fds, size_t n)
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
		if (fcntl(keep[i], F_SETFD, 0) < 0)
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

static int drop_caps(void)
{
	_cleanup_free_ char *status = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	uint64_t caps[4];
	size_t len = 0;
	bool bounding;

	/* Clearing the bounding set needs CAP_SETPCAP: a normal user never
	 * has it and then keeps a full bounding set, which no_new_privs
	 * makes harmless (nothing can be gained on execve). */
	if (capng_get_caps_process() != 0)
		return -EPERM;
	bounding = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	capng_clear(CAPNG_SELECT_ALL);
	if (capng_apply(bounding ? CAPNG_SELECT_ALL
				 : (CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT)) != 0)
		return -EPERM;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return -errno;

	/* Trust, but verify: read back what the kernel holds. */
	f = fopen("/proc/self/status", "re");
	if (!f)
		return -errno;
	if (getdelim(&status, &len, '\0', f) < 0)
		return -EIO;
	if (sandbox_parse_status_caps(status, caps) < 0)
		return -EIO;
	for (size_t i = 0; i < 4; i++)
		if (caps[i] != 0)
			return -EPERM;
	return 0;
}

int sandbox_apply(const struct sandbox_policy *pol, const int *keep_fds,
		  size_t n_keep_fds, struct sandbox_result *ret)
{
	scmp_filter_ctx _cleanup_seccomp_ filter = NULL;
	struct landlock_policy ll = {
		.rules = pol->rules,
		.n_rules = pol->n_rules,
		.handle_net = pol->landlock_handle_net,
		.scope = pol->landlock_scope,
	};
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
		return 0;
	}

	/* 0. Everything that can fail for want of memory or kernel support,
	 *    before anything is changed: the Landlock ABI and the seccomp
	 *    program (built, not loaded). */
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
	STEP("seccomp (build)", seccomp_filter_build(&pol->seccomp, &filter));

	/* 1. File descriptors: only 0, 1, 2 and the ones handed on (the
	 *    single-instance lock). First, so that nothing later leaks a
	 *    descriptor into QEMU by accident. */
	STEP("close fds", close_fds(keep_fds, n_keep_fds));

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
	STEP("capabilities", drop_caps());

	/* 5. no_new_privs: execve can never grant privileges again (setuid
	 *    binaries, file capabilities); required by Landlock and by an
	 *    unprivileged seccomp filter. */
	STEP("no_new_privs", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0);

	/* 6. Landlock: filesystem (and TCP, scopes) restricted to what the
	 *    profile names. Before seccomp, whose deny list does not cover
	 *    the Landlock syscalls this step makes. */
	if (abi > 0)
		STEP("landlock", landlock_apply(&ll, abi, &ret->failed_path));

	/* 7. seccomp, last: the filter also applies to the exec of QEMU. */
	STEP("seccomp", seccomp_filter_load(filter));
#undef STEP
	return 0;
}
