/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the VFIO Check suites (test_vfio.c, test_vfio_iommu.c): the
 * fake sysfs/dev tree of each test, a check context on it, and a profile
 * passing given BDFs through.
 */
#pragma once

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fake_tree.h"
#include "vfio.h"

static struct fake_tree T;

static inline void setup(void)
{
	fake_init(&T);
}

static inline void teardown(void)
{
	fake_cleanup(&T);
}

static inline struct check_ctx ctx_for(const struct fake_tree *t)
{
	return (struct check_ctx){ .sysfs = t->sys, .devfs = t->dev, .procfs = t->proc };
}

static struct pci_item items[4];

static inline struct profile profile_with(const char *const *bdfs, size_t n)
{
	ck_assert_uint_le(n, ELEMENTSOF(items));
	for (size_t i = 0; i < n; i++) {
		memset(&items[i], 0, sizeof(items[i]));
		snprintf(items[i].bdf, sizeof(items[i].bdf), "%s", bdfs[i]);
		items[i].line = 10 + (unsigned)i;
	}
	return (struct profile){ .file = "/home/u/.config/vfio-launch/win.conf",
				 .memory = 1ULL << 30, .pci = items, .n_pci = n };
}
