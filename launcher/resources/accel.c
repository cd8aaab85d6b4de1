// SPDX-License-Identifier: GPL-2.0-or-later
#include "accel.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cleanup.h"

int kvm_probe(const char *devfs)
{
	_cleanup_close_ int dir = -1, kvm = -1, vm = -1;
	int v;

	dir = open(devfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -errno;
	kvm = openat(dir, "kvm", O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (kvm < 0)
		return -errno;
	v = ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (v < 0)
		return -errno;
	/* KVM_API_VERSION has been 12 since Linux 2.6.22; anything else
	 * is not a KVM this QEMU can drive (api.rst 4.1). */
	if (v != KVM_API_VERSION)
		return -EPROTO;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return -errno;
	return 0;
}

const char *kvm_fix(int err)
{
	switch (err) {
	case -ENOENT:
	case -ENODEV:
	case -ENXIO:
		return "load the KVM module: sudo modprobe kvm_intel (or kvm_amd), and enable "
		       "virtualization (VT-x/AMD-V, SVM) in the firmware set-up";
	case -EACCES:
	case -EPERM:
		return "add yourself to group kvm: sudo usermod -aG kvm $USER, then log in again";
	case -EPROTO:
		return "this kernel's KVM API is not version 12; use a kernel from your distribution";
	default:
		return "enable virtualization (VT-x/AMD-V) in the firmware set-up; in a VM, "
		       "enable nested virtualization on its host";
	}
}

void accel_check(const struct profile *p, struct check_ctx *ctx, struct findings *f)
{
	int r;

	if (p->accel == ACCEL_TCG) {
		ctx->accel = ACCEL_TCG;
		finding_pass(f, "accel", "tcg (as the profile says; emulation, slow)");
		return;
	}
	r = kvm_probe(ctx->devfs);
	if (r == 0) {
		ctx->accel = ACCEL_KVM;
		finding_pass(f, "accel", "kvm: %s/kvm works (API 12, a VM can be created)",
			     ctx->devfs);
		(void)strv_pushf(&ctx->rw_paths, "%s/kvm", ctx->devfs);
		return;
	}
	if (p->accel == ACCEL_KVM) {
		ctx->accel = ACCEL_KVM;
		finding_fail(f, "accel", kvm_fix(r),
			     "accel = kvm but %s/kvm is not usable: %s", ctx->devfs,
			     r == -EPROTO ? "unexpected KVM API version" : strerror(-r));
		return;
	}
	ctx->accel = ACCEL_TCG;
	finding_warn(f, "accel", kvm_fix(r),
		     "%s/kvm is not usable (%s): falling back to TCG (emulation, "
		     "many times slower)",
		     ctx->devfs, r == -EPROTO ? "unexpected KVM API version" : strerror(-r));
}
