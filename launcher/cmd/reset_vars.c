// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reset-vars: the VM's OVMF VARS copy is moved aside (kept, with the date
 * in its name) so that the next run copies the profile's template again
 * (vars.h). Refused while the VM runs (its QEMU holds the lock).
 *
 * Exit codes: 0 done; 69 the VM runs, or there is no copy; 64 usage;
 * 66/77/78 as for run's profile errors; 73 the copy cannot be moved.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sysexits.h>
#include <unistd.h>

#include "cleanup.h"
#include "commands.h"
#include "common.h"
#include "paths.h"
#include "profile.h"
#include "vars.h"

int cmd_reset_vars(int argc, char **argv)
{
	_cleanup_profile_ struct profile *p = NULL;
	_cleanup_free_ char *kept = NULL;
	_cleanup_close_ int lock = -1;
	struct vm_paths paths = { 0 };
	int r, ret;

	if (argc != 2 || argv[1][0] == '-') {
		fputs("Usage: vfio-launch reset-vars PROFILE\n\n"
		      "Keep the VM's UEFI variables file (OVMF_VARS.fd) under a dated name\n"
		      "and let the next run copy the profile's ovmf-vars template again.\n",
		      argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
		return argc == 2 && strcmp(argv[1], "--help") == 0 ? EX_OK : EX_USAGE;
	}
	ret = load_profile(argv[1], &p);
	if (ret)
		return ret;
	ret = init_paths(p, &paths);
	if (ret)
		return ret;
	if (p->firmware != FIRMWARE_UEFI || !paths.ovmf_vars) {
		log_error("%s: firmware = uefi is not set; there are no UEFI variables", p->file);
		ret = EX_CONFIG;
		goto out;
	}
	/* The run's lock (prepare.h): held by QEMU while the VM runs. */
	lock = open(paths.lock_file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (lock >= 0 && flock(lock, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
		log_error("VM %s is running; stop it first (vfio-launch stop %s)", p->name,
			  argv[1]);
		ret = EX_UNAVAILABLE;
		goto out;
	}
	r = vars_reset(paths.ovmf_vars, &kept);
	if (r == -ENOENT) {
		log_error("%s does not exist: the next run makes it from %s", paths.ovmf_vars,
			  p->ovmf_vars);
		ret = EX_UNAVAILABLE;
		goto out;
	}
	if (r < 0) {
		log_error("cannot move %s aside: %s", paths.ovmf_vars, strerror(-r));
		ret = EX_CANTCREAT;
		goto out;
	}
	printf("kept the old variables as %s; the next run copies %s\n", kept, p->ovmf_vars);
	ret = EX_OK;
out:
	vm_paths_clear(&paths);
	return ret;
}
