/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The published hosts of tests/data/iommu/ (format: its README), for the
 * suites that test the listing, `check` and the helper against them:
 * topo_load() reads a file's groups, devices and expected verdicts;
 * topo_build() makes its fake tree with fake-tree.sh. Shared by
 * tests/unit/test_vfio.c and tests/privhelper/test_privhelper_plan.c
 * (test code only: the helper and the launcher share none). */
#pragma once

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const topo_names[] = {
	"seed001-thinkstation-c30", "seed002-archwiki", "seed002-82576-sriov",
	"x570-matisse-rtx2060",     "z390-9900k-lvm",   "pex8747-v100-cx6",
};
#define TOPO_N (sizeof(topo_names) / sizeof(topo_names[0]))

struct topo_dev {
	char bdf[13], driver[64];
};
struct topo_group {
	int id;
	char verdict[256]; /* "host 0000:00:1f.0", "bind 0000:01:00.2 0000:01:00.3" */
	struct topo_dev dev[16];
	size_t n;
};
struct topo {
	struct topo_group g[48];
	size_t n;
};

static void topo_load(const char *name, struct topo *t)
{
	char path[512], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/data/iommu/%s.topo", TOP_SRCDIR, name);
	ck_assert_msg((f = fopen(path, "re")) != NULL, "%s", path);
	memset(t, 0, sizeof(*t));
	while (fgets(line, sizeof(line), f)) {
		struct topo_group *g = t->n ? &t->g[t->n - 1] : NULL;
		char *hash = strchr(line, '#'), *tok, *save = NULL;

		if (hash)
			*hash = '\0';
		if (!(tok = strtok_r(line, " \t\n", &save)))
			continue;
		if (!strcmp(tok, "group")) {
			ck_assert_uint_lt(t->n, sizeof(t->g) / sizeof(t->g[0]));
			g = &t->g[t->n++];
			g->id = atoi(strtok_r(NULL, " \t\n", &save));
			while ((tok = strtok_r(NULL, " \t\n", &save)))
				snprintf(g->verdict + strlen(g->verdict), sizeof(g->verdict) - strlen(g->verdict),
					 "%s%s", g->verdict[0] ? " " : "", tok);
		} else if (!strcmp(tok, "dev")) {
			ck_assert_ptr_nonnull(g);
			ck_assert_uint_lt(g->n, sizeof(g->dev) / sizeof(g->dev[0]));
			snprintf(g->dev[g->n].bdf, sizeof(g->dev[0].bdf), "%s", strtok_r(NULL, " \t\n", &save));
			strtok_r(NULL, " \t\n", &save); /* ids */
			strtok_r(NULL, " \t\n", &save); /* class */
			tok = strtok_r(NULL, " \t\n", &save);
			snprintf(g->dev[g->n++].driver, sizeof(g->dev[0].driver), "%s", strcmp(tok, "-") ? tok : "");
		}
	}
	fclose(f);
	ck_assert_uint_gt(t->n, 0);
}

/* The fake host of name under root (root/sys, root/dev, root/proc). */
static void topo_build(const char *name, const char *root)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "sh '%s/tests/privhelper/fake-tree.sh' '%s' '%s/tests/data/iommu/%s.topo'",
		 TOP_SRCDIR, root, TOP_SRCDIR, name);
	ck_assert_int_eq(system(cmd), 0);
}
