/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Render: profile x resolved host facts -> QEMU argv. A pure function (no
 * I/O), so its output is golden-tested (tests/data/golden/).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

struct profile;
struct vm_paths;
struct smbios_host;

/* A [usb] device = VVVV:PPPP entry resolved to the port it is plugged in. */
struct usb_resolved {
	bool resolved;      /* false: rendered by vendorid/productid */
	unsigned hostbus;
	char hostport[32];
};

struct render_env {
	const char *qemu_path;       /* argv[0]; NULL: the profile's binary */
	const struct vm_paths *paths; /* QMP socket, OVMF VARS copy */
	/* ACCEL_KVM or ACCEL_TCG when probed; ACCEL_AUTO (cmdline, no
	 * probing) renders "-accel kvm -accel tcg", QEMU's own fallback. */
	int accel;                   /* enum accel */
	/* The PulseAudio socket QEMU connects to: run and cmdline give
	 * the supervisor's proxy (vm_paths.audio_socket); NULL: the
	 * profile's server, else libpulse's default. */
	const char *audio_server;
	bool audio_disabled;         /* no server and [audio] required = no */
	const struct usb_resolved *usb; /* n_usb entries, or NULL */
	uint64_t lg_size;            /* bytes; 0: computed from the profile */
	bool paused;                 /* -S: start with vCPUs stopped (bench) */
	const char *uuid;            /* -uuid value; NULL or "": none */
	const struct smbios_host *smbios; /* host DMI strings, or NULL */
	/* The sockets the supervisor hands QEMU (supervisor.h), as QEMU
	 * will number them; 0: not made (cmdline, run --dry-run), render
	 * the RENDER_FD_* placeholders. */
	int qmp_fd, qmp_user_fd, serial_fd;
	/* [network] mode = bridge or tap: the tap the launcher opened
	 * (net_tap.h); 0: render RENDER_FD_TAP. */
	int tap_fd;
	/* QEMU's ends of the helpers' sockets (resource.h struct helper),
	 * by the id of the object each serves; NULL: none made (cmdline,
	 * run --dry-run): render_helper_fd gives the placeholder. */
	const struct render_helper_fd *helper_fds;
	size_t n_helper_fds;
};

/* QEMU's end of one helper's socket (supervisor/helpers.c). */
struct render_helper_fd {
	const char *id; /* "net0", "tpm0" */
	int fd;         /* its number in QEMU */
};

/* What cmdline shows for the supervisor's descriptors. */
#define RENDER_FD_QMP 3
#define RENDER_FD_QMP_USER 4
#define RENDER_FD_SERIAL 5
#define RENDER_FD_NET 6 /* the network helper's socket ("net0") */
#define RENDER_FD_TAP 6 /* the tap (mode = bridge or tap: no network helper) */
#define RENDER_FD_TPM 7 /* swtpm's control socket ("tpm0") */

/* The number QEMU has for the socket of the helper serving id, or
 * placeholder when env has none for it (cmdline). */
int render_helper_fd(const struct render_env *env, const char *id, int placeholder);

/*
 * Appends the QEMU argv for p to *ret_argv (argv[0] is the QEMU binary).
 * Returns 0, -ENOMEM, or -EINVAL when the profile cannot be rendered (a
 * message is not produced here; callers check the profile first).
 */
int render_argv(const struct profile *p, const struct render_env *env,
		struct strv *ret_argv);

/*
 * Helpers the resources' argv operations share (render.c).
 */

/* s with every ',' doubled (QEMU's QemuOpts escaping); malloc'd, NULL on
 * -ENOMEM. */
char *qemu_escape(const char *s);

/* Pushes flag, then value. 0 or -ENOMEM. */
int strv_push2(struct strv *sv, const char *flag, const char *value);

/* Returns from the calling function when expr is negative. */
#define TRY(expr)                                                              \
	do {                                                                   \
		int _r = (expr);                                               \
		if (_r < 0)                                                    \
			return _r;                                             \
	} while (0)

/*
 * Why p cannot be rendered (too many devices for the q35 buses used, a
 * cdrom on an nvme disk, memory not a whole MiB, ...), as one sentence for
 * the user; NULL when render_argv can render it. Static string.
 */
const char *render_validate(const struct profile *p);
