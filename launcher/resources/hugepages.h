/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * [vm] hugepages = yes|2M|1G: guest RAM from a hugetlbfs mount of that
 * page size (Documentation/admin-guide/mm/hugetlbpage.rst). The check
 * finds the mount in /proc/mounts (its pagesize= option; a mount without
 * one has the default size, /proc/meminfo Hugepagesize), checks the pool
 * (sysfs kernel/mm/hugepages/hugepages-<N>kB/{nr,free}_hugepages) against
 * the guest's RAM and that the user may create files there, and keeps
 * the mount for the box. The argv is QEMU 7.2's memory-backend-file with
 * -machine memory-backend= (docs/system/invocation: -machine
 * memory-backend).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"

/* One hugepage pool: sysfs kernel/mm/hugepages/hugepages-<size>kB. */
struct hugepool {
	uint64_t size_kb;
	uint64_t nr, free;
};

/* Reads the pool of size_kb pages under sysfs. 0 or -errno (-ENOENT: the
 * kernel has no pool of that size). */
int hugepool_read(const char *sysfs, uint64_t size_kb, struct hugepool *ret);

/* The default hugepage size in KiB (procfs/meminfo Hugepagesize; 2048 when
 * it cannot be read). */
uint64_t hugepages_default_kb(const char *procfs);

/* The page size p asks for, in KiB (0 for hugepages = no). */
uint64_t hugepages_page_kb(const struct profile *p, const char *procfs);

/*
 * Finds a hugetlbfs mount of page_kb pages in mounts (the text of
 * /proc/mounts, proc(5): "SOURCE TARGET TYPE OPTIONS 0 0", octal escapes
 * \040 etc. in TARGET): the first whose pagesize= option (the kernel's
 * hugetlbfs_show_options prints it with a K, M or G suffix) is page_kb, or
 * that has no pagesize= and default_kb == page_kb. Copies its target
 * into ret (len bytes). Pure. Returns 0, -ENOENT (none), -ENAMETOOLONG.
 */
int hugetlbfs_find(const char *mounts, uint64_t page_kb, uint64_t default_kb, char *ret,
		   size_t len);

/*
 * The hugepages check for p (hugepages != no); one finding "hugepages":
 * FAIL when no hugetlbfs of the size is mounted (the mount and fstab lines
 * to add), when the user cannot create files in it (the mount options
 * that let group vfio), or when the pool's free pages do not cover the
 * guest's RAM (the sysctl, sysctl.d and kernel command line that reserve
 * them); PASS names the mount and the pages. Fills ctx->hugepages_path
 * and keeps the mount (read-write) for the box. Nothing for
 * hugepages = no.
 */
void hugepages_check(const struct profile *p, struct check_ctx *ctx, struct findings *f);

/* The -object memory-backend-file for p (id "mem", as -machine
 * memory-backend=mem names it), appended to sv; nothing for
 * hugepages = no. mem-path is env->hugepages_path, or /dev/hugepages
 * when nothing was checked (cmdline). 0 or -ENOMEM. */
int hugepages_argv(const struct profile *p, const struct render_env *env, struct strv *sv);
