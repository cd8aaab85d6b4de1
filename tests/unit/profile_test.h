/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the profile parser's Check suites (test_profile*.c): load a
 * profile from a string, expect success or an error at a given line.
 * Header-only; aborts the test on failure.
 */
#pragma once

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "profile.h"
#include "render.h"
#include "util.h"

/* Relative paths in a profile resolve against the profile's directory. */
#define PDIR   "/srv/vms"
#define PATH   PDIR "/test.conf"
#define N_KEYS 55 /* rows of the parser's key table */

static inline void set_home(void)
{
	setenv("HOME", "/home/alice", 1);
}

static inline int load_string(const char *text, const char *path, struct profile **ret,
		       struct profile_error *err)
{
	_cleanup_fclose_ FILE *f = fmemopen((void *)text, strlen(text), "r");
	ck_assert_ptr_nonnull(f);
	return profile_load_file(f, path, ret, err);
}

static inline struct profile *load_ok(const char *text)
{
	struct profile *p = NULL;
	struct profile_error err;
	int r;

	set_home();
	r = load_string(text, PATH, &p, &err);
	ck_assert_msg(r == 0, "unexpected error %d: %s:%u: %s\n--- input:\n%s",
		      r, err.file, err.line, err.message, text);
	ck_assert_ptr_nonnull(p);
	return p;
}

/*
 * Asserts that text fails with -EINVAL, "test.conf:LINE: ..." where the
 * message contains every string in needles (NULL-terminated), and that
 * the output profile pointer is left untouched.
 */
static inline void expect_error_v(const char *text, unsigned line,
			   const char *const *needles)
{
	struct profile *p = (struct profile *)0x1; /* must stay untouched */
	struct profile_error err;
	char full[sizeof(err.file) + sizeof(err.message) + 32], prefix[64];
	int r;

	set_home();
	r = load_string(text, PATH, &p, &err);
	ck_assert_msg(r == -EINVAL, "expected -EINVAL, got %d for:\n%s", r,
		      text);
	ck_assert_ptr_eq(p, (struct profile *)0x1);
	snprintf(full, sizeof(full), "%s:%u: %s", err.file, err.line,
		 err.message);
	snprintf(prefix, sizeof(prefix), PATH ":%u: ", line);
	ck_assert_msg(startswith(full, prefix),
		      "expected '%s...', got '%s'\n--- input:\n%s", prefix,
		      full, text);
	for (size_t i = 0; needles[i]; i++)
		ck_assert_msg(strstr(err.message, needles[i]),
			      "'%s' not in '%s'", needles[i], full);
}

#define expect_error(text, line, ...)                                          \
	expect_error_v(text, line, (const char *const[]){__VA_ARGS__, NULL})

