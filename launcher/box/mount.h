/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The box's root (DESIGN.md, "The box", step 2): a tmpfs holding the
 * grants as bind mounts at their paths, a minimal /dev, a private /tmp
 * and /dev/shm, a /proc of the box's PID namespace; pivot_root into it,
 * the old root detached. Run by box.c in the child, after the user
 * namespace's maps are written and before sandbox_apply.
 */
#pragma once

#include "landlock.h"
#include "sandbox.h"

/*
 * Builds the root from pol->grants and pivots into it; the working
 * directory is then "/". Each grant is bound from its descriptor: the
 * path the kernel gives for it (/proc/self/fd/N), reopened in this
 * mount namespace and checked to be the same inode, since a bind
 * mount's source must be in the caller's mount namespace (fs/
 * namespace.c, do_loopback: check_mnt) and the grant's descriptor was
 * opened in the supervisor's; a path swapped since the check fails
 * with -ESTALE instead of being bound. Returns 0, or -errno with
 * *ret_failed_path set to the grant's path (pointing into pol) or to a
 * static string naming the step.
 */
int box_mount_root(const struct sandbox_policy *pol, const char **ret_failed_path);

/*
 * The sources box_mount_root opened for grants (pol->grants of its last
 * successful call in this process: the box child), one per grant
 * (grants->v[i]), for the Landlock rules: each the inode the box shows
 * at the grant's path, so landlock_build resolves no path again for it.
 * NULL when box_mount_root did not build a root for grants here (the
 * reduced box, the supervisor). The descriptors lead to the host's tree
 * (the detached old root): they stay open only until sandbox_apply's
 * step 1 closes every descriptor, before the exec; a caller of
 * box_mount_root must run sandbox_apply (or exit) before any exec.
 */
const struct landlock_source *box_mount_sources(const struct grants *grants);
