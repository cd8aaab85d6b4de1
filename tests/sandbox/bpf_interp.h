/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny classic-BPF interpreter for seccomp programs, for tests and the
 * benchmark: it runs the program libseccomp exports (seccomp_export_bpf)
 * on a struct seccomp_data and returns the action and the number of BPF
 * instructions executed. Semantics: the kernel's
 * Documentation/networking/filter.rst and kernel/seccomp.c (the
 * instructions seccomp_check_filter accepts).
 */
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Returns 0 and sets *ret_action and *ret_steps, or -1 on an instruction
 * it does not know / an out-of-range access / running off the end. */
static inline int bpf_run(const struct sock_filter *prog, size_t n,
			  const struct seccomp_data *d, uint32_t *ret_action,
			  unsigned *ret_steps)
{
	uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = { 0 };
	unsigned steps = 0;
	size_t pc = 0;

	while (pc < n) {
		const struct sock_filter *f = &prog[pc++];
		uint32_t k = f->k, src;

		steps++;
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (k > sizeof(*d) - 4 || (k & 3))
				return -1;
			memcpy(&A, (const char *)d + k, 4);
			break;
		case BPF_LD | BPF_W | BPF_LEN:
			A = sizeof(*d);
			break;
		case BPF_LD | BPF_IMM:
			A = k;
			break;
		case BPF_LDX | BPF_IMM:
			X = k;
			break;
		case BPF_LD | BPF_MEM:
			if (k >= BPF_MEMWORDS)
				return -1;
			A = M[k];
			break;
		case BPF_LDX | BPF_MEM:
			if (k >= BPF_MEMWORDS)
				return -1;
			X = M[k];
			break;
		case BPF_ST:
			if (k >= BPF_MEMWORDS)
				return -1;
			M[k] = A;
			break;
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				return -1;
			M[k] = X;
			break;
		case BPF_MISC | BPF_TAX:
			X = A;
			break;
		case BPF_MISC | BPF_TXA:
			A = X;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			A &= k;
			break;
		case BPF_ALU | BPF_OR | BPF_K:
			A |= k;
			break;
		case BPF_ALU | BPF_ADD | BPF_K:
			A += k;
			break;
		case BPF_ALU | BPF_SUB | BPF_K:
			A -= k;
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			A >>= (k & 31);
			break;
		case BPF_ALU | BPF_LSH | BPF_K:
			A <<= (k & 31);
			break;
		case BPF_JMP | BPF_JA:
			pc += k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JEQ | BPF_X:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_X:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_X:
		case BPF_JMP | BPF_JSET | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_X: {
			bool t;
			src = BPF_SRC(f->code) == BPF_X ? X : k;
			switch (BPF_OP(f->code)) {
			case BPF_JEQ:
				t = A == src;
				break;
			case BPF_JGT:
				t = A > src;
				break;
			case BPF_JGE:
				t = A >= src;
				break;
			default:
				t = (A & src) != 0;
				break;
			}
			pc += t ? f->jt : f->jf;
			break;
		}
		case BPF_RET | BPF_K:
			*ret_action = k;
			*ret_steps = steps;
			return 0;
		case BPF_RET | BPF_A:
			*ret_action = A;
			*ret_steps = steps;
			return 0;
		default:
			return -1;
		}
	}
	return -1;
}
