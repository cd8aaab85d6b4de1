// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-slirp: user-mode networking for one VM, outside QEMU.
 *
 *   vfio-slirp --fd N [--forward PROTO:ADDR:HOSTPORT:GUESTPORT]...
 *
 * N is a connected AF_UNIX stream socket whose other end QEMU holds as
 * `-netdev stream,addr.type=fd,addr.str=M` (QEMU 7.2 net/stream.c). On it
 * every Ethernet frame travels as a 4-byte big-endian length and the
 * frame (QEMU 7.2 net/stream.c net_stream_receive/net_stream_send, the
 * framing of the older -netdev socket). The frames go through libslirp
 * (the same library QEMU's `-netdev user` is built on, Debian libslirp
 * 4.7): the guest gets 10.0.2.15 by DHCP, DNS at 10.0.2.3, IPv6
 * fec0::/64, and the host's 127.0.0.1 as 10.0.2.2. Each --forward maps a
 * host port (tcp or udp, bound on ADDR) to the guest's port.
 *
 * Why not passt: Debian 12's passt (0.0~git20230309.7c7625d) answered DHCP
 * here and relayed the guest's outbound TCP, but its forwarded ports
 * accepted connections that then timed out or were reset (tried over
 * --fd with QEMU 7.2 -netdev stream).
 *
 * So QEMU needs no socket but AF_UNIX: this program holds the host
 * network. It exits when QEMU closes its end (EOF), status 0; 64 for a bad
 * command line; 71 when libslirp or a forward fails.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <slirp/libslirp.h>

/* A frame is at most QEMU's NET_BUFSIZE (4096 + 65536, net/net.h). */
#define FRAME_MAX (4096 + 65536)

struct timer {
	struct timer *next;
	SlirpTimerCb cb;
	void *opaque;
	int64_t expire_ms; /* -1: not armed */
};

static int qemu_fd = -1;
static struct timer *timers;
static struct pollfd *pfds;
static size_t n_pfds, cap_pfds;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* libslirp -> guest: one frame, with QEMU's length prefix. A blocking
 * write: QEMU reads its end whenever the guest has receive buffers, and a
 * full socket pauses the whole stack rather than dropping frames. */
static ssize_t cb_send(const void *buf, size_t len, void *opaque)
{
	uint32_t be = htonl((uint32_t)len);
	(void)opaque;
	if (write_all(qemu_fd, &be, sizeof(be)) < 0 || write_all(qemu_fd, buf, len) < 0)
		return -1;
	return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	(void)opaque;
	fprintf(stderr, "vfio-slirp: guest error: %s\n", msg);
}

static int64_t cb_clock(void *opaque)
{
	(void)opaque;
	return now_ns();
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct timer *t = calloc(1, sizeof(*t));
	(void)opaque;
	if (!t)
		abort();
	t->cb = cb;
	t->opaque = cb_opaque;
	t->expire_ms = -1;
	t->next = timers;
	timers = t;
	return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
	(void)opaque;
	for (struct timer **pp = &timers; *pp; pp = &(*pp)->next)
		if (*pp == timer) {
			*pp = ((struct timer *)timer)->next;
			free(timer);
			return;
		}
}

/* expire_time: milliseconds on cb_clock's clock (libslirp.h). */
static void cb_timer_mod(void *timer, int64_t expire_time, void *opaque)
{
	(void)opaque;
	((struct timer *)timer)->expire_ms = expire_time;
}

/* The descriptors are polled through slirp_pollfds_fill each round. */
static void cb_register(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

static void cb_notify(void *opaque)
{
	(void)opaque;
}

static int cb_add_poll(int fd, int events, void *opaque)
{
	short ev = 0;
	(void)opaque;
	if (n_pfds == cap_pfds) {
		size_t cap = cap_pfds ? cap_pfds * 2 : 16;
		struct pollfd *n = reallocarray(pfds, cap, sizeof(*n));
		if (!n)
			abort();
		pfds = n;
		cap_pfds = cap;
	}
	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	pfds[n_pfds] = (struct pollfd){ .fd = fd, .events = ev };
	return (int)n_pfds++;
}

static int cb_get_revents(int idx, void *opaque)
{
	short r = pfds[idx].revents;
	int ev = 0;
	(void)opaque;
	if (r & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (r & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (r & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (r & POLLERR)
		ev |= SLIRP_POLL_ERR;
	if (r & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

static const SlirpCb callbacks = {
	.send_packet = cb_send,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock,
	.timer_new = cb_timer_new,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_register,
	.unregister_poll_fd = cb_register,
	.notify = cb_notify,
};

/* PROTO:ADDR:HOSTPORT:GUESTPORT, the launcher's normalized form. */
static int add_forward(Slirp *s, const char *spec)
{
	char proto[4], addr[64];
	unsigned hport, gport;
	struct in_addr host, guest = { .s_addr = htonl(0x0a00020f) }; /* 10.0.2.15 */
	int n = 0;

	if (sscanf(spec, "%3[a-z]:%63[0-9.]:%u:%u%n", proto, addr, &hport, &gport, &n) != 4 ||
	    spec[n] || (strcmp(proto, "tcp") && strcmp(proto, "udp")) ||
	    inet_pton(AF_INET, addr, &host) != 1 || !hport || hport > 65535 ||
	    !gport || gport > 65535) {
		fprintf(stderr, "vfio-slirp: bad forward '%s' (tcp|udp:ADDR:HOSTPORT:GUESTPORT)\n", spec);
		return EX_USAGE;
	}
	if (slirp_add_hostfwd(s, !strcmp(proto, "udp"), host, (int)hport, guest, (int)gport) < 0) {
		fprintf(stderr, "vfio-slirp: forward %s: cannot bind %s port %u: %s\n", spec, proto,
			hport, strerror(errno));
		return EX_OSERR;
	}
	return 0;
}

/* Reads what QEMU sent and hands every complete frame to libslirp.
 * Returns 1 at EOF, -1 on error, 0 otherwise. */
static int from_qemu(Slirp *s)
{
	static uint8_t buf[4 + FRAME_MAX];
	static size_t have;
	ssize_t n = read(qemu_fd, buf + have, sizeof(buf) - have);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (n == 0)
		return 1;
	have += (size_t)n;
	while (have >= 4) {
		uint32_t len = ntohl(*(uint32_t *)buf);
		if (len > FRAME_MAX)
			return -1;
		if (have < 4 + len)
			break;
		slirp_input(s, buf + 4, (int)len);
		memmove(buf, buf + 4 + len, have - 4 - len);
		have -= 4 + len;
	}
	return 0;
}

static void run_timers(void)
{
	int64_t now = now_ns() / 1000000;
	for (struct timer *t = timers, *next; t; t = next) {
		next = t->next; /* a callback may free or re-arm t */
		if (t->expire_ms >= 0 && t->expire_ms <= now) {
			t->expire_ms = -1;
			t->cb(t->opaque);
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fd", required_argument, NULL, 'f' },
		{ "forward", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	SlirpConfig cfg = {
		.version = 1,
		.in_enabled = true,
		.vnetwork = { .s_addr = htonl(0x0a000200) },    /* 10.0.2.0 */
		.vnetmask = { .s_addr = htonl(0xffffff00) },
		.vhost = { .s_addr = htonl(0x0a000202) },       /* 10.0.2.2 */
		.vdhcp_start = { .s_addr = htonl(0x0a00020f) }, /* 10.0.2.15 */
		.vnameserver = { .s_addr = htonl(0x0a000203) }, /* 10.0.2.3 */
		.in6_enabled = true,
		.vprefix_len = 64,
		.vhostname = "vfio-slirp",
	};
	char **fwd = calloc((size_t)argc, sizeof(*fwd));
	size_t n_fwd = 0;
	Slirp *s;
	int c;

	if (!fwd)
		return EX_OSERR;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f')
			qemu_fd = atoi(optarg);
		else if (c == 'F')
			fwd[n_fwd++] = optarg;
		else
			return EX_USAGE;
	}
	if (qemu_fd < 3 || optind != argc) {
		fprintf(stderr, "usage: vfio-slirp --fd N [--forward PROTO:ADDR:HOSTPORT:GUESTPORT]...\n");
		return EX_USAGE;
	}
	/* fec0::/64, QEMU's -netdev user defaults (net/slirp.c). */
	inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
	inet_pton(AF_INET6, "fec0::2", &cfg.vhost6);
	inet_pton(AF_INET6, "fec0::3", &cfg.vnameserver6);
	s = slirp_new(&cfg, &callbacks, NULL);
	if (!s) {
		fprintf(stderr, "vfio-slirp: libslirp could not start\n");
		return EX_OSERR;
	}
	for (size_t i = 0; i < n_fwd; i++) {
		int r = add_forward(s, fwd[i]);
		if (r)
			return r;
	}
	for (;;) {
		uint32_t timeout = 1000;
		int64_t now = now_ns() / 1000000;
		int r;

		n_pfds = 0;
		cb_add_poll(qemu_fd, SLIRP_POLL_IN, NULL);
		slirp_pollfds_fill(s, &timeout, cb_add_poll, NULL);
		for (struct timer *t = timers; t; t = t->next)
			if (t->expire_ms >= 0)
				timeout = t->expire_ms <= now ? 0
					: (uint32_t)(t->expire_ms - now) < timeout
					? (uint32_t)(t->expire_ms - now) : timeout;
		r = poll(pfds, n_pfds, (int)timeout);
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "vfio-slirp: poll: %s\n", strerror(errno));
			return EX_OSERR;
		}
		if (r > 0 && pfds[0].revents) {
			int q = from_qemu(s);
			if (q > 0)
				break;
			if (q < 0) {
				fprintf(stderr, "vfio-slirp: reading QEMU's socket: %s\n",
					errno ? strerror(errno) : "bad frame length");
				return EX_OSERR;
			}
		}
		slirp_pollfds_poll(s, r < 0, cb_get_revents, NULL);
		run_timers();
	}
	slirp_cleanup(s);
	return 0;
}
