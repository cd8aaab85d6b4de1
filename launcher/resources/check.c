// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The check stage: every resource's check, in the table's order
 * (resources.c), then the sandbox line. Each check adds its findings and
 * never stops the others.
 */
#include "check.h"
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "landlock.h"
#include "paths.h"
#include "resource.h"

void check_ctx_init(struct check_ctx *ctx)
{
	*ctx = (struct check_ctx){
		.sysfs = "/sys",
		.devfs = "/dev",
		.procfs = "/proc",
		.accel = ACCEL_AUTO,
		.kvm_vm = -1,
	};
}

void check_ctx_clear(struct check_ctx *ctx)
{
	free(ctx->qemu_path);
	free(ctx->audio_server);
	free(ctx->usb);
	smbios_host_clear(&ctx->smbios);
	check_ctx_clear_kept(ctx);
	check_ctx_drop_kvm_vm(ctx);
	ctx->qemu_path = NULL;
	ctx->audio_server = NULL;
	ctx->usb = NULL;
}

void check_ctx_drop_kvm_vm(struct check_ctx *ctx)
{
	if (ctx->kvm_vm_kept)
		close(ctx->kvm_vm);
	ctx->kvm_vm_kept = false;
	ctx->kvm_vm = -1;
}

void check_ctx_clear_kept(struct check_ctx *ctx)
{
	for (size_t i = 0; i < RESOURCES_MAX; i++)
		grants_clear(&ctx->kept[i]);
}

int check_open_path(const char *path, bool follow, struct stat *ret_st)
{
	struct stat st;
	int fd;

	fd = open(path, O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return -errno;
	/* O_PATH|O_NOFOLLOW opens a symlink itself rather than failing. */
	if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode)) {
		int r = S_ISLNK(st.st_mode) ? -ELOOP : -errno;
		close(fd);
		return r;
	}
	if (ret_st)
		*ret_st = st;
	return fd;
}

int check_ctx_keep(struct check_ctx *ctx, const char *path, int fd,
		   enum grant_access access, bool dev)
{
	size_t i = ctx->current < RESOURCES_MAX ? ctx->current : 0;
	int r = grants_add_fd(&ctx->kept[i], path, fd, access, dev);

	if (r == -ENOMEM) {
		fputs("vfio-launch: out of memory\n", stderr);
		abort();
	}
	return r;
}

int check_ctx_keep_path(struct check_ctx *ctx, const char *path, const struct stat *st,
			enum grant_access access, bool dev, bool follow)
{
	struct stat now;
	_cleanup_close_ int fd = check_open_path(path, follow, &now);

	if (fd < 0)
		return fd;
	if (st && (now.st_dev != st->st_dev || now.st_ino != st->st_ino))
		return -ESTALE;
	return check_ctx_keep(ctx, path, fd, access, dev);
}

const struct grant *check_ctx_kept(const struct check_ctx *ctx, const char *path)
{
	for (size_t i = 0; i < RESOURCES_MAX; i++) {
		const struct grant *g = grants_find(&ctx->kept[i], path);
		if (g)
			return g;
	}
	return NULL;
}

size_t check_ctx_n_kept(const struct check_ctx *ctx)
{
	size_t n = 0;

	for (size_t i = 0; i < RESOURCES_MAX; i++)
		n += ctx->kept[i].n;
	return n;
}

/*
 * Opens path as the check's object (check_open_path) and tests that it is
 * a regular file the user can read: opened for reading again through that
 * descriptor (/proc/self/fd/N, proc(5)), so what is tested is the object
 * looked at and path is resolved once; without /proc, through path, and
 * compared with the first (same st_dev, st_ino). Returns the O_PATH
 * descriptor or -errno: -EISDIR for anything but a regular file, -ELOOP
 * for a symlink not followed, -ESTALE when the path changed in between.
 */
static int readable_file(const char *path, bool follow)
{
	_cleanup_close_ int opath = -1, fd = -1;
	struct stat st, st2;
	char self[32];

	opath = check_open_path(path, follow, &st);
	if (opath < 0)
		return opath;
	if (!S_ISREG(st.st_mode))
		return -EISDIR;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", opath);
	fd = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd >= 0)
		return steal_fd(&opath);
	if (errno != ENOENT)
		return -errno;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (follow ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st2) < 0)
		return -errno;
	if (st2.st_dev != st.st_dev || st2.st_ino != st.st_ino)
		return -ESTALE;
	return steal_fd(&opath);
}

void check_file(struct check_ctx *ctx, struct findings *f, const char *resource,
		const char *path, const char *fix, bool for_qemu)
{
	/* Packaged firmware may be a link within its package's directory
	 * (Debian 12 ovmf: OVMF_CODE_4M.ms.fd -> OVMF_CODE_4M.secboot.fd);
	 * /usr/share belongs to root. */
	_cleanup_close_ int fd = readable_file(path, startswith(path, "/usr/share/"));

	if (fd < 0) {
		finding_fail(f, resource,
			     fd == -ELOOP ? "name the file itself, not a symbolic link to it" : fix,
			     "%s: %s", path,
			     fd == -EISDIR  ? "not a regular file"
			     : fd == -ELOOP ? "a symbolic link (QEMU is given only what the check "
					      "looked at, and a link may point elsewhere later)"
					    : strerror(-fd));
		return;
	}
	if (for_qemu)
		(void)check_ctx_keep(ctx, path, fd, GRANT_RO, false);
	finding_pass(f, resource, "%s is readable", path);
}

/* What `run` will confine QEMU with (sandbox.c): FAIL where run would
 * refuse to start (sandbox = strict without Landlock), WARN where QEMU
 * would be less confined than the README's "Security model" says. */
static void sandbox_check(const struct profile *p, struct findings *f)
{
	char fix[PATH_MAX + 256];
	int abi;

	if (p->sandbox == SANDBOX_OFF) {
		snprintf(fix, sizeof(fix), "remove sandbox = off from %s", p->file);
		finding_warn(f, "sandbox", fix,
			     "sandbox = off: QEMU would run without the box (no seccomp, no "
			     "Landlock, no -sandbox); for debugging only");
		return;
	}
	abi = landlock_abi_version();
	if (abi > 0) {
		finding_pass(f, "sandbox", "seccomp, Landlock ABI %d, no capabilities, "
			     "no_new_privs%s", abi,
			     p->sandbox == SANDBOX_STRICT ? " (sandbox = strict)" : "");
	} else if (p->sandbox == SANDBOX_STRICT) {
		snprintf(fix, sizeof(fix), "%s; or set sandbox = on in %s",
			 landlock_missing_fix(abi), p->file);
		finding_fail(f, "sandbox", fix,
			     "the kernel offers no Landlock and sandbox = strict: run would "
			     "not start QEMU");
	} else {
		finding_warn(f, "sandbox", landlock_missing_fix(abi),
			     "the kernel offers no Landlock: QEMU would not be confined to "
			     "the profile's files (seccomp and the rest of the box apply)");
	}
}

void check_profile(const struct profile *p, struct check_ctx *ctx, struct findings *f)
{
	/* Every resource in the table's order; each adds its findings and
	 * never stops the others. */
	for (size_t i = 0; i < resources_n; i++) {
		ctx->current = i;
		if (resources[i]->check)
			resources[i]->check(p, ctx, f);
	}
	ctx->current = 0;
	/* The box itself, which is no resource. */
	sandbox_check(p, f);
	if (!ctx->userns_ahead)
		userns_check(p, ctx->procfs, f);
}

void check_ctx_render_env(const struct check_ctx *ctx, const struct vm_paths *paths,
			  struct render_env *ret_env)
{
	*ret_env = (struct render_env){
		.qemu_path = ctx->qemu_path,
		.paths = paths,
		.accel = ctx->accel,
		.audio_server = ctx->audio_server,
		.audio_disabled = ctx->audio_disabled,
		.usb = ctx->usb,
		.lg_size = ctx->lg_size,
		.uuid = ctx->uuid,
		.smbios = ctx->smbios.found ? &ctx->smbios : NULL,
		.hugepages_path = ctx->hugepages_path[0] ? ctx->hugepages_path : NULL,
		.paused = false,
	};
}
