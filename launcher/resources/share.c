// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The share resource: [share NAME] sections, each a host directory the
 * guest mounts over virtiofs (issue 13). Each is served by its own
 * virtiofsd (Debian 12's C one, QEMU 7.2 tools/virtiofsd, in
 * qemu-system-common) in a box of its own (box/sandbox_share.c) that
 * holds only that directory; QEMU gets a connected socket to it and no
 * path of the share at all:
 *
 *   virtiofsd --fd=N -o source=/share -o sandbox=chroot -o cache=auto
 *             --rlimit-nofile=0
 *   qemu ... -chardev socket,id=charfs0,fd=M
 *            -device vhost-user-fs-pci,chardev=charfs0,tag=TAG
 *
 * vhost-user hands the guest's RAM to virtiofsd as file descriptors, so
 * the RAM must be a shared memory backend: the machine resource renders
 * memory-backend-memfd,share=on (or the hugepages file, shared already)
 * when the profile has a share.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "findings.h"
#include "grants.h"
#include "profile.h"
#include "render.h"
#include "resource.h"
#include "sandbox_share.h"

/* Debian 12: qemu-system-common 1:7.2+dfsg. */
#define VIRTIOFSD_PATH "/usr/lib/qemu/virtiofsd"
/* The longest tag: struct virtio_fs_config's tag[36] (linux
 * include/uapi/linux/virtio_fs.h; QEMU 7.2 vhost-user-fs.c refuses a
 * longer one). */
#define SHARE_TAG_MAX 36
/* What `cmdline` shows for QEMU's end of share i's socket (run: the
 * number the supervisor gives it). */
#define SHARE_FD_PLACEHOLDER 20

static const char *share_tag(const struct share_item *sh)
{
	return sh->tag ? sh->tag : sh->name;
}

/* The label a share's directory is kept under in ctx (one per share,
 * names are unique); never a path QEMU sees. malloc'd or NULL. */
static char *kept_label(const struct share_item *sh)
{
	char *s;

	return asprintf(&s, "/share/%s", sh->name) < 0 ? NULL : s;
}

/* What this resource's check kept (its entry in ctx->kept). */
static const struct grants *share_kept(const struct check_ctx *ctx)
{
	for (size_t i = 0; i < resources_n; i++)
		if (resources[i] == &resource_share)
			return &ctx->kept[i];
	return NULL;
}

/* WARNs when dir is a place no one means to hand a guest whole: / or
 * $HOME itself (everything under it: keys, mail, shell settings). */
static void warn_too_wide(const struct share_item *sh, const struct stat *st,
			  struct findings *f)
{
	const char *home = getenv("HOME");
	struct stat o;

	if (stat("/", &o) == 0 && o.st_dev == st->st_dev && o.st_ino == st->st_ino)
		finding_warn(f, "share", "share a directory made for the guest",
			     "[share %s]: %s is the root directory: the guest reads all "
			     "you can read", sh->name, sh->path);
	else if (home && home[0] == '/' && stat(home, &o) == 0 && o.st_dev == st->st_dev &&
		 o.st_ino == st->st_ino)
		finding_warn(f, "share", "share a directory below it made for the guest "
			     "(e.g. ~/Shared)",
			     "[share %s]: %s is your home directory: the guest reaches your "
			     "keys, mail and settings", sh->name, sh->path);
}

static void check_one(const struct profile *p, const struct share_item *sh,
		      struct check_ctx *ctx, struct findings *f)
{
	_cleanup_free_ char *label = kept_label(sh);
	_cleanup_close_ int fd = -1;
	const char *tag = share_tag(sh);
	struct stat st;

	if (strlen(tag) > SHARE_TAG_MAX) {
		finding_fail(f, "share", "add tag = a name of at most 36 bytes to the section",
			     "[share %s]: the mount tag '%s' is longer than virtiofs allows "
			     "(%d bytes)", sh->name, tag, SHARE_TAG_MAX);
		return;
	}
	fd = check_open_path(sh->path, false, &st);
	if (fd < 0) {
		finding_fail(f, "share", fd == -ELOOP ? "name the directory itself, not a link "
			     "to it" : "create the directory, or correct path =",
			     "[share %s]: %s: %s", sh->name, sh->path,
			     fd == -ELOOP ? "a symbolic link (the box is given only what the "
			     "check looked at)" : strerror(-fd));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		finding_fail(f, "share", "point path = at a directory",
			     "[share %s]: %s is not a directory", sh->name, sh->path);
		return;
	}
	if (st.st_uid != geteuid())
		finding_warn(f, "share", "share a directory of your own",
			     "[share %s]: %s belongs to uid %u, not you: the guest gets what "
			     "you may do there, and cannot create files unless you may",
			     sh->name, sh->path, (unsigned)st.st_uid);
	warn_too_wide(sh, &st, f);
	if (!label || check_ctx_keep(ctx, label, fd, sh->readonly ? GRANT_RO : GRANT_RW,
				     false) < 0) {
		finding_fail(f, "share", NULL, "[share %s]: cannot keep %s: %s", sh->name,
			     sh->path, strerror(ENOMEM));
		return;
	}
	(void)p;
	finding_pass(f, "share", "[share %s]: %s for the guest as tag %s (%s), served by "
		     "virtiofsd in a box of its own", sh->name, sh->path, tag,
		     sh->readonly ? "read-only" : "read-write");
}

static void share_check(const struct profile *p, struct check_ctx *ctx, struct findings *f)
{
	if (p->n_shares == 0)
		return;
	if (p->sandbox != SANDBOX_ON && p->sandbox != SANDBOX_STRICT) {
		finding_fail(f, "share", "use sandbox = on (the default), or remove the [share] "
			     "sections",
			     "[share] needs sandbox = on or strict: virtiofsd gets the "
			     "capabilities it needs only in a user namespace of its own");
		return;
	}
	if (access(VIRTIOFSD_PATH, X_OK) < 0)
		finding_fail(f, "share", "apt install qemu-system-common",
			     "[share] needs %s: %s", VIRTIOFSD_PATH, strerror(errno));
	for (size_t i = 0; i < p->n_shares; i++)
		check_one(p, &p->shares[i], ctx, f);
}

/* QEMU reaches nothing of a share but its socket: the directory is
 * virtiofsd's alone (share_helpers). */
static int share_grants(const struct profile *p, const struct check_ctx *ctx,
			const struct vm_paths *paths, const struct grants *checked,
			struct grants *ret)
{
	(void)p;
	(void)ctx;
	(void)paths;
	(void)checked;
	(void)ret;
	return 0;
}

static int share_argv(const struct profile *p, const struct render_env *env,
		      struct strv *sv)
{
	for (size_t i = 0; i < p->n_shares; i++) {
		_cleanup_free_ char *tag = qemu_escape(share_tag(&p->shares[i]));
		char id[32];

		if (!tag)
			return -ENOMEM;
		snprintf(id, sizeof(id), "fs%zu", i);
		TRY(strv_push(sv, "-chardev"));
		TRY(strv_pushf(sv, "socket,id=char%s,fd=%d", id,
			       render_helper_fd(env, id, SHARE_FD_PLACEHOLDER + (int)i)));
		TRY(strv_push(sv, "-device"));
		TRY(strv_pushf(sv, "vhost-user-fs-pci,chardev=char%s,tag=%s", id, tag));
	}
	return 0;
}

/* One virtiofsd per share, listening on its end (--fd: it accepts the
 * one connection, QEMU's, then closes the listener), in the box
 * sandbox_policy_build_share makes from the directory the check kept.
 * It ends by itself when QEMU closes the socket (virtio_loop). */
static int share_helpers(const struct profile *p, const struct check_ctx *ctx,
			 struct helper_list *list)
{
	const struct grants *kept = share_kept(ctx);

	for (size_t i = 0; i < p->n_shares; i++) {
		const struct share_item *sh = &p->shares[i];
		_cleanup_free_ char *label = kept_label(sh);
		const struct grant *g;
		struct helper *h;
		char id[32];

		if (!label)
			return -ENOMEM;
		g = kept ? grants_find(kept, label) : NULL;
		if (!g || g->fd < 0)
			return -ENOENT; /* its check FAILed: run refuses before */
		snprintf(id, sizeof(id), "fs%zu", i);
		TRY(helper_list_add(list, id, "virtiofsd", &h));
		h->listen = true;
		TRY(strv_push(&h->argv, VIRTIOFSD_PATH));
		/* -f: in the foreground, the supervisor's child (its pidfd);
		 * daemonized, PID 1 of the box would exit. */
		TRY(strv_push(&h->argv, "-f"));
		TRY(strv_push(&h->argv, "--fd={fd}"));
		TRY(strv_push2(&h->argv, "-o", "source=" SHARE_BOX_PATH));
		/* chroot: the box already is its namespace sandbox. */
		TRY(strv_push2(&h->argv, "-o", "sandbox=chroot"));
		TRY(strv_push2(&h->argv, "-o", "cache=auto"));
		/* warn and info print its connection chatter (and a line per
		 * virtqueue at the end, from QEMU 7.2's fuse_virtio.c) on the
		 * terminal. */
		TRY(strv_push2(&h->argv, "-o", "log_level=err"));
		/* 0: leave RLIMIT_NOFILE as it is; raising it is refused in a
		 * user namespace (CAP_SYS_RESOURCE of the host). */
		TRY(strv_push(&h->argv, "--rlimit-nofile=0"));
		TRY(sandbox_policy_build_share(p, VIRTIOFSD_PATH, g->fd, sh->readonly,
					       &h->policy));
	}
	return 0;
}

const struct resource resource_share = {
	.name = "share",
	.check = share_check,
	.grants = share_grants,
	.argv = share_argv,
	.helpers = share_helpers,
};
