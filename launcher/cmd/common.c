// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What cmdline, check and run share: loading the profile, the VM's paths,
 * the checks the pipeline adds itself (common.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cleanup.h"
#include "common.h"
#include "commands.h"
#include "findings.h"
#include "json_dl.h"
#include "paths.h"
#include "profile.h"
#include "render.h"

void log_profile_error(const char *path, const struct profile_error *err)
{
	const char *file = err->file[0] ? err->file : path;

	if (err->n == 0) {
		if (err->line)
			log_error("%s:%u: %s", file, err->line, err->message);
		else
			log_error("%s: %s", file, err->message);
		return;
	}
	for (size_t i = 0; i < err->n; i++) {
		if (err->all[i].line)
			log_error("%s:%u: %s", file, err->all[i].line, err->all[i].message);
		else
			log_error("%s: %s", file, err->all[i].message);
	}
	if (err->truncated)
		log_error("%s: more errors follow; the first %d are shown", file,
			  PROFILE_MAX_ERRORS);
}

/*
 * Resolves and parses PROFILE; logs and returns an exit code on failure,
 * 0 with *ret_profile set on success.
 */
int load_profile_arg(int argc, char **argv, const char *cmd, void (*usage)(FILE *),
		     struct profile **ret_profile, struct vm_paths *ret_paths)
{
	int r;

	if (argc - optind != 1) {
		log_error("%s needs exactly one PROFILE", cmd);
		usage(stderr);
		return EX_USAGE;
	}
	r = load_profile(argv[optind], ret_profile);
	if (r || !ret_paths)
		return r;
	r = init_paths(*ret_profile, ret_paths);
	if (r) {
		profile_free(*ret_profile);
		*ret_profile = NULL;
	}
	return r;
}

int load_profile(const char *arg, struct profile **ret_profile)
{
	_cleanup_free_ char *path = NULL;
	struct profile_error err = { 0 };
	int r;

	r = profile_resolve_path(arg, &path);
	if (r == -EINVAL) {
		log_error("'%s' is not a profile name (letters, digits, _ . - only) "
			  "nor a path (a path contains '/' or ends in .conf)",
			  arg);
		return EX_USAGE;
	}
	if (r < 0) {
		log_error("cannot look up profile '%s': neither $XDG_CONFIG_HOME nor $HOME is set", arg);
		return EX_CONFIG;
	}
	r = profile_load(path, ret_profile, &err);
	if (r == 0)
		return 0;
	if (r == -EINVAL) {
		log_profile_error(path, &err);
		return EX_CONFIG;
	}
	if (r == -ENOENT) {
		if (strcmp(path, arg) == 0)
			log_error("profile %s does not exist", path);
		else
			log_error("no profile named '%s' (looked for %s; 'vfio-launch list' shows yours)",
				  arg, path);
		return EX_NOINPUT;
	}
	if (r == -EACCES || r == -EPERM) {
		log_error("cannot read profile %s: %s", path, strerror(-r));
		return EX_NOPERM;
	}
	log_error("cannot read profile %s: %s", path, strerror(-r));
	return EX_NOINPUT;
}

/* vm_paths_init with the message; returns 0 or an exit code. */
int init_paths(const struct profile *p, struct vm_paths *ret)
{
	int r = vm_paths_init(p, ret);

	switch (r) {
	case 0:
		return 0;
	case -ENOENT:
		log_error("$XDG_RUNTIME_DIR (and $XDG_STATE_HOME or $HOME) must be set to absolute "
			  "paths: the VM's QMP socket and lock live there (a systemd login session "
			  "sets XDG_RUNTIME_DIR=/run/user/$UID)");
		return EX_CONFIG;
	case -ENAMETOOLONG:
		log_error("the QMP socket path $XDG_RUNTIME_DIR/vfio-launch/%s/qmp.sock is longer "
			  "than a unix socket path may be (107 bytes); use a shorter VM name",
			  p->name);
		return EX_CONFIG;
	case -EINVAL:
		log_error("%s: [vm] name '%s' is not 1-64 of A-Z a-z 0-9 _ . -", p->file, p->name);
		return EX_CONFIG;
	default:
		log_error("%s", strerror(-r));
		return EX_OSERR;
	}
}

/* The PulseAudio server for cmdline, which does not probe: the profile's
 * server, else $PULSE_SERVER, else $XDG_RUNTIME_DIR/pulse/native (the
 * order libpulse uses, pulse-client.conf(5)). malloc'd or NULL. */
char *default_audio_server(const struct profile *p)
{
	const char *s = p->audio_server ? p->audio_server : getenv("PULSE_SERVER");
	const char *run = getenv("XDG_RUNTIME_DIR");
	char *r = NULL;

	if (s && *s)
		return strdup(s);
	if (run && run[0] == '/' && asprintf(&r, "%s/pulse/native", run) < 0)
		return NULL;
	return r;
}

void print_argv(const struct strv *argv, FILE *out)
{
	for (size_t i = 0; i < argv->n; i++)
		fprintf(out, "%s\n", argv->v[i]);
}

/* Findings that need no VM paths or that the pipeline adds itself. */
void check_pipeline(const struct profile *p, const struct vm_paths *paths, int paths_r,
			   struct findings *f)
{
	const char *why = render_validate(p);

	if (why)
		finding_fail(f, "profile", "edit the profile", "%s: %s", p->file, why);
	if (paths_r < 0 || !paths)
		finding_fail(f, "runtime dir",
			     "log in through systemd-logind (it sets XDG_RUNTIME_DIR=/run/user/$UID), "
			     "or export XDG_RUNTIME_DIR to a private 0700 directory of yours",
			     "%s",
			     paths_r == -ENAMETOOLONG
				     ? "the QMP socket path would exceed 107 bytes"
				     : "$XDG_RUNTIME_DIR (and $XDG_STATE_HOME or $HOME) must be absolute paths");
	if (p->sandbox == SANDBOX_OFF)
		finding_warn(f, "sandbox", "remove sandbox = off from [vm]",
			     "sandbox = off: QEMU runs without its own -sandbox filter "
			     "(for debugging only)");
}

char *control_path(const struct vm_paths *paths)
{
	char *r;

	if (asprintf(&r, "%s/ctl.sock", paths->runtime_dir) < 0)
		return NULL;
	return r;
}

int load_jsonc(const char *cmd)
{
	if (jsonc_load() == 0)
		return 0;
	log_error("%s: %s", cmd, jsonc_why());
	return EX_UNAVAILABLE;
}
