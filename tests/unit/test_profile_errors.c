// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The profile parser's error paths (the FILE:LINE and the message, not
 * just the return code), files on disk, the example profiles and the
 * fixtures in tests/data/profiles/.
 */
#include "profile_test.h"

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
    {"[vm]\ndisplay = vnc\n", 2, "invalid value 'vnc'", "none, gtk, sdl or spice"},
    {"[vm]\nsandbox = maybe\n", 2, "invalid value 'maybe'",
     "on, strict, reduced or off"},
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
    {"[network]\nmode = hub\n", 2, "invalid value 'hub'",
     "none, user, tap or bridge"},
    {"[network]\nmode = bridge\n", 2, "mode = bridge needs bridge = IFNAME",
     NULL},
    {"[network]\nmode = tap\ntap = t0\nbridge = br0\n", 4,
     "bridge is only used with mode = bridge", NULL},
    {"[network]\nmode = bridge\nbridge = br0/x\n", 3,
     "not a network interface name", NULL},
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
	ck_assert_uint_eq(ELEMENTSOF(error_cases), 156);
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

/* ------------------------------------------------ all errors at once */

/* Loads text, expecting -EINVAL with exactly n errors on lines[], each
 * message containing needles[] (NULL: anything). */
static void expect_errors(const char *text, size_t n, const unsigned *lines,
			  const char *const *needles, struct profile_error *err)
{
	struct profile *p = NULL;

	set_home();
	ck_assert_int_eq(load_string(text, PATH, &p, err), -EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_msg(err->n == n, "%zu errors, expected %zu; first: %u: %s",
		      err->n, n, err->line, err->message);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(err->all[i].line == lines[i],
			      "error %zu on line %u, expected %u (%s)", i,
			      err->all[i].line, lines[i], err->all[i].message);
		if (needles[i])
			ck_assert_msg(strstr(err->all[i].message, needles[i]),
				      "'%s' not in '%s'", needles[i],
				      err->all[i].message);
	}
	/* the summary fields are the first error */
	ck_assert_uint_eq(err->line, lines[0]);
	ck_assert_str_eq(err->message, err->all[0].message);
	ck_assert_str_eq(err->file, PATH);
}

START_TEST(test_all_errors_one_run)
{
	struct profile_error err;
	static const unsigned lines[] = {2, 3, 5, 6};
	static const char *const needles[] = {
	    "unknown key 'memroy'", "unknown key 'cpu'",
	    "expected 'key = value'", "unknown key 'paht' in [disk a]"};

	expect_errors("[vm]\nmemroy = 4G\ncpu = 2\n[disk a]\nstray line\n"
		      "paht = /x.img\n",
		      4, lines, needles, &err);
	ck_assert(!err.truncated);
}
END_TEST

/* A bad section header: its keys are skipped, not reported one by one;
 * the next good section is read again. */
START_TEST(test_bad_section_skipped)
{
	struct profile_error err;
	static const unsigned lines[] = {1, 4, 5, 7};
	static const char *const needles[] = {"unknown section [machine]",
					      "did you mean 'memory'?",
					      "without ']'", "[disk] needs a name"};

	expect_errors("[machine]\nfoo = 1\n[vm]\nmemroy = 1G\n"
		      "[usb\nport = x\n[disk]\npath = /x\n",
		      4, lines, needles, &err);
}
END_TEST

/* Whole-profile and whole-section rules run only on a profile without a
 * bad line: "initrd needs kernel" or "[disk a] has no path" would repeat
 * the mistake already reported. */
START_TEST(test_no_follow_on_errors)
{
	struct profile_error err;
	static const unsigned one[] = {2};
	static const char *const mem[] = {"memory"};
	static const char *const paht[] = {"unknown key 'paht'"};

	expect_errors("[vm]\nmemory = lots\ninitrd = /boot/initrd.img\n", 1,
		      one, mem, &err);
	expect_errors("[disk a]\npaht = /x.img\n", 1, one, paht, &err);
}
END_TEST

START_TEST(test_error_limit)
{
	struct profile *p = NULL;
	struct profile_error err;
	char text[2048] = "[vm]\n";

	for (int i = 0; i < PROFILE_MAX_ERRORS + 10; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "bogus%d = 1\n", i);
	set_home();
	ck_assert_int_eq(load_string(text, PATH, &p, &err), -EINVAL);
	ck_assert_uint_eq(err.n, PROFILE_MAX_ERRORS);
	ck_assert(err.truncated);
	ck_assert_uint_eq(err.all[0].line, 2);
	ck_assert_uint_eq(err.all[PROFILE_MAX_ERRORS - 1].line,
			  PROFILE_MAX_ERRORS + 1);
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

int main(void)
{
	Suite *s = suite_create("profile_errors");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_errors, 0, (int)ELEMENTSOF(error_cases));
	tcase_add_test(tc, test_error_table_size);
	tcase_add_test(tc, test_long_lines);
	tcase_add_test(tc, test_error_format);
	tcase_add_test(tc, test_all_errors_one_run);
	tcase_add_test(tc, test_bad_section_skipped);
	tcase_add_test(tc, test_no_follow_on_errors);
	tcase_add_test(tc, test_error_limit);
	tcase_add_test(tc, test_load_missing_file);
	tcase_add_test(tc, test_endless_line);
	tcase_add_test(tc, test_read_error);
	tcase_add_test(tc, test_example_profiles);
	tcase_add_test(tc, test_example_win10);
	tcase_add_test(tc, test_fixtures);
	suite_add_tcase(s, tc);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
