/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the pieces of the profile parser share; not for other modules
 * (they use profile.h):
 *  - profile.c         the inih driver: line reader, section and key
 *                      dispatch, whole-profile checks, errors, load/free;
 *  - profile_keys.c    the key table (profile_keys[]), the enum value
 *                      names and profile_print_keys();
 *  - profile_values.c  the typed value parsers the table points at.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"

#define DEFAULT_MACHINE	    "q35"
#define DEFAULT_OVMF_CODE   "/usr/share/OVMF/OVMF_CODE_4M.fd"
#define DEFAULT_OVMF_VARS   "/usr/share/OVMF/OVMF_VARS_4M.fd"
/* secure-boot = yes: Debian 12's ovmf, Secure Boot with Microsoft's keys
 * enrolled in the VARS template (README.Debian of ovmf;
 * /usr/share/qemu/firmware/40-edk2-x86_64-secure-enrolled.json names the
 * same pair with "enrolled-keys" and "requires-smm"). */
#define SECBOOT_OVMF_CODE   "/usr/share/OVMF/OVMF_CODE_4M.ms.fd"
#define SECBOOT_OVMF_VARS   "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"
#define DEFAULT_LG_PATH	    "/dev/shm/looking-glass"
#define DEFAULT_NET_MODEL   "virtio-net-pci"
#define DEFAULT_QEMU_BINARY "qemu-system-x86_64"

#define NAME_MAX_LEN 64 /* VM and disk names */

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
	SEC_CPU,
	SEC_SMBIOS,
	SEC_SHARE, /* [share NAME] (issue 13) */
	_SEC_MAX,
};

/* "vm", "pci", ... indexed by enum section (profile_keys.c). */
extern const char *const section_names[_SEC_MAX];
/* QEMU's GrabToggleKeys, NULL-terminated (profile_keys.c). */
extern const char *const grab_toggle_names[];

struct key_def;

struct parser {
	struct profile *p;
	struct profile_error *err;
	const char *path; /* as given, for messages */
	char *dir;	  /* absolute directory of the profile */
	int error;	  /* first error (negative errno) or 0 */
	bool fatal;	  /* stop reading: out of memory, unreadable, too
			     many errors */
	bool skip_section; /* the current section's header was bad: its keys
			      are skipped, not reported one by one */
	size_t sec_errors; /* err->n when the current section began */

	FILE *f;
	char *buf;
	size_t buf_size;
	unsigned line; /* current physical line, 1-based */

	enum section sec;
	unsigned sec_line;
	struct disk_item *disk; /* current [disk NAME] */
	struct share_item *share; /* current [share NAME] (issue 13) */
	unsigned *seen;		/* per key: line it was set on, 0 = unset */
	unsigned *disk_seen;	/* per key, for the current disk (or share) */
};

/* A value parser: fills the field k->offset of base (struct profile, or
 * struct disk_item in [disk NAME]) from value. Returns 0, or the parser's
 * first error (negative errno) after recording it with profile_fail(). */
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

/* The rows of profile_keys[]; profile_keys.c asserts the count, so a key
 * added without updating it (or two rows joined) does not build. */
#define N_KEYS 55
extern const struct key_def profile_keys[N_KEYS];

/* Appends item to the array arr of n items (e.g. p->pci, p->n_pci);
 * evaluates to 0 or -ENOMEM (arr and n unchanged). */
#define APPEND_ITEM(arr, n, item)                                              \
	({                                                                     \
		__typeof__(arr) _v =                                           \
		    reallocarray((arr), (n) + 1, sizeof(*(arr)));              \
		_v ? ((arr) = _v, (arr)[(n)++] = (item), 0) : -ENOMEM;         \
	})

/* Index of (sec, key) in profile_keys[], or -1. */
int profile_key_index(enum section sec, const char *key);

/* Records an error in ps->err (up to PROFILE_MAX_ERRORS, then parsing
 * stops) and, if it is the first, in ps->error. An error other than -EINVAL
 * (out of memory, a read error) stops parsing too. Returns ps->error: the
 * first error, not necessarily this one. */
int profile_fail(struct parser *ps, unsigned line, int error, const char *fmt,
		 ...) __attribute__((format(printf, 4, 5)));
/* profile_fail() with -ENOMEM, "out of memory", on the current line. */
int profile_oom(struct parser *ps);

/* Writes " (did you mean 'x'?)" into buf when a candidate (NULL-terminated
 * list) is within edit distance 2 of word, else "". Returns the distance
 * or -1. */
int profile_suggest(const char *word, const char *const *candidates, char *buf,
		    size_t len);

/* [A-Za-z0-9_.-]{1,max}, not starting with '.' (used as a directory name). */
bool profile_valid_name(const char *s, size_t max);

/* Shared by the value parsers (profile_values.c, profile_devices.c). */
const char *value_list(const char *const *values, char *buf, size_t len);
void *value_field(void *base, const struct key_def *k);
int value_set_string(struct parser *ps, char **dst, const char *value);
int value_set_path(struct parser *ps, const struct key_def *k, char **dst,
		   const char *value);
int value_lookup_enum(const char *const *values, const char *value);
size_t value_leading_number(const char *s, uint64_t min, uint64_t max,
			    uint64_t *ret);

/* The value parsers of the key table (profile_values.c). */
int parse_word(struct parser *ps, const struct key_def *k, void *base,
	       const char *value);
int parse_path(struct parser *ps, const struct key_def *k, void *base,
	       const char *value);
int parse_boolean(struct parser *ps, const struct key_def *k, void *base,
		  const char *value);
int parse_enum(struct parser *ps, const struct key_def *k, void *base,
	       const char *value);
int parse_vm_name(struct parser *ps, const struct key_def *k, void *base,
		  const char *value);
int parse_stop_timeout(struct parser *ps, const struct key_def *k, void *base,
		       const char *value);
int parse_memory(struct parser *ps, const struct key_def *k, void *base,
		 const char *value);
int parse_cpus(struct parser *ps, const struct key_def *k, void *base,
	       const char *value);
int parse_topology(struct parser *ps, const struct key_def *k, void *base,
		   const char *value);
int parse_append(struct parser *ps, const struct key_def *k, void *base,
		 const char *value);
int parse_pci_device(struct parser *ps, const struct key_def *k, void *base,
		     const char *value);
int parse_usb_port(struct parser *ps, const struct key_def *k, void *base,
		   const char *value);
int parse_usb_device(struct parser *ps, const struct key_def *k, void *base,
		     const char *value);
int parse_lg_resolution(struct parser *ps, const struct key_def *k, void *base,
			const char *value);
int parse_lg_size(struct parser *ps, const struct key_def *k, void *base,
		  const char *value);
int parse_group(struct parser *ps, const struct key_def *k, void *base,
		const char *value);
int parse_evdev(struct parser *ps, const struct key_def *k, void *base,
		const char *value);
int parse_audio_server(struct parser *ps, const struct key_def *k, void *base,
		       const char *value);
int parse_mac(struct parser *ps, const struct key_def *k, void *base,
	      const char *value);
int parse_forward(struct parser *ps, const struct key_def *k, void *base,
		  const char *value);
int parse_ifname(struct parser *ps, const struct key_def *k, void *base,
		 const char *value);
int parse_qemu_binary(struct parser *ps, const struct key_def *k, void *base,
		      const char *value);
int parse_cpu_features(struct parser *ps, const struct key_def *k, void *base,
		       const char *value);
int parse_uuid(struct parser *ps, const struct key_def *k, void *base,
	       const char *value);
int parse_qemu_extra(struct parser *ps, const struct key_def *k, void *base,
		     const char *value);

/* profile_rules.c: the rules of a section when it ends, and of the whole
 * profile once read. Return 0, or -EINVAL after profile_fail(). */
int profile_end_section(struct parser *ps);

/* profile_share.c (issue 13): [share NAME] begins (arg: NAME) and ends
 * (clean: the section had no bad line). 0 or -EINVAL after profile_fail(). */
int profile_share_begin(struct parser *ps, const char *arg);
int profile_share_end(struct parser *ps, bool clean);
int profile_finish(struct parser *ps);
