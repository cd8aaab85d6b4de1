// SPDX-License-Identifier: GPL-2.0-or-later
#include "usb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "findings.h"
#include "profile.h"
#include "render.h"
#include "util.h"
#include "resource.h"
#include "udev_dl.h"

static inline void udev_unrefp(struct udev **u)
{
	if (*u)
		libudev.udev_unref(*u);
}
static inline void udev_enumerate_unrefp(struct udev_enumerate **e)
{
	if (*e)
		libudev.udev_enumerate_unref(*e);
}
static inline void udev_device_unrefp(struct udev_device **d)
{
	if (*d)
		libudev.udev_device_unref(*d);
}
#define _cleanup_udev_ _cleanup_(udev_unrefp)
#define _cleanup_udev_enumerate_ _cleanup_(udev_enumerate_unrefp)
#define _cleanup_udev_device_ _cleanup_(udev_device_unrefp)

/* USB class code of a hub (usb.org "Defined Class Codes", 09h). */
#define USB_CLASS_HUB "09"

int usb_parse_sysname(const char *sysname, unsigned *ret_bus, char *ret_port,
		      size_t port_len)
{
	const char *dash = strchr(sysname, '-');
	char bus_s[8];
	uint64_t bus;

	if (!dash || dash == sysname || (size_t)(dash - sysname) >= sizeof(bus_s))
		return -EINVAL;
	memcpy(bus_s, sysname, (size_t)(dash - sysname));
	bus_s[dash - sysname] = '\0';
	if (parse_u64(bus_s, 1, 255, &bus) < 0)
		return -EINVAL;
	const char *port = dash + 1;
	/* port path: numbers separated by dots, e.g. "4" or "4.2.1" */
	if (!*port || strlen(port) >= port_len)
		return -EINVAL;
	for (const char *c = port; *c; c++) {
		bool digit = *c >= '0' && *c <= '9';
		if (!digit && !(*c == '.' && c != port && c[1] && c[-1] != '.'))
			return -EINVAL;
	}
	*ret_bus = (unsigned)bus;
	strcpy(ret_port, port);
	return 0;
}

static const char *dev_name(struct udev_device *d, char *buf, size_t len)
{
	const char *v = libudev.udev_device_get_property_value(d, "ID_VENDOR_FROM_DATABASE");
	const char *m = libudev.udev_device_get_property_value(d, "ID_MODEL_FROM_DATABASE");
	if (!v)
		v = libudev.udev_device_get_sysattr_value(d, "manufacturer");
	if (!m)
		m = libudev.udev_device_get_sysattr_value(d, "product");
	snprintf(buf, len, "%s%s%s", v ? v : "", v && m ? " " : "", m ? m : "");
	return buf;
}

static bool dev_is_hub(struct udev_device *d)
{
	const char *cls = libudev.udev_device_get_sysattr_value(d, "bDeviceClass");
	return cls && strcmp(cls, USB_CLASS_HUB) == 0;
}

/* devfs/bus/usb/BBB/DDD from the busnum and devnum attributes (the names
 * the kernel's usbfs and udev use). */
static int dev_node(struct udev_device *d, const char *devfs, char **ret)
{
	uint64_t busnum, devnum;
	const char *b = libudev.udev_device_get_sysattr_value(d, "busnum");
	const char *n = libudev.udev_device_get_sysattr_value(d, "devnum");

	if (!b || !n || parse_u64(b, 1, 255, &busnum) < 0 ||
	    parse_u64(n, 1, 255, &devnum) < 0)
		return -ENODEV;
	if (asprintf(ret, "%s/bus/usb/%03u/%03u", devfs, (unsigned)busnum,
		     (unsigned)devnum) < 0)
		return -ENOMEM;
	return 0;
}

/* A present device: not a hub, node read-write for us. One finding. */
static void check_present(struct udev_device *d, struct check_ctx *ctx,
			  struct findings *f, const char *res)
{
	_cleanup_free_ char *node = NULL, *fix = NULL;
	_cleanup_close_ int fd = -1;
	const char *vid = libudev.udev_device_get_sysattr_value(d, "idVendor");
	const char *pid = libudev.udev_device_get_sysattr_value(d, "idProduct");
	const char *port = libudev.udev_device_get_sysname(d);
	char name[256];
	int r;

	dev_name(d, name, sizeof(name));
	if (!vid)
		vid = "????";
	if (!pid)
		pid = "????";
	if (dev_is_hub(d)) {
		finding_fail(f, res,
			     "pass the devices behind the hub by their own ports or IDs ('vfio-launch usb' lists them)",
			     "port %s holds a USB hub (%s:%s %s); hubs are not passed through",
			     port, vid, pid, name);
		return;
	}
	r = dev_node(d, ctx->devfs, &node);
	if (r < 0) {
		finding_fail(f, res, NULL, "port %s (%s:%s): no bus/device number in sysfs",
			     port, vid, pid);
		return;
	}
	/* The real test of access: open it as QEMU's libusb will (read-
	 * write). Opening a usbfs node claims nothing. A path, not openat:
	 * umockdev redirects path-based opens of /dev in the tests. */
	fd = open(node, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		r = errno;
		if (asprintf(&fix,
			     "allow your seat to use it: echo 'SUBSYSTEM==\"usb\", ATTR{idVendor}==\"%s\", "
			     "ATTR{idProduct}==\"%s\", TAG+=\"uaccess\"' > /etc/udev/rules.d/70-vfio-launch-usb.rules; "
			     "udevadm control --reload; udevadm trigger",
			     vid, pid) < 0)
			abort();
		finding_fail(f, res, fix, "%s (%s:%s %s at port %s) cannot be opened read-write by you: %s",
			     node, vid, pid, name, port, strerror(r));
		return;
	}
	/* The box grants this node, through a descriptor of it (O_PATH
	 * holds no claim on the device) that is the node just opened. */
	struct stat st_rw;
	int kr = fstat(fd, &st_rw) < 0 ? -errno
					: check_ctx_keep_path(ctx, node, &st_rw, GRANT_RW, true,
							      false);
	if (kr < 0) {
		finding_fail(f, res, "run the check again once the device stays plugged in",
			     "%s (%s:%s %s at port %s) changed while it was checked: %s", node,
			     vid, pid, name, port, strerror(-kr));
		return;
	}
	finding_pass(f, res, "%s:%s %s at port %s, %s read-write", vid, pid, name,
		     port, node);
}

static void check_port(struct udev *udev, const struct usb_item *it,
		       struct check_ctx *ctx, struct findings *f, const char *res)
{
	_cleanup_udev_device_ struct udev_device *d = NULL, *bus = NULL;
	char sysname[64], root[16];

	snprintf(sysname, sizeof(sysname), "%u-%s", it->hostbus, it->hostport);
	d = libudev.udev_device_new_from_subsystem_sysname(udev, "usb", sysname);
	if (d) {
		const char *devtype = libudev.udev_device_get_devtype(d);
		if (devtype && strcmp(devtype, "usb_device") == 0) {
			check_present(d, ctx, f, res);
			return;
		}
	}
	snprintf(root, sizeof(root), "usb%u", it->hostbus);
	bus = libudev.udev_device_new_from_subsystem_sysname(udev, "usb", root);
	if (!bus) {
		finding_fail(f, res, "use a port on an existing bus ('vfio-launch usb' lists them)",
			     "there is no USB bus %u on this host", it->hostbus);
		return;
	}
	/* QEMU's usb-host with hostbus/hostport would attach whatever is
	 * plugged in later, but the box grants only what the check saw
	 * (issue 9): an empty port grants nothing, not the whole bus
	 * directory with every other device on it. */
	finding_warn(f, res, "plug the device in before starting the VM (the box gives QEMU "
		     "only the devices present when it starts)",
		     "nothing is plugged into port %s: QEMU gets no device there", sysname);
}

static void check_id(struct udev *udev, const struct usb_item *it, size_t i,
		     struct check_ctx *ctx, struct findings *f, const char *res)
{
	_cleanup_udev_enumerate_ struct udev_enumerate *e = NULL;
	struct udev_list_entry *le;
	char vid[8], pid[8], ports[256] = "", first[64] = "";
	size_t n = 0;

	snprintf(vid, sizeof(vid), "%04x", it->vendor_id);
	snprintf(pid, sizeof(pid), "%04x", it->product_id);
	e = libudev.udev_enumerate_new(udev);
	if (!e || libudev.udev_enumerate_add_match_subsystem(e, "usb") < 0 ||
	    libudev.udev_enumerate_add_match_property(e, "DEVTYPE", "usb_device") < 0 ||
	    libudev.udev_enumerate_add_match_sysattr(e, "idVendor", vid) < 0 ||
	    libudev.udev_enumerate_add_match_sysattr(e, "idProduct", pid) < 0 ||
	    libudev.udev_enumerate_scan_devices(e) < 0) {
		finding_fail(f, res, NULL, "cannot enumerate USB devices with libudev");
		return;
	}
	for (le = libudev.udev_enumerate_get_list_entry(e); le;
	     le = libudev.udev_list_entry_get_next(le)) {
		const char *syspath = libudev.udev_list_entry_get_name(le);
		const char *sysname = strrchr(syspath, '/');
		sysname = sysname ? sysname + 1 : syspath;
		if (startswith(sysname, "usb"))
			continue; /* a root hub: not a port */
		if (n == 0)
			snprintf(first, sizeof(first), "%s", sysname);
		size_t len = strlen(ports);
		snprintf(ports + len, sizeof(ports) - len, "%s%s", n ? ", " : "", sysname);
		n++;
	}
	if (n == 0) {
		finding_fail(f, res,
			     "plug it in, or name its port instead: [usb] port = BUS-PORT ('vfio-launch usb' lists them)",
			     "no USB device %s:%s is plugged in", vid, pid);
		return;
	}
	if (n > 1) {
		char fix[384];
		snprintf(fix, sizeof(fix),
			 "name the port instead of the ID: [usb] port = %s (one line per device)", first);
		finding_fail(f, res, fix, "%zu USB devices %s:%s are plugged in, at ports %s",
			     n, vid, pid, ports);
		return;
	}
	_cleanup_udev_device_ struct udev_device *d =
		libudev.udev_device_new_from_subsystem_sysname(udev, "usb", first);
	if (!d) {
		finding_fail(f, res, NULL, "USB device %s:%s at %s vanished", vid, pid, first);
		return;
	}
	struct usb_resolved *u = &ctx->usb[i];
	if (usb_parse_sysname(first, &u->hostbus, u->hostport, sizeof(u->hostport)) == 0)
		u->resolved = true;
	check_present(d, ctx, f, res);
}

void usb_check(const struct profile *p, struct check_ctx *ctx,
	       struct findings *f)
{
	_cleanup_udev_ struct udev *udev = NULL;
	int r;

	if (p->n_usb == 0) {
		if (p->usb_enabled)
			finding_pass(f, "usb", "qemu-xhci controller, no host device "
				     "(port = or device = passes one)");
		return;
	}
	free(ctx->usb);
	ctx->usb = calloc(p->n_usb, sizeof(*ctx->usb));
	if (!ctx->usb)
		abort();
	/* libudev is loaded here, by a profile with USB devices only. */
	r = libudev_load();
	if (r == 0 && !(udev = libudev.udev_new()))
		r = -errno;
	for (size_t i = 0; i < p->n_usb; i++) {
		const struct usb_item *it = &p->usb[i];
		char res[64];

		if (it->by_id)
			snprintf(res, sizeof(res), "usb %04x:%04x", it->vendor_id, it->product_id);
		else
			snprintf(res, sizeof(res), "usb port %u-%s", it->hostbus, it->hostport);
		if (r == -ELIBACC) {
			finding_fail(f, res, NULL, "%s", libudev_why());
			continue;
		}
		if (!udev) {
			finding_fail(f, res, NULL, "libudev is not usable: %s", strerror(-r));
			continue;
		}
		if (it->by_id) {
			check_id(udev, it, i, ctx, f, res);
		} else {
			ctx->usb[i].resolved = true;
			ctx->usb[i].hostbus = it->hostbus;
			snprintf(ctx->usb[i].hostport, sizeof(ctx->usb[i].hostport), "%s", it->hostport);
			check_port(udev, it, ctx, f, res);
		}
	}
}

struct usb_entry {
	unsigned bus;
	char port[32];
	char id[10];
	char *node;
	char name[256];
	bool hub;
};

/* "4.10" after "4.9": compare the port paths number by number. */
static int port_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		unsigned long x = strtoul(a, (char **)&a, 10);
		unsigned long y = strtoul(b, (char **)&b, 10);
		if (x != y)
			return x < y ? -1 : 1;
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
	}
	return (*a != '\0') - (*b != '\0');
}

static int entry_cmp(const void *x, const void *y)
{
	const struct usb_entry *a = x, *b = y;
	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	return port_cmp(a->port, b->port);
}

int usb_list(FILE *out, const char *devfs)
{
	_cleanup_udev_ struct udev *udev = NULL;
	_cleanup_udev_enumerate_ struct udev_enumerate *e = NULL;
	struct udev_list_entry *le;
	struct usb_entry *v = NULL;
	size_t n = 0, cap = 0;
	int r;

	r = libudev_load();
	if (r < 0)
		return r;
	udev = libudev.udev_new();
	if (!udev)
		return -ENOMEM;
	e = libudev.udev_enumerate_new(udev);
	if (!e)
		return -ENOMEM;
	if ((r = libudev.udev_enumerate_add_match_subsystem(e, "usb")) < 0 ||
	    (r = libudev.udev_enumerate_add_match_property(e, "DEVTYPE", "usb_device")) < 0 ||
	    (r = libudev.udev_enumerate_scan_devices(e)) < 0)
		return r;
	for (le = libudev.udev_enumerate_get_list_entry(e); le;
	     le = libudev.udev_list_entry_get_next(le)) {
		_cleanup_udev_device_ struct udev_device *d =
			libudev.udev_device_new_from_syspath(udev, libudev.udev_list_entry_get_name(le));
		struct usb_entry ent = { 0 };

		if (!d || usb_parse_sysname(libudev.udev_device_get_sysname(d), &ent.bus,
					    ent.port, sizeof(ent.port)) < 0)
			continue;
		const char *vid = libudev.udev_device_get_sysattr_value(d, "idVendor");
		const char *pid = libudev.udev_device_get_sysattr_value(d, "idProduct");
		snprintf(ent.id, sizeof(ent.id), "%.4s:%.4s", vid ? vid : "????", pid ? pid : "????");
		if (dev_node(d, devfs, &ent.node) < 0)
			ent.node = NULL;
		dev_name(d, ent.name, sizeof(ent.name));
		ent.hub = dev_is_hub(d);
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			struct usb_entry *nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(ent.node);
				r = -ENOMEM;
				goto out;
			}
			v = nv;
		}
		v[n++] = ent;
	}
	qsort(v, n, sizeof(*v), entry_cmp);
	fprintf(out, "%-12s %-9s  %-22s %s\n", "PORT", "ID", "NODE", "NAME");
	for (size_t i = 0; i < n; i++) {
		char port[48];
		snprintf(port, sizeof(port), "%u-%s", v[i].bus, v[i].port);
		fprintf(out, "%-12s %-9s  %-22s %s%s\n", port, v[i].id,
			v[i].node ? v[i].node : "-", v[i].name, v[i].hub ? " [hub]" : "");
	}
	r = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(v[i].node);
	free(v);
	return r;
}

/* ---------------------------------------------------------------- argv */

static int usb_argv(const struct profile *p, const struct render_env *env,
		      struct strv *sv)
{
	/* A [usb] section without devices still gets the controller (the
	 * demo's guest reports it; devices can be added over QMP). */
	if (p->n_usb == 0 && !p->usb_enabled)
		return 0;
	TRY(strv_push2(sv, "-device", "qemu-xhci,id=xhci"));
	for (size_t i = 0; i < p->n_usb; i++) {
		const struct usb_item *u = &p->usb[i];
		const struct usb_resolved *r = env->usb ? &env->usb[i] : NULL;

		TRY(strv_push(sv, "-device"));
		if (!u->by_id)
			TRY(strv_pushf(sv, "usb-host,bus=xhci.0,hostbus=%u,hostport=%s,id=usb%zu",
				       u->hostbus, u->hostport, i));
		else if (r && r->resolved)
			TRY(strv_pushf(sv, "usb-host,bus=xhci.0,hostbus=%u,hostport=%s,id=usb%zu",
				       r->hostbus, r->hostport, i));
		else
			/* Not resolved (cmdline, no probing): QEMU matches by
			 * ID itself. */
			TRY(strv_pushf(sv, "usb-host,bus=xhci.0,vendorid=0x%04x,productid=0x%04x,id=usb%zu",
				       u->vendor_id, u->product_id, i));
	}
	return 0;
}

const struct resource resource_usb = {
	.name = "usb",
	.check = usb_check,
	.argv = usb_argv,
};
