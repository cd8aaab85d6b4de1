// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ivshmem.c: the Looking Glass size, the check and the safe creation of
 * the /dev/shm file, on the real /dev/shm with unique names.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "findings.h"
#include "ivshmem.h"
#include "profile.h"

#define MiB (1ULL << 20)

static char path[128]; /* /dev/shm/vl-test-PID-N */
static char name[64];

static void setup(void)
{
	static unsigned n;
	snprintf(name, sizeof(name), "vl-test-%d-%u", (int)getpid(), n++);
	snprintf(path, sizeof(path), "/dev/shm/%s", name);
	unlink(path);
}

static void teardown(void)
{
	unlink(path);
	rmdir(path);
}

static struct profile lg_profile(uint64_t size)
{
	return (struct profile){ .file = "/t/vm.conf", .lg_enabled = true,
				 .lg_path = path, .lg_size = size, .line_lg = 7 };
}

static struct check_ctx ctx_new(void)
{
	return (struct check_ctx){ .sysfs = "/sys", .devfs = "/dev", .procfs = "/proc" };
}

static void ctx_free(struct check_ctx *ctx)
{
	check_ctx_clear_kept(ctx);
}

/* Runs ivshmem_check; exactly one finding, returned in *f. */
static void check_one(const struct profile *p, struct check_ctx *ctx, struct findings *f)
{
	ivshmem_check(p, ctx, f);
	ck_assert_uint_eq(f->n, 1);
	ck_assert_str_eq(f->items[0].resource, "looking-glass");
}

static void make_file(const char *p, mode_t mode, uint64_t size)
{
	int fd = open(p, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
	close(fd);
}

static struct stat stat_of(const char *p)
{
	struct stat st;
	ck_assert_int_eq(lstat(p, &st), 0);
	return st;
}

static int ftruncate_path(const char *file, off_t size)
{
	return truncate(file, size) < 0 ? -errno : 0;
}

/* The error text both check and run print for an ivshmem_prepare error. */
static void assert_fail(const struct findings *f, const char *msg, const char *fix)
{
	ck_assert_int_eq(f->items[0].level, FINDING_FAIL);
	ck_assert_str_eq(f->items[0].message, msg);
	if (fix)
		ck_assert_str_eq(f->items[0].fix, fix);
}

START_TEST(test_profile_size)
{
	struct profile p = lg_profile(0);
	uint64_t v = 0;

	ck_assert_int_eq(ivshmem_profile_size(&p, &v), 0);
	ck_assert_uint_eq(v, 32 * MiB); /* default: 1920x1080 */
	p.lg_width = 2560, p.lg_height = 1440;
	ck_assert_int_eq(ivshmem_profile_size(&p, &v), 0);
	ck_assert_uint_eq(v, 64 * MiB);
	p.lg_size = 128 * MiB; /* size = wins over resolution */
	ck_assert_int_eq(ivshmem_profile_size(&p, &v), 0);
	ck_assert_uint_eq(v, 128 * MiB);
	p.lg_size = 1 * MiB;
	ck_assert_int_eq(ivshmem_profile_size(&p, &v), 0);
	p.lg_size = 48 * MiB;
	ck_assert_int_eq(ivshmem_profile_size(&p, &v), -EINVAL);
	p.lg_size = 512 * 1024;
	ck_assert_int_eq(ivshmem_profile_size(&p, &v), -EINVAL);
}
END_TEST

START_TEST(test_bad_size_check)
{
	struct profile p = lg_profile(48 * MiB);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	check_one(&p, &ctx, &f);
	assert_fail(&f, "/t/vm.conf:7: the shared memory size must be a power of two of at least 1 MiB",
		    "set [looking-glass] size = to a power of two of at least 1M (32M for 1920x1080), or resolution = WxH");
	ck_assert_uint_eq(ctx.lg_size, 0);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_path_kind)
{
	const char *n;
	ck_assert_int_eq(ivshmem_path_kind("/dev/shm/looking-glass", &n), IVSHMEM_SHM);
	ck_assert_str_eq(n, "looking-glass");
	ck_assert_int_eq(ivshmem_path_kind("/dev/kvmfr0", &n), IVSHMEM_KVMFR);
	ck_assert_str_eq(n, "kvmfr0");
	ck_assert_int_eq(ivshmem_path_kind("/dev/shm/a/b", &n), IVSHMEM_OTHER);
	ck_assert_int_eq(ivshmem_path_kind("/dev/shm/..", &n), IVSHMEM_OTHER);
	ck_assert_int_eq(ivshmem_path_kind("/dev/shm/", &n), IVSHMEM_OTHER);
	ck_assert_int_eq(ivshmem_path_kind("/dev/kvmfrx", &n), IVSHMEM_OTHER);
	ck_assert_int_eq(ivshmem_path_kind("/tmp/lg", &n), IVSHMEM_OTHER);

	struct profile p = lg_profile(32 * MiB);
	p.lg_path = "/tmp/lg";
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	check_one(&p, &ctx, &f);
	assert_fail(&f, "/tmp/lg is neither /dev/shm/NAME nor /dev/kvmfrN",
		    "set [looking-glass] path = /dev/shm/looking-glass or /dev/kvmfr0");
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_fresh_create)
{
	struct profile p = lg_profile(32 * MiB);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	struct ivshmem_prepared prep;
	pid_t pid = 0;

	check_one(&p, &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	char want[512];
	snprintf(want, sizeof(want), "%s: will be created, 32M, mode 0600", path);
	ck_assert_str_eq(f.items[0].message, want);
	ck_assert_uint_eq(ctx.lg_size, 32 * MiB);
	/* nothing exists to keep: the grant comes from what prepare makes */
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 0);
	ck_assert_int_eq(access(path, F_OK), -1); /* check creates nothing */

	mode_t old = umask(0); /* the mode must not depend on the umask */
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 32 * MiB, &prep, &pid), 0);
	umask(old);
	struct stat st = stat_of(path);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_uint_eq(st.st_uid, geteuid());
	ck_assert_uint_eq((uint64_t)st.st_size, 32 * MiB);
	ck_assert(prep.created);
	ck_assert_uint_eq(prep.ino, st.st_ino);

	/* a failing run removes what it created */
	ck_assert_int_eq(ivshmem_undo(&p, "/dev", &prep), 0);
	ck_assert_int_eq(access(path, F_OK), -1);

	/* A file this call creates is not looked for in any process's maps
	 * (procfs unreadable: still fine); one that exists at another size
	 * is (the same unreadable procfs fails it). */
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/nonexistent-procfs", 32 * MiB, &prep, &pid), 0);
	ck_assert(prep.created);
	ck_assert_int_eq(ftruncate_path(path, 16 * MiB), 0);
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/nonexistent-procfs", 32 * MiB, &prep, &pid),
			 -ENOENT);
	ck_assert_int_eq(unlink(path), 0);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_existing_kept)
{
	struct profile p = lg_profile(32 * MiB);
	struct ivshmem_prepared prep;
	pid_t pid = 0;

	make_file(path, 0600, 32 * MiB);
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 32 * MiB, &prep, &pid), 0);
	ck_assert(!prep.created);
	/* undo leaves a file that was there before */
	ck_assert_int_eq(ivshmem_undo(&p, "/dev", &prep), 0);
	ck_assert_int_eq(access(path, F_OK), 0);
}
END_TEST

START_TEST(test_symlink_refused)
{
	char target[] = "/tmp/vl-lg-target.XXXXXX";
	int fd = mkstemp(target);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "keep", 4), 4);
	close(fd);
	ck_assert_int_eq(symlink(target, path), 0);

	struct profile p = lg_profile(32 * MiB);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	struct ivshmem_prepared prep;
	pid_t pid = 0;
	char msg[512], fix[512];

	check_one(&p, &ctx, &f);
	snprintf(msg, sizeof(msg), "%s is a symbolic link; refusing to follow it", path);
	snprintf(fix, sizeof(fix), "remove the link: rm %s (vfio-launch creates the file itself)", path);
	assert_fail(&f, msg, fix);
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 0);
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 32 * MiB, &prep, &pid), -ELOOP);
	/* the target is untouched */
	struct stat st = stat_of(target);
	ck_assert_uint_eq(st.st_size, 4);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert(S_ISLNK(stat_of(path).st_mode));
	unlink(target);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_world_readable_refused)
{
	make_file(path, 0644, 32 * MiB);
	struct profile p = lg_profile(32 * MiB);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	struct ivshmem_prepared prep;
	pid_t pid = 0;
	char msg[512], fix[512];

	check_one(&p, &ctx, &f);
	snprintf(msg, sizeof(msg), "%s can be opened by other users (mode or group too open)", path);
	snprintf(fix, sizeof(fix),
		 "remove it: rm %s (it is recreated with mode 0600, or 0660 with [looking-glass] group =)", path);
	assert_fail(&f, msg, fix);
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 32 * MiB, &prep, &pid), -EACCES);
	ck_assert_uint_eq(stat_of(path).st_mode & 07777, 0644); /* not "fixed" */
	findings_clear(&f);

	/* readable by others only (no group bit): refused too */
	ck_assert_int_eq(chmod(path, 0604), 0);
	check_one(&p, &ctx, &f);
	assert_fail(&f, msg, fix);
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 32 * MiB, &prep, &pid), -EACCES);
	ck_assert_uint_eq(stat_of(path).st_mode & 07777, 0604);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_group_readable_without_group_refused)
{
	make_file(path, 0640, 32 * MiB);
	struct profile p = lg_profile(32 * MiB);
	struct ivshmem_prepared prep;
	pid_t pid = 0;
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 32 * MiB, &prep, &pid), -EACCES);
}
END_TEST

/* A second name for one of our files (here a hard link to another 0600
 * file of ours in /dev/shm; another user can make one where
 * fs.protected_hardlinks is 0): prepare must not chmod, chown or truncate
 * the other file's contents through it. */
START_TEST(test_hard_link_refused)
{
	char other[160], msg[512];
	struct profile p = lg_profile(32 * MiB);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	struct ivshmem_prepared prep;
	pid_t pid = 0;

	snprintf(other, sizeof(other), "%s-secret", path);
	unlink(other);
	make_file(other, 0600, 4096);
	ck_assert_int_eq(link(other, path), 0);

	check_one(&p, &ctx, &f);
	snprintf(msg, sizeof(msg), "%s has more than one name (a hard link); refusing to reuse it", path);
	assert_fail(&f, msg, NULL);
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 32 * MiB, &prep, &pid), -EMLINK);
	ck_assert_int_eq(stat_of(other).st_size, 4096); /* not truncated */
	ck_assert_uint_eq(stat_of(other).st_mode & 07777, 0600);
	unlink(other);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_not_regular_refused)
{
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	struct profile p = lg_profile(32 * MiB);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	struct ivshmem_prepared prep;
	pid_t pid = 0;
	char msg[512];

	check_one(&p, &ctx, &f);
	snprintf(msg, sizeof(msg), "%s is not a regular file", path);
	assert_fail(&f, msg, "remove it, or set [looking-glass] path = to another /dev/shm name");
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 32 * MiB, &prep, &pid), -EMEDIUMTYPE);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_wrong_size_resized)
{
	make_file(path, 0600, 1 * MiB);
	struct profile p = lg_profile(32 * MiB);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	struct ivshmem_prepared prep;
	pid_t pid = 0;
	char msg[512];

	check_one(&p, &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	snprintf(msg, sizeof(msg), "%s: exists, will be resized from 1M to 32M, mode 0600", path);
	ck_assert_str_eq(f.items[0].message, msg);
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 32 * MiB, &prep, &pid), 0);
	ck_assert_uint_eq((uint64_t)stat_of(path).st_size, 32 * MiB);
	ck_assert(!prep.created);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

/* Another process (a Looking Glass client stand-in) maps the file. */
static pid_t spawn_mapper(const char *p, size_t len)
{
	int pfd[2];
	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(p, O_RDWR | O_CLOEXEC);
		void *m = fd < 0 ? MAP_FAILED : mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED)
			_exit(1);
		close(fd); /* mapped, not open: only /proc/PID/maps shows it */
		if (write(pfd[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pfd[1]);
	char c;
	ck_assert_int_eq(read(pfd[0], &c, 1), 1);
	close(pfd[0]);
	return pid;
}

static void reap(pid_t pid)
{
	int status;
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

START_TEST(test_wrong_size_mapped_kept)
{
	make_file(path, 0600, 1 * MiB);
	pid_t mapper = spawn_mapper(path, 1 * MiB);
	struct profile p = lg_profile(32 * MiB);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	struct ivshmem_prepared prep;
	pid_t pid = 0;
	char msg[512], fix[512];

	struct stat st = stat_of(path);
	unsigned unreadable = 99;
	ck_assert_int_eq(ivshmem_find_mapper("/proc", st.st_dev, st.st_ino, &pid, &unreadable), 1);
	ck_assert_int_eq(pid, mapper);

	check_one(&p, &ctx, &f);
	snprintf(msg, sizeof(msg), "%s has the wrong size and is mapped by process %d", path, (int)mapper);
	snprintf(fix, sizeof(fix), "stop process %d (the Looking Glass client or an old QEMU), then run again",
		 (int)mapper);
	assert_fail(&f, msg, fix);
	pid = 0;
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 32 * MiB, &prep, &pid), -EBUSY);
	ck_assert_int_eq(pid, mapper);
	ck_assert_uint_eq((uint64_t)stat_of(path).st_size, 1 * MiB); /* kept */

	/* once the client is gone, the file is resized */
	reap(mapper);
	ck_assert_int_eq(ivshmem_find_mapper("/proc", st.st_dev, st.st_ino, &pid, &unreadable), 0);
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 32 * MiB, &prep, &pid), 0);
	ck_assert_uint_eq((uint64_t)stat_of(path).st_size, 32 * MiB);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

/* Same size and mapped (a client already waiting): fine, nothing resized. */
START_TEST(test_right_size_mapped_ok)
{
	make_file(path, 0600, 32 * MiB);
	pid_t mapper = spawn_mapper(path, 32 * MiB);
	struct profile p = lg_profile(32 * MiB);
	struct ivshmem_prepared prep;
	pid_t pid = 0;
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 32 * MiB, &prep, &pid), 0);
	reap(mapper);
}
END_TEST

static const char *own_group_name(void)
{
	struct group *gr = getgrgid(getegid());
	ck_assert_ptr_nonnull(gr);
	return gr->gr_name;
}

START_TEST(test_group_mode)
{
	struct profile p = lg_profile(32 * MiB);
	char group[64];
	snprintf(group, sizeof(group), "%s", own_group_name());
	p.lg_group = group;
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	struct ivshmem_prepared prep;
	pid_t pid = 0;
	char msg[512];

	check_one(&p, &ctx, &f);
	snprintf(msg, sizeof(msg), "%s: will be created, 32M, mode 0660", path);
	ck_assert_str_eq(f.items[0].message, msg);
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 32 * MiB, &prep, &pid), 0);
	struct stat st = stat_of(path);
	ck_assert_uint_eq(st.st_mode & 07777, 0660);
	ck_assert_uint_eq(st.st_gid, getegid());
	/* again: the existing group file is accepted as it is */
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 32 * MiB, &prep, &pid), 0);
	ck_assert(!prep.created);
	/* never shrunk while another user's client may map it unseen */
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 16 * MiB, &prep, &pid), -ETXTBSY);
	ck_assert_uint_eq((uint64_t)stat_of(path).st_size, 32 * MiB);
	/* grown: fine */
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 64 * MiB, &prep, &pid), 0);
	ck_assert_uint_eq((uint64_t)stat_of(path).st_size, 64 * MiB);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_group_unknown_or_foreign)
{
	struct profile p = lg_profile(32 * MiB);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	struct ivshmem_prepared prep;
	pid_t pid = 0;

	p.lg_group = "vl-no-such-group";
	check_one(&p, &ctx, &f);
	assert_fail(&f, "the [looking-glass] group does not exist",
		    "create it (groupadd) or fix [looking-glass] group =");
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 32 * MiB, &prep, &pid), -ESRCH);
	findings_clear(&f);

	/* a gid we are not a member of: numeric, unlikely to be ours */
	p.lg_group = "4000123";
	ck_assert_uint_ne(getegid(), 4000123);
	check_one(&p, &ctx, &f);
	assert_fail(&f, "you are not a member of the [looking-glass] group",
		    "add yourself: usermod -aG GROUP $USER (then log in again), or remove group =");
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 32 * MiB, &prep, &pid), -EXDEV);
	ck_assert_int_eq(access(path, F_OK), -1);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

/* A devfs whose shm is not a root-owned sticky directory. */
START_TEST(test_parent_not_sticky)
{
	char devfs[] = "/tmp/vl-lg-dev.XXXXXX";
	char shm[256];
	ck_assert_ptr_nonnull(mkdtemp(devfs));
	snprintf(shm, sizeof(shm), "%s/shm", devfs);
	ck_assert_int_eq(mkdir(shm, 0777), 0);
	ck_assert_int_eq(chmod(shm, 0777), 0);

	struct profile p = lg_profile(32 * MiB);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	struct ivshmem_prepared prep;
	pid_t pid = 0;
	char msg[512];

	ctx.devfs = devfs;
	check_one(&p, &ctx, &f);
	snprintf(msg, sizeof(msg), "the parent of %s is not the root-owned sticky /dev/shm directory", path);
	assert_fail(&f, msg, "mount tmpfs on /dev/shm with mode 1777 (systemd does this by default)");
	ck_assert_int_eq(ivshmem_prepare(&p, devfs, "/proc", 32 * MiB, &prep, &pid), -ENOTDIR);
	char probe[PATH_MAX + 128];
	snprintf(probe, sizeof(probe), "%s/%s", shm, name);
	ck_assert_int_eq(access(probe, F_OK), -1);
	rmdir(shm);
	rmdir(devfs);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_kvmfr_missing)
{
	char devfs[] = "/tmp/vl-lg-dev.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(devfs));
	struct profile p = lg_profile(0);
	p.lg_path = "/dev/kvmfr0";
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	ctx.devfs = devfs;
	check_one(&p, &ctx, &f);
	assert_fail(&f, "/dev/kvmfr0 does not exist",
		    "load the Looking Glass module: modprobe kvmfr static_size_mb=SIZE_IN_MIB");
	ck_assert_uint_eq(ctx.lg_size, 0);
	rmdir(devfs);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

/* ---- root only: another uid's file, a char device that is not kvmfr ---- */

START_TEST(test_foreign_owner_refused)
{
	make_file(path, 0600, 32 * MiB);
	ck_assert_int_eq(chown(path, 65534, 65534), 0);
	struct profile p = lg_profile(32 * MiB);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	struct ivshmem_prepared prep;
	pid_t pid = 0;
	char msg[512];

	check_one(&p, &ctx, &f);
	snprintf(msg, sizeof(msg), "%s is owned by another user", path);
	assert_fail(&f, msg, "set [looking-glass] path = /dev/shm/ANOTHER-NAME, or have its owner remove it");
	ck_assert_int_eq(ivshmem_prepare(&p, "/dev", "/proc", 16 * MiB, &prep, &pid), -EPERM);
	struct stat st = stat_of(path);
	ck_assert_uint_eq(st.st_uid, 65534);
	ck_assert_uint_eq((uint64_t)st.st_size, 32 * MiB); /* untouched */
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_kvmfr_not_kvmfr)
{
	char devfs[] = "/tmp/vl-lg-dev.XXXXXX", node[PATH_MAX];
	ck_assert_ptr_nonnull(mkdtemp(devfs));
	snprintf(node, sizeof(node), "%s/kvmfr0", devfs);
	/* the null device's numbers (1:3): a char device without the ioctl */
	ck_assert_int_eq(mknod(node, S_IFCHR | 0600, makedev(1, 3)), 0);
	struct profile p = lg_profile(0);
	p.lg_path = "/dev/kvmfr0";
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	ctx.devfs = devfs;
	check_one(&p, &ctx, &f);
	assert_fail(&f, "/dev/kvmfr0 is not a kvmfr device",
		    "load the Looking Glass module: modprobe kvmfr static_size_mb=SIZE_IN_MIB");
	struct ivshmem_prepared prep;
	pid_t pid = 0;
	ck_assert_int_eq(ivshmem_prepare(&p, devfs, "/proc", 32 * MiB, &prep, &pid), -EMEDIUMTYPE);
	unlink(node);
	rmdir(devfs);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ivshmem");
	TCase *tc = tcase_create("shm");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_profile_size);
	tcase_add_test(tc, test_bad_size_check);
	tcase_add_test(tc, test_path_kind);
	tcase_add_test(tc, test_fresh_create);
	tcase_add_test(tc, test_existing_kept);
	tcase_add_test(tc, test_symlink_refused);
	tcase_add_test(tc, test_world_readable_refused);
	tcase_add_test(tc, test_group_readable_without_group_refused);
	tcase_add_test(tc, test_not_regular_refused);
	tcase_add_test(tc, test_hard_link_refused);
	tcase_add_test(tc, test_wrong_size_resized);
	tcase_add_test(tc, test_wrong_size_mapped_kept);
	tcase_add_test(tc, test_right_size_mapped_ok);
	tcase_add_test(tc, test_group_mode);
	tcase_add_test(tc, test_group_unknown_or_foreign);
	tcase_add_test(tc, test_parent_not_sticky);
	tcase_add_test(tc, test_kvmfr_missing);
	suite_add_tcase(s, tc);
	if (geteuid() == 0) {
		TCase *root = tcase_create("root");
		tcase_add_checked_fixture(root, setup, teardown);
		tcase_add_test(root, test_foreign_owner_refused);
		tcase_add_test(root, test_kvmfr_not_kvmfr);
		suite_add_tcase(s, root);
	} else {
		printf("note: not root, the cases 'file owned by another uid' and "
		       "'char device that is not kvmfr' are not run\n");
	}
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
