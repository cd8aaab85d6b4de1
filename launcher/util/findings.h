/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Findings of the check stage: one line each, PASS, WARN or FAIL, naming
 * the resource and, for FAIL (and WARN where useful), the exact fix.
 * All findings are collected and reported, not just the first.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum finding_level { FINDING_PASS, FINDING_WARN, FINDING_FAIL };

struct finding {
	enum finding_level level;
	char *resource; /* "memlock", "vfio 0000:01:00.0", "audio", ... */
	char *message;  /* what was found */
	char *fix;      /* how to fix it, or NULL */
};

struct findings {
	struct finding *items;
	size_t n, cap;
	size_t n_fail, n_warn;
};

/*
 * Adds a finding. resource and the formatted message are copied; fix may
 * be NULL. Allocation failure aborts the process (a findings list that
 * silently dropped a FAIL would let `run` start a broken VM).
 */
void findings_add(struct findings *f, enum finding_level level,
		  const char *resource, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#define finding_pass(f, res, ...) findings_add(f, FINDING_PASS, res, NULL, __VA_ARGS__)
#define finding_warn(f, res, fix, ...) findings_add(f, FINDING_WARN, res, fix, __VA_ARGS__)
#define finding_fail(f, res, fix, ...) findings_add(f, FINDING_FAIL, res, fix, __VA_ARGS__)

/*
 * Prints every finding, one per line: "PASS  resource: message", and the
 * fix on an indented "      fix: ..." line below WARN/FAIL lines.
 */
void findings_print(const struct findings *f, FILE *out);

/* Returns the first finding for resource (exact match), or NULL. Tests. */
const struct finding *findings_find(const struct findings *f, const char *resource);

void findings_clear(struct findings *f);
