// SPDX-License-Identifier: GPL-2.0-or-later
/* The pure parts of the box: policy building, the environment allowlist,
 * /proc/self/status parsing, Landlock access masks. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cleanup.h"
#include "landlock.h"
#include "paths.h"
#include "profile.h"
#include "sandbox.h"

/* Landlock rights, as include/uapi/linux/landlock.h numbers them. */
#define EXEC (1ULL << 0)
#define WRITE (1ULL << 1)
#define READ (1ULL << 2)
#define READDIR (1ULL << 3)
#define RMFILE (1ULL << 5)
#define MKREG (1ULL << 8)
#define MKSOCK (1ULL << 9)
#define TRUNC (1ULL << 14)
#define IOCTL (1ULL << 15)

static const struct {
	const char *name;
	bool display, audio, allowed;
} env_cases[] = {
	{ "HOME", false, false, true },
	{ "XDG_RUNTIME_DIR", false, false, true },
	{ "LANG", false, false, true },
	{ "LC_ALL", false, false, true },
	{ "LC_", false, false, false },
	{ "TZ", false, false, true },
	{ "PATH", false, false, false },
	{ "LD_PRELOAD", true, true, false },
	{ "LD_LIBRARY_PATH", true, true, false },
	{ "SSH_AUTH_SOCK", true, true, false },
	{ "DBUS_SESSION_BUS_ADDRESS", true, true, false },
	{ "DISPLAY", false, false, false },
	{ "DISPLAY", true, false, true },
	{ "WAYLAND_DISPLAY", true, false, true },
	{ "XAUTHORITY", false, true, false },
	{ "XAUTHORITY", true, false, true },
	{ "PULSE_SERVER", false, false, false },
	{ "PULSE_SERVER", false, true, true },
	{ "PULSE_COOKIE", false, true, true },
	{ "PULSE_RUNTIME_PATH", false, true, false },
	{ "XDG_CONFIG_HOME", false, false, false },
	{ "XDG_CONFIG_HOME", false, true, true },
};

START_TEST(test_env_allowlist)
{
	ck_assert_uint_eq(ELEMENTSOF(env_cases), 22);
	for (size_t i = 0; i < ELEMENTSOF(env_cases); i++)
		ck_assert_msg(sandbox_env_allowed(env_cases[i].name, env_cases[i].display,
						  env_cases[i].audio) == env_cases[i].allowed,
			      "%s display=%d audio=%d", env_cases[i].name,
			      env_cases[i].display, env_cases[i].audio);
}
END_TEST

static char *envp[] = {
	"HOME=/home/u",
	"XDG_RUNTIME_DIR=/run/user/1000",
	"LANG=C.UTF-8",
	"LC_TIME=de_DE.UTF-8",
	"DISPLAY=:0",
	"XAUTHORITY=/run/user/1000/xauth",
	"SSH_AUTH_SOCK=/run/user/1000/ssh",
	"LD_PRELOAD=/tmp/evil.so",
	"PULSE_SERVER=unix:/run/user/1000/pulse/native",
	"PATH=/usr/bin",
	"NOEQUALS",
	NULL,
};

static const struct landlock_rule *find_rule(const struct sandbox_policy *pol,
					     const char *path)
{
	for (size_t i = 0; i < pol->n_rules; i++)
		if (strcmp(pol->rules[i].path, path) == 0)
			return &pol->rules[i];
	return NULL;
}

static bool env_has(const struct sandbox_policy *pol, const char *kv)
{
	for (size_t i = 0; i < pol->env.n; i++)
		if (strcmp(pol->env.v[i], kv) == 0)
			return true;
	return false;
}

/* A profile like the demo's: a disk image, ivshmem, a runtime dir. */
static void demo_like(struct profile *p, struct disk_item *disk, struct check_ctx *ctx,
		      struct vm_paths *paths)
{
	*disk = (struct disk_item){ .name = "system", .path = "/home/u/vm/disk.img" };
	*p = (struct profile){ .name = "demo", .sandbox = SANDBOX_ON, .disks = disk,
			       .n_disks = 1, .lg_enabled = true,
			       .lg_path = "/dev/shm/looking-glass",
			       .kernel = "/home/u/vm/vmlinuz", .net_mode = NET_NONE };
	*ctx = (struct check_ctx){ .sysfs = "/sys", .devfs = "/dev", .procfs = "/proc",
				   .accel = ACCEL_TCG, .qemu_path = "/usr/bin/qemu-system-x86_64",
				   .memlock_bytes = 0 };
	ck_assert_int_eq(strv_push(&ctx->rw_paths, "/dev/vfio/12"), 0);
	ck_assert_int_eq(strv_push(&ctx->rw_paths, "/dev/bus/usb/003"), 0);
	ck_assert_int_eq(strv_push(&ctx->rw_paths, "/home/u/vm/disk.img"), 0);
	ck_assert_int_eq(strv_push(&ctx->ro_paths, "/home/u/vm/vmlinuz"), 0);
	*paths = (struct vm_paths){ .runtime_dir = "/run/user/1000/vfio-launch/demo" };
}

START_TEST(test_policy_demo)
{
	struct profile p;
	struct disk_item disk;
	struct check_ctx ctx;
	struct vm_paths paths;
	struct sandbox_policy pol;
	const struct landlock_rule *r;

	demo_like(&p, &disk, &ctx, &paths);
	ck_assert_int_eq(sandbox_policy_build(&p, &ctx, &paths, envp, &pol), 0);

	/* Environment: no display, no audio -> HOME, XDG_RUNTIME_DIR, LANG,
	 * LC_TIME only. */
	ck_assert_uint_eq(pol.env.n, 4);
	ck_assert(env_has(&pol, "HOME=/home/u"));
	ck_assert(env_has(&pol, "LC_TIME=de_DE.UTF-8"));
	ck_assert(!env_has(&pol, "DISPLAY=:0"));
	ck_assert(!env_has(&pol, "LD_PRELOAD=/tmp/evil.so"));

	/* System paths, QEMU, the profile's files. */
	r = find_rule(&pol, "/usr");
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->class, LANDLOCK_RX);
	ck_assert(!r->optional);
	ck_assert_ptr_nonnull(find_rule(&pol, "/proc/self"));
	ck_assert_ptr_null(find_rule(&pol, "/proc"));
	r = find_rule(&pol, "/usr/bin/qemu-system-x86_64");
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->class, LANDLOCK_RX);
	r = find_rule(&pol, "/home/u/vm/disk.img");
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->class, LANDLOCK_RW);
	r = find_rule(&pol, "/dev/vfio/12");
	ck_assert_ptr_nonnull(r);
	ck_assert(r->ioctl_dev);
	r = find_rule(&pol, "/dev/bus/usb/003");
	ck_assert_ptr_nonnull(r);
	ck_assert(r->ioctl_dev);
	r = find_rule(&pol, "/dev/null");
	ck_assert_ptr_nonnull(r);
	ck_assert(!r->ioctl_dev);
	r = find_rule(&pol, "/home/u/vm/vmlinuz");
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->class, LANDLOCK_RO);
	r = find_rule(&pol, "/dev/shm/looking-glass");
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->class, LANDLOCK_RW);
	/* Not the runtime dir: its lock and sockets are the supervisor's. */
	ck_assert_ptr_null(find_rule(&pol, "/run/user/1000/vfio-launch/demo"));
	/* Nothing else of the user's. */
	ck_assert_ptr_null(find_rule(&pol, "/home/u"));
	ck_assert_ptr_null(find_rule(&pol, "/home/u/.config/pulse"));
	ck_assert_ptr_null(find_rule(&pol, "/dev"));
	ck_assert_ptr_null(find_rule(&pol, "/tmp"));
	ck_assert_ptr_null(find_rule(&pol, "/dev/kvm"));
	for (size_t i = 0; i < pol.n_rules; i++)
		ck_assert_msg(pol.rules[i].class != LANDLOCK_RW ||
				      !startswith(pol.rules[i].path, "/usr"),
			      "%s writable", pol.rules[i].path);
	/* 13 system rules, sysfs, 5 procfs, QEMU, 3 rw + 1 ro from the ctx,
	 * disk, ivshmem, kernel. */
	ck_assert_uint_eq(pol.n_rules, 13 + 1 + 5 + 1 + 4 + 3);

	ck_assert(pol.landlock_scope);
	ck_assert(pol.landlock_handle_net);
	ck_assert_uint_eq(pol.memlock_bytes, 0);
	sandbox_policy_clear(&pol);
	strv_clear(&ctx.rw_paths);
	strv_clear(&ctx.ro_paths);
}
END_TEST

START_TEST(test_policy_display_audio_kvm_net)
{
	struct profile p;
	struct disk_item disk;
	struct check_ctx ctx;
	struct vm_paths paths;
	struct sandbox_policy pol;

	demo_like(&p, &disk, &ctx, &paths);
	p.display = DISPLAY_GTK;
	p.audio_backend = AUDIO_PULSE;
	p.net_mode = NET_USER;
	p.sandbox = SANDBOX_STRICT;
	ctx.accel = ACCEL_KVM;
	ctx.memlock_bytes = 17ULL << 30;
	disk.readonly = true;
	ck_assert_int_eq(sandbox_policy_build(&p, &ctx, &paths, envp, &pol), 0);
	ck_assert_int_eq(pol.mode, SANDBOX_STRICT);
	ck_assert(env_has(&pol, "DISPLAY=:0"));
	ck_assert(env_has(&pol, "XAUTHORITY=/run/user/1000/xauth"));
	ck_assert(env_has(&pol, "PULSE_SERVER=unix:/run/user/1000/pulse/native"));
	ck_assert(!env_has(&pol, "SSH_AUTH_SOCK=/run/user/1000/ssh"));
	ck_assert_uint_eq(pol.env.n, 7);
	ck_assert(!pol.landlock_scope);     /* X11 needs abstract sockets */
	ck_assert(!pol.landlock_handle_net); /* slirp connects anywhere */
	ck_assert_uint_eq(pol.memlock_bytes, 17ULL << 30);
	ck_assert_ptr_nonnull(find_rule(&pol, "/dev/kvm"));
	ck_assert(find_rule(&pol, "/dev/kvm")->ioctl_dev);
	ck_assert_ptr_nonnull(find_rule(&pol, "/run/user/1000/xauth"));
	ck_assert(find_rule(&pol, "/run/user/1000/xauth")->optional);
	ck_assert_ptr_nonnull(find_rule(&pol, "/home/u/.config/pulse"));
	ck_assert_int_eq(find_rule(&pol, "/home/u/.config/pulse")->class, LANDLOCK_RO);
	sandbox_policy_clear(&pol);
	strv_clear(&ctx.rw_paths);
	strv_clear(&ctx.ro_paths);
}
END_TEST

/* PULSE_COOKIE from the user's environment is not the profile's: a
 * relative one (libpulse resolves it against its config dir) must not
 * make the policy fail, and gets no rule of its own. */
START_TEST(test_policy_relative_pulse_cookie)
{
	static char *const env_rel[] = { "HOME=/home/u", "PULSE_COOKIE=pulse-cookie", NULL };
	struct profile p;
	struct disk_item disk;
	struct check_ctx ctx;
	struct vm_paths paths;
	struct sandbox_policy pol = { 0 };

	demo_like(&p, &disk, &ctx, &paths);
	p.audio_backend = AUDIO_PULSE;
	ck_assert_int_eq(sandbox_policy_build(&p, &ctx, &paths, env_rel, &pol), 0);
	ck_assert(env_has(&pol, "PULSE_COOKIE=pulse-cookie"));
	ck_assert_ptr_null(find_rule(&pol, "pulse-cookie"));
	ck_assert_ptr_nonnull(find_rule(&pol, "/home/u/.config/pulse"));
	sandbox_policy_clear(&pol);
	strv_clear(&ctx.rw_paths);
	strv_clear(&ctx.ro_paths);
}
END_TEST

START_TEST(test_policy_relative_path)
{
	struct profile p;
	struct disk_item disk;
	struct check_ctx ctx;
	struct vm_paths paths;
	struct sandbox_policy pol = { 0 };

	demo_like(&p, &disk, &ctx, &paths);
	disk.path = "vm/disk.img";
	ck_assert_int_eq(sandbox_policy_build(&p, &ctx, &paths, envp, &pol), -EINVAL);
	strv_clear(&ctx.rw_paths);
	strv_clear(&ctx.ro_paths);
}
END_TEST

START_TEST(test_status_caps)
{
	uint64_t c[4];
	const char *ok = "Name:\tqemu\nCapInh:\t0000000000000000\nCapPrm:\t0000000000000000\n"
			 "CapEff:\t0000000000000001\nCapBnd:\t000001ffffffffff\n"
			 "CapAmb:\t00000000000000ff\nNoNewPrivs:\t1\n";

	ck_assert_int_eq(sandbox_parse_status_caps(ok, c), 0);
	ck_assert_uint_eq(c[0], 0);
	ck_assert_uint_eq(c[1], 0);
	ck_assert_uint_eq(c[2], 1);
	ck_assert_uint_eq(c[3], 0xff);
	ck_assert_int_eq(sandbox_parse_status_caps("CapInh:\t0\nCapPrm:\t0\nCapEff:\t0\n", c),
			 -EINVAL);
	ck_assert_int_eq(sandbox_parse_status_caps("CapInh:\tzz\nCapPrm:\t0\nCapEff:\t0\n"
						   "CapAmb:\t0\n", c),
			 -EINVAL);
	ck_assert_int_eq(sandbox_parse_status_caps("CapInh:\t0 x\nCapPrm:\t0\nCapEff:\t0\n"
						   "CapAmb:\t0\n", c),
			 -EINVAL);
}
END_TEST

START_TEST(test_landlock_masks)
{
	const struct landlock_rule ro = { "/etc", LANDLOCK_RO, false, false };
	const struct landlock_rule rx = { "/usr", LANDLOCK_RX, false, false };
	const struct landlock_rule rwdir = { "/run/x", LANDLOCK_RW, false, false };
	const struct landlock_rule dev = { "/dev/vfio/1", LANDLOCK_RW, true, false };

	ck_assert_uint_eq(landlock_handled_fs(0), 0);
	ck_assert_uint_eq(landlock_handled_fs(1), 0x1fff);
	ck_assert_uint_eq(landlock_handled_fs(2), 0x3fff);
	ck_assert_uint_eq(landlock_handled_fs(3), 0x7fff);
	ck_assert_uint_eq(landlock_handled_fs(4), 0x7fff);
	ck_assert_uint_eq(landlock_handled_fs(5), 0xffff);
	ck_assert_uint_eq(landlock_handled_fs(7), 0xffff);

	ck_assert_uint_eq(landlock_rule_access(&ro, 7, false, false), READ);
	ck_assert_uint_eq(landlock_rule_access(&ro, 7, true, false), READ | READDIR);
	ck_assert_uint_eq(landlock_rule_access(&rx, 7, true, false), EXEC | READ | READDIR);
	ck_assert_uint_eq(landlock_rule_access(&rwdir, 7, true, false),
			  READ | READDIR | WRITE | TRUNC | MKREG | MKSOCK | RMFILE);
	ck_assert_uint_eq(landlock_rule_access(&rwdir, 1, true, false),
			  READ | READDIR | WRITE | MKREG | MKSOCK | RMFILE);
	/* A file rule never carries directory rights (the kernel refuses). */
	ck_assert_uint_eq(landlock_rule_access(&rwdir, 7, false, false), READ | WRITE | TRUNC);
	ck_assert_uint_eq(landlock_rule_access(&dev, 7, false, true), READ | WRITE | TRUNC | IOCTL);
	ck_assert_uint_eq(landlock_rule_access(&dev, 4, false, true), READ | WRITE | TRUNC);
	/* ioctl_dev on a regular file (ivshmem in /dev/shm): no IOCTL_DEV. */
	ck_assert_uint_eq(landlock_rule_access(&dev, 7, false, false), READ | WRITE | TRUNC);
	/* A device directory (USB bus): ioctls, no node creation. */
	ck_assert_uint_eq(landlock_rule_access(&dev, 7, true, false),
			  READ | READDIR | WRITE | TRUNC | IOCTL);
}
END_TEST

static Suite *sandbox_suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("pure");

	tcase_add_test(tc, test_env_allowlist);
	tcase_add_test(tc, test_policy_demo);
	tcase_add_test(tc, test_policy_display_audio_kvm_net);
	tcase_add_test(tc, test_policy_relative_path);
	tcase_add_test(tc, test_policy_relative_pulse_cookie);
	tcase_add_test(tc, test_status_caps);
	tcase_add_test(tc, test_landlock_masks);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sandbox_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed;
}
