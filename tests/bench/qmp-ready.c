// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qmp-ready: runs a command that starts QEMU and measures the time until
 * QEMU's QMP socket answers, i.e. until the QMP greeting line
 * ({"QMP": {...}}, sent by QEMU on every new connection; QEMU's
 * docs/interop/qmp-spec) has been read from it. Then stops the command
 * (SIGTERM, SIGKILL after 5 s) and reaps it.
 *
 *   qmp-ready SOCKET TIMEOUT_MS COMMAND [ARG...]
 *
 * Prints the time in milliseconds (three decimals) on stdout; exit 0, or
 * 1 with a message when the command exits first or TIMEOUT_MS passes.
 * The clock (CLOCK_MONOTONIC) starts just before fork, so the figure
 * includes everything the command does before QEMU listens: for
 * `vfio-launch run` that is parse, probe, check, prepare, confine and exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Returns 1 when the greeting was read, 0 when nobody listens yet, -1 on
 * an unexpected answer. */
static int try_greeting(const struct sockaddr_un *addr, int timeout_ms)
{
	char buf[4096];
	size_t len = 0;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int r = 0;

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) < 0)
		goto out; /* ENOENT or ECONNREFUSED: not listening yet */
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, timeout_ms) <= 0) {
			r = -1;
			break;
		}
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0) {
			r = -1;
			break;
		}
		len += (size_t)n;
		buf[len] = '\0';
		if (strchr(buf, '\n')) {
			r = strstr(buf, "\"QMP\"") ? 1 : -1;
			break;
		}
		if (len == sizeof(buf) - 1) {
			r = -1;
			break;
		}
	}
out:
	close(fd);
	return r;
}

static void stop(pid_t pid)
{
	int status;

	kill(pid, SIGTERM);
	for (int i = 0; i < 500; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char *end;
	long timeout_ms;
	int64_t start, deadline;
	pid_t pid;

	if (argc < 4) {
		fprintf(stderr, "usage: qmp-ready SOCKET TIMEOUT_MS COMMAND [ARG...]\n");
		return 64;
	}
	if (strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "qmp-ready: socket path too long: %s\n", argv[1]);
		return 64;
	}
	strcpy(addr.sun_path, argv[1]);
	errno = 0;
	timeout_ms = strtol(argv[2], &end, 10);
	if (errno || *end || end == argv[2] || timeout_ms <= 0 || timeout_ms > 3600000) {
		fprintf(stderr, "qmp-ready: bad TIMEOUT_MS '%s' (1..3600000)\n", argv[2]);
		return 64;
	}
	/* A socket left by an earlier run would refuse connections until
	 * QEMU replaces it; remove it so every run starts alike. */
	unlink(addr.sun_path);

	start = now_ns();
	deadline = start + (int64_t)timeout_ms * 1000000;
	pid = fork();
	if (pid < 0) {
		perror("qmp-ready: fork");
		return 1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
		}
		execvp(argv[3], argv + 3);
		fprintf(stderr, "qmp-ready: %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	for (;;) {
		int status;
		int r = try_greeting(&addr, 1000);

		if (r == 1) {
			int64_t t = now_ns() - start;
			printf("%" PRId64 ".%03" PRId64 "\n", t / 1000000, (t / 1000) % 1000);
			stop(pid);
			return 0;
		}
		if (r < 0) {
			fprintf(stderr, "qmp-ready: %s answered without a QMP greeting\n", addr.sun_path);
			stop(pid);
			return 1;
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr, "qmp-ready: %s exited (status %d) before QMP answered\n",
				argv[3], WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
			return 1;
		}
		if (now_ns() > deadline) {
			fprintf(stderr, "qmp-ready: no QMP answer on %s within %ld ms\n", addr.sun_path, timeout_ms);
			stop(pid);
			return 1;
		}
		usleep(500); /* 0.5 ms polling: the resolution of the figure */
	}
}
