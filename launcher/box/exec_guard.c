// SPDX-License-Identifier: GPL-2.0-or-later
/* See exec_guard.h. */
#include <errno.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec_guard.h"

int exec_guard_start(void (*undo)(void *arg), void *arg, int *ret_fd)
{
	int sv[2], status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;
		close(sv[0]);
		close(sv[1]);
		return r;
	}
	if (pid == 0) {
		char c;
		/* Fork again and let the middle process exit: the watcher is
		 * reparented (to init or a subreaper), not left as a child of
		 * the launcher-turned-QEMU. */
		pid = fork();
		if (pid != 0)
			_exit(pid < 0);
		close(sv[0]);
		/* EOF: the launcher exec'd QEMU (or died): nothing to do. */
		if (read(sv[1], &c, 1) == 1 && c == 'U') {
			undo(arg);
			(void)!write(sv[1], "D", 1);
		}
		_exit(0);
	}
	close(sv[1]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		close(sv[0]);
		return -ECHILD;
	}
	*ret_fd = sv[0];
	return 0;
}

int exec_guard_undo(int fd)
{
	char c = 0;
	int r = 0;

	if (write(fd, "U", 1) != 1 || read(fd, &c, 1) != 1 || c != 'D')
		r = -EPIPE;
	close(fd);
	return r;
}

void exec_guard_dismiss(int fd)
{
	close(fd);
}
