// SPDX-License-Identifier: GPL-2.0-or-later
/* QEMU's box; see sandbox.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "cleanup.h"
#include "display_session.h"
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

int sandbox_system_grants(struct grants *g)
{
	int r = 0;

	for (size_t i = 0; i < ELEMENTSOF(system_grants) && r == 0; i++)
		r = grants_add_system(g, system_grants[i].path, system_grants[i].access, false,
				      system_grants[i].optional);
	return r;
}

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
	r = sandbox_system_grants(&pol.grants);
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

	r = sandbox_system_grants(&pol.grants);
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
