// SPDX-License-Identifier: GPL-2.0-or-later
/* libudev's table, loaded where it is used; see udev_dl.h. */
#include "udev_dl.h"

#include "dl.h"

/* The Makefile passes the soname of the libudev the build saw; this is
 * Debian 12's, for a build without it. */
#ifndef LIBUDEV_SONAME
#define LIBUDEV_SONAME "libudev.so.1"
#endif

struct libudev_api libudev;

static const struct dl_sym syms[] = {
	{ "udev_new", (void **)&libudev.udev_new },
	{ "udev_unref", (void **)&libudev.udev_unref },
	{ "udev_list_entry_get_next", (void **)&libudev.udev_list_entry_get_next },
	{ "udev_list_entry_get_name", (void **)&libudev.udev_list_entry_get_name },
	{ "udev_list_entry_get_value", (void **)&libudev.udev_list_entry_get_value },
	{ "udev_device_new_from_syspath", (void **)&libudev.udev_device_new_from_syspath },
	{ "udev_device_new_from_subsystem_sysname",
	  (void **)&libudev.udev_device_new_from_subsystem_sysname },
	{ "udev_device_unref", (void **)&libudev.udev_device_unref },
	{ "udev_device_get_devtype", (void **)&libudev.udev_device_get_devtype },
	{ "udev_device_get_sysname", (void **)&libudev.udev_device_get_sysname },
	{ "udev_device_get_property_value", (void **)&libudev.udev_device_get_property_value },
	{ "udev_device_get_sysattr_value", (void **)&libudev.udev_device_get_sysattr_value },
	{ "udev_enumerate_new", (void **)&libudev.udev_enumerate_new },
	{ "udev_enumerate_unref", (void **)&libudev.udev_enumerate_unref },
	{ "udev_enumerate_add_match_subsystem",
	  (void **)&libudev.udev_enumerate_add_match_subsystem },
	{ "udev_enumerate_add_match_property",
	  (void **)&libudev.udev_enumerate_add_match_property },
	{ "udev_enumerate_add_match_sysattr",
	  (void **)&libudev.udev_enumerate_add_match_sysattr },
	{ "udev_enumerate_scan_devices", (void **)&libudev.udev_enumerate_scan_devices },
	{ "udev_enumerate_get_list_entry", (void **)&libudev.udev_enumerate_get_list_entry },
	{ "udev_hwdb_new", (void **)&libudev.udev_hwdb_new },
	{ "udev_hwdb_unref", (void **)&libudev.udev_hwdb_unref },
	{ "udev_hwdb_get_properties_list_entry",
	  (void **)&libudev.udev_hwdb_get_properties_list_entry },
};

static struct dl_lib lib = { .soname = LIBUDEV_SONAME,
			     .syms = syms,
			     .n_syms = sizeof(syms) / sizeof(syms[0]) };

int libudev_load(void)
{
	return dl_lib_load(&lib);
}

const char *libudev_why(void)
{
	return lib.why;
}
