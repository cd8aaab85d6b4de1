// SPDX-License-Identifier: GPL-2.0-or-later
#include "memlock.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "resource.h"
#include "util.h"

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

/* ------------------------------------------------ what is installed */

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* limits.conf(5): "DOMAIN TYPE ITEM VALUE"; the hard memlock (type hard
 * or "-") of @group or "*", in KiB, as bytes. 0 when the line is another. */
static uint64_t limits_line(const char *line)
{
	char dom[64], type[16], item[32], val[32];
	uint64_t kib;

	if (sscanf(line, " %63s %15s %31s %31s", dom, type, item, val) != 4 || dom[0] == '#')
		return 0;
	if ((strcmp(dom, "@" MEMLOCK_GROUP) != 0 && strcmp(dom, "*") != 0) ||
	    (strcmp(type, "hard") != 0 && strcmp(type, "-") != 0) || strcmp(item, "memlock") != 0)
		return 0;
	if (strcmp(val, "unlimited") == 0 || strcmp(val, "infinity") == 0)
		return UINT64_MAX;
	if (parse_u64(val, 0, UINT64_MAX / 1024, &kib) < 0)
		return 0;
	return kib * 1024;
}

/* systemd: "KEY=VALUE" with VALUE bytes (K/M/G/T: 1024-based), "infinity"
 * or "SOFT:HARD" (systemd.exec(5), LimitMEMLOCK=); the hard part. */
static uint64_t systemd_line(const char *line, const char *key)
{
	size_t n = strlen(key);
	char val[64];
	uint64_t v;

	while (*line == ' ' || *line == '\t')
		line++;
	if (strncmp(line, key, n) != 0 || line[n] != '=')
		return 0;
	snprintf(val, sizeof(val), "%s", strchr(line + n + 1, ':') ? strchr(line + n + 1, ':') + 1
								   : line + n + 1);
	val[strcspn(val, " \t\r\n")] = '\0';
	if (strcmp(val, "infinity") == 0)
		return UINT64_MAX;
	return parse_size(val, 0, UINT64_MAX, &v) < 0 ? 0 : v;
}

/* The largest figure for key (NULL: limits.conf syntax) in file. */
static uint64_t scan_file(const char *path, const char *key)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[512];
	uint64_t best = 0;

	while (f && fgets(line, sizeof(line), f))
		best = max_u64(best, key ? systemd_line(line, key) : limits_line(line));
	return best;
}

/* The largest figure in DIR/ *.conf (the drop-in convention of pam_limits
 * and systemd: only *.conf files are read). */
static uint64_t scan_dir(const char *etc, const char *dir, const char *key)
{
	_cleanup_free_ char *path = NULL;
	uint64_t best = 0;
	struct dirent *de;
	DIR *d;

	if (asprintf(&path, "%s/%s", etc, dir) < 0)
		return 0;
	d = opendir(path);
	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		_cleanup_free_ char *file = NULL;
		if (n <= 5 || strcmp(de->d_name + n - 5, ".conf") != 0 ||
		    asprintf(&file, "%s/%s", path, de->d_name) < 0)
			continue;
		best = max_u64(best, scan_file(file, key));
	}
	if (d)
		closedir(d);
	return best;
}

void memlock_find_installed(const char *etc, struct memlock_installed *ret)
{
	_cleanup_free_ char *conf = NULL;

	*ret = (struct memlock_installed){ 0 };
	if (asprintf(&conf, "%s/security/limits.conf", etc) >= 0)
		ret->limits_d = scan_file(conf, NULL);
	ret->limits_d = max_u64(ret->limits_d, scan_dir(etc, "security/limits.d", NULL));
	ret->user_service = scan_dir(etc, "systemd/system/user@.service.d", "LimitMEMLOCK");
	ret->user_conf = scan_dir(etc, "systemd/user.conf.d", "DefaultLimitMEMLOCK");
}

/* Is the caller in group MEMLOCK_GROUP (the limits.d lines are for it)? */
static bool in_memlock_group(void)
{
	struct group *g = getgrnam(MEMLOCK_GROUP);
	gid_t groups[256];
	int n;

	if (!g)
		return false;
	if (getegid() == g->gr_gid)
		return true;
	n = getgroups((int)(sizeof(groups) / sizeof(groups[0])), groups);
	for (int i = 0; i < n; i++)
		if (groups[i] == g->gr_gid)
			return true;
	return false;
}

/* ---------------------------------------------------------------- check */

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

	/* Too low in this session. Whether the admin still has to act, or
	 * the user only has to log in again, is in /etc: pam_limits applies
	 * limits.d at login, and a systemd user manager keeps the limit it
	 * started with until it restarts. */
	struct memlock_installed in;
	const char *etc = ctx->etcfs ? ctx->etcfs : "/etc";
	memlock_find_installed(etc, &in);
	bool pam_ok = in.limits_d >= need, sd_ok = in.user_service >= need && in.user_conf >= need;
	if (pam_ok || sd_ok) {
		bool member = in_memlock_group();
		const char *fix =
			!sd_ok && !member ?
				"as root: usermod -aG " MEMLOCK_GROUP " $USER (the limits.d "
				"lines are for that group), then log out completely and in again" :
				"log out completely (every session, so the systemd user "
				"manager restarts) and in again, or reboot";
		finding_fail(f, "memlock", fix,
			     "hard limit %s bytes < %llu needed (guest RAM %s + 1 GiB for VFIO); "
			     "the limits installed in %s (%s) suffice but this session "
			     "started before them%s",
			     hard, (unsigned long long)need, ram, etc,
			     pam_ok && sd_ok ? "security/limits.d and the systemd drop-ins" :
			     pam_ok	     ? "security/limits.d" :
					       "the systemd drop-ins",
			     !sd_ok && !member ? ", or you are not in group " MEMLOCK_GROUP : "");
		return;
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
	bool some = in.limits_d || in.user_service || in.user_conf;
	finding_fail(f, "memlock", fix,
		     "hard limit %s bytes < %llu needed (guest RAM %s + 1 GiB for VFIO); %s",
		     hard, (unsigned long long)need, ram,
		     some ? "the limits installed are lower (or only some of the three files "
			    "are there): raise them" :
			    "no memlock limit is installed (security/limits.d, the systemd "
			    "drop-ins)");
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
