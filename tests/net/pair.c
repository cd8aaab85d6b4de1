// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pair CMD1 ARG... -- CMD2 ARG...: runs both commands connected by an
 * AF_UNIX stream socketpair, the way the launcher hands vfio-slirp and
 * QEMU their ends. In each command's arguments the first "{fd}" in an
 * argument becomes the number of its end. Waits for both; exits with CMD1's status when it is not 0,
 * else CMD2's (a signal: 128 + its number).
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t start(char **argv, int keep, int other)
{
	char num[16];
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	close(other);
	snprintf(num, sizeof(num), "%d", keep);
	for (char **a = argv; *a; a++) {
		char *at = strstr(*a, "{fd}");
		if (at && asprintf(a, "%.*s%s%s", (int)(at - *a), *a, num, at + 4) < 0)
			_exit(127);
	}
	execvp(argv[0], argv);
	perror(argv[0]);
	_exit(127);
}

static int status_of(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) < 0)
		return 127;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	int sv[2], i, r1, r2;
	pid_t p1, p2;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		;
	if (i == 1 || i >= argc - 1) {
		fprintf(stderr, "usage: pair CMD1 ARG... -- CMD2 ARG...\n");
		return 64;
	}
	argv[i] = NULL;
	/* Not CLOEXEC: each end must survive its command's exec. */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("socketpair");
		return 71;
	}
	p1 = start(argv + 1, sv[0], sv[1]);
	p2 = start(argv + i + 1, sv[1], sv[0]);
	close(sv[0]);
	close(sv[1]);
	if (p1 < 0 || p2 < 0)
		return 71;
	r2 = status_of(p2);
	r1 = status_of(p1);
	return r1 ? r1 : r2;
}
