// SPDX-License-Identifier: GPL-2.0-or-later
/* pulse_proto.c: frames, tagstructs and the command filter, on frames
 * built here byte by byte (pulse_test.h). Fork mode. */
#include <check.h>
#include <errno.h>
#include <pulse/def.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "pulse_proto.h"
#include "pulse_test.h"

/* The commands a client may send (pulse_proto.c client_policy). */
static const uint32_t allowed[] = {
	PULSE_CMD_AUTH,
	PULSE_CMD_SET_CLIENT_NAME,
	PULSE_CMD_GET_SERVER_INFO,
	PULSE_CMD_GET_SINK_INFO,
	PULSE_CMD_GET_SINK_INFO_LIST,
	PULSE_CMD_GET_SOURCE_INFO,
	PULSE_CMD_GET_SOURCE_INFO_LIST,
	PULSE_CMD_CREATE_PLAYBACK_STREAM,
	PULSE_CMD_DELETE_PLAYBACK_STREAM,
	PULSE_CMD_CREATE_RECORD_STREAM,
	PULSE_CMD_DELETE_RECORD_STREAM,
	PULSE_CMD_DRAIN_PLAYBACK_STREAM,
	PULSE_CMD_CORK_PLAYBACK_STREAM,
	PULSE_CMD_FLUSH_PLAYBACK_STREAM,
	PULSE_CMD_TRIGGER_PLAYBACK_STREAM,
	PULSE_CMD_PREBUF_PLAYBACK_STREAM,
	PULSE_CMD_CORK_RECORD_STREAM,
	PULSE_CMD_FLUSH_RECORD_STREAM,
	PULSE_CMD_GET_PLAYBACK_LATENCY,
	PULSE_CMD_GET_RECORD_LATENCY,
	PULSE_CMD_SET_PLAYBACK_STREAM_BUFFER_ATTR,
	PULSE_CMD_SET_RECORD_STREAM_BUFFER_ATTR,
	PULSE_CMD_UPDATE_PLAYBACK_STREAM_PROPLIST,
	PULSE_CMD_UPDATE_RECORD_STREAM_PROPLIST,
	PULSE_CMD_SET_PLAYBACK_STREAM_NAME,
	PULSE_CMD_SET_RECORD_STREAM_NAME,
};
/* Allowed only for the client's own streams. */
static const uint32_t own_only[] = {
	PULSE_CMD_SET_SINK_INPUT_VOLUME,
	PULSE_CMD_SET_SINK_INPUT_MUTE,
	PULSE_CMD_SET_SOURCE_OUTPUT_VOLUME,
	PULSE_CMD_SET_SOURCE_OUTPUT_MUTE,
};

static bool in(const uint32_t *v, size_t n, uint32_t c)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == c)
			return true;
	return false;
}

START_TEST(test_command_table)
{
	ck_assert_uint_eq(ELEMENTSOF(allowed), 26);
	ck_assert_uint_eq(ELEMENTSOF(own_only), 4);
	/* native-common.h (16.1): 105 commands; spot values on the wire. */
	ck_assert_int_eq(PULSE_CMD_MAX, 105);
	ck_assert_int_eq(PULSE_CMD_AUTH, 8);
	ck_assert_int_eq(PULSE_CMD_SET_DEFAULT_SINK, 44);
	ck_assert_int_eq(PULSE_CMD_KILL_CLIENT, 48);
	ck_assert_int_eq(PULSE_CMD_LOAD_MODULE, 51);
	ck_assert_int_eq(PULSE_CMD_UNLOAD_MODULE, 52);
	ck_assert_int_eq(PULSE_CMD_REQUEST, 61);
	ck_assert_int_eq(PULSE_CMD_EXTENSION, 87);
	ck_assert_int_eq(PULSE_CMD_SET_SOURCE_OUTPUT_MUTE, 99);
	ck_assert_int_eq(PULSE_CMD_REGISTER_MEMFD_SHMID, 103);
	ck_assert_int_eq(PULSE_CMD_SEND_OBJECT_MESSAGE, 104);
	ck_assert_uint_eq(PULSE_ERR_ACCESS, PA_ERR_ACCESS);
	for (uint32_t c = 0; c < PULSE_CMD_MAX; c++)
		ck_assert_ptr_nonnull(pulse_command_name(c));
	ck_assert_str_eq(pulse_command_name(PULSE_CMD_LOAD_MODULE), "LOAD_MODULE");
	ck_assert_ptr_null(pulse_command_name(PULSE_CMD_MAX));
}
END_TEST

/* Every command value (and some past the table), with one u32 argument:
 * exactly the allowed ones pass, unchanged; the rest get the ERROR. */
START_TEST(test_policy_all_commands)
{
	size_t forwarded = 0;

	for (uint32_t c = 0; c < PULSE_CMD_MAX + 3; c++) {
		struct pulse_filter f;
		struct pbuf b, copy;
		uint32_t cmd = 0, tag = 0;
		enum pulse_verdict v;

		pulse_filter_init(&f);
		pb_packet(&b, c, 7 + c);
		pb_u32(&b, 0);
		copy = b;
		v = pulse_filter_client(&f, b.d, b.n, &cmd, &tag);
		ck_assert_uint_eq(cmd, c);
		ck_assert_uint_eq(tag, 7 + c);
		ck_assert_mem_eq(b.d, copy.d, b.n);
		if (in(allowed, ELEMENTSOF(allowed), c)) {
			ck_assert_msg(v == PULSE_FORWARD, "%s denied", pulse_command_name(c));
			forwarded++;
		} else {
			ck_assert_msg(v == PULSE_DENY, "command %u passed", c);
			ck_assert_uint_eq(f.n_denied, 1);
		}
	}
	ck_assert_uint_eq(forwarded, ELEMENTSOF(allowed));
}
END_TEST

START_TEST(test_error_frame)
{
	uint8_t got[PULSE_ERROR_FRAME_SIZE], want[PULSE_ERROR_FRAME_SIZE];
	struct pulse_desc d;

	pulse_error_frame(0x01020304, PULSE_ERR_ACCESS, got);
	pb_expected_error(0x01020304, want);
	ck_assert_mem_eq(got, want, sizeof(got));
	ck_assert_int_eq(pulse_desc_parse(got, &d), 0);
	ck_assert_int_eq(pulse_ts_validate(got + PULSE_DESC_SIZE, d.length), 0);
}
END_TEST

/* Allowed commands with the arguments libpulse (stream.c, context.c,
 * introspect.c) sends: forwarded byte for byte. */
START_TEST(test_allowed_realistic)
{
	static const uint8_t spec[] = { 'a', 3, 2, 0, 0, 0xac, 0x44 }; /* s16le 2ch 44100 */
	static const uint8_t map[] = { 'm', 2, 1, 2 };
	static const uint8_t tv[] = { 'T', 0, 0, 0, 1, 0, 0, 0, 2 };
	struct pulse_filter f;
	struct pbuf b, copy;
	uint32_t cmd, tag;

	pulse_filter_init(&f);
	pb_packet(&b, PULSE_CMD_SET_CLIENT_NAME, 1);
	pb_proplist(&b, "application.name", "qemu");
	copy = b;
	ck_assert_int_eq(pulse_filter_client(&f, b.d, b.n, &cmd, &tag), PULSE_FORWARD);
	ck_assert_mem_eq(b.d, copy.d, b.n);

	pb_packet(&b, PULSE_CMD_CREATE_PLAYBACK_STREAM, 2);
	memcpy(b.d + b.n, spec, sizeof(spec));
	b.n += sizeof(spec);
	memcpy(b.d + b.n, map, sizeof(map));
	b.n += sizeof(map);
	pb_u32(&b, UINT32_MAX);
	pb_str(&b, "vl_null");
	pb_u32(&b, UINT32_MAX);
	pb_byte(&b, '0');
	pb_cvolume(&b, 2, 0x10000);
	pb_proplist(&b, "media.name", "audio0");
	pb_byte(&b, 'B');
	pb_byte(&b, 1);
	pb_byte(&b, 'f');
	pb_byte(&b, 'B');
	pb_byte(&b, 1);
	pb_proplist(&b, NULL, NULL);
	copy = b;
	ck_assert_int_eq(pulse_filter_client(&f, b.d, b.n, &cmd, &tag), PULSE_FORWARD);
	ck_assert_mem_eq(b.d, copy.d, b.n);

	pb_packet(&b, PULSE_CMD_GET_PLAYBACK_LATENCY, 3);
	pb_u32(&b, 0);
	memcpy(b.d + b.n, tv, sizeof(tv));
	b.n += sizeof(tv);
	copy = b;
	ck_assert_int_eq(pulse_filter_client(&f, b.d, b.n, &cmd, &tag), PULSE_FORWARD);
	ck_assert_mem_eq(b.d, copy.d, b.n);

	pb_packet(&b, PULSE_CMD_UPDATE_PLAYBACK_STREAM_PROPLIST, 4);
	pb_u32(&b, 0);
	pb_u32(&b, 1);
	pb_proplist(&b, "media.role", "game");
	copy = b;
	ck_assert_int_eq(pulse_filter_client(&f, b.d, b.n, &cmd, &tag), PULSE_FORWARD);
	ck_assert_mem_eq(b.d, copy.d, b.n);

	pb_packet(&b, PULSE_CMD_GET_SINK_INFO, 5);
	pb_u32(&b, UINT32_MAX);
	pb_str(&b, "vl_null");
	ck_assert_int_eq(pulse_filter_client(&f, b.d, b.n, &cmd, &tag), PULSE_FORWARD);
	ck_assert_uint_eq(f.n_denied, 0);
}
END_TEST

START_TEST(test_auth_clears_shm)
{
	struct pulse_filter f;
	struct pbuf b, copy;
	uint8_t cookie[256];
	uint32_t cmd, tag;

	memset(cookie, 0xa5, sizeof(cookie));
	pulse_filter_init(&f);
	pb_packet(&b, PULSE_CMD_AUTH, 0);
	pb_u32(&b, 35 | PULSE_PROTOCOL_FLAG_SHM | PULSE_PROTOCOL_FLAG_MEMFD);
	pb_arbitrary(&b, cookie, sizeof(cookie));
	copy = b;
	ck_assert_int_eq(pulse_filter_client(&f, b.d, b.n, &cmd, &tag), PULSE_FORWARD);
	/* Only the version word changed: 35, no flags. */
	ck_assert_mem_eq(b.d, copy.d, 11);
	ck_assert_mem_eq(b.d + 11, ((const uint8_t[]){ 0, 0, 0, 35 }), 4);
	ck_assert_mem_eq(b.d + 15, copy.d + 15, b.n - 15);

	/* The server's reply to that tag gets the same treatment. */
	pb_packet(&b, PULSE_CMD_REPLY, 0);
	pb_u32(&b, 35 | PULSE_PROTOCOL_FLAG_SHM | PULSE_PROTOCOL_FLAG_MEMFD);
	ck_assert_int_eq(pulse_filter_server(&f, b.d, b.n), PULSE_FORWARD);
	ck_assert_mem_eq(b.d + 11, ((const uint8_t[]){ 0, 0, 0, 35 }), 4);
	ck_assert_uint_eq(f.n_pending, 0);

	/* An AUTH without a version is refused, not forwarded. */
	pb_packet(&b, PULSE_CMD_AUTH, 1);
	ck_assert_int_eq(pulse_filter_client(&f, b.d, b.n, &cmd, &tag), PULSE_DENY);
}
END_TEST

static enum pulse_verdict client_u32(struct pulse_filter *f, uint32_t command, uint32_t tag,
				     uint32_t arg)
{
	struct pbuf b;
	uint32_t cmd, t;

	pb_packet(&b, command, tag);
	pb_u32(&b, arg);
	if (command == PULSE_CMD_SET_SINK_INPUT_VOLUME || command == PULSE_CMD_SET_SOURCE_OUTPUT_VOLUME)
		pb_cvolume(&b, 2, 0x8000);
	else if (command == PULSE_CMD_SET_SINK_INPUT_MUTE || command == PULSE_CMD_SET_SOURCE_OUTPUT_MUTE)
		pb_byte(&b, '1');
	return pulse_filter_client(f, b.d, b.n, &cmd, &t);
}

static void server_reply_create(struct pulse_filter *f, uint32_t tag, uint32_t channel,
				uint32_t index)
{
	struct pbuf b;

	pb_packet(&b, PULSE_CMD_REPLY, tag);
	pb_u32(&b, channel);
	pb_u32(&b, index);
	pb_u32(&b, 4096);
	ck_assert_int_eq(pulse_filter_server(f, b.d, b.n), PULSE_FORWARD);
}

START_TEST(test_own_streams_only)
{
	struct pulse_filter f;
	struct pbuf b;

	pulse_filter_init(&f);
	/* Nothing created: no index is the client's. */
	ck_assert_int_eq(client_u32(&f, PULSE_CMD_SET_SINK_INPUT_VOLUME, 1, 42), PULSE_DENY);
	ck_assert_int_eq(client_u32(&f, PULSE_CMD_CREATE_PLAYBACK_STREAM, 2, 0), PULSE_FORWARD);
	ck_assert_int_eq(client_u32(&f, PULSE_CMD_CREATE_RECORD_STREAM, 3, 0), PULSE_FORWARD);
	server_reply_create(&f, 2, 0, 42);
	server_reply_create(&f, 3, 0, 17);
	ck_assert_uint_eq(f.n_playback, 1);
	ck_assert_uint_eq(f.n_record, 1);

	ck_assert_int_eq(client_u32(&f, PULSE_CMD_SET_SINK_INPUT_VOLUME, 4, 42), PULSE_FORWARD);
	ck_assert_int_eq(client_u32(&f, PULSE_CMD_SET_SINK_INPUT_MUTE, 5, 42), PULSE_FORWARD);
	ck_assert_int_eq(client_u32(&f, PULSE_CMD_SET_SINK_INPUT_VOLUME, 6, 41), PULSE_DENY);
	/* A sink input index is not a source output index. */
	ck_assert_int_eq(client_u32(&f, PULSE_CMD_SET_SOURCE_OUTPUT_VOLUME, 7, 42), PULSE_DENY);
	ck_assert_int_eq(client_u32(&f, PULSE_CMD_SET_SOURCE_OUTPUT_VOLUME, 8, 17), PULSE_FORWARD);
	ck_assert_int_eq(client_u32(&f, PULSE_CMD_SET_SOURCE_OUTPUT_MUTE, 9, 17), PULSE_FORWARD);

	/* Deleted (by channel) or killed by the server: no longer its own. */
	ck_assert_int_eq(client_u32(&f, PULSE_CMD_DELETE_PLAYBACK_STREAM, 10, 0), PULSE_FORWARD);
	ck_assert_int_eq(client_u32(&f, PULSE_CMD_SET_SINK_INPUT_VOLUME, 11, 42), PULSE_DENY);
	pb_packet(&b, PULSE_CMD_RECORD_STREAM_KILLED, UINT32_MAX);
	pb_u32(&b, 0);
	ck_assert_int_eq(pulse_filter_server(&f, b.d, b.n), PULSE_FORWARD);
	ck_assert_int_eq(client_u32(&f, PULSE_CMD_SET_SOURCE_OUTPUT_MUTE, 12, 17), PULSE_DENY);

	/* A create the server refused owns nothing. */
	ck_assert_int_eq(client_u32(&f, PULSE_CMD_CREATE_PLAYBACK_STREAM, 13, 0), PULSE_FORWARD);
	pb_packet(&b, PULSE_CMD_ERROR, 13);
	pb_u32(&b, 5);
	ck_assert_int_eq(pulse_filter_server(&f, b.d, b.n), PULSE_FORWARD);
	ck_assert_uint_eq(f.n_playback, 0);
	ck_assert_uint_eq(f.n_pending, 0);
}
END_TEST

START_TEST(test_pending_limits)
{
	struct pulse_filter f;

	pulse_filter_init(&f);
	ck_assert_int_eq(client_u32(&f, PULSE_CMD_CREATE_PLAYBACK_STREAM, 1, 0), PULSE_FORWARD);
	/* The same tag twice while waiting for its reply. */
	ck_assert_int_eq(client_u32(&f, PULSE_CMD_CREATE_RECORD_STREAM, 1, 0), PULSE_DENY);
	for (uint32_t t = 2; t <= PULSE_MAX_PENDING; t++)
		ck_assert_int_eq(client_u32(&f, PULSE_CMD_CREATE_PLAYBACK_STREAM, t, 0), PULSE_FORWARD);
	ck_assert_int_eq(client_u32(&f, PULSE_CMD_CREATE_PLAYBACK_STREAM, 99, 0), PULSE_DENY);
	/* Streams past PULSE_MAX_STREAMS are refused before they exist. */
	for (uint32_t t = 1; t <= PULSE_MAX_PENDING; t++)
		server_reply_create(&f, t, t, 100 + t);
	for (uint32_t t = 100; t < 100 + PULSE_MAX_STREAMS - PULSE_MAX_PENDING; t++) {
		ck_assert_int_eq(client_u32(&f, PULSE_CMD_CREATE_PLAYBACK_STREAM, t, 0), PULSE_FORWARD);
		server_reply_create(&f, t, t, 1000 + t);
	}
	ck_assert_uint_eq(f.n_playback, PULSE_MAX_STREAMS);
	ck_assert_int_eq(client_u32(&f, PULSE_CMD_CREATE_PLAYBACK_STREAM, 500, 0), PULSE_DENY);
	ck_assert_int_eq(client_u32(&f, PULSE_CMD_CREATE_RECORD_STREAM, 501, 0), PULSE_FORWARD);
}
END_TEST

START_TEST(test_malformed_packets)
{
	struct pulse_filter f;
	struct pbuf b;
	uint32_t cmd, tag;

	pulse_filter_init(&f);
	/* No tag. */
	pb_packet(&b, PULSE_CMD_GET_SERVER_INFO, 1);
	b.n = 5;
	ck_assert_int_eq(pulse_filter_client(&f, b.d, b.n, &cmd, &tag), PULSE_MALFORMED);
	/* A u32 cut short. */
	pb_packet(&b, PULSE_CMD_GET_SINK_INFO, 1);
	pb_u32(&b, 0);
	ck_assert_int_eq(pulse_filter_client(&f, b.d, b.n - 1, &cmd, &tag), PULSE_MALFORMED);
	/* An unknown tag. */
	pb_packet(&b, PULSE_CMD_GET_SINK_INFO, 1);
	pb_byte(&b, 'Z');
	ck_assert_int_eq(pulse_filter_client(&f, b.d, b.n, &cmd, &tag), PULSE_MALFORMED);
	/* A string without its NUL. */
	pb_packet(&b, PULSE_CMD_GET_SINK_INFO, 1);
	pb_byte(&b, 't');
	pb_byte(&b, 'a');
	ck_assert_int_eq(pulse_filter_client(&f, b.d, b.n, &cmd, &tag), PULSE_MALFORMED);
	/* An arbitrary longer than the packet. */
	pb_packet(&b, PULSE_CMD_AUTH, 1);
	pb_u32(&b, 35);
	pb_byte(&b, 'x');
	pb_raw32(&b, 256);
	ck_assert_int_eq(pulse_filter_client(&f, b.d, b.n, &cmd, &tag), PULSE_MALFORMED);
	pb_packet(&b, PULSE_CMD_AUTH, 1);
	pb_u32(&b, 35);
	pb_byte(&b, 'x');
	pb_raw32(&b, UINT32_MAX);
	ck_assert_int_eq(pulse_filter_client(&f, b.d, b.n, &cmd, &tag), PULSE_MALFORMED);
	/* A cvolume of 33 channels (PA_CHANNELS_MAX is 32). */
	pb_packet(&b, PULSE_CMD_SET_SINK_INPUT_VOLUME, 1);
	pb_u32(&b, 0);
	pb_cvolume(&b, 33, 0);
	ck_assert_int_eq(pulse_filter_client(&f, b.d, b.n, &cmd, &tag), PULSE_MALFORMED);
	/* Proplists: value length disagreeing, empty key, no end. */
	pb_packet(&b, PULSE_CMD_SET_CLIENT_NAME, 1);
	pb_byte(&b, 'P');
	pb_str(&b, "a");
	pb_u32(&b, 2);
	pb_arbitrary(&b, "b", 1);
	pb_str(&b, NULL);
	ck_assert_int_eq(pulse_filter_client(&f, b.d, b.n, &cmd, &tag), PULSE_MALFORMED);
	pb_packet(&b, PULSE_CMD_SET_CLIENT_NAME, 1);
	pb_proplist(&b, "", "x");
	ck_assert_int_eq(pulse_filter_client(&f, b.d, b.n, &cmd, &tag), PULSE_MALFORMED);
	pb_packet(&b, PULSE_CMD_SET_CLIENT_NAME, 1);
	pb_proplist(&b, "a", "b");
	ck_assert_int_eq(pulse_filter_client(&f, b.d, b.n - 1, &cmd, &tag), PULSE_MALFORMED);
	/* Server packets: no command and tag. */
	pb_packet(&b, PULSE_CMD_REPLY, 1);
	ck_assert_int_eq(pulse_filter_server(&f, b.d, 7), PULSE_MALFORMED);
	/* A reply to a create without the stream's channel and index. */
	ck_assert_int_eq(client_u32(&f, PULSE_CMD_CREATE_PLAYBACK_STREAM, 9, 0), PULSE_FORWARD);
	pb_packet(&b, PULSE_CMD_REPLY, 9);
	pb_u32(&b, 0);
	ck_assert_int_eq(pulse_filter_server(&f, b.d, b.n), PULSE_MALFORMED);
	ck_assert_uint_eq(f.n_denied, 0);
}
END_TEST

START_TEST(test_descriptors)
{
	static const struct {
		struct pulse_desc d;
		int r;
	} cases[] = {
		{ { 10, PULSE_CHANNEL_PACKET, 0, 0, 0 }, 0 },
		{ { 4096, 0, 0, 0, 0 }, 0 },
		{ { 4096, 3, 0, 0, 3 }, 0 },			 /* seek RELATIVE_END */
		{ { PULSE_FRAME_MAX, 0, 0, 0, 0 }, 0 },
		{ { 10, PULSE_CHANNEL_PACKET, 0, 0, 1 }, -EPROTO },
		{ { 4096, 0, 0, 0, 4 }, -EPROTO },		 /* no such seek mode */
		{ { 16, 0, 0, 0, 0x80000000u }, -EPROTO },	 /* SHMDATA */
		{ { 16, 0, 0, 0, 0xa0000000u }, -EPROTO },	 /* SHMDATA | MEMFD_BLOCK */
		{ { 0, UINT32_MAX, 7, 0, 0x40000000u }, -EPROTO }, /* SHMRELEASE */
		{ { 0, UINT32_MAX, 7, 0, 0xc0000000u }, -EPROTO }, /* SHMREVOKE */
		{ { 16, 0, 0, 0, 0x00800000u }, -EPROTO },	 /* SHMWRITABLE */
		{ { 0, PULSE_CHANNEL_PACKET, 0, 0, 0 }, -EMSGSIZE },
		{ { 0, 0, 0, 0, 0 }, -EMSGSIZE },
		{ { PULSE_FRAME_MAX + 1, 0, 0, 0, 0 }, -EMSGSIZE },
		{ { UINT32_MAX, PULSE_CHANNEL_PACKET, 0, 0, 0 }, -EMSGSIZE },
	};
	uint8_t raw[PULSE_DESC_SIZE];
	struct pulse_desc out;

	ck_assert_uint_eq(ELEMENTSOF(cases), 15);
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		pulse_desc_pack(&cases[i].d, raw);
		ck_assert_msg(pulse_desc_parse(raw, &out) == cases[i].r, "case %zu", i);
		if (cases[i].r == 0)
			ck_assert_mem_eq(&out, &cases[i].d, sizeof(out));
	}
	/* Big-endian on the wire. */
	pulse_desc_pack(&cases[1].d, raw);
	ck_assert_mem_eq(raw, ((const uint8_t[]){ 0, 0, 0x10, 0 }), 4);
}
END_TEST

START_TEST(test_server_commands)
{
	static const struct {
		uint32_t command;
		enum pulse_verdict v;
	} cases[] = {
		{ PULSE_CMD_REQUEST, PULSE_FORWARD },
		{ PULSE_CMD_STARTED, PULSE_FORWARD },
		{ PULSE_CMD_UNDERFLOW, PULSE_FORWARD },
		{ PULSE_CMD_PLAYBACK_STREAM_MOVED, PULSE_FORWARD },
		{ PULSE_CMD_RECORD_BUFFER_ATTR_CHANGED, PULSE_FORWARD },
		{ PULSE_CMD_SUBSCRIBE_EVENT, PULSE_DROP },
		{ PULSE_CMD_EXTENSION, PULSE_DROP },
		{ PULSE_CMD_ENABLE_SRBCHANNEL, PULSE_DROP },
		{ PULSE_CMD_REGISTER_MEMFD_SHMID, PULSE_DROP },
		{ PULSE_CMD_LOAD_MODULE, PULSE_DROP },
		{ 1000, PULSE_DROP },
	};
	struct pulse_filter f;
	struct pbuf b;

	ck_assert_uint_eq(ELEMENTSOF(cases), 11);
	pulse_filter_init(&f);
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		pb_packet(&b, cases[i].command, UINT32_MAX);
		pb_u32(&b, 0);
		ck_assert_msg(pulse_filter_server(&f, b.d, b.n) == cases[i].v, "%zu", i);
	}
	ck_assert_uint_eq(f.n_dropped, 6);
	/* A reply to nothing the filter waits for passes untouched. */
	pb_packet(&b, PULSE_CMD_REPLY, 77);
	pb_u32(&b, PULSE_PROTOCOL_FLAG_SHM);
	ck_assert_int_eq(pulse_filter_server(&f, b.d, b.n), PULSE_FORWARD);
	ck_assert_uint_eq(b.d[11], 0x80);
}
END_TEST

/* Each tag tagstruct.h defines, well-formed, then cut short: the walk
 * accepts the whole and refuses every proper prefix. */
START_TEST(test_tagstruct_walk)
{
	static const uint8_t all[] = {
		't', 'h', 'i', 0, 'N', 'L', 0, 0, 0, 1, 'B', 2, 'R', 0, 0, 0, 0, 0, 0, 0, 3,
		'r', 0, 0, 0, 0, 0, 0, 0, 4, 'a', 3, 2, 0, 0, 0xbb, 0x80, 'x', 0, 0, 0, 2, 9, 9,
		'1', '0', 'T', 0, 0, 0, 1, 0, 0, 0, 2, 'U', 0, 0, 0, 0, 0, 0, 0, 5,
		'm', 2, 1, 2, 'v', 1, 0, 1, 0, 0, 'V', 0, 1, 0, 0,
		'P', 't', 'k', 0, 'L', 0, 0, 0, 1, 'x', 0, 0, 0, 1, 'v', 'N',
		'f', 'B', 1, 'P', 'N',
	};
	struct pulse_ts t = { .data = all, .len = sizeof(all) };
	size_t values = 0;

	while (t.pos < t.len) {
		ck_assert_int_eq(pulse_ts_skip(&t), 0);
		values++;
	}
	ck_assert_uint_eq(values, 17);
	ck_assert_int_eq(pulse_ts_validate(all, sizeof(all)), 0);
	/* Cut inside the last value: refused. */
	for (size_t n = sizeof(all) - 4; n < sizeof(all); n++)
		ck_assert_int_eq(pulse_ts_validate(all, n), -EBADMSG);
}
END_TEST

static Suite *pulse_proto_suite(void)
{
	Suite *s = suite_create("pulse_proto");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_command_table);
	tcase_add_test(tc, test_policy_all_commands);
	tcase_add_test(tc, test_error_frame);
	tcase_add_test(tc, test_allowed_realistic);
	tcase_add_test(tc, test_auth_clears_shm);
	tcase_add_test(tc, test_own_streams_only);
	tcase_add_test(tc, test_pending_limits);
	tcase_add_test(tc, test_malformed_packets);
	tcase_add_test(tc, test_descriptors);
	tcase_add_test(tc, test_server_commands);
	tcase_add_test(tc, test_tagstruct_walk);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pulse_proto_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
