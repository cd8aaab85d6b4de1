// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pwrbtn: arms the ACPI power button in the demo guest, which has no
 * button driver (Debian builds it as a module, and the initramfs has no
 * modules). QEMU 7.2 raises the power-button event only while the guest
 * has set PWRBTN_EN (bit 8 of PM1_EN; hw/acpi/core.c
 * acpi_pm1_evt_power_down), which is what the driver would do. The kernel
 * then counts the event in /sys/firmware/acpi/interrupts/ff_pwr_btn (its
 * ACPI global event handler counts every fixed event, handled or not:
 * drivers/acpi/sysfs.c), which /init polls, and, having no handler,
 * turns the event off again (ACPICA evevent.c): one press per arming.
 *
 * PM1_EN is a 16-bit register that QEMU only takes as a whole (its ops
 * have impl.min_access_size 2): /dev/port writes bytes, hence this
 * program and its outw. The register's port comes from the FADT
 * (ACPI 6.4, 5.2.9: PM1a_EVT_BLK at offset 56, PM1_EVT_LEN at 88; the
 * enable half is the second half of the block).
 * Exit 0 when armed, 1 otherwise (with a message).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/io.h>

int main(void)
{
	unsigned char facp[256];
	uint32_t evt;
	unsigned en;
	FILE *f = fopen("/sys/firmware/acpi/tables/FACP", "rb");

	if (!f || fread(facp, 1, sizeof(facp), f) < 89) {
		perror("pwrbtn: /sys/firmware/acpi/tables/FACP");
		return 1;
	}
	fclose(f);
	memcpy(&evt, facp + 56, sizeof(evt));
	en = evt + facp[88] / 2;
	if (!evt || en > 0xfffe || ioperm(en, 2, 1) < 0) {
		perror("pwrbtn: ioperm on PM1_EN");
		return 1;
	}
	outw(inw(en) | 0x100, en);
	printf("pwrbtn: PWRBTN_EN set in PM1_EN (port 0x%x)\n", en);
	return 0;
}
