/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ivshmem / Looking Glass shared memory.
 */
#pragma once

#include <stdint.h>

/*
 * Size in bytes of the Looking Glass shared memory for a guest resolution
 * of width x height, by the formula in the Looking Glass documentation
 * ("Determining memory"): width * height * 4 bytes per pixel * 2 frames,
 * plus 10 MiB for the cursor and metadata, rounded up to the next power of
 * two (ivshmem BAR sizes are powers of two). 1920x1080 -> 32 MiB,
 * 2560x1440 -> 64 MiB, 3840x2160 -> 128 MiB.
 * Returns 0, or -ERANGE when a dimension is 0 or the result overflows.
 */
int lg_size_from_resolution(unsigned width, unsigned height, uint64_t *ret_bytes);
