// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The profile's key table: profile_keys[] maps (section, key) to a typed
 * parser (profile_values.c), the field it fills, its documented type and
 * default and a one-line description. The same table is printed by
 * profile_print_keys(), which the tests compare with the README and
 * vfio-launch.conf(5), so the three cannot drift apart.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "profile-internal.h"

const char *const section_names[_SEC_MAX] = {
    [SEC_VM] = "vm",	   [SEC_PCI] = "pci",
    [SEC_DISK] = "disk",   [SEC_AUDIO] = "audio",
    [SEC_USB] = "usb",	   [SEC_LG] = "looking-glass",
    [SEC_INPUT] = "input", [SEC_NETWORK] = "network",
    [SEC_QEMU] = "qemu",   [SEC_CPU] = "cpu",
    [SEC_SMBIOS] = "smbios", [SEC_SHARE] = "share",
};

/* Enum value names, indexed by the enum's value, NULL-terminated. */
static const char *const accel_names[] = {"auto", "kvm", "tcg", NULL};
static const char *const firmware_names[] = {"bios", "uefi", NULL};
static const char *const sandbox_names[] = {"on", "strict", "reduced", "off", NULL};
static const char *const display_names[] = {"none", "gtk", "sdl", "spice", NULL};
static const char *const interface_names[] = {"virtio", "sata", "nvme", "scsi",
					      NULL};
static const char *const format_names[] = {"raw", "qcow2", NULL};
static const char *const media_names[] = {"disk", "cdrom", NULL};
static const char *const cache_names[] = {"none", "writeback", "writethrough",
					  NULL};
static const char *const backend_names[] = {"none", "pulse", NULL};
static const char *const model_names[] = {"hda-duplex", "hda-output",
					  "hda-micro", NULL};
static const char *const net_mode_names[] = {"none", "user", "tap", "bridge",
					      NULL};
static const char *const guest_names[] = {"other", "linux", "windows", NULL};
static const char *const rtc_names[] = {"auto", "utc", "localtime", NULL};
static const char *const smbios_names[] = {"none", "host", NULL};
/* QEMU qapi/common.json GrabToggleKeys (input-linux grab-toggle). */
const char *const grab_toggle_names[] = {
    "ctrl-ctrl",  "alt-alt",	     "shift-shift", "meta-meta",
    "scrolllock", "ctrl-scrolllock", NULL};

/* ------------------------------------------------------------- the table */

#define VM(f)	offsetof(struct profile, f)
#define DISK(f) offsetof(struct disk_item, f)
#define SHARE(f) offsetof(struct share_item, f)

/* clang-format off: one key per line reads better than the limit */
const struct key_def profile_keys[] = {
    /* [vm] */
    {SEC_VM, "name", "NAME", "(file name)",
     "VM name: 1-64 of [A-Za-z0-9_.-]; default: the file name without .conf",
     false, parse_vm_name, VM(name), NULL},
    {SEC_VM, "memory", "SIZE", "1G",
     "guest RAM; K/M/G/T suffixes are binary units; at least 16M", false,
     parse_memory, VM(memory), NULL},
    {SEC_VM, "cpus", "NUMBER", "1",
     "number of vCPUs (1-1024); must equal the topology's product when both "
     "are given",
     false, parse_cpus, 0, NULL},
    {SEC_VM, "topology", "SsCcTt", "-",
     "vCPU topology sockets/cores/threads, e.g. 1s4c2t; sets cpus", false,
     parse_topology, 0, NULL},
    {SEC_VM, "machine", "TYPE", DEFAULT_MACHINE, "QEMU machine type (-machine)",
     false, parse_word, VM(machine), NULL},
    {SEC_VM, "accel", "auto|kvm|tcg", "auto",
     "accelerator; auto uses KVM when /dev/kvm works, else TCG with a warning",
     false, parse_enum, VM(accel), accel_names},
    {SEC_VM, "firmware", "bios|uefi", "bios",
     "guest firmware: SeaBIOS or OVMF (UEFI)", false, parse_enum, VM(firmware),
     firmware_names},
    {SEC_VM, "ovmf-code", "PATH", DEFAULT_OVMF_CODE,
     "OVMF CODE image, mapped read-only (firmware = uefi)", false, parse_path,
     VM(ovmf_code), NULL},
    {SEC_VM, "ovmf-vars", "PATH", DEFAULT_OVMF_VARS,
     "OVMF VARS template, copied once per VM (firmware = uefi)", false,
     parse_path, VM(ovmf_vars), NULL},
    {SEC_VM, "secure-boot", "BOOL", "no",
     "UEFI Secure Boot with Microsoft's keys enrolled (OVMF_CODE_4M.ms.fd, "
     "OVMF_VARS_4M.ms.fd unless ovmf-code/ovmf-vars say otherwise), SMM, "
     "secure pflash; needs firmware = uefi",
     false, parse_boolean, VM(secure_boot), NULL},
    {SEC_VM, "tpm", "BOOL", "no",
     "a TPM 2.0 (CRB) from a per-VM swtpm in its own box, its state in the "
     "state dir's tpm/ (made once with swtpm_setup)",
     false, parse_boolean, VM(tpm), NULL},
    {SEC_VM, "hide-hypervisor", "BOOL", "no",
     "hide KVM from the guest (kvm=off; hv-vendor-id with guest = windows), "
     "for consumer NVIDIA drivers",
     false, parse_boolean, VM(hide_hypervisor), NULL},
    {SEC_VM, "guest", "windows|linux|other", "other",
     "what the guest is: windows turns on the Hyper-V enlightenments libvirt "
     "gives Windows and rtc = localtime",
     false, parse_enum, VM(guest), guest_names},
    {SEC_VM, "rtc", "auto|utc|localtime", "auto",
     "the guest's real-time clock: auto is localtime for guest = windows, "
     "else UTC",
     false, parse_enum, VM(rtc), rtc_names},
    {SEC_VM, "uuid", "auto|UUID", "-",
     "the machine's UUID (-uuid): auto makes one once and keeps it in the "
     "state dir",
     false, parse_uuid, VM(uuid), NULL},
    {SEC_VM, "hugepages", "BOOL", "no", "back guest RAM with /dev/hugepages",
     false, parse_boolean, VM(hugepages), NULL},
    {SEC_VM, "display", "none|gtk|sdl|spice", "none",
     "QEMU display window, or spice (a SPICE socket); none for a passed-through GPU", false, parse_enum,
     VM(display), display_names},
    {SEC_VM, "sandbox", "on|strict|reduced|off", "on",
     "QEMU's confinement: on (a missing Landlock is a warning), strict (it is "
     "a failure), reduced (no namespaces: hosts refusing user namespaces), "
     "off (debugging only)",
     false, parse_enum, VM(sandbox), sandbox_names},
    {SEC_VM, "trusted", "BOOL", "no",
     "yes: this profile may widen the box (paths outside the usual places, "
     "binary =, sandbox = off|reduced, extra =) without --trust-profile",
     false, parse_boolean, VM(trusted), NULL},
    {SEC_VM, "stop-timeout", "SECONDS", "60",
     "seconds between the ACPI power-down (Ctrl-C in run) and ending QEMU with "
     "quit, then SIGKILL",
     false, parse_stop_timeout, 0, NULL},
    {SEC_VM, "kernel", "PATH", "-",
     "direct kernel boot: the kernel image (-kernel)", false, parse_path,
     VM(kernel), NULL},
    {SEC_VM, "initrd", "PATH", "-",
     "direct kernel boot: the initramfs (-initrd); needs kernel", false,
     parse_path, VM(initrd), NULL},
    {SEC_VM, "append", "STRING", "-",
     "direct kernel boot: the kernel command line (-append); needs kernel",
     false, parse_append, VM(append), NULL},
    /* [pci] */
    {SEC_PCI, "device", "BDF[,x-vga][,multifunction][,romfile=PATH]", "-",
     "a host PCI device passed through with vfio-pci; one line per function",
     true, parse_pci_device, 0, NULL},
    /* [disk NAME] */
    {SEC_DISK, "path", "PATH", "-",
     "image file or block device (required); /dev/disk/by-id names are kept",
     false, parse_path, DISK(path), NULL},
    {SEC_DISK, "interface", "virtio|sata|nvme|scsi", "virtio",
     "how the guest sees the disk", false, parse_enum, DISK(interface),
     interface_names},
    {SEC_DISK, "format", "raw|qcow2", "raw", "image format", false, parse_enum,
     DISK(format), format_names},
    {SEC_DISK, "media", "disk|cdrom", "disk",
     "disk or CD-ROM (a cdrom is read-only)", false, parse_enum, DISK(media),
     media_names},
    {SEC_DISK, "cache", "none|writeback|writethrough", "none",
     "host page cache use; none opens with O_DIRECT", false, parse_enum,
     DISK(cache), cache_names},
    {SEC_DISK, "readonly", "BOOL", "no", "attach read-only", false,
     parse_boolean, DISK(readonly), NULL},
    {SEC_DISK, "discard", "BOOL", "no",
     "pass TRIM/UNMAP through to the image (discard=unmap)", false,
     parse_boolean, DISK(discard), NULL},
    /* --- [share NAME] (issue 13) --- */
    {SEC_SHARE, "path", "PATH", "-",
     "host directory the guest mounts (required); virtiofs, served by virtiofsd "
     "in a box of its own",
     false, parse_path, SHARE(path), NULL},
    {SEC_SHARE, "readonly", "BOOL", "no",
     "the guest cannot write: the directory is bound read-only into the server's box",
     false, parse_boolean, SHARE(readonly), NULL},
    {SEC_SHARE, "tag", "TAG", "(the section name)",
     "the mount tag the guest names (mount -t virtiofs TAG DIR); 1-36 bytes",
     false, parse_word, SHARE(tag), NULL},
    /* --- end [share NAME] --- */
    /* [audio] */
    {SEC_AUDIO, "backend", "pulse|none", "pulse",
     "host audio: PulseAudio (or PipeWire's pulse server), or none; no [audio] "
     "section: no sound card",
     false, parse_enum, VM(audio_backend), backend_names},
    {SEC_AUDIO, "server", "auto|PATH", "auto",
     "PulseAudio socket; auto: $PULSE_SERVER, then "
     "$XDG_RUNTIME_DIR/pulse/native",
     false, parse_audio_server, 0, NULL},
    {SEC_AUDIO, "model", "hda-duplex|hda-output|hda-micro", "hda-duplex",
     "guest HDA codec on an intel-hda controller", false, parse_enum,
     VM(audio_model), model_names},
    {SEC_AUDIO, "required", "BOOL", "yes",
     "fail the check when the server does not answer (no: warn and run without "
     "sound)",
     false, parse_boolean, VM(audio_required), NULL},
    /* [usb] */
    {SEC_USB, "port", "BUS-PORT[.PORT]...", "-",
     "pass through whatever is plugged into this host port (sysfs name, e.g. "
     "1-4.2)",
     true, parse_usb_port, 0, NULL},
    {SEC_USB, "device", "VVVV:PPPP", "-",
     "pass through the device with this vendor:product ID (lsusb)", true,
     parse_usb_device, 0, NULL},
    /* [looking-glass] */
    {SEC_LG, "resolution", "WIDTHxHEIGHT", "-",
     "guest resolution; the shared memory size is computed from it", false,
     parse_lg_resolution, 0, NULL},
    {SEC_LG, "size", "SIZE", "-",
     "shared memory size instead of resolution: a power of two from 1M to 1G",
     false, parse_lg_size, 0, NULL},
    {SEC_LG, "path", "PATH", DEFAULT_LG_PATH,
     "shared memory file (or /dev/kvmfr0)", false, parse_path, VM(lg_path),
     NULL},
    {SEC_LG, "group", "GROUP", "-",
     "group that may read the shared memory file (mode 0660)", false,
     parse_group, VM(lg_group), NULL},
    /* [input] */
    {SEC_INPUT, "evdev",
     "PATH[,grab_all=on|off][,repeat=on|off][,grab-toggle=KEYS]", "-",
     "an evdev input device given to the guest (QEMU input-linux); one line "
     "per device",
     true, parse_evdev, 0, NULL},
    /* [network] */
    {SEC_NETWORK, "mode", "none|user|tap|bridge", "none",
     "no network, user-mode NAT (vfio-slirp, outside QEMU), an existing tap "
     "interface, or your tap on a bridge (made by vfio-privhelper tap)",
     false,
     parse_enum, VM(net_mode), net_mode_names},
    {SEC_NETWORK, "model", "DEVICE", DEFAULT_NET_MODEL,
     "guest network device model", false, parse_word, VM(net_model), NULL},
    {SEC_NETWORK, "mac", "MAC", "-", "guest MAC address (default: QEMU's)",
     false, parse_mac, VM(net_mac), NULL},
    {SEC_NETWORK, "forward", "tcp|udp:[ADDR:]HOSTPORT:GUESTPORT", "-",
     "mode = user: a host port (on ADDR, default 127.0.0.1) forwarded to the "
     "guest's port",
     true, parse_forward, 0, NULL},
    {SEC_NETWORK, "tap", "IFNAME", "-",
     "tap interface for mode = tap (created beforehand by the admin)", false,
     parse_ifname, VM(net_tap), NULL},
    {SEC_NETWORK, "bridge", "IFNAME", "-",
     "bridge for mode = bridge: the launcher opens your tap on it", false,
     parse_ifname, VM(net_bridge), NULL},
    /* [cpu] */
    {SEC_CPU, "features", "FLAGS", "-",
     "extra -cpu flags, e.g. +invtsc,+topoext (comma or space separated); "
     "+invtsc adds migratable=off",
     false, parse_cpu_features, VM(cpu_features), NULL},
    /* [smbios] */
    {SEC_SMBIOS, "mode", "none|host", "none",
     "host: the guest's SMBIOS tables carry the host's world-readable DMI "
     "strings (vendor, product, board; no serials or UUID)",
     false, parse_enum, VM(smbios), smbios_names},
    /* [qemu] */
    {SEC_QEMU, "binary", "NAME|PATH", DEFAULT_QEMU_BINARY,
     "QEMU to run instead of qemu-system-x86_64 (PATH is searched for a name)",
     false, parse_qemu_binary, 0, NULL},
    {SEC_QEMU, "extra", "ARGS", "-",
     "QEMU arguments appended verbatim, split on whitespace (no quoting)", true,
     parse_qemu_extra, 0, NULL},
};
/* clang-format on */

_Static_assert(ELEMENTSOF(profile_keys) == N_KEYS,
	       "profile_keys[] has N_KEYS rows (profile-internal.h)");

int profile_key_index(enum section sec, const char *key)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (profile_keys[i].section == sec &&
		    strcmp(profile_keys[i].key, key) == 0)
			return (int)i;
	return -1;
}

const char *accel_to_string(enum accel a)
{
	return (unsigned)a < ELEMENTSOF(accel_names) - 1 ? accel_names[a]
							 : NULL;
}

const char *disk_interface_to_string(enum disk_interface i)
{
	return (unsigned)i < ELEMENTSOF(interface_names) - 1
		   ? interface_names[i]
		   : NULL;
}

bool profile_wants_invtsc(const struct profile *p)
{
	const char *s = p->cpu_features;

	/* Tokens are validated by parse_cpu_features: no spaces, ','
	 * between them. */
	while (s && *s) {
		size_t n = strcspn(s, ",");
		if ((n == 7 && strncmp(s, "+invtsc", 7) == 0) ||
		    (n == 9 && strncmp(s, "invtsc=on", 9) == 0))
			return true;
		s += n + (s[n] == ',');
	}
	return false;
}

void profile_print_keys(FILE *f)
{
	for (size_t i = 0; i < N_KEYS; i++)
		fprintf(f, "%s\t%s\t%s\t%s\t%s%s\n",
			section_names[profile_keys[i].section],
			profile_keys[i].key, profile_keys[i].type,
			profile_keys[i].def, profile_keys[i].desc,
			profile_keys[i].repeatable ? " (repeatable)" : "");
}
