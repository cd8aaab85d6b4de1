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

#include "sandbox.h"
#include "util.h"

struct check_ctx;
struct findings;
struct helper_list;
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

	/* Creates what `run` needs (files, sockets, fds) with its undo,
	 * after the prepare stage (supervisor/prepare.c: runtime dir, lock,
	 * state dir, VARS copy) and under its lock (resources_prepare);
	 * what it leaves behind must be what a retry reuses (the TPM's
	 * state). Returns 0 or -errno. */
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

	/* The programs this resource needs beside QEMU (vfio-slirp, swtpm,
	 * virtiofsd), each in a box of its own, appended to list
	 * (struct helper below); the supervisor starts them before QEMU
	 * (supervisor/helpers.c). NULL: none. Returns 0 or -errno. */
	int (*helpers)(const struct profile *p, const struct check_ctx *ctx,
		       struct helper_list *list);
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
extern const struct resource resource_share;    /* share.c: [share NAME] */
extern const struct resource resource_tpm;      /* tpm.c */
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

/* Every resource's prepare, in table order, after prepare_vm(). Returns 0,
 * or the first -errno with *ret_what the resource's name. */
int resources_prepare(const struct profile *p, const struct check_ctx *ctx,
		      const char **ret_what);

/*
 * Finds binary like execvp(3) would (qemu.c): a name with '/' must be
 * absolute and is taken as is, else each $PATH entry (default
 * /usr/local/bin:/usr/bin:/bin) in turn. Returns 0 with *ret malloc'd,
 * -EINVAL for a relative path, or -errno of the last candidate (-ENOENT:
 * not found).
 */
int find_executable(const char *binary, char **ret);

/* find_executable(), and *ret_fd (may be NULL) an O_PATH descriptor of
 * the file it found (O_CLOEXEC, the caller closes it): the object the
 * search judged, for a grant without a second lookup. */
int find_executable_fd(const char *binary, char **ret, int *ret_fd);

/* Appends every grant of from to ret, each by its own descriptor (a
 * system grant, fd -1, as such). For the grants operations. 0 or -errno. */
int resource_grants_copy(struct grants *ret, const struct grants *from);

/* grants_open() of a file the prepare stage made (the VARS copy, the
 * runtime dir, the ivshmem file), with no link followed; a missing one
 * (prepare has not run: `check`) is no error. 0 or -errno. */
int resource_grants_prepared(struct grants *ret, const char *path, bool dev);

/*
 * QEMU's box for p: resources_grants() handed to sandbox_policy_build()
 * (sandbox.h, which documents the rest and the errors).
 */
int resources_policy_build(const struct profile *p, const struct check_ctx *ctx,
			   const struct vm_paths *paths, char *const *envp,
			   struct sandbox_policy *ret);

/*
 * A program a resource starts beside QEMU, in a box of its own (DESIGN.md,
 * "Processes": swtpm, the network helper, virtiofsd). The supervisor
 * makes one AF_UNIX SOCK_STREAM socketpair per helper: one end goes to
 * the helper, whose argv names it by "{fd}" (replaced by the descriptor's
 * number wherever it appears in an item: "--fd={fd}",
 * "type=unixio,clientfd={fd}"); the other goes to QEMU, whose argv finds
 * its number by id (render_helper_fd). The helper's stderr is the
 * supervisor's (the terminal, or `start`'s log); it must end by itself
 * once QEMU closes its end (vfio-slirp at EOF, swtpm --terminate,
 * virtiofsd at the vhost-user disconnect): helpers_stop() waits
 * HELPER_STOP_GRACE_MS for that, then kills it.
 */
struct helper {
	char id[32];                  /* the QEMU object it serves: "net0", "tpm0" */
	char *what;                   /* for messages: "vfio-slirp"; malloc'd */
	struct strv argv;             /* argv[0]: an absolute path */
	struct sandbox_policy policy; /* its box (sandbox.h) */
	/* The helper's end listens instead, with QEMU's end already
	 * connected to it and the name gone (helpers.c listen_pair): for
	 * a program that accepts its one connection itself (virtiofsd
	 * --fd, QEMU 7.2 tools/virtiofsd/fuse_virtio.c). */
	bool listen;
};

/* The most helpers one VM may have. */
#define HELPERS_MAX 16

struct helper_list {
	struct helper v[HELPERS_MAX];
	size_t n;
};

/*
 * Appends a zeroed helper serving QEMU's object id to list, what its name
 * for messages (copied). *ret points into list. Returns 0, -ENOMEM, or
 * -E2BIG past HELPERS_MAX.
 */
int helper_list_add(struct helper_list *list, const char *id, const char *what,
		    struct helper **ret);

/* Frees every helper's argv, name and policy; list is empty after. */
void helper_list_clear(struct helper_list *list);

/* Every resource's helpers, in table order. Returns 0 or -errno (list
 * then holds what was made before; clear it). */
int resources_helpers(const struct profile *p, const struct check_ctx *ctx,
		      struct helper_list *list);
