// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-launch limits PROFILE...: the memlock limit the user's profiles
 * need (guest RAM + 1 GiB of the largest with a [pci] device), in the
 * limits.d and systemd forms, so the admin installs an exact figure
 * rather than guessing or `unlimited`.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cleanup.h"
#include "commands.h"
#include "memlock.h"
#include "paths.h"
#include "profile.h"

static void usage(FILE *out)
{
	fputs("Usage: vfio-launch limits PROFILE...\n\n"
	      "Prints the memlock (RLIMIT_MEMLOCK) limit the profiles need: guest\n"
	      "RAM + 1 GiB for the largest profile with a [pci] device, as the\n"
	      "limits.d lines for the vfio group and the systemd drop-ins for\n"
	      "graphical sessions.\n",
	      out);
}

/* Loads one profile; logs and returns an exit code on failure. */
static int load(const char *arg, struct profile **ret)
{
	_cleanup_free_ char *path = NULL;
	struct profile_error err = { 0 };
	int r = profile_resolve_path(arg, &path);

	if (r == -EINVAL) {
		log_error("'%s' is not a profile name nor a path", arg);
		return EX_USAGE;
	}
	if (r < 0) {
		log_error("cannot look up profile '%s': %s", arg, strerror(-r));
		return EX_CONFIG;
	}
	r = profile_load(path, ret, &err);
	if (r == 0)
		return 0;
	if (r == -EINVAL) {
		log_profile_error(path, &err);
		return EX_CONFIG;
	}
	log_error("cannot read profile %s: %s", path, strerror(-r));
	return r == -ENOENT ? EX_NOINPUT : r == -EACCES ? EX_NOPERM : EX_NOINPUT;
}

int cmd_limits(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c, ret = EX_OK;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return EX_OK;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind >= argc) {
		log_error("limits: name at least one PROFILE");
		usage(stderr);
		return EX_USAGE;
	}

	size_t n = (size_t)(argc - optind);
	struct profile **profiles = calloc(n, sizeof(*profiles));
	if (!profiles) {
		log_error("out of memory");
		return EX_OSERR;
	}
	for (size_t i = 0; i < n && ret == EX_OK; i++)
		ret = load(argv[optind + (int)i], &profiles[i]);
	if (ret == EX_OK)
		memlock_print_limits(stdout, (const struct profile *const *)profiles, n);
	for (size_t i = 0; i < n; i++)
		if (profiles[i])
			profile_free(profiles[i]);
	free(profiles);
	return ret;
}
