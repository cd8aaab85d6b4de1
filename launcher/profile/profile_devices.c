// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The profile's typed value parsers for devices: PCI addresses with their
 * options, USB ports and IDs, Looking Glass sizes, evdev devices with their
 * options, the audio server, MAC addresses, port forwards and interface
 * names. Each fills one field and reports a bad value with profile_fail()
 * on the current line; none touches the host.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "profile-internal.h"
#include "util.h"

#define LG_SIZE_MIN   (1ULL << 20)
#define LG_SIZE_MAX   (1ULL << 30)
#define LG_DIM_MAX    16384
#define USB_MAX_DEPTH 7 /* USB 2.0/3.x: at most 7 tiers, hub ports 1-31 */
#define USB_MAX_BUS   255
#define USB_MAX_PORT  31

static int parse_bdf(const char *s, size_t len, char ret[static 13])
{
	unsigned dom = 0, bus, dev, fn;
	char tmp[16];
	int n = 0;

	if (len >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)tmp[i]) && tmp[i] != ':' &&
		    tmp[i] != '.')
			return -EINVAL;
	if (len == 12) {
		if (sscanf(tmp, "%4x:%2x:%2x.%1x%n", &dom, &bus, &dev, &fn,
			   &n) != 4 ||
		    n != 12 || tmp[4] != ':' || tmp[7] != ':' || tmp[10] != '.')
			return -EINVAL;
	} else if (len == 7) {
		if (sscanf(tmp, "%2x:%2x.%1x%n", &bus, &dev, &fn, &n) != 3 ||
		    n != 7 || tmp[2] != ':' || tmp[5] != '.')
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (dev > 0x1f || fn > 7)
		return -ERANGE;
	snprintf(ret, 13, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return 0;
}

/* Splits "a,b,c" in place: returns the next item and advances *s. */
static char *next_item(char **s)
{
	char *item = *s, *comma;

	if (!item)
		return NULL;
	comma = strchr(item, ',');
	if (comma) {
		*comma = '\0';
		*s = comma + 1;
	} else {
		*s = NULL;
	}
	return item;
}

/* Option "name" or "name=on|off" (or any parse_bool word). */
static int option_bool(struct parser *ps, const char *key, const char *opt,
		       const char *name, bool *ret)
{
	size_t n = strlen(name);

	if (strncmp(opt, name, n) != 0)
		return 0;
	if (opt[n] == '\0') {
		*ret = true;
		return 1;
	}
	if (opt[n] != '=')
		return 0;
	if (parse_bool(opt + n + 1, ret) < 0)
		return profile_fail(ps, ps->line, -EINVAL,
				    "%s: %s: '%.32s' is not on or off", key,
				    name, opt + n + 1);
	return 1;
}

/*
 * One ",name[=value]" option after the first item of a list value (the
 * PCI address of a [pci] device, the path of an [input] evdev). A flag
 * (set == NULL) is "name" or "name=BOOL" and fills the bool at offset flag
 * in the item; any other option is "name=VALUE", handed to set() with
 * seen: whether it was given already (set() decides whether it still
 * checks the value before the "given twice" error). set() returns 0 or
 * the parser's error.
 */
struct item_option {
	const char *name;
	size_t flag;
	int (*set)(struct parser *ps, const struct key_def *k, void *item,
		   const char *value, bool seen);
};

#define ITEM_OPTIONS_MAX 3 /* options past this many are never matched */

/*
 * Parses the options left in rest (the comma-separated list, cut in place
 * by next_item()) into item. opts ends with a NULL name; usage lists the
 * options for the "unknown option" message. Returns 0 or the parser's
 * error; on error the item may own memory the caller frees.
 */
static int parse_item_options(struct parser *ps, const struct key_def *k,
			      char *rest, const struct item_option *opts,
			      const char *usage, void *item)
{
	const char *names[ITEM_OPTIONS_MAX + 1] = {NULL};
	bool seen[ITEM_OPTIONS_MAX] = {false};
	size_t n_opts = 0;
	char *opt;

	while (n_opts < ITEM_OPTIONS_MAX && opts[n_opts].name) {
		names[n_opts] = opts[n_opts].name;
		n_opts++;
	}
	while ((opt = next_item(&rest))) {
		size_t which;
		int r = 0;

		for (which = 0; which < n_opts; which++) {
			const struct item_option *o = &opts[which];
			size_t n = strlen(o->name);

			if (!o->set)
				r = option_bool(
				    ps, k->key, opt, o->name,
				    (bool *)((char *)item + o->flag));
			else if (strncmp(opt, o->name, n) == 0 && opt[n] == '=')
				r = o->set(ps, k, item, opt + n + 1,
					   seen[which]) < 0
					? ps->error
					: 1;
			if (r != 0)
				break;
		}
		if (which == n_opts) {
			char name[32], hint[64];
			snprintf(name, sizeof(name), "%.*s",
				 (int)strcspn(opt, "="), opt);
			profile_suggest(name, names, hint, sizeof(hint));
			return profile_fail(ps, ps->line, -EINVAL,
					    "%s: unknown option '%.32s'%s; "
					    "options are %s",
					    k->key, opt, hint, usage);
		}
		if (r < 0)
			return r;
		if (seen[which])
			return profile_fail(ps, ps->line, -EINVAL,
					    "%s: option '%s' given twice",
					    k->key, names[which]);
		seen[which] = true;
	}
	return 0;
}

static int set_pci_romfile(struct parser *ps, const struct key_def *k,
			   void *item, const char *value, bool seen)
{
	struct pci_item *pci = item;

	if (seen)
		return 0; /* reported as given twice */
	return value_set_path(ps, k, &pci->romfile, value);
}

/* device = BDF[,x-vga][,multifunction][,romfile=PATH] */
int parse_pci_device(struct parser *ps, const struct key_def *k, void *base,
		     const char *value)
{
	static const struct item_option options[] = {
	    {"x-vga", offsetof(struct pci_item, x_vga), NULL},
	    {"multifunction", offsetof(struct pci_item, multifunction), NULL},
	    {"romfile", 0, set_pci_romfile},
	    {NULL, 0, NULL},
	};
	struct profile *p = base;
	_cleanup_free_ char *copy = strdup(value);
	struct pci_item item = {.line = ps->line};
	char *rest = copy, *bdf;
	int r;

	if (!copy)
		return profile_oom(ps);
	bdf = next_item(&rest);
	r = parse_bdf(bdf, strlen(bdf), item.bdf);
	if (r < 0)
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "%s: '%.64s' is not a PCI address; write "
		    "[DOMAIN:]BUS:DEVICE.FUNCTION in hex as lspci -D "
		    "shows it, e.g. 0000:01:00.0",
		    k->key, bdf);
	r = parse_item_options(ps, k, rest, options,
			       "x-vga, multifunction and romfile=PATH", &item);
	for (size_t i = 0; r == 0 && i < p->n_pci; i++)
		if (strcmp(p->pci[i].bdf, item.bdf) == 0)
			r = profile_fail(
			    ps, ps->line, -EINVAL,
			    "%s: %s is already listed at line %u; each "
			    "PCI device is passed through once",
			    k->key, item.bdf, p->pci[i].line);
	if (r == 0 && APPEND_ITEM(p->pci, p->n_pci, item) < 0)
		r = profile_oom(ps);
	if (r < 0)
		free(item.romfile);
	return r;
}

/* port = BUS-PORT[.PORT]... as the kernel names USB devices in sysfs. */
int parse_usb_port(struct parser *ps, const struct key_def *k, void *base,
		   const char *value)
{
	struct profile *p = base;
	struct usb_item item = {.line = ps->line};
	const char *c = value;
	size_t depth = 0, used = 0, n;
	uint64_t x;

	n = value_leading_number(c, 1, USB_MAX_BUS, &x);
	if (n == 0 || c[n] != '-')
		goto bad;
	item.hostbus = (unsigned)x;
	c += n + 1;
	for (;;) {
		n = value_leading_number(c, 1, USB_MAX_PORT, &x);
		if (n == 0 || ++depth > USB_MAX_DEPTH)
			goto bad;
		used += (size_t)snprintf(item.hostport + used,
					 sizeof(item.hostport) - used, "%s%u",
					 depth > 1 ? "." : "", (unsigned)x);
		c += n;
		if (*c == '\0')
			break;
		if (*c != '.')
			goto bad;
		c++;
	}
	for (size_t i = 0; i < p->n_usb; i++)
		if (!p->usb[i].by_id && p->usb[i].hostbus == item.hostbus &&
		    strcmp(p->usb[i].hostport, item.hostport) == 0)
			return profile_fail(
			    ps, ps->line, -EINVAL,
			    "%s: %u-%s is already listed at line %u", k->key,
			    item.hostbus, item.hostport, p->usb[i].line);
	if (APPEND_ITEM(p->usb, p->n_usb, item) < 0)
		return profile_oom(ps);
	return 0;
bad:
	return profile_fail(
	    ps, ps->line, -EINVAL,
	    "%s: '%.64s' is not a USB port; write BUS-PORT[.PORT]... as in "
	    "/sys/bus/usb/devices (e.g. 1-4.2): bus 1-%d, ports 1-%d, at "
	    "most %d levels",
	    k->key, value, USB_MAX_BUS, USB_MAX_PORT, USB_MAX_DEPTH);
}

static int parse_hex16(const char *s, size_t len, uint16_t *ret)
{
	unsigned v = 0;

	if (len != 4)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v * 16 +
		    (unsigned)(isdigit((unsigned char)s[i])
				   ? s[i] - '0'
				   : tolower((unsigned char)s[i]) - 'a' + 10);
	}
	*ret = (uint16_t)v;
	return 0;
}

/* device = VVVV:PPPP, as lsusb shows it. */
int parse_usb_device(struct parser *ps, const struct key_def *k, void *base,
		     const char *value)
{
	struct profile *p = base;
	struct usb_item item = {.by_id = true, .line = ps->line};
	const char *colon = strchr(value, ':');

	if (!colon ||
	    parse_hex16(value, (size_t)(colon - value), &item.vendor_id) < 0 ||
	    parse_hex16(colon + 1, strlen(colon + 1), &item.product_id) < 0)
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "%s: '%.64s' is not VENDOR:PRODUCT; write two 4-digit hex "
		    "IDs as lsusb shows them, e.g. 046d:c52b",
		    k->key, value);
	for (size_t i = 0; i < p->n_usb; i++)
		if (p->usb[i].by_id && p->usb[i].vendor_id == item.vendor_id &&
		    p->usb[i].product_id == item.product_id)
			return profile_fail(
			    ps, ps->line, -EINVAL,
			    "%s: %04x:%04x is already listed at line %u",
			    k->key, item.vendor_id, item.product_id,
			    p->usb[i].line);
	if (APPEND_ITEM(p->usb, p->n_usb, item) < 0)
		return profile_oom(ps);
	return 0;
}

int parse_lg_resolution(struct parser *ps, const struct key_def *k, void *base,
			const char *value)
{
	struct profile *p = base;
	const char *x = strchr(value, 'x');
	char w[8], h[8];
	uint64_t wv, hv;

	(void)k;
	if (!x || (size_t)(x - value) >= sizeof(w) ||
	    strlen(x + 1) >= sizeof(h))
		goto bad;
	snprintf(w, sizeof(w), "%.*s", (int)(x - value), value);
	snprintf(h, sizeof(h), "%s", x + 1);
	if (parse_u64(w, 1, LG_DIM_MAX, &wv) < 0 ||
	    parse_u64(h, 1, LG_DIM_MAX, &hv) < 0)
		goto bad;
	p->lg_width = (unsigned)wv;
	p->lg_height = (unsigned)hv;
	return 0;
bad:
	return profile_fail(
	    ps, ps->line, -EINVAL,
	    "resolution: '%.64s' is not WIDTHxHEIGHT (e.g. 2560x1440, "
	    "each 1-%d)",
	    value, LG_DIM_MAX);
}

int parse_lg_size(struct parser *ps, const struct key_def *k, void *base,
		  const char *value)
{
	struct profile *p = base;
	uint64_t v;
	int r = parse_size(value, LG_SIZE_MIN, LG_SIZE_MAX, &v);

	(void)k;
	if (r < 0 || (v & (v - 1)) != 0)
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "size: '%.64s' must be a power of two from 1M to "
		    "1G (ivshmem BARs are powers of two), e.g. 64M",
		    value);
	p->lg_size = v;
	return 0;
}

/* Unix group name, as useradd(8) accepts by default, or a number. */
int parse_group(struct parser *ps, const struct key_def *k, void *base,
		const char *value)
{
	size_t n = strlen(value);
	bool ok = n > 0 && n <= 32 && value[0] != '-';

	for (const char *c = value; ok && *c; c++)
		ok = isalnum((unsigned char)*c) || *c == '_' || *c == '-' ||
		     *c == '.';
	if (!ok)
		return profile_fail(ps, ps->line, -EINVAL,
				    "group: '%.64s' is not a valid group name",
				    value);
	return value_set_string(ps, value_field(base, k), value);
}

static int set_evdev_grab_toggle(struct parser *ps, const struct key_def *k,
				 void *item, const char *value, bool seen)
{
	struct evdev_item *ev = item;
	char allowed[160];

	if (value_lookup_enum(grab_toggle_names, value) < 0)
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "%s: grab-toggle: invalid value "
		    "'%.32s'; allowed: %s",
		    k->key, value,
		    value_list(grab_toggle_names, allowed, sizeof(allowed)));
	if (seen)
		return 0; /* reported as given twice */
	ev->grab_toggle = strdup(value);
	return ev->grab_toggle ? 0 : profile_oom(ps);
}

/* evdev = PATH[,grab_all=on|off][,repeat=on|off][,grab-toggle=KEYS] */
int parse_evdev(struct parser *ps, const struct key_def *k, void *base,
		const char *value)
{
	static const struct item_option options[] = {
	    {"grab_all", offsetof(struct evdev_item, grab_all), NULL},
	    {"repeat", offsetof(struct evdev_item, repeat), NULL},
	    {"grab-toggle", 0, set_evdev_grab_toggle},
	    {NULL, 0, NULL},
	};
	struct profile *p = base;
	_cleanup_free_ char *copy = strdup(value);
	struct evdev_item item = {.line = ps->line};
	char *rest = copy, *path;
	int r;

	if (!copy)
		return profile_oom(ps);
	path = next_item(&rest);
	if (value_set_path(ps, k, &item.path, path) < 0)
		return ps->error;
	r = parse_item_options(ps, k, rest, options,
			       "grab_all=on|off, repeat=on|off and "
			       "grab-toggle=KEYS",
			       &item);
	for (size_t i = 0; r == 0 && i < p->n_evdev; i++)
		if (strcmp(p->evdev[i].path, item.path) == 0)
			r = profile_fail(
			    ps, ps->line, -EINVAL,
			    "%s: %.128s is already listed at line %u", k->key,
			    p->evdev[i].path, p->evdev[i].line);
	if (r == 0 && APPEND_ITEM(p->evdev, p->n_evdev, item) < 0)
		r = profile_oom(ps);
	if (r < 0) {
		free(item.path);
		free(item.grab_toggle);
	}
	return r;
}

int parse_audio_server(struct parser *ps, const struct key_def *k, void *base,
		       const char *value)
{
	struct profile *p = base;

	if (strcmp(value, "auto") == 0) {
		free(p->audio_server);
		p->audio_server = NULL;
		return 0;
	}
	/* PulseAudio's own spelling of a socket, "unix:/path", is accepted. */
	if (startswith(value, "unix:"))
		value += strlen("unix:");
	return value_set_path(ps, k, &p->audio_server, value);
}

/* aa:bb:cc:dd:ee:ff, unicast (the I/G bit of the first octet clear). */
int parse_mac(struct parser *ps, const struct key_def *k, void *base,
	      const char *value)
{
	bool ok = strlen(value) == 17;

	for (size_t i = 0; ok && i < 17; i++)
		ok = i % 3 == 2 ? value[i] == ':'
				: isxdigit((unsigned char)value[i]);
	if (!ok)
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "mac: '%.64s' is not a MAC address; write six hex "
		    "octets, e.g. 52:54:00:12:34:56",
		    value);
	unsigned first = (unsigned)strtoul(value, NULL, 16) & 0xff;
	if (first & 1)
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "mac: '%.64s' is a multicast address; the first "
		    "octet must be even (e.g. 52:54:00:...)",
		    value);
	return value_set_string(ps, value_field(base, k), value);
}

/* forward = tcp|udp:[ADDR:]HOSTPORT:GUESTPORT; ADDR an IPv4 address
 * (inet_pton), default 127.0.0.1: the host side stays local unless the
 * profile says otherwise. */
int parse_forward(struct parser *ps, const struct key_def *k, void *base,
		  const char *value)
{
	struct profile *p = base;
	struct net_forward fw = {.line = ps->line};
	char proto[4], a[3][64];
	struct in_addr in;
	unsigned long port[2];
	char *end;
	int n = sscanf(value, "%3[a-z]:%63[^:]:%63[^:]:%63s", proto, a[0], a[1], a[2]);
	int i = n == 4 ? 1 : 0;

	if ((n != 3 && n != 4) || (strcmp(proto, "tcp") && strcmp(proto, "udp")))
		goto bad;
	if (n == 4 && inet_pton(AF_INET, a[0], &in) != 1)
		goto bad;
	/* inet_ntop: the canonical form, which always fits. */
	if (n == 3)
		in.s_addr = htonl(INADDR_LOOPBACK);
	inet_ntop(AF_INET, &in, fw.addr, sizeof(fw.addr));
	for (int j = 0; j < 2; j++) {
		/* Digits only: strtoul would also take " 80", "+80". */
		if (!isdigit((unsigned char)a[i + j][0]))
			goto bad;
		errno = 0;
		port[j] = strtoul(a[i + j], &end, 10);
		if (errno || *end || port[j] < 1 || port[j] > 65535)
			goto bad;
	}
	fw.udp = proto[0] == 'u';
	fw.host_port = (unsigned)port[0];
	fw.guest_port = (unsigned)port[1];
	for (size_t j = 0; j < p->n_net_fwd; j++)
		if (p->net_fwd[j].udp == fw.udp && p->net_fwd[j].host_port == fw.host_port)
			return profile_fail(ps, ps->line, -EINVAL,
					    "%s: %s host port %u is already forwarded at line %u",
					    k->key, proto, fw.host_port, p->net_fwd[j].line);
	if (APPEND_ITEM(p->net_fwd, p->n_net_fwd, fw) < 0)
		return profile_oom(ps);
	return 0;
bad:
	return profile_fail(ps, ps->line, -EINVAL,
			    "%s: '%.64s' is not a forward; write tcp:HOSTPORT:GUESTPORT, "
			    "udp:HOSTPORT:GUESTPORT or tcp:ADDR:HOSTPORT:GUESTPORT "
			    "(ADDR an IPv4 address, ports 1-65535)",
			    k->key, value);
}

/* An interface name: 1-15 bytes (IFNAMSIZ - 1), no '/', ':' or spaces. */
int parse_ifname(struct parser *ps, const struct key_def *k, void *base,
		 const char *value)
{
	size_t n = strlen(value);
	bool ok = n > 0 && n < 16 && strcmp(value, ".") != 0 &&
		  strcmp(value, "..") != 0;

	for (const char *c = value; ok && *c; c++)
		ok = isgraph((unsigned char)*c) && *c != '/' && *c != ':' &&
		     *c != ',';
	if (!ok)
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "tap: '%.64s' is not a network interface name "
		    "(1-15 characters, no '/', ':' or ',')",
		    value);
	return value_set_string(ps, value_field(base, k), value);
}

/* binary = NAME (looked up in PATH) or a path. */
