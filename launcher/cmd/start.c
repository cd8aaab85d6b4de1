// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * start: run in the background. The supervisor (cmd_run in a child) gets
 * its own session and no terminal; QEMU's serial console and the
 * supervisor's lines go to $XDG_STATE_HOME/vfio-launch/NAME/log (the
 * previous one kept as log.1). start returns once the supervisor says the
 * guest runs (supervisor_ready, one byte on a pipe), exit 0, printing the
 * supervisor's PID and the log; when the supervisor ends before that (a
 * FAIL in the checks, QEMU exiting) it prints the log's last lines and
 * exits with run's exit status.
 *
 * Exit codes: 0 the guest runs; 69 already running; otherwise run's
 * (vfio-launch(1)): 64, 66, 69, 77, 78, or QEMU's own status.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "cleanup.h"
#include "commands.h"
#include "common.h"
#include "paths.h"
#include "profile.h"
#include "vmctl.h"

/* Lines of the log shown when the start failed. */
#define START_LOG_TAIL 20

static void start_usage(FILE *out)
{
	fputs("Usage: vfio-launch start [--help] [--paused] [--trust-profile] PROFILE\n\n"
	      "Like run, but in the background: the guest's serial console and the\n"
	      "supervisor's messages go to $XDG_STATE_HOME/vfio-launch/NAME/log\n"
	      "(the previous one kept as log.1). Returns once the guest runs.\n\n"
	      "  --paused         leave the vCPUs stopped (resume: vfio-launch qmp or QMP cont)\n"
	      "  --trust-profile  as for run\n",
	      out);
}

/* mkdir -p with mode 0700 for what it creates. Returns 0 or -errno. */
static int make_dirs(const char *path)
{
	_cleanup_free_ char *p = strdup(path);

	if (!p)
		return -ENOMEM;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return -errno;
		*s = c;
		if (!c)
			return 0;
	}
}

/* Rotates NAME/log to log.1 and opens a new one; returns the fd or -errno. */
static int open_log(const char *log)
{
	_cleanup_free_ char *old = NULL;

	if (asprintf(&old, "%s.1", log) < 0)
		return -ENOMEM;
	if (rename(log, old) < 0 && errno != ENOENT)
		return -errno;
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	return fd < 0 ? -errno : fd;
}

/* The last n lines of path, to stderr. */
static void print_tail(const char *path, int n)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char *lines[START_LOG_TAIL] = { 0 };
	size_t cap[START_LOG_TAIL] = { 0 };
	long count = 0;

	if (!f)
		return;
	while (getline(&lines[count % n], &cap[count % n], f) > 0)
		count++;
	fprintf(stderr, "--- last lines of %s ---\n", path);
	for (long i = count > n ? count - n : 0; i < count; i++)
		fputs(lines[i % n], stderr);
	for (int i = 0; i < n; i++)
		free(lines[i]);
}

/* The child: the supervisor, in its own session, stdio on the log. */
static __attribute__((noreturn)) void become_supervisor(int log_fd, int ready_fd, char **run_argv,
							int run_argc)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (setsid() < 0 || null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(log_fd, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0)
		_exit(EX_OSERR);
	close(null);
	close(log_fd);
	run_ready_fd = ready_fd;
	optind = 0; /* cmd_run parses its own options */
	exit(cmd_run(run_argc, run_argv));
}

int cmd_start(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "paused", no_argument, NULL, 'S' },
		{ "trust-profile", no_argument, NULL, 'T' },
		{ 0 },
	};
	_cleanup_profile_ struct profile *p = NULL;
	_cleanup_free_ char *log = NULL;
	struct vm_paths paths = { 0 };
	char *run_argv[5];
	int run_argc = 0, c, r, log_fd, pipefd[2], status;
	bool paused = false, trust = false;
	struct vm_status vs;
	pid_t pid;
	char byte;
	ssize_t n;

	while ((c = getopt_long(argc, argv, "hVS", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			start_usage(stdout);
			return EX_OK;
		case 'V':
			printf("vfio-launch %s\n", VFIO_LAUNCH_VERSION);
			return EX_OK;
		case 'S':
			paused = true;
			break;
		case 'T':
			trust = true;
			break;
		default:
			start_usage(stderr);
			return EX_USAGE;
		}
	}
	r = load_profile_arg(argc, argv, "start", start_usage, &p, &paths);
	if (r)
		return r;
	/* Before the log is rotated: a running VM keeps its log. (Two
	 * starts racing both get here; the lock refuses the second, which
	 * says so in the new log and on this terminal.) */
	if (vmctl_status(&paths, &vs) == 0) {
		log_error("VM %s is already running (supervisor pid %d); its log: %s/log", p->name,
			  (int)vs.supervisor_pid, paths.state_dir);
		vm_paths_clear(&paths);
		return EX_UNAVAILABLE;
	}
	r = make_dirs(paths.state_dir);
	if (r < 0 || asprintf(&log, "%s/log", paths.state_dir) < 0) {
		log_error("cannot make %s: %s", paths.state_dir, strerror(r < 0 ? -r : ENOMEM));
		vm_paths_clear(&paths);
		return EX_CANTCREAT;
	}
	vm_paths_clear(&paths);
	log_fd = open_log(log);
	if (log_fd < 0) {
		log_error("cannot open %s: %s", log, strerror(-log_fd));
		return EX_CANTCREAT;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		log_error("cannot make a pipe: %m");
		close(log_fd);
		return EX_OSERR;
	}
	run_argv[run_argc++] = "run";
	if (paused)
		run_argv[run_argc++] = "--paused";
	if (trust)
		run_argv[run_argc++] = "--trust-profile";
	run_argv[run_argc++] = argv[optind];
	run_argv[run_argc] = NULL;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		log_error("cannot fork: %m");
		close(log_fd);
		close(pipefd[0]);
		close(pipefd[1]);
		return EX_OSERR;
	}
	if (pid == 0) {
		close(pipefd[0]);
		become_supervisor(log_fd, pipefd[1], run_argv, run_argc);
	}
	close(log_fd);
	close(pipefd[1]);
	do
		n = read(pipefd[0], &byte, 1);
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == 1) {
		printf("VM %s started: supervisor pid %d, log %s\n", p->name, (int)pid, log);
		return EX_OK;
	}
	/* EOF: the supervisor ended before the guest ran. */
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = EX_SOFTWARE << 8;
			break;
		}
	print_tail(log, START_LOG_TAIL);
	r = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (r == 0)
		r = EX_SOFTWARE; /* gone without ever running: not a success */
	log_error("VM %s did not start (exit status %d); the whole log: %s", p->name, r, log);
	return r;
}
