// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The check stage: baseline checks (QEMU binary, accelerator, firmware,
 * kernel files) and the fixed order in which every resource module's
 * check runs. Each check adds its findings and never stops the others.
 */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accel.h"
#include "audio.h"
#include "disk.h"
#include "evdev.h"
#include "host.h"
#include "ivshmem.h"
#include "landlock.h"
#include "memlock.h"
#include "usb.h"
#include "vfio.h"
#include "cleanup.h"
#include "paths.h"

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

/* 0 when path is an executable regular file for us, else -errno. */
static int executable_file(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EISDIR;
	if (access(path, X_OK) < 0) /* real uid: the user who runs QEMU */
		return -errno;
	return 0;
}

/*
 * Finds binary like execvp(3) would: a name with '/' is taken as is, else
 * each $PATH entry (default /usr/local/bin:/usr/bin:/bin) in turn.
 * Returns 0 with *ret malloc'd, or -errno of the last candidate.
 */
static int find_executable(const char *binary, char **ret)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *dirs = NULL;
	char *save = NULL;
	int r = -ENOENT;

	if (strchr(binary, '/')) {
		if (binary[0] != '/')
			return -EINVAL;
		r = executable_file(binary);
		if (r < 0)
			return r;
		*ret = strdup(binary);
		return *ret ? 0 : -ENOMEM;
	}
	dirs = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!dirs)
		return -ENOMEM;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *cand = NULL;
		int q;

		if (d[0] != '/') /* a relative PATH entry depends on the cwd */
			continue;
		if (asprintf(&cand, "%s/%s", d, binary) < 0)
			return -ENOMEM;
		q = executable_file(cand);
		if (q == 0) {
			*ret = steal_pointer(&cand);
			return 0;
		}
		if (q != -ENOENT)
			r = q;
	}
	return r;
}

static void qemu_check(const struct profile *p, struct check_ctx *ctx, struct findings *f)
{
	const char *binary = p->qemu_binary ? p->qemu_binary : "qemu-system-x86_64";
	char *found = NULL;
	int r = find_executable(binary, &found);

	if (r < 0) {
		finding_fail(f, "qemu",
			     strchr(binary, '/')
				     ? "point [qemu] binary = at an executable QEMU"
				     : "install QEMU: sudo apt-get install qemu-system-x86",
			     "%s: %s", binary,
			     r == -ENOENT && !strchr(binary, '/') ? "not found in $PATH"
			     : r == -EINVAL ? "not an absolute path"
					    : strerror(-r));
		return;
	}
	free(ctx->qemu_path);
	ctx->qemu_path = found;
	/* QEMU must be able to map its own binary again (Landlock). */
	(void)strv_push(&ctx->ro_paths, found);
	finding_pass(f, "qemu", "%s", found);
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

/* A file QEMU reads: readable -> PASS and ro_paths, else FAIL. */
static void file_check(struct check_ctx *ctx, struct findings *f, const char *resource,
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

static void firmware_check(const struct profile *p, struct check_ctx *ctx,
			   struct findings *f)
{
	if (p->firmware != FIRMWARE_UEFI)
		return;
	file_check(ctx, f, "firmware", p->ovmf_code ? p->ovmf_code : "(unset)",
		   "install OVMF (sudo apt-get install ovmf) or set [vm] ovmf-code =", true);
	/* The template is read by the launcher (prepare copies it), not by
	 * QEMU; QEMU gets the per-VM copy read-write. */
	file_check(ctx, f, "firmware vars", p->ovmf_vars ? p->ovmf_vars : "(unset)",
		   "install OVMF (sudo apt-get install ovmf) or set [vm] ovmf-vars =", false);
	if (ctx->paths && ctx->paths->ovmf_vars)
		(void)strv_push(&ctx->rw_paths, ctx->paths->ovmf_vars);
}

static void kernel_check(const struct profile *p, struct check_ctx *ctx,
			 struct findings *f)
{
	if (p->kernel)
		file_check(ctx, f, "kernel", p->kernel,
			   "fix [vm] kernel = (a file you can read)", true);
	if (p->initrd)
		file_check(ctx, f, "initrd", p->initrd,
			   "fix [vm] initrd = (a file you can read)", true);
	for (size_t i = 0; i < p->n_pci; i++) {
		_cleanup_free_ char *res = NULL;
		if (!p->pci[i].romfile)
			continue;
		if (asprintf(&res, "romfile %s", p->pci[i].bdf) < 0)
			continue;
		file_check(ctx, f, res, p->pci[i].romfile,
			   "fix romfile= on the [pci] device line (a file you can read)", true);
	}
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
	/* ---- baseline (issue 2) ---- */
	qemu_check(p, ctx, f);
	accel_check(p, ctx, f);
	firmware_check(p, ctx, f);
	kernel_check(p, ctx, f);
	sandbox_check(p, f);
	/* QEMU creates its QMP socket in the runtime dir. */
	if (ctx->paths && ctx->paths->runtime_dir)
		(void)strv_push(&ctx->rw_paths, ctx->paths->runtime_dir);

	/* ---- host resources (issue 3): one call each, in this order.
	 * Each module's engineer adds the call on its own line here. ---- */
	memlock_check(p, ctx, f);
	vfio_check(p, ctx, f);
	disk_check(p, ctx, f);
	audio_check(p, ctx, f);
	usb_check(p, ctx, f);
	ivshmem_check(p, ctx, f);
	evdev_check(p, ctx, f);
	hugepages_check(p, ctx, f);
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
