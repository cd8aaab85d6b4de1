/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The box of a [share NAME]'s virtiofsd (issue 13); sandbox_share.c. */
#pragma once

#include <stdbool.h>

#include "sandbox.h"

/* Where the box shows the shared directory (virtiofsd -o source=). */
#define SHARE_BOX_PATH "/share"

/*
 * The box of virtiofsd (binary, an absolute path) serving the directory
 * dir_fd (the O_PATH descriptor the share's check opened; duplicated):
 * its own user, mount, PID, IPC, UTS, cgroup and an empty network
 * namespace; a root holding its libraries, /dev/null, its /proc/self and
 * the directory at SHARE_BOX_PATH (a read-only bind when readonly);
 * uid 0 in the box mapped to the user, with only the capabilities
 * virtiofsd needs (sandbox_share.c); Landlock from the same grants; the
 * seccomp filter's fs_server variant. Returns 0 with *ret filled
 * (sandbox_policy_clear), -EOPNOTSUPP for sandbox = reduced|off (no user
 * namespace, so no capabilities), -ENOMEM, or -errno of the dup.
 */
int sandbox_policy_build_share(const struct profile *p, const char *binary, int dir_fd,
			       bool readonly, struct sandbox_policy *ret);
