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

/* A descriptor number from env, or the placeholder cmdline shows. */
static int fd_or(int fd, int placeholder)
{
	return fd > 0 ? fd : placeholder;
}

static int display_argv(const struct profile *p, const struct render_env *env,
			  struct strv *sv)
{
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
	/* The supervisor's sockets, handed in by number (supervisor.h):
	 * chardev socket with fd= and server=off uses a connected socket as
	 * it is, with server=on a bound one as the listener (QEMU 7.2
	 * chardev/char-socket.c, util/qemu-sockets.c socket_get_fd). The
	 * guest's serial console goes through the supervisor to the
	 * terminal (the demo guest reports there); the supervisor's private
	 * QMP channel, and the user's QMP socket (qmp.sock, which QEMU
	 * serves itself); no human monitor. */
	TRY(strv_push(sv, "-chardev"));
	TRY(strv_pushf(sv, "socket,id=serial0,fd=%d", fd_or(env->serial_fd, RENDER_FD_SERIAL)));
	TRY(strv_push2(sv, "-serial", "chardev:serial0"));
	TRY(strv_push2(sv, "-monitor", "none"));
	TRY(strv_push(sv, "-chardev"));
	TRY(strv_pushf(sv, "socket,id=qmp,fd=%d", fd_or(env->qmp_fd, RENDER_FD_QMP)));
	TRY(strv_push2(sv, "-mon", "chardev=qmp,mode=control"));
	TRY(strv_push(sv, "-chardev"));
	TRY(strv_pushf(sv, "socket,id=qmp-user,fd=%d,server=on,wait=off",
		       fd_or(env->qmp_user_fd, RENDER_FD_QMP_USER)));
	TRY(strv_push2(sv, "-mon", "chardev=qmp-user,mode=control"));

	if (p->sandbox != SANDBOX_OFF)
		/* QEMU's own seccomp filter (-sandbox, QEMU 7.2), on top of
		 * the launcher's: obsolete syscalls, setuid family, fork/exec
		 * and sched/priority changes denied. */
		TRY(strv_push2(sv, "-sandbox",
			  "on,obsolete=deny,elevateprivileges=deny,spawn=deny,"
			  "resourcecontrol=deny"));
	return 0;
}

/* Nothing of the runtime dir: the supervisor makes QEMU's sockets and
 * hands them in, and the VM's lock file there must stay out of QEMU's
 * reach (a QEMU that could replace it would let a second run start). */
static int display_grants(const struct profile *p, const struct check_ctx *ctx,
			  const struct vm_paths *paths, const struct grants *checked,
			  struct grants *ret)
{
	(void)p;
	(void)ctx;
	(void)paths;
	TRY(resource_grants_copy(ret, checked));
	return 0;
}

const struct resource resource_display = {
	.name = "display",
	.grants = display_grants,
	.argv = display_argv,
};
