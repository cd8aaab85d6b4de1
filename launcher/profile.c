// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The profile parser: an INI file (inih) -> struct profile.
 *
 * Table-driven: keys[] maps (section, key) to a typed parser, the field it
 * fills, its documented type and default and a one-line description. The
 * same table is printed by profile_print_keys(), which the tests compare
 * with the README and vfio-launch.conf(5), so the three cannot drift apart.
 *
 * inih (Debian 12 ships release 55) is driven through ini_parse_stream()
 * with our own line reader, because:
 *  - its handler gets no line number (INI_HANDLER_LINENO is 0 in the
 *    distribution build), so the reader counts lines;
 *  - it is built with INI_ALLOW_MULTILINE, which would deliver an indented
 *    line as a second value of the previous key; the reader strips leading
 *    whitespace, so an indented line is an ordinary line;
 *  - it does not call the handler for a section without keys
 *    (INI_CALL_HANDLER_ON_NEW_SECTION is 0), yet an empty [looking-glass]
 *    or [disk NAME] matters; the reader sees every "[...]" header first;
 *  - its line buffer is fixed (INI_MAX_LINE, 200 bytes): a longer line
 *    would silently be cut in two, so the reader splits a long
 *    "key = value" line itself, exactly as inih would, and hands it to
 *    the handler (long_line()).
 *  - the reader also refuses NUL bytes and lines over 64 KiB, so a binary
 *    file or /dev/zero is an error, not an unbounded read.
 * inih still splits "key = value" (or "key: value"), strips whitespace and
 * inline comments (" ;" after a value; "#" and ";" at the start of a line)
 * and reports syntax errors (a line with neither '=' nor ':'). It delivers
 * every occurrence of a repeated key; the table says which keys may repeat.
 */
#include "profile.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "util.h"

#define DEFAULT_MACHINE	    "q35"
#define DEFAULT_OVMF_CODE   "/usr/share/OVMF/OVMF_CODE_4M.fd"
#define DEFAULT_OVMF_VARS   "/usr/share/OVMF/OVMF_VARS_4M.fd"
#define DEFAULT_LG_PATH	    "/dev/shm/looking-glass"
#define DEFAULT_NET_MODEL   "virtio-net-pci"
#define DEFAULT_QEMU_BINARY "qemu-system-x86_64"

#define MEMORY_MIN     (16ULL << 20)
#define MEMORY_MAX     (16ULL << 40)
#define CPUS_MAX       1024
#define NAME_MAX_LEN   64
#define LG_SIZE_MIN    (1ULL << 20)
#define LG_SIZE_MAX    (1ULL << 30)
#define LG_DIM_MAX     16384
#define USB_MAX_DEPTH  7 /* USB 2.0/3.x: at most 7 tiers, hub ports 1-31 */
#define USB_MAX_BUS    255
#define Q35_AHCI_PORTS 6 /* the q35 machine's built-in ICH9 AHCI: 6 ports */
#define USB_MAX_PORT   31
#define LINE_MAX_LEN   65536 /* line buffer bound, with the newline and NUL */

enum section {
	SEC_NONE = -1,
	SEC_VM,
	SEC_PCI,
	SEC_DISK,
	SEC_AUDIO,
	SEC_USB,
	SEC_LG,
	SEC_INPUT,
	SEC_NETWORK,
	SEC_QEMU,
	_SEC_MAX,
};

static const char *const section_names[_SEC_MAX] = {
    [SEC_VM] = "vm",	   [SEC_PCI] = "pci",
    [SEC_DISK] = "disk",   [SEC_AUDIO] = "audio",
    [SEC_USB] = "usb",	   [SEC_LG] = "looking-glass",
    [SEC_INPUT] = "input", [SEC_NETWORK] = "network",
    [SEC_QEMU] = "qemu",
};

/* Enum value names, indexed by the enum's value, NULL-terminated. */
static const char *const accel_names[] = {"auto", "kvm", "tcg", NULL};
static const char *const firmware_names[] = {"bios", "uefi", NULL};
static const char *const sandbox_names[] = {"on", "strict", "off", NULL};
static const char *const display_names[] = {"none", "gtk", "sdl", NULL};
static const char *const interface_names[] = {"virtio", "sata", "nvme", "scsi",
					      NULL};
static const char *const format_names[] = {"raw", "qcow2", NULL};
static const char *const media_names[] = {"disk", "cdrom", NULL};
static const char *const cache_names[] = {"none", "writeback", "writethrough",
					  NULL};
static const char *const backend_names[] = {"none", "pulse", NULL};
static const char *const model_names[] = {"hda-duplex", "hda-output",
					  "hda-micro", NULL};
static const char *const net_mode_names[] = {"none", "user", "tap", NULL};
/* QEMU qapi/common.json GrabToggleKeys (input-linux grab-toggle). */
static const char *const grab_toggle_names[] = {
    "ctrl-ctrl",  "alt-alt",	     "shift-shift", "meta-meta",
    "scrolllock", "ctrl-scrolllock", NULL};

_Static_assert(sizeof(enum accel) == sizeof(int), "enums are stored as int");
_Static_assert(sizeof(enum disk_cache) == sizeof(int),
	       "enums are stored as int");

struct key_def;

struct parser {
	struct profile *p;
	struct profile_error *err;
	const char *path; /* as given, for messages */
	char *dir;	  /* absolute directory of the profile */
	int error;	  /* first error (negative errno) or 0 */

	FILE *f;
	char *buf;
	size_t buf_size;
	unsigned line; /* current physical line, 1-based */

	enum section sec;
	unsigned sec_line;
	struct disk_item *disk; /* current [disk NAME] */
	unsigned *seen;		/* per key: line it was set on, 0 = unset */
	unsigned *disk_seen;	/* per key, for the current disk */
};

typedef int (*key_parser)(struct parser *ps, const struct key_def *k,
			  void *base, const char *value);

struct key_def {
	enum section section;
	const char *key;
	const char *type; /* documentation: value syntax, no spaces */
	const char *def;  /* documentation: default, "-" for none */
	const char *desc; /* one line */
	bool repeatable;
	key_parser parse;
	size_t offset;		   /* in struct profile, or struct disk_item */
	const char *const *values; /* enum names, for parse_enum */
};

static int fail(struct parser *ps, unsigned line, int error, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

static int fail(struct parser *ps, unsigned line, int error, const char *fmt,
		...)
{
	va_list ap;

	if (ps->error)
		return ps->error;
	ps->error = error;
	snprintf(ps->err->file, sizeof(ps->err->file), "%s", ps->path);
	ps->err->line = line;
	va_start(ap, fmt);
	vsnprintf(ps->err->message, sizeof(ps->err->message), fmt, ap);
	va_end(ap);
	return error;
}

static int oom(struct parser *ps)
{
	return fail(ps, ps->line, -ENOMEM, "out of memory");
}

/* "a, b or c" into buf, for "allowed values" messages. */
static const char *list_values(const char *const *values, char *buf, size_t len)
{
	size_t n = 0, used = 0;

	while (values[n])
		n++;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		int w =
		    snprintf(buf + used, len - used, "%s%s", sep, values[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return buf;
}

static void *field(void *base, const struct key_def *k)
{
	return (char *)base + k->offset;
}

static int set_string(struct parser *ps, char **dst, const char *value)
{
	char *s = strdup(value);
	if (!s)
		return oom(ps);
	free(*dst);
	*dst = s;
	return 0;
}

/*
 * "~/x" -> $HOME/x, "x" -> DIR/x (DIR: the profile's directory), "/x" as
 * is. The result is malloc'd into *ret. Symbolic links are not resolved:
 * stable names such as /dev/disk/by-id/... are kept as written.
 */
static int resolve_path(struct parser *ps, const struct key_def *k,
			const char *value, char **ret)
{
	char *s = NULL;

	if (!*value)
		return fail(ps, ps->line, -EINVAL, "%s: empty path", k->key);
	if (value[0] == '~') {
		const char *home = getenv("HOME");
		if (value[1] != '\0' && value[1] != '/')
			return fail(ps, ps->line, -EINVAL,
				    "%s: '%.64s': only '~/' (your home "
				    "directory) is expanded, not '~user'",
				    k->key, value);
		if (!home || home[0] != '/')
			return fail(ps, ps->line, -EINVAL,
				    "%s: '%.64s' starts with '~' but $HOME is "
				    "not set to an absolute path",
				    k->key, value);
		if (asprintf(&s, "%s%s", home, value + 1) < 0)
			return oom(ps);
	} else if (value[0] == '/') {
		s = strdup(value);
		if (!s)
			return oom(ps);
	} else {
		while (startswith(value, "./"))
			value += 2;
		if (asprintf(&s, "%s/%s",
			     strcmp(ps->dir, "/") == 0 ? "" : ps->dir,
			     value) < 0)
			return oom(ps);
	}
	*ret = s;
	return 0;
}

static int set_path(struct parser *ps, const struct key_def *k, char **dst,
		    const char *value)
{
	char *s = NULL;
	int r = resolve_path(ps, k, value, &s);
	if (r < 0)
		return r;
	free(*dst);
	*dst = s;
	return 0;
}

/* [A-Za-z0-9_.-]{1,max}, not starting with '.' (used as a directory name). */
static bool valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || s[0] == '.')
		return false;
	for (const char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '.' &&
		    *c != '-')
			return false;
	return true;
}

/* ------------------------------------------------------------ typed keys */

/* A single word: no whitespace or commas (machine types, device models). */
static int parse_word(struct parser *ps, const struct key_def *k, void *base,
		      const char *value)
{
	if (!*value)
		return fail(ps, ps->line, -EINVAL, "%s: empty value", k->key);
	for (const char *c = value; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' &&
		    *c != '.')
			return fail(ps, ps->line, -EINVAL,
				    "%s: '%.64s' is not a valid name (letters, "
				    "digits, '-', '_', '.')",
				    k->key, value);
	return set_string(ps, field(base, k), value);
}

static int parse_path(struct parser *ps, const struct key_def *k, void *base,
		      const char *value)
{
	return set_path(ps, k, field(base, k), value);
}

static int parse_boolean(struct parser *ps, const struct key_def *k, void *base,
			 const char *value)
{
	if (parse_bool(value, field(base, k)) < 0)
		return fail(ps, ps->line, -EINVAL,
			    "%s: '%.64s' is not a boolean; use yes or no (also "
			    "on/off, true/false, 1/0)",
			    k->key, value);
	return 0;
}

static int lookup_enum(const char *const *values, const char *value)
{
	for (int i = 0; values[i]; i++)
		if (strcmp(values[i], value) == 0)
			return i;
	return -1;
}

static int parse_enum(struct parser *ps, const struct key_def *k, void *base,
		      const char *value)
{
	char allowed[256];
	int i = lookup_enum(k->values, value);

	if (i < 0)
		return fail(ps, ps->line, -EINVAL,
			    "%s: invalid value '%.64s'; allowed: %s", k->key,
			    value,
			    list_values(k->values, allowed, sizeof(allowed)));
	memcpy(field(base, k), &i, sizeof(i));
	return 0;
}

static int parse_vm_name(struct parser *ps, const struct key_def *k, void *base,
			 const char *value)
{
	if (!valid_name(value, NAME_MAX_LEN))
		return fail(
		    ps, ps->line, -EINVAL,
		    "name: '%.64s' is not a valid VM name; use 1-%d letters, "
		    "digits, '_', '.' or '-', not starting with '.'",
		    value, NAME_MAX_LEN);
	return set_string(ps, field(base, k), value);
}

static int parse_memory(struct parser *ps, const struct key_def *k, void *base,
			const char *value)
{
	int r = parse_size(value, MEMORY_MIN, MEMORY_MAX, field(base, k));

	if (r == -ERANGE)
		return fail(ps, ps->line, -EINVAL,
			    "memory: '%.64s' is out of range; it must be at "
			    "least 16M and at most 16T",
			    value);
	if (r < 0)
		return fail(
		    ps, ps->line, -EINVAL,
		    "memory: '%.64s' is not a size; write a number with an "
		    "optional K, M, G or T suffix (binary units), e.g. 16G",
		    value);
	if (*(uint64_t *)field(base, k) % (1ULL << 20) != 0)
		return fail(ps, ps->line, -EINVAL,
			    "memory: '%.64s' is not a whole number of MiB "
			    "(QEMU's -m counts in MiB)",
			    value);
	ps->p->line_memory = ps->line;
	return 0;
}

static int parse_cpus(struct parser *ps, const struct key_def *k, void *base,
		      const char *value)
{
	uint64_t v;

	(void)k;
	if (parse_u64(value, 1, CPUS_MAX, &v) < 0)
		return fail(
		    ps, ps->line, -EINVAL,
		    "cpus: '%.64s' is not a number of vCPUs between 1 and %d",
		    value, CPUS_MAX);
	((struct profile *)base)->cpus = (unsigned)v;
	return 0;
}

/* topology = <sockets>s<cores>c<threads>t, e.g. 1s4c2t. */
static int parse_topology(struct parser *ps, const struct key_def *k,
			  void *base, const char *value)
{
	struct profile *p = base;
	static const char units[3] = {'s', 'c', 't'};
	unsigned v[3];
	const char *c = value;

	(void)k;
	for (size_t i = 0; i < 3; i++) {
		char num[8];
		size_t n = 0;
		uint64_t x;

		while (isdigit((unsigned char)c[n]) && n < sizeof(num) - 1) {
			num[n] = c[n];
			n++;
		}
		num[n] = '\0';
		if (n == 0 || c[n] != units[i] ||
		    parse_u64(num, 1, CPUS_MAX, &x) < 0)
			return fail(
			    ps, ps->line, -EINVAL,
			    "topology: '%.64s' is not SOCKETSsCOREScTHREADSt "
			    "(e.g. 1s4c2t, each 1-%d)",
			    value, CPUS_MAX);
		v[i] = (unsigned)x;
		c += n + 1;
	}
	if (*c)
		return fail(ps, ps->line, -EINVAL,
			    "topology: '%.64s' is not SOCKETSsCOREScTHREADSt "
			    "(e.g. 1s4c2t, each 1-%d)",
			    value, CPUS_MAX);
	if ((uint64_t)v[0] * v[1] * v[2] > CPUS_MAX)
		return fail(ps, ps->line, -EINVAL,
			    "topology: '%.64s' gives more than %d vCPUs", value,
			    CPUS_MAX);
	p->sockets = v[0];
	p->cores = v[1];
	p->threads = v[2];
	return 0;
}

static int parse_append(struct parser *ps, const struct key_def *k, void *base,
			const char *value)
{
	/* An empty command line is legitimate. */
	return set_string(ps, field(base, k), value);
}

/* [D:]B:D.F with D 4, B 2, D 2 (<= 0x1f), F 1 (<= 7) hex digits. */
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
		return fail(ps, ps->line, -EINVAL,
			    "%s: %s: '%.32s' is not on or off", key, name,
			    opt + n + 1);
	return 1;
}

static int suggest(const char *word, const char *const *candidates, char *buf,
		   size_t len);

/* device = BDF[,x-vga][,multifunction][,romfile=PATH] */
static int parse_pci_device(struct parser *ps, const struct key_def *k,
			    void *base, const char *value)
{
	static const char *const options[] = {"x-vga", "multifunction",
					      "romfile", NULL};
	struct profile *p = base;
	_cleanup_free_ char *copy = strdup(value);
	struct pci_item item = {.line = ps->line};
	bool seen_opt[3] = {false, false, false};
	char *rest = copy, *bdf, *opt;
	int r;

	if (!copy)
		return oom(ps);
	bdf = next_item(&rest);
	r = parse_bdf(bdf, strlen(bdf), item.bdf);
	if (r < 0)
		return fail(ps, ps->line, -EINVAL,
			    "%s: '%.64s' is not a PCI address; write "
			    "[DOMAIN:]BUS:DEVICE.FUNCTION in hex as lspci -D "
			    "shows it, e.g. 0000:01:00.0",
			    k->key, bdf);
	while ((opt = next_item(&rest))) {
		char hint[64];
		int which = 0;

		if ((r = option_bool(ps, k->key, opt, "x-vga", &item.x_vga)) !=
		    0)
			which = 0;
		else if ((r = option_bool(ps, k->key, opt, "multifunction",
					  &item.multifunction)) != 0)
			which = 1;
		else if (startswith(opt, "romfile=")) {
			which = 2;
			if (seen_opt[2])
				r = 1; /* reported as given twice below */
			else
				r = set_path(ps, k, &item.romfile,
					     opt + strlen("romfile=")) < 0
					? ps->error
					: 1;
		} else {
			char name[32];
			snprintf(name, sizeof(name), "%.*s",
				 (int)strcspn(opt, "="), opt);
			suggest(name, options, hint, sizeof(hint));
			free(item.romfile);
			return fail(ps, ps->line, -EINVAL,
				    "%s: unknown option '%.32s'%s; options are "
				    "x-vga, multifunction and romfile=PATH",
				    k->key, opt, hint);
		}
		if (r < 0) {
			free(item.romfile);
			return r;
		}
		if (seen_opt[which]) {
			free(item.romfile);
			return fail(ps, ps->line, -EINVAL,
				    "%s: option '%s' given twice", k->key,
				    options[which]);
		}
		seen_opt[which] = true;
	}
	for (size_t i = 0; i < p->n_pci; i++)
		if (strcmp(p->pci[i].bdf, item.bdf) == 0) {
			free(item.romfile);
			return fail(ps, ps->line, -EINVAL,
				    "%s: %s is already listed at line %u; each "
				    "PCI device is passed through once",
				    k->key, item.bdf, p->pci[i].line);
		}
	struct pci_item *v = reallocarray(p->pci, p->n_pci + 1, sizeof(*v));
	if (!v) {
		free(item.romfile);
		return oom(ps);
	}
	p->pci = v;
	p->pci[p->n_pci++] = item;
	return 0;
}

/* port = BUS-PORT[.PORT]... as the kernel names USB devices in sysfs. */
static int parse_usb_port(struct parser *ps, const struct key_def *k,
			  void *base, const char *value)
{
	struct profile *p = base;
	struct usb_item item = {.line = ps->line};
	const char *c = value;
	size_t depth = 0, used = 0;
	uint64_t x;
	char num[8];
	size_t n;

#define BAD_PORT                                                               \
	fail(ps, ps->line, -EINVAL,                                            \
	     "%s: '%.64s' is not a USB port; write BUS-PORT[.PORT]... as in "  \
	     "/sys/bus/usb/devices (e.g. 1-4.2): bus 1-%d, ports 1-%d, at "    \
	     "most %d levels",                                                 \
	     k->key, value, USB_MAX_BUS, USB_MAX_PORT, USB_MAX_DEPTH)

	for (n = 0; isdigit((unsigned char)c[n]) && n < sizeof(num) - 1; n++)
		num[n] = c[n];
	num[n] = '\0';
	if (n == 0 || c[n] != '-' || parse_u64(num, 1, USB_MAX_BUS, &x) < 0)
		return BAD_PORT;
	item.hostbus = (unsigned)x;
	c += n + 1;
	for (;;) {
		for (n = 0; isdigit((unsigned char)c[n]) && n < sizeof(num) - 1;
		     n++)
			num[n] = c[n];
		num[n] = '\0';
		if (n == 0 || parse_u64(num, 1, USB_MAX_PORT, &x) < 0 ||
		    ++depth > USB_MAX_DEPTH)
			return BAD_PORT;
		used += (size_t)snprintf(item.hostport + used,
					 sizeof(item.hostport) - used, "%s%u",
					 depth > 1 ? "." : "", (unsigned)x);
		c += n;
		if (*c == '\0')
			break;
		if (*c != '.')
			return BAD_PORT;
		c++;
	}
#undef BAD_PORT
	for (size_t i = 0; i < p->n_usb; i++)
		if (!p->usb[i].by_id && p->usb[i].hostbus == item.hostbus &&
		    strcmp(p->usb[i].hostport, item.hostport) == 0)
			return fail(ps, ps->line, -EINVAL,
				    "%s: %u-%s is already listed at line %u",
				    k->key, item.hostbus, item.hostport,
				    p->usb[i].line);
	struct usb_item *v = reallocarray(p->usb, p->n_usb + 1, sizeof(*v));
	if (!v)
		return oom(ps);
	p->usb = v;
	p->usb[p->n_usb++] = item;
	return 0;
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
static int parse_usb_device(struct parser *ps, const struct key_def *k,
			    void *base, const char *value)
{
	struct profile *p = base;
	struct usb_item item = {.by_id = true, .line = ps->line};
	const char *colon = strchr(value, ':');

	if (!colon ||
	    parse_hex16(value, (size_t)(colon - value), &item.vendor_id) < 0 ||
	    parse_hex16(colon + 1, strlen(colon + 1), &item.product_id) < 0)
		return fail(
		    ps, ps->line, -EINVAL,
		    "%s: '%.64s' is not VENDOR:PRODUCT; write two 4-digit hex "
		    "IDs as lsusb shows them, e.g. 046d:c52b",
		    k->key, value);
	for (size_t i = 0; i < p->n_usb; i++)
		if (p->usb[i].by_id && p->usb[i].vendor_id == item.vendor_id &&
		    p->usb[i].product_id == item.product_id)
			return fail(
			    ps, ps->line, -EINVAL,
			    "%s: %04x:%04x is already listed at line %u",
			    k->key, item.vendor_id, item.product_id,
			    p->usb[i].line);
	struct usb_item *v = reallocarray(p->usb, p->n_usb + 1, sizeof(*v));
	if (!v)
		return oom(ps);
	p->usb = v;
	p->usb[p->n_usb++] = item;
	return 0;
}

static int parse_lg_resolution(struct parser *ps, const struct key_def *k,
			       void *base, const char *value)
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
	return fail(ps, ps->line, -EINVAL,
		    "resolution: '%.64s' is not WIDTHxHEIGHT (e.g. 2560x1440, "
		    "each 1-%d)",
		    value, LG_DIM_MAX);
}

static int parse_lg_size(struct parser *ps, const struct key_def *k, void *base,
			 const char *value)
{
	struct profile *p = base;
	uint64_t v;
	int r = parse_size(value, LG_SIZE_MIN, LG_SIZE_MAX, &v);

	(void)k;
	if (r < 0 || (v & (v - 1)) != 0)
		return fail(ps, ps->line, -EINVAL,
			    "size: '%.64s' must be a power of two from 1M to "
			    "1G (ivshmem BARs are powers of two), e.g. 64M",
			    value);
	p->lg_size = v;
	return 0;
}

/* Unix group name, as useradd(8) accepts by default, or a number. */
static int parse_group(struct parser *ps, const struct key_def *k, void *base,
		       const char *value)
{
	size_t n = strlen(value);
	bool ok = n > 0 && n <= 32 && value[0] != '-';

	for (const char *c = value; ok && *c; c++)
		ok = isalnum((unsigned char)*c) || *c == '_' || *c == '-' ||
		     *c == '.';
	if (!ok)
		return fail(ps, ps->line, -EINVAL,
			    "group: '%.64s' is not a valid group name", value);
	return set_string(ps, field(base, k), value);
}

/* evdev = PATH[,grab_all=on|off][,repeat=on|off][,grab-toggle=KEYS] */
static int parse_evdev(struct parser *ps, const struct key_def *k, void *base,
		       const char *value)
{
	static const char *const options[] = {"grab_all", "repeat",
					      "grab-toggle", NULL};
	struct profile *p = base;
	_cleanup_free_ char *copy = strdup(value);
	struct evdev_item item = {.line = ps->line};
	char *rest = copy, *path, *opt, hint[64];
	bool seen_opt[3] = {false, false, false};
	int r;

	if (!copy)
		return oom(ps);
	path = next_item(&rest);
	if (set_path(ps, k, &item.path, path) < 0)
		return ps->error;
	while ((opt = next_item(&rest))) {
		int which = 0;

		if ((r = option_bool(ps, k->key, opt, "grab_all",
				     &item.grab_all)) != 0)
			which = 0;
		else if ((r = option_bool(ps, k->key, opt, "repeat",
					  &item.repeat)) != 0)
			which = 1;
		else if (startswith(opt, "grab-toggle=")) {
			char allowed[160];
			const char *keys = opt + strlen("grab-toggle=");
			which = 2;
			r = 1;
			if (lookup_enum(grab_toggle_names, keys) < 0) {
				r = fail(ps, ps->line, -EINVAL,
					 "%s: grab-toggle: invalid value "
					 "'%.32s'; allowed: %s",
					 k->key, keys,
					 list_values(grab_toggle_names, allowed,
						     sizeof(allowed)));
			} else if (!seen_opt[2]) {
				item.grab_toggle = strdup(keys);
				if (!item.grab_toggle)
					r = oom(ps);
			}
		} else {
			char name[32];
			snprintf(name, sizeof(name), "%.*s",
				 (int)strcspn(opt, "="), opt);
			suggest(name, options, hint, sizeof(hint));
			r = fail(ps, ps->line, -EINVAL,
				 "%s: unknown option '%.32s'%s; options are "
				 "grab_all=on|off, repeat=on|off and "
				 "grab-toggle=KEYS",
				 k->key, opt, hint);
		}
		if (r >= 0 && seen_opt[which])
			r = fail(ps, ps->line, -EINVAL,
				 "%s: option '%s' given twice", k->key,
				 options[which]);
		if (r < 0) {
			free(item.path);
			free(item.grab_toggle);
			return r;
		}
		seen_opt[which] = true;
	}
	for (size_t i = 0; i < p->n_evdev; i++)
		if (strcmp(p->evdev[i].path, item.path) == 0) {
			free(item.path);
			free(item.grab_toggle);
			return fail(ps, ps->line, -EINVAL,
				    "%s: %.128s is already listed at line %u",
				    k->key, p->evdev[i].path, p->evdev[i].line);
		}
	struct evdev_item *v =
	    reallocarray(p->evdev, p->n_evdev + 1, sizeof(*v));
	if (!v) {
		free(item.path);
		free(item.grab_toggle);
		return oom(ps);
	}
	p->evdev = v;
	p->evdev[p->n_evdev++] = item;
	return 0;
}

static int parse_audio_server(struct parser *ps, const struct key_def *k,
			      void *base, const char *value)
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
	return set_path(ps, k, &p->audio_server, value);
}

/* aa:bb:cc:dd:ee:ff, unicast (the I/G bit of the first octet clear). */
static int parse_mac(struct parser *ps, const struct key_def *k, void *base,
		     const char *value)
{
	bool ok = strlen(value) == 17;

	for (size_t i = 0; ok && i < 17; i++)
		ok = i % 3 == 2 ? value[i] == ':'
				: isxdigit((unsigned char)value[i]);
	if (!ok)
		return fail(ps, ps->line, -EINVAL,
			    "mac: '%.64s' is not a MAC address; write six hex "
			    "octets, e.g. 52:54:00:12:34:56",
			    value);
	unsigned first = (unsigned)strtoul(value, NULL, 16) & 0xff;
	if (first & 1)
		return fail(ps, ps->line, -EINVAL,
			    "mac: '%.64s' is a multicast address; the first "
			    "octet must be even (e.g. 52:54:00:...)",
			    value);
	return set_string(ps, field(base, k), value);
}

/* An interface name: 1-15 bytes (IFNAMSIZ - 1), no '/', ':' or spaces. */
static int parse_ifname(struct parser *ps, const struct key_def *k, void *base,
			const char *value)
{
	size_t n = strlen(value);
	bool ok = n > 0 && n < 16 && strcmp(value, ".") != 0 &&
		  strcmp(value, "..") != 0;

	for (const char *c = value; ok && *c; c++)
		ok = isgraph((unsigned char)*c) && *c != '/' && *c != ':' &&
		     *c != ',';
	if (!ok)
		return fail(ps, ps->line, -EINVAL,
			    "tap: '%.64s' is not a network interface name "
			    "(1-15 characters, no '/', ':' or ',')",
			    value);
	return set_string(ps, field(base, k), value);
}

/* binary = NAME (looked up in PATH) or a path. */
static int parse_qemu_binary(struct parser *ps, const struct key_def *k,
			     void *base, const char *value)
{
	struct profile *p = base;

	if (!*value)
		return fail(ps, ps->line, -EINVAL, "binary: empty value");
	for (const char *c = value; *c; c++)
		if (isspace((unsigned char)*c))
			return fail(ps, ps->line, -EINVAL,
				    "binary: '%.64s' contains whitespace; give "
				    "one program name or path",
				    value);
	if (!strchr(value, '/'))
		return set_string(ps, &p->qemu_binary, value);
	return set_path(ps, k, &p->qemu_binary, value);
}

/* extra = ARG... : split on whitespace, appended verbatim. */
static int parse_qemu_extra(struct parser *ps, const struct key_def *k,
			    void *base, const char *value)
{
	struct profile *p = base;
	_cleanup_free_ char *copy = strdup(value);
	size_t add = 0;
	char *save = NULL;

	(void)k;
	if (!copy)
		return oom(ps);
	for (char *t = strtok_r(copy, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save))
		add++;
	if (add == 0)
		return fail(
		    ps, ps->line, -EINVAL,
		    "extra: empty value; give one or more QEMU arguments");
	char **v = reallocarray(p->qemu_extra, p->n_qemu_extra + add + 1,
				sizeof(char *));
	if (!v)
		return oom(ps);
	p->qemu_extra = v;
	v[p->n_qemu_extra] = NULL;
	strcpy(copy, value);
	save = NULL;
	for (char *t = strtok_r(copy, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save)) {
		char *s = strdup(t);
		if (!s)
			return oom(ps);
		v[p->n_qemu_extra++] = s;
		v[p->n_qemu_extra] = NULL;
	}
	return 0;
}

/* ------------------------------------------------------------- the table */

#define VM(f)	offsetof(struct profile, f)
#define DISK(f) offsetof(struct disk_item, f)

/* clang-format off: one key per line reads better than the limit */
static const struct key_def keys[] = {
    /* [vm] */
    {SEC_VM, "name", "NAME", "(file name)",
     "VM name: 1-64 of [A-Za-z0-9_.-]; default: the file name without .conf",
     false, parse_vm_name, VM(name), NULL},
    {SEC_VM, "memory", "SIZE", "1G",
     "guest RAM; K/M/G/T suffixes are binary units; at least 16M", false,
     parse_memory, VM(memory), NULL},
    {SEC_VM, "cpus", "NUMBER", "1",
     "number of vCPUs (1-1024); must equal the topology's product when both "
     "are given",
     false, parse_cpus, 0, NULL},
    {SEC_VM, "topology", "SsCcTt", "-",
     "vCPU topology sockets/cores/threads, e.g. 1s4c2t; sets cpus", false,
     parse_topology, 0, NULL},
    {SEC_VM, "machine", "TYPE", DEFAULT_MACHINE, "QEMU machine type (-machine)",
     false, parse_word, VM(machine), NULL},
    {SEC_VM, "accel", "auto|kvm|tcg", "auto",
     "accelerator; auto uses KVM when /dev/kvm works, else TCG with a warning",
     false, parse_enum, VM(accel), accel_names},
    {SEC_VM, "firmware", "bios|uefi", "bios",
     "guest firmware: SeaBIOS or OVMF (UEFI)", false, parse_enum, VM(firmware),
     firmware_names},
    {SEC_VM, "ovmf-code", "PATH", DEFAULT_OVMF_CODE,
     "OVMF CODE image, mapped read-only (firmware = uefi)", false, parse_path,
     VM(ovmf_code), NULL},
    {SEC_VM, "ovmf-vars", "PATH", DEFAULT_OVMF_VARS,
     "OVMF VARS template, copied once per VM (firmware = uefi)", false,
     parse_path, VM(ovmf_vars), NULL},
    {SEC_VM, "hide-hypervisor", "BOOL", "no",
     "hide KVM from the guest (kvm=off, hv-vendor-id), for consumer NVIDIA "
     "drivers",
     false, parse_boolean, VM(hide_hypervisor), NULL},
    {SEC_VM, "hugepages", "BOOL", "no", "back guest RAM with /dev/hugepages",
     false, parse_boolean, VM(hugepages), NULL},
    {SEC_VM, "display", "none|gtk|sdl", "none",
     "QEMU display window; none for a passed-through GPU", false, parse_enum,
     VM(display), display_names},
    {SEC_VM, "sandbox", "on|strict|off", "on",
     "QEMU's confinement: on (a missing Landlock is a warning), strict (it is "
     "a failure), off (debugging only)",
     false, parse_enum, VM(sandbox), sandbox_names},
    {SEC_VM, "kernel", "PATH", "-",
     "direct kernel boot: the kernel image (-kernel)", false, parse_path,
     VM(kernel), NULL},
    {SEC_VM, "initrd", "PATH", "-",
     "direct kernel boot: the initramfs (-initrd); needs kernel", false,
     parse_path, VM(initrd), NULL},
    {SEC_VM, "append", "STRING", "-",
     "direct kernel boot: the kernel command line (-append); needs kernel",
     false, parse_append, VM(append), NULL},
    /* [pci] */
    {SEC_PCI, "device", "BDF[,x-vga][,multifunction][,romfile=PATH]", "-",
     "a host PCI device passed through with vfio-pci; one line per function",
     true, parse_pci_device, 0, NULL},
    /* [disk NAME] */
    {SEC_DISK, "path", "PATH", "-",
     "image file or block device (required); /dev/disk/by-id names are kept",
     false, parse_path, DISK(path), NULL},
    {SEC_DISK, "interface", "virtio|sata|nvme|scsi", "virtio",
     "how the guest sees the disk", false, parse_enum, DISK(interface),
     interface_names},
    {SEC_DISK, "format", "raw|qcow2", "raw", "image format", false, parse_enum,
     DISK(format), format_names},
    {SEC_DISK, "media", "disk|cdrom", "disk",
     "disk or CD-ROM (a cdrom is read-only)", false, parse_enum, DISK(media),
     media_names},
    {SEC_DISK, "cache", "none|writeback|writethrough", "none",
     "host page cache use; none opens with O_DIRECT", false, parse_enum,
     DISK(cache), cache_names},
    {SEC_DISK, "readonly", "BOOL", "no", "attach read-only", false,
     parse_boolean, DISK(readonly), NULL},
    {SEC_DISK, "discard", "BOOL", "no",
     "pass TRIM/UNMAP through to the image (discard=unmap)", false,
     parse_boolean, DISK(discard), NULL},
    /* [audio] */
    {SEC_AUDIO, "backend", "pulse|none", "pulse",
     "host audio: PulseAudio (or PipeWire's pulse server), or none; no [audio] "
     "section: no sound card",
     false, parse_enum, VM(audio_backend), backend_names},
    {SEC_AUDIO, "server", "auto|PATH", "auto",
     "PulseAudio socket; auto: $PULSE_SERVER, then "
     "$XDG_RUNTIME_DIR/pulse/native",
     false, parse_audio_server, 0, NULL},
    {SEC_AUDIO, "model", "hda-duplex|hda-output|hda-micro", "hda-duplex",
     "guest HDA codec on an intel-hda controller", false, parse_enum,
     VM(audio_model), model_names},
    {SEC_AUDIO, "required", "BOOL", "yes",
     "fail the check when the server does not answer (no: warn and run without "
     "sound)",
     false, parse_boolean, VM(audio_required), NULL},
    /* [usb] */
    {SEC_USB, "port", "BUS-PORT[.PORT]...", "-",
     "pass through whatever is plugged into this host port (sysfs name, e.g. "
     "1-4.2)",
     true, parse_usb_port, 0, NULL},
    {SEC_USB, "device", "VVVV:PPPP", "-",
     "pass through the device with this vendor:product ID (lsusb)", true,
     parse_usb_device, 0, NULL},
    /* [looking-glass] */
    {SEC_LG, "resolution", "WIDTHxHEIGHT", "-",
     "guest resolution; the shared memory size is computed from it", false,
     parse_lg_resolution, 0, NULL},
    {SEC_LG, "size", "SIZE", "-",
     "shared memory size instead of resolution: a power of two from 1M to 1G",
     false, parse_lg_size, 0, NULL},
    {SEC_LG, "path", "PATH", DEFAULT_LG_PATH,
     "shared memory file (or /dev/kvmfr0)", false, parse_path, VM(lg_path),
     NULL},
    {SEC_LG, "group", "GROUP", "-",
     "group that may read the shared memory file (mode 0660)", false,
     parse_group, VM(lg_group), NULL},
    /* [input] */
    {SEC_INPUT, "evdev",
     "PATH[,grab_all=on|off][,repeat=on|off][,grab-toggle=KEYS]", "-",
     "an evdev input device given to the guest (QEMU input-linux); one line "
     "per device",
     true, parse_evdev, 0, NULL},
    /* [network] */
    {SEC_NETWORK, "mode", "none|user|tap", "none",
     "no network, user-mode NAT (slirp), or an existing tap interface", false,
     parse_enum, VM(net_mode), net_mode_names},
    {SEC_NETWORK, "model", "DEVICE", DEFAULT_NET_MODEL,
     "guest network device model", false, parse_word, VM(net_model), NULL},
    {SEC_NETWORK, "mac", "MAC", "-", "guest MAC address (default: QEMU's)",
     false, parse_mac, VM(net_mac), NULL},
    {SEC_NETWORK, "tap", "IFNAME", "-",
     "tap interface for mode = tap (created beforehand by the admin)", false,
     parse_ifname, VM(net_tap), NULL},
    /* [qemu] */
    {SEC_QEMU, "binary", "NAME|PATH", DEFAULT_QEMU_BINARY,
     "QEMU to run instead of qemu-system-x86_64 (PATH is searched for a name)",
     false, parse_qemu_binary, 0, NULL},
    {SEC_QEMU, "extra", "ARGS", "-",
     "QEMU arguments appended verbatim, split on whitespace (no quoting)", true,
     parse_qemu_extra, 0, NULL},
};
/* clang-format on */

#define N_KEYS ELEMENTSOF(keys)

/* ---------------------------------------------------------- suggestions */

/* Writes " (did you mean 'x'?)" into buf when a candidate is within edit
 * distance 2 of word, else "". Returns the distance or -1. */
static int suggest(const char *word, const char *const *candidates, char *buf,
		   size_t len)
{
	const char *best = NULL;
	size_t best_d = 3;

	buf[0] = '\0';
	if (strlen(word) > 64)
		return -1;
	for (size_t i = 0; candidates[i]; i++) {
		size_t d = edit_distance(word, candidates[i]);
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	if (!best)
		return -1;
	snprintf(buf, len, " (did you mean '%s'?)", best);
	return (int)best_d;
}

static void suggest_key(enum section sec, const char *word, char *buf,
			size_t len)
{
	const char *cands[N_KEYS + 1];
	size_t n = 0;

	for (size_t i = 0; i < N_KEYS; i++)
		if (keys[i].section == sec)
			cands[n++] = keys[i].key;
	cands[n] = NULL;
	if (suggest(word, cands, buf, len) >= 0)
		return;
	/* The right key in the wrong section is a common slip. */
	for (size_t i = 0; i < N_KEYS; i++)
		if (strcmp(keys[i].key, word) == 0) {
			snprintf(buf, len, " ('%s' belongs in [%s%s])", word,
				 section_names[keys[i].section],
				 keys[i].section == SEC_DISK ? " NAME" : "");
			return;
		}
}

/* ------------------------------------------------------------- sections */

static const char *section_label(struct parser *ps, char *buf, size_t len)
{
	if (ps->sec == SEC_DISK && ps->disk)
		snprintf(buf, len, "[disk %s]", ps->disk->name);
	else if (ps->sec == SEC_NONE)
		snprintf(buf, len, "(no section)");
	else
		snprintf(buf, len, "[%s]", section_names[ps->sec]);
	return buf;
}

/* The line a key of the current [disk NAME] was set on, 0 when unset. */
static unsigned disk_key_line(struct parser *ps, const char *key)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (keys[i].section == SEC_DISK &&
		    strcmp(keys[i].key, key) == 0)
			return ps->disk_seen[i];
	return 0;
}

/* Checks that only make sense once a section is complete. */
static int end_section(struct parser *ps)
{
	if (ps->sec == SEC_DISK && ps->disk) {
		struct disk_item *d = ps->disk;
		if (!d->path)
			return fail(ps, d->line, -EINVAL,
				    "[disk %s] has no path; add path = "
				    "/dev/disk/by-id/... or an image file",
				    d->name);
		unsigned l_iface = disk_key_line(ps, "interface");
		unsigned l_media = disk_key_line(ps, "media");
		unsigned l_ro = disk_key_line(ps, "readonly");
		unsigned later = l_iface > l_media ? l_iface : l_media;
		/* QEMU 7.2 ide-hd refuses a read-only drive ("Block node is
		 * read-only"); ide-cd, scsi-hd, virtio-blk and nvme take one.
		 * render_validate() has the same rules, without a line. */
		if (d->interface == DISK_SATA && d->readonly &&
		    d->media != DISK_MEDIA_CDROM)
			return fail(ps, l_ro > l_iface ? l_ro : l_iface,
				    -EINVAL,
				    "[disk %s]: a read-only disk cannot use "
				    "interface = sata (QEMU's ide-hd has no "
				    "read-only mode); use virtio or scsi",
				    d->name);
		if (d->media == DISK_MEDIA_CDROM && d->interface == DISK_NVME)
			return fail(
			    ps, later, -EINVAL,
			    "[disk %s]: media = cdrom needs interface = "
			    "sata, scsi or virtio (NVMe has no CD-ROM)",
			    d->name);
		if (d->interface == DISK_SATA) {
			size_t n_sata = 0;
			for (size_t i = 0; i < ps->p->n_disks; i++)
				n_sata +=
				    ps->p->disks[i].interface == DISK_SATA;
			if (n_sata > Q35_AHCI_PORTS)
				return fail(
				    ps, l_iface, -EINVAL,
				    "[disk %s]: at most %d disks may use "
				    "interface = sata (the q35 AHCI ports)",
				    d->name, Q35_AHCI_PORTS);
		}
		if (d->media == DISK_MEDIA_CDROM)
			d->readonly = true;
	}
	ps->disk = NULL;
	return 0;
}

static int begin_section(struct parser *ps, const char *header)
{
	struct profile *p = ps->p;
	char word[64], arg[128], hint[64];
	const char *c = header;
	size_t n;
	int sec = -1;

	if (end_section(ps) < 0)
		return ps->error;
	ps->sec = SEC_NONE;

	while (isspace((unsigned char)*c))
		c++;
	n = strcspn(c, " \t");
	if (n == 0)
		return fail(ps, ps->line, -EINVAL, "empty section name '[]'");
	snprintf(word, sizeof(word), "%.*s", (int)n, c);
	c += n;
	while (isspace((unsigned char)*c))
		c++;
	snprintf(arg, sizeof(arg), "%s", c);
	for (n = strlen(arg); n > 0 && isspace((unsigned char)arg[n - 1]); n--)
		arg[n - 1] = '\0';

	for (int i = 0; i < _SEC_MAX; i++)
		if (strcmp(word, section_names[i]) == 0)
			sec = i;
	if (sec < 0) {
		const char *cands[_SEC_MAX + 1];
		for (int i = 0; i < _SEC_MAX; i++)
			cands[i] = section_names[i];
		cands[_SEC_MAX] = NULL;
		suggest(word, cands, hint, sizeof(hint));
		return fail(ps, ps->line, -EINVAL,
			    "unknown section [%.64s]%s; sections are [vm], "
			    "[pci], [disk NAME], [audio], [usb], "
			    "[looking-glass], [input], [network] and [qemu]",
			    word, hint);
	}
	ps->sec = (enum section)sec;
	ps->sec_line = ps->line;

	if (sec != SEC_DISK) {
		if (*arg)
			return fail(ps, ps->line, -EINVAL,
				    "[%s] takes no name (found '%.64s')", word,
				    arg);
		if (sec == SEC_AUDIO && !p->line_audio) {
			p->line_audio = ps->line;
			p->audio_backend = AUDIO_PULSE;
		}
		if (sec == SEC_USB)
			p->usb_enabled = true;
		if (sec == SEC_LG && !p->line_lg) {
			p->line_lg = ps->line;
			p->lg_enabled = true;
		}
		return 0;
	}

	if (!*arg)
		return fail(ps, ps->line, -EINVAL,
			    "[disk] needs a name, e.g. [disk system]");
	if (!valid_name(arg, NAME_MAX_LEN))
		return fail(ps, ps->line, -EINVAL,
			    "[disk %.64s]: not a valid disk name; use 1-%d "
			    "letters, digits, '_', '.' or '-'",
			    arg, NAME_MAX_LEN);
	for (size_t i = 0; i < p->n_disks; i++)
		if (strcmp(p->disks[i].name, arg) == 0)
			return fail(ps, ps->line, -EINVAL,
				    "[disk %s] is already defined at line %u; "
				    "disk names must be unique",
				    arg, p->disks[i].line);
	char *name = strdup(arg);
	if (!name)
		return oom(ps);
	struct disk_item *v =
	    reallocarray(p->disks, p->n_disks + 1, sizeof(*v));
	if (!v) {
		free(name);
		return oom(ps);
	}
	p->disks = v;
	ps->disk = &p->disks[p->n_disks++];
	*ps->disk = (struct disk_item){.name = name, .line = ps->line};
	memset(ps->disk_seen, 0, N_KEYS * sizeof(*ps->disk_seen));
	return 0;
}

/* -------------------------------------------------------------- reading */

#define SYNTAX_ERROR                                                           \
	"expected 'key = value', '[section]' or a comment (';' or '#')"

static int handler(void *user, const char *section, const char *name,
		   const char *value);

/* inih's find_chars_or_comment() (ini.c, r55): the first of chars, or the
 * start of an inline comment, a ';' preceded by whitespace. */
static char *find_chars_or_comment(char *s, const char *chars)
{
	bool was_space = false;

	while (*s && (!chars || !strchr(chars, *s)) &&
	       !(was_space && *s == ';')) {
		was_space = isspace((unsigned char)*s);
		s++;
	}
	return s;
}

static void rstrip(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/*
 * A key = value line longer than inih's line buffer (INI_MAX_LINE, 200
 * bytes in Debian's build): split as ini_parse_stream() does (r55: name up
 * to the first '=' or ':', inline comment cut, both sides stripped) and
 * handed to the handler directly; inih then sees an empty line. Long
 * kernel command lines and -smbios arguments need this.
 */
static void long_line(struct parser *ps, char *s)
{
	char *end = find_chars_or_comment(s, "=:"), *value;

	if (*end != '=' && *end != ':') {
		fail(ps, ps->line, -EINVAL, SYNTAX_ERROR);
		return;
	}
	*end = '\0';
	rstrip(s);
	value = end + 1;
	end = find_chars_or_comment(value, NULL);
	*end = '\0';
	while (isspace((unsigned char)*value))
		value++;
	rstrip(value);
	handler(ps, NULL, s, value);
}

/*
 * The ini_reader: one physical line per call (see the comment at the top).
 * Counts lines, strips leading whitespace and a UTF-8 BOM, rejects NUL
 * bytes and lines that would not fit inih's buffer, and starts sections.
 */
/*
 * Reads one line (with its '\n', if any) into ps->buf. Returns its length,
 * 0 at the end of the file, -E2BIG for a line longer than LINE_MAX_LEN
 * (a profile is text; /dev/zero is not) or -ENOMEM.
 */
static ssize_t read_line(struct parser *ps)
{
	size_t n = 0;
	int c;

	while ((c = getc(ps->f)) != EOF) {
		if (n + 2 > ps->buf_size) {
			size_t size = ps->buf_size ? ps->buf_size * 2 : 256;
			char *b;
			if (size > LINE_MAX_LEN)
				return -E2BIG;
			b = realloc(ps->buf, size);
			if (!b)
				return -ENOMEM;
			ps->buf = b;
			ps->buf_size = size;
		}
		ps->buf[n++] = (char)c;
		if (c == '\n')
			break;
	}
	if (n > 0)
		ps->buf[n] = '\0';
	return (ssize_t)n;
}

static char *reader(char *str, int num, void *stream)
{
	struct parser *ps = stream;
	ssize_t n = read_line(ps);
	char *s;

	if (n == 0 || ps->error)
		return NULL; /* the end, or an error already: stop reading */
	ps->line++;
	if (n < 0) {
		if (n == -E2BIG)
			fail(ps, ps->line, -EINVAL,
			     "line is too long (more than %d bytes)",
			     LINE_MAX_LEN - 2);
		else
			oom(ps);
		return NULL;
	}
	s = ps->buf;
	if (ps->line == 1 && startswith(s, "\xEF\xBB\xBF"))
		s += 3, n -= 3;
	if (memchr(s, '\0', (size_t)n)) {
		fail(ps, ps->line, -EINVAL,
		     "line contains a NUL byte; is this a text file?");
		str[0] = '\0';
		return str;
	}
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	while (isspace((unsigned char)*s))
		s++, n--;
	/* inih needs room for the line, a newline and the terminator; a
	 * longer key = value line is split here, the way inih would. */
	if (num < 3 || n > num - 3) {
		if (*s == '[')
			fail(ps, ps->line, -EINVAL,
			     "section header is too long");
		else if (*s != ';' && *s != '#')
			long_line(ps, s);
		str[0] = '\0';
		return str;
	}
	if (*s == '[') {
		char *close = strchr(s, ']');
		if (close) {
			const char *after = close + 1;
			while (isspace((unsigned char)*after))
				after++;
			if (*after && *after != ';' && *after != '#')
				fail(ps, ps->line, -EINVAL,
				     "text after the section header: '%.64s'",
				     after);
			else if (!ps->error) {
				*close = '\0';
				begin_section(ps, s + 1);
				*close = ']';
			}
		} else {
			fail(ps, ps->line, -EINVAL,
			     "section header without ']': '%.64s'", s);
		}
	}
	memcpy(str, s, (size_t)n + 1);
	return str;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parser *ps = user;
	const struct key_def *k = NULL;
	char label[96], hint[96];
	void *base;
	size_t idx;
	unsigned *seen;

	(void)section; /* the reader tracks sections, including empty ones */
	if (ps->error)
		return 1;
	if (ps->sec == SEC_NONE)
		return fail(ps, ps->line, -EINVAL,
			    "'%.64s' is outside any section; put it under a "
			    "section such as [vm]",
			    name),
		       1;
	for (idx = 0; idx < N_KEYS; idx++)
		if (keys[idx].section == ps->sec &&
		    strcmp(keys[idx].key, name) == 0) {
			k = &keys[idx];
			break;
		}
	if (!k) {
		suggest_key(ps->sec, name, hint, sizeof(hint));
		return fail(ps, ps->line, -EINVAL,
			    "unknown key '%.64s' in %s%s", name,
			    section_label(ps, label, sizeof(label)), hint),
		       1;
	}
	for (const char *c = value; *c; c++)
		if ((iscntrl((unsigned char)*c) && *c != '\t'))
			return fail(ps, ps->line, -EINVAL,
				    "%s: the value contains a control "
				    "character (0x%02x)",
				    k->key, (unsigned char)*c),
			       1;
	seen = ps->sec == SEC_DISK ? ps->disk_seen : ps->seen;
	if (!k->repeatable && seen[idx])
		return fail(ps, ps->line, -EINVAL,
			    "'%s' is already set at line %u; it may be given "
			    "only once in %s",
			    k->key, seen[idx],
			    section_label(ps, label, sizeof(label))),
		       1;
	seen[idx] = ps->line;
	base = ps->sec == SEC_DISK ? (void *)ps->disk : (void *)ps->p;
	k->parse(ps, k, base, value);
	return 1;
}

/* ------------------------------------------------------------- checking */

static unsigned key_line(struct parser *ps, enum section sec, const char *key)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (keys[i].section == sec && strcmp(keys[i].key, key) == 0)
			return ps->seen[i];
	return 0;
}

/* Whole-profile rules, once every line is read. */
static int finish(struct parser *ps)
{
	struct profile *p = ps->p;
	unsigned l;

	if (end_section(ps) < 0)
		return ps->error;

	if (!p->name) {
		const char *base = strrchr(ps->path, '/');
		char name[NAME_MAX_LEN + 8];
		size_t n;

		base = base ? base + 1 : ps->path;
		n = strlen(base);
		if (n > 5 && strcmp(base + n - 5, ".conf") == 0)
			n -= 5;
		if (n > NAME_MAX_LEN)
			n = NAME_MAX_LEN + 1; /* fails valid_name() below */
		snprintf(name, sizeof(name), "%.*s", (int)n, base);
		if (!valid_name(name, NAME_MAX_LEN))
			return fail(ps, 0, -EINVAL,
				    "the file name does not give a valid VM "
				    "name; add name = ... (1-%d letters, "
				    "digits, '_', '.' or '-') to [vm]",
				    NAME_MAX_LEN);
		p->name = strdup(name);
		if (!p->name)
			return oom(ps);
	}

	if (p->sockets) {
		unsigned total = p->sockets * p->cores * p->threads;
		l = key_line(ps, SEC_VM, "cpus");
		if (l && p->cpus != total)
			return fail(
			    ps, key_line(ps, SEC_VM, "topology"), -EINVAL,
			    "topology %us%uc%ut gives %u vCPUs but cpus = %u "
			    "(line %u); drop cpus or make them agree",
			    p->sockets, p->cores, p->threads, total, p->cpus,
			    l);
		p->cpus = total;
	}

	if (p->initrd && !p->kernel)
		return fail(ps, key_line(ps, SEC_VM, "initrd"), -EINVAL,
			    "initrd needs kernel = ... (direct kernel boot)");
	if (p->append && !p->kernel)
		return fail(ps, key_line(ps, SEC_VM, "append"), -EINVAL,
			    "append needs kernel = ... (direct kernel boot)");

	if (p->lg_enabled) {
		unsigned lr = key_line(ps, SEC_LG, "resolution"),
			 ls = key_line(ps, SEC_LG, "size");
		if (lr && ls)
			return fail(ps, lr > ls ? lr : ls, -EINVAL,
				    "give either resolution or size in "
				    "[looking-glass], not both");
		if (!lr && !ls)
			return fail(
			    ps, p->line_lg, -EINVAL,
			    "[looking-glass] needs resolution = WIDTHxHEIGHT "
			    "(e.g. 2560x1440) or size = SIZE");
	}

	l = key_line(ps, SEC_NETWORK, "tap");
	if (p->net_mode == NET_TAP && !p->net_tap)
		return fail(ps, key_line(ps, SEC_NETWORK, "mode"), -EINVAL,
			    "mode = tap needs tap = IFNAME (an existing tap "
			    "interface you own)");
	if (p->net_mode != NET_TAP && p->net_tap)
		return fail(ps, l, -EINVAL, "tap is only used with mode = tap");
	return 0;
}

/* --------------------------------------------------------------- public */

static struct profile *profile_new(void)
{
	struct profile *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->memory = 1ULL << 30;
	p->cpus = 1;
	p->accel = ACCEL_AUTO;
	p->firmware = FIRMWARE_BIOS;
	p->display = DISPLAY_NONE;
	p->sandbox = SANDBOX_ON;
	p->audio_backend = AUDIO_NONE;
	p->audio_model = AUDIO_HDA_DUPLEX;
	p->audio_required = true;
	p->net_mode = NET_NONE;
	p->machine = strdup(DEFAULT_MACHINE);
	p->ovmf_code = strdup(DEFAULT_OVMF_CODE);
	p->ovmf_vars = strdup(DEFAULT_OVMF_VARS);
	p->lg_path = strdup(DEFAULT_LG_PATH);
	p->net_model = strdup(DEFAULT_NET_MODEL);
	p->qemu_binary = strdup(DEFAULT_QEMU_BINARY);
	if (!p->machine || !p->ovmf_code || !p->ovmf_vars || !p->lg_path ||
	    !p->net_model || !p->qemu_binary) {
		profile_free(p);
		return NULL;
	}
	return p;
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	free(p->file);
	free(p->name);
	free(p->machine);
	free(p->ovmf_code);
	free(p->ovmf_vars);
	free(p->kernel);
	free(p->initrd);
	free(p->append);
	for (size_t i = 0; i < p->n_pci; i++)
		free(p->pci[i].romfile);
	free(p->pci);
	for (size_t i = 0; i < p->n_disks; i++) {
		free(p->disks[i].name);
		free(p->disks[i].path);
	}
	free(p->disks);
	free(p->audio_server);
	free(p->usb);
	free(p->lg_path);
	free(p->lg_group);
	for (size_t i = 0; i < p->n_evdev; i++) {
		free(p->evdev[i].path);
		free(p->evdev[i].grab_toggle);
	}
	free(p->evdev);
	free(p->net_model);
	free(p->net_mac);
	free(p->net_tap);
	free(p->qemu_binary);
	strv_free(p->qemu_extra);
	free(p);
}

/* Absolute path of the profile file (not resolving links) into *ret. */
static int absolute_path(const char *path, char **ret)
{
	_cleanup_free_ char *cwd = NULL;

	if (path[0] == '/') {
		*ret = strdup(path);
		return *ret ? 0 : -ENOMEM;
	}
	cwd = getcwd(NULL, 0);
	if (!cwd)
		return -errno;
	while (startswith(path, "./"))
		path += 2;
	if (asprintf(ret, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, path) < 0)
		return -ENOMEM;
	return 0;
}

int profile_load_file(FILE *f, const char *path, struct profile **ret_profile,
		      struct profile_error *ret_error)
{
	struct profile_error dummy;
	struct parser ps = {
	    .path = path,
	    .err = ret_error ? ret_error : &dummy,
	    .f = f,
	    .sec = SEC_NONE,
	};
	unsigned seen[N_KEYS] = {0}, disk_seen[N_KEYS] = {0};
	int r;

	memset(ps.err, 0, sizeof(*ps.err));
	ps.seen = seen;
	ps.disk_seen = disk_seen;
	ps.p = profile_new();
	if (!ps.p) {
		fail(&ps, 0, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	r = absolute_path(path, &ps.p->file);
	if (r < 0) {
		fail(&ps, 0, r, "cannot make the path absolute: %s",
		     strerror(-r));
		goto out;
	}
	ps.dir = strdup(ps.p->file);
	if (!ps.dir) {
		oom(&ps);
		goto out;
	}
	*strrchr(ps.dir, '/') = '\0';
	if (!*ps.dir)
		strcpy(ps.dir, "/");

	r = ini_parse_stream(reader, &ps, handler, &ps);
	if (r < 0)
		fail(&ps, 0, -ENOMEM, "out of memory");
	else if (r > 0) {
		/* inih's own syntax error: our handler never fails towards
		 * inih, so r is the first line inih could not parse. It wins
		 * over a later error of ours (inih keeps going after it). */
		if (ps.error && ps.err->line > (unsigned)r)
			ps.error = 0;
		fail(&ps, (unsigned)r, -EINVAL, SYNTAX_ERROR);
	}
	if (ferror(f))
		fail(&ps, 0, -EIO, "read error");
	if (!ps.error)
		finish(&ps);
out:
	free(ps.buf);
	free(ps.dir);
	if (ps.error) {
		profile_free(ps.p);
		return ps.error;
	}
	*ret_profile = ps.p;
	return 0;
}

int profile_load(const char *path, struct profile **ret_profile,
		 struct profile_error *ret_error)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	struct stat st;

	if (f && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		f = NULL;
		errno = EISDIR;
	}
	if (!f) {
		int r = -errno;
		if (ret_error) {
			memset(ret_error, 0, sizeof(*ret_error));
			snprintf(ret_error->file, sizeof(ret_error->file), "%s",
				 path);
			snprintf(ret_error->message, sizeof(ret_error->message),
				 "cannot open the profile: %s", strerror(-r));
		}
		return r;
	}
	return profile_load_file(f, path, ret_profile, ret_error);
}

const char *accel_to_string(enum accel a)
{
	return (unsigned)a < ELEMENTSOF(accel_names) - 1 ? accel_names[a]
							 : NULL;
}

const char *disk_interface_to_string(enum disk_interface i)
{
	return (unsigned)i < ELEMENTSOF(interface_names) - 1
		   ? interface_names[i]
		   : NULL;
}

void profile_print_keys(FILE *f)
{
	for (size_t i = 0; i < N_KEYS; i++)
		fprintf(f, "%s\t%s\t%s\t%s\t%s%s\n",
			section_names[keys[i].section], keys[i].key,
			keys[i].type, keys[i].def, keys[i].desc,
			keys[i].repeatable ? " (repeatable)" : "");
}
