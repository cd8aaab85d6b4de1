// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Disks: image files in a temp dir (rights tested by open() as an
 * unprivileged uid), formats, and block devices against fake sysfs and
 * procfs trees (mounts, swaps, holders, partitions).
 */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "disk.h"
#include "fake_tree.h"

static struct fake_tree T;

static void setup(void)
{
	fake_init(&T);
}

static void teardown(void)
{
	fake_cleanup(&T);
}

static struct disk_item disks[4];

static struct profile profile_disk(const char *name, const char *path,
				   enum disk_format fmt, bool ro)
{
	memset(disks, 0, sizeof(disks));
	disks[0] = (struct disk_item){ .name = (char *)name, .path = (char *)path,
				       .format = fmt, .readonly = ro, .line = 7 };
	return (struct profile){ .file = "/p/vm.conf", .disks = disks, .n_disks = 1 };
}

static struct check_ctx ctx_for(void)
{
	return (struct check_ctx){ .sysfs = T.sys, .devfs = T.dev, .procfs = T.proc };
}

static void ctx_free(struct check_ctx *c)
{
	check_ctx_clear_kept(c);
}

/* An image file under the fake root, with the given first bytes. */
static const char *image(const char *name, const void *hdr, size_t len, mode_t mode)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", T.root, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, hdr, len), (ssize_t)len);
	ck_assert_int_eq(ftruncate(fd, 1 << 20), 0);
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

static const unsigned char qcow2_hdr[8] = { 'Q', 'F', 'I', 0xfb, 0, 0, 0, 3 };
static const unsigned char raw_hdr[8] = { 0xeb, 0x63, 0x90, 0, 0, 0, 0, 0 };

START_TEST(test_header_kind)
{
	ck_assert_int_eq(image_kind_from_header(qcow2_hdr, 8), IMAGE_QCOW2);
	ck_assert_int_eq(image_kind_from_header(qcow2_hdr, 3), IMAGE_RAW);
	ck_assert_int_eq(image_kind_from_header(raw_hdr, 8), IMAGE_RAW);
}
END_TEST

START_TEST(test_raw_image_rw)
{
	const char *path = image("win.img", raw_hdr, 8, 0644);
	struct profile p = profile_disk("system", path, DISK_FORMAT_RAW, false);
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	char want[512];

	disk_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n, 1);
	const struct finding *it = findings_find(&f, "disk system");
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(it->level, FINDING_PASS);
	snprintf(want, sizeof(want), "image %s (raw, read-write)", path);
	ck_assert_str_eq(it->message, want);
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 1);
	ck_assert_int_eq(check_ctx_kept(&ctx, path)->access, GRANT_RW);
	ctx_free(&ctx);
	findings_clear(&f);
}
END_TEST

START_TEST(test_qcow2_declared_raw)
{
	const char *path = image("q.img", qcow2_hdr, 8, 0644);
	struct profile p = profile_disk("data", path, DISK_FORMAT_RAW, false);
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	char want[512];

	disk_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_warn, 1);
	snprintf(want, sizeof(want),
		 "%s has a qcow2 header but format = raw: the guest would see the "
		 "qcow2 metadata, not the disk", path);
	ck_assert_str_eq(f.items[0].message, want);
	ck_assert_str_eq(f.items[0].fix, "set format = qcow2 at /p/vm.conf:7");

	/* format = qcow2 on the same file: PASS */
	findings_clear(&f);
	p = profile_disk("data", path, DISK_FORMAT_QCOW2, false);
	disk_check(&p, &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	snprintf(want, sizeof(want), "image %s (qcow2, read-write)", path);
	ck_assert_str_eq(f.items[0].message, want);
	ctx_free(&ctx);
	findings_clear(&f);
}
END_TEST

START_TEST(test_raw_declared_qcow2)
{
	const char *path = image("r.img", raw_hdr, 8, 0644);
	struct profile p = profile_disk("data", path, DISK_FORMAT_QCOW2, false);
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	char want[512];

	disk_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	snprintf(want, sizeof(want),
		 "%s has no qcow2 header but format = qcow2: QEMU refuses to open it", path);
	ck_assert_str_eq(f.items[0].message, want);
	snprintf(want, sizeof(want),
		 "set format = raw at /p/vm.conf:7, or convert it: qemu-img convert -O "
		 "qcow2 %s NEW.qcow2", path);
	ck_assert_str_eq(f.items[0].fix, want);
	ctx_free(&ctx);
	findings_clear(&f);
}
END_TEST

START_TEST(test_missing)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/nope.img", T.root);
	struct profile p = profile_disk(NULL, path, DISK_FORMAT_RAW, false);
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	char want[512];

	disk_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	ck_assert_str_eq(f.items[0].resource, "disk 0");
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	ck_assert_str_eq(f.items[0].message, want);
	snprintf(want, sizeof(want),
		 "create it: qemu-img create -f raw %s SIZE (e.g. 64G), or correct path = "
		 "at /p/vm.conf:7", path);
	ck_assert_str_eq(f.items[0].fix, want);
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 0);

	/* qcow2: the create line says so */
	findings_clear(&f);
	p = profile_disk("root", path, DISK_FORMAT_QCOW2, false);
	disk_check(&p, &ctx, &f);
	snprintf(want, sizeof(want), "create it: qemu-img create -f qcow2 %s SIZE", path);
	ck_assert_ptr_nonnull(strstr(f.items[0].fix, want));

	/* a missing CD image is downloaded, not created; a missing /dev
	 * name is a wrong name */
	findings_clear(&f);
	p = profile_disk("cd", path, DISK_FORMAT_RAW, true);
	disks[0].media = DISK_MEDIA_CDROM;
	disk_check(&p, &ctx, &f);
	ck_assert_str_eq(f.items[0].fix, "correct path = at /p/vm.conf:7");
	findings_clear(&f);
	p = profile_disk("d", "/dev/vfio-launch-test-no-such-disk", DISK_FORMAT_RAW, false);
	disk_check(&p, &ctx, &f);
	ck_assert_str_eq(f.items[0].fix, "correct path = at /p/vm.conf:7");
	findings_clear(&f);
}
END_TEST

/* An image with the ISO 9660 signature ("CD001" at 0x8001). */
static const char *iso_image(const char *name)
{
	const char *path = image(name, raw_hdr, 8, 0644);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, "\001CD001\001", 7, 0x8000), 7);
	close(fd);
	return path;
}

START_TEST(test_iso_signature)
{
	char iso[256], raw[256]; /* image() returns one static buffer */
	snprintf(iso, sizeof(iso), "%s", iso_image("i.iso"));
	snprintf(raw, sizeof(raw), "%s", image("r.img", raw_hdr, 8, 0644));
	int fd = open(iso, O_RDONLY | O_CLOEXEC);
	ck_assert(image_is_iso9660(fd));
	close(fd);
	fd = open(raw, O_RDONLY | O_CLOEXEC);
	ck_assert(!image_is_iso9660(fd));
	close(fd);
	/* shorter than the descriptor: not an ISO, no error */
	const char *tiny = image("t.img", raw_hdr, 8, 0644);
	ck_assert_int_eq(truncate(tiny, 100), 0);
	fd = open(tiny, O_RDONLY | O_CLOEXEC);
	ck_assert(!image_is_iso9660(fd));
	close(fd);
}
END_TEST

/* An ISO under [disk NAME] without media = cdrom: WARN (it would be a
 * writable hard disk); with media = cdrom: PASS. */
START_TEST(test_iso_without_cdrom)
{
	const char *path = iso_image("virtio-win.iso");
	struct profile p = profile_disk("virtio-win", path, DISK_FORMAT_RAW, false);
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	char want[512];

	disk_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_int_eq(f.items[0].level, FINDING_WARN);
	snprintf(want, sizeof(want),
		 "%s is an ISO 9660 (CD/DVD) image but media = disk: the guest sees a "
		 "writable hard disk, not a CD-ROM", path);
	ck_assert_str_eq(f.items[0].message, want);
	ck_assert_str_eq(f.items[0].fix, "add media = cdrom to [disk virtio-win] at /p/vm.conf:7");
	ctx_free(&ctx);

	findings_clear(&f);
	ctx = ctx_for();
	p = profile_disk("virtio-win", path, DISK_FORMAT_RAW, true);
	disks[0].media = DISK_MEDIA_CDROM;
	disk_check(&p, &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	ctx_free(&ctx);
	findings_clear(&f);
}
END_TEST

START_TEST(test_directory)
{
	struct profile p = profile_disk("x", T.root, DISK_FORMAT_RAW, false);
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	char want[512];

	disk_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	snprintf(want, sizeof(want), "%s is a directory; a disk is a block device or an image file",
		 T.root);
	ck_assert_str_eq(f.items[0].message, want);
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 0); /* nothing for the box */
	ck_assert_str_eq(f.items[0].fix,
			 "point path = at /p/vm.conf:7 to a block device or an image file");
	findings_clear(&f);
}
END_TEST

/* A file the user may only read: read-write FAILs, readonly = yes PASSes
 * (and goes to the read-only Landlock list). Opened as a non-root uid. */
START_TEST(test_read_only_file)
{
	const char *path = image("iso.img", raw_hdr, 8, 0444);
	char saved[256], want[1024];
	snprintf(saved, sizeof(saved), "%s", path);
	fake_drop_to_nobody();
	ck_assert_int_ne(geteuid(), 0);
	if (getuid() != 65534) /* not root: own file, take the write bit off */
		ck_assert_int_eq(chmod(saved, 0444), 0);

	struct profile p = profile_disk("iso", saved, DISK_FORMAT_RAW, false);
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	disk_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	snprintf(want, sizeof(want), "%s: cannot open read-write: Permission denied", saved);
	ck_assert_str_eq(f.items[0].message, want);
	if (getuid() == 65534) /* root's file */
		snprintf(want, sizeof(want),
			 "as root: chown $USER %s (it belongs to uid 0), or set readonly = yes "
			 "at /p/vm.conf:7", saved);
	else
		snprintf(want, sizeof(want), "chmod u+rw %s, or set readonly = yes at /p/vm.conf:7",
			 saved);
	ck_assert_str_eq(f.items[0].fix, want);
	findings_clear(&f);
	ctx_free(&ctx);

	p = profile_disk("iso", saved, DISK_FORMAT_RAW, true);
	disk_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 0);
	snprintf(want, sizeof(want), "image %s (raw, read-only)", saved);
	ck_assert_str_eq(f.items[0].message, want);
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 1);
	ck_assert_int_eq(check_ctx_kept(&ctx, saved)->access, GRANT_RO);
	ctx_free(&ctx);
	findings_clear(&f);
}
END_TEST

/* The user's own file without the write bit: chmod is the fix. */
START_TEST(test_own_file_no_write)
{
	const char *path = image("own.img", raw_hdr, 8, 0444);
	char saved[256], want[1024];
	snprintf(saved, sizeof(saved), "%s", path);
	if (geteuid() == 0)
		ck_assert_int_eq(chown(saved, 65534, 65534), 0);
	fake_drop_to_nobody();
	struct profile p = profile_disk("own", saved, DISK_FORMAT_RAW, false);
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	disk_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	snprintf(want, sizeof(want), "%s: cannot open read-write: Permission denied", saved);
	ck_assert_str_eq(f.items[0].message, want);
	snprintf(want, sizeof(want), "chmod u+rw %s, or set readonly = yes at /p/vm.conf:7", saved);
	ck_assert_str_eq(f.items[0].fix, want);
	ctx_free(&ctx);
	findings_clear(&f);
}
END_TEST

/* A file nobody but root may read: even read-only fails. */
START_TEST(test_unreadable_cdrom)
{
	const char *path = image("secret.iso", raw_hdr, 8, 0600);
	char saved[256], want[1024];
	snprintf(saved, sizeof(saved), "%s", path);
	if (geteuid() != 0)
		ck_assert_int_eq(chmod(saved, 0200), 0);
	fake_drop_to_nobody();
	struct profile p = profile_disk("cd", saved, DISK_FORMAT_RAW, false);
	disks[0].media = DISK_MEDIA_CDROM;
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	disk_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	snprintf(want, sizeof(want), "%s: cannot open read-only: Permission denied", saved);
	ck_assert_str_eq(f.items[0].message, want);
	if (getuid() == 65534)
		snprintf(want, sizeof(want), "as root: chown $USER %s (it belongs to uid 0)", saved);
	else
		snprintf(want, sizeof(want), "chmod u+r %s", saved);
	ck_assert_str_eq(f.items[0].fix, want);
	ctx_free(&ctx);
	findings_clear(&f);
}
END_TEST

/* A link outside /dev/disk/ is refused: the box would grant what it
 * points to at check time, and it may point elsewhere later. */
START_TEST(test_link_refused)
{
	const char *path = image("target.img", raw_hdr, 8, 0644);
	char target[256], link[256], want[512];
	snprintf(target, sizeof(target), "%s", path);
	snprintf(link, sizeof(link), "%s/by-id-disk", T.root);
	ck_assert_int_eq(symlink(target, link), 0);
	struct profile p = profile_disk("system", link, DISK_FORMAT_RAW, false);
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	disk_check(&p, &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_FAIL);
	snprintf(want, sizeof(want), "%s: a symbolic link (QEMU is given only what the check "
		 "looked at, and a link may point elsewhere later)", link);
	ck_assert_str_eq(f.items[0].message, want);
	ck_assert_str_eq(f.items[0].fix,
			 "name the image itself at /p/vm.conf:7, not a symbolic link to it");
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 0);
	ctx_free(&ctx);
	findings_clear(&f);
}
END_TEST

/* Fake sysfs/procfs: disk sdz (7:0) with partitions sdz1 (259:5) and
 * sdz2 (259:6); sdz1 mounted on /home, sdz2 swap and held by dm-0. */
static void fake_sdz(bool mounted, bool swap, bool held)
{
	fake_write(T.sys, "devices/virtual/block/sdz/dev", 0444, "7:0\n");
	fake_write(T.sys, "devices/virtual/block/sdz/sdz1/dev", 0444, "259:5\n");
	fake_write(T.sys, "devices/virtual/block/sdz/sdz1/partition", 0444, "1\n");
	fake_write(T.sys, "devices/virtual/block/sdz/sdz2/dev", 0444, "259:6\n");
	fake_write(T.sys, "devices/virtual/block/sdz/sdz2/partition", 0444, "2\n");
	fake_mkdir_p(T.sys); /* holders dirs */
	char d[512];
	snprintf(d, sizeof(d), "%s/devices/virtual/block/sdz/holders", T.sys);
	fake_mkdir_p(d);
	snprintf(d, sizeof(d), "%s/devices/virtual/block/sdz/sdz1/holders", T.sys);
	fake_mkdir_p(d);
	snprintf(d, sizeof(d), "%s/devices/virtual/block/sdz/sdz2/holders", T.sys);
	fake_mkdir_p(d);
	if (held)
		fake_link(T.sys, "devices/virtual/block/sdz/sdz2/holders/dm-0",
			  "../../../../dm-0");
	fake_link(T.sys, "dev/block/7:0", "../../devices/virtual/block/sdz");
	fake_link(T.sys, "dev/block/259:5", "../../devices/virtual/block/sdz/sdz1");
	fake_link(T.sys, "dev/block/259:6", "../../devices/virtual/block/sdz/sdz2");
	fake_link(T.sys, "class/block/sdz", "../../devices/virtual/block/sdz");
	fake_link(T.sys, "class/block/sdz1", "../../devices/virtual/block/sdz/sdz1");
	fake_link(T.sys, "class/block/sdz2", "../../devices/virtual/block/sdz/sdz2");
	fake_write(T.proc, "self/mountinfo", 0444,
		   "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
		   "27 1 254:1 / / rw,relatime - ext4 /dev/vda1 rw\n%s",
		   mounted ? "31 27 259:5 / /home rw,relatime - ext4 /dev/sdz1 rw\n" : "");
	fake_write(T.proc, "swaps", 0444,
		   "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n%s",
		   swap ? "/dev/sdz2                               partition\t8388604\t\t0\t\t-2\n" : "");
}

START_TEST(test_busy_whole_disk)
{
	char why[1024];
	fake_sdz(true, true, true);
	ck_assert_int_eq(blockdev_busy_reason(T.sys, T.proc, makedev(7, 0), why, sizeof(why)), 0);
	ck_assert_str_eq(why, "sdz1 is mounted on /home; sdz2 is in use as swap; "
			      "sdz2 is held by dm-0 (LVM, dm-crypt or md)");
}
END_TEST

START_TEST(test_busy_partition)
{
	char why[1024];
	fake_sdz(true, false, false);
	/* sdz2 is free even though its sibling sdz1 is mounted */
	ck_assert_int_eq(blockdev_busy_reason(T.sys, T.proc, makedev(259, 6), why, sizeof(why)), 0);
	ck_assert_str_eq(why, "");
	ck_assert_int_eq(blockdev_busy_reason(T.sys, T.proc, makedev(259, 5), why, sizeof(why)), 0);
	ck_assert_str_eq(why, "sdz1 is mounted on /home");
}
END_TEST

START_TEST(test_busy_free_and_unknown)
{
	char why[1024];
	fake_sdz(false, false, false);
	ck_assert_int_eq(blockdev_busy_reason(T.sys, T.proc, makedev(7, 0), why, sizeof(why)), 0);
	ck_assert_str_eq(why, "");
	ck_assert_int_eq(blockdev_busy_reason(T.sys, T.proc, makedev(8, 99), why, sizeof(why)),
			 -ENOENT);
}
END_TEST

/* disk_check on a real block device node (made with mknod as root, for
 * the loop0 device) described by the fake sysfs as sdz: FAIL naming the
 * mount, with the fix. */
START_TEST(test_block_device_in_use)
{
	char node[256], want[1024];
	snprintf(node, sizeof(node), "%s/blk", T.root);
	ck_assert_int_eq(mknod(node, S_IFBLK | 0600, makedev(7, 0)), 0);
	fake_sdz(true, false, false);
	struct profile p = profile_disk("system", node, DISK_FORMAT_RAW, false);
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	disk_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	snprintf(want, sizeof(want), "%s is in use on the host: sdz1 is mounted on /home", node);
	ck_assert_str_eq(f.items[0].message, want);
	ck_assert_str_eq(f.items[0].fix,
			 "unmount it, swapoff it or stop what holds it (and remove it from "
			 "/etc/fstab) before giving it to the guest; two systems writing one "
			 "disk destroy its file systems");
	findings_clear(&f);
	ctx_free(&ctx);

	fake_sdz(false, false, false);
	disk_check(&p, &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	snprintf(want, sizeof(want), "block device %s, read-write, not in use on the host", node);
	ck_assert_str_eq(f.items[0].message, want);
	findings_clear(&f);

	/* and the user without rights on it: the helper's udev rule is the fix */
	fake_drop_to_nobody();
	disk_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n_fail, 1);
	snprintf(want, sizeof(want), "%s: cannot open read-write: Permission denied", node);
	ck_assert_str_eq(f.items[0].message, want);
	ck_assert_str_eq(f.items[0].fix,
			 "as root: allowlist it by its stable id in /etc/vfio-launch/privhelper.conf "
			 "and run `vfio-privhelper apply-rules` (the udev rule gives it to group vfio)");
	ctx_free(&ctx);
	findings_clear(&f);
}
END_TEST

static bool can_open_loop0(void)
{
	if (geteuid() != 0 || access("/sys/dev/block/7:0", F_OK) != 0)
		return false;
	int fd = open("/dev/loop0", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int main(void)
{
	Suite *s = suite_create("disk");
	TCase *tc = tcase_create("disk");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_header_kind);
	tcase_add_test(tc, test_raw_image_rw);
	tcase_add_test(tc, test_qcow2_declared_raw);
	tcase_add_test(tc, test_raw_declared_qcow2);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_iso_signature);
	tcase_add_test(tc, test_iso_without_cdrom);
	tcase_add_test(tc, test_directory);
	tcase_add_test(tc, test_read_only_file);
	tcase_add_test(tc, test_own_file_no_write);
	tcase_add_test(tc, test_unreadable_cdrom);
	tcase_add_test(tc, test_link_refused);
	tcase_add_test(tc, test_busy_whole_disk);
	tcase_add_test(tc, test_busy_partition);
	tcase_add_test(tc, test_busy_free_and_unknown);
	if (can_open_loop0())
		tcase_add_test(tc, test_block_device_in_use);
	else
		printf("note: the block-device node case needs root and /dev/loop0; not run\n");
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
