// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the profile parser: the input is a profile file.
 * Built and run by `make fuzz` (clang, -fsanitize=fuzzer,address,undefined),
 * seeded with the example profiles and the test fixtures.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile *p = NULL;
	struct profile_error err;
	FILE *f;

	/* "~/" in a path expands $HOME: make it defined and fixed. */
	setenv("HOME", "/home/fuzz", 1);
	/* fmemopen() refuses a zero-sized buffer in some glibc versions. */
	f = fmemopen(size ? (void *)data : (void *)"", size ? size : 1, "r");
	if (!f)
		return 0;
	if (profile_load_file(f, "/fuzz/vms/profile.conf", &p, &err) == 0) {
		/* The documented invariants of a successfully parsed profile.
		 */
		if (!p->name || !*p->name || !p->file || p->cpus == 0 ||
		    (p->sockets &&
		     p->cpus != p->sockets * p->cores * p->threads) ||
		    (p->lg_enabled && !p->lg_size && !p->lg_width) ||
		    (p->n_qemu_extra && p->qemu_extra[p->n_qemu_extra] != NULL))
			abort();
		/* Every path is stored absolute. */
		const char *paths[] = {
		    p->file,   p->ovmf_code, p->ovmf_vars,   p->kernel,
		    p->initrd, p->lg_path,   p->audio_server};
		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
			if (paths[i] && paths[i][0] != '/')
				abort();
		for (size_t i = 0; i < p->n_disks; i++)
			if (!p->disks[i].path || p->disks[i].path[0] != '/' ||
			    (p->disks[i].media == DISK_MEDIA_CDROM &&
			     !p->disks[i].readonly))
				abort();
		for (size_t i = 0; i < p->n_pci; i++)
			if (strlen(p->pci[i].bdf) != 12 ||
			    (p->pci[i].romfile && p->pci[i].romfile[0] != '/'))
				abort();
		for (size_t i = 0; i < p->n_evdev; i++)
			if (p->evdev[i].path[0] != '/')
				abort();
		profile_free(p);
	} else if (err.message[0] == '\0') {
		abort(); /* every error carries a message */
	}
	fclose(f);
	return 0;
}
