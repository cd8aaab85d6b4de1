// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * [share NAME] (issue 13): the sections' parsing (profile_share.c), the
 * share resource's check, grants and helpers (resources/share.c) and
 * virtiofsd's box policy (box/sandbox_share.c).
 */
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "findings.h"
#include "grants.h"
#include "profile_test.h"
#include "resource.h"
#include "sandbox_share.h"

/* ------------------------------------------------------------- parsing */

START_TEST(parse_shares)
{
	_cleanup_profile_ struct profile *p = load_ok(
		"[vm]\nname = t\n"
		"[share data]\npath = ~/Shared\n"
		"[share media]\npath = media\nreadonly = yes\ntag = pictures\n");

	ck_assert_uint_eq(p->n_shares, 2);
	ck_assert_str_eq(p->shares[0].name, "data");
	ck_assert_str_eq(p->shares[0].path, "/home/alice/Shared");
	ck_assert_ptr_null(p->shares[0].tag);
	ck_assert(!p->shares[0].readonly);
	ck_assert_uint_eq(p->shares[0].line, 3);
	ck_assert_str_eq(p->shares[1].name, "media");
	ck_assert_str_eq(p->shares[1].path, PDIR "/media");
	ck_assert_str_eq(p->shares[1].tag, "pictures");
	ck_assert(p->shares[1].readonly);
}
END_TEST

START_TEST(parse_errors)
{
	expect_error("[share]\npath = /x\n", 1, "[share] needs a name");
	expect_error("[share a/b]\npath = /x\n", 1, "not a valid share name");
	expect_error("[share d]\npath = /x\n[share d]\npath = /y\n", 3,
		     "[share d] is already defined at line 1");
	expect_error("[share d]\nreadonly = yes\n", 1, "[share d] has no path");
	expect_error("[share d]\npath = /x\npath = /y\n", 3, "'path' is already set");
	expect_error("[share d]\npath = /x\nsize = 1G\n", 3, "unknown key 'size' in [share d]");
	expect_error("[share d]\npath = /x\ntag = a,b\n", 3, "not a valid name");
}
END_TEST

/* ---------------------------------------------------------------- check */

static size_t share_index(void)
{
	for (size_t i = 0; i < resources_n; i++)
		if (resources[i] == &resource_share)
			return i;
	ck_abort_msg("no share resource");
	return 0;
}

/* A directory PASSes and is kept for virtiofsd, RO or RW as the profile
 * says, and QEMU's grants get none of it; a file, a symlink and a 37-byte
 * tag FAIL; $HOME WARNs. */
START_TEST(check_and_grants)
{
	char dir[] = "/tmp/vl-share.XXXXXX", text[2048], d[300], file[300], ln[300];
	_cleanup_profile_ struct profile *p = NULL;
	struct check_ctx ctx;
	struct findings f = { 0 };
	struct grants g = { 0 };
	const struct grant *gr;
	struct stat st, gst;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(d, sizeof(d), "%s/data", dir);
	snprintf(file, sizeof(file), "%s/file", dir);
	snprintf(ln, sizeof(ln), "%s/link", dir);
	ck_assert_int_eq(mkdir(d, 0700), 0);
	close(open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	ck_assert_int_eq(symlink(d, ln), 0);
	snprintf(text, sizeof(text),
		 "[vm]\nname = t\n"
		 "[share a]\npath = %s\nreadonly = yes\n"
		 "[share b]\npath = %s\n"
		 "[share c]\npath = %s\n"
		 "[share d]\npath = %s\ntag = 0123456789012345678901234567890123456\n"
		 "[share e]\npath = %s\n",
		 d, file, ln, d, dir);
	p = load_ok(text);
	setenv("HOME", dir, 1);
	check_ctx_init(&ctx);
	ctx.current = share_index();
	resource_share.check(p, &ctx, &f);
	/* the binary's FAIL, if virtiofsd is missing here, comes first */
	size_t o = f.n - 6;
	ck_assert_int_eq(f.items[o].level, FINDING_PASS);
	ck_assert_int_eq(f.items[o + 1].level, FINDING_FAIL); /* a file */
	ck_assert_ptr_nonnull(strstr(f.items[o + 1].message, "is not a directory"));
	ck_assert_int_eq(f.items[o + 2].level, FINDING_FAIL); /* a symlink */
	ck_assert_int_eq(f.items[o + 3].level, FINDING_FAIL); /* the tag */
	ck_assert_ptr_nonnull(strstr(f.items[o + 3].message, "36 bytes"));
	ck_assert_int_eq(f.items[o + 4].level, FINDING_WARN); /* $HOME */
	ck_assert_ptr_nonnull(strstr(f.items[o + 4].message, "your home directory"));
	ck_assert_int_eq(f.items[o + 5].level, FINDING_PASS); /* a WARN, not a FAIL */

	/* kept for virtiofsd: the checked inode, read-only */
	gr = grants_find(&ctx.kept[share_index()], "/share/a");
	ck_assert_ptr_nonnull(gr);
	ck_assert_int_eq(gr->access, GRANT_RO);
	ck_assert_int_eq(stat(d, &st), 0);
	ck_assert_int_eq(fstat(gr->fd, &gst), 0);
	ck_assert(st.st_ino == gst.st_ino && st.st_dev == gst.st_dev);
	ck_assert_ptr_null(grants_find(&ctx.kept[share_index()], "/share/b"));
	/* ... and not QEMU's */
	ck_assert_int_eq(resource_share.grants(p, &ctx, NULL, &ctx.kept[share_index()], &g), 0);
	ck_assert_uint_eq(g.n, 0);

	grants_clear(&g);
	findings_clear(&f);
	check_ctx_clear(&ctx);
	unlink(ln);
	unlink(file);
	rmdir(d);
	rmdir(dir);
}
END_TEST

START_TEST(check_needs_namespaces)
{
	_cleanup_profile_ struct profile *p =
		load_ok("[vm]\nname = t\nsandbox = reduced\n[share a]\npath = /tmp\n");
	struct check_ctx ctx;
	struct findings f = { 0 };

	check_ctx_init(&ctx);
	ctx.current = share_index();
	resource_share.check(p, &ctx, &f);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_int_eq(f.items[0].level, FINDING_FAIL);
	ck_assert_ptr_nonnull(strstr(f.items[0].message, "sandbox = on or strict"));
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

/* ------------------------------------------------- helpers and the box */

START_TEST(helpers_and_policy)
{
	_cleanup_profile_ struct profile *p =
		load_ok("[vm]\nname = t\n[share a]\npath = /tmp\nreadonly = yes\n");
	struct check_ctx ctx;
	struct findings f = { 0 };
	struct helper_list list = { 0 };
	const struct helper *h;
	const struct grant *gr;
	struct sandbox_policy pol;

	check_ctx_init(&ctx);
	ctx.current = share_index();
	resource_share.check(p, &ctx, &f);
	ck_assert_int_eq(resource_share.helpers(p, &ctx, &list), 0);
	ck_assert_uint_eq(list.n, 1);
	h = &list.v[0];
	ck_assert_str_eq(h->id, "fs0");
	ck_assert(h->listen);
	ck_assert_str_eq(h->argv.v[0], "/usr/lib/qemu/virtiofsd");
	ck_assert_str_eq(h->argv.v[1], "-f");
	ck_assert_str_eq(h->argv.v[2], "--fd={fd}");
	ck_assert_str_eq(h->argv.v[4], "source=" SHARE_BOX_PATH);
	ck_assert_str_eq(h->argv.v[6], "sandbox=chroot");

	/* the box: the directory read-only at /share, root of its own
	 * namespaces with virtiofsd's capabilities only, no network */
	gr = grants_find(&h->policy.grants, SHARE_BOX_PATH);
	ck_assert_ptr_nonnull(gr);
	ck_assert_int_eq(gr->access, GRANT_RO);
	ck_assert_int_ge(gr->fd, 0);
	ck_assert_ptr_null(grants_find(&h->policy.grants, "/tmp"));
	ck_assert(h->policy.namespaces && h->policy.netns && h->policy.userns_root);
	ck_assert(h->policy.seccomp.fs_server && !h->policy.seccomp.allow_inet);
	ck_assert(h->policy.landlock_handle_net && h->policy.landlock_scope);
	ck_assert(h->policy.keep_caps & (1ULL << CAP_DAC_OVERRIDE));
	ck_assert(h->policy.keep_caps & (1ULL << CAP_SYS_CHROOT));
	ck_assert(!(h->policy.keep_caps & (1ULL << CAP_SYS_ADMIN)));
	ck_assert(!(h->policy.keep_caps & (1ULL << CAP_NET_ADMIN)));
	ck_assert(!(h->policy.keep_caps & (1ULL << CAP_SYS_PTRACE)));
	ck_assert_uint_eq(h->policy.env.n, 0);

	/* no user namespace, no capabilities: refused */
	p->sandbox = SANDBOX_REDUCED;
	ck_assert_int_eq(sandbox_policy_build_share(p, "/bin/true", gr->fd, false, &pol),
			 -EOPNOTSUPP);

	helper_list_clear(&list);
	findings_clear(&f);
	check_ctx_clear(&ctx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("share");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, parse_shares);
	tcase_add_test(tc, parse_errors);
	tcase_add_test(tc, check_and_grants);
	tcase_add_test(tc, check_needs_namespaces);
	tcase_add_test(tc, helpers_and_policy);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
