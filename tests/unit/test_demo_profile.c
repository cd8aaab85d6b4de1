// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The demo profile (profiles/demo.conf) as the parser reads it and the
 * renderer turns it into QEMU's argv: what the demo guest
 * (tests/guest/init) and run-demo.sh rely on. And the [usb] section without
 * devices, which the demo uses for the qemu-xhci controller.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "paths.h"
#include "profile.h"
#include "render.h"

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

/* The index of the pair "opt", "value" in argv, or -1. */
static ssize_t find_pair(const struct strv *sv, const char *opt, const char *value)
{
	for (size_t i = 0; i + 1 < sv->n; i++)
		if (strcmp(sv->v[i], opt) == 0 && strcmp(sv->v[i + 1], value) == 0)
			return (ssize_t)i;
	return -1;
}

START_TEST(test_demo_argv)
{
	_cleanup_profile_ struct profile *p = NULL;
	struct profile_error e;
	struct vm_paths paths = { 0 };
	struct render_env env = { .qemu_path = "/usr/bin/qemu-system-x86_64",
				  .accel = ACCEL_TCG,
				  .audio_server = "/run/user/1000/pulse/native" };
	struct strv sv = { 0 };

	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	setenv("HOME", "/home/u", 1);
	ck_assert_int_eq(profile_load(TOP_SRCDIR "/profiles/demo.conf", &p, &e), 0);
	ck_assert_int_eq(vm_paths_init(p, &paths), 0);
	env.paths = &paths;
	ck_assert_int_eq(render_argv(p, &env, &sv), 0);

	/* The three PCI devices the guest must report. */
	ck_assert_int_ge(find_pair(&sv, "-device", "qemu-xhci,id=xhci"), 0);
	ck_assert_int_ge(find_pair(&sv, "-audiodev", "pa,id=snd0,server=unix:/run/user/1000/pulse/native"), 0);
	ck_assert_int_ge(find_pair(&sv, "-device", "ich9-intel-hda,id=sound0"), 0);
	ck_assert_int_ge(find_pair(&sv, "-device", "hda-duplex,bus=sound0.0,audiodev=snd0"), 0);
	ck_assert_int_ge(find_pair(&sv, "-object",
				   "memory-backend-file,id=ivshmem,share=on,mem-path=/dev/shm/vfio-launch-demo,size=16M"), 0);
	ck_assert_int_ge(find_pair(&sv, "-device", "ivshmem-plain,memdev=ivshmem,id=ivshmem0"), 0);
	/* Its console, where run-demo.sh reads the report (the supervisor
	 * relays it to run's stdout). */
	ck_assert_int_ge(find_pair(&sv, "-serial", "chardev:serial0"), 0);
	ck_assert_int_ge(find_pair(&sv, "-kernel", TOP_SRCDIR "/profiles/../build/guest/vmlinuz"), 0);
	ck_assert_int_ge(find_pair(&sv, "-accel", "tcg"), 0);
	ck_assert_str_eq(sv.v[sv.n - 1], "-no-reboot");
	for (size_t i = 0; i < sv.n; i++)
		ck_assert_msg(strstr(sv.v[i], "vfio-pci") == NULL, "passthrough in the demo: %s", sv.v[i]);
	strv_clear(&sv);
	vm_paths_clear(&paths);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("demo_profile");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, test_demo_conf);
	tcase_add_test(tc, test_usb_section_without_devices);
	tcase_add_test(tc, test_demo_argv);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
