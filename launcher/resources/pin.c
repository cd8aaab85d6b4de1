// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pin resource: [cpu] pin, emulator-pin, iothreads, iothread-pin
 * (pin.h). The check makes ctx->pin, which the supervisor applies to
 * QEMU's threads while it is paused (supervisor/pin.c).
 */
#include "pin.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cleanup.h"
#include "host.h"
#include "render.h"
#include "resource.h"

int cpulist_parse(const char *s, cpu_set_t *ret)
{
	int n = 0;

	CPU_ZERO(ret);
	while (*s && *s != '\n') {
		char *end;
		unsigned long a, b;

		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		a = strtoul(s, &end, 10);
		b = a;
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return -EINVAL;
			b = strtoul(end + 1, &end, 10);
		}
		if (b < a || b >= PROFILE_CPU_MAX)
			return -EINVAL;
		for (unsigned long c = a; c <= b; c++)
			if (!CPU_ISSET(c, ret)) {
				CPU_SET(c, ret);
				n++;
			}
		if (*end == ',')
			end++;
		else if (*end && *end != '\n')
			return -EINVAL;
		s = end;
	}
	return n;
}

void cpulist_format(const cpu_set_t *set, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int c = 0; c < PROFILE_CPU_MAX; c++) {
		int e = c;
		if (!CPU_ISSET(c, set))
			continue;
		while (e + 1 < PROFILE_CPU_MAX && CPU_ISSET(e + 1, set))
			e++;
		if (e == c)
			buf_appendf(buf, len, "%s%d", buf[0] ? "," : "", c);
		else
			buf_appendf(buf, len, "%s%d-%d", buf[0] ? "," : "", c, e);
		c = e;
	}
}

/* sysfs/devices/system/cpu/REL as a CPU list; -errno or the count. */
static int read_cpulist(const char *root, const char *rel, cpu_set_t *ret)
{
	_cleanup_free_ char *t = NULL;
	int r = host_read_text(root, rel, &t);

	CPU_ZERO(ret);
	return r < 0 ? r : cpulist_parse(t, ret);
}

int host_cpus_read(const char *sysfs, struct host_cpus *ret)
{
	int r;

	for (size_t i = 0; i < PROFILE_CPU_MAX; i++)
		ret->core[i] = -1;
	r = read_cpulist(sysfs, "devices/system/cpu/online", &ret->online);
	if (r < 0)
		return r;
	/* present: the CPUs that exist (online or not); without it, what
	 * is online is all we know. */
	if (read_cpulist(sysfs, "devices/system/cpu/present", &ret->present) < 0)
		ret->present = ret->online;
	for (int c = 0; c < PROFILE_CPU_MAX; c++) {
		char rel[96];
		cpu_set_t sib;

		if (!CPU_ISSET(c, &ret->online))
			continue;
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/topology/thread_siblings_list", c);
		if (read_cpulist(sysfs, rel, &sib) <= 0)
			continue;
		for (int s = 0; s < PROFILE_CPU_MAX; s++)
			if (CPU_ISSET(s, &sib)) {
				ret->core[c] = (short)s;
				break;
			}
	}
	return 0;
}

/* Every CPU of l present and online, else why says which is not. */
static int cpus_usable(const char *key, const struct cpu_list *l, const struct host_cpus *h,
		       char *why, size_t len)
{
	char have[256];

	for (size_t i = 0; i < l->n; i++) {
		unsigned c = l->v[i];
		if (CPU_ISSET(c, &h->online))
			continue;
		cpulist_format(&h->online, have, sizeof(have));
		if (CPU_ISSET(c, &h->present))
			snprintf(why, len,
				 "%s: CPU %u is offline (online: %s); as root: echo 1 > "
				 "/sys/devices/system/cpu/cpu%u/online, or pin to online CPUs",
				 key, c, have, c);
		else
			snprintf(why, len, "%s: CPU %u does not exist on this host (online: %s)",
				 key, c, have);
		return -EINVAL;
	}
	return 0;
}

static void list_to_set(const struct cpu_list *l, cpu_set_t *ret)
{
	CPU_ZERO(ret);
	for (size_t i = 0; i < l->n; i++)
		CPU_SET(l->v[i], ret);
}

int pin_plan_make(const struct profile *p, const struct host_cpus *h, struct pin_plan *ret,
		  char *why, size_t why_len)
{
	unsigned threads = p->threads > 1 ? p->threads : 1;
	bool used[PROFILE_CPU_MAX] = { false };
	size_t n = p->cpu_pin.n;

	memset(ret, 0, sizeof(*ret));
	if (cpus_usable("[cpu] pin", &p->cpu_pin, h, why, why_len) < 0 ||
	    cpus_usable("[cpu] emulator-pin", &p->emulator_pin, h, why, why_len) < 0 ||
	    cpus_usable("[cpu] iothread-pin", &p->iothread_pin, h, why, why_len) < 0)
		return -EINVAL;
	ret->active = n || p->emulator_pin.n || p->iothread_pin.n;
	ret->emulator = p->emulator_pin.n > 0;
	list_to_set(&p->emulator_pin, &ret->emulator_set);
	ret->iothread = p->iothread_pin.n > 0;
	list_to_set(&p->iothread_pin, &ret->iothread_set);

	/* used[] is by position in the pin list (a CPU may be written twice:
	 * two vCPUs sharing it). */
	for (size_t vcpu = 0; vcpu < n; vcpu += threads) {
		size_t first = 0, got = 0;
		while (first < n && used[first])
			first++;
		short core = h->core[p->cpu_pin.v[first]];
		for (size_t i = first; i < n && got < threads; i++) {
			unsigned c = p->cpu_pin.v[i];
			if (used[i] || (i != first && (core < 0 || h->core[c] != core) &&
					c != p->cpu_pin.v[first]))
				continue;
			used[i] = true;
			ret->vcpu[vcpu + got++] = (unsigned short)c;
		}
		if (got < threads) {
			snprintf(why, why_len,
				 "pin: the guest's core %zu (vCPUs %zu-%zu, topology threads = %u) "
				 "needs %u SMT siblings of one host core, and the list has only "
				 "%zu left with CPU %u (%s); list whole host cores (see "
				 "/sys/devices/system/cpu/cpu%u/topology/thread_siblings_list) "
				 "or use a topology with threads = 1",
				 vcpu / threads, vcpu, vcpu + threads - 1, threads, threads, got,
				 p->cpu_pin.v[first],
				 core < 0 ? "its siblings are unknown" : "the others are not in the list",
				 p->cpu_pin.v[first]);
			return -EINVAL;
		}
	}
	ret->n_vcpus = n;
	return 0;
}

/* isolcpus=[flag,...,]LIST: the flags (nohz, domain, managed_irq) are
 * words, the list starts at the first digit after a comma or '='. */
static void add_cmdline_list(const char *cmdline, const char *key, cpu_set_t *acc)
{
	size_t klen = strlen(key);

	for (const char *s = cmdline; (s = strstr(s, key)); s += klen) {
		char val[256];
		const char *v;
		cpu_set_t set;

		if (s != cmdline && s[-1] != ' ')
			continue;
		snprintf(val, sizeof(val), "%.*s", (int)strcspn(s + klen, " \n"), s + klen);
		for (v = val; *v && !isdigit((unsigned char)*v);) {
			const char *comma = strchr(v, ',');
			if (!comma)
				break;
			v = comma + 1;
		}
		if (cpulist_parse(v, &set) > 0)
			CPU_OR(acc, acc, &set);
	}
}

void pin_isolated_cpus(const char *sysfs, const char *procfs, cpu_set_t *ret)
{
	_cleanup_free_ char *cmdline = NULL;
	cpu_set_t set, online;

	CPU_ZERO(ret);
	if (host_read_text(procfs, "cmdline", &cmdline) == 0) {
		add_cmdline_list(cmdline, "isolcpus=", ret);
		add_cmdline_list(cmdline, "nohz_full=", ret);
	}
	if (read_cpulist(sysfs, "devices/system/cpu/isolated", &set) > 0)
		CPU_OR(ret, ret, &set);
	/* systemd AllowedCPUs= on system.slice writes its cpuset.cpus
	 * (empty: not set, all CPUs); the online CPUs outside it get no
	 * system service. */
	if (read_cpulist(sysfs, "fs/cgroup/system.slice/cpuset.cpus", &set) > 0 &&
	    read_cpulist(sysfs, "devices/system/cpu/online", &online) > 0) {
		for (int c = 0; c < PROFILE_CPU_MAX; c++)
			if (CPU_ISSET(c, &online) && !CPU_ISSET(c, &set))
				CPU_SET(c, ret);
	}
}

/* ---------------------------------------------------------------- check */

static void pin_check(const struct profile *p, struct check_ctx *ctx, struct findings *f)
{
	struct host_cpus h;
	char why[1024], list[256], miss[256], rest[256];
	cpu_set_t vcpus, isolated, missing;
	int r;

	memset(&ctx->pin, 0, sizeof(ctx->pin));
	if (!p->cpu_pin.n && !p->emulator_pin.n && !p->iothread_pin.n)
		return;
	r = host_cpus_read(ctx->sysfs, &h);
	if (r < 0) {
		finding_fail(f, "pin", NULL, "%s/devices/system/cpu/online: %s", ctx->sysfs,
			     strerror(-r));
		return;
	}
	if (pin_plan_make(p, &h, &ctx->pin, why, sizeof(why)) < 0) {
		/* The fix is in the message (which CPU, which list). */
		finding_fail(f, "pin", NULL, "%s", why);
		return;
	}
	if (!p->cpu_pin.n) {
		finding_pass(f, "pin", "emulator-pin %s, iothread-pin %s (vCPUs not pinned)",
			     p->emulator_pin.n ? "set" : "unset", p->iothread_pin.n ? "set" : "unset");
		return;
	}
	list_to_set(&p->cpu_pin, &vcpus);
	pin_isolated_cpus(ctx->sysfs, ctx->procfs, &isolated);
	CPU_ZERO(&missing);
	for (int c = 0; c < PROFILE_CPU_MAX; c++)
		if (CPU_ISSET(c, &vcpus) && !CPU_ISSET(c, &isolated))
			CPU_SET(c, &missing);
	cpulist_format(&vcpus, list, sizeof(list));
	why[0] = '\0';
	for (size_t i = 0; i < ctx->pin.n_vcpus; i++)
		buf_appendf(why, sizeof(why), "%s%zu->%u", i ? " " : "", i, ctx->pin.vcpu[i]);
	if (CPU_COUNT(&missing) == 0) {
		finding_pass(f, "pin", "vCPU->host CPU %s; CPUs %s are isolated from the host's "
			     "scheduler", why, list);
		return;
	}
	/* What the host keeps: the online CPUs no vCPU is pinned to. */
	CPU_XOR(&isolated, &h.online, &vcpus);
	CPU_AND(&isolated, &isolated, &h.online);
	cpulist_format(&isolated, rest, sizeof(rest));
	cpulist_format(&missing, miss, sizeof(miss));
	_cleanup_free_ char *fix = NULL;
	if (asprintf(&fix,
		     "add isolcpus=%s nohz_full=%s to the kernel command line and reboot "
		     "(kernel-parameters.txt), or at run time as root: systemctl "
		     "set-property --runtime -- system.slice AllowedCPUs=%s; the same for "
		     "init.scope (systemd.resource-control(5))",
		     list, list, rest[0] ? rest : "0") < 0)
		abort();
	finding_warn(f, "pin", fix,
		     "vCPU->host CPU %s; CPUs %s are not isolated: host tasks share them "
		     "with the vCPUs (latency spikes in the guest)",
		     why, miss);
}

/* -object iothread,id=ioN: the disks' iothread= (disk.c) names them. */
static int pin_argv(const struct profile *p, const struct render_env *env, struct strv *sv)
{
	(void)env;
	for (unsigned i = 0; i < p->iothreads; i++) {
		TRY(strv_push(sv, "-object"));
		TRY(strv_pushf(sv, "iothread,id=io%u", i));
	}
	return 0;
}

const struct resource resource_pin = {
	.name = "pin",
	.check = pin_check,
	.argv = pin_argv,
};
