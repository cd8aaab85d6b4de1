// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sandbox-boxrun: a small driver that starts a program in the box as
 * the supervisor does (sandbox_policy_build + box_spawn from
 * liblauncher.a: the namespaces, the new root, then sandbox_apply),
 * waits for it and exits with its status, without parsing a profile or
 * probing the host. Used by the sandbox tests while, or where, the run
 * pipeline is not available; the policy's inputs are given as options:
 *
 *   sandbox-boxrun [--mode on|strict|reduced|off] [--display] [--audio]
 *                  [--rw PATH]... [--ro PATH]... [--runtime DIR]
 *                  [--memlock BYTES] [--keep-fd N]... [--net user|none]
 *                  [--sysfs DIR] [--devfs DIR] [--pci BDF]... [--kvm]
 *                  -- PROGRAM [ARG]...
 *
 * --sysfs/--devfs are the check's host trees (a fake tree in tests):
 * what is granted under them is shown in the box at /sys and /dev.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "box.h"
#include "check.h"
#include "findings.h"
#include "resource.h"
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
		{ "net", required_argument, NULL, 'n' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "devfs", required_argument, NULL, 'v' },
		{ "pci", required_argument, NULL, 'p' },
		{ "kvm", no_argument, NULL, 'K' },
		{ 0 },
	};
	struct profile p = { .sandbox = SANDBOX_ON, .net_mode = NET_NONE };
	struct check_ctx ctx = { .accel = ACCEL_TCG };
	struct vm_paths paths = { 0 };
	struct sandbox_policy pol;
	struct sandbox_result res;
	struct pci_item pci[4];
	struct box_child child;
	struct box_spec spec;
	siginfo_t si = { 0 };
	int keep[16];
	size_t n_keep = 0;
	char exe[PATH_MAX];
	uint64_t v;
	int c, r;

	while ((c = getopt_long(argc, argv, "+", options, NULL)) != -1) {
		switch (c) {
		case 'm':
			p.sandbox = strcmp(optarg, "off") == 0       ? SANDBOX_OFF
				    : strcmp(optarg, "strict") == 0  ? SANDBOX_STRICT
				    : strcmp(optarg, "reduced") == 0 ? SANDBOX_REDUCED
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
		case 'n':
			p.net_mode = strcmp(optarg, "user") == 0 ? NET_USER : NET_NONE;
			break;
		case 's':
			ctx.sysfs = optarg;
			break;
		case 'v':
			ctx.devfs = optarg;
			break;
		case 'p':
			if (p.n_pci == 4 || strlen(optarg) >= sizeof(pci[0].bdf))
				return 64;
			pci[p.n_pci] = (struct pci_item){ 0 };
			strcpy(pci[p.n_pci].bdf, optarg);
			p.pci = pci;
			p.n_pci++;
			break;
		case 'K':
			ctx.accel = ACCEL_KVM;
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

	/* [pci]: the real check of the pci resource (vfio.c, pci.c) against
	 * the given trees, which keeps what the box then grants: the group
	 * and container nodes, the device's sysfs directory. Its findings
	 * are printed, not judged: a test asserts what QEMU does. */
	if (p.n_pci > 0) {
		struct findings f = { 0 };

		resource_pci.check(&p, &ctx, &f);
		findings_print(&f, stderr);
		findings_clear(&f);
	}
	r = resources_policy_build(&p, &ctx, &paths, environ, &pol);
	if (r < 0) {
		fprintf(stderr, "sandbox-boxrun: policy: %s\n", strerror(-r));
		return 70;
	}
	if (p.sandbox == SANDBOX_OFF)
		fprintf(stderr, "sandbox-boxrun: WARNING: sandbox = off\n");
	spec = (struct box_spec){ .policy = &pol, .fds = keep, .n_fds = n_keep,
				  .stdio = { 0, 1, 2 } };
	argv[optind] = exe;
	r = box_spawn(&spec, argv + optind, &child, &res);
	if (r < 0) {
		fprintf(stderr, "sandbox-boxrun: %s%s%s: %s\n",
			res.failed_step ? res.failed_step : "box", res.failed_path ? " " : "",
			res.failed_path ? res.failed_path : "", strerror(-r));
		return 77;
	}
	/* P_PIDFD (Linux 5.4) is 3; glibc 2.36 has no name for it. */
	while (waitid((idtype_t)3, (id_t)child.pidfd, &si, WEXITED) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "sandbox-boxrun: waitid: %m\n");
			return 71;
		}
	if (si.si_code == CLD_EXITED)
		return si.si_status;
	fprintf(stderr, "sandbox-boxrun: killed by signal %d\n", si.si_status);
	return 128 + si.si_status;
}
