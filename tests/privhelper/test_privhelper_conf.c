// SPDX-License-Identifier: GPL-2.0-or-later
/* The allowlist: BDF validation, parsing, owner/mode rules, usage parsing,
 * the generated udev rules. Pure functions, fed through fmemopen. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "ph.h"

static const struct {
	const char *s;
	bool ok;
} bdfs[] = {
	{ "0000:01:00.0", true },   { "ffff:ff:1f.7", true },   { "0000:01:00.8", false },
	{ "0000:01:00.a", false },  { "0000:0A:00.0", false },  { "0000:01:00", false },
	{ "000:01:00.0", false },   { "00000:01:00.0", false }, { "0000:01:00.00", false },
	{ "0000-01:00.0", false },  { "0000:01.00.0", false },  { "0000:01:00:0", false },
	{ "../../etc/x", false },   { "0000:01:00.0/", false }, { "", false },
	{ " 0000:01:00.0", false }, { "0000:0g:00.0", false },  { "0000:01:00.0\n", false },
};

START_TEST(test_bdf_valid)
{
	ck_assert_uint_eq(sizeof(bdfs) / sizeof(bdfs[0]), 18);
	for (size_t i = 0; i < sizeof(bdfs) / sizeof(bdfs[0]); i++)
		ck_assert_msg(ph_bdf_valid(bdfs[i].s) == bdfs[i].ok, "'%s'", bdfs[i].s);
	ck_assert(!ph_bdf_valid(NULL));
}
END_TEST

static int parse(const char *text, struct ph_conf *c, struct ph_why *w)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int r;

	ck_assert_ptr_nonnull(f);
	r = ph_conf_parse(f, "test.conf", c, w);
	fclose(f);
	return r;
}

START_TEST(test_parse_good)
{
	struct ph_conf c;
	struct ph_why w = { "" };
	const char *text = "# comment\n; another\n\n[helper]\ngroup = kvm_users\n"
			   "[pci 0000:01:00.0]\nid = 10de:1b80\nallow-boot-vga = yes\n"
			   "[ pci 0000:01:00.1 ]\n"
			   "[disk]\ndevice = /dev/disk/by-id/nvme-Foo_Bar_123-part4\n"
			   "device = PARTUUID=0b2a1f4e-8c3d-4f7a-9d21-5e6f7a8b9c0d\n"
			   "  device=WWN=0x5002538e40a1b2c3  \n";

	ck_assert_int_eq(parse(text, &c, &w), 0);
	ck_assert_str_eq(c.group, "kvm_users");
	ck_assert_uint_eq(c.n_pci, 2);
	ck_assert_str_eq(c.pci[0].bdf, "0000:01:00.0");
	ck_assert(c.pci[0].pinned);
	ck_assert_uint_eq(c.pci[0].vendor, 0x10de);
	ck_assert_uint_eq(c.pci[0].device, 0x1b80);
	ck_assert(c.pci[0].boot_vga_ok);
	ck_assert(!c.pci[1].pinned);
	ck_assert(!c.pci[1].boot_vga_ok);
	ck_assert_uint_eq(c.n_disk, 3);
	ck_assert_int_eq(c.disk[0].kind, PH_DISK_BY_ID);
	ck_assert_str_eq(c.disk[0].id, "nvme-Foo_Bar_123-part4");
	ck_assert_int_eq(c.disk[1].kind, PH_DISK_PARTUUID);
	ck_assert_int_eq(c.disk[2].kind, PH_DISK_WWN);
	ck_assert_str_eq(c.disk[2].id, "0x5002538e40a1b2c3");
	ck_assert_ptr_eq(ph_conf_find(&c, "0000:01:00.1"), &c.pci[1]);
	ck_assert_ptr_null(ph_conf_find(&c, "0000:02:00.0"));
}
END_TEST

START_TEST(test_parse_default_group)
{
	struct ph_conf c;
	struct ph_why w = { "" };

	ck_assert_int_eq(parse("", &c, &w), 0);
	ck_assert_str_eq(c.group, "vfio");
	ck_assert_uint_eq(c.n_pci, 0);
}
END_TEST

/* Each bad allowlist fails with the line and the reason. */
static const struct {
	const char *text, *msg;
} bad[] = {
	{ "group = vfio\n", "test.conf:1: key outside a section" },
	{ "[helper]\ngroup\n", "test.conf:2: expected 'key = value'" },
	{ "[helper\n", "test.conf:1: unterminated section header" },
	{ "[foo]\n", "test.conf:1: unknown section [foo]" },
	{ "[helper]\ncolour = blue\n", "test.conf:2: unknown key 'colour'" },
	{ "[helper]\ngroup = vfio\" MODE=\"0666\n", "is not a valid group name" },
	{ "[helper]\ngroup = 0day\n", "is not a valid group name" },
	{ "[pci 0000:01:00.8]\n", "is not a PCI address" },
	{ "[pci ../../etc]\n", "is not a PCI address" },
	{ "[pci]\n", "unknown section [pci]" },
	{ "[pci 0000:01:00.0]\n[pci 0000:01:00.0]\n", "test.conf:2: 0000:01:00.0 is listed twice" },
	{ "[pci 0000:01:00.0]\nid = 10de:1b80\nid = 1002:67df\n", "test.conf:3: id is given twice" },
	{ "[pci 0000:01:00.0]\nallow-boot-vga = no\nallow-boot-vga = yes\n", "test.conf:3: allow-boot-vga is given twice" },
	{ "[helper]\ngroup = vfio\n[helper]\ngroup = wheel\n", "test.conf:4: group is given twice" },
	{ "[pci 0000:01:00.0]\nid = 10de\n", "is not vendor:device" },
	{ "[pci 0000:01:00.0]\nid = 10de:1b8\n", "is not vendor:device" },
	{ "[pci 0000:01:00.0]\nid = 10DE:1B80\n", "is not vendor:device" },
	{ "[pci 0000:01:00.0]\nid = 10de:1b80:1\n", "is not vendor:device" },
	{ "[pci 0000:01:00.0]\nallow-boot-vga = maybe\n", "allow-boot-vga must be yes or no" },
	{ "[helper]\nid = 10de:1b80\n", "unknown key 'id'" },
	{ "[disk]\ndevice = /dev/sda\n", "kernel names like /dev/sda change" },
	{ "[disk]\ndevice = /dev/disk/by-id/../../sda\n", "is not /dev/disk/by-id/NAME" },
	{ "[disk]\ndevice = /dev/disk/by-id/x\" GROUP=\"users\n", "is not /dev/disk/by-id/NAME" },
	{ "[disk]\ndevice = /dev/disk/by-id/nvme-*\n", "is not /dev/disk/by-id/NAME" },
	{ "[disk]\ndevice = PARTUUID=ZZZ\n", "is not /dev/disk/by-id/NAME" },
	{ "[disk]\ndevice = WWN=0x50/../\n", "is not /dev/disk/by-id/NAME" },
	{ "[disk]\ndevice = /dev/disk/by-id/\n", "is not /dev/disk/by-id/NAME" },
	{ "[bridge]\n", "unknown section [bridge]" },
	{ "[bridge br0/x]\n", "'br0/x' is not a network interface name" },
	{ "[bridge 0123456789abcdef]\n", "is not a network interface name" },
	{ "[bridge ..]\n", "is not a network interface name" },
	{ "[bridge br0]\n[bridge br0]\n", "test.conf:2: bridge br0 is listed twice" },
	{ "[bridge br0]\nuser = alice\nuser = alice\n", "test.conf:3: user alice is listed twice for bridge br0" },
	{ "[bridge br0]\nuser = ../root\n", "user '../root' is not a valid user name" },
	{ "[bridge br0]\nuser = Alice\n", "is not a valid user name" },
	{ "[bridge br0]\nid = 10de:1b80\n", "unknown key 'id'" },
	{ "[helper]\nuser = alice\n", "unknown key 'user'" },
};

START_TEST(test_parse_bad)
{
	struct ph_conf c;
	struct ph_why w = { "" };

	ck_assert_uint_eq(sizeof(bad) / sizeof(bad[0]), 37);
	ck_assert_int_eq(parse(bad[_i].text, &c, &w), -EINVAL);
	ck_assert_msg(strstr(w.msg, bad[_i].msg), "'%s': got '%s'", bad[_i].text, w.msg);
	ck_assert_msg(!strncmp(w.msg, "test.conf:", 10), "%s", w.msg);
}
END_TEST

START_TEST(test_bridge_allowlist)
{
	struct ph_conf c;
	struct ph_why w = { "" };

	ck_assert_int_eq(parse("[bridge br0]\nuser = alice\nuser = bob\n[bridge lan-bridge.1]\n"
			       "[ bridge  br1 ]\nuser = alice\n", &c, &w), 0);
	ck_assert_uint_eq(c.n_bridge, 3);
	ck_assert_uint_eq(c.n_tap, 3);
	ck_assert(ph_conf_bridge_listed(&c, "br0"));
	ck_assert(ph_conf_bridge_listed(&c, "lan-bridge.1"));
	ck_assert(ph_conf_bridge_listed(&c, "br1"));
	ck_assert(!ph_conf_bridge_listed(&c, "br2"));
	ck_assert(ph_conf_tap_allowed(&c, "alice", "br0"));
	ck_assert(ph_conf_tap_allowed(&c, "bob", "br0"));
	ck_assert(ph_conf_tap_allowed(&c, "alice", "br1"));
	ck_assert(!ph_conf_tap_allowed(&c, "bob", "br1"));
	ck_assert(!ph_conf_tap_allowed(&c, "alice", "lan-bridge.1"));
	ck_assert(!ph_conf_tap_allowed(&c, "carol", "br0"));
}
END_TEST

START_TEST(test_parse_long_line)
{
	char text[1200];
	struct ph_conf c;
	struct ph_why w = { "" };

	strcpy(text, "[disk]\ndevice = /dev/disk/by-id/");
	memset(text + strlen(text), 'a', 900);
	strcpy(text + 32 + 900, "\n");
	ck_assert_int_eq(parse(text, &c, &w), -EINVAL);
	ck_assert_str_eq(w.msg, "test.conf:2: line too long");
}
END_TEST

/* The example the admin copies must parse, and allow nothing by accident
 * beyond the two documented functions. */
START_TEST(test_example_parses)
{
	FILE *f = fopen(TOP_SRCDIR "/privhelper/privhelper.conf.example", "re");
	struct ph_conf c;
	struct ph_why w = { "" };

	ck_assert_ptr_nonnull(f);
	ck_assert_msg(ph_conf_parse(f, "example", &c, &w) == 0, "%s", w.msg);
	fclose(f);
	ck_assert_str_eq(c.group, "vfio");
	ck_assert_uint_eq(c.n_pci, 2);
	ck_assert(c.pci[0].pinned && c.pci[1].pinned);
	ck_assert(!c.pci[0].boot_vga_ok);
	ck_assert_uint_eq(c.n_disk, 0);
	ck_assert_uint_eq(c.n_bridge + c.n_tap, 0);
}
END_TEST

START_TEST(test_stat_rules)
{
	struct stat st = { .st_mode = S_IFREG | 0644, .st_uid = 0 };
	struct ph_why w = { "" };

	ck_assert_int_eq(ph_conf_check_stat(&st, &w), 0);
	st.st_mode = S_IFREG | 0600;
	ck_assert_int_eq(ph_conf_check_stat(&st, &w), 0);
	st.st_mode = S_IFREG | 0664;
	ck_assert_int_eq(ph_conf_check_stat(&st, &w), -EPERM);
	ck_assert(strstr(w.msg, "writable by group or others (mode 0664)"));
	st.st_mode = S_IFREG | 0646;
	ck_assert_int_eq(ph_conf_check_stat(&st, &w), -EPERM);
	st.st_mode = S_IFREG | 0644;
	st.st_uid = 1000;
	ck_assert_int_eq(ph_conf_check_stat(&st, &w), -EPERM);
	ck_assert(strstr(w.msg, "owned by uid 1000, not root"));
	st.st_uid = 0;
	st.st_mode = S_IFDIR | 0755;
	ck_assert_int_eq(ph_conf_check_stat(&st, &w), -EPERM);
	ck_assert(strstr(w.msg, "not a regular file"));
}
END_TEST

START_TEST(test_usage_parse)
{
	static const char mi[] =
		"22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
		"40 22 0:33 / /home rw shared:2 - btrfs /dev/nvme0n1p3 rw,subvol=/home\n"
		"41 22 0:5 / /dev rw - devtmpfs udev rw\n";
	static const char sw[] = "Filename Type Size Used Priority\n"
				 "/dev/sdb2 partition 8388604 0 -2\n/swapfile file 1024 0 -3\n";
	FILE *m = fmemopen((void *)mi, strlen(mi), "r"), *s = fmemopen((void *)sw, strlen(sw), "r");
	struct ph_usage u;

	ck_assert_int_eq(ph_usage_parse(m, s, &u), 0);
	ck_assert_uint_eq(u.n_devs, 3);
	ck_assert(ph_usage_busy(&u, makedev(254, 0), "x"));
	ck_assert(ph_usage_busy(&u, makedev(1, 1), "nvme0n1p3")); /* btrfs: by source name */
	ck_assert(ph_usage_busy(&u, makedev(1, 1), "sdb2"));      /* swap */
	ck_assert(!ph_usage_busy(&u, makedev(259, 1), "nvme0n1p1"));
	ck_assert(!ph_usage_busy(&u, makedev(1, 1), "swapfile")); /* not a /dev path */
	ck_assert(!ph_usage_busy(&u, makedev(1, 1), "udev"));
	ph_usage_free(&u);
	fclose(m);
	fclose(s);
}
END_TEST

START_TEST(test_rules_render)
{
	struct ph_conf c;
	struct ph_why w = { "" };
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_int_eq(parse("[disk]\ndevice = /dev/disk/by-id/nvme-Foo_123-part4\n"
			       "device = PARTUUID=0b2a1f4e-8c3d\ndevice = WWN=0x5002538e40a1b2c3\n",
			       &c, &w), 0);
	f = open_memstream(&out, &len);
	ck_assert_int_eq(ph_rules_render(&c, f), 0);
	fclose(f);
	ck_assert_msg(strstr(out, "SUBSYSTEM==\"block\", SYMLINK==\"disk/by-id/nvme-Foo_123-part4\", "
				  "GROUP=\"vfio\", MODE=\"0660\"\n"), "%s", out);
	ck_assert(strstr(out, "SUBSYSTEM==\"block\", ENV{ID_PART_ENTRY_UUID}==\"0b2a1f4e-8c3d\", "
			      "GROUP=\"vfio\", MODE=\"0660\"\n"));
	ck_assert(strstr(out, "SUBSYSTEM==\"block\", ENV{DEVTYPE}==\"disk\", "
			      "ENV{ID_WWN}==\"0x5002538e40a1b2c3\", GROUP=\"vfio\", MODE=\"0660\"\n"));
	ck_assert(!strstr(out, "KERNEL"));
	free(out);
}
END_TEST

/* Random allowlists built from the grammar's own pieces and junk: the
 * parser returns 0 or -EINVAL, never crashes (run under SANITIZE=1 for
 * memory errors), and whatever it accepts holds only valid values. */
START_TEST(test_parse_random)
{
	static const char *const pieces[] = {
		"[helper]", "[pci 0000:01:00.0]", "[pci 0000:01:00.1]", "[disk]", "[pci", "]", "[",
		"group = vfio", "group =", "id = 10de:1b80", "id = :", "allow-boot-vga = yes",
		"device = /dev/disk/by-id/a", "device = PARTUUID=ab-12", "device = WWN=0x5",
		"=", " ", "\t", "#", ";", "\"", "*", "../", "\xff", "0000:01:00.0", "x = y",
	};
	char text[1024];
	unsigned seed = 12345;

	ck_assert_uint_eq(sizeof(pieces) / sizeof(pieces[0]), 26);
	for (int n = 0; n < 3000; n++) {
		size_t len = 0;
		struct ph_conf c;
		struct ph_why w = { "" };
		int r, k = (int)(rand_r(&seed) % 12);

		for (int i = 0; i < k; i++) {
			const char *p = pieces[rand_r(&seed) % (sizeof(pieces) / sizeof(pieces[0]))];
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s", p,
						rand_r(&seed) % 3 ? "\n" : "");
		}
		text[len] = '\0';
		r = parse(text, &c, &w);
		ck_assert_msg(r == 0 || r == -EINVAL, "r=%d for '%s'", r, text);
		for (size_t i = 0; r == 0 && i < c.n_pci; i++)
			ck_assert(ph_bdf_valid(c.pci[i].bdf));
		for (size_t i = 0; r == 0 && i < c.n_disk; i++)
			ck_assert(!strpbrk(c.disk[i].id, "\"*?[]/ "));
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("privhelper_conf");
	TCase *tc = tcase_create("conf");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_bdf_valid);
	tcase_add_test(tc, test_parse_good);
	tcase_add_test(tc, test_parse_default_group);
	tcase_add_loop_test(tc, test_parse_bad, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_parse_long_line);
	tcase_add_test(tc, test_bridge_allowlist);
	tcase_add_test(tc, test_stat_rules);
	tcase_add_test(tc, test_example_parses);
	tcase_add_test(tc, test_parse_random);
	tcase_add_test(tc, test_usage_parse);
	tcase_add_test(tc, test_rules_render);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
