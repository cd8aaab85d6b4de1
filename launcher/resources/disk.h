/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * [disk] items: block devices and image files. Checked with the user's own
 * rights (open(), never access()), against the host's mounts, swaps and
 * block-device holders read under ctx->procfs and ctx->sysfs.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "check.h"

/* What an image file's first bytes say. */
enum image_kind { IMAGE_RAW, IMAGE_QCOW2 };

/*
 * Guesses the format of an image from its first bytes: qcow2 starts with
 * the magic "QFI\xfb" (QEMU docs/interop/qcow2.txt); anything else is
 * taken as raw. Pure.
 */
enum image_kind image_kind_from_header(const unsigned char *buf, size_t len);

/* True when the file open on fd is an ISO 9660 image: "CD001" at byte
 * 0x8001 (ECMA-119 8.1, the first volume descriptor at sector 16). Reads
 * with pread (the offset is kept). */
bool image_is_iso9660(int fd);

/*
 * Why the block device dev (st_rdev) is busy on the host: dev itself, and
 * for a whole disk every partition on it, for a partition its whole disk
 * (sibling partitions do not count): mounted (procfs/self/mountinfo,
 * major:minor field), swapped on (procfs/swaps), or held by another block
 * device (sysfs/class/block/NAME/holders: LVM, dm-crypt, md). Writes a
 * human sentence into buf ("" when free). Returns 0 or -errno when the
 * device is unknown to sysfs.
 */
int blockdev_busy_reason(const char *sysfs, const char *procfs, dev_t dev,
			 char *buf, size_t len);

/*
 * The disk check: one finding "disk NAME" per [disk] item (NAME: the
 * section's name, else "disk N"). The path must exist (a /dev/disk/by-*
 * link is resolved for the check; the profile's stable name is what QEMU
 * gets), be a regular file or a block device the user can open read-write
 * (read-only when readonly or cdrom), a block device must not be busy
 * (blockdev_busy_reason), and an image whose header disagrees with
 * format = is reported (raw declared but a qcow2 header: WARN; qcow2
 * declared but no header: FAIL, QEMU refuses it). A directory FAILs; a
 * symlink FAILs unless under /dev/disk/ (udev's stable names, followed
 * once, must be a block device). Keeps the object at the path as
 * written (check_ctx_keep), read-write or read-only.
 */
void disk_check(const struct profile *p, struct check_ctx *ctx,
		struct findings *f);
