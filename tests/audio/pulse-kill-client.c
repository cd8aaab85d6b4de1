// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pulse-kill-client INDEX: asks the server ($PULSE_SERVER) to disconnect
 * client INDEX (PA_COMMAND_KILL_CLIENT), which pactl 16.1 has no command
 * for. Exits 0 on success; otherwise prints "Failure: REASON" (pactl's
 * wording, e.g. "Access denied") and exits 1.
 */
#include <pulse/pulseaudio.h>
#include <stdio.h>
#include <stdlib.h>

static int status = 1;

static void done(pa_context *c, int success, void *userdata)
{
	pa_mainloop_api *api = userdata;

	if (success)
		status = 0;
	else
		printf("Failure: %s\n", pa_strerror(pa_context_errno(c)));
	api->quit(api, 0);
}

static void state(pa_context *c, void *userdata)
{
	pa_mainloop_api *api = userdata;
	uint32_t idx = (uint32_t)strtoul(getenv("VL_KILL_INDEX"), NULL, 10);
	pa_operation *o;

	switch (pa_context_get_state(c)) {
	case PA_CONTEXT_READY:
		o = pa_context_kill_client(c, idx, done, api);
		if (o)
			pa_operation_unref(o);
		break;
	case PA_CONTEXT_FAILED:
		printf("Failure: %s\n", pa_strerror(pa_context_errno(c)));
		api->quit(api, 0);
		break;
	default:
		break;
	}
}

int main(int argc, char **argv)
{
	pa_mainloop *m;
	pa_context *c;

	if (argc != 2) {
		fprintf(stderr, "usage: %s INDEX\n", argv[0]);
		return 64;
	}
	setenv("VL_KILL_INDEX", argv[1], 1);
	m = pa_mainloop_new();
	c = pa_context_new(pa_mainloop_get_api(m), "vl-kill-client");
	pa_context_set_state_callback(c, state, pa_mainloop_get_api(m));
	if (pa_context_connect(c, NULL, PA_CONTEXT_NOFLAGS, NULL) < 0) {
		printf("Failure: %s\n", pa_strerror(pa_context_errno(c)));
		return 1;
	}
	pa_mainloop_run(m, NULL);
	pa_context_disconnect(c);
	pa_context_unref(c);
	pa_mainloop_free(m);
	return status;
}
