/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User namespaces for the box (DESIGN.md, "The box", step 1): entering
 * one with the user's own ids mapped, probing whether this host allows
 * an unprivileged user to, and naming the fix when it does not.
 *
 * Sources: user_namespaces(7) (uid_map/gid_map rules, setgroups),
 * Debian's kernel patch "add sysctl to disallow unprivileged
 * CLONE_NEWUSER by default" (kernel.unprivileged_userns_clone), Ubuntu
 * 23.10+'s AppArmor restriction (kernel.apparmor_restrict_unprivileged_
 * userns: the namespace is created, but without capabilities in it
 * unless an AppArmor profile grants "userns,").
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/*
 * In a process that has just entered a new user namespace: denies
 * setgroups (required for an unprivileged gid_map) and maps uid and gid
 * (the ids the process had outside, geteuid()/getegid() before) to
 * themselves, or to 0 when root is true (a helper that acts as root in
 * its own namespace: virtiofsd, struct sandbox_policy.userns_root).
 * Returns 0 or -errno.
 */
int userns_write_maps(uid_t uid, gid_t gid, bool root);

/*
 * Whether the box can be built here: a child made in a new user
 * namespace. Where AppArmor restricts unprivileged user namespaces
 * (kernel.apparmor_restrict_unprivileged_userns = 1: the namespace is
 * made but holds no capabilities, which only its first mount shows), a
 * forked process enters new user and mount namespaces, writes its maps
 * and mounts a tmpfs, what the box does first; that prober is a
 * grandchild that reports over a pipe and is reaped by init (or the
 * nearest subreaper), so the caller does not wait for its mount
 * namespace's teardown. Returns 0, or the -errno of the first step that
 * failed (-EPERM, -ENOSPC when user.max_user_namespaces is reached or 0,
 * -EACCES, ...).
 */
int userns_probe(void);

/*
 * Why the host refuses user namespaces, from its sysctls under procfs
 * ("/proc" in production): the message and the fix, static strings.
 * When no sysctl explains it, a generic pair naming err.
 */
void userns_refusal(const char *procfs, int err, const char **ret_why,
		    const char **ret_fix);

struct findings;
struct profile;

/*
 * The "namespaces" line of `check PROFILE` (and so of `run`, which
 * refuses on a FAIL): PASS when the box's namespaces can be made; when
 * the host refuses them, FAIL with the fix for sandbox = on|strict, and
 * a loud WARN naming what the box then does not stop for sandbox =
 * reduced. Nothing for sandbox = off (its own WARN says more).
 */
void userns_check(const struct profile *p, const char *procfs, struct findings *f);

/* The same line for a probe already made: r is userns_probe()'s result,
 * or what making the namespaces returned (box_ns_wait, box.h). */
void userns_report(const struct profile *p, const char *procfs, int r, struct findings *f);

/* The "userns" line of `check --host`: PASS, or FAIL with the fix. */
void userns_host_check(const char *procfs, struct findings *f);
