/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfio-privhelper, the only code of vfio-launch that runs as root; it stands
 * alone. Helpers return 0 or -errno, never log or exit; a refusal's reason
 * goes into a struct ph_why that main.c prints once. Every path is a constant
 * (tests mount fake trees over them in a private mount namespace); sysfd is a
 * directory fd of /sys, the only way to sysfs. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define PH_VERSION "0.1.0"
#define PH_CONF_DIR "/etc/vfio-launch"
#define PH_CONF PH_CONF_DIR "/privhelper.conf"
#define PH_RULES_DIR "/etc/udev/rules.d"
#define PH_RULES_FILE "70-vfio-launch-disks.rules"
#define PH_VFIO "vfio-pci"
#define PH_MAX 64        /* allowlisted devices, disks, devices per request */
#define PH_BDF_SIZE 13   /* "0000:01:00.0" + NUL */
#define PH_NAME_SIZE 64  /* a driver or kernel block device name */

struct ph_why { char msg[512]; };
void ph_why_set(struct ph_why *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline void ph_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _ph_cleanup_close_ __attribute__((cleanup(ph_closep)))

struct ph_pci {
	char bdf[PH_BDF_SIZE];
	bool pinned; /* id = vendor:device given */
	uint16_t vendor, device;
	bool boot_vga_ok; /* allow-boot-vga = yes */
};
enum ph_disk_kind { PH_DISK_BY_ID, PH_DISK_PARTUUID, PH_DISK_WWN };
struct ph_disk {
	enum ph_disk_kind kind;
	char id[160]; /* the by-id name, the PARTUUID or the WWN */
};
struct ph_conf {
	char group[33];
	struct ph_pci pci[PH_MAX];
	struct ph_disk disk[PH_MAX];
	size_t n_pci, n_disk;
};

/* conf.c: the allowlist */
bool ph_all_of(const char *s, const char *set);
bool ph_bdf_valid(const char *s);
bool ph_name_valid(const char *s);
int ph_conf_check_stat(const struct stat *st, struct ph_why *w);
int ph_conf_parse(FILE *f, const char *fname, struct ph_conf *ret, struct ph_why *w);
int ph_conf_load(struct ph_conf *ret, struct ph_why *w);
const struct ph_pci *ph_conf_find(const struct ph_conf *c, const char *bdf);

/* usage.c: block devices the host uses (mounted, swapped on) */
struct ph_usage {
	dev_t *devs;
	char (*names)[PH_NAME_SIZE];
	size_t n_devs, n_names;
};
int ph_usage_parse(FILE *mountinfo, FILE *swaps, struct ph_usage *ret);
void ph_usage_free(struct ph_usage *u);
bool ph_usage_busy(const struct ph_usage *u, dev_t dev, const char *name);

/* sysfs.c */
struct ph_dev {
	char bdf[PH_BDF_SIZE];
	uint16_t vendor, device;
	uint32_t class;
	char driver[PH_NAME_SIZE]; /* "" when none is bound */
	int group;                 /* IOMMU group, -1 when none */
};
int ph_read_attr(int dirfd, const char *name, char *buf, size_t size);
int ph_read_link_name(int dirfd, const char *name, char *buf, size_t size);
int ph_check_writable(int dirfd, const char *name, const char *shown, struct ph_why *w);
int ph_write_attr(int dirfd, const char *name, const char *val);
int ph_dev_open(int sysfd, const char *bdf);
int ph_dev_read(int sysfd, const char *bdf, struct ph_dev *ret, struct ph_why *w);
int ph_group_members(int sysfd, int group, char (*ret)[PH_BDF_SIZE], size_t max, size_t *ret_n,
		     struct ph_why *w);
int ph_boot_vga_busy(int sysfd, const char *bdf, bool *ret_busy, struct ph_why *w);
int ph_block_busy(int sysfd, const char *bdf, const struct ph_usage *u, struct ph_why *w);

/* host.c: PCI functions the host needs, or placeholders (dummy: AMD's, never bound) */
struct ph_host_rule {
	uint16_t cls, vendor, device; /* class >> 8; vendor 0: any */
	bool dummy;
	const char *what;
};
extern const struct ph_host_rule ph_host_rules[];
extern const size_t ph_host_rules_n;
const struct ph_host_rule *ph_host_rule(const struct ph_dev *d);

/* plan.c: bind/unbind, every check before the first write */
struct ph_plan {
	bool bind;
	struct ph_dev dev[PH_MAX];
	bool done[PH_MAX]; /* writes were made (to undo on failure) */
	size_t n;
};
int ph_plan_make(int sysfd, const struct ph_conf *c, bool bind, char *const *bdfs, size_t n_bdfs,
		 const struct ph_usage *u, struct ph_plan *ret, struct ph_why *w);
int ph_plan_apply(int sysfd, struct ph_plan *p, unsigned timeout_ms, FILE *report,
		  struct ph_why *w);

/* rules.c: the udev rule file for the allowlisted block devices */
int ph_rules_render(const struct ph_conf *c, FILE *out);
int ph_rules_apply(int sysfd, const struct ph_conf *c, FILE *report, struct ph_why *w);
