// SPDX-License-Identifier: GPL-2.0-or-later
/* check.c baseline checks and accel.c, on temporary files and a fake
 * /dev (ctx->devfs). Fork mode: each test has its own environment. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accel.h"
#include "check.h"
#include "cleanup.h"
#include "landlock.h"
#include "paths.h"
#include "profile.h"
#include "../sandbox/no_landlock.h"

static char tmp[64];
static char path_buf[8][256];

/* tmp/rel, in one of a few static buffers */
static const char *at(int slot, const char *rel)
{
	snprintf(path_buf[slot], sizeof(path_buf[slot]), "%s/%s", tmp, rel);
	return path_buf[slot];
}

static void touch(const char *path, mode_t mode)
{
	FILE *f = fopen(path, "we");
	ck_assert_ptr_nonnull(f);
	fputs("x\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void setup(void)
{
	strcpy(tmp, "/tmp/vl-check.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	ck_assert_int_eq(mkdir(at(0, "bin"), 0755), 0);
	ck_assert_int_eq(mkdir(at(0, "dev"), 0755), 0);
	touch(at(0, "bin/qemu-test"), 0755);
	setenv("PATH", at(0, "bin"), 1);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "/bin/rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmp);
}

static bool kept_as(const struct check_ctx *ctx, const char *path, enum grant_access a)
{
	const struct grant *g = check_ctx_kept(ctx, path);

	return g && g->access == a && g->fd >= 0;
}

static struct profile tcg_profile(void)
{
	return (struct profile){ .file = "/p/t.conf", .name = "t", .memory = 1ULL << 30,
				 .cpus = 1, .accel = ACCEL_TCG, .qemu_binary = "qemu-test" };
}

START_TEST(test_qemu_in_path)
{
	struct profile p = tcg_profile();
	struct findings f = { 0 };
	struct check_ctx ctx;
	const struct finding *q;

	check_ctx_init(&ctx);
	ctx.devfs = at(7, "dev");
	check_profile(&p, &ctx, &f);
	q = findings_find(&f, "qemu");
	ck_assert_ptr_nonnull(q);
	ck_assert_int_eq(q->level, FINDING_PASS);
	ck_assert_str_eq(ctx.qemu_path, at(0, "bin/qemu-test"));
	ck_assert_int_eq(check_ctx_kept(&ctx, at(0, "bin/qemu-test"))->access, GRANT_RX);
	ck_assert_uint_eq(f.n_fail, 0);
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

START_TEST(test_qemu_missing)
{
	struct profile p = tcg_profile();
	struct findings f = { 0 };
	struct check_ctx ctx;
	const struct finding *q;

	p.qemu_binary = "qemu-nowhere";
	check_ctx_init(&ctx);
	ctx.devfs = at(7, "dev");
	check_profile(&p, &ctx, &f);
	q = findings_find(&f, "qemu");
	ck_assert_int_eq(q->level, FINDING_FAIL);
	ck_assert_str_eq(q->message, "qemu-nowhere: not found in $PATH");
	ck_assert_str_eq(q->fix, "install QEMU: sudo apt-get install qemu-system-x86");
	ck_assert_ptr_null(ctx.qemu_path);
	/* the other checks still ran */
	ck_assert_ptr_nonnull(findings_find(&f, "accel"));
	findings_clear(&f);

	/* an absolute path that is not executable */
	touch(at(1, "bin/not-exec"), 0644);
	p.qemu_binary = (char *)at(1, "bin/not-exec");
	check_profile(&p, &ctx, &f);
	q = findings_find(&f, "qemu");
	/* access(X_OK) needs an x bit even for root (access(2)) */
	ck_assert_int_eq(q->level, FINDING_FAIL);
	ck_assert_str_eq(q->fix, "point [qemu] binary = at an executable QEMU");
	ck_assert_ptr_nonnull(strstr(q->message, "Permission denied"));
	findings_clear(&f);

	/* a directory is no QEMU, not even for root */
	p.qemu_binary = (char *)at(1, "bin");
	check_profile(&p, &ctx, &f);
	q = findings_find(&f, "qemu");
	ck_assert_int_eq(q->level, FINDING_FAIL);
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

START_TEST(test_accel_tcg)
{
	struct profile p = tcg_profile();
	struct findings f = { 0 };
	struct check_ctx ctx;

	check_ctx_init(&ctx);
	ctx.devfs = at(7, "dev");
	accel_check(&p, &ctx, &f);
	ck_assert_int_eq(ctx.accel, ACCEL_TCG);
	ck_assert_int_eq(findings_find(&f, "accel")->level, FINDING_PASS);
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 0);
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

START_TEST(test_accel_no_kvm_node)
{
	struct profile p = tcg_profile();
	struct findings f = { 0 };
	struct check_ctx ctx;
	const struct finding *a;

	check_ctx_init(&ctx);
	ctx.devfs = at(7, "dev");
	ck_assert_int_eq(kvm_probe(ctx.devfs), -ENOENT);

	/* auto: WARN and TCG, with the module fix */
	p.accel = ACCEL_AUTO;
	accel_check(&p, &ctx, &f);
	a = findings_find(&f, "accel");
	ck_assert_int_eq(a->level, FINDING_WARN);
	ck_assert_int_eq(ctx.accel, ACCEL_TCG);
	ck_assert_ptr_nonnull(strstr(a->message, "No such file or directory"));
	ck_assert_ptr_nonnull(strstr(a->message, "falling back to TCG"));
	ck_assert_ptr_nonnull(strstr(a->fix, "modprobe kvm_intel"));
	findings_clear(&f);

	/* kvm: FAIL */
	p.accel = ACCEL_KVM;
	accel_check(&p, &ctx, &f);
	a = findings_find(&f, "accel");
	ck_assert_int_eq(a->level, FINDING_FAIL);
	ck_assert_ptr_nonnull(strstr(a->message, "accel = kvm but"));
	ck_assert_uint_eq(f.n_fail, 1);
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 0);
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

START_TEST(test_accel_not_kvm)
{
	struct profile p = tcg_profile();
	struct findings f = { 0 };
	struct check_ctx ctx;

	/* a regular file where /dev/kvm should be: the ioctl fails, the
	 * probe must not take it for KVM */
	touch(at(1, "dev/kvm"), 0666);
	ck_assert_int_eq(kvm_probe(at(2, "dev")), -ENOTTY);
	check_ctx_init(&ctx);
	ctx.devfs = at(7, "dev");
	p.accel = ACCEL_AUTO;
	accel_check(&p, &ctx, &f);
	ck_assert_int_eq(findings_find(&f, "accel")->level, FINDING_WARN);
	ck_assert_int_eq(ctx.accel, ACCEL_TCG);
	findings_clear(&f);
	check_ctx_clear(&ctx);
	/* the fixes by error */
	ck_assert_ptr_nonnull(strstr(kvm_fix(-EACCES), "usermod -aG kvm"));
	ck_assert_ptr_nonnull(strstr(kvm_fix(-ENOENT), "modprobe"));
	ck_assert_ptr_nonnull(strstr(kvm_fix(-EPROTO), "version 12"));
}
END_TEST

START_TEST(test_accel_real_kvm)
{
	struct profile p = tcg_profile();
	struct findings f = { 0 };
	struct check_ctx ctx;

	if (kvm_probe("/dev") != 0) {
		printf("SKIP: /dev/kvm not usable here (%s)\n", strerror(-kvm_probe("/dev")));
		return;
	}
	check_ctx_init(&ctx);
	p.accel = ACCEL_AUTO;
	accel_check(&p, &ctx, &f);
	ck_assert_int_eq(ctx.accel, ACCEL_KVM);
	ck_assert_int_eq(findings_find(&f, "accel")->level, FINDING_PASS);
	ck_assert(kept_as(&ctx, "/dev/kvm", GRANT_RW));
	/* not for run: the probe's VM is gone already */
	ck_assert(!ctx.kvm_vm_kept);
	findings_clear(&f);
	check_ctx_clear(&ctx);

	/* for run: kept (close-on-exec: no child gets it) until dropped */
	check_ctx_init(&ctx);
	ctx.for_run = true;
	accel_check(&p, &ctx, &f);
	ck_assert_int_eq(ctx.accel, ACCEL_KVM);
	ck_assert(ctx.kvm_vm_kept);
	int vm = ctx.kvm_vm;
	ck_assert_int_eq(fcntl(vm, F_GETFD), FD_CLOEXEC);
	check_ctx_drop_kvm_vm(&ctx);
	ck_assert(!ctx.kvm_vm_kept);
	ck_assert_int_eq(fcntl(vm, F_GETFD), -1);
	check_ctx_drop_kvm_vm(&ctx); /* twice: nothing to close */
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

/* A context that is not check_ctx_init's (zeroed) holds no probe VM:
 * clearing it closes no descriptor 0. */
START_TEST(test_kvm_vm_zeroed_ctx)
{
	struct check_ctx ctx = { 0 };
	int fd = open("/dev/null", O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, 0), 0); /* descriptor 0 open, whatever stdin was */
	check_ctx_drop_kvm_vm(&ctx);
	check_ctx_clear(&ctx);
	ck_assert_int_ge(fcntl(0, F_GETFD), 0);
	if (fd != 0)
		close(fd);
}
END_TEST

START_TEST(test_files)
{
	struct profile p = tcg_profile();
	struct findings f = { 0 };
	struct check_ctx ctx;
	struct vm_paths paths = {
		.runtime_dir = "/r/vfio-launch/t",
		.qmp_socket = "/r/vfio-launch/t/qmp.sock",
		.ovmf_vars = "/s/vfio-launch/t/OVMF_VARS.fd",
	};
	struct pci_item pci = { .bdf = "0000:01:00.0", .romfile = (char *)at(5, "gpu.rom") };

	touch(at(1, "CODE.fd"), 0644);
	touch(at(2, "kernel"), 0644);
	p.firmware = FIRMWARE_UEFI;
	p.ovmf_code = (char *)at(1, "CODE.fd");
	p.ovmf_vars = (char *)at(3, "VARS-missing.fd");
	p.kernel = (char *)at(2, "kernel");
	p.initrd = (char *)at(4, "initrd-missing");
	p.pci = &pci;
	p.n_pci = 1;

	check_ctx_init(&ctx);
	ctx.devfs = at(7, "dev");
	ctx.paths = &paths;
	check_profile(&p, &ctx, &f);
	ck_assert_int_eq(findings_find(&f, "firmware")->level, FINDING_PASS);
	ck_assert_int_eq(findings_find(&f, "firmware vars")->level, FINDING_FAIL);
	ck_assert_ptr_nonnull(strstr(findings_find(&f, "firmware vars")->fix, "apt-get install ovmf"));
	ck_assert_int_eq(findings_find(&f, "kernel")->level, FINDING_PASS);
	ck_assert_int_eq(findings_find(&f, "initrd")->level, FINDING_FAIL);
	ck_assert_ptr_nonnull(strstr(findings_find(&f, "initrd")->message, "initrd-missing: No such file"));
	ck_assert_int_eq(findings_find(&f, "romfile 0000:01:00.0")->level, FINDING_FAIL);
	/* the baseline files: exactly the three above FAIL (the resource
	 * modules add their own findings for the same profile) */
	size_t n_file_fail = 0;
	for (size_t i = 0; i < f.n; i++)
		if (f.items[i].level == FINDING_FAIL &&
		    (startswith(f.items[i].resource, "firmware") ||
		     startswith(f.items[i].resource, "kernel") ||
		     startswith(f.items[i].resource, "initrd") ||
		     startswith(f.items[i].resource, "romfile")))
			n_file_fail++;
	ck_assert_uint_eq(n_file_fail, 3);
	/* what QEMU reads, and what it writes */
	ck_assert(kept_as(&ctx, p.ovmf_code, GRANT_RO));
	ck_assert(kept_as(&ctx, p.kernel, GRANT_RO));
	ck_assert_ptr_null(check_ctx_kept(&ctx, p.initrd));
	ck_assert_ptr_null(check_ctx_kept(&ctx, p.ovmf_vars)); /* the launcher copies it */
	/* the VARS copy and the runtime dir are made by prepare: granted
	 * from what it made (resources_grants), not kept by the check */
	ck_assert_ptr_null(check_ctx_kept(&ctx, "/s/vfio-launch/t/OVMF_VARS.fd"));
	ck_assert_ptr_null(check_ctx_kept(&ctx, "/r/vfio-launch/t"));
	findings_clear(&f);

	/* a directory is not a kernel */
	p.kernel = (char *)at(2, "bin");
	check_profile(&p, &ctx, &f);
	ck_assert_str_eq(strstr(findings_find(&f, "kernel")->message, ": "), ": not a regular file");
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

START_TEST(test_host_and_env)
{
	struct findings f = { 0 };
	struct check_ctx ctx;
	struct render_env env;
	struct vm_paths paths = { 0 };
	struct usb_resolved usb[1] = { { .resolved = true } };

	check_ctx_init(&ctx);
	ck_assert_str_eq(ctx.sysfs, "/sys");
	ck_assert_str_eq(ctx.devfs, "/dev");
	ck_assert_int_eq(ctx.accel, ACCEL_AUTO);
	ctx.devfs = at(7, "dev");
	ctx.sysfs = at(6, "dev"); /* empty: no IOMMU, no modules */
	check_host(&ctx, &f);
	/* the fake /dev has no kvm node: WARN, VMs fall back to TCG */
	ck_assert_int_eq(findings_find(&f, "kvm")->level, FINDING_WARN);
	findings_clear(&f);

	ctx.accel = ACCEL_TCG;
	ctx.qemu_path = strdup("/usr/bin/qemu-system-x86_64");
	ctx.audio_server = strdup("/run/pulse/native");
	ctx.audio_disabled = true;
	ctx.lg_size = 1 << 25;
	ctx.usb = malloc(sizeof(usb));
	memcpy(ctx.usb, usb, sizeof(usb));
	check_ctx_render_env(&ctx, &paths, &env);
	ck_assert_ptr_eq(env.paths, &paths);
	ck_assert_ptr_eq(env.qemu_path, ctx.qemu_path);
	ck_assert_ptr_eq(env.audio_server, ctx.audio_server);
	ck_assert_ptr_eq(env.usb, ctx.usb);
	ck_assert_int_eq(env.accel, ACCEL_TCG);
	ck_assert(env.audio_disabled);
	ck_assert_uint_eq(env.lg_size, 1 << 25);
	ck_assert(!env.paused);
	check_ctx_clear(&ctx);
	ck_assert_ptr_null(ctx.qemu_path);
}
END_TEST

/* The sandbox line: what run will confine QEMU with. */
static const struct finding *sandbox_line(enum sandbox_mode mode, struct findings *f)
{
	struct profile p = tcg_profile();
	struct check_ctx ctx;

	p.sandbox = mode;
	check_ctx_init(&ctx);
	ctx.devfs = at(7, "dev");
	check_profile(&p, &ctx, f);
	check_ctx_clear(&ctx);
	ck_assert_ptr_nonnull(findings_find(f, "sandbox"));
	return findings_find(f, "sandbox");
}

START_TEST(test_sandbox_landlock)
{
	struct findings f = { 0 };
	int abi = landlock_abi_version();
	char want[128];

	if (abi <= 0) { /* this kernel: the no-Landlock tests below cover it */
		fprintf(stderr, "note: no Landlock here (%s), PASS case not run\n", strerror(-abi));
		return;
	}
	const struct finding *s = sandbox_line(SANDBOX_ON, &f);
	ck_assert_int_eq(s->level, FINDING_PASS);
	snprintf(want, sizeof(want), "seccomp, Landlock ABI %d, no capabilities, no_new_privs", abi);
	ck_assert_str_eq(s->message, want);
	findings_clear(&f);
	s = sandbox_line(SANDBOX_STRICT, &f);
	ck_assert_int_eq(s->level, FINDING_PASS);
	ck_assert_str_eq(s->message, strcat(want, " (sandbox = strict)"));
	findings_clear(&f);
}
END_TEST

/* Without Landlock (a filter answers its syscalls with ENOSYS, or
 * EOPNOTSUPP: not built in, or not enabled at boot): WARN, FAIL under
 * strict, each with the fix for that kernel. */
START_TEST(test_sandbox_no_landlock)
{
	static const int errs[] = { ENOSYS, EOPNOTSUPP };
	struct findings f = { 0 };
	const struct finding *s;
	char want[512];

	ck_assert_int_eq(fake_no_landlock(errs[_i]), 0);
	ck_assert_int_eq(landlock_abi_version(), -errs[_i]);
	s = sandbox_line(SANDBOX_ON, &f);
	ck_assert_int_eq(s->level, FINDING_WARN);
	ck_assert_str_eq(s->message, "the kernel offers no Landlock: QEMU would not be confined "
				     "to the profile's files (seccomp and the rest of the box apply)");
	ck_assert_str_eq(s->fix, landlock_missing_fix(-errs[_i]));
	ck_assert_ptr_nonnull(strstr(s->fix, errs[_i] == ENOSYS ? "CONFIG_SECURITY_LANDLOCK=y"
								 : "lsm= kernel parameter"));
	ck_assert_uint_eq(f.n_fail, 0);
	findings_clear(&f);
	s = sandbox_line(SANDBOX_STRICT, &f);
	ck_assert_int_eq(s->level, FINDING_FAIL);
	ck_assert_str_eq(s->message, "the kernel offers no Landlock and sandbox = strict: run "
				     "would not start QEMU");
	snprintf(want, sizeof(want), "%s; or set sandbox = on in /p/t.conf",
		 landlock_missing_fix(-errs[_i]));
	ck_assert_str_eq(s->fix, want);
	findings_clear(&f);
}
END_TEST

START_TEST(test_sandbox_off)
{
	struct findings f = { 0 };
	const struct finding *s = sandbox_line(SANDBOX_OFF, &f);

	ck_assert_int_eq(s->level, FINDING_WARN);
	ck_assert_str_eq(s->message, "sandbox = off: QEMU would run without the box (no seccomp, "
				     "no Landlock, no -sandbox); for debugging only");
	ck_assert_str_eq(s->fix, "remove sandbox = off from /p/t.conf");
	findings_clear(&f);
}
END_TEST

/* What a check keeps is a descriptor of the object itself, once per path
 * with the wider access, listed under the running resource. */
START_TEST(test_keep)
{
	struct check_ctx ctx;
	struct stat st, kst;
	const struct grant *g;

	touch(at(1, "disk.img"), 0644);
	touch(at(2, "other.img"), 0644);
	ck_assert_int_eq(stat(at(1, "disk.img"), &st), 0);
	check_ctx_init(&ctx);
	ctx.current = 3;
	ck_assert_int_eq(check_ctx_keep_path(&ctx, at(1, "disk.img"), &st, GRANT_RO, false, false), 0);
	ck_assert_int_eq(check_ctx_keep_path(&ctx, at(1, "disk.img"), NULL, GRANT_RW, false, false), 0);
	ck_assert_uint_eq(ctx.kept[3].n, 1);
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 1);
	g = check_ctx_kept(&ctx, at(1, "disk.img"));
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(g->access, GRANT_RW);
	ck_assert_int_ge(g->fd, 0);
	ck_assert_int_eq(fstat(g->fd, &kst), 0);
	ck_assert(kst.st_ino == st.st_ino && kst.st_dev == st.st_dev);
	/* another object than the one examined: refused */
	ck_assert_int_eq(check_ctx_keep_path(&ctx, at(2, "other.img"), &st, GRANT_RW, false, false),
			 -ESTALE);
	/* a symlink is not followed unless asked */
	ck_assert_int_eq(symlink(at(1, "disk.img"), at(3, "link.img")), 0);
	ck_assert_int_eq(check_ctx_keep_path(&ctx, at(3, "link.img"), NULL, GRANT_RO, false, false),
			 -ELOOP);
	ck_assert_ptr_null(check_ctx_kept(&ctx, at(3, "link.img")));
	ck_assert_int_eq(check_ctx_keep_path(&ctx, at(3, "link.img"), &st, GRANT_RO, false, true), 0);
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 2);
	check_ctx_clear(&ctx);
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 0);
}
END_TEST

/* check_file refuses a link (outside /usr/share) and keeps the file. */
START_TEST(test_file_link)
{
	struct check_ctx ctx;
	struct findings f = { 0 };

	touch(at(1, "vmlinuz"), 0644);
	ck_assert_int_eq(symlink(at(1, "vmlinuz"), at(2, "vmlinuz.link")), 0);
	check_ctx_init(&ctx);
	check_file(&ctx, &f, "kernel", at(2, "vmlinuz.link"), "fix it", true);
	ck_assert_int_eq(f.items[0].level, FINDING_FAIL);
	ck_assert_ptr_nonnull(strstr(f.items[0].message, "a symbolic link"));
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 0);
	check_file(&ctx, &f, "kernel", at(1, "vmlinuz"), "fix it", true);
	ck_assert_int_eq(f.items[1].level, FINDING_PASS);
	ck_assert_ptr_nonnull(check_ctx_kept(&ctx, at(1, "vmlinuz")));
	ck_assert_int_eq(check_ctx_kept(&ctx, at(1, "vmlinuz"))->access, GRANT_RO);
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

/* check_file on a file the user cannot read: FAIL with the reason,
 * nothing kept; the file it may read next to it passes. As root the test
 * becomes uid 65534 first (Check runs each test in a child of its own),
 * for whom only the second is readable. */
START_TEST(test_file_unreadable)
{
	struct check_ctx ctx;
	struct findings f = { 0 };

	touch(at(1, "secret"), 0600);
	touch(at(2, "open"), 0644);
	ck_assert_int_eq(chmod(tmp, 0755), 0);
	if (geteuid() == 0) {
		/* saved uid 0: root again at the end, for the teardown */
		ck_assert_int_eq(setgroups(0, NULL), 0);
		ck_assert_int_eq(setresgid(65534, 65534, 0), 0);
		ck_assert_int_eq(setresuid(65534, 65534, 0), 0);
	} else {
		ck_assert_int_eq(chmod(at(1, "secret"), 0), 0);
	}
	check_ctx_init(&ctx);
	check_file(&ctx, &f, "kernel", at(1, "secret"), "fix it", true);
	ck_assert_int_eq(f.items[0].level, FINDING_FAIL);
	ck_assert_ptr_nonnull(strstr(f.items[0].message, strerror(EACCES)));
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 0);
	check_file(&ctx, &f, "kernel", at(2, "open"), "fix it", true);
	ck_assert_int_eq(f.items[1].level, FINDING_PASS);
	ck_assert_ptr_nonnull(check_ctx_kept(&ctx, at(2, "open")));
	findings_clear(&f);
	check_ctx_clear(&ctx);
	if (getuid() == 65534)
		ck_assert_int_eq(setresuid(0, 0, 0), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_qemu_in_path);
	tcase_add_test(tc, test_qemu_missing);
	tcase_add_test(tc, test_accel_tcg);
	tcase_add_test(tc, test_accel_no_kvm_node);
	tcase_add_test(tc, test_accel_not_kvm);
	tcase_add_test(tc, test_accel_real_kvm);
	tcase_add_test(tc, test_kvm_vm_zeroed_ctx);
	tcase_add_test(tc, test_files);
	tcase_add_test(tc, test_host_and_env);
	tcase_add_test(tc, test_keep);
	tcase_add_test(tc, test_file_link);
	tcase_add_test(tc, test_file_unreadable);
	tcase_add_test(tc, test_sandbox_landlock);
	tcase_add_loop_test(tc, test_sandbox_no_landlock, 0, 2);
	tcase_add_test(tc, test_sandbox_off);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
