// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * status: whether a VM runs, from its supervisor's control socket: its
 * state and PIDs, and QEMU's query-status and query-cpus-fast, which the
 * supervisor forwards on its own QMP channel (control.h "qmp"). --json
 * prints one object for scripts.
 *
 * Exit codes: 0 (running or not: the state says), 64 usage, 66/77/78 as
 * for run's profile errors, 70 the supervisor answered nonsense.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>


#include "cleanup.h"
#include "commands.h"
#include "json_dl.h"
#include "nspid.h"
#include "common.h"
#include "paths.h"
#include "profile.h"
#include "vmctl.h"

static void status_usage(FILE *out)
{
	fputs("Usage: vfio-launch status [--help] [--json] PROFILE\n\n"
	      "Whether the VM runs: its state, the supervisor's and QEMU's PIDs,\n"
	      "uptime, QEMU's run state, the vCPU threads, the log.\n\n"
	      "  --json  one JSON object\n",
	      out);
}

/* QEMU runs in its own PID namespace (the box): query-cpus-fast's
 * thread-id is a tid there, mapped to the host's by nspid.h. */
static json_object *vcpus(const struct vm_paths *paths, pid_t qemu)
{
	json_object *reply = NULL, *list = NULL, *out;

	if (vmctl_qmp_simple(paths, "query-cpus-fast", &reply) < 0)
		return NULL;
	if (!jsonc.json_object_object_get_ex(reply, "return", &list) ||
	    !jsonc.json_object_is_type(list, json_type_array)) {
		jsonc.json_object_put(reply);
		return NULL;
	}
	out = jsonc.json_object_new_array();
	for (size_t i = 0; i < jsonc.json_object_array_length(list); i++) {
		json_object *c = jsonc.json_object_array_get_idx(list, i), *v, *o;
		long ns = -1, host;

		o = jsonc.json_object_new_object();
		if (jsonc.json_object_object_get_ex(c, "cpu-index", &v))
			jsonc.json_object_object_add(o, "cpu-index", jsonc.json_object_get(v));
		if (jsonc.json_object_object_get_ex(c, "thread-id", &v))
			ns = jsonc.json_object_get_int64(v);
		jsonc.json_object_object_add(o, "thread-id-in-qemu-namespace", jsonc.json_object_new_int64(ns));
		host = ns > 0 ? nspid_host_tid("/proc", qemu, (pid_t)ns) : -1;
		jsonc.json_object_object_add(o, "host-tid", host > 0 ? jsonc.json_object_new_int64(host) : NULL);
		jsonc.json_object_array_add(out, o);
	}
	jsonc.json_object_put(reply);
	return out;
}

int cmd_status(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "json", no_argument, NULL, 'j' },
		{ 0 },
	};
	_cleanup_profile_ struct profile *p = NULL;
	struct vm_paths paths = { 0 };
	struct vm_status vs;
	json_object *o, *reply = NULL, *ret, *v, *cpus = NULL;
	_cleanup_free_ char *log = NULL;
	const char *run_state = NULL;
	bool json = false;
	long up = -1;
	int c, r;

	while ((c = getopt_long(argc, argv, "hVj", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			status_usage(stdout);
			return EX_OK;
		case 'V':
			printf("vfio-launch %s\n", VFIO_LAUNCH_VERSION);
			return EX_OK;
		case 'j':
			json = true;
			break;
		default:
			status_usage(stderr);
			return EX_USAGE;
		}
	}
	r = load_jsonc("status");
	if (r)
		return r;
	r = load_profile_arg(argc, argv, "status", status_usage, &p, &paths);
	if (r)
		return r;
	if (asprintf(&log, "%s/log", paths.state_dir) < 0)
		log = NULL;
	r = vmctl_status(&paths, &vs);
	if (r < 0 && r != -ESRCH) {
		log_error("VM %s's supervisor did not answer: %s", p->name, strerror(-r));
		vm_paths_clear(&paths);
		return EX_SOFTWARE;
	}
	o = jsonc.json_object_new_object();
	jsonc.json_object_object_add(o, "name", jsonc.json_object_new_string(p->name));
	if (r == -ESRCH) {
		jsonc.json_object_object_add(o, "state", jsonc.json_object_new_string("stopped"));
	} else {
		jsonc.json_object_object_add(o, "state", jsonc.json_object_new_string(vs.state));
		jsonc.json_object_object_add(o, "supervisor-pid", jsonc.json_object_new_int(vs.supervisor_pid));
		jsonc.json_object_object_add(o, "qemu-pid", jsonc.json_object_new_int(vs.qemu_pid));
		up = process_uptime(vs.supervisor_pid);
		jsonc.json_object_object_add(o, "uptime-seconds", up >= 0 ? jsonc.json_object_new_int64(up) : NULL);
		if (vmctl_qmp_simple(&paths, "query-status", &reply) == 0 &&
		    jsonc.json_object_object_get_ex(reply, "return", &ret) &&
		    jsonc.json_object_object_get_ex(ret, "status", &v))
			run_state = jsonc.json_object_get_string(v);
		jsonc.json_object_object_add(o, "run-state",
				       run_state ? jsonc.json_object_new_string(run_state) : NULL);
		cpus = vcpus(&paths, vs.qemu_pid);
		jsonc.json_object_object_add(o, "vcpus", cpus);
	}
	jsonc.json_object_object_add(o, "log", log ? jsonc.json_object_new_string(log) : NULL);
	if (json) {
		printf("%s\n", jsonc.json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								JSON_C_TO_STRING_SPACED));
	} else if (r == -ESRCH) {
		printf("VM %s: stopped\nlog: %s\n", p->name, log ? log : "?");
	} else {
		printf("VM %s: %s\n", p->name, vs.state);
		printf("supervisor pid: %d\nQEMU pid: %d\n", (int)vs.supervisor_pid, (int)vs.qemu_pid);
		if (up >= 0)
			printf("uptime: %ldh %02ldm %02lds\n", up / 3600, up / 60 % 60, up % 60);
		printf("QEMU run state: %s\n", run_state ? run_state : "(QMP did not answer)");
		for (size_t i = 0; cpus && i < jsonc.json_object_array_length(cpus); i++) {
			json_object *cpu = jsonc.json_object_array_get_idx(cpus, i), *h = NULL, *ns = NULL;

			jsonc.json_object_object_get_ex(cpu, "host-tid", &h);
			jsonc.json_object_object_get_ex(cpu, "thread-id-in-qemu-namespace", &ns);
			if (h)
				printf("vCPU %zu: host tid %s\n", i, jsonc.json_object_get_string(h));
			else
				printf("vCPU %zu: tid %s in QEMU's PID namespace (no host tid found)\n",
				       i, jsonc.json_object_get_string(ns));
		}
		printf("log: %s\n", log ? log : "?");
	}
	jsonc.json_object_put(reply);
	jsonc.json_object_put(o);
	vm_paths_clear(&paths);
	return EX_OK;
}
