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
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "grants.h"

const struct resource *const resources[] = {
	&resource_qemu,
	&resource_machine,
	&resource_smbios,
	&resource_firmware,
	&resource_display,
	&resource_memlock,
	&resource_pci,
	&resource_disk,
	&resource_network,
	&resource_share, /* [share NAME] (issue 13) */
	&resource_tpm,
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

int resources_prepare(const struct profile *p, const struct check_ctx *ctx,
		      const char **ret_what)
{
	*ret_what = NULL;
	for (size_t i = 0; i < resources_n; i++) {
		int r = resources[i]->prepare ? resources[i]->prepare(p, ctx) : 0;
		if (r < 0) {
			*ret_what = resources[i]->name;
			return r;
		}
	}
	return 0;
}

int helper_list_add(struct helper_list *list, const char *id, const char *what,
		    struct helper **ret)
{
	struct helper *h;

	if (list->n >= HELPERS_MAX)
		return -E2BIG;
	if (strlen(id) >= sizeof(h->id))
		return -EINVAL;
	h = &list->v[list->n];
	*h = (struct helper){ 0 };
	h->what = strdup(what);
	if (!h->what)
		return -ENOMEM;
	strcpy(h->id, id);
	list->n++;
	*ret = h;
	return 0;
}

void helper_list_clear(struct helper_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->v[i].what);
		strv_clear(&list->v[i].argv);
		sandbox_policy_clear(&list->v[i].policy);
	}
	list->n = 0;
}

int resources_helpers(const struct profile *p, const struct check_ctx *ctx,
		      struct helper_list *list)
{
	for (size_t i = 0; i < resources_n; i++) {
		int r = resources[i]->helpers ? resources[i]->helpers(p, ctx, list) : 0;
		if (r < 0)
			return r;
	}
	return 0;
}

int resources_policy_build(const struct profile *p, const struct check_ctx *ctx,
			   const struct vm_paths *paths, char *const *envp,
			   struct sandbox_policy *ret)
{
	struct grants granted = { 0 };
	int r = resources_grants(p, ctx, paths, &granted);

	if (r == 0)
		r = sandbox_policy_build(p, ctx, &granted, envp, ret);
	grants_clear(&granted);
	return r;
}
