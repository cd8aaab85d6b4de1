// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The demo profile (profiles/demo.conf) as the parser reads it: what the
 * demo guest (tests/guest/init) and run-demo.sh rely on. And the [usb]
 * section without devices, which the demo uses for the qemu-xhci
 * controller.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "profile.h"

static struct profile *load_string(const char *text)
{
	struct profile *p = NULL;
	struct profile_error e;
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	ck_assert_ptr_nonnull(f);
	int r = profile_load_file(f, "/tmp/t.conf", &p, &e);
	fclose(f);
	ck_assert_msg(r == 0, "%s:%u: %s", e.file, e.line, e.message);
	return p;
}

START_TEST(test_demo_conf)
{
	_cleanup_profile_ struct profile *p = NULL;
	struct profile_error e;
	int r = profile_load(TOP_SRCDIR "/profiles/demo.conf", &p, &e);

	ck_assert_msg(r == 0, "%s:%u: %s", e.file, e.line, e.message);
	ck_assert_str_eq(p->name, "demo");
	ck_assert_int_eq(p->accel, ACCEL_AUTO);
	ck_assert_uint_eq(p->memory, 256ULL << 20);
	/* Relative to the profile's directory, stored absolute. */
	ck_assert_str_eq(p->kernel, TOP_SRCDIR "/profiles/../build/guest/vmlinuz");
	ck_assert_str_eq(p->initrd, TOP_SRCDIR "/profiles/../build/guest/initramfs.cpio.gz");
	ck_assert_ptr_nonnull(strstr(p->append, "console=ttyS0"));
	/* The guest checks its BAR2 against this, so it must match size =. */
	ck_assert_ptr_nonnull(strstr(p->append, "demo.ivshmem_size=16777216"));
	ck_assert(p->lg_enabled);
	ck_assert_uint_eq(p->lg_size, 16777216);
	ck_assert_str_eq(p->lg_path, "/dev/shm/vfio-launch-demo");
	ck_assert_int_eq(p->audio_backend, AUDIO_PULSE);
	ck_assert_int_eq(p->audio_model, AUDIO_HDA_DUPLEX);
	ck_assert(p->usb_enabled);
	ck_assert_uint_eq(p->n_usb, 0);
	ck_assert_uint_eq(p->n_pci, 0);
}
END_TEST

START_TEST(test_usb_section_without_devices)
{
	_cleanup_profile_ struct profile *with = load_string("[vm]\nname = t\n[usb]\n");
	_cleanup_profile_ struct profile *without = load_string("[vm]\nname = t\n");

	ck_assert(with->usb_enabled);
	ck_assert_uint_eq(with->n_usb, 0);
	ck_assert(!without->usb_enabled);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("demo_profile");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, test_demo_conf);
	tcase_add_test(tc, test_usb_section_without_devices);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
