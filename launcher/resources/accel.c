// SPDX-License-Identifier: GPL-2.0-or-later
#include "accel.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cleanup.h"
#include "host.h"
#include "hugepages.h"
#include "profile.h"
#include "render.h"
#include "resource.h"

int kvm_probe_vm(const char *devfs, int *ret_vm)
{
	_cleanup_close_ int kvm = -1, vm = -1;
	char path[PATH_MAX];
	int v;

	if (ret_vm)
		*ret_vm = -1;
	/* One open of the node, not of devfs and then the node (issue 15). */
	if (snprintf(path, sizeof(path), "%s/kvm", devfs) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	kvm = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (kvm < 0)
		return -errno;
	v = ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (v < 0)
		return -errno;
	/* KVM_API_VERSION has been 12 since Linux 2.6.22; anything else
	 * is not a KVM this QEMU can drive (api.rst 4.1). */
	if (v != KVM_API_VERSION)
		return -EPROTO;
	/* The VM's descriptor is O_CLOEXEC (virt/kvm/kvm_main.c
	 * kvm_dev_ioctl_create_vm: get_unused_fd_flags(O_CLOEXEC)). */
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return -errno;
	if (ret_vm)
		*ret_vm = steal_fd(&vm);
	return 0;
}

int kvm_probe(const char *devfs)
{
	return kvm_probe_vm(devfs, NULL);
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
	int r, vm = -1;

	if (p->accel == ACCEL_TCG) {
		ctx->accel = ACCEL_TCG;
		finding_pass(f, "accel", "tcg (as the profile says; emulation, slow)");
		return;
	}
	/* run: the probe's VM is destroyed once QEMU runs (run.c), its
	 * teardown off the path to QEMU's exec (issue 15: 0.12-0.19 ms of
	 * KVM's on a 6.x kernel, mostly static keys flipped on every CPU
	 * when the last VM goes). */
	r = kvm_probe_vm(ctx->devfs, ctx->for_run ? &vm : NULL);
	if (vm >= 0) {
		check_ctx_drop_kvm_vm(ctx);
		ctx->kvm_vm = vm;
		ctx->kvm_vm_kept = true;
	}
	if (r == 0) {
		ctx->accel = ACCEL_KVM;
		finding_pass(f, "accel", "kvm: %s/kvm works (API 12, a VM can be created)",
			     ctx->devfs);
		_cleanup_free_ char *kvm = NULL;
		if (asprintf(&kvm, "%s/kvm", ctx->devfs) < 0)
			abort();
		(void)check_ctx_keep_path(ctx, kvm, NULL, GRANT_RW, true, false);
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

/* ------------------------------------------------- the machine resource */

static int machine_argv(const struct profile *p, const struct render_env *env,
			  struct strv *sv)
{
	char size[32];
	_cleanup_free_ char *machine = qemu_escape(p->machine ? p->machine : "q35");

	if (!machine)
		return -ENOMEM;
	TRY(strv_push(sv, "-machine"));
	/* smm=on: Secure Boot's flash protection (firmware.c). */
	/* A [share] (vhost-user) needs the guest's RAM shared too. */
	bool shared_ram = p->hugepages || p->n_shares > 0;
	TRY(strv_pushf(sv, "%s%s%s", machine, shared_ram ? ",memory-backend=mem" : "",
		       p->secure_boot ? ",smm=on" : ""));

	switch (env->accel) {
	case ACCEL_KVM:
		TRY(strv_push2(sv, "-accel", "kvm"));
		break;
	case ACCEL_TCG:
		TRY(strv_push2(sv, "-accel", "tcg"));
		break;
	default:
		/* Not probed (cmdline): QEMU tries each -accel in order. */
		TRY(strv_push2(sv, "-accel", "kvm"));
		TRY(strv_push2(sv, "-accel", "tcg"));
		break;
	}

	_cleanup_free_ char *cpu = NULL;
	TRY(cpu_model_string(p, env->accel, &cpu));
	TRY(strv_push2(sv, "-cpu", cpu));

	format_size(p->memory, size, sizeof(size));
	TRY(strv_push2(sv, "-m", size));

	if (p->sockets) {
		TRY(strv_push(sv, "-smp"));
		TRY(strv_pushf(sv, "%u,sockets=%u,cores=%u,threads=%u",
			       p->sockets * p->cores * p->threads, p->sockets,
			       p->cores, p->threads));
	} else {
		TRY(strv_push(sv, "-smp"));
		TRY(strv_pushf(sv, "%u", p->cpus ? p->cpus : 1));
	}
	TRY(rtc_argv(p, sv));

	/* [vm] hugepages: the memory-backend= above (hugepages.c). */
	if (p->hugepages)
		return hugepages_argv(p, env, sv);
	if (shared_ram) {
		/* [share]: vhost-user passes the RAM's descriptors to
		 * virtiofsd, which maps them: anonymous RAM cannot be
		 * passed, a shared memfd can (QEMU 7.2 docs/system/devices/
		 * vhost-user.rst, "Shared memory object"). */
		TRY(strv_push(sv, "-object"));
		TRY(strv_pushf(sv, "memory-backend-memfd,id=mem,size=%s,share=on", size));
	}
	return 0;
}

/* KVM or TCG, then the hugepage pool the guest's RAM comes from. */
static void machine_check(const struct profile *p, struct check_ctx *ctx,
			  struct findings *f)
{
	accel_check(p, ctx, f);
	hugepages_check(p, ctx, f);
}

/* /dev/kvm as the probe kept it; the hugetlbfs mount the guest's RAM
 * file goes in (the mem-path), as hugepages_check kept it. */
static int machine_grants(const struct profile *p, const struct check_ctx *ctx,
			  const struct vm_paths *paths, const struct grants *checked,
			  struct grants *ret)
{
	(void)ctx;
	(void)paths;
	(void)p;
	return resource_grants_copy(ret, checked);
}

const struct resource resource_machine = {
	.name = "machine",
	.check = machine_check,
	.grants = machine_grants,
	.argv = machine_argv,
};
