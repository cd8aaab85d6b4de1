/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What cmdline, check and run share (cmd/common.c). Each logs once and
 * returns an exit code where it says so.
 */
#pragma once

#include <stdio.h>

#include "findings.h"
#include "paths.h"
#include "profile.h"
#include "util.h"

/* Resolves and parses PROFILE; logs and returns an exit code on failure,
 * 0 with *ret_profile set on success. */
int load_profile(const char *arg, struct profile **ret_profile);
/* vm_paths_init with the message; returns 0 or an exit code. */
int init_paths(const struct profile *p, struct vm_paths *ret);
/*
 * The one PROFILE operand of command cmd, after getopt_long (the global
 * optind): loads it into *ret_profile and, when ret_paths is not NULL,
 * its paths into *ret_paths. Not exactly one operand: logs, prints usage
 * to stderr, EX_USAGE. Returns 0 or an exit code (after logging); on
 * failure nothing is left for the caller to free.
 */
int load_profile_arg(int argc, char **argv, const char *cmd, void (*usage)(FILE *),
		     struct profile **ret_profile, struct vm_paths *ret_paths);
/* The PulseAudio server for cmdline and run: malloc'd or NULL. */
char *default_audio_server(const struct profile *p);
/* ARGV, one argument per line. */
void print_argv(const struct strv *argv, FILE *out);
/* Findings that need no VM paths or that the pipeline adds itself. */
void check_pipeline(const struct profile *p, const struct vm_paths *paths, int paths_r,
		    struct findings *f);
/* Loads json-c (json_dl.h) for command cmd, which talks JSON to a running
 * VM. Returns 0, or EX_UNAVAILABLE after logging what is missing. */
int load_jsonc(const char *cmd);
/* $runtime_dir/ctl.sock, the supervisor's control socket (control.h);
 * as long as qmp.sock, so it fits sun_path whenever that does. malloc'd
 * or NULL. */
char *control_path(const struct vm_paths *paths);
