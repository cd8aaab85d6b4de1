// SPDX-License-Identifier: GPL-2.0-or-later
#include "memlock.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "resource.h"

#define GiB (UINT64_C(1) << 30)

uint64_t memlock_required_bytes(const struct profile *p)
{
	if (!p || p->n_pci == 0)
		return 0;
	if (p->memory > UINT64_MAX - GiB)
		return UINT64_MAX;
	return p->memory + GiB;
}

enum memlock_verdict memlock_evaluate(uint64_t need, const struct rlimit *rl)
{
	if (need == 0 || rl->rlim_cur == RLIM_INFINITY || rl->rlim_cur >= need)
		return MEMLOCK_ENOUGH;
	if (rl->rlim_max == RLIM_INFINITY || rl->rlim_max >= need)
		return MEMLOCK_RAISABLE;
	return MEMLOCK_TOO_LOW;
}

void memlock_print_fix(FILE *out, uint64_t need, const char *indent)
{
	/* limits.conf(5): memlock is in KiB; round up so the limit covers
	 * every byte. */
	unsigned long long kib = (unsigned long long)(need / 1024 + (need % 1024 != 0));
	unsigned long long bytes = (unsigned long long)need;

	fprintf(out,
		"%s/etc/security/limits.d/vfio-launch.conf (PAM logins; KiB):\n"
		"%s    @" MEMLOCK_GROUP " soft memlock %llu\n"
		"%s    @" MEMLOCK_GROUP " hard memlock %llu\n"
		"%s/etc/systemd/system/user@.service.d/vfio-launch.conf (the user manager's own limit; bytes):\n"
		"%s    [Service]\n"
		"%s    LimitMEMLOCK=%llu\n"
		"%s/etc/systemd/user.conf.d/vfio-launch.conf (sessions started by systemd --user; bytes):\n"
		"%s    [Manager]\n"
		"%s    DefaultLimitMEMLOCK=%llu\n"
		"%sthen `systemctl daemon-reload` and log out and in again.\n",
		indent, indent, kib, indent, kib, indent, indent, indent, bytes,
		indent, indent, indent, bytes, indent);
}

static void format_limit(rlim_t v, char *buf, size_t len)
{
	if (v == RLIM_INFINITY)
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

void memlock_check(const struct profile *p, struct check_ctx *ctx,
		   struct findings *f)
{
	memlock_check_need(memlock_required_bytes(p), p->memory, ctx, f);
}

void memlock_check_need(uint64_t need, uint64_t guest_ram, struct check_ctx *ctx,
			struct findings *f)
{
	struct rlimit rl;
	char soft[32], hard[32], ram[32];

	ctx->memlock_bytes = need;
	if (need == 0) {
		finding_pass(f, "memlock", "no [pci] device: no memlock needed");
		return;
	}
	format_size(guest_ram, ram, sizeof(ram));
	if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0) {
		finding_fail(f, "memlock", NULL, "getrlimit(RLIMIT_MEMLOCK): %s",
			     strerror(errno));
		return;
	}
	format_limit(rl.rlim_cur, soft, sizeof(soft));
	format_limit(rl.rlim_max, hard, sizeof(hard));

	switch (memlock_evaluate(need, &rl)) {
	case MEMLOCK_ENOUGH:
		finding_pass(f, "memlock",
			     "soft limit %s bytes >= %llu needed (guest RAM %s + 1 GiB)",
			     soft, (unsigned long long)need, ram);
		return;
	case MEMLOCK_RAISABLE:
		if (!ctx->for_run) {
			finding_pass(f, "memlock",
				     "soft limit %s bytes < %llu needed (guest RAM %s + 1 GiB), "
				     "hard limit %s suffices: run raises the soft limit",
				     soft, (unsigned long long)need, ram, hard);
			return;
		}
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0) {
			finding_fail(f, "memlock", NULL,
				     "raising the soft limit to the hard limit %s: %s",
				     hard, strerror(errno));
			return;
		}
		finding_pass(f, "memlock",
			     "soft limit raised from %s to %s bytes (%llu needed: guest RAM %s + 1 GiB)",
			     soft, hard, (unsigned long long)need, ram);
		return;
	case MEMLOCK_TOO_LOW:
	default:
		break;
	}

	_cleanup_free_ char *fix = NULL;
	size_t fix_len = 0;
	FILE *mf = open_memstream(&fix, &fix_len);
	if (mf) {
		fputs("as root, give the " MEMLOCK_GROUP " group this limit:\n", mf);
		memlock_print_fix(mf, need, "        ");
		if (fclose(mf) != 0) {
			free(fix);
			fix = NULL;
		}
		/* drop the final newline: findings_print adds one */
		if (fix && fix_len && fix[fix_len - 1] == '\n')
			fix[fix_len - 1] = '\0';
	}
	finding_fail(f, "memlock", fix,
		     "hard limit %s bytes < %llu needed (guest RAM %s + 1 GiB for VFIO)",
		     hard, (unsigned long long)need, ram);
}

uint64_t memlock_print_limits(FILE *out, const struct profile *const *profiles,
			      size_t n)
{
	uint64_t max = 0;
	const struct profile *largest = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct profile *p = profiles[i];
		uint64_t need = memlock_required_bytes(p);
		char ram[32];
		format_size(p->memory, ram, sizeof(ram));
		if (need)
			fprintf(out, "%s: %s guest RAM, %zu [pci] device%s: %llu bytes\n",
				p->name, ram, p->n_pci, p->n_pci == 1 ? "" : "s",
				(unsigned long long)need);
		else
			fprintf(out, "%s: %s guest RAM, no [pci] device: no memlock needed\n",
				p->name, ram);
		if (need > max) {
			max = need;
			largest = p;
		}
	}
	if (!largest) {
		fputs("\nNo profile has a [pci] device: no memlock limit is needed.\n", out);
		return 0;
	}
	fprintf(out,
		"\nmemlock needed: %llu bytes = %llu KiB (%s: guest RAM + 1 GiB, "
		"libvirt's formula)\n\n",
		(unsigned long long)max,
		(unsigned long long)(max / 1024 + (max % 1024 != 0)), largest->name);
	memlock_print_fix(out, max, "");
	return max;
}

const struct resource resource_memlock = {
	.name = "memlock",
	.check = memlock_check,
};
