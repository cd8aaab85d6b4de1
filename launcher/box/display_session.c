// SPDX-License-Identifier: GPL-2.0-or-later
/* Which display server a window goes to; see display_session.h. */
#include "display_session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int display_target_pick(const char *wayland_display, const char *xdg_runtime_dir,
			const char *display, struct display_target *ret)
{
	const char *n;
	size_t len;
	int r;

	*ret = (struct display_target){ DISPLAY_SESSION_NONE, NULL };
	/* A relative name is joined to XDG_RUNTIME_DIR, as libwayland-client
	 * does (wayland-client.c, connect_to_socket); without one it has no
	 * socket either. */
	if (wayland_display && wayland_display[0] == '/') {
		ret->socket = strdup(wayland_display);
		if (!ret->socket)
			return -ENOMEM;
		ret->kind = DISPLAY_SESSION_WAYLAND;
		return 0;
	}
	if (wayland_display && wayland_display[0] && xdg_runtime_dir &&
	    xdg_runtime_dir[0] == '/') {
		r = asprintf(&ret->socket, "%s/%s", xdg_runtime_dir, wayland_display);
		if (r < 0) {
			ret->socket = NULL;
			return -ENOMEM;
		}
		ret->kind = DISPLAY_SESSION_WAYLAND;
		return 0;
	}
	if (!display)
		return 0;
	if (strncmp(display, "unix:", 5) == 0)
		n = display + 5;
	else if (display[0] == ':')
		n = display + 1;
	else
		return 0;
	len = strspn(n, "0123456789");
	if (len == 0 || len > 9 || (n[len] != '\0' && n[len] != '.'))
		return 0;
	if (asprintf(&ret->socket, "/tmp/.X11-unix/X%.*s", (int)len, n) < 0) {
		ret->socket = NULL;
		return -ENOMEM;
	}
	ret->kind = DISPLAY_SESSION_X11;
	return 0;
}

void display_target_clear(struct display_target *t)
{
	free(t->socket);
	*t = (struct display_target){ DISPLAY_SESSION_NONE, NULL };
}

const char *const *display_session_env(enum display_session kind)
{
	static const char *const wayland[] = { "GDK_BACKEND=wayland",
					       "SDL_VIDEODRIVER=wayland", NULL };
	static const char *const x11[] = { "GDK_BACKEND=x11", "SDL_VIDEODRIVER=x11", NULL };
	static const char *const none[] = { NULL };

	return kind == DISPLAY_SESSION_WAYLAND ? wayland
	       : kind == DISPLAY_SESSION_X11   ? x11
					       : none;
}
