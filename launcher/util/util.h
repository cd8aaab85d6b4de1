/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small pure helpers shared by the launcher's modules: bounded number
 * parsing, sizes with binary suffixes, booleans, and a growable argv.
 * Convention (systemd's two tiers): return 0 or a negative errno, never
 * log, never exit.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parses a decimal unsigned integer in [min, max] into *ret. The whole
 * string must be consumed: no sign, no spaces, no trailing junk.
 * Returns 0, -EINVAL (not a number) or -ERANGE (out of bounds).
 */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *ret);

/*
 * Parses a size in bytes: a decimal number optionally followed by one of
 * K, M, G, T (binary units: KiB = 1024, as QEMU's -m and the profile's
 * docs use), case-insensitive, an optional trailing 'B' or 'iB' accepted
 * ("16G", "16GiB", "512M", "4096"). Result in bytes, must be in
 * [min, max]. Returns 0, -EINVAL or -ERANGE (also on overflow).
 */
int parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *ret);

/*
 * yes/no, on/off, true/false, 1/0 (case-insensitive). Returns 0 or -EINVAL.
 */
int parse_bool(const char *s, bool *ret);

/* Formats bytes as the largest exact binary unit: 17179869184 -> "16G". */
void format_size(uint64_t bytes, char *buf, size_t len);

/*
 * A growable NULL-terminated vector of malloc'd strings (an argv).
 * strv_push/strv_pushf return 0 or -ENOMEM; on -ENOMEM the vector is
 * unchanged and still valid. Free with strv_free() from cleanup.h.
 */
struct strv {
	char **v;   /* NULL-terminated, NULL when empty */
	size_t n;   /* number of strings */
	size_t cap; /* allocated slots */
};

int strv_push(struct strv *sv, const char *s);
int strv_pushf(struct strv *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Frees the strings and the vector, resets *sv to empty. */
void strv_clear(struct strv *sv);

/*
 * Appends the formatted text to the NUL-terminated string in buf (len
 * bytes in all), for messages built in parts; what does not fit is cut
 * (vsnprintf), and a full buffer is left as it is.
 */
void buf_appendf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Levenshtein edit distance between two short ASCII strings. */
size_t edit_distance(const char *a, const char *b);

/* true when s starts with prefix. */
static inline bool startswith(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}
