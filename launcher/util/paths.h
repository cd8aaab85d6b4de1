/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a VM's files live (DESIGN.md, "Where things live"):
 *   profiles   $XDG_CONFIG_HOME/vfio-launch/NAME.conf (default ~/.config)
 *   state      $XDG_STATE_HOME/vfio-launch/NAME/      (default ~/.local/state)
 *   runtime    $XDG_RUNTIME_DIR/vfio-launch/NAME/     (mode 0700)
 * Computing them is pure string work over the environment; creating them
 * is prepare.c's job.
 */
#pragma once

#include <stdbool.h>

struct profile;

/* Longest VM name (profile.h: [A-Za-z0-9_.-]{1,64}). */
#define VM_NAME_MAX 64

/* true when name is 1-64 of [A-Za-z0-9_.-] and not "." or "..": safe as
 * one path component and as a QEMU option value (no ',' or '='). */
bool vm_name_valid(const char *name);

struct vm_paths {
	char *runtime_dir; /* $XDG_RUNTIME_DIR/vfio-launch/NAME */
	char *qmp_socket;  /* runtime_dir/qmp.sock */
	/* runtime_dir/audio.sock: the supervisor's PulseAudio proxy, the
	 * one audio socket QEMU's box shows (supervisor/audio_proxy.h). */
	char *audio_socket;
	char *lock_file;   /* runtime_dir/lock (flock held by QEMU) */
	char *state_dir;   /* $XDG_STATE_HOME/vfio-launch/NAME */
	char *ovmf_vars;   /* state_dir/OVMF_VARS.fd (uefi only, else NULL) */
};

/*
 * Fills *ret from the environment and the profile's name. Returns 0,
 * -ENOENT when $XDG_RUNTIME_DIR is unset or not absolute (no safe place
 * for the QMP socket) or neither $XDG_STATE_HOME nor $HOME is absolute,
 * -EINVAL when the name is not vm_name_valid(), -ENAMETOOLONG when the
 * QMP or audio socket path does not fit sun_path (108 bytes), -ENOMEM. Strings are owned by *ret: vm_paths_clear.
 */
int vm_paths_init(const struct profile *p, struct vm_paths *ret);
void vm_paths_clear(struct vm_paths *paths);

/*
 * Resolves PROFILE as given on the command line: a string containing '/'
 * or ending in ".conf" is a path; otherwise a name looked up as
 * $XDG_CONFIG_HOME/vfio-launch/NAME.conf (whether it exists is left
 * to the caller that opens it). Returns 0 with *ret_path malloc'd (caller
 * frees), -EINVAL for a name that is not vm_name_valid(), -ENOENT when
 * neither $XDG_CONFIG_HOME nor $HOME is absolute, or -ENOMEM.
 */
int profile_resolve_path(const char *arg, char **ret_path);

/* $XDG_CONFIG_HOME/vfio-launch, malloc'd; NULL when HOME is unset too. */
char *profile_dir(void);
