// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which block devices the host is using: mounted (by major:minor, and by the
 * mount source's name for filesystems such as btrfs that report an anonymous
 * 0:N device) or swapped on. Parsed from /proc/self/mountinfo (format: kernel
 * Documentation/filesystems/proc.rst, "3.5 /proc/<pid>/mountinfo") and
 * /proc/swaps. Holders (LVM, dm-crypt, md) are read from sysfs in sysfs.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "ph.h"

static int add_dev(struct ph_usage *u, dev_t d)
{
	dev_t *n = reallocarray(u->devs, u->n_devs + 1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	u->devs = n;
	u->devs[u->n_devs++] = d;
	return 0;
}

/* Records the basename of a "/dev/NAME" path (mount source or swap file). */
static int add_name(struct ph_usage *u, const char *path)
{
	const char *base;
	char (*n)[PH_NAME_SIZE];

	if (strncmp(path, "/dev/", 5))
		return 0;
	base = strrchr(path, '/') + 1;
	if (!ph_name_valid(base))
		return 0;
	n = reallocarray(u->names, u->n_names + 1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	u->names = n;
	strcpy(u->names[u->n_names++], base);
	return 0;
}

/* Parses the two /proc files (either may be NULL) into *ret, which the
 * caller releases with ph_usage_free. Returns 0 or -ENOMEM. */
int ph_usage_parse(FILE *mountinfo, FILE *swaps, struct ph_usage *ret)
{
	char *line = NULL;
	size_t cap = 0;
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	while (mountinfo && r == 0 && getline(&line, &cap, mountinfo) > 0) {
		unsigned maj, min;
		char *sep = strstr(line, " - "), src[256];

		if (sscanf(line, "%*u %*u %u:%u ", &maj, &min) == 2)
			r = add_dev(ret, makedev(maj, min));
		if (r == 0 && sep && sscanf(sep, " - %*s %255s", src) == 1)
			r = add_name(ret, src);
	}
	while (swaps && r == 0 && getline(&line, &cap, swaps) > 0) {
		char path[256];

		if (sscanf(line, "%255s", path) == 1)
			r = add_name(ret, path);
	}
	free(line);
	if (r < 0)
		ph_usage_free(ret);
	return r;
}

int ph_usage_load(struct ph_usage *ret)
{
	FILE *m = fopen("/proc/self/mountinfo", "re");
	FILE *s = fopen("/proc/swaps", "re");
	int r;

	/* Without mountinfo we cannot tell that a disk is free: fail closed. A
	 * kernel without swap support has no /proc/swaps. */
	if (!m)
		r = -errno;
	else
		r = ph_usage_parse(m, s, ret);
	if (m)
		fclose(m);
	if (s)
		fclose(s);
	return r;
}

void ph_usage_free(struct ph_usage *u)
{
	free(u->devs);
	free(u->names);
	memset(u, 0, sizeof(*u));
}

bool ph_usage_busy(const struct ph_usage *u, dev_t dev, const char *name)
{
	for (size_t i = 0; i < u->n_devs; i++)
		if (u->devs[i] == dev)
			return true;
	for (size_t i = 0; i < u->n_names; i++)
		if (!strcmp(u->names[i], name))
			return true;
	return false;
}
