// SPDX-License-Identifier: GPL-2.0-or-later
/* What a profile may not widen in silence; see trust.h. */
#include "trust.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "findings.h"
#include "profile.h"
#include "util.h"

/* path is dir itself or below it (dir without a trailing slash). */
static const char *below(const char *path, const char *dir)
{
	size_t l;

	if (!dir || dir[0] != '/')
		return NULL;
	l = strlen(dir);
	while (l > 1 && dir[l - 1] == '/')
		l--;
	if (strncmp(path, dir, l) != 0 || (path[l] != '/' && path[l] != '\0'))
		return NULL;
	return path + l; /* "" or "/rest" */
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Some component of rel ("/a/b") starts with '.'. */
static bool has_dot_component(const char *rel)
{
	for (const char *c = rel; *c; c++)
		if (c[0] == '/' && c[1] == '.')
			return true;
	return false;
}

const char *trust_path_unusual(const char *path, const char *home, const char *runtime_dir)
{
	static const struct {
		const char *dir, *why;
	} system_dirs[] = {
		{ "/etc", "under /etc, the host's configuration" },
		{ "/proc", "under /proc, other processes' and the kernel's state" },
		{ "/sys", "under /sys, the kernel's devices and settings" },
	};
	const char *rest;

	if (!path || path[0] != '/')
		return "not an absolute path";
	/* "~/vm/../.ssh/x" is classified as the place it names (callers
	 * normalise with trust_path_normalize); left as is, never usual. */
	if (strstr(path, "/./") || strstr(path, "/../") || ends_with(path, "/.") ||
	    ends_with(path, "/.."))
		return "a path with . or .. components";
	rest = below(path, runtime_dir);
	if (rest)
		return "in your runtime directory ($XDG_RUNTIME_DIR), where your session's "
		       "sockets are (bus, agents, other VMs)";
	rest = below(path, home);
	if (rest && has_dot_component(rest))
		return "under a dotfile or dot-directory of your home (keys, shell and "
		       "program settings)";
	for (size_t i = 0; i < ELEMENTSOF(system_dirs); i++)
		if (below(path, system_dirs[i].dir))
			return system_dirs[i].why;
	return NULL;
}

char *trust_path_normalize(const char *path)
{
	size_t len = strlen(path);
	char *out = malloc(len + 2), *o = out;
	const char *c = path;

	if (!out)
		return NULL;
	if (path[0] != '/') {
		memcpy(out, path, len + 1);
		return out;
	}
	*o = '\0';
	while (*c) {
		size_t n;

		c += strspn(c, "/");
		n = strcspn(c, "/");
		if (n == 0)
			break;
		if (n == 1 && c[0] == '.') {
			/* nothing */
		} else if (n == 2 && c[0] == '.' && c[1] == '.') {
			char *slash = strrchr(out, '/');
			if (slash) {
				*slash = '\0';
				o = slash;
			}
		} else {
			*o++ = '/';
			memcpy(o, c, n);
			o += n;
			*o = '\0';
		}
		c += n;
	}
	if (o == out) {
		out[0] = '/';
		out[1] = '\0';
	}
	return out;
}

static int push(struct trust_list *l, const char *why, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int push(struct trust_list *l, const char *why, const char *fmt, ...)
{
	_cleanup_free_ char *what = NULL, *w = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&what, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	w = strdup(why);
	if (!w)
		return -ENOMEM;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct trust_item *v = reallocarray(l->v, cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (struct trust_item){ .what = steal_pointer(&what),
					    .why = steal_pointer(&w) };
	return 0;
}

/* $HOME and the runtime dir as given, and their realpath(3) once one is
 * needed (a path that exists is compared with them): resolved once per
 * list, not once per path. And the last directory a path was in with its
 * realpath: the profile's files share directories (kernel and initrd,
 * OVMF CODE and VARS). Issue 15: each realpath(3) is a readlink(2) per
 * component. */
struct trust_dirs {
	const char *home, *run;
	char *rhome, *rrun;
	bool resolved;
	char *dir, *rdir; /* rdir NULL: dir does not resolve */
};

static void trust_dirs_resolve(struct trust_dirs *d)
{
	if (d->resolved)
		return;
	d->resolved = true;
	d->rhome = d->home ? realpath(d->home, NULL) : NULL;
	d->rrun = d->run ? realpath(d->run, NULL) : NULL;
}

static void trust_dirs_clear(struct trust_dirs *d)
{
	free(d->rhome);
	free(d->rrun);
	free(d->dir);
	free(d->rdir);
	*d = (struct trust_dirs){ 0 };
}

/*
 * realpath(path), with the directory part resolved once for the paths
 * that share it: the real directory, then the last component itself when
 * it is no link (readlink(2) says EINVAL: it exists and is not one). A
 * link, and anything but "/dir/name", takes realpath(3) whole. NULL
 * where realpath(3) fails (errno may differ), or out of memory.
 */
static char *real_path(struct trust_dirs *d, const char *path)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : NULL;
	char *r = NULL, c;

	if (!slash || slash == path || !*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return realpath(path, NULL);
	if (!d->dir || strncmp(d->dir, path, (size_t)(slash - path)) != 0 ||
	    d->dir[slash - path] != '\0') {
		free(d->dir);
		free(d->rdir);
		d->rdir = NULL;
		d->dir = strndup(path, (size_t)(slash - path));
		if (!d->dir)
			return NULL;
		d->rdir = realpath(d->dir, NULL);
	}
	if (!d->rdir)
		return NULL; /* path's directory does not resolve: neither does path */
	if (readlink(path, &c, 1) >= 0)
		return realpath(path, NULL); /* a link: where it leads */
	if (errno != EINVAL)
		return NULL;
	if (asprintf(&r, "%s/%s", strcmp(d->rdir, "/") == 0 ? "" : d->rdir, base) < 0)
		return NULL;
	return r;
}

/* Lists path (the value of key) when it is unusual as written (".."
 * resolved as it reads) or where it really leads: a directory on the way
 * may be a link (a downloaded bundle's "data -> ~/.ssh"), which the
 * O_NOFOLLOW of the checks does not see. The real path is compared with
 * the real $HOME and runtime dir. */
static int check_path(struct trust_list *l, const struct profile *p, unsigned line,
		      const char *key, const char *path, struct trust_dirs *d)
{
	_cleanup_free_ char *norm = NULL, *real = NULL;
	const char *why;

	if (!path)
		return 0;
	norm = trust_path_normalize(path);
	if (!norm)
		return -ENOMEM;
	why = trust_path_unusual(norm, d->home, d->run);
	if (!why && (real = real_path(d, path))) {
		trust_dirs_resolve(d);
		why = trust_path_unusual(real, d->rhome ? d->rhome : d->home,
					 d->rrun ? d->rrun : d->run);
	}
	if (!why)
		return 0;
	if (line)
		return push(l, why, "%s:%u: %s %s", p->file, line, key, path);
	return push(l, why, "%s: %s %s", p->file, key, path);
}

/* Flags that take no value and open nothing: the only [qemu] extra
 * options that cannot widen the box (QEMU 7.2 qemu-options.hx). */
static bool extra_harmless(const char *arg)
{
	return strcmp(arg, "-no-reboot") == 0 || strcmp(arg, "-no-shutdown") == 0;
}

#define TRY_PUSH(expr)                                                         \
	do {                                                                   \
		int _r = (expr);                                               \
		if (_r < 0)                                                    \
			return _r;                                             \
	} while (0)

static int list_build(const struct profile *p, struct trust_dirs *dirs, struct trust_list *ret)
{
	if (p->sandbox == SANDBOX_OFF)
		TRY_PUSH(push(ret, "QEMU runs without the box: no namespaces, seccomp or Landlock",
			      "%s: sandbox = off", p->file));
	else if (p->sandbox == SANDBOX_REDUCED)
		TRY_PUSH(push(ret, "QEMU runs without namespaces: it sees the host's sockets, "
			      "processes and network",
			      "%s: sandbox = reduced", p->file));
	TRY_PUSH(check_path(ret, p, 0, "kernel =", p->kernel, dirs));
	TRY_PUSH(check_path(ret, p, 0, "initrd =", p->initrd, dirs));
	if (p->firmware == FIRMWARE_UEFI) {
		TRY_PUSH(check_path(ret, p, 0, "ovmf-code =", p->ovmf_code, dirs));
		/* The template is copied into the VARS file QEMU writes. */
		TRY_PUSH(check_path(ret, p, 0, "ovmf-vars =", p->ovmf_vars, dirs));
	}
	for (size_t i = 0; i < p->n_pci; i++)
		TRY_PUSH(check_path(ret, p, p->pci[i].line, "romfile=", p->pci[i].romfile, dirs));
	for (size_t i = 0; i < p->n_disks; i++) {
		const struct disk_item *d = &p->disks[i];
		_cleanup_free_ char *key = NULL;

		if (asprintf(&key, "[disk %s] path =", d->name ? d->name : "") < 0)
			return -ENOMEM;
		TRY_PUSH(check_path(ret, p, d->line, key, d->path, dirs));
	}
	/* [share NAME] (issue 13): a foreign profile sharing ~/.ssh. */
	for (size_t i = 0; i < p->n_shares; i++) {
		const struct share_item *sh = &p->shares[i];
		_cleanup_free_ char *key = NULL;

		if (asprintf(&key, "[share %s] path =", sh->name) < 0)
			return -ENOMEM;
		TRY_PUSH(check_path(ret, p, sh->line, key, sh->path, dirs));
	}
	/* [audio] server = is not listed: it stays outside the box, only
	 * the supervisor's filtering proxy talks to it
	 * (supervisor/audio_proxy.h). */
	if (p->lg_enabled)
		TRY_PUSH(check_path(ret, p, p->line_lg, "[looking-glass] path =", p->lg_path,
				    dirs));
	for (size_t i = 0; i < p->n_evdev; i++)
		TRY_PUSH(check_path(ret, p, p->evdev[i].line, "evdev =", p->evdev[i].path, dirs));
	/* The default name found in $PATH is no choice of the profile's. */
	if (p->qemu_binary && strcmp(p->qemu_binary, "qemu-system-x86_64") != 0)
		TRY_PUSH(push(ret, "QEMU's place is taken by this program, which runs with "
			      "every grant of the box",
			      "%s: [qemu] binary = %s", p->file, p->qemu_binary));
	/* One entry per option: "-chardev socket,path=/x" is one thing to
	 * trust, not two (an option is a word starting with '-' and the
	 * words after it up to the next such word). */
	for (size_t i = 0, j; i < p->n_qemu_extra; i = j) {
		_cleanup_free_ char *opt = strdup(p->qemu_extra[i]);

		if (!opt)
			return -ENOMEM;
		for (j = i + 1; j < p->n_qemu_extra && p->qemu_extra[j][0] != '-'; j++) {
			char *s;
			if (asprintf(&s, "%s %s", opt, p->qemu_extra[j]) < 0)
				return -ENOMEM;
			free(opt);
			opt = s;
		}
		if (j == i + 1 && extra_harmless(opt))
			continue;
		TRY_PUSH(push(ret, "an option the launcher does not check: it may open "
			      "files, sockets or devices",
			      "%s: [qemu] extra %s", p->file, opt));
	}
	return 0;
}

int trust_list_build(const struct profile *p, const char *home, const char *runtime_dir,
		     struct trust_list *ret)
{
	struct trust_dirs d = { .home = home, .run = runtime_dir };
	int r = list_build(p, &d, ret);

	trust_dirs_clear(&d);
	return r;
}

void trust_list_clear(struct trust_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].what);
		free(l->v[i].why);
	}
	free(l->v);
	*l = (struct trust_list){ 0 };
}

bool trust_granted(const struct profile *p, bool flag)
{
	return flag || p->trusted;
}

int trust_check(const struct profile *p, bool flag, struct findings *f)
{
	struct trust_list l = { 0 };
	bool ok = trust_granted(p, flag);
	_cleanup_free_ char *fix = NULL;
	int r;

	r = trust_list_build(p, getenv("HOME"), getenv("XDG_RUNTIME_DIR"), &l);
	if (r < 0)
		return r;
	if (asprintf(&fix,
		     "if you trust whoever wrote %s: vfio-launch run --trust-profile, or "
		     "trusted = yes in its [vm] section; otherwise remove it",
		     p->file) < 0) {
		trust_list_clear(&l);
		return -ENOMEM;
	}
	for (size_t i = 0; i < l.n; i++) {
		if (ok)
			finding_warn(f, "trust", NULL, "%s: %s (trusted: %s)", l.v[i].what,
				     l.v[i].why,
				     flag ? "--trust-profile" : "trusted = yes");
		else
			finding_fail(f, "trust", fix,
				     "%s: %s; run refuses it without your consent", l.v[i].what,
				     l.v[i].why);
	}
	r = (int)l.n;
	trust_list_clear(&l);
	return r;
}
