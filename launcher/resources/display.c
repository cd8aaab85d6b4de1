// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The display resource: the window (or none), the emulated VGA, the
 * serial console, QMP, and QEMU's own -sandbox.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "grants.h"
#include "paths.h"
#include "profile.h"
#include "render.h"
#include "resource.h"

static bool any_x_vga(const struct profile *p)
{
	for (size_t i = 0; i < p->n_pci; i++)
		if (p->pci[i].x_vga)
			return true;
	return false;
}

static int display_argv(const struct profile *p, const struct render_env *env,
			  struct strv *sv)
{
	_cleanup_free_ char *qmp = NULL;

	switch (p->display) {
	case DISPLAY_GTK:
		TRY(strv_push2(sv, "-display", "gtk"));
		break;
	case DISPLAY_SDL:
		TRY(strv_push2(sv, "-display", "sdl"));
		break;
	default:
		TRY(strv_push2(sv, "-display", "none"));
		break;
	}
	/* The passed GPU is the guest's display (x-vga), or there is no
	 * display at all: no emulated VGA. Otherwise the window needs one. */
	TRY(strv_push2(sv, "-vga",
		  p->display == DISPLAY_NONE || any_x_vga(p) ? "none" : "std"));
	/* The guest's serial console is the launcher's terminal (the demo
	 * guest reports there); no human monitor: QMP is the control
	 * channel. */
	TRY(strv_push2(sv, "-serial", "stdio"));
	TRY(strv_push2(sv, "-monitor", "none"));

	if (!env->paths || !env->paths->qmp_socket)
		return -EINVAL;
	qmp = qemu_escape(env->paths->qmp_socket);
	if (!qmp)
		return -ENOMEM;
	/* "unix:PATH" names its first value without a key (QemuOpts'
	 * implied "path"), and an implied value ends at the first '='
	 * (util/qemu-option.c, get_opt_name_value): a PATH with '='
	 * (from $XDG_RUNTIME_DIR) would be taken as a key. Then name the
	 * key; otherwise keep the usual spelling. */
	TRY(strv_push(sv, "-qmp"));
	TRY(strv_pushf(sv, "unix:%s%s,server=on,wait=off",
		       strchr(qmp, '=') ? "path=" : "", qmp));

	if (p->sandbox != SANDBOX_OFF)
		/* QEMU's own seccomp filter (-sandbox, QEMU 7.2), on top of
		 * the launcher's: obsolete syscalls, setuid family, fork/exec
		 * and sched/priority changes denied. */
		TRY(strv_push2(sv, "-sandbox",
			  "on,obsolete=deny,elevateprivileges=deny,spawn=deny,"
			  "resourcecontrol=deny"));
	return 0;
}

/* The runtime dir, where QEMU creates its QMP socket (until the
 * supervisor hands the socket in as a descriptor). */
static int display_grants(const struct profile *p, const struct check_ctx *ctx,
			  const struct vm_paths *paths, const struct grants *checked,
			  struct grants *ret)
{
	(void)p;
	(void)ctx;
	TRY(resource_grants_copy(ret, checked));
	if (paths)
		TRY(resource_grants_prepared(ret, paths->runtime_dir, false));
	return 0;
}

const struct resource resource_display = {
	.name = "display",
	.grants = display_grants,
	.argv = display_argv,
};
