// SPDX-License-Identifier: GPL-2.0-or-later
/* The user's tap: sysfs and /dev/net/tun (net_tap.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cleanup.h"
#include "net_tap.h"
#include "sysfs.h"
#include "util.h"

/* "0x1002" (tun_flags, flags) into *ret. 0 or -EINVAL. */
static int parse_hex(const char *s, unsigned long *ret)
{
	unsigned long v = 0;

	if (strncmp(s, "0x", 2) || !s[2] || strlen(s) > 2 + 2 * sizeof(v))
		return -EINVAL;
	for (s += 2; *s; s++) {
		const char *d = strchr("0123456789abcdef", *s);
		if (!d)
			return -EINVAL;
		v = v << 4 | (unsigned long)(d - "0123456789abcdef");
	}
	*ret = v;
	return 0;
}

/* owner and group: "-1" (none) or a number. 0 or -EINVAL. */
static int parse_id(const char *s, long long *ret)
{
	uint64_t v;

	if (!strcmp(s, "-1")) {
		*ret = -1;
		return 0;
	}
	if (parse_u64(s, 0, UINT32_MAX - 1, &v) < 0)
		return -EINVAL;
	*ret = (long long)v;
	return 0;
}

/* An interface name the kernel accepts (net/core/dev.c dev_valid_name). */
static bool ifname_valid(const char *s)
{
	size_t n = strnlen(s, NET_TAP_NAME_SIZE);

	return n > 0 && n < NET_TAP_NAME_SIZE && strcmp(s, ".") && strcmp(s, "..") &&
	       !strpbrk(s, "/: \t\n");
}

int net_tap_read(const char *sysfs, const char *name, struct net_tap_info *ret)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int dfd = -1;
	char buf[64], link[256], *base;
	unsigned long flags;
	ssize_t n;
	int r;

	*ret = (struct net_tap_info){ .owner = -1, .group = -1 };
	if (!ifname_valid(name))
		return -EINVAL;
	if (asprintf(&path, "%s/class/net/%s", sysfs, name) < 0)
		return -ENOMEM;
	/* /sys/class/net/NAME is the kernel's link to the device's directory */
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOENT ? 0 : -errno;
	ret->exists = true;
	ret->bridge = faccessat(dfd, "bridge", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
	if (sysfs_read_attr(dfd, "flags", buf, sizeof(buf)) == 0 && parse_hex(buf, &flags) == 0)
		ret->up = flags & IFF_UP;
	n = readlinkat(dfd, "master", link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		base = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
		if (ifname_valid(base))
			strcpy(ret->master, base);
	}
	r = sysfs_read_attr(dfd, "tun_flags", buf, sizeof(buf));
	if (r == -ENOENT)
		return 0;
	if (r < 0 || parse_hex(buf, &flags) < 0)
		return r < 0 ? r : -EINVAL;
	ret->tun = true;
	ret->tap = flags & IFF_TAP;
	if ((r = sysfs_read_attr(dfd, "owner", buf, sizeof(buf))) < 0 || (r = parse_id(buf, &ret->owner)) < 0 ||
	    (r = sysfs_read_attr(dfd, "group", buf, sizeof(buf))) < 0 || (r = parse_id(buf, &ret->group)) < 0)
		return r;
	return 0;
}

bool net_tap_usable(const struct net_tap_info *t)
{
	gid_t groups[256];
	int n;

	if (!t->tap || (t->owner >= 0 && t->owner != (long long)geteuid()))
		return false;
	if (t->group < 0 || t->group == (long long)getegid())
		return true;
	n = getgroups(sizeof(groups) / sizeof(*groups), groups);
	for (int i = 0; i < n; i++)
		if ((long long)groups[i] == t->group)
			return true;
	return false;
}

int net_tap_find(const char *sysfs, const char *bridge, uid_t uid, char ret[NET_TAP_NAME_SIZE])
{
	_cleanup_free_ char *path = NULL;
	_cleanup_closedir_ DIR *d = NULL;
	struct net_tap_info t;
	struct dirent *e;
	int r;

	ret[0] = '\0';
	if (asprintf(&path, "%s/class/net", sysfs) < 0)
		return -ENOMEM;
	if ((r = sysfs_opendir(AT_FDCWD, path, 0, &d)) < 0)
		return r;
	/* readdir's order is the directory's: the first by name, so that
	 * two runs pick the same tap */
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || net_tap_read(sysfs, e->d_name, &t) < 0 || !t.tap ||
		    t.owner != (long long)uid || strcmp(t.master, bridge))
			continue;
		if (!ret[0] || strcmp(e->d_name, ret) < 0)
			snprintf(ret, NET_TAP_NAME_SIZE, "%.*s", NET_TAP_NAME_SIZE - 1, e->d_name);
	}
	return ret[0] ? 0 : -ENOENT;
}

int net_tap_open(const char *name, int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };

	if (!ifname_valid(name))
		return -EINVAL;
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, name);
	/* Attaches to the existing tap (tun_set_iff): -EPERM when it is not
	 * ours (tun_not_capable), -EBUSY when another descriptor holds it; a
	 * missing one it would make with CAP_NET_ADMIN only, which the user
	 * lacks (-EPERM). The check looked at the interface first and tells
	 * these apart for the user. */
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		return -errno;
	*ret_fd = fd;
	fd = -1;
	return 0;
}
