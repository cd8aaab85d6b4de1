// SPDX-License-Identifier: GPL-2.0-or-later
#include "evdev.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "check.h"
#include "cleanup.h"
#include "findings.h"
#include "profile.h"
#include "render.h"
#include "resource.h"

int evdev_probe(const char *path, int *ret_version, unsigned *ret_major)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int version = 0;

	/* stat before open: never open something that is not an input
	 * device (opening a device node can have side effects). */
	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISCHR(st.st_mode))
		return -ENODEV;
	if (major(st.st_rdev) != EVDEV_MAJOR) {
		if (ret_major)
			*ret_major = major(st.st_rdev);
		return -EMEDIUMTYPE;
	}
	fd = open(path, O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* The descriptor must be the node we looked at. */
	struct stat st2;
	if (fstat(fd, &st2) < 0)
		return -errno;
	if (!S_ISCHR(st2.st_mode) || st2.st_rdev != st.st_rdev)
		return -ENODEV;
	if (ioctl(fd, EVIOCGVERSION, &version) < 0)
		return -ENOTTY;
	if (ret_version)
		*ret_version = version;
	return 0;
}

int evdev_grab_toggle_valid(const char *keys)
{
	/* QEMU 7.2 qapi/common.json, enum GrabToggleKeys. */
	static const char *const valid[] = {
		"ctrl-ctrl", "alt-alt", "shift-shift", "meta-meta",
		"scrolllock", "ctrl-scrolllock",
	};
	for (size_t i = 0; i < ELEMENTSOF(valid); i++)
		if (strcmp(keys, valid[i]) == 0)
			return 1;
	return 0;
}

void evdev_check(const struct profile *p, struct check_ctx *ctx,
		 struct findings *f)
{
	for (size_t i = 0; i < p->n_evdev; i++) {
		const struct evdev_item *it = &p->evdev[i];
		_cleanup_free_ char *res = NULL, *real = NULL;
		unsigned maj = 0;
		int version = 0, r;

		if (asprintf(&res, "evdev %s", it->path) < 0)
			abort();
		if (it->grab_toggle && !evdev_grab_toggle_valid(it->grab_toggle)) {
			finding_fail(f, res,
				     "use one of ctrl-ctrl, alt-alt, shift-shift, meta-meta, scrolllock, ctrl-scrolllock",
				     "%s:%u: grab-toggle=%s is not a key combination QEMU knows",
				     p->file ? p->file : "profile", it->line, it->grab_toggle);
			continue;
		}
		r = evdev_probe(it->path, &version, &maj);
		switch (r) {
		case 0:
			break;
		case -ENOENT:
			finding_fail(f, res,
				     "plug the device in, or list the devices: ls -l /dev/input/by-id/ and fix [input] evdev =",
				     "%s does not exist", it->path);
			continue;
		case -EACCES:
		case -EPERM:
			finding_fail(f, res,
				     "add yourself to the group owning it (usermod -aG input $USER, then log in again), "
				     "or a udev rule giving your seat access: TAG+=\"uaccess\"",
				     "%s cannot be opened read-write by you (QEMU's input-linux opens it O_RDWR)",
				     it->path);
			continue;
		case -ENODEV:
			finding_fail(f, res,
				     "use a /dev/input/eventN node or its /dev/input/by-id/*-event-* link",
				     "%s is not a character device", it->path);
			continue;
		case -EMEDIUMTYPE:
			finding_fail(f, res,
				     "use a /dev/input/eventN node or its /dev/input/by-id/*-event-* link",
				     "%s is not an evdev node (character device major %u, evdev is %d)",
				     it->path, maj, EVDEV_MAJOR);
			continue;
		case -ENOTTY:
			finding_fail(f, res,
				     "use a /dev/input/eventN node or its /dev/input/by-id/*-event-* link",
				     "%s does not answer EVIOCGVERSION: not an evdev node", it->path);
			continue;
		default:
			finding_fail(f, res, NULL, "%s: %s", it->path, strerror(-r));
			continue;
		}
		/* The box grants the node the check probed, at the path
		 * QEMU is given: udev's by-id/by-path links are followed
		 * once, any other link is refused. */
		struct stat st;
		_cleanup_close_ int opath =
			check_open_path(it->path, startswith(it->path, "/dev/input/by-"), &st);
		if (opath < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != EVDEV_MAJOR) {
			finding_fail(f, res,
				     opath == -ELOOP ? "name the node itself, or its /dev/input/by-id/ link"
						     : "run the check again once the device stays put",
				     "%s: %s", it->path,
				     opath == -ELOOP ? "a symbolic link outside /dev/input/by-id and by-path"
						     : "changed while it was checked");
			continue;
		}
		(void)check_ctx_keep(ctx, it->path, opath, GRANT_RW, true);
		real = realpath(it->path, NULL);
		finding_pass(f, res, "evdev node%s%s, driver version %d.%d.%d, read-write%s%s",
			     real && strcmp(real, it->path) ? " " : "",
			     real && strcmp(real, it->path) ? real : "",
			     version >> 16, (version >> 8) & 0xff, version & 0xff,
			     it->grab_all ? ", grab_all" : "", it->repeat ? ", repeat" : "");
	}
}

/* ---------------------------------------------------------------- argv */

static int evdev_argv(const struct profile *p, const struct render_env *env,
		      struct strv *sv)
{
	(void)env;
	for (size_t i = 0; i < p->n_evdev; i++) {
		const struct evdev_item *e = &p->evdev[i];
		_cleanup_free_ char *path = qemu_escape(e->path);
		_cleanup_free_ char *toggle = NULL;

		if (!path)
			return -ENOMEM;
		if (e->grab_toggle) {
			toggle = qemu_escape(e->grab_toggle);
			if (!toggle)
				return -ENOMEM;
		}
		/* QEMU input-linux object (qom/object: input-linux): evdev,
		 * grab_all, repeat, grab-toggle. */
		TRY(strv_push(sv, "-object"));
		TRY(strv_pushf(sv, "input-linux,id=input%zu,evdev=%s%s%s%s%s", i, path,
			       e->grab_all ? ",grab_all=on" : "",
			       e->repeat ? ",repeat=on" : "",
			       toggle ? ",grab-toggle=" : "", toggle ? toggle : ""));
	}
	return 0;
}

const struct resource resource_input = {
	.name = "input",
	.check = evdev_check,
	.argv = evdev_argv,
};
