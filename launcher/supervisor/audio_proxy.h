/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The supervisor's side of audio (issue 11): QEMU's libpulse never sees
 * the user's sound server. The supervisor listens on the VM's own socket
 * (vm_paths.audio_socket, runtime_dir/audio.sock), the one audio path the
 * box shows QEMU (`-audiodev pa,server=unix:PATH`), and relays each
 * connection to the user's server through the filtering proxy
 * (pulse_hub.h): playback and record only, no module loading, no shared
 * memory. QEMU 7.2's pa audiodev takes a libpulse server string only
 * (audio/paaudio.c, qpa_audio_init: pa_context_connect(server)), not a
 * descriptor, hence a path.
 *
 * Called from supervisor.c at fixed points: open (before QEMU starts),
 * watch (the loop's epoll made), handle (each ready descriptor), close.
 */
#pragma once

#include <stdbool.h>

struct supervisor;

/*
 * When sv->audio_server and sv->audio_socket are set: binds and listens
 * on sv->audio_socket (a stale socket there is replaced: the caller holds
 * the VM's lock; made under umask 077) and makes the hub relaying to
 * sv->audio_server. Nothing to do otherwise. Returns 0 or -errno (the
 * socket is then removed again by supervisor_audio_close).
 */
int supervisor_audio_open(struct supervisor *sv);

/* Adds the hub's descriptor to sv->epoll_fd. On failure, says so and
 * drops audio (the VM runs without sound); never fails the loop. */
void supervisor_audio_watch(struct supervisor *sv);

/* true when fd is the hub's: then it has been dispatched (a hub that
 * failed is dropped with a message: the VM runs on without sound). */
bool supervisor_audio_handle(struct supervisor *sv, int fd);

/* Frees the hub (every relayed connection ends) and removes the socket. */
void supervisor_audio_close(struct supervisor *sv);
