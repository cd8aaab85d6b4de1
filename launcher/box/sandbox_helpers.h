/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The boxes of the helper programs the resources start beside QEMU or
 * before it (resource.h struct helper): pure policy builders, like
 * sandbox_policy_build for QEMU, each granting only what its program
 * needs. The box itself is box_spawn's (box.h).
 */
#pragma once

#include <stdbool.h>

#include "profile.h"
#include "sandbox.h"

/*
 * The box of swtpm ([vm] tpm = yes, resources/tpm.c): the system files
 * the program and its libraries need (/usr, the merged-/usr links,
 * ld.so's cache, OpenSSL's configuration, /dev/urandom, /dev/null) and
 * binary; read-write only state_dir (the TPM's state: a grant, so one
 * bind mount in the box and one Landlock rule). Nothing else of the
 * user's, no environment, an empty network namespace, Landlock's TCP
 * rules and scopes on, the same seccomp filter as QEMU's (swtpm's own
 * --seccomp action=kill adds its allowlist on top). setup: the box of
 * swtpm_setup making the state (it starts swtpm itself, looks up the
 * user's name in /etc/passwd and the time zone for its messages), with
 * state_dir the new directory it fills, shown in its box at /tmp when
 * the box has namespaces (ret->namespaces; see sandbox_helpers.c: the
 * caller passes --tpmstate /tmp), else at its own path. Namespaces as the profile's
 * sandbox = says for QEMU. Returns 0 with *ret filled
 * (sandbox_policy_clear), -ENOMEM, -EINVAL for a relative path, or the
 * -errno of opening state_dir (-ENOTDIR: a symlink or no directory).
 */
int sandbox_policy_build_swtpm(const struct profile *p, const char *binary,
			       const char *state_dir, bool setup,
			       struct sandbox_policy *ret);
