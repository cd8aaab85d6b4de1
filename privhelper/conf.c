// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The allowlist, /etc/vfio-launch/privhelper.conf. A strict INI subset parsed
 * here (no library): "[helper]", "[pci BDF]" and "[disk]" sections, "key =
 * value" lines, whole-line comments starting with '#' or ';'. Anything else,
 * an unknown key, a duplicate or a malformed value is fatal with file:line:
 * a security tool must not guess what the administrator meant.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include "ph.h"

void ph_why_set(struct ph_why *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
}

static bool all_of(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

#define HEX "0123456789abcdef"

/* ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$, the kernel's sysfs name of a
 * PCI function (domain:bus:device.function, lower-case hex, as the kernel
 * prints it: drivers/pci/probe.c pci_setup_device, "%04x:%02x:%02x.%d"). */
bool ph_bdf_valid(const char *s)
{
	static const char shape[] = "hhhh:hh:hh.f";

	if (!s || strnlen(s, PH_BDF_SIZE) != PH_BDF_SIZE - 1)
		return false;
	for (size_t i = 0; shape[i]; i++) {
		char c = s[i];
		bool ok = shape[i] == 'h' ? (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
			: shape[i] == 'f' ? c >= '0' && c <= '7'
					  : c == shape[i];
		if (!ok)
			return false;
	}
	return true;
}

/* One path component as sysfs and udev name things: driver names, kernel
 * block device names, IOMMU group numbers. Never ".", "..", or with a '/'. */
bool ph_name_valid(const char *s)
{
	size_t n = strnlen(s, PH_NAME_SIZE);

	return n < PH_NAME_SIZE && s[0] != '.' &&
	       all_of(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-");
}

/* The allowlist must be a regular file owned by root and writable by nobody
 * but root: otherwise whoever can write it decides what root binds. */
int ph_conf_check_stat(const struct stat *st, struct ph_why *w)
{
	if (!S_ISREG(st->st_mode)) {
		ph_why_set(w, "%s is not a regular file", PH_CONF);
		return -EPERM;
	}
	if (st->st_uid != 0) {
		ph_why_set(w, "%s is owned by uid %u, not root: chown root:root %s", PH_CONF,
			   (unsigned)st->st_uid, PH_CONF);
		return -EPERM;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		ph_why_set(w, "%s is writable by group or others (mode %04o): chmod 0644 %s",
			   PH_CONF, (unsigned)(st->st_mode & 07777), PH_CONF);
		return -EPERM;
	}
	return 0;
}

static int parse_hex16(const char *s, size_t len, uint16_t *ret)
{
	unsigned v = 0;

	if (len != 4)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		const char *p = strchr(HEX, s[i]);
		if (!p || !s[i])
			return -EINVAL;
		v = v * 16 + (unsigned)(p - HEX);
	}
	*ret = (uint16_t)v;
	return 0;
}

/* "/dev/disk/by-id/NAME", "PARTUUID=uuid" or "WWN=id". The characters allowed
 * are those udev leaves in by-id names (udev_replace_chars: alphanumerics and
 * "#+-.:=@_"), so the value can go into a udev rule without quoting and holds
 * no glob character ('*', '?', '[', '|'). */
static int parse_disk(const char *v, struct ph_disk *d)
{
	static const char alnum[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	const char *id;
	char set[96];

	if (!strncmp(v, PH_DISK_BY_ID "/", strlen(PH_DISK_BY_ID) + 1)) {
		d->kind = PH_DISK_BY_ID_NAME;
		id = v + strlen(PH_DISK_BY_ID) + 1;
		snprintf(set, sizeof(set), "%s#+-.:=@_", alnum);
	} else if (!strncmp(v, "PARTUUID=", 9)) {
		d->kind = PH_DISK_PARTUUID;
		id = v + 9;
		snprintf(set, sizeof(set), "%s-", HEX);
	} else if (!strncmp(v, "WWN=", 4)) {
		d->kind = PH_DISK_WWN;
		id = v + 4;
		snprintf(set, sizeof(set), "%s.-", alnum);
	} else
		return -EINVAL;
	if (id[0] == '.' || strlen(id) >= sizeof(d->id) || !all_of(id, set))
		return -EINVAL;
	strcpy(d->id, id);
	return 0;
}

static char *strip(char *s)
{
	char *e;

	s += strspn(s, " \t");
	e = s + strlen(s);
	while (e > s && strchr(" \t\r\n", e[-1]))
		*--e = '\0';
	return s;
}

enum section { SEC_NONE, SEC_HELPER, SEC_PCI, SEC_DISK };

static int parse_section(char *s, struct ph_conf *c, enum section *sec, struct ph_why *w)
{
	size_t len = strlen(s);

	if (s[len - 1] != ']') {
		ph_why_set(w, "unterminated section header");
		return -EINVAL;
	}
	s[len - 1] = '\0';
	s = strip(s + 1);
	if (!strcmp(s, "helper"))
		*sec = SEC_HELPER;
	else if (!strcmp(s, "disk"))
		*sec = SEC_DISK;
	else if (!strncmp(s, "pci", 3) && (s[3] == ' ' || s[3] == '\t')) {
		char *bdf = strip(s + 3);
		if (!ph_bdf_valid(bdf)) {
			ph_why_set(w, "'%.40s' is not a PCI address like 0000:01:00.0", bdf);
			return -EINVAL;
		}
		if (ph_conf_find(c, bdf)) {
			ph_why_set(w, "%s is listed twice", bdf);
			return -EINVAL;
		}
		if (c->n_pci == PH_MAX_PCI) {
			ph_why_set(w, "more than %d PCI devices", PH_MAX_PCI);
			return -E2BIG;
		}
		memset(&c->pci[c->n_pci], 0, sizeof(c->pci[0]));
		strcpy(c->pci[c->n_pci++].bdf, bdf);
		*sec = SEC_PCI;
	} else {
		ph_why_set(w, "unknown section [%.40s] (expected [helper], [pci BDF], [disk])", s);
		return -EINVAL;
	}
	return 0;
}

static int parse_key(const char *k, const char *v, struct ph_conf *c, enum section sec,
		     struct ph_why *w)
{
	struct ph_pci *p = sec == SEC_PCI ? &c->pci[c->n_pci - 1] : NULL;

	if (sec == SEC_HELPER && !strcmp(k, "group")) {
		/* a POSIX-portable group name, so it can go into a udev rule */
		if (strlen(v) >= sizeof(c->group) || !all_of(v, "abcdefghijklmnopqrstuvwxyz0123456789_-") ||
		    v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) {
			ph_why_set(w, "group '%.40s' is not a valid group name", v);
			return -EINVAL;
		}
		strcpy(c->group, v);
	} else if (p && !strcmp(k, "id")) {
		const char *colon = strchr(v, ':');
		if (!colon || parse_hex16(v, (size_t)(colon - v), &p->vendor) ||
		    parse_hex16(colon + 1, strlen(colon + 1), &p->device)) {
			ph_why_set(w, "id '%.40s' is not vendor:device like 10de:1b80", v);
			return -EINVAL;
		}
		p->pinned = true;
	} else if (p && !strcmp(k, "allow-boot-vga")) {
		if (strcmp(v, "yes") && strcmp(v, "no")) {
			ph_why_set(w, "allow-boot-vga must be yes or no");
			return -EINVAL;
		}
		p->boot_vga_ok = !strcmp(v, "yes");
	} else if (sec == SEC_DISK && !strcmp(k, "device")) {
		if (c->n_disk == PH_MAX_DISKS) {
			ph_why_set(w, "more than %d disks", PH_MAX_DISKS);
			return -E2BIG;
		}
		if (parse_disk(v, &c->disk[c->n_disk]) < 0) {
			ph_why_set(w, "disk '%.60s' is not /dev/disk/by-id/NAME, PARTUUID=UUID or WWN=ID "
				   "(kernel names like /dev/sda change across boots)", v);
			return -EINVAL;
		}
		c->n_disk++;
	} else {
		ph_why_set(w, "unknown key '%.40s' here", k);
		return -EINVAL;
	}
	return 0;
}

/* Parses an allowlist from f into *ret (defaults: group "vfio", nothing
 * allowed). Returns 0, or -EINVAL/-E2BIG with "fname:line: reason" in w. */
int ph_conf_parse(FILE *f, const char *fname, struct ph_conf *ret, struct ph_why *w)
{
	enum section sec = SEC_NONE;
	char line[512];
	unsigned lineno = 0;
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	strcpy(ret->group, "vfio");
	while (fgets(line, sizeof(line), f)) {
		char *s, *eq;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			ph_why_set(w, "line too long");
			r = -EINVAL;
			break;
		}
		s = strip(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			r = parse_section(s, ret, &sec, w);
		} else if (!(eq = strchr(s, '=')) || sec == SEC_NONE) {
			ph_why_set(w, eq ? "key outside a section" : "expected 'key = value'");
			r = -EINVAL;
		} else {
			*eq = '\0';
			r = parse_key(strip(s), strip(eq + 1), ret, sec, w);
		}
		if (r < 0)
			break;
	}
	if (r < 0) {
		struct ph_why tmp = *w;
		ph_why_set(w, "%s:%u: %s", fname, lineno, tmp.msg);
	}
	return r;
}

/* Opens the allowlist (never through a symlink), checks owner and mode on
 * the descriptor it opened (no race with a rename), and parses it. */
int ph_conf_load(struct ph_conf *ret, struct ph_why *w)
{
	int fd = open(PH_CONF, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	FILE *f;
	int r = 0;

	if (fd < 0) {
		r = -errno;
		ph_why_set(w, "cannot open %s: %s%s", PH_CONF, strerror(errno),
			   errno == ELOOP ? " (it must not be a symlink)" : "");
		return r;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		ph_why_set(w, "cannot stat %s: %s", PH_CONF, strerror(errno));
	} else
		r = ph_conf_check_stat(&st, w);
	if (r < 0) {
		close(fd);
		return r;
	}
	f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	r = ph_conf_parse(f, PH_CONF, ret, w);
	fclose(f);
	return r;
}

const struct ph_pci *ph_conf_find(const struct ph_conf *c, const char *bdf)
{
	for (size_t i = 0; i < c->n_pci; i++)
		if (!strcmp(c->pci[i].bdf, bdf))
			return &c->pci[i];
	return NULL;
}
