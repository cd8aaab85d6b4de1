// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tpm resource (resources/tpm.c) and swtpm's box
 * (box/sandbox_helpers.c): QEMU's arguments with the supervisor's
 * descriptor, the helper's command line, and what its box grants.
 * tests/supervisor/test-tpm.sh runs them.
 */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "paths.h"
#include "profile_test.h"
#include "render.h"
#include "resource.h"
#include "sandbox_helpers.h"

static const struct resource *tpm_resource(void)
{
	for (size_t i = 0; i < resources_n; i++)
		if (strcmp(resources[i]->name, "tpm") == 0)
			return resources[i];
	ck_abort_msg("no tpm resource");
	return NULL;
}

/* QEMU 7.2 docs/specs/tpm.rst: the chardev on the descriptor the
 * supervisor numbered for "tpm0", the emulator backend, CRB. */
START_TEST(argv_uses_the_supervisors_fd)
{
	_cleanup_profile_ struct profile *p = load_ok("[vm]\ntpm = yes\n");
	_cleanup_profile_ struct profile *off = load_ok("[vm]\n");
	struct render_helper_fd fds[] = { { "net0", 9 }, { "tpm0", 12 } };
	struct render_env env = { .helper_fds = fds, .n_helper_fds = 2 };
	struct strv sv = { 0 };
	static const char *const want[] = { "-chardev", "socket,id=chrtpm,fd=12", "-tpmdev",
					    "emulator,id=tpm0,chardev=chrtpm", "-device",
					    "tpm-crb,tpmdev=tpm0" };

	ck_assert_int_eq(tpm_resource()->argv(p, &env, &sv), 0);
	ck_assert_uint_eq(sv.n, ELEMENTSOF(want));
	for (size_t i = 0; i < sv.n; i++)
		ck_assert_str_eq(sv.v[i], want[i]);
	strv_clear(&sv);
	ck_assert_int_eq(tpm_resource()->argv(off, &env, &sv), 0);
	ck_assert_uint_eq(sv.n, 0);
}
END_TEST

/* The helper: swtpm serving tpm0, its control channel the "{fd}" the
 * supervisor fills in, the state under the VM's state dir, --terminate,
 * its own seccomp; its box as sandbox_policy_build_swtpm makes it. */
START_TEST(helper_command_line)
{
	char dir[] = "/tmp/vl-tpm.XXXXXX", top[64], state[128];
	_cleanup_profile_ struct profile *p = NULL;
	struct helper_list list = { 0 };
	struct vm_paths paths = { 0 };
	struct check_ctx ctx;
	char *arg;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	setenv("XDG_STATE_HOME", dir, 1);
	setenv("PATH", "/usr/bin:/bin", 1);
	p = load_ok("[vm]\nname = w\ntpm = yes\n");
	ck_assert_int_eq(vm_paths_init(p, &paths), 0);
	snprintf(top, sizeof(top), "%s/vfio-launch", dir);
	snprintf(state, sizeof(state), "%s/tpm", paths.state_dir);
	ck_assert_int_eq(mkdir(top, 0700), 0);
	ck_assert_int_eq(mkdir(paths.state_dir, 0700), 0);
	ck_assert_int_eq(mkdir(state, 0700), 0);
	check_ctx_init(&ctx);
	ctx.paths = &paths;
	if (access("/usr/bin/swtpm", X_OK) != 0) {
		/* no swtpm here: the helper cannot be built */
		ck_assert_int_lt(tpm_resource()->helpers(p, &ctx, &list), 0);
		goto out;
	}
	ck_assert_int_eq(tpm_resource()->helpers(p, &ctx, &list), 0);
	ck_assert_uint_eq(list.n, 1);
	ck_assert_str_eq(list.v[0].id, "tpm0");
	ck_assert_str_eq(list.v[0].what, "swtpm");
	ck_assert_str_eq(list.v[0].argv.v[0], "/usr/bin/swtpm");
	ck_assert_str_eq(list.v[0].argv.v[1], "socket");
	ck_assert_str_eq(list.v[0].argv.v[2], "--tpm2");
	ck_assert_str_eq(list.v[0].argv.v[3], "--ctrl");
	ck_assert_str_eq(list.v[0].argv.v[4], "type=unixio,clientfd={fd}");
	ck_assert_str_eq(list.v[0].argv.v[5], "--tpmstate");
	ck_assert_int_ne(asprintf(&arg, "dir=%s,mode=0600", state), -1);
	ck_assert_str_eq(list.v[0].argv.v[6], arg);
	free(arg);
	ck_assert_str_eq(list.v[0].argv.v[7], "--terminate");
	ck_assert_str_eq(list.v[0].argv.v[8], "--seccomp");
	ck_assert_str_eq(list.v[0].argv.v[9], "action=kill");
	ck_assert_uint_eq(list.v[0].argv.n, 10);
	ck_assert_ptr_nonnull(grants_find(&list.v[0].policy.grants, state));
out:
	helper_list_clear(&list);
	check_ctx_clear(&ctx);
	rmdir(state);
	rmdir(paths.state_dir);
	rmdir(top);
	vm_paths_clear(&paths);
	rmdir(dir);
}
END_TEST

/* swtpm's box: system files read-only, the state the one writable
 * place (by its own descriptor), nothing of the user's home, no
 * environment, an empty network namespace, TCP and socket families
 * other than AF_UNIX refused, Landlock scopes on. */
START_TEST(swtpm_box)
{
	char dir[] = "/tmp/vl-tpm.XXXXXX", link[64];
	_cleanup_profile_ struct profile *p = load_ok("[vm]\ntpm = yes\n");
	_cleanup_profile_ struct profile *reduced =
		load_ok("[vm]\ntpm = yes\nsandbox = reduced\n");
	struct sandbox_policy pol;
	const struct grant *g;
	struct stat st, gst;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(sandbox_policy_build_swtpm(p, "/usr/bin/swtpm", dir, false, &pol), 0);
	g = grants_find(&pol.grants, dir);
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(g->access, GRANT_RW);
	ck_assert_int_ge(g->fd, 0);
	ck_assert_int_eq(fstat(g->fd, &gst), 0);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert(st.st_ino == gst.st_ino && st.st_dev == gst.st_dev);
	g = grants_find(&pol.grants, "/usr");
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(g->access, GRANT_RX);
	for (size_t i = 0; i < pol.grants.n; i++) {
		const struct grant *x = &pol.grants.v[i];
		ck_assert_msg(strncmp(x->path, "/home", 5) != 0, "%s granted", x->path);
		ck_assert_msg(x->access != GRANT_RW || x->fd >= 0 ||
				      strcmp(x->path, "/dev/null") == 0,
			      "%s is writable", x->path);
	}
	ck_assert_ptr_null(grants_find(&pol.grants, "/tmp"));
	ck_assert_ptr_null(grants_find(&pol.grants, "/etc/passwd"));
	ck_assert_uint_eq(pol.env.n, 0);
	ck_assert(pol.namespaces && pol.netns && pol.landlock_handle_net && pol.landlock_scope);
	ck_assert(!pol.seccomp.allow_inet);
	ck_assert_uint_eq(pol.memlock_bytes, 0);
	sandbox_policy_clear(&pol);

	/* swtpm_setup: the new state dir is its /tmp (its pid file's
	 * fixed place), plus the user database for its messages */
	ck_assert_int_eq(sandbox_policy_build_swtpm(p, "/usr/bin/swtpm", dir, true, &pol), 0);
	g = grants_find(&pol.grants, "/tmp");
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(g->access, GRANT_RW);
	ck_assert_int_eq(fstat(g->fd, &gst), 0);
	ck_assert(st.st_ino == gst.st_ino);
	ck_assert_ptr_null(grants_find(&pol.grants, dir));
	ck_assert_ptr_nonnull(grants_find(&pol.grants, "/etc/passwd"));
	sandbox_policy_clear(&pol);

	ck_assert_int_eq(sandbox_policy_build_swtpm(reduced, "/usr/bin/swtpm", dir, false, &pol), 0);
	ck_assert(!pol.namespaces);
	sandbox_policy_clear(&pol);

	/* a link where the state belongs is refused, not followed */
	snprintf(link, sizeof(link), "%s.link", dir);
	ck_assert_int_eq(symlink(dir, link), 0);
	ck_assert_int_lt(sandbox_policy_build_swtpm(p, "/usr/bin/swtpm", link, false, &pol), 0);
	ck_assert_int_eq(sandbox_policy_build_swtpm(p, "/usr/bin/swtpm", "rel/tpm", false, &pol),
			 -EINVAL);
	unlink(link);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tpm");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, argv_uses_the_supervisors_fd);
	tcase_add_test(tc, helper_command_line);
	tcase_add_test(tc, swtpm_box);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
