// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-privhelper: the command layer. Refuses to run unless started by real
 * root without a set-id or file-capability transition (AT_SECURE), drops the
 * environment, reads the allowlist, and runs one subcommand. Logs once per
 * failure and returns a sysexits.h code.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pci/pci.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>

#include "ph.h"

static void die_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void die_msg(const char *fmt, ...)
{
	va_list ap;

	fputs("vfio-privhelper: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int exit_code(int r)
{
	switch (r) {
	case -EINVAL:
		return EX_USAGE;
	case -EPERM:
		return EX_NOPERM;
	default:
		return EX_UNAVAILABLE;
	}
}

static void usage(FILE *f)
{
	fputs("Usage: vfio-privhelper bind [BDF...]     hand devices (and their IOMMU groups) to vfio-pci\n"
	      "       vfio-privhelper unbind [BDF...]   give them back to their host drivers\n"
	      "       vfio-privhelper status            allowlisted devices and their state\n"
	      "       vfio-privhelper apply-rules       write the udev rule for allowlisted disks\n"
	      "       vfio-privhelper --help | --version\n"
	      "Without BDF, every device in " PH_CONF ". Run as root; see vfio-privhelper(8).\n",
	      f);
}

/* Loads vfio-pci unless its driver directory exists already. modprobe runs
 * from a fixed path with an empty environment but a fixed PATH (for the
 * install commands of modprobe.d), and no shell. */
static int load_vfio(int sysfd)
{
	static const char *const paths[] = { "/sbin/modprobe", "/usr/sbin/modprobe" };
	char *const argv[] = { "modprobe", "vfio-pci", NULL };
	char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	const char *prog = NULL;
	int status;
	pid_t pid;

	if (faccessat(sysfd, "bus/pci/drivers/" PH_VFIO_DRIVER, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	for (size_t i = 0; i < 2 && !prog; i++)
		if (access(paths[i], X_OK) == 0)
			prog = paths[i];
	if (!prog)
		return -ENOENT;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execve(prog, argv, envp);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    faccessat(sysfd, "bus/pci/drivers/" PH_VFIO_DRIVER, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return -ENODEV;
	return 0;
}

static int cmd_bind(int sysfd, const struct ph_conf *c, bool bind, char **bdfs, size_t n)
{
	struct ph_usage u = { 0 };
	struct ph_plan p;
	struct ph_why w = { "" };
	int r;

	if (bind && (r = ph_usage_load(&u)) < 0) {
		die_msg("cannot read /proc/self/mountinfo: %s", strerror(-r));
		return EX_OSERR;
	}
	r = ph_plan_make(sysfd, c, bind, bdfs, n, &u, &p, &w);
	ph_usage_free(&u);
	if (r < 0) {
		die_msg("refusing to %s: %s", bind ? "bind" : "unbind", w.msg);
		return exit_code(r);
	}
	if (bind && (r = load_vfio(sysfd)) < 0) {
		die_msg("cannot load the vfio-pci module (modprobe vfio-pci): %s", strerror(-r));
		return EX_UNAVAILABLE;
	}
	r = ph_plan_apply(sysfd, &p, 3000, stdout, &w);
	if (r < 0) {
		die_msg("%s failed, devices moved back: %s", bind ? "bind" : "unbind", w.msg);
		return EX_UNAVAILABLE;
	}
	return EX_OK;
}

/* Whether the group can open /dev/vfio/N: the node exists, belongs to the
 * group and is group read-write (the static udev rule's job). */
static const char *node_state(int group, gid_t gid, bool have_gid)
{
	char path[32];
	struct stat st;

	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	if (stat(path, &st) < 0)
		return "no node (not bound to vfio-pci?)";
	if (!S_ISCHR(st.st_mode))
		return "not a character device";
	if (!have_gid || st.st_gid != gid || (st.st_mode & 0060) != 0060)
		return "the group cannot open it (udev rule 70-vfio-launch.rules missing?)";
	return "group can open it";
}

static int cmd_status(int sysfd, const struct ph_conf *c)
{
	struct pci_access *pacc = pci_alloc();
	char grbuf[4096];
	struct group gr, *grp = NULL;
	bool have_gid = getgrnam_r(c->group, &gr, grbuf, sizeof(grbuf), &grp) == 0 && grp;

	printf("group %s%s\n", c->group, have_gid ? "" : " (does not exist: groupadd --system it)");
	for (size_t i = 0; i < c->n_pci; i++) {
		struct ph_dev d;
		struct ph_why w = { "" };
		char name[256] = "?";

		if (ph_dev_read(sysfd, c->pci[i].bdf, &d, &w) < 0) {
			printf("%s  %s\n", c->pci[i].bdf, w.msg);
			continue;
		}
		pci_lookup_name(pacc, name, sizeof(name), PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE,
				d.vendor, d.device);
		printf("%s  %04x:%04x  %s\n", d.bdf, d.vendor, d.device, name);
		if (d.group < 0)
			printf("    IOMMU group: none (IOMMU off?)\n");
		else
			printf("    IOMMU group %d, /dev/vfio/%d: %s\n", d.group, d.group,
			       node_state(d.group, have_gid ? gr.gr_gid : 0, have_gid));
		printf("    driver: %s%s\n", d.driver[0] ? d.driver : "none",
		       c->pci[i].pinned && (c->pci[i].vendor != d.vendor || c->pci[i].device != d.device)
			       ? " (IDs differ from the pin!)" : "");
	}
	pci_cleanup(pacc);
	return EX_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' },
					      { "version", no_argument, NULL, 'V' },
					      { NULL, 0, NULL, 0 } };
	_ph_cleanup_close_ int sysfd = -1;
	struct ph_conf c;
	struct ph_why w = { "" };
	const char *cmd;
	int o, r;

	/* First, before reading anything: a set-id or file-capability exec
	 * (AT_SECURE, getauxval(3)) means the caller's environment and
	 * descriptors came in with privileges they did not have. */
	if (getauxval(AT_SECURE) != 0) {
		die_msg("refusing to run set-id or with file capabilities (AT_SECURE); run it as root");
		return EX_NOPERM;
	}
	if (getuid() != 0 || geteuid() != 0) {
		die_msg("must be run by root (real uid 0): sudo vfio-privhelper ...");
		return EX_NOPERM;
	}
	/* Nothing below reads the environment; clear it so libraries and
	 * modprobe cannot either. */
	clearenv();
	umask(022);
	while ((o = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (o) {
		case 'h':
			usage(stdout);
			return EX_OK;
		case 'V':
			printf("vfio-privhelper %s\n", PH_VERSION);
			return EX_OK;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind >= argc) {
		die_msg("missing subcommand (bind, unbind, status, apply-rules)");
		return EX_USAGE;
	}
	cmd = argv[optind++];
	if (strcmp(cmd, "bind") && strcmp(cmd, "unbind") && strcmp(cmd, "status") &&
	    strcmp(cmd, "apply-rules")) {
		die_msg("unknown subcommand '%.40s' (bind, unbind, status, apply-rules)", cmd);
		return EX_USAGE;
	}
	if ((!strcmp(cmd, "status") || !strcmp(cmd, "apply-rules")) && optind < argc) {
		die_msg("%s takes no argument", cmd);
		return EX_USAGE;
	}
	if ((r = ph_conf_load(&c, &w)) < 0) {
		die_msg("%s", w.msg);
		return r == -EPERM || r == -ELOOP ? EX_NOPERM : EX_CONFIG;
	}
	sysfd = open(PH_SYSFS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sysfd < 0) {
		die_msg("cannot open %s: %s", PH_SYSFS, strerror(errno));
		return EX_OSERR;
	}
	if (!strcmp(cmd, "status"))
		return cmd_status(sysfd, &c);
	if (!strcmp(cmd, "apply-rules")) {
		if ((r = ph_rules_apply(sysfd, &c, stdout, &w)) < 0) {
			die_msg("apply-rules: %s", w.msg);
			return exit_code(r);
		}
		return EX_OK;
	}
	return cmd_bind(sysfd, &c, !strcmp(cmd, "bind"), argv + optind, (size_t)(argc - optind));
}
