// SPDX-License-Identifier: GPL-2.0-or-later
/* Placeholder until the run pipeline lands. */
#include <sysexits.h>

#include "commands.h"

int cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	log_error("'run' is not built yet");
	return EX_SOFTWARE;
}

int cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	log_error("'check' is not built yet");
	return EX_SOFTWARE;
}

int cmd_cmdline(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	log_error("'cmdline' is not built yet");
	return EX_SOFTWARE;
}
