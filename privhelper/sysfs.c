// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading sysfs (and the one primitive for writing it), always with openat
 * from a directory fd of /sys: O_NOFOLLOW on every attribute (sysfs
 * attributes are regular files; a link where a file is expected means the
 * tree is not what the kernel makes), readlinkat for the links read by name
 * (driver, iommu_group, subsystem, device), and a BDF validated before it
 * goes into a path. Layout: kernel Documentation/ABI/testing/sysfs-bus-pci
 * and sysfs-kernel-iommu_groups.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "ph.h"

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* openat a regular file, never through a symlink and never blocking (on a
 * planted FIFO). Returns the fd, -ELOOP for a symlink (with O_PATH, which
 * opens the link itself), -EINVAL for another type, or -errno. */
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
 * link, else open_reg's errors. O_PATH: nothing is opened for writing, not
 * even in the tests' fake trees. */
int ph_check_writable(int dirfd, const char *name)
{
	int fd = open_reg(dirfd, name, O_PATH);

	return fd < 0 ? fd : (close(fd), 0);
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
 * followed). Returns an O_CLOEXEC fd, -EINVAL for a malformed BDF, or
 * -errno. */
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

/* "0x10de" and the like, as the kernel prints vendor, device and class. */
static int read_hex(int dirfd, const char *name, uint32_t max, uint32_t *ret)
{
	char buf[16];
	unsigned long v;
	int r = ph_read_attr(dirfd, name, buf, sizeof(buf));

	if (r < 0)
		return r;
	if (strncmp(buf, "0x", 2) || !buf[2] || buf[2 + strspn(buf + 2, "0123456789abcdef")] ||
	    strlen(buf) > 8 || (v = strtoul(buf + 2, NULL, 16)) > max)
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
	if (r < 0 || !all_digits(grp) || strlen(grp) > 6)
		return ph_why_set(w, "%s: unexpected iommu_group link", bdf), -EINVAL;
	ret->group = (int)strtol(grp, NULL, 10); /* at most 6 digits, checked above */
	return 0;
}

/* Calls fn(name) for each entry of dir but "." and "..", until it returns
 * non-zero; closes dfd. Returns that value, 0, or -ENOMEM. */
static int each_entry(int dfd, int (*fn)(void *ctx, int dirfd, const struct dirent *de), void *ctx)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	int r = 0;

	if (!d)
		return close(dfd), -ENOMEM;
	while (r == 0 && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			r = fn(ctx, dirfd(d), de);
	closedir(d);
	return r;
}

struct members {
	char (*bdf)[PH_BDF_SIZE];
	size_t max, n;
	int group;
	struct ph_why *w;
};

static int add_member(void *ctx, int dirfd, const struct dirent *de)
{
	struct members *m = ctx;

	(void)dirfd;
	if (!ph_bdf_valid(de->d_name))
		return ph_why_set(m->w, "IOMMU group %d holds '%.20s', not a PCI address", m->group,
				  de->d_name), -EINVAL;
	if (m->n == m->max)
		return ph_why_set(m->w, "IOMMU group %d has more than %zu devices", m->group, m->max),
		       -E2BIG;
	strcpy(m->bdf[m->n++], de->d_name);
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
	struct members m = { ret, max, 0, group, w };
	char path[64];
	int fd, r;

	snprintf(path, sizeof(path), "kernel/iommu_groups/%d/devices", group);
	if ((fd = openat(sysfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return r = -errno, ph_why_set(w, "cannot read /sys/%s: %s", path, strerror(-r)), r;
	r = each_entry(fd, add_member, &m);
	qsort(ret, m.n, sizeof(ret[0]), cmp_bdf);
	*ret_n = m.n;
	return r;
}

struct fb {
	const char *bdf;
	struct ph_why *w;
};

/* fbN whose device is this PCI device or a firmware framebuffer (efifb,
 * simplefb, vesafb: the platform devices of the boot display) is busy. */
static int fb_busy(void *ctx, int dirfd, const struct dirent *de)
{
	struct fb *f = ctx;
	char link[PH_NAME_SIZE + 8], t[PH_NAME_SIZE];

	if (strncmp(de->d_name, "fb", 2) || !all_digits(de->d_name + 2) || strlen(de->d_name) > 12)
		return 0;
	snprintf(link, sizeof(link), "%.12s/device", de->d_name);
	if (ph_read_link_name(dirfd, link, t, sizeof(t)) < 0 ||
	    (strcmp(t, f->bdf) && strncmp(t, "efi-framebuffer", 15) &&
	     strncmp(t, "simple-framebuffer", 18) && strncmp(t, "vesa-framebuffer", 16)))
		return 0;
	ph_why_set(f->w, "%s is the boot VGA device and framebuffer %s (%s) is on it", f->bdf,
		   de->d_name, t);
	return 1;
}

/* The boot VGA device (boot_vga = 1) is busy when a framebuffer or a DRM
 * driver (a drm/ directory under the device) uses it: taking it from a live
 * console hangs or garbles the host display. Returns 0 with *ret_busy set,
 * or -errno. */
int ph_boot_vga_busy(int sysfd, const char *bdf, bool *ret_busy, struct ph_why *w)
{
	_ph_cleanup_close_ int dfd = ph_dev_open(sysfd, bdf);
	struct fb f = { bdf, w };
	char buf[8];
	int r, gfd;

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
	if ((gfd = openat(sysfd, "class/graphics", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : -errno;
	r = each_entry(gfd, fb_busy, &f);
	*ret_busy = r == 1;
	return r < 0 ? r : 0;
}

struct walk {
	int sysfd;
	const struct ph_usage *u;
	struct ph_why *w;
	const char *bdf;
	unsigned dirs, depth; /* bounded */
};

static int walk_dir(void *ctx, int dirfd, const struct dirent *de);

static int has_holder(void *ctx, int dirfd, const struct dirent *de)
{
	(void)dirfd;
	strcpy(ctx, de->d_name[0] && strlen(de->d_name) < PH_NAME_SIZE ? de->d_name : "?");
	return 1;
}

/* A block device directory (subsystem -> block, dev = "MAJ:MIN") is busy
 * when mounted, swapped on, or held by another block device (holders/:
 * device mapper, md, bcache). Returns 1 busy, 0 free or not a block device,
 * or -errno. */
static int block_busy(struct walk *k, int dfd, const char *name)
{
	char sub[PH_NAME_SIZE], dev[32], holder[PH_NAME_SIZE];
	unsigned maj, min;
	int n = 0, hfd;

	if (ph_read_link_name(dfd, "subsystem", sub, sizeof(sub)) < 0 || strcmp(sub, "block") ||
	    ph_read_attr(dfd, "dev", dev, sizeof(dev)) < 0)
		return 0;
	if (sscanf(dev, "%u:%u%n", &maj, &min, &n) != 2 || dev[n])
		return ph_why_set(k->w, "%s: block device %s: malformed dev", k->bdf, name), -EINVAL;
	if (ph_usage_busy(k->u, makedev(maj, min), name))
		return ph_why_set(k->w, "%s: block device %s (%u:%u) is mounted or swapped on; unmount "
			   "it (and remove it from /etc/fstab) first", k->bdf, name, maj, min), 1;
	hfd = openat(dfd, "holders", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (hfd >= 0 && each_entry(hfd, has_holder, holder) == 1)
		return ph_why_set(k->w, "%s: block device %s is held by %s (LVM, dm-crypt or md)", k->bdf,
				  name, holder), 1;
	return 0;
}

/* Checks a block device and what is below it (partitions). */
static int walk_block(struct walk *k, int dfd, const char *name)
{
	int r = block_busy(k, dfd, name), own;

	if (r != 0)
		return r;
	if (++k->dirs > 20000 || ++k->depth > 12)
		return ph_why_set(k->w, "%s: sysfs tree too large to check for disks", k->bdf), -E2BIG;
	if ((own = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	r = each_entry(own, walk_dir, k);
	k->depth--;
	return r;
}

/* Follows real subdirectories only (driver, subsystem, device... are links).
 * With NVMe multipath (CONFIG_NVME_MULTIPATH, on in Debian's kernels) the
 * controller holds only the hidden path device nvmeXcYnZ; the disk users see
 * is the head nvmeXnZ, under the virtual nvme-subsystem device. */
static int walk_dir(void *ctx, int dirfd, const struct dirent *de)
{
	struct walk *k = ctx;
	_ph_cleanup_close_ int cfd = -1, hfd = -1;
	unsigned s, c, n;
	int used = 0, r;
	char head[PH_NAME_SIZE + 16];

	if (de->d_type != DT_DIR)
		return 0;
	if ((cfd = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return 0;
	if ((r = walk_block(k, cfd, de->d_name)) != 0)
		return r;
	if (sscanf(de->d_name, "nvme%uc%un%u%n", &s, &c, &n, &used) != 3 || de->d_name[used])
		return 0;
	snprintf(head, sizeof(head), "class/block/nvme%un%u", s, n);
	if ((hfd = openat(k->sysfd, head, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 0;
	return walk_block(k, hfd, head + 12);
}

/* Every block device below the PCI device (NVMe namespaces, disks behind a
 * SATA/SAS/USB controller) and their partitions must be unused. Returns 0
 * when none is in use, 1 when one is (reason in w), or -errno. */
int ph_block_busy(int sysfd, const char *bdf, const struct ph_usage *u, struct ph_why *w)
{
	int dfd = ph_dev_open(sysfd, bdf);
	struct walk k = { .sysfd = sysfd, .u = u, .w = w, .bdf = bdf };

	return dfd < 0 ? dfd : each_entry(dfd, walk_dir, &k);
}
