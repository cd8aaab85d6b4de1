/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The display resource's pieces that others use: where display = spice
 * puts its socket (the prepare stage makes the directory,
 * supervisor/prepare.c). Which display server a gtk/sdl window goes to
 * is box/display_session.h (the box sets the toolkit's backend from it).
 */
#pragma once

#include <stdbool.h>

#include "display_session.h"

/* The directory QEMU's SPICE server makes its socket in, and the socket
 * (display = spice): runtime_dir/spice and runtime_dir/spice/spice.sock.
 * The user's path is runtime_dir/spice.sock, a link the prepare stage
 * makes to spice/spice.sock. malloc'd, NULL on -ENOMEM. */
char *display_spice_dir(const char *runtime_dir);
char *display_spice_socket(const char *runtime_dir);

/* The name of that link in the runtime dir, and its target. */
#define DISPLAY_SPICE_LINK "spice.sock"
#define DISPLAY_SPICE_LINK_TARGET "spice/spice.sock"
