// SPDX-License-Identifier: GPL-2.0-or-later
/* Libraries loaded where they are used; see dl.h. */
#include "dl.h"

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *dl_package(const char *soname, char *buf, size_t len)
{
	const char *so = strstr(soname, ".so.");
	size_t base;

	if (!so || so == soname) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	base = (size_t)(so - soname);
	snprintf(buf, len, "%.*s%s%s", (int)base, soname,
		 isdigit((unsigned char)soname[base - 1]) ? "-" : "", so + 4);
	return buf;
}

int dl_load(const char *soname, const struct dl_sym *syms, size_t n_syms, char *why,
	    size_t why_len)
{
	char pkg[64];
	void *h;

	dl_package(soname, pkg, sizeof(pkg));
	h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(why, why_len, "%s (package %s) cannot be loaded: %s", soname, pkg,
			 dlerror());
		return -ELIBACC;
	}
	for (size_t i = 0; i < n_syms; i++) {
		*syms[i].ptr = dlsym(h, syms[i].name);
		if (!*syms[i].ptr) {
			snprintf(why, why_len, "%s (package %s) lacks %s: too old?", soname, pkg,
				 syms[i].name);
			for (size_t j = 0; j < i; j++)
				*syms[j].ptr = NULL;
			dlclose(h);
			return -ELIBACC;
		}
	}
	return 0;
}

int dl_lib_load(struct dl_lib *lib)
{
	if (lib->state == 0)
		lib->state = dl_load(lib->soname, lib->syms, lib->n_syms, lib->why,
				     sizeof(lib->why)) ?: 1;
	return lib->state < 0 ? lib->state : 0;
}
