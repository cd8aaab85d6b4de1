/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The user's tap for [network] mode = bridge and mode = tap: found and
 * judged in sysfs (the tun driver's attributes tun_flags, owner and group,
 * drivers/net/tun.c; master and bridge/, Documentation/ABI/testing/
 * sysfs-class-net), then opened by the launcher, outside QEMU's box, and
 * handed to QEMU as a descriptor (`-netdev tap,fd=N`): QEMU's box needs no
 * /dev/net/tun and no network of the host.
 *
 * sysfs shows the network namespace of whoever mounted it: the tests mount
 * it again in a network namespace of their own.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#define NET_TAP_NAME_SIZE 16 /* IFNAMSIZ */

/* What sysfs says of one interface. */
struct net_tap_info {
	bool exists;
	bool bridge;      /* a bridge (it has a bridge/ directory) */
	bool tun;         /* a tun or tap device (it has tun_flags) */
	bool tap;         /* IFF_TAP in tun_flags */
	long long owner;  /* the uid that may attach to it, -1: any */
	long long group;  /* the gid that may attach to it, -1: any */
	bool up;          /* IFF_UP in flags */
	char master[NET_TAP_NAME_SIZE]; /* the bridge it is on, "" */
};

/*
 * Reads the interface name under sysfs ("/sys"; a fake tree in tests)
 * into *ret. An interface that does not exist is no error (ret->exists
 * false). Returns 0, -EINVAL for a name that is no interface name, or
 * -errno.
 */
int net_tap_read(const char *sysfs, const char *name, struct net_tap_info *ret);

/*
 * Whether the process may attach to the tap t: the tun driver's rule
 * (drivers/net/tun.c tun_not_capable, Linux 6.1): no owner or the
 * effective uid, and no group or one of the process's groups.
 */
bool net_tap_usable(const struct net_tap_info *t);

/*
 * The tap owned by uid whose master is bridge (vfio-privhelper tap makes
 * them), into ret; several: the first by name. Returns 0, -ENOENT (none),
 * or -errno.
 */
int net_tap_find(const char *sysfs, const char *bridge, uid_t uid,
		 char ret[NET_TAP_NAME_SIZE]);

/*
 * Opens the existing tap name as QEMU would (/dev/net/tun, TUNSETIFF with
 * IFF_TAP | IFF_NO_PI | IFF_VNET_HDR; Documentation/networking/tuntap.rst)
 * into *ret_fd (O_CLOEXEC; the caller owns it). Attaching never makes an
 * interface without CAP_NET_ADMIN. Returns 0, -EPERM (missing, or not
 * ours), -EBUSY (another program holds it), -EINVAL (a tun, not a tap),
 * or -errno.
 */
int net_tap_open(const char *name, int *ret_fd);
