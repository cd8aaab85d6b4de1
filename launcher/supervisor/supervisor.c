// SPDX-License-Identifier: GPL-2.0-or-later
/* The per-VM supervisor's loop; see supervisor.h. */
#include "unix_listen.h"
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audio_proxy.h"
#include "box.h"
#include "console.h"
#include "control.h"
#include "json_dl.h"
#include "term.h"

/* ISO 8601 local time with milliseconds and the UTC offset, as in
 * 2026-12-01T04:04:05.123+01:00: a log kept for days (log.1) needs the
 * date, and the offset makes it unambiguous. */
static void format_when(char *buf, size_t size, time_t sec, long msec)
{
	struct tm tm;
	char zone[8] = "";
	size_t n;

	localtime_r(&sec, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm); /* +0100 */
	snprintf(buf + n, size - n, ".%03ld%.3s:%.2s", msec, zone, zone + 3);
}

/* A line of the supervisor's on stderr (stdout is the guest's console),
 * stamped with when (term.h: it never blocks the loop). The terminal
 * keeps OPOST/ONLCR in raw mode, so "\n" is enough. */
static void __attribute__((format(printf, 3, 0))) say_v(struct supervisor *sv, const struct timespec *when,
							 const char *fmt, va_list ap)
{
	char line[1024], ts[48];
	int n, m;

	format_when(ts, sizeof(ts), when->tv_sec, when->tv_nsec / 1000000);
	n = snprintf(line, sizeof(line), "vfio-launch: %s %s: ", ts, sv->name);
	if (n < 0 || n >= (int)sizeof(line) - 1)
		n = 0;
	m = vsnprintf(line + n, sizeof(line) - 1 - (size_t)n, fmt, ap);
	if (m > 0)
		n = n + m < (int)sizeof(line) - 1 ? n + m : (int)sizeof(line) - 2;
	line[n++] = '\n';
	term_out_write(&sv->terr, sv->epoll_fd, line, (size_t)n);
}

static void __attribute__((format(printf, 2, 3))) say(struct supervisor *sv, const char *fmt, ...)
{
	struct timespec now;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &now);
	va_start(ap, fmt);
	say_v(sv, &now, fmt, ap);
	va_end(ap);
}

/* As say, stamped with the time QEMU gave a QMP event ("timestamp":
 * {"seconds", "microseconds"}, qmp-spec.rst), or now without one. */
static void __attribute__((format(printf, 3, 4))) say_event(struct supervisor *sv, json_object *ev,
							     const char *fmt, ...)
{
	json_object *ts = NULL, *sec = NULL, *usec = NULL;
	struct timespec when;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &when);
	if (jsonc.json_object_object_get_ex(ev, "timestamp", &ts) &&
	    jsonc.json_object_object_get_ex(ts, "seconds", &sec) &&
	    jsonc.json_object_object_get_ex(ts, "microseconds", &usec) &&
	    jsonc.json_object_get_int64(sec) > 0) {
		when.tv_sec = (time_t)jsonc.json_object_get_int64(sec);
		when.tv_nsec = (long)jsonc.json_object_get_int64(usec) * 1000L;
	}
	va_start(ap, fmt);
	say_v(sv, &when, fmt, ap);
	va_end(ap);
}

void supervisor_init(struct supervisor *sv)
{
	*sv = (struct supervisor){ 0 };
	sv->qmp_fd = sv->serial_fd = sv->err_fd = sv->child_err_fd = -1;
	sv->out_fd = sv->child_out_fd = -1;
	sv->ctl_fd = -1;
	control_init(sv);
	term_out_init(&sv->tout, STDOUT_FILENO);
	term_out_init(&sv->terr, STDERR_FILENO);
	sv->ready_fd = sv->console_fd = -1;
	sv->child = (struct supervisor_child_fds){ .qmp = -1, .qmp_user = -1, .serial = -1, .tap = -1 };
	sv->epoll_fd = sv->signal_fd = sv->timer_fd = sv->pidfd = -1;
	sv->caps_id = sv->cont_id = -1;
	sv->state = SV_STARTING;
	qmp_init(&sv->qmp, -1);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The user's QMP socket: a listening socket QEMU serves itself
 * (`-chardev socket,fd=N,server=on`). QEMU 7.2 util/qemu-sockets.c
 * socket_listen() takes an "fd" address as an already bound socket and
 * calls listen() on it again, so the user talks to QEMU's own QMP server
 * (as with libvirt's pre-opened monitor sockets) and the box needs no path
 * to the runtime dir. */
static int listen_user_socket(struct supervisor *sv)
{
	int fd = unix_listen(sv->qmp_user_path, 0, 8, &sv->made_user_socket);

	if (fd < 0)
		return fd;
	sv->child.qmp_user = fd;
	return 0;
}

int supervisor_open(struct supervisor *sv)
{
	int p[2], r;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0)
		return -errno;
	sv->qmp_fd = p[0];
	sv->child.qmp = p[1];
	qmp_init(&sv->qmp, sv->qmp_fd);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0)
		return -errno;
	sv->serial_fd = p[0];
	sv->child.serial = p[1];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	sv->err_fd = p[0];
	sv->child_err_fd = p[1];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	sv->out_fd = p[0];
	sv->child_out_fd = p[1];
	/* Only our (read) ends are non-blocking: the final drain reads
	 * them until they are empty. */
	if (fcntl(sv->err_fd, F_SETFL, O_NONBLOCK) < 0 || fcntl(sv->out_fd, F_SETFL, O_NONBLOCK) < 0)
		return -errno;
	r = listen_user_socket(sv);
	if (r < 0)
		return r;
	/* Not the control socket: supervisor_loop binds it once QEMU runs
	 * (nothing before QEMU's exec uses it; issue 15). */
	return supervisor_audio_open(sv);
}

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD };

int supervisor_start(struct supervisor *sv, const struct sandbox_policy *pol, char *const argv[],
		     struct sandbox_result *ret_res)
{
	int fds[4 + HELPERS_MAX] = { sv->child.qmp, sv->child.qmp_user, sv->child.serial, sv->child.tap };
	size_t n = sv->child.tap >= 0 ? 4 : 3;
	struct box_spec spec = {
		.policy = pol,
		.fds = fds,
		.n_fds = n + sv->child.n_helpers,
		/* No terminal for QEMU: stdin /dev/null (the console is a
		 * socket), stdout and stderr pipes we relay to ours. */
		.stdio = { -1, sv->child_out_fd, sv->child_err_fd },
		.ns = sv->box_ns,
	};
	struct box_child child;
	sigset_t mask;
	int r;

	if (sv->child.n_helpers > HELPERS_MAX)
		return -E2BIG;
	for (size_t i = 0; i < sv->child.n_helpers; i++)
		fds[n + i] = sv->child.helpers[i].fd;
	sigemptyset(&mask);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(*stop_signals); i++)
		sigaddset(&mask, stop_signals[i]);
	if (sigprocmask(SIG_BLOCK, &mask, &sv->old_mask) < 0)
		return -errno;
	sv->mask_set = true;
	/* An ignored signal is discarded, blocked or not: and a shell
	 * starts background jobs with SIGINT ignored. Default actions never
	 * run while the signals are blocked. */
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(*stop_signals); i++)
		signal(stop_signals[i], SIG_DFL);
	/* A closed terminal must not kill us mid-write; box_spawn gives
	 * QEMU the default disposition back. */
	signal(SIGPIPE, SIG_IGN);
	sv->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sv->signal_fd < 0)
		return -errno;

	r = box_spawn(&spec, argv, &child, ret_res);
	if (sv->box_ns)
		box_ns_stop(sv->box_ns); /* QEMU holds them now, or failed */
	/* Ours no longer: QEMU holds them (or failed). */
	close_fd(&sv->child.qmp);
	close_fd(&sv->child.qmp_user);
	close_fd(&sv->child.serial);
	close_fd(&sv->child.tap);
	close_fd(&sv->child_err_fd);
	close_fd(&sv->child_out_fd);
	if (r < 0)
		return r;
	sv->pid = child.pid;
	sv->pidfd = child.pidfd;
	return 0;
}

/* ------------------------------------------------------------ stopping */

static void arm_timer(struct supervisor *sv, unsigned seconds)
{
	struct itimerspec its = { .it_value = { .tv_sec = seconds } };

	timerfd_settime(sv->timer_fd, 0, &its, NULL);
}

static void kill_qemu(struct supervisor *sv)
{
	if (sv->state == SV_KILLED)
		return;
	say(sv, "killing QEMU (pid %d)", (int)sv->pid);
	/* pidfd_send_signal (Linux 5.1): the signal cannot reach a recycled
	 * PID, the pidfd pins our child. */
	if (syscall(SYS_pidfd_send_signal, sv->pidfd, SIGKILL, NULL, 0) < 0)
		say(sv, "cannot kill QEMU: %s", strerror(errno));
	sv->state = SV_KILLED;
}

static void quit_qemu(struct supervisor *sv)
{
	long id = qmp_send(&sv->qmp, "quit", NULL);

	if (id < 0) {
		kill_qemu(sv);
		return;
	}
	say(sv, "ending QEMU (QMP quit); SIGKILL in %d s", SUPERVISOR_QUIT_GRACE);
	sv->state = SV_QUIT;
	arm_timer(sv, SUPERVISOR_QUIT_GRACE);
}

/* One step further along powerdown -> quit -> SIGKILL. */
static void stop_step(struct supervisor *sv, const char *why)
{
	long id;

	switch (sv->state) {
	case SV_STARTING:
		/* No QMP yet: nothing graceful to ask, and the guest has not
		 * run (-S). */
		say(sv, "%s before QMP answered", why);
		kill_qemu(sv);
		break;
	case SV_RUNNING:
		if (!sv->vcpus_running) {
			/* A paused guest cannot answer the power button. */
			say(sv, "%s: the guest is paused", why);
			quit_qemu(sv);
			break;
		}
		id = qmp_send(&sv->qmp, "system_powerdown", NULL);
		if (id < 0) {
			quit_qemu(sv);
			break;
		}
		say(sv, "%s: asking the guest to power down (ACPI); again to force, "
			"or it is ended in %u s", why, sv->stop_timeout);
		sv->state = SV_POWERDOWN;
		arm_timer(sv, sv->stop_timeout);
		break;
	case SV_POWERDOWN:
		say(sv, "%s", why);
		quit_qemu(sv);
		break;
	case SV_QUIT:
		kill_qemu(sv);
		break;
	case SV_KILLED:
	default:
		break;
	}
}

void supervisor_stop(struct supervisor *sv, const char *why, bool force, unsigned timeout)
{
	if (timeout)
		sv->stop_timeout = timeout;
	if (force && (sv->state == SV_RUNNING || sv->state == SV_POWERDOWN)) {
		say(sv, "%s (forced)", why);
		quit_qemu(sv);
		return;
	}
	stop_step(sv, why);
}

static void on_signal(struct supervisor *sv)
{
	struct signalfd_siginfo si;

	while (read(sv->signal_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			continue; /* the pidfd tells us */
		stop_step(sv, strsignal((int)si.ssi_signo));
	}
}

static void on_timer(struct supervisor *sv)
{
	uint64_t n;

	if (read(sv->timer_fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return;
	if (sv->state == SV_POWERDOWN)
		stop_step(sv, "the guest did not power off within the stop-timeout");
	else if (sv->state == SV_QUIT)
		kill_qemu(sv);
}

/* ----------------------------------------------------------------- QMP */

static void on_qmp_message(struct supervisor *sv, const struct qmp_msg *m)
{
	if (control_qmp_reply(sv, m))
		return; /* a command `vfio-launch qmp` forwarded (control.h) */
	switch (m->kind) {
	case QMP_GREETING:
		sv->caps_id = qmp_send(&sv->qmp, "qmp_capabilities", NULL);
		if (sv->caps_id < 0)
			say(sv, "QMP: cannot send qmp_capabilities: %s", strerror((int)-sv->caps_id));
		break;
	case QMP_RETURN:
		if (m->id == sv->caps_id && sv->state == SV_STARTING) {
			sv->ever_ready = true;
			sv->state = SV_RUNNING;
			/* QEMU starts paused (-S): its threads are pinned
			 * before the guest runs (pin.c); a VM that would run
			 * unpinned is stopped rather than left slow. */
			if (sv->pin) {
				char msg[1024];
				int r = supervisor_pin(sv, msg, sizeof(msg));
				say(sv, "%s", msg);
				if (r < 0) {
					supervisor_stop(sv, "pinning failed", true, 0);
					break;
				}
			}
			if (sv->paused) {
				say(sv, "QEMU (pid %d) is ready, vCPUs paused (--paused)", (int)sv->pid);
				supervisor_ready(sv);
				break;
			}
			sv->cont_id = qmp_send(&sv->qmp, "cont", NULL);
			if (sv->cont_id < 0)
				say(sv, "QMP: cannot send cont: %s", strerror((int)-sv->cont_id));
		} else if (m->id == sv->cont_id) {
			supervisor_ready(sv);
		}
		break;
	case QMP_ERROR:
		say(sv, "QMP: command %ld failed: %s", m->id, m->error);
		break;
	case QMP_EVENT: {
		json_object *data = NULL, *reason = NULL;

		if (strcmp(m->event, "POWERDOWN") && strcmp(m->event, "SHUTDOWN") &&
		    strcmp(m->event, "RESET") && strcmp(m->event, "STOP") &&
		    strcmp(m->event, "RESUME"))
			break;
		if (!strcmp(m->event, "RESUME") || !strcmp(m->event, "STOP"))
			sv->vcpus_running = m->event[0] == 'R';
		if (jsonc.json_object_object_get_ex(m->obj, "data", &data))
			jsonc.json_object_object_get_ex(data, "reason", &reason);
		say_event(sv, m->obj, "QMP event %s%s%s%s", m->event, reason ? " (" : "",
		    reason ? jsonc.json_object_get_string(reason) : "", reason ? ")" : "");
		break;
	}
	default:
		break;
	}
}

static void on_qmp(struct supervisor *sv)
{
	struct qmp_msg m;
	int r = qmp_fill(&sv->qmp);

	if (r == -EAGAIN)
		return;
	if (r < 0 && !sv->qmp.eof) {
		if (sv->state < SV_QUIT) /* after quit, a reset is QEMU leaving */
			say(sv, "QMP channel: %s", strerror(-r));
		sv->qmp.eof = true;
	}
	while ((r = qmp_next(&sv->qmp, &m)) != 0) {
		if (r > 0)
			on_qmp_message(sv, &m);
		qmp_msg_clear(&m);
	}
	if (sv->qmp.eof)
		/* QEMU is going away; its pidfd ends the loop. */
		epoll_ctl(sv->epoll_fd, EPOLL_CTL_DEL, sv->qmp_fd, NULL);
}

/* ------------------------------------------------------------- relays */

/* Copies what is readable on from (QEMU's stdout or stderr pipe) to t;
 * returns 0, or -1 at EOF or an error (then the caller stops watching
 * from). */
static int relay(struct supervisor *sv, int from, struct term_out *t)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	term_out_write(t, sv->epoll_fd, buf, (size_t)n);
	return 0;
}

/* What QEMU wrote just before it exited is still in the socket/pipe. */
static void drain(struct supervisor *sv)
{
	for (int i = 0; i < 4096; i++)
		if (console_on_serial(sv, EPOLLIN) < 0)
			break;
	for (int i = 0; i < 4096; i++)
		if (relay(sv, sv->out_fd, &sv->tout) < 0)
			break;
	for (int i = 0; i < 4096; i++)
		if (relay(sv, sv->err_fd, &sv->terr) < 0)
			break;
}

/* The terminal as QEMU's own `-serial stdio` sets it (QEMU 7.2
 * chardev/char-stdio.c qemu_chr_set_echo_stdio): no echo, no line
 * editing, bytes as they come; ISIG kept, so Ctrl-C is our SIGINT (QEMU
 * is in its own session and never sees the terminal). */
static void tty_raw(struct supervisor *sv)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &sv->saved_tty) < 0)
		return;
	t = sv->saved_tty;
	t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	t.c_oflag |= OPOST;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN);
	t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
	t.c_cflag |= CS8;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
		sv->tty_raw = true;
}

/* --------------------------------------------------------------- loop */

static int watch(struct supervisor *sv, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(sv->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static int exit_status(struct supervisor *sv, const siginfo_t *si)
{
	if (si->si_code == CLD_EXITED) {
		if (si->si_status == 0)
			return sv->state >= SV_QUIT ? EXIT_FORCED : 0;
		say(sv, "QEMU exited with status %d", si->si_status);
		return si->si_status;
	}
	say(sv, "QEMU was ended by signal %d (%s)", si->si_status, strsignal(si->si_status));
	return 128 + si->si_status;
}

int supervisor_loop(struct supervisor *sv, bool *ret_started)
{
	siginfo_t si = { 0 };
	bool done = false;
	int r;

	*ret_started = false;
	/* json-c (QMP, the control socket) is loaded now that QEMU has been
	 * exec'd, not on the way to its start (issue 15). Without it the
	 * supervisor could neither stop QEMU cleanly nor answer anyone. */
	if (jsonc_load() < 0) {
		say(sv, "%s; killing QEMU", jsonc_why());
		kill_qemu(sv);
		waitid(P_PIDFD, (id_t)sv->pidfd, &si, WEXITED);
		return EXIT_FAILURE;
	}
	sv->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	sv->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (sv->epoll_fd < 0 || sv->timer_fd < 0)
		goto fatal;
	/* The control socket, only now that QEMU runs: off the path to
	 * its exec (issue 15). A client that comes earlier finds no socket
	 * while we hold the VM's lock, and waits for it (vmctl_connect);
	 * `start` returns at supervisor_ready, later still. */
	if (sv->control_path && sv->ctl_fd < 0) {
		r = control_open(sv);
		if (r < 0) {
			say(sv, "cannot listen on %s: %s", sv->control_path, strerror(-r));
			errno = -r;
			goto fatal;
		}
	}
	if (watch(sv, sv->signal_fd) < 0 || watch(sv, sv->pidfd) < 0 ||
	    watch(sv, sv->qmp_fd) < 0 || watch(sv, sv->serial_fd) < 0 ||
	    watch(sv, sv->err_fd) < 0 || watch(sv, sv->out_fd) < 0 ||
	    watch(sv, sv->timer_fd) < 0)
		goto fatal;
	supervisor_audio_watch(sv);
	/* stdin may be /dev/null or a file, which epoll refuses (EPERM):
	 * then there is no input for the guest. */
	if (sv->ctl_fd >= 0 && watch(sv, sv->ctl_fd) < 0)
		goto fatal;
	sv->stdin_open = watch(sv, STDIN_FILENO) == 0;
	if (sv->stdin_open)
		tty_raw(sv);

	while (!done) {
		struct epoll_event evs[8];
		int n = epoll_wait(sv->epoll_fd, evs, 8, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fatal;
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == sv->signal_fd) {
				on_signal(sv);
			} else if (fd == sv->timer_fd) {
				on_timer(sv);
			} else if (fd == sv->qmp_fd) {
				on_qmp(sv);
			} else if (fd == sv->serial_fd) {
				if (console_on_serial(sv, evs[i].events) < 0)
					epoll_ctl(sv->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
			} else if (fd == sv->out_fd) {
				if (relay(sv, sv->out_fd, &sv->tout) < 0)
					epoll_ctl(sv->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
			} else if (fd == sv->err_fd) {
				if (relay(sv, sv->err_fd, &sv->terr) < 0)
					epoll_ctl(sv->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
			} else if (fd == STDIN_FILENO) {
				console_on_stdin(sv);
			} else if (term_out_handle(&sv->tout, sv->epoll_fd, fd) ||
				   term_out_handle(&sv->terr, sv->epoll_fd, fd)) {
				continue;
			} else if (fd == sv->ctl_fd) {
				control_on_listen(sv);
			} else if (control_handle(sv, fd, evs[i].events)) {
				continue;
			} else if (fd == sv->console_fd) {
				console_on_client(sv);
			} else if (fd == sv->pidfd) {
				done = true;
			} else if (supervisor_audio_handle(sv, fd)) {
				continue;
			}
		}
	}
	drain(sv);
	/* waitid(P_PIDFD) (Linux 5.4) reaps exactly our QEMU. */
	do
		r = waitid(P_PIDFD, (id_t)sv->pidfd, &si, WEXITED);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		goto fatal;
	*ret_started = sv->ever_ready;
	r = exit_status(sv, &si);
	control_finish(sv, r);
	return r;

fatal:
	say(sv, "the supervisor failed: %s; killing QEMU", strerror(errno));
	kill_qemu(sv);
	waitid(P_PIDFD, (id_t)sv->pidfd, &si, WEXITED);
	return EXIT_FAILURE;
}

void supervisor_close(struct supervisor *sv)
{
	uint64_t lost;

	/* What a slow terminal has not taken yet gets a second more. */
	lost = term_out_finish(&sv->tout, sv->epoll_fd, 1000) +
	       term_out_finish(&sv->terr, sv->epoll_fd, 1000);
	if (lost)
		fprintf(stderr, "vfio-launch: %s: %" PRIu64 " bytes of output were dropped "
			"(the terminal did not keep up)\n", sv->name, lost);
	if (sv->tty_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &sv->saved_tty);
	sv->tty_raw = false;
	if (sv->made_user_socket)
		unlink(sv->qmp_user_path);
	sv->made_user_socket = false;
	supervisor_audio_close(sv);
	if (sv->made_control_socket)
		unlink(sv->control_path);
	sv->made_control_socket = false;
	close_fd(&sv->ctl_fd);
	close_fd(&sv->console_fd);
	control_close(sv);
	qmp_clear(&sv->qmp);
	close_fd(&sv->qmp_fd);
	close_fd(&sv->serial_fd);
	close_fd(&sv->err_fd);
	close_fd(&sv->child.qmp);
	close_fd(&sv->child.qmp_user);
	close_fd(&sv->child.serial);
	close_fd(&sv->child.tap);
	close_fd(&sv->child_err_fd);
	close_fd(&sv->out_fd);
	close_fd(&sv->child_out_fd);
	close_fd(&sv->epoll_fd);
	close_fd(&sv->signal_fd);
	close_fd(&sv->timer_fd);
	close_fd(&sv->pidfd);
	close_fd(&sv->ready_fd);
	if (sv->mask_set)
		sigprocmask(SIG_SETMASK, &sv->old_mask, NULL);
	sv->mask_set = false;
}
