// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one table of resources (resource.h). Its order is the order of the
 * check's findings and of QEMU's argv: the golden files in
 * tests/data/golden/ pin the latter, so a new resource goes where its
 * arguments belong (a resource with no argv anywhere).
 */
#include "resource.h"

#include <assert.h>

const struct resource *const resources[] = {
	&resource_qemu,
	&resource_machine,
	&resource_firmware,
	&resource_display,
	&resource_memlock,
	&resource_pci,
	&resource_disk,
	&resource_network,
	&resource_audio,
	&resource_usb,
	&resource_looking_glass,
	&resource_input,
};

const size_t resources_n = sizeof(resources) / sizeof(resources[0]);

static_assert(sizeof(resources) / sizeof(resources[0]) <= RESOURCES_MAX,
	      "RESOURCES_MAX too small for the table");
