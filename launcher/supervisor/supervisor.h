/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The per-VM supervisor (DESIGN.md, "Processes"): what `run` becomes once
 * the checks passed and the VM's files are prepared. It makes the sockets
 * QEMU uses and hands them in as descriptors, starts QEMU in its box
 * (box_spawn), and stays beside it: one epoll loop over a signalfd, QEMU's
 * pidfd, its private QMP channel, the serial console relay, QEMU's stdout
 * and stderr, and a timer. State is this one struct; every handler is
 * short and does not block (writes to the terminal included: term.h).
 *
 * Stopping (the order): SIGINT, SIGTERM or SIGHUP -> QMP
 * system_powerdown (an ACPI power-button press); a second signal or
 * [vm] stop-timeout seconds -> QMP quit; SUPERVISOR_QUIT_GRACE seconds
 * later, or a third signal -> SIGKILL through the pidfd.
 *
 * The supervisor holds the single-instance lock (prepare.h) and QEMU
 * never receives it: box_spawn closes every descriptor not handed in, so
 * nothing QEMU does (flock(LOCK_UN), close) can release it.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

#include "pulse_hub.h"
#include "qmp.h"
#include "render.h"
#include "resource.h" /* HELPERS_MAX */
#include "sandbox.h"
#include "term.h"

struct box_ns;

struct pin_plan;

/* Seconds between QMP quit and SIGKILL. */
#define SUPERVISOR_QUIT_GRACE 5

/* run's exit status when the guest did not power off by itself and QEMU
 * was ended with quit (vfio-launch(1)). QEMU's own non-zero status is
 * passed on as it is, a signal that ended QEMU as 128 + its number. */
#define EXIT_FORCED 2

/* Descriptor numbers QEMU gets (its argv names them: render_env). */
struct supervisor_child_fds {
	int qmp;      /* connected: the supervisor's private QMP channel */
	int qmp_user; /* listening: the user's QMP socket (qmp.sock) */
	int serial;   /* connected: the guest's serial console */
	int tap;      /* [network] mode = bridge or tap: the tap the caller
		       * opened (net_tap.h), handed in after serial and
		       * closed here like the three above; -1: none */
	/* QEMU's ends of the helpers' sockets (helpers.h), handed in
	 * after the three above; the caller sets them, owns and closes
	 * them (helpers_close_qemu_fds) once supervisor_start returned. */
	const struct render_helper_fd *helpers;
	size_t n_helpers;
};

/* One connection on the control socket (control.c): one request, its
 * answer, then closed (or handed to the console). */
#define CONTROL_CLIENTS_MAX 8
struct control_client {
	int fd;              /* -1: a free slot */
	char in[512];        /* the request line, as it comes */
	size_t in_len;
	char *out;           /* answer bytes not sent yet (malloc'd), or NULL */
	size_t out_len, out_off;
	long qmp_id;         /* a forwarded QMP command's id on our channel, or 0 */
	json_object *user_id; /* that command's own "id", put back in the reply */
	bool waits_exit;     /* asked to stop: answered once QEMU is reaped */
	bool closing;        /* close once out is sent */
};

enum supervisor_state {
	SV_STARTING,  /* QEMU paused (-S), QMP not negotiated yet */
	SV_RUNNING,   /* QMP ready, the guest resumed (or --paused) */
	SV_POWERDOWN, /* system_powerdown sent, stop-timeout armed */
	SV_QUIT,      /* quit sent, SUPERVISOR_QUIT_GRACE armed */
	SV_KILLED,    /* SIGKILL sent */
};

struct supervisor {
	/* Settings (the caller fills them before supervisor_open). */
	const char *name;        /* VM name, for messages */
	const char *qmp_user_path; /* runtime_dir/qmp.sock */
	const char *control_path;  /* runtime_dir/ctl.sock (control.h) */
	unsigned stop_timeout;   /* seconds ([vm] stop-timeout) */
	bool paused;             /* leave the vCPUs stopped (run --paused) */
	int ready_fd;            /* `start`'s readiness pipe (notify.c), or -1 */
	/* The user's sound server and the proxy's socket QEMU is given
	 * (audio_proxy.h); NULL: no audio. */
	const char *audio_server, *audio_socket;
	/* [cpu] pinning, as the check planned it (resources/pin.h), applied
	 * before the first cont (pin.c); NULL: nothing is pinned. */
	const struct pin_plan *pin;
	/* QEMU's namespaces made ahead by run (box.h), or NULL: the box's
	 * clone makes them. Ended once QEMU joined them (or failed to). */
	struct box_ns *box_ns;

	/* Our ends, and QEMU's until it runs (then closed here). */
	int qmp_fd, serial_fd, out_fd, err_fd;
	struct supervisor_child_fds child;
	/* QEMU's stdout and stderr: pipes we relay to ours. */
	int child_out_fd, child_err_fd;
	bool made_user_socket, made_control_socket;
	struct pulse_hub *audio; /* NULL: no audio, or dropped */
	bool made_audio_socket;
	/* The control socket (control.h): listening, and its clients. */
	int ctl_fd;
	struct control_client ctl[CONTROL_CLIENTS_MAX];
	int console_fd;      /* the attached console client (console.h), or -1 */

	/* The loop. */
	int epoll_fd, signal_fd, timer_fd;
	sigset_t old_mask;
	bool mask_set;
	pid_t pid;
	int pidfd;
	struct qmp qmp;
	long caps_id, cont_id;
	enum supervisor_state state;
	bool stdin_open, ever_ready;
	bool vcpus_running; /* after QMP RESUME, until STOP */

	/* Our stdout and stderr, never blocking the loop (term.h). */
	struct term_out tout, terr;
	/* Keyboard input (stdin, the console client) the serial socket did
	 * not take yet; its sources are not read until it has gone
	 * (console.h). */
	char in_buf[4096];
	size_t in_len;

	/* The terminal, when stdin is one: restored at close. */
	struct termios saved_tty;
	bool tty_raw;
};

/*
 * Creates QEMU's sockets: two socketpairs (QMP, serial) and the user's
 * listening QMP socket at sv->qmp_user_path (any stale socket there is
 * replaced: the caller holds the VM's lock), QEMU's stdout and stderr
 * pipes and the audio proxy's socket. Fills sv->child with the numbers to
 * render. Returns 0 or -errno; call supervisor_close in both cases. The
 * control socket is supervisor_loop's.
 */
int supervisor_open(struct supervisor *sv);

/*
 * Blocks the stop signals (they go to the signalfd from here on, so a
 * Ctrl-C during startup is not lost), starts argv in the box built from
 * pol with the child fds handed in, and closes our copies of them.
 * Returns 0, or -errno with *ret_res naming the failed step.
 */
int supervisor_start(struct supervisor *sv, const struct sandbox_policy *pol, char *const argv[],
		     struct sandbox_result *ret_res);

/*
 * Listens on sv->control_path (control.h), then runs the loop until QEMU
 * has been reaped; QEMU is killed when the control socket cannot be made.
 * Returns run's exit status: 0
 * when QEMU exited 0 and was not forced, EXIT_FORCED, QEMU's status, or
 * 128 + signal. *ret_started: whether QMP ever answered (a QEMU that
 * failed before is a failed start: the caller undoes what it prepared).
 * Loads json-c first (json_dl.h): where it cannot, says so, kills QEMU
 * and returns EXIT_FAILURE.
 */
int supervisor_loop(struct supervisor *sv, bool *ret_started);

/* Restores the terminal and the signal mask, closes every descriptor
 * and removes the user's QMP socket. Safe on a zeroed or half-opened sv
 * whose fds are -1 (supervisor_init). */
void supervisor_close(struct supervisor *sv);

/*
 * One step further along power-down -> quit -> SIGKILL, as a signal
 * would; force skips the power-down; timeout (seconds, 0: the profile's)
 * replaces the stop-timeout for this request. why is for the message.
 */
void supervisor_stop(struct supervisor *sv, const char *why, bool force, unsigned timeout);

/*
 * The VM is up: QMP answered and the vCPUs were resumed (or left paused
 * with --paused). Tells systemd (sd_notify READY=1, a no-op without
 * $NOTIFY_SOCKET: Type=notify units) and `start` (one byte on
 * sv->ready_fd, then closed). notify.c.
 */
void supervisor_ready(struct supervisor *sv);

/*
 * Sends state ("READY=1\nSTATUS=...", sd_notify(3)'s format) to the
 * service manager at $NOTIFY_SOCKET with libsystemd's sd_notify(0, state),
 * libsystemd.so.0 loaded (dlopen) only then; where it cannot be loaded,
 * the same datagram written out. Returns > 0 when sent, 0 without
 * $NOTIFY_SOCKET, -errno otherwise (-EAFNOSUPPORT for an address neither
 * a path nor '@'-abstract). notify.c.
 */
int supervisor_notify(const char *state);

/* ---- pin.c: pinning QEMU's threads (DESIGN.md: the supervisor "starts
 * it paused (-S), pins vCPU, emulator and iothreads, then resumes it") ---- */
/* How long QEMU may take to answer the two queries, in ms. A paused QEMU
 * answers at once; this only bounds a QEMU that hangs. */
#define PIN_QMP_TIMEOUT_MS 10000

/*
 * Asks QEMU (paused, QMP negotiated, nothing else in flight on the
 * private channel) for its vCPU threads (query-cpus-fast, thread-id) and
 * I/O threads (query-iothreads, thread-id), maps them from QEMU's PID
 * namespace to host thread ids (nspid.h, /proc/PID/task/TID/status), and
 * sets each thread's affinity with sched_setaffinity(2): vCPU i to
 * sv->pin->vcpu[i], the I/O threads to iothread_set, every other thread
 * of QEMU to emulator_set (threads QEMU makes later inherit the affinity
 * of the thread that makes them: the main loop's, i.e. emulator_set).
 * The supervisor runs as the user who owns QEMU, which is all
 * sched_setaffinity asks (same effective uid; the box's user namespace
 * maps that uid to itself). Blocks up to PIN_QMP_TIMEOUT_MS; QMP events
 * that arrive meanwhile are dropped (the guest has not run yet).
 * Writes one line for the log into msg (what was pinned, or what
 * failed). Returns 0 or -errno.
 */
int supervisor_pin(struct supervisor *sv, char *msg, size_t len);

/* Zeroes sv: all descriptors -1, state SV_STARTING; then the caller
 * sets the settings. */
void supervisor_init(struct supervisor *sv);
