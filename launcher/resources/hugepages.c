// SPDX-License-Identifier: GPL-2.0-or-later
/* [vm] hugepages: the mount, the pool, the memory backend (hugepages.h). */
#include "hugepages.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "host.h"
#include "memlock.h"
#include "render.h"
#include "util.h"

static int read_u64_at(const char *root, const char *rel, uint64_t *ret)
{
	_cleanup_free_ char *t = NULL;
	int r = host_read_text(root, rel, &t);
	if (r < 0)
		return r;
	t[strcspn(t, "\n")] = '\0';
	return parse_u64(t, 0, UINT64_MAX, ret);
}

int hugepool_read(const char *sysfs, uint64_t size_kb, struct hugepool *ret)
{
	char rel[128];
	int r;

	ret->size_kb = size_kb;
	snprintf(rel, sizeof(rel), "kernel/mm/hugepages/hugepages-%llukB/nr_hugepages",
		 (unsigned long long)size_kb);
	r = read_u64_at(sysfs, rel, &ret->nr);
	if (r < 0)
		return r;
	snprintf(rel, sizeof(rel), "kernel/mm/hugepages/hugepages-%llukB/free_hugepages",
		 (unsigned long long)size_kb);
	return read_u64_at(sysfs, rel, &ret->free);
}

/* /proc/meminfo "Hugepagesize:       2048 kB" */
uint64_t hugepages_default_kb(const char *procfs)
{
	_cleanup_free_ char *t = NULL;
	unsigned long long kb;
	if (host_read_text(procfs, "meminfo", &t) < 0)
		return 2048;
	const char *p = strstr(t, "Hugepagesize:");
	if (!p || sscanf(p, "Hugepagesize: %llu kB", &kb) != 1 || kb == 0)
		return 2048;
	return kb;
}

uint64_t hugepages_page_kb(const struct profile *p, const char *procfs)
{
	switch (p->hugepages) {
	case HUGEPAGES_2M:
		return 2048;
	case HUGEPAGES_1G:
		return 1048576;
	case HUGEPAGES_YES:
		return hugepages_default_kb(procfs);
	case HUGEPAGES_NO:
	default:
		return 0;
	}
}

/* "2M", "1G", "1024M", "64K" as printed by hugetlbfs_show_options
 * (fs/hugetlbfs/inode.c), in KiB; 0 when it is none of these. */
static uint64_t pagesize_kb(const char *s, size_t n)
{
	char buf[32];
	uint64_t v, mul;

	if (n < 2 || n >= sizeof(buf))
		return 0;
	switch (s[n - 1]) {
	case 'K':
		mul = 1;
		break;
	case 'M':
		mul = 1024;
		break;
	case 'G':
		mul = 1024 * 1024;
		break;
	default:
		return 0;
	}
	snprintf(buf, sizeof(buf), "%.*s", (int)n - 1, s);
	return parse_u64(buf, 1, UINT64_MAX / (1024 * 1024), &v) < 0 ? 0 : v * mul;
}

/* proc(5) mounts fields escape ' ', '\t', '\n' and '\\' as \ooo. */
static int unescape(const char *s, size_t n, char *ret, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\\' && i + 3 < n + 1 && s[i + 1] >= '0' && s[i + 1] <= '3') {
			c = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		}
		if (o + 1 >= len)
			return -ENAMETOOLONG;
		ret[o++] = c;
	}
	ret[o] = '\0';
	return 0;
}

int hugetlbfs_find(const char *mounts, uint64_t page_kb, uint64_t default_kb, char *ret,
		   size_t len)
{
	for (const char *line = mounts; line && *line;) {
		const char *end = line + strcspn(line, "\n");
		const char *f[4];
		size_t fl[4], k = 0;
		const char *s = line;

		while (k < 4 && s < end) {
			while (s < end && *s == ' ')
				s++;
			f[k] = s;
			fl[k] = strcspn(s, " \n");
			s += fl[k];
			k++;
		}
		if (k == 4 && fl[2] == 9 && strncmp(f[2], "hugetlbfs", 9) == 0) {
			uint64_t size = default_kb;
			for (const char *o = f[3]; o < f[3] + fl[3];) {
				size_t ol = strcspn(o, ", \n");
				if (ol > 9 && strncmp(o, "pagesize=", 9) == 0)
					size = pagesize_kb(o + 9, ol - 9);
				o += ol + 1;
			}
			if (size == page_kb)
				return unescape(f[1], fl[1], ret, len);
		}
		line = *end ? end + 1 : NULL;
	}
	return -ENOENT;
}

static void size_name(uint64_t kb, char *buf, size_t len)
{
	if (kb >= 1048576 && kb % 1048576 == 0)
		snprintf(buf, len, "%lluG", (unsigned long long)(kb / 1048576));
	else if (kb >= 1024 && kb % 1024 == 0)
		snprintf(buf, len, "%lluM", (unsigned long long)(kb / 1024));
	else
		snprintf(buf, len, "%lluK", (unsigned long long)kb);
}

/* The pool: its free pages must cover the guest's RAM. true when they do. */
static bool pool_check(const struct profile *p, struct check_ctx *ctx, struct findings *f,
		       uint64_t kb, const char *mount)
{
	uint64_t page = kb * 1024;
	uint64_t need = p->memory / page + (p->memory % page != 0);
	struct hugepool pool;
	char ram[32], fix[1024];

	format_size(p->memory, ram, sizeof(ram));
	int r = hugepool_read(ctx->sysfs, kb, &pool);
	if (r < 0) {
		finding_fail(f, "hugepages",
			     "use a kernel with hugetlbfs (CONFIG_HUGETLBFS), or set "
			     "hugepages = no",
			     "no %llukB hugepage pool (%s/kernel/mm/hugepages/hugepages-%llukB: %s)",
			     (unsigned long long)kb, ctx->sysfs, (unsigned long long)kb,
			     strerror(-r));
		return false;
	}
	if (pool.free >= need) {
		finding_pass(f, "hugepages",
			     "%llu free %llukB pages cover the guest's %s (%llu pages); "
			     "hugetlbfs at %s",
			     (unsigned long long)pool.free, (unsigned long long)kb, ram,
			     (unsigned long long)need, mount);
		return true;
	}
	unsigned long long total = (unsigned long long)(pool.nr - pool.free + need);
	if (kb == hugepages_default_kb(ctx->procfs)) {
		unsigned long long gib = (unsigned long long)((p->memory + (1ULL << 30) - 1) >> 30);
		snprintf(fix, sizeof(fix),
			 "as root: sysctl vm.nr_hugepages=%llu now (it may reserve fewer when "
			 "memory is fragmented: check %s/kernel/mm/hugepages/hugepages-%llukB/"
			 "nr_hugepages), and for every boot vm.nr_hugepages = %llu in "
			 "/etc/sysctl.d/80-hugepages.conf, or on the kernel command line "
			 "hugepages=%llu (1 GiB pages: default_hugepagesz=1G hugepagesz=1G "
			 "hugepages=%llu)",
			 total, ctx->sysfs, (unsigned long long)kb, total, total, gib);
	} else {
		/* Not the default size: vm.nr_hugepages is the default pool;
		 * this one has its own sysfs file, and its own hugepagesz= on
		 * the command line (hugetlbpage.rst). 1 GiB pages are best
		 * reserved at boot, before memory fragments. */
		char sz[32];
		size_name(kb, sz, sizeof(sz));
		snprintf(fix, sizeof(fix),
			 "as root: echo %llu > %s/kernel/mm/hugepages/hugepages-%llukB/nr_hugepages "
			 "now (it may reserve fewer when memory is fragmented: read it back), or "
			 "on the kernel command line hugepagesz=%s hugepages=%llu",
			 total, ctx->sysfs, (unsigned long long)kb, sz, total);
	}
	finding_fail(f, "hugepages", fix,
		     "the guest's %s needs %llu pages of %llukB, the pool has %llu free "
		     "(%llu reserved)",
		     ram, (unsigned long long)need, (unsigned long long)kb,
		     (unsigned long long)pool.free, (unsigned long long)pool.nr);
	return false;
}

void hugepages_check(const struct profile *p, struct check_ctx *ctx, struct findings *f)
{
	_cleanup_free_ char *mounts = NULL;
	char sz[32], path[sizeof(ctx->hugepages_path)];
	struct stat st;
	uint64_t kb;
	int r;

	ctx->hugepages_path[0] = '\0';
	if (p->hugepages == HUGEPAGES_NO)
		return;
	kb = hugepages_page_kb(p, ctx->procfs);
	size_name(kb, sz, sizeof(sz));
	r = host_read_text(ctx->procfs, "mounts", &mounts);
	if (r == 0)
		r = hugetlbfs_find(mounts, kb, hugepages_default_kb(ctx->procfs), path,
				   sizeof(path));
	if (r < 0) {
		_cleanup_free_ char *fix = NULL;
		if (asprintf(&fix,
			     "as root: mkdir -p /dev/hugepages%s && mount -t hugetlbfs -o "
			     "pagesize=%s,gid=" MEMLOCK_GROUP ",mode=1770 hugetlbfs "
			     "/dev/hugepages%s; for every boot, in /etc/fstab: hugetlbfs "
			     "/dev/hugepages%s hugetlbfs pagesize=%s,gid=" MEMLOCK_GROUP
			     ",mode=1770 0 0",
			     sz, sz, sz, sz, sz) < 0)
			abort();
		finding_fail(f, "hugepages", fix, "no hugetlbfs of %s pages is mounted (%s/mounts%s%s)",
			     sz, ctx->procfs, r == -ENOENT ? "" : ": ",
			     r == -ENOENT ? "" : strerror(-r));
		return;
	}
	/* QEMU creates (and at once unlinks) its RAM file in the mount:
	 * the user needs write and search permission there. */
	r = stat(path, &st) < 0				     ? -errno
	    : !S_ISDIR(st.st_mode)				     ? -ENOTDIR
	    : faccessat(AT_FDCWD, path, W_OK | X_OK, AT_EACCESS) < 0 ? -errno
								     : 0;
	if (r < 0) {
		_cleanup_free_ char *fix = NULL;
		if (asprintf(&fix,
			     "as root, mount it for group " MEMLOCK_GROUP ": mount -o "
			     "remount,gid=" MEMLOCK_GROUP ",mode=1770 %s (and the same options "
			     "in /etc/fstab), and be in group " MEMLOCK_GROUP, path) < 0)
			abort();
		finding_fail(f, "hugepages", fix, "%s (hugetlbfs, %s pages): %s", path, sz,
			     strerror(-r));
		return;
	}
	if (!pool_check(p, ctx, f, kb, path))
		return;
	snprintf(ctx->hugepages_path, sizeof(ctx->hugepages_path), "%s", path);
	/* The mount itself, kept for the box (a bind of this directory). */
	(void)check_ctx_keep_path(ctx, path, &st, GRANT_RW, false, false);
}

int hugepages_argv(const struct profile *p, const struct render_env *env, struct strv *sv)
{
	char size[32];
	const char *path = env->hugepages_path && *env->hugepages_path ? env->hugepages_path
									 : "/dev/hugepages";
	_cleanup_free_ char *epath = qemu_escape(path);

	if (p->hugepages == HUGEPAGES_NO)
		return 0;
	if (!epath)
		return -ENOMEM;
	/* QEMU 7.2 docs/system/invocation, -machine memory-backend: "-object
	 * memory-backend-file,id=pc.ram,size=512M,mem-path=/hugetlbfs,
	 * prealloc=on,share=on -machine memory-backend=pc.ram -m 512M"; the
	 * size must equal -m. prealloc: every page is taken at start, so a
	 * short pool fails the start rather than the guest later (SIGBUS).
	 * share=on: the pages are MAP_SHARED, which vhost-user and VFIO
	 * need no copy of. */
	format_size(p->memory, size, sizeof(size));
	TRY(strv_push(sv, "-object"));
	TRY(strv_pushf(sv, "memory-backend-file,id=mem,size=%s,mem-path=%s,prealloc=on,share=on",
		       size, epath));
	return 0;
}
