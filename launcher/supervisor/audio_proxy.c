// SPDX-License-Identifier: GPL-2.0-or-later
/* The supervisor's audio proxy; see audio_proxy.h. */
#include "unix_listen.h"
#include "audio_proxy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "pulse_hub.h"
#include "pulse_proto.h"
#include "supervisor.h"

/* A line on stderr, in the supervisor's own format. */
static void __attribute__((format(printf, 2, 3))) audio_say(const struct supervisor *sv,
							    const char *fmt, ...)
{
	char when[16];
	time_t t = time(NULL);
	struct tm tm;
	va_list ap;

	strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&t, &tm));
	fprintf(stderr, "vfio-launch: %s %s: audio: ", when, sv->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* A refused command is what a QEMU taken over by the guest would send
 * (QEMU's own libpulse use stays within the allowed set): worth a line. */
static void on_denied(void *userdata, unsigned conn, uint32_t command, uint32_t tag)
{
	const struct supervisor *sv = userdata;
	const char *name = pulse_command_name(command);

	(void)tag;
	audio_say(sv, "connection %u: refused %s (command %u) from QEMU", conn,
		  name ? name : "an unknown command", command);
}

static void on_event(void *userdata, unsigned conn, bool opened, int result)
{
	const struct supervisor *sv = userdata;

	/* Opened, and ended cleanly: QEMU's normal life, no line. */
	if (opened || result >= 0)
		return;
	if (result == -EBADMSG)
		audio_say(sv, "connection %u: QEMU broke the protocol; closed", conn);
	else if (result == -EMFILE)
		audio_say(sv, "refused a connection: %d already open", PULSE_HUB_MAX_CONN);
	else
		audio_say(sv, "connection %u ended: %s (sound server %s)", conn,
			  strerror(-result), sv->audio_server);
}

static int listen_audio_socket(struct supervisor *sv)
{
	return unix_listen(sv->audio_socket, SOCK_NONBLOCK, 8, &sv->made_audio_socket);
}

int supervisor_audio_open(struct supervisor *sv)
{
	const struct pulse_hub_ops ops = {
		.denied = on_denied,
		.event = on_event,
		.userdata = sv,
	};
	int fd;

	if (!sv->audio_server || !sv->audio_socket)
		return 0;
	fd = listen_audio_socket(sv);
	if (fd < 0)
		return fd;
	/* The hub owns fd from here, also on failure. */
	return pulse_hub_new(fd, sv->audio_server, &ops, &sv->audio);
}

static void drop(struct supervisor *sv, const char *why, int err)
{
	audio_say(sv, "%s: %s; the VM runs on without sound", why, strerror(err));
	epoll_ctl(sv->epoll_fd, EPOLL_CTL_DEL, pulse_hub_fd(sv->audio), NULL);
	pulse_hub_free(sv->audio);
	sv->audio = NULL;
}

void supervisor_audio_watch(struct supervisor *sv)
{
	struct epoll_event ev = { .events = EPOLLIN };

	if (!sv->audio)
		return;
	ev.data.fd = pulse_hub_fd(sv->audio);
	if (epoll_ctl(sv->epoll_fd, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0)
		drop(sv, "cannot watch the proxy", errno);
}

bool supervisor_audio_handle(struct supervisor *sv, int fd)
{
	int r;

	if (!sv->audio || fd != pulse_hub_fd(sv->audio))
		return false;
	r = pulse_hub_dispatch(sv->audio);
	if (r < 0)
		drop(sv, "the proxy failed", -r);
	return true;
}

void supervisor_audio_close(struct supervisor *sv)
{
	if (sv->audio)
		pulse_hub_free(sv->audio);
	sv->audio = NULL;
	if (sv->made_audio_socket)
		unlink(sv->audio_socket);
	sv->made_audio_socket = false;
}
