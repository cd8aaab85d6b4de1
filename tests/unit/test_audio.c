// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * audio.c: finding the PulseAudio server and probing it with libpulse.
 * The case with a real server (TCase "real") runs only when
 * VL_TEST_PULSE_SOCKET names a running server's socket: tests/audio/
 * test-pulse.sh starts pulseaudio as an unprivileged user and runs this
 * binary as that user with CK_RUN_CASE=real.
 */
#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "audio.h"
#include "check.h"
#include "cleanup.h"
#include "findings.h"
#include "profile.h"

static char dir[64]; /* a fake $XDG_RUNTIME_DIR */

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vl-audio.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	unsetenv("PULSE_SERVER");
	setenv("XDG_RUNTIME_DIR", dir, 1);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

static struct check_ctx ctx_new(void)
{
	return (struct check_ctx){ .sysfs = "/sys", .devfs = "/dev", .procfs = "/proc" };
}

static void ctx_free(struct check_ctx *ctx)
{
	check_ctx_clear_kept(ctx);
	free(ctx->audio_server);
}

static struct profile pulse_profile(const char *server, bool required)
{
	return (struct profile){ .file = "/t/vm.conf", .audio_backend = AUDIO_PULSE,
				 .audio_server = (char *)server, .audio_required = required,
				 .line_audio = 12 };
}

static const char fix_no_server[] =
	"start a server for your user (systemctl --user start pulseaudio.socket, "
	"or pipewire-pulse.socket), or set [audio] server = unix:PATH, "
	"or required = no to start without audio";
/* with required = no already set, the WARN does not suggest it again */
static const char fix_no_server_warn[] =
	"start a server for your user (systemctl --user start pulseaudio.socket, "
	"or pipewire-pulse.socket), or set [audio] server = unix:PATH";

/* One finding "audio" with this level, message and fix. */
static void expect(const struct findings *f, enum finding_level level,
		   const char *msg, const char *fix)
{
	ck_assert_uint_eq(f->n, 1);
	ck_assert_str_eq(f->items[0].resource, "audio");
	ck_assert_int_eq(f->items[0].level, level);
	ck_assert_str_eq(f->items[0].message, msg);
	if (fix)
		ck_assert_str_eq(f->items[0].fix, fix);
}

static const struct {
	const char *profile, *env, *runtime;
	int r;
	const char *path, *source;
} paths[] = {
	{ "unix:/x/native", "unix:/env/native", "/run/user/1", 0, "/x/native", "server =" },
	{ "/x/native", NULL, NULL, 0, "/x/native", "server =" },
	{ "tcp:host:4713", NULL, "/run/user/1", -EPROTONOSUPPORT, NULL, "server =" },
	{ "auto", "unix:/env/native", "/run/user/1", 0, "/env/native", "$PULSE_SERVER" },
	{ NULL, "{0123abcd}unix:/env/a tcp:host", NULL, 0, "/env/a", "$PULSE_SERVER" },
	{ NULL, "tcp:host unix:/env/b", NULL, 0, "/env/b", "$PULSE_SERVER" },
	{ NULL, "tcp:host:4713", "/run/user/1", -EPROTONOSUPPORT, NULL, "$PULSE_SERVER" },
	{ NULL, "somehost", "/run/user/1", -EPROTONOSUPPORT, NULL, "$PULSE_SERVER" },
	{ NULL, NULL, "/run/user/1000", 0, "/run/user/1000/pulse/native", "$XDG_RUNTIME_DIR" },
	{ NULL, "", "/run/user/1000", 0, "/run/user/1000/pulse/native", "$XDG_RUNTIME_DIR" },
	{ NULL, NULL, NULL, -ENOENT, NULL, "$XDG_RUNTIME_DIR" },
	{ NULL, NULL, "run/user/1000", -ENOENT, NULL, "$XDG_RUNTIME_DIR" },
};

START_TEST(test_server_path)
{
	ck_assert_uint_eq(ELEMENTSOF(paths), 12);
	for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
		char *path = NULL;
		const char *source = NULL;
		int r = audio_server_path(paths[i].profile, paths[i].env, paths[i].runtime,
					  &path, &source);
		ck_assert_msg(r == paths[i].r, "case %zu: r=%d", i, r);
		ck_assert_str_eq(source, paths[i].source);
		if (r == 0)
			ck_assert_str_eq(path, paths[i].path);
		free(path);
	}
}
END_TEST

START_TEST(test_no_server_fail)
{
	struct profile p = pulse_profile(NULL, true);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	char msg[256];

	audio_check(&p, &ctx, &f);
	snprintf(msg, sizeof(msg),
		 "no PulseAudio server answers at %s/pulse/native (from $XDG_RUNTIME_DIR): No such file or directory", dir);
	expect(&f, FINDING_FAIL, msg, fix_no_server);
	ck_assert_ptr_null(ctx.audio_server);
	ck_assert(!ctx.audio_disabled);
	ck_assert_uint_eq(check_ctx_n_kept(&ctx), 0);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_no_server_not_required)
{
	struct profile p = pulse_profile(NULL, false);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	char msg[256];

	audio_check(&p, &ctx, &f);
	snprintf(msg, sizeof(msg),
		 "no PulseAudio server answers at %s/pulse/native (from $XDG_RUNTIME_DIR): No such file or directory"
		 "; the VM starts without audio (required = no)", dir);
	expect(&f, FINDING_WARN, msg, fix_no_server_warn);
	ck_assert(ctx.audio_disabled);
	ck_assert_ptr_null(ctx.audio_server);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_no_runtime_dir)
{
	unsetenv("XDG_RUNTIME_DIR");
	struct profile p = pulse_profile(NULL, true);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	audio_check(&p, &ctx, &f);
	expect(&f, FINDING_FAIL,
	       "no PulseAudio server: neither server =, $PULSE_SERVER nor $XDG_RUNTIME_DIR is set",
	       fix_no_server);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_tcp_refused)
{
	setenv("PULSE_SERVER", "tcp:192.0.2.1:4713", 1);
	struct profile p = pulse_profile(NULL, true);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	audio_check(&p, &ctx, &f);
	expect(&f, FINDING_FAIL,
	       "the PulseAudio server named by $PULSE_SERVER (tcp:192.0.2.1:4713) is not a unix socket; "
	       "QEMU is only given a local socket",
	       "set [audio] server = unix:PATH to a local server's socket "
	       "(e.g. $XDG_RUNTIME_DIR/pulse/native), or required = no");
	findings_clear(&f);

	/* required = no: a WARN, and no audio device */
	p.audio_required = false;
	audio_check(&p, &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_WARN);
	ck_assert(ctx.audio_disabled);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

START_TEST(test_not_a_socket)
{
	char path[128], msg[256];
	snprintf(path, sizeof(path), "%s/native", dir);
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fclose(fp);
	char server[140];
	snprintf(server, sizeof(server), "unix:%s", path);
	struct profile p = pulse_profile(server, true);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	audio_check(&p, &ctx, &f);
	snprintf(msg, sizeof(msg), "no PulseAudio server answers at %s (from server =): Socket operation on non-socket", path);
	expect(&f, FINDING_FAIL, msg, fix_no_server);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

static int make_socket(const char *path, bool do_listen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (do_listen)
		ck_assert_int_eq(listen(fd, 4), 0);
	return fd;
}

/* A socket nobody listens on: refused at once. */
START_TEST(test_refused)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/dead", dir);
	int fd = make_socket(path, false);
	char *name = NULL;
	ck_assert_int_eq(audio_probe(path, 2000, &name), -ECONNREFUSED);
	close(fd);
}
END_TEST

/* A server that accepts but never speaks: the probe gives up on time. */
START_TEST(test_timeout)
{
	char path[128], msg[256];
	snprintf(path, sizeof(path), "%s/mute", dir);
	int fd = make_socket(path, true);
	char *name = NULL;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	ck_assert_int_eq(audio_probe(path, 300, &name), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	/* bounded by the timeout (not a timing claim: a hang is the bug) */
	ck_assert_msg(secs >= 0.29 && secs < 5.0, "took %.2f s", secs);

	char server[140];
	snprintf(server, sizeof(server), "unix:%s", path);
	struct profile p = pulse_profile(server, true);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	audio_check(&p, &ctx, &f);
	snprintf(msg, sizeof(msg), "no PulseAudio server answers at %s (from server =): no answer within 2 s", path);
	expect(&f, FINDING_FAIL, msg, fix_no_server);
	close(fd);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

/* `run` probes with a plain connect(): a listener that never speaks
 * passes (the audio proxy talks to it later), one nobody listens on
 * fails, and libpulse is never loaded on that path. */
START_TEST(test_run_connect_probe)
{
	char path[128], dead[128], server[140], msg[256];
	snprintf(path, sizeof(path), "%s/mute", dir);
	snprintf(dead, sizeof(dead), "%s/dead", dir);
	int fd = make_socket(path, true), dfd = make_socket(dead, false);
	ck_assert_int_eq(audio_connect_probe(path), 0);
	ck_assert_int_eq(audio_connect_probe(dead), -ECONNREFUSED);
	snprintf(msg, sizeof(msg), "%s/nothing", dir);
	ck_assert_int_eq(audio_connect_probe(msg), -ENOENT);

	snprintf(server, sizeof(server), "unix:%s", path);
	struct profile p = pulse_profile(server, true);
	struct check_ctx ctx = ctx_new();
	ctx.for_run = true;
	struct findings f = { 0 };
	audio_check(&p, &ctx, &f);
	snprintf(msg, sizeof(msg), "PulseAudio server at %s (from server =) accepts connections", path);
	expect(&f, FINDING_PASS, msg, NULL);
	ck_assert_str_eq(ctx.audio_server, path);
	findings_clear(&f);
	ctx_free(&ctx);

	snprintf(server, sizeof(server), "unix:%s", dead);
	p = pulse_profile(server, true);
	ctx = ctx_new();
	ctx.for_run = true;
	audio_check(&p, &ctx, &f);
	snprintf(msg, sizeof(msg), "no PulseAudio server answers at %s (from server =): Connection refused", dead);
	expect(&f, FINDING_FAIL, msg, fix_no_server);
	findings_clear(&f);
	ctx_free(&ctx);
	/* Each test runs in its own child (CK_FORK): nothing before loaded it. */
	const char *fork_mode = getenv("CK_FORK");
	if (!fork_mode || strcmp(fork_mode, "no") != 0)
		ck_assert_ptr_null(dlopen("libpulse.so.0", RTLD_NOW | RTLD_NOLOAD));
	close(fd);
	close(dfd);
}
END_TEST

START_TEST(test_no_audio_section)
{
	struct profile p = { .file = "/t/vm.conf" };
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	audio_check(&p, &ctx, &f);
	ck_assert_uint_eq(f.n, 0);
	ck_assert(!ctx.audio_disabled);
	ctx_free(&ctx);
}
END_TEST

/* ---- with a real server (tests/audio/test-pulse.sh) ---- */

START_TEST(test_real_server)
{
	const char *sock = getenv("VL_TEST_PULSE_SOCKET");
	ck_assert_ptr_nonnull(sock);
	char *name = NULL;
	ck_assert_int_eq(audio_probe(sock, AUDIO_TIMEOUT_MS, &name), 0);
	ck_assert_msg(strncmp(name, "pulseaudio ", 11) == 0 || strstr(name, "PipeWire"), "%s", name);

	char server[300], msg[600];
	snprintf(server, sizeof(server), "unix:%s", sock);
	struct profile p = pulse_profile(server, true);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	audio_check(&p, &ctx, &f);
	snprintf(msg, sizeof(msg), "PulseAudio server at %s (from server =) answers: %s", sock, name);
	expect(&f, FINDING_PASS, msg, NULL);
	ck_assert_str_eq(ctx.audio_server, sock);
	/* Not granted: QEMU reaches the server only through the
	 * supervisor's proxy. */
	ck_assert_ptr_null(check_ctx_kept(&ctx, sock));
	ck_assert(!ctx.audio_disabled);
	findings_clear(&f);
	ctx_free(&ctx);
	free(name);
}
END_TEST

/* The server found through $PULSE_SERVER, as a desktop session sets it. */
START_TEST(test_real_server_env)
{
	const char *sock = getenv("VL_TEST_PULSE_SOCKET");
	ck_assert_ptr_nonnull(sock);
	char server[300];
	snprintf(server, sizeof(server), "unix:%s", sock);
	setenv("PULSE_SERVER", server, 1);
	struct profile p = pulse_profile(NULL, true);
	struct check_ctx ctx = ctx_new();
	struct findings f = { 0 };
	audio_check(&p, &ctx, &f);
	ck_assert_int_eq(f.items[0].level, FINDING_PASS);
	ck_assert_msg(strstr(f.items[0].message, "(from $PULSE_SERVER) answers: "), "%s", f.items[0].message);
	ck_assert_str_eq(ctx.audio_server, sock);
	findings_clear(&f);
	ctx_free(&ctx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("audio");
	TCase *tc = tcase_create("no-server");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_server_path);
	tcase_add_test(tc, test_no_server_fail);
	tcase_add_test(tc, test_no_server_not_required);
	tcase_add_test(tc, test_no_runtime_dir);
	tcase_add_test(tc, test_tcp_refused);
	tcase_add_test(tc, test_not_a_socket);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_run_connect_probe);
	tcase_add_test(tc, test_no_audio_section);
	suite_add_tcase(s, tc);
	if (getenv("VL_TEST_PULSE_SOCKET")) {
		TCase *real = tcase_create("real");
		tcase_add_test(real, test_real_server);
		tcase_add_test(real, test_real_server_env);
		suite_add_tcase(s, real);
	}
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
