// SPDX-License-Identifier: GPL-2.0-or-later
/* The allowlist, a strict INI subset: [helper], [pci BDF], [disk] and
 * [bridge NAME] sections, "key = value" lines, whole-line '#' or ';' comments. Anything
 * else, an unknown key, a duplicate or a bad value is fatal with file:line:
 * a security tool must not guess what the administrator meant. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ph.h"

#define HEX "0123456789abcdef"
#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define ALNUM LOWER "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

void ph_why_set(struct ph_why *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
}

/* s is not empty and every character is in set. */
bool ph_all_of(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

/* ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$, as the kernel names a PCI
 * function in sysfs (drivers/pci/probe.c, "%04x:%02x:%02x.%d"). */
bool ph_bdf_valid(const char *s)
{
	static const char shape[] = "hhhh:hh:hh.f";

	if (!s || strnlen(s, PH_BDF_SIZE) != PH_BDF_SIZE - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'h' ? !s[i] || !strchr(HEX, s[i])
		    : shape[i] == 'f' ? s[i] < '0' || s[i] > '7' : s[i] != shape[i])
			return false;
	return true;
}

/* One path component as sysfs names drivers, block devices and groups:
 * never ".", "..", a '/' or anything outside this set. */
bool ph_name_valid(const char *s)
{
	return strnlen(s, PH_NAME_SIZE) < PH_NAME_SIZE && s[0] != '.' && ph_all_of(s, ALNUM "_.:-");
}

/* A network interface name the kernel accepts (net/core/dev.c
 * dev_valid_name: at most IFNAMSIZ - 1 bytes, no '/', ':' or space, not "."
 * or ".."), narrowed to the characters names usually have. */
bool ph_ifname_valid(const char *s)
{
	return strnlen(s, PH_IFNAME_SIZE) < PH_IFNAME_SIZE && s[0] != '.' && ph_all_of(s, ALNUM "_.-");
}

/* A portable user or group name ([a-z_][a-z0-9_-]*, at most 32): safe in a
 * udev rule and in an interface name. */
bool ph_user_valid(const char *s)
{
	return strnlen(s, PH_USER_SIZE) < PH_USER_SIZE && ph_all_of(s, LOWER "0123456789_-") &&
	       strchr(LOWER "_", s[0]);
}

/* A regular file owned and writable by root only, or whoever can write it
 * decides what root binds. Returns 0 or -EPERM. */
int ph_conf_check_stat(const struct stat *st, struct ph_why *w)
{
	if (!S_ISREG(st->st_mode))
		ph_why_set(w, "%s is not a regular file", PH_CONF);
	else if (st->st_uid != 0)
		ph_why_set(w, "%s is owned by uid %u, not root: chown root:root %s", PH_CONF,
			   (unsigned)st->st_uid, PH_CONF);
	else if (st->st_mode & (S_IWGRP | S_IWOTH))
		ph_why_set(w, "%s is writable by group or others (mode %04o): chmod 0644 %s", PH_CONF,
			   (unsigned)(st->st_mode & 07777), PH_CONF);
	else
		return 0;
	return -EPERM;
}

/* "/dev/disk/by-id/NAME", "PARTUUID=uuid" or "WWN=id", in the characters udev
 * leaves in by-id names (udev_replace_chars: alphanumerics and "#+-.:=@_"):
 * no quote and no glob character ('*', '?', '[', '|') for the udev rule. */
static int parse_disk(const char *v, struct ph_disk *d)
{
	const char *id = NULL, *set = NULL;

	if (!strncmp(v, "/dev/disk/by-id/", 16))
		d->kind = PH_DISK_BY_ID, id = v + 16, set = ALNUM "#+-.:=@_";
	else if (!strncmp(v, "PARTUUID=", 9))
		d->kind = PH_DISK_PARTUUID, id = v + 9, set = HEX "-";
	else if (!strncmp(v, "WWN=", 4))
		d->kind = PH_DISK_WWN, id = v + 4, set = ALNUM ".-";
	if (!id || id[0] == '.' || strlen(id) >= sizeof(d->id) || !ph_all_of(id, set))
		return -EINVAL;
	strcpy(d->id, id);
	return 0;
}

static char *strip(char *s)
{
	char *e;

	s += strspn(s, " \t");
	for (e = s + strlen(s); e > s && strchr(" \t\r\n", e[-1]);)
		*--e = '\0';
	return s;
}

enum section { SEC_NONE, SEC_HELPER, SEC_PCI, SEC_DISK, SEC_BRIDGE };

/* [helper], [disk], [pci BDF] or [bridge NAME] (whose user = lines may
 * have a tap on it): a new entry, valid and not listed yet. */
static int parse_section(char *s, struct ph_conf *c, enum section *sec, struct ph_why *w)
{
	size_t len = strlen(s);
	bool pci;
	char *name;

	if (s[len - 1] != ']')
		return ph_why_set(w, "unterminated section header"), -EINVAL;
	s[len - 1] = '\0';
	s = strip(s + 1);
	if (!strcmp(s, "helper") || !strcmp(s, "disk"))
		return *sec = s[0] == 'h' ? SEC_HELPER : SEC_DISK, 0;
	pci = !strncmp(s, "pci", 3) && (s[3] == ' ' || s[3] == '\t');
	if (!pci && (strncmp(s, "bridge", 6) || (s[6] != ' ' && s[6] != '\t')))
		return ph_why_set(w, "unknown section [%.40s] (expected [helper], [pci BDF], [disk], "
				  "[bridge NAME])", s), -EINVAL;
	name = strip(s + (pci ? 3 : 6));
	if (pci ? !ph_bdf_valid(name) : !ph_ifname_valid(name))
		ph_why_set(w, pci ? "'%.40s' is not a PCI address like 0000:01:00.0"
				  : "'%.40s' is not a network interface name", name);
	else if (pci ? ph_conf_find(c, name) != NULL : ph_conf_bridge_listed(c, name))
		ph_why_set(w, pci ? "%s is listed twice" : "bridge %s is listed twice", name);
	else if ((pci ? c->n_pci : c->n_bridge) == PH_MAX)
		ph_why_set(w, "more than %d %s", PH_MAX, pci ? "PCI devices" : "bridges");
	else if (pci) {
		c->pci[c->n_pci] = (struct ph_pci){ 0 };
		strcpy(c->pci[c->n_pci++].bdf, name);
		return *sec = SEC_PCI, 0;
	} else {
		strcpy(c->bridge[c->n_bridge++], name);
		return *sec = SEC_BRIDGE, 0;
	}
	return -EINVAL;
}

static int parse_key(const char *k, const char *v, struct ph_conf *c, enum section sec,
		     unsigned *seen, struct ph_why *w)
{
	struct ph_pci *p = sec == SEC_PCI ? &c->pci[c->n_pci - 1] : NULL;
	unsigned bit = !strcmp(k, "group") ? 1 : !strcmp(k, "id") ? 2 : !strcmp(k, "allow-boot-vga") ? 4 : 0;

	if (*seen & bit) /* the last one winning would be a guess */
		return ph_why_set(w, "%s is given twice", k), -EINVAL;
	*seen |= bit;
	if (sec == SEC_HELPER && !strcmp(k, "group")) {
		if (!ph_user_valid(v))
			return ph_why_set(w, "group '%.40s' is not a valid group name", v), -EINVAL;
		strcpy(c->group, v);
	} else if (p && !strcmp(k, "id")) {
		if (strlen(v) != 9 || v[4] != ':' || strspn(v, HEX) != 4 || strspn(v + 5, HEX) != 4)
			return ph_why_set(w, "id '%.40s' is not vendor:device like 10de:1b80", v), -EINVAL;
		p->vendor = (uint16_t)strtoul(v, NULL, 16); /* stops at the ':' */
		p->device = (uint16_t)strtoul(v + 5, NULL, 16);
		p->pinned = true;
	} else if (p && !strcmp(k, "allow-boot-vga")) {
		if (strcmp(v, "yes") && strcmp(v, "no"))
			return ph_why_set(w, "allow-boot-vga must be yes or no"), -EINVAL;
		p->boot_vga_ok = !strcmp(v, "yes");
	} else if (sec == SEC_DISK && !strcmp(k, "device")) {
		if (c->n_disk == PH_MAX || parse_disk(v, &c->disk[c->n_disk]) < 0)
			return ph_why_set(w, "disk '%.60s' is not /dev/disk/by-id/NAME, PARTUUID=UUID or "
					  "WWN=ID (kernel names like /dev/sda change across boots)", v),
			       -EINVAL;
		c->n_disk++;
	} else if (sec == SEC_BRIDGE && !strcmp(k, "user")) {
		const char *br = c->bridge[c->n_bridge - 1];
		if (!ph_user_valid(v))
			return ph_why_set(w, "user '%.40s' is not a valid user name", v), -EINVAL;
		if (ph_conf_tap_allowed(c, v, br))
			return ph_why_set(w, "user %s is listed twice for bridge %s", v, br), -EINVAL;
		if (c->n_tap == PH_MAX)
			return ph_why_set(w, "more than %d user = lines", PH_MAX), -EINVAL;
		strcpy(c->tap[c->n_tap].bridge, br);
		strcpy(c->tap[c->n_tap++].user, v);
	} else
		return ph_why_set(w, "unknown key '%.40s' here", k), -EINVAL;
	return 0;
}

/* Parses an allowlist from f into *ret (defaults: group "vfio", nothing
 * allowed). Returns 0, or -EINVAL with "fname:line: reason" in w. */
int ph_conf_parse(FILE *f, const char *fname, struct ph_conf *ret, struct ph_why *w)
{
	enum section sec = SEC_NONE;
	char line[512], *s, *eq;
	unsigned lineno = 0, seen = 0; /* keys given: group (any section), id, allow-boot-vga (this one) */
	int r = 0;

	*ret = (struct ph_conf){ .group = "vfio" };
	while (r == 0 && fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f))
			r = (ph_why_set(w, "line too long"), -EINVAL);
		else if (!*(s = strip(line)) || *s == '#' || *s == ';')
			continue;
		else if (*s == '[')
			r = parse_section(s, ret, &sec, w), seen &= 1;
		else if (!(eq = strchr(s, '=')) || sec == SEC_NONE)
			r = (ph_why_set(w, eq ? "key outside a section" : "expected 'key = value'"), -EINVAL);
		else {
			*eq = '\0';
			r = parse_key(strip(s), strip(eq + 1), ret, sec, &seen, w);
		}
	}
	if (r < 0) {
		struct ph_why tmp = *w;
		ph_why_set(w, "%s:%u: %s", fname, lineno, tmp.msg);
	}
	return r;
}

/* Opens the allowlist (never through a symlink) from its directory, checks
 * owner and mode of both on the descriptors opened (no race with a rename):
 * whoever can write the directory can rename another root-owned file (an old
 * copy, the example) over the allowlist. Parses it. Returns 0, -EPERM (unsafe
 * file or directory), -ELOOP (a symlink), -EINVAL or another -errno. */
int ph_conf_load(struct ph_conf *ret, struct ph_why *w)
{
	_ph_cleanup_close_ int dfd = open(PH_CONF_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd = -1;
	struct stat st;
	FILE *f;
	int r;

	if (dfd >= 0 && fstat(dfd, &st) == 0 && (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))))
		return ph_why_set(w, "%s is owned by uid %u, mode %04o: it must be owned and writable by root "
				  "only (chown root:root, chmod 0755)", PH_CONF_DIR, (unsigned)st.st_uid,
				  (unsigned)(st.st_mode & 07777)), -EPERM;
	if (dfd >= 0)
		fd = openat(dfd, PH_CONF + sizeof(PH_CONF_DIR), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0)
		return r = -errno, ph_why_set(w, "cannot open %s: %s%s", PH_CONF, strerror(-r),
					      r == -ELOOP ? " (it must not be a symlink)" : ""), r;
	if ((r = ph_conf_check_stat(&st, w)) < 0 || !(f = fdopen(fd, "re")))
		return r < 0 ? r : -ENOMEM;
	fd = -1; /* f owns it now */
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

bool ph_conf_bridge_listed(const struct ph_conf *c, const char *bridge)
{
	for (size_t i = 0; i < c->n_bridge; i++)
		if (!strcmp(c->bridge[i], bridge))
			return true;
	return false;
}

/* Whether [bridge BRIDGE] lists user = USER. */
bool ph_conf_tap_allowed(const struct ph_conf *c, const char *user, const char *bridge)
{
	for (size_t i = 0; i < c->n_tap; i++)
		if (!strcmp(c->tap[i].user, user) && !strcmp(c->tap[i].bridge, bridge))
			return true;
	return false;
}
