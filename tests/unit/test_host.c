// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host checks against fake /proc, /sys and /dev trees: virtualization
 * flags, /dev/kvm, IOMMU (tables, groups, kernel parameters), interrupt
 * remapping, vfio modules and hugepage pools.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "fake_tree.h"
#include "host.h"
#include "userns.h"
#include "landlock.h"
#include "../sandbox/no_landlock.h"

static struct fake_tree T;

static void setup(void)
{
	fake_init(&T);
}

static void teardown(void)
{
	fake_cleanup(&T);
}

static struct check_ctx ctx_for(void)
{
	return (struct check_ctx){ .sysfs = T.sys, .devfs = T.dev, .procfs = T.proc };
}

#define INTEL_CPUINFO                                                          \
	"processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n"         \
	"model name\t: Intel(R) Xeon(R) CPU E5-1650 0 @ 3.20GHz\n"             \
	"flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca " \
	"cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe "      \
	"syscall nx pdpe1gb rdtscp lm constant_tsc vmx smx est tm2 ssse3 "     \
	"cx16 xtpr pdcm pcid dca sse4_1 sse4_2 x2apic popcnt aes xsave avx\n"  \
	"\nprocessor\t: 1\nvendor_id\t: GenuineIntel\nflags\t\t: fpu\n"

#define AMD_VM_CPUINFO                                                         \
	"processor\t: 0\nvendor_id\t: AuthenticAMD\n"                          \
	"flags\t\t: fpu vme de pse tsc msr pae svm_lock hypervisor lahf_lm\n"

/* A healthy Xeon E5 host: everything PASSes. */
static void fake_good_host(void)
{
	fake_write(T.proc, "cpuinfo", 0444, "%s", INTEL_CPUINFO);
	fake_write(T.dev, "kvm", 0666, "%s", "");
	fake_write(T.sys, "firmware/acpi/tables/DMAR", 0400, "%s", "DMAR");
	fake_xeon_e5(&T);
	fake_write(T.proc, "cmdline", 0444, "%s",
		   "BOOT_IMAGE=/vmlinuz root=/dev/sda2 ro intel_iommu=on iommu=pt\n");
	fake_write(T.proc, "interrupts", 0444, "%s",
		   "            CPU0       CPU1\n"
		   "   0:         40          0   IR-IO-APIC    2-edge      timer\n"
		   "  27:          0        112   IR-PCI-MSI 512000-edge      ahci[0000:00:1f.2]\n"
		   " NMI:          0          0   Non-maskable interrupts\n");
	fake_write(T.sys, "module/vfio_pci/parameters/ids", 0444, "%s", "\n");
	fake_write(T.sys, "module/vfio_iommu_type1/parameters/allow_unsafe_interrupts",
		   0444, "%s", "N\n");
	fake_write(T.sys, "kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", 0444, "%s", "8192\n");
	fake_write(T.sys, "kernel/mm/hugepages/hugepages-2048kB/free_hugepages", 0444, "%s", "8192\n");
	fake_write(T.sys, "kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", 0444, "%s", "0\n");
	fake_write(T.sys, "kernel/mm/hugepages/hugepages-1048576kB/free_hugepages", 0444, "%s", "0\n");
	fake_write(T.proc, "meminfo", 0444, "%s",
		   "MemTotal:       65872904 kB\nHugePages_Total:    8192\n"
		   "Hugepagesize:       2048 kB\n");
}

static const struct finding *find(const struct findings *f, const char *res)
{
	const struct finding *it = findings_find(f, res);
	ck_assert_msg(it != NULL, "no finding for %s", res);
	return it;
}

START_TEST(test_cpu_facts)
{
	struct cpu_facts c;
	ck_assert_int_eq(cpu_facts_parse(INTEL_CPUINFO, &c), 0);
	ck_assert_int_eq(c.vendor, CPU_INTEL);
	ck_assert(c.vmx);
	ck_assert(!c.svm);
	ck_assert(!c.hypervisor);
	ck_assert_int_eq(cpu_facts_parse(AMD_VM_CPUINFO, &c), 0);
	ck_assert_int_eq(c.vendor, CPU_AMD);
	ck_assert(!c.svm); /* svm_lock is not svm */
	ck_assert(c.hypervisor);
	ck_assert_int_eq(cpu_facts_parse("processor : 0\n", &c), -ENODATA);
}
END_TEST

START_TEST(test_interrupts_parse)
{
	ck_assert(interrupts_show_remapping("  0:  40  IR-IO-APIC  2-edge  timer\n"));
	ck_assert(interrupts_show_remapping(" 40:  0  IR-PCI-MSIX-0000:00:14.0  0-edge xhci_hcd\n"));
	ck_assert(!interrupts_show_remapping("  0:  40  IO-APIC  2-edge  timer\n"
					     " 24:  0  PCI-MSI 512000-edge  ahci\n"));
	ck_assert(!interrupts_show_remapping("  9:  0  IO-APIC  9-fasteoi  acpi-IR-x\n"));
}
END_TEST

START_TEST(test_host_good)
{
	fake_good_host();
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	char want[512];

	check_host(&ctx, &f);
	ck_assert_uint_eq(f.n, 8);
	/* userns is the running host's, as Landlock (test_no_userns.sh) */
	ck_assert_uint_eq(f.n_fail, userns_probe() == 0 ? 0 : 1);
	/* the fake /dev/kvm is a plain file: KVM_GET_API_VERSION fails;
	 * Landlock is the running kernel's (test_host_no_landlock) */
	ck_assert_uint_eq(f.n_warn, landlock_abi_version() > 0 ? 1 : 2);
	const struct finding *kvm = find(&f, "kvm");
	ck_assert_int_eq(kvm->level, FINDING_WARN);
	snprintf(want, sizeof(want), "%s/kvm is not usable: Inappropriate ioctl for device; "
				     "VMs fall back to TCG", T.dev);
	ck_assert_str_eq(kvm->message, want);
	ck_assert_str_eq(find(&f, "virtualization")->message, "Intel VT-x (vmx)");
	ck_assert_str_eq(find(&f, "iommu")->message, "enabled: 5 IOMMU groups (ACPI DMAR table)");
	snprintf(want, sizeof(want), "enabled (IR- interrupt chips in %s/interrupts)", T.proc);
	ck_assert_str_eq(find(&f, "interrupt remapping")->message, want);
	ck_assert_str_eq(find(&f, "vfio modules")->message, "vfio_pci and vfio_iommu_type1 loaded");
	const char *hp = find(&f, "hugepages")->message;
	ck_assert_ptr_nonnull(strstr(hp, "2048kB: 8192 reserved, 8192 free"));
	ck_assert_ptr_nonnull(strstr(hp, "1048576kB: 0 reserved, 0 free"));
	findings_clear(&f);
}
END_TEST

/* The landlock line: PASS with the ABI, or WARN with the fix for a
 * kernel without it (not built in: ENOSYS; not enabled: EOPNOTSUPP). */
START_TEST(test_host_landlock)
{
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	int abi = landlock_abi_version();
	char want[128];

	if (abi <= 0) {
		fprintf(stderr, "note: no Landlock here (%s), PASS case not run\n", strerror(-abi));
		return;
	}
	check_host(&ctx, &f);
	ck_assert_int_eq(find(&f, "landlock")->level, FINDING_PASS);
	snprintf(want, sizeof(want), "ABI %d: QEMU is confined to the profile's files", abi);
	ck_assert_str_eq(find(&f, "landlock")->message, want);
	findings_clear(&f);
}
END_TEST

START_TEST(test_host_no_landlock)
{
	static const int errs[] = { ENOSYS, EOPNOTSUPP };
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	const struct finding *l;
	char want[256];

	ck_assert_int_eq(fake_no_landlock(errs[_i]), 0);
	check_host(&ctx, &f);
	l = find(&f, "landlock");
	ck_assert_int_eq(l->level, FINDING_WARN);
	snprintf(want, sizeof(want), "not available (%s): QEMU would not be confined to the "
		 "profile's files; profiles with sandbox = strict cannot run", strerror(errs[_i]));
	ck_assert_str_eq(l->message, want);
	ck_assert_str_eq(l->fix, errs[_i] == ENOSYS
		? "this kernel is built without Landlock: boot a kernel with "
		  "CONFIG_SECURITY_LANDLOCK=y (Linux >= 5.13)"
		: "Landlock is built in but not enabled: add landlock to the lsm= kernel "
		  "parameter (the running list is in /sys/kernel/security/lsm), then reboot");
	findings_clear(&f);
}
END_TEST

START_TEST(test_no_virtualization)
{
	fake_good_host();
	fake_write(T.proc, "cpuinfo", 0444, "%s",
		   "vendor_id\t: GenuineIntel\nflags\t\t: fpu vme de pse\n");
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	check_host(&ctx, &f);
	const struct finding *it = find(&f, "virtualization");
	ck_assert_int_eq(it->level, FINDING_WARN);
	ck_assert_str_eq(it->message, "the CPU flags show neither vmx nor svm: hardware "
				      "virtualization is off or missing; VMs run under TCG");
	ck_assert_str_eq(it->fix, "enable Intel Virtualization Technology (VT-x) in the firmware setup");
	findings_clear(&f);

	fake_write(T.proc, "cpuinfo", 0444, "%s", AMD_VM_CPUINFO);
	check_host(&ctx, &f);
	it = find(&f, "virtualization");
	ck_assert_int_eq(it->level, FINDING_WARN);
	ck_assert_str_eq(it->message, "the CPU flags show neither vmx nor svm: this host is "
				      "itself a virtual machine without nested virtualization; VMs run under TCG");
	ck_assert_str_eq(it->fix, "enable nested virtualization on the outer host (kvm_intel "
				  "nested=1 or kvm_amd nested=1, and pass the vmx/svm flag to this VM)");
	findings_clear(&f);
}
END_TEST

/* The kvm and virtualization lines agree: with /dev/kvm working, missing
 * vmx/svm flags (a hypervisor hiding them) is no TCG warning. */
START_TEST(test_virtualization_agrees_with_kvm)
{
	struct cpu_facts cpu = { .vendor = CPU_OTHER };
	struct findings f = { 0 };

	ck_assert_int_eq(cpu_facts_parse(AMD_VM_CPUINFO, &cpu), 0);
	virtualization_verdict(&cpu, true, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	ck_assert_str_eq(f.items[0].message,
			 "the CPU flags show neither vmx nor svm, but /dev/kvm creates VMs (a "
			 "virtual machine whose hypervisor hides the flag): VMs run under KVM");
	ck_assert_ptr_null(strstr(f.items[0].message, "TCG"));
	findings_clear(&f);

	virtualization_verdict(&cpu, false, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_WARN);
	ck_assert_ptr_nonnull(strstr(f.items[0].message, "VMs run under TCG"));
	findings_clear(&f);

	/* flags present: PASS whatever /dev/kvm says (the kvm line explains) */
	ck_assert_int_eq(cpu_facts_parse("vendor_id\t: GenuineIntel\nflags\t\t: fpu vmx\n", &cpu), 0);
	virtualization_verdict(&cpu, false, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	findings_clear(&f);
}
END_TEST

/* DMAR table but no groups: the kernel parameter is missing. */
START_TEST(test_iommu_off_in_kernel)
{
	fake_write(T.proc, "cpuinfo", 0444, "%s", INTEL_CPUINFO);
	fake_write(T.sys, "firmware/acpi/tables/DMAR", 0400, "%s", "DMAR");
	fake_write(T.proc, "cmdline", 0444, "%s", "root=/dev/sda2 ro quiet\n");
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	check_host(&ctx, &f);
	const struct finding *it = find(&f, "iommu");
	ck_assert_int_eq(it->level, FINDING_WARN);
	ck_assert_str_eq(it->message, "the firmware has an ACPI DMAR table but the kernel made "
				      "no IOMMU groups: the IOMMU is disabled in the kernel; no PCI passthrough");
	ck_assert_str_eq(it->fix, "add intel_iommu=on (and optionally iommu=pt, which leaves "
				  "host devices untranslated) to the kernel command line: "
				  "GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub and reboot");
	findings_clear(&f);

	/* explicitly switched off */
	fake_write(T.proc, "cmdline", 0444, "%s", "root=/dev/sda2 ro intel_iommu=off quiet\n");
	check_host(&ctx, &f);
	it = find(&f, "iommu");
	ck_assert_str_eq(it->fix, "remove intel_iommu=off from the kernel command line "
				  "(GRUB_CMDLINE_LINUX in /etc/default/grub, update-grub, reboot) "
				  "and add intel_iommu=on");
	findings_clear(&f);
}
END_TEST

START_TEST(test_iommu_off_in_firmware)
{
	fake_write(T.proc, "cpuinfo", 0444, "%s", INTEL_CPUINFO);
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	check_host(&ctx, &f);
	const struct finding *it = find(&f, "iommu");
	ck_assert_int_eq(it->level, FINDING_WARN);
	ck_assert_str_eq(it->message, "no IOMMU: no IOMMU groups and no ACPI DMAR or IVRS "
				      "table (the firmware does not announce one); no PCI passthrough");
	ck_assert_str_eq(it->fix, "enable VT-d (Intel Virtualization Technology for Directed "
				  "I/O) in the firmware setup, then add intel_iommu=on to the "
				  "kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, "
				  "update-grub, reboot)");
	findings_clear(&f);

	/* AMD with an IVRS table: no "amd_iommu=on" exists */
	fake_write(T.proc, "cpuinfo", 0444, "%s",
		   "vendor_id\t: AuthenticAMD\nflags\t\t: fpu svm\n");
	fake_write(T.sys, "firmware/acpi/tables/IVRS", 0400, "%s", "IVRS");
	check_host(&ctx, &f);
	it = find(&f, "iommu");
	ck_assert_str_eq(it->message, "the firmware has an ACPI IVRS table but the kernel made "
				      "no IOMMU groups: the IOMMU is disabled in the kernel; no PCI passthrough");
	ck_assert_str_eq(it->fix, "AMD-Vi starts by itself when the firmware has an IVRS table: "
				  "check that the kernel has CONFIG_AMD_IOMMU and that nothing "
				  "disables it (iommu=off, amd_iommu=off); iommu=pt is optional");
	findings_clear(&f);
}
END_TEST

START_TEST(test_interrupt_remapping_off)
{
	fake_good_host();
	fake_write(T.proc, "interrupts", 0444, "%s",
		   "            CPU0\n   0:   40   IO-APIC   2-edge   timer\n"
		   "  27:  112   PCI-MSI 512000-edge   ahci[0000:00:1f.2]\n");
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	char want[512];
	check_host(&ctx, &f);
	const struct finding *it = find(&f, "interrupt remapping");
	ck_assert_int_eq(it->level, FINDING_WARN);
	snprintf(want, sizeof(want), "off (no IR- interrupt chips in %s/interrupts): no PCI "
				     "passthrough, VFIO refuses to assign devices without it", T.proc);
	ck_assert_str_eq(it->message, want);
	ck_assert_str_eq(it->fix, "enable interrupt remapping in the firmware (VT-d / AMD-Vi "
				  "with x2APIC) and remove intremap=off or nointremap from the "
				  "kernel command line; only on a platform without it, and knowing "
				  "a guest can then forge interrupts: options vfio_iommu_type1 "
				  "allow_unsafe_interrupts=1 in /etc/modprobe.d/vfio.conf");
	findings_clear(&f);

	fake_write(T.sys, "module/vfio_iommu_type1/parameters/allow_unsafe_interrupts",
		   0444, "%s", "Y\n");
	check_host(&ctx, &f);
	it = find(&f, "interrupt remapping");
	ck_assert_int_eq(it->level, FINDING_WARN);
	ck_assert_str_eq(it->message, "off; vfio_iommu_type1 allow_unsafe_interrupts=Y lets "
				      "VFIO run without it, and a guest can then forge interrupts "
				      "(MSIs) to the host");
	ck_assert_str_eq(it->fix, "enable interrupt remapping in the firmware (VT-d / AMD-Vi "
				  "with x2APIC), remove intremap=off from the kernel command line "
				  "and drop allow_unsafe_interrupts");
	findings_clear(&f);
}
END_TEST

START_TEST(test_vfio_modules)
{
	fake_write(T.proc, "cpuinfo", 0444, "%s", INTEL_CPUINFO);
	struct check_ctx ctx = ctx_for();
	struct findings f = { 0 };
	check_host(&ctx, &f);
	const struct finding *it = find(&f, "vfio modules");
	ck_assert_int_eq(it->level, FINDING_WARN);
	ck_assert_str_eq(it->message, "vfio_pci is not loaded");
	ck_assert_str_eq(it->fix, "as root: modprobe vfio-pci (vfio-privhelper bind loads it), "
				  "or list vfio-pci in /etc/modules-load.d/vfio.conf");
	findings_clear(&f);

	fake_write(T.sys, "module/vfio_pci/parameters/ids", 0444, "%s", "\n");
	check_host(&ctx, &f);
	it = find(&f, "vfio modules");
	ck_assert_str_eq(it->message, "vfio_pci is loaded, but no VFIO IOMMU backend "
				      "(vfio_iommu_type1 or iommufd)");
	ck_assert_str_eq(it->fix, "as root: modprobe vfio_iommu_type1");
	findings_clear(&f);

	fake_write(T.sys, "module/iommufd/parameters/allow_unsafe_interrupts", 0444, "%s", "N\n");
	check_host(&ctx, &f);
	it = find(&f, "vfio modules");
	ck_assert_int_eq(it->level, FINDING_PASS);
	ck_assert_str_eq(it->message, "vfio_pci and iommufd loaded");
	findings_clear(&f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("host");
	TCase *tc = tcase_create("host");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_cpu_facts);
	tcase_add_test(tc, test_interrupts_parse);
	tcase_add_test(tc, test_host_good);
	tcase_add_test(tc, test_host_landlock);
	tcase_add_loop_test(tc, test_host_no_landlock, 0, 2);
	tcase_add_test(tc, test_no_virtualization);
	tcase_add_test(tc, test_virtualization_agrees_with_kvm);
	tcase_add_test(tc, test_iommu_off_in_kernel);
	tcase_add_test(tc, test_iommu_off_in_firmware);
	tcase_add_test(tc, test_interrupt_remapping_off);
	tcase_add_test(tc, test_vfio_modules);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
