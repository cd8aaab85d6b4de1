// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PulseAudio native protocol codec and the audio proxy's command
 * filter (pulse_proto.h). Every wire detail is from PulseAudio 16.1
 * (git tag v16.1); the file each comes from is named where it is used.
 */
#include "pulse_proto.h"

#include <errno.h>
#include <string.h>

#include "cleanup.h"

/* Names for logs, in native-common.h's order (the enum's). */
static const char *const command_names[] = {
	[PULSE_CMD_ERROR] = "ERROR",
	[PULSE_CMD_TIMEOUT] = "TIMEOUT",
	[PULSE_CMD_REPLY] = "REPLY",
	[PULSE_CMD_CREATE_PLAYBACK_STREAM] = "CREATE_PLAYBACK_STREAM",
	[PULSE_CMD_DELETE_PLAYBACK_STREAM] = "DELETE_PLAYBACK_STREAM",
	[PULSE_CMD_CREATE_RECORD_STREAM] = "CREATE_RECORD_STREAM",
	[PULSE_CMD_DELETE_RECORD_STREAM] = "DELETE_RECORD_STREAM",
	[PULSE_CMD_EXIT] = "EXIT",
	[PULSE_CMD_AUTH] = "AUTH",
	[PULSE_CMD_SET_CLIENT_NAME] = "SET_CLIENT_NAME",
	[PULSE_CMD_LOOKUP_SINK] = "LOOKUP_SINK",
	[PULSE_CMD_LOOKUP_SOURCE] = "LOOKUP_SOURCE",
	[PULSE_CMD_DRAIN_PLAYBACK_STREAM] = "DRAIN_PLAYBACK_STREAM",
	[PULSE_CMD_STAT] = "STAT",
	[PULSE_CMD_GET_PLAYBACK_LATENCY] = "GET_PLAYBACK_LATENCY",
	[PULSE_CMD_CREATE_UPLOAD_STREAM] = "CREATE_UPLOAD_STREAM",
	[PULSE_CMD_DELETE_UPLOAD_STREAM] = "DELETE_UPLOAD_STREAM",
	[PULSE_CMD_FINISH_UPLOAD_STREAM] = "FINISH_UPLOAD_STREAM",
	[PULSE_CMD_PLAY_SAMPLE] = "PLAY_SAMPLE",
	[PULSE_CMD_REMOVE_SAMPLE] = "REMOVE_SAMPLE",
	[PULSE_CMD_GET_SERVER_INFO] = "GET_SERVER_INFO",
	[PULSE_CMD_GET_SINK_INFO] = "GET_SINK_INFO",
	[PULSE_CMD_GET_SINK_INFO_LIST] = "GET_SINK_INFO_LIST",
	[PULSE_CMD_GET_SOURCE_INFO] = "GET_SOURCE_INFO",
	[PULSE_CMD_GET_SOURCE_INFO_LIST] = "GET_SOURCE_INFO_LIST",
	[PULSE_CMD_GET_MODULE_INFO] = "GET_MODULE_INFO",
	[PULSE_CMD_GET_MODULE_INFO_LIST] = "GET_MODULE_INFO_LIST",
	[PULSE_CMD_GET_CLIENT_INFO] = "GET_CLIENT_INFO",
	[PULSE_CMD_GET_CLIENT_INFO_LIST] = "GET_CLIENT_INFO_LIST",
	[PULSE_CMD_GET_SINK_INPUT_INFO] = "GET_SINK_INPUT_INFO",
	[PULSE_CMD_GET_SINK_INPUT_INFO_LIST] = "GET_SINK_INPUT_INFO_LIST",
	[PULSE_CMD_GET_SOURCE_OUTPUT_INFO] = "GET_SOURCE_OUTPUT_INFO",
	[PULSE_CMD_GET_SOURCE_OUTPUT_INFO_LIST] = "GET_SOURCE_OUTPUT_INFO_LIST",
	[PULSE_CMD_GET_SAMPLE_INFO] = "GET_SAMPLE_INFO",
	[PULSE_CMD_GET_SAMPLE_INFO_LIST] = "GET_SAMPLE_INFO_LIST",
	[PULSE_CMD_SUBSCRIBE] = "SUBSCRIBE",
	[PULSE_CMD_SET_SINK_VOLUME] = "SET_SINK_VOLUME",
	[PULSE_CMD_SET_SINK_INPUT_VOLUME] = "SET_SINK_INPUT_VOLUME",
	[PULSE_CMD_SET_SOURCE_VOLUME] = "SET_SOURCE_VOLUME",
	[PULSE_CMD_SET_SINK_MUTE] = "SET_SINK_MUTE",
	[PULSE_CMD_SET_SOURCE_MUTE] = "SET_SOURCE_MUTE",
	[PULSE_CMD_CORK_PLAYBACK_STREAM] = "CORK_PLAYBACK_STREAM",
	[PULSE_CMD_FLUSH_PLAYBACK_STREAM] = "FLUSH_PLAYBACK_STREAM",
	[PULSE_CMD_TRIGGER_PLAYBACK_STREAM] = "TRIGGER_PLAYBACK_STREAM",
	[PULSE_CMD_SET_DEFAULT_SINK] = "SET_DEFAULT_SINK",
	[PULSE_CMD_SET_DEFAULT_SOURCE] = "SET_DEFAULT_SOURCE",
	[PULSE_CMD_SET_PLAYBACK_STREAM_NAME] = "SET_PLAYBACK_STREAM_NAME",
	[PULSE_CMD_SET_RECORD_STREAM_NAME] = "SET_RECORD_STREAM_NAME",
	[PULSE_CMD_KILL_CLIENT] = "KILL_CLIENT",
	[PULSE_CMD_KILL_SINK_INPUT] = "KILL_SINK_INPUT",
	[PULSE_CMD_KILL_SOURCE_OUTPUT] = "KILL_SOURCE_OUTPUT",
	[PULSE_CMD_LOAD_MODULE] = "LOAD_MODULE",
	[PULSE_CMD_UNLOAD_MODULE] = "UNLOAD_MODULE",
	[PULSE_CMD_ADD_AUTOLOAD___OBSOLETE] = "ADD_AUTOLOAD___OBSOLETE",
	[PULSE_CMD_REMOVE_AUTOLOAD___OBSOLETE] = "REMOVE_AUTOLOAD___OBSOLETE",
	[PULSE_CMD_GET_AUTOLOAD_INFO___OBSOLETE] = "GET_AUTOLOAD_INFO___OBSOLETE",
	[PULSE_CMD_GET_AUTOLOAD_INFO_LIST___OBSOLETE] = "GET_AUTOLOAD_INFO_LIST___OBSOLETE",
	[PULSE_CMD_GET_RECORD_LATENCY] = "GET_RECORD_LATENCY",
	[PULSE_CMD_CORK_RECORD_STREAM] = "CORK_RECORD_STREAM",
	[PULSE_CMD_FLUSH_RECORD_STREAM] = "FLUSH_RECORD_STREAM",
	[PULSE_CMD_PREBUF_PLAYBACK_STREAM] = "PREBUF_PLAYBACK_STREAM",
	[PULSE_CMD_REQUEST] = "REQUEST",
	[PULSE_CMD_OVERFLOW] = "OVERFLOW",
	[PULSE_CMD_UNDERFLOW] = "UNDERFLOW",
	[PULSE_CMD_PLAYBACK_STREAM_KILLED] = "PLAYBACK_STREAM_KILLED",
	[PULSE_CMD_RECORD_STREAM_KILLED] = "RECORD_STREAM_KILLED",
	[PULSE_CMD_SUBSCRIBE_EVENT] = "SUBSCRIBE_EVENT",
	[PULSE_CMD_MOVE_SINK_INPUT] = "MOVE_SINK_INPUT",
	[PULSE_CMD_MOVE_SOURCE_OUTPUT] = "MOVE_SOURCE_OUTPUT",
	[PULSE_CMD_SET_SINK_INPUT_MUTE] = "SET_SINK_INPUT_MUTE",
	[PULSE_CMD_SUSPEND_SINK] = "SUSPEND_SINK",
	[PULSE_CMD_SUSPEND_SOURCE] = "SUSPEND_SOURCE",
	[PULSE_CMD_SET_PLAYBACK_STREAM_BUFFER_ATTR] = "SET_PLAYBACK_STREAM_BUFFER_ATTR",
	[PULSE_CMD_SET_RECORD_STREAM_BUFFER_ATTR] = "SET_RECORD_STREAM_BUFFER_ATTR",
	[PULSE_CMD_UPDATE_PLAYBACK_STREAM_SAMPLE_RATE] = "UPDATE_PLAYBACK_STREAM_SAMPLE_RATE",
	[PULSE_CMD_UPDATE_RECORD_STREAM_SAMPLE_RATE] = "UPDATE_RECORD_STREAM_SAMPLE_RATE",
	[PULSE_CMD_PLAYBACK_STREAM_SUSPENDED] = "PLAYBACK_STREAM_SUSPENDED",
	[PULSE_CMD_RECORD_STREAM_SUSPENDED] = "RECORD_STREAM_SUSPENDED",
	[PULSE_CMD_PLAYBACK_STREAM_MOVED] = "PLAYBACK_STREAM_MOVED",
	[PULSE_CMD_RECORD_STREAM_MOVED] = "RECORD_STREAM_MOVED",
	[PULSE_CMD_UPDATE_RECORD_STREAM_PROPLIST] = "UPDATE_RECORD_STREAM_PROPLIST",
	[PULSE_CMD_UPDATE_PLAYBACK_STREAM_PROPLIST] = "UPDATE_PLAYBACK_STREAM_PROPLIST",
	[PULSE_CMD_UPDATE_CLIENT_PROPLIST] = "UPDATE_CLIENT_PROPLIST",
	[PULSE_CMD_REMOVE_RECORD_STREAM_PROPLIST] = "REMOVE_RECORD_STREAM_PROPLIST",
	[PULSE_CMD_REMOVE_PLAYBACK_STREAM_PROPLIST] = "REMOVE_PLAYBACK_STREAM_PROPLIST",
	[PULSE_CMD_REMOVE_CLIENT_PROPLIST] = "REMOVE_CLIENT_PROPLIST",
	[PULSE_CMD_STARTED] = "STARTED",
	[PULSE_CMD_EXTENSION] = "EXTENSION",
	[PULSE_CMD_GET_CARD_INFO] = "GET_CARD_INFO",
	[PULSE_CMD_GET_CARD_INFO_LIST] = "GET_CARD_INFO_LIST",
	[PULSE_CMD_SET_CARD_PROFILE] = "SET_CARD_PROFILE",
	[PULSE_CMD_CLIENT_EVENT] = "CLIENT_EVENT",
	[PULSE_CMD_PLAYBACK_STREAM_EVENT] = "PLAYBACK_STREAM_EVENT",
	[PULSE_CMD_RECORD_STREAM_EVENT] = "RECORD_STREAM_EVENT",
	[PULSE_CMD_PLAYBACK_BUFFER_ATTR_CHANGED] = "PLAYBACK_BUFFER_ATTR_CHANGED",
	[PULSE_CMD_RECORD_BUFFER_ATTR_CHANGED] = "RECORD_BUFFER_ATTR_CHANGED",
	[PULSE_CMD_SET_SINK_PORT] = "SET_SINK_PORT",
	[PULSE_CMD_SET_SOURCE_PORT] = "SET_SOURCE_PORT",
	[PULSE_CMD_SET_SOURCE_OUTPUT_VOLUME] = "SET_SOURCE_OUTPUT_VOLUME",
	[PULSE_CMD_SET_SOURCE_OUTPUT_MUTE] = "SET_SOURCE_OUTPUT_MUTE",
	[PULSE_CMD_SET_PORT_LATENCY_OFFSET] = "SET_PORT_LATENCY_OFFSET",
	[PULSE_CMD_ENABLE_SRBCHANNEL] = "ENABLE_SRBCHANNEL",
	[PULSE_CMD_DISABLE_SRBCHANNEL] = "DISABLE_SRBCHANNEL",
	[PULSE_CMD_REGISTER_MEMFD_SHMID] = "REGISTER_MEMFD_SHMID",
	[PULSE_CMD_SEND_OBJECT_MESSAGE] = "SEND_OBJECT_MESSAGE",
};
_Static_assert(ELEMENTSOF(command_names) == PULSE_CMD_MAX, "one name per command");

const char *pulse_command_name(uint32_t command)
{
	return command < PULSE_CMD_MAX ? command_names[command] : NULL;
}

/*
 * What the proxy does with each command from the client. Unlisted
 * commands (0) are denied: the proxy answers them itself with
 * PA_ERR_ACCESS and the server never sees them.
 */
enum policy {
	P_DENY = 0,
	/* Reads server, sink or source info, or acts only on the client's
	 * own connection: protocol-native.c looks a stream's `channel` up in
	 * the connection's own c->output_streams / c->record_streams, so
	 * another client's stream cannot be named. */
	P_ALLOW,
	P_AUTH,
	P_CREATE_PLAYBACK,
	P_CREATE_RECORD,
	P_DELETE_PLAYBACK,
	P_DELETE_RECORD,
	/* SET_SINK_INPUT_VOLUME/MUTE and SET_SOURCE_OUTPUT_VOLUME/MUTE take
	 * a server-wide index (command_set_volume/command_set_mute look it up
	 * in core->sink_inputs / core->source_outputs): allowed only for the
	 * streams this connection created. */
	P_OWN_SINK_INPUT,
	P_OWN_SOURCE_OUTPUT,
};

static const uint8_t client_policy[PULSE_CMD_MAX] = {
	[PULSE_CMD_AUTH] = P_AUTH,
	[PULSE_CMD_SET_CLIENT_NAME] = P_ALLOW,
	[PULSE_CMD_GET_SERVER_INFO] = P_ALLOW,
	[PULSE_CMD_GET_SINK_INFO] = P_ALLOW,
	[PULSE_CMD_GET_SINK_INFO_LIST] = P_ALLOW,
	[PULSE_CMD_GET_SOURCE_INFO] = P_ALLOW,
	[PULSE_CMD_GET_SOURCE_INFO_LIST] = P_ALLOW,
	[PULSE_CMD_CREATE_PLAYBACK_STREAM] = P_CREATE_PLAYBACK,
	[PULSE_CMD_DELETE_PLAYBACK_STREAM] = P_DELETE_PLAYBACK,
	[PULSE_CMD_CREATE_RECORD_STREAM] = P_CREATE_RECORD,
	[PULSE_CMD_DELETE_RECORD_STREAM] = P_DELETE_RECORD,
	[PULSE_CMD_DRAIN_PLAYBACK_STREAM] = P_ALLOW,
	[PULSE_CMD_CORK_PLAYBACK_STREAM] = P_ALLOW,
	[PULSE_CMD_FLUSH_PLAYBACK_STREAM] = P_ALLOW,
	[PULSE_CMD_TRIGGER_PLAYBACK_STREAM] = P_ALLOW,
	[PULSE_CMD_PREBUF_PLAYBACK_STREAM] = P_ALLOW,
	[PULSE_CMD_CORK_RECORD_STREAM] = P_ALLOW,
	[PULSE_CMD_FLUSH_RECORD_STREAM] = P_ALLOW,
	[PULSE_CMD_GET_PLAYBACK_LATENCY] = P_ALLOW,
	[PULSE_CMD_GET_RECORD_LATENCY] = P_ALLOW,
	[PULSE_CMD_SET_PLAYBACK_STREAM_BUFFER_ATTR] = P_ALLOW,
	[PULSE_CMD_SET_RECORD_STREAM_BUFFER_ATTR] = P_ALLOW,
	[PULSE_CMD_UPDATE_PLAYBACK_STREAM_PROPLIST] = P_ALLOW,
	[PULSE_CMD_UPDATE_RECORD_STREAM_PROPLIST] = P_ALLOW,
	[PULSE_CMD_SET_PLAYBACK_STREAM_NAME] = P_ALLOW,
	[PULSE_CMD_SET_RECORD_STREAM_NAME] = P_ALLOW,
	[PULSE_CMD_SET_SINK_INPUT_VOLUME] = P_OWN_SINK_INPUT,
	[PULSE_CMD_SET_SINK_INPUT_MUTE] = P_OWN_SINK_INPUT,
	[PULSE_CMD_SET_SOURCE_OUTPUT_VOLUME] = P_OWN_SOURCE_OUTPUT,
	[PULSE_CMD_SET_SOURCE_OUTPUT_MUTE] = P_OWN_SOURCE_OUTPUT,
};

/*
 * What the server may send the client: replies, and the stream events
 * libpulse's context.c command_table handles for a playback/record
 * client. Dropped: SUBSCRIBE_EVENT and EXTENSION (the client cannot
 * subscribe through the proxy), ENABLE/DISABLE_SRBCHANNEL and
 * REGISTER_MEMFD_SHMID (shared memory, which the proxy never negotiates:
 * protocol-native.c setup_srbchannel needs SHM).
 */
static const bool server_passes[PULSE_CMD_MAX] = {
	[PULSE_CMD_ERROR] = true,
	[PULSE_CMD_REPLY] = true,
	[PULSE_CMD_REQUEST] = true,
	[PULSE_CMD_OVERFLOW] = true,
	[PULSE_CMD_UNDERFLOW] = true,
	[PULSE_CMD_PLAYBACK_STREAM_KILLED] = true,
	[PULSE_CMD_RECORD_STREAM_KILLED] = true,
	[PULSE_CMD_PLAYBACK_STREAM_SUSPENDED] = true,
	[PULSE_CMD_RECORD_STREAM_SUSPENDED] = true,
	[PULSE_CMD_PLAYBACK_STREAM_MOVED] = true,
	[PULSE_CMD_RECORD_STREAM_MOVED] = true,
	[PULSE_CMD_STARTED] = true,
	[PULSE_CMD_CLIENT_EVENT] = true,
	[PULSE_CMD_PLAYBACK_STREAM_EVENT] = true,
	[PULSE_CMD_RECORD_STREAM_EVENT] = true,
	[PULSE_CMD_PLAYBACK_BUFFER_ATTR_CHANGED] = true,
	[PULSE_CMD_RECORD_BUFFER_ATTR_CHANGED] = true,
};

/* ------------------------------------------------------------- frames */

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int pulse_desc_parse(const uint8_t raw[PULSE_DESC_SIZE], struct pulse_desc *ret)
{
	struct pulse_desc d = {
		.length = get_be32(raw),
		.channel = get_be32(raw + 4),
		.offset_hi = get_be32(raw + 8),
		.offset_lo = get_be32(raw + 12),
		.flags = get_be32(raw + 16),
	};

	/* pstream.c do_read: a packet has flags 0; a memblock has a seek
	 * mode and, without SHM, nothing else (pstream.c prepare_next_write
	 * sets flags = seek_mode unless the block is sent by reference).
	 * Release/revoke frames (flags SHMRELEASE/SHMREVOKE, length 0) exist
	 * only with SHM. */
	if (d.channel == PULSE_CHANNEL_PACKET) {
		if (d.flags != 0)
			return -EPROTO;
	} else if ((d.flags & ~PULSE_FLAG_SEEKMASK) != 0 || d.flags > PULSE_SEEK_MAX) {
		return -EPROTO;
	}
	/* do_read refuses length 0 and more than FRAME_SIZE_MAX_ALLOW. */
	if (d.length == 0 || d.length > PULSE_FRAME_MAX)
		return -EMSGSIZE;
	*ret = d;
	return 0;
}

void pulse_desc_pack(const struct pulse_desc *d, uint8_t raw[PULSE_DESC_SIZE])
{
	put_be32(raw, d->length);
	put_be32(raw + 4, d->channel);
	put_be32(raw + 8, d->offset_hi);
	put_be32(raw + 12, d->offset_lo);
	put_be32(raw + 16, d->flags);
}

void pulse_error_frame(uint32_t tag, uint32_t error, uint8_t out[PULSE_ERROR_FRAME_SIZE])
{
	const uint32_t v[3] = { PULSE_CMD_ERROR, tag, error };
	const struct pulse_desc d = {
		.length = PULSE_ERROR_FRAME_SIZE - PULSE_DESC_SIZE,
		.channel = PULSE_CHANNEL_PACKET,
	};

	pulse_desc_pack(&d, out);
	for (size_t i = 0; i < 3; i++) {
		out[PULSE_DESC_SIZE + 5 * i] = 'L';
		put_be32(out + PULSE_DESC_SIZE + 5 * i + 1, v[i]);
	}
}

/* ---------------------------------------------------------- tagstruct */

/* The tags of tagstruct.h (v16.1). */
enum {
	TAG_STRING = 't',
	TAG_STRING_NULL = 'N',
	TAG_U32 = 'L',
	TAG_U8 = 'B',
	TAG_U64 = 'R',
	TAG_S64 = 'r',
	TAG_SAMPLE_SPEC = 'a',
	TAG_ARBITRARY = 'x',
	TAG_BOOLEAN_TRUE = '1',
	TAG_BOOLEAN_FALSE = '0',
	TAG_TIMEVAL = 'T',
	TAG_USEC = 'U',
	TAG_CHANNEL_MAP = 'm',
	TAG_CVOLUME = 'v',
	TAG_PROPLIST = 'P',
	TAG_VOLUME = 'V',
	TAG_FORMAT_INFO = 'f',
};
/* sample.h PA_CHANNELS_MAX; tagstruct.c MAX_TAG_SIZE (a property's
 * largest value). */
#define CHANNELS_MAX 32u
#define PROP_VALUE_MAX (64u * 1024)

static int advance(struct pulse_ts *t, size_t n)
{
	if (t->len - t->pos < n)
		return -EBADMSG;
	t->pos += n;
	return 0;
}

static int read_tag(struct pulse_ts *t, uint8_t tag)
{
	if (t->pos >= t->len || t->data[t->pos] != tag)
		return -EBADMSG;
	t->pos++;
	return 0;
}

static int read_raw32(struct pulse_ts *t, uint32_t *ret)
{
	if (t->len - t->pos < 4)
		return -EBADMSG;
	*ret = get_be32(t->data + t->pos);
	t->pos += 4;
	return 0;
}

int pulse_ts_get_u32(struct pulse_ts *t, uint32_t *ret)
{
	size_t start = t->pos;

	if (read_tag(t, TAG_U32) < 0 || read_raw32(t, ret) < 0) {
		t->pos = start;
		return -EBADMSG;
	}
	return 0;
}

/* The bytes of a 't' string after its tag: up to and including a NUL. */
static int skip_cstring(struct pulse_ts *t, bool *ret_key_ok)
{
	const uint8_t *s = t->data + t->pos;
	const uint8_t *nul = memchr(s, 0, t->len - t->pos);
	bool ascii = true;

	if (!nul)
		return -EBADMSG;
	for (const uint8_t *c = s; c < nul; c++)
		ascii = ascii && *c < 0x80;
	/* proplist.c pa_proplist_key_valid: ASCII and not empty. */
	if (ret_key_ok)
		*ret_key_ok = ascii && nul > s;
	t->pos += (size_t)(nul - s) + 1;
	return 0;
}

/* After a 'P' tag: (key string, 'L' length, 'x' length bytes)* ended by
 * a null string, as tagstruct.c pa_tagstruct_get_proplist reads it. */
static int skip_proplist_body(struct pulse_ts *t)
{
	for (;;) {
		uint32_t n, n2;
		bool key_ok;

		if (t->pos >= t->len)
			return -EBADMSG;
		if (t->data[t->pos] == TAG_STRING_NULL) {
			t->pos++;
			return 0;
		}
		if (read_tag(t, TAG_STRING) < 0 || skip_cstring(t, &key_ok) < 0 || !key_ok)
			return -EBADMSG;
		if (pulse_ts_get_u32(t, &n) < 0 || n > PROP_VALUE_MAX)
			return -EBADMSG;
		if (read_tag(t, TAG_ARBITRARY) < 0 || read_raw32(t, &n2) < 0 || n2 != n ||
		    advance(t, n) < 0)
			return -EBADMSG;
	}
}

int pulse_ts_skip(struct pulse_ts *t)
{
	size_t start = t->pos;
	uint32_t n;
	uint8_t tag;
	int r;

	if (t->pos >= t->len)
		return -EBADMSG;
	tag = t->data[t->pos++];
	switch (tag) {
	case TAG_STRING:
		r = skip_cstring(t, NULL);
		break;
	case TAG_STRING_NULL:
	case TAG_BOOLEAN_TRUE:
	case TAG_BOOLEAN_FALSE:
		r = 0;
		break;
	case TAG_U8:
		r = advance(t, 1);
		break;
	case TAG_U32:
	case TAG_VOLUME:
		r = advance(t, 4);
		break;
	case TAG_SAMPLE_SPEC: /* u8 format, u8 channels, u32 rate */
		r = advance(t, 6);
		break;
	case TAG_U64:
	case TAG_S64:
	case TAG_USEC:
	case TAG_TIMEVAL: /* two u32: seconds, microseconds */
		r = advance(t, 8);
		break;
	case TAG_ARBITRARY:
		r = read_raw32(t, &n) < 0 ? -EBADMSG : advance(t, n);
		break;
	case TAG_CHANNEL_MAP: /* u8 count, count u8 positions */
	case TAG_CVOLUME:     /* u8 count, count u32 volumes */
		if (t->pos >= t->len || t->data[t->pos] > CHANNELS_MAX) {
			r = -EBADMSG;
			break;
		}
		n = t->data[t->pos++];
		r = advance(t, tag == TAG_CVOLUME ? 4 * (size_t)n : n);
		break;
	case TAG_PROPLIST:
		r = skip_proplist_body(t);
		break;
	case TAG_FORMAT_INFO: /* a tagged u8 encoding, then a proplist */
		r = read_tag(t, TAG_U8) < 0 || advance(t, 1) < 0 || read_tag(t, TAG_PROPLIST) < 0
			    ? -EBADMSG
			    : skip_proplist_body(t);
		break;
	default:
		r = -EBADMSG;
		break;
	}
	if (r < 0)
		t->pos = start;
	return r;
}

int pulse_ts_validate(const uint8_t *data, size_t len)
{
	struct pulse_ts t = { .data = data, .len = len };

	while (t.pos < t.len)
		if (pulse_ts_skip(&t) < 0)
			return -EBADMSG;
	return 0;
}

/* ------------------------------------------------------------- filter */

void pulse_filter_init(struct pulse_filter *f)
{
	memset(f, 0, sizeof(*f));
}

static int pending_find(const struct pulse_filter *f, uint32_t tag)
{
	for (size_t i = 0; i < f->n_pending; i++)
		if (f->pending[i].tag == tag)
			return (int)i;
	return -1;
}

static size_t pending_count(const struct pulse_filter *f, uint32_t command)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n_pending; i++)
		n += f->pending[i].command == command;
	return n;
}

/* Remembers that the reply to `tag` must be read; false when the table
 * is full or the tag is already waited for (libpulse never reuses a tag
 * in flight: pa_tagstruct_command takes c->ctag++). */
static bool pending_add(struct pulse_filter *f, uint32_t tag, uint32_t command)
{
	if (f->n_pending >= PULSE_MAX_PENDING || pending_find(f, tag) >= 0)
		return false;
	f->pending[f->n_pending].tag = tag;
	f->pending[f->n_pending].command = command;
	f->n_pending++;
	return true;
}

static bool streams_have_index(const struct pulse_stream_ref *s, size_t n, uint32_t index)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].index == index)
			return true;
	return false;
}

static void streams_drop_channel(struct pulse_stream_ref *s, size_t *n, uint32_t channel)
{
	for (size_t i = 0; i < *n; i++)
		if (s[i].channel == channel) {
			s[i] = s[--*n];
			return;
		}
}

/* The u32 argument after command and tag, and where its value sits. */
static int first_arg(uint8_t *pkt, size_t len, uint32_t *ret, size_t *ret_off)
{
	struct pulse_ts t = { .data = pkt, .len = len, .pos = 10 };

	if (len < 10 || pulse_ts_get_u32(&t, ret) < 0)
		return -EBADMSG;
	if (ret_off)
		*ret_off = t.pos - 4;
	return 0;
}

static void clear_shm_bits(uint8_t *p)
{
	put_be32(p, get_be32(p) & ~(PULSE_PROTOCOL_FLAG_SHM | PULSE_PROTOCOL_FLAG_MEMFD));
}

enum pulse_verdict pulse_filter_client(struct pulse_filter *f, uint8_t *pkt, size_t len,
				       uint32_t *ret_command, uint32_t *ret_tag)
{
	struct pulse_ts t = { .data = pkt, .len = len };
	uint32_t command, tag, arg;
	size_t off;
	bool ok;

	/* pdispatch.c pa_pdispatch_run: command and tag first. The whole
	 * packet must parse, so the server's parser only ever sees
	 * well-formed tagstructs from the box. */
	if (pulse_ts_get_u32(&t, &command) < 0 || pulse_ts_get_u32(&t, &tag) < 0 ||
	    pulse_ts_validate(pkt, len) < 0)
		return PULSE_MALFORMED;
	*ret_command = command;
	*ret_tag = tag;

	switch (command < PULSE_CMD_MAX ? client_policy[command] : P_DENY) {
	case P_ALLOW:
		ok = true;
		break;
	case P_AUTH:
		/* protocol-native.c command_auth: version (flags in the high
		 * bits), then the cookie. Clearing SHM and memfd makes the
		 * server pick private memory (do_shm false): every sample then
		 * travels in the frames, through this proxy, and no memory or
		 * descriptor is shared between the box and the server. */
		ok = first_arg(pkt, len, &arg, &off) == 0 && pending_add(f, tag, command);
		if (ok)
			clear_shm_bits(pkt + off);
		break;
	case P_CREATE_PLAYBACK:
		ok = f->n_playback + pending_count(f, command) < PULSE_MAX_STREAMS &&
		     pending_add(f, tag, command);
		break;
	case P_CREATE_RECORD:
		ok = f->n_record + pending_count(f, command) < PULSE_MAX_STREAMS &&
		     pending_add(f, tag, command);
		break;
	case P_DELETE_PLAYBACK:
		ok = first_arg(pkt, len, &arg, NULL) == 0;
		if (ok)
			streams_drop_channel(f->playback, &f->n_playback, arg);
		break;
	case P_DELETE_RECORD:
		ok = first_arg(pkt, len, &arg, NULL) == 0;
		if (ok)
			streams_drop_channel(f->record, &f->n_record, arg);
		break;
	case P_OWN_SINK_INPUT:
		ok = first_arg(pkt, len, &arg, NULL) == 0 &&
		     streams_have_index(f->playback, f->n_playback, arg);
		break;
	case P_OWN_SOURCE_OUTPUT:
		ok = first_arg(pkt, len, &arg, NULL) == 0 &&
		     streams_have_index(f->record, f->n_record, arg);
		break;
	default:
		ok = false;
		break;
	}
	if (!ok) {
		f->n_denied++;
		return PULSE_DENY;
	}
	return PULSE_FORWARD;
}

/* A reply to a request the filter waits for. */
static enum pulse_verdict on_reply(struct pulse_filter *f, uint8_t *pkt, size_t len,
				   uint32_t command, uint32_t tag)
{
	int i = pending_find(f, tag);
	uint32_t request, channel, index;
	struct pulse_ts t = { .data = pkt, .len = len, .pos = 10 };
	size_t off;

	if (i < 0)
		return PULSE_FORWARD;
	request = f->pending[i].command;
	f->pending[i] = f->pending[--f->n_pending];
	if (command != PULSE_CMD_REPLY)
		return PULSE_FORWARD;

	switch (request) {
	case PULSE_CMD_AUTH:
		/* The server's version word carries its flags too; the server
		 * sets none when the client offered none, cleared here all
		 * the same. */
		if (first_arg(pkt, len, &index, &off) < 0)
			return PULSE_MALFORMED;
		clear_shm_bits(pkt + off);
		return PULSE_FORWARD;
	case PULSE_CMD_CREATE_PLAYBACK_STREAM:
	case PULSE_CMD_CREATE_RECORD_STREAM:
		/* protocol-native.c command_create_{playback,record}_stream:
		 * the reply starts with the stream's channel (s->index) and
		 * its sink input / source output index. */
		if (pulse_ts_get_u32(&t, &channel) < 0 || pulse_ts_get_u32(&t, &index) < 0)
			return PULSE_MALFORMED;
		if (request == PULSE_CMD_CREATE_PLAYBACK_STREAM && f->n_playback < PULSE_MAX_STREAMS)
			f->playback[f->n_playback++] = (struct pulse_stream_ref){ channel, index };
		else if (request == PULSE_CMD_CREATE_RECORD_STREAM && f->n_record < PULSE_MAX_STREAMS)
			f->record[f->n_record++] = (struct pulse_stream_ref){ channel, index };
		return PULSE_FORWARD;
	default:
		return PULSE_FORWARD;
	}
}

enum pulse_verdict pulse_filter_server(struct pulse_filter *f, uint8_t *pkt, size_t len)
{
	struct pulse_ts t = { .data = pkt, .len = len };
	uint32_t command, tag, channel;

	if (pulse_ts_get_u32(&t, &command) < 0 || pulse_ts_get_u32(&t, &tag) < 0)
		return PULSE_MALFORMED;
	if (command == PULSE_CMD_REPLY || command == PULSE_CMD_ERROR)
		return on_reply(f, pkt, len, command, tag);
	/* stream.c pa_command_stream_killed: command, tag, channel. The
	 * stream is gone; its index no longer belongs to this client. */
	if (command == PULSE_CMD_PLAYBACK_STREAM_KILLED || command == PULSE_CMD_RECORD_STREAM_KILLED) {
		if (pulse_ts_get_u32(&t, &channel) < 0)
			return PULSE_MALFORMED;
		if (command == PULSE_CMD_PLAYBACK_STREAM_KILLED)
			streams_drop_channel(f->playback, &f->n_playback, channel);
		else
			streams_drop_channel(f->record, &f->n_record, channel);
	}
	if (command < PULSE_CMD_MAX && server_passes[command])
		return PULSE_FORWARD;
	f->n_dropped++;
	return PULSE_DROP;
}
