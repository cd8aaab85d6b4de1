// SPDX-License-Identifier: GPL-2.0-or-later
/* vfio-privhelper's command layer: refuses to run but by real root without a
 * set-id or file-capability exec, drops the environment, reads the allowlist,
 * runs one subcommand. Logs once per failure, returns a sysexits.h code. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pci/pci.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <sysexits.h>

#include "ph.h"

#define COMMANDS "bind, unbind, status, apply-rules, tap, untap"
#define die(code, ...) (fprintf(stderr, "vfio-privhelper: " __VA_ARGS__), fputc('\n', stderr), (code))

static int exit_code(int r)
{
	return r == -EINVAL ? EX_USAGE : r == -EPERM ? EX_NOPERM : EX_UNAVAILABLE;
}

/* Loads vfio-pci unless its driver directory exists: modprobe from a fixed
 * path, no shell, only a fixed PATH (for modprobe.d install commands). */
static int load_vfio(int sysfd)
{
	char *const argv[] = { "modprobe", PH_VFIO, NULL };
	char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	const char *prog = access("/sbin/modprobe", X_OK) == 0 ? "/sbin/modprobe" : "/usr/sbin/modprobe";
	int status;
	pid_t pid;

	if (faccessat(sysfd, "bus/pci/drivers/" PH_VFIO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	fflush(NULL);
	if ((pid = fork()) < 0)
		return -errno;
	if (pid == 0) {
		execve(prog, argv, envp);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    faccessat(sysfd, "bus/pci/drivers/" PH_VFIO, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return -ENODEV;
	return 0;
}

/* Ctrl-C, a closed terminal or ssh session, a service stop, a closed
 * stdout pipe: none may kill the helper between writes, leaving devices half
 * moved with no rollback (or a tap made and not attached). Left blocked:
 * nothing runs after. */
static void block_stop_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGPIPE };
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

static int cmd_bind(int sysfd, const struct ph_conf *c, bool bind, char **bdfs, size_t n)
{
	const char *verb = bind ? "bind" : "unbind";
	struct ph_usage u = { 0 };
	struct ph_why w = { "" };
	struct ph_plan p;
	FILE *mi = fopen("/proc/self/mountinfo", "re"), *sw;
	int r = mi ? 0 : -errno;

	sw = fopen("/proc/swaps", "re"); /* NULL: no swap support */
	r = r < 0 ? r : ph_usage_parse(mi, sw, &u);
	if (mi)
		fclose(mi);
	if (sw)
		fclose(sw);
	/* without mountinfo a disk cannot be known to be free: fail closed */
	if (r < 0)
		return die(EX_OSERR, "cannot read /proc/self/mountinfo: %s", strerror(-r));
	r = ph_plan_make(sysfd, c, bind, bdfs, n, &u, &p, &w);
	ph_usage_free(&u);
	if (r < 0)
		return die(exit_code(r), "refusing to %s: %s", verb, w.msg);
	if (bind && (r = load_vfio(sysfd)) < 0)
		return die(EX_UNAVAILABLE, "cannot load vfio-pci (modprobe vfio-pci): %s", strerror(-r));
	block_stop_signals();
	if ((r = ph_plan_apply(sysfd, &p, 3000, stdout, &w)) < 0)
		return die(EX_UNAVAILABLE, "%s failed: %s", verb, w.msg);
	return EX_OK;
}

/* Whether the group can open /dev/vfio/N: it exists, belongs to the group
 * and is group read-write (what udev-rules/70-vfio-launch.rules sets). */
static const char *node_state(int group, const struct group *gr)
{
	char path[32];
	struct stat st;

	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	if (stat(path, &st) < 0)
		return "no node (not bound to vfio-pci?)";
	if (!S_ISCHR(st.st_mode) || !gr || st.st_gid != gr->gr_gid || (st.st_mode & 0060) != 0060)
		return "the group cannot open it (is 70-vfio-launch.rules installed?)";
	return "group can open it";
}

/* tap USER BRIDGE [NAME], or without arguments every user's tap on every
 * bridge of the allowlist (the boot unit): each is independent, so one that
 * fails does not stop the others; the exit code is the last failure's. */
static int cmd_tap(const struct ph_conf *c, char **args, size_t n)
{
	int ret = EX_OK, r;

	if (n == 1 || n > 3)
		return die(EX_USAGE, "usage: vfio-privhelper tap [USER BRIDGE [NAME]]");
	block_stop_signals();
	for (size_t i = 0; i < (n ? 1 : c->n_tap); i++) {
		struct ph_why w = { "" };
		const char *user = n ? args[0] : c->tap[i].user, *bridge = n ? args[1] : c->tap[i].bridge;

		if ((r = ph_tap_make(c, user, bridge, n == 3 ? args[2] : NULL, stdout, &w)) < 0)
			ret = die(exit_code(r), "refusing tap %.40s %.40s: %s", user, bridge, w.msg);
	}
	return ret;
}

static int cmd_untap(const struct ph_conf *c, char **args, size_t n)
{
	struct ph_why w = { "" };
	int r;

	if (n != 1)
		return die(EX_USAGE, "usage: vfio-privhelper untap NAME");
	block_stop_signals();
	if ((r = ph_tap_remove(c, args[0], stdout, &w)) < 0)
		return die(r == -EBUSY ? EX_TEMPFAIL : exit_code(r), "refusing untap %.40s: %s", args[0], w.msg);
	return EX_OK;
}

static int cmd_status(int sysfd, const struct ph_conf *c)
{
	struct pci_access *pacc = pci_alloc();
	struct group gr, *grp = NULL;
	char grbuf[4096], name[256];

	getgrnam_r(c->group, &gr, grbuf, sizeof(grbuf), &grp);
	printf("group %s%s\n", c->group, grp ? "" : " (does not exist: groupadd --system it)");
	for (size_t i = 0; i < c->n_pci; i++) {
		const struct ph_pci *a = &c->pci[i];
		struct ph_why w = { "" };
		struct ph_dev d;

		if (ph_dev_read(sysfd, a->bdf, &d, &w) < 0) {
			printf("%s  %s\n", a->bdf, w.msg);
			continue;
		}
		/* the PCI ID database (pci.ids) through libpci, as lspci names devices */
		pci_lookup_name(pacc, name, sizeof(name), PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE,
				d.vendor, d.device);
		printf("%s  %04x:%04x  %s\n", d.bdf, d.vendor, d.device, name);
		if (d.group < 0)
			printf("    IOMMU group: none (IOMMU off?)\n");
		else
			printf("    IOMMU group %d, /dev/vfio/%d: %s\n", d.group, d.group, node_state(d.group, grp));
		printf("    driver: %s%s\n", d.driver[0] ? d.driver : "none",
		       a->pinned && (a->vendor != d.vendor || a->device != d.device) ? " (IDs differ from the pin!)" : "");
	}
	pci_cleanup(pacc);
	return EX_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' },
					      { "version", no_argument, NULL, 'V' }, { 0 } };
	_ph_cleanup_close_ int sysfd = -1;
	struct ph_why w = { "" };
	struct ph_conf c;
	const char *cmd;
	int o, r;

	/* First: after a set-id or file-capability exec (AT_SECURE, getauxval(3))
	 * the environment and descriptors come from a less privileged caller. */
	if (getauxval(AT_SECURE) != 0)
		return die(EX_NOPERM, "refusing to run set-id or with file capabilities (AT_SECURE); run it as root");
	if (getuid() != 0 || geteuid() != 0)
		return die(EX_NOPERM, "must be run by root (real uid 0): sudo vfio-privhelper ...");
	/* nothing below reads the environment; clear it for libraries too */
	clearenv();
	umask(022);
	while ((o = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (o) {
		case 'h':
			printf("Usage: vfio-privhelper bind [BDF...]     bind devices and their IOMMU groups to vfio-pci\n"
			       "       vfio-privhelper unbind [BDF...]   give them back to the host's drivers\n"
			       "       vfio-privhelper status            the allowlisted devices and their state\n"
			       "       vfio-privhelper apply-rules       write the udev rule for allowlisted disks\n"
			       "       vfio-privhelper tap [USER BRIDGE [NAME]]  make USER's tap on BRIDGE\n"
			       "       vfio-privhelper untap NAME        remove a tap made by tap\n"
			       "Without BDF, every device in " PH_CONF "; without USER, every\n"
			       "user's tap on every bridge there. See vfio-privhelper(8).\n");
			return EX_OK;
		case 'V':
			printf("vfio-privhelper %s\n", PH_VERSION);
			return EX_OK;
		default:
			return die(EX_USAGE, "usage: vfio-privhelper bind|unbind|status|apply-rules|tap|untap (see --help)");
		}
	}
	if (optind >= argc)
		return die(EX_USAGE, "missing subcommand (" COMMANDS ")");
	cmd = argv[optind++];
	if (strcmp(cmd, "bind") && strcmp(cmd, "unbind") && strcmp(cmd, "status") && strcmp(cmd, "apply-rules") &&
	    strcmp(cmd, "tap") && strcmp(cmd, "untap"))
		return die(EX_USAGE, "unknown subcommand '%.40s' (" COMMANDS ")", cmd);
	if ((!strcmp(cmd, "status") || !strcmp(cmd, "apply-rules")) && optind < argc)
		return die(EX_USAGE, "%s takes no argument", cmd);
	if ((r = ph_conf_load(&c, &w)) < 0)
		return die(r == -EPERM || r == -ELOOP ? EX_NOPERM : EX_CONFIG, "%s", w.msg);
	if (!strcmp(cmd, "tap") || !strcmp(cmd, "untap"))
		return (cmd[0] == 't' ? cmd_tap : cmd_untap)(&c, argv + optind, (size_t)(argc - optind));
	if ((sysfd = open("/sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return die(EX_OSERR, "cannot open /sys: %s", strerror(errno));
	if (!strcmp(cmd, "status"))
		return cmd_status(sysfd, &c);
	if (!strcmp(cmd, "apply-rules"))
		return (r = ph_rules_apply(sysfd, &c, stdout, &w)) < 0 ? die(exit_code(r), "apply-rules: %s", w.msg)
								      : EX_OK;
	return cmd_bind(sysfd, &c, !strcmp(cmd, "bind"), argv + optind, (size_t)(argc - optind));
}
