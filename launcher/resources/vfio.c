// SPDX-License-Identifier: GPL-2.0-or-later
#include "vfio.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "pci_host.h"
#include "sysfs.h"

int pci_bdf_normalize(const char *in, char ret[static 13])
{
	char buf[13];
	size_t len;

	if (!in)
		return -EINVAL;
	len = strlen(in);
	if (len == 7)
		snprintf(buf, sizeof(buf), "0000:%s", in);
	else if (len == 12)
		memcpy(buf, in, 13);
	else
		return -EINVAL;
	/* dddd:bb:ss.f */
	for (size_t i = 0; i < 12; i++) {
		char c = (char)tolower((unsigned char)buf[i]);
		bool ok;
		if (i == 4 || i == 7)
			ok = c == ':';
		else if (i == 10)
			ok = c == '.';
		else if (i == 11)
			ok = c >= '0' && c <= '7';
		else
			ok = isxdigit((unsigned char)c);
		if (!ok)
			return -EINVAL;
		buf[i] = c;
	}
	memcpy(ret, buf, 13);
	return 0;
}

/* dir/name, for an openat below a directory descriptor: the device's
 * own directory is reached through its link (bus/pci/devices/BDF, the
 * group's devices/BDF) in the same call rather than opened on its own. */
static void attr_path(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static int read_hex_attr(int dirfd, const char *dir, const char *name, uint32_t max,
			 uint32_t *ret)
{
	char path[64], buf[32], *end;
	int r;

	attr_path(path, sizeof(path), dir, name);
	r = sysfs_read_attr(dirfd, path, buf, sizeof(buf));
	if (r < 0)
		return r;
	if (strncmp(buf, "0x", 2) != 0 || !isxdigit((unsigned char)buf[2]))
		return -EINVAL;
	errno = 0;
	unsigned long v = strtoul(buf + 2, &end, 16);
	if (errno || *end || v > max)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

/* Last component of the target of the link dirfd/dir/name into buf; ""
 * when there is no link. */
static int read_link_base(int dirfd, const char *dir, const char *name, char *buf, size_t len)
{
	char path[64], target[4096];
	ssize_t n;

	attr_path(path, sizeof(path), dir, name);
	n = readlinkat(dirfd, path, target, sizeof(target) - 1);
	if (n < 0) {
		if (errno == ENOENT) {
			buf[0] = '\0';
			return 0;
		}
		return -errno;
	}
	target[n] = '\0';
	const char *base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

/*
 * Vendor, device, class and driver from the device's uevent, one read
 * where the three attributes and the driver link take four syscalls
 * (issue 15: `iommu` of 2,000 functions): "PCI_CLASS=30000" and
 * "PCI_ID=10DE:1B80", as pci_uevent() (drivers/pci/pci-driver.c, since
 * Linux 2.6) writes them from the values the attributes show, and
 * "DRIVER=vfio-pci", which dev_uevent() (drivers/base/core.c) writes
 * whenever a driver is bound, from the same dev->driver the driver link
 * shows. Returns 0, or -ENODATA when the file lacks the IDs (fake trees
 * without a uevent; the caller then reads the attributes and the link).
 */
static int read_uevent_ids(int dirfd, const char *dir, struct pci_dev_info *d)
{
	char path[64], buf[1024], drv[sizeof(d->driver)] = "";
	unsigned long cls = 0;
	unsigned v = 0, dv = 0;
	bool have_cls = false, have_id = false;
	ssize_t n;
	int fd;

	attr_path(path, sizeof(path), dir, "uevent");
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? -ENODATA : -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	for (char *line = buf, *next; line && *line; line = next) {
		char *end;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (startswith(line, "PCI_CLASS=")) {
			errno = 0;
			cls = strtoul(line + 10, &end, 16);
			have_cls = !errno && end != line + 10 && !*end && cls <= 0xffffff;
		} else if (startswith(line, "PCI_ID=")) {
			have_id = strlen(line + 7) == 9 &&
				  sscanf(line + 7, "%4x:%4x", &v, &dv) == 2;
		} else if (startswith(line, "DRIVER=")) {
			if (strlen(line + 7) >= sizeof(drv))
				return -ENAMETOOLONG;
			strcpy(drv, line + 7);
		}
	}
	if (!have_cls || !have_id)
		return -ENODATA;
	strcpy(d->driver, drv);
	d->vendor = (uint16_t)v;
	d->device = (uint16_t)dv;
	d->class = (uint32_t)cls;
	return 0;
}

/* Reads the device whose sysfs directory is dirfd/dir. group >= 0: the
 * caller read it from the group's directory (no iommu_group link read).
 * Only what a verdict uses is read: boot_vga exists only for VGA-class
 * devices (pci_dev_attrs_are_visible, drivers/pci/pci-sysfs.c) and
 * sriov_numvfs only for SR-IOV PFs, which matter only as endpoints to be
 * bound (iommu_group_judge). */
static int read_device_at(int dirfd, const char *dir, const char *bdf, int group,
			  struct pci_dev_info *ret)
{
	struct pci_dev_info d = { .iommu_group = group };
	uint32_t v;
	char buf[64], path[64];
	int r;

	snprintf(d.bdf, sizeof(d.bdf), "%s", bdf);
	r = read_uevent_ids(dirfd, dir, &d);
	if (r == -ENODATA) {
		if ((r = read_hex_attr(dirfd, dir, "vendor", 0xffff, &v)) < 0)
			return r;
		d.vendor = (uint16_t)v;
		if ((r = read_hex_attr(dirfd, dir, "device", 0xffff, &v)) < 0)
			return r;
		d.device = (uint16_t)v;
		if ((r = read_hex_attr(dirfd, dir, "class", 0xffffff, &d.class)) < 0)
			return r;
		r = read_link_base(dirfd, dir, "driver", d.driver, sizeof(d.driver));
	}
	if (r < 0)
		return r;
	if (group < 0) {
		if ((r = read_link_base(dirfd, dir, "iommu_group", buf, sizeof(buf))) < 0)
			return r;
		if (buf[0]) {
			uint64_t g;
			if (parse_u64(buf, 0, INT32_MAX, &g) < 0)
				return -EINVAL;
			d.iommu_group = (int)g;
		}
	}
	if ((d.class >> 8) == 0x0300 || (d.class >> 8) == 0x0001) {
		attr_path(path, sizeof(path), dir, "boot_vga");
		if (sysfs_read_attr(dirfd, path, buf, sizeof(buf)) == 0)
			d.boot_vga = strcmp(buf, "1") == 0;
	}
	uint64_t vfs;
	attr_path(path, sizeof(path), dir, "sriov_numvfs");
	if (pci_needs_bind(&d) && sysfs_read_attr(dirfd, path, buf, sizeof(buf)) == 0 &&
	    parse_u64(buf, 0, UINT16_MAX, &vfs) == 0)
		d.sriov_vfs = (unsigned)vfs;
	*ret = d;
	return 0;
}

int pci_read_device(int sysfs_fd, const char *bdf, struct pci_dev_info *ret)
{
	char path[64];
	char canon[13];
	struct stat st;

	if (pci_bdf_normalize(bdf, canon) < 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "bus/pci/devices/%s", canon);
	/* The last component is a symlink into /sys/devices: followed
	 * (and a directory: a missing device is -ENOENT here, not an
	 * attribute missing below it). */
	if (fstatat(sysfs_fd, path, &st, 0) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return read_device_at(sysfs_fd, path, canon, -1, ret);
}

static int cmp_dev(const void *a, const void *b)
{
	return strcmp(((const struct pci_dev_info *)a)->bdf,
		      ((const struct pci_dev_info *)b)->bdf);
}

int iommu_group_devices(int sysfs_fd, int group, struct pci_dev_info **ret,
			size_t *ret_n)
{
	char path[64];
	_cleanup_free_ struct pci_dev_info *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	snprintf(path, sizeof(path), "kernel/iommu_groups/%d/devices", group);
	_cleanup_closedir_ DIR *dir = NULL;
	int r = sysfs_opendir(sysfs_fd, path, O_NOFOLLOW, &dir);
	if (r < 0)
		return r;
	while ((errno = 0, de = readdir(dir))) {
		char canon[13];
		if (de->d_name[0] == '.')
			continue;
		/* On x86 every member is a PCI function; anything else is
		 * skipped rather than put into a path unchecked. */
		if (pci_bdf_normalize(de->d_name, canon) < 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			struct pci_dev_info *nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				return -ENOMEM;
			v = nv;
		}
		r = read_device_at(dirfd(dir), de->d_name, canon, group, &v[n]);
		if (r < 0)
			return r;
		n++;
	}
	if (errno)
		return -errno;
	if (n)
		qsort(v, n, sizeof(*v), cmp_dev);
	*ret = steal_pointer(&v);
	*ret_n = n;
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

int iommu_groups_list(int sysfs_fd, int **ret, size_t *ret_n)
{
	_cleanup_free_ int *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	_cleanup_closedir_ DIR *dir = NULL;
	int r = sysfs_opendir(sysfs_fd, "kernel/iommu_groups", O_NOFOLLOW, &dir);
	if (r == -ENOENT) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	if (r < 0)
		return r;
	while ((errno = 0, de = readdir(dir))) {
		uint64_t g;
		if (parse_u64(de->d_name, 0, INT32_MAX, &g) < 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			int *nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				return -ENOMEM;
			v = nv;
		}
		v[n++] = (int)g;
	}
	if (errno)
		return -errno;
	if (n)
		qsort(v, n, sizeof(*v), cmp_int);
	*ret = steal_pointer(&v);
	*ret_n = n;
	return 0;
}

static bool endswith(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

bool vfio_driver_is_vfio(const char *driver)
{
	if (!driver || !*driver)
		return false;
	return strcmp(driver, "vfio-pci") == 0 || endswith(driver, "_vfio_pci") ||
	       endswith(driver, "-vfio-pci");
}

bool pci_class_is_bridge(uint32_t class)
{
	uint32_t cls = class >> 8;
	return cls == 0x0604 || cls == 0x0607 || cls == 0x0609;
}

enum pci_role pci_role(const struct pci_dev_info *d)
{
	const struct pci_host_rule *r;

	if (pci_class_is_bridge(d->class))
		return PCI_ROLE_BRIDGE;
	r = pci_host_rule_find(d->vendor, d->device, d->class);
	if (!r)
		return PCI_ROLE_ENDPOINT;
	/* a dummy with a driver is not the placeholder the table means */
	if (r->dummy)
		return d->driver[0] ? PCI_ROLE_HOST : PCI_ROLE_DUMMY;
	return PCI_ROLE_HOST;
}

bool pci_needs_bind(const struct pci_dev_info *d)
{
	return pci_role(d) == PCI_ROLE_ENDPOINT && !vfio_driver_is_vfio(d->driver);
}

struct iommu_judgement iommu_group_judge(const struct pci_dev_info *devs, size_t n,
					 const struct pci_root_storage *root)
{
	struct iommu_judgement j = { .verdict = n ? IOMMU_BRIDGES : IOMMU_EMPTY };
	bool endpoints = false, bind = false;

	for (size_t i = 0; i < n; i++) {
		const struct pci_dev_info *d = &devs[i];
		enum pci_role role = pci_role(d);
		if (role == PCI_ROLE_HOST && j.verdict != IOMMU_HOST) {
			j = (struct iommu_judgement){ IOMMU_HOST, d,
				pci_host_rule_find(d->vendor, d->device, d->class) };
		} else if (role == PCI_ROLE_ENDPOINT && root && pci_root_storage_has(root, d->bdf) &&
			   j.verdict != IOMMU_HOST && j.verdict != IOMMU_ROOTFS) {
			j = (struct iommu_judgement){ IOMMU_ROOTFS, d, NULL };
		} else if (pci_needs_bind(d) && d->sriov_vfs && j.verdict == IOMMU_BRIDGES) {
			j = (struct iommu_judgement){ IOMMU_SRIOV_PF, d, NULL };
		}
		endpoints |= role == PCI_ROLE_ENDPOINT;
		bind |= pci_needs_bind(d);
	}
	if (j.verdict == IOMMU_BRIDGES && endpoints)
		j.verdict = bind ? IOMMU_BIND : IOMMU_READY;
	return j;
}

/* ---------------------------------------------------------- iommu list */

/* The verdict line after "IOMMU group N: ". */
static void print_verdict(FILE *out, const struct iommu_judgement *j,
			  const struct pci_dev_info *devs, size_t n,
			  const struct pci_root_storage *root)
{
	switch (j->verdict) {
	case IOMMU_EMPTY:
		fputs("empty\n", out);
		break;
	case IOMMU_HOST:
		fprintf(out, "keep on the host: %s is %s\n", j->dev->bdf, j->rule->what);
		break;
	case IOMMU_ROOTFS:
		fprintf(out, "keep on the host: %s holds the root filesystem (%s on /)\n",
			j->dev->bdf, root->source);
		break;
	case IOMMU_SRIOV_PF:
		fprintf(out, "not passable: %s has %u SR-IOV VFs enabled and vfio-pci does not "
			"take such a PF (pass its VFs)\n", j->dev->bdf, j->dev->sriov_vfs);
		break;
	case IOMMU_BRIDGES:
		fputs("bridges only: nothing to pass through\n", out);
		break;
	case IOMMU_READY:
		fputs("ready: every endpoint is on vfio-pci\n", out);
		break;
	case IOMMU_BIND:
	default:
		fputs("passable after: vfio-privhelper bind", out);
		for (size_t i = 0; i < n; i++)
			if (pci_needs_bind(&devs[i]))
				fprintf(out, " %s", devs[i].bdf);
		fputc('\n', out);
		break;
	}
}

static const char *role_note(const struct pci_dev_info *d, const struct pci_root_storage *root)
{
	switch (pci_role(d)) {
	case PCI_ROLE_BRIDGE:
		return " bridge: ignored for viability";
	case PCI_ROLE_DUMMY:
		return " dummy: never bound, ignored for viability";
	case PCI_ROLE_HOST:
		return " host-critical";
	case PCI_ROLE_ENDPOINT:
	default:
		return root && pci_root_storage_has(root, d->bdf) ? " root filesystem" : "";
	}
}

static int cmp_group_bdf(const void *a, const void *b)
{
	const struct pci_dev_info *x = a, *y = b;

	if (x->iommu_group != y->iommu_group)
		return x->iommu_group < y->iommu_group ? -1 : 1;
	return strcmp(x->bdf, y->bdf);
}

/* A share of read_all_devices' functions: v[first], v[first + step],
 * ..., each read in place from its BDF (v[i].bdf, its directory's name). */
struct scan_part {
	int dirfd;
	struct pci_dev_info *v;
	size_t n, first, step;
	int err;
};

static void *scan_part(void *arg)
{
	struct scan_part *s = arg;

	for (size_t i = s->first; i < s->n && !s->err; i += s->step)
		s->err = read_device_at(s->dirfd, s->v[i].bdf, s->v[i].bdf, -1, &s->v[i]);
	return NULL;
}

/* Threads for a scan of n functions: sysfs is read a syscall at a time
 * (five or six a function, 88% of the time in the kernel), so 2,000
 * functions took 29 ms on one core of a 2-core machine (issue 15); the
 * reads of different functions are independent. One thread below 128
 * functions (a thread costs more than it saves), at most 4. */
static size_t scan_threads(size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 128 || cpus < 2)
		return 1;
	return cpus > 4 ? 4 : (size_t)cpus;
}

/* Every PCI function under bus/pci/devices, its group read from its
 * iommu_group link, sorted by group then BDF: one directory read for all
 * where a directory per group cost seven syscalls a group (issue 15),
 * then the functions read by scan_threads() threads. */
static int read_all_devices(int sysfs_fd, struct pci_dev_info **ret, size_t *ret_n)
{
	_cleanup_free_ struct pci_dev_info *v = NULL;
	_cleanup_closedir_ DIR *dir = NULL;
	struct scan_part part[4];
	pthread_t tid[4];
	size_t n = 0, cap = 0, nt, started = 1;
	struct dirent *de;
	int r = sysfs_opendir(sysfs_fd, "bus/pci/devices", O_NOFOLLOW, &dir);

	if (r < 0)
		return r;
	/* The kernel names each function's directory by its canonical BDF
	 * (drivers/pci/probe.c, pci_setup_device: "%04x:%02x:%02x.%d"):
	 * anything else there is not one. */
	while ((errno = 0, de = readdir(dir))) {
		char canon[13];
		if (pci_bdf_normalize(de->d_name, canon) < 0 || strcmp(canon, de->d_name) != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			struct pci_dev_info *nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				return -ENOMEM;
			v = nv;
		}
		snprintf(v[n++].bdf, sizeof(v->bdf), "%s", canon);
	}
	if (errno)
		return -errno;
	if (!v && !(v = calloc(1, sizeof(*v)))) /* none: still an array */
		return -ENOMEM;
	nt = scan_threads(n);
	for (size_t t = 0; t < nt; t++)
		part[t] = (struct scan_part){ dirfd(dir), v, n, t, nt, 0 };
	/* Part 0 in this thread, and the part of any thread that could
	 * not start. */
	for (; started < nt; started++)
		if (pthread_create(&tid[started], NULL, scan_part, &part[started]) != 0)
			break;
	scan_part(&part[0]);
	for (size_t t = started; t < nt; t++)
		scan_part(&part[t]);
	for (size_t t = 1; t < started; t++)
		pthread_join(tid[t], NULL);
	for (size_t t = 0; t < nt; t++)
		if (part[t].err)
			return part[t].err;
	if (n)
		qsort(v, n, sizeof(*v), cmp_group_bdf);
	*ret = steal_pointer(&v);
	*ret_n = n;
	return 0;
}

int iommu_print_groups(int sysfs_fd, int procfs_fd, FILE *out)
{
	_cleanup_free_ int *groups = NULL;
	_cleanup_free_ struct pci_dev_info *all = NULL;
	_cleanup_pci_names_ struct pci_names *names = pci_names_new();
	struct pci_root_storage root;
	size_t n_groups = 0, n_all = 0, next = 0;
	int r;

	r = iommu_groups_list(sysfs_fd, &groups, &n_groups);
	if (r < 0)
		return r;
	if (n_groups == 0)
		return -ENOENT;
	/* unreadable mountinfo: no root verdict rather than no listing */
	bool have_root = pci_root_storage_find(sysfs_fd, procfs_fd, &root) == 0;
	r = read_all_devices(sysfs_fd, &all, &n_all);
	if (r < 0)
		return r;

	for (size_t g = 0; g < n_groups; g++) {
		/* the group's members: the run of `all` with its number (a
		 * group without PCI functions is listed empty) */
		while (next < n_all && all[next].iommu_group < groups[g])
			next++;
		const struct pci_dev_info *devs = &all[next];
		size_t n = 0;
		while (next < n_all && all[next].iommu_group == groups[g])
			next++, n++;

		struct iommu_judgement j = iommu_group_judge(devs, n, have_root ? &root : NULL);
		const struct pci_dev_info *boot_vga = NULL;
		for (size_t i = 0; i < n; i++)
			if (devs[i].boot_vga)
				boot_vga = &devs[i];

		fprintf(out, "IOMMU group %d: ", groups[g]);
		print_verdict(out, &j, devs, n, &root);
		if (boot_vga && j.verdict >= IOMMU_BRIDGES)
			fprintf(out, "  note: %s is the boot VGA device: the host's console "
				     "and firmware screen use it; pass it through only if "
				     "another GPU drives the host's display\n",
				boot_vga->bdf);

		for (size_t i = 0; i < n; i++) {
			char name[256], cls[128];
			const struct pci_dev_info *d = &devs[i];
			pci_name(names, d->vendor, d->device, d->class, name, sizeof(name));
			pci_class_name(names, d->vendor, d->device, d->class, cls, sizeof(cls));
			fprintf(out, "  %s [%04x%s%s] %04x:%04x %s (%s)%s%s\n", d->bdf,
				d->class >> 8, cls[0] ? " " : "", cls, d->vendor, d->device, name,
				d->driver[0] ? d->driver : "no driver",
				role_note(d, have_root ? &root : NULL), d->boot_vga ? " boot VGA" : "");
		}
	}
	return 0;
}
