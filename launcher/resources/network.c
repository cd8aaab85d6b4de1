// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The network resource: [network] mode = none, user (QEMU's slirp) or tap
 * (a tap device the admin made for the user).
 */
#include <errno.h>
#include <stdlib.h>

#include "cleanup.h"
#include "grants.h"
#include "profile.h"
#include "render.h"
#include "resource.h"

static int network_argv(const struct profile *p, const struct render_env *env,
			struct strv *sv)
{
	_cleanup_free_ char *model = NULL;

	(void)env;

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
		TRY(strv_push(sv, "user,id=net0"));
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

const struct resource resource_network = {
	.name = "network",
	.grants = network_grants,
	.argv = network_argv,
};
