// SPDX-License-Identifier: GPL-2.0-or-later
/* Placeholder until the subcommand lands; replaced by its module's work. */
#include <sysexits.h>

#include "commands.h"

int cmd_seccomp(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	log_error("'seccomp' is not built yet");
	return EX_SOFTWARE;
}
