/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libudev, loaded with dlopen where it is used (dl.h): the USB resource
 * and `vfio-launch usb` (resources/usb.c), PCI names from the hardware
 * database (resources/pci_names.c). Linked, it was loaded by every
 * command, a minimal `run` included (~0.12 ms, issue 15).
 *
 * Call through the table: libudev.udev_new(), with libudev's own
 * prototypes (<libudev.h>, libudev1 of systemd 252 on Debian 12);
 * udev_list_entry_foreach() is a macro over udev_list_entry_get_next()
 * and cannot be used, walk the list with libudev.udev_list_entry_get_next.
 */
#pragma once

#include <libudev.h>

struct libudev_api {
	__typeof__(udev_new) *udev_new;
	__typeof__(udev_unref) *udev_unref;
	__typeof__(udev_list_entry_get_next) *udev_list_entry_get_next;
	__typeof__(udev_list_entry_get_name) *udev_list_entry_get_name;
	__typeof__(udev_list_entry_get_value) *udev_list_entry_get_value;
	__typeof__(udev_device_new_from_syspath) *udev_device_new_from_syspath;
	__typeof__(udev_device_new_from_subsystem_sysname) *udev_device_new_from_subsystem_sysname;
	__typeof__(udev_device_unref) *udev_device_unref;
	__typeof__(udev_device_get_devtype) *udev_device_get_devtype;
	__typeof__(udev_device_get_sysname) *udev_device_get_sysname;
	__typeof__(udev_device_get_property_value) *udev_device_get_property_value;
	__typeof__(udev_device_get_sysattr_value) *udev_device_get_sysattr_value;
	__typeof__(udev_enumerate_new) *udev_enumerate_new;
	__typeof__(udev_enumerate_unref) *udev_enumerate_unref;
	__typeof__(udev_enumerate_add_match_subsystem) *udev_enumerate_add_match_subsystem;
	__typeof__(udev_enumerate_add_match_property) *udev_enumerate_add_match_property;
	__typeof__(udev_enumerate_add_match_sysattr) *udev_enumerate_add_match_sysattr;
	__typeof__(udev_enumerate_scan_devices) *udev_enumerate_scan_devices;
	__typeof__(udev_enumerate_get_list_entry) *udev_enumerate_get_list_entry;
	__typeof__(udev_hwdb_new) *udev_hwdb_new;
	__typeof__(udev_hwdb_unref) *udev_hwdb_unref;
	__typeof__(udev_hwdb_get_properties_list_entry) *udev_hwdb_get_properties_list_entry;
};

/* Filled by libudev_load(); NULL pointers before. */
extern struct libudev_api libudev;

/*
 * Loads libudev (LIBUDEV_SONAME: the soname of the libudev.so the build
 * found, libudev.so.1 on Debian 12) once and fills the table. Returns 0,
 * or -ELIBACC: libudev_why() says what is missing, and which package
 * brings it, for the caller's message.
 */
int libudev_load(void);
const char *libudev_why(void);
