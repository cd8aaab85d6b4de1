// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The firmware resource: OVMF (CODE read-only, the VM's own VARS copy
 * read-write) for firmware = uefi, and a direct kernel boot's kernel,
 * initrd and command line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cleanup.h"
#include "grants.h"
#include "paths.h"
#include "profile.h"
#include "render.h"
#include "resource.h"
#include "vars.h"

/* The VM's VARS copy against the template the profile names now (vars.h):
 * a copy made from another one (secure-boot turned on later: its keys are
 * not in the old copy) is a WARN with the fix. */
static void vars_template_check(const struct profile *p, struct check_ctx *ctx,
				struct findings *f)
{
	char made_from[4096];
	_cleanup_free_ char *fix = NULL;

	if (!ctx->paths || !ctx->paths->ovmf_vars || !p->ovmf_vars ||
	    vars_template_read(ctx->paths->ovmf_vars, made_from, sizeof(made_from)) < 0 ||
	    strcmp(made_from, p->ovmf_vars) == 0)
		return;
	if (asprintf(&fix,
		     "to start from the new template (the guest's UEFI boot entries%s are "
		     "made again): vfio-launch reset-vars %s; the old file is kept",
		     p->secure_boot ? " and Secure Boot keys" : "", p->name) < 0)
		abort();
	finding_warn(f, "firmware vars", fix,
		     "%s was copied from %s, but the profile now names %s (kept as it is: it "
		     "holds the guest's variables)",
		     ctx->paths->ovmf_vars, made_from, p->ovmf_vars);
}

static void uefi_check(const struct profile *p, struct check_ctx *ctx,
			   struct findings *f)
{
	if (p->firmware != FIRMWARE_UEFI)
		return;
	check_file(ctx, f, "firmware", p->ovmf_code ? p->ovmf_code : "(unset)",
		   "install OVMF (sudo apt-get install ovmf) or set [vm] ovmf-code =", true);
	/* The template is read by the launcher (prepare copies it), not by
	 * QEMU; QEMU gets the per-VM copy read-write (firmware_grants). */
	check_file(ctx, f, "firmware vars", p->ovmf_vars ? p->ovmf_vars : "(unset)",
		   "install OVMF (sudo apt-get install ovmf) or set [vm] ovmf-vars =", false);
	vars_template_check(p, ctx, f);
}

static void kernel_check(const struct profile *p, struct check_ctx *ctx,
			 struct findings *f)
{
	if (p->kernel)
		check_file(ctx, f, "kernel", p->kernel,
			   "fix [vm] kernel = (a file you can read)", true);
	if (p->initrd)
		check_file(ctx, f, "initrd", p->initrd,
			   "fix [vm] initrd = (a file you can read)", true);
}

static void firmware_check(const struct profile *p, struct check_ctx *ctx,
			   struct findings *f)
{
	uefi_check(p, ctx, f);
	kernel_check(p, ctx, f);
}

static int firmware_argv(const struct profile *p, const struct render_env *env,
			   struct strv *sv)
{
	if (p->firmware == FIRMWARE_UEFI) {
		const char *vars = env->paths ? env->paths->ovmf_vars : NULL;
		_cleanup_free_ char *code = NULL, *evars = NULL;

		if (!p->ovmf_code || !vars)
			return -EINVAL;
		code = qemu_escape(p->ovmf_code);
		evars = qemu_escape(vars);
		if (!code || !evars)
			return -ENOMEM;
		/* OVMF's README: CODE read-only on unit 0, the VM's own
		 * writable VARS on unit 1. */
		TRY(strv_push(sv, "-drive"));
		TRY(strv_pushf(sv, "if=pflash,format=raw,unit=0,readonly=on,file=%s", code));
		TRY(strv_push(sv, "-drive"));
		TRY(strv_pushf(sv, "if=pflash,format=raw,unit=1,file=%s", evars));
		/* Secure Boot: only SMM code may write the flash, or the OS
		 * could rewrite the enrolled keys (OVMF README, "SMM support";
		 * libvirt's <loader secure='yes'> renders the same global;
		 * -machine smm=on is in accel.c). */
		if (p->secure_boot)
			TRY(strv_push2(sv, "-global", "driver=cfi.pflash01,property=secure,value=on"));
	}
	/* -kernel etc. take the whole argument as the path: no escaping. */
	if (p->kernel)
		TRY(strv_push2(sv, "-kernel", p->kernel));
	if (p->initrd)
		TRY(strv_push2(sv, "-initrd", p->initrd));
	if (p->append)
		TRY(strv_push2(sv, "-append", p->append));
	return 0;
}

/* CODE, kernel, initrd as checked (read-only); the VM's own VARS copy,
 * read-write, as the prepare stage made it. */
static int firmware_grants(const struct profile *p, const struct check_ctx *ctx,
			   const struct vm_paths *paths, const struct grants *checked,
			   struct grants *ret)
{
	(void)ctx;
	TRY(resource_grants_copy(ret, checked));
	if (p->firmware == FIRMWARE_UEFI && paths)
		TRY(resource_grants_prepared(ret, paths->ovmf_vars, false));
	return 0;
}

const struct resource resource_firmware = {
	.name = "firmware",
	.check = firmware_check,
	.grants = firmware_grants,
	.argv = firmware_argv,
};
