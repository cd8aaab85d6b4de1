// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The check stage: every resource's check, in the table's order
 * (resources.c), then the sandbox line. Each check adds its findings and
 * never stops the others.
 */
#include "check.h"

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
	};
}

void check_ctx_clear(struct check_ctx *ctx)
{
	free(ctx->qemu_path);
	free(ctx->audio_server);
	free(ctx->usb);
	strv_clear(&ctx->rw_paths);
	strv_clear(&ctx->ro_paths);
	ctx->qemu_path = NULL;
	ctx->audio_server = NULL;
	ctx->usb = NULL;
}

void check_ctx_add_path(struct check_ctx *ctx, bool writable, const char *path)
{
	struct strv *sv = writable ? &ctx->rw_paths : &ctx->ro_paths;

	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], path) == 0)
			return;
	if (strv_push(sv, path) < 0) {
		fputs("vfio-launch: out of memory\n", stderr);
		abort();
	}
}

/* 0 when path is a regular file we can open for reading, else -errno. */
static int readable_file(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EISDIR;
	return 0;
}

void check_file(struct check_ctx *ctx, struct findings *f, const char *resource,
		const char *path, const char *fix, bool for_qemu)
{
	int r = readable_file(path);

	if (r < 0) {
		finding_fail(f, resource, fix, "%s: %s", path,
			     r == -EISDIR ? "not a regular file" : strerror(-r));
		return;
	}
	if (for_qemu)
		(void)strv_push(&ctx->ro_paths, path);
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
	for (size_t i = 0; i < resources_n; i++)
		if (resources[i]->check)
			resources[i]->check(p, ctx, f);
	/* The box itself, which is no resource. */
	sandbox_check(p, f);
	/* QEMU creates its QMP socket in the runtime dir. */
	if (ctx->paths && ctx->paths->runtime_dir)
		(void)strv_push(&ctx->rw_paths, ctx->paths->runtime_dir);
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
		.paused = false,
	};
}
