// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The profile's typed value parsers for scalar values: words, paths,
 * booleans, enums, sizes, the vCPU topology and CPU flags, the UUID and
 * QEMU's binary and extra arguments (the device values are in
 * profile_devices.c). Each fills one field and reports a bad value with
 * profile_fail() on the current line; none touches the host. The
 * value_*() helpers are shared with profile_devices.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "profile-internal.h"
#include "util.h"

#define MEMORY_MIN    (16ULL << 20)
#define MEMORY_MAX    (16ULL << 40)
#define CPUS_MAX      1024

_Static_assert(sizeof(enum accel) == sizeof(int), "enums are stored as int");
_Static_assert(sizeof(enum disk_cache) == sizeof(int),
	       "enums are stored as int");

/* "a, b or c" into buf, for "allowed values" messages. */
const char *value_list(const char *const *values, char *buf, size_t len)
{
	size_t n = 0, used = 0;

	while (values[n])
		n++;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		int w =
		    snprintf(buf + used, len - used, "%s%s", sep, values[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return buf;
}

void *value_field(void *base, const struct key_def *k)
{
	return (char *)base + k->offset;
}

int value_set_string(struct parser *ps, char **dst, const char *value)
{
	char *s = strdup(value);
	if (!s)
		return profile_oom(ps);
	free(*dst);
	*dst = s;
	return 0;
}

/*
 * "~/x" -> $HOME/x, "x" -> DIR/x (DIR: the profile's directory), "/x" as
 * is. The result is malloc'd into *ret. Symbolic links are not resolved:
 * stable names such as /dev/disk/by-id/... are kept as written.
 */
static int resolve_path(struct parser *ps, const struct key_def *k,
			const char *value, char **ret)
{
	char *s = NULL;

	if (!*value)
		return profile_fail(ps, ps->line, -EINVAL, "%s: empty path",
				    k->key);
	if (value[0] == '~') {
		const char *home = getenv("HOME");
		if (value[1] != '\0' && value[1] != '/')
			return profile_fail(
			    ps, ps->line, -EINVAL,
			    "%s: '%.64s': only '~/' (your home "
			    "directory) is expanded, not '~user'",
			    k->key, value);
		if (!home || home[0] != '/')
			return profile_fail(
			    ps, ps->line, -EINVAL,
			    "%s: '%.64s' starts with '~' but $HOME is "
			    "not set to an absolute path",
			    k->key, value);
		if (asprintf(&s, "%s%s", home, value + 1) < 0)
			return profile_oom(ps);
	} else if (value[0] == '/') {
		s = strdup(value);
		if (!s)
			return profile_oom(ps);
	} else {
		while (startswith(value, "./"))
			value += 2;
		if (asprintf(&s, "%s/%s",
			     strcmp(ps->dir, "/") == 0 ? "" : ps->dir,
			     value) < 0)
			return profile_oom(ps);
	}
	*ret = s;
	return 0;
}

int value_set_path(struct parser *ps, const struct key_def *k, char **dst,
		    const char *value)
{
	char *s = NULL;
	int r = resolve_path(ps, k, value, &s);
	if (r < 0)
		return r;
	free(*dst);
	*dst = s;
	return 0;
}

/* [A-Za-z0-9_.-]{1,max}, not starting with '.' (used as a directory name). */
bool profile_valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || s[0] == '.')
		return false;
	for (const char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '.' &&
		    *c != '-')
			return false;
	return true;
}

/* ------------------------------------------------------------ typed keys */

/* A single word: no whitespace or commas (machine types, device models). */
int parse_word(struct parser *ps, const struct key_def *k, void *base,
	       const char *value)
{
	if (!*value)
		return profile_fail(ps, ps->line, -EINVAL, "%s: empty value",
				    k->key);
	for (const char *c = value; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' &&
		    *c != '.')
			return profile_fail(
			    ps, ps->line, -EINVAL,
			    "%s: '%.64s' is not a valid name (letters, "
			    "digits, '-', '_', '.')",
			    k->key, value);
	return value_set_string(ps, value_field(base, k), value);
}

int parse_path(struct parser *ps, const struct key_def *k, void *base,
	       const char *value)
{
	return value_set_path(ps, k, value_field(base, k), value);
}

int parse_boolean(struct parser *ps, const struct key_def *k, void *base,
		  const char *value)
{
	if (parse_bool(value, value_field(base, k)) < 0)
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "%s: '%.64s' is not a boolean; use yes or no (also "
		    "on/off, true/false, 1/0)",
		    k->key, value);
	return 0;
}

int value_lookup_enum(const char *const *values, const char *value)
{
	for (int i = 0; values[i]; i++)
		if (strcmp(values[i], value) == 0)
			return i;
	return -1;
}

int parse_enum(struct parser *ps, const struct key_def *k, void *base,
	       const char *value)
{
	char allowed[256];
	int i = value_lookup_enum(k->values, value);

	if (i < 0)
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "%s: invalid value '%.64s'; allowed: %s", k->key, value,
		    value_list(k->values, allowed, sizeof(allowed)));
	memcpy(value_field(base, k), &i, sizeof(i));
	return 0;
}

int parse_vm_name(struct parser *ps, const struct key_def *k, void *base,
		  const char *value)
{
	if (!profile_valid_name(value, NAME_MAX_LEN))
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "name: '%.64s' is not a valid VM name; use 1-%d letters, "
		    "digits, '_', '.' or '-', not starting with '.'",
		    value, NAME_MAX_LEN);
	return value_set_string(ps, value_field(base, k), value);
}

int parse_memory(struct parser *ps, const struct key_def *k, void *base,
		 const char *value)
{
	int r = parse_size(value, MEMORY_MIN, MEMORY_MAX, value_field(base, k));

	if (r == -ERANGE)
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "memory: '%.64s' is out of range; it must be at "
		    "least 16M and at most 16T",
		    value);
	if (r < 0)
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "memory: '%.64s' is not a size; write a number with an "
		    "optional K, M, G or T suffix (binary units), e.g. 16G",
		    value);
	if (*(uint64_t *)value_field(base, k) % (1ULL << 20) != 0)
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "memory: '%.64s' is not a whole number of MiB "
		    "(QEMU's -m counts in MiB)",
		    value);
	ps->p->line_memory = ps->line;
	return 0;
}

int parse_cpus(struct parser *ps, const struct key_def *k, void *base,
	       const char *value)
{
	uint64_t v;

	(void)k;
	if (parse_u64(value, 1, CPUS_MAX, &v) < 0)
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "cpus: '%.64s' is not a number of vCPUs between 1 and %d",
		    value, CPUS_MAX);
	((struct profile *)base)->cpus = (unsigned)v;
	return 0;
}

/* stop-timeout = SECONDS: 1 s to one day. */
int parse_stop_timeout(struct parser *ps, const struct key_def *k, void *base,
		       const char *value)
{
	uint64_t v;

	(void)k;
	if (parse_u64(value, 1, STOP_TIMEOUT_MAX, &v) < 0)
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "stop-timeout: '%.64s' is not a number of seconds between 1 and %d",
		    value, STOP_TIMEOUT_MAX);
	((struct profile *)base)->stop_timeout = (unsigned)v;
	return 0;
}

/*
 * The decimal number at the start of s (at most 7 digits), in [min, max],
 * into *ret. Returns the number of digits read, 0 when s does not start
 * with such a number. A longer run of digits leaves a digit after the
 * ones read, which callers refuse as a bad separator.
 */
size_t value_leading_number(const char *s, uint64_t min, uint64_t max,
			     uint64_t *ret)
{
	char num[8];
	size_t n;

	for (n = 0; isdigit((unsigned char)s[n]) && n < sizeof(num) - 1; n++)
		num[n] = s[n];
	num[n] = '\0';
	if (n == 0 || parse_u64(num, min, max, ret) < 0)
		return 0;
	return n;
}

/* topology = <sockets>s<cores>c<threads>t, e.g. 1s4c2t. */
int parse_topology(struct parser *ps, const struct key_def *k, void *base,
		   const char *value)
{
	struct profile *p = base;
	static const char units[3] = {'s', 'c', 't'};
	unsigned v[3];
	const char *c = value;

	(void)k;
	for (size_t i = 0; i < 3; i++) {
		uint64_t x;
		size_t n = value_leading_number(c, 1, CPUS_MAX, &x);

		if (n == 0 || c[n] != units[i])
			goto bad;
		v[i] = (unsigned)x;
		c += n + 1;
	}
	if (*c)
		goto bad;
	if ((uint64_t)v[0] * v[1] * v[2] > CPUS_MAX)
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "topology: '%.64s' gives more than %d vCPUs", value,
		    CPUS_MAX);
	p->sockets = v[0];
	p->cores = v[1];
	p->threads = v[2];
	return 0;
bad:
	return profile_fail(ps, ps->line, -EINVAL,
			    "topology: '%.64s' is not SOCKETSsCOREScTHREADSt "
			    "(e.g. 1s4c2t, each 1-%d)",
			    value, CPUS_MAX);
}

int parse_append(struct parser *ps, const struct key_def *k, void *base,
		 const char *value)
{
	/* An empty command line is legitimate. */
	return value_set_string(ps, value_field(base, k), value);
}

/* [D:]B:D.F with D 4, B 2, D 2 (<= 0x1f), F 1 (<= 7) hex digits. */
int parse_qemu_binary(struct parser *ps, const struct key_def *k, void *base,
		      const char *value)
{
	struct profile *p = base;

	if (!*value)
		return profile_fail(ps, ps->line, -EINVAL,
				    "binary: empty value");
	for (const char *c = value; *c; c++)
		if (isspace((unsigned char)*c))
			return profile_fail(
			    ps, ps->line, -EINVAL,
			    "binary: '%.64s' contains whitespace; give "
			    "one program name or path",
			    value);
	if (!strchr(value, '/'))
		return value_set_string(ps, &p->qemu_binary, value);
	return value_set_path(ps, k, &p->qemu_binary, value);
}

/* extra = ARG... : split on whitespace, appended verbatim. */
int parse_qemu_extra(struct parser *ps, const struct key_def *k, void *base,
		     const char *value)
{
	struct profile *p = base;
	_cleanup_free_ char *copy = strdup(value);
	size_t add = 0;
	char *save = NULL;

	(void)k;
	if (!copy)
		return profile_oom(ps);
	for (char *t = strtok_r(copy, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save))
		add++;
	if (add == 0)
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "extra: empty value; give one or more QEMU arguments");
	char **v = reallocarray(p->qemu_extra, p->n_qemu_extra + add + 1,
				sizeof(char *));
	if (!v)
		return profile_oom(ps);
	p->qemu_extra = v;
	v[p->n_qemu_extra] = NULL;
	strcpy(copy, value);
	save = NULL;
	for (char *t = strtok_r(copy, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save)) {
		char *s = strdup(t);
		if (!s)
			return profile_oom(ps);
		v[p->n_qemu_extra++] = s;
		v[p->n_qemu_extra] = NULL;
	}
	return 0;
}

/* One -cpu flag: "+name", "-name" or "name=value", name and value of
 * [A-Za-z0-9_.-] (QEMU's feature names, e.g. "sse4.2", "hv-spinlocks"). */
static bool cpu_flag_valid(const char *s, size_t n)
{
	size_t i = 0, eq = 0;

	if (n > 0 && (s[0] == '+' || s[0] == '-'))
		i = 1;
	if (i == n)
		return false;
	for (size_t j = i; j < n; j++) {
		if (s[j] == '=' && !i && !eq && j > 0 && j + 1 < n) {
			eq = j;
			continue;
		}
		if (!isalnum((unsigned char)s[j]) && s[j] != '-' && s[j] != '_' &&
		    s[j] != '.')
			return false;
	}
	return i || eq;
}

int parse_cpu_features(struct parser *ps, const struct key_def *k, void *base,
		       const char *value)
{
	_cleanup_free_ char *out = NULL;
	size_t len = 0;
	const char *s = value;

	out = malloc(strlen(value) + 1);
	if (!out)
		return profile_oom(ps);
	while (*s) {
		size_t n;
		s += strspn(s, ", \t");
		n = strcspn(s, ", \t");
		if (n == 0)
			break;
		if (!cpu_flag_valid(s, n))
			return profile_fail(
			    ps, ps->line, -EINVAL,
			    "%s: '%.*s' is not a CPU flag; write +FLAG, -FLAG or "
			    "FLAG=VALUE (QEMU's names: qemu-system-x86_64 -cpu help)",
			    k->key, (int)(n > 64 ? 64 : n), s);
		if (len)
			out[len++] = ',';
		memcpy(out + len, s, n);
		len += n;
		s += n;
	}
	if (!len)
		return profile_fail(ps, ps->line, -EINVAL, "%s: empty value", k->key);
	out[len] = '\0';
	free(*(char **)value_field(base, k));
	*(char **)value_field(base, k) = out;
	out = NULL;
	return 0;
}

/* "auto", or a UUID as 8-4-4-4-12 hex digits (stored lower-case). */
int parse_uuid(struct parser *ps, const struct key_def *k, void *base,
	       const char *value)
{
	char buf[37];
	size_t n = strlen(value);

	if (strcmp(value, "auto") == 0)
		return value_set_string(ps, value_field(base, k), value);
	if (n != 36)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? value[i] != '-' : !isxdigit((unsigned char)value[i]))
			goto bad;
		buf[i] = (char)tolower((unsigned char)value[i]);
	}
	buf[n] = '\0';
	return value_set_string(ps, value_field(base, k), buf);
bad:
	return profile_fail(ps, ps->line, -EINVAL,
			    "%s: '%.64s' is not a UUID; write auto or "
			    "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex digits)",
			    k->key, value);
}
