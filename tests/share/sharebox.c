// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * share-box: starts PROGRAM in the box a [share]'s virtiofsd gets, built
 * by the same code (sandbox_policy_build_share + box_spawn from
 * liblauncher.a) from DIR opened as the share's check opens it, waits
 * for it and exits with its status (128+N for signal N). For
 * tests/share/test-share.sh: a probe in virtiofsd's place.
 *
 *   share-box [--ro] DIR PROGRAM [ARG]...
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "box.h"
#include "profile.h"
#include "sandbox_share.h"

int main(int argc, char **argv)
{
	struct profile p = { .sandbox = SANDBOX_ON };
	struct sandbox_policy pol;
	struct sandbox_result res;
	struct box_child child;
	struct box_spec spec = { .stdio = { -1, STDOUT_FILENO, STDERR_FILENO } };
	siginfo_t si = { 0 };
	bool ro = false;
	int i = 1, fd, r;

	if (argc > 1 && strcmp(argv[1], "--ro") == 0) {
		ro = true;
		i++;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: share-box [--ro] DIR PROGRAM [ARG]...\n");
		return 64;
	}
	fd = open(argv[i], O_PATH | O_CLOEXEC | O_NOFOLLOW | O_DIRECTORY);
	if (fd < 0) {
		perror(argv[i]);
		return 66;
	}
	r = sandbox_policy_build_share(&p, argv[i + 1], fd, ro, &pol);
	if (r < 0) {
		fprintf(stderr, "share-box: policy: %s\n", strerror(-r));
		return 70;
	}
	spec.policy = &pol;
	r = box_spawn(&spec, argv + i + 1, &child, &res);
	if (r < 0) {
		fprintf(stderr, "share-box: %s%s%s: %s\n", res.failed_step ? res.failed_step : "spawn",
			res.failed_path ? " " : "", res.failed_path ? res.failed_path : "",
			strerror(-r));
		return 71;
	}
	if (waitid(P_PIDFD, (id_t)child.pidfd, &si, WEXITED) < 0) {
		perror("waitid");
		return 71;
	}
	return si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
}
