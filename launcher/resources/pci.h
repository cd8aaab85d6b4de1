/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pci resource (pci.c); the VFIO checks it wraps are in vfio.h. */
#pragma once

struct profile;

/*
 * The number of physical slots (domain:bus:device) the [pci] devices sit
 * on, each rendered as its own pcie-root-port. Returns it, or -EINVAL when
 * a BDF is malformed or repeated, or there are more than 15 slots (guest
 * slots 0x10-0x1e). Pure.
 */
int pci_slot_count(const struct profile *p);
