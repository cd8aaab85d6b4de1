// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sandbox-boxrun: a small driver that confines itself exactly as
 * `vfio-launch run` does (sandbox_policy_build + sandbox_apply from
 * liblauncher.a) and execs a program, without parsing a profile or
 * probing the host. Used by the sandbox tests while, or where, the run
 * pipeline is not available; the policy's inputs are given as options:
 *
 *   sandbox-boxrun [--mode on|strict|off] [--display] [--audio]
 *                  [--rw PATH]... [--ro PATH]... [--runtime DIR]
 *                  [--memlock BYTES] [--keep-fd N]... -- PROGRAM [ARG]...
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "paths.h"
#include "profile.h"
#include "sandbox.h"

extern char **environ;

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "display", no_argument, NULL, 'd' },
		{ "audio", no_argument, NULL, 'a' },
		{ "rw", required_argument, NULL, 'w' },
		{ "ro", required_argument, NULL, 'r' },
		{ "runtime", required_argument, NULL, 't' },
		{ "memlock", required_argument, NULL, 'l' },
		{ "keep-fd", required_argument, NULL, 'k' },
		{ 0 },
	};
	struct profile p = { .sandbox = SANDBOX_ON, .net_mode = NET_NONE };
	struct check_ctx ctx = { .accel = ACCEL_TCG };
	struct vm_paths paths = { 0 };
	struct sandbox_policy pol;
	struct sandbox_result res;
	int keep[16];
	size_t n_keep = 0;
	char exe[PATH_MAX];
	uint64_t v;
	int c, r;

	while ((c = getopt_long(argc, argv, "+", options, NULL)) != -1) {
		switch (c) {
		case 'm':
			p.sandbox = strcmp(optarg, "off") == 0      ? SANDBOX_OFF
				    : strcmp(optarg, "strict") == 0 ? SANDBOX_STRICT
								    : SANDBOX_ON;
			break;
		case 'd':
			p.display = DISPLAY_GTK;
			break;
		case 'a':
			p.audio_backend = AUDIO_PULSE;
			break;
		case 'w':
			/* as a check would keep it: the object itself */
			if (check_ctx_keep_path(&ctx, optarg, NULL, GRANT_RW,
						startswith(optarg, "/dev/"), false) < 0)
				return 70;
			break;
		case 'r':
			if (check_ctx_keep_path(&ctx, optarg, NULL, GRANT_RO, false, false) < 0)
				return 70;
			break;
		case 't':
			paths.runtime_dir = optarg;
			break;
		case 'l':
			if (parse_u64(optarg, 0, UINT64_MAX, &v) < 0)
				return 64;
			ctx.memlock_bytes = v;
			break;
		case 'k':
			if (n_keep == 16 || parse_u64(optarg, 3, INT_MAX, &v) < 0)
				return 64;
			keep[n_keep++] = (int)v;
			break;
		default:
			fprintf(stderr, "usage: sandbox-boxrun [OPTIONS] -- PROGRAM [ARG]...\n");
			return 64;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "sandbox-boxrun: no program\n");
		return 64;
	}
	if (!realpath(argv[optind], exe)) {
		fprintf(stderr, "sandbox-boxrun: %s: %m\n", argv[optind]);
		return 66;
	}
	ctx.qemu_path = exe;

	r = sandbox_policy_build(&p, &ctx, &paths, environ, &pol);
	if (r < 0) {
		fprintf(stderr, "sandbox-boxrun: policy: %s\n", strerror(-r));
		return 70;
	}
	if (p.sandbox == SANDBOX_OFF)
		fprintf(stderr, "sandbox-boxrun: WARNING: sandbox = off\n");
	r = sandbox_apply(&pol, keep, n_keep, &res);
	if (r < 0) {
		fprintf(stderr, "sandbox-boxrun: %s%s%s: %s\n", res.failed_step,
			res.failed_path ? " " : "",
			res.failed_path ? res.failed_path : "", strerror(-r));
		return 77;
	}
	if (p.sandbox != SANDBOX_OFF && res.landlock_abi == 0)
		fprintf(stderr, "sandbox-boxrun: WARNING: no Landlock\n");
	execv(exe, argv + optind);
	fprintf(stderr, "sandbox-boxrun: exec %s: %m\n", exe);
	return 71;
}
