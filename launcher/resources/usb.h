/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * [usb] host devices for QEMU's usb-host (libusb): by port
 * (hostbus=B,hostport=P, the device's sysfs name "B-P") or by
 * vendor:product, resolved here to the port it is plugged into now.
 * Enumeration goes through libudev (so umockdev can fake it in tests);
 * the device node is /dev/bus/usb/BBB/DDD under ctx->devfs, from the
 * busnum/devnum attributes.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

struct profile;
struct check_ctx;
struct findings;

/*
 * Splits a USB device's sysfs name "1-4.2" into bus 1 and port path
 * "4.2". Returns 0, or -EINVAL for a root hub ("usb1"), an interface
 * ("1-4.2:1.0") or anything malformed. Pure.
 */
int usb_parse_sysname(const char *sysname, unsigned *ret_bus, char *ret_port,
		      size_t port_len);

/*
 * The [usb] check: one finding per item, "usb port 1-4.2" or
 * "usb 046d:c52b". A present device must not be a hub (bDeviceClass 09)
 * and its node must open read-write for us; an empty port is a WARN
 * (QEMU attaches the device when it is plugged in); a vendor:product with
 * no match or more than one is a FAIL. Fills ctx->usb (p->n_usb entries,
 * hostbus/hostport of each item) and keeps the nodes of present devices
 * (check_ctx_keep); an empty port keeps nothing, so the box grants
 * nothing there.
 */
void usb_check(const struct profile *p, struct check_ctx *ctx,
	       struct findings *f);

/*
 * Writes the USB devices (root hubs left out), sorted by bus and port,
 * one per line: PORT, VENDOR:PRODUCT, NODE, NAME and "hub" for hubs, with
 * a header line. devfs prefixes the node names. Returns 0, -ENOMEM,
 * -ELIBACC (libudev cannot be loaded: libudev_why(), udev_dl.h), or
 * -errno from libudev.
 */
int usb_list(FILE *out, const char *devfs);
