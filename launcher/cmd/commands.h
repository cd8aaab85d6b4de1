/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command layer: one function per subcommand. Each parses its own
 * options (getopt_long, argv[0] is the subcommand's name), logs once with
 * context, and returns a sysexits.h exit code. Modules below this layer
 * return 0 / -errno and never log or exit.
 */
#pragma once

#define VFIO_LAUNCH_VERSION "0.1.0"

int cmd_run(int argc, char **argv);     /* cmd/run.c: run [--dry-run] */
int cmd_check(int argc, char **argv);   /* cmd/check.c: check [PROFILE|--host] */
int cmd_cmdline(int argc, char **argv); /* cmd/cmdline.c: cmdline PROFILE */
int cmd_list(int argc, char **argv);    /* cmd_list.c */
int cmd_iommu(int argc, char **argv);   /* cmd_iommu.c */
int cmd_usb(int argc, char **argv);     /* cmd_usb.c */
int cmd_limits(int argc, char **argv);  /* cmd_limits.c */
int cmd_seccomp(int argc, char **argv); /* cmd_seccomp.c */

/* "vfio-launch: " + message to stderr. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
