// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading sysfs, and the one primitive for writing it: always openat from a
 * directory fd of /sys, O_NOFOLLOW on every attribute (a link where the
 * kernel makes a file means the tree is not the kernel's), readlinkat for the
 * links read by name, a BDF validated before it goes into a path. Layout:
 * kernel Documentation/ABI/testing/sysfs-bus-pci, sysfs-kernel-iommu_groups. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "ph.h"

/* openat a regular file, never through a link nor blocking (on a planted
 * FIFO). Returns the fd, -ELOOP for a link (O_PATH opens the link itself),
 * -EINVAL for another type, or -errno. */
static int open_reg(int dirfd, const char *name, int flags)
{
	int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK), r = 0;
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = S_ISLNK(st.st_mode) ? -ELOOP : -EINVAL;
	if (r < 0)
		close(fd);
	return r < 0 ? r : fd;
}

/* Reads a small attribute into buf, trailing newline removed. Returns 0,
 * -EFBIG when it does not fit, or open_reg's errors. */
int ph_read_attr(int dirfd, const char *name, char *buf, size_t size)
{
	_ph_cleanup_close_ int fd = open_reg(dirfd, name, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return fd;
	if ((n = read(fd, buf, size - 1)) < 0)
		return -errno;
	if ((size_t)n == size - 1)
		return -EFBIG;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return 0;
}

/* The last component of a symlink's target ("vfio-pci" for a driver link),
 * checked with ph_name_valid. Returns 0, -ENOENT (no link), -EINVAL (a
 * strange target) or -errno. */
int ph_read_link_name(int dirfd, const char *name, char *buf, size_t size)
{
	char target[512], *base;
	ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);

	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	if (!ph_name_valid(base) || strlen(base) >= size)
		return -EINVAL;
	strcpy(buf, base);
	return 0;
}

/* 0 when name is a regular file a later write can open without following a
 * link, else open_reg's errors with "SHOWN is a symlink" (or "is not a
 * regular file") in w. O_PATH: nothing is opened for writing. */
int ph_check_writable(int dirfd, const char *name, const char *shown, struct ph_why *w)
{
	int fd = open_reg(dirfd, name, O_PATH);

	if (fd < 0)
		return ph_why_set(w, "%s is %s; refusing to write there", shown,
				  fd == -ELOOP ? "a symlink" : "not a regular file"), fd;
	return close(fd), 0;
}

/* Writes val in one write(2), as sysfs store methods expect. Returns 0 or
 * -errno. Callers say above each call why that write is safe. */
int ph_write_attr(int dirfd, const char *name, const char *val)
{
	_ph_cleanup_close_ int fd = open_reg(dirfd, name, O_WRONLY | O_TRUNC);
	size_t len = strlen(val);

	if (fd < 0)
		return fd;
	errno = 0;
	return write(fd, val, len) == (ssize_t)len ? 0 : errno ? -errno : -EIO;
}

/* The device's directory /sys/bus/pci/devices/BDF (a link the kernel makes,
 * followed). Returns an fd, -EINVAL for a malformed BDF, or -errno. */
int ph_dev_open(int sysfd, const char *bdf)
{
	char path[32];
	int fd;

	if (!ph_bdf_valid(bdf))
		return -EINVAL;
	snprintf(path, sizeof(path), "bus/pci/devices/%s", bdf);
	fd = openat(sysfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* path under dirfd as a DIR, or NULL with errno; flags: O_NOFOLLOW or 0. */
static DIR *open_dir(int dirfd, const char *path, int flags)
{
	int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | flags);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);

	if (fd >= 0 && !d)
		close(fd);
	return d;
}

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
#define _cleanup_dir_ __attribute__((cleanup(closedirp)))

/* The next entry but "." and "..", or NULL. */
static struct dirent *next_entry(DIR *d)
{
	struct dirent *de;

	while ((de = readdir(d)) && (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")))
		;
	return de;
}

/* "0x10de" and the like, as the kernel prints vendor, device and class. */
static int read_hex(int dirfd, const char *name, uint32_t max, uint32_t *ret)
{
	char buf[16];
	unsigned long v;
	int r = ph_read_attr(dirfd, name, buf, sizeof(buf));

	if (r < 0)
		return r;
	if (strncmp(buf, "0x", 2) || strlen(buf) > 8 || !ph_all_of(buf + 2, "0123456789abcdef") ||
	    (v = strtoul(buf + 2, NULL, 16)) > max)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

/* Fills *ret: IDs, class, bound driver, IOMMU group. Returns 0, or -errno
 * with the reason in w. */
int ph_dev_read(int sysfd, const char *bdf, struct ph_dev *ret, struct ph_why *w)
{
	_ph_cleanup_close_ int dfd = ph_dev_open(sysfd, bdf);
	char grp[PH_NAME_SIZE];
	uint32_t v, d;
	int r;

	*ret = (struct ph_dev){ .group = -1 };
	if (dfd < 0)
		return ph_why_set(w, "%s: no such PCI device in /sys/bus/pci/devices", bdf), dfd;
	strcpy(ret->bdf, bdf);
	if ((r = read_hex(dfd, "vendor", 0xffff, &v)) < 0 || (r = read_hex(dfd, "device", 0xffff, &d)) < 0 ||
	    (r = read_hex(dfd, "class", 0xffffff, &ret->class)) < 0)
		return ph_why_set(w, "%s: bad vendor, device or class attribute (%s)", bdf, strerror(-r)), r;
	ret->vendor = (uint16_t)v;
	ret->device = (uint16_t)d;
	r = ph_read_link_name(dfd, "driver", ret->driver, sizeof(ret->driver));
	if (r < 0 && r != -ENOENT)
		return ph_why_set(w, "%s: unexpected driver link (%s)", bdf, strerror(-r)), r;
	r = ph_read_link_name(dfd, "iommu_group", grp, sizeof(grp));
	if (r == -ENOENT)
		return 0;
	if (r < 0 || !ph_all_of(grp, "0123456789") || strlen(grp) > 6)
		return ph_why_set(w, "%s: unexpected iommu_group link", bdf), -EINVAL;
	ret->group = (int)strtol(grp, NULL, 10); /* at most 6 digits, checked above */
	return 0;
}

static int cmp_bdf(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The BDFs in /sys/kernel/iommu_groups/GROUP/devices, sorted. Anything but
 * a well-formed BDF there is refused (fail closed). */
int ph_group_members(int sysfd, int group, char (*ret)[PH_BDF_SIZE], size_t max, size_t *ret_n,
		     struct ph_why *w)
{
	char path[64];
	struct dirent *de;
	int r;

	snprintf(path, sizeof(path), "kernel/iommu_groups/%d/devices", group);
	_cleanup_dir_ DIR *d = open_dir(sysfd, path, O_NOFOLLOW);
	if (!d)
		return r = -errno, ph_why_set(w, "cannot read /sys/%s: %s", path, strerror(-r)), r;
	*ret_n = 0;
	while ((de = next_entry(d))) {
		if (!ph_bdf_valid(de->d_name))
			return ph_why_set(w, "IOMMU group %d holds '%.20s', not a PCI address", group,
					  de->d_name), -EINVAL;
		if (*ret_n == max)
			return ph_why_set(w, "IOMMU group %d has more than %zu devices", group, max), -E2BIG;
		strcpy(ret[(*ret_n)++], de->d_name);
	}
	qsort(ret, *ret_n, sizeof(ret[0]), cmp_bdf);
	return 0;
}

/* The boot VGA device (boot_vga = 1) is busy when a DRM driver (drm/ under
 * it) or a framebuffer uses it: fbN on this device or on a firmware one
 * (efifb, simplefb, vesafb). Taking it from a live console hangs or garbles
 * the host display. Returns 0 with *ret_busy set, or -errno. */
int ph_boot_vga_busy(int sysfd, const char *bdf, bool *ret_busy, struct ph_why *w)
{
	_ph_cleanup_close_ int dfd = ph_dev_open(sysfd, bdf);
	char buf[8], link[PH_NAME_SIZE + 8], t[PH_NAME_SIZE];
	struct dirent *de;
	int r;

	*ret_busy = false;
	if (dfd < 0)
		return dfd;
	if ((r = ph_read_attr(dfd, "boot_vga", buf, sizeof(buf))) == -ENOENT || (r == 0 && strcmp(buf, "1")))
		return 0;
	if (r < 0)
		return ph_why_set(w, "%s: unreadable boot_vga attribute", bdf), r;
	if (faccessat(dfd, "drm", F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		ph_why_set(w, "%s is the boot VGA device and a DRM driver drives it (drm/)", bdf);
		return *ret_busy = true, 0;
	}
	_cleanup_dir_ DIR *d = open_dir(sysfd, "class/graphics", 0);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = next_entry(d))) {
		if (strncmp(de->d_name, "fb", 2) || !ph_all_of(de->d_name + 2, "0123456789") ||
		    strlen(de->d_name) > 12)
			continue;
		snprintf(link, sizeof(link), "%.12s/device", de->d_name);
		if (ph_read_link_name(dirfd(d), link, t, sizeof(t)) < 0 ||
		    (strcmp(t, bdf) && strncmp(t, "efi-framebuffer", 15) &&
		     strncmp(t, "simple-framebuffer", 18) && strncmp(t, "vesa-framebuffer", 16)))
			continue;
		ph_why_set(w, "%s is the boot VGA device and framebuffer %s (%s) is on it", bdf, de->d_name, t);
		return *ret_busy = true, 0;
	}
	return 0;
}

struct walk {
	int sysfd;
	const struct ph_usage *u;
	struct ph_why *w;
	const char *bdf;
	unsigned dirs, depth; /* bounded */
};

static int walk_dir(struct walk *k, int dfd);

/* A block device (subsystem -> block, dev = "MAJ:MIN") is busy when mounted,
 * swapped on, or held by another block device (holders/: device mapper, md,
 * bcache); if free, or not a block device, what is below it (partitions) is
 * checked. Returns 1 busy, 0 free, or -errno. */
static int walk_block(struct walk *k, int dfd, const char *name)
{
	char sub[PH_NAME_SIZE], dev[32];
	unsigned maj, min;
	int n = 0, r;

	if (ph_read_link_name(dfd, "subsystem", sub, sizeof(sub)) == 0 && !strcmp(sub, "block") &&
	    ph_read_attr(dfd, "dev", dev, sizeof(dev)) == 0) {
		if (sscanf(dev, "%u:%u%n", &maj, &min, &n) != 2 || dev[n])
			return ph_why_set(k->w, "%s: block device %s: malformed dev", k->bdf, name), -EINVAL;
		if (ph_usage_busy(k->u, makedev(maj, min), name))
			return ph_why_set(k->w, "%s: block device %s (%u:%u) is mounted or swapped on; unmount "
				   "it (and remove it from /etc/fstab) first", k->bdf, name, maj, min), 1;
		_cleanup_dir_ DIR *h = open_dir(dfd, "holders", O_NOFOLLOW);
		struct dirent *de = h ? next_entry(h) : NULL;
		if (de)
			return ph_why_set(k->w, "%s: block device %s is held by %.63s (LVM, dm-crypt or md)",
					  k->bdf, name, de->d_name), 1;
		/* held with no holders/ link (another member of a mounted btrfs, ZFS): an O_EXCL open
		 * of a block device fails EBUSY (open(2)); /dev/block/MAJ:MIN is udev's link to it */
		snprintf(sub, sizeof(sub), "/dev/block/%u:%u", maj, min);
		_ph_cleanup_close_ int bfd = open(sub, O_RDONLY | O_EXCL | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (bfd < 0 && errno == EBUSY)
			return ph_why_set(k->w, "%s: block device %s (%u:%u) is in use (btrfs, ZFS?)", k->bdf, name, maj, min), 1;
	}
	if (++k->dirs > 20000 || ++k->depth > 12)
		return ph_why_set(k->w, "%s: sysfs tree too large to check for disks", k->bdf), -E2BIG;
	r = walk_dir(k, dfd);
	k->depth--;
	return r;
}

/* Walks the real subdirectories of dfd (driver, device... are links). With
 * NVMe multipath (CONFIG_NVME_MULTIPATH, on in Debian) the controller holds
 * only the hidden path device nvmeXcYnZ; the disk users see is the head
 * nvmeXnZ, under the virtual nvme-subsystem device. */
static int walk_dir(struct walk *k, int dfd)
{
	_cleanup_dir_ DIR *d = open_dir(dfd, ".", 0);
	char head[PH_NAME_SIZE + 16];
	struct dirent *de;
	unsigned s, c, n;
	int used, r = 0;

	if (!d)
		return -errno;
	while (r == 0 && (de = next_entry(d))) {
		_ph_cleanup_close_ int cfd = -1, hfd = -1;

		if (de->d_type != DT_DIR ||
		    (cfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
		    (r = walk_block(k, cfd, de->d_name)) != 0)
			continue;
		used = 0;
		if (sscanf(de->d_name, "nvme%uc%un%u%n", &s, &c, &n, &used) != 3 || de->d_name[used])
			continue;
		snprintf(head, sizeof(head), "class/block/nvme%un%u", s, n);
		if ((hfd = openat(k->sysfd, head, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
			r = walk_block(k, hfd, head + 12);
	}
	return r;
}

/* Whether a block device below the PCI device (NVMe namespace, disk behind a
 * SATA/SAS/USB controller, their partitions) is in use: 1 (reason in w), 0
 * when none is, or -errno. */
int ph_block_busy(int sysfd, const char *bdf, const struct ph_usage *u, struct ph_why *w)
{
	_ph_cleanup_close_ int dfd = ph_dev_open(sysfd, bdf);
	struct walk k = { .sysfd = sysfd, .u = u, .w = w, .bdf = bdf };

	return dfd < 0 ? dfd : walk_dir(&k, dfd);
}
