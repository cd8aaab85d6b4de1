// SPDX-License-Identifier: GPL-2.0-or-later
/* Consent to a profile that widens the box; see consent.h. */
#include "consent.h"

#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "commands.h"
#include "profile.h"
#include "trust.h"

int consent_gate(const struct profile *p, bool flag)
{
	struct trust_list l = { 0 };
	bool ok = trust_granted(p, flag);
	int ret = 0;

	if (trust_list_build(p, getenv("HOME"), getenv("XDG_RUNTIME_DIR"), &l) < 0) {
		log_error("out of memory");
		return EX_OSERR;
	}
	if (l.n == 0)
		return 0;
	/* stderr: stdout is the guest's serial console. */
	for (size_t i = 0; i < l.n; i++)
		fprintf(stderr, "%s  trust: %s: %s\n", ok ? "WARN" : "FAIL", l.v[i].what,
			l.v[i].why);
	if (ok) {
		log_warn("%s widens QEMU's box as listed above; going on because %s", p->file,
			 flag ? "--trust-profile was given" : "it says trusted = yes");
	} else {
		log_error("refusing to start VM %s: %s widens QEMU's box as listed above. If "
			  "you trust whoever wrote it, run it with --trust-profile or add "
			  "trusted = yes to its [vm] section; otherwise remove those lines",
			  p->name, p->file);
		ret = EX_NOPERM;
	}
	trust_list_clear(&l);
	return ret;
}
