// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PCI vendor, device and class names for the iommu listing and a failing
 * check's messages; see vfio.h (pci_name, pci_class_name).
 *
 * From udev's hardware database first (hwdb.bin, built from the same
 * pci.ids by systemd-hwdb: ID_VENDOR_FROM_DATABASE, ID_MODEL_FROM_DATABASE,
 * ID_PCI_SUBCLASS_FROM_DATABASE, ID_PCI_CLASS_FROM_DATABASE for the
 * device's modalias, udev's hwdb(7)), through libudev (udev_dl.h, loaded
 * at the first name): an mmap'd index, no parse. libpci (pci_lookup_name) only where the
 * database is missing or lacks the ID: its first lookup parses all of
 * pci.ids, 10-17 ms of CPU, which used to be most of `vfio-launch iommu`
 * (issue 15). libpci through dlopen (its header for the types only):
 * linked, it and libz were loaded into every command.
 *
 * Each (vendor, device, class) is looked up once: a hwdb lookup walks
 * the trie's glob entries (~27 us), and a host has a few dozen distinct
 * IDs for a hundred functions.
 */
#include <errno.h>
#include <pci/pci.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "udev_dl.h"
#include "vfio.h"

#define PCI_FUNCS(X) X(pci_alloc) X(pci_cleanup) X(pci_lookup_name)

struct name_memo {
	uint16_t vendor, device;
	uint32_t class;
	char *name; /* "Vendor Device", or NULL: unknown */
	char *cls;  /* the subclass's (or the class's) name, or NULL */
};

struct pci_names {
	/* hwdb: 0 not opened yet, 1 open, -1 unavailable */
	int hwdb_state;
	struct udev *udev;
	struct udev_hwdb *hwdb;
	/* libpci: the same states */
	int pci_state;
	struct pci_access *a;
	struct name_memo *memo;
	size_t n_memo, cap_memo;
};

/* libpci.so.3 (libpci3, Debian 12), loaded once (dl.h); its header
 * gives the types only. */
static struct {
#define PCI_PTR(f) __typeof__(f) *f;
	PCI_FUNCS(PCI_PTR)
#undef PCI_PTR
} libpci;

static const struct dl_sym pci_syms[] = {
#define PCI_SYM(f) { #f, (void **)&libpci.f },
	PCI_FUNCS(PCI_SYM)
#undef PCI_SYM
};

static struct dl_lib pci_lib = { .soname = "libpci.so.3",
				 .syms = pci_syms,
				 .n_syms = sizeof(pci_syms) / sizeof(pci_syms[0]) };

struct pci_names *pci_names_new(void)
{
	return calloc(1, sizeof(struct pci_names));
}

void pci_names_free(struct pci_names *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n_memo; i++) {
		free(n->memo[i].name);
		free(n->memo[i].cls);
	}
	free(n->memo);
	if (n->hwdb)
		libudev.udev_hwdb_unref(n->hwdb);
	if (n->udev)
		libudev.udev_unref(n->udev);
	if (n->a)
		libpci.pci_cleanup(n->a);
	free(n);
}

/* libpci must not print or exit on a missing ID file: lookups fall back
 * to numbers. (a->error is only called on allocation failure, where
 * libpci's default exit stands.) */
static void pci_quiet_warning(char *msg, ...)
{
	(void)msg;
}

/* The libpci handle, loaded at the first use; NULL when unavailable. */
static struct pci_access *names_libpci(struct pci_names *n)
{
	if (n->pci_state)
		return n->pci_state > 0 ? n->a : NULL;
	n->pci_state = -1;
	if (dl_lib_load(&pci_lib) < 0)
		return NULL;
	n->a = libpci.pci_alloc();
	if (!n->a)
		return NULL;
	n->a->warning = pci_quiet_warning;
	n->a->debug = pci_quiet_warning;
	n->pci_state = 1;
	return n->a;
}

static struct udev_hwdb *names_hwdb(struct pci_names *n)
{
	if (n->hwdb_state)
		return n->hwdb_state > 0 ? n->hwdb : NULL;
	n->hwdb_state = -1;
	if (libudev_load() < 0)
		return NULL; /* pci.ids through libpci then */
	n->udev = libudev.udev_new();
	if (!n->udev)
		return NULL;
	/* NULL without hwdb.bin (a container without udev) */
	n->hwdb = libudev.udev_hwdb_new(n->udev);
	if (!n->hwdb)
		return NULL;
	n->hwdb_state = 1;
	return n->hwdb;
}

static char *dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

/* Fills m from the hwdb: the modalias pci_uevent() gives the device
 * (drivers/pci/pci-driver.c), subsystem IDs 0. */
static void memo_from_hwdb(struct udev_hwdb *hwdb, struct name_memo *m)
{
	const char *vendor = NULL, *model = NULL, *cls = NULL, *sub = NULL;
	struct udev_list_entry *e;
	char alias[96];

	snprintf(alias, sizeof(alias), "pci:v%08Xd%08Xsv00000000sd00000000bc%02Xsc%02Xi%02X",
		 m->vendor, m->device, (m->class >> 16) & 0xff, (m->class >> 8) & 0xff,
		 m->class & 0xff);
	for (e = libudev.udev_hwdb_get_properties_list_entry(hwdb, alias, 0); e;
	     e = libudev.udev_list_entry_get_next(e)) {
		const char *k = libudev.udev_list_entry_get_name(e), *v = libudev.udev_list_entry_get_value(e);
		if (strcmp(k, "ID_VENDOR_FROM_DATABASE") == 0)
			vendor = v;
		else if (strcmp(k, "ID_MODEL_FROM_DATABASE") == 0)
			model = v;
		else if (strcmp(k, "ID_PCI_CLASS_FROM_DATABASE") == 0)
			cls = v;
		else if (strcmp(k, "ID_PCI_SUBCLASS_FROM_DATABASE") == 0)
			sub = v;
	}
	if (vendor && model && asprintf(&m->name, "%s %s", vendor, model) < 0)
		m->name = NULL;
	m->cls = dup_or_null(sub ? sub : cls);
}

/* Fills what the hwdb left unknown in m from pci.ids through libpci, with
 * libpci's own formats (PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE: "Vendor
 * Device"; PCI_LOOKUP_CLASS of class >> 8: the subclass's name). */
static void memo_from_libpci(struct pci_names *n, struct name_memo *m)
{
	struct pci_access *a = names_libpci(n);
	char tmp[256];

	if (!a)
		return;
	if (!m->name && libpci.pci_lookup_name(a, tmp, sizeof(tmp),
					   PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS,
					   (int)m->vendor, (int)m->device))
		m->name = dup_or_null(tmp);
	if (!m->cls && libpci.pci_lookup_name(a, tmp, sizeof(tmp),
					  PCI_LOOKUP_CLASS | PCI_LOOKUP_NO_NUMBERS,
					  (int)(m->class >> 8)))
		m->cls = dup_or_null(tmp);
}

/* The names of (vendor, device, class), looked up at the first ask;
 * NULL when names is NULL or memory runs out. */
static const struct name_memo *lookup(struct pci_names *n, uint16_t vendor, uint16_t device,
				      uint32_t class)
{
	struct name_memo *m;
	struct udev_hwdb *hwdb;

	if (!n)
		return NULL;
	for (size_t i = 0; i < n->n_memo; i++)
		if (n->memo[i].vendor == vendor && n->memo[i].device == device &&
		    n->memo[i].class == class)
			return &n->memo[i];
	if (n->n_memo == n->cap_memo) {
		size_t cap = n->cap_memo ? n->cap_memo * 2 : 32;
		struct name_memo *v = realloc(n->memo, cap * sizeof(*v));
		if (!v)
			return NULL;
		n->memo = v;
		n->cap_memo = cap;
	}
	m = &n->memo[n->n_memo++];
	*m = (struct name_memo){ vendor, device, class, NULL, NULL };
	hwdb = names_hwdb(n);
	if (hwdb)
		memo_from_hwdb(hwdb, m);
	if (!m->name || !m->cls)
		memo_from_libpci(n, m);
	return m;
}

const char *pci_name(struct pci_names *names, uint16_t vendor, uint16_t device, uint32_t class,
		     char *buf, size_t len)
{
	const struct name_memo *m = lookup(names, vendor, device, class);

	if (m && m->name)
		snprintf(buf, len, "%s", m->name);
	else
		snprintf(buf, len, "%04x:%04x", vendor, device);
	return buf;
}

const char *pci_class_name(struct pci_names *names, uint16_t vendor, uint16_t device,
			   uint32_t class, char *buf, size_t len)
{
	const struct name_memo *m = lookup(names, vendor, device, class);

	snprintf(buf, len, "%s", m && m->cls ? m->cls : "");
	return buf;
}
