// SPDX-License-Identifier: GPL-2.0-or-later
/* vfio-launch: subcommand dispatch. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cleanup.h"
#include "commands.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "check the host, prepare, start QEMU in its box and supervise it" },
	{ "start", cmd_start, "run in the background; return once the guest runs" },
	{ "status", cmd_status, "whether a VM runs: state, PIDs, uptime, vCPU threads" },
	{ "console", cmd_console, "attach the terminal to a running VM's serial console" },
	{ "qmp", cmd_qmp, "send one QMP command to a running VM, print the reply" },
	{ "stop", cmd_stop, "power a running VM down (ACPI), then quit, then SIGKILL" },
	{ "check", cmd_check, "report PASS/WARN/FAIL for a profile (or --host)" },
	{ "cmdline", cmd_cmdline, "print the QEMU argv, one per line, no probing" },
	{ "reset-vars", cmd_reset_vars, "keep a VM's UEFI variables aside; the next run copies the template" },
	{ "list", cmd_list, "list your profiles" },
	{ "iommu", cmd_iommu, "list IOMMU groups and whether each can be passed through" },
	{ "usb", cmd_usb, "list USB devices with their host ports" },
	{ "limits", cmd_limits, "print the memlock limit your profiles need" },
	{ "seccomp", cmd_seccomp, "print QEMU's seccomp filter (pseudo filter code)" },
};

static void __attribute__((format(printf, 2, 0)))
vlog(const char *level, const char *fmt, va_list ap)
{
	fprintf(stderr, "vfio-launch: %s", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

static void usage(FILE *out)
{
	fputs("Usage: vfio-launch [--help] [--version] COMMAND [ARGS...]\n\n"
	      "Run a QEMU virtual machine with PCI passthrough as yourself,\n"
	      "with QEMU confined. PROFILE is a name from\n"
	      "$XDG_CONFIG_HOME/vfio-launch/NAME.conf or a path.\n\n"
	      "Commands:\n",
	      out);
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'vfio-launch COMMAND --help' describes a command; see also\n"
	      "vfio-launch(1) and vfio-launch.conf(5).\n",
	      out);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	int c;

	/* Started with 0, 1 or 2 closed (`<&-`): fill them with /dev/null
	 * before anything is opened, or the next descriptor we open lands
	 * there: printed output would go into it, and run's sandbox keeps
	 * 0-2 for QEMU, so a descriptor sitting there (the exec guard's
	 * socket, closed at execve) would leave QEMU a closed stdin or
	 * leak into it. */
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int nfd = open("/dev/null", O_RDWR); /* no CLOEXEC: stdio */
			if (nfd != fd)
				return EX_OSERR;
		}
	}

	/* Stop at the first non-option: the rest belongs to the subcommand. */
	while ((c = getopt_long(argc, argv, "+hV", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return EX_OK;
		case 'V':
			printf("vfio-launch %s\n", VFIO_LAUNCH_VERSION);
			return EX_OK;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind >= argc) {
		log_error("no command given");
		usage(stderr);
		return EX_USAGE;
	}
	for (size_t i = 0; i < ELEMENTSOF(commands); i++) {
		if (strcmp(argv[optind], commands[i].name) == 0) {
			char **sub = argv + optind;
			int subc = argc - optind;
			optind = 0; /* reset getopt for the subcommand */
			return commands[i].fn(subc, sub);
		}
	}
	log_error("unknown command '%s'; see 'vfio-launch --help'", argv[optind]);
	return EX_USAGE;
}
