/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A listening unix socket at a path of the VM's runtime dir. */
#pragma once

#include <stdbool.h>

/*
 * Creates an AF_UNIX stream socket (SOCK_CLOEXEC | extra_flags, e.g.
 * SOCK_NONBLOCK), removes a socket left at path by a supervisor that
 * died (ours to replace: the caller holds the VM's lock), binds it at
 * path with umask 077 (the socket node is the user's alone, trust
 * boundary 2) and listens with backlog. *ret_made is set once the node
 * exists, so the caller removes it even when listen() failed. Returns
 * the descriptor, or -errno (-ENAMETOOLONG: path does not fit sun_path,
 * 108 bytes with the NUL, unix(7)).
 */
int unix_listen(const char *path, int extra_flags, int backlog, bool *ret_made);
