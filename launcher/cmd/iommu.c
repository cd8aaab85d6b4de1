// SPDX-License-Identifier: GPL-2.0-or-later
/* vfio-launch iommu: every IOMMU group, its devices and a verdict. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cleanup.h"
#include "commands.h"
#include "vfio.h"

static void usage(FILE *out)
{
	fputs("Usage: vfio-launch iommu\n\n"
	      "Lists every IOMMU group with its PCI devices (address, class,\n"
	      "vendor:device, name, driver) and whether the group can be passed\n"
	      "through: ready, passable after `vfio-privhelper bind ...`, bridges\n"
	      "only, not passable (an SR-IOV PF with VFs), or to be kept on the\n"
	      "host (a host-critical function, the root filesystem's storage).\n",
	      out);
}

int cmd_iommu(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

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
	if (optind < argc) {
		log_error("iommu: unexpected argument '%s'", argv[optind]);
		return EX_USAGE;
	}

	_cleanup_close_ int fd = open("/sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		log_error("iommu: /sys: %s", strerror(errno));
		return EX_OSERR;
	}
	_cleanup_close_ int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = iommu_print_groups(fd, procfd, stdout);
	if (r == -ENOENT) {
		log_error("no IOMMU groups: the IOMMU is off; "
			  "`vfio-launch check --host` says how to enable it");
		return EX_UNAVAILABLE;
	}
	if (r < 0) {
		log_error("iommu: reading /sys/kernel/iommu_groups: %s", strerror(-r));
		return EX_OSERR;
	}
	return EX_OK;
}
