// SPDX-License-Identifier: GPL-2.0-or-later
/* json-c's table, loaded where it is used; see json_dl.h. */
#include "json_dl.h"

#include "dl.h"

/* The Makefile passes the soname of the json-c the build saw; this is
 * Debian 12's, for a build without it. */
#ifndef JSONC_SONAME
#define JSONC_SONAME "libjson-c.so.5"
#endif

struct jsonc_api jsonc;

static const struct dl_sym syms[] = {
	{ "json_tokener_parse", (void **)&jsonc.json_tokener_parse },
	{ "json_object_put", (void **)&jsonc.json_object_put },
	{ "json_object_get", (void **)&jsonc.json_object_get },
	{ "json_object_is_type", (void **)&jsonc.json_object_is_type },
	{ "json_object_to_json_string_ext",
	  (void **)&jsonc.json_object_to_json_string_ext },
	{ "json_object_deep_copy", (void **)&jsonc.json_object_deep_copy },
	{ "json_object_new_object", (void **)&jsonc.json_object_new_object },
	{ "json_object_new_array", (void **)&jsonc.json_object_new_array },
	{ "json_object_new_string", (void **)&jsonc.json_object_new_string },
	{ "json_object_new_int", (void **)&jsonc.json_object_new_int },
	{ "json_object_new_int64", (void **)&jsonc.json_object_new_int64 },
	{ "json_object_new_boolean", (void **)&jsonc.json_object_new_boolean },
	{ "json_object_object_add", (void **)&jsonc.json_object_object_add },
	{ "json_object_object_del", (void **)&jsonc.json_object_object_del },
	{ "json_object_object_get_ex", (void **)&jsonc.json_object_object_get_ex },
	{ "json_object_array_add", (void **)&jsonc.json_object_array_add },
	{ "json_object_array_get_idx", (void **)&jsonc.json_object_array_get_idx },
	{ "json_object_array_length", (void **)&jsonc.json_object_array_length },
	{ "json_object_get_string", (void **)&jsonc.json_object_get_string },
	{ "json_object_get_int", (void **)&jsonc.json_object_get_int },
	{ "json_object_get_int64", (void **)&jsonc.json_object_get_int64 },
	{ "json_object_get_boolean", (void **)&jsonc.json_object_get_boolean },
};

static struct dl_lib lib = { .soname = JSONC_SONAME,
			     .syms = syms,
			     .n_syms = sizeof(syms) / sizeof(syms[0]) };

int jsonc_load(void)
{
	return dl_lib_load(&lib);
}

const char *jsonc_why(void)
{
	return lib.why;
}
