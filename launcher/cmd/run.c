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
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "check.h"
#include "consent.h"
#include "cleanup.h"
#include "common.h"
#include "commands.h"
#include "exec_guard.h"
#include "findings.h"
#include "ivshmem.h"
#include "paths.h"
#include "prepare.h"
#include "profile.h"
#include "render.h"
#include "sandbox.h"

extern char **environ;

static void run_usage(FILE *out)
{
	fputs("Usage: vfio-launch run [--help] [--dry-run] [--paused] [--trust-profile] PROFILE\n\n"
	      "Check the host, prepare the VM's files and lock, confine, and\n"
	      "execute QEMU in place of this process (QEMU keeps the PID).\n"
	      "Refuses to start while any check FAILs or the VM already runs.\n\n"
	      "  --dry-run  check and print the argv, one per line; start nothing\n"
	      "  --paused   start with the vCPUs stopped (QEMU -S; resume over QMP)\n"
	      "  --trust-profile  start even though the profile widens QEMU's box\n"
	      "             (paths outside the usual places, binary =, sandbox = off,\n"
	      "             extra =); without it such a profile is refused (exit 77)\n",
	      out);
}

/* Prints the WARN and FAIL findings (run shows PASS lines only through
 * `check`); stderr, because stdout is the guest's serial console. */
static void print_problems(const struct findings *f)
{
	struct findings shown = { 0 };

	shown.items = calloc(f->n ? f->n : 1, sizeof(*shown.items));
	if (!shown.items) {
		findings_print(f, stderr);
		return;
	}
	for (size_t i = 0; i < f->n; i++)
		if (f->items[i].level != FINDING_PASS)
			shown.items[shown.n++] = f->items[i];
	findings_print(&shown, stderr);
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
 * What execve would refuse, checked while a failure can still be rolled
 * back: path executable by us, and for a "#!" script its interpreter too
 * (execve reports a missing interpreter as ENOENT on the script). Not
 * covered: an ELF whose loader is missing, or ENOMEM at exec time; then
 * the run fails confined and the runtime dir stays (harmless: the next
 * run reuses it). Returns 0 or -errno.
 */
static int exec_preflight(const char *path)
{
	char buf[256], *interp, *end;
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (access(path, X_OK) < 0)
		return -errno;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 2 || buf[0] != '#' || buf[1] != '!')
		return 0;
	buf[n] = '\0';
	interp = buf + 2;
	interp += strspn(interp, " \t");
	end = interp + strcspn(interp, " \t\n");
	*end = '\0';
	if (*interp && access(interp, X_OK) < 0)
		return -errno;
	return 0;
}

/*
 * The last step: confine this process and become QEMU. Only returns on
 * failure, with an exit code, after logging.
 */
static int confine_and_exec(const struct profile *p, const struct check_ctx *ctx,
			    struct prepare_state *st, int guard_fd, char **argv, bool *ret_confined)
{
	struct sandbox_policy pol;
	struct sandbox_result res;
	/* The lock fd goes to QEMU on purpose (prepare.h): clear its
	 * FD_CLOEXEC now, after everything that could still fail in the
	 * launcher's own logic. */
	int r = prepare_lock_inherit(st);
	if (r < 0) {
		log_error("cannot hand the lock to QEMU: %s", strerror(-r));
		return EX_OSERR;
	}

	/* Once confined, a failed execve can no longer undo prepare's work
	 * (Landlock denies removing the runtime dir and the ivshmem file),
	 * so catch the usual cause here, while rollback still works. */
	r = exec_preflight(argv[0]);
	if (r < 0) {
		log_error("cannot execute %s: %s", argv[0], strerror(-r));
		return r == -EACCES || r == -EPERM ? EX_NOPERM : EX_UNAVAILABLE;
	}

	/* ---- confine (sandbox.h): close fds but 0, 1, 2 and the lock,
	 * clean the environment, rlimits, capabilities, no_new_privs,
	 * Landlock, seccomp last; fail closed. ---- */
	r = sandbox_policy_build(p, ctx, ctx->paths, environ, &pol);
	if (r < 0) {
		log_error("cannot build QEMU's sandbox policy: %s", strerror(-r));
		return EX_SOFTWARE;
	}
	if (p->sandbox == SANDBOX_OFF)
		log_warn("*** sandbox = off in %s: QEMU runs WITHOUT the box: no seccomp, "
			 "no Landlock, capabilities, environment and descriptors untouched, "
			 "and without QEMU's own -sandbox. A guest that takes over QEMU "
			 "gets everything you have. For debugging only. ***",
			 p->file);
	/* Kept through step 1 of the box: the lock (QEMU's), and the exec
	 * guard's socket, which must close exactly at execve. */
	int keep[2] = { st->lock_fd, guard_fd };
	r = sandbox_apply(&pol, keep, guard_fd >= 0 ? 2 : 1, &res);
	if (r == 0 && guard_fd >= 0 && fcntl(guard_fd, F_SETFD, FD_CLOEXEC) < 0)
		r = -errno;
	if (r < 0) {
		if (r == -EOPNOTSUPP)
			log_error("the kernel offers no Landlock and %s says sandbox = strict: "
				  "not starting QEMU (%s; or use sandbox = on)", p->file,
				  landlock_missing_fix(res.landlock_err));
		else
			log_error("cannot confine QEMU (%s%s%s): %s; not starting it",
				  res.failed_step ? res.failed_step : "?",
				  res.failed_path ? ": " : "", res.failed_path ? res.failed_path : "",
				  strerror(-r));
		sandbox_policy_clear(&pol);
		return r == -EOPNOTSUPP ? EX_UNAVAILABLE : EX_OSERR;
	}
	*ret_confined = true;
	/* No Landlock (res.landlock_abi 0): the check's sandbox line has
	 * already WARNed, with the fix. */
	/* pol stays allocated: environ points into it until execve. */

	/* Whatever QEMU creates (its QMP socket, a memory-backend-file
	 * that does not exist yet) is the user's alone (DESIGN.md, trust
	 * boundary 2). */
	umask(077);
	fflush(stdout);
	fflush(stderr);
	execve(argv[0], argv, environ);
	r = -errno;
	log_error("cannot execute %s: %s", argv[0], strerror(-r));
	return r == -EACCES || r == -EPERM ? EX_NOPERM : EX_UNAVAILABLE;
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
	if (argc - optind != 1) {
		log_error("run needs exactly one PROFILE");
		run_usage(stderr);
		return EX_USAGE;
	}
	ret = load_profile(argv[optind], &p);
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
	ret = init_paths(p, &paths);
	if (ret)
		return ret;

	/* check: every finding, then refuse on any FAIL. */
	check_ctx_init(&ctx);
	ctx.paths = &paths;
	ctx.for_run = !dry_run;
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
	env.paused = paused;
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
		log_error("VM %s is already running (%s is locked by its QEMU)", p->name,
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

	ret = prepare_lg(p, &ctx, &lg);
	if (ret) {
		prepare_rollback(&st);
		goto out;
	}

	/* exec failed: leave no new file behind (DESIGN.md, "Errors"). Once
	 * confined, only the exec guard (forked before) may still do that. */
	struct run_undo undo = { p, ctx.devfs, &lg, &st };
	int guard_fd = -1;
	if (exec_guard_start(run_undo, &undo, &guard_fd) < 0)
		guard_fd = -1; /* no guard: undo here, as far as the box allows */
	bool confined = false;
	ret = confine_and_exec(p, &ctx, &st, guard_fd, out.v, &confined);
	if (guard_fd < 0 || exec_guard_undo(guard_fd) < 0)
		run_undo(&undo);
	else
		prepare_state_clear(&st); /* the watcher removed the files */
	/* A confined launcher whose exec failed has nothing left to do: leave
	 * without atexit handlers, which may need what the box denies (a
	 * sanitizer's leak checker ptraces itself and spins under seccomp). */
	if (confined) {
		fflush(NULL);
		_exit(ret);
	}

out:
	prepare_state_clear(&st);
	strv_clear(&out);
	findings_clear(&f);
	check_ctx_clear(&ctx);
	vm_paths_clear(&paths);
	return ret;
}
