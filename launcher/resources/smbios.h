/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine's identity: [smbios] mode = host (the host's world-readable
 * DMI strings in the guest's SMBIOS tables) and [vm] uuid (-uuid).
 */
#pragma once

#include <stdbool.h>

/* The DMI strings copied for [smbios] mode = host: the world-readable
 * (mode 0444) attributes of /sys/class/dmi/id (the kernel's
 * drivers/firmware/dmi-id.c). product_serial, board_serial,
 * chassis_serial and product_uuid are mode 0400 (root only) and are
 * never read: the guest gets no host serial number or UUID. */
enum smbios_field {
	SMBIOS_BIOS_VENDOR,
	SMBIOS_BIOS_VERSION,
	SMBIOS_BIOS_DATE,
	SMBIOS_SYS_VENDOR,
	SMBIOS_PRODUCT_NAME,
	SMBIOS_PRODUCT_VERSION,
	SMBIOS_PRODUCT_FAMILY,
	SMBIOS_PRODUCT_SKU,
	SMBIOS_BOARD_VENDOR,
	SMBIOS_BOARD_NAME,
	SMBIOS_BOARD_VERSION,
	SMBIOS_CHASSIS_VENDOR,
	SMBIOS_CHASSIS_VERSION,
	_SMBIOS_FIELD_MAX,
};

/* The host's DMI strings (smbios_read), each malloc'd or NULL (absent or
 * empty). */
struct smbios_host {
	char *v[_SMBIOS_FIELD_MAX];
	bool found; /* the DMI directory exists */
};

/* Reads sysfs/class/dmi/id/<field> for every field into *ret (cleared
 * first). A missing directory is no error: ret->found stays false.
 * Returns 0 or -ENOMEM. */
int smbios_read(const char *sysfs, struct smbios_host *ret);
void smbios_host_clear(struct smbios_host *h);

/*
 * The per-VM UUID of [vm] uuid = auto, kept in state_dir/uuid (one line,
 * lower-case 8-4-4-4-12). Reads it into buf (37 bytes); when it is
 * missing and create is true, makes one from getrandom(2) (version 4,
 * RFC 4122 4.4), creating state_dir (0700; its parents as needed) and
 * writing the file with O_EXCL, so a UUID once made is never replaced.
 * Returns 0, -ENOENT (missing, create false), -EBADMSG (the file holds
 * no UUID), or another -errno.
 */
int vm_uuid_load(const char *state_dir, bool create, char buf[static 37]);
