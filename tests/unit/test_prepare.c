// SPDX-License-Identifier: GPL-2.0-or-later
/* prepare.c on temporary directories: modes, the VARS copy made once, the
 * lock refused while another process (or the program it exec'd) holds
 * it, and rollback. Fork mode: each test has its own environment. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "paths.h"
#include "prepare.h"
#include "profile.h"

static char tmp[64];
static char template_path[128];

static void write_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "we");
	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	ck_assert_int_eq(fclose(f), 0);
}

static char *read_file(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "re");
	size_t n;

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* rel (below the test's temp dir) exists, even as a dangling symlink */
static bool exists(const char *rel)
{
	char path[512];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	return lstat(path, &st) == 0;
}

/* A temp dir with run/ (0700) and a VARS template; env pointing there. */
static void setup(void)
{
	char run[128];

	strcpy(tmp, "/tmp/vl-prepare.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(run, sizeof(run), "%s/run", tmp);
	ck_assert_int_eq(mkdir(run, 0700), 0);
	snprintf(template_path, sizeof(template_path), "%s/VARS.template", tmp);
	write_file(template_path, "TEMPLATE-VARS");
	setenv("XDG_RUNTIME_DIR", run, 1);
	setenv("XDG_STATE_HOME", strcat(strcpy((char[128]){ 0 }, tmp), "/state"), 1);
	setenv("HOME", tmp, 1);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmp);
}

static struct profile uefi_profile(void)
{
	return (struct profile){
		.name = "vm1",
		.firmware = FIRMWARE_UEFI,
		.ovmf_code = "/nonexistent/CODE.fd",
		.ovmf_vars = template_path,
	};
}

START_TEST(test_creates_private_dirs)
{
	struct profile p = uefi_profile();
	struct vm_paths paths = { 0 };
	struct prepare_state st;
	struct stat s;

	ck_assert_int_eq(vm_paths_init(&p, &paths), 0);
	umask(022);
	ck_assert_int_eq(prepare_vm(&p, &paths, &st), 0);
	ck_assert_int_ge(st.lock_fd, 0);
	ck_assert_int_eq(stat(paths.runtime_dir, &s), 0);
	ck_assert_uint_eq(s.st_mode & 07777, 0700);
	ck_assert_int_eq(stat(paths.lock_file, &s), 0);
	ck_assert(S_ISREG(s.st_mode));
	ck_assert_uint_eq(s.st_mode & 0077, 0);
	ck_assert_int_eq(stat(paths.state_dir, &s), 0);
	ck_assert_uint_eq(s.st_mode & 07777, 0700);
	ck_assert_int_eq(stat(paths.ovmf_vars, &s), 0);
	ck_assert_uint_eq(s.st_mode & 07777, 0600);
	ck_assert_str_eq(read_file(paths.ovmf_vars), "TEMPLATE-VARS");
	ck_assert(st.made_vars);
	{
		/* which template it came from, for check (vars.h) */
		char rec[512];
		snprintf(rec, sizeof(rec), "%s.template", paths.ovmf_vars);
		ck_assert_str_eq(read_file(rec), strcat(strcpy((char[256]){ 0 }, template_path), "\n"));
	}
	/* The lock fd is close-on-exec: the supervisor holds it, QEMU
	 * never receives it. */
	ck_assert(fcntl(st.lock_fd, F_GETFD) & FD_CLOEXEC);
	prepare_state_clear(&st);
	/* clear keeps the files */
	ck_assert(exists("run/vfio-launch/vm1/lock"));
	vm_paths_clear(&paths);
}
END_TEST

START_TEST(test_vars_copied_once)
{
	struct profile p = uefi_profile();
	struct vm_paths paths = { 0 };
	struct prepare_state st;

	ck_assert_int_eq(vm_paths_init(&p, &paths), 0);
	ck_assert_int_eq(prepare_vm(&p, &paths, &st), 0);
	prepare_state_clear(&st);
	/* The guest wrote its variables; the template changed meanwhile. */
	write_file(paths.ovmf_vars, "GUEST-VARS");
	write_file(template_path, "NEW-TEMPLATE");
	ck_assert_int_eq(prepare_vm(&p, &paths, &st), 0);
	ck_assert(!st.made_vars);
	ck_assert_str_eq(read_file(paths.ovmf_vars), "GUEST-VARS");
	prepare_state_clear(&st);
	/* no temporary file left in the state dir: the copy and its
	 * template record (vars.h) */
	{
		char cmd[256];
		snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) -eq 2", paths.state_dir);
		ck_assert_int_eq(system(cmd), 0);
	}
	vm_paths_clear(&paths);
}
END_TEST

START_TEST(test_refuses_loose_runtime_dir)
{
	struct profile p = uefi_profile();
	struct vm_paths paths = { 0 };
	struct prepare_state st;
	char dir[256];

	ck_assert_int_eq(vm_paths_init(&p, &paths), 0);
	snprintf(dir, sizeof(dir), "%s/run/vfio-launch", tmp);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	ck_assert_int_eq(prepare_vm(&p, &paths, &st), -EPERM);
	ck_assert_str_eq(st.failed_path, dir);
	prepare_state_clear(&st);
	/* nothing created below it, no state dir */
	ck_assert(!exists("run/vfio-launch/vm1"));
	ck_assert(!exists("state"));

	/* the VM's own dir too loose */
	ck_assert_int_eq(chmod(dir, 0700), 0);
	ck_assert_int_eq(mkdir(paths.runtime_dir, 0750), 0);
	ck_assert_int_eq(chmod(paths.runtime_dir, 0750), 0);
	ck_assert_int_eq(prepare_vm(&p, &paths, &st), -EPERM);
	ck_assert_str_eq(st.failed_path, paths.runtime_dir);
	prepare_state_clear(&st);
	ck_assert(!exists("run/vfio-launch/vm1/lock"));
	vm_paths_clear(&paths);
}
END_TEST

START_TEST(test_refuses_symlink)
{
	struct profile p = uefi_profile();
	struct vm_paths paths = { 0 };
	struct prepare_state st;
	char dir[256], target[256];

	ck_assert_int_eq(vm_paths_init(&p, &paths), 0);
	snprintf(target, sizeof(target), "%s/elsewhere", tmp);
	ck_assert_int_eq(mkdir(target, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/run/vfio-launch", tmp);
	ck_assert_int_eq(symlink(target, dir), 0);
	ck_assert_int_eq(prepare_vm(&p, &paths, &st), -ELOOP);
	prepare_state_clear(&st);
	ck_assert(!exists("elsewhere/vm1"));
	vm_paths_clear(&paths);
}
END_TEST

START_TEST(test_refuses_other_owner)
{
	struct profile p = uefi_profile();
	struct vm_paths paths = { 0 };
	struct prepare_state st;
	char dir[256];

	if (geteuid() != 0) {
		printf("SKIP: chown to another uid needs root\n");
		return;
	}
	ck_assert_int_eq(vm_paths_init(&p, &paths), 0);
	snprintf(dir, sizeof(dir), "%s/run/vfio-launch", tmp);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(chown(dir, 65534, 65534), 0);
	ck_assert_int_eq(prepare_vm(&p, &paths, &st), -EPERM);
	prepare_state_clear(&st);
	vm_paths_clear(&paths);
}
END_TEST

/* Child takes the lock (optionally execs a program that inherits it),
 * parent is refused, then succeeds once the child is gone. */
static void lock_held_by_child(void)
{
	struct profile p = uefi_profile();
	struct vm_paths paths = { 0 };
	struct prepare_state st;
	int ready[2];
	pid_t pid;
	char c;

	ck_assert_int_eq(vm_paths_init(&p, &paths), 0);
	ck_assert_int_eq(pipe2(ready, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct prepare_state cst;
		if (prepare_vm(&p, &paths, &cst) != 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	ck_assert_int_eq(prepare_vm(&p, &paths, &st), -EBUSY);
	ck_assert_str_eq(st.failed_path, paths.lock_file);
	prepare_state_clear(&st);
	/* the refused run removed nothing of the running VM's */
	ck_assert(exists("run/vfio-launch/vm1/lock"));
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	ck_assert_int_eq(prepare_vm(&p, &paths, &st), 0);
	prepare_state_clear(&st);
	vm_paths_clear(&paths);
}

START_TEST(test_lock_refused_while_held)
{
	lock_held_by_child();
}
END_TEST

START_TEST(test_failure_leaves_nothing)
{
	struct profile p = uefi_profile();
	struct vm_paths paths = { 0 };
	struct prepare_state st;

	p.ovmf_vars = "/nonexistent/VARS.fd";
	ck_assert_int_eq(vm_paths_init(&p, &paths), 0);
	ck_assert_int_eq(prepare_vm(&p, &paths, &st), -ENOENT);
	ck_assert_str_eq(st.failed_path, "/nonexistent/VARS.fd");
	prepare_state_clear(&st);
	ck_assert(!exists("run/vfio-launch"));
	ck_assert(!exists("state"));
	vm_paths_clear(&paths);
}
END_TEST

/* More new directories than the record holds (PREPARE_MAX_MADE): the
 * one that did not fit must go too, not stay behind its parents. */
START_TEST(test_record_full_leaves_nothing)
{
	struct profile p = uefi_profile();
	struct vm_paths paths = { 0 };
	struct prepare_state st;
	char deep[512];
	int n;

	n = snprintf(deep, sizeof(deep), "%s/state", tmp);
	for (int i = 0; i < PREPARE_MAX_MADE + 4; i++)
		n += snprintf(deep + n, sizeof(deep) - (size_t)n, "/d%d", i);
	setenv("XDG_STATE_HOME", deep, 1);
	ck_assert_int_eq(vm_paths_init(&p, &paths), 0);
	ck_assert_int_eq(prepare_vm(&p, &paths, &st), -ENOBUFS);
	prepare_state_clear(&st);
	ck_assert(!exists("state"));
	ck_assert(!exists("run/vfio-launch"));
	vm_paths_clear(&paths);
}
END_TEST

START_TEST(test_rollback_keeps_vars)
{
	struct profile p = uefi_profile();
	struct vm_paths paths = { 0 };
	struct prepare_state st;

	ck_assert_int_eq(vm_paths_init(&p, &paths), 0);
	ck_assert_int_eq(prepare_vm(&p, &paths, &st), 0);
	/* exec failed later: everything but the VARS copy goes */
	prepare_rollback(&st);
	ck_assert_int_eq(st.lock_fd, -1);
	ck_assert(!exists("run/vfio-launch"));
	ck_assert_str_eq(read_file(paths.ovmf_vars), "TEMPLATE-VARS");
	vm_paths_clear(&paths);
}
END_TEST

START_TEST(test_bios_no_state_dir)
{
	struct profile p = { .name = "vm2", .firmware = FIRMWARE_BIOS };
	struct vm_paths paths = { 0 };
	struct prepare_state st;

	ck_assert_int_eq(vm_paths_init(&p, &paths), 0);
	ck_assert_int_eq(prepare_vm(&p, &paths, &st), 0);
	ck_assert(exists("run/vfio-launch/vm2/lock"));
	ck_assert(!exists("state"));
	prepare_state_clear(&st);
	vm_paths_clear(&paths);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("prepare");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_creates_private_dirs);
	tcase_add_test(tc, test_vars_copied_once);
	tcase_add_test(tc, test_refuses_loose_runtime_dir);
	tcase_add_test(tc, test_refuses_symlink);
	tcase_add_test(tc, test_refuses_other_owner);
	tcase_add_test(tc, test_lock_refused_while_held);
	tcase_add_test(tc, test_failure_leaves_nothing);
	tcase_add_test(tc, test_record_full_leaves_nothing);
	tcase_add_test(tc, test_rollback_keeps_vars);
	tcase_add_test(tc, test_bios_no_state_dir);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
