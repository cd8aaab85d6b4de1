// SPDX-License-Identifier: GPL-2.0-or-later
/* vfio-launch usb: list USB devices with the ports a profile names. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "commands.h"
#include "udev_dl.h"
#include "usb.h"

int cmd_usb(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c, r;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			puts("Usage: vfio-launch usb\n\n"
			     "Lists the USB devices plugged in: the port (the name a profile's\n"
			     "[usb] port = takes, BUS-PORT[.PORT...]), vendor:product (for\n"
			     "[usb] device =), the device node that must be writable by you,\n"
			     "and the name. Hubs are marked [hub]: they cannot be passed\n"
			     "through, the devices behind them can.");
			return EX_OK;
		default:
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		log_error("usb: unexpected argument '%s'", argv[optind]);
		return EX_USAGE;
	}
	r = usb_list(stdout, "/dev");
	if (r == -ELIBACC) {
		log_error("usb: %s", libudev_why());
		return EX_UNAVAILABLE;
	}
	if (r < 0) {
		log_error("usb: cannot list USB devices with libudev: %s", strerror(-r));
		return EX_UNAVAILABLE;
	}
	return EX_OK;
}
