/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host-wide checks: check_host() (declared in check.h, for `vfio-launch
 * check --host`) lives here (the profile's hugepages check is hugepages.h). Every path
 * is read under ctx->sysfs, ctx->procfs and ctx->devfs, so tests use fake
 * trees.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "check.h"

/* Reads root/rel (at most 4 MiB) into a malloc'd NUL-terminated buffer
 * (*ret, the caller frees it). 0 or -errno. */
int host_read_text(const char *root, const char *rel, char **ret);

/* CPU facts from /proc/cpuinfo. */
enum cpu_vendor { CPU_OTHER, CPU_INTEL, CPU_AMD };
struct cpu_facts {
	enum cpu_vendor vendor; /* vendor_id GenuineIntel / AuthenticAMD */
	bool vmx, svm;          /* flags: VT-x, AMD-V */
	bool hypervisor;        /* flags: running inside a VM */
};

/*
 * Parses the text of /proc/cpuinfo (the first processor's vendor_id and
 * flags lines). Pure. Returns 0, or -ENODATA when there is no flags line.
 */
int cpu_facts_parse(const char *cpuinfo, struct cpu_facts *ret);

/* The "virtualization" finding from the CPU flags and whether /dev/kvm
 * created a VM (kvm_probe): the flags missing while KVM works is a PASS
 * (nested KVM under a hypervisor that hides vmx/svm), so this line never
 * says "TCG" while the kvm line says KVM works. Pure. */
void virtualization_verdict(const struct cpu_facts *cpu, bool kvm_works, struct findings *f);

/*
 * True when /proc/interrupts text shows interrupt remapping at work: the
 * kernel names remapped irq chips with an "IR-" prefix (IR-IO-APIC,
 * IR-PCI-MSI, IR-PCI-MSIX-<BDF>; arch/x86/kernel/apic/io_apic.c and msi.c,
 * for Intel VT-d and AMD-Vi alike). Pure.
 */
bool interrupts_show_remapping(const char *interrupts);

/*
 * check_host() (check.h) adds one finding each: "kvm" (accel.c's
 * kvm_probe: the node opens, API 12, a VM can be created), "virtualization"
 * (vmx/svm in procfs/cpuinfo), "iommu" (IOMMU groups in
 * sysfs/kernel/iommu_groups, ACPI DMAR/IVRS tables, the kernel parameter
 * to add), "interrupt remapping" (procfs/interrupts, vfio_iommu_type1
 * allow_unsafe_interrupts), "vfio modules" (sysfs/module) and "hugepages"
 * (the pools). Missing features are WARNs, each with its fix: the host
 * still runs VMs (under TCG, or without passthrough); a profile that needs
 * the feature FAILs in its own check (accel = kvm, vfio, hugepages).
 */
