/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The user's consent to a profile that widens the box (resources/trust.h),
 * for `run`: listed before anything starts, refused without consent.
 */
#pragma once

#include <stdbool.h>

struct profile;

/*
 * Lists on stderr what in p widens QEMU's box (trust_list_build with
 * $HOME and $XDG_RUNTIME_DIR), one line each. Without consent
 * (trust_granted: flag is --trust-profile, or [vm] trusted = yes) it logs
 * the refusal with the fix and returns EX_NOPERM (77); with consent, or
 * when there is nothing to list, returns 0. EX_OSERR when out of memory.
 */
int consent_gate(const struct profile *p, bool flag);
