// SPDX-License-Identifier: GPL-2.0-or-later
/* Block devices the host uses: mounted (by major:minor, and by source name
 * for btrfs and others that report an anonymous 0:N) or swapped on, from
 * /proc/self/mountinfo (Documentation/filesystems/proc.rst) and /proc/swaps. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "ph.h"

/* Records a device number, or the basename of a "/dev/NAME" path. */
static int add(struct ph_usage *u, dev_t dev, const char *path)
{
	const char *base = path ? strrchr(path, '/') + 1 : NULL;
	void *n;

	if (path && (strncmp(path, "/dev/", 5) || !ph_name_valid(base)))
		return 0;
	if (!path && (n = reallocarray(u->devs, u->n_devs + 1, sizeof(dev_t))))
		u->devs = n, u->devs[u->n_devs++] = dev;
	else if (path && (n = reallocarray(u->names, u->n_names + 1, sizeof(*u->names))))
		u->names = n, strcpy(u->names[u->n_names++], base);
	else
		return -ENOMEM;
	return 0;
}

/* Parses the two /proc files (swaps may be NULL: no swap support) into *ret,
 * released with ph_usage_free. Returns 0 or -ENOMEM. */
int ph_usage_parse(FILE *mountinfo, FILE *swaps, struct ph_usage *ret)
{
	char *line = NULL, path[256], *sep;
	size_t cap = 0;
	unsigned maj, min;
	int r = 0;

	*ret = (struct ph_usage){ 0 };
	while (r == 0 && getline(&line, &cap, mountinfo) > 0) {
		/* "36 35 98:0 /root /mnt opts [tags] - fstype source superopts" */
		if (sscanf(line, "%*u %*u %u:%u ", &maj, &min) == 2)
			r = add(ret, makedev(maj, min), NULL);
		if (r == 0 && (sep = strstr(line, " - ")) && sscanf(sep, " - %*s %255s", path) == 1)
			r = add(ret, 0, path);
	}
	/* "Filename Type Size Used Priority" then one line per swap area */
	while (swaps && r == 0 && getline(&line, &cap, swaps) > 0)
		if (sscanf(line, "%255s", path) == 1)
			r = add(ret, 0, path);
	free(line);
	if (r < 0)
		ph_usage_free(ret);
	return r;
}

void ph_usage_free(struct ph_usage *u)
{
	free(u->devs);
	free(u->names);
	*u = (struct ph_usage){ 0 };
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
