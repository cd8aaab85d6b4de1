// SPDX-License-Identifier: GPL-2.0-or-later
/* Persistent taps for vfio-launch's [network] mode = bridge. `tap USER
 * BRIDGE [NAME]` makes a tap owned by USER, so USER's launcher can open it
 * later without privileges, and attaches it to BRIDGE; `untap NAME` removes
 * one it made. The tun driver's ioctls make and own the tap (kernel
 * Documentation/networking/tuntap.rst, drivers/net/tun.c); rtnetlink reads
 * the interfaces and attaches the tap (rtnetlink(7), uapi linux/if_link.h):
 * a few lines of our own netlink, no shell, no ip(8). Every check of a
 * request is made before the first change, and the interface is judged
 * again by what the kernel says after the tap is opened. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <pwd.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "ph.h"

#define TUN_DEV "/dev/net/tun"
#define TAP_FLAGS (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR) /* what vfio-launch opens it with */
#define MAX_DEFAULT 10 /* vl-USER-0 .. vl-USER-9 */

/* Sends req to the kernel and reads its answer to it into buf: a message of
 * type want, or the NLMSG_ERROR that acknowledges or refuses. Messages from
 * anyone but the kernel (nl_pid 0) or for another request are skipped.
 * Returns the answer's length (type want), 0 (an ack of success), the
 * kernel's -errno, -EMSGSIZE (buf too small) or -EBADMSG. */
static int nl_talk(int fd, struct nlmsghdr *req, uint16_t want, void *buf, size_t size)
{
	static uint32_t seq;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK }, from;
	const struct nlmsghdr *h = buf;
	socklen_t flen;
	ssize_t n;

	req->nlmsg_seq = ++seq;
	if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	for (;;) {
		flen = sizeof(from);
		n = recvfrom(fd, buf, size, MSG_TRUNC, (struct sockaddr *)&from, &flen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if ((size_t)n > size)
			return -EMSGSIZE;
		if (flen != sizeof(from) || from.nl_pid != 0 || !NLMSG_OK(h, (size_t)n) ||
		    h->nlmsg_seq != req->nlmsg_seq)
			continue;
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)) || e->error > 0)
				return -EBADMSG;
			return e->error;
		}
		return h->nlmsg_type == want ? (int)h->nlmsg_len : -EBADMSG;
	}
}

/* Reads what ph_link keeps from one RTM_NEWLINK message (msg, len bytes:
 * the netlink header first) into *ret. Returns 0 or -EBADMSG. Pure. */
int ph_link_parse(const void *msg, size_t len, struct ph_link *ret)
{
	const struct nlmsghdr *h = msg;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	const struct rtattr *a, *data = NULL;
	int left, dleft;

	*ret = (struct ph_link){ .owner = -1 };
	if (len < NLMSG_LENGTH(sizeof(*ifi)) || h->nlmsg_len > len || h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)) ||
	    h->nlmsg_type != RTM_NEWLINK || ifi->ifi_index <= 0)
		return -EBADMSG;
	ret->index = ifi->ifi_index;
	left = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi)));
	for (a = IFLA_RTA(ifi); RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		if (a->rta_type == IFLA_MASTER && RTA_PAYLOAD(a) == sizeof(uint32_t))
			ret->master = (int)*(const uint32_t *)RTA_DATA(a);
		if (a->rta_type != IFLA_LINKINFO)
			continue;
		dleft = (int)RTA_PAYLOAD(a);
		for (const struct rtattr *b = RTA_DATA(a); RTA_OK(b, dleft); b = RTA_NEXT(b, dleft)) {
			size_t n = RTA_PAYLOAD(b);
			if (b->rta_type == IFLA_INFO_KIND && n > 0 && n <= sizeof(ret->kind)) {
				memcpy(ret->kind, RTA_DATA(b), n);
				ret->kind[n - 1] = '\0'; /* sent with its NUL */
			} else if (b->rta_type == IFLA_INFO_DATA)
				data = b;
		}
	}
	/* The tun driver's link info (tun_fill_info, Linux 4.15 and later):
	 * the type always, the owner only when one is set. */
	dleft = data ? (int)RTA_PAYLOAD(data) : 0;
	for (a = data ? RTA_DATA(data) : NULL; data && !strcmp(ret->kind, "tun") && RTA_OK(a, dleft);
	     a = RTA_NEXT(a, dleft)) {
		size_t n = RTA_PAYLOAD(a);
		if (a->rta_type == IFLA_TUN_TYPE && n == 1)
			ret->tun_type = *(const uint8_t *)RTA_DATA(a);
		else if (a->rta_type == IFLA_TUN_OWNER && n == 4)
			ret->owner = *(const uint32_t *)RTA_DATA(a);
		else if (a->rta_type == IFLA_TUN_PERSIST && n == 1)
			ret->persist = *(const uint8_t *)RTA_DATA(a) != 0;
	}
	return 0;
}

/* One rtnetlink link request with one attribute: RTM_GETLINK by name
 * (index 0, answered by RTM_NEWLINK), or RTM_NEWLINK on index that also
 * brings it up (answered by an ack). The answer goes to buf, as nl_talk. */
static int link_talk(int nl, uint16_t type, int index, unsigned short attr, const void *data, size_t len,
		     void *buf, size_t size)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
		char attrs[64]; /* IFLA_IFNAME (20 bytes) or IFLA_MASTER (8) */
	} req = {
		.h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)), .nlmsg_type = type,
		       .nlmsg_flags = NLM_F_REQUEST | (index ? NLM_F_ACK : 0) },
		.i = { .ifi_family = AF_UNSPEC, .ifi_index = index, .ifi_flags = index ? IFF_UP : 0,
		       .ifi_change = index ? IFF_UP : 0 },
	};
	struct rtattr *a = (struct rtattr *)((char *)&req.h + NLMSG_ALIGN(req.h.nlmsg_len));

	a->rta_type = attr;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	req.h.nlmsg_len = NLMSG_ALIGN(req.h.nlmsg_len) + RTA_ALIGN(a->rta_len);
	return nl_talk(nl, &req.h, index ? NLMSG_ERROR : RTM_NEWLINK, buf, size);
}

/* The interface called name, through RTM_GETLINK. ret->index 0: there is
 * none. Returns 0 or -errno with w set. */
static int link_get(int nl, const char *name, struct ph_link *ret, struct ph_why *w)
{
	char buf[32768]; /* a link's message is a few KiB (stats, link info) */
	int n = link_talk(nl, RTM_GETLINK, 0, IFLA_IFNAME, name, strlen(name) + 1, buf, sizeof(buf));

	*ret = (struct ph_link){ .owner = -1 };
	if (n >= 0)
		n = ph_link_parse(buf, (size_t)n, ret);
	if (n < 0 && n != -ENODEV)
		return ph_why_set(w, "cannot read interface %s: %s", name, strerror(-n)), n;
	return 0;
}

/* "vl-USER-N" (USER cut to 10 characters: the name fits IFNAMSIZ), for N
 * below MAX_DEFAULT. Returns 0 or -EINVAL. */
int ph_tap_default_name(const char *user, unsigned n, char ret[PH_IFNAME_SIZE])
{
	if (n >= MAX_DEFAULT || !ph_user_valid(user))
		return -EINVAL;
	snprintf(ret, PH_IFNAME_SIZE, PH_TAP_PREFIX "%.10s-%u", user, n);
	return 0;
}

/* Whether the existing interface l (called name) is a tap tap made for
 * uid: a persistent tap owned by uid, on bridge (an ifindex) or on none
 * (bridge < 0: on any). Returns 0, or -EPERM with the reason in w. Pure. */
int ph_tap_judge(const struct ph_link *l, const char *name, uid_t uid, int bridge, struct ph_why *w)
{
	if (strcmp(l->kind, "tun"))
		ph_why_set(w, "%s exists and is not a tap (a%s '%s' interface)", name, l->kind[0] ? "" : "n",
			   l->kind[0] ? l->kind : "ordinary");
	else if (l->tun_type != IFF_TAP)
		ph_why_set(w, "%s exists and is a tun, not a tap", name);
	else if (l->owner < 0)
		ph_why_set(w, "%s exists and has no owner (vfio-privhelper did not make it)", name);
	else if (l->owner != (long long)uid)
		ph_why_set(w, "%s exists and is owned by uid %lld, not uid %u", name, l->owner, (unsigned)uid);
	else if (!l->persist)
		ph_why_set(w, "%s exists and is not persistent (a program made it and holds it)", name);
	else if (bridge >= 0 && l->master && l->master != bridge)
		ph_why_set(w, "%s exists and is attached to another interface (ifindex %d)", name, l->master);
	else
		return 0;
	return -EPERM;
}

/* Makes the tap name (absent a moment ago) owned by uid and persistent,
 * into *l; *ret_fd holds it open (the caller closes it, or undoes with
 * TUNSETPERSIST 0 first). Returns 0 or -errno with w set. */
static int make_tap(int nl, const char *name, uid_t uid, int *ret_fd, struct ph_link *l, struct ph_why *w)
{
	_ph_cleanup_close_ int fd = open(TUN_DEV, O_RDWR | O_CLOEXEC);
	struct ifreq ifr = { .ifr_flags = TAP_FLAGS };
	int r;

	if (fd < 0)
		return r = -errno, ph_why_set(w, "cannot open %s: %s", TUN_DEV, strerror(-r)), r;
	strcpy(ifr.ifr_name, name);
	/* Safe: makes the interface name, which did not exist when checked;
	 * had it appeared since, TUNSETIFF attaches to that tun device (or
	 * fails for another kind) and the check below refuses it before any
	 * change. A new tap has no owner and no persistence yet and goes away
	 * when this descriptor is closed. */
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		return r = -errno, ph_why_set(w, "cannot make tap %s: %s", name, strerror(-r)), r;
	if ((r = link_get(nl, name, l, w)) < 0)
		return r;
	if (!l->index || strcmp(l->kind, "tun") || l->tun_type != IFF_TAP || l->persist || l->owner >= 0)
		return ph_why_set(w, "%s appeared while it was being made; nothing changed", name), -EEXIST;
	/* Safe: the tap is the one this descriptor just made (not persistent,
	 * no owner: nobody else made it or holds it). Owner uid lets that user
	 * (and root) attach to it, nobody else (tun_not_capable). */
	if (ioctl(fd, TUNSETOWNER, (unsigned long)uid) < 0)
		return r = -errno, ph_why_set(w, "cannot give tap %s to uid %u: %s", name, (unsigned)uid, strerror(-r)), r;
	/* Safe: our new tap, owned by uid; persistence keeps it after this
	 * descriptor is closed, for the user's launcher to open. */
	if (ioctl(fd, TUNSETPERSIST, 1UL) < 0)
		return r = -errno, ph_why_set(w, "cannot make tap %s persistent: %s", name, strerror(-r)), r;
	*ret_fd = fd;
	fd = -1;
	return 0;
}

static int open_rtnl(struct ph_why *w)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), r;

	if (fd < 0)
		return r = -errno, ph_why_set(w, "cannot open a netlink socket: %s", strerror(-r)), r;
	return fd;
}

/* The bridge called bridge, into *ret. Returns 0 or -errno with w set. */
static int get_bridge(int nl, const char *bridge, struct ph_link *ret, struct ph_why *w)
{
	int r = link_get(nl, bridge, ret, w);

	if (r < 0)
		return r;
	if (!ret->index)
		return ph_why_set(w, "bridge %s does not exist (create it first: systemd.netdev(5), "
				  "bridge-utils-interfaces(5))", bridge), -ENODEV;
	if (strcmp(ret->kind, "bridge"))
		return ph_why_set(w, "%s is not a bridge (a%s '%s' interface)", bridge, ret->kind[0] ? "" : "n",
				  ret->kind[0] ? ret->kind : "ordinary"), -ENOTTY;
	return 0;
}

/* The tap to use for user on bridge: name when given, else the first
 * vl-USER-N that is user's tap already or does not exist. *ret_link: the
 * existing tap (index 0: to be made). Returns 0 or -errno with w set. */
static int pick_name(int nl, const char *user, uid_t uid, const struct ph_link *br, const char *name,
		     char ret_name[PH_IFNAME_SIZE], struct ph_link *ret_link, struct ph_why *w)
{
	struct ph_why ignored;
	int r;

	for (unsigned n = 0; n < (name ? 1 : MAX_DEFAULT); n++) {
		if (name)
			strcpy(ret_name, name);
		else
			ph_tap_default_name(user, n, ret_name);
		if ((r = link_get(nl, ret_name, ret_link, w)) < 0)
			return r;
		if (!ret_link->index)
			return 0;
		if ((r = ph_tap_judge(ret_link, ret_name, uid, br->index, name ? w : &ignored)) == 0)
			return 0;
		if (name)
			return r;
	}
	return ph_why_set(w, PH_TAP_PREFIX "%.10s-0 to -%d are all taken by other interfaces; name one", user,
			  MAX_DEFAULT - 1), -ENOSPC;
}

/* `tap USER BRIDGE [NAME]`: USER's tap on BRIDGE, made when missing,
 * attached and up; one line on report. Returns 0, -EINVAL (malformed),
 * -EPERM (not allowlisted, or NAME is something else), or -errno; the
 * reason in w. */
int ph_tap_make(const struct ph_conf *c, const char *user, const char *bridge, const char *name,
		FILE *report, struct ph_why *w)
{
	_ph_cleanup_close_ int nl = -1, tap = -1;
	struct passwd pw, *pwp = NULL;
	char pwbuf[4096], chosen[PH_IFNAME_SIZE], buf[1024];
	struct ph_link br, l;
	int r;

	if (!ph_user_valid(user))
		return ph_why_set(w, "'%.40s' is not a valid user name", user), -EINVAL;
	if (!ph_ifname_valid(bridge))
		return ph_why_set(w, "'%.40s' is not a network interface name", bridge), -EINVAL;
	if (name && (!ph_ifname_valid(name) || strncmp(name, PH_TAP_PREFIX, strlen(PH_TAP_PREFIX))))
		return ph_why_set(w, "'%.40s' is not a tap name " PH_TAP_PREFIX "NAME (at most %d characters)",
				  name, PH_IFNAME_SIZE - 1), -EINVAL;
	if (!ph_conf_bridge_listed(c, bridge))
		return ph_why_set(w, "bridge %s is not allowlisted (no [bridge %s] in %s)", bridge, bridge,
				  PH_CONF), -EPERM;
	if (!ph_conf_tap_allowed(c, user, bridge))
		return ph_why_set(w, "user %s is not allowlisted for bridge %s (no 'user = %s' in [bridge %s] "
				  "of %s)", user, bridge, user, bridge, PH_CONF), -EPERM;
	if (getpwnam_r(user, &pw, pwbuf, sizeof(pwbuf), &pwp) != 0 || !pwp)
		return ph_why_set(w, "no user %s on this host", user), -ENOENT;
	if ((nl = open_rtnl(w)) < 0)
		return nl;
	if ((r = get_bridge(nl, bridge, &br, w)) < 0 ||
	    (r = pick_name(nl, user, pw.pw_uid, &br, name, chosen, &l, w)) < 0)
		return r;
	if (!l.index && (r = make_tap(nl, chosen, pw.pw_uid, &tap, &l, w)) < 0)
		return r;
	/* Safe: the interface is user's persistent tap (made above or judged
	 * so), the bridge an allowlisted bridge; attaching and bringing up
	 * changes nothing else on the host. */
	if ((r = link_talk(nl, RTM_NEWLINK, l.index, IFLA_MASTER, &(uint32_t){ (uint32_t)br.index },
			   sizeof(uint32_t), buf, sizeof(buf))) < 0) {
		ph_why_set(w, "cannot attach %s to %s and bring it up: %s", chosen, bridge, strerror(-r));
		/* Safe: undoes the tap made above (ours, held by this
		 * descriptor): not persistent, it goes with the descriptor. */
		if (tap >= 0)
			(void)ioctl(tap, TUNSETPERSIST, 0UL);
		return r;
	}
	fprintf(report, "%s: tap of %s (uid %u) on %s, up%s\n", chosen, user, (unsigned)pw.pw_uid, bridge,
		tap >= 0 ? " (made now)" : "");
	return 0;
}

/* `untap NAME`: removes a tap tap made: named vl-..., persistent, owned by
 * a user the allowlist names, not open (a running VM's is refused). Returns
 * 0, -EINVAL, -EPERM, -EBUSY or -errno; the reason in w. */
int ph_tap_remove(const struct ph_conf *c, const char *name, FILE *report, struct ph_why *w)
{
	_ph_cleanup_close_ int nl = -1, fd = -1;
	struct passwd pw, *pwp = NULL;
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	char pwbuf[4096];
	struct ph_link l, again;
	bool listed = false;
	int r;

	if (!ph_ifname_valid(name))
		return ph_why_set(w, "'%.40s' is not a network interface name", name), -EINVAL;
	if (strncmp(name, PH_TAP_PREFIX, strlen(PH_TAP_PREFIX)))
		return ph_why_set(w, "%s is not a tap of vfio-privhelper (their names start with " PH_TAP_PREFIX
				  "); refusing to remove it", name), -EPERM;
	if ((nl = open_rtnl(w)) < 0)
		return nl;
	if ((r = link_get(nl, name, &l, w)) < 0)
		return r;
	if (!l.index)
		return ph_why_set(w, "there is no interface %s", name), -ENODEV;
	if (l.owner >= 0 && getpwuid_r((uid_t)l.owner, &pw, pwbuf, sizeof(pwbuf), &pwp) == 0 && pwp)
		for (size_t i = 0; i < c->n_tap; i++)
			listed = listed || !strcmp(c->tap[i].user, pw.pw_name);
	if ((r = ph_tap_judge(&l, name, l.owner < 0 ? 0 : (uid_t)l.owner, -1, w)) < 0)
		return r;
	if (!listed)
		return ph_why_set(w, "%s belongs to uid %lld, whom no [bridge] of %s lists; refusing to remove it",
				  name, l.owner, PH_CONF), -EPERM;
	if ((fd = open(TUN_DEV, O_RDWR | O_CLOEXEC)) < 0)
		return r = -errno, ph_why_set(w, "cannot open %s: %s", TUN_DEV, strerror(-r)), r;
	strcpy(ifr.ifr_name, name);
	/* Safe: attaches to the tap judged above (a tun device: TUNSETIFF
	 * never makes or changes another kind); a tap a VM holds is busy and
	 * refused here. */
	r = ioctl(fd, TUNSETIFF, &ifr) < 0 ? -errno : 0;
	if (r == -EBUSY)
		return ph_why_set(w, "%s is in use (a virtual machine has it open): stop it first", name), r;
	if (r < 0)
		return ph_why_set(w, "cannot open tap %s: %s", name, strerror(-r)), r;
	if (link_get(nl, name, &again, w) < 0 || again.index != l.index)
		return ph_why_set(w, "%s changed while it was being removed; nothing removed", name), -ESTALE;
	/* Safe: the tap judged above, held by us alone; without persistence
	 * it goes away when this descriptor is closed. */
	if (ioctl(fd, TUNSETPERSIST, 0UL) < 0)
		return r = -errno, ph_why_set(w, "cannot remove tap %s: %s", name, strerror(-r)), r;
	fprintf(report, "%s: removed\n", name);
	return 0;
}
