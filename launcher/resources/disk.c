// SPDX-License-Identifier: GPL-2.0-or-later
#include "disk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "sysfs.h"
#include "render.h"
#include "resource.h"

enum image_kind image_kind_from_header(const unsigned char *buf, size_t len)
{
	static const unsigned char qcow2_magic[4] = { 'Q', 'F', 'I', 0xfb };
	if (len >= sizeof(qcow2_magic) && memcmp(buf, qcow2_magic, sizeof(qcow2_magic)) == 0)
		return IMAGE_QCOW2;
	return IMAGE_RAW;
}

bool image_is_iso9660(int fd)
{
	/* ECMA-119 (ISO 9660) 8.1: the volume descriptors start at logical
	 * sector 16 (2048-byte sectors: byte 0x8000); each begins with its
	 * type byte, then the standard identifier "CD001". */
	char id[5];

	return pread(fd, id, sizeof(id), 0x8001) == (ssize_t)sizeof(id) &&
	       memcmp(id, "CD001", sizeof(id)) == 0;
}

/* A block device of the set we look at: the disk and its partitions. */
struct blk {
	char name[64]; /* kernel name: sda, sda1, nvme0n1p4 */
	dev_t dev;
};

struct blkset {
	struct blk items[128];
	size_t n;
};

static int parse_devt(const char *s, dev_t *ret)
{
	unsigned ma, mi;
	char tail;
	if (sscanf(s, "%u:%u%c", &ma, &mi, &tail) != 2)
		return -EINVAL;
	*ret = makedev(ma, mi);
	return 0;
}

static void blkset_add(struct blkset *s, const char *name, dev_t dev)
{
	if (s->n >= sizeof(s->items) / sizeof(s->items[0]))
		return;
	snprintf(s->items[s->n].name, sizeof(s->items[0].name), "%.63s", name);
	s->items[s->n].dev = dev;
	s->n++;
}

/*
 * Fills s with the devices whose use on the host makes dev busy, from
 * sysfs/dev/block/MAJ:MIN (a link to .../block/DISK or .../block/DISK/PART;
 * a partition's directory holds a "partition" attribute):
 *   - a whole disk: itself and every partition on it;
 *   - a partition: itself and its whole disk (not its sibling partitions:
 *     giving the guest one partition while another is mounted is normal).
 */
static int blkset_collect(int sysfs_fd, dev_t dev, struct blkset *s)
{
	char rel[64], buf[64], target[4096];

	snprintf(rel, sizeof(rel), "dev/block/%u:%u", major(dev), minor(dev));
	ssize_t n = readlinkat(sysfs_fd, rel, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	_cleanup_close_ int fd = openat(sysfs_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char *base = strrchr(target, '/');
	const char *self = base ? base + 1 : target;

	if (faccessat(fd, "partition", F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		blkset_add(s, self, dev);
		if (!base)
			return 0;
		*base = '\0';
		char *b2 = strrchr(target, '/');
		_cleanup_close_ int diskfd = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		dev_t ddev;
		if (diskfd >= 0 && sysfs_read_attr(diskfd, "dev", buf, sizeof(buf)) == 0 &&
		    parse_devt(buf, &ddev) == 0)
			blkset_add(s, b2 ? b2 + 1 : target, ddev);
		return 0;
	}

	blkset_add(s, self, dev);
	_cleanup_closedir_ DIR *dir = NULL;
	int r = sysfs_opendir(fd, ".", 0, &dir);
	if (r < 0)
		return r;
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		_cleanup_close_ int pfd = openat(dirfd(dir), de->d_name,
						 O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (pfd < 0)
			continue;
		if (faccessat(pfd, "partition", F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		dev_t pdev;
		if (sysfs_read_attr(pfd, "dev", buf, sizeof(buf)) < 0 || parse_devt(buf, &pdev) < 0)
			continue;
		blkset_add(s, de->d_name, pdev);
	}
	return 0;
}

/* mountinfo(5): "ID PARENT MAJ:MIN ROOT MOUNTPOINT ..." */
static void check_mounts(const char *procfs, const struct blkset *s, char *buf, size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/self/mountinfo", procfs);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f)
		return;
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		char devs[32], mnt[4096];
		if (sscanf(line, "%*u %*u %31s %*s %4095s", devs, mnt) != 2)
			continue;
		dev_t d;
		if (parse_devt(devs, &d) < 0)
			continue;
		for (size_t i = 0; i < s->n; i++)
			if (s->items[i].dev == d)
				buf_appendf(buf, len, "%s%s is mounted on %s", buf[0] ? "; " : "",
					s->items[i].name, mnt);
	}
}

/* /proc/swaps: a header line, then "Filename Type Size Used Priority". */
static void check_swaps(const char *procfs, const struct blkset *s, char *buf, size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/swaps", procfs);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f)
		return;
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	bool header = true;
	while (getline(&line, &cap, f) > 0) {
		char file[4096];
		if (header) {
			header = false;
			continue;
		}
		if (sscanf(line, "%4095s", file) != 1)
			continue;
		const char *base = strrchr(file, '/');
		base = base ? base + 1 : file;
		struct stat st;
		bool same_dev = stat(file, &st) == 0 && S_ISBLK(st.st_mode);
		for (size_t i = 0; i < s->n; i++)
			if (strcmp(s->items[i].name, base) == 0 ||
			    (same_dev && st.st_rdev == s->items[i].dev))
				buf_appendf(buf, len, "%s%s is in use as swap", buf[0] ? "; " : "",
					s->items[i].name);
	}
}

static void check_holders(int sysfs_fd, const struct blkset *s, char *buf, size_t len)
{
	for (size_t i = 0; i < s->n; i++) {
		char rel[128];
		snprintf(rel, sizeof(rel), "class/block/%s/holders", s->items[i].name);
		_cleanup_closedir_ DIR *dir = NULL;
		if (sysfs_opendir(sysfs_fd, rel, 0, &dir) < 0)
			continue;
		struct dirent *de;
		char holders[256] = "";
		while ((de = readdir(dir)))
			if (de->d_name[0] != '.')
				buf_appendf(holders, sizeof(holders), "%s%s", holders[0] ? ", " : "",
					de->d_name);
		if (holders[0])
			buf_appendf(buf, len, "%s%s is held by %s (LVM, dm-crypt or md)",
				buf[0] ? "; " : "", s->items[i].name, holders);
	}
}

int blockdev_busy_reason(const char *sysfs, const char *procfs, dev_t dev,
			 char *buf, size_t len)
{
	struct blkset s = { .n = 0 };
	buf[0] = '\0';
	_cleanup_close_ int sysfs_fd = open(sysfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sysfs_fd < 0)
		return -errno;
	int r = blkset_collect(sysfs_fd, dev, &s);
	if (r < 0)
		return r;
	check_mounts(procfs, &s, buf, len);
	check_swaps(procfs, &s, buf, len);
	check_holders(sysfs_fd, &s, buf, len);
	return 0;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0) {
		fputs("vfio-launch: out of memory\n", stderr);
		abort();
	}
	return s;
}

static void check_one(const struct profile *p, const struct disk_item *d, size_t idx,
		      struct check_ctx *ctx, struct findings *f)
{
	char res[128];
	_cleanup_free_ char *fix = NULL, *where = NULL;
	bool ro = d->readonly || d->media == DISK_MEDIA_CDROM;
	struct stat st;

	if (d->name && *d->name)
		snprintf(res, sizeof(res), "disk %s", d->name);
	else
		snprintf(res, sizeof(res), "disk %zu", idx);
	where = xasprintf("%s:%u", p->file, d->line);

	/* The object the checks look at and the box grants: O_NOFOLLOW,
	 * so a link cannot send the grant elsewhere later; only udev's
	 * stable names under /dev/disk/ (by-id, by-uuid, ...) are followed,
	 * once, and must then be block devices. The profile's name is what
	 * QEMU is given; realpath() names the device in messages. */
	bool by_link = startswith(d->path, "/dev/disk/");
	_cleanup_close_ int opath = check_open_path(d->path, by_link, &st);
	if (opath < 0) {
		int e = -opath;
		if (e == ELOOP)
			fix = xasprintf("name the image itself at %s, not a symbolic link to it",
					where);
		else if (e == ENOENT && !startswith(d->path, "/dev/") &&
			 d->media != DISK_MEDIA_CDROM)
			/* an image yet to be made (an ISO is downloaded, not made) */
			fix = xasprintf("create it: qemu-img create -f %s %s SIZE (e.g. 64G), "
					"or correct path = at %s",
					d->format == DISK_FORMAT_QCOW2 ? "qcow2" : "raw", d->path,
					where);
		else
			fix = xasprintf("correct path = at %s%s", where,
					e == ENOENT && by_link ?
						" (ls -l /dev/disk/by-id/ lists the stable names)" :
						"");
		finding_fail(f, res, fix, "%s: %s", d->path,
			     e == ELOOP ? "a symbolic link (QEMU is given only what the check "
					  "looked at, and a link may point elsewhere later)"
					: strerror(e));
		return;
	}
	_cleanup_free_ char *real = realpath(d->path, NULL);
	if (!real)
		real = xasprintf("%s", d->path);
	bool blk = S_ISBLK(st.st_mode);
	if (S_ISDIR(st.st_mode)) {
		fix = xasprintf("point path = at %s to a block device or an image file", where);
		finding_fail(f, res, fix, "%s is a directory; a disk is a block device or an "
			     "image file", d->path);
		return;
	}
	if (!blk && (by_link || !S_ISREG(st.st_mode))) {
		fix = xasprintf("point path = at %s to a block device or an image file", where);
		finding_fail(f, res, fix, "%s is neither a block device nor a regular file",
			     d->path);
		return;
	}

	(void)check_ctx_keep(ctx, d->path, opath, ro ? GRANT_RO : GRANT_RW, blk);

	/* The user's real rights: open it as QEMU will (the same object:
	 * compared below). */
	int fd = open(d->path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
				       (by_link ? 0 : O_NOFOLLOW));
	if (fd < 0) {
		int e = errno;
		if (blk)
			fix = xasprintf("as root: allowlist it by its stable id in "
				 "/etc/vfio-launch/privhelper.conf and run "
				 "`vfio-privhelper apply-rules` (the udev rule gives it to group vfio)");
		else if ((e == EACCES || e == EPERM) && st.st_uid == geteuid())
			fix = xasprintf("chmod u+%s %s%s%s", ro ? "r" : "rw", real,
					ro ? "" : ", or set readonly = yes at ",
					ro ? "" : where);
		else if (e == EACCES || e == EPERM)
			fix = xasprintf("as root: chown $USER %s (it belongs to uid %u)%s%s",
					real, (unsigned)st.st_uid,
					ro ? "" : ", or set readonly = yes at ",
					ro ? "" : where);
		else if (e == EROFS)
			fix = xasprintf("set readonly = yes at %s (the file system is read-only)",
					where);
		finding_fail(f, res, fix, "%s: cannot open %s: %s", d->path,
			     ro ? "read-only" : "read-write", strerror(e));
		return;
	}
	struct stat st2;
	if (fstat(fd, &st2) < 0 || st2.st_dev != st.st_dev || st2.st_ino != st.st_ino) {
		close(fd);
		fix = xasprintf("run the check again once nothing renames or replaces %s", d->path);
		finding_fail(f, res, fix, "%s changed while it was checked", d->path);
		return;
	}

	if (blk) {
		close(fd);
		char why[1024];
		int r = blockdev_busy_reason(ctx->sysfs, ctx->procfs, st.st_rdev, why,
					     sizeof(why));
		if (r < 0) {
			finding_warn(f, res, NULL,
				     "%s (%u:%u): not found in %s/dev/block (%s); "
				     "mounts and holders not checked",
				     d->path, major(st.st_rdev), minor(st.st_rdev),
				     ctx->sysfs, strerror(-r));
			return;
		}
		if (why[0]) {
			fix = xasprintf("unmount it, swapoff it or stop what holds it (and remove it "
				 "from /etc/fstab) before giving it to the guest; two systems "
				 "writing one disk destroy its file systems");
			finding_fail(f, res, fix, "%s is in use on the host: %s", d->path, why);
			return;
		}
		finding_pass(f, res, "block device %s%s%s, %s, not in use on the host",
			     d->path, strcmp(real, d->path) ? " -> " : "",
			     strcmp(real, d->path) ? real : "", ro ? "read-only" : "read-write");
		return;
	}

	unsigned char hdr[8];
	ssize_t n = read(fd, hdr, sizeof(hdr));
	bool iso = image_is_iso9660(fd);
	close(fd);
	if (iso && d->media != DISK_MEDIA_CDROM) {
		/* QEMU would give the guest a writable hard disk holding a CD
		 * file system: installers do not find it, and it is writable. */
		fix = xasprintf("add media = cdrom to [disk %s] at %s", d->name ? d->name : "",
				where);
		finding_warn(f, res, fix,
			     "%s is an ISO 9660 (CD/DVD) image but media = disk: the guest "
			     "sees a %s hard disk, not a CD-ROM", d->path,
			     ro ? "read-only" : "writable");
		return;
	}
	enum image_kind kind = image_kind_from_header(hdr, n > 0 ? (size_t)n : 0);
	if (d->format == DISK_FORMAT_RAW && kind == IMAGE_QCOW2) {
		fix = xasprintf("set format = qcow2 at %s", where);
		finding_warn(f, res, fix,
			     "%s has a qcow2 header but format = raw: the guest would see "
			     "the qcow2 metadata, not the disk", d->path);
		return;
	}
	if (d->format == DISK_FORMAT_QCOW2 && kind != IMAGE_QCOW2) {
		fix = xasprintf("set format = raw at %s, or convert it: qemu-img convert -O qcow2 %s NEW.qcow2",
			 where, d->path);
		finding_fail(f, res, fix, "%s has no qcow2 header but format = qcow2: QEMU "
			     "refuses to open it", d->path);
		return;
	}
	finding_pass(f, res, "image %s (%s, %s)", d->path,
		     kind == IMAGE_QCOW2 ? "qcow2" : "raw", ro ? "read-only" : "read-write");
}

void disk_check(const struct profile *p, struct check_ctx *ctx,
		struct findings *f)
{
	for (size_t i = 0; i < p->n_disks; i++)
		check_one(p, &p->disks[i], i, ctx, f);
}

/* ---------------------------------------------------------------- argv */

static const char *disk_cache_string(enum disk_cache c)
{
	switch (c) {
	case DISK_CACHE_WRITEBACK:
		return "writeback";
	case DISK_CACHE_WRITETHROUGH:
		return "writethrough";
	default:
		return "none";
	}
}

static int disk_argv(const struct profile *p, const struct render_env *env,
		     struct strv *sv)
{
	unsigned ahci = 0, scsi_unit = 0, blk = 0;
	bool scsi = false;

	(void)env;

	for (size_t i = 0; i < p->n_disks; i++) {
		const struct disk_item *d = &p->disks[i];
		if (d->interface == DISK_SCSI ||
		    (d->interface == DISK_VIRTIO && d->media == DISK_MEDIA_CDROM))
			scsi = true;
	}
	/* One virtio-scsi controller for every scsi disk (and virtio cdrom:
	 * virtio-blk has no removable media). */
	/* [cpu] iothreads (pin.c renders io0..ioN-1): the virtio-scsi
	 * controller takes io0, each virtio-blk disk the next in turn
	 * (QEMU 7.2: virtio-blk-pci and virtio-scsi-pci have iothread=). */
	if (scsi)
		TRY(strv_push2(sv, "-device", p->iothreads ? "virtio-scsi-pci,id=scsi0,iothread=io0"
							    : "virtio-scsi-pci,id=scsi0"));

	for (size_t i = 0; i < p->n_disks; i++) {
		const struct disk_item *d = &p->disks[i];
		bool cdrom = d->media == DISK_MEDIA_CDROM;
		_cleanup_free_ char *path = qemu_escape(d->path);
		_cleanup_free_ char *serial = NULL;

		if (!path)
			return -ENOMEM;
		/* -drive if=none + a front-end -device: QEMU picks the
		 * protocol (file or host_device) from the path itself. */
		TRY(strv_push(sv, "-drive"));
		TRY(strv_pushf(sv, "file=%s,if=none,id=drive%zu,format=%s,cache=%s%s%s%s",
			       path, i,
			       d->format == DISK_FORMAT_QCOW2 ? "qcow2" : "raw",
			       disk_cache_string(d->cache),
			       d->discard ? ",discard=unmap" : "",
			       cdrom ? ",media=cdrom" : "",
			       d->readonly || cdrom ? ",readonly=on" : ""));
		TRY(strv_push(sv, "-device"));
		switch (d->interface) {
		case DISK_SATA:
			TRY(strv_pushf(sv, "%s,bus=ide.%u,drive=drive%zu,id=disk%zu",
				       cdrom ? "ide-cd" : "ide-hd", ahci++, i, i));
			break;
		case DISK_NVME:
			/* nvme requires serial=; the NVMe serial number field
			 * is 20 bytes (NVMe base spec, Identify Controller). */
			if (asprintf(&serial, "%.20s", d->name ? d->name : "disk") < 0)
				return -ENOMEM;
			{
				_cleanup_free_ char *es = qemu_escape(serial);
				if (!es)
					return -ENOMEM;
				TRY(strv_pushf(sv, "nvme,drive=drive%zu,id=disk%zu,serial=%s",
					       i, i, es));
			}
			break;
		case DISK_SCSI:
			TRY(strv_pushf(sv, "%s,bus=scsi0.0,scsi-id=%u,drive=drive%zu,id=disk%zu",
				       cdrom ? "scsi-cd" : "scsi-hd", scsi_unit++, i, i));
			break;
		default: /* DISK_VIRTIO */
			if (cdrom)
				TRY(strv_pushf(sv, "scsi-cd,bus=scsi0.0,scsi-id=%u,drive=drive%zu,id=disk%zu",
					       scsi_unit++, i, i));
			else if (p->iothreads)
				TRY(strv_pushf(sv, "virtio-blk-pci,drive=drive%zu,id=disk%zu,iothread=io%u",
					       i, i, blk++ % p->iothreads));
			else
				TRY(strv_pushf(sv, "virtio-blk-pci,drive=drive%zu,id=disk%zu", i, i));
			break;
		}
	}
	return 0;
}

const struct resource resource_disk = {
	.name = "disk",
	.check = disk_check,
	.argv = disk_argv,
};
