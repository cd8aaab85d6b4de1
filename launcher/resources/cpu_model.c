// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The guest CPU model and clock a profile asks for: [vm] guest,
 * hide-hypervisor, rtc and [cpu] features, rendered into -cpu and -rtc
 * (part of the machine resource, accel.c).
 */
#include "accel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cleanup.h"
#include "profile.h"
#include "render.h"

/* Vendor string for hide-hypervisor: anything but "Microsoft Hv" keeps
 * NVIDIA's consumer driver from refusing to load (error 43); libvirt's
 * documentation uses the same style of value (<vendor_id value=...>).
 * QEMU's hv-vendor-id takes at most 12 characters. */
#define HV_VENDOR_ID "vfiolaunch00"

/*
 * The Hyper-V enlightenments libvirt and virt-manager give a Windows
 * guest (virt-manager's "hyperv" defaults: relaxed, vapic, spinlocks
 * 0x1fff, vpindex, runtime, synic, stimer, reset, frequencies, tlbflush,
 * ipi; hv-time is the "hypervclock" timer). QEMU 7.2
 * docs/system/i386/hyperv.rst describes each and its dependencies:
 * hv-synic needs hv-vpindex, hv-stimer needs hv-time and hv-synic,
 * hv-tlbflush and hv-ipi need hv-vpindex.
 */
#define HV_KVM                                                                 \
	"hv-relaxed,hv-vapic,hv-spinlocks=0x1fff,hv-vpindex,hv-runtime,"       \
	"hv-time,hv-synic,hv-stimer,hv-reset,hv-frequencies,hv-tlbflush,"      \
	"hv-ipi"
/*
 * Under TCG, QEMU 7.2 refuses hv-vpindex ("kernel doesn't allow setting
 * HyperV VP_INDEX", run with -accel tcg -cpu max,hv-vpindex), so the
 * features that depend on it (synic, stimer, tlbflush, ipi) are left out
 * too; the rest starts (each checked with qemu-system-x86_64 -accel tcg,
 * tests/integration/test-render-qemu.sh runs the golden tcg-windows).
 * ACCEL_AUTO ("-accel kvm -accel tcg", not probed) gets this subset too:
 * it must start under either.
 */
#define HV_TCG                                                                 \
	"hv-relaxed,hv-vapic,hv-spinlocks=0x1fff,hv-runtime,hv-time,"          \
	"hv-reset,hv-frequencies"

int cpu_model_string(const struct profile *p, int accel, char **ret)
{
	bool windows = p->guest == GUEST_WINDOWS;
	bool invtsc = profile_wants_invtsc(p);
	char *s = NULL;

	/* "host" exists only under KVM; with the "-accel kvm -accel tcg"
	 * fallback the model must work on both, and "max" is host
	 * passthrough under KVM and every emulated feature under TCG
	 * (QEMU docs/system/cpu-models-x86). kvm=off hides the KVM CPUID
	 * signature; hv-vendor-id replaces "Microsoft Hv", which only
	 * exists when Hyper-V enlightenments are on (guest = windows). */
	if (asprintf(&s, "%s%s%s%s%s%s%s%s",
		     accel == ACCEL_KVM ? "host" : "max",
		     p->hide_hypervisor ? ",kvm=off" : "",
		     windows ? "," : "",
		     windows ? (accel == ACCEL_KVM ? HV_KVM : HV_TCG) : "",
		     windows && p->hide_hypervisor ? ",hv-vendor-id=" HV_VENDOR_ID : "",
		     p->cpu_features ? "," : "",
		     p->cpu_features ? p->cpu_features : "",
		     /* An invariant TSC blocks migration; QEMU 7.2 only
		      * exposes it with migratable=off (target/i386/cpu.c,
		      * "invtsc" is in the unmigratable flags). */
		     invtsc ? ",migratable=off" : "") < 0)
		return -ENOMEM;
	*ret = s;
	return 0;
}

int rtc_argv(const struct profile *p, struct strv *sv)
{
	bool windows = p->guest == GUEST_WINDOWS;
	bool local = p->rtc == RTC_LOCALTIME || (p->rtc == RTC_AUTO && windows);

	/* Windows keeps the RTC in local time (libvirt's Windows default is
	 * <clock offset='localtime'>); its RTC timer's tickpolicy=catchup
	 * is QEMU's driftfix=slew, which re-injects the ticks Windows
	 * missed while its vCPU was not running (QEMU -rtc). */
	if (p->rtc == RTC_AUTO && !windows)
		return 0;
	TRY(strv_push(sv, "-rtc"));
	return strv_pushf(sv, "base=%s%s", local ? "localtime" : "utc",
			  windows ? ",driftfix=slew" : "");
}
