/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One interface, many kinds (DESIGN.md, "Resources: one interface, many
 * kinds"; STYLE.md): every resource a profile can name is one
 * `const struct resource` in its own file under launcher/resources/,
 * listed once in resources.c's table, the way systemd's unit types each
 * fill one UnitVTable. The stages loop over the table (check_profile,
 * render_argv, resources_grants); none calls a resource by name. An
 * operation a resource does not need is NULL.
 *
 * Adding a resource: one file defining `const struct resource
 * resource_NAME`, one line in resources.c. The table's order is the order
 * of the checks' findings and of the QEMU argv (golden-tested).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct check_ctx;
struct findings;
struct grants;
struct profile;
struct render_env;
struct vm_paths;

struct resource {
	/* The word used in findings and in messages ("disk", "pci"). */
	const char *name;

	/* profile x host facts -> findings (PASS/WARN/FAIL with the fix).
	 * Fills the resource's part of ctx, and records every object it
	 * looked at with check_ctx_keep() (an O_PATH descriptor of the
	 * object itself), for `grants` to hand on. Never stops at a FAIL. */
	void (*check)(const struct profile *p, struct check_ctx *ctx,
		      struct findings *f);

	/* Creates what `run` needs (files, sockets, fds) with its undo.
	 * NULL for every resource today: the prepare stage
	 * (supervisor/prepare.c) still does the VARS copy and the ivshmem
	 * file itself. Returns 0 or -errno. */
	int (*prepare)(const struct profile *p, const struct check_ctx *ctx);

	/* What the box must let QEMU reach for this resource, appended to
	 * ret as data (box/grants.h): made from checked, the descriptors
	 * this resource's check kept (never by resolving a checked path
	 * again), plus what the prepare stage made (paths, may be NULL
	 * for `check`). NULL: hand on checked as it is. Returns 0 or
	 * -errno. */
	int (*grants)(const struct profile *p, const struct check_ctx *ctx,
		      const struct vm_paths *paths, const struct grants *checked,
		      struct grants *ret);

	/* The QEMU arguments for this resource, appended to argv. Pure:
	 * reads only p and env (golden-tested). Returns 0, -ENOMEM, or
	 * -EINVAL when p cannot be rendered. */
	int (*argv)(const struct profile *p, const struct render_env *env,
		    struct strv *argv);

	/* The helper processes (swtpm, passt, virtiofsd) the supervisor
	 * must start for this resource, each with its own grants. NULL for
	 * all today; the slot is where the TPM, network and share issues
	 * plug them in. Returns 0 or -errno. */
	int (*helpers)(const struct profile *p, const struct check_ctx *ctx,
		       struct strv *ret_argv);
};

/* The most entries the table may hold (check_ctx keeps one list of
 * checked objects per entry). */
#define RESOURCES_MAX 16

/* The table, in check and argv order; resources_n entries. */
extern const struct resource *const resources[];
extern const size_t resources_n;

/* The resources, each defined in its own file. */
extern const struct resource resource_qemu;     /* check.c: the binary */
extern const struct resource resource_machine;  /* accel.c */
extern const struct resource resource_smbios;   /* smbios.c: -uuid, -smbios */
extern const struct resource resource_firmware; /* firmware.c */
extern const struct resource resource_display;  /* display.c */
extern const struct resource resource_memlock;  /* memlock.c */
extern const struct resource resource_pin;      /* pin.c: [cpu] pinning, iothreads */
extern const struct resource resource_pci;      /* vfio.c */
extern const struct resource resource_disk;     /* disk.c */
extern const struct resource resource_network;  /* network.c */
extern const struct resource resource_audio;    /* audio.c */
extern const struct resource resource_usb;      /* usb.c */
extern const struct resource resource_looking_glass; /* ivshmem.c */
extern const struct resource resource_input;    /* evdev.c */

/*
 * The grants of every resource for p as checked into ctx, appended to
 * ret (the caller clears it): each resource's grants operation, or the
 * objects its check kept when it has none. paths: the VM's paths after
 * the prepare stage (NULL: what prepare makes is left out). Returns 0 or
 * the first -errno.
 */
int resources_grants(const struct profile *p, const struct check_ctx *ctx,
		     const struct vm_paths *paths, struct grants *ret);

/* Appends every grant of from to ret, each by its own descriptor (a
 * system grant, fd -1, as such). For the grants operations. 0 or -errno. */
int resource_grants_copy(struct grants *ret, const struct grants *from);

/* grants_open() of a file the prepare stage made (the VARS copy, the
 * runtime dir, the ivshmem file), with no link followed; a missing one
 * (prepare has not run: `check`) is no error. 0 or -errno. */
int resource_grants_prepared(struct grants *ret, const char *path, bool dev);
