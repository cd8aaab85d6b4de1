// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The network resource: [network] mode = none, user, tap (a tap device
 * the admin made for the user) or bridge (the user's tap on a bridge, made
 * by `vfio-privhelper tap USER BRIDGE`).
 *
 * mode = user is served by vfio-slirp (launcher/slirp/vfio-slirp.c, libslirp) in a box
 * of its own that keeps the host's network, connected to QEMU by a
 * socketpair: QEMU gets its end from the supervisor (`-netdev stream,
 * addr.type=fd`, QEMU 7.2 net/stream.c), so QEMU itself keeps an empty
 * network namespace and a seccomp filter that refuses every socket family
 * but AF_UNIX.
 *
 * mode = bridge and mode = tap: the launcher opens the tap itself, outside
 * QEMU's box (net_tap.h), and the supervisor hands QEMU the descriptor
 * (`-netdev tap,fd=N`, QEMU 7.2 net/tap.c net_init_tap): QEMU's box keeps
 * an empty network namespace and never sees /dev/net/tun.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "findings.h"
#include "grants.h"
#include "net_tap.h"
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
	if (p->net_mode == NET_TAP || p->net_mode == NET_BRIDGE) {
		/* The tap the launcher opened. With fd= QEMU runs no
		 * script and opens nothing (ifname=, script= are refused
		 * with it); vhost=off: the box has no /dev/vhost-net. */
		TRY(strv_pushf(sv, "tap,id=net0,fd=%d,vhost=off",
			       env->tap_fd > 0 ? env->tap_fd : RENDER_FD_TAP));
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

/* The fix for a missing or unusable tap of mode = bridge: the helper's
 * command, with the user's name. */
static void tap_fix(const struct profile *p, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(getuid());

	if (p->net_mode == NET_BRIDGE)
		snprintf(buf, len, "run as root: vfio-privhelper tap %s %s (the administrator "
			 "allowlists you for %s in /etc/vfio-launch/privhelper.conf first)",
			 pw ? pw->pw_name : "$(id -un)", p->net_bridge, p->net_bridge);
	else
		snprintf(buf, len, "ask the administrator for a tap of yours: ip tuntap add dev %s "
			 "mode tap user %s vnet_hdr", p->net_tap, pw ? pw->pw_name : "$(id -un)");
}

/* mode = bridge or tap: the tap exists, is a tap, and this user may open
 * it; ctx->net_tap names it for run. The name, or NULL after a FAIL. */
static const char *find_tap(const struct profile *p, struct check_ctx *ctx, struct findings *f,
			    const char *fix)
{
	struct net_tap_info t;
	int r;

	if (p->net_mode == NET_TAP)
		return p->net_tap;
	r = net_tap_read(ctx->sysfs, p->net_bridge, &t);
	if (r < 0 || !t.exists || !t.bridge) {
		finding_fail(f, "network", "ask the administrator for the bridge, and for a tap of "
			     "yours on it", "bridge %s %s", p->net_bridge, r < 0 ? strerror(-r)
			     : !t.exists ? "does not exist" : "is not a bridge");
		return NULL;
	}
	r = net_tap_find(ctx->sysfs, p->net_bridge, getuid(), ctx->net_tap);
	if (r < 0) {
		finding_fail(f, "network", fix, "mode = bridge: no tap of yours on bridge %s%s%s",
			     p->net_bridge, r == -ENOENT ? "" : ": ", r == -ENOENT ? "" : strerror(-r));
		return NULL;
	}
	return ctx->net_tap;
}

static void check_tap(const struct profile *p, struct check_ctx *ctx, struct findings *f)
{
	_cleanup_free_ char *tun = NULL;
	const char *name;
	char fix[512];
	struct net_tap_info t;
	int r;

	tap_fix(p, fix, sizeof(fix));
	if (asprintf(&tun, "%s/net/tun", ctx->devfs) < 0 || access(tun, R_OK | W_OK) < 0)
		finding_fail(f, "network", "load the tun module (modprobe tun, as root)",
			     "%s cannot be opened: %s", tun ? tun : "/dev/net/tun", strerror(errno));
	name = find_tap(p, ctx, f, fix);
	if (!name)
		return;
	r = net_tap_read(ctx->sysfs, name, &t);
	if (r < 0 || !t.exists || !t.tap)
		finding_fail(f, "network", fix, "tap %s %s", name, r < 0 ? strerror(-r)
			     : !t.exists ? "does not exist" : "is not a tap");
	else if (!net_tap_usable(&t))
		finding_fail(f, "network", fix, "tap %s is not yours (owner uid %lld, group %lld): "
			     "you cannot open it", name, t.owner, t.group);
	else if (!t.up)
		finding_warn(f, "network", p->net_mode == NET_BRIDGE ? fix : "ip link set TAP up (as root)",
			     "tap %s is down: the guest will have no link", name);
	else
		finding_pass(f, "network", "mode = %s: tap %s%s%s is yours; the launcher opens it and "
			     "hands QEMU the descriptor (QEMU's box: no network, no /dev/net/tun)",
			     p->net_mode == NET_BRIDGE ? "bridge" : "tap", name,
			     t.master[0] ? " on " : "", t.master);
	if (r < 0 || !t.exists || !t.tap || !net_tap_usable(&t))
		ctx->net_tap[0] = '\0';
	else if (name != ctx->net_tap) /* mode = tap */
		snprintf(ctx->net_tap, sizeof(ctx->net_tap), "%s", name);
}

static void network_check(const struct profile *p, struct check_ctx *ctx, struct findings *f)
{
	_cleanup_free_ char *slirp = NULL;

	if (p->net_mode == NET_TAP || p->net_mode == NET_BRIDGE) {
		check_tap(p, ctx, f);
		return;
	}
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
	.argv = network_argv,
};
