// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * console: the terminal on a running VM's serial console, through its
 * supervisor (control.h "console", console.h). Ctrl-] detaches and leaves
 * the VM running, as in virsh console and telnet.
 *
 * Exit codes: 0 detached (Ctrl-], end of input, or the VM stopped);
 * 64 usage; 69 not running, or another console is attached; 70 the
 * supervisor answered nonsense.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sysexits.h>
#include <termios.h>
#include <unistd.h>


#include "cleanup.h"
#include "commands.h"
#include "common.h"
#include "json_dl.h"
#include "paths.h"
#include "profile.h"
#include "vmctl.h"

/* Ctrl-]: ASCII GS. */
#define CONSOLE_ESCAPE 0x1d

static void console_usage(FILE *out)
{
	fputs("Usage: vfio-launch console [--help] PROFILE\n\n"
	      "Attach this terminal to the running VM's serial console.\n"
	      "Ctrl-] detaches; the VM keeps running. One console at a time.\n",
	      out);
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* Reads the supervisor's one-line answer; what follows the newline is
 * console output already, left in rest (*rest_len bytes). */
static int read_answer(int fd, char *line, size_t size, char *rest, size_t *rest_len)
{
	size_t got = 0;
	char *nl;

	*rest_len = 0;
	while (!(nl = memchr(line, '\n', got))) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (got == size - 1)
			return -EMSGSIZE;
		if (poll(&pfd, 1, VMCTL_TIMEOUT_MS) == 0)
			return -ETIMEDOUT;
		n = read(fd, line + got, size - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ECONNRESET;
		got += (size_t)n;
	}
	*rest_len = got - (size_t)(nl + 1 - line);
	memcpy(rest, nl + 1, *rest_len);
	*nl = '\0';
	return 0;
}

int cmd_console(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	static const char req[] = "{\"execute\":\"console\"}\n";
	_cleanup_profile_ struct profile *p = NULL;
	_cleanup_close_ int fd = -1;
	struct vm_paths paths = { 0 };
	struct termios saved, raw;
	bool tty = false;
	char line[512], buf[4096];
	size_t rest = 0;
	json_object *ans;
	int c, r;

	while ((c = getopt_long(argc, argv, "hV", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			console_usage(stdout);
			return EX_OK;
		case 'V':
			printf("vfio-launch %s\n", VFIO_LAUNCH_VERSION);
			return EX_OK;
		default:
			console_usage(stderr);
			return EX_USAGE;
		}
	}
	r = load_jsonc("console");
	if (r)
		return r;
	r = load_profile_arg(argc, argv, "console", console_usage, &p, &paths);
	if (r)
		return r;
	fd = vmctl_connect(&paths);
	vm_paths_clear(&paths);
	if (fd == -ESRCH) {
		log_error("VM %s is not running", p->name);
		return EX_UNAVAILABLE;
	}
	if (fd < 0) {
		log_error("cannot reach VM %s's supervisor: %s", p->name, strerror(-fd));
		return EX_UNAVAILABLE;
	}
	if (send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) < 0 ||
	    (r = read_answer(fd, line, sizeof(line), buf, &rest)) < 0) {
		log_error("VM %s's supervisor did not answer", p->name);
		return EX_SOFTWARE;
	}
	ans = jsonc.json_tokener_parse(line);
	if (!ans || !jsonc.json_object_object_get_ex(ans, "return", NULL)) {
		json_object *e = NULL, *d = NULL;

		if (ans && jsonc.json_object_object_get_ex(ans, "error", &e) &&
		    jsonc.json_object_object_get_ex(e, "desc", &d)) {
			log_error("VM %s: %s", p->name, jsonc.json_object_get_string(d));
			jsonc.json_object_put(ans);
			return EX_UNAVAILABLE;
		}
		log_error("VM %s's supervisor answered: %s", p->name, line);
		jsonc.json_object_put(ans);
		return EX_SOFTWARE;
	}
	jsonc.json_object_put(ans);

	fprintf(stderr, "Connected to VM %s's serial console; Ctrl-] detaches.\r\n", p->name);
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		/* As run's terminal (supervisor.c tty_raw), and without ISIG:
		 * Ctrl-C goes to the guest, Ctrl-] is the way out. */
		raw = saved;
		cfmakeraw(&raw);
		raw.c_oflag |= OPOST | ONLCR;
		tty = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
	}
	write_all(STDOUT_FILENO, buf, rest);
	for (;;) {
		struct pollfd pfd[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
					 { .fd = fd, .events = POLLIN } };
		ssize_t n;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0) {
				fprintf(stderr, "\r\nVM %s: the console closed (the VM stopped)\r\n",
					p->name);
				break;
			}
			write_all(STDOUT_FILENO, buf, (size_t)n);
		}
		if (pfd[0].revents) {
			char *esc;

			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0)
				break;
			esc = memchr(buf, CONSOLE_ESCAPE, (size_t)n);
			if (esc)
				n = esc - buf;
			if (n > 0 && send(fd, buf, (size_t)n, MSG_NOSIGNAL) < 0)
				break;
			if (esc) {
				fprintf(stderr, "\r\nDetached from VM %s; it keeps running.\r\n",
					p->name);
				break;
			}
		}
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return EX_OK;
}
