// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The network resource: [network] mode = none, user or tap (a tap device
 * the admin made for the user).
 *
 * mode = user is served by vfio-slirp (launcher/slirp/vfio-slirp.c, libslirp) in a box
 * of its own that keeps the host's network, connected to QEMU by a
 * socketpair: QEMU gets its end from the supervisor (`-netdev stream,
 * addr.type=fd`, QEMU 7.2 net/stream.c), so QEMU itself keeps an empty
 * network namespace and a seccomp filter that refuses every socket family
 * but AF_UNIX.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "findings.h"
#include "grants.h"
#include "profile.h"
#include "render.h"
#include "resource.h"

static int network_argv(const struct profile *p, const struct render_env *env,
			struct strv *sv)
{
	_cleanup_free_ char *model = NULL;

	if (p->net_mode == NET_NONE)
		return 0;
	model = qemu_escape(p->net_model ? p->net_model : "virtio-net-pci");
	if (!model)
		return -ENOMEM;
	TRY(strv_push(sv, "-netdev"));
	if (p->net_mode == NET_TAP) {
		_cleanup_free_ char *tap = NULL;
		if (!p->net_tap)
			return -EINVAL;
		tap = qemu_escape(p->net_tap);
		if (!tap)
			return -ENOMEM;
		/* script=no: QEMU must not run the root ifup script; the tap
		 * device exists already (created by the admin, owned by the
		 * user). */
		TRY(strv_pushf(sv, "tap,id=net0,ifname=%s,script=no,downscript=no", tap));
	} else {
		/* The socket the supervisor hands QEMU (vfio-slirp holds
		 * the other end). */
		TRY(strv_pushf(sv, "stream,id=net0,addr.type=fd,addr.str=%d",
			       render_helper_fd(env, "net0", RENDER_FD_NET)));
	}
	TRY(strv_push(sv, "-device"));
	if (p->net_mac) {
		_cleanup_free_ char *mac = qemu_escape(p->net_mac);
		if (!mac)
			return -ENOMEM;
		return strv_pushf(sv, "%s,netdev=net0,mac=%s", model, mac);
	}
	return strv_pushf(sv, "%s,netdev=net0", model);
}

/* mode = tap: QEMU opens /dev/net/tun and attaches to the tap device
 * by name (TUNSETIFF), a system path the box opens. */
static int network_grants(const struct profile *p, const struct check_ctx *ctx,
			  const struct vm_paths *paths, const struct grants *checked,
			  struct grants *ret)
{
	(void)ctx;
	(void)paths;
	TRY(resource_grants_copy(ret, checked));
	if (p->net_mode == NET_TAP)
		TRY(grants_add_system(ret, "/dev/net/tun", GRANT_RW, true, false));
	return 0;
}

/* vfio-slirp beside this launcher (build/, where the tests run both), else
 * PREFIX/libexec/vfio-launch/vfio-slirp for a launcher in PREFIX/bin
 * (make install, the package). malloc'd, NULL on -ENOMEM or no
 * /proc/self/exe. */
static char *slirp_path(void)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *ret;

	if (n <= 0)
		return NULL;
	self[n] = '\0';
	if (asprintf(&ret, "%s/vfio-slirp", dirname(self)) < 0)
		return NULL;
	if (access(ret, F_OK) == 0)
		return ret;
	free(ret);
	if (asprintf(&ret, "%s/../libexec/vfio-launch/vfio-slirp", self) < 0)
		return NULL;
	return ret;
}

/* 0 when proto's port on addr can be bound now, else -errno (-EADDRINUSE:
 * taken). vfio-slirp binds it the same way (libslirp tcp_listen/
 * udp_listen: SO_REUSEADDR, then bind). */
static int port_free(const struct net_forward *fw)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)fw->host_port) };
	_cleanup_close_ int s = socket(AF_INET, (fw->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	int one = 1;

	if (s < 0)
		return -errno;
	if (inet_pton(AF_INET, fw->addr, &a.sin_addr) != 1)
		return -EINVAL;
	(void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -errno;
	return 0;
}

static void network_check(const struct profile *p, struct check_ctx *ctx, struct findings *f)
{
	_cleanup_free_ char *slirp = NULL;

	(void)ctx;
	if (p->net_mode != NET_USER)
		return;
	slirp = slirp_path();
	if (!slirp || access(slirp, X_OK) < 0)
		finding_fail(f, "network", "install vfio-slirp beside vfio-launch (make install does)",
			     "mode = user needs %s (user-mode networking outside QEMU): %s",
			     slirp ? slirp : "vfio-slirp", strerror(slirp ? errno : ENOMEM));
	else
		finding_pass(f, "network", "mode = user: %s in its own box holds the host network; "
			     "QEMU has none", slirp);
	for (size_t i = 0; i < p->n_net_fwd; i++) {
		const struct net_forward *fw = &p->net_fwd[i];
		int r = port_free(fw);
		if (r < 0)
			finding_fail(f, "network", "pick another host port, or stop what uses it "
				     "(ss -ltnup shows it)",
				     "forward (line %u): %s port %s:%u cannot be bound: %s", fw->line,
				     fw->udp ? "udp" : "tcp", fw->addr, fw->host_port,
				     r == -EADDRINUSE ? "already in use" : strerror(-r));
		else
			finding_pass(f, "network", "forward %s:%s:%u -> guest port %u (port free now)",
				     fw->udp ? "udp" : "tcp", fw->addr, fw->host_port, fw->guest_port);
	}
}

/* mode = user: vfio-slirp with its forwards, in the box
 * sandbox_policy_build_slirp makes, serving QEMU's netdev net0. */
static int network_helpers(const struct profile *p, const struct check_ctx *ctx,
			   struct helper_list *list)
{
	_cleanup_free_ char *slirp = NULL;
	struct helper *h;

	(void)ctx;
	if (p->net_mode != NET_USER)
		return 0;
	slirp = slirp_path();
	if (!slirp)
		return -ENOMEM;
	TRY(helper_list_add(list, "net0", "vfio-slirp", &h));
	TRY(strv_push(&h->argv, slirp));
	for (size_t i = 0; i < p->n_net_fwd; i++)
		TRY(strv_pushf(&h->argv, "--forward=%s:%s:%u:%u", p->net_fwd[i].udp ? "udp" : "tcp",
			       p->net_fwd[i].addr, p->net_fwd[i].host_port, p->net_fwd[i].guest_port));
	TRY(strv_push2(&h->argv, "--fd", "{fd}"));
	return sandbox_policy_build_slirp(p, slirp, &h->policy);
}

const struct resource resource_network = {
	.name = "network",
	.check = network_check,
	.helpers = network_helpers,
	.grants = network_grants,
	.argv = network_argv,
};
