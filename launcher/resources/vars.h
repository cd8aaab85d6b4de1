/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which OVMF VARS template a VM's VARS copy was made from. The copy holds
 * the guest's UEFI variables (boot entries, and with secure-boot = yes the
 * enrolled keys), so it is never replaced on its own; when the profile
 * starts naming another template (secure-boot turned on: the Microsoft
 * keys are in OVMF_VARS_4M.ms.fd, not in the plain template), `check`
 * WARNs and `vfio-launch reset-vars NAME` makes a new copy after keeping
 * the old one.
 *
 * The record is state_dir/OVMF_VARS.fd.template: the template's absolute
 * path and a newline, written when prepare makes the copy.
 */
#pragma once

#include <stddef.h>

/* Writes the record for the copy named vars_name in the directory
 * state_fd: template plus "\n", replacing an older record (write to a
 * temporary file, rename). Returns 0 or -errno. */
int vars_template_record(int state_fd, const char *vars_name, const char *template);

/* Reads the record of the copy vars_path (state_dir/OVMF_VARS.fd) into
 * buf (len bytes, newline removed). Returns 0, -ENOENT (no record: a copy
 * made before records existed, or no copy), or -errno. */
int vars_template_read(const char *vars_path, char *buf, size_t len);

/* Moves vars_path aside to vars_path.old-YYYYmmdd-HHMMSS (UTC; never
 * replacing a file), and removes its record, so the next run copies the
 * template again. *ret_kept: the new name (malloc'd). Returns 0, -ENOENT
 * (no copy), or -errno. */
int vars_reset(const char *vars_path, char **ret_kept);
