/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memlock (RLIMIT_MEMLOCK): VFIO pins all guest RAM, and the pinned pages
 * are charged against the QEMU process's locked-memory limit. The launcher
 * computes what a profile needs, raises its soft limit when the hard limit
 * allows, and otherwise prints the exact limits.d / systemd lines to add.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>

#include "check.h"

/* The group the admin gives memlock to (limits/, DESIGN.md). */
#define MEMLOCK_GROUP "vfio"

/*
 * Bytes of RLIMIT_MEMLOCK a profile needs: guest RAM + 1 GiB when it has
 * any [pci] device, else 0 (no pinning without VFIO).
 *
 * Source: libvirt, src/qemu/qemu_domain.c, qemuDomainGetMemLockLimitBytes():
 * with VFIO host devices (and no vIOMMU) the limit is the guest's total
 * memory + 1 GiB; the extra GiB covers the MMIO/IO space QEMU maps for the
 * devices (x86: the space reserved below 4 GiB). The charge does not depend
 * on the number of devices, and hugepages are charged the same (libvirt
 * makes no exception for them; the pages are pinned all the same).
 * Example: 1 GiB guest + one [pci] device -> 2147483648.
 * Pure; saturates at UINT64_MAX.
 */
uint64_t memlock_required_bytes(const struct profile *p);

/* What the current limits allow for a need of `need` bytes. */
enum memlock_verdict {
	MEMLOCK_ENOUGH,    /* soft limit >= need (or need == 0) */
	MEMLOCK_RAISABLE,  /* soft < need <= hard: raise the soft limit */
	MEMLOCK_TOO_LOW,   /* hard < need: the admin must raise it */
};

/* Pure: compares need with rl (RLIM_INFINITY counts as enough). */
enum memlock_verdict memlock_evaluate(uint64_t need, const struct rlimit *rl);

/*
 * Writes the admin's fix for `need` bytes to out, one item per line, each
 * line starting with `indent`:
 *   - the limits.d lines for @MEMLOCK_GROUP (soft and hard, in KiB as
 *     limits.conf(5) counts memlock, rounded up), for PAM logins;
 *   - the systemd drop-ins for sessions started by `systemd --user`, which
 *     PAM limits do not always reach: LimitMEMLOCK= for user@.service in
 *     /etc/systemd/system/user@.service.d/ (the user manager cannot raise
 *     its own hard limit, so PID 1 must start it with it) and
 *     DefaultLimitMEMLOCK= in /etc/systemd/user.conf.d/ (what the user
 *     manager gives the session's processes), both in bytes
 *     (systemd-system.conf(5)).
 * Used by the memlock FAIL finding and by `vfio-launch limits`.
 */
void memlock_print_fix(FILE *out, uint64_t need, const char *indent);

/*
 * `vfio-launch limits`: writes to out, for the n profiles, one line per
 * profile with its need, then the largest need in bytes and KiB and the
 * admin's fix for it (memlock_print_fix), so the admin installs an exact
 * figure. Returns the largest need in bytes (0: no profile has a [pci]
 * device, and out says no limit is needed).
 */
uint64_t memlock_print_limits(FILE *out, const struct profile *const *profiles,
			      size_t n);

/*
 * The memlock check: sets ctx->memlock_bytes, then adds one finding
 * "memlock": PASS when no [pci] device or the soft limit suffices; PASS
 * when only the soft limit is short and the hard limit suffices (raised
 * to the hard limit here when ctx->for_run, else reported as "run raises
 * it"); FAIL with memlock_print_fix()'s text otherwise, or when raising
 * fails.
 */
void memlock_check(const struct profile *p, struct check_ctx *ctx,
		   struct findings *f);

/*
 * memlock_check() for a need already computed: need and guest_ram in
 * bytes (guest_ram only for the messages). Exposed so the tests can
 * exercise the raise path with figures below whatever hard limit the
 * test machine allows.
 */
void memlock_check_need(uint64_t need, uint64_t guest_ram, struct check_ctx *ctx,
			struct findings *f);

/* The memlock limits the admin installed (README "Admin set-up" step 6),
 * in bytes: 0 none found, UINT64_MAX unlimited. */
struct memlock_installed {
	uint64_t limits_d;     /* hard memlock of @MEMLOCK_GROUP or "*" in
				  security/limits.conf or limits.d/ *.conf */
	uint64_t user_service; /* LimitMEMLOCK= (hard part) in
				  systemd/system/user@.service.d/ *.conf */
	uint64_t user_conf;    /* DefaultLimitMEMLOCK= in systemd/user.conf.d/ *.conf */
};

/*
 * Reads what is installed under etc ("/etc", a fake tree in tests): the
 * largest figure of each kind (limits.conf(5): KiB, "unlimited"/"infinity";
 * systemd.exec(5): bytes with K/M/G/T suffixes, "infinity", "SOFT:HARD").
 * Unreadable files count as absent. Never fails.
 */
void memlock_find_installed(const char *etc, struct memlock_installed *ret);
