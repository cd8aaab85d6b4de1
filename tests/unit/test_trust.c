// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trust.c: which paths are outside the usual places (a pure function of
 * path, $HOME and $XDG_RUNTIME_DIR), what a profile widens the box with,
 * and the check's findings for it.
 */
#include "profile_test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "findings.h"
#include "trust.h"

#define HOME "/home/alice"
#define RUN  "/run/user/1000"

static const struct {
	const char *path;
	const char *why; /* a word of the reason; NULL: usual */
} cases[] = {
	{ HOME "/vm/win10.qcow2", NULL },
	{ HOME "/VMs/disk.img", NULL },
	{ "/srv/vms/disk.img", NULL },
	{ "/dev/disk/by-id/nvme-Samsung_SSD_970", NULL },
	{ "/dev/input/by-id/usb-kbd-event-kbd", NULL },
	{ "/dev/shm/looking-glass", NULL },
	{ "/usr/share/OVMF/OVMF_CODE_4M.fd", NULL },
	{ "/var/lib/images/x.iso", NULL },
	{ HOME "/.bashrc", "dotfile" },
	{ HOME "/.ssh/id_ed25519", "dotfile" },
	{ HOME "/.config/vfio-launch/vars.fd", "dotfile" },
	{ HOME "/vm/.hidden/disk.img", "dotfile" },
	{ HOME "/vm/../.ssh/id_ed25519", ". or .." }, /* unnormalised */
	{ HOME "/vm/./disk.img", ". or .." },
	{ "vm/disk.img", "absolute" },
	{ RUN "/bus", "runtime directory" },
	{ RUN "/vfio-launch/other/qmp.sock", "runtime directory" },
	{ RUN "/gnupg/S.gpg-agent", "runtime directory" },
	{ RUN, "runtime directory" },
	{ RUN "/pulse/native", "runtime directory" },
	{ "/etc/shadow", "/etc" },
	{ "/etc", "/etc" },
	{ "/etcetera/disk.img", NULL },
	{ "/proc/1/environ", "/proc" },
	{ "/sys/firmware/efi/efivars", "/sys" },
	{ "/home/alicex/.bashrc", NULL }, /* not under HOME: another home */
};

START_TEST(test_normalize)
{
	static const struct {
		const char *in, *out;
	} n[] = {
		{ HOME "/vm/../.ssh/id_ed25519", HOME "/.ssh/id_ed25519" },
		{ HOME "/vm/./disk.img", HOME "/vm/disk.img" },
		{ "//srv///vms/", "/srv/vms" },
		{ "/..", "/" },
		{ "/../etc/shadow", "/etc/shadow" },
		{ "/", "/" },
		{ "vm/disk.img", "vm/disk.img" },
	};

	ck_assert_uint_eq(ELEMENTSOF(n), 7);
	for (size_t i = 0; i < ELEMENTSOF(n); i++) {
		_cleanup_free_ char *s = trust_path_normalize(n[i].in);
		ck_assert_str_eq(s, n[i].out);
	}
}
END_TEST

/* STYLE.md: a table-driven test asserts the table's length. */
START_TEST(test_classify)
{
	ck_assert_uint_eq(ELEMENTSOF(cases), 26);
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		const char *why = trust_path_unusual(cases[i].path, HOME, RUN);

		if (!cases[i].why)
			ck_assert_msg(!why, "%s: unusual (%s)", cases[i].path, why);
		else
			ck_assert_msg(why && strstr(why, cases[i].why), "%s: %s, want \"%s\"",
				      cases[i].path, why ? why : "usual", cases[i].why);
	}
	/* unset $HOME / $XDG_RUNTIME_DIR: nothing is under them */
	ck_assert_ptr_null(trust_path_unusual(HOME "/.bashrc", NULL, NULL));
	ck_assert_ptr_null(trust_path_unusual(RUN "/bus", HOME, NULL));
	/* a trailing slash on $HOME changes nothing */
	ck_assert_ptr_nonnull(trust_path_unusual(HOME "/.bashrc", HOME "/", RUN));
}
END_TEST

static const char widening[] =
	"[vm]\nname = t\nmemory = 1G\nsandbox = off\nkernel = /home/alice/vm/vmlinuz\n"
	"[disk home]\npath = /home/alice/.bashrc\n"
	"[disk key]\npath = /home/alice/.ssh/id_ed25519\nreadonly = yes\n"
	"[disk fine]\npath = /home/alice/vm/disk.img\n"
	"[disk up]\npath = /home/alice/vm/../.gnupg/key\n"
	"[audio]\nbackend = pulse\nserver = unix:/run/user/1000/bus\n"
	"[input]\nevdev = /dev/input/event3\n"
	"[qemu]\nbinary = /home/alice/bin/not-qemu\nextra = -no-reboot -chardev socket,id=x,path=/tmp/a\n";

START_TEST(test_list)
{
	_cleanup_profile_ struct profile *p = NULL;
	struct trust_list l = { 0 };

	p = load_ok(widening);
	ck_assert_int_eq(trust_list_build(p, HOME, RUN, &l), 0);
	/* sandbox, 3 disks, binary, one extra option (not -no-reboot); not the
	 * audio server, which only the supervisor's proxy reaches */
	ck_assert_uint_eq(l.n, 6);
	ck_assert_str_eq(l.v[0].what, PATH ": sandbox = off");
	ck_assert_str_eq(l.v[1].what, PATH ":6: [disk home] path = /home/alice/.bashrc");
	ck_assert_ptr_nonnull(strstr(l.v[1].why, "dotfile"));
	ck_assert_str_eq(l.v[2].what, PATH ":8: [disk key] path = /home/alice/.ssh/id_ed25519");
	ck_assert_str_eq(l.v[3].what, PATH ":13: [disk up] path = /home/alice/vm/../.gnupg/key");
	ck_assert_ptr_nonnull(strstr(l.v[3].why, "dotfile"));
	ck_assert_str_eq(l.v[4].what, PATH ": [qemu] binary = /home/alice/bin/not-qemu");
	ck_assert_str_eq(l.v[5].what, PATH ": [qemu] extra -chardev socket,id=x,path=/tmp/a");
	trust_list_clear(&l);
	ck_assert_uint_eq(l.n, 0);

	/* the defaults widen nothing: the demo's shape */
	profile_free(p);
	p = load_ok("[vm]\nname = d\nmemory = 256M\nkernel = /srv/k\n[audio]\nbackend = pulse\n"
		    "server = unix:/run/user/1000/pulse/native\n[looking-glass]\nsize = 16M\n"
		    "[qemu]\nbinary = qemu-system-x86_64\nextra = -no-reboot\n");
	ck_assert_int_eq(trust_list_build(p, HOME, RUN, &l), 0);
	ck_assert_uint_eq(l.n, 0);
	trust_list_clear(&l);
}
END_TEST

/*
 * Where a path really leads, with real links in a temporary tree: $HOME
 * given through a link to the real home; in one directory a plain file, a
 * link to ~/.ssh/key, a missing file and a link to ~/.ssh as a directory
 * on the way. Only the two that lead under the real home's dot-directory
 * are listed (and the paths that share the directory are all judged
 * by their own last component, not by the first one's).
 */
START_TEST(test_list_links)
{
	char tmp[] = "/tmp/vl-trust.XXXXXX", *base, *home, *link, *conf;
	_cleanup_profile_ struct profile *p = NULL;
	struct trust_list l = { 0 };
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(tmp));
	base = realpath(tmp, NULL); /* /tmp may itself be a link */
	ck_assert_ptr_nonnull(base);
	ck_assert_int_ge(asprintf(&home, "%s/home", base), 0);
	ck_assert_int_ge(asprintf(&link, "%s/home-link", base), 0);
	ck_assert_int_eq(mkdir(home, 0700), 0);
	ck_assert_int_eq(symlink(home, link), 0);
	fd = open(home, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(mkdirat(fd, ".ssh", 0700), 0);
	ck_assert_int_eq(mkdirat(fd, "bundle", 0700), 0);
	close(openat(fd, ".ssh/key", O_CREAT | O_WRONLY, 0600));
	close(openat(fd, "bundle/disk.img", O_CREAT | O_WRONLY, 0600));
	ck_assert_int_eq(symlinkat("../.ssh/key", fd, "bundle/key.img"), 0);
	ck_assert_int_eq(symlinkat("../.ssh", fd, "bundle/data"), 0);
	close(fd);
	ck_assert_int_ge(asprintf(&conf,
				  "[vm]\nname = t\nmemory = 1G\n"
				  "[disk a]\npath = %s/bundle/disk.img\n"
				  "[disk b]\npath = %s/bundle/key.img\n"
				  "[disk c]\npath = %s/bundle/missing.img\n"
				  "[disk d]\npath = %s/bundle/data/key\n"
				  "[disk e]\npath = %s/bundle/disk.img\n",
				  home, home, home, home, home),
			 0);
	p = load_ok(conf);
	/* as written, nothing is under $HOME (the link's name) */
	ck_assert_int_eq(trust_list_build(p, link, RUN, &l), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_ptr_nonnull(strstr(l.v[0].what, "[disk b] path = "));
	ck_assert_ptr_nonnull(strstr(l.v[0].why, "dotfile"));
	ck_assert_ptr_nonnull(strstr(l.v[1].what, "[disk d] path = "));
	ck_assert_ptr_nonnull(strstr(l.v[1].why, "dotfile"));
	trust_list_clear(&l);

	free(conf);
	ck_assert_int_ge(asprintf(&conf, "rm -rf '%s'", base), 0);
	ck_assert_int_eq(system(conf), 0);
	free(conf);
	free(link);
	free(home);
	free(base);
}
END_TEST

/* check: FAIL without consent (run would refuse), WARN with it. */
START_TEST(test_findings)
{
	_cleanup_profile_ struct profile *p = NULL;
	struct findings f = { 0 };

	setenv("HOME", HOME, 1);
	setenv("XDG_RUNTIME_DIR", RUN, 1);
	p = load_ok(widening);
	ck_assert(!trust_granted(p, false));
	ck_assert(trust_granted(p, true));
	ck_assert_int_eq(trust_check(p, false, &f), 6);
	ck_assert_uint_eq(f.n_fail, 6);
	ck_assert_str_eq(f.items[1].resource, "trust");
	ck_assert_str_eq(f.items[1].message,
			 PATH ":6: [disk home] path = /home/alice/.bashrc: under a dotfile or "
			 "dot-directory of your home (keys, shell and program settings); run "
			 "refuses it without your consent");
	ck_assert_str_eq(f.items[1].fix,
			 "if you trust whoever wrote " PATH ": vfio-launch run --trust-profile, "
			 "or trusted = yes in its [vm] section; otherwise remove it");
	findings_clear(&f);
	ck_assert_int_eq(trust_check(p, true, &f), 6);
	ck_assert_uint_eq(f.n_fail, 0);
	ck_assert_uint_eq(f.n_warn, 6);
	ck_assert_ptr_nonnull(strstr(f.items[0].message, "(trusted: --trust-profile)"));
	findings_clear(&f);

	/* [vm] trusted = yes is the same consent */
	profile_free(p);
	p = load_ok("[vm]\nname = t\nmemory = 1G\ntrusted = yes\n"
		    "[disk home]\npath = /home/alice/.bashrc\n");
	ck_assert(p->trusted);
	ck_assert(trust_granted(p, false));
	ck_assert_int_eq(trust_check(p, false, &f), 1);
	ck_assert_uint_eq(f.n_warn, 1);
	ck_assert_ptr_nonnull(strstr(f.items[0].message, "(trusted: trusted = yes)"));
	findings_clear(&f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trust");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_normalize);
	tcase_add_test(tc, test_classify);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_list_links);
	tcase_add_test(tc, test_findings);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
