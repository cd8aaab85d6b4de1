// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The parser's key table against its printed form and the documentation
 * (README table and vfio-launch.conf(5) source): a key added to the
 * parser and not documented fails here.
 */
#include "profile_test.h"

/* --------------------------------------------------- the key table */

struct key_row {
	char section[32], key[32], type[96], def[64], desc[256];
};

static size_t read_keys(struct key_row *rows, size_t max)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, n = 0;
	FILE *f = open_memstream(&buf, &len);
	char *line, *save = NULL;

	ck_assert_ptr_nonnull(f);
	profile_print_keys(f);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *fields[5], *fsave = NULL;
		size_t nf = 0;
		for (char *t = strtok_r(line, "\t", &fsave); t && nf < 5;
		     t = strtok_r(NULL, "\t", &fsave))
			fields[nf++] = t;
		ck_assert_msg(nf == 5, "key table line with %zu fields", nf);
		ck_assert_uint_lt(n, max);
		snprintf(rows[n].section, sizeof(rows[n].section), "%s",
			 fields[0]);
		snprintf(rows[n].key, sizeof(rows[n].key), "%s", fields[1]);
		snprintf(rows[n].type, sizeof(rows[n].type), "%s", fields[2]);
		snprintf(rows[n].def, sizeof(rows[n].def), "%s", fields[3]);
		snprintf(rows[n].desc, sizeof(rows[n].desc), "%s", fields[4]);
		n++;
	}
	return n;
}

START_TEST(test_print_keys)
{
	struct key_row rows[64];
	size_t n = read_keys(rows, 64);

	ck_assert_uint_eq(n, N_KEYS);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(strlen(rows[i].desc) > 10, "%s: no description",
			      rows[i].key);
		for (size_t j = 0; j < i; j++)
			ck_assert_msg(
			    strcmp(rows[i].section, rows[j].section) != 0 ||
				strcmp(rows[i].key, rows[j].key) != 0,
			    "[%s] %s twice", rows[i].section, rows[i].key);
	}
	/* Spot checks of the format "section key type default description". */
	ck_assert_str_eq(rows[0].section, "vm");
	ck_assert_str_eq(rows[0].key, "name");
	ck_assert_str_eq(rows[1].key, "memory");
	ck_assert_str_eq(rows[1].type, "SIZE");
	ck_assert_str_eq(rows[1].def, "1G");
	ck_assert_str_eq(rows[5].key, "accel");
	ck_assert_str_eq(rows[5].type, "auto|kvm|tcg");
	ck_assert_str_eq(rows[n - 1].section, "qemu");
	ck_assert_str_eq(rows[n - 1].key, "extra");
	ck_assert_ptr_nonnull(strstr(rows[n - 1].desc, "repeatable"));
}
END_TEST

/* Each key of the table, written into a profile, is recognised. */
START_TEST(test_every_key_known)
{
	struct key_row rows[64];
	size_t n = read_keys(rows, 64);

	for (size_t i = 0; i < n; i++) {
		char text[256];
		struct profile *p = NULL;
		struct profile_error err;
		snprintf(text, sizeof(text), "[%.31s%s]\n%.31s = \x01\n",
			 rows[i].section,
			 strcmp(rows[i].section, "disk") == 0 ||
				 strcmp(rows[i].section, "share") == 0 ? " d" : "",
			 rows[i].key);
		set_home();
		ck_assert_int_eq(load_string(text, PATH, &p, &err), -EINVAL);
		/* Rejected for its value, never as an unknown key. */
		ck_assert_msg(strstr(err.message, "control character"),
			      "[%s] %s: %s", rows[i].section, rows[i].key,
			      err.message);
	}
}
END_TEST

START_TEST(test_to_string)
{
	ck_assert_str_eq(accel_to_string(ACCEL_AUTO), "auto");
	ck_assert_str_eq(accel_to_string(ACCEL_KVM), "kvm");
	ck_assert_str_eq(accel_to_string(ACCEL_TCG), "tcg");
	ck_assert_ptr_null(accel_to_string((enum accel)3));
	ck_assert_str_eq(disk_interface_to_string(DISK_VIRTIO), "virtio");
	ck_assert_str_eq(disk_interface_to_string(DISK_SATA), "sata");
	ck_assert_str_eq(disk_interface_to_string(DISK_NVME), "nvme");
	ck_assert_str_eq(disk_interface_to_string(DISK_SCSI), "scsi");
	ck_assert_ptr_null(disk_interface_to_string((enum disk_interface)4));
}
END_TEST

/* ------------------------------------------------ the documentation */

static char *read_file(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert(getdelim(&buf, &len, '\0', f) > 0);
	return buf;
}

static const char *doc_section(const char *section)
{
	return strcmp(section, "disk") == 0    ? "disk NAME"
	       : strcmp(section, "share") == 0 ? "share NAME"
					       : section;
}

/* Every key has a row "| `[section]` | `key` |" in the README's profile
 * reference (between its marker and the next one). */
START_TEST(test_readme_documents_every_key)
{
	_cleanup_free_ char *readme = read_file(TOP_SRCDIR "/README.md");
	struct key_row rows[64];
	size_t n = read_keys(rows, 64);
	char *start = strstr(readme, "<!-- section: profile -->"), *end;

	ck_assert_ptr_nonnull(start);
	end = strstr(start + 1, "<!-- section:");
	if (end)
		*end = '\0';
	for (size_t i = 0; i < n; i++) {
		char row[128];
		snprintf(row, sizeof(row), "| `[%.31s]` | `%.31s` |",
			 doc_section(rows[i].section), rows[i].key);
		const char *r = strstr(start, row);
		ck_assert_msg(r, "README profile table lacks: %s", row);

		/* The row's value syntax and default are the table's. */
		_cleanup_free_ char *line = strndup(r, strcspn(r, "\n"));
		char want[160];
		size_t w = 0;
		want[w++] = '`';
		for (const char *c = rows[i].type; *c && w < sizeof(want) - 3;
		     c++) {
			if (*c == '|')
				want[w++] = '\\';
			want[w++] = *c;
		}
		want[w++] = '`';
		want[w] = '\0';
		ck_assert_msg(strstr(line, want), "README row for %s lacks %s",
			      rows[i].key, want);
		if (strcmp(rows[i].def, "-") != 0 && rows[i].def[0] != '(') {
			snprintf(want, sizeof(want), "| `%.60s` |",
				 rows[i].def);
			ck_assert_msg(strstr(line, want),
				      "README row for %s lacks the default %s",
				      rows[i].key, want);
		}
	}
}
END_TEST

/* Every key is an entry "*key* = ..." under the heading "## [section]" of
 * vfio-launch.conf.5.scd. */
START_TEST(test_manpage_documents_every_key)
{
	_cleanup_free_ char *scd =
	    read_file(TOP_SRCDIR "/launcher/vfio-launch.conf.5.scd");
	struct key_row rows[64];
	size_t n = read_keys(rows, 64);

	for (size_t i = 0; i < n; i++) {
		char heading[64], entry[64];
		snprintf(heading, sizeof(heading), "\n## [%.31s]\n",
			 doc_section(rows[i].section));
		snprintf(entry, sizeof(entry), "\n*%.31s* =", rows[i].key);
		const char *h = strstr(scd, heading);
		ck_assert_msg(h, "man page lacks the heading %s", heading + 1);
		const char *next = strstr(h + 1, "\n## ");
		const char *e = strstr(h, entry);
		ck_assert_msg(e && (!next || e < next),
			      "man page lacks %s under %s", entry + 1,
			      heading + 1);

		/* The entry (up to the next entry or heading), unescaped,
		 * states the table's default as "Default: *X*" or "Default:
		 * _X_". */
		if (strcmp(rows[i].def, "-") == 0 || rows[i].def[0] == '(')
			continue;
		const char *stop = strstr(e + 1, "\n*");
		if (!stop || (next && next < stop))
			stop = next ? next : e + strlen(e);
		char text[2048], bold[96], ital[96];
		size_t t = 0;
		for (const char *c = e; c < stop && t < sizeof(text) - 1; c++)
			if (*c != '\\')
				text[t++] = *c;
		text[t] = '\0';
		snprintf(bold, sizeof(bold), "Default: *%.60s*", rows[i].def);
		snprintf(ital, sizeof(ital), "Default: _%.60s_", rows[i].def);
		ck_assert_msg(strstr(text, bold) || strstr(text, ital),
			      "man page entry %s does not say %s", entry + 1,
			      bold);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("profile_keys");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_print_keys);
	tcase_add_test(tc, test_every_key_known);
	tcase_add_test(tc, test_to_string);
	tcase_add_test(tc, test_readme_documents_every_key);
	tcase_add_test(tc, test_manpage_documents_every_key);
	suite_add_tcase(s, tc);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
