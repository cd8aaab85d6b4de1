// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The profile parser, key by key: every section's keys and defaults,
 * syntax, paths and the VM's name. Errors are in test_profile_errors.c,
 * the key table and its documentation in test_profile_keys.c.
 */
#include "profile_test.h"

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

/* [vm] guest, rtc, uuid; [cpu] features; [smbios] mode. */
START_TEST(test_tuning_keys)
{
	set_home();
	_cleanup_profile_ struct profile *p = load_ok(
	    "[vm]\nguest = windows\nrtc = utc\nuuid = 0F8FAD5B-D9CB-469F-A165-70867728950E\n"
	    "[cpu]\nfeatures = +invtsc, -hle  tsc-frequency=2000000000\n"
	    "[smbios]\nmode = host\n");
	ck_assert_int_eq(p->guest, GUEST_WINDOWS);
	ck_assert_int_eq(p->rtc, RTC_UTC);
	ck_assert_str_eq(p->uuid, "0f8fad5b-d9cb-469f-a165-70867728950e");
	ck_assert_str_eq(p->cpu_features, "+invtsc,-hle,tsc-frequency=2000000000");
	ck_assert(profile_wants_invtsc(p));
	ck_assert_int_eq(p->smbios, SMBIOS_HOST);

	_cleanup_profile_ struct profile *d = load_ok("[vm]\nuuid = auto\n[cpu]\nfeatures = +invtscx\n");
	ck_assert_int_eq(d->guest, GUEST_OTHER);
	ck_assert_int_eq(d->rtc, RTC_AUTO);
	ck_assert_int_eq(d->smbios, SMBIOS_NONE);
	ck_assert_str_eq(d->uuid, "auto");
	ck_assert(!profile_wants_invtsc(d));

	/* secure-boot: the enrolled OVMF pair unless the profile names one */
	_cleanup_profile_ struct profile *s =
	    load_ok("[vm]\nfirmware = uefi\nsecure-boot = yes\n");
	ck_assert(s->secure_boot);
	ck_assert_str_eq(s->ovmf_code, "/usr/share/OVMF/OVMF_CODE_4M.ms.fd");
	ck_assert_str_eq(s->ovmf_vars, "/usr/share/OVMF/OVMF_VARS_4M.ms.fd");
	_cleanup_profile_ struct profile *s2 = load_ok(
	    "[vm]\nfirmware = uefi\novmf-vars = /fw/v.fd\nsecure-boot = yes\n");
	ck_assert_str_eq(s2->ovmf_code, "/usr/share/OVMF/OVMF_CODE_4M.ms.fd");
	ck_assert_str_eq(s2->ovmf_vars, "/fw/v.fd");
	expect_error("[vm]\nsecure-boot = yes\n", 2, "needs firmware = uefi");

	expect_error("[vm]\nuuid = 1234\n", 2, "not a UUID");
	expect_error("[vm]\nuuid = 0f8fad5b-d9cb-469f-a165-70867728950g\n", 2, "not a UUID");
	expect_error("[cpu]\nfeatures = invtsc\n", 2, "not a CPU flag");
	expect_error("[cpu]\nfeatures = +a;b\n", 2, "not a CPU flag");
	expect_error("[cpu]\nfeatures = ,\n", 2, "empty value");
	expect_error("[vm]\nguest = win\n", 2, "allowed: other, linux or windows");
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

int main(void)
{
	Suite *s = suite_create("profile");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_empty_file);
	tcase_add_test(tc, test_vm_keys);
	tcase_add_test(tc, test_vm_enums);
	tcase_add_test(tc, test_vm_topology_sets_cpus);
	tcase_add_test(tc, test_tuning_keys);
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
	suite_add_tcase(s, tc);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
