/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json-c, loaded with dlopen where it is used (dl.h): the supervisor's
 * QMP client and control socket (loaded once QEMU has been exec'd, so
 * not on the path to QEMU's start), and the commands that talk to a
 * running VM (status, stop, console, qmp and the rest of cmd/vmctl.c).
 * Linked, it was loaded by every command, a minimal `run` included
 * (~0.10 ms before QEMU's exec, issue 15).
 *
 * Call through the table: jsonc.json_object_put(o), with json-c's own
 * prototypes (<json-c/json.h>, libjson-c5 0.16 on Debian 12). Whoever
 * starts using JSON in a process calls jsonc_load() first (the
 * supervisor, each command); the pointers are NULL before.
 */
#pragma once

#include <json-c/json.h>

struct jsonc_api {
	__typeof__(json_tokener_parse) *json_tokener_parse;
	__typeof__(json_object_put) *json_object_put;
	__typeof__(json_object_get) *json_object_get;
	__typeof__(json_object_is_type) *json_object_is_type;
	__typeof__(json_object_to_json_string_ext) *json_object_to_json_string_ext;
	__typeof__(json_object_deep_copy) *json_object_deep_copy;
	__typeof__(json_object_new_object) *json_object_new_object;
	__typeof__(json_object_new_array) *json_object_new_array;
	__typeof__(json_object_new_string) *json_object_new_string;
	__typeof__(json_object_new_int) *json_object_new_int;
	__typeof__(json_object_new_int64) *json_object_new_int64;
	__typeof__(json_object_new_boolean) *json_object_new_boolean;
	__typeof__(json_object_object_add) *json_object_object_add;
	__typeof__(json_object_object_del) *json_object_object_del;
	__typeof__(json_object_object_get_ex) *json_object_object_get_ex;
	__typeof__(json_object_array_add) *json_object_array_add;
	__typeof__(json_object_array_get_idx) *json_object_array_get_idx;
	__typeof__(json_object_array_length) *json_object_array_length;
	__typeof__(json_object_get_string) *json_object_get_string;
	__typeof__(json_object_get_int) *json_object_get_int;
	__typeof__(json_object_get_int64) *json_object_get_int64;
	__typeof__(json_object_get_boolean) *json_object_get_boolean;
};

/* Filled by jsonc_load(). */
extern struct jsonc_api jsonc;

/*
 * Loads json-c (JSONC_SONAME: the soname of the libjson-c.so the build
 * found, libjson-c.so.5 on Debian 12) once and fills the table. Returns
 * 0, or -ELIBACC: jsonc_why() says what is missing, and which package
 * brings it, for the caller's message.
 */
int jsonc_load(void);
const char *jsonc_why(void);
