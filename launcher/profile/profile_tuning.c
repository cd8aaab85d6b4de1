// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The profile's tuning keys of issue 12: [vm] hugepages and the [cpu]
 * pinning keys (pin, emulator-pin, iothreads, iothread-pin), their value
 * parsers and the rules that span them (profile_finish_tuning). Pure, as
 * the other value parsers: what the host has (online CPUs, SMT siblings,
 * hugetlbfs mounts) is the resources' check (pin.c, hugepages.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "profile-internal.h"
#include "util.h"

#define IOTHREADS_MAX 16

/* hugepages = no|yes|2M|1G; the booleans yes/no are also accepted in
 * their other spellings (on/off, true/false, 1/0), as before the page
 * sizes were added. */
int parse_hugepages(struct parser *ps, const struct key_def *k, void *base,
		    const char *value)
{
	enum hugepages *h = value_field(base, k);
	bool b;

	if (parse_bool(value, &b) == 0)
		*h = b ? HUGEPAGES_YES : HUGEPAGES_NO;
	else if (strcasecmp(value, "2M") == 0)
		*h = HUGEPAGES_2M;
	else if (strcasecmp(value, "1G") == 0)
		*h = HUGEPAGES_1G;
	else
		return profile_fail(ps, ps->line, -EINVAL,
				    "%s: invalid value '%.64s'; allowed: no, yes, 2M or 1G",
				    k->key, value);
	return 0;
}

/* One number of a CPU list at *s, advancing *s. -1 when there is none or
 * it is out of range. */
static long cpu_number(const char **s)
{
	long v = 0;

	if (!isdigit((unsigned char)**s))
		return -1;
	while (isdigit((unsigned char)**s)) {
		v = v * 10 + (**s - '0');
		if (v >= PROFILE_CPU_MAX)
			return -1;
		(*s)++;
	}
	return v;
}

/*
 * A CPU list in the kernel's list format (Documentation/admin-guide/
 * cgroup-v2.rst, cpuset.cpus: "0-4,6,8-10"; the same as isolcpus= and
 * /sys/devices/system/cpu/online): ranges expanded in the order written.
 * Spaces after commas are allowed.
 */
int parse_cpu_list(struct parser *ps, const struct key_def *k, void *base,
		   const char *value)
{
	struct cpu_list *l = value_field(base, k);
	_cleanup_free_ unsigned short *v = NULL;
	const char *s = value;
	size_t n = 0;

	do {
		long a, b;

		while (*s == ' ')
			s++;
		a = cpu_number(&s);
		b = a;
		if (a >= 0 && *s == '-') {
			s++;
			b = cpu_number(&s);
		}
		if (a < 0 || b < a || (*s && *s != ','))
			return profile_fail(
				ps, ps->line, -EINVAL,
				"%s: '%.64s' is not a CPU list (e.g. 2-5,8; CPU numbers "
				"below %d, ranges low-high)",
				k->key, value, PROFILE_CPU_MAX);
		for (long c = a; c <= b; c++) {
			unsigned short *nv;
			if (n >= PROFILE_CPU_MAX)
				return profile_fail(ps, ps->line, -EINVAL,
						    "%s: more than %d CPUs", k->key,
						    PROFILE_CPU_MAX);
			nv = reallocarray(v, n + 1, sizeof(*v));
			if (!nv)
				return profile_oom(ps);
			v = nv;
			v[n++] = (unsigned short)c;
		}
	} while (*s++ == ',');
	free(l->v);
	l->v = steal_pointer(&v);
	l->n = n;
	l->line = ps->line;
	return 0;
}

int parse_iothreads(struct parser *ps, const struct key_def *k, void *base,
		    const char *value)
{
	uint64_t v;

	if (parse_u64(value, 0, IOTHREADS_MAX, &v) < 0)
		return profile_fail(ps, ps->line, -EINVAL,
				    "%s: '%.64s' is not a number of I/O threads from 0 to %d",
				    k->key, value, IOTHREADS_MAX);
	((struct profile *)base)->iothreads = (unsigned)v;
	return 0;
}

int profile_finish_tuning(struct parser *ps)
{
	const struct profile *p = ps->p;
	unsigned vcpus = p->cpus ? p->cpus : 1;

	/* One host CPU per vCPU: pinning two vCPUs to one CPU is allowed
	 * (pin = 1,1: they share it), a vCPU without a CPU is not. */
	if (p->cpu_pin.n && p->cpu_pin.n != vcpus)
		return profile_fail(ps, p->cpu_pin.line, -EINVAL,
				    "pin names %zu host CPU%s but the VM has %u vCPU%s "
				    "(cpus or topology); give one host CPU per vCPU, in order",
				    p->cpu_pin.n, p->cpu_pin.n == 1 ? "" : "s", vcpus,
				    vcpus == 1 ? "" : "s");
	if (p->iothread_pin.n && !p->iothreads)
		return profile_fail(ps, p->iothread_pin.line, -EINVAL,
				    "iothread-pin needs iothreads = N (N I/O threads to pin)");
	return 0;
}
