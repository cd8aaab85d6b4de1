/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The check stage: profile x host -> findings, and the host facts that
 * render and confine need (resolved here once, so later stages never probe
 * the host themselves).
 *
 * Each resource (resource.h) has a check operation that adds one finding
 * per item it checks (PASS, WARN or FAIL with the exact fix) and fills its
 * part of ctx. check_profile() runs them all in the table's order; it
 * never stops at the first FAIL.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "findings.h"
#include "profile.h"
#include "render.h"
#include "util.h"

struct vm_paths;

struct check_ctx {
	/* ---- inputs ---- */
	const struct vm_paths *paths; /* NULL for `check --host` */
	/* Roots of the host trees; "/sys", "/dev", "/proc" in production,
	 * fake trees in tests. No trailing slash. */
	const char *sysfs;
	const char *devfs;
	const char *procfs;
	bool for_run; /* `run`: may raise the soft memlock limit */

	/* ---- outputs (owned by the ctx, freed by check_ctx_clear) ---- */
	char *qemu_path;           /* absolute path of the QEMU binary */
	enum accel accel;          /* ACCEL_KVM or ACCEL_TCG after the probe */
	char *audio_server;        /* PulseAudio socket path, or NULL */
	bool audio_disabled;       /* no server, [audio] required = no */
	struct usb_resolved *usb;  /* p->n_usb entries, or NULL */
	uint64_t lg_size;          /* ivshmem size in bytes, 0 = none */
	uint64_t memlock_bytes;    /* RLIMIT_MEMLOCK needed, 0 = none */
	/* Paths QEMU must be able to open read-write (device nodes, disks,
	 * the ivshmem file) and read-only (kernel, initrd, firmware, ro
	 * disks): the Landlock ruleset is built from these. */
	struct strv rw_paths;
	struct strv ro_paths;
};

/* Sets the defaults (/sys, /dev, /proc, ACCEL_AUTO). */
void check_ctx_init(struct check_ctx *ctx);
void check_ctx_clear(struct check_ctx *ctx);

/* Adds path to ctx->rw_paths (writable) or ctx->ro_paths, once: a path
 * already in that list is not added again. Allocation failure aborts the
 * process, as findings_add() does (a dropped path would fail later, at
 * Landlock time, with no finding to explain it). */
void check_ctx_add_path(struct check_ctx *ctx, bool writable, const char *path);

/*
 * A file QEMU reads (firmware, kernel, initrd, romfile): a regular file
 * the user can open for reading -> PASS "resource: PATH is readable"
 * (and, when for_qemu, a read-only path for the box), else FAIL with fix.
 */
void check_file(struct check_ctx *ctx, struct findings *f, const char *resource,
		const char *path, const char *fix, bool for_qemu);

/* Runs every resource's check for p (the table's order), then the
 * sandbox line. */
void check_profile(const struct profile *p, struct check_ctx *ctx,
		   struct findings *f);

/* Host-wide checks for `check --host` (virtualization, IOMMU, ...). */
void check_host(struct check_ctx *ctx, struct findings *f);

/* Fills out a render_env from a checked ctx (no copies: env points into
 * ctx and paths). */
void check_ctx_render_env(const struct check_ctx *ctx,
			  const struct vm_paths *paths, struct render_env *ret_env);
