// SPDX-License-Identifier: GPL-2.0-or-later
#include "audio.h"

#include <errno.h>
#include <pulse/pulseaudio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "dl.h"
#include "findings.h"
#include "paths.h"
#include "profile.h"
#include "util.h"
#include "render.h"
#include "resource.h"

#define RESOURCE "audio"

/* One server string entry: "unix:PATH" or "/PATH" is a unix socket
 * (pulse-client.conf(5), default-server); "{ID}" prefixes are dropped. */
static int parse_server_entry(const char *s, size_t len, char **ret_path)
{
	if (len > 0 && s[0] == '{') {
		const char *end = memchr(s, '}', len);
		if (!end)
			return -EPROTONOSUPPORT;
		len -= (size_t)(end + 1 - s);
		s = end + 1;
	}
	if (len > 5 && strncmp(s, "unix:", 5) == 0) {
		s += 5;
		len -= 5;
	}
	if (len == 0 || s[0] != '/')
		return -EPROTONOSUPPORT;
	char *path = strndup(s, len);
	if (!path)
		return -ENOMEM;
	*ret_path = path;
	return 0;
}

int audio_server_path(const char *profile_server, const char *pulse_server_env,
		      const char *runtime_dir, char **ret_path,
		      const char **ret_source)
{
	if (profile_server && *profile_server && strcmp(profile_server, "auto") != 0) {
		*ret_source = "server =";
		return parse_server_entry(profile_server, strlen(profile_server), ret_path);
	}
	if (pulse_server_env && *pulse_server_env) {
		const char *s = pulse_server_env;
		int r = -EPROTONOSUPPORT;

		*ret_source = "$PULSE_SERVER";
		while (*s) {
			size_t len;
			s += strspn(s, " \t");
			len = strcspn(s, " \t");
			if (len == 0)
				break;
			r = parse_server_entry(s, len, ret_path);
			if (r != -EPROTONOSUPPORT)
				return r;
			s += len;
		}
		return r;
	}
	*ret_source = "$XDG_RUNTIME_DIR";
	if (!runtime_dir || runtime_dir[0] != '/')
		return -ENOENT;
	if (asprintf(ret_path, "%s/pulse/native", runtime_dir) < 0)
		return -ENOMEM;
	return 0;
}

/* libpulse is opened only by the probe that speaks its protocol (`check`):
 * linked in, its ~28 libraries (X11, xcb, sndfile, codecs, dbus...) were
 * loaded by every subcommand and every `run` (issue 15). The headers still
 * give the prototypes; typeof keeps each pointer's type exact. */
#define PULSE_FUNCS(X)                                                         \
	X(pa_mainloop_new) X(pa_mainloop_get_api) X(pa_mainloop_prepare)      \
	X(pa_mainloop_poll) X(pa_mainloop_dispatch) X(pa_mainloop_free)        \
	X(pa_context_new) X(pa_context_connect) X(pa_context_errno)            \
	X(pa_context_get_state) X(pa_context_get_server_info)                  \
	X(pa_context_disconnect) X(pa_context_unref) X(pa_operation_cancel)    \
	X(pa_operation_unref)

static struct pulse_api {
#define PULSE_MEMBER(f) __typeof__(f) *f;
	PULSE_FUNCS(PULSE_MEMBER)
#undef PULSE_MEMBER
} pa;

static const struct dl_sym pulse_syms[] = {
#define PULSE_SYM(f) { #f, (void **)&pa.f },
	PULSE_FUNCS(PULSE_SYM)
#undef PULSE_SYM
};

/* libpulse.so.0, the soname of libpulse0 (Debian 12), loaded once
 * (dl.h). */
static struct dl_lib pulse_lib = { .soname = "libpulse.so.0",
				   .syms = pulse_syms,
				   .n_syms = sizeof(pulse_syms) / sizeof(pulse_syms[0]) };

/* 0 or -ELIBACC. */
static int pulse_load(void)
{
	return dl_lib_load(&pulse_lib);
}

struct probe_state {
	char *name;
	int r;
	bool done;
};

static void server_info_cb(pa_context *c, const pa_server_info *i, void *userdata)
{
	struct probe_state *st = userdata;
	(void)c;
	st->done = true;
	if (!i) {
		st->r = -EIO;
		return;
	}
	if (asprintf(&st->name, "%s %s", i->server_name ? i->server_name : "?",
		     i->server_version ? i->server_version : "?") < 0) {
		st->name = NULL;
		st->r = -ENOMEM;
	}
}

static int pa_error_to_errno(int e)
{
	switch (e) {
	case PA_ERR_CONNECTIONREFUSED:
		return -ECONNREFUSED;
	case PA_ERR_ACCESS:
	case PA_ERR_AUTHKEY:
		return -EACCES;
	case PA_ERR_TIMEOUT:
		return -ETIMEDOUT;
	case PA_ERR_NOENTITY:
		return -ENOENT;
	default:
		return -EIO;
	}
}

static int64_t now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int audio_probe(const char *socket_path, unsigned timeout_ms, char **ret_name)
{
	_cleanup_free_ char *server = NULL;
	struct probe_state st = { .r = -ETIMEDOUT };
	pa_mainloop *m = NULL;
	pa_context *c = NULL;
	pa_operation *op = NULL;
	struct stat sb;
	int r;

	/* Say plainly what is missing before libpulse's generic errors. */
	if (stat(socket_path, &sb) < 0)
		return -errno;
	if (!S_ISSOCK(sb.st_mode))
		return -ENOTSOCK;
	if (asprintf(&server, "unix:%s", socket_path) < 0)
		return -ENOMEM;
	r = pulse_load();
	if (r < 0)
		return r;

	m = pa.pa_mainloop_new();
	if (!m)
		return -ENOMEM;
	c = pa.pa_context_new(pa.pa_mainloop_get_api(m), "vfio-launch");
	if (!c) {
		r = -ENOMEM;
		goto out;
	}
	if (pa.pa_context_connect(c, server, PA_CONTEXT_NOAUTOSPAWN, NULL) < 0) {
		r = pa_error_to_errno(pa.pa_context_errno(c));
		goto out;
	}

	/* A mainloop iteration bounded by the remaining time, so a server
	 * that accepts but never answers cannot hang `check`. */
	int64_t deadline = now_usec() + (int64_t)timeout_ms * 1000;
	r = -ETIMEDOUT;
	for (;;) {
		int64_t left = deadline - now_usec();
		if (left <= 0)
			break;
		pa_context_state_t cs = pa.pa_context_get_state(c);
		if (cs == PA_CONTEXT_FAILED || cs == PA_CONTEXT_TERMINATED) {
			r = pa_error_to_errno(pa.pa_context_errno(c));
			break;
		}
		if (cs == PA_CONTEXT_READY && !op) {
			op = pa.pa_context_get_server_info(c, server_info_cb, &st);
			if (!op) {
				r = pa_error_to_errno(pa.pa_context_errno(c));
				break;
			}
		}
		if (st.done) {
			r = st.r == -ETIMEDOUT ? 0 : st.r;
			break;
		}
		if (pa.pa_mainloop_prepare(m, (int)(left > INT32_MAX ? INT32_MAX : left)) < 0 ||
		    pa.pa_mainloop_poll(m) < 0 || pa.pa_mainloop_dispatch(m) < 0) {
			r = -EIO;
			break;
		}
	}
	if (r == 0) {
		*ret_name = st.name;
		st.name = NULL;
	}
out:
	free(st.name);
	if (op) {
		pa.pa_operation_cancel(op);
		pa.pa_operation_unref(op);
	}
	if (c) {
		pa.pa_context_disconnect(c);
		pa.pa_context_unref(c);
	}
	pa.pa_mainloop_free(m);
	return r;
}

int audio_connect_probe(const char *socket_path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -EBADF;
	struct stat sb;

	if (stat(socket_path, &sb) < 0)
		return -errno;
	if (!S_ISSOCK(sb.st_mode))
		return -ENOTSOCK;
	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, socket_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* The fixes; a FAIL adds ", or required = no ..." (a WARN already is). */
static const char fix_no_server[] =
	"start a server for your user (systemctl --user start pulseaudio.socket, "
	"or pipewire-pulse.socket), or set [audio] server = unix:PATH";
static const char fix_not_unix[] =
	"set [audio] server = unix:PATH to a local server's socket "
	"(e.g. $XDG_RUNTIME_DIR/pulse/native)";

void audio_check(const struct profile *p, struct check_ctx *ctx,
		 struct findings *f)
{
	_cleanup_free_ char *path = NULL, *name = NULL;
	char msg[1024];
	const char *source = "";
	const char *fix = fix_no_server;
	int r;

	if (p->audio_backend != AUDIO_PULSE)
		return;

	r = audio_server_path(p->audio_server, getenv("PULSE_SERVER"),
			      getenv("XDG_RUNTIME_DIR"), &path, &source);
	if (r == -EPROTONOSUPPORT) {
		snprintf(msg, sizeof(msg),
			 "the PulseAudio server named by %s (%s) is not a unix socket; "
			 "QEMU is only given a local socket",
			 source, strcmp(source, "server =") == 0 ? p->audio_server : getenv("PULSE_SERVER"));
		fix = fix_not_unix;
	} else if (r == -ENOENT) {
		snprintf(msg, sizeof(msg),
			 "no PulseAudio server: neither server =, $PULSE_SERVER nor $XDG_RUNTIME_DIR is set");
	} else if (r < 0) {
		snprintf(msg, sizeof(msg), "%s", strerror(-r));
		fix = NULL;
	} else {
		/* `run` only needs a listener (the audio proxy speaks the
		 * protocol later); `check` asks the server its name. */
		if (ctx->for_run)
			r = audio_connect_probe(path);
		else
			r = audio_probe(path, AUDIO_TIMEOUT_MS, &name);
		if (r == 0) {
			/* Nothing of the server is granted: QEMU reaches it
			 * only through the supervisor's proxy (audio_grants),
			 * which the server accepts by its uid
			 * (SCM_CREDENTIALS), so no cookie is needed either. */
			if (name)
				finding_pass(f, RESOURCE,
					     "PulseAudio server at %s (from %s) answers: %s",
					     path, source, name);
			else
				finding_pass(f, RESOURCE,
					     "PulseAudio server at %s (from %s) accepts connections",
					     path, source);
			free(ctx->audio_server);
			ctx->audio_server = steal_pointer(&path);
			return;
		}
		snprintf(msg, sizeof(msg),
			 "no PulseAudio server answers at %s (from %s): %s", path, source,
			 r == -ETIMEDOUT ? "no answer within 2 s" : strerror(-r));
	}

	if (!p->audio_required) {
		ctx->audio_disabled = true;
		finding_warn(f, RESOURCE, fix, "%s; the VM starts without audio (required = no)", msg);
		return;
	}
	char fix_fail[512];
	if (fix) {
		snprintf(fix_fail, sizeof(fix_fail), "%s, or required = no%s", fix,
			 fix == fix_no_server ? " to start without audio" : "");
		fix = fix_fail;
	}
	finding_fail(f, RESOURCE, fix, "%s", msg);
}

/* ---------------------------------------------------------------- argv */

static int audio_argv(const struct profile *p, const struct render_env *env,
			struct strv *sv)
{
	const char *server = env->audio_server ? env->audio_server : p->audio_server;
	const char *codec;

	if (p->audio_backend != AUDIO_PULSE || env->audio_disabled)
		return 0;
	TRY(strv_push(sv, "-audiodev"));
	if (server) {
		_cleanup_free_ char *es = qemu_escape(server);
		if (!es)
			return -ENOMEM;
		/* A PulseAudio server string; a bare socket path gets the
		 * "unix:" prefix (pulse-client.conf(5), default-server). */
		TRY(strv_pushf(sv, "pa,id=snd0,server=%s%s",
			       server[0] == '/' ? "unix:" : "", es));
	} else {
		TRY(strv_push(sv, "pa,id=snd0"));
	}
	switch (p->audio_model) {
	case AUDIO_HDA_OUTPUT:
		codec = "hda-output";
		break;
	case AUDIO_HDA_MICRO:
		codec = "hda-micro";
		break;
	default:
		codec = "hda-duplex";
		break;
	}
	TRY(strv_push2(sv, "-device", "ich9-intel-hda,id=sound0"));
	TRY(strv_push(sv, "-device"));
	return strv_pushf(sv, "%s,bus=sound0.0,audiodev=snd0", codec);
}

/* The proxy's socket (supervisor/audio_proxy.h), once the supervisor has made
 * it: the one audio path in QEMU's box. */
static int audio_grants(const struct profile *p, const struct check_ctx *ctx,
			const struct vm_paths *paths, const struct grants *checked,
			struct grants *ret)
{
	TRY(resource_grants_copy(ret, checked));
	if (p->audio_backend != AUDIO_PULSE || ctx->audio_disabled || !paths)
		return 0;
	return resource_grants_prepared(ret, paths->audio_socket, false);
}

const struct resource resource_audio = {
	.name = "audio",
	.check = audio_check,
	.grants = audio_grants,
	.argv = audio_argv,
};
