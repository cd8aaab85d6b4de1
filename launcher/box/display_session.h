/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which of the user's display servers a gtk/sdl window goes to, from the
 * environment: the display resource's check connects to that one socket
 * and keeps it for the box (resources/display.c); the box passes only
 * that server's variables and pins the toolkit to it (sandbox.c). Pure.
 */
#pragma once

/* The display server a window goes to. */
enum display_session {
	DISPLAY_SESSION_NONE,    /* none the environment names */
	DISPLAY_SESSION_WAYLAND, /* $WAYLAND_DISPLAY */
	DISPLAY_SESSION_X11,     /* $DISPLAY, a local X server */
};

struct display_target {
	enum display_session kind;
	/* The one socket the box shows (malloc'd; NULL with NONE):
	 * $XDG_RUNTIME_DIR/$WAYLAND_DISPLAY ($WAYLAND_DISPLAY itself when
	 * absolute, libwayland-client >= 1.15 wl_display_connect), or
	 * /tmp/.X11-unix/XN for DISPLAY ":N", ":N.S" or "unix:N" (libxcb
	 * xcb_parse_display and _xcb_open_unix). */
	char *socket;
};

/*
 * Picks the display server from the environment's values (each may be
 * NULL). Wayland wins when WAYLAND_DISPLAY is set (non-empty) and
 * resolves to a path: under X11 any client of the server can read the
 * VM window's keystrokes and inject its own, a Wayland compositor gives
 * a client only its own input. To use X11 in a Wayland session (through
 * Xwayland), unset WAYLAND_DISPLAY for the run. DISPLAY naming a TCP
 * display ("host:N") is NONE: the box has no network. Pure. Returns 0
 * or -ENOMEM; *ret is freed with display_target_clear().
 */
int display_target_pick(const char *wayland_display, const char *xdg_runtime_dir,
			const char *display, struct display_target *ret);
void display_target_clear(struct display_target *t);

/* The environment a window's toolkit gets for kind (NULL-terminated,
 * static): GDK_BACKEND and SDL_VIDEODRIVER pinned to the one server the
 * box shows, so neither GTK nor SDL tries the other (GTK 3 tries
 * Wayland first, then X11: gdk/gdkdisplaymanager.c). */
const char *const *display_session_env(enum display_session kind);
