/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading a shared library where it is used (dlopen(3)) instead of
 * linking it: every library linked into vfio-launch is mapped and
 * relocated before main() by every command, 0.06-0.12 ms each on the
 * path from `vfio-launch run` to QEMU's exec (issue 15). udev_dl.h and
 * json_dl.h hold one table each (shared by several files); libpulse
 * (resources/audio.c), libpci (resources/pci_names.c) and libsystemd
 * (supervisor/notify.c) keep theirs in the one file that uses them.
 */
#pragma once

#include <stddef.h>

/* One function to resolve: its name in the library and where its
 * pointer goes (the POSIX idiom of dlsym(3): *(void **)&fn = dlsym()). */
struct dl_sym {
	const char *name;
	void **ptr;
};

/*
 * Opens soname (RTLD_NOW | RTLD_LOCAL) and fills every syms[i].ptr; the
 * handle stays open for the process's life. Returns 0, or -ELIBACC with
 * why (why_len bytes) saying what is missing and which Debian package
 * brings it ("libudev.so.1 (package libudev1) cannot be loaded: ..."),
 * for the command layer's message. Not thread-safe: the launcher loads
 * from its one thread.
 */
int dl_load(const char *soname, const struct dl_sym *syms, size_t n_syms, char *why,
	    size_t why_len);

/* A library's table, loaded once by dl_lib_load. */
struct dl_lib {
	const char *soname;
	const struct dl_sym *syms;
	size_t n_syms;
	int state;     /* 0 not tried yet, 1 loaded, -ELIBACC */
	char why[256]; /* dl_load's reason when state < 0 */
};

/* dl_load of lib's table at the first call; the same answer after.
 * Returns 0 or -ELIBACC (lib->why says why). */
int dl_lib_load(struct dl_lib *lib);

/*
 * The Debian package of a library by soname, by the policy's naming rule
 * (Debian Policy 8.1: libfoo.so.N is in libfooN, libfoo2.so.N in
 * libfoo2-N): "libjson-c.so.5" -> "libjson-c5". buf gets "" for a name
 * without ".so.". Returns buf.
 */
const char *dl_package(const char *soname, char *buf, size_t len);
