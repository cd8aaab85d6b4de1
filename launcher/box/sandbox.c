// SPDX-License-Identifier: GPL-2.0-or-later
/* QEMU's box; see sandbox.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "display_session.h"
#include "mount.h"
#include "paths.h"
#include "sandbox.h"

/* ------------------------------------------------------------ pure part */

/*
 * The environment allowlist. Everything else is dropped: the launcher's
 * environment may hold tokens (SSH_AUTH_SOCK, DBUS_SESSION_BUS_ADDRESS,
 * GNUPGHOME, cloud credentials) that a taken-over QEMU must not see, and
 * LD_PRELOAD/LD_LIBRARY_PATH/GCONV_PATH would run code in it.
 *   HOME             libraries look up per-user settings under it
 *   XDG_RUNTIME_DIR  libpulse's default server socket; QEMU's own files
 *   LANG, LC_*, TZ   messages and the RTC's localtime base
 *   PULSE_SERVER, PULSE_COOKIE, XDG_CONFIG_HOME   only with [audio]
 *     (the server is also passed on QEMU's command line; the cookie may
 *     live under XDG_CONFIG_HOME). PULSE_PROP*, PULSE_RUNTIME_PATH and
 *     PULSE_CLIENTCONFIG are not kept: they can point libpulse at files
 *     outside the box, which Landlock would refuse anyway.
 *   DISPLAY, WAYLAND_DISPLAY, XAUTHORITY, XDG_SESSION_TYPE  only when the
 *     profile opens a window (gtk, sdl), and only those of the one display
 *     server it goes to (display_session.h, display_target_pick): under Wayland
 *     not DISPLAY, so Xwayland's keystroke hole stays shut; under X11 not
 *     WAYLAND_DISPLAY. GDK_BACKEND and SDL_VIDEODRIVER are set by the box
 *     (display_session_env), never taken from the user.
 * PATH is not kept: QEMU finds its data files from /proc/self/exe, and
 * spawning helpers is denied (-sandbox spawn=deny).
 */
static const char *const env_always[] = { "HOME", "XDG_RUNTIME_DIR", "LANG",
					  "LANGUAGE", "TZ" };
static const char *const env_audio[] = { "PULSE_SERVER", "PULSE_COOKIE",
					 "XDG_CONFIG_HOME" };
static const char *const env_display[] = { "DISPLAY", "WAYLAND_DISPLAY",
					   "XAUTHORITY", "XDG_SESSION_TYPE" };

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

/* The box's view of a host path: a path under one of the check's host
 * trees (ctx->sysfs/devfs/procfs: fake trees in tests) is shown at the
 * real place (/sys, /dev, /proc), so QEMU finds it where it looks. */
struct tree_map {
	const char *host, *box;
};

static char *box_path_of(const struct tree_map *maps, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(maps[i].host);
		if (strcmp(maps[i].host, maps[i].box) != 0 &&
		    strncmp(path, maps[i].host, l) == 0 && (path[l] == '/' || !path[l])) {
			char *s = NULL;
			return asprintf(&s, "%s%s", maps[i].box, path + l) < 0 ? NULL : s;
		}
	}
	return strdup(path);
}

struct builder {
	struct sandbox_policy *pol;
	struct tree_map maps[3];
	const char *devfs, *sysfs;
};

/* Grants path (opened O_PATH now, shown at its box path). Symlinks: only
 * under /dev is the last component followed (a /dev/disk/by-id/ or
 * /dev/input/by-id/ name the profile gives), and in sysfs (the kernel's
 * own links, /sys/bus/pci/devices/BDF); anywhere else a link is
 * refused (-ELOOP), so a profile cannot point a grant elsewhere. An
 * optional path that is missing, a link or unreadable is skipped. */
static int grant(struct builder *b, const char *path, enum grant_access a, bool dev,
		 bool optional)
{
	_cleanup_free_ char *bpath = NULL;
	_cleanup_close_ int fd = -1;
	size_t dl = strlen(b->devfs), sl = strlen(b->sysfs);
	bool follow;
	struct stat st;
	int r;

	if (!path)
		return 0;
	if (path[0] != '/')
		return -EINVAL;
	follow = (strncmp(path, b->devfs, dl) == 0 && path[dl] == '/') ||
		 (strncmp(path, b->sysfs, sl) == 0 && path[sl] == '/');
	bpath = box_path_of(b->maps, ELEMENTSOF(b->maps), path);
	if (!bpath)
		return -ENOMEM;
	fd = open(path, O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	r = fd < 0 ? -errno : 0;
	/* O_PATH|O_NOFOLLOW opens a symlink itself: refuse it. */
	if (r == 0 && (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode)))
		r = -ELOOP;
	if (r == 0)
		r = grants_add_fd(&b->pol->grants, bpath, fd, a, dev);
	if (r < 0 && optional && (r == -ENOENT || r == -ELOOP || r == -EACCES || r == -ENOTDIR))
		return 0;
	return r;
}

static int grantf(struct builder *b, enum grant_access a, bool dev, bool optional,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int grantf(struct builder *b, enum grant_access a, bool dev, bool optional,
		  const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	return grant(b, s, a, dev, optional);
}

/* System paths every QEMU needs, read-only, found with strace on QEMU 7.2
 * (Debian 12) booting the demo: the binary and its ~60 libraries under
 * /usr (merged /usr: /lib* are links into it, recreated as links in the
 * box), its firmware and option ROMs (/usr/share/qemu, /usr/share/seabios,
 * /usr/share/OVMF); in /etc only what the libraries read (ld.so, time
 * zone, NSS for glib's user lookups, gnutls, libnl, libpulse's
 * client.conf, fontconfig and GTK with a display); the CPU and NUMA
 * topology in sysfs (libnuma, glib). The box opens these itself (fd -1):
 * they are the same for every profile and none is the user's. */
static const struct {
	const char *path;
	enum grant_access access;
	bool optional;
} system_grants[] = {
	{ "/usr", GRANT_RX, false },
	{ "/lib", GRANT_RX, true },
	{ "/lib64", GRANT_RX, true },
	{ "/lib32", GRANT_RX, true },
	{ "/libx32", GRANT_RX, true },
	{ "/bin", GRANT_RX, true },
	{ "/sbin", GRANT_RX, true },
	{ "/etc/ld.so.cache", GRANT_RO, true },
	{ "/etc/ld.so.conf", GRANT_RO, true },
	{ "/etc/ld.so.conf.d", GRANT_RO, true },
	{ "/etc/localtime", GRANT_RO, true },
	{ "/etc/nsswitch.conf", GRANT_RO, true },
	{ "/etc/passwd", GRANT_RO, true },
	{ "/etc/group", GRANT_RO, true },
	{ "/etc/host.conf", GRANT_RO, true },
	{ "/etc/gnutls", GRANT_RO, true },
	{ "/etc/libnl", GRANT_RO, true },
	{ "/etc/pulse", GRANT_RO, true },
	{ "/etc/machine-id", GRANT_RO, true },
	{ "/etc/qemu", GRANT_RO, true },
	{ "/etc/fonts", GRANT_RO, true },
	{ "/etc/gtk-3.0", GRANT_RO, true },
	{ "/etc/xdg", GRANT_RO, true },
	{ "/etc/alternatives", GRANT_RO, true },
	{ "/dev/urandom", GRANT_RO, false },
	{ "/dev/random", GRANT_RO, true },
	/* /dev/null is opened O_RDWR by QEMU for -daemonize-less stdio. */
	{ "/dev/null", GRANT_RW, false },
	{ "/dev/zero", GRANT_RW, true },
	{ "/dev/full", GRANT_RW, true },
	{ "/sys/devices/system/cpu", GRANT_RO, true },
	{ "/sys/devices/system/node", GRANT_RO, true },
};

/* Where the /proc grants point: the box mounts a procfs of its own PID
 * namespace (mount.c) rather than binding these; in the reduced box
 * they are Landlock rules on the host's /proc. */
static int grant_proc(struct builder *b, const char *procfs)
{
	static const char *const files[] = { "filesystems", "meminfo", "cpuinfo",
					     "sys/vm/overcommit_memory" };
	_cleanup_free_ char *self = NULL;
	int r;

	/* Only QEMU's own /proc/PID and the host-wide files QEMU reads;
	 * not other processes' cmdline/environ. System grants (opened by
	 * the box, after pivot_root: its own /proc). */
	if (asprintf(&self, "%s/self", procfs) < 0)
		return -ENOMEM;
	r = grants_add_system(&b->pol->grants, self, GRANT_RO, false, false);
	for (size_t i = 0; i < ELEMENTSOF(files) && r == 0; i++) {
		_cleanup_free_ char *f = NULL;
		if (asprintf(&f, "%s/%s", procfs, files[i]) < 0)
			return -ENOMEM;
		r = grants_add_system(&b->pol->grants, f, GRANT_RO, false, true);
	}
	return r;
}

/* What the profile names: the resources' grants (resource.h,
 * resources_grants, made by the caller): the descriptors their checks
 * opened, what the prepare stage made, the device paths a resource
 * needs; each shown at its box path. The box learns nothing else from
 * the checks.
 * ---- issue 9, parts 4 and 6: made by the resources, read as data. ---- */
static int grant_profile(struct builder *b, const struct grants *g)
{
	int r = 0;

	for (size_t i = 0; i < g->n && r == 0; i++) {
		const struct grant *gr = &g->v[i];
		_cleanup_free_ char *bpath = box_path_of(b->maps, ELEMENTSOF(b->maps), gr->path);

		if (!bpath)
			r = -ENOMEM;
		else if (gr->fd >= 0)
			r = grants_add_fd(&b->pol->grants, bpath, gr->fd, gr->access, gr->dev);
		else
			r = grants_add_system(&b->pol->grants, bpath, gr->access, gr->dev,
					      gr->optional);
	}
	return r;
}

/* What the user's session adds, from the environment rather than the
 * profile: a window's X authority and the GTK/fontconfig settings,
 * read-only, all optional. The display server's one socket is the
 * display resource's grant (kept by its check, display.c). */
static int grant_session(struct builder *b, char *const *envp, enum display_session kind)
{
	const char *home = env_get(envp, "HOME");
	int r = 0;

	/* PulseAudio: nothing of the user's. QEMU's one audio path is the
	 * supervisor's proxy socket (the audio resource's grant); the
	 * server accepts the proxy by its uid, so libpulse's cookie, a
	 * credential, stays out of the box. */
	if (kind == DISPLAY_SESSION_NONE)
		return 0;
	if (kind == DISPLAY_SESSION_X11) {
		const char *xauth = env_get(envp, "XAUTHORITY");

		if (xauth && xauth[0] == '/')
			r = grant(b, xauth, GRANT_RO, false, true);
		if (r == 0 && home && home[0] == '/')
			r = grantf(b, GRANT_RO, false, true, "%s/.Xauthority", home);
	}
	if (r == 0 && home && home[0] == '/')
		r = grantf(b, GRANT_RO, false, true, "%s/.config/gtk-3.0", home);
	if (r == 0 && home && home[0] == '/')
		r = grantf(b, GRANT_RO, false, true, "%s/.cache/fontconfig", home);
	return r;
}

/* Whether the variable name=... of the user's stays out for a window on
 * kind: the other display server's. */
static bool env_other_session(const char *name, enum display_session kind)
{
	if (kind == DISPLAY_SESSION_WAYLAND)
		return strcmp(name, "DISPLAY") == 0 || strcmp(name, "XAUTHORITY") == 0;
	return strcmp(name, "WAYLAND_DISPLAY") == 0;
}
/* ---- end of the profile's and the session's grants ---- */

int sandbox_policy_build(const struct profile *p, const struct check_ctx *ctx,
			 const struct grants *granted, char *const *envp,
			 struct sandbox_policy *ret)
{
	struct sandbox_policy pol = { .mode = p->sandbox };
	/* A window (gtk, sdl) on the user's display server; spice opens
	 * none and needs nothing of the session. */
	bool display = p->display == DISPLAY_GTK || p->display == DISPLAY_SDL;
	struct display_target target = { 0 };
	bool audio = p->audio_backend == AUDIO_PULSE && !ctx->audio_disabled;
	const char *sysfs = ctx->sysfs ? ctx->sysfs : "/sys";
	const char *procfs = ctx->procfs ? ctx->procfs : "/proc";
	const char *devfs = ctx->devfs ? ctx->devfs : "/dev";
	struct builder b = {
		.pol = &pol,
		.maps = { { sysfs, "/sys" }, { devfs, "/dev" }, { procfs, "/proc" } },
		.devfs = devfs,
		.sysfs = sysfs,
	};
	int r = 0;

	if (display && display_target_pick(env_get(envp, "WAYLAND_DISPLAY"),
					   env_get(envp, "XDG_RUNTIME_DIR"),
					   env_get(envp, "DISPLAY"), &target) < 0) {
		r = -ENOMEM;
		goto fail;
	}

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
		    !(display && env_other_session(name, target.kind)) &&
		    strv_push(&pol.env, *e) < 0) {
			r = -ENOMEM;
			goto fail;
		}
	}

	/* GTK and SDL with a display: no accessibility bridge (AT-SPI would
	 * look for, or spawn, its own bus: -sandbox spawn=deny kills QEMU
	 * with SIGSYS) and no session bus (the launcher's address is not
	 * kept; "disabled:" stops GLib's autolaunch too, GLib >= 2.74
	 * gio/gdbusaddress.c). */
	if (display && (strv_push(&pol.env, "NO_AT_BRIDGE=1") < 0 ||
			strv_push(&pol.env, "GTK_A11Y=none") < 0 ||
			strv_push(&pol.env, "DBUS_SESSION_BUS_ADDRESS=disabled:") < 0)) {
		r = -ENOMEM;
		goto fail;
	}
	/* The toolkit's backend pinned to the server the box shows. */
	for (const char *const *v = display_session_env(target.kind); display && *v; v++)
		if (strv_push(&pol.env, *v) < 0) {
			r = -ENOMEM;
			goto fail;
		}

	/* Step 3. */
	pol.memlock_bytes = ctx->memlock_bytes;

	/* The grants: system paths first, then /proc, then the profile's. */
	for (size_t i = 0; i < ELEMENTSOF(system_grants) && r == 0; i++)
		r = grants_add_system(&pol.grants, system_grants[i].path,
				      system_grants[i].access, false,
				      system_grants[i].optional);
	if (r == 0)
		r = grant_proc(&b, procfs);
	if (r == 0)
		r = grant_profile(&b, granted);
	if (r == 0)
		r = grant_session(&b, envp, target.kind);
	if (r < 0)
		goto fail;

	/* The namespaced box for on and strict; reduced (no user
	 * namespaces on this host) and off run without. */
	pol.namespaces = p->sandbox == SANDBOX_ON || p->sandbox == SANDBOX_STRICT;
	/* mode = user is vfio-slirp's (its own box, below), mode = bridge
	 * and tap a descriptor the launcher opened: QEMU keeps an empty
	 * network namespace, no TCP, no socket but AF_UNIX. */
	pol.netns = true;
	pol.landlock_handle_net = true;
	pol.seccomp.allow_inet = false;
	/* X11 uses abstract unix sockets (@/tmp/.X11-unix/X0) and GTK may
	 * signal; otherwise (Wayland, spice, none) both are scoped to the
	 * box. */
	pol.landlock_scope = target.kind != DISPLAY_SESSION_X11;

	display_target_clear(&target);
	*ret = pol;
	return 0;
fail:
	display_target_clear(&target);
	sandbox_policy_clear(&pol);
	return r;
}

int sandbox_policy_build_slirp(const struct profile *p, const char *binary,
			       struct sandbox_policy *ret)
{
	struct sandbox_policy pol = { .mode = p->sandbox };
	int r = 0;

	for (size_t i = 0; i < ELEMENTSOF(system_grants) && r == 0; i++)
		r = grants_add_system(&pol.grants, system_grants[i].path,
				      system_grants[i].access, false,
				      system_grants[i].optional);
	/* libslirp answers the guest's DNS by asking the host's resolver
	 * (slirp's get_dns_addr reads /etc/resolv.conf). */
	if (r == 0)
		r = grants_add_system(&pol.grants, "/etc/resolv.conf", GRANT_RO, false, true);
	if (r == 0)
		r = grants_add_system(&pol.grants, binary, GRANT_RX, false, false);
	if (r < 0) {
		sandbox_policy_clear(&pol);
		return r;
	}
	pol.namespaces = p->sandbox == SANDBOX_ON || p->sandbox == SANDBOX_STRICT;
	pol.netns = false;              /* the host's network: its purpose */
	pol.landlock_handle_net = false; /* connects anywhere for the guest */
	pol.seccomp.allow_inet = true;
	pol.landlock_scope = true;
	*ret = pol;
	return 0;
}

void sandbox_policy_clear(struct sandbox_policy *pol)
{
	strv_clear(&pol->env);
	grants_clear(&pol->grants);
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
