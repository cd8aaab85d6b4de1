// SPDX-License-Identifier: GPL-2.0-or-later
#include "findings.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void *xnonnull(void *p)
{
	if (!p) {
		fputs("vfio-launch: out of memory\n", stderr);
		abort();
	}
	return p;
}

void findings_add(struct findings *f, enum finding_level level,
		  const char *resource, const char *fix, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->items = xnonnull(realloc(f->items, f->cap * sizeof(*f->items)));
	}
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	f->items[f->n++] = (struct finding){
		.level = level,
		.resource = xnonnull(strdup(resource)),
		.message = xnonnull(msg),
		.fix = fix ? xnonnull(strdup(fix)) : NULL,
	};
	if (level == FINDING_FAIL)
		f->n_fail++;
	else if (level == FINDING_WARN)
		f->n_warn++;
}

void findings_print(const struct findings *f, FILE *out)
{
	static const char *const names[] = { "PASS", "WARN", "FAIL" };

	for (size_t i = 0; i < f->n; i++) {
		const struct finding *it = &f->items[i];
		fprintf(out, "%s  %s: %s\n", names[it->level], it->resource,
			it->message);
		if (it->fix && it->level != FINDING_PASS)
			fprintf(out, "      fix: %s\n", it->fix);
	}
}

const struct finding *findings_find(const struct findings *f, const char *resource)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->items[i].resource, resource) == 0)
			return &f->items[i];
	return NULL;
}

void findings_clear(struct findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->items[i].resource);
		free(f->items[i].message);
		free(f->items[i].fix);
	}
	free(f->items);
	*f = (struct findings){ 0 };
}
