/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VM profile: an INI file (parsed with inih) turned into a struct
 * profile. Pure: no host access beyond reading the file itself. The
 * reference for every key is vfio-launch.conf(5); the parser's key table
 * (profile_keys.c) is the single source for both.
 *
 * Paths in a profile: "~/" expands to $HOME; a relative path is taken
 * relative to the directory of the profile file. The parser stores them
 * absolute.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum accel { ACCEL_AUTO, ACCEL_KVM, ACCEL_TCG };
enum firmware { FIRMWARE_BIOS, FIRMWARE_UEFI };
/* In sandbox_names order (profile_keys.c). REDUCED: the box without
 * namespaces, for hosts that refuse unprivileged user namespaces. */
enum sandbox_mode { SANDBOX_ON, SANDBOX_STRICT, SANDBOX_REDUCED, SANDBOX_OFF };
enum display { DISPLAY_NONE, DISPLAY_GTK, DISPLAY_SDL, DISPLAY_SPICE };
enum disk_interface { DISK_VIRTIO, DISK_SATA, DISK_NVME, DISK_SCSI };
enum disk_format { DISK_FORMAT_RAW, DISK_FORMAT_QCOW2 };
enum disk_media { DISK_MEDIA_DISK, DISK_MEDIA_CDROM };
enum disk_cache { DISK_CACHE_NONE, DISK_CACHE_WRITEBACK, DISK_CACHE_WRITETHROUGH };
enum audio_backend { AUDIO_NONE, AUDIO_PULSE };
enum audio_model { AUDIO_HDA_DUPLEX, AUDIO_HDA_OUTPUT, AUDIO_HDA_MICRO };
enum net_mode { NET_NONE, NET_USER, NET_TAP, NET_BRIDGE };
/* [vm] guest: what the machine is tuned for (Hyper-V enlightenments, RTC). */
enum guest_os { GUEST_OTHER, GUEST_LINUX, GUEST_WINDOWS };
/* [vm] rtc: auto is localtime for guest = windows, else QEMU's UTC. */
enum rtc_base { RTC_AUTO, RTC_UTC, RTC_LOCALTIME };
/* [smbios] mode. */
enum smbios_mode { SMBIOS_NONE, SMBIOS_HOST };

/* Every item remembers the line it came from, for FILE:LINE messages. */

/* [pci] device = BDF[,x-vga][,multifunction][,romfile=PATH] */
struct pci_item {
	char bdf[13];       /* normalised "0000:01:00.0" (domain added) */
	bool x_vga;         /* QEMU vfio-pci x-vga=on (primary GPU, legacy VGA) */
	bool multifunction; /* multifunction=on on the guest slot */
	char *romfile;      /* absolute path or NULL */
	unsigned line;
};

/* [disk NAME] */
struct disk_item {
	char *name;    /* the section's name: [disk system] -> "system" */
	char *path;    /* as written (stable /dev/disk/by-* name kept) */
	enum disk_interface interface; /* default virtio */
	enum disk_format format;       /* default raw */
	enum disk_media media;         /* default disk */
	enum disk_cache cache;         /* default none (O_DIRECT) */
	bool readonly;                 /* default no; cdrom implies yes */
	bool discard;                  /* discard=unmap, default no */
	unsigned line;                 /* line of the [disk NAME] header */
};

/* --- [share NAME] (issue 13) --- */
/* A host directory the guest mounts (resources/share.c). */
struct share_item {
	char *name;    /* the section's name: [share data] -> "data" */
	char *path;    /* absolute (~/ expanded), as written otherwise */
	char *tag;     /* the guest's mount tag; NULL: the name */
	bool readonly; /* default no: a read-only bind mount when yes */
	unsigned line; /* line of the [share NAME] header */
};
/* --- end [share NAME] --- */

/* [usb] port = BUS-PORT[.PORT...] (sysfs name), device = VVVV:PPPP */
/* [network] forward = tcp|udp:[ADDR:]HOSTPORT:GUESTPORT: a host port
 * (bound on ADDR, default 127.0.0.1) mapped to the guest's port. */
struct net_forward {
	bool udp;
	char addr[16];      /* dotted IPv4, NUL-terminated */
	unsigned host_port; /* 1-65535 */
	unsigned guest_port;
	unsigned line;
};

struct usb_item {
	bool by_id;          /* true: vendor:product, resolved at run time */
	unsigned hostbus;    /* by port: bus number (1-255) */
	char hostport[32];   /* by port: "4.2" */
	uint16_t vendor_id;  /* by id */
	uint16_t product_id; /* by id */
	unsigned line;
};

/* [input] evdev = PATH[,grab_all=on|off][,repeat=on|off][,grab-toggle=KEYS] */
struct evdev_item {
	char *path;
	bool grab_all;
	bool repeat;
	char *grab_toggle; /* QEMU input-linux grab-toggle value, or NULL */
	unsigned line;
};

/* [vm] stop-timeout: default and bound, in seconds. */
#define STOP_TIMEOUT_DEFAULT 60
#define STOP_TIMEOUT_MAX 86400

struct profile {
	char *file; /* absolute path of the profile, for messages */

	/* [vm] */
	char *name;            /* [A-Za-z0-9_.-]{1,64}; default: file's basename */
	uint64_t memory;       /* bytes; default 1G */
	unsigned cpus;         /* vCPUs; default 1; or sockets*cores*threads */
	unsigned sockets, cores, threads; /* topology = 1s4c2t; 0 when unset */
	char *machine;         /* default "q35" */
	enum accel accel;      /* default auto */
	enum firmware firmware; /* default bios */
	char *ovmf_code;       /* uefi: default /usr/share/OVMF/OVMF_CODE_4M.fd */
	char *ovmf_vars;       /* uefi: template, default OVMF_VARS_4M.fd */
	bool secure_boot;      /* OVMF with MS keys, smm=on, secure pflash */
	bool tpm;              /* TPM 2.0 from swtpm (resources/tpm.c); default no */
	bool hide_hypervisor;  /* kvm=off (+ hv-vendor-id for windows); default no */
	enum guest_os guest;   /* default other */
	enum rtc_base rtc;     /* default auto */
	char *uuid;            /* NULL (none), "auto" or a lower-case UUID */
	bool hugepages;        /* back RAM with /dev/hugepages; default no */
	enum display display;  /* default none */
	enum sandbox_mode sandbox; /* default on */
	bool trusted;          /* may widen the box (trust.h); default no */
	unsigned stop_timeout; /* seconds, 1..STOP_TIMEOUT_MAX; default 60 */
	char *kernel, *initrd, *append; /* direct kernel boot, NULL when unset */
	unsigned line_memory;  /* lines of keys other modules point at */

	/* [cpu] */
	char *cpu_features;    /* "+invtsc,-hle" (comma-separated) or NULL */

	/* [smbios] */
	enum smbios_mode smbios; /* default none */

	/* [pci] */
	struct pci_item *pci;
	size_t n_pci;

	/* [disk NAME] */
	struct disk_item *disks;
	size_t n_disks;

	/* [share NAME] (issue 13) */
	struct share_item *shares;
	size_t n_shares;

	/* [audio] */
	enum audio_backend audio_backend; /* default none: no [audio] section */
	char *audio_server;   /* NULL = auto ($PULSE_SERVER, then runtime dir) */
	enum audio_model audio_model; /* default hda-duplex */
	bool audio_required;  /* default yes */
	unsigned line_audio;

	/* [usb] */
	struct usb_item *usb;
	size_t n_usb;
	bool usb_enabled;     /* section present: the qemu-xhci controller is
	                         rendered even with no devices (the demo) */

	/* [looking-glass] (ivshmem) */
	bool lg_enabled;      /* section present */
	char *lg_path;        /* default /dev/shm/looking-glass */
	uint64_t lg_size;     /* bytes; 0 = from resolution */
	unsigned lg_width, lg_height; /* resolution = WxH; 0 when unset */
	char *lg_group;       /* group that may read the file (mode 0660), or NULL */
	unsigned line_lg;

	/* [input] */
	struct evdev_item *evdev;
	size_t n_evdev;

	/* [network] */
	enum net_mode net_mode; /* default none */
	char *net_model;        /* default virtio-net-pci */
	char *net_mac;          /* NULL = QEMU's default */
	char *net_tap;          /* tap ifname for mode = tap */
	char *net_bridge;       /* bridge ifname for mode = bridge */
	struct net_forward *net_fwd; /* forward = lines, mode = user only */
	size_t n_net_fwd;

	/* [qemu] */
	char *qemu_binary;      /* default "qemu-system-x86_64" (found in PATH) */
	char **qemu_extra;      /* NULL-terminated; each `extra =` line split on
	                           whitespace, appended verbatim */
	size_t n_qemu_extra;
};

/* At most this many errors are collected from one profile; the parser
 * stops reading there (a binary file or a wrong file would only repeat). */
#define PROFILE_MAX_ERRORS 20

struct profile_error_item {
	unsigned line; /* 0: the file as a whole */
	char message[512];
};

/* Parse errors: the file, and every error found in one pass (a bad line
 * does not stop the parser; whole-profile rules are checked only when no
 * line was bad, so one mistake is not reported twice). line and message
 * repeat all[0], the first error in line order. */
struct profile_error {
	char file[4096];
	unsigned line;    /* the first error's line (0: the file as a whole) */
	char message[512];   /* what is wrong and how to fix it */
	size_t n;            /* entries in all[], in line order; 0 when the
	                        file could not be read (message says why) */
	struct profile_error_item all[PROFILE_MAX_ERRORS];
	bool truncated;      /* more than PROFILE_MAX_ERRORS; reading stopped */
};

/*
 * Parses the profile at path. On success returns 0 and *ret_profile owns a
 * new profile (free with profile_free). On failure returns a negative errno
 * (-EINVAL for bad contents, -ENOENT/-EACCES/... when the file cannot be
 * read), fills *ret_error, and *ret_profile is untouched.
 */
int profile_load(const char *path, struct profile **ret_profile,
		 struct profile_error *ret_error);

/* Same, from an open stream (tests use fmemopen); path names it in messages
 * and anchors relative paths. */
int profile_load_file(FILE *f, const char *path, struct profile **ret_profile,
		      struct profile_error *ret_error);

void profile_free(struct profile *p);
static inline void profile_freep(struct profile **p)
{
	if (*p)
		profile_free(*p);
}
#define _cleanup_profile_ __attribute__((cleanup(profile_freep)))

/* Names of enum values as written in the profile ("q35", "virtio", ...). */
const char *accel_to_string(enum accel a);
const char *disk_interface_to_string(enum disk_interface i);

/* true when the comma-separated cpu_features ask for the invariant TSC
 * (+invtsc or invtsc=on). */
bool profile_wants_invtsc(const struct profile *p);

/* Writes the profile key reference (the table the parser uses) to f, in
 * the format "section key type default description" per line; used to
 * check that the man page and README document every key. */
void profile_print_keys(FILE *f);
