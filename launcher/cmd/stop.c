// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stop: asks a VM's supervisor, over its control socket (control.h), to
 * power the guest down (then quit, then SIGKILL, as Ctrl-C in run would),
 * and returns when the supervisor has exited: every process of the VM is
 * gone and its lock released. The supervisor exits only after reaping QEMU
 * (the PID 1 of the box's PID namespace: the kernel ends every other
 * process in it first, zap_pid_ns_processes) and its helpers (run.c), so
 * its own exit is the one to wait for: on a pidfd (pidfd_open, Linux 5.3)
 * of the PID the control socket names as its peer (SO_PEERCRED, unix(7):
 * the process that called listen(), the supervisor), opened while the
 * connection is up, so the PID cannot have been reused.
 *
 * Exit codes: 0 stopped (or not running, with --force); 69 not running;
 * 64 usage; 66/77/78 as for run's profile errors; 70 the supervisor
 * answered with an error or hung up without an answer.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sysexits.h>
#include <unistd.h>


#include "cleanup.h"
#include "commands.h"
#include "common.h"
#include "json_dl.h"
#include "paths.h"
#include "profile.h"
#include "util.h"
#include "vmctl.h"

static void stop_usage(FILE *out)
{
	fputs("Usage: vfio-launch stop [--help] [--timeout SECONDS] [--force] PROFILE\n\n"
	      "Ask the VM's guest to power down (ACPI), wait up to SECONDS (default:\n"
	      "the profile's stop-timeout), then end QEMU (QMP quit, then SIGKILL).\n"
	      "Returns when every process of the VM is gone.\n\n"
	      "  --timeout SECONDS  how long the guest may take to power off\n"
	      "  --force            skip the power-down: quit at once; a VM that is\n"
	      "                     not running is then no error\n",
	      out);
}

/* Reads the answer line (sent once QEMU is reaped), or up to EOF (the
 * supervisor exited without one). No timeout: the stop sequence ends by
 * itself (stop-timeout, then the quit grace, then SIGKILL). */
static int read_answer(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len - 1 && !memchr(buf, '\n', got)) {
		ssize_t n = read(fd, buf + got, len - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return 0;
}

/* A pidfd of the process that listens on the connected unix socket fd, or
 * -errno (-ESRCH: it is gone already). */
static int peer_pidfd(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	long r;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -errno;
	if (cred.pid <= 0)
		return -ESRCH;
	r = syscall(SYS_pidfd_open, cred.pid, 0);
	return r < 0 ? -errno : (int)r;
}

/* Until the process behind pidfd has exited: a pidfd polls readable then
 * (pidfd_open(2)). Returns 0 or -errno. */
static int wait_exit(int pidfd)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	int r;

	do
		r = poll(&pfd, 1, -1);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

int cmd_stop(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "timeout", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' },
		{ 0 },
	};
	_cleanup_profile_ struct profile *p = NULL;
	_cleanup_close_ int fd = -1, pidfd = -1;
	struct vm_paths paths = { 0 };
	json_object *req, *args, *ans = NULL, *ret = NULL, *st = NULL;
	uint64_t timeout = 0;
	bool force = false;
	char buf[1024];
	int c, r, code;

	while ((c = getopt_long(argc, argv, "hVt:f", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			stop_usage(stdout);
			return EX_OK;
		case 'V':
			printf("vfio-launch %s\n", VFIO_LAUNCH_VERSION);
			return EX_OK;
		case 't':
			if (parse_u64(optarg, 1, STOP_TIMEOUT_MAX, &timeout) < 0) {
				log_error("--timeout: '%s' is not a number of seconds between 1 and %d",
					  optarg, STOP_TIMEOUT_MAX);
				return EX_USAGE;
			}
			break;
		case 'f':
			force = true;
			break;
		default:
			stop_usage(stderr);
			return EX_USAGE;
		}
	}
	r = load_jsonc("stop");
	if (r)
		return r;
	r = load_profile_arg(argc, argv, "stop", stop_usage, &p, &paths);
	if (r)
		return r;
	fd = vmctl_connect(&paths);
	vm_paths_clear(&paths);
	if (fd == -ESRCH) {
		if (force) {
			printf("VM %s is not running\n", p->name);
			return EX_OK;
		}
		log_error("VM %s is not running (no supervisor answers on its control socket)",
			  p->name);
		return EX_UNAVAILABLE;
	}
	if (fd < 0) {
		log_error("cannot reach VM %s's supervisor: %s", p->name, strerror(-fd));
		return fd == -EACCES ? EX_NOPERM : EX_UNAVAILABLE;
	}
	pidfd = peer_pidfd(fd);
	if (pidfd < 0 && pidfd != -ESRCH) {
		log_error("cannot watch VM %s's supervisor: %s", p->name, strerror(-pidfd));
		return EX_OSERR;
	}

	req = jsonc.json_object_new_object();
	args = jsonc.json_object_new_object();
	jsonc.json_object_object_add(req, "execute", jsonc.json_object_new_string("stop"));
	jsonc.json_object_object_add(args, "force", jsonc.json_object_new_boolean(force));
	jsonc.json_object_object_add(args, "timeout", jsonc.json_object_new_int64((int64_t)timeout));
	jsonc.json_object_object_add(req, "arguments", args);
	r = dprintf(fd, "%s\n", jsonc.json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN));
	jsonc.json_object_put(req);
	if (r < 0 || read_answer(fd, buf, sizeof(buf)) < 0) {
		log_error("VM %s's supervisor did not answer: %s", p->name, strerror(errno));
		return EX_SOFTWARE;
	}
	/* The answer comes once QEMU is reaped; the supervisor still has its
	 * helpers to reap and its sockets to remove. */
	if (pidfd >= 0 && (r = wait_exit(pidfd)) < 0) {
		log_error("cannot wait for VM %s's supervisor: %s", p->name, strerror(-r));
		return EX_OSERR;
	}
	ans = jsonc.json_tokener_parse(buf);
	if (!ans || !jsonc.json_object_object_get_ex(ans, "return", &ret) ||
	    !jsonc.json_object_object_get_ex(ret, "exit-status", &st)) {
		log_error("VM %s's supervisor answered: %s", p->name, buf[0] ? buf : "(nothing)");
		jsonc.json_object_put(ans);
		return EX_SOFTWARE;
	}
	code = jsonc.json_object_get_int(st);
	jsonc.json_object_put(ans);
	printf("VM %s stopped (run's exit status %d)\n", p->name, code);
	return EX_OK;
}
