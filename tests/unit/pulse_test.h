/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Building PulseAudio native-protocol frames in tests, byte by byte as
 * tagstruct.c (16.1) writes them, independently of pulse_proto.c.
 */
#pragma once

#include <check.h>
#include <stdint.h>
#include <string.h>

#include "pulse_proto.h"

struct pbuf {
	uint8_t d[8192];
	size_t n;
};

static inline void pb_raw32(struct pbuf *b, uint32_t v)
{
	ck_assert_uint_le(b->n + 4, sizeof(b->d));
	b->d[b->n++] = (uint8_t)(v >> 24);
	b->d[b->n++] = (uint8_t)(v >> 16);
	b->d[b->n++] = (uint8_t)(v >> 8);
	b->d[b->n++] = (uint8_t)v;
}

static inline void pb_byte(struct pbuf *b, uint8_t c)
{
	ck_assert_uint_le(b->n + 1, sizeof(b->d));
	b->d[b->n++] = c;
}

static inline void pb_u32(struct pbuf *b, uint32_t v)
{
	pb_byte(b, 'L');
	pb_raw32(b, v);
}

static inline void pb_str(struct pbuf *b, const char *s)
{
	if (!s) {
		pb_byte(b, 'N');
		return;
	}
	pb_byte(b, 't');
	for (size_t i = 0; i <= strlen(s); i++)
		pb_byte(b, (uint8_t)s[i]);
}

static inline void pb_arbitrary(struct pbuf *b, const void *p, uint32_t n)
{
	pb_byte(b, 'x');
	pb_raw32(b, n);
	for (uint32_t i = 0; i < n; i++)
		pb_byte(b, ((const uint8_t *)p)[i]);
}

/* A proplist with one entry key=value (value with its NUL, as
 * pa_proplist_sets stores it), or none when key is NULL. */
static inline void pb_proplist(struct pbuf *b, const char *key, const char *value)
{
	pb_byte(b, 'P');
	if (key) {
		pb_str(b, key);
		pb_u32(b, (uint32_t)strlen(value) + 1);
		pb_arbitrary(b, value, (uint32_t)strlen(value) + 1);
	}
	pb_str(b, NULL);
}

static inline void pb_cvolume(struct pbuf *b, uint8_t channels, uint32_t v)
{
	pb_byte(b, 'v');
	pb_byte(b, channels);
	for (uint8_t i = 0; i < channels; i++)
		pb_raw32(b, v);
}

/* The head of a packet: command and tag. */
static inline void pb_packet(struct pbuf *b, uint32_t command, uint32_t tag)
{
	b->n = 0;
	pb_u32(b, command);
	pb_u32(b, tag);
}

/* A whole frame (descriptor + payload) of packet b into out. */
static inline size_t pb_frame(const struct pbuf *b, uint8_t *out)
{
	struct pulse_desc d = { .length = (uint32_t)b->n, .channel = PULSE_CHANNEL_PACKET };

	pulse_desc_pack(&d, out);
	memcpy(out + PULSE_DESC_SIZE, b->d, b->n);
	return PULSE_DESC_SIZE + b->n;
}

/* The bytes of the ERROR packet frame for tag, written out by hand. */
static inline void pb_expected_error(uint32_t tag, uint8_t out[PULSE_ERROR_FRAME_SIZE])
{
	const uint8_t head[] = {
		0, 0, 0, 15,		/* length: three tagged u32 */
		0xff, 0xff, 0xff, 0xff, /* channel -1: a packet */
		0, 0, 0, 0, 0, 0, 0, 0, /* offset */
		0, 0, 0, 0,		/* flags */
		'L', 0, 0, 0, 0,	/* PA_COMMAND_ERROR */
	};
	const uint8_t tail[] = { 'L', 0, 0, 0, 1 }; /* PA_ERR_ACCESS */

	memcpy(out, head, sizeof(head));
	out[sizeof(head)] = 'L';
	out[sizeof(head) + 1] = (uint8_t)(tag >> 24);
	out[sizeof(head) + 2] = (uint8_t)(tag >> 16);
	out[sizeof(head) + 3] = (uint8_t)(tag >> 8);
	out[sizeof(head) + 4] = (uint8_t)tag;
	memcpy(out + sizeof(head) + 5, tail, sizeof(tail));
}
