// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmdline: parse + render, no host probing (DESIGN.md's pipeline).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cleanup.h"
#include "common.h"
#include "commands.h"
#include "paths.h"
#include "profile.h"
#include "render.h"

static void cmdline_usage(FILE *out)
{
	fputs("Usage: vfio-launch cmdline [--help] PROFILE\n\n"
	      "Print the QEMU argv PROFILE renders to, one argument per line,\n"
	      "without probing the host: -accel kvm -accel tcg for accel = auto,\n"
	      "USB devices by vendorid/productid, the ivshmem size from the profile.\n",
	      out);
}

int cmd_cmdline(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	_cleanup_profile_ struct profile *p = NULL;
	struct vm_paths paths = { 0 };
	struct render_env env;
	struct strv out = { 0 };
	const char *why;
	int c, r;

	while ((c = getopt_long(argc, argv, "hV", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmdline_usage(stdout);
			return EX_OK;
		case 'V':
			printf("vfio-launch %s\n", VFIO_LAUNCH_VERSION);
			return EX_OK;
		default:
			cmdline_usage(stderr);
			return EX_USAGE;
		}
	}
	r = load_profile_arg(argc, argv, "cmdline", cmdline_usage, &p, NULL);
	if (r)
		return r;
	why = render_validate(p);
	if (why) {
		log_error("%s: %s", p->file, why);
		return EX_CONFIG;
	}
	r = init_paths(p, &paths);
	if (r)
		return r;
	env = (struct render_env){
		.paths = &paths,
		.accel = p->accel,
		/* As run gives it: the supervisor's audio proxy. */
		.audio_server = paths.audio_socket,
	};
	r = render_argv(p, &env, &out);
	vm_paths_clear(&paths);
	if (r < 0) {
		log_error("cannot render %s: %s", p->file, strerror(-r));
		strv_clear(&out);
		return r == -ENOMEM ? EX_OSERR : EX_CONFIG;
	}
	print_argv(&out, stdout);
	strv_clear(&out);
	return EX_OK;
}
