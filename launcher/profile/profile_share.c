// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The [share NAME] sections (issue 13; resources/share.c serves them):
 * their start (a unique name) and their end (a path is required). The
 * keys themselves are rows of profile_keys[] filling struct share_item.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile-internal.h"

/* [share NAME]: a new share named arg (the default mount tag). */
int profile_share_begin(struct parser *ps, const char *arg)
{
	struct profile *p = ps->p;

	if (!*arg)
		return profile_fail(ps, ps->line, -EINVAL,
				    "[share] needs a name, e.g. [share data]");
	if (!profile_valid_name(arg, NAME_MAX_LEN))
		return profile_fail(ps, ps->line, -EINVAL,
				    "[share %.64s]: not a valid share name; use 1-%d "
				    "letters, digits, '_', '.' or '-'",
				    arg, NAME_MAX_LEN);
	for (size_t i = 0; i < p->n_shares; i++)
		if (strcmp(p->shares[i].name, arg) == 0)
			return profile_fail(ps, ps->line, -EINVAL,
					    "[share %s] is already defined at line %u; "
					    "share names must be unique",
					    arg, p->shares[i].line);
	char *name = strdup(arg);
	if (!name)
		return profile_oom(ps);
	struct share_item sh = {.name = name, .line = ps->line};
	if (APPEND_ITEM(p->shares, p->n_shares, sh) < 0) {
		free(name);
		return profile_oom(ps);
	}
	ps->share = &p->shares[p->n_shares - 1];
	memset(ps->disk_seen, 0, N_KEYS * sizeof(*ps->disk_seen));
	return 0;
}

int profile_share_end(struct parser *ps, bool clean)
{
	struct share_item *sh = ps->share;

	ps->share = NULL;
	if (sh && clean && !sh->path)
		return profile_fail(ps, sh->line, -EINVAL,
				    "[share %s] has no path; add path = the host "
				    "directory the guest mounts",
				    sh->name);
	return 0;
}
