// SPDX-License-Identifier: GPL-2.0-or-later
/* Readiness: systemd's notify protocol and `start`'s pipe; supervisor.h. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "dl.h"
#include "supervisor.h"

/*
 * libsystemd's sd_notify(3), loaded with dlopen only under a Type=notify
 * unit ($NOTIFY_SOCKET set): linked, libsystemd and the six libraries it
 * pulls in (gcrypt, gpg-error, lzma, zstd, lz4, cap) cost every command
 * ~0.4 ms of loading for this one datagram (issue 15). Returns what
 * sd_notify returns (> 0 sent), or -ENOENT when libsystemd.so.0 cannot be
 * loaded.
 */
static int (*sd_notify_fn)(int unset_environment, const char *state);
static const struct dl_sym sd_syms[] = { { "sd_notify", (void **)&sd_notify_fn } };
static struct dl_lib sd_lib = { .soname = "libsystemd.so.0", .syms = sd_syms, .n_syms = 1 };

static int libsystemd_notify(const char *state)
{
	/* Loaded once and kept: the supervisor notifies a few times. */
	if (dl_lib_load(&sd_lib) < 0)
		return -ENOENT;
	return sd_notify_fn(0, state);
}

/*
 * Without libsystemd (a system without libsystemd0): the protocol of
 * sd_notify(3) written out, $NOTIFY_SOCKET being e. What systemd 252 (Debian 12) does, src/libsystemd/
 * sd-daemon/sd-daemon.c, pid_notify_with_fds(): $NOTIFY_SOCKET is an
 * absolute path or, with a leading '@', an abstract name ('@' becomes the
 * NUL byte, the length counts exactly the name); the state is one
 * datagram (SOCK_DGRAM) with no descriptors, sent with MSG_NOSIGNAL; the
 * manager reads the sender's pid from SCM_CREDENTIALS, which it asks for
 * with SO_PASSCRED on its side. Any other form of address (vsock:,
 * systemd >= 253) is -EAFNOSUPPORT. Returns 1 sent, or -errno.
 */
static int datagram_notify(const char *e, const char *state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;
	size_t len;
	socklen_t salen;

	len = strlen(e);
	if (e[0] != '/' && e[0] != '@')
		return -EAFNOSUPPORT;
	if (len < 2 || len > sizeof(sa.sun_path) - (e[0] == '/'))
		return -EINVAL;
	memcpy(sa.sun_path, e, len);
	if (e[0] == '@')
		sa.sun_path[0] = '\0';
	/* A path's length includes its NUL; an abstract name's does not. */
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (e[0] == '/'));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen) < 0)
		return -errno;
	return 1;
}

int supervisor_notify(const char *state)
{
	const char *e = getenv("NOTIFY_SOCKET");
	int r;

	if (!e || !*e)
		return 0;
	if (e[0] != '/' && e[0] != '@')
		return -EAFNOSUPPORT; /* what systemd 252 knows (above) */
	r = libsystemd_notify(state);
	return r == -ENOENT ? datagram_notify(e, state) : r;
}

void supervisor_ready(struct supervisor *sv)
{
	char state[256];

	/* No $NOTIFY_SOCKET when run from a terminal or from `start`.
	 * Errors are not ours to act on: systemd then times the unit out. */
	snprintf(state, sizeof(state), "READY=1\nSTATUS=VM %s running, QEMU pid %d", sv->name,
		 (int)sv->pid);
	(void)supervisor_notify(state);
	if (sv->ready_fd >= 0) {
		/* start (cmd/start.c) waits for this byte; EOF without it
		 * means the supervisor ended before the VM ran. */
		(void)!write(sv->ready_fd, "R", 1);
		close(sv->ready_fd);
		sv->ready_fd = -1;
	}
}
