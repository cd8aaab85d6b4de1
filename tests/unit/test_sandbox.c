// SPDX-License-Identifier: GPL-2.0-or-later
/* The box's data: policy building (grants opened in a fake tree), the environment allowlist,
 * /proc/self/status parsing, Landlock access masks. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cleanup.h"
#include "display_session.h"
#include "fake_tree.h"
#include "landlock.h"
#include "paths.h"
#include "profile.h"
#include "resource.h"
#include "sandbox.h"
#include "userns.h"

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

/* The policy's grants open what they name (O_PATH): the tests' paths
 * live in a fake tree, with /dev under its dev/ (shown at /dev in the
 * box, as ctx->devfs maps it). */
static struct fake_tree tree;
static char home[256], run[256], xauth[300], cookie_dir[300], disk_path[300],
	kernel_path[300], lg_path[300], rundir[300], qemu[300];
static char env_home[300], env_run[300], env_xauth[320], env_pulse[320];
static char *envp[13];

static void tree_setup(void)
{
	fake_init(&tree);
	snprintf(home, sizeof(home), "%s/home/u", tree.root);
	snprintf(run, sizeof(run), "%s/run/user/1000", tree.root);
	snprintf(xauth, sizeof(xauth), "%s/xauth", run);
	snprintf(cookie_dir, sizeof(cookie_dir), "%s/.config/pulse", home);
	snprintf(disk_path, sizeof(disk_path), "%s/vm/disk.img", home);
	snprintf(kernel_path, sizeof(kernel_path), "%s/vm/vmlinuz", home);
	snprintf(lg_path, sizeof(lg_path), "%s/shm/looking-glass", tree.dev);
	snprintf(rundir, sizeof(rundir), "%s/vfio-launch/demo", run);
	snprintf(qemu, sizeof(qemu), "%s/usr/bin/qemu-system-x86_64", tree.root);
	fake_write(tree.root, "home/u/vm/disk.img", 0644, "disk");
	fake_write(tree.root, "home/u/vm/vmlinuz", 0644, "kernel");
	fake_write(tree.root, "home/u/.config/pulse/cookie", 0600, "cookie");
	fake_write(tree.root, "home/u/.ssh/id_ed25519", 0600, "key");
	fake_write(tree.root, "run/user/1000/xauth", 0600, "xauth");
	fake_write(tree.root, "run/user/1000/pulse/native", 0600, "socket");
	fake_write(tree.root, "usr/bin/qemu-system-x86_64", 0755, "qemu");
	fake_write(tree.dev, "vfio/12", 0600, "group");
	fake_write(tree.dev, "vfio/vfio", 0600, "container");
	fake_write(tree.dev, "kvm", 0600, "kvm");
	fake_write(tree.dev, "shm/looking-glass", 0600, "lg");
	fake_mkdir_p(rundir);
	{
		char usb[300];
		snprintf(usb, sizeof(usb), "%s/bus/usb/003", tree.dev);
		fake_mkdir_p(usb);
	}
	snprintf(env_home, sizeof(env_home), "HOME=%s", home);
	snprintf(env_run, sizeof(env_run), "XDG_RUNTIME_DIR=%s", run);
	snprintf(env_xauth, sizeof(env_xauth), "XAUTHORITY=%s", xauth);
	snprintf(env_pulse, sizeof(env_pulse), "PULSE_SERVER=unix:%s/pulse/native", run);
	char *e[] = { env_home, env_run, "LANG=C.UTF-8", "LC_TIME=de_DE.UTF-8",
		      "DISPLAY=:0", env_xauth, "SSH_AUTH_SOCK=/run/user/1000/ssh",
		      "LD_PRELOAD=/tmp/evil.so", env_pulse, "PATH=/usr/bin", "NOEQUALS",
		      NULL };
	memcpy(envp, e, sizeof(e));
}

static void tree_teardown(void)
{
	fake_cleanup(&tree);
}

static const struct grant *find_rule(const struct sandbox_policy *pol, const char *path)
{
	return grants_find(&pol->grants, path);
}

static bool env_has(const struct sandbox_policy *pol, const char *kv)
{
	for (size_t i = 0; i < pol->env.n; i++)
		if (strcmp(pol->env.v[i], kv) == 0)
			return true;
	return false;
}

static char vfio_path[300], usb_path[300];

/* What resource res's check would keep: the object at path, O_PATH. */
static void keep(struct check_ctx *ctx, const char *res, const char *path,
		 enum grant_access a, bool dev)
{
	size_t i;

	for (i = 0; i < resources_n; i++)
		if (strcmp(resources[i]->name, res) == 0)
			break;
	ck_assert_uint_lt(i, resources_n);
	ctx->current = i;
	ck_assert_int_eq(check_ctx_keep_path(ctx, path, NULL, a, dev, false), 0);
	ctx->current = 0;
}

/* A profile like the demo's: a disk image, ivshmem, a runtime dir. */
static void demo_like(struct profile *p, struct disk_item *disk, struct check_ctx *ctx,
		      struct vm_paths *paths)
{
	*disk = (struct disk_item){ .name = "system", .path = disk_path };
	*p = (struct profile){ .name = "demo", .sandbox = SANDBOX_ON, .disks = disk,
			       .n_disks = 1, .lg_enabled = true, .lg_path = lg_path,
			       .kernel = kernel_path, .net_mode = NET_NONE };
	*ctx = (struct check_ctx){ .sysfs = tree.sys, .devfs = tree.dev, .procfs = "/proc",
				   .accel = ACCEL_TCG, .qemu_path = qemu,
				   .memlock_bytes = 0 };
	snprintf(vfio_path, sizeof(vfio_path), "%s/vfio/12", tree.dev);
	snprintf(usb_path, sizeof(usb_path), "%s/bus/usb/003", tree.dev);
	/* as the checks keep them (the box reads only these) */
	keep(ctx, "qemu", qemu, GRANT_RX, false);
	keep(ctx, "pci", vfio_path, GRANT_RW, true);
	keep(ctx, "usb", usb_path, GRANT_RW, true);
	keep(ctx, "disk", disk_path, GRANT_RW, false);
	keep(ctx, "firmware", kernel_path, GRANT_RO, false);
	keep(ctx, "looking-glass", lg_path, GRANT_RW, false);
	*paths = (struct vm_paths){ .runtime_dir = rundir };
}

START_TEST(test_policy_demo)
{
	struct profile p;
	struct disk_item disk;
	struct check_ctx ctx;
	struct vm_paths paths;
	struct sandbox_policy pol;
	const struct grant *r;
	char buf[512];

	demo_like(&p, &disk, &ctx, &paths);
	ck_assert_int_eq(resources_policy_build(&p, &ctx, &paths, envp, &pol), 0);

	/* Environment: no display, no audio -> HOME, XDG_RUNTIME_DIR, LANG,
	 * LC_TIME only. */
	ck_assert_uint_eq(pol.env.n, 4);
	ck_assert(env_has(&pol, env_home));
	ck_assert(env_has(&pol, "LC_TIME=de_DE.UTF-8"));
	ck_assert(!env_has(&pol, "DISPLAY=:0"));
	ck_assert(!env_has(&pol, "LD_PRELOAD=/tmp/evil.so"));

	/* System paths (the box opens them: fd -1), QEMU, the profile's
	 * files (opened now: fd >= 0). */
	r = find_rule(&pol, "/usr");
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->access, GRANT_RX);
	ck_assert(!r->optional);
	ck_assert_int_eq(r->fd, -1);
	ck_assert_ptr_nonnull(find_rule(&pol, "/proc/self"));
	ck_assert_ptr_null(find_rule(&pol, "/proc"));
	ck_assert_ptr_null(find_rule(&pol, "/etc"));
	ck_assert_ptr_null(find_rule(&pol, "/sys"));
	r = find_rule(&pol, qemu);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->access, GRANT_RX);
	ck_assert_int_ge(r->fd, 0);
	r = find_rule(&pol, disk_path);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->access, GRANT_RW);
	ck_assert_int_ge(r->fd, 0);
	/* Under the check's devfs: shown at /dev in the box. */
	r = find_rule(&pol, "/dev/vfio/12");
	ck_assert_ptr_nonnull(r);
	ck_assert(r->dev);
	ck_assert_ptr_null(find_rule(&pol, vfio_path));
	r = find_rule(&pol, "/dev/bus/usb/003");
	ck_assert_ptr_nonnull(r);
	ck_assert(r->dev);
	r = find_rule(&pol, "/dev/null");
	ck_assert_ptr_nonnull(r);
	ck_assert(!r->dev);
	r = find_rule(&pol, kernel_path);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->access, GRANT_RO);
	r = find_rule(&pol, "/dev/shm/looking-glass");
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->access, GRANT_RW);
	/* Not the runtime dir: its lock and sockets are the supervisor's. */
	ck_assert_ptr_null(find_rule(&pol, rundir));
	/* Nothing else of the user's. */
	ck_assert_ptr_null(find_rule(&pol, home));
	ck_assert_ptr_null(find_rule(&pol, cookie_dir));
	snprintf(buf, sizeof(buf), "%s/pulse/native", run);
	ck_assert_ptr_null(find_rule(&pol, buf));
	ck_assert_ptr_null(find_rule(&pol, "/dev"));
	ck_assert_ptr_null(find_rule(&pol, "/tmp"));
	ck_assert_ptr_null(find_rule(&pol, "/dev/kvm"));
	for (size_t i = 0; i < pol.grants.n; i++)
		ck_assert_msg(pol.grants.v[i].access != GRANT_RW ||
				      !startswith(pol.grants.v[i].path, "/usr"),
			      "%s writable", pol.grants.v[i].path);
	/* 31 system grants, 5 procfs, QEMU, 3 rw + 1 ro from the checks,
	 * ivshmem. */
	ck_assert_uint_eq(pol.grants.n, 31 + 5 + 1 + 4 + 1);

	ck_assert(pol.namespaces);
	ck_assert(pol.netns);
	ck_assert(pol.landlock_scope);
	ck_assert(pol.landlock_handle_net);
	ck_assert_uint_eq(pol.memlock_bytes, 0);
	sandbox_policy_clear(&pol);
	check_ctx_clear_kept(&ctx);
}
END_TEST

START_TEST(test_policy_display_audio_kvm_net)
{
	struct profile p;
	struct disk_item disk;
	struct check_ctx ctx;
	struct vm_paths paths;
	struct sandbox_policy pol;
	char sock[320], kvm[320];

	demo_like(&p, &disk, &ctx, &paths);
	p.display = DISPLAY_GTK;
	p.audio_backend = AUDIO_PULSE;
	p.net_mode = NET_USER;
	p.sandbox = SANDBOX_STRICT;
	ctx.accel = ACCEL_KVM;
	ctx.memlock_bytes = 17ULL << 30;
	snprintf(sock, sizeof(sock), "%s/pulse/native", run);
	ctx.audio_server = sock;
	snprintf(kvm, sizeof(kvm), "%s/kvm", tree.dev);
	keep(&ctx, "machine", kvm, GRANT_RW, true);
	keep(&ctx, "audio", sock, GRANT_RW, false);
	ck_assert_int_eq(resources_policy_build(&p, &ctx, &paths, envp, &pol), 0);
	ck_assert_int_eq(pol.mode, SANDBOX_STRICT);
	ck_assert(env_has(&pol, "DISPLAY=:0"));
	ck_assert(env_has(&pol, env_xauth));
	ck_assert(env_has(&pol, env_pulse));
	ck_assert(!env_has(&pol, "SSH_AUTH_SOCK=/run/user/1000/ssh"));
	/* No accessibility bridge, no session bus for GTK/SDL. */
	ck_assert(env_has(&pol, "NO_AT_BRIDGE=1"));
	ck_assert(env_has(&pol, "GTK_A11Y=none"));
	ck_assert(env_has(&pol, "DBUS_SESSION_BUS_ADDRESS=disabled:"));
	/* The toolkits pinned to X11, the one server the box shows. */
	ck_assert(env_has(&pol, "GDK_BACKEND=x11"));
	ck_assert(env_has(&pol, "SDL_VIDEODRIVER=x11"));
	ck_assert_uint_eq(pol.env.n, 12);
	/* X11: at most the one socket of DISPLAY=:0, never the directory
	 * with every X server's socket. */
	ck_assert_ptr_null(find_rule(&pol, "/tmp/.X11-unix"));
	ck_assert(!pol.landlock_scope);     /* X11 needs abstract sockets */
	ck_assert(pol.landlock_handle_net); /* mode = user: vfio-slirp connects, not QEMU */
	ck_assert(pol.namespaces);
	ck_assert(pol.netns);                /* an empty one: vfio-slirp holds the host network */
	ck_assert_uint_eq(pol.memlock_bytes, 17ULL << 30);
	ck_assert_ptr_nonnull(find_rule(&pol, "/dev/kvm"));
	ck_assert(find_rule(&pol, "/dev/kvm")->dev);
	ck_assert_ptr_nonnull(find_rule(&pol, xauth));
	ck_assert_ptr_nonnull(find_rule(&pol, sock));
	/* The cookie is a credential; the proxy needs none from QEMU. */
	ck_assert_ptr_null(find_rule(&pol, cookie_dir));
	sandbox_policy_clear(&pol);
	ctx.audio_server = NULL;
	check_ctx_clear_kept(&ctx);
}
END_TEST

/* PULSE_COOKIE from the user's environment is not the profile's: a
 * relative one (libpulse resolves it against its config dir) must not
 * make the policy fail; no cookie is granted at all (QEMU talks to the
 * supervisor's proxy, which the server accepts by uid). */
START_TEST(test_policy_relative_pulse_cookie)
{
	char *env_rel[] = { env_home, "PULSE_COOKIE=pulse-cookie", NULL };
	struct profile p;
	struct disk_item disk;
	struct check_ctx ctx;
	struct vm_paths paths;
	struct sandbox_policy pol = { 0 };

	demo_like(&p, &disk, &ctx, &paths);
	p.audio_backend = AUDIO_PULSE;
	ck_assert_int_eq(resources_policy_build(&p, &ctx, &paths, env_rel, &pol), 0);
	ck_assert(env_has(&pol, "PULSE_COOKIE=pulse-cookie"));
	ck_assert_ptr_null(find_rule(&pol, "pulse-cookie"));
	ck_assert_ptr_null(find_rule(&pol, cookie_dir));
	sandbox_policy_clear(&pol);
	check_ctx_clear_kept(&ctx);
}
END_TEST

/* The box grants what the checks kept, never a profile path resolved
 * again: a disk the check refused (a symlink: it could point anywhere)
 * or never saw is not in the policy whatever the profile says, a
 * relative path cannot be kept, and the reduced mode runs without
 * namespaces. */
START_TEST(test_policy_only_kept)
{
	struct profile p;
	struct disk_item disk;
	struct check_ctx ctx;
	struct vm_paths paths;
	struct sandbox_policy pol = { 0 };
	char link[320];

	demo_like(&p, &disk, &ctx, &paths);
	snprintf(link, sizeof(link), "%s/vm/link.img", home);
	ck_assert_int_eq(symlink("../.ssh/id_ed25519", link), 0);
	ck_assert_int_eq(check_ctx_keep_path(&ctx, link, NULL, GRANT_RW, false, false), -ELOOP);
	ck_assert_int_eq(check_ctx_keep_path(&ctx, "vm/disk.img", NULL, GRANT_RW, false, false),
			 -ENOENT);
	disk.path = link;
	p.sandbox = SANDBOX_REDUCED;
	ck_assert_int_eq(resources_policy_build(&p, &ctx, &paths, envp, &pol), 0);
	ck_assert_ptr_null(find_rule(&pol, link));
	for (size_t i = 0; i < pol.grants.n; i++)
		ck_assert_msg(!strstr(pol.grants.v[i].path, ".ssh"), "%s granted",
			      pol.grants.v[i].path);
	ck_assert_ptr_nonnull(find_rule(&pol, disk_path)); /* what the check kept */
	ck_assert(!pol.namespaces);
	sandbox_policy_clear(&pol);
	check_ctx_clear_kept(&ctx);
}
END_TEST

/* With both WAYLAND_DISPLAY and DISPLAY set, a window goes to Wayland:
 * the box gets no DISPLAY or XAUTHORITY (no way to the X server and its
 * keystroke hole), the toolkits are pinned to Wayland, Landlock scopes
 * abstract sockets and signals again, and display = spice takes nothing
 * of the session at all. */
START_TEST(test_policy_wayland_preferred)
{
	char env_wl[] = "WAYLAND_DISPLAY=wayland-1";
	char *env_both[] = { env_home, env_run, "DISPLAY=:0", env_xauth, env_wl,
			     "GDK_BACKEND=x11", NULL };
	struct profile p;
	struct disk_item disk;
	struct check_ctx ctx;
	struct vm_paths paths;
	struct sandbox_policy pol = { 0 };

	demo_like(&p, &disk, &ctx, &paths);
	p.display = DISPLAY_SDL;
	ck_assert_int_eq(resources_policy_build(&p, &ctx, &paths, env_both, &pol), 0);
	ck_assert(env_has(&pol, env_wl));
	ck_assert(env_has(&pol, env_run));
	ck_assert(env_has(&pol, "GDK_BACKEND=wayland"));
	ck_assert(env_has(&pol, "SDL_VIDEODRIVER=wayland"));
	ck_assert(!env_has(&pol, "GDK_BACKEND=x11"));
	ck_assert(!env_has(&pol, "DISPLAY=:0"));
	ck_assert(!env_has(&pol, env_xauth));
	ck_assert_ptr_null(find_rule(&pol, xauth));
	ck_assert(pol.landlock_scope);
	sandbox_policy_clear(&pol);

	p.display = DISPLAY_SPICE;
	ck_assert_int_eq(resources_policy_build(&p, &ctx, &paths, env_both, &pol), 0);
	ck_assert(!env_has(&pol, env_wl));
	ck_assert(!env_has(&pol, "DISPLAY=:0"));
	ck_assert(!env_has(&pol, "NO_AT_BRIDGE=1"));
	ck_assert(pol.landlock_scope);
	sandbox_policy_clear(&pol);
	check_ctx_clear_kept(&ctx);
}
END_TEST

/* Which display server a window goes to, from the environment. */
START_TEST(test_display_target_pick)
{
	static const struct {
		const char *wl, *run, *x;
		enum display_session kind;
		const char *socket;
	} cases[] = {
		{ "wayland-0", "/run/user/1000", ":0", DISPLAY_SESSION_WAYLAND,
		  "/run/user/1000/wayland-0" },
		{ "/tmp/wl.sock", NULL, NULL, DISPLAY_SESSION_WAYLAND, "/tmp/wl.sock" },
		{ "wayland-0", NULL, ":1", DISPLAY_SESSION_X11, "/tmp/.X11-unix/X1" },
		{ "", "/run/user/1000", ":2.0", DISPLAY_SESSION_X11, "/tmp/.X11-unix/X2" },
		{ NULL, NULL, "unix:10", DISPLAY_SESSION_X11, "/tmp/.X11-unix/X10" },
		{ NULL, NULL, "localhost:10.0", DISPLAY_SESSION_NONE, NULL },
		{ NULL, NULL, ":", DISPLAY_SESSION_NONE, NULL },
		{ NULL, NULL, ":0x", DISPLAY_SESSION_NONE, NULL },
		{ NULL, "/run/user/1000", NULL, DISPLAY_SESSION_NONE, NULL },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct display_target t;

		ck_assert_int_eq(display_target_pick(cases[i].wl, cases[i].run, cases[i].x, &t), 0);
		ck_assert_int_eq(t.kind, cases[i].kind);
		ck_assert_pstr_eq(t.socket, cases[i].socket);
		display_target_clear(&t);
	}
}
END_TEST

/* Why a host refuses user namespaces, from its sysctls (a fake procfs). */
START_TEST(test_userns_refusal)
{
	const char *why, *fix;

	userns_refusal(tree.proc, -EPERM, &why, &fix);
	ck_assert_str_eq(why, "unprivileged user namespaces are refused");
	ck_assert_ptr_nonnull(strstr(fix, "allow unprivileged user namespaces"));
	fake_write(tree.proc, "sys/kernel/apparmor_restrict_unprivileged_userns", 0644, "1\n");
	userns_refusal(tree.proc, -EPERM, &why, &fix);
	ck_assert_ptr_nonnull(strstr(why, "AppArmor"));
	ck_assert_ptr_nonnull(strstr(fix, "apparmor_parser -r /etc/apparmor.d/vfio-launch"));
	fake_write(tree.proc, "sys/kernel/unprivileged_userns_clone", 0644, "0\n");
	userns_refusal(tree.proc, -EPERM, &why, &fix);
	ck_assert_ptr_nonnull(strstr(why, "kernel.unprivileged_userns_clone = 0"));
	ck_assert_ptr_nonnull(strstr(fix, "kernel.unprivileged_userns_clone=1"));
	fake_write(tree.proc, "sys/user/max_user_namespaces", 0644, "0\n");
	userns_refusal(tree.proc, -ENOSPC, &why, &fix);
	ck_assert_ptr_nonnull(strstr(why, "user.max_user_namespaces = 0"));
	ck_assert_ptr_nonnull(strstr(fix, "user.max_user_namespaces=15000"));
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
	const struct grant ro = { "/etc", -1, GRANT_RO, false, false };
	const struct grant rx = { "/usr", -1, GRANT_RX, false, false };
	const struct grant rwdir = { "/run/x", -1, GRANT_RW, false, false };
	const struct grant dev = { "/dev/vfio/1", -1, GRANT_RW, true, false };

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

	tcase_add_checked_fixture(tc, tree_setup, tree_teardown);
	tcase_add_test(tc, test_env_allowlist);
	tcase_add_test(tc, test_policy_demo);
	tcase_add_test(tc, test_policy_display_audio_kvm_net);
	tcase_add_test(tc, test_policy_relative_pulse_cookie);
	tcase_add_test(tc, test_policy_only_kept);
	tcase_add_test(tc, test_policy_wayland_preferred);
	tcase_add_test(tc, test_display_target_pick);
	tcase_add_test(tc, test_status_caps);
	tcase_add_test(tc, test_userns_refusal);
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
