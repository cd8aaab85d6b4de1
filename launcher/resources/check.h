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
#include "grants.h"
#include "pin.h"
#include "profile.h"
#include "render.h"
#include "resource.h"
#include "smbios.h"
#include "util.h"

struct stat;
struct vm_paths;

struct check_ctx {
	/* ---- inputs ---- */
	const struct vm_paths *paths; /* NULL for `check --host` */
	/* Roots of the host trees; "/sys", "/dev", "/proc" in production,
	 * fake trees in tests. No trailing slash. */
	const char *sysfs;
	const char *devfs;
	const char *procfs;
	const char *etcfs; /* "/etc" (NULL: "/etc"): the memlock limits installed */
	bool for_run; /* `run`: may raise the soft memlock limit */
	/* `run` is making the box's namespaces ahead (box.h box_ns_start):
	 * the namespaces line is reported from that, when QEMU's box is
	 * built (userns_report), not probed again here. */
	bool userns_ahead;

	/* ---- outputs (owned by the ctx, freed by check_ctx_clear) ---- */
	char *qemu_path;           /* absolute path of the QEMU binary */
	enum accel accel;          /* ACCEL_KVM or ACCEL_TCG after the probe */
	char *audio_server;        /* PulseAudio socket path, or NULL */
	bool audio_disabled;       /* no server, [audio] required = no */
	struct usb_resolved *usb;  /* p->n_usb entries, or NULL */
	uint64_t lg_size;          /* ivshmem size in bytes, 0 = none */
	uint64_t memlock_bytes;    /* RLIMIT_MEMLOCK needed, 0 = none */
	char uuid[37];             /* [vm] uuid as resolved, "" = none */
	struct smbios_host smbios; /* [smbios] mode = host: the host's DMI */
	struct pin_plan pin;       /* [cpu] pinning, for the supervisor (pin.h) */
	char hugepages_path[4096]; /* [vm] hugepages: the hugetlbfs mount, "" = none */
	char net_tap[16];          /* [network] mode = bridge or tap: the tap run opens, "" */
	/* What each resource's check looked at, one list per table entry
	 * (resource.h): O_PATH descriptors of the objects themselves, with
	 * the access QEMU needs, kept by check_ctx_keep() while that
	 * resource's check runs (ctx->current: its table index). The
	 * resources' grants are made from these (resources_grants), never
	 * by resolving a checked path again. */
	struct grants kept[RESOURCES_MAX];
	size_t current;
	/* for_run: the VM the KVM probe created (accel.h), kept so that run
	 * destroys it once QEMU runs (check_ctx_drop_kvm_vm), not on the
	 * way to QEMU's exec; kvm_vm is open only while kvm_vm_kept. */
	int kvm_vm;
	bool kvm_vm_kept;
};

/* Sets the defaults (/sys, /dev, /proc, ACCEL_AUTO). */
void check_ctx_init(struct check_ctx *ctx);
void check_ctx_clear(struct check_ctx *ctx);

/*
 * Opens path O_PATH|O_CLOEXEC, and O_NOFOLLOW unless follow: a symlink
 * is refused (-ELOOP) unless follow is true (a /dev/disk/by-* or
 * /dev/input/by-* name udev keeps, a firmware file of a package under
 * /usr/share). Fills *ret_st from the descriptor (may be NULL). Returns
 * the descriptor (the caller closes it) or -errno.
 */
int check_open_path(const char *path, bool follow, struct stat *ret_st);

/*
 * Keeps fd, the O_PATH descriptor of what the running check looked at
 * (duplicated: the caller keeps its own), as what QEMU may reach at path
 * with access (dev: device ioctls). A path kept twice is kept once with
 * the wider access (grants.h). Allocation failure aborts the process, as
 * findings_add() does (a dropped grant would fail later, in the box, with
 * no finding to explain it). Other errors (a bad fd) are returned.
 */
int check_ctx_keep(struct check_ctx *ctx, const char *path, int fd,
		   enum grant_access access, bool dev);

/*
 * check_open_path() and check_ctx_keep() in one: keeps path when it is
 * still the object the check examined, st (same st_dev and st_ino; st
 * NULL: no comparison). Returns 0, -ELOOP (a symlink), -ESTALE (path
 * names another object now), or -errno.
 */
int check_ctx_keep_path(struct check_ctx *ctx, const char *path, const struct stat *st,
			enum grant_access access, bool dev, bool follow);

/* Closes and forgets what the checks kept (check_ctx_clear does it
 * too, with the rest). */
void check_ctx_clear_kept(struct check_ctx *ctx);

/* Destroys the KVM probe's VM, when one is kept (check_ctx_clear does it
 * too). */
void check_ctx_drop_kvm_vm(struct check_ctx *ctx);

/* The object kept for path by any resource's check, or NULL. Tests. */
const struct grant *check_ctx_kept(const struct check_ctx *ctx, const char *path);
/* How many objects the checks kept, over all resources. Tests. */
size_t check_ctx_n_kept(const struct check_ctx *ctx);

/*
 * A file QEMU reads (firmware, kernel, initrd, romfile): a regular file
 * the user can open for reading -> PASS "resource: PATH is readable"
 * (and, when for_qemu, kept read-only for the box), else FAIL with fix.
 * A symlink is refused, except under /usr/share (packaged firmware:
 * Debian's OVMF_CODE_4M.ms.fd is one).
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
