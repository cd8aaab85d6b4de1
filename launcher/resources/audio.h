/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * [audio] backend = pulse: the PulseAudio server (or PipeWire's pulse
 * server) QEMU's pa audiodev connects to. Only a unix socket is accepted:
 * QEMU runs under Landlock and seccomp with no network of its own, and a
 * tcp: server would let the guest's audio leave the machine
 * unauthenticated unless a cookie is shared; the launcher renders
 * -audiodev pa,server=unix:PATH explicitly so that QEMU's clean
 * environment does not matter.
 */
#pragma once

struct profile;
struct check_ctx;
struct findings;

/* How long the check waits for the server to answer, in milliseconds. */
#define AUDIO_TIMEOUT_MS 2000

/*
 * Finds the server's socket path: the profile's server = (NULL or "auto":
 * not set), else pulse_server_env ($PULSE_SERVER: a space-separated list,
 * entries "unix:PATH", "/PATH", optionally prefixed "{MACHINE-ID}" as
 * pulse-client.conf(5) describes; the first unix entry wins), else
 * runtime_dir/pulse/native ($XDG_RUNTIME_DIR). *ret_source names where it
 * came from ("server =", "$PULSE_SERVER", "$XDG_RUNTIME_DIR"), static.
 * Returns 0 with *ret_path malloc'd (caller frees); -EPROTONOSUPPORT when
 * the server named is not a unix socket (tcp:, a host name); -ENOENT when
 * nothing names a server (no $XDG_RUNTIME_DIR either); -ENOMEM. Pure.
 */
int audio_server_path(const char *profile_server, const char *pulse_server_env,
		      const char *runtime_dir, char **ret_path,
		      const char **ret_source);

/*
 * Connects to the server at the unix socket path with libpulse
 * (PA_CONTEXT_NOAUTOSPAWN: never start a server) and asks for its server
 * info, within timeout_ms milliseconds. Returns 0 with *ret_name
 * malloc'd ("pulseaudio 16.1", or "PulseAudio (on PipeWire 0.3.65)
 * 15.0.0"); -ENOENT (no socket there), -ENOTSOCK (the path is not a
 * socket), -ECONNREFUSED (nobody listens), -EACCES (the server refused
 * us), -ETIMEDOUT, -EIO (other libpulse errors), -ENOMEM, -ELIBACC
 * (libpulse.so.0 could not be opened: it is loaded with dlopen here, on
 * first use, so nothing else pays for its libraries).
 */
int audio_probe(const char *socket_path, unsigned timeout_ms, char **ret_name);

/*
 * The `run` path's probe: a plain connect() to the unix socket path, no
 * libpulse (the supervisor's audio proxy speaks the protocol later).
 * 0 when something listens; -ENOENT, -ENOTSOCK, -ECONNREFUSED, -EACCES,
 * -ENAMETOOLONG or another -errno of stat/socket/connect.
 */
int audio_connect_probe(const char *socket_path);

/*
 * The [audio] check: one finding "audio" when backend = pulse. Sets
 * ctx->audio_server (the socket path) or, with required = no and no
 * server, ctx->audio_disabled; keeps the socket read-write and the
 * libpulse cookie (when it exists and is no link) read-only.
 */
void audio_check(const struct profile *p, struct check_ctx *ctx,
		 struct findings *f);
