/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The programs that run beside QEMU (DESIGN.md, "Processes"): what the
 * resources' helpers operation lists (resource.h struct helper: the
 * network helper, swtpm, virtiofsd), each started by the supervisor in a
 * box of its own before QEMU, connected to QEMU by a socketpair, and
 * ended after QEMU.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "render.h"
#include "resource.h"

/* Milliseconds a helper has to end by itself once QEMU is gone (it sees
 * EOF on its socket) before helpers_stop() kills it. */
#define HELPER_STOP_GRACE_MS 3000

struct helper_proc {
	char id[32];   /* QEMU's object it serves (struct helper) */
	char *what;    /* for messages; malloc'd */
	pid_t pid;     /* in our PID namespace */
	int pidfd;     /* O_CLOEXEC; -1 once reaped */
};

struct helper_set {
	struct helper_proc v[HELPERS_MAX];
	size_t n;
	/* QEMU's ends, by id, for render_env.helper_fds; the fds are open
	 * (O_CLOEXEC) until the supervisor hands them to QEMU. */
	struct render_helper_fd qemu[HELPERS_MAX];
};

/* An empty set (no pids, every fd -1). */
void helpers_init(struct helper_set *set);

/*
 * Starts every helper of list, in list order, each with box_spawn in its
 * own box (h->policy), its stdin and stdout /dev/null, stderr ours, and
 * its end of a new AF_UNIX SOCK_STREAM socketpair named in its argv where
 * "{fd}" appears. Fills set (QEMU's ends in set->qemu). Returns 0, or
 * -errno with *ret_what naming the helper and *ret_res the failed step
 * (the helpers started before are left in set for helpers_stop()).
 */
int helpers_start(struct helper_list *list, struct helper_set *set,
		  const char **ret_what, struct sandbox_result *ret_res);

/* Closes QEMU's ends still open here (once QEMU holds them, or failed). */
void helpers_close_qemu_fds(struct helper_set *set);

/*
 * After QEMU is gone: waits up to grace_ms (total, not per helper) for
 * each helper to end by itself, then SIGKILLs what is left and reaps it;
 * logs a helper that failed (non-zero status or killed by a signal other
 * than ours). Closes every descriptor; set is empty after.
 */
void helpers_stop(struct helper_set *set, unsigned grace_ms);
