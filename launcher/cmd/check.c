// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check: parse + check (DESIGN.md's pipeline), or the host alone.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <sysexits.h>

#include "check.h"
#include "cleanup.h"
#include "common.h"
#include "commands.h"
#include "findings.h"
#include "paths.h"
#include "profile.h"
#include "trust.h"

/* `check` with findings that FAIL. Not a sysexits code: the command ran
 * fine, the host is what is not ready (like diff(1) and test(1)). */
#define EXIT_CHECK_FAILED 1

static void check_usage(FILE *out)
{
	fputs("Usage: vfio-launch check [--help] [--trust-profile] PROFILE\n"
	      "       vfio-launch check [--host]\n\n"
	      "Check the host for PROFILE: one PASS, WARN or FAIL line per\n"
	      "resource, with the fix below each WARN and FAIL. Without a\n"
	      "PROFILE (or with --host), check the host itself. What the profile\n"
	      "widens QEMU's box with is a FAIL (run refuses it), a WARN with\n"
	      "--trust-profile or [vm] trusted = yes.\n"
	      "Exit status: 0 when nothing FAILs, 1 when something does.\n",
	      out);
}

static void print_summary(const struct findings *f, FILE *out)
{
	fprintf(out, "%zu PASS, %zu WARN, %zu FAIL\n", f->n - f->n_warn - f->n_fail,
		f->n_warn, f->n_fail);
}

int cmd_check(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "host", no_argument, NULL, 'H' },
		{ "trust-profile", no_argument, NULL, 'T' },
		{ 0 },
	};
	_cleanup_profile_ struct profile *p = NULL;
	struct findings f = { 0 };
	struct check_ctx ctx;
	struct vm_paths paths = { 0 };
	bool host = false, trust = false;
	int c, r, paths_r;

	while ((c = getopt_long(argc, argv, "hV", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			check_usage(stdout);
			return EX_OK;
		case 'V':
			printf("vfio-launch %s\n", VFIO_LAUNCH_VERSION);
			return EX_OK;
		case 'H':
			host = true;
			break;
		case 'T':
			trust = true;
			break;
		default:
			check_usage(stderr);
			return EX_USAGE;
		}
	}
	if (argc - optind > 1 || (host && argc - optind == 1)) {
		log_error("check takes one PROFILE, or --host");
		check_usage(stderr);
		return EX_USAGE;
	}
	check_ctx_init(&ctx);
	if (argc - optind == 0) {
		check_host(&ctx, &f);
	} else {
		r = load_profile(argv[optind], &p);
		if (r)
			return r;
		paths_r = vm_paths_init(p, &paths);
		ctx.paths = paths_r == 0 ? &paths : NULL;
		check_pipeline(p, ctx.paths, paths_r, &f);
		if (trust_check(p, trust, &f) < 0)
			log_error("out of memory listing what %s widens the box with", p->file);
		check_profile(p, &ctx, &f);
	}
	findings_print(&f, stdout);
	print_summary(&f, stdout);
	r = f.n_fail ? EXIT_CHECK_FAILED : EX_OK;
	findings_clear(&f);
	check_ctx_clear(&ctx);
	vm_paths_clear(&paths);
	return r;
}
