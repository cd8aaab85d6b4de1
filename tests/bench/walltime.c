// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * walltime: runs a command with stdout on /dev/null and prints how long it
 * took, fork to reap, in milliseconds (three decimals, CLOCK_MONOTONIC).
 *
 *   walltime COMMAND [ARG...]
 *
 * Exit 0, or 1 with a message when the command cannot run or fails.
 * For tests/bench/iommu.sh (paired rounds against a baseline command).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int64_t t0;
	pid_t pid;
	int st;

	if (argc < 2) {
		fputs("usage: walltime COMMAND [ARG...]\n", stderr);
		return 2;
	}
	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "walltime: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "walltime: waitpid: %s\n", strerror(errno));
			return 1;
		}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "walltime: %s failed (status 0x%x)\n", argv[1], st);
		return 1;
	}
	printf("%.3f\n", (double)(now_ns() - t0) / 1e6);
	return 0;
}
