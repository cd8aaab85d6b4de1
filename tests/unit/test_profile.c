// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The profile parser: every key, every default, every error path (the
 * FILE:LINE and the message, not just the return code), the example
 * profiles, the fixtures in tests/data/profiles/, and the documentation
 * (README table and vfio-launch.conf(5) source) against the key table.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "profile.h"
#include "render.h"
#include "util.h"

/* Relative paths in a profile resolve against the profile's directory. */
#define PDIR   "/srv/vms"
#define PATH   PDIR "/test.conf"
#define N_KEYS 41 /* rows of the parser's key table */

static void set_home(void)
{
	setenv("HOME", "/home/alice", 1);
}

static int load_string(const char *text, const char *path, struct profile **ret,
		       struct profile_error *err)
{
	_cleanup_fclose_ FILE *f = fmemopen((void *)text, strlen(text), "r");
	ck_assert_ptr_nonnull(f);
	return profile_load_file(f, path, ret, err);
}

static struct profile *load_ok(const char *text)
{
	struct profile *p = NULL;
	struct profile_error err;
	int r;

	set_home();
	r = load_string(text, PATH, &p, &err);
	ck_assert_msg(r == 0, "unexpected error %d: %s:%u: %s\n--- input:\n%s",
		      r, err.file, err.line, err.message, text);
	ck_assert_ptr_nonnull(p);
	return p;
}

/*
 * Asserts that text fails with -EINVAL, "test.conf:LINE: ..." where the
 * message contains every string in needles (NULL-terminated), and that
 * the output profile pointer is left untouched.
 */
static void expect_error_v(const char *text, unsigned line,
			   const char *const *needles)
{
	struct profile *p = (struct profile *)0x1; /* must stay untouched */
	struct profile_error err;
	char full[sizeof(err.file) + sizeof(err.message) + 32], prefix[64];
	int r;

	set_home();
	r = load_string(text, PATH, &p, &err);
	ck_assert_msg(r == -EINVAL, "expected -EINVAL, got %d for:\n%s", r,
		      text);
	ck_assert_ptr_eq(p, (struct profile *)0x1);
	snprintf(full, sizeof(full), "%s:%u: %s", err.file, err.line,
		 err.message);
	snprintf(prefix, sizeof(prefix), PATH ":%u: ", line);
	ck_assert_msg(startswith(full, prefix),
		      "expected '%s...', got '%s'\n--- input:\n%s", prefix,
		      full, text);
	for (size_t i = 0; needles[i]; i++)
		ck_assert_msg(strstr(err.message, needles[i]),
			      "'%s' not in '%s'", needles[i], full);
}

#define expect_error(text, line, ...)                                          \
	expect_error_v(text, line, (const char *const[]){__VA_ARGS__, NULL})

/* ----------------------------------------------------------- defaults */

START_TEST(test_defaults)
{
	_cleanup_profile_ struct profile *p = load_ok("[vm]\n");

	ck_assert_str_eq(p->file, PATH);
	ck_assert_str_eq(p->name, "test");
	ck_assert_uint_eq(p->memory, 1ULL << 30);
	ck_assert_uint_eq(p->cpus, 1);
	ck_assert_uint_eq(p->sockets, 0);
	ck_assert_uint_eq(p->cores, 0);
	ck_assert_uint_eq(p->threads, 0);
	ck_assert_str_eq(p->machine, "q35");
	ck_assert_int_eq(p->accel, ACCEL_AUTO);
	ck_assert_int_eq(p->firmware, FIRMWARE_BIOS);
	ck_assert_str_eq(p->ovmf_code, "/usr/share/OVMF/OVMF_CODE_4M.fd");
	ck_assert_str_eq(p->ovmf_vars, "/usr/share/OVMF/OVMF_VARS_4M.fd");
	ck_assert(!p->hide_hypervisor);
	ck_assert(!p->hugepages);
	ck_assert_int_eq(p->display, DISPLAY_NONE);
	ck_assert_int_eq(p->sandbox, SANDBOX_ON);
	ck_assert_ptr_null(p->kernel);
	ck_assert_ptr_null(p->initrd);
	ck_assert_ptr_null(p->append);
	ck_assert_uint_eq(p->line_memory, 0);
	ck_assert_uint_eq(p->n_pci, 0);
	ck_assert_ptr_null(p->pci);
	ck_assert_uint_eq(p->n_disks, 0);
	ck_assert_int_eq(p->audio_backend, AUDIO_NONE);
	ck_assert_ptr_null(p->audio_server);
	ck_assert_int_eq(p->audio_model, AUDIO_HDA_DUPLEX);
	ck_assert(p->audio_required);
	ck_assert_uint_eq(p->line_audio, 0);
	ck_assert_uint_eq(p->n_usb, 0);
	ck_assert(!p->usb_enabled);
	ck_assert(!p->lg_enabled);
	ck_assert_str_eq(p->lg_path, "/dev/shm/looking-glass");
	ck_assert_uint_eq(p->lg_size, 0);
	ck_assert_uint_eq(p->lg_width, 0);
	ck_assert_uint_eq(p->lg_height, 0);
	ck_assert_ptr_null(p->lg_group);
	ck_assert_uint_eq(p->line_lg, 0);
	ck_assert_uint_eq(p->n_evdev, 0);
	ck_assert_int_eq(p->net_mode, NET_NONE);
	ck_assert_str_eq(p->net_model, "virtio-net-pci");
	ck_assert_ptr_null(p->net_mac);
	ck_assert_ptr_null(p->net_tap);
	ck_assert_str_eq(p->qemu_binary, "qemu-system-x86_64");
	ck_assert_ptr_null(p->qemu_extra);
	ck_assert_uint_eq(p->n_qemu_extra, 0);
}
END_TEST

/* An empty file is a valid profile: every default. */
START_TEST(test_empty_file)
{
	_cleanup_profile_ struct profile *p = load_ok("");
	ck_assert_str_eq(p->name, "test");
	ck_assert_uint_eq(p->memory, 1ULL << 30);
}
END_TEST

/* ------------------------------------------------------------- [vm] */

START_TEST(test_vm_keys)
{
	_cleanup_profile_ struct profile *p =
	    load_ok("[vm]\n"
		    "name = win10.gaming-1_a\n"
		    "memory = 16G\n"
		    "cpus = 8\n"
		    "topology = 2s2c2t\n"
		    "machine = pc-q35-7.2\n"
		    "accel = kvm\n"
		    "firmware = uefi\n"
		    "ovmf-code = /opt/ovmf/CODE.fd\n"
		    "ovmf-vars = vars.fd\n"
		    "hide-hypervisor = yes\n"
		    "hugepages = on\n"
		    "display = gtk\n"
		    "sandbox = strict\n"
		    "kernel = ~/vmlinuz\n"
		    "initrd = boot/initrd.img\n"
		    "append = console=ttyS0 root=/dev/vda1\n");
	ck_assert_str_eq(p->name, "win10.gaming-1_a");
	ck_assert_uint_eq(p->memory, 16ULL << 30);
	ck_assert_uint_eq(p->line_memory, 3);
	ck_assert_uint_eq(p->cpus, 8);
	ck_assert_uint_eq(p->sockets, 2);
	ck_assert_uint_eq(p->cores, 2);
	ck_assert_uint_eq(p->threads, 2);
	ck_assert_str_eq(p->machine, "pc-q35-7.2");
	ck_assert_int_eq(p->accel, ACCEL_KVM);
	ck_assert_int_eq(p->firmware, FIRMWARE_UEFI);
	ck_assert_str_eq(p->ovmf_code, "/opt/ovmf/CODE.fd");
	ck_assert_str_eq(p->ovmf_vars, PDIR "/vars.fd");
	ck_assert(p->hide_hypervisor);
	ck_assert(p->hugepages);
	ck_assert_int_eq(p->display, DISPLAY_GTK);
	ck_assert_int_eq(p->sandbox, SANDBOX_STRICT);
	ck_assert_str_eq(p->kernel, "/home/alice/vmlinuz");
	ck_assert_str_eq(p->initrd, PDIR "/boot/initrd.img");
	ck_assert_str_eq(p->append, "console=ttyS0 root=/dev/vda1");
}
END_TEST

/* Every enum value of [vm] by name. */
START_TEST(test_vm_enums)
{
	static const struct {
		const char *line;
		int accel, firmware, display, sandbox;
	} cases[] = {
	    {"accel = auto", ACCEL_AUTO, -1, -1, -1},
	    {"accel = kvm", ACCEL_KVM, -1, -1, -1},
	    {"accel = tcg", ACCEL_TCG, -1, -1, -1},
	    {"firmware = bios", -1, FIRMWARE_BIOS, -1, -1},
	    {"firmware = uefi", -1, FIRMWARE_UEFI, -1, -1},
	    {"display = none", -1, -1, DISPLAY_NONE, -1},
	    {"display = gtk", -1, -1, DISPLAY_GTK, -1},
	    {"display = sdl", -1, -1, DISPLAY_SDL, -1},
	    {"sandbox = on", -1, -1, -1, SANDBOX_ON},
	    {"sandbox = strict", -1, -1, -1, SANDBOX_STRICT},
	    {"sandbox = off", -1, -1, -1, SANDBOX_OFF},
	};
	ck_assert_uint_eq(ELEMENTSOF(cases), 11);
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		char text[128];
		snprintf(text, sizeof(text), "[vm]\n%s\n", cases[i].line);
		_cleanup_profile_ struct profile *p = load_ok(text);
		if (cases[i].accel >= 0)
			ck_assert_int_eq(p->accel, cases[i].accel);
		if (cases[i].firmware >= 0)
			ck_assert_int_eq(p->firmware, cases[i].firmware);
		if (cases[i].display >= 0)
			ck_assert_int_eq(p->display, cases[i].display);
		if (cases[i].sandbox >= 0)
			ck_assert_int_eq(p->sandbox, cases[i].sandbox);
	}
}
END_TEST

START_TEST(test_vm_topology_sets_cpus)
{
	_cleanup_profile_ struct profile *p =
	    load_ok("[vm]\ntopology = 1s4c2t\n");
	ck_assert_uint_eq(p->cpus, 8);
	ck_assert_uint_eq(p->sockets, 1);
	ck_assert_uint_eq(p->cores, 4);
	ck_assert_uint_eq(p->threads, 2);
}
END_TEST

START_TEST(test_vm_sizes)
{
	static const struct {
		const char *value;
		uint64_t bytes;
	} cases[] = {
	    {"16M", 16ULL << 20},	  {"16384K", 16ULL << 20},
	    {"2G", 2ULL << 30},		  {"1536M", 1536ULL << 20},
	    {"16GiB", 16ULL << 30},	  {"1T", 1ULL << 40},
	    {"17179869184", 16ULL << 30},
	};
	ck_assert_uint_eq(ELEMENTSOF(cases), 7);
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		char text[128];
		snprintf(text, sizeof(text), "[vm]\nmemory = %s\n",
			 cases[i].value);
		_cleanup_profile_ struct profile *p = load_ok(text);
		ck_assert_uint_eq(p->memory, cases[i].bytes);
	}
}
END_TEST

START_TEST(test_vm_empty_append)
{
	_cleanup_profile_ struct profile *p =
	    load_ok("[vm]\nkernel = /boot/vmlinuz\nappend =\n");
	ck_assert_str_eq(p->append, "");
}
END_TEST

/* ------------------------------------------------------------ [pci] */

START_TEST(test_pci)
{
	_cleanup_profile_ struct profile *p = load_ok(
	    "[pci]\n"
	    "device = 0000:01:00.0,x-vga,multifunction\n"
	    "device = 01:00.1\n"
	    "device = 0001:0A:1f.7,romfile=roms/gpu.rom\n"
	    "device = 02:00.0,x-vga=off,multifunction=on,romfile=/fw/x.rom\n");
	ck_assert_uint_eq(p->n_pci, 4);
	ck_assert_str_eq(p->pci[0].bdf, "0000:01:00.0");
	ck_assert(p->pci[0].x_vga);
	ck_assert(p->pci[0].multifunction);
	ck_assert_ptr_null(p->pci[0].romfile);
	ck_assert_uint_eq(p->pci[0].line, 2);
	ck_assert_str_eq(p->pci[1].bdf, "0000:01:00.1");
	ck_assert(!p->pci[1].x_vga);
	ck_assert(!p->pci[1].multifunction);
	ck_assert_uint_eq(p->pci[1].line, 3);
	ck_assert_str_eq(p->pci[2].bdf, "0001:0a:1f.7");
	ck_assert_str_eq(p->pci[2].romfile, PDIR "/roms/gpu.rom");
	ck_assert_str_eq(p->pci[3].bdf, "0000:02:00.0");
	ck_assert(!p->pci[3].x_vga);
	ck_assert(p->pci[3].multifunction);
	ck_assert_str_eq(p->pci[3].romfile, "/fw/x.rom");
}
END_TEST

/* --------------------------------------------------------- [disk NAME] */

START_TEST(test_disk)
{
	_cleanup_profile_ struct profile *p =
	    load_ok("[disk system]\n"
		    "path = /dev/disk/by-id/nvme-X-part4\n"
		    "interface = nvme\n"
		    "format = raw\n"
		    "media = disk\n"
		    "cache = writeback\n"
		    "readonly = no\n"
		    "discard = yes\n"
		    "[disk iso]\n"
		    "path = virtio-win.iso\n"
		    "media = cdrom\n"
		    "interface = sata\n"
		    "[disk data]\n"
		    "path = ~/data.qcow2\n"
		    "format = qcow2\n"
		    "interface = scsi\n"
		    "cache = writethrough\n"
		    "readonly = yes\n"
		    "[disk plain]\n"
		    "path = /images/plain.img\n");
	ck_assert_uint_eq(p->n_disks, 4);
	struct disk_item *d = &p->disks[0];
	ck_assert_str_eq(d->name, "system");
	ck_assert_str_eq(d->path, "/dev/disk/by-id/nvme-X-part4");
	ck_assert_int_eq(d->interface, DISK_NVME);
	ck_assert_int_eq(d->format, DISK_FORMAT_RAW);
	ck_assert_int_eq(d->media, DISK_MEDIA_DISK);
	ck_assert_int_eq(d->cache, DISK_CACHE_WRITEBACK);
	ck_assert(!d->readonly);
	ck_assert(d->discard);
	ck_assert_uint_eq(d->line, 1);
	d = &p->disks[1];
	ck_assert_str_eq(d->name, "iso");
	ck_assert_str_eq(d->path, PDIR "/virtio-win.iso");
	ck_assert_int_eq(d->media, DISK_MEDIA_CDROM);
	ck_assert_int_eq(d->interface, DISK_SATA);
	ck_assert(d->readonly); /* a cdrom is read-only */
	ck_assert_uint_eq(d->line, 9);
	d = &p->disks[2];
	ck_assert_str_eq(d->path, "/home/alice/data.qcow2");
	ck_assert_int_eq(d->format, DISK_FORMAT_QCOW2);
	ck_assert_int_eq(d->interface, DISK_SCSI);
	ck_assert_int_eq(d->cache, DISK_CACHE_WRITETHROUGH);
	ck_assert(d->readonly);
	/* defaults */
	d = &p->disks[3];
	ck_assert_str_eq(d->name, "plain");
	ck_assert_int_eq(d->interface, DISK_VIRTIO);
	ck_assert_int_eq(d->format, DISK_FORMAT_RAW);
	ck_assert_int_eq(d->media, DISK_MEDIA_DISK);
	ck_assert_int_eq(d->cache, DISK_CACHE_NONE);
	ck_assert(!d->readonly);
	ck_assert(!d->discard);
}
END_TEST

/* The same key in two different disks is not a duplicate. */
START_TEST(test_disk_keys_per_disk)
{
	_cleanup_profile_ struct profile *p =
	    load_ok("[disk a]\npath = /a\ncache = none\n[disk b]\npath = "
		    "/b\ncache = none\n");
	ck_assert_uint_eq(p->n_disks, 2);
	ck_assert_str_eq(p->disks[1].path, "/b");
}
END_TEST

/* ---------------------------------------------------------- [audio] */

START_TEST(test_audio)
{
	_cleanup_profile_ struct profile *p = load_ok("[vm]\n[audio]\n");
	ck_assert_int_eq(p->audio_backend,
			 AUDIO_PULSE); /* the section turns it on */
	ck_assert_ptr_null(p->audio_server);
	ck_assert_int_eq(p->audio_model, AUDIO_HDA_DUPLEX);
	ck_assert(p->audio_required);
	ck_assert_uint_eq(p->line_audio, 2);

	_cleanup_profile_ struct profile *q =
	    load_ok("[audio]\n"
		    "backend = pulse\n"
		    "server = /run/user/1000/pulse/native\n"
		    "model = hda-output\n"
		    "required = no\n");
	ck_assert_int_eq(q->audio_backend, AUDIO_PULSE);
	ck_assert_str_eq(q->audio_server, "/run/user/1000/pulse/native");
	ck_assert_int_eq(q->audio_model, AUDIO_HDA_OUTPUT);
	ck_assert(!q->audio_required);

	_cleanup_profile_ struct profile *r =
	    load_ok("[audio]\nbackend = none\nserver = auto\n"
		    "model = hda-micro\n");
	ck_assert_int_eq(r->audio_backend, AUDIO_NONE);
	ck_assert_ptr_null(r->audio_server);
	ck_assert_int_eq(r->audio_model, AUDIO_HDA_MICRO);

	_cleanup_profile_ struct profile *s = load_ok(
	    "[audio]\nserver = unix:/tmp/pulse-x/native\nmodel = hda-duplex\n");
	ck_assert_str_eq(s->audio_server, "/tmp/pulse-x/native");
	ck_assert_int_eq(s->audio_model, AUDIO_HDA_DUPLEX);
}
END_TEST

/* ------------------------------------------------------------ [usb] */

START_TEST(test_usb)
{
	_cleanup_profile_ struct profile *p =
	    load_ok("[usb]\n"
		    "port = 1-4\n"
		    "port = 3-4.2\n"
		    "port = 255-31.1.2.3.4.5.6\n"
		    "device = 046d:C52B\n"
		    "port = 2-04\n");
	ck_assert_uint_eq(p->n_usb, 5);
	ck_assert(!p->usb[0].by_id);
	ck_assert_uint_eq(p->usb[0].hostbus, 1);
	ck_assert_str_eq(p->usb[0].hostport, "4");
	ck_assert_uint_eq(p->usb[0].line, 2);
	ck_assert_uint_eq(p->usb[1].hostbus, 3);
	ck_assert_str_eq(p->usb[1].hostport, "4.2");
	ck_assert_uint_eq(p->usb[2].hostbus, 255);
	ck_assert_str_eq(p->usb[2].hostport, "31.1.2.3.4.5.6");
	ck_assert(p->usb[3].by_id);
	ck_assert_uint_eq(p->usb[3].vendor_id, 0x046d);
	ck_assert_uint_eq(p->usb[3].product_id, 0xc52b);
	ck_assert_uint_eq(p->usb[3].line, 5);
	ck_assert_str_eq(p->usb[4].hostport, "4"); /* leading zero normalised */
	ck_assert(p->usb_enabled);
}
END_TEST

/* An empty [usb] still asks for the USB controller. */
START_TEST(test_usb_empty_section)
{
	_cleanup_profile_ struct profile *p = load_ok("[vm]\n[usb]\n");
	ck_assert(p->usb_enabled);
	ck_assert_uint_eq(p->n_usb, 0);
	ck_assert_ptr_null(p->usb);
}
END_TEST

/* ---------------------------------------------------- [looking-glass] */

START_TEST(test_looking_glass)
{
	_cleanup_profile_ struct profile *p = load_ok("[vm]\n[looking-glass]\n"
						      "resolution = 2560x1440\n"
						      "path = /dev/kvmfr0\n"
						      "group = kvm\n");
	ck_assert(p->lg_enabled);
	ck_assert_uint_eq(p->line_lg, 2);
	ck_assert_uint_eq(p->lg_width, 2560);
	ck_assert_uint_eq(p->lg_height, 1440);
	ck_assert_uint_eq(p->lg_size, 0);
	ck_assert_str_eq(p->lg_path, "/dev/kvmfr0");
	ck_assert_str_eq(p->lg_group, "kvm");

	_cleanup_profile_ struct profile *q =
	    load_ok("[looking-glass]\nsize = 128M\n");
	ck_assert(q->lg_enabled);
	ck_assert_uint_eq(q->lg_size, 128ULL << 20);
	ck_assert_uint_eq(q->lg_width, 0);
	ck_assert_str_eq(q->lg_path, "/dev/shm/looking-glass");
	ck_assert_ptr_null(q->lg_group);
}
END_TEST

/* ---------------------------------------------------------- [input] */

START_TEST(test_input)
{
	_cleanup_profile_ struct profile *p = load_ok(
	    "[input]\n"
	    "evdev = "
	    "/dev/input/by-id/"
	    "kbd-event-kbd,grab_all=on,repeat=on,grab-toggle=ctrl-ctrl\n"
	    "evdev = /dev/input/by-id/mouse-event-mouse\n"
	    "evdev = "
	    "/dev/input/"
	    "event3,grab_all=off,repeat=off,grab-toggle=scrolllock\n");
	ck_assert_uint_eq(p->n_evdev, 3);
	ck_assert_str_eq(p->evdev[0].path, "/dev/input/by-id/kbd-event-kbd");
	ck_assert(p->evdev[0].grab_all);
	ck_assert(p->evdev[0].repeat);
	ck_assert_str_eq(p->evdev[0].grab_toggle, "ctrl-ctrl");
	ck_assert_uint_eq(p->evdev[0].line, 2);
	ck_assert(!p->evdev[1].grab_all);
	ck_assert(!p->evdev[1].repeat);
	ck_assert_ptr_null(p->evdev[1].grab_toggle);
	ck_assert(!p->evdev[2].grab_all);
	ck_assert_str_eq(p->evdev[2].grab_toggle, "scrolllock");
}
END_TEST

/* Every QEMU GrabToggleKeys value is accepted. */
START_TEST(test_input_grab_toggle_values)
{
	static const char *const values[] = {"ctrl-ctrl",   "alt-alt",
					     "shift-shift", "meta-meta",
					     "scrolllock",  "ctrl-scrolllock"};
	ck_assert_uint_eq(ELEMENTSOF(values), 6);
	for (size_t i = 0; i < ELEMENTSOF(values); i++) {
		char text[128];
		snprintf(text, sizeof(text),
			 "[input]\nevdev = /dev/input/event0,grab-toggle=%s\n",
			 values[i]);
		_cleanup_profile_ struct profile *p = load_ok(text);
		ck_assert_str_eq(p->evdev[0].grab_toggle, values[i]);
	}
}
END_TEST

/* -------------------------------------------------------- [network] */

START_TEST(test_network)
{
	_cleanup_profile_ struct profile *p =
	    load_ok("[network]\nmode = user\n");
	ck_assert_int_eq(p->net_mode, NET_USER);
	ck_assert_str_eq(p->net_model, "virtio-net-pci");

	_cleanup_profile_ struct profile *q =
	    load_ok("[network]\n"
		    "mode = tap\n"
		    "tap = tap0\n"
		    "model = e1000e\n"
		    "mac = 52:54:00:AB:cd:01\n");
	ck_assert_int_eq(q->net_mode, NET_TAP);
	ck_assert_str_eq(q->net_tap, "tap0");
	ck_assert_str_eq(q->net_model, "e1000e");
	ck_assert_str_eq(q->net_mac, "52:54:00:AB:cd:01");

	_cleanup_profile_ struct profile *r =
	    load_ok("[network]\nmode = none\n");
	ck_assert_int_eq(r->net_mode, NET_NONE);
}
END_TEST

/* ----------------------------------------------------------- [qemu] */

START_TEST(test_qemu)
{
	_cleanup_profile_ struct profile *p =
	    load_ok("[qemu]\n"
		    "binary = qemu-system-x86_64-spice\n"
		    "extra = -serial  mon:stdio\n"
		    "extra = -rtc\tbase=localtime\n"
		    "extra = -S\n");
	ck_assert_str_eq(p->qemu_binary, "qemu-system-x86_64-spice");
	ck_assert_uint_eq(p->n_qemu_extra, 5);
	ck_assert_str_eq(p->qemu_extra[0], "-serial");
	ck_assert_str_eq(p->qemu_extra[1], "mon:stdio");
	ck_assert_str_eq(p->qemu_extra[2], "-rtc");
	ck_assert_str_eq(p->qemu_extra[3], "base=localtime");
	ck_assert_str_eq(p->qemu_extra[4], "-S");
	ck_assert_ptr_null(p->qemu_extra[5]);

	_cleanup_profile_ struct profile *q =
	    load_ok("[qemu]\nbinary = ./bin/qemu\n");
	ck_assert_str_eq(q->qemu_binary, PDIR "/bin/qemu");
	_cleanup_profile_ struct profile *r =
	    load_ok("[qemu]\nbinary = /usr/local/bin/qemu\n");
	ck_assert_str_eq(r->qemu_binary, "/usr/local/bin/qemu");
}
END_TEST

/* ----------------------------------------------------------- syntax */

START_TEST(test_syntax)
{
	/* Comments (; and # at the start, " ;" inline), blank lines, CRLF,
	 * indentation (not a continuation: INI_ALLOW_MULTILINE is defeated),
	 * a UTF-8 BOM, a repeated [vm] section, ':' as inih's delimiter. */
	_cleanup_profile_ struct profile *p =
	    load_ok("\xEF\xBB\xBF; comment\r\n"
		    "# another\n"
		    "\n"
		    "   [vm]   ; the VM\n"
		    "\tname = x1 ; inline\n"
		    "  memory = 2G\r\n"
		    "[pci]\n"
		    "device = 01:00.0\n"
		    "[vm]\n"
		    "cpus: 4\n"
		    "[qemu]\n"
		    "extra = -name a;b\n");
	ck_assert_str_eq(p->name, "x1");
	ck_assert_uint_eq(p->memory, 2ULL << 30);
	ck_assert_uint_eq(p->line_memory, 6);
	ck_assert_uint_eq(p->cpus, 4);
	ck_assert_uint_eq(p->n_pci, 1);
	/* ';' not preceded by whitespace is part of the value */
	ck_assert_str_eq(p->qemu_extra[1], "a;b");
}
END_TEST

/* --------------------------------------------------------------- paths */

START_TEST(test_paths)
{
	_cleanup_profile_ struct profile *p =
	    load_ok("[vm]\n"
		    "kernel = ~/k\n"
		    "initrd = ./././i\n"
		    "ovmf-code = ~\n"
		    "ovmf-vars = ../shared/VARS.fd\n");
	ck_assert_str_eq(p->kernel, "/home/alice/k");
	ck_assert_str_eq(p->initrd, PDIR "/i");
	ck_assert_str_eq(p->ovmf_code, "/home/alice");
	ck_assert_str_eq(p->ovmf_vars, PDIR "/../shared/VARS.fd");
}
END_TEST

/* A relative profile path is made absolute against the working directory. */
START_TEST(test_relative_profile_path)
{
	struct profile *p = NULL;
	struct profile_error err;
	char cwd[4096], want[8192];

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(
	    load_string("[vm]\nkernel = k\n", "./sub/my-vm.conf", &p, &err), 0);
	snprintf(want, sizeof(want), "%s/sub/my-vm.conf", cwd);
	ck_assert_str_eq(p->file, want);
	snprintf(want, sizeof(want), "%s/sub/k", cwd);
	ck_assert_str_eq(p->kernel, want);
	ck_assert_str_eq(p->name, "my-vm");
	profile_free(p);

	/* At the root of the file system. */
	ck_assert_int_eq(load_string("[vm]\nkernel = k\n", "/r.conf", &p, &err),
			 0);
	ck_assert_str_eq(p->kernel, "/k");
	ck_assert_str_eq(p->name, "r");
	profile_free(p);
}
END_TEST

START_TEST(test_home_unset)
{
	struct profile *p = NULL;
	struct profile_error err;

	unsetenv("HOME");
	ck_assert_int_eq(load_string("[vm]\nkernel = ~/k\n", PATH, &p, &err),
			 -EINVAL);
	ck_assert_uint_eq(err.line, 2);
	ck_assert_ptr_nonnull(strstr(err.message, "$HOME"));
	setenv("HOME", "relative", 1);
	ck_assert_int_eq(load_string("[vm]\nkernel = ~/k\n", PATH, &p, &err),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "$HOME"));
}
END_TEST

/* ---------------------------------------------------------- the name */

START_TEST(test_default_name)
{
	struct profile *p = NULL;
	struct profile_error err;

	ck_assert_int_eq(load_string("", "/x/win10.conf", &p, &err), 0);
	ck_assert_str_eq(p->name, "win10");
	profile_free(p);
	ck_assert_int_eq(load_string("", "/x/noext", &p, &err), 0);
	ck_assert_str_eq(p->name, "noext");
	profile_free(p);
	ck_assert_int_eq(load_string("", "/x/a.b.conf", &p, &err), 0);
	ck_assert_str_eq(p->name, "a.b");
	profile_free(p);

	/* A file name that is not a valid VM name, and no name = */
	p = (struct profile *)0x1;
	ck_assert_int_eq(load_string("[vm]\n", "/x/my vm.conf", &p, &err),
			 -EINVAL);
	ck_assert_ptr_eq(p, (struct profile *)0x1);
	ck_assert_str_eq(err.file, "/x/my vm.conf");
	ck_assert_uint_eq(err.line, 0);
	ck_assert_ptr_nonnull(strstr(err.message, "name ="));
	ck_assert_int_eq(load_string("", "/x/.conf", &p, &err), -EINVAL);
	/* ... but name = fixes it */
	ck_assert_int_eq(
	    load_string("[vm]\nname = ok\n", "/x/my vm.conf", &p, &err), 0);
	ck_assert_str_eq(p->name, "ok");
	profile_free(p);
}
END_TEST

/* ----------------------------------------------------------- errors */

struct error_case {
	const char *text;
	unsigned line;
	const char *needle1, *needle2;
};

/* Every error path of the parser, by the message the user sees. */
static const struct error_case error_cases[] = {
    /* structure */
    {"name = x\n", 1, "outside any section", "[vm]"},
    {"[vm]\nfoo\n", 2, "expected 'key = value'", NULL},
    {"[vm\nname = x\n", 1, "without ']'", NULL},
    {"[vm] junk\n", 1, "text after the section header", "junk"},
    {"[]\n", 1, "empty section name", NULL},
    {"[machine]\n", 1, "unknown section [machine]", "[looking-glass]"},
    {"[usbb]\n", 1, "unknown section [usbb]", "did you mean 'usb'?"},
    {"[looking_glass]\n", 1, "did you mean 'looking-glass'?", NULL},
    {"[vm x]\n", 1, "[vm] takes no name", "'x'"},
    {"[vm]\nname=a\n[audio]\nbackend = pulse\n[pci]\ndevice = 1:00.0 \n", 6,
     "not a PCI address", "0000:01:00.0"},
    {"[vm]\nx\0y = 1\n", 2, "NUL byte", NULL},
    /* unknown keys, near misses, keys in the wrong section */
    {"[vm]\nmemroy = 4G\n", 2, "unknown key 'memroy' in [vm]",
     "did you mean 'memory'?"},
    {"[vm]\ncpu = 4\n", 2, "unknown key 'cpu'", "did you mean 'cpus'?"},
    {"[vm]\nhide_hypervisor = yes\n", 2, "did you mean 'hide-hypervisor'?",
     NULL},
    {"[vm]\nMemory = 4G\n", 2, "unknown key 'Memory'",
     "did you mean 'memory'?"},
    {"[vm]\nfrobnicate = 1\n", 2, "unknown key 'frobnicate' in [vm]", NULL},
    {"[vm]\nport = 1-4\n", 2, "unknown key 'port'", "belongs in [usb]"},
    {"[vm]\ninterface = nvme\n", 2, "belongs in [disk NAME]", NULL},
    {"[disk a]\npath = /a\npaht = /b\n", 3, "unknown key 'paht' in [disk a]",
     "did you mean 'path'?"},
    {"[looking-glass]\nresolutoin = 1x1\n", 2, "did you mean 'resolution'?",
     NULL},
    /* duplicates */
    {"[vm]\nmemory = 1G\n\nmemory = 2G\n", 4,
     "'memory' is already set at line 2", "only once"},
    {"[vm]\nname = a\n[pci]\n[vm]\nname = b\n", 5,
     "'name' is already set at line 2", NULL},
    {"[disk a]\npath = /a\npath = /b\n", 3, "'path' is already set at line 2",
     "[disk a]"},
    {"[audio]\nmodel = hda-duplex\nmodel = hda-output\n", 3, "already set",
     NULL},
    {"[pci]\ndevice = 01:00.0\ndevice = 0000:01:00.0,x-vga\n", 3,
     "0000:01:00.0 is already listed at line 2", NULL},
    {"[disk a]\npath = /a\n[disk b]\npath = /b\n[disk a]\npath = /c\n", 5,
     "[disk a] is already defined at line 1", NULL},
    {"[usb]\nport = 1-4.2\nport = 1-04.02\n", 3,
     "1-4.2 is already listed at line 2", NULL},
    {"[usb]\ndevice = 046d:c52b\ndevice = 046D:C52B\n", 3,
     "046d:c52b is already listed at line 2", NULL},
    {"[input]\nevdev = /dev/input/event1\nevdev = "
     "/dev/input/event1,grab_all=on\n",
     3, "already listed at line 2", NULL},
    {"[qemu]\nbinary = a\nbinary = b\n", 3, "already set", NULL},
    /* [vm] values */
    {"[vm]\nname = my vm\n", 2, "not a valid VM name", NULL},
    {"[vm]\nname = ../etc\n", 2, "not a valid VM name", NULL},
    {"[vm]\nname = .hidden\n", 2, "not a valid VM name", NULL},
    {"[vm]\nname =\n", 2, "not a valid VM name", NULL},
    {"[vm]\nname = "
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
     2, "not a valid VM name", NULL},
    {"[vm]\nmemory = 15M\n", 2, "at least 16M", NULL},
    {"[vm]\nmemory = 17T\n", 2, "out of range", NULL},
    {"[vm]\nmemory = lots\n", 2, "not a size", "16G"},
    {"[vm]\nmemory = 1.5G\n", 2, "not a size", NULL},
    {"[vm]\ncpus = 0\n", 2, "cpus: '0'", "between 1 and 1024"},
    {"[vm]\ncpus = 1025\n", 2, "between 1 and 1024", NULL},
    {"[vm]\ncpus = -1\n", 2, "between 1 and 1024", NULL},
    {"[vm]\ntopology = 4c2t\n", 2, "topology: '4c2t'", "1s4c2t"},
    {"[vm]\ntopology = 1s0c2t\n", 2, "topology: '1s0c2t'", NULL},
    {"[vm]\ntopology = 1s4c2t1\n", 2, "topology", NULL},
    {"[vm]\ntopology = 1s4c\n", 2, "topology", NULL},
    {"[vm]\ntopology = 1024s2c1t\n", 2, "more than 1024 vCPUs", NULL},
    {"[vm]\ncpus = 6\ntopology = 1s4c2t\n", 3,
     "gives 8 vCPUs but cpus = 6 (line 2)", NULL},
    {"[vm]\ntopology = 1s4c2t\ncpus = 6\n", 2,
     "gives 8 vCPUs but cpus = 6 (line 3)", NULL},
    {"[vm]\nmachine = q35 pc\n", 2, "machine: 'q35 pc' is not a valid name",
     NULL},
    {"[vm]\nmachine =\n", 2, "machine: empty value", NULL},
    {"[vm]\naccel = xen\n", 2, "accel: invalid value 'xen'",
     "auto, kvm or tcg"},
    {"[vm]\naccel = KVM\n", 2, "invalid value 'KVM'", NULL},
    {"[vm]\nfirmware = efi\n", 2, "invalid value 'efi'", "bios or uefi"},
    {"[vm]\ndisplay = vnc\n", 2, "invalid value 'vnc'", "none, gtk or sdl"},
    {"[vm]\nsandbox = maybe\n", 2, "invalid value 'maybe'",
     "on, strict or off"},
    {"[vm]\nhide-hypervisor = sure\n", 2,
     "hide-hypervisor: 'sure' is not a boolean", "yes or no"},
    {"[vm]\nhugepages = 2\n", 2, "hugepages: '2' is not a boolean", NULL},
    {"[vm]\nkernel =\n", 2, "kernel: empty path", NULL},
    {"[vm]\nkernel = ~bob/vmlinuz\n", 2, "only '~/'", NULL},
    {"[vm]\ninitrd = /boot/initrd.img\n", 2, "initrd needs kernel", NULL},
    {"[vm]\nappend = quiet\n", 2, "append needs kernel", NULL},
    {"[vm]\novmf-code =\n", 2, "ovmf-code: empty path", NULL},
    /* [pci] */
    {"[pci]\ndevice = 1:00.0\n", 2, "not a PCI address", NULL},
    {"[pci]\ndevice = 0000:01:00\n", 2, "not a PCI address", NULL},
    {"[pci]\ndevice = 00000:01:00.0\n", 2, "not a PCI address", NULL},
    {"[pci]\ndevice = 0000:01:20.0\n", 2, "not a PCI address", NULL},
    {"[pci]\ndevice = 0000:01:00.8\n", 2, "not a PCI address", NULL},
    {"[pci]\ndevice = 0x00:01:00.0\n", 2, "not a PCI address", NULL},
    {"[pci]\ndevice = 0000-01-00.0\n", 2, "not a PCI address", NULL},
    {"[pci]\ndevice =\n", 2, "not a PCI address", NULL},
    {"[pci]\ndevice = 01:00.0,xvga\n", 2, "unknown option 'xvga'",
     "did you mean 'x-vga'?"},
    {"[pci]\ndevice = 01:00.0,rombar=0\n", 2, "unknown option 'rombar=0'",
     "romfile=PATH"},
    {"[pci]\ndevice = 01:00.0,x-vga=maybe\n", 2,
     "x-vga: 'maybe' is not on or off", NULL},
    {"[pci]\ndevice = 01:00.0,x-vga,x-vga=off\n", 2,
     "option 'x-vga' given twice", NULL},
    {"[pci]\ndevice = 01:00.0,romfile=/a,romfile=/b\n", 2,
     "option 'romfile' given twice", NULL},
    {"[pci]\ndevice = 01:00.0,romfile=\n", 2, "empty path", NULL},
    {"[pci]\ndevice = 01:00.0,\n", 2, "unknown option ''", NULL},
    /* [disk NAME] */
    {"[disk]\npath = /a\n", 1, "[disk] needs a name", "[disk system]"},
    {"[disk a b]\npath = /a\n", 1, "not a valid disk name", NULL},
    {"[disk a/b]\npath = /a\n", 1, "not a valid disk name", NULL},
    {"[disk system]\ninterface = sata\n[vm]\n", 1, "[disk system] has no path",
     NULL},
    {"[disk system]\ninterface = sata\n", 1, "[disk system] has no path", NULL},
    {"[disk a]\npath = /a\ninterface = ide\n", 3,
     "interface: invalid value 'ide'", "virtio, sata, nvme or scsi"},
    {"[disk a]\npath = /a\nformat = vmdk\n", 3, "raw or qcow2", NULL},
    {"[disk a]\npath = /a\nmedia = floppy\n", 3, "disk or cdrom", NULL},
    {"[disk a]\npath = /a\ncache = unsafe\n", 3,
     "none, writeback or writethrough", NULL},
    {"[disk a]\npath = /a\nreadonly = ro\n", 3,
     "readonly: 'ro' is not a boolean", NULL},
    {"[disk a]\npath = /a\ndiscard = unmap\n", 3,
     "discard: 'unmap' is not a boolean", NULL},
    {"[disk a]\npath =\n", 2, "path: empty path", NULL},
    {"[disk a]\npath = /a\ninterface = sata\nreadonly = yes\n", 4,
     "[disk a]: a read-only disk cannot use interface = sata",
     "virtio or scsi"},
    {"[disk a]\npath = /a\nreadonly = yes\ninterface = sata\n[vm]\n", 4,
     "a read-only disk cannot use interface = sata", NULL},
    {"[disk a]\npath = /a\nmedia = cdrom\ninterface = nvme\n", 4,
     "[disk a]: media = cdrom needs interface = sata, scsi or virtio", NULL},
    {"[disk a]\npath = /a\ninterface = sata\n[disk b]\npath = /b\n"
     "interface = sata\n[disk c]\npath = /c\ninterface = sata\n"
     "[disk d]\npath = /d\ninterface = sata\n[disk e]\npath = /e\n"
     "interface = sata\n[disk f]\npath = /f\ninterface = sata\n"
     "[disk g]\npath = /g\ninterface = sata\n",
     21, "[disk g]: at most 6 disks may use interface = sata", NULL},
    {"[vm]\nmemory = 16385K\n", 2, "not a whole number of MiB", NULL},
    /* [audio] */
    {"[audio]\nbackend = alsa\n", 2, "invalid value 'alsa'", "none or pulse"},
    {"[audio]\nmodel = ac97\n", 2, "hda-duplex, hda-output or hda-micro", NULL},
    {"[audio]\nrequired = perhaps\n", 2, "required: 'perhaps' is not a boolean",
     NULL},
    {"[audio]\nserver =\n", 2, "server: empty path", NULL},
    /* [usb] */
    {"[usb]\nport = 0-4\n", 2, "port: '0-4' is not a USB port", "1-4.2"},
    {"[usb]\nport = 256-4\n", 2, "not a USB port", NULL},
    {"[usb]\nport = 1-0\n", 2, "not a USB port", NULL},
    {"[usb]\nport = 1-32\n", 2, "not a USB port", NULL},
    {"[usb]\nport = 1-1.2.3.4.5.6.7.8\n", 2, "at most 7 levels", NULL},
    {"[usb]\nport = 1\n", 2, "not a USB port", NULL},
    {"[usb]\nport = 1-\n", 2, "not a USB port", NULL},
    {"[usb]\nport = 1-4.\n", 2, "not a USB port", NULL},
    {"[usb]\nport = 1-4..2\n", 2, "not a USB port", NULL},
    {"[usb]\nport = 1-4:1.0\n", 2, "not a USB port", NULL},
    {"[usb]\nport = 00000000000001-4\n", 2, "not a USB port", NULL},
    {"[usb]\ndevice = 46d:c52b\n", 2,
     "device: '46d:c52b' is not VENDOR:PRODUCT", "046d:c52b"},
    {"[usb]\ndevice = 046d:c52g\n", 2, "not VENDOR:PRODUCT", NULL},
    {"[usb]\ndevice = 046dc52b\n", 2, "not VENDOR:PRODUCT", NULL},
    {"[usb]\ndevice = 046d:c52b0\n", 2, "not VENDOR:PRODUCT", NULL},
    /* [looking-glass] */
    {"[looking-glass]\n", 1, "needs resolution = WIDTHxHEIGHT", "size"},
    {"[looking-glass]\npath = /dev/shm/lg\n", 1, "needs resolution", NULL},
    {"[looking-glass]\nresolution = 1920x1080\nsize = 64M\n", 3,
     "either resolution or size", NULL},
    {"[looking-glass]\nsize = 64M\nresolution = 1920x1080\n", 3,
     "either resolution or size", NULL},
    {"[looking-glass]\nresolution = 1920*1080\n", 2, "not WIDTHxHEIGHT", NULL},
    {"[looking-glass]\nresolution = 0x1080\n", 2, "not WIDTHxHEIGHT", NULL},
    {"[looking-glass]\nresolution = 1920x\n", 2, "not WIDTHxHEIGHT", NULL},
    {"[looking-glass]\nresolution = 16385x100\n", 2, "not WIDTHxHEIGHT", NULL},
    {"[looking-glass]\nsize = 48M\n", 2, "power of two", NULL},
    {"[looking-glass]\nsize = 512K\n", 2, "power of two from 1M", NULL},
    {"[looking-glass]\nsize = 2G\n", 2, "to 1G", NULL},
    {"[looking-glass]\nsize = big\n", 2, "size: 'big'", NULL},
    {"[looking-glass]\nsize = 64M\ngroup = a b\n", 3, "not a valid group name",
     NULL},
    {"[looking-glass]\nsize = 64M\ngroup = -x\n", 3, "not a valid group name",
     NULL},
    {"[looking-glass]\nsize = 64M\npath =\n", 3, "path: empty path", NULL},
    /* [input] */
    {"[input]\nevdev = /dev/input/event0,grab_all=maybe\n", 2,
     "grab_all: 'maybe' is not on or off", NULL},
    {"[input]\nevdev = /dev/input/event0,grab-all=on\n", 2,
     "unknown option 'grab-all=on'", "did you mean 'grab_all'?"},
    {"[input]\nevdev = /dev/input/event0,grab-toggle=f12\n", 2,
     "grab-toggle: invalid value 'f12'", "ctrl-ctrl"},
    {"[input]\nevdev = /dev/input/event0,repeat=on,repeat=off\n", 2,
     "option 'repeat' given twice", NULL},
    {"[input]\nevdev = "
     "/dev/input/event0,grab-toggle=alt-alt,grab-toggle=alt-alt\n",
     2, "option 'grab-toggle' given twice", NULL},
    {"[input]\nevdev =\n", 2, "evdev: empty path", NULL},
    /* [network] */
    {"[network]\nmode = bridge\n", 2, "invalid value 'bridge'",
     "none, user or tap"},
    {"[network]\nmode = tap\n", 2, "mode = tap needs tap = IFNAME", NULL},
    {"[network]\nmode = user\ntap = tap0\n", 3,
     "tap is only used with mode = tap", NULL},
    {"[network]\nmode = tap\ntap = a/b\n", 3, "not a network interface name",
     NULL},
    {"[network]\nmode = tap\ntap = 0123456789abcdef\n", 3,
     "not a network interface name", NULL},
    {"[network]\nmac = 52:54:00:12:34\n", 2,
     "mac: '52:54:00:12:34' is not a MAC address", NULL},
    {"[network]\nmac = 52-54-00-12-34-56\n", 2, "not a MAC address", NULL},
    {"[network]\nmac = 01:00:5e:00:00:01\n", 2, "multicast", NULL},
    {"[network]\nmodel = virtio net\n", 2,
     "model: 'virtio net' is not a valid name", NULL},
    /* [qemu] */
    {"[qemu]\nbinary =\n", 2, "binary: empty value", NULL},
    {"[qemu]\nbinary = qemu -enable-kvm\n", 2, "contains whitespace", NULL},
    {"[qemu]\nextra =\n", 2, "extra: empty value", NULL},
    {"[vm]\nappend = a\x1b[31m\n", 2,
     "append: the value contains a control character (0x1b)", NULL},
    {"[qemu]\nextra = -a\x7f\n", 2, "control character (0x7f)", NULL},
    /* First error wins. */
    {"[vm]\nmemory = x\ncpus = y\n", 2, "memory", NULL},
    {"[usbb]\n[vm]\nmemroy = 1\n", 1, "unknown section", NULL},
    {"[vm]\nfoo\nmemroy = 1\n", 2, "expected 'key = value'", NULL},
    {"[vm]\nmemroy = 1\nfoo\n", 2, "unknown key 'memroy'", NULL},
};

START_TEST(test_errors)
{
	const struct error_case *c = &error_cases[_i];
	/* Strings with an embedded NUL need their real length. */
	if (strstr(c->needle1, "NUL")) {
		struct profile *p = (struct profile *)0x1;
		struct profile_error err;
		static const char text[] = "[vm]\nx\0y = 1\n";
		FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
		ck_assert_int_eq(profile_load_file(f, PATH, &p, &err), -EINVAL);
		fclose(f);
		ck_assert_ptr_eq(p, (struct profile *)0x1);
		ck_assert_uint_eq(err.line, c->line);
		ck_assert_ptr_nonnull(strstr(err.message, c->needle1));
		return;
	}
	if (c->needle2)
		expect_error(c->text, c->line, c->needle1, c->needle2);
	else
		expect_error(c->text, c->line, c->needle1);
}
END_TEST

START_TEST(test_error_table_size)
{
	ck_assert_uint_eq(ELEMENTSOF(error_cases), 153);
}
END_TEST

/*
 * Lines longer than inih's buffer (200 bytes in Debian's build) are split
 * by the parser itself, with inih's rules: the same profile, written with
 * short or long lines, gives the same result.
 */
START_TEST(test_long_lines)
{
	char text[4096], pad[600], smbios[400];

	memset(pad, ' ', 500);
	pad[500] = '\0';
	memset(smbios, 'x', 300);
	smbios[300] = '\0';
	snprintf(text, sizeof(text),
		 "[vm]\nkernel = /k\nappend%s=%sroot=/dev/vda1 %s ; comment%s\n"
		 "[qemu]\nextra = -smbios type=1,serial=%s\n"
		 "; a long comment%s\n"
		 "[pci]\ndevice = 01:00.0,x-vga  ;%s\n",
		 pad, pad, smbios, pad, smbios, pad, pad);
	ck_assert_uint_gt(strlen(text), 1500);
	_cleanup_profile_ struct profile *p = load_ok(text);
	char want[512];
	snprintf(want, sizeof(want), "root=/dev/vda1 %s", smbios);
	ck_assert_str_eq(p->append, want);
	ck_assert_uint_eq(p->n_qemu_extra, 2);
	snprintf(want, sizeof(want), "type=1,serial=%s", smbios);
	ck_assert_str_eq(p->qemu_extra[1], want);
	ck_assert_uint_eq(p->n_pci, 1);
	ck_assert(p->pci[0].x_vga);
	ck_assert_uint_eq(p->pci[0].line, 8);

	/* Errors on long lines carry their line and the usual messages. */
	snprintf(text, sizeof(text), "[vm]\nappend %s\n", smbios);
	expect_error(text, 2, "expected 'key = value'");
	snprintf(text, sizeof(text), "[vm]\nname ;%s = x\n", smbios);
	expect_error(text, 2, "expected 'key = value'");
	snprintf(text, sizeof(text), "[vm]\nmemroy = 1G%s;\n", pad);
	expect_error(text, 2, "unknown key 'memroy'", "did you mean 'memory'?");
	snprintf(text, sizeof(text), "[vm]\nmemory = 1G%s;x\nmemory = 2G %s\n",
		 pad, pad);
	expect_error(text, 3, "'memory' is already set at line 2");
	snprintf(text, sizeof(text), "[disk %s]\npath = /a\n", smbios);
	expect_error(text, 1, "section header is too long");
	snprintf(text, sizeof(text), "[vm]\nappend = %s\x01\n", smbios);
	expect_error(text, 2, "control character");
}
END_TEST

/* The full text a user sees, as the command layer prints it. */
START_TEST(test_error_format)
{
	struct profile *p = NULL;
	struct profile_error err;
	char full[5000];

	ck_assert_int_eq(load_string("[vm]\nname = a\nmemroy = 4G\n",
				     "/home/u/win.conf", &p, &err),
			 -EINVAL);
	snprintf(full, sizeof(full), "%s:%u: %s", err.file, err.line,
		 err.message);
	ck_assert_str_eq(full,
			 "/home/u/win.conf:3: unknown key 'memroy' in [vm] "
			 "(did you mean 'memory'?)");
}
END_TEST

/* ---------------------------------------------------- files on disk */

START_TEST(test_load_missing_file)
{
	struct profile *p = (struct profile *)0x1;
	struct profile_error err;

	ck_assert_int_eq(
	    profile_load("/nonexistent/vfio-launch-test.conf", &p, &err),
	    -ENOENT);
	ck_assert_ptr_eq(p, (struct profile *)0x1);
	ck_assert_str_eq(err.file, "/nonexistent/vfio-launch-test.conf");
	ck_assert_uint_eq(err.line, 0);
	ck_assert_ptr_nonnull(strstr(err.message, "cannot open"));

	ck_assert_int_eq(profile_load(TOP_SRCDIR "/profiles", &p, &err),
			 -EISDIR);
	ck_assert_ptr_eq(p, (struct profile *)0x1);
	ck_assert_ptr_nonnull(strstr(err.message, "directory"));
}
END_TEST

/* A stream that cannot be read (here: opened for writing only). */
START_TEST(test_read_error)
{
	struct profile *p = (struct profile *)0x1;
	struct profile_error err;
	_cleanup_fclose_ FILE *f = fopen("/dev/null", "we");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(profile_load_file(f, PATH, &p, &err), -EIO);
	ck_assert_ptr_eq(p, (struct profile *)0x1);
	ck_assert_str_eq(err.file, PATH);
	ck_assert_uint_eq(err.line, 0);
	ck_assert_str_eq(err.message, "read error");
}
END_TEST

/* A line without end (here 100 KiB without a newline) is refused, not
 * read into memory without bound. */
START_TEST(test_endless_line)
{
	size_t len = 100 * 1024;
	_cleanup_free_ char *text = malloc(len + 1);

	ck_assert_ptr_nonnull(text);
	memcpy(text, "[vm]\nappend = ", 14);
	memset(text + 14, 'a', len - 14);
	text[len] = '\0';
	expect_error(text, 2, "line is too long (more than 65534 bytes)");
}
END_TEST

static size_t count_conf(const char *dir, char names[][256], size_t max)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len > 5 && strcmp(de->d_name + len - 5, ".conf") == 0 &&
		    n < max)
			snprintf(names[n++], 256, "%s", de->d_name);
	}
	return n;
}

/* Every example profile in profiles/ parses and can be rendered. */
START_TEST(test_example_profiles)
{
	char names[64][256], path[4096];
	size_t n = count_conf(TOP_SRCDIR "/profiles", names, 64);

	ck_assert_uint_ge(n, 3);
	set_home();
	for (size_t i = 0; i < n; i++) {
		struct profile *p = NULL;
		struct profile_error err;
		snprintf(path, sizeof(path), "%s/profiles/%s", TOP_SRCDIR,
			 names[i]);
		int r = profile_load(path, &p, &err);
		ck_assert_msg(r == 0, "%s:%u: %s", err.file, err.line,
			      err.message);
		/* ... and is one the renderer accepts. */
		const char *why = render_validate(p);
		ck_assert_msg(why == NULL, "%s: %s", names[i], why);
		profile_free(p);
	}
}
END_TEST

START_TEST(test_example_win10)
{
	struct profile *p = NULL;
	struct profile_error err;

	set_home();
	ck_assert_int_eq(
	    profile_load(TOP_SRCDIR "/profiles/win10-gpu.conf", &p, &err), 0);
	ck_assert_str_eq(p->name, "win10");
	ck_assert_int_eq(p->firmware, FIRMWARE_UEFI);
	ck_assert(p->hide_hypervisor);
	ck_assert(p->hugepages);
	ck_assert_uint_eq(p->n_pci, 2);
	ck_assert_str_eq(p->pci[0].bdf, "0000:01:00.0");
	ck_assert(p->pci[0].x_vga);
	ck_assert_str_eq(p->pci[1].bdf, "0000:01:00.1");
	ck_assert_int_eq(p->disks[0].interface, DISK_NVME);
	ck_assert(startswith(p->disks[0].path, "/dev/disk/by-id/nvme-"));
	ck_assert_int_eq(p->audio_backend, AUDIO_PULSE);
	ck_assert_uint_eq(p->lg_width, 2560);
	ck_assert_uint_eq(p->lg_height, 1440);
	ck_assert_uint_ge(p->n_evdev, 2);
	ck_assert(p->evdev[0].grab_all);
	ck_assert_uint_ge(p->n_usb, 1);
	profile_free(p);
}
END_TEST

/*
 * tests/data/profiles/valid/NAME.conf must parse; each invalid/NAME.conf starts
 * with a line "; expect: LINE: TEXT" and must fail on LINE with TEXT in
 * the message.
 */
START_TEST(test_fixtures)
{
	char names[128][256], path[4096];
	size_t n;

	set_home();
	n = count_conf(TOP_SRCDIR "/tests/data/profiles/valid", names, 128);
	ck_assert_uint_ge(n, 2);
	for (size_t i = 0; i < n; i++) {
		struct profile *p = NULL;
		struct profile_error err;
		snprintf(path, sizeof(path), "%s/tests/data/profiles/valid/%s",
			 TOP_SRCDIR, names[i]);
		int r = profile_load(path, &p, &err);
		ck_assert_msg(r == 0, "%s:%u: %s", err.file, err.line,
			      err.message);
		profile_free(p);
	}

	n = count_conf(TOP_SRCDIR "/tests/data/profiles/invalid", names, 128);
	ck_assert_uint_ge(n, 5);
	for (size_t i = 0; i < n; i++) {
		struct profile *p = NULL;
		struct profile_error err;
		char first[512], want[400];
		unsigned line;

		snprintf(path, sizeof(path),
			 "%s/tests/data/profiles/invalid/%s", TOP_SRCDIR,
			 names[i]);
		_cleanup_fclose_ FILE *f = fopen(path, "re");
		ck_assert_ptr_nonnull(f);
		ck_assert_ptr_nonnull(fgets(first, sizeof(first), f));
		first[strcspn(first, "\n")] = '\0';
		ck_assert_msg(
		    sscanf(first, "; expect: %u: %399[^\n]", &line, want) == 2,
		    "%s: first line must be '; expect: LINE: TEXT'", names[i]);
		int r = profile_load(path, &p, &err);
		ck_assert_msg(r == -EINVAL, "%s: expected an error", names[i]);
		ck_assert_str_eq(err.file, path);
		ck_assert_msg(err.line == line, "%s: line %u, expected %u (%s)",
			      names[i], err.line, line, err.message);
		ck_assert_msg(strstr(err.message, want), "%s: '%s' not in '%s'",
			      names[i], want, err.message);
	}
}
END_TEST

/* --------------------------------------------------- the key table */

struct key_row {
	char section[32], key[32], type[96], def[64], desc[256];
};

static size_t read_keys(struct key_row *rows, size_t max)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, n = 0;
	FILE *f = open_memstream(&buf, &len);
	char *line, *save = NULL;

	ck_assert_ptr_nonnull(f);
	profile_print_keys(f);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *fields[5], *fsave = NULL;
		size_t nf = 0;
		for (char *t = strtok_r(line, "\t", &fsave); t && nf < 5;
		     t = strtok_r(NULL, "\t", &fsave))
			fields[nf++] = t;
		ck_assert_msg(nf == 5, "key table line with %zu fields", nf);
		ck_assert_uint_lt(n, max);
		snprintf(rows[n].section, sizeof(rows[n].section), "%s",
			 fields[0]);
		snprintf(rows[n].key, sizeof(rows[n].key), "%s", fields[1]);
		snprintf(rows[n].type, sizeof(rows[n].type), "%s", fields[2]);
		snprintf(rows[n].def, sizeof(rows[n].def), "%s", fields[3]);
		snprintf(rows[n].desc, sizeof(rows[n].desc), "%s", fields[4]);
		n++;
	}
	return n;
}

START_TEST(test_print_keys)
{
	struct key_row rows[64];
	size_t n = read_keys(rows, 64);

	ck_assert_uint_eq(n, N_KEYS);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(strlen(rows[i].desc) > 10, "%s: no description",
			      rows[i].key);
		for (size_t j = 0; j < i; j++)
			ck_assert_msg(
			    strcmp(rows[i].section, rows[j].section) != 0 ||
				strcmp(rows[i].key, rows[j].key) != 0,
			    "[%s] %s twice", rows[i].section, rows[i].key);
	}
	/* Spot checks of the format "section key type default description". */
	ck_assert_str_eq(rows[0].section, "vm");
	ck_assert_str_eq(rows[0].key, "name");
	ck_assert_str_eq(rows[1].key, "memory");
	ck_assert_str_eq(rows[1].type, "SIZE");
	ck_assert_str_eq(rows[1].def, "1G");
	ck_assert_str_eq(rows[5].key, "accel");
	ck_assert_str_eq(rows[5].type, "auto|kvm|tcg");
	ck_assert_str_eq(rows[n - 1].section, "qemu");
	ck_assert_str_eq(rows[n - 1].key, "extra");
	ck_assert_ptr_nonnull(strstr(rows[n - 1].desc, "repeatable"));
}
END_TEST

/* Each key of the table, written into a profile, is recognised. */
START_TEST(test_every_key_known)
{
	struct key_row rows[64];
	size_t n = read_keys(rows, 64);

	for (size_t i = 0; i < n; i++) {
		char text[256];
		struct profile *p = NULL;
		struct profile_error err;
		snprintf(text, sizeof(text), "[%.31s%s]\n%.31s = \x01\n",
			 rows[i].section,
			 strcmp(rows[i].section, "disk") == 0 ? " d" : "",
			 rows[i].key);
		set_home();
		ck_assert_int_eq(load_string(text, PATH, &p, &err), -EINVAL);
		/* Rejected for its value, never as an unknown key. */
		ck_assert_msg(strstr(err.message, "control character"),
			      "[%s] %s: %s", rows[i].section, rows[i].key,
			      err.message);
	}
}
END_TEST

START_TEST(test_to_string)
{
	ck_assert_str_eq(accel_to_string(ACCEL_AUTO), "auto");
	ck_assert_str_eq(accel_to_string(ACCEL_KVM), "kvm");
	ck_assert_str_eq(accel_to_string(ACCEL_TCG), "tcg");
	ck_assert_ptr_null(accel_to_string((enum accel)3));
	ck_assert_str_eq(disk_interface_to_string(DISK_VIRTIO), "virtio");
	ck_assert_str_eq(disk_interface_to_string(DISK_SATA), "sata");
	ck_assert_str_eq(disk_interface_to_string(DISK_NVME), "nvme");
	ck_assert_str_eq(disk_interface_to_string(DISK_SCSI), "scsi");
	ck_assert_ptr_null(disk_interface_to_string((enum disk_interface)4));
}
END_TEST

/* ------------------------------------------------ the documentation */

static char *read_file(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert(getdelim(&buf, &len, '\0', f) > 0);
	return buf;
}

static const char *doc_section(const char *section)
{
	return strcmp(section, "disk") == 0 ? "disk NAME" : section;
}

/* Every key has a row "| `[section]` | `key` |" in the README's profile
 * reference (between its marker and the next one). */
START_TEST(test_readme_documents_every_key)
{
	_cleanup_free_ char *readme = read_file(TOP_SRCDIR "/README.md");
	struct key_row rows[64];
	size_t n = read_keys(rows, 64);
	char *start = strstr(readme, "<!-- section: profile -->"), *end;

	ck_assert_ptr_nonnull(start);
	end = strstr(start + 1, "<!-- section:");
	if (end)
		*end = '\0';
	for (size_t i = 0; i < n; i++) {
		char row[128];
		snprintf(row, sizeof(row), "| `[%.31s]` | `%.31s` |",
			 doc_section(rows[i].section), rows[i].key);
		const char *r = strstr(start, row);
		ck_assert_msg(r, "README profile table lacks: %s", row);

		/* The row's value syntax and default are the table's. */
		_cleanup_free_ char *line = strndup(r, strcspn(r, "\n"));
		char want[160];
		size_t w = 0;
		want[w++] = '`';
		for (const char *c = rows[i].type; *c && w < sizeof(want) - 3;
		     c++) {
			if (*c == '|')
				want[w++] = '\\';
			want[w++] = *c;
		}
		want[w++] = '`';
		want[w] = '\0';
		ck_assert_msg(strstr(line, want), "README row for %s lacks %s",
			      rows[i].key, want);
		if (strcmp(rows[i].def, "-") != 0 && rows[i].def[0] != '(') {
			snprintf(want, sizeof(want), "| `%.60s` |",
				 rows[i].def);
			ck_assert_msg(strstr(line, want),
				      "README row for %s lacks the default %s",
				      rows[i].key, want);
		}
	}
}
END_TEST

/* Every key is an entry "*key* = ..." under the heading "## [section]" of
 * vfio-launch.conf.5.scd. */
START_TEST(test_manpage_documents_every_key)
{
	_cleanup_free_ char *scd =
	    read_file(TOP_SRCDIR "/launcher/vfio-launch.conf.5.scd");
	struct key_row rows[64];
	size_t n = read_keys(rows, 64);

	for (size_t i = 0; i < n; i++) {
		char heading[64], entry[64];
		snprintf(heading, sizeof(heading), "\n## [%.31s]\n",
			 doc_section(rows[i].section));
		snprintf(entry, sizeof(entry), "\n*%.31s* =", rows[i].key);
		const char *h = strstr(scd, heading);
		ck_assert_msg(h, "man page lacks the heading %s", heading + 1);
		const char *next = strstr(h + 1, "\n## ");
		const char *e = strstr(h, entry);
		ck_assert_msg(e && (!next || e < next),
			      "man page lacks %s under %s", entry + 1,
			      heading + 1);

		/* The entry (up to the next entry or heading), unescaped,
		 * states the table's default as "Default: *X*" or "Default:
		 * _X_". */
		if (strcmp(rows[i].def, "-") == 0 || rows[i].def[0] == '(')
			continue;
		const char *stop = strstr(e + 1, "\n*");
		if (!stop || (next && next < stop))
			stop = next ? next : e + strlen(e);
		char text[2048], bold[96], ital[96];
		size_t t = 0;
		for (const char *c = e; c < stop && t < sizeof(text) - 1; c++)
			if (*c != '\\')
				text[t++] = *c;
		text[t] = '\0';
		snprintf(bold, sizeof(bold), "Default: *%.60s*", rows[i].def);
		snprintf(ital, sizeof(ital), "Default: _%.60s_", rows[i].def);
		ck_assert_msg(strstr(text, bold) || strstr(text, ital),
			      "man page entry %s does not say %s", entry + 1,
			      bold);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("profile");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_empty_file);
	tcase_add_test(tc, test_vm_keys);
	tcase_add_test(tc, test_vm_enums);
	tcase_add_test(tc, test_vm_topology_sets_cpus);
	tcase_add_test(tc, test_vm_sizes);
	tcase_add_test(tc, test_vm_empty_append);
	tcase_add_test(tc, test_pci);
	tcase_add_test(tc, test_disk);
	tcase_add_test(tc, test_disk_keys_per_disk);
	tcase_add_test(tc, test_audio);
	tcase_add_test(tc, test_usb);
	tcase_add_test(tc, test_usb_empty_section);
	tcase_add_test(tc, test_looking_glass);
	tcase_add_test(tc, test_input);
	tcase_add_test(tc, test_input_grab_toggle_values);
	tcase_add_test(tc, test_network);
	tcase_add_test(tc, test_qemu);
	tcase_add_test(tc, test_syntax);
	tcase_add_test(tc, test_paths);
	tcase_add_test(tc, test_relative_profile_path);
	tcase_add_test(tc, test_home_unset);
	tcase_add_test(tc, test_default_name);
	tcase_add_loop_test(tc, test_errors, 0, (int)ELEMENTSOF(error_cases));
	tcase_add_test(tc, test_error_table_size);
	tcase_add_test(tc, test_long_lines);
	tcase_add_test(tc, test_error_format);
	tcase_add_test(tc, test_load_missing_file);
	tcase_add_test(tc, test_endless_line);
	tcase_add_test(tc, test_read_error);
	tcase_add_test(tc, test_example_profiles);
	tcase_add_test(tc, test_example_win10);
	tcase_add_test(tc, test_fixtures);
	tcase_add_test(tc, test_print_keys);
	tcase_add_test(tc, test_every_key_known);
	tcase_add_test(tc, test_to_string);
	tcase_add_test(tc, test_readme_documents_every_key);
	tcase_add_test(tc, test_manpage_documents_every_key);
	suite_add_tcase(s, tc);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
