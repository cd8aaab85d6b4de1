// SPDX-License-Identifier: GPL-2.0-or-later
#include "ivshmem.h"

#include <errno.h>

int lg_size_from_resolution(unsigned width, unsigned height, uint64_t *ret_bytes)
{
	if (width == 0 || height == 0 || width > 65536 || height > 65536)
		return -ERANGE;
	uint64_t need = (uint64_t)width * height * 4 * 2 + (10ULL << 20);
	uint64_t size = 1ULL << 20;
	while (size < need)
		size <<= 1;
	*ret_bytes = size;
	return 0;
}
