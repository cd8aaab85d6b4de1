/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A profile cannot widen the box in silence (DESIGN.md, trust boundary 4;
 * issue 9 part 5). A profile may come from someone else: before anything
 * starts, `check` and `run` list what in it reaches beyond the usual
 * places for disks and images, and `run` refuses it (exit 77) without the
 * user's consent: --trust-profile, or [vm] trusted = yes.
 *
 * Listed: every path the profile grants (disk, kernel, initrd, OVMF CODE
 * and VARS template, romfile, evdev, the Looking Glass file, the audio
 * server) that trust_path_unusual() calls unusual; [qemu] binary = (but
 * the default name); sandbox = off and reduced; each [qemu] extra option
 * (but the few flags that take no value and open nothing).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct findings;
struct profile;

/*
 * Why path is outside the usual places a profile's files live, or NULL
 * when it is usual. Unusual: a relative path or one with "." or ".."
 * components (it cannot be placed); under a dotfile or dot-directory of
 * home (~/.bashrc, ~/.ssh/id_ed25519, ~/.config/...); in runtime_dir
 * ($XDG_RUNTIME_DIR: the session bus, agents, other VMs' sockets), but
 * PulseAudio's own socket runtime_dir/pulse/native; under /etc, /proc or
 * /sys. home and runtime_dir may be NULL (then nothing is under them).
 * Pure; the string returned is static.
 */
const char *trust_path_unusual(const char *path, const char *home, const char *runtime_dir);

/* An absolute path with "." and ".." components and repeated slashes
 * resolved as written ("/h/vm/../.ssh/k" -> "/h/.ssh/k"; ".." at the
 * root stays at "/"); a relative path is copied. Pure; malloc'd, NULL on
 * -ENOMEM. */
char *trust_path_normalize(const char *path);

struct trust_item {
	char *what; /* "FILE:LINE: [disk system] path = /home/u/.bashrc" */
	char *why;  /* "under a dotfile or dot-directory of your home" */
};

struct trust_list {
	struct trust_item *v;
	size_t n, cap;
};

/*
 * Everything in p that widens the box beyond the usual (above), in
 * profile order, appended to ret. home and runtime_dir as for
 * trust_path_unusual. A path is classified as written (normalised) and,
 * when it exists, by its realpath(3) against the real home and runtime
 * dir: a directory link on the way cannot hide where it leads. Returns 0
 * or -ENOMEM.
 */
int trust_list_build(const struct profile *p, const char *home, const char *runtime_dir,
		     struct trust_list *ret);
void trust_list_clear(struct trust_list *l);

/* True when the user consents: the flag (--trust-profile) or [vm]
 * trusted = yes. */
bool trust_granted(const struct profile *p, bool flag);

/*
 * For the command layer: builds the list for p with $HOME and
 * $XDG_RUNTIME_DIR and adds one finding "trust" per item: FAIL "run
 * refuses ..." without consent, WARN with it, both with the fix. Returns
 * the number of items (0: nothing to consent to), or -ENOMEM.
 */
int trust_check(const struct profile *p, bool flag, struct findings *f);
