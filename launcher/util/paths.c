// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where a VM's files live: pure string work over the environment (the XDG
 * Base Directory Specification, version 0.8: $XDG_CONFIG_HOME defaults to
 * $HOME/.config, $XDG_STATE_HOME to $HOME/.local/state, and a relative
 * value in any of these variables is invalid and ignored).
 */
#include "paths.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "profile.h"

bool vm_name_valid(const char *name)
{
	size_t n = 0;

	if (!name || !*name)
		return false;
	/* "." and ".." would name the parent directories. */
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const char *c = name; *c; c++, n++) {
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '.' || *c == '-'))
			return false;
	}
	return n <= VM_NAME_MAX;
}

/* $VAR when set and absolute (XDG: relative values are ignored), else
 * $HOME/fallback; NULL when neither is usable. malloc'd. */
static char *xdg_dir(const char *var, const char *fallback)
{
	const char *v = getenv(var);
	const char *home;
	char *r;

	if (v && v[0] == '/')
		return strdup(v);
	home = getenv("HOME");
	if (!home || home[0] != '/')
		return NULL;
	if (asprintf(&r, "%s/%s", home, fallback) < 0)
		return NULL;
	return r;
}

char *profile_dir(void)
{
	_cleanup_free_ char *base = xdg_dir("XDG_CONFIG_HOME", ".config");
	char *r;

	if (!base)
		return NULL;
	if (asprintf(&r, "%s/vfio-launch", base) < 0)
		return NULL;
	return r;
}

int profile_resolve_path(const char *arg, char **ret_path)
{
	_cleanup_free_ char *dir = NULL;
	size_t len = strlen(arg);
	char *r;

	if (len == 0)
		return -EINVAL;
	if (strchr(arg, '/') || (len > 5 && strcmp(arg + len - 5, ".conf") == 0)) {
		r = strdup(arg);
		if (!r)
			return -ENOMEM;
		*ret_path = r;
		return 0;
	}
	if (!vm_name_valid(arg))
		return -EINVAL;
	dir = profile_dir();
	if (!dir)
		return -ENOENT;
	if (asprintf(&r, "%s/%s.conf", dir, arg) < 0)
		return -ENOMEM;
	*ret_path = r;
	return 0;
}

void vm_paths_clear(struct vm_paths *paths)
{
	free(paths->runtime_dir);
	free(paths->qmp_socket);
	free(paths->audio_socket);
	free(paths->lock_file);
	free(paths->state_dir);
	free(paths->ovmf_vars);
	*paths = (struct vm_paths){ 0 };
}

int vm_paths_init(const struct profile *p, struct vm_paths *ret)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	_cleanup_free_ char *state = NULL;
	struct vm_paths v = { 0 };

	if (!vm_name_valid(p->name))
		return -EINVAL;
	/* No fallback for the runtime dir: /tmp is shared with every user,
	 * and the QMP socket controls the VM. */
	if (!run || run[0] != '/')
		return -ENOENT;
	state = xdg_dir("XDG_STATE_HOME", ".local/state");
	if (!state)
		return -ENOENT;

	if (asprintf(&v.runtime_dir, "%s/vfio-launch/%s", run, p->name) < 0)
		v.runtime_dir = NULL;
	if (asprintf(&v.qmp_socket, "%s/qmp.sock", v.runtime_dir ? v.runtime_dir : "") < 0)
		v.qmp_socket = NULL;
	if (asprintf(&v.audio_socket, "%s/audio.sock", v.runtime_dir ? v.runtime_dir : "") < 0)
		v.audio_socket = NULL;
	if (asprintf(&v.lock_file, "%s/lock", v.runtime_dir ? v.runtime_dir : "") < 0)
		v.lock_file = NULL;
	if (asprintf(&v.state_dir, "%s/vfio-launch/%s", state, p->name) < 0)
		v.state_dir = NULL;
	if (p->firmware == FIRMWARE_UEFI &&
	    asprintf(&v.ovmf_vars, "%s/OVMF_VARS.fd", v.state_dir ? v.state_dir : "") < 0)
		v.ovmf_vars = NULL;
	if (!v.runtime_dir || !v.qmp_socket || !v.audio_socket || !v.lock_file || !v.state_dir ||
	    (p->firmware == FIRMWARE_UEFI && !v.ovmf_vars)) {
		vm_paths_clear(&v);
		return -ENOMEM;
	}
	/* sun_path holds 108 bytes including the NUL (unix(7)); a longer
	 * socket path cannot be bound at all. */
	if (strlen(v.qmp_socket) >= sizeof(((struct sockaddr_un *)0)->sun_path) ||
	    strlen(v.audio_socket) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		vm_paths_clear(&v);
		return -ENAMETOOLONG;
	}
	*ret = v;
	return 0;
}
