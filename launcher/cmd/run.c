// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * run: the launcher's pipeline (DESIGN.md) as a subcommand (cmdline.c
 * and check.c are its shorter siblings): run = parse, check, prepare,
 * render, confine, exec.
 *
 * Exit codes (sysexits.h, documented in vfio-launch(1)):
 *   0   success (check: nothing FAILed)
 *   1   check: at least one FAIL
 *   64  usage: bad option or argument, invalid profile name
 *   66  the profile does not exist or cannot be read
 *   69  run: a check FAILed, the VM is already running, or a host
 *       resource could not be prepared
 *   77  permission: the profile or a runtime/state path is not ours or
 *       too open, QEMU could not be executed for lack of permission, or
 *       the profile widens the box without consent (consent.h)
 *   78  the profile is invalid (FILE:LINE: message), or the environment
 *       lacks $XDG_RUNTIME_DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "check.h"
#include "consent.h"
#include "cleanup.h"
#include "common.h"
#include "commands.h"
#include "findings.h"
#include "ivshmem.h"
#include "paths.h"
#include "prepare.h"
#include "profile.h"
#include "render.h"
#include "box.h"
#include "resource.h"
#include "sandbox.h"
#include "helpers.h"
#include "supervisor.h"
#include "landlock.h"
#include "net_tap.h"
#include "userns.h"

extern char **environ;

int run_ready_fd = -1;

static void run_usage(FILE *out)
{
	fputs("Usage: vfio-launch run [--help] [--dry-run] [--paused] [--trust-profile] PROFILE\n\n"
	      "Check the host, prepare the VM's files and lock, start QEMU in\n"
	      "its box and supervise it: the guest's serial console on this\n"
	      "terminal, Ctrl-C asks the guest to power down (twice: forces).\n"
	      "Refuses to start while any check FAILs or the VM already runs.\n\n"
	      "  --dry-run  check and print the argv, one per line; start nothing\n"
	      "  --paused   leave the vCPUs stopped (resume over QMP: cont)\n"
	      "  --trust-profile  start even though the profile widens QEMU's box\n"
	      "             (paths outside the usual places, binary =, sandbox = off,\n"
	      "             extra =); without it such a profile is refused (exit 77)\n",
	      out);
}

/* Prints the WARN and FAIL findings (run shows PASS lines only through
 * `check`); stderr, because stdout is the guest's serial console. All in
 * one write (stderr is unbuffered: one write per line otherwise). */
static void print_problems(const struct findings *f)
{
	struct findings shown = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *mem;

	shown.items = calloc(f->n ? f->n : 1, sizeof(*shown.items));
	if (!shown.items) {
		findings_print(f, stderr);
		return;
	}
	for (size_t i = 0; i < f->n; i++)
		if (f->items[i].level != FINDING_PASS)
			shown.items[shown.n++] = f->items[i];
	mem = shown.n ? open_memstream(&text, &len) : NULL;
	findings_print(&shown, mem ? mem : stderr);
	if (mem && fclose(mem) == 0)
		fwrite(text, 1, len, stderr);
	else if (mem) /* out of memory: line by line after all */
		findings_print(&shown, stderr);
	free(text);
	free(shown.items); /* the items themselves belong to f */
}

/* What a run that fails after prepare removes again (the ivshmem file it
 * created, then prepare's files and the lock). */
struct run_undo {
	const struct profile *p;
	const char *devfs;
	const struct ivshmem_prepared *lg;
	struct prepare_state *st;
};

static void run_undo(void *arg)
{
	struct run_undo *u = arg;

	(void)ivshmem_undo(u->p, u->devfs, u->lg);
	prepare_rollback(u->st);
}

/*
 * The last step: QEMU in its box, and this process its supervisor until
 * QEMU is gone (supervisor.h). Returns run's exit status after logging;
 * removes what the run made (the ivshmem file too when QEMU never got as
 * far as QMP: a failed start), the lock last.
 */
/*
 * The resources' helpers (vfio-slirp, swtpm, virtiofsd), each started in
 * its own box (supervisor/helpers.c). *set is filled even on failure, for
 * helpers_stop(). Returns 0 or an exit code, after logging.
 */
static int start_helpers(const struct profile *p, const struct check_ctx *ctx,
			 struct helper_set *set)
{
	struct helper_list list = { 0 };
	struct sandbox_result res = { 0 };
	const char *what = NULL;
	int r;

	r = resources_helpers(p, ctx, &list);
	if (r < 0) {
		log_error("cannot build the helpers' command lines and boxes: %s", strerror(-r));
		helper_list_clear(&list);
		return r == -ENOMEM ? EX_OSERR : EX_SOFTWARE;
	}
	r = helpers_start(&list, set, &what, &res);
	if (r < 0)
		log_error("cannot start %s in its box (%s%s%s): %s", what ? what : "a helper",
			  res.failed_step ? res.failed_step : "?", res.failed_path ? ": " : "",
			  res.failed_path ? res.failed_path : "", strerror(-r));
	helper_list_clear(&list);
	if (r < 0)
		return r == -ENOENT || r == -EACCES ? EX_UNAVAILABLE : EX_OSERR;
	return 0;
}

/*
 * [network] mode = bridge or tap: opens the tap the check found
 * (ctx->net_tap) here, outside QEMU's box, for the supervisor to hand in
 * (net_tap.h). *ret_fd: the descriptor, or -1 for the other modes.
 * Returns 0 or an exit code after logging.
 */
static int open_tap(const struct profile *p, const struct check_ctx *ctx, int *ret_fd)
{
	int r;

	*ret_fd = -1;
	if (p->net_mode != NET_TAP && p->net_mode != NET_BRIDGE)
		return 0;
	r = net_tap_open(ctx->net_tap, ret_fd);
	if (r == 0)
		return 0;
	log_error("cannot open tap %s: %s", ctx->net_tap,
		  r == -EBUSY ? "another program holds it (does a VM run on it already?)" : strerror(-r));
	return r == -EPERM || r == -EACCES ? EX_NOPERM : EX_UNAVAILABLE;
}

static int supervise(const struct profile *p, struct check_ctx *ctx,
		     struct render_env *env, bool paused, struct box_ns *ns,
		     struct run_undo *undo)
{
	struct supervisor sv;
	struct sandbox_policy pol;
	struct sandbox_result res;
	struct strv argv = { 0 };
	bool policy_made = false, started = false;
	_cleanup_free_ char *control = NULL;
	struct helper_set helpers;
	int r, ret;

	supervisor_init(&sv);
	helpers_init(&helpers);
	sv.name = p->name;
	sv.qmp_user_path = ctx->paths->qmp_socket;
	control = control_path(ctx->paths);
	if (!control) {
		ret = EX_OSERR;
		goto fail;
	}
	sv.control_path = control;
	sv.stop_timeout = p->stop_timeout;
	sv.paused = paused;
	sv.pin = ctx->pin.active ? &ctx->pin : NULL;
	sv.box_ns = ns->pid > 0 ? ns : NULL;
	sv.ready_fd = run_ready_fd; /* start's pipe: the supervisor owns it now */
	run_ready_fd = -1;
	if (!ctx->audio_disabled) {
		sv.audio_server = ctx->audio_server; /* NULL: no audio check ran */
		sv.audio_socket = ctx->paths->audio_socket;
	}
	r = supervisor_open(&sv);
	if (r < 0) {
		log_error("cannot make QEMU's sockets (%s, %s): %s", sv.qmp_user_path,
			  ctx->paths->audio_socket, strerror(-r));
		ret = EX_OSERR;
		goto fail;
	}
	env->qmp_fd = sv.child.qmp;
	env->qmp_user_fd = sv.child.qmp_user;
	env->serial_fd = sv.child.serial;
	ret = open_tap(p, ctx, &sv.child.tap);
	if (ret)
		goto fail;
	env->tap_fd = sv.child.tap;
	ret = start_helpers(p, ctx, &helpers);
	if (ret)
		goto fail;
	sv.child.helpers = env->helper_fds = helpers.qemu;
	sv.child.n_helpers = env->n_helper_fds = helpers.n;
	r = render_argv(p, env, &argv);
	if (r < 0) {
		log_error("cannot render %s: %s", p->file, strerror(-r));
		ret = r == -ENOMEM ? EX_OSERR : EX_CONFIG;
		goto fail;
	}

	r = resources_policy_build(p, ctx, ctx->paths, environ, &pol);
	if (r < 0) {
		log_error("cannot build QEMU's sandbox policy: %s", strerror(-r));
		ret = EX_SOFTWARE;
		goto fail;
	}
	policy_made = true;
	if (p->sandbox == SANDBOX_OFF)
		log_warn("*** sandbox = off in %s: QEMU runs WITHOUT the box: no seccomp, "
			 "no Landlock, capabilities, environment and descriptors untouched, "
			 "and without QEMU's own -sandbox. A guest that takes over QEMU "
			 "gets everything you have. For debugging only. ***",
			 p->file);

	fflush(stdout);
	fflush(stderr);
	r = supervisor_start(&sv, &pol, argv.v, &res);
	helpers_close_qemu_fds(&helpers); /* QEMU's now, or it failed */
	check_ctx_drop_kvm_vm(ctx); /* the KVM probe's VM (accel.h) */
	if (r < 0 && ns->waited && ns->err) {
		/* The namespaces line the check left to this moment
		 * (check_ctx.userns_ahead): as `check` prints it. */
		struct findings nf = { 0 };

		userns_report(p, ctx->procfs, ns->err, &nf);
		print_problems(&nf);
		findings_clear(&nf);
		log_error("refusing to start VM %s: its box's namespaces are refused "
			  "(above)", p->name);
		ret = EX_UNAVAILABLE;
		goto fail;
	}
	if (r < 0) {
		if (r == -EOPNOTSUPP)
			log_error("the kernel offers no Landlock and %s says sandbox = strict: "
				  "not starting QEMU (%s; or use sandbox = on)", p->file,
				  landlock_missing_fix(res.landlock_err));
		else if (res.failed_step && strcmp(res.failed_step, "execve") == 0)
			log_error("cannot execute %s: %s", argv.v[0], strerror(-r));
		else
			log_error("cannot confine QEMU (%s%s%s): %s; not starting it",
				  res.failed_step ? res.failed_step : "?",
				  res.failed_path ? ": " : "", res.failed_path ? res.failed_path : "",
				  strerror(-r));
		ret = r == -EOPNOTSUPP ? EX_UNAVAILABLE
		      : r == -EACCES || r == -EPERM ? EX_NOPERM
		      : r == -ENOENT ? EX_UNAVAILABLE : EX_OSERR;
		goto fail;
	}
	/* No Landlock (res.landlock_abi 0): the check's sandbox line has
	 * already WARNed, with the fix. */
	ret = supervisor_loop(&sv, &started);
	supervisor_close(&sv);
	helpers_stop(&helpers, HELPER_STOP_GRACE_MS);
	if (started)
		prepare_rollback(undo->st); /* runtime files, then the lock */
	else
		run_undo(undo);
	sandbox_policy_clear(&pol);
	strv_clear(&argv);
	return ret;

fail:
	supervisor_close(&sv);
	helpers_stop(&helpers, HELPER_STOP_GRACE_MS);
	run_undo(undo);
	if (policy_made)
		sandbox_policy_clear(&pol);
	strv_clear(&argv);
	return ret;
}

/*
 * The Looking Glass shared memory (ivshmem.h): created or checked under
 * the single-instance lock, so two runs of one VM cannot race on it.
 * Returns 0, or an exit code after logging.
 */
static int prepare_lg(const struct profile *p, const struct check_ctx *ctx,
		      struct ivshmem_prepared *ret)
{
	const char *path = p->lg_path ? p->lg_path : IVSHMEM_DEFAULT_PATH;
	char msg[512], fix[512];
	pid_t pid = 0;
	int r;

	*ret = (struct ivshmem_prepared){ 0 };
	if (!p->lg_enabled)
		return 0;
	r = ivshmem_prepare(p, ctx->devfs, ctx->procfs, ctx->lg_size, ret, &pid);
	if (r == 0)
		return 0;
	ivshmem_strerror(r, path, pid, msg, sizeof(msg), fix, sizeof(fix));
	log_error("looking-glass: %s%s%s", msg, fix[0] ? "; fix: " : "", fix);
	switch (r) {
	case -EBUSY:
	case -ETXTBSY:
		return EX_UNAVAILABLE;
	case -ESRCH:
	case -EXDEV:
	case -EINVAL:
	case -ERANGE:
		return EX_CONFIG;
	case -ENOMEM:
		return EX_OSERR;
	default:
		return EX_NOPERM;
	}
}

int cmd_run(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "paused", no_argument, NULL, 'S' },
		{ "trust-profile", no_argument, NULL, 'T' },
		{ 0 },
	};
	_cleanup_profile_ struct profile *p = NULL;
	struct findings f = { 0 };
	struct check_ctx ctx;
	struct vm_paths paths = { 0 };
	struct prepare_state st = { .lock_fd = -1 };
	struct ivshmem_prepared lg = { 0 };
	struct render_env env;
	struct strv out = { 0 };
	struct box_ns ns = { .pidfd = -1, .ready_fd = -1, .hold_fd = -1 };
	_cleanup_free_ char *audio = NULL;
	bool dry_run = false, paused = false, trust = false;
	int c, r, ret;

	while ((c = getopt_long(argc, argv, "hVnS", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			run_usage(stdout);
			return EX_OK;
		case 'V':
			printf("vfio-launch %s\n", VFIO_LAUNCH_VERSION);
			return EX_OK;
		case 'n':
			dry_run = true;
			break;
		case 'S':
			paused = true;
			break;
		case 'T':
			trust = true;
			break;
		default:
			run_usage(stderr);
			return EX_USAGE;
		}
	}
	ret = load_profile_arg(argc, argv, "run", run_usage, &p, NULL);
	if (ret)
		return ret;
	/* Before anything starts: what the profile widens needs consent. */
	ret = consent_gate(p, trust);
	if (ret)
		return ret;
	if (render_validate(p)) {
		log_error("%s: %s", p->file, render_validate(p));
		return EX_CONFIG;
	}
	/* The box's namespaces, made by a child while the checks run
	 * (box.h): the network namespace alone costs more than the rest of
	 * the box. Without it (fork failed) the box's clone makes them. */
	if (!dry_run && (p->sandbox == SANDBOX_ON || p->sandbox == SANDBOX_STRICT))
		(void)box_ns_start(true, &ns);
	ret = init_paths(p, &paths);
	if (ret) {
		box_ns_stop(&ns);
		return ret;
	}

	/* check: every finding, then refuse on any FAIL. */
	check_ctx_init(&ctx);
	ctx.paths = &paths;
	ctx.for_run = !dry_run;
	ctx.userns_ahead = ns.pid > 0;
	check_pipeline(p, &paths, 0, &f);
	check_profile(p, &ctx, &f);
	print_problems(&f);
	if (f.n_fail) {
		log_error("refusing to start VM %s: %zu check%s FAILed (above; "
			  "'vfio-launch check %s' shows every check)",
			  p->name, f.n_fail, f.n_fail == 1 ? "" : "s", argv[optind]);
		ret = EX_UNAVAILABLE;
		goto out;
	}

	check_ctx_render_env(&ctx, &paths, &env);
	/* Always -S: the supervisor resumes the vCPUs over QMP (cont) once
	 * QMP answers, unless --paused (DESIGN.md: pinning goes there). */
	env.paused = true;
	/* QEMU reaches the sound server the check found only through the
	 * supervisor's proxy (supervisor/audio_proxy.h). */
	if (env.audio_server && !env.audio_disabled)
		env.audio_server = paths.audio_socket;
	if (!env.audio_server && !env.audio_disabled) {
		/* No audio check resolved a server: render the same default
		 * cmdline shows, explicitly, rather than leave it to QEMU. */
		audio = default_audio_server(p);
		env.audio_server = audio;
	}
	r = render_argv(p, &env, &out);
	if (r < 0) {
		log_error("cannot render %s: %s", p->file, strerror(-r));
		ret = r == -ENOMEM ? EX_OSERR : EX_CONFIG;
		goto out;
	}
	if (dry_run) {
		print_argv(&out, stdout);
		ret = EX_OK;
		goto out;
	}

	r = prepare_vm(p, &paths, &st);
	if (r == -EBUSY) {
		log_error("VM %s is already running (%s is locked by its supervisor)", p->name,
			  paths.lock_file);
		ret = EX_UNAVAILABLE;
		goto out;
	}
	if (r == -EPERM || r == -ELOOP || r == -ENOTDIR) {
		log_error("%s exists but is not a private directory or file of yours "
			  "(owner, mode 0700, no symlink); remove it and run again",
			  st.failed_path ? st.failed_path : paths.runtime_dir);
		ret = EX_NOPERM;
		goto out;
	}
	if (r < 0) {
		log_error("cannot prepare %s: %s", st.failed_path ? st.failed_path : p->name,
			  strerror(-r));
		ret = r == -EACCES ? EX_NOPERM : EX_UNAVAILABLE;
		goto out;
	}

	/* The resources' own (the TPM's state), under the lock. */
	{
		const char *what = NULL;

		r = resources_prepare(p, &ctx, &what);
		if (r < 0) {
			log_error("cannot prepare %s's %s: %s", p->name, what ? what : "resources",
				  strerror(-r));
			prepare_rollback(&st);
			ret = r == -EPERM || r == -EACCES || r == -ELOOP || r == -ENOTDIR
				      ? EX_NOPERM : r == -ENOMEM ? EX_OSERR : EX_UNAVAILABLE;
			goto out;
		}
	}

	ret = prepare_lg(p, &ctx, &lg);
	if (ret) {
		prepare_rollback(&st);
		goto out;
	}

	struct run_undo undo = { p, ctx.devfs, &lg, &st };
	ret = supervise(p, &ctx, &env, paused, &ns, &undo);

out:
	box_ns_stop(&ns);
	prepare_state_clear(&st);
	strv_clear(&out);
	findings_clear(&f);
	check_ctx_clear(&ctx);
	vm_paths_clear(&paths);
	return ret;
}
