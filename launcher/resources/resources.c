// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one table of resources (resource.h). Its order is the order of the
 * check's findings and of QEMU's argv: the golden files in
 * tests/data/golden/ pin the latter, so a new resource goes where its
 * arguments belong (a resource with no argv anywhere).
 */
#include "resource.h"

#include <assert.h>
#include <errno.h>

#include "check.h"
#include "grants.h"

const struct resource *const resources[] = {
	&resource_qemu,
	&resource_machine,
	&resource_smbios,
	&resource_firmware,
	&resource_display,
	&resource_memlock,
	&resource_pin,
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

int resource_grants_copy(struct grants *ret, const struct grants *from)
{
	for (size_t i = 0; i < from->n; i++) {
		const struct grant *g = &from->v[i];
		int r = g->fd >= 0 ? grants_add_fd(ret, g->path, g->fd, g->access, g->dev)
				   : grants_add_system(ret, g->path, g->access, g->dev,
						       g->optional);
		if (r < 0)
			return r;
	}
	return 0;
}

int resource_grants_prepared(struct grants *ret, const char *path, bool dev)
{
	int r;

	if (!path)
		return 0;
	r = grants_open(ret, path, GRANT_RW, dev, false);
	return r == -ENOENT ? 0 : r;
}

int resources_grants(const struct profile *p, const struct check_ctx *ctx,
		     const struct vm_paths *paths, struct grants *ret)
{
	for (size_t i = 0; i < resources_n; i++) {
		const struct resource *res = resources[i];
		int r = res->grants ? res->grants(p, ctx, paths, &ctx->kept[i], ret)
				    : resource_grants_copy(ret, &ctx->kept[i]);
		if (r < 0)
			return r;
	}
	return 0;
}
