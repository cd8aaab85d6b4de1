/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The accelerator: KVM when /dev/kvm really works, else TCG.
 */
#pragma once

#include "check.h"

/*
 * Probes devfs/kvm (devfs is "/dev" in production): opens it O_RDWR,
 * asks KVM_GET_API_VERSION, which must return 12 (the only stable KVM API
 * version: kernel Documentation/virt/kvm/api.rst, 4.1), and creates a VM
 * (KVM_CREATE_VM, machine type 0), which fails where the CPU has no
 * usable virtualization (VT-x/AMD-V off in the firmware, nested
 * virtualization disabled). Everything opened is closed again.
 * Returns 0 when KVM works; -ENOENT (no node: module not loaded),
 * -EACCES/-EPERM (not allowed to open it), -EPROTO (another API
 * version), or the -errno of the failing open/ioctl.
 */
int kvm_probe(const char *devfs);

/* kvm_probe(), keeping the VM it made: *ret_vm gets its descriptor
 * (O_CLOEXEC) on success, else -1; ret_vm may be NULL. */
int kvm_probe_vm(const char *devfs, int *ret_vm);

/*
 * The "accel" finding for p->accel and ctx->accel: tcg -> PASS, TCG;
 * kvm -> PASS when kvm_probe() succeeds, else FAIL with the fix;
 * auto -> KVM when it works, else WARN saying why, and TCG. Keeps
 * devfs/kvm (check_ctx_keep) when KVM is chosen, and for run
 * (ctx->for_run) the probe's VM (check_ctx_drop_kvm_vm).
 */
void accel_check(const struct profile *p, struct check_ctx *ctx, struct findings *f);

/* The fix for a kvm_probe() error, a static string. */
const char *kvm_fix(int err);

struct render_env;
struct strv;

/*
 * The -cpu value for p under accel (enum accel; ACCEL_AUTO renders what
 * starts under both KVM and TCG: max, the TCG Hyper-V subset),
 * malloc'd into *ret (cpu_model.c): host (KVM) or max, then kvm=off
 * (hide-hypervisor), the Hyper-V enlightenments for guest = windows,
 * hv-vendor-id (windows + hide-hypervisor), [cpu] features, and
 * migratable=off when they ask for +invtsc. Returns 0 or -ENOMEM.
 */
int cpu_model_string(const struct profile *p, int accel, char **ret);

/* Pushes "-rtc base=..." for p ([vm] rtc, guest), or nothing when QEMU's
 * default (UTC, no drift fix) is what p asks for. 0 or -ENOMEM. */
int rtc_argv(const struct profile *p, struct strv *sv);
