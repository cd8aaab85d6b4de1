// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The display resource: the window (gtk, sdl) on the user's display
 * server, a SPICE socket (spice), or none; the emulated VGA, the serial
 * console, QMP, and QEMU's own -sandbox.
 */
#include "display.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "grants.h"
#include "paths.h"
#include "profile.h"
#include "render.h"
#include "resource.h"

#define RESOURCE "display"

/* ------------------------------------------------------------ pure part */

char *display_spice_dir(const char *runtime_dir)
{
	char *s = NULL;

	return asprintf(&s, "%s/spice", runtime_dir) < 0 ? NULL : s;
}

char *display_spice_socket(const char *runtime_dir)
{
	char *s = NULL;

	return asprintf(&s, "%s/%s", runtime_dir, DISPLAY_SPICE_LINK_TARGET) < 0 ? NULL : s;
}

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

/*
 * display = spice: QEMU's SPICE server on a unix socket, and the SPICE
 * agent's channel. QEMU 7.2's -spice takes no descriptor (ui/spice-core.c
 * reads port, tls-port, addr and unix, nothing else: "Invalid parameter
 * 'fd'"), and spice-server 0.15 unlinks addr and binds it itself
 * (server/reds.c, reds_init_socket), so the box shows QEMU an empty
 * directory of its own, runtime_dir/spice, to make the socket in (see
 * display_grants). No password (disable-ticketing): who may connect is
 * decided by the runtime dir's mode 0700, as for qmp.sock. The agent
 * channel (virtio-serial port com.redhat.spice.0, the name spice-vdagent
 * in the guest opens) carries the client's mouse position and the
 * clipboard; keyboard and mouse buttons go through SPICE's inputs
 * channel to QEMU's PS/2 and USB devices. That is what Looking Glass's
 * client uses (its spice options, -p 0 for a unix socket).
 */
static int spice_argv(const struct render_env *env, struct strv *sv)
{
	_cleanup_free_ char *sock = NULL, *esc = NULL;

	if (!env->paths || !env->paths->runtime_dir)
		return -EINVAL;
	sock = display_spice_socket(env->paths->runtime_dir);
	esc = sock ? qemu_escape(sock) : NULL;
	if (!esc)
		return -ENOMEM;
	TRY(strv_push(sv, "-spice"));
	TRY(strv_pushf(sv, "unix=on,addr=%s,disable-ticketing=on", esc));
	TRY(strv_push2(sv, "-device", "virtio-serial-pci,id=vdagent-serial"));
	TRY(strv_push2(sv, "-chardev", "spicevmc,id=vdagent,name=vdagent"));
	TRY(strv_push2(sv, "-device",
		       "virtserialport,bus=vdagent-serial.0,chardev=vdagent,"
		       "name=com.redhat.spice.0"));
	return 0;
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
		/* spice too: the SPICE server is not a -display, and no
		 * local window opens next to it. */
		TRY(strv_push2(sv, "-display", "none"));
		break;
	}
	/* The passed GPU is the guest's display (x-vga), or there is no
	 * display at all: no emulated VGA. Otherwise the window (or the
	 * SPICE client) needs one. */
	TRY(strv_push2(sv, "-vga",
		  p->display == DISPLAY_NONE || any_x_vga(p) ? "none" : "std"));
	if (p->display == DISPLAY_SPICE)
		TRY(spice_argv(env, sv));
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

/* ------------------------------------------------------- the side effects */

/* Whether a unix stream socket at path accepts a connection: 0, or
 * -errno (-EAGAIN, a full backlog, counts as accepting: a server is
 * there). Non-blocking, so a stuck server cannot hang `check`. */
static int socket_accepts(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

/*
 * display = gtk|sdl: the display server the window goes to
 * (display_target_pick) must accept a connection at the one socket the
 * box will show, else FAIL with the fix (QEMU would die at start with
 * "gtk initialization failed" or SDL's "No available video device").
 * That socket is kept for the box (read-write: connect(2) on a unix
 * socket needs write permission on it). Under X11, a WARN: the X
 * protocol lets any client of the server read other windows' keystrokes
 * (XInput2 raw events, XQueryKeymap) and send its own (XTEST), so every
 * X client of the session sees what is typed into the guest.
 */
static void window_check(const struct profile *p, struct check_ctx *ctx,
			 struct findings *f)
{
	const char *ui = p->display == DISPLAY_GTK ? "gtk" : "sdl";
	const char *wl = getenv("WAYLAND_DISPLAY"), *x = getenv("DISPLAY");
	struct display_target t;
	char fix[512];
	int r;

	if (display_target_pick(wl, getenv("XDG_RUNTIME_DIR"), x, &t) < 0) {
		finding_fail(f, RESOURCE, NULL, "display = %s: out of memory", ui);
		return;
	}
	if (t.kind == DISPLAY_SESSION_NONE) {
		finding_fail(f, RESOURCE,
			     "run it from a graphical session (WAYLAND_DISPLAY, or DISPLAY=:N of a "
			     "local X server, set in the environment), or use display = spice (a "
			     "socket a viewer connects to) or display = none",
			     "display = %s needs a display server, and none is reachable: "
			     "WAYLAND_DISPLAY is %s, DISPLAY is %s%s%s%s",
			     ui, wl && wl[0] ? "set but XDG_RUNTIME_DIR is not" : "unset",
			     x ? "'" : "unset", x ? x : "", x ? "'" : "",
			     x ? " (not a local X server: the box has no network)" : "");
		return;
	}
	r = socket_accepts(t.socket);
	if (r < 0) {
		if (t.kind == DISPLAY_SESSION_WAYLAND)
			snprintf(fix, sizeof(fix),
				 "start the VM from that compositor's session (is it running?)%s%s%s",
				 x ? ", or unset WAYLAND_DISPLAY to use the X server at DISPLAY=" : "",
				 x ? x : "", x ? " (under X11 other clients can read the keystrokes)" : "");
		else
			snprintf(fix, sizeof(fix),
				 "start the VM from that X server's session (is it running?), or "
				 "use display = spice or display = none");
		finding_fail(f, RESOURCE, fix,
			     "display = %s: the %s at %s (%s=%s) does not accept a connection: %s",
			     ui, t.kind == DISPLAY_SESSION_WAYLAND ? "Wayland compositor" : "X server",
			     t.socket, t.kind == DISPLAY_SESSION_WAYLAND ? "WAYLAND_DISPLAY" : "DISPLAY",
			     t.kind == DISPLAY_SESSION_WAYLAND ? wl : x, strerror(-r));
		display_target_clear(&t);
		return;
	}
	r = check_ctx_keep_path(ctx, t.socket, NULL, GRANT_RW, false, false);
	if (r < 0) {
		finding_fail(f, RESOURCE, "make it a socket, not a symbolic link",
			     "display = %s: cannot hand %s to QEMU: %s", ui, t.socket,
			     strerror(-r));
	} else if (t.kind == DISPLAY_SESSION_WAYLAND) {
		finding_pass(f, RESOURCE,
			     "display = %s on the Wayland compositor at %s: the box shows QEMU "
			     "that one socket",
			     ui, t.socket);
	} else {
		finding_pass(f, RESOURCE,
			     "display = %s on the X server at %s: the box shows QEMU that one socket",
			     ui, t.socket);
		finding_warn(f, RESOURCE,
			     "run the VM from a Wayland session (the window then goes to the "
			     "compositor, which gives each client only its own input), or use "
			     "display = spice and connect with looking-glass-client or remote-viewer",
			     "display = %s under X11 (DISPLAY=%s): any X client of that server can "
			     "read the keystrokes typed into the VM's window (passwords too) and "
			     "inject its own",
			     ui, x);
	}
	display_target_clear(&t);
}

/* display = spice: the socket's path must fit a sockaddr_un, for QEMU
 * and for the viewer. */
static void spice_check(const struct check_ctx *ctx, struct findings *f)
{
	_cleanup_free_ char *sock = NULL;

	if (!ctx->paths || !ctx->paths->runtime_dir)
		return;
	sock = display_spice_socket(ctx->paths->runtime_dir);
	if (!sock) {
		finding_fail(f, RESOURCE, NULL, "display = spice: out of memory");
		return;
	}
	if (strlen(sock) >= sizeof(((struct sockaddr_un *)NULL)->sun_path)) {
		finding_fail(f, RESOURCE,
			     "use a shorter XDG_RUNTIME_DIR or a shorter VM name",
			     "display = spice: the socket path %s is longer than a unix socket "
			     "address (%zu bytes)",
			     sock, sizeof(((struct sockaddr_un *)NULL)->sun_path) - 1);
		return;
	}
	finding_pass(f, RESOURCE,
		     "display = spice: the SPICE server listens at %s/" DISPLAY_SPICE_LINK
		     " (remote-viewer spice+unix://%s/" DISPLAY_SPICE_LINK
		     ", or looking-glass-client -p 0 -c %s/" DISPLAY_SPICE_LINK ")",
		     ctx->paths->runtime_dir, ctx->paths->runtime_dir, ctx->paths->runtime_dir);
}

static void display_check(const struct profile *p, struct check_ctx *ctx,
			  struct findings *f)
{
	if (p->display == DISPLAY_GTK || p->display == DISPLAY_SDL)
		window_check(p, ctx, f);
	else if (p->display == DISPLAY_SPICE)
		spice_check(ctx, f);
}

/* Nothing of the runtime dir but, with display = spice, the directory
 * QEMU's SPICE server makes its socket in (spice_argv): the supervisor
 * makes QEMU's other sockets and hands them in, and the VM's lock file
 * in the runtime dir must stay out of QEMU's reach (a QEMU that could
 * replace it would let a second run start). The smallest grant QEMU
 * 7.2 allows: a directory of its own, empty but for that socket, rather
 * than the runtime dir. gtk/sdl: the one display socket the check kept. */
static int display_grants(const struct profile *p, const struct check_ctx *ctx,
			  const struct vm_paths *paths, const struct grants *checked,
			  struct grants *ret)
{
	_cleanup_free_ char *dir = NULL;

	(void)ctx;
	TRY(resource_grants_copy(ret, checked));
	if (p->display != DISPLAY_SPICE || !paths || !paths->runtime_dir)
		return 0;
	dir = display_spice_dir(paths->runtime_dir);
	if (!dir)
		return -ENOMEM;
	return resource_grants_prepared(ret, dir, false);
}

const struct resource resource_display = {
	.name = "display",
	.check = display_check,
	.grants = display_grants,
	.argv = display_argv,
};
