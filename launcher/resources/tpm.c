// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tpm resource: [vm] tpm = yes gives the guest a TPM 2.0 (what
 * Windows 11 Setup asks for) from a per-VM swtpm, a helper in a box of
 * its own (resource.h struct helper, box/sandbox_helpers.c).
 *
 *   state    $XDG_STATE_HOME/vfio-launch/NAME/tpm/, made once by
 *            swtpm_setup --tpm2 (in a box too) and kept across runs: it
 *            holds the guest's keys (BitLocker's among them).
 *   helper   swtpm socket --tpm2 --ctrl type=unixio,clientfd=N: the
 *            supervisor's socketpair is swtpm's control channel; QEMU
 *            sends its data channel over it itself (CMD_SET_DATAFD,
 *            QEMU 7.2 backends/tpm/tpm_emulator.c,
 *            tpm_emulator_prepare_data_fd), so swtpm needs no path and
 *            no --server. --terminate: it ends when QEMU closes the
 *            channel (swtpm(8)).
 *   argv     -chardev socket,fd=N -tpmdev emulator -device tpm-crb
 *            (QEMU 7.2 docs/specs/tpm.rst, "The QEMU TPM emulator
 *            device"; CRB is the TPM 2.0 interface, what libvirt and
 *            virt-manager give Windows 11 on q35).
 *
 * No EK or platform certificate is made: swtpm_setup makes them with
 * swtpm_localca, whose CA state and configuration live in the user's home
 * outside the VM's state dir (~/.config/var/lib/swtpm-localca), and a
 * self-made CA's certificate proves nothing to anyone who checks it.
 * Windows 11 needs a TPM 2.0, not an EK certificate; the EK itself is
 * made (--createek).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "box.h"
#include "check.h"
#include "cleanup.h"
#include "findings.h"
#include "paths.h"
#include "profile.h"
#include "render.h"
#include "resource.h"
#include "sandbox_helpers.h"

/* The state's directory name in the VM's state dir. */
#define TPM_DIR "tpm"
/* Seconds swtpm_setup may take (it makes two EKs: well under one on a
 * 2-core machine) before prepare gives up on it. */
#define TPM_SETUP_TIMEOUT_S 60

static const char apt_fix[] = "install swtpm: sudo apt-get install swtpm swtpm-tools";

/* state_dir/tpm, malloc'd; NULL on -ENOMEM. */
static char *tpm_state_path(const struct vm_paths *paths)
{
	char *s;

	return asprintf(&s, "%s/" TPM_DIR, paths->state_dir) < 0 ? NULL : s;
}

/*
 * The version `swtpm --version` prints ("TPM emulator version 0.7.1,
 * Copyright ..."), into buf; "" when it says something else. Runs the
 * program (check only, not on run's path). 0 or -errno.
 */
static int swtpm_version(const char *swtpm, char *buf, size_t len)
{
	char *const argv[] = { (char *)swtpm, (char *)"--version", NULL };
	posix_spawn_file_actions_t fa;
	char out[256], *v;
	size_t n = 0;
	int pfd[2], r, status;
	pid_t pid;

	buf[0] = '\0';
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	r = -posix_spawn(&pid, swtpm, &fa, NULL, argv, (char *[]){ NULL });
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (r < 0) {
		close(pfd[0]);
		return r;
	}
	for (;;) {
		ssize_t k = read(pfd[0], out + n, sizeof(out) - 1 - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0 || (n += (size_t)k) == sizeof(out) - 1)
			break;
	}
	out[n] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	v = strstr(out, "version ");
	if (v) {
		v += strlen("version ");
		snprintf(buf, len, "%.*s", (int)strcspn(v, ", \n"), v);
	}
	return 0;
}

/* 0 when path (no link followed) is a directory of ours that nobody else
 * may write, -ENOENT when missing, else -ELOOP/-ENOTDIR/-EPERM/-errno. */
static int state_dir_ok(int dir_fd, const char *name)
{
	struct stat st;

	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != geteuid() || (st.st_mode & 022))
		return -EPERM;
	return 0;
}

static void tpm_check(const struct profile *p, struct check_ctx *ctx, struct findings *f)
{
	_cleanup_free_ char *swtpm = NULL, *setup = NULL, *state = NULL;
	char version[32] = "";
	int r;

	if (!p->tpm)
		return;
	r = find_executable("swtpm", &swtpm);
	if (r < 0) {
		finding_fail(f, "tpm", apt_fix, "tpm = yes needs swtpm: %s",
			     r == -ENOENT ? "not found in $PATH" : strerror(-r));
		return;
	}
	r = find_executable("swtpm_setup", &setup);
	if (r < 0) {
		finding_fail(f, "tpm", apt_fix, "tpm = yes needs swtpm_setup (swtpm-tools): %s",
			     r == -ENOENT ? "not found in $PATH" : strerror(-r));
		return;
	}
	/* The version is for the reader of `check`; run does not spend an
	 * exec on it. */
	if (!ctx->for_run)
		(void)swtpm_version(swtpm, version, sizeof(version));
	finding_pass(f, "tpm", "TPM 2.0 (tpm-crb) from %s%s%s, in its own box", swtpm,
		     version[0] ? " " : "", version);
	if (!ctx->paths)
		return;
	state = tpm_state_path(ctx->paths);
	if (!state)
		abort();
	/* swtpm's --tpmstate dir=PATH,mode=... is split at commas (swtpm's
	 * options.c has no escape). */
	if (strchr(state, ',')) {
		finding_fail(f, "tpm", "set XDG_STATE_HOME to a path without ','",
			     "the TPM state dir %s has a ',' swtpm cannot take", state);
		return;
	}
	r = -ENOENT;
	{
		_cleanup_close_ int sfd = open(ctx->paths->state_dir,
					       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sfd >= 0)
			r = state_dir_ok(sfd, TPM_DIR);
	}
	if (r == 0)
		finding_pass(f, "tpm", "state: %s (kept across runs)", state);
	else if (r == -ENOENT)
		finding_pass(f, "tpm", "state: made in %s on the first run (swtpm_setup --tpm2 "
			     "--createek, no EK certificate)", state);
	else
		finding_fail(f, "tpm", "remove it; the next run makes a new TPM (the guest's "
			     "TPM keys, BitLocker's among them, are lost)",
			     "%s is not a private directory of yours: %s", state, strerror(-r));
}

/* rm -r of dir_fd/name: the files swtpm_setup left in it (no
 * subdirectories), then it. */
static void remove_tree(int dir_fd, const char *name)
{
	_cleanup_closedir_ DIR *d = NULL;
	int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *e;

	if (fd >= 0 && !(d = fdopendir(fd)))
		close(fd);
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			(void)unlinkat(dirfd(d), e->d_name, 0);
	(void)unlinkat(dir_fd, name, AT_REMOVEDIR);
}

/* Runs swtpm_setup in its box on dir (empty, ours); 0 once it has
 * exited 0, else -errno (-EIO: it failed, its stderr says why). */
static int run_swtpm_setup(const struct profile *p, const char *setup, const char *swtpm,
			   const char *dir)
{
	_cleanup_free_ char *tpm_arg = NULL;
	struct sandbox_policy pol;
	struct sandbox_result res;
	struct box_child child;
	struct pollfd pfd;
	siginfo_t si = { 0 };
	int r;

	if (asprintf(&tpm_arg, "%s socket", swtpm) < 0)
		return -ENOMEM;
	/* --tpmstate: dir as its box shows it (sandbox_helpers.h).
	 * --config /dev/null: neither the user's ~/.config/swtpm_setup.conf
	 * nor /etc's decides what is made; --pcr-banks sha256 is 0.7.1's
	 * default, written out; --tpm: the box has no PATH. Its progress
	 * goes to stdout (dropped), its errors to stderr (ours). */
	char *argv[] = { (char *)setup, (char *)"--tpm2", (char *)"--tpmstate", NULL,
			       (char *)"--createek", (char *)"--lock-nvram",
			       (char *)"--not-overwrite", (char *)"--pcr-banks",
			       (char *)"sha256", (char *)"--config", (char *)"/dev/null",
			       (char *)"--tpm", tpm_arg, NULL };
	struct box_spec spec = { .policy = &pol, .stdio = { -1, -1, STDERR_FILENO } };

	r = sandbox_policy_build_swtpm(p, swtpm, dir, true, &pol);
	if (r < 0)
		return r;
	argv[3] = pol.namespaces ? (char *)"/tmp" : (char *)dir;
	/* setup is granted by /usr (or must be: a swtpm_setup elsewhere is
	 * granted as the binary it is). */
	r = grants_add_system(&pol.grants, setup, GRANT_RX, false, false);
	if (r == 0)
		r = box_spawn(&spec, argv, &child, &res);
	sandbox_policy_clear(&pol);
	if (r < 0)
		return r;
	pfd = (struct pollfd){ .fd = child.pidfd, .events = POLLIN };
	do
		r = poll(&pfd, 1, TPM_SETUP_TIMEOUT_S * 1000);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		syscall(SYS_pidfd_send_signal, child.pidfd, SIGKILL, NULL, 0);
	while (waitid(P_PIDFD, (id_t)child.pidfd, &si, WEXITED) < 0 && errno == EINTR)
		;
	close(child.pidfd);
	if (r == 0)
		return -ETIMEDOUT;
	return si.si_code == CLD_EXITED && si.si_status == 0 ? 0 : -EIO;
}

/*
 * The TPM's state, made once: swtpm_setup fills a new directory beside
 * it, which is renamed into place only when complete (RENAME_NOREPLACE),
 * so a failed or killed setup leaves no half-made state for the next run
 * to trust; it is removed. The state dir itself is the prepare stage's
 * (supervisor/prepare.c, which makes it for tpm = yes).
 */
static int tpm_prepare(const struct profile *p, const struct check_ctx *ctx)
{
	_cleanup_free_ char *swtpm = NULL, *setup = NULL, *tmp_path = NULL;
	_cleanup_close_ int sfd = -1;
	char tmp[64];
	unsigned rnd = 0;
	int r;

	if (!p->tpm || !ctx->paths)
		return 0;
	sfd = open(ctx->paths->state_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0)
		return -errno;
	r = state_dir_ok(sfd, TPM_DIR);
	if (r != -ENOENT)
		return r; /* there: kept; or not ours: refused */
	r = find_executable("swtpm", &swtpm);
	if (r == 0)
		r = find_executable("swtpm_setup", &setup);
	if (r < 0)
		return r;
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd = (unsigned)getpid();
	snprintf(tmp, sizeof(tmp), "." TPM_DIR ".%08x.new", rnd);
	if (mkdirat(sfd, tmp, 0700) < 0)
		return -errno;
	if (asprintf(&tmp_path, "%s/%s", ctx->paths->state_dir, tmp) < 0) {
		r = -ENOMEM;
		goto fail;
	}
	r = run_swtpm_setup(p, setup, swtpm, tmp_path);
	if (r == 0 && renameat2(sfd, tmp, sfd, TPM_DIR, RENAME_NOREPLACE) < 0)
		r = -errno;
	if (r == 0)
		return 0;
fail:
	remove_tree(sfd, tmp);
	return r;
}

/* swtpm for QEMU's tpm0, in the box sandbox_policy_build_swtpm makes. */
static int tpm_helpers(const struct profile *p, const struct check_ctx *ctx,
		       struct helper_list *list)
{
	_cleanup_free_ char *swtpm = NULL, *state = NULL;
	struct helper *h;

	if (!p->tpm)
		return 0;
	if (!ctx->paths)
		return -EINVAL;
	TRY(find_executable("swtpm", &swtpm));
	state = tpm_state_path(ctx->paths);
	if (!state)
		return -ENOMEM;
	TRY(helper_list_add(list, "tpm0", "swtpm", &h));
	TRY(strv_push2(&h->argv, swtpm, "socket"));
	TRY(strv_push(&h->argv, "--tpm2"));
	TRY(strv_push2(&h->argv, "--ctrl", "type=unixio,clientfd={fd}"));
	TRY(strv_push(&h->argv, "--tpmstate"));
	TRY(strv_pushf(&h->argv, "dir=%s,mode=0600", state));
	TRY(strv_push(&h->argv, "--terminate"));
	/* swtpm's own allowlist, on top of the box's filter: a syscall it
	 * never makes kills it (swtpm(8), --seccomp; swtpm's seccomp.c). */
	TRY(strv_push2(&h->argv, "--seccomp", "action=kill"));
	return sandbox_policy_build_swtpm(p, swtpm, state, false, &h->policy);
}

static int tpm_argv(const struct profile *p, const struct render_env *env, struct strv *sv)
{
	if (!p->tpm)
		return 0;
	/* The control channel is the socket the supervisor hands QEMU
	 * (swtpm holds the other end); QEMU 7.2 docs/specs/tpm.rst. */
	TRY(strv_push(sv, "-chardev"));
	TRY(strv_pushf(sv, "socket,id=chrtpm,fd=%d", render_helper_fd(env, "tpm0", RENDER_FD_TPM)));
	TRY(strv_push2(sv, "-tpmdev", "emulator,id=tpm0,chardev=chrtpm"));
	return strv_push2(sv, "-device", "tpm-crb,tpmdev=tpm0");
}

const struct resource resource_tpm = {
	.name = "tpm",
	.check = tpm_check,
	.prepare = tpm_prepare,
	.helpers = tpm_helpers,
	.argv = tpm_argv,
};
