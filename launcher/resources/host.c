// SPDX-License-Identifier: GPL-2.0-or-later
#include "host.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accel.h"
#include "cleanup.h"
#include "hugepages.h"
#include "landlock.h"
#include "userns.h"
#include "vfio.h"

/* host.h */
int host_read_text(const char *root, const char *rel, char **ret)
{
	_cleanup_close_ int dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	_cleanup_close_ int fd = openat(dfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t cap = 16384, len = 0;
	_cleanup_free_ char *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len + 1 == cap) {
			if (cap >= (4u << 20))
				break;
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				return -ENOMEM;
			buf = nb;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret = steal_pointer(&buf);
	return 0;
}

static bool exists_at(const char *root, const char *rel)
{
	_cleanup_close_ int dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return dfd >= 0 && faccessat(dfd, rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

static bool has_word(const char *list, const char *word)
{
	size_t lw = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += lw) {
		bool start = p == list || p[-1] == ' ' || p[-1] == '\t' || p[-1] == ':';
		bool end = p[lw] == '\0' || p[lw] == ' ' || p[lw] == '\n' || p[lw] == '\t';
		if (start && end)
			return true;
	}
	return false;
}

int cpu_facts_parse(const char *cpuinfo, struct cpu_facts *ret)
{
	struct cpu_facts c = { .vendor = CPU_OTHER };
	bool have_flags = false, have_vendor = false;

	for (const char *line = cpuinfo; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		_cleanup_free_ char *l = strndup(line, len);
		if (!l)
			return -ENOMEM;
		if (!have_vendor && startswith(l, "vendor_id")) {
			have_vendor = true;
			if (strstr(l, "GenuineIntel"))
				c.vendor = CPU_INTEL;
			else if (strstr(l, "AuthenticAMD") || strstr(l, "HygonGenuine"))
				c.vendor = CPU_AMD;
		} else if (!have_flags && startswith(l, "flags")) {
			have_flags = true;
			c.vmx = has_word(l, "vmx");
			c.svm = has_word(l, "svm");
			c.hypervisor = has_word(l, "hypervisor");
		}
		line = eol ? eol + 1 : NULL;
	}
	if (!have_flags)
		return -ENODATA;
	*ret = c;
	return 0;
}

bool interrupts_show_remapping(const char *interrupts)
{
	for (const char *p = interrupts; (p = strstr(p, "IR-")); p += 3)
		if (p > interrupts && (p[-1] == ' ' || p[-1] == '\t'))
			return true;
	return false;
}

void virtualization_verdict(const struct cpu_facts *cpu, bool kvm_works, struct findings *f)
{
	if (cpu->vmx || cpu->svm) {
		finding_pass(f, "virtualization", "%s", cpu->vmx ? "Intel VT-x (vmx)" : "AMD-V (svm)");
		return;
	}
	/* Some hypervisors run nested KVM without showing the flag to the
	 * guest's cpuinfo: /dev/kvm creating a VM is the proof that counts,
	 * and the kvm line has said it works. */
	if (kvm_works) {
		finding_pass(f, "virtualization",
			     "the CPU flags show neither vmx nor svm, but /dev/kvm creates VMs%s: "
			     "VMs run under KVM",
			     cpu->hypervisor ? " (a virtual machine whose hypervisor hides the flag)"
					     : "");
		return;
	}
	/* WARN, not FAIL: QEMU still runs the guest under TCG (the kvm
	 * line says the same); a profile that needs more fails there. */
	if (cpu->hypervisor)
		finding_warn(f, "virtualization",
			     "enable nested virtualization on the outer host (kvm_intel nested=1 "
			     "or kvm_amd nested=1, and pass the vmx/svm flag to this VM)",
			     "the CPU flags show neither vmx nor svm: this host is itself a "
			     "virtual machine without nested virtualization; VMs run under TCG");
	else
		finding_warn(f, "virtualization",
			     cpu->vendor == CPU_AMD ?
				     "enable SVM mode (AMD-V) in the firmware setup" :
				     "enable Intel Virtualization Technology (VT-x) in the firmware setup",
			     "the CPU flags show neither vmx nor svm: hardware virtualization "
			     "is off or missing; VMs run under TCG");
}

static void check_virtualization(struct check_ctx *ctx, struct findings *f,
				 struct cpu_facts *cpu, bool kvm_works)
{
	_cleanup_free_ char *text = NULL;
	int r = host_read_text(ctx->procfs, "cpuinfo", &text);
	if (r >= 0)
		r = cpu_facts_parse(text, cpu);
	if (r < 0) {
		finding_warn(f, "virtualization", NULL, "cannot read %s/cpuinfo: %s",
			     ctx->procfs, strerror(-r));
		return;
	}
	virtualization_verdict(cpu, kvm_works, f);
}

static void check_iommu(struct check_ctx *ctx, struct findings *f, const struct cpu_facts *cpu)
{
	bool dmar = exists_at(ctx->sysfs, "firmware/acpi/tables/DMAR");
	bool ivrs = exists_at(ctx->sysfs, "firmware/acpi/tables/IVRS");
	const char *table = dmar ? "DMAR" : ivrs ? "IVRS" : NULL;
	_cleanup_free_ int *groups = NULL;
	size_t n = 0;
	char fix[1024];

	_cleanup_close_ int sfd = open(ctx->sysfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0 || iommu_groups_list(sfd, &groups, &n) < 0)
		n = 0;
	if (n > 0) {
		if (table)
			finding_pass(f, "iommu", "enabled: %zu IOMMU groups (ACPI %s table)", n,
				     table);
		else
			finding_pass(f, "iommu", "enabled: %zu IOMMU groups", n);
		return;
	}

	_cleanup_free_ char *cmdline = NULL;
	if (host_read_text(ctx->procfs, "cmdline", &cmdline) < 0)
		cmdline = NULL;
	const char *off = NULL;
	static const char *const offs[] = { "intel_iommu=off", "amd_iommu=off", "iommu=off" };
	for (size_t i = 0; cmdline && i < ELEMENTSOF(offs); i++)
		if (has_word(cmdline, offs[i]))
			off = offs[i];

	if (!table) {
		snprintf(fix, sizeof(fix),
			 "enable %s in the firmware setup%s",
			 cpu->vendor == CPU_AMD ? "the IOMMU (AMD-Vi, often \"IOMMU\" or "
						  "\"SVM/IOMMU\")" :
						  "VT-d (Intel Virtualization Technology for "
						  "Directed I/O)",
			 cpu->vendor == CPU_AMD ? "" :
						  ", then add intel_iommu=on to the kernel "
						  "command line (GRUB_CMDLINE_LINUX in "
						  "/etc/default/grub, update-grub, reboot)");
		finding_warn(f, "iommu", fix,
			     "no IOMMU: no IOMMU groups and no ACPI DMAR or IVRS table "
			     "(the firmware does not announce one); no PCI passthrough");
		return;
	}
	if (off)
		snprintf(fix, sizeof(fix),
			 "remove %s from the kernel command line (GRUB_CMDLINE_LINUX in "
			 "/etc/default/grub, update-grub, reboot)%s",
			 off, dmar ? " and add intel_iommu=on" : "");
	else if (dmar)
		snprintf(fix, sizeof(fix),
			 "add intel_iommu=on (and optionally iommu=pt, which leaves host "
			 "devices untranslated) to the kernel command line: GRUB_CMDLINE_LINUX "
			 "in /etc/default/grub, then update-grub and reboot");
	else
		/* amd_iommu has no "=on": AMD-Vi starts by itself when the
		 * firmware has an IVRS table (kernel-parameters.txt). */
		snprintf(fix, sizeof(fix),
			 "AMD-Vi starts by itself when the firmware has an IVRS table: check "
			 "that the kernel has CONFIG_AMD_IOMMU and that nothing disables it "
			 "(iommu=off, amd_iommu=off); iommu=pt is optional");
	finding_warn(f, "iommu", fix,
		     "the firmware has an ACPI %s table but the kernel made no IOMMU "
		     "groups: the IOMMU is disabled in the kernel; no PCI passthrough", table);
}

static void check_interrupt_remapping(struct check_ctx *ctx, struct findings *f)
{
	_cleanup_free_ char *text = NULL;
	int r = host_read_text(ctx->procfs, "interrupts", &text);
	if (r < 0) {
		finding_warn(f, "interrupt remapping", NULL, "cannot read %s/interrupts: %s",
			     ctx->procfs, strerror(-r));
		return;
	}
	if (interrupts_show_remapping(text)) {
		finding_pass(f, "interrupt remapping",
			     "enabled (IR- interrupt chips in %s/interrupts)", ctx->procfs);
		return;
	}
	_cleanup_free_ char *unsafe = NULL;
	bool allowed = host_read_text(ctx->sysfs,
				 "module/vfio_iommu_type1/parameters/allow_unsafe_interrupts",
				 &unsafe) == 0 &&
		       (unsafe[0] == 'Y' || unsafe[0] == '1');
	if (allowed) {
		finding_warn(f, "interrupt remapping",
			     "enable interrupt remapping in the firmware (VT-d / AMD-Vi with "
			     "x2APIC), remove intremap=off from the kernel command line and "
			     "drop allow_unsafe_interrupts",
			     "off; vfio_iommu_type1 allow_unsafe_interrupts=Y lets VFIO run "
			     "without it, and a guest can then forge interrupts (MSIs) to the host");
		return;
	}
	finding_warn(f, "interrupt remapping",
		     "enable interrupt remapping in the firmware (VT-d / AMD-Vi with x2APIC) "
		     "and remove intremap=off or nointremap from the kernel command line; "
		     "only on a platform without it, and knowing a guest can then forge "
		     "interrupts: options vfio_iommu_type1 allow_unsafe_interrupts=1 in "
		     "/etc/modprobe.d/vfio.conf",
		     "off (no IR- interrupt chips in %s/interrupts): no PCI passthrough, "
		     "VFIO refuses to assign devices without it",
		     ctx->procfs);
}

static void check_vfio_modules(struct check_ctx *ctx, struct findings *f)
{
	bool pci = exists_at(ctx->sysfs, "module/vfio_pci");
	bool type1 = exists_at(ctx->sysfs, "module/vfio_iommu_type1");
	bool iommufd = exists_at(ctx->sysfs, "module/iommufd");

	if (!pci) {
		finding_warn(f, "vfio modules",
			     "as root: modprobe vfio-pci (vfio-privhelper bind loads it), or "
			     "list vfio-pci in /etc/modules-load.d/vfio.conf",
			     "vfio_pci is not loaded");
		return;
	}
	if (!type1 && !iommufd) {
		finding_warn(f, "vfio modules", "as root: modprobe vfio_iommu_type1",
			     "vfio_pci is loaded, but no VFIO IOMMU backend "
			     "(vfio_iommu_type1 or iommufd)");
		return;
	}
	finding_pass(f, "vfio modules", "vfio_pci and %s loaded",
		     type1 ? "vfio_iommu_type1" : "iommufd");
}

static void check_hugepage_pools(struct check_ctx *ctx, struct findings *f)
{
	char path[4096], msg[1024] = "";
	snprintf(path, sizeof(path), "%s/kernel/mm/hugepages", ctx->sysfs);
	_cleanup_closedir_ DIR *dir = opendir(path);
	if (!dir) {
		finding_warn(f, "hugepages", NULL, "%s: %s (no hugepage support)", path,
			     strerror(errno));
		return;
	}
	struct dirent *de;
	while ((de = readdir(dir))) {
		unsigned long long kb;
		char tail[8];
		if (sscanf(de->d_name, "hugepages-%llukB%7s", &kb, tail) != 1)
			continue;
		struct hugepool pool;
		if (hugepool_read(ctx->sysfs, kb, &pool) < 0)
			continue;
		size_t used = strlen(msg);
		snprintf(msg + used, sizeof(msg) - used, "%s%llukB: %llu reserved, %llu free",
			 used ? "; " : "", kb, (unsigned long long)pool.nr,
			 (unsigned long long)pool.free);
	}
	if (!msg[0])
		finding_pass(f, "hugepages", "no hugepage pools");
	else
		finding_pass(f, "hugepages", "pools: %s (used only by profiles with hugepages = yes)",
			     msg);
}

/* /dev/kvm, by accel.c's probe, worded as accel_check words it. */
static bool check_kvm(struct check_ctx *ctx, struct findings *f)
{
	int r = kvm_probe(ctx->devfs);

	if (r == 0)
		finding_pass(f, "kvm", "%s/kvm works (API 12, a VM can be created)", ctx->devfs);
	else
		finding_warn(f, "kvm", kvm_fix(r), "%s/kvm is not usable: %s; VMs fall back to TCG",
			     ctx->devfs,
			     r == -EPROTO ? "unexpected KVM API version" : strerror(-r));
	return r == 0;
}

/* Landlock (what confines QEMU to the profile's files, sandbox.c). */
static void check_landlock(struct findings *f)
{
	int abi = landlock_abi_version();

	if (abi > 0)
		finding_pass(f, "landlock", "ABI %d: QEMU is confined to the profile's files", abi);
	else
		finding_warn(f, "landlock", landlock_missing_fix(abi),
			     "not available (%s): QEMU would not be confined to the profile's "
			     "files; profiles with sandbox = strict cannot run", strerror(-abi));
}

void check_host(struct check_ctx *ctx, struct findings *f)
{
	struct cpu_facts cpu = { .vendor = CPU_OTHER };
	bool kvm_works = check_kvm(ctx, f);
	check_virtualization(ctx, f, &cpu, kvm_works);
	check_iommu(ctx, f, &cpu);
	check_interrupt_remapping(ctx, f);
	check_vfio_modules(ctx, f);
	check_hugepage_pools(ctx, f);
	check_landlock(f);
	userns_host_check(ctx->procfs, f);
}
