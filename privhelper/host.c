// SPDX-License-Identifier: GPL-2.0-or-later
/* PCI functions the host needs (bind refuses them whatever the allowlist says)
 * and AMD's dummy functions (never bound). The same table, with the source of
 * each entry, is launcher/resources/pci_host.c; tests/unit/test_vfio.c checks. */
#include "ph.h"

#define DUMMY_HB "an AMD PCIe dummy host bridge (a placeholder: no BARs, no driver)"
#define DUMMY_FN "an AMD PCIe dummy function (a placeholder: no BARs, no driver)"
const struct ph_host_rule ph_host_rules[] = {
	{ 0x0600, 0x1022, 0x1452, true, DUMMY_HB }, { 0x0600, 0x1022, 0x1482, true, DUMMY_HB },
	{ 0x0600, 0x1022, 0x14b7, true, DUMMY_HB }, { 0x0600, 0x1022, 0x15d2, true, DUMMY_HB },
	{ 0x0600, 0x1022, 0x15da, true, DUMMY_HB }, { 0x0600, 0x1022, 0x1632, true, DUMMY_HB },
	{ 0x1300, 0x1022, 0x1455, true, DUMMY_FN }, { 0x1300, 0x1022, 0x145a, true, DUMMY_FN },
	{ 0x1300, 0x1022, 0x148a, true, DUMMY_FN },
	{ 0x0600, 0, 0, false, "a host bridge (the CPU's root complex, memory controller or data fabric)" },
	{ 0x0601, 0, 0, false, "an ISA bridge (the LPC/eSPI controller: firmware flash, TPM, embedded controller)" },
	{ 0x0580, 0, 0, false, "a memory controller (the chipset's power management controller)" },
	{ 0x0800, 0, 0, false, "an interrupt controller (I/O APIC)" },
	{ 0x0801, 0, 0, false, "a system DMA controller" },
	{ 0x0802, 0, 0, false, "a system timer (HPET)" },
	{ 0x0803, 0, 0, false, "a real-time clock" },
	{ 0x0806, 0, 0, false, "an IOMMU (it isolates the groups themselves)" },
	{ 0x0807, 0, 0, false, "a root complex event collector (PCIe error reporting)" },
	{ 0x0880, 0, 0, false, "a system peripheral of the CPU or chipset (uncore: DMA engine, VT-d, RAS, "
			       "memory controller, QPI, power control)" },
	{ 0x0c05, 0, 0, false, "an SMBus controller (memory SPD, sensors, clock generator)" },
	{ 0x1101, 0, 0, false, "performance counters (CPU uncore)" },
	{ 0x1180, 0, 0, false, "a signal processing controller (thermal sensors, platform monitoring)" },
};
const size_t ph_host_rules_n = sizeof(ph_host_rules) / sizeof(ph_host_rules[0]);

/* The entry for d, or NULL: the first that matches, so a vendor:device entry
 * (they come first) wins over its class. */
const struct ph_host_rule *ph_host_rule(const struct ph_dev *d)
{
	for (const struct ph_host_rule *r = ph_host_rules; r < ph_host_rules + ph_host_rules_n; r++)
		if (r->vendor ? r->vendor == d->vendor && r->device == d->device : r->cls == d->class >> 8)
			return r;
	return NULL;
}
