// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-launch seccomp [--bpf] [PROFILE]: prints QEMU's seccomp filter in
 * libseccomp's pseudo filter code (seccomp_export_pfc(3)), for review, or
 * as raw BPF with --bpf (for tools such as the benchmark's interpreter).
 * Both were made by libseccomp at build time (box/gen/seccomp-bpf-gen.c)
 * and are the program the box loads: nothing is compiled here.
 *
 * The filter does not depend on the profile today (no profile key changes
 * a rule): PROFILE, when given, is parsed (a broken profile is reported
 * as `run` would) so that the command keeps its shape when a key does
 * (postcopy would allow userfaultfd).
 */
#include <errno.h>
#include <getopt.h>
#include <linux/filter.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cleanup.h"
#include "commands.h"
#include "paths.h"
#include "profile.h"
#include "seccomp_filter.h"

static void usage(FILE *out)
{
	fputs("Usage: vfio-launch seccomp [--bpf] [PROFILE]\n\n"
	      "Print the seccomp filter QEMU runs under, as libseccomp pseudo\n"
	      "filter code (or raw BPF with --bpf).\n",
	      out);
}

int cmd_seccomp(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "bpf", no_argument, NULL, 'b' },
		{ 0 },
	};
	struct seccomp_options opt = { 0 };
	bool bpf = false;
	int c, r;

	while ((c = getopt_long(argc, argv, "hb", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return EX_OK;
		case 'b':
			bpf = true;
			break;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (argc - optind > 1) {
		log_error("seccomp: too many arguments");
		usage(stderr);
		return EX_USAGE;
	}
	if (optind < argc) {
		_cleanup_free_ char *path = NULL;
		_cleanup_profile_ struct profile *p = NULL;
		struct profile_error err = { 0 };

		r = profile_resolve_path(argv[optind], &path);
		if (r < 0) {
			log_error("seccomp: no profile '%s': %s", argv[optind], strerror(-r));
			return r == -EINVAL ? EX_USAGE : EX_NOINPUT;
		}
		r = profile_load(path, &p, &err);
		if (r == -EINVAL) {
			log_profile_error(path, &err);
			return EX_CONFIG;
		}
		if (r < 0) {
			log_error("seccomp: cannot read %s: %s", path, strerror(-r));
			return EX_NOINPUT;
		}
		/* Every profile's QEMU gets the same filter: mode = user's
		 * host sockets are vfio-slirp's (resources/network.c). */
	}

	if (bpf) {
		size_t n;
		const struct sock_filter *f = seccomp_filter_builtin(&opt, &n);

		fwrite(f, sizeof(*f), n, stdout);
	} else {
		fputs(seccomp_filter_builtin_pfc(&opt), stdout);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_error("seccomp: cannot write the filter: %s", strerror(errno));
		return EX_IOERR;
	}
	return EX_OK;
}
