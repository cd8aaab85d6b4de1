// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading (and the one primitive for writing) sysfs, always with openat from
 * a directory fd of /sys: O_NOFOLLOW on every attribute (sysfs attributes
 * are regular files; a link where a file is expected means the tree is not
 * what the kernel makes), readlinkat for the links we do follow by name
 * (driver, iommu_group, subsystem), and a BDF validated before it is put in
 * a path. Layout: Documentation/ABI/testing/sysfs-bus-pci and
 * sysfs-kernel-iommu_groups.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "ph.h"

/* Reads a small attribute into buf (NUL-terminated, trailing newline
 * removed). Returns the length, -ELOOP for a symlink, -EINVAL for anything
 * but a regular file, -EFBIG when it does not fit, or -errno. */
int ph_read_attr(int dirfd, const char *name, char *buf, size_t size)
{
	_ph_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	n = read(fd, buf, size - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n == size - 1)
		return -EFBIG;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return (int)n;
}

/* The last component of a symlink's target (e.g. "vfio-pci" for the driver
 * link), checked with ph_name_valid. Returns 0, -ENOENT when there is no
 * link, -EINVAL for a strange target, or -errno. */
int ph_read_link_name(int dirfd, const char *name, char *buf, size_t size)
{
	char target[512];
	const char *base;
	ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);

	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!ph_name_valid(base) || strlen(base) >= size)
		return -EINVAL;
	strcpy(buf, base);
	return 0;
}

/* 0 when name is a regular file we could open for writing later without
 * following a link; -ELOOP for a symlink, -EINVAL for another type. Opens
 * with O_PATH: nothing is written, the fake trees of the tests included. */
int ph_check_writable(int dirfd, const char *name)
{
	_ph_cleanup_close_ int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	return S_ISREG(st.st_mode) ? 0 : -EINVAL;
}

/* Writes val to a sysfs attribute in one write(2), as the kernel's store
 * methods expect. The callers comment on why each write is safe. */
int ph_write_attr(int dirfd, const char *name, const char *val)
{
	_ph_cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_TRUNC);
	struct stat st;
	size_t len = strlen(val);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (write(fd, val, len) != (ssize_t)len)
		return errno ? -errno : -EIO;
	return 0;
}

/* The device's directory, /sys/bus/pci/devices/BDF (a link the kernel
 * makes, which is followed). Returns an O_CLOEXEC fd or -errno. */
int ph_dev_open(int sysfd, const char *bdf)
{
	char path[64];
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
	char buf[32], *end;
	unsigned long v;
	int r = ph_read_attr(dirfd, name, buf, sizeof(buf));

	if (r < 0)
		return r;
	if (strncmp(buf, "0x", 2) || !buf[2] || strspn(buf + 2, "0123456789abcdef") != strlen(buf + 2))
		return -EINVAL;
	errno = 0;
	v = strtoul(buf + 2, &end, 16);
	if (errno || *end || v > max)
		return -ERANGE;
	*ret = (uint32_t)v;
	return 0;
}

/* Fills *ret from the device's sysfs directory: IDs, class, bound driver,
 * IOMMU group. Returns 0, or -errno with the reason in w. */
int ph_dev_read(int sysfd, const char *bdf, struct ph_dev *ret, struct ph_why *w)
{
	_ph_cleanup_close_ int dfd = ph_dev_open(sysfd, bdf);
	char grp[PH_NAME_SIZE], *end;
	uint32_t v, d;
	long g;
	int r;

	memset(ret, 0, sizeof(*ret));
	ret->group = -1;
	if (dfd < 0) {
		ph_why_set(w, "%s: no such PCI device in /sys/bus/pci/devices", bdf);
		return dfd;
	}
	strcpy(ret->bdf, bdf);
	if ((r = read_hex(dfd, "vendor", 0xffff, &v)) < 0 ||
	    (r = read_hex(dfd, "device", 0xffff, &d)) < 0 ||
	    (r = read_hex(dfd, "class", 0xffffff, &ret->class)) < 0) {
		ph_why_set(w, "%s: unreadable vendor, device or class attribute (%s)", bdf, strerror(-r));
		return r;
	}
	ret->vendor = (uint16_t)v;
	ret->device = (uint16_t)d;
	r = ph_read_link_name(dfd, "driver", ret->driver, sizeof(ret->driver));
	if (r < 0 && r != -ENOENT) {
		ph_why_set(w, "%s: unexpected driver link (%s)", bdf, strerror(-r));
		return r;
	}
	r = ph_read_link_name(dfd, "iommu_group", grp, sizeof(grp));
	if (r == -ENOENT)
		return 0;
	errno = 0;
	g = r < 0 ? -1 : strtol(grp, &end, 10);
	if (r < 0 || errno || *end || grp[0] < '0' || grp[0] > '9' || g > 1000000) {
		ph_why_set(w, "%s: unexpected iommu_group link", bdf);
		return -EINVAL;
	}
	ret->group = (int)g;
	return 0;
}

static int cmp_bdf(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The BDFs in /sys/kernel/iommu_groups/GROUP/devices, sorted. Anything
 * there but a well-formed BDF is refused (fail closed). */
int ph_group_members(int sysfd, int group, char (*ret)[PH_BDF_SIZE], size_t max, size_t *ret_n,
		     struct ph_why *w)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int fd, r = 0;

	*ret_n = 0;
	snprintf(path, sizeof(path), "kernel/iommu_groups/%d/devices", group);
	fd = openat(sysfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		ph_why_set(w, "cannot read /sys/%s: %s", path, strerror(-r));
		return r;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!ph_bdf_valid(de->d_name)) {
			ph_why_set(w, "IOMMU group %d holds '%.20s', not a PCI address", group, de->d_name);
			r = -EINVAL;
			break;
		}
		if (*ret_n == max) {
			ph_why_set(w, "IOMMU group %d has more than %zu devices", group, max);
			r = -E2BIG;
			break;
		}
		strcpy(ret[(*ret_n)++], de->d_name);
	}
	closedir(d);
	qsort(ret, *ret_n, sizeof(ret[0]), cmp_bdf);
	return r;
}

/* The boot VGA device (boot_vga == 1) is busy when a framebuffer or DRM
 * driver uses it: taking it away from a live console hangs or garbles the
 * host display. A framebuffer is /sys/class/graphics/fbN whose device link
 * is this device or a firmware framebuffer (efifb, simplefb, vesafb: the
 * platform devices the firmware's boot display hands over); a DRM driver
 * leaves a drm/ directory under the device. */
int ph_boot_vga_busy(int sysfd, const char *bdf, bool *ret_busy, struct ph_why *w)
{
	static const char *const fw_fb[] = { "efi-framebuffer", "simple-framebuffer", "vesa-framebuffer" };
	_ph_cleanup_close_ int dfd = ph_dev_open(sysfd, bdf);
	char buf[8];
	struct dirent *de;
	DIR *d;
	int gfd, r;

	*ret_busy = false;
	if (dfd < 0)
		return dfd;
	r = ph_read_attr(dfd, "boot_vga", buf, sizeof(buf));
	if (r == -ENOENT || (r >= 0 && strcmp(buf, "1")))
		return 0;
	if (r < 0) {
		ph_why_set(w, "%s: unreadable boot_vga attribute", bdf);
		return r;
	}
	if (faccessat(dfd, "drm", F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		ph_why_set(w, "%s is the boot VGA device and a DRM driver drives it (drm/)", bdf);
		*ret_busy = true;
		return 0;
	}
	gfd = openat(sysfd, "class/graphics", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (gfd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!(d = fdopendir(gfd))) {
		close(gfd);
		return -ENOMEM;
	}
	while (!*ret_busy && (de = readdir(d))) {
		char link[PH_NAME_SIZE + 16], target[PH_NAME_SIZE];

		if (strncmp(de->d_name, "fb", 2) || !de->d_name[2] ||
		    strspn(de->d_name + 2, "0123456789") != strlen(de->d_name + 2))
			continue;
		snprintf(link, sizeof(link), "%.*s/device", PH_NAME_SIZE - 1, de->d_name);
		if (ph_read_link_name(dirfd(d), link, target, sizeof(target)) < 0)
			continue;
		*ret_busy = !strcmp(target, bdf);
		for (size_t i = 0; i < sizeof(fw_fb) / sizeof(fw_fb[0]); i++)
			*ret_busy |= !strncmp(target, fw_fb[i], strlen(fw_fb[i]));
		if (*ret_busy)
			ph_why_set(w, "%s is the boot VGA device and framebuffer %s (%s) is on it",
				   bdf, de->d_name, target);
	}
	closedir(d);
	return 0;
}

struct walk {
	int sysfd;
	const struct ph_usage *u;
	struct ph_why *w;
	const char *bdf;
	unsigned dirs; /* directories visited, bounded */
};

static int walk(struct walk *k, int dfd, unsigned depth);

/* A block device directory (subsystem link -> block, dev = "MAJ:MIN") is
 * busy when mounted, swapped on, or held by another block device (holders/:
 * device mapper, md, bcache). Returns 1 busy, 0 not a block device or free,
 * or -errno. */
static int block_busy(struct walk *k, int dfd, const char *name)
{
	char sub[PH_NAME_SIZE], dev[32];
	unsigned maj, min;
	struct dirent *de;
	DIR *d;
	int hfd, n = 0;

	if (ph_read_link_name(dfd, "subsystem", sub, sizeof(sub)) < 0 || strcmp(sub, "block") ||
	    ph_read_attr(dfd, "dev", dev, sizeof(dev)) < 0)
		return 0;
	if (sscanf(dev, "%u:%u%n", &maj, &min, &n) != 2 || dev[n]) {
		ph_why_set(k->w, "%s: block device %s has a malformed dev attribute", k->bdf, name);
		return -EINVAL;
	}
	if (ph_usage_busy(k->u, makedev(maj, min), name)) {
		ph_why_set(k->w, "%s: block device %s (%u:%u) is mounted or swapped on; unmount it "
			   "(and remove it from /etc/fstab) first", k->bdf, name, maj, min);
		return 1;
	}
	hfd = openat(dfd, "holders", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (hfd < 0)
		return 0;
	if (!(d = fdopendir(hfd))) {
		close(hfd);
		return -ENOMEM;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			ph_why_set(k->w, "%s: block device %s is held by %.40s (LVM, dm-crypt or md)",
				   k->bdf, name, de->d_name);
			closedir(d);
			return 1;
		}
	closedir(d);
	return 0;
}

/* With NVMe multipath (CONFIG_NVME_MULTIPATH, on in Debian's kernels) the
 * controller only holds the hidden path device nvmeXcYnZ; the disk users
 * see is the head nvmeXnZ under the virtual nvme-subsystem device. */
static int nvme_head(struct walk *k, const char *name)
{
	unsigned s, c, n;
	int used = 0, r;
	char path[PH_NAME_SIZE + 16];
	_ph_cleanup_close_ int fd = -1;

	if (sscanf(name, "nvme%uc%un%u%n", &s, &c, &n, &used) != 3 || name[used])
		return 0;
	snprintf(path, sizeof(path), "class/block/nvme%un%u", s, n);
	fd = openat(k->sysfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	r = block_busy(k, fd, path + 12);
	return r ? r : walk(k, fd, 8);
}

static int walk(struct walk *k, int dfd, unsigned depth)
{
	_ph_cleanup_close_ int own = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (own < 0 || !(d = fdopendir(own)))
		return own < 0 ? -errno : -ENOMEM;
	own = -1; /* owned by d now */
	while (r == 0 && (de = readdir(d))) {
		_ph_cleanup_close_ int cfd = -1;

		/* symlinks (driver, subsystem, device, ...) are not followed */
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (++k->dirs > 20000 || depth > 10) {
			ph_why_set(k->w, "%s: sysfs tree too deep or too large to check for disks", k->bdf);
			r = -E2BIG;
			break;
		}
		cfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0)
			continue;
		r = block_busy(k, cfd, de->d_name);
		if (r == 0)
			r = nvme_head(k, de->d_name);
		if (r == 0)
			r = walk(k, cfd, depth + 1);
	}
	closedir(d);
	return r;
}

/* Every block device below the PCI device (NVMe namespaces, disks behind a
 * SATA/SAS/USB controller) and their partitions must be unused. Returns 0
 * when none is in use, 1 when one is (reason in w), or -errno. */
int ph_block_busy(int sysfd, const char *bdf, const struct ph_usage *u, struct ph_why *w)
{
	_ph_cleanup_close_ int dfd = ph_dev_open(sysfd, bdf);
	struct walk k = { .sysfd = sysfd, .u = u, .w = w, .bdf = bdf };

	if (dfd < 0)
		return dfd;
	return walk(&k, dfd, 0);
}
