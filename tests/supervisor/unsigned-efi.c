// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A UEFI application with no signature, for test-secure-boot.sh: it says
 * it ran on the console (OVMF copies ConOut to the serial port) and
 * powers the machine off. Built there with gnu-efi (crt0 and linker
 * script, objcopy to PE32+), GNU_EFI_USE_MS_ABI so that the firmware's
 * services are called with the Microsoft ABI directly.
 */
#include <efi.h>

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	(void)image;
	st->ConOut->OutputString(st->ConOut, L"VFIO-LAUNCH-UNSIGNED-EFI-RAN\r\n");
	st->RuntimeServices->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return EFI_SUCCESS;
}
