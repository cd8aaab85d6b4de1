// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * render.c: golden files (tests/data/golden/NAME.conf -> NAME.argv, one
 * argument per line) and hand-built profiles.
 *
 * A golden profile may start with a comment line that sets the render_env
 * the check stage would have resolved:
 *   ; env: accel=auto|kvm|tcg paused=yes audio-disabled=yes lg-size=64M
 *   ;      audio-server=PATH usb=BUS:PORT,-,...   ('-': unresolved)
 *   ;      qemu=profile   (no resolved QEMU path: the profile's binary)
 *   ;      uuid=UUID      (the [vm] uuid = auto the check resolved)
 *   ;      dmi=fake       (the host DMI strings of fake_dmi below)
 * Defaults: accel=kvm, nothing else. The QEMU path is
 * /usr/bin/qemu-system-x86_64, XDG_RUNTIME_DIR=/run/user/1000 and
 * XDG_STATE_HOME=/home/u/.local/state.
 * To regenerate after a deliberate change: GOLDEN_UPDATE=1 build/tests/test_render
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "paths.h"
#include "profile.h"
#include "render.h"
#include "smbios.h"

#define GOLDEN_DIR TOP_SRCDIR "/tests/data/golden"
#define QEMU "/usr/bin/qemu-system-x86_64"

static void set_env(void)
{
	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	setenv("XDG_STATE_HOME", "/home/u/.local/state", 1);
	setenv("HOME", "/home/u", 1);
}

/* A host's DMI strings as smbios_read would find them: one with a comma
 * (QEMU's escaping), fields left out (not rendered), and type 3. */
static struct smbios_host fake_dmi = {
	.found = true,
	.v = {
		[SMBIOS_BIOS_VENDOR] = (char *)"American Megatrends Inc.",
		[SMBIOS_BIOS_VERSION] = (char *)"F20",
		[SMBIOS_BIOS_DATE] = (char *)"11/07/2023",
		[SMBIOS_SYS_VENDOR] = (char *)"Gigabyte Technology Co., Ltd.",
		[SMBIOS_PRODUCT_NAME] = (char *)"X570 AORUS ELITE",
		[SMBIOS_BOARD_VENDOR] = (char *)"Gigabyte Technology Co., Ltd.",
		[SMBIOS_BOARD_NAME] = (char *)"X570 AORUS ELITE",
		[SMBIOS_BOARD_VERSION] = (char *)"x.x",
		[SMBIOS_CHASSIS_VENDOR] = (char *)"Default string",
	},
};
static char golden_uuid[37];

/* Parses the "; env:" lines of a golden profile into env and usb[]. */
static void parse_env_comment(const char *conf, struct render_env *env,
			      struct usb_resolved *usb, size_t max_usb, char *server,
			      size_t server_len)
{
	FILE *f = fopen(conf, "re");
	char line[1024];

	ck_assert_ptr_nonnull(f);
	env->accel = ACCEL_KVM;
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL;
		if (!startswith(line, "; env:") && !startswith(line, ";      "))
			break;
		for (char *w = strtok_r(line + 6, " \t\n", &save); w;
		     w = strtok_r(NULL, " \t\n", &save)) {
			if (strcmp(w, "accel=auto") == 0)
				env->accel = ACCEL_AUTO;
			else if (strcmp(w, "accel=kvm") == 0)
				env->accel = ACCEL_KVM;
			else if (strcmp(w, "accel=tcg") == 0)
				env->accel = ACCEL_TCG;
			else if (strcmp(w, "qemu=profile") == 0)
				env->qemu_path = NULL;
			else if (strcmp(w, "paused=yes") == 0)
				env->paused = true;
			else if (strcmp(w, "dmi=fake") == 0)
				env->smbios = &fake_dmi;
			else if (startswith(w, "hugepages-path="))
				env->hugepages_path = strdup(w + 15); /* leaked: one per file */
			else if (startswith(w, "uuid=")) {
				snprintf(golden_uuid, sizeof(golden_uuid), "%s", w + 5);
				env->uuid = golden_uuid;
			} else if (strcmp(w, "audio-disabled=yes") == 0)
				env->audio_disabled = true;
			else if (startswith(w, "lg-size="))
				ck_assert_int_eq(parse_size(w + 8, 1, UINT64_MAX, &env->lg_size), 0);
			else if (startswith(w, "audio-server=")) {
				snprintf(server, server_len, "%s", w + 13);
				env->audio_server = server;
			} else if (startswith(w, "usb=")) {
				char *s2 = NULL;
				size_t i = 0;
				for (char *u = strtok_r(w + 4, ",", &s2); u; u = strtok_r(NULL, ",", &s2), i++) {
					ck_assert_uint_lt(i, max_usb);
					if (strcmp(u, "-") == 0)
						continue;
					ck_assert_int_eq(sscanf(u, "%u:%31s", &usb[i].hostbus, usb[i].hostport), 2);
					usb[i].resolved = true;
				}
				env->usb = usb;
			} else {
				ck_abort_msg("%s: unknown env word '%s'", conf, w);
			}
		}
	}
	fclose(f);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = strdup("");
	}
	fclose(f);
	return buf;
}

static int golden_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 5 && strcmp(d->d_name + n - 5, ".conf") == 0;
}

START_TEST(test_golden)
{
	struct dirent **names = NULL;
	int n = scandir(GOLDEN_DIR, &names, golden_name, alphasort);
	int checked = 0;

	set_env();
	ck_assert_msg(n >= 6, "expected at least 6 golden profiles in %s", GOLDEN_DIR);
	for (int i = 0; i < n; i++) {
		char conf[512], argv_path[512], server[256] = "";
		struct usb_resolved usb[16] = { 0 };
		struct render_env env = { .qemu_path = QEMU };
		struct profile *p = NULL;
		struct profile_error err = { 0 };
		struct vm_paths paths = { 0 };
		struct strv out = { 0 };
		_cleanup_free_ char *expected = NULL, *got = NULL;
		size_t len = 0;
		FILE *mem;

		snprintf(conf, sizeof(conf), "%s/%s", GOLDEN_DIR, names[i]->d_name);
		snprintf(argv_path, sizeof(argv_path), "%.*s.argv", (int)(strlen(conf) - 5), conf);
		parse_env_comment(conf, &env, usb, ELEMENTSOF(usb), server, sizeof(server));
		ck_assert_msg(profile_load(conf, &p, &err) == 0, "%s:%u: %s", err.file, err.line,
			      err.message);
		ck_assert_int_eq(vm_paths_init(p, &paths), 0);
		env.paths = &paths;
		ck_assert_msg(render_validate(p) == NULL, "%s: %s", conf, render_validate(p));
		ck_assert_int_eq(render_argv(p, &env, &out), 0);

		mem = open_memstream(&got, &len);
		for (size_t k = 0; k < out.n; k++)
			fprintf(mem, "%s\n", out.v[k]);
		fclose(mem);
		if (getenv("GOLDEN_UPDATE")) {
			FILE *w = fopen(argv_path, "we");
			ck_assert_ptr_nonnull(w);
			fputs(got, w);
			fclose(w);
		}
		expected = read_all(argv_path);
		ck_assert_msg(expected != NULL, "%s missing", argv_path);
		ck_assert_msg(strcmp(expected, got) == 0, "%s renders differently:\n--- expected\n%s--- got\n%s",
			      names[i]->d_name, expected, got);
		checked++;

		strv_clear(&out);
		vm_paths_clear(&paths);
		profile_free(p);
		free(names[i]);
	}
	free(names);
	ck_assert_int_eq(checked, n);
}
END_TEST

/* ------------------------------------------------- hand-built profiles */

static struct vm_paths fixed_paths = {
	.runtime_dir = "/r/vfio-launch/t",
	.qmp_socket = "/r/vfio-launch/t/qmp.sock",
	.lock_file = "/r/vfio-launch/t/lock",
	.state_dir = "/s/vfio-launch/t",
	.ovmf_vars = "/s/vfio-launch/t/OVMF_VARS.fd",
};

static struct profile base_profile(void)
{
	return (struct profile){
		.file = "/p/t.conf",
		.name = "t",
		.memory = 1ULL << 30,
		.cpus = 1,
		.machine = "q35",
		.accel = ACCEL_AUTO,
		.sandbox = SANDBOX_ON,
		.qemu_binary = "qemu-system-x86_64",
	};
}

/* Index of the argument equal to s, or -1. */
static int find_arg(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return (int)i;
	return -1;
}

/* The value following flag whose value starts with prefix, or NULL. */
static const char *arg_value(const struct strv *sv, const char *flag, const char *prefix)
{
	for (size_t i = 0; i + 1 < sv->n; i++)
		if (strcmp(sv->v[i], flag) == 0 && startswith(sv->v[i + 1], prefix))
			return sv->v[i + 1];
	return NULL;
}

START_TEST(test_always_there)
{
	struct profile p = base_profile();
	struct render_env env = { .paths = &fixed_paths, .accel = ACCEL_TCG };
	struct strv sv = { 0 };

	ck_assert_int_eq(render_argv(&p, &env, &sv), 0);
	ck_assert_str_eq(sv.v[0], "qemu-system-x86_64");
	ck_assert_int_ge(find_arg(&sv, "-nodefaults"), 1);
	ck_assert_int_ge(find_arg(&sv, "-no-user-config"), 1);
	/* The supervisor's sockets, with cmdline's placeholder numbers. */
	ck_assert_int_eq(find_arg(&sv, "-qmp"), -1);
	ck_assert_str_eq(arg_value(&sv, "-chardev", "socket,id=qmp,"), "socket,id=qmp,fd=3");
	ck_assert_str_eq(arg_value(&sv, "-chardev", "socket,id=qmp-user,"),
			 "socket,id=qmp-user,fd=4,server=on,wait=off");
	ck_assert_str_eq(arg_value(&sv, "-chardev", "socket,id=serial0,"), "socket,id=serial0,fd=5");
	ck_assert_str_eq(arg_value(&sv, "-serial", ""), "chardev:serial0");
	ck_assert_str_eq(arg_value(&sv, "-mon", "chardev=qmp,"), "chardev=qmp,mode=control");
	ck_assert_str_eq(arg_value(&sv, "-mon", "chardev=qmp-user,"), "chardev=qmp-user,mode=control");
	ck_assert_str_eq(arg_value(&sv, "-sandbox", ""),
			 "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
	ck_assert_str_eq(arg_value(&sv, "-accel", ""), "tcg");
	ck_assert_str_eq(arg_value(&sv, "-cpu", ""), "max");
	ck_assert_str_eq(arg_value(&sv, "-m", ""), "1G");
	ck_assert_int_eq(find_arg(&sv, "-S"), -1);
	ck_assert_int_eq(find_arg(&sv, "-device"), -1); /* nothing in the profile */
	ck_assert_ptr_null(sv.v[sv.n]);
	strv_clear(&sv);

	p.sandbox = SANDBOX_OFF;
	env.paused = true;
	env.qemu_path = "/opt/q";
	ck_assert_int_eq(render_argv(&p, &env, &sv), 0);
	ck_assert_str_eq(sv.v[0], "/opt/q");
	ck_assert_int_eq(find_arg(&sv, "-sandbox"), -1);
	ck_assert_int_ge(find_arg(&sv, "-S"), 1);
	strv_clear(&sv);
}
END_TEST

START_TEST(test_accel_cpu)
{
	struct profile p = base_profile();
	struct render_env env = { .paths = &fixed_paths, .accel = ACCEL_AUTO };
	struct strv sv = { 0 };
	int i;

	/* auto: QEMU's own fallback, and a CPU model valid under both */
	ck_assert_int_eq(render_argv(&p, &env, &sv), 0);
	i = find_arg(&sv, "-accel");
	ck_assert_str_eq(sv.v[i + 1], "kvm");
	ck_assert_str_eq(sv.v[i + 2], "-accel");
	ck_assert_str_eq(sv.v[i + 3], "tcg");
	ck_assert_str_eq(arg_value(&sv, "-cpu", ""), "max");
	strv_clear(&sv);

	env.accel = ACCEL_KVM;
	p.hide_hypervisor = true;
	ck_assert_int_eq(render_argv(&p, &env, &sv), 0);
	ck_assert_str_eq(arg_value(&sv, "-accel", ""), "kvm");
	ck_assert_int_eq(find_arg(&sv, "tcg"), -1);
	/* hv-vendor-id only where Hyper-V is on: alone it would change
	 * nothing (QEMU exposes no Hyper-V CPUID leaves without an hv-*). */
	ck_assert_str_eq(arg_value(&sv, "-cpu", ""), "host,kvm=off");
	strv_clear(&sv);

	p.guest = GUEST_WINDOWS;
	ck_assert_int_eq(render_argv(&p, &env, &sv), 0);
	ck_assert_ptr_nonnull(strstr(arg_value(&sv, "-cpu", ""), ",hv-vpindex,"));
	ck_assert_ptr_nonnull(strstr(arg_value(&sv, "-cpu", ""), ",hv-vendor-id=vfiolaunch00"));
	ck_assert_str_eq(arg_value(&sv, "-rtc", ""), "base=localtime,driftfix=slew");
	strv_clear(&sv);

	/* TCG, and auto (either may run it): no hv-vpindex, which QEMU 7.2
	 * refuses under TCG, nor what depends on it. */
	for (int a = ACCEL_AUTO; a <= ACCEL_TCG; a += ACCEL_TCG - ACCEL_AUTO) {
		env.accel = a;
		ck_assert_int_eq(render_argv(&p, &env, &sv), 0);
		ck_assert_ptr_null(strstr(arg_value(&sv, "-cpu", ""), "vpindex"));
		ck_assert_ptr_null(strstr(arg_value(&sv, "-cpu", ""), "synic"));
		ck_assert_ptr_nonnull(strstr(arg_value(&sv, "-cpu", ""), "max,kvm=off,hv-relaxed"));
		strv_clear(&sv);
	}

	/* rtc = localtime for another guest: no driftfix. */
	p.guest = GUEST_LINUX;
	p.rtc = RTC_LOCALTIME;
	ck_assert_int_eq(render_argv(&p, &env, &sv), 0);
	ck_assert_str_eq(arg_value(&sv, "-rtc", ""), "base=localtime");
	strv_clear(&sv);
	p.rtc = RTC_AUTO;
	ck_assert_int_eq(render_argv(&p, &env, &sv), 0);
	ck_assert_int_eq(find_arg(&sv, "-rtc"), -1);
	strv_clear(&sv);
}
END_TEST

START_TEST(test_pci_slots)
{
	struct pci_item pci[] = {
		{ .bdf = "0000:01:00.1" },
		{ .bdf = "0000:01:00.0", .x_vga = true },
		{ .bdf = "0000:05:00.3" },
		{ .bdf = "0000:05:00.2", .romfile = "/fw/a,b.rom" },
	};
	struct profile p = base_profile();
	struct render_env env = { .paths = &fixed_paths, .accel = ACCEL_KVM };
	struct strv sv = { 0 };

	p.pci = pci;
	p.n_pci = ELEMENTSOF(pci);
	ck_assert_int_eq(render_argv(&p, &env, &sv), 0);
	/* one root port per physical slot */
	ck_assert_str_eq(arg_value(&sv, "-device", "pcie-root-port,id=rp0"),
			 "pcie-root-port,id=rp0,bus=pcie.0,addr=0x10,chassis=1,port=0x10");
	ck_assert_str_eq(arg_value(&sv, "-device", "pcie-root-port,id=rp1"),
			 "pcie-root-port,id=rp1,bus=pcie.0,addr=0x11,chassis=2,port=0x11");
	ck_assert_ptr_null(arg_value(&sv, "-device", "pcie-root-port,id=rp2"));
	/* functions keep their numbers when function 0 is there; function
	 * 0 gets multifunction=on; the GPU is the display: no VGA */
	ck_assert_str_eq(arg_value(&sv, "-device", "vfio-pci,host=0000:01:00.0"),
			 "vfio-pci,host=0000:01:00.0,id=hostdev1,bus=rp0,addr=0x0.0x0,x-vga=on,multifunction=on");
	ck_assert_str_eq(arg_value(&sv, "-device", "vfio-pci,host=0000:01:00.1"),
			 "vfio-pci,host=0000:01:00.1,id=hostdev0,bus=rp0,addr=0x0.0x1");
	/* without function 0 they are packed from 0; commas in paths doubled */
	ck_assert_str_eq(arg_value(&sv, "-device", "vfio-pci,host=0000:05:00.2"),
			 "vfio-pci,host=0000:05:00.2,id=hostdev3,bus=rp1,addr=0x0.0x0,multifunction=on,romfile=/fw/a,,b.rom");
	ck_assert_str_eq(arg_value(&sv, "-device", "vfio-pci,host=0000:05:00.3"),
			 "vfio-pci,host=0000:05:00.3,id=hostdev2,bus=rp1,addr=0x0.0x1");
	ck_assert_str_eq(arg_value(&sv, "-vga", ""), "none");
	strv_clear(&sv);

	/* the same BDF twice cannot be rendered */
	pci[0] = (struct pci_item){ .bdf = "0000:01:00.0" };
	ck_assert_ptr_nonnull(render_validate(&p));
	ck_assert_int_eq(render_argv(&p, &env, &sv), -EINVAL);
	ck_assert_uint_eq(sv.n, 0);
}
END_TEST

START_TEST(test_too_many_slots)
{
	struct pci_item pci[16];
	struct profile p = base_profile();

	for (int i = 0; i < 16; i++) {
		pci[i] = (struct pci_item){ 0 };
		snprintf(pci[i].bdf, sizeof(pci[i].bdf), "0000:%02x:00.0", i + 1);
	}
	p.pci = pci;
	p.n_pci = 15;
	ck_assert_ptr_null(render_validate(&p));
	p.n_pci = 16;
	ck_assert_ptr_nonnull(render_validate(&p));
}
END_TEST

START_TEST(test_disks)
{
	struct disk_item disks[] = {
		{ .name = "sys", .path = "/dev/disk/by-id/nvme-X", .interface = DISK_NVME },
		{ .name = "a-very-long-disk-name-over-20", .path = "/i.qcow2", .interface = DISK_NVME,
		  .format = DISK_FORMAT_QCOW2, .cache = DISK_CACHE_WRITEBACK, .discard = true },
		{ .name = "iso", .path = "/w.iso", .interface = DISK_VIRTIO, .media = DISK_MEDIA_CDROM },
		{ .name = "d", .path = "/d.img", .interface = DISK_SATA },
	};
	struct profile p = base_profile();
	struct render_env env = { .paths = &fixed_paths, .accel = ACCEL_KVM };
	struct strv sv = { 0 };

	p.disks = disks;
	p.n_disks = ELEMENTSOF(disks);
	ck_assert_int_eq(render_argv(&p, &env, &sv), 0);
	ck_assert_str_eq(arg_value(&sv, "-drive", "file=/dev/disk/by-id/nvme-X"),
			 "file=/dev/disk/by-id/nvme-X,if=none,id=drive0,format=raw,cache=none");
	ck_assert_str_eq(arg_value(&sv, "-device", "nvme,drive=drive0"),
			 "nvme,drive=drive0,id=disk0,serial=sys");
	ck_assert_str_eq(arg_value(&sv, "-drive", "file=/i.qcow2"),
			 "file=/i.qcow2,if=none,id=drive1,format=qcow2,cache=writeback,discard=unmap");
	/* NVMe serial: 20 bytes at most */
	ck_assert_str_eq(arg_value(&sv, "-device", "nvme,drive=drive1"),
			 "nvme,drive=drive1,id=disk1,serial=a-very-long-disk-nam");
	/* a virtio cdrom goes on virtio-scsi (virtio-blk has no media) */
	ck_assert_str_eq(arg_value(&sv, "-drive", "file=/w.iso"),
			 "file=/w.iso,if=none,id=drive2,format=raw,cache=none,media=cdrom,readonly=on");
	ck_assert_ptr_nonnull(arg_value(&sv, "-device", "virtio-scsi-pci,id=scsi0"));
	ck_assert_str_eq(arg_value(&sv, "-device", "scsi-cd"),
			 "scsi-cd,bus=scsi0.0,scsi-id=0,drive=drive2,id=disk2");
	ck_assert_str_eq(arg_value(&sv, "-device", "ide-hd"), "ide-hd,bus=ide.0,drive=drive3,id=disk3");
	strv_clear(&sv);

	/* read-only sata disk: QEMU's ide-hd refuses it */
	disks[3].readonly = true;
	ck_assert_ptr_nonnull(render_validate(&p));
	disks[3].readonly = false;
	/* nvme has no cdrom */
	disks[0].media = DISK_MEDIA_CDROM;
	ck_assert_ptr_nonnull(render_validate(&p));
}
END_TEST

START_TEST(test_too_many_sata)
{
	struct disk_item disks[7];
	struct profile p = base_profile();

	for (int i = 0; i < 7; i++)
		disks[i] = (struct disk_item){ .name = "x", .path = "/x", .interface = DISK_SATA };
	p.disks = disks;
	p.n_disks = 6;
	ck_assert_ptr_null(render_validate(&p));
	p.n_disks = 7;
	ck_assert_ptr_nonnull(render_validate(&p));
	/* other machines have other buses */
	p.n_disks = 1;
	p.machine = "pc-q35-7.2";
	ck_assert_ptr_null(render_validate(&p));
	p.machine = "pc";
	ck_assert_str_eq(render_validate(&p),
			 "[pci] devices and sata disks need machine = q35 (their guest buses "
			 "are q35's PCIe root and AHCI ports)");
	disks[0].interface = DISK_VIRTIO;
	ck_assert_ptr_null(render_validate(&p));
}
END_TEST

START_TEST(test_audio)
{
	struct profile p = base_profile();
	struct render_env env = { .paths = &fixed_paths, .accel = ACCEL_KVM };
	struct strv sv = { 0 };

	p.audio_backend = AUDIO_PULSE;
	p.audio_model = AUDIO_HDA_MICRO;
	env.audio_server = "/run/user/1000/pulse/native";
	ck_assert_int_eq(render_argv(&p, &env, &sv), 0);
	ck_assert_str_eq(arg_value(&sv, "-audiodev", ""),
			 "pa,id=snd0,server=unix:/run/user/1000/pulse/native");
	ck_assert_ptr_nonnull(arg_value(&sv, "-device", "ich9-intel-hda,id=sound0"));
	ck_assert_str_eq(arg_value(&sv, "-device", "hda-"), "hda-micro,bus=sound0.0,audiodev=snd0");
	strv_clear(&sv);

	/* the check found no server and [audio] required = no */
	env.audio_disabled = true;
	ck_assert_int_eq(render_argv(&p, &env, &sv), 0);
	ck_assert_int_eq(find_arg(&sv, "-audiodev"), -1);
	ck_assert_ptr_null(arg_value(&sv, "-device", "ich9-intel-hda"));
	strv_clear(&sv);
}
END_TEST

START_TEST(test_usb)
{
	struct usb_item usb[] = {
		{ .hostbus = 1, .hostport = "4.2" },
		{ .by_id = true, .vendor_id = 0x046d, .product_id = 0xc52b },
		{ .by_id = true, .vendor_id = 0x1234, .product_id = 0x0001 },
	};
	struct usb_resolved res[] = { { 0 }, { .resolved = true, .hostbus = 3, .hostport = "1" }, { 0 } };
	struct profile p = base_profile();
	struct render_env env = { .paths = &fixed_paths, .accel = ACCEL_KVM };
	struct strv sv = { 0 };

	p.usb = usb;
	p.n_usb = ELEMENTSOF(usb);
	ck_assert_int_eq(render_argv(&p, &env, &sv), 0);
	ck_assert_ptr_nonnull(arg_value(&sv, "-device", "qemu-xhci,id=xhci"));
	ck_assert_str_eq(arg_value(&sv, "-device", "usb-host,bus=xhci.0,hostbus=1"),
			 "usb-host,bus=xhci.0,hostbus=1,hostport=4.2,id=usb0");
	ck_assert_str_eq(arg_value(&sv, "-device", "usb-host,bus=xhci.0,vendorid=0x046d"),
			 "usb-host,bus=xhci.0,vendorid=0x046d,productid=0xc52b,id=usb1");
	strv_clear(&sv);

	env.usb = res;
	ck_assert_int_eq(render_argv(&p, &env, &sv), 0);
	ck_assert_str_eq(arg_value(&sv, "-device", "usb-host,bus=xhci.0,hostbus=3"),
			 "usb-host,bus=xhci.0,hostbus=3,hostport=1,id=usb1");
	ck_assert_str_eq(arg_value(&sv, "-device", "usb-host,bus=xhci.0,vendorid=0x1234"),
			 "usb-host,bus=xhci.0,vendorid=0x1234,productid=0x0001,id=usb2");
	strv_clear(&sv);
}
END_TEST

START_TEST(test_ivshmem_sizes)
{
	struct profile p = base_profile();
	struct render_env env = { .paths = &fixed_paths, .accel = ACCEL_KVM };
	struct strv sv = { 0 };

	p.lg_enabled = true;
	p.lg_path = "/dev/shm/looking-glass";
	p.lg_width = 3840;
	p.lg_height = 2160;
	ck_assert_int_eq(render_argv(&p, &env, &sv), 0);
	ck_assert_str_eq(arg_value(&sv, "-object", "memory-backend-file,id=ivshmem"),
			 "memory-backend-file,id=ivshmem,share=on,mem-path=/dev/shm/looking-glass,size=128M");
	ck_assert_str_eq(arg_value(&sv, "-device", "ivshmem-plain"),
			 "ivshmem-plain,memdev=ivshmem,id=ivshmem0");
	strv_clear(&sv);
	/* the size the check found (e.g. /dev/kvmfr0's) wins */
	env.lg_size = 256ULL << 20;
	ck_assert_int_eq(render_argv(&p, &env, &sv), 0);
	ck_assert_ptr_nonnull(strstr(arg_value(&sv, "-object", "memory-backend-file,id=ivshmem"),
				     ",size=256M"));
	strv_clear(&sv);
}
END_TEST

START_TEST(test_extra_last)
{
	char *extra[] = { "-rtc", "base=localtime", NULL };
	struct profile p = base_profile();
	struct render_env env = { .paths = &fixed_paths, .accel = ACCEL_KVM, .paused = true };
	struct strv sv = { 0 };

	p.qemu_extra = extra;
	p.n_qemu_extra = 2;
	ck_assert_int_eq(render_argv(&p, &env, &sv), 0);
	ck_assert_str_eq(sv.v[sv.n - 1], "base=localtime");
	ck_assert_str_eq(sv.v[sv.n - 2], "-rtc");
	ck_assert_str_eq(sv.v[sv.n - 3], "-S");
	strv_clear(&sv);
}
END_TEST

START_TEST(test_needs_paths)
{
	struct profile p = base_profile();
	struct render_env env = { .accel = ACCEL_KVM };
	struct strv sv = { 0 };

	/* memory that is not a whole MiB */
	env.paths = &fixed_paths;
	p.memory = (1ULL << 30) + 4096;
	ck_assert_int_eq(render_argv(&p, &env, &sv), -EINVAL);
}
END_TEST

/* The descriptor numbers the supervisor got (render_env), not the
 * placeholders: QEMU finds its sockets by these. */
START_TEST(test_supervisor_fds)
{
	struct profile p = base_profile();
	struct render_env env = { .paths = &fixed_paths, .accel = ACCEL_TCG,
				  .qmp_fd = 7, .qmp_user_fd = 12, .serial_fd = 9 };
	struct strv sv = { 0 };

	ck_assert_int_eq(render_argv(&p, &env, &sv), 0);
	ck_assert_str_eq(arg_value(&sv, "-chardev", "socket,id=qmp,"), "socket,id=qmp,fd=7");
	ck_assert_str_eq(arg_value(&sv, "-chardev", "socket,id=qmp-user,"),
			 "socket,id=qmp-user,fd=12,server=on,wait=off");
	ck_assert_str_eq(arg_value(&sv, "-chardev", "socket,id=serial0,"), "socket,id=serial0,fd=9");
	strv_clear(&sv);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("render");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_golden);
	tcase_add_test(tc, test_always_there);
	tcase_add_test(tc, test_accel_cpu);
	tcase_add_test(tc, test_pci_slots);
	tcase_add_test(tc, test_too_many_slots);
	tcase_add_test(tc, test_disks);
	tcase_add_test(tc, test_too_many_sata);
	tcase_add_test(tc, test_audio);
	tcase_add_test(tc, test_usb);
	tcase_add_test(tc, test_ivshmem_sizes);
	tcase_add_test(tc, test_extra_last);
	tcase_add_test(tc, test_needs_paths);
	tcase_add_test(tc, test_supervisor_fds);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
