// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sandbox-nolandlock ENOSYS|EOPNOTSUPP PROGRAM [ARG]...: runs PROGRAM as
 * on a kernel without Landlock (no_landlock.h), for
 * tests/sandbox/test-no-landlock.sh.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "no_landlock.h"

int main(int argc, char **argv)
{
	int err, r;

	if (argc < 3 || (strcmp(argv[1], "ENOSYS") && strcmp(argv[1], "EOPNOTSUPP"))) {
		fputs("usage: sandbox-nolandlock ENOSYS|EOPNOTSUPP PROGRAM [ARG]...\n", stderr);
		return 64; /* EX_USAGE */
	}
	err = strcmp(argv[1], "ENOSYS") == 0 ? ENOSYS : EOPNOTSUPP;
	r = fake_no_landlock(err);
	if (r < 0) {
		fprintf(stderr, "sandbox-nolandlock: %s\n", strerror(-r));
		return 71; /* EX_OSERR */
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "sandbox-nolandlock: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
