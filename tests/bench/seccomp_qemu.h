/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-seccomp: QEMU 7.2's own -sandbox filter (seccomp_qemu.c, where
 * its source and the check against the real one are described).
 */
#pragma once

#include <seccomp.h>

/* QEMU 7.2's seccomp_start() with all five sets enabled. 0 or -errno;
 * *ret owned by the caller. */
int qemu_filter_build(scmp_filter_ctx *ret);
