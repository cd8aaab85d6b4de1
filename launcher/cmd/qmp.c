// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qmp: one QMP command to a running VM, the reply printed (as virsh
 * qemu-monitor-command does). It goes through the supervisor (control.h
 * "qmp"), which sends it on its own QMP channel and passes QEMU's reply
 * back: no QMP negotiation here, and the supervisor sees every command.
 * QEMU's own QMP server stays on qmp.sock for raw QMP clients (and for
 * the commands that pass descriptors).
 *
 * Exit codes: 0 a {"return": ...}; 1 an {"error": ...} from QEMU;
 * 64 usage or not a QMP command object; 69 not running; 70 no answer.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>


#include "cleanup.h"
#include "commands.h"
#include "common.h"
#include "json_dl.h"
#include "paths.h"
#include "profile.h"
#include "vmctl.h"

static void qmp_usage(FILE *out)
{
	fputs("Usage: vfio-launch qmp [--help] PROFILE 'JSON'\n\n"
	      "Send one QMP command to the running VM and print QEMU's reply, e.g.\n"
	      "  vfio-launch qmp win10 '{\"execute\": \"query-status\"}'\n"
	      "Exit status 1 when QEMU answers with an error.\n",
	      out);
}

int cmd_qmp(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	_cleanup_profile_ struct profile *p = NULL;
	struct vm_paths paths = { 0 };
	json_object *req, *cmd = NULL, *reply = NULL, *ret = NULL;
	int c, r, code;

	while ((c = getopt_long(argc, argv, "hV", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			qmp_usage(stdout);
			return EX_OK;
		case 'V':
			printf("vfio-launch %s\n", VFIO_LAUNCH_VERSION);
			return EX_OK;
		default:
			qmp_usage(stderr);
			return EX_USAGE;
		}
	}
	if (argc - optind != 2) {
		log_error("qmp needs a PROFILE and one JSON command");
		qmp_usage(stderr);
		return EX_USAGE;
	}
	r = load_jsonc("qmp");
	if (r)
		return r;
	req = jsonc.json_tokener_parse(argv[optind + 1]);
	if (!req || !jsonc.json_object_object_get_ex(req, "execute", &cmd) ||
	    !jsonc.json_object_is_type(cmd, json_type_string)) {
		log_error("not a QMP command: expected {\"execute\": \"COMMAND\", \"arguments\": {...}}");
		jsonc.json_object_put(req);
		return EX_USAGE;
	}
	r = load_profile(argv[optind], &p);
	if (r == 0)
		r = init_paths(p, &paths);
	if (r) {
		jsonc.json_object_put(req);
		return r;
	}
	r = vmctl_qmp(&paths, req, &reply);
	vm_paths_clear(&paths);
	jsonc.json_object_put(req);
	if (r == -ESRCH) {
		log_error("VM %s is not running", p->name);
		return EX_UNAVAILABLE;
	}
	if (r < 0) {
		log_error("VM %s's QMP did not answer: %s", p->name, strerror(-r));
		return EX_SOFTWARE;
	}
	code = jsonc.json_object_object_get_ex(reply, "return", &ret) ? EX_OK : 1;
	printf("%s\n", jsonc.json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_SPACED));
	jsonc.json_object_put(reply);
	return code;
}
