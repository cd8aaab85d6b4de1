/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * [input] evdev devices passed to QEMU's input-linux object
 * (-object input-linux,evdev=PATH,grab_all=on,repeat=on,grab-toggle=KEYS).
 */
#pragma once

struct profile;
struct check_ctx;
struct findings;

/* The char device major of evdev nodes (/dev/input/eventN): INPUT_MAJOR in
 * the kernel's include/uapi/linux/major.h. */
#define EVDEV_MAJOR 13

/*
 * Probes one evdev path the way QEMU 7.2 opens it (ui/input-linux.c:
 * open(evdev, O_RDWR), then ioctl EVIOCGVERSION): the path (links
 * followed, as /dev/input/by-id/ names are links) must be a character
 * device of major EVDEV_MAJOR that we can open read-write and that
 * answers EVIOCGVERSION. Returns 0 and *ret_version; -ENOENT, -EACCES
 * (open denied), -ENODEV (not a character device), -EMEDIUMTYPE (a
 * character device of another major, *ret_major set), -ENOTTY (the ioctl
 * failed: not an evdev node), other -errno. No side effect: nothing is
 * grabbed or read.
 */
int evdev_probe(const char *path, int *ret_version, unsigned *ret_major);

/* True for a grab-toggle value QEMU 7.2 accepts (QAPI GrabToggleKeys). */
int evdev_grab_toggle_valid(const char *keys);

/*
 * The [input] check: one finding "evdev PATH" per device; keeps the node
 * at the profile's path, read-write (QEMU opens it O_RDWR). A link is
 * followed only under /dev/input/by-* (udev's); any other link FAILs.
 */
void evdev_check(const struct profile *p, struct check_ctx *ctx,
		 struct findings *f);
