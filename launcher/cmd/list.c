// SPDX-License-Identifier: GPL-2.0-or-later
/* list: the user's profiles, and whether each VM runs. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cleanup.h"
#include "commands.h"
#include "paths.h"
#include "profile.h"
#include "vmctl.h"

static void list_usage(FILE *out)
{
	fputs("Usage: vfio-launch list [--help]\n\n"
	      "List the profiles in $XDG_CONFIG_HOME/vfio-launch/ (default\n"
	      "~/.config/vfio-launch/), one per line: the VM name, its state\n"
	      "(running, paused, ..., stopped, or invalid when the profile does\n"
	      "not parse), the supervisor's PID and uptime when it runs, and the\n"
	      "file. Warns when two profiles share a [vm] name (one VM: one lock,\n"
	      "one runtime dir).\n",
	      out);
}

/* One line for a profile that loaded: the state from its supervisor
 * (control.h), or from the lock when the supervisor does not answer (an
 * older run, or one busy with another client): held means running. */
static void print_vm(const struct profile *p, const char *path)
{
	struct vm_paths paths = { 0 };
	struct vm_status vs = { 0 };
	char pid[16] = "-", up[32] = "-";
	const char *state = "stopped";

	if (vm_paths_init(p, &paths) == 0) {
		if (vmctl_status(&paths, &vs) == 0) {
			long s = process_uptime(vs.supervisor_pid);

			state = vs.state;
			snprintf(pid, sizeof(pid), "%d", (int)vs.supervisor_pid);
			if (s >= 0)
				snprintf(up, sizeof(up), "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
		} else if (vmctl_lock_held(&paths)) {
			state = "running";
		}
		vm_paths_clear(&paths);
	}
	printf("%-24s %-13s %-8s %-10s %s\n", p->name, state, pid, up, path);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int conf_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".conf") == 0;
}

int cmd_list(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	_cleanup_free_ char *dir = NULL;
	struct dirent **names = NULL;
	int c, n;

	while ((c = getopt_long(argc, argv, "hV", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			list_usage(stdout);
			return EX_OK;
		case 'V':
			printf("vfio-launch %s\n", VFIO_LAUNCH_VERSION);
			return EX_OK;
		default:
			list_usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		log_error("list takes no arguments");
		return EX_USAGE;
	}
	dir = profile_dir();
	if (!dir) {
		log_error("neither $XDG_CONFIG_HOME nor $HOME is set");
		return EX_CONFIG;
	}
	n = scandir(dir, &names, conf_file, by_name);
	if (n < 0) {
		if (errno == ENOENT) {
			fprintf(stderr, "no profiles yet: put NAME.conf files in %s/\n", dir);
			return EX_OK;
		}
		log_error("cannot read %s: %m", dir);
		return errno == EACCES ? EX_NOPERM : EX_NOINPUT;
	}
	_cleanup_strv_free_ char **seen = calloc((size_t)n + 1, sizeof(char *));
	_cleanup_strv_free_ char **seen_file = calloc((size_t)n + 1, sizeof(char *));

	if (!seen || !seen_file) {
		log_error("out of memory");
		return EX_OSERR;
	}
	printf("%-24s %-13s %-8s %-10s %s\n", "NAME", "STATE", "PID", "UPTIME", "FILE");
	for (int i = 0, k = 0; i < n; i++) {
		_cleanup_free_ char *path = NULL;
		_cleanup_profile_ struct profile *p = NULL;
		struct profile_error err = { 0 };

		if (asprintf(&path, "%s/%s", dir, names[i]->d_name) >= 0) {
			if (profile_load(path, &p, &err) == 0) {
				print_vm(p, path);
				/* [vm] name, not the file name, names the VM's
				 * runtime dir and lock: two files, one VM. */
				for (int j = 0; j < k; j++)
					if (strcmp(seen[j], p->name) == 0)
						log_warn("%s and %s both say [vm] name = %s: they are one VM "
							 "to start, stop and lock", seen_file[j], path, p->name);
				seen[k] = strdup(p->name);
				seen_file[k] = strdup(path);
				if (seen[k] && seen_file[k])
					k++;
			} else {
				printf("%-24.*s %-13s %-8s %-10s %s\n",
				       (int)(strlen(names[i]->d_name) - 5), names[i]->d_name, "invalid",
				       "-", "-", path);
			}
		}
		free(names[i]);
	}
	free(names);
	return EX_OK;
}
