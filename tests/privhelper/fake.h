/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A fake host tree (tests/privhelper/fake-tree.sh) in a fresh temp dir, for
 * the helper's Check suites: the code under test gets a directory fd of
 * ROOT/sys where the program opens /sys. */
#pragma once

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fake_root[64];
static char fake_template[64];
static int fake_sysfd = -1;

/* Builds the tree once per suite (call from main, before running); each
 * test then gets its own copy (fake_setup), which is far quicker than
 * running the script per test. */
static void fake_build_template(void)
{
	char cmd[512];

	strcpy(fake_template, "/tmp/ph-unit-tpl.XXXXXX");
	if (!mkdtemp(fake_template))
		abort();
	snprintf(cmd, sizeof(cmd), "sh '%s/tests/privhelper/fake-tree.sh' '%s'", TOP_SRCDIR, fake_template);
	if (system(cmd) != 0)
		abort();
}

static void fake_remove_template(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fake_template);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", fake_template);
}

static void fake_setup(void)
{
	char cmd[512];

	strcpy(fake_root, "/tmp/ph-unit.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(fake_root));
	snprintf(cmd, sizeof(cmd), "cp -a '%s/.' '%s/'", fake_template, fake_root);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/sys", fake_root);
	fake_sysfd = open(cmd, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fake_sysfd, 0);
}

/* For tests that only read: the template itself, opened once per test
 * case (an unchecked fixture runs in the parent; the forked tests inherit
 * the fd). Must not be modified. */
static void fake_open_template(void)
{
	char path[128];

	strcpy(fake_root, fake_template);
	snprintf(path, sizeof(path), "%s/sys", fake_root);
	fake_sysfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fake_sysfd < 0)
		abort();
}

static void fake_close_template(void)
{
	close(fake_sysfd);
	fake_sysfd = -1;
}

static void fake_teardown(void)
{
	char cmd[128];

	if (fake_sysfd >= 0)
		close(fake_sysfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fake_root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", fake_root);
}

/* Contents of ROOT/rel, trailing newline removed ("" when absent). */
static const char *fake_read(const char *rel)
{
	static char buf[256];
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", fake_root, rel);
	buf[0] = '\0';
	if (!(f = fopen(path, "re")))
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return buf;
}

/* Runs a shell command in ROOT (to alter the fake tree for one test). */
static void fake_sh(const char *script)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "cd '%s' && %s", fake_root, script);
	ck_assert_msg(system(cmd) == 0, "%s", script);
}
